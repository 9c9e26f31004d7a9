"""Query counts of the dashboards are part of the contract: they do not grow with the data.

Every page is requested twice as the leader: on the small city of ``conftest.py`` and after adding
twelve more units with plans, steps, indicators and reports on both projects. Both runs must take
exactly the pinned number of queries.

Every page starts with the same three queries — the session, the user, the user's membership
with its organisation (``reporting.access``, cached on the user and used by the footer of
``base.html`` too) — and the portal's context processor adds one (unread notifications). Pages with the
filters add three (``selectors.read_filters``: visible campaigns, the campaign's periods, the
liaison departments that follow its visible projects).
"""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from projects.models import Assignment, FeatureProject
from reporting.models import ReportStatus
from tests.dashboards import factories
from tests.dashboards.conftest import ON

FRAME = 4  # session, user, membership with organisation, unread notifications
FILTERS = 3  # campaigns, periods, departments
# The level view (selectors.level, issue 13 item 5), cached for a leader: the counties, the rounds'
# fingerprint, the cache read. On a miss (a report or plan written since) also the projects with
# their number of assignments; one chunk: assignments, steps, reports, step states (the round's
# periods are known); and the cache write (the database cache: the count, then in a savepoint the
# read and the insert).
LEVEL = 3
LEVEL_MISS = LEVEL + 5 + 5
# The bulletin asks whether any unit lies below a county (selectors.bulletin_by_county).
BY_COUNTY = 1

PAGES = {
    # + projects, unit count, unit page, page's assignments, steps, reports, step states, and the
    #   three totals (expected, period's reports, awaiting review); the level view; the units not
    #   signed for (未签收, issue 15 item 3: the receipts themselves come with the assignments' values)
    "overview": ([], FRAME + FILTERS + 10 + LEVEL + 1),
    # + the department; then the same ten as the overview
    "department": (["publicity"], FRAME + 1 + FILTERS + 10),
    # + the project with its campaign, its liaison departments; the count of its units (the
    #   page of 30 is a subquery); assignments with project and unit, their values, steps,
    #   reports, step states, indicators, indicator values, history; which of its departments'
    #   pages the user may open (linked only then)
    "project": (["volunteers"], FRAME + 2 + FILTERS + 1 + 8 + 1),
    # + the unit; the same eight as the project page; the result sheets (争六好历年得分, none here)
    "unit": (["licheng"], FRAME + 1 + FILTERS + 8 + 1),
    # + the assignment with its project; the same eight less the step states and indicator values
    #   of a unit that never reported (the red cell); the 催报 block: the reports and periods
    #   (late ones), the chases with their senders
    "cell": (["red"], FRAME + 1 + FILTERS + 6 + 3),
    # + the ids in order; one chunk: assignments, steps, reports, step states; the level view
    #   reads the same cells: only its counties
    "bulletin": ([], FRAME + FILTERS + BY_COUNTY + 5 + 1),
}


def grow(city) -> None:
    """Twelve more units, each with a plan, three steps, an indicator and two reports per project."""
    for n in range(12):
        unit = factories.organisation(f"测试第{n}镇妇联", order=500 + n)
        for project in (city.volunteers, city.families):
            assignment = factories.assignment(
                project,
                unit,
                datetime.date(2024, 12, 31),
                steps=[
                    ("一", datetime.date(2024, 3, 1)),
                    ("二", datetime.date(2024, 6, 1)),
                    ("三", datetime.date(2024, 9, 1)),
                ],
                indicators=[("示范点", "3")],
            )
            factories.report(
                assignment,
                1,
                30,
                datetime.date(2024, 4, 9),
                ReportStatus.APPROVED,
                datetime.date(2024, 4, 12),
                [1],
                {"示范点": "1"},
            )
            factories.report(assignment, 2, 50, datetime.date(2024, 5, 10), done_steps=[1])


@pytest.mark.parametrize("page", PAGES)
def test_a_dashboard_takes_the_same_number_of_queries_however_much_data(
    client, cast, city, page, django_assert_num_queries
):
    names, expected = PAGES[page]
    client.force_login(cast["leader"])
    url = reverse(f"dashboards:{page}", args=[getattr(city, name).pk for name in names])
    client.get(url, {"on": ON.isoformat()})  # warm the caches that do not belong to the page
    with django_assert_num_queries(expected):
        assert client.get(url, {"on": ON.isoformat()}).status_code == 200
    grow(city)
    client.get(url, {"on": ON.isoformat()})  # the level view's cache missed: fill it again
    with django_assert_num_queries(expected):
        assert client.get(url, {"on": ON.isoformat()}).status_code == 200


def test_the_overview_on_a_cold_cache_takes_the_same_number_of_queries_however_much_data(
    client, cast, city, django_assert_num_queries
):
    # The level view judged afresh (a report written since, or the first reader of the day).
    expected = PAGES["overview"][1] - LEVEL + LEVEL_MISS
    client.force_login(cast["leader"])
    url = reverse("dashboards:overview")
    client.get(url, {"on": ON.isoformat()})
    for step in range(2):
        cache.clear()
        with django_assert_num_queries(expected):
            assert client.get(url, {"on": ON.isoformat()}).status_code == 200
        if step == 0:
            grow(city)


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["ledger", "bulletin-xlsx"])
def test_the_excel_exports_take_the_same_number_of_queries_however_much_data(
    client, cast, city, params, django_assert_num_queries
):
    # Session, user, membership; the three of read_filters; (ledger: the liaison departments;)
    # the ids in order; one chunk: assignments, steps, reports, step states. No template.
    url = reverse("dashboards:bulletin" if params else "dashboards:ledger")
    expected = 3 + FILTERS + (BY_COUNTY if params else 1) + 5
    client.force_login(cast["leader"])
    with django_assert_num_queries(expected):
        client.get(url, {"on": ON.isoformat(), **params})
    grow(city)
    with django_assert_num_queries(expected):
        client.get(url, {"on": ON.isoformat(), **params})


# --- 对标找差 (issue 12 item 4): last round beside this one, in a constant number of queries ------

# + the unit; assignment_details' eight; 对标找差: the previous assignments, the previous round's
#   periods, its steps, reports and step states (judge), the indicators of both rounds, the
#   approved reports of both, their indicator values
COMPARE_PAGES = {
    "unit": FRAME + 1 + FILTERS + 8 + 8 + 1,  # + the result sheets (争六好历年得分)
    # + the project with its campaign, its liaison departments, the count of its units; the same
    "project": FRAME + 2 + FILTERS + 1 + 8 + 8 + 1,  # + the departments whose pages open
}


def grow_both_rounds(years) -> None:
    """Eight more units on project 2 in both rounds, each with a step, an indicator and an
    approved report with a value in each round."""
    old_project = FeatureProject.objects.get(campaign=years.y2014, number=2)
    new_project = FeatureProject.objects.get(campaign=years.y2015, number=2)
    for n in range(8):
        unit = factories.organisation(f"测试对标{n}镇妇联", order=600 + n)
        for project, day in (
            (old_project, datetime.date(2014, 4, 5)),
            (new_project, datetime.date(2015, 4, 5)),
        ):
            assignment = factories.assignment(
                project,
                unit,
                datetime.date(day.year, 12, 31),
                steps=[("一", day)],
                indicators=[("示范点", "3")],
            )
            factories.report(
                assignment,
                1,
                30,
                day,
                ReportStatus.APPROVED,
                day + datetime.timedelta(days=2),
                [1],
                {"示范点": "1"},
            )


@pytest.mark.parametrize("page", COMPARE_PAGES)
def test_the_comparison_with_last_round_takes_the_same_number_of_queries_however_much_data(
    client, compared, page, django_assert_num_queries
):
    expected = COMPARE_PAGES[page]
    client.force_login(compared.leader)
    if page == "unit":
        url = reverse("dashboards:unit", args=[compared.unit.pk])
        params = {"campaign": compared.y2015.pk}
    else:
        url = reverse(
            "dashboards:project", args=[FeatureProject.objects.get(campaign=compared.y2015, number=2).pk]
        )
        params = {}
    client.get(url, params)  # warm the caches that do not belong to the page
    with django_assert_num_queries(expected):
        response = client.get(url, params)
    assert any(detail.compare and detail.compare.previous for detail in response.context["details"])
    grow_both_rounds(compared)
    with django_assert_num_queries(expected):
        client.get(url, params)


def test_the_bulletin_against_last_year_takes_the_same_number_of_queries_however_much_data(
    client, compared, django_assert_num_queries
):
    # The bulletin's own (the ids in order; one chunk: assignments, steps, reports, step states);
    # the level view's counties (its cells are the bulletin's); then the previous round's periods
    # and the same five for its bulletin.
    expected = FRAME + FILTERS + BY_COUNTY + 5 + 1 + 1 + 5
    client.force_login(compared.leader)
    url = reverse("dashboards:bulletin")
    params = {"campaign": compared.y2015.pk, "period": "all", "compare": "1"}
    client.get(url, params)
    with django_assert_num_queries(expected):
        assert client.get(url, params).context["compared"]
    grow_both_rounds(compared)
    with django_assert_num_queries(expected):
        client.get(url, params)


ASSIGNMENT_PAGE = 12  # see the comment in the test below


def test_the_assignment_page_with_a_previous_round_takes_the_same_number_of_queries(
    client, compared, django_assert_num_queries
):
    # As the reporter of 晋江市妇联 (no liaison questions, no late reports to chase): session, user,
    # membership; the assignment with project, campaign, unit and plan; its reports; the periods;
    # 对标找差: the previous round, last year's assignment with project, campaign and unit; the
    # chases; unread notifications; the plan's steps and indicators.
    client.force_login(compared.reporter)
    new = Assignment.objects.get(project__campaign=compared.y2015, project__number=2, unit=compared.unit)
    url = reverse("reporting:assignment", args=[new.pk])
    client.get(url)
    with django_assert_num_queries(ASSIGNMENT_PAGE):
        assert client.get(url).context["previous_assignment"] is not None
    grow_both_rounds(compared)
    with django_assert_num_queries(ASSIGNMENT_PAGE):
        client.get(url)
