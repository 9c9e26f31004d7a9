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
from django.urls import reverse

from reporting.models import ReportStatus
from tests.dashboards import factories
from tests.dashboards.conftest import ON

FRAME = 4  # session, user, membership with organisation, unread notifications
FILTERS = 3  # campaigns, periods, departments

PAGES = {
    # + projects, unit count, unit page, page's assignments, steps, reports, step states, and the
    #   three totals (expected, period's reports, awaiting review); the units not signed for
    #   (未签收, issue 15 item 3: the receipts themselves come with the assignments' values)
    "overview": ([], FRAME + FILTERS + 10 + 1),
    # + the department; then the same ten as the overview
    "department": (["publicity"], FRAME + 1 + FILTERS + 10),
    # + the project with its campaign, its liaison departments; the count of its units (the
    #   page of 30 is a subquery); assignments with project and unit, their values, steps,
    #   reports, step states, indicators, indicator values, history
    "project": (["volunteers"], FRAME + 2 + FILTERS + 1 + 8),
    # + the unit; the same eight as the project page
    "unit": (["licheng"], FRAME + 1 + FILTERS + 8),
    # + the assignment with its project; the same eight less the step states and indicator values
    #   of a unit that never reported (the red cell); the 催报 block: the reports and periods
    #   (late ones), the chases with their senders
    "cell": (["red"], FRAME + 1 + FILTERS + 6 + 3),
    # + the ids in order; one chunk: assignments, steps, reports, step states
    "bulletin": ([], FRAME + FILTERS + 5),
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
    with django_assert_num_queries(expected):
        assert client.get(url, {"on": ON.isoformat()}).status_code == 200


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["ledger", "bulletin-xlsx"])
def test_the_excel_exports_take_the_same_number_of_queries_however_much_data(
    client, cast, city, params, django_assert_num_queries
):
    # Session, user, membership; the three of read_filters; (ledger: the liaison departments;)
    # the ids in order; one chunk: assignments, steps, reports, step states. No template.
    url = reverse("dashboards:bulletin" if params else "dashboards:ledger")
    expected = 3 + FILTERS + (0 if params else 1) + 5
    client.force_login(cast["leader"])
    with django_assert_num_queries(expected):
        client.get(url, {"on": ON.isoformat(), **params})
    grow(city)
    with django_assert_num_queries(expected):
        client.get(url, {"on": ON.isoformat(), **params})
