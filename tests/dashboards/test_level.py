"""The level view (issue 13 items 5 and 6): per county-level federation, its round's figures, the
table on the city overview and the bulletin, and the map's data (coloured as the matrix).

On ``ON`` (2024-05-15) only the first quarter (due 2024-04-10) counts as due. In the small city of
``conftest.py`` 鲤城区妇联 reported project 1 on time and never reported project 2; 晋江市妇联
reported project 2 late; here a street of 晋江 (青阳街道妇联) also reports project 1 on time.
"""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from dashboards import selectors
from dashboards.status import Status, colours
from tests.dashboards import factories
from tests.dashboards.conftest import ON
from units.models import Organisation

AS_OF = {"on": ON.isoformat()}


@pytest.fixture
def street(city):
    """青阳街道妇联 under 晋江市妇联, carrying project 1 and reporting it on time (40 %)."""
    street = factories.organisation(
        "青阳街道妇联", Organisation.Kind.TOWNSHIP_FEDERATION, 600, parent=city.jinjiang
    )
    assignment = factories.assignment(city.volunteers, street, datetime.date(2024, 12, 31))
    factories.report(assignment, 1, 40, datetime.date(2024, 4, 9))
    return street


def rows_by_name(user, params=AS_OF, **options) -> dict[str, selectors.LevelRow]:
    filters = selectors.read_filters(user, params)
    return {row.unit_name: row for row in selectors.level(user, filters, **options)}


def test_a_county_with_one_report_late_and_one_on_time_has_an_on_time_rate_of_50(cast, city, street):
    rows = rows_by_name(cast["leader"])
    jinjiang = rows["晋江市妇联"]
    # its own project 2 (reported late) and its street's project 1 (on time)
    assert (jinjiang.assignments, jinjiang.projects) == (2, 2)
    assert (jinjiang.expected, jinjiang.on_time, jinjiang.late, jinjiang.missing) == (2, 1, 1, 0)
    assert jinjiang.on_time_rate == 50.0
    assert jinjiang.area == "晋江市"
    # done (project 2) and on track (the street): the most severe is on track
    assert jinjiang.status == Status.ON_TRACK


def test_each_county_counts_its_own_assignments_and_takes_its_most_severe_status(cast, city, street):
    rows = rows_by_name(cast["leader"])
    assert list(rows) == ["鲤城区妇联", "丰泽区妇联", "晋江市妇联"]  # official order, no departments
    licheng, fengze = rows["鲤城区妇联"], rows["丰泽区妇联"]
    assert (licheng.expected, licheng.on_time, licheng.late, licheng.missing) == (2, 1, 0, 1)
    assert licheng.on_time_rate == 50.0
    assert licheng.status == Status.BEHIND  # on track and behind
    assert (fengze.expected, fengze.missing, fengze.on_time_rate) == (1, 1, 0.0)
    assert (fengze.status, fengze.overdue) == (Status.OVERDUE, 1)


def test_before_the_first_due_date_nothing_is_due_and_the_rate_is_empty(cast, city):
    rows = rows_by_name(cast["leader"], {"on": "2024-04-01"})
    assert all(row.expected == 0 and row.on_time_rate is None for row in rows.values())


def test_a_county_can_be_given_a_round_of_its_own(cast, city):
    # When counties issue their own rounds (another helper's work), the caller maps county → rounds.
    own = factories.campaign(2025)
    factories.assignment(
        factories.project(own, 1, "鲤城区自选项目"), city.licheng, datetime.date(2025, 12, 31)
    )
    rows = rows_by_name(cast["leader"], campaigns={city.licheng.pk: [own.pk]})
    assert rows["鲤城区妇联"].assignments == 1  # its own round only, not the city's two
    assert rows["鲤城区妇联"].expected == 0  # nothing of 2025 is due in May 2024
    assert rows["丰泽区妇联"].assignments == 0 and rows["丰泽区妇联"].campaign_ids == ()
    both = rows_by_name(cast["leader"], campaigns={city.licheng.pk: [own.pk, city.campaign.pk]})
    assert both["鲤城区妇联"].assignments == 3
    assert both["鲤城区妇联"].expected == 2


def test_a_reporter_sees_only_their_own_county(cast, city):
    rows = rows_by_name(cast["reporter"])
    assert list(rows) == ["鲤城区妇联"]


def test_county_names_match_the_areas_of_the_vendored_map():
    geometry = (Path(settings.BASE_DIR) / "static/vendor/echarts/quanzhou.js").read_text(encoding="utf-8")
    assert "echarts.registerMap('泉州'" in geometry
    assert tuple(re.findall(r'"name":"([^"]+)"', geometry)) == selectors.MAP_AREAS
    assert selectors.map_area("鲤城区妇联") == "鲤城区"
    assert selectors.map_area("南安市妇女联合会") == "南安市"
    assert selectors.map_area("泉州经济技术开发区妇工委") is None
    assert selectors.map_area("金门县") == "金门县"


def test_the_fixture_counties_all_find_their_area():
    fixture = json.loads(
        (Path(settings.BASE_DIR) / "fixtures/campaign_2014.json").read_text(encoding="utf-8")
    )
    counties = [
        row["fields"]["name"]
        for row in fixture
        if row["model"] == "units.organisation" and row["fields"]["kind"] == "county_federation"
    ]
    assert counties
    areas = {selectors.map_area(name) for name in counties}
    assert None not in areas
    assert set(selectors.MAP_AREAS) - areas == {"金门县"}


def map_data(response) -> dict:
    found = re.search(
        r'<script id="county-map-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert found, "the map's data is missing"
    return json.loads(found.group(1))


@pytest.mark.parametrize("page", ["overview", "bulletin"])
def test_the_page_shows_the_counties_table_and_the_map_data_coloured_as_the_matrix(
    client, cast, city, street, page
):
    client.force_login(cast["leader"])
    response = client.get(
        reverse(f"dashboards:{page}"), {**AS_OF, "period": "all"} if page == "bulletin" else AS_OF
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "各县（市、区）进展一览" in html
    assert 'data-county-map="county-map-data"' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/county-map.js" in html
    areas = {area["name"]: area for area in map_data(response)["areas"]}
    assert set(areas) == set(selectors.MAP_AREAS)
    palette = colours()
    assert areas["鲤城区"]["colour"] == palette[Status.BEHIND]["background"]
    assert areas["丰泽区"]["colour"] == palette[Status.OVERDUE]["background"]
    assert areas["晋江市"]["on_time_rate"] == 50.0
    assert areas["鲤城区"]["url"].startswith(reverse("dashboards:unit", args=[city.licheng.pk]) + "?")
    assert areas["金门县"]["url"] == "" and areas["金门县"]["status"] == ""
    assert areas["南安市"]["label"] == "本系统未设该地妇联"
    # the table: a row per county with its rate, linking to the county's page
    assert re.search(r"晋江市妇联</a></th>.*?<td class=\"num\">50\.0</td>", html, re.S)


def test_a_department_page_has_no_level_view(client, cast, city):
    client.force_login(cast["leader"])
    response = client.get(reverse("dashboards:department", args=[city.publicity.pk]), AS_OF)
    assert response.status_code == 200
    assert "county-map-data" not in response.content.decode()
