"""A county's own round on the overview (issue 13 item 5): 晋江市妇联 issues a 2014 round of two
projects to three streets; its overview shows that round as the city's overview shows the city's
(projects × streets, totals, a level view of the streets), the city's level view links 晋江 to it,
another county's administrator never sees it, and the year switcher names the issuers.

On ``ON`` (2014-05-15) only the first quarter (due 2014-04-10) is due: 青阳 reported project 1 on
time, 西园 reported project 2 late, 梅岭 never reported project 1.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Campaign
from tests.dashboards import factories
from units.models import Membership, Organisation

ON = datetime.date(2014, 5, 15)
AS_OF = {"on": ON.isoformat()}
STREETS = ("青阳街道妇联", "梅岭街道妇联", "西园街道妇联")


@dataclass
class Jinjiang:
    city_round: Campaign
    county_round: Campaign
    jinjiang: Organisation
    nanan: Organisation
    leader: object
    jinjiang_admin: object
    nanan_admin: object


def add_street(county_round, jinjiang, name: str, order: int, project, reported_on=None):
    """A street of 晋江 carrying ``project`` of 晋江's round, reporting the first quarter on
    ``reported_on`` (never if None)."""
    street = factories.organisation(name, Organisation.Kind.TOWNSHIP_FEDERATION, order, parent=jinjiang)
    assignment = factories.assignment(project, street, datetime.date(2014, 12, 31))
    if reported_on is not None:
        factories.report(assignment, 1, 40, reported_on)
    return street


@pytest.fixture
def world(db) -> Jinjiang:
    city_round = factories.campaign(2014)
    city = city_round.issuing_body
    jinjiang = factories.organisation("晋江市妇联", order=106, parent=city)
    nanan = factories.organisation("南安市妇联", order=107, parent=city)
    city_project = factories.project(city_round, 1, "巾帼志愿服务")
    factories.assignment(city_project, jinjiang, datetime.date(2014, 12, 31))
    factories.assignment(city_project, nanan, datetime.date(2014, 12, 31))
    county_round = factories.campaign(2014, issuing_body=jinjiang)
    first = factories.project(county_round, 1, "晋江巾帼创业")
    second = factories.project(county_round, 2, "晋江家风建设")
    add_street(county_round, jinjiang, STREETS[0], 601, first, datetime.date(2014, 4, 9))
    add_street(county_round, jinjiang, STREETS[1], 602, first)
    add_street(county_round, jinjiang, STREETS[2], 603, second, datetime.date(2014, 4, 20))
    role = Membership.Role
    return Jinjiang(
        city_round,
        county_round,
        jinjiang,
        nanan,
        factories.user("leader", role.LEADER, city),
        factories.user("jinjiang_admin", role.FEDERATION_ADMIN, jinjiang),
        factories.user("nanan_admin", role.FEDERATION_ADMIN, nanan),
    )


def overview(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("dashboards:overview"), {**AS_OF, **params})
    assert response.status_code == 200
    return response


def test_the_county_admins_overview_shows_its_round_one_level_down(client, world):
    response = overview(client, world.jinjiang_admin)
    assert response.context["filters"].campaign == world.county_round  # its own round by default
    rows = {row.unit_name: row for row in response.context["level"]}
    assert list(rows) == list(STREETS)  # the streets, in the official order; not the counties
    qingyang, meiling, xiyuan = (rows[name] for name in STREETS)
    assert (qingyang.assignments, qingyang.on_time, qingyang.on_time_rate) == (1, 1, 100.0)
    assert (meiling.missing, meiling.on_time_rate) == (1, 0.0)
    assert (xiyuan.late, xiyuan.on_time_rate, xiyuan.projects) == (1, 0.0, 1)
    html = response.text
    assert "各乡镇（街道）进展一览" in html and '<th scope="col">乡镇（街道）</th>' in html
    assert "<h1>2014年 晋江市妇联督办一览</h1>" in html
    assert "county-map-data" not in html  # the map is of the counties only
    # the matrix: its projects × its streets, with the totals of the period
    matrix = response.context["data"]
    assert [unit.name for unit, _cells in matrix.rows] == list(STREETS)
    assert [project.title for project in matrix.projects] == ["晋江巾帼创业", "晋江家风建设"]
    assert (matrix.totals.expected, matrix.totals.on_time, matrix.totals.late) == (3, 1, 1)
    assert "巾帼志愿服务" not in html  # the city's project is in the city's round


def test_the_city_choosing_jinjiangs_round_sees_the_same_streets(client, world):
    response = overview(client, world.leader, campaign=world.county_round.pk)
    assert [row.unit_name for row in response.context["level"]] == list(STREETS)
    assert response.context["level_below_county"] is True


def test_the_citys_level_view_links_jinjiang_to_its_round(client, world):
    response = overview(client, world.leader)
    assert response.context["filters"].campaign == world.city_round
    rows = {row.unit_name: row for row in response.context["level"]}
    link = f'href="/dashboards/?campaign={world.county_round.pk}&amp;on=2014-05-15"'
    assert f"{link}>本级争创活动</a>" in response.text
    assert rows["南安市妇联"].round_query == ""  # no round of its own: no link
    assert response.text.count(">本级争创活动</a>") == 1
    areas = {area["name"]: area for area in response.context["county_map"]["areas"]}
    assert areas["晋江市"]["url"] == f"/dashboards/?campaign={world.county_round.pk}&on=2014-05-15"
    assert areas["南安市"]["url"].startswith(f"/dashboards/units/{world.nanan.pk}/")


def test_another_countys_admin_never_gets_jinjiangs_round(client, world):
    response = overview(client, world.nanan_admin, campaign=world.county_round.pk)
    filters = response.context["filters"]
    assert world.county_round not in filters.campaigns  # not listed in the switchers
    assert filters.campaign == world.city_round  # the foreign id is ignored
    assert [row.unit_name for row in response.context["level"]] == ["南安市妇联"]
    assert all(row.round_query == "" for row in response.context["level"])
    for name in (*STREETS, "晋江巾帼创业", "晋江市妇联"):
        assert name not in response.text
    # Nor its streets' pages.
    street = Organisation.objects.get(name=STREETS[0])
    assert client.get(reverse("dashboards:unit", args=[street.pk]), AS_OF).status_code == 404


def test_the_year_switcher_names_the_issuer_of_two_rounds_in_one_year(client, world):
    response = overview(client, world.leader)
    labels = [link["label"] for link in response.context["filters"].year_links()]
    assert labels == ["2014年（泉州市妇联）", "2014年（晋江市妇联）"]
    assert '<strong aria-current="page">2014年（泉州市妇联）</strong>' in response.text
    assert "2014年（晋江市妇联）</a>" in response.text
    assert "2014年（晋江市妇联） 晋江市妇联争六好、创特色</option>" in response.text
    # The county's admin sees only its own round of 2014 and the city's project it carries.
    own = overview(client, world.jinjiang_admin).context["filters"]
    assert [link["label"] for link in own.year_links()] == ["2014年（晋江市妇联）", "2014年（泉州市妇联）"]


def test_the_county_overview_costs_the_same_queries_for_two_or_four_streets(
    client, world, django_assert_num_queries
):
    # A county of its own for this count: 石狮市妇联's round, two streets, then four.
    shishi = factories.organisation("石狮市妇联", order=105, parent=world.city_round.issuing_body)
    own = factories.campaign(2014, issuing_body=shishi)
    first = factories.project(own, 1, "石狮巾帼创业")
    second = factories.project(own, 2, "石狮家风建设")
    add_street(own, shishi, "湖滨街道妇联", 701, first, datetime.date(2014, 4, 9))
    add_street(own, shishi, "凤里街道妇联", 702, second)
    admin = factories.user("shishi_admin", Membership.Role.FEDERATION_ADMIN, shishi)
    client.force_login(admin)
    url = reverse("dashboards:overview")
    client.get(url, AS_OF)  # warm up (session, translations)
    with CaptureQueriesContext(connection) as two:
        response = client.get(url, AS_OF)
    assert len(response.context["level"]) == 2
    add_street(own, shishi, "锦尚镇妇联", 703, second, datetime.date(2014, 4, 20))
    add_street(own, shishi, "灵秀镇妇联", 704, first)
    with django_assert_num_queries(len(two)):
        response = client.get(url, AS_OF)
    assert len(response.context["level"]) == 4
    assert [unit.name for unit, _cells in response.context["data"].rows][-1] == "灵秀镇妇联"


def test_the_reporting_pages_switcher_names_the_issuers_too(world, django_assert_num_queries):
    from reporting.selectors import year_choice
    from units.roles import membership_of

    membership_of(world.leader)  # cached on the user, as on every request
    with django_assert_num_queries(1):  # the rounds with their issuers
        links = year_choice(world.leader, None, ON).links
    assert {link["label"] for link in links} == {"2014年（泉州市妇联）", "2014年（晋江市妇联）"}


def test_the_bulletin_of_jinjiangs_round_has_the_streets_table_too(client, world):
    client.force_login(world.jinjiang_admin)
    response = client.get(reverse("dashboards:bulletin"), AS_OF)
    assert response.status_code == 200
    assert [row.unit_name for row in response.context["level"]] == list(STREETS)
    assert "各乡镇（街道）进展一览" in response.text
    assert response.context["rows"][0].unit_name == STREETS[0]  # on time: first
