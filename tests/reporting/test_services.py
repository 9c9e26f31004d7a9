"""The workflow of plans and reports: every legal step, every illegal one, and what each records."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from reporting import services
from reporting.models import (
    MilestoneProgress,
    Notification,
    PlanStatus,
    PlanTransition,
    ReportStatus,
    ReportTransition,
)
from reporting.services import REPORT_WORKFLOW, WorkflowError
from tests.reporting.conftest import make_report, pdf_bytes, run_tasks, upload

Action = ReportTransition.Action


def _steps(report, cast):
    """Call each action as the role that may take it."""
    return {
        Action.SUBMIT: lambda: services.report_submit(report=report, actor=cast["reporter_a"]),
        Action.RESUBMIT: lambda: services.report_submit(report=report, actor=cast["reporter_a"]),
        Action.APPROVE: lambda: services.report_approve(report=report, actor=cast["liaison"]),
        Action.RETURN: lambda: services.report_return(
            report=report, actor=cast["liaison"], reason="数据不全"
        ),
    }


def _report_in(status: str, world, cast):
    report = make_report(world, world.a1, cast["reporter_a"])
    path = {
        ReportStatus.DRAFT: [],
        ReportStatus.SUBMITTED: [Action.SUBMIT],
        ReportStatus.RETURNED: [Action.SUBMIT, Action.RETURN],
        ReportStatus.APPROVED: [Action.SUBMIT, Action.APPROVE],
    }[status]
    for action in path:
        _steps(report, cast)[action]()
        report.refresh_from_db()
    return report


LEGAL = [(status, action) for action, (sources, _to) in REPORT_WORKFLOW.items() for status in sources]
ILLEGAL = [
    (status, action)
    for status in ReportStatus.values
    for action in [Action.SUBMIT, Action.APPROVE, Action.RETURN]
    if (status, action) not in LEGAL and not (status == ReportStatus.RETURNED and action == Action.SUBMIT)
]


@pytest.mark.parametrize(("status", "action"), LEGAL)
def test_every_legal_step_moves_the_report_and_records_who_when_and_why(world, cast, status, action):
    report = _report_in(status, world, cast)
    before = report.transitions.count()
    _steps(report, cast)[action]()
    report.refresh_from_db()
    assert report.status == REPORT_WORKFLOW[action][1]
    transition = report.transitions.last()
    assert report.transitions.count() == before + 1
    assert (transition.action, transition.from_status, transition.to_status) == (
        action,
        status,
        REPORT_WORKFLOW[action][1],
    )
    assert transition.actor in {cast["reporter_a"], cast["liaison"]}
    assert transition.at is not None
    assert transition.snapshot["progress"] == report.progress


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_illegal_step_is_refused_and_records_nothing(world, cast, status, action):
    report = _report_in(status, world, cast)
    before = report.transitions.count()
    with pytest.raises(WorkflowError):
        _steps(report, cast)[action]()
    report.refresh_from_db()
    assert report.status == status
    assert report.transitions.count() == before


def test_a_report_cannot_be_returned_without_a_reason(world, cast):
    report = _report_in(ReportStatus.SUBMITTED, world, cast)
    with pytest.raises(WorkflowError):
        services.report_return(report=report, actor=cast["liaison"], reason="   ")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_return_reason_is_kept_with_the_transition(world, cast):
    report = _report_in(ReportStatus.RETURNED, world, cast)
    assert report.transitions.last().reason == "数据不全"
    assert report.transitions.last().actor == cast["liaison"]


def test_a_report_needs_its_progress_text_before_it_is_submitted(world, cast):
    report = services.report_start(assignment=world.a1, period=world.q1, actor=cast["reporter_a"])
    with pytest.raises(WorkflowError):
        services.report_submit(report=report, actor=cast["reporter_a"])


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.APPROVED])
def test_submitted_and_approved_reports_are_locked_for_the_unit(world, cast, status):
    report = _report_in(status, world, cast)
    with pytest.raises(WorkflowError):
        services.report_update(
            report=report,
            actor=cast["reporter_a"],
            version=report.version,
            progress="改写",
            percent_complete=90,
            problems="",
            next_steps="",
            milestone_states={},
            indicator_values={},
        )
    with pytest.raises(WorkflowError):
        services.evidence_add(report=report, actor=cast["reporter_a"], upload=upload("补充.pdf", pdf_bytes()))
    report.refresh_from_db()
    assert report.progress == "开展调研12次"


def test_a_resubmitted_report_shows_what_changed_since_the_returned_version(world, cast):
    report = _report_in(ReportStatus.RETURNED, world, cast)
    state = report.milestone_states.get()
    services.report_update(
        report=report,
        actor=cast["reporter_a"],
        version=report.version,
        progress="开展调研15次，覆盖全部乡镇",
        percent_complete=40,
        problems="",
        next_steps="继续推进",
        milestone_states={state.pk: (MilestoneProgress.State.DONE, datetime.date(2014, 3, 28))},
        indicator_values={},
    )
    services.evidence_add(report=report, actor=cast["reporter_a"], upload=upload("调研报告.pdf", pdf_bytes()))
    services.report_submit(report=report, actor=cast["reporter_a"])
    report.refresh_from_db()
    assert report.transitions.last().action == Action.RESUBMIT
    changes = {
        change.label: (change.before, change.after) for change in services.report_changes_since_return(report)
    }
    assert changes["工作进展"] == ("开展调研12次", "开展调研15次，覆盖全部乡镇")
    assert changes["完成进度"] == ("25", "40")
    assert changes["步骤：1. 调研摸底"] == ("未开始 ", "已完成 2014-03-28")
    assert changes["佐证材料"] == ("", "调研报告.pdf")
    assert "下步打算" not in changes


def test_a_report_never_returned_has_no_changes_to_show(world, cast):
    report = _report_in(ReportStatus.SUBMITTED, world, cast)
    assert services.report_changes_since_return(report) is None


def test_a_new_report_lists_the_plans_steps_and_indicators_and_carries_over_the_last_values(world, cast):
    first = _report_in(ReportStatus.APPROVED, world, cast)
    second = services.report_start(assignment=world.a1, period=world.q2, actor=cast["reporter_a"])
    assert second.percent_complete == first.percent_complete
    assert [s.milestone_id for s in second.milestone_states.all()] == [
        m.pk for m in world.a1.milestones.all()
    ]
    assert [v.indicator_id for v in second.indicator_values.all()] == [
        i.pk for i in world.a1.indicators.all()
    ]


def test_submit_return_and_approve_notify_the_other_side_in_the_portal_and_by_email(world, cast):
    report = make_report(world, world.a1, cast["reporter_a"])
    services.report_submit(report=report, actor=cast["reporter_a"])
    assert (
        Notification.objects.filter(recipient=cast["liaison"], kind=Notification.Kind.SUBMITTED).count() == 1
    )
    assert not Notification.objects.filter(recipient=cast["other_liaison"]).exists()
    services.report_return(report=report, actor=cast["liaison"], reason="请补充照片")
    returned = Notification.objects.get(recipient=cast["reporter_a"], kind=Notification.Kind.RETURNED)
    assert "请补充照片" in returned.message
    assert not Notification.objects.filter(recipient=cast["reporter_b"]).exists()
    services.report_submit(report=report, actor=cast["reporter_a"])
    services.report_approve(report=report, actor=cast["liaison"])
    assert Notification.objects.filter(recipient=cast["reporter_a"], kind=Notification.Kind.APPROVED).exists()
    assert mail.outbox == []  # nothing is sent by the action itself: the worker sends the outbox
    assert run_tasks() == 4
    recipients = [message.to for message in mail.outbox]
    assert recipients == [
        ["liaison@example.com"],
        ["reporter_a@example.com"],
        ["liaison@example.com"],
        ["reporter_a@example.com"],
    ]
    assert all(n.emailed_at for n in Notification.objects.all())


def test_only_roles_with_the_right_take_a_step(world, cast):
    report = make_report(world, world.a1, cast["reporter_a"], submit=True)
    for role in ["reporter_a", "leader", "other_liaison", "reporter_b"]:
        with pytest.raises(PermissionDenied):
            services.report_approve(report=report, actor=cast[role])
    with pytest.raises(PermissionDenied):
        services.report_start(assignment=world.a1, period=world.q2, actor=cast["liaison"])


# ---------------------------------------------------------------- the 四定 plan


def _plan_rows(assignment):
    milestone = assignment.milestones.get()
    return [
        services.MilestoneRow(id=milestone.pk, order=1, title="调研摸底", due_on=datetime.date(2014, 3, 31))
    ]


def _update_plan(assignment, actor, **changes):
    assignment.refresh_from_db()
    fields = {
        "target": assignment.target,
        "deadline": assignment.deadline,
        "responsible_person": assignment.responsible_person,
        "responsible_person_position": "",
        "responsible_person_phone": "",
        "milestones": _plan_rows(assignment),
        "indicators": [],
    } | changes
    return services.plan_update(assignment=assignment, actor=actor, version=assignment.version, **fields)


def test_a_plan_goes_from_draft_to_submitted_to_confirmed_and_is_then_locked_for_the_unit(world, cast):
    _update_plan(world.a1, cast["reporter_a"], target="建成3个示范点")
    services.plan_submit(assignment=world.a1, actor=cast["reporter_a"])
    with pytest.raises(WorkflowError):
        _update_plan(world.a1, cast["reporter_a"], target="改成2个")
    plan = services.plan_confirm(assignment=world.a1, actor=cast["liaison"])
    assert plan.status == PlanStatus.CONFIRMED
    assert plan.confirmed_by == cast["liaison"]
    with pytest.raises(WorkflowError):
        _update_plan(world.a1, cast["reporter_a"], target="改成2个")
    world.a1.refresh_from_db()
    assert world.a1.target == "建成3个示范点"
    actions = list(plan.transitions.values_list("action", "actor__username"))
    assert actions == [
        (PlanTransition.Action.SUBMIT, "reporter_a"),
        (PlanTransition.Action.CONFIRM, "liaison"),
    ]


def test_a_change_to_a_confirmed_plan_by_the_city_is_recorded_in_its_history(world, cast):
    services.plan_submit(assignment=world.a1, actor=cast["reporter_a"])
    plan = services.plan_confirm(assignment=world.a1, actor=cast["liaison"])
    _update_plan(world.a1, cast["superuser"], target="市里调整后的目标")
    latest = world.a1.history.first()
    assert latest.target == "市里调整后的目标"
    assert latest.history_date > plan.confirmed_at


def test_a_plan_is_returned_or_reopened_only_with_a_reason(world, cast):
    services.plan_submit(assignment=world.a1, actor=cast["reporter_a"])
    with pytest.raises(WorkflowError):
        services.plan_return(assignment=world.a1, actor=cast["liaison"], reason="")
    plan = services.plan_return(assignment=world.a1, actor=cast["liaison"], reason="步骤太粗")
    assert plan.status == PlanStatus.DRAFT
    services.plan_submit(assignment=world.a1, actor=cast["reporter_a"])
    services.plan_confirm(assignment=world.a1, actor=cast["liaison"])
    plan = services.plan_return(assignment=world.a1, actor=cast["liaison"], reason="时限调整")
    assert plan.transitions.last().action == PlanTransition.Action.REOPEN
    assert plan.transitions.last().reason == "时限调整"


def test_a_plan_cannot_be_confirmed_before_it_is_submitted_or_twice(world, cast):
    with pytest.raises(WorkflowError):
        services.plan_confirm(assignment=world.a1, actor=cast["liaison"])
    services.plan_submit(assignment=world.a1, actor=cast["reporter_a"])
    services.plan_confirm(assignment=world.a1, actor=cast["liaison"])
    with pytest.raises(WorkflowError):
        services.plan_confirm(assignment=world.a1, actor=cast["liaison"])


def test_an_incomplete_plan_cannot_be_submitted(world, cast):
    _update_plan(world.a1, cast["reporter_a"], target="", responsible_person="")
    with pytest.raises(WorkflowError, match="定目标"):
        services.plan_submit(assignment=world.a1, actor=cast["reporter_a"])


def test_a_step_due_after_the_deadline_is_refused_and_nothing_is_saved(world, cast):
    late = [services.MilestoneRow(id=None, order=2, title="总结", due_on=datetime.date(2015, 1, 5))]
    with pytest.raises(ValidationError):
        _update_plan(world.a1, cast["reporter_a"], target="新目标", milestones=late)
    world.a1.refresh_from_db()
    assert world.a1.target == "建成示范点"
    assert world.a1.milestones.count() == 1


def test_the_assignment_page_lists_changes_made_after_confirmation(client, world, cast):
    services.plan_submit(assignment=world.a1, actor=cast["reporter_a"])
    services.plan_confirm(assignment=world.a1, actor=cast["liaison"])
    late = [
        services.MilestoneRow(
            id=world.a1.milestones.get().pk,
            order=1,
            title="调研摸底（调整）",
            due_on=datetime.date(2014, 4, 30),
        )
    ]
    _update_plan(world.a1, cast["superuser"], target="市里调整后的目标", milestones=late)
    client.force_login(cast["liaison"])
    changes = client.get(f"/assignments/{world.a1.pk}/").context["changes_after_confirmation"]
    assert [(c.record, c.how) for c in changes] == [
        ("责任单位四定", "已修改"),
        ("指标 示范点", "已删除"),  # the lists are complete: an indicator left out is removed
        ("步骤 调研摸底（调整）", "已修改"),
    ]
    assert {c.user for c in changes} == {"superuser"}
