"""One reporting calendar (issue 12 item 5): on one day, the tasks page, the reminders and the
dashboards count the same missing periods, because all of them ask ``reporting.calendar``.

The world's 2014 round, quarterly (Q1 due 10 April, Q2 10 July, Q3 10 October, Q4 10 January
2015), looked at on 20 October 2014, with three assignments:

- a1 (unit A, no deadline: every quarter): Q1 approved, Q2 a draft, Q3 nothing — missing Q2, Q3;
- a2 (unit A, deadline 15 May: Q1 and Q2 only): Q1 submitted, Q2 returned for revision — missing Q2;
- b1 (unit B, deadline 31 December): Q1 nothing, Q2 submitted, Q3 a draft — missing Q1, Q3.

Five missing periods in all; Q4 is not yet due, and a2 does not report for Q3 or Q4.
"""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from dashboards import selectors as dashboards
from reporting import calendar, services
from reporting.models import Notification, ProgressReport, ReportingPeriod
from reporting.selectors import PeriodState

TODAY = datetime.date(2014, 10, 20)
EXPECTED = {("a1", "第2季度"), ("a1", "第3季度"), ("a2", "第2季度"), ("b1", "第1季度"), ("b1", "第3季度")}


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00"))


def _report(world, assignment, reporter, period, *, submit=False, on=None, review=None, by=None):
    """A report written through the services, its dates then set to the day it happened in 2014
    (the services stamp the real time)."""
    report = services.report_start(assignment=assignment, period=period, actor=reporter)
    services.report_update(
        report=report,
        actor=reporter,
        version=report.version,
        progress="开展工作",
        percent_complete=30,
        problems="",
        next_steps="",
        milestone_states={},
        indicator_values={},
    )
    if submit:
        services.report_submit(report=report, actor=reporter)
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=_at(on))
    if review == "approve":
        services.report_approve(report=report, actor=by)
    elif review == "return":
        services.report_return(report=report, actor=by, reason="请补充佐证材料")
    if review:
        ProgressReport.objects.filter(pk=report.pk).update(reviewed_at=_at(on) + datetime.timedelta(days=3))
    return report


@pytest.fixture
def calendar_world(world, cast):
    world.a1.deadline = None
    world.a1.save()
    world.a2.deadline = datetime.date(2014, 5, 15)
    world.a2.milestones.update(due_on=datetime.date(2014, 3, 31))
    world.a2.save()
    q1, q2, q3, _q4 = ReportingPeriod.objects.filter(campaign=world.campaign).order_by("starts_on")
    reporter_a, reporter_b = cast["reporter_a"], cast["reporter_b"]
    superuser = cast["superuser"]
    _report(world, world.a1, reporter_a, q1, submit=True, on="2014-04-08", review="approve", by=superuser)
    _report(world, world.a1, reporter_a, q2)
    _report(world, world.a2, reporter_a, q1, submit=True, on="2014-04-09")
    _report(world, world.a2, reporter_a, q2, submit=True, on="2014-07-09", review="return", by=superuser)
    _report(world, world.b1, reporter_b, q2, submit=True, on="2014-07-08")
    _report(world, world.b1, reporter_b, q3)
    Notification.objects.all().delete()  # the notices of submit, approve and return
    return world, cast


def _names(world) -> dict[int, str]:
    return {world.a1.pk: "a1", world.a2.pk: "a2", world.b1.pk: "b1"}


def _on_the_tasks_page(client, monkeypatch, world, cast) -> set[tuple[str, str]]:
    """The overdue rows of each reporter's 我的任务 (the page itself, on the fixed day)."""
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, tz=None: real(value, tz) if value else TODAY
    )
    found = set()
    for reporter in ("reporter_a", "reporter_b"):
        client.force_login(cast[reporter])
        response = client.get(reverse("reporting:tasks"))
        assert response.status_code == 200
        rows = [
            row for row in response.context["page"].paginator.object_list if row.state == PeriodState.OVERDUE
        ]
        assert response.context["overdue_count"] == len(rows)
        found |= {(_names(world)[row.assignment.pk], row.period.name) for row in rows}
    return found


def _in_the_reminders(world) -> set[tuple[str, str]]:
    """The overdue reminders ``reminders_send`` writes on the fixed day (one reporter per unit)."""
    sent = services.reminders_send(today=TODAY)
    overdue = Notification.objects.filter(kind=Notification.Kind.OVERDUE)
    assert sent == overdue.count() == Notification.objects.count()  # nothing is merely due soon
    periods = {p.pk: p.name for p in ReportingPeriod.objects.all()}
    found = set()
    for key in overdue.values_list("key", flat=True):
        _kind, assignment, period = key.split(":")
        found.add((_names(world)[int(assignment)], periods[int(period)]))
    return found


def _on_the_dashboards(world, cast) -> set[tuple[str, str]]:
    """The missing periods of the overview's cells on the fixed day (``?on=2014-10-20``)."""
    params = QueryDict(f"on={TODAY.isoformat()}&campaign={world.campaign.pk}")
    filters = dashboards.read_filters(cast["superuser"], params)
    overview = dashboards.overview(cast["superuser"], filters)
    cells = [cell for _unit, row in overview.rows for cell in row if cell is not None]
    return {(_names(world)[cell.id], name) for cell in cells for name in cell.missing_periods}


def test_tasks_reminders_and_dashboards_count_the_same_missing_periods(client, monkeypatch, calendar_world):
    world, cast = calendar_world
    tasks = _on_the_tasks_page(client, monkeypatch, world, cast)
    reminders = _in_the_reminders(world)
    dashboards_ = _on_the_dashboards(world, cast)
    assert tasks == reminders == dashboards_ == EXPECTED
    assert len(tasks) == len(reminders) == len(dashboards_) == 5


def test_the_period_totals_of_the_dashboards_agree_per_quarter(calendar_world):
    world, cast = calendar_world
    missing_by_quarter = {}
    for period in ReportingPeriod.objects.filter(campaign=world.campaign).order_by("starts_on")[:3]:
        params = QueryDict(f"on={TODAY.isoformat()}&campaign={world.campaign.pk}&period={period.pk}")
        totals = dashboards.totals(cast["superuser"], dashboards.read_filters(cast["superuser"], params))
        missing_by_quarter[period.name] = (totals.expected, totals.missing)
    # Q1: all three report, a2's submitted and a1's approved; Q2: all three, only b1 filed (a2's
    # was returned); Q3: a1 and b1 (a2's deadline is before Q3), neither filed.
    assert missing_by_quarter == {"第1季度": (3, 1), "第2季度": (3, 2), "第3季度": (2, 2)}
    assert sum(missing for _expected, missing in missing_by_quarter.values()) == len(EXPECTED)


def test_a_returned_report_counted_as_filed_until_it_was_returned():
    returned_on = _at("2014-07-12")
    assert calendar.filed("returned", returned_on, cutoff=_at("2014-07-11"))
    assert not calendar.filed("returned", returned_on, cutoff=_at("2014-07-13"))
    assert not calendar.filed("returned", returned_on)
    assert not calendar.filed("draft", None, cutoff=_at("2014-07-13"))
    assert calendar.filed("approved", returned_on)
