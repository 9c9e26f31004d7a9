"""The status rules on hand-built cases: each colour, each boundary, and the as-of date."""

import datetime

import pytest
from django.test import override_settings

from dashboards.status import CellFacts, ReportFact, Status, StepFact, evaluate, planned_percent

D = datetime.date
START = D(2024, 1, 1)
DEADLINE = D(2024, 12, 31)


def report(percent: int, period: str = "第1季度") -> ReportFact:
    return ReportFact(period, percent, "approved", D(2024, 4, 5))


def facts(**changes) -> CellFacts:
    """A plan with four steps, one per quarter, and a report of 30 % (on track in May)."""
    values = {
        "starts_on": START,
        "deadline": DEADLINE,
        "steps": (
            StepFact(1, "启动", D(2024, 3, 31), done=True),
            StepFact(2, "推进", D(2024, 6, 30)),
            StepFact(3, "评估", D(2024, 9, 30)),
            StepFact(4, "总结", D(2024, 12, 31)),
        ),
        "latest_report": report(30),
        "missing_periods": (),
    }
    values.update(changes)
    return CellFacts(**values)


def test_a_report_at_the_done_percent_is_done_whatever_else_is_late():
    verdict = evaluate(
        facts(latest_report=report(100), missing_periods=("第2季度", "第3季度")), D(2025, 3, 1)
    )
    assert verdict.status == Status.DONE
    assert "100%" in verdict.explanation


def test_one_point_short_of_done_is_not_done():
    assert evaluate(facts(latest_report=report(99)), D(2024, 5, 1)).status != Status.DONE


def test_progress_that_keeps_up_with_the_plan_is_on_track():
    verdict = evaluate(facts(), D(2024, 5, 1))
    assert verdict.status == Status.ON_TRACK
    assert (verdict.planned_percent, verdict.actual_percent) == (25, 30)


def test_nothing_reported_and_nothing_due_is_not_started():
    verdict = evaluate(facts(latest_report=None), D(2024, 2, 1))
    assert verdict.status == Status.NOT_STARTED
    assert verdict.planned_percent == 0


def test_the_deadline_day_itself_is_not_overdue_but_the_day_after_is():
    plan = facts(latest_report=report(90), steps=(), deadline=D(2024, 6, 30), missing_periods=())
    assert evaluate(plan, D(2024, 6, 30), {**rules_without_gap()}).status != Status.OVERDUE
    after = evaluate(plan, D(2024, 7, 1), rules_without_gap())
    assert after.status == Status.OVERDUE
    assert "2024-06-30" in after.explanation


def rules_without_gap() -> dict:
    from django.conf import settings

    return {**settings.SUPERVISION_STATUS_RULES, "behind_gap_percent": 100}


def test_a_step_due_today_is_not_late_yet():
    plan = facts(latest_report=report(50))
    assert evaluate(plan, D(2024, 6, 30)).status == Status.ON_TRACK


def test_a_step_one_day_past_due_and_not_done_is_behind():
    verdict = evaluate(facts(latest_report=report(50)), D(2024, 7, 1))
    assert verdict.status == Status.BEHIND
    assert "推进" in verdict.explanation
    assert [step.order for step in verdict.overdue_steps] == [2]


@override_settings(SUPERVISION_STATUS_RULES={**rules_without_gap(), "step_overdue_days": 30})
def test_a_step_turns_overdue_after_the_configured_number_of_days():
    plan = facts(latest_report=report(50))
    assert evaluate(plan, D(2024, 7, 30)).status == Status.BEHIND  # 30 days late
    assert evaluate(plan, D(2024, 7, 31)).status == Status.OVERDUE  # 31 days late


def test_a_step_reported_done_is_not_late():
    steps = tuple(StepFact(step.order, step.title, step.due_on, done=True) for step in facts().steps)
    assert evaluate(facts(steps=steps, latest_report=report(60)), D(2024, 7, 15)).status == Status.ON_TRACK


def test_one_missing_report_is_behind_and_two_are_overdue():
    assert evaluate(facts(missing_periods=("第1季度",)), D(2024, 5, 1)).status == Status.BEHIND
    verdict = evaluate(facts(missing_periods=("第1季度", "第2季度")), D(2024, 5, 1))
    assert verdict.status == Status.OVERDUE
    assert "第1季度、第2季度" in verdict.explanation


def test_a_gap_of_exactly_the_threshold_is_on_track_and_one_more_point_is_behind():
    # On 2024-07-01 two of four steps are due: 50 % planned. The threshold is 15 points.
    done_two = tuple(StepFact(s.order, s.title, s.due_on, done=s.order <= 2) for s in facts().steps)
    assert evaluate(facts(steps=done_two, latest_report=report(35)), D(2024, 7, 1)).status == Status.ON_TRACK
    verdict = evaluate(facts(steps=done_two, latest_report=report(34)), D(2024, 7, 1))
    assert verdict.status == Status.BEHIND
    assert "16" in verdict.explanation


def test_deadline_near_is_off_by_default():
    plan = facts(latest_report=report(92), steps=())
    assert evaluate(plan, D(2024, 12, 25)).status == Status.ON_TRACK


@pytest.mark.parametrize(
    ("day", "expected"), [(D(2024, 12, 17), Status.DUE_SOON), (D(2024, 12, 16), Status.ON_TRACK)]
)
def test_a_city_can_turn_on_blue_for_a_deadline_coming_near(settings, day, expected):
    settings.SUPERVISION_STATUS_RULES = {**settings.SUPERVISION_STATUS_RULES, "deadline_near_days": 14}
    plan = facts(latest_report=report(90), steps=())
    assert evaluate(plan, day).status == expected


def test_the_worst_reason_decides_and_every_reason_is_listed_worst_first():
    verdict = evaluate(facts(latest_report=report(0), missing_periods=("第1季度",)), D(2024, 8, 15))
    assert verdict.status == Status.OVERDUE  # step 2 is 46 days late
    statuses = [reason.status for reason in verdict.reasons]
    assert statuses[0] == Status.OVERDUE
    assert Status.BEHIND in statuses  # the missing report and the gap to the plan
    assert statuses == sorted(statuses, key=lambda s: -list(Status.values).index(s))


def test_the_same_plan_reads_differently_on_different_days():
    plan = facts(latest_report=None)
    assert evaluate(plan, D(2024, 2, 1)).status == Status.NOT_STARTED
    assert evaluate(plan, D(2024, 4, 15)).status == Status.BEHIND
    assert evaluate(plan, D(2025, 1, 2)).status == Status.OVERDUE


def test_without_dated_steps_the_plan_is_spread_over_the_time_to_the_deadline():
    plan = facts(steps=(), deadline=D(2024, 12, 31))
    assert planned_percent(plan, D(2024, 1, 1)) == 0
    assert planned_percent(plan, D(2024, 7, 1)) == 50
    assert planned_percent(plan, D(2025, 6, 1)) == 100
    assert planned_percent(facts(steps=(), deadline=None), D(2024, 7, 1)) is None
