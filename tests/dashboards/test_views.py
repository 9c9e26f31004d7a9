"""The dashboard pages: what each role sees, what each cell says, and the totals."""

import pytest
from django.urls import reverse

from dashboards.status import Status
from tests.dashboards.conftest import ON

AS_OF = {"on": ON.isoformat()}


def cells_of(response) -> dict[tuple[str, int], object]:
    """The overview's cells by (unit name, project number)."""
    data = response.context["data"]
    return {
        (unit.name, project.number): cell
        for unit, cells in data.rows
        for project, cell in zip(data.projects, cells, strict=True)
        if cell is not None
    }


def test_the_overview_colours_every_cell_as_of_the_day(client, cast, city):
    client.force_login(cast["leader"])
    response = client.get(reverse("dashboards:overview"), AS_OF)
    assert response.status_code == 200
    statuses = {key: cell.status for key, cell in cells_of(response).items()}
    assert statuses == {
        ("鲤城区妇联", 1): Status.ON_TRACK,
        ("丰泽区妇联", 1): Status.OVERDUE,
        ("晋江市妇联", 2): Status.DONE,
        ("鲤城区妇联", 2): Status.BEHIND,
    }


def test_a_red_cell_says_why_on_the_overview_and_on_its_project_page(client, cast, city):
    client.force_login(cast["leader"])
    overview = client.get(reverse("dashboards:overview"), AS_OF).content.decode()
    assert (
        "第1季度" in overview and "摸底调研" in overview
    )  # the tooltip names the missing report and the late step
    project = client.get(reverse("dashboards:project", args=[city.volunteers.pk]), AS_OF).content.decode()
    assert f'id="a-{city.red.pk}"' in project
    assert "“摸底调研”" in project and "天" in project


def test_the_as_of_date_replays_a_past_day(client, cast, city):
    client.force_login(cast["leader"])
    february = cells_of(client.get(reverse("dashboards:overview"), {"on": "2024-02-01"}))
    assert february[("丰泽区妇联", 1)].status == Status.NOT_STARTED
    # The 40 % report of 5 April does not exist yet on 1 April.
    april = cells_of(client.get(reverse("dashboards:overview"), {"on": "2024-04-01"}))
    assert april[("鲤城区妇联", 1)].verdict.actual_percent == 0
    assert april[("鲤城区妇联", 1)].latest_report is None


def test_totals_count_reports_due_late_and_awaiting_review(client, cast, city):
    client.force_login(cast["leader"])
    totals = client.get(reverse("dashboards:overview"), AS_OF).context["data"].totals
    # Q1, due 2024-04-10: four assignments report; 鲤城 (project 1) on time, 晋江 late, two missing.
    assert (totals.expected, totals.submitted, totals.on_time, totals.late, totals.missing) == (4, 2, 1, 1, 2)
    assert totals.awaiting_review == 1  # 晋江's report, never reviewed
    before_review = client.get(reverse("dashboards:overview"), {"on": "2024-04-06"}).context["data"].totals
    assert before_review.awaiting_review == 1  # 鲤城's report was submitted on 5 April, approved on 8 April
    assert before_review.missing == 0  # not due until 10 April


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {("鲤城区妇联", 1), ("丰泽区妇联", 1), ("晋江市妇联", 2), ("鲤城区妇联", 2)}),
        ("leader", {("鲤城区妇联", 1), ("丰泽区妇联", 1), ("晋江市妇联", 2), ("鲤城区妇联", 2)}),
        ("liaison", {("鲤城区妇联", 1), ("丰泽区妇联", 1)}),  # 宣传部 follows project 1
        ("reporter", {("鲤城区妇联", 1), ("鲤城区妇联", 2)}),  # 鲤城区妇联's own
    ],
)
def test_the_overview_shows_each_role_its_scope(client, cast, city, role, expected):
    client.force_login(cast[role])
    assert set(cells_of(client.get(reverse("dashboards:overview"), AS_OF))) == expected


def test_users_without_a_role_get_nothing_and_visitors_must_log_in(client, cast, city):
    urls = [
        reverse("dashboards:overview"),
        reverse("dashboards:bulletin"),
        reverse("dashboards:ledger"),
        reverse("dashboards:project", args=[city.volunteers.pk]),
        reverse("dashboards:unit", args=[city.licheng.pk]),
        reverse("dashboards:department", args=[city.publicity.pk]),
        reverse("dashboards:cell", args=[city.red.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url
    client.force_login(cast["nobody"])
    for url in urls:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    ("role", "name", "visible"),
    [
        ("liaison", "project:families", False),
        ("liaison", "project:volunteers", True),
        ("liaison", "unit:jinjiang", False),
        ("liaison", "unit:fengze", True),
        ("liaison", "department:development", False),
        ("liaison", "department:publicity", True),
        ("liaison", "cell:done", False),
        ("reporter", "project:volunteers", True),
        ("reporter", "unit:fengze", False),
        ("reporter", "cell:red", False),
        ("reporter", "cell:behind", True),
        ("reporter", "department:publicity", False),
        ("leader", "unit:jinjiang", True),
        ("leader", "department:development", True),
        ("leader", "cell:done", True),
    ],
)
def test_pages_outside_the_scope_do_not_exist(client, cast, city, role, name, visible):
    kind, attribute = name.split(":")
    target = getattr(city, attribute)
    client.force_login(cast[role])
    response = client.get(reverse(f"dashboards:{kind}", args=[target.pk]), AS_OF)
    assert response.status_code == (200 if visible else 404)


def test_a_reporter_sees_only_their_own_unit_on_a_shared_project(client, cast, city):
    client.force_login(cast["reporter"])
    details = client.get(reverse("dashboards:project", args=[city.volunteers.pk]), AS_OF).context["details"]
    assert [detail.unit.name for detail in details] == ["鲤城区妇联"]


def test_the_project_page_shows_the_four_fixes_indicators_and_report_history(client, cast, city):
    client.force_login(cast["leader"])
    response = client.get(reverse("dashboards:project", args=[city.volunteers.pk]), AS_OF)
    on_track = next(detail for detail in response.context["details"] if detail.cell.id == city.on_track.pk)
    assert on_track.indicators[0]["share"] == 40  # 4 of 10 志愿服务队
    assert [report["period__name"] for report in on_track.reports] == ["第1季度"]
    assert on_track.timeline["today"] is not None
    page = response.content.decode()
    assert "王芳" in page and "巾帼志愿服务的创建目标" in page


def test_the_department_page_is_the_overview_of_its_projects(client, cast, city):
    client.force_login(cast["leader"])
    response = client.get(reverse("dashboards:department", args=[city.development.pk]), AS_OF)
    assert set(cells_of(response)) == {("晋江市妇联", 2), ("鲤城区妇联", 2)}


def test_a_bad_date_is_explained_and_today_is_shown(client, cast, city):
    client.force_login(cast["leader"])
    response = client.get(reverse("dashboards:overview"), {"on": "2024-13-45"})
    assert response.status_code == 200
    assert "2024-13-45" in response.content.decode()


def test_the_bulletin_ranks_units_by_on_time_reporting_then_completion(client, cast, city):
    client.force_login(cast["leader"])
    rows = client.get(reverse("dashboards:bulletin"), {**AS_OF, "period": "all"}).context["rows"]
    by_name = {row.unit_name: row for row in rows}
    # Only Q1 is due by 15 May: 鲤城 reported one of two on time, 晋江 late, 丰泽 not at all.
    assert (by_name["鲤城区妇联"].expected, by_name["鲤城区妇联"].on_time, by_name["鲤城区妇联"].missing) == (
        2,
        1,
        1,
    )
    assert (by_name["晋江市妇联"].on_time, by_name["晋江市妇联"].late) == (0, 1)
    assert [row.unit_name for row in rows] == ["鲤城区妇联", "晋江市妇联", "丰泽区妇联"]
    assert [row.rank for row in rows] == [1, 2, 3]  # 晋江 and 丰泽 both 0 % on time; 晋江 100 % complete
    assert by_name["丰泽区妇联"].overdue == 1


def test_a_cell_opens_the_page_of_its_project_that_holds_its_unit(client, cast, city, monkeypatch):
    monkeypatch.setattr("dashboards.selectors.PROJECT_UNITS_PER_PAGE", 1)
    client.force_login(cast["leader"])
    url = reverse("dashboards:project", args=[city.volunteers.pk])
    details = client.get(url, {**AS_OF, "a": city.red.pk}).context["details"]
    assert [detail.cell.id for detail in details] == [city.red.pk]  # 丰泽区妇联 comes second
    details = client.get(url, AS_OF).context["details"]
    assert [detail.cell.id for detail in details] == [city.on_track.pk]
