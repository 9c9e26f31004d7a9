"""The portal pages in use: a reporter fills in the plan and a report, the liaison reviews; the
pages are Chinese and their queries are pinned."""

import pytest
from django.urls import reverse, reverse_lazy

from reporting.models import PlanStatus, ProgressReport, ReportStatus
from tests.reporting.conftest import make_report


def test_the_login_page_is_in_chinese_and_leads_a_reporter_to_the_tasks(client, world, cast):
    page = client.get(reverse("login"))
    assert "用户名" in page.text and "密码" in page.text and 'name="viewport"' in page.text
    response = client.post(
        reverse("login"), {"username": "reporter_a", "password": "pw-reporter_a"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("reporting:tasks")
    assert "我的任务" in response.text


def test_a_wrong_password_gets_a_chinese_error(client, world, cast):
    response = client.post(reverse("login"), {"username": "reporter_a", "password": "wrong"})
    assert "用户名或密码错误" in response.text


def test_a_reporter_fills_in_the_plan_and_submits_it_and_the_liaison_confirms_it(client, world, cast):
    milestone = world.a1.milestones.get()
    indicator = world.a1.indicators.get()
    client.force_login(cast["reporter_a"])
    form = client.get(reverse("reporting:plan_edit", args=[world.a1.pk])).context["form"]
    data = {
        "version": form.initial["version"],
        "target": "建成3个示范点",
        "deadline": "2014-12-20",
        "responsible_person": "王丽",
        "responsible_person_position": "副主席",
        "responsible_person_phone": "0595-12345678",
        "steps-TOTAL_FORMS": 2,
        "steps-INITIAL_FORMS": 1,
        "steps-0-id": milestone.pk,
        "steps-0-order": 1,
        "steps-0-title": "调研摸底",
        "steps-0-due_on": "2014-03-31",
        "steps-1-order": 2,
        "steps-1-title": "总结评估",
        "steps-1-due_on": "2014-12-15",
        "indicators-TOTAL_FORMS": 2,
        "indicators-INITIAL_FORMS": 1,
        "indicators-0-id": indicator.pk,
        "indicators-0-name": "示范点",
        "indicators-0-target_value": "3",
        "indicators-0-unit_of_measure": "个",
        "indicators-1-name": "培训人次",
        "indicators-1-target_value": "200",
        "indicators-1-unit_of_measure": "人次",
    }
    duplicate = data | {"indicators-1-name": "示范点"}
    refused = client.post(reverse("reporting:plan_edit", args=[world.a1.pk]), duplicate)
    assert "两个指标都叫“示范点”" in refused.text
    response = client.post(reverse("reporting:plan_edit", args=[world.a1.pk]), data)
    assert response.status_code == 302
    world.a1.refresh_from_db()
    assert world.a1.target == "建成3个示范点"
    assert list(world.a1.milestones.values_list("title", flat=True)) == ["调研摸底", "总结评估"]
    assert list(world.a1.indicators.values_list("name", "target_value")) == [("培训人次", 200), ("示范点", 3)]
    client.post(reverse("reporting:plan_action", args=[world.a1.pk, "submit"]))
    client.force_login(cast["liaison"])
    queue = client.get(reverse("reporting:review_queue"))
    assert [p.assignment for p in queue.context["plans"]] == [world.a1]
    review = reverse("reporting:assignment", args=[world.a1.pk]) + "#plan"
    assert f'href="{review}">审核计划</a>' in queue.text  # the button leads to the plan itself
    plan_section = client.get(review.split("#")[0]).text.split('id="plan"')[1].split("</article>")[0]
    assert reverse("reporting:plan_action", args=[world.a1.pk, "confirm"]) in plan_section
    client.post(reverse("reporting:plan_action", args=[world.a1.pk, "confirm"]))
    world.a1.plan.refresh_from_db()
    assert world.a1.plan.status == PlanStatus.CONFIRMED
    client.force_login(cast["reporter_a"])
    locked = client.get(reverse("reporting:plan_edit", args=[world.a1.pk]), follow=True)
    assert "已锁定" in locked.text


def test_a_reporter_fills_in_a_report_and_submits_it_from_the_form(client, world, cast):
    client.force_login(cast["reporter_a"])
    response = client.post(reverse("reporting:report_open", args=[world.a1.pk, world.q1.pk]))
    report = ProgressReport.objects.get(assignment=world.a1, period=world.q1)
    assert response.url == reverse("reporting:report_edit", args=[report.pk])
    state = report.milestone_states.get()
    value = report.indicator_values.get()
    response = client.post(
        reverse("reporting:report_edit", args=[report.pk]),
        {
            "version": report.version,
            "progress": "完成调研",
            "percent_complete": 30,
            "problems": "经费不足",
            "next_steps": "召开推进会",
            f"m{state.pk}-state": "done",
            f"m{state.pk}-on_date": "2014-03-20",
            f"i{value.pk}-actual_value": "1",
            "submit": "1",
        },
    )
    assert response.url == reverse("reporting:report", args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.problems, report.percent_complete) == (
        ReportStatus.SUBMITTED,
        "经费不足",
        30,
    )
    assert report.milestone_states.get().state == "done"
    assert str(report.indicator_values.get().actual_value) == "1.00"


def test_a_percent_over_100_is_refused_with_a_message(client, world, cast):
    report = make_report(world, world.a1, cast["reporter_a"])
    client.force_login(cast["reporter_a"])
    data = {
        "version": report.version,
        "progress": "x",
        "percent_complete": 150,
        "problems": "",
        "next_steps": "",
    }
    data |= {f"m{s.pk}-state": s.state for s in report.milestone_states.all()}
    response = client.post(reverse("reporting:report_edit", args=[report.pk]), data)
    assert response.status_code == 200
    assert "请修正下面的错误" in response.text
    report.refresh_from_db()
    assert report.percent_complete == 25


def test_the_tasks_page_lists_overdue_reports_first_with_pinned_queries(
    client, world, cast, django_assert_num_queries
):
    make_report(world, world.a1, cast["reporter_a"], submit=True)
    client.force_login(cast["reporter_a"])
    # session, user, membership with organisation, the visible campaigns (which round, added with
    # the year switcher), assignments with project, campaign, unit and plan, their reports with
    # periods, the periods of the campaign, unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("reporting:tasks"))
    todo = response.context["page"].object_list
    assert {(row.assignment, row.period) for row in todo} >= {(world.a2, world.q1)}
    assert (world.a1, world.q1) not in {(row.assignment, row.period) for row in todo}
    assert "逾期未报" in response.text
    assert "份已逾期</span>。" in response.text and "，其中" in response.text  # Chinese punctuation


def test_the_review_queue_lists_submitted_reports_of_the_followed_projects(
    client, world, cast, django_assert_num_queries
):
    make_report(world, world.a1, cast["reporter_a"], submit=True)
    make_report(world, world.b1, cast["reporter_b"], submit=True)
    make_report(world, world.a2, cast["reporter_a"], submit=True)
    client.force_login(cast["liaison"])
    # session, user, membership, the visible campaigns (the year switcher), the count and the page
    # of submitted reports with assignment and period, the count of submitted plans (none: no page
    # to read), unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("reporting:review_queue"))
    assert {r.assignment for r in response.context["reports"]} == {world.a1, world.b1}


def test_notifications_are_listed_and_marked_read(client, world, cast):
    make_report(world, world.a1, cast["reporter_a"], submit=True)
    client.force_login(cast["liaison"])
    assert "badge" in client.get(reverse("reporting:review_queue")).text.split("</nav>")[0]
    response = client.get(reverse("reporting:notifications"))
    assert "提交了" in response.text
    assert cast["liaison"].notifications.filter(read_at__isnull=True).count() == 0


@pytest.mark.parametrize("role", ["liaison", "leader"])
def test_reviewers_and_leaders_see_no_edit_buttons_on_a_units_report(client, world, cast, role):
    report = make_report(world, world.a1, cast["reporter_a"])
    client.force_login(cast[role])
    response = client.get(reverse("reporting:report", args=[report.pk]))
    assert reverse("reporting:report_edit", args=[report.pk]) not in response.text


def test_the_assignment_page_shows_plan_and_periods_with_pinned_queries(
    client, world, cast, django_assert_num_queries
):
    make_report(world, world.a1, cast["reporter_a"], submit=True)
    client.force_login(cast["liaison"])
    # session, user, membership; the assignment with project, campaign, unit and plan; its reports
    # with periods; the campaign's periods; may the liaison confirm (their department follows the
    # project?); unread notifications; the plan's steps and indicators; the 催报 block: may the
    # liaison chase (the same question), the submitted reports and the periods (late ones), the
    # chases with their senders; 对标找差: the previous round (none here, so no assignment query)
    with django_assert_num_queries(15):
        response = client.get(reverse("reporting:assignment", args=[world.a1.pk]))
    assert [row.period.name for row in response.context["rows"]] == [
        "第1季度",
        "第2季度",
        "第3季度",
        "第4季度",
    ]


def test_the_report_page_shows_content_and_history_with_pinned_queries(
    client, world, cast, django_assert_num_queries
):
    report = make_report(world, world.a1, cast["reporter_a"], submit=True)
    client.force_login(cast["liaison"])
    # session, user, membership; the report with assignment, project, campaign, unit and period;
    # its transitions with actors; may the liaison review; unread notifications; step states,
    # indicator values and evidence files
    with django_assert_num_queries(10):
        response = client.get(reverse("reporting:report", args=[report.pk]))
    assert response.context["can_review"]


def test_the_report_history_page_has_pinned_queries(client, world, cast, django_assert_num_queries):
    make_report(world, world.a1, cast["reporter_a"], submit=True)
    make_report(world, world.b1, cast["reporter_b"], submit=True)
    client.force_login(cast["leader"])
    # session, user, membership; the visible campaigns (the year switcher); counts by period and
    # status (which also count the pages) and the order of those periods; unread notifications; one
    # page of reports with project, unit, period and campaign
    with django_assert_num_queries(8):
        response = client.get(reverse("reporting:history"))
    assert len(response.context["reports"]) == 2


MENU = {
    "审核": reverse_lazy("reporting:review_queue"),
    "自评": reverse_lazy("assessments:list"),
    "我的检查": reverse_lazy("assessments:inspections"),
}


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("city_admin", {"审核", "自评", "我的检查"}),
        ("liaison", {"审核", "自评", "我的检查"}),
        ("reporter_a", {"自评"}),
        ("leader", set()),
    ],
)
def test_the_menu_offers_each_role_only_what_it_does(client, world, cast, role, offered):
    """A leader reads (督办一览, results) and does not review, self-assess or inspect; a reporter
    does not inspect; reviewers and city administrators are offered all three."""
    client.force_login(cast[role])
    menu = client.get(reverse("dashboards:overview")).text.split("</nav>")[0]
    assert {name for name, url in MENU.items() if f'href="{url}"' in menu} == offered
