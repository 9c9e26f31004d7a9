"""Two rounds in 我的任务, notifications, the labels and the admin (issue 12 items 2 and 3): the
year on every name, one round at a time by default (the round in progress), each plan once."""

import datetime

import pytest
from django.urls import reverse

from projects.models import Assignment, Campaign, FeatureProject, current_campaign
from reporting import services
from reporting.models import Notification, ProgressReport, ReportingPeriod, ReportStatus
from tests.years import MARK_2014, MARK_2015

MID_2014 = datetime.date(2014, 6, 1)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2013, 11, 1), 2014),  # before every round: the earliest
        (datetime.date(2014, 1, 1), 2014),
        (datetime.date(2014, 12, 31), 2014),
        (datetime.date(2015, 1, 1), 2015),
        (datetime.date(2017, 3, 1), 2015),  # after every round: the latest started
    ],
)
def test_the_round_in_progress_is_todays_year_else_the_latest_started_else_the_earliest(day, year):
    rounds = [Campaign(year=2015), Campaign(year=2014)]
    assert current_campaign(rounds, day).year == year
    assert current_campaign([], day) is None


def test_the_queryset_picks_the_round_in_progress(two_years, today_is):
    today_is(MID_2014)
    assert Campaign.objects.current() == two_years.y2014
    assert Campaign.objects.current(datetime.date(2015, 2, 1)) == two_years.y2015


def test_projects_periods_and_assignments_name_their_year(two_years):
    old = FeatureProject.objects.get(campaign=two_years.y2014, number=7)
    new = FeatureProject.objects.get(campaign=two_years.y2015, number=7)
    assert str(old) == "2014年 7. 推广实施妇女“三制”"
    assert str(new) == "2015年 7. 推广实施妇女“三制”"
    assert new.short_label == "7. 推广实施妇女“三制”"
    assert (
        str(Assignment.objects.get(project=new, unit=two_years.unit))
        == "2015年 7. 推广实施妇女“三制” — 晋江市妇联"
    )
    period = ReportingPeriod.objects.get(campaign=two_years.y2015, starts_on=datetime.date(2015, 1, 1))
    assert str(period) == period.label == "2015年第1季度"


def test_a_reporters_tasks_show_the_round_in_progress_each_plan_once(client, two_years, today_is):
    today_is(MID_2014)
    client.force_login(two_years.reporter)
    response = client.get(reverse("reporting:tasks"))
    plans = list(response.context["plans_page"].object_list)
    assert [a.project.number for a in plans] == [2, 3, 7]  # each once: no second year's copy
    assert {a.project.campaign.year for a in plans} == {2014}
    assert {row.period.campaign.year for row in response.context["page"].object_list} == {2014}
    assert "2014年第1季度" in response.text and "2015年" in response.text  # the switcher names 2015
    assert "<h1" in response.text and "2014年 我的任务" in response.text
    other = client.get(reverse("reporting:tasks"), {"campaign": two_years.y2015.pk})
    assert {a.project.campaign.year for a in other.context["plans_page"].object_list} == {2015}
    assert "2015年 我的任务" in other.text
    assert other.context["todo_count"] == 0  # 2015 has not begun in June 2014: nothing due yet


def test_a_leaders_tasks_count_only_the_chosen_round(client, two_years, today_is):
    today_is(MID_2014)
    client.force_login(two_years.leader)
    response = client.get(reverse("reporting:tasks"))
    overdue = response.context["summary"].overdue
    assert overdue.period.campaign == two_years.y2014
    assert "2014年 我的任务" in response.text
    chosen = client.get(reverse("reporting:tasks"), {"campaign": two_years.y2015.pk})
    assert chosen.context["summary"].overdue is None  # nothing of 2015 is past due in June 2014


def test_reminders_name_the_period_with_its_year(two_years):
    services.reminders_send(today=datetime.date(2014, 5, 1))
    messages = list(
        Notification.objects.filter(recipient=two_years.reporter).values_list("message", flat=True)
    )
    assert messages and all("2014年第1季度" in message for message in messages)
    assert not any("2014年 " in message for message in messages)  # the project without a second year


def test_the_admin_lists_default_to_the_current_round_with_every_year_one_click_away(
    admin_client, two_years, today_is
):
    today_is(MID_2014)
    url = reverse("admin:projects_featureproject_changelist")
    default = admin_client.get(url)
    assert {p.campaign.year for p in default.context["cl"].result_list} == {2014}
    assert MARK_2014 in default.text and MARK_2015 not in default.text
    assert "?year=all" in default.text and "全部" in default.text and "2015年" in default.text
    chosen = admin_client.get(url, {"year": "2015"})
    assert {p.campaign.year for p in chosen.context["cl"].result_list} == {2015}
    every = admin_client.get(url, {"year": "all"})
    assert every.context["cl"].result_count == 20
    for name in ("assignment", "plan", "progressreport", "milestone", "indicator", "reportingperiod"):
        app = "projects" if name in {"assignment", "milestone", "indicator"} else "reporting"
        response = admin_client.get(reverse(f"admin:{app}_{name}_changelist"), {"year": "2015"})
        assert response.status_code == 200, name
    assignments = admin_client.get(reverse("admin:projects_assignment_changelist"))
    assert {a.project.campaign.year for a in assignments.context["cl"].result_list} == {2014}
    assert "<th" in assignments.text and "年度" in assignments.text  # the year column


def test_the_project_picker_tells_the_years_apart(admin_client, two_years):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "projects", "model_name": "assignment", "field_name": "project", "term": "三制"},
    )
    texts = sorted(result["text"] for result in response.json()["results"])
    assert texts == ["2014年 7. 推广实施妇女“三制”", "2015年 7. 推广实施妇女“三制”"]


def _submitted_report(two_years, campaign: Campaign) -> ProgressReport:
    """A submitted report of 晋江市妇联 on project 7 for the first period of ``campaign``."""
    assignment = Assignment.objects.get(project__campaign=campaign, project__number=7, unit=two_years.unit)
    period = ReportingPeriod.objects.filter(campaign=campaign).order_by("starts_on").first()
    return ProgressReport.objects.create(
        assignment=assignment, period=period, status=ReportStatus.SUBMITTED, progress="已开展"
    )


@pytest.mark.parametrize("page", ["reporting:review_queue", "reporting:history"])
def test_the_review_queue_and_the_reports_show_one_round_with_a_switcher(client, two_years, today_is, page):
    today_is(MID_2014)
    old, new = _submitted_report(two_years, two_years.y2014), _submitted_report(two_years, two_years.y2015)
    client.force_login(two_years.leader)

    default = client.get(reverse(page))
    chosen = client.get(reverse(page), {"campaign": two_years.y2015.pk})

    assert [r.pk for r in default.context["reports"]] == [old.pk]
    assert [r.pk for r in chosen.context["reports"]] == [new.pk]
    assert "2014年" in default.text and f"?campaign={two_years.y2015.pk}" in default.text  # the switcher
    assert "2015年" in chosen.text


def test_a_project_link_into_the_review_queue_opens_that_projects_round(client, two_years, today_is):
    today_is(MID_2014)
    new = _submitted_report(two_years, two_years.y2015)
    client.force_login(two_years.leader)

    response = client.get(reverse("reporting:review_queue"), {"project": new.assignment.project_id})

    assert [r.pk for r in response.context["reports"]] == [new.pk]
