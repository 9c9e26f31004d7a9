"""The level view cached and the bulletin at the level of counties (issues 13 and 16, province scale).

The small city of ``conftest.py`` grown by townships under 鲤城区妇联 and 晋江市妇联, each carrying
巾帼志愿服务 with a step and a report (on time, late or missing in turn). The bulletin opens at the
level of counties when its units do not fit one page of its table; here the page is made two rows
long (``BULLETIN_UNITS_PER_PAGE``) so that a few townships are "province scale".

The figures must be exactly those of the slow path: the level view judged from every cell
(``selectors.level_rows`` with ``iter_cells``, as the bulletin read it before), with the matrix's
rules (``selectors.judge``), whatever was cached before a write.
"""

import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dashboards import selectors
from projects.models import Milestone
from tests.dashboards import factories
from tests.dashboards.conftest import ON
from units.models import Organisation

AS_OF = {"on": ON.isoformat()}
FIGURES = ("assignments", "projects", "expected", "on_time", "late", "missing", "percent_sum")


def grow(city, start: int, count: int) -> list:
    """``count`` townships, numbered from ``start``, alternately under 鲤城 and 晋江, each carrying
    project 1 with a step due in March; reports of the first quarter on time, late or missing."""
    assignments = []
    for n in range(start, start + count):
        county = city.licheng if n % 2 else city.jinjiang
        township = factories.organisation(
            f"{county.name[:-2]}第{n}镇妇联", Organisation.Kind.TOWNSHIP_FEDERATION, 600 + n, parent=county
        )
        assignment = factories.assignment(
            city.volunteers, township, datetime.date(2024, 12, 31), steps=[("一", datetime.date(2024, 3, 1))]
        )
        if n % 3 == 0:
            factories.report(assignment, 1, 30 + n % 50, datetime.date(2024, 4, 9), done_steps=[1])
        elif n % 3 == 1:
            factories.report(assignment, 1, 20, datetime.date(2024, 4, 25))
        assignments.append(assignment)
    return assignments


@pytest.fixture
def province(city, monkeypatch):
    monkeypatch.setattr(selectors, "BULLETIN_UNITS_PER_PAGE", 2)
    grow(city, 0, 6)
    return city


def figures(row) -> dict:
    return {name: getattr(row, name) for name in FIGURES} | {"statuses": dict(row.statuses)}


def slow_level(user, filters, whole_campaign=True) -> dict:
    cells = list(selectors.iter_cells(user, filters, fields=selectors.LEVEL_FIELDS))
    rows = selectors.level_rows(user, filters, whole_campaign=whole_campaign, cells=cells)
    return {row.unit_name: figures(row) for row in rows if row.assignments}


def fast_level(user, filters, whole_campaign=True) -> dict:
    rows = selectors.level(user, filters, whole_campaign=whole_campaign)
    return {row.unit_name: figures(row) for row in rows if row.assignments}


@pytest.mark.parametrize("whole", [True, False], ids=["whole-round", "one-period"])
def test_the_cached_level_view_equals_the_level_judged_from_every_cell(cast, province, whole):
    leader = cast["leader"]
    filters = selectors.read_filters(leader, AS_OF)
    expected = slow_level(leader, filters, whole)
    assert expected["晋江市妇联"]["assignments"] == 4  # its own and three townships
    assert fast_level(leader, filters, whole) == expected  # judged, then cached
    assert fast_level(leader, filters, whole) == expected  # from the cache


def test_a_hit_takes_three_queries_and_reads_no_cell(cast, province, django_assert_num_queries):
    leader = cast["leader"]
    filters = selectors.read_filters(leader, AS_OF)
    selectors.level(leader, filters)
    with django_assert_num_queries(3):  # the counties, the fingerprint, the cache read
        selectors.level(leader, filters)


def test_a_report_or_a_plan_written_after_caching_is_counted_at_once(cast, province):
    leader = cast["leader"]
    filters = selectors.read_filters(leader, AS_OF)
    before = fast_level(leader, filters)
    # A report of the red cell (丰泽, never reported): the on-time count moves.
    factories.report(province.red, 1, 10, datetime.date(2024, 4, 8))
    after = fast_level(leader, filters)
    assert after == slow_level(leader, filters)
    assert after["丰泽区妇联"]["on_time"] == before["丰泽区妇联"]["on_time"] + 1
    # A plan change (a step added, with its history row): the status moves.
    Milestone.objects.create(
        assignment=province.red, order=9, title="补充步骤", due_on=datetime.date(2024, 1, 10)
    )
    assert fast_level(leader, filters) == slow_level(leader, filters)


@pytest.fixture
def judged(monkeypatch) -> list:
    """The names of the counties whose rows ``level`` judges afresh, one list per call (``slow_level``,
    which passes its cells, is not counted)."""
    calls = []
    judge = selectors.level_rows

    def spy(user, filters, campaigns=None, whole_campaign=True, cells=None, counties=None):
        if cells is None:
            calls.append(sorted(county.name for county in counties))
        return judge(user, filters, campaigns, whole_campaign, cells, counties)

    monkeypatch.setattr(selectors, "level_rows", spy)
    return calls


def test_a_report_in_one_county_re_judges_that_county_only(cast, province, judged):
    leader = cast["leader"]
    filters = selectors.read_filters(leader, AS_OF)
    fast_level(leader, filters)
    assert judged == [["丰泽区妇联", "晋江市妇联", "鲤城区妇联"]]  # the first view judges every county
    fast_level(leader, filters)
    assert len(judged) == 1  # nothing written: every row from the cache
    factories.report(province.red, 1, 10, datetime.date(2024, 4, 8))
    after = fast_level(leader, filters)
    assert judged[1:] == [["丰泽区妇联"]]
    assert after == slow_level(leader, filters)


def test_a_plan_change_in_one_county_re_judges_that_county_only(cast, province, judged):
    leader = cast["leader"]
    filters = selectors.read_filters(leader, AS_OF)
    fast_level(leader, filters)
    province.red.deadline = datetime.date(2024, 3, 1)  # its deadline passed: the status moves
    province.red.save()
    assert fast_level(leader, filters) == slow_level(leader, filters)
    assert judged[1:] == [["丰泽区妇联"]]


def test_an_assignment_moved_to_another_county_re_judges_both(cast, province, judged):
    leader = cast["leader"]
    filters = selectors.read_filters(leader, AS_OF)
    before = fast_level(leader, filters)
    province.red.unit = province.jinjiang
    province.red.save()
    after = fast_level(leader, filters)
    assert judged[1:] == [["丰泽区妇联", "晋江市妇联"]]
    assert after == slow_level(leader, filters)
    assert after["晋江市妇联"]["assignments"] == before["晋江市妇联"]["assignments"] + 1
    assert "丰泽区妇联" not in after  # no assignment left there


def test_another_day_or_department_is_another_entry(cast, province):
    leader = cast["leader"]
    for params in (AS_OF, {"on": "2024-04-30"}, {**AS_OF, "department": province.publicity.pk}):
        filters = selectors.read_filters(leader, params)
        assert fast_level(leader, filters) == slow_level(leader, filters)


def test_a_liaison_is_judged_afresh_within_their_projects(cast, province):
    liaison = cast["liaison"]
    filters = selectors.read_filters(liaison, AS_OF)
    assert fast_level(liaison, filters) == slow_level(liaison, filters)


# --- The bulletin by county ------------------------------------------------------------------------


def test_the_bulletin_opens_with_a_row_per_county_equal_to_the_sum_of_its_units(client, cast, province):
    client.force_login(cast["leader"])
    url = reverse("dashboards:bulletin")
    response = client.get(url, AS_OF)
    assert response.context["by_county"] is True
    rows = {row.unit_name: row for row in response.context["rows"]}
    assert set(rows) == {"鲤城区妇联", "丰泽区妇联", "晋江市妇联"}
    filters = selectors.read_filters(cast["leader"], AS_OF)
    slow = slow_level(cast["leader"], filters, whole_campaign=False)
    for name, row in rows.items():
        assert figures(row) == slow[name]
        drill = client.get(url, {**AS_OF, "county": row.unit_id})
        assert drill.context["county"].pk == row.unit_id and drill.context["by_county"] is False
        units = drill.context["rows"]
        assert sum(unit.projects for unit in units) == row.assignments
        for name_ in ("expected", "on_time", "late", "missing"):
            assert sum(getattr(unit, name_) for unit in units) == getattr(row, name_)
    assert "county=" in response.content.decode()  # the counties link to their units


def test_a_county_drill_down_pages_its_units(client, cast, province, monkeypatch):
    monkeypatch.setattr("dashboards.views.BULLETIN_ROWS_PER_PAGE", 2)
    client.force_login(cast["leader"])
    response = client.get(reverse("dashboards:bulletin"), {**AS_OF, "county": province.jinjiang.pk})
    assert response.context["page"].paginator.count == 4
    assert len(response.context["rows"]) == 2


def test_units_outside_every_county_keep_a_row_of_their_own(client, cast, province):
    institution = factories.organisation("市妇女儿童活动中心", Organisation.Kind.CITY_INSTITUTION, 300)
    factories.assignment(province.families, institution, datetime.date(2024, 12, 31))
    client.force_login(cast["leader"])
    rows = client.get(reverse("dashboards:bulletin"), AS_OF).context["rows"]
    assert "市妇女儿童活动中心" in {row.unit_name for row in rows}


def test_the_export_gives_the_counties_or_every_unit_on_demand(client, cast, province):
    client.force_login(cast["leader"])
    url = reverse("dashboards:bulletin")

    def names(params) -> set[str]:
        response = client.get(url, {**AS_OF, "format": "xlsx", **params})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return {row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)}

    assert names({}) == {"鲤城区妇联", "丰泽区妇联", "晋江市妇联"}
    every = names({"units": "all"})
    assert len(every) == 9 and "晋江市第0镇妇联" in every


def test_the_city_bulletin_stays_a_row_per_unit_when_the_units_fit_a_page(client, cast, city):
    grow(city, 0, 4)  # townships, but 7 units in all: fewer than a page of 50
    client.force_login(cast["leader"])
    response = client.get(reverse("dashboards:bulletin"), AS_OF)
    assert response.context["by_county"] is False
    assert len(response.context["rows"]) == 7


# Session, user, membership, unread notifications; the three of read_filters; whether by county;
# the level view (counties, fingerprint, cache read); the units outside the counties (the projects
# with their count: none); the level view's counties again for the map is not needed (same rows).
COUNTY_BULLETIN = 4 + 3 + 1 + 3 + 1
# The drill-down: the same up to the level view; then the county's cells (the projects with their
# count; one chunk: assignments, steps, reports, step states).
COUNTY_DRILL_DOWN = 4 + 3 + 1 + 3 + 5


@pytest.mark.parametrize("drill", [False, True], ids=["counties", "one-county"])
def test_the_county_bulletin_takes_the_same_queries_for_3_or_30_townships(
    client, cast, city, monkeypatch, drill, django_assert_num_queries
):
    monkeypatch.setattr(selectors, "BULLETIN_UNITS_PER_PAGE", 2)
    client.force_login(cast["leader"])
    url = reverse("dashboards:bulletin")
    params = {**AS_OF, "county": city.jinjiang.pk} if drill else AS_OF
    expected = COUNTY_DRILL_DOWN if drill else COUNTY_BULLETIN
    for start, count in ((0, 3), (3, 27)):
        grow(city, start, count)
        client.get(url, params)  # fills the level view's cache (a miss after the writes)
        with django_assert_num_queries(expected):
            assert client.get(url, params).context["rows"]


def test_the_overview_level_takes_the_same_queries_for_3_or_30_townships(client, cast, city):
    client.force_login(cast["leader"])
    url = reverse("dashboards:overview")
    counts = []
    for start, count in ((0, 3), (3, 27)):
        grow(city, start, count)
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            client.get(url, AS_OF)
        with CaptureQueriesContext(connection) as warm:
            client.get(url, AS_OF)
        counts.append((len(cold.captured_queries), len(warm.captured_queries)))
    assert counts[0] == counts[1]
    assert counts[0][0] - counts[0][1] == 10  # a miss: the round's cells (five) and the cache write
