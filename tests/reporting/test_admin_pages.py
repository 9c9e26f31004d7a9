"""The reporting admin pages render in Chinese for city staff with pinned numbers of queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.reporting.conftest import make_report


@pytest.fixture
def two_reports(world, cast):
    make_report(world, world.b1, cast["reporter_b"], submit=True)
    return make_report(world, world.a1, cast["reporter_a"], submit=True)


# Every page starts with 2 queries: the session and the user.
PAGES = [
    # + campaign filter, period-name filter, liaison-department filter, 2 counts, the rows with
    #   project, unit, period and campaign
    ("admin:reporting_progressreport_changelist", 8),
    # + campaign and department filters, 2 counts, the rows with assignment and confirmer
    ("admin:reporting_plan_changelist", 7),
    # + 2 counts, the rows with recipient
    ("admin:reporting_notification_changelist", 5),
    # + campaign filter, 2 counts, the rows with campaign
    ("admin:reporting_reportingperiod_changelist", 6),
    # + organisation filter (the listed organisations' parent chains, the names offered:
    #   ``units.list_filters.OrganisationTreeFilter``), 2 counts, the rows with user and organisation
    ("admin:units_membership_changelist", 7),
    # + organisation filter (2, as above), 2 counts, the users with membership and organisation
    ("admin:auth_user_changelist", 7),
]


@pytest.mark.parametrize(("url_name", "queries"), PAGES)
def test_each_reporting_list_renders_in_chinese_with_pinned_queries(
    client, cast, two_reports, url_name, queries, django_assert_num_queries
):
    client.force_login(cast["superuser"])
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "选择" in response.text


def test_a_report_change_page_renders_with_pinned_queries(
    client, cast, two_reports, django_assert_num_queries
):
    client.force_login(cast["superuser"])
    ContentType.objects.clear_cache()  # an earlier test may have cached it: the count stays the same
    # + the report with assignment, project, unit, period and campaign; the four inlines' rows (step
    #   states with steps, indicator values with indicators, evidence with uploader, transitions
    #   with actors); the content type of the history link
    with django_assert_num_queries(8):
        response = client.get(reverse("admin:reporting_progressreport_change", args=[two_reports.pk]))
    assert "开展调研12次" in response.text
