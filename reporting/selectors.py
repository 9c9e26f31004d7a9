"""Reads of progress reporting: which report of which assignment is due, late or missing.

All dates are local dates in Asia/Shanghai; "today" can be given for tests and reminders.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Assignment, Indicator, Milestone
from quanzhou_women.lib.people import person_name
from reporting.models import ProgressReport, ReportingPeriod, ReportStatus


class PeriodState(StrEnum):
    """Where an assignment stands for one reporting period."""

    NOT_OPEN = "not_open"  # the period has not begun
    DUE = "due"  # running or ended, not yet submitted, due date not passed
    OVERDUE = "overdue"  # not submitted and the due date has passed
    SUBMITTED = "submitted"  # waiting for review
    APPROVED = "approved"


PERIOD_STATE_LABELS = {
    PeriodState.NOT_OPEN: _("not open yet"),
    PeriodState.DUE: _("due"),
    PeriodState.OVERDUE: _("overdue"),
    PeriodState.SUBMITTED: _("awaiting review"),
    PeriodState.APPROVED: _("approved"),
}


@dataclass
class PeriodRow:
    """One period of one assignment: the period, the report if any, the state and lateness."""

    assignment: Assignment
    period: ReportingPeriod
    report: ProgressReport | None
    state: PeriodState
    days_left: int  # days until the due date (negative: days late)
    submitted_late: bool

    @property
    def days_late(self) -> int:
        """Days past the due date (0 if not past)."""
        return max(0, -self.days_left)

    @property
    def label(self) -> str:
        """The state in words (Chinese), e.g. 逾期."""
        return str(PERIOD_STATE_LABELS[self.state])

    @property
    def report_status_label(self) -> str:
        """The report's own status (draft, returned …) or an empty string."""
        return self.report.get_status_display() if self.report else ""


def period_state(
    period: ReportingPeriod, report: ProgressReport | None, today: datetime.date
) -> tuple[PeriodState, bool]:
    """The state of an assignment for a period, and whether its report came in after the due date."""
    submitted_late = bool(report and report.submitted_late)
    if report is not None and report.status == ReportStatus.APPROVED:
        return PeriodState.APPROVED, submitted_late
    if report is not None and report.status == ReportStatus.SUBMITTED:
        return PeriodState.SUBMITTED, submitted_late
    if period.starts_on > today:
        return PeriodState.NOT_OPEN, False
    if period.due_on < today:
        return PeriodState.OVERDUE, False
    return PeriodState.DUE, False


def assignments_with_reports(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Assignments with project, campaign, unit, plan, and reports (with period) preloaded."""
    return assignments.select_related("project__campaign", "unit", "plan").prefetch_related(
        Prefetch("reports", queryset=ProgressReport.objects.select_related("period"))
    )


def period_rows(
    assignments: list[Assignment], today: datetime.date | None = None, *, include_not_open: bool = False
) -> list[PeriodRow]:
    """Every (assignment, period) pair with its state, for assignments from ``assignments_with_reports``.

    One query for the periods of all campaigns involved.
    """
    today = today or timezone.localdate()
    campaign_ids = {a.project.campaign_id for a in assignments}
    periods: dict[int, list[ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(campaign__in=campaign_ids).order_by("starts_on"):
        periods.setdefault(period.campaign_id, []).append(period)
    rows = []
    for assignment in assignments:
        reports = {r.period_id: r for r in assignment.reports.all()}
        for period in periods.get(assignment.project.campaign_id, []):
            report = reports.get(period.pk)
            state, late = period_state(period, report, today)
            if state == PeriodState.NOT_OPEN and not include_not_open:
                continue
            rows.append(PeriodRow(assignment, period, report, state, (period.due_on - today).days, late))
    return rows


@dataclass(frozen=True)
class PlanChange:
    """One recorded change of a plan: when, by whom, what kind of record and how."""

    at: datetime.datetime
    user: str
    record: str
    how: str


def plan_changes_since(assignment: Assignment, since: datetime.datetime) -> list[PlanChange]:
    """Changes to the assignment, its steps and its indicators after ``since`` (e.g. confirmation).

    Read from django-simple-history; three queries. Oldest first.
    """
    histories = [
        (assignment.history.filter(history_date__gt=since), Assignment._meta.verbose_name),
        (Milestone.history.filter(assignment_id=assignment.pk, history_date__gt=since), _("step")),
        (Indicator.history.filter(assignment_id=assignment.pk, history_date__gt=since), _("indicator")),
    ]
    changes = [
        PlanChange(
            at=record.history_date,
            user=person_name(record.history_user),
            record=f"{label} {getattr(record, 'title', '') or getattr(record, 'name', '')}".strip(),
            how=record.get_history_type_display(),
        )
        for queryset, label in histories
        for record in queryset.select_related("history_user")
    ]
    return sorted(changes, key=lambda change: change.at)
