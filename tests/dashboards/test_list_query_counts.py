"""The list pages cost the same number of queries whatever the data: they summarise or show a page.

Each list page is requested by the role that opens it, on the small city of ``conftest.py`` grown by
3 units and then by 27 more (30), each with an assignment on 巾帼志愿服务, a project of its own that
鲤城区妇联 also carries, submitted reports and plans, and notifications. Both requests must take exactly
the pinned number of queries (issue 16: the cost of a list does not grow beyond its page).

Every page starts with the same frame: the session, the user, the user's membership with its
organisation, and the unread notifications of the menu (``reporting.context_processors``).
"""

import datetime

import pytest
from django.urls import reverse

from reporting.models import Notification, Plan, PlanStatus, ReportStatus
from tests.dashboards import factories

FRAME = 4  # session, user, membership with organisation, unread notifications

# (url name, role, query) → queries beyond the frame.
PAGES = {
    # the visible campaigns (which round: issue 12 item 3, added with the year switcher); reports
    # waiting and plans waiting (two counts), the three groupings, the latest past-due period, the
    # count and the grouping of its missing reports
    "tasks-leader": ("reporting:tasks", "leader", {}, 9),
    "tasks-liaison": ("reporting:tasks", "liaison", {}, 9),
    # the visible campaigns (added with the year switcher); the unit's assignments of the round
    # with project, campaign and plan; their reports with periods; the periods of their campaign
    # (a unit's work is a few dozen rows, paged in Python)
    "tasks-reporter": ("reporting:tasks", "reporter", {}, 4),
    # the visible campaigns (the year switcher, issue 12 item 2); a count and a page of the reports
    # waiting, a count and a page of the plans waiting
    "review-liaison": ("reporting:review_queue", "liaison", {}, 5),
    "review-leader-newest": ("reporting:review_queue", "leader", {"sort": "newest"}, 5),
    # the project of the filter (its round is the page's); then the same five
    "review-project": ("reporting:review_queue", "liaison", {"project": "volunteers"}, 6),
    # the visible campaigns (the year switcher); the reports counted per period and status, the
    # order of those periods, the page of reports (of the periods it shows)
    "history-leader": ("reporting:history", "leader", {}, 4),
    "history-liaison-submitted": ("reporting:history", "liaison", {"status": ReportStatus.SUBMITTED}, 4),
    "history-reporter": ("reporting:history", "reporter", {}, 4),
    # the count and the page of notifications, marking them read
    "notifications-liaison": ("reporting:notifications", "liaison", {}, 3),
}


def grow(city, start: int, count: int) -> None:
    """``count`` more units, numbered from ``start``, each with work waiting for the 宣传部 liaison."""
    quarter_1 = datetime.date(2024, 4, 5)
    for n in range(start, start + count):
        unit = factories.organisation(f"测试第{n}镇妇联", order=500 + n)
        own = factories.project(city.campaign, 100 + n, f"特色项目{n}", [city.publicity])
        for assignment in (
            factories.assignment(city.volunteers, unit, datetime.date(2024, 12, 31)),
            factories.assignment(own, city.licheng, datetime.date(2024, 12, 31)),
        ):
            factories.report(assignment, 1, 30, quarter_1, ReportStatus.APPROVED, quarter_1)
            factories.report(assignment, 2, 50, datetime.date(2024, 7, 5))
            Plan.objects.create(assignment=assignment, status=PlanStatus.SUBMITTED)
        for user in city.readers:
            Notification.objects.create(recipient=user, kind=Notification.Kind.SUBMITTED, message=f"第{n}条")


@pytest.fixture
def grown(city, cast):
    city.readers = [cast["liaison"], cast["reporter"], cast["leader"]]
    return city


@pytest.mark.parametrize("page", PAGES)
def test_a_list_page_takes_the_same_number_of_queries_for_3_or_30_units(
    client, cast, grown, page, django_assert_num_queries
):
    name, role, query, expected = PAGES[page]
    query = {key: getattr(grown, value).pk if key == "project" else value for key, value in query.items()}
    client.force_login(cast[role])
    url = reverse(name)
    grow(grown, 0, 3)
    client.get(url, query)  # warm the caches that do not belong to the page
    with django_assert_num_queries(FRAME + expected):
        small = client.get(url, query)
    grow(grown, 3, 27)
    with django_assert_num_queries(FRAME + expected):
        large = client.get(url, query)
    assert small.status_code == large.status_code == 200


def test_the_leaders_tasks_count_the_work_instead_of_listing_it(client, cast, grown):
    grow(grown, 0, 30)
    client.force_login(cast["leader"])
    response = client.get(reverse("reporting:tasks"))
    summary = response.context["summary"]
    # 60 new assignments with a submitted second-quarter report, and the city's own: 鲤城 on
    # 巾帼志愿服务 left its first-quarter report approved, 晋江 submitted one.
    assert summary.reports_waiting == 61
    assert summary.plans_waiting == 60
    assert len(summary.reports_by_project) == 10  # the largest ten of 32 projects
    top = summary.reports_by_project[0]
    assert (top["title"], top["n"]) == ("巾帼志愿服务", 30)
    assert len(summary.reports_by_unit) == 10
    assert summary.reports_by_unit[0] == {
        "ref": grown.licheng.pk,
        "name": "鲤城区妇联",
        "order": 101,
        "n": 30,
        "oldest": factories.at(datetime.date(2024, 7, 5)),
    }
    # every new assignment missed the fourth quarter (long past due), and so did three of the
    # city's four: 晋江's 家庭教育指导 ended on 30 June, before the quarter, and owes no report for it
    assert summary.overdue.period.name == "第4季度"
    assert summary.overdue.total == 63
    assert response.text.count("<tr>") < 50  # tables of ten rows, not a card per assignment
    assert f'href="/review/?project={grown.volunteers.pk}" title="去审核">30</a>' in response.text
    assert f'href="/review/?unit={grown.licheng.pk}" title="去审核">30</a>' in response.text


def test_a_long_list_is_split_into_pages_with_a_chinese_pager(client, cast, grown):
    grow(grown, 0, 30)
    client.force_login(cast["liaison"])
    first = client.get(reverse("reporting:review_queue"))
    assert len(first.context["reports"]) == 30
    assert "第 1 页，共 2 页、60 条" in first.text
    second = client.get(reverse("reporting:review_queue"), {"page": 2, "sort": "newest"})
    # newest first, the second page of 30 is the first page of the oldest first, reversed
    assert [r.pk for r in second.context["reports"]] == [r.pk for r in first.context["reports"]][::-1]
    assert 'href="?page=1&amp;sort=newest"' in second.text  # the pager keeps the sorting


def test_the_bulletin_ranks_every_unit_but_shows_fifty_a_page(client, cast, grown):
    grow(grown, 0, 50)  # 53 units with work in the campaign
    client.force_login(cast["leader"])
    url = reverse("dashboards:bulletin")
    first = client.get(url, {"on": "2024-12-31"})
    assert len(first.context["rows"]) == 50
    assert "第 1 页，共 2 页、53 条" in first.text
    last = client.get(url, {"on": "2024-12-31", "page": 2})
    assert len(last.context["rows"]) == 3
    # ranked over all 53: the second page carries on where the first stopped
    assert min(row.rank for row in last.context["rows"]) >= max(row.rank for row in first.context["rows"])
    assert 'href="?on=2024-12-31&amp;page=1"' in last.text  # the pager keeps the filters


def test_the_report_records_page_through_the_periods_newest_first(client, cast, grown):
    grow(grown, 0, 30)  # 60 first-quarter and 60 second-quarter reports, and the city's two
    client.force_login(cast["leader"])
    url = reverse("reporting:history")
    shown = []
    for number in range(1, 6):
        shown += client.get(url, {"page": number}).context["reports"]
    assert len(shown) == 122 == len({report.pk for report in shown})  # every report once
    quarters = [report.period.starts_on for report in shown]
    assert quarters == sorted(quarters, reverse=True)  # newest period first, across page breaks
    submitted = client.get(url, {"status": ReportStatus.SUBMITTED, "page": 3})
    assert len(submitted.context["reports"]) == 1  # 61 submitted: 30, 30 and 1
    assert (ReportStatus.SUBMITTED, ReportStatus.SUBMITTED.label, 61) in submitted.context["statuses"]


@pytest.mark.parametrize(
    ("name", "query"),
    [
        (
            "reporting:review_queue",
            {"page": "x", "plans": "-1", "project": "abc", "unit": "0", "sort": "drop"},
        ),
        ("reporting:history", {"page": "999", "status": "nonsense"}),
        ("reporting:notifications", {"page": "9.5"}),
        ("reporting:tasks", {"page": "0", "plans": "zz"}),
    ],
)
def test_a_list_page_shrugs_off_nonsense_in_its_query(client, cast, grown, name, query):
    grow(grown, 0, 3)
    client.force_login(cast["liaison"] if name != "reporting:tasks" else cast["reporter"])
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    assert response.context["page"].number >= 1  # a page that exists: the first or the last
