"""Reads of progress reporting: which report of which assignment is due, late or missing.

All dates are local dates in Asia/Shanghai; "today" can be given for tests and reminders.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Assignment,
    Campaign,
    Indicator,
    Milestone,
    current_campaign,
    round_label,
)
from quanzhou_women.lib.odd_input import id_from_text
from quanzhou_women.lib.people import person_name
from reporting import calendar
from reporting.models import Plan, PlanStatus, ProgressReport, ReportingPeriod, ReportStatus


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
class YearChoice:
    """The round a page shows and its year switcher: ``campaign`` (``None`` without any),
    ``links`` (per visible round, newest first: ``label`` “2015年”, ``query`` and ``selected``;
    empty with fewer than two rounds)."""

    campaign: Campaign | None
    links: list[dict]


def year_choice(user, wanted: str | None, today: datetime.date | None = None) -> YearChoice:
    """The round ``wanted`` (a campaign id from ``?campaign=``) among those ``user`` sees, else the
    round in progress on ``today`` (``projects.models.current_campaign``); one query."""
    from urllib.parse import urlencode

    campaigns = list(Campaign.objects.restrict(user).select_related("issuing_body").order_by("-year"))
    pk = id_from_text(wanted)
    campaign = next((c for c in campaigns if c.pk == pk), None) or current_campaign(campaigns, today)
    links = []
    if len(campaigns) > 1:
        links = [
            {
                "label": round_label(c, campaigns),
                "query": urlencode({"campaign": c.pk}),
                "selected": c == campaign,
            }
            for c in campaigns
        ]
    return YearChoice(campaign, links)


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
    """Assignments with project, campaign, unit, plan, receipt (下发 / 签收) and reports (with period)
    preloaded."""
    return assignments.select_related("project__campaign", "unit", "plan", "receipt").prefetch_related(
        Prefetch("reports", queryset=ProgressReport.objects.select_related("period"))
    )


def period_rows(
    assignments: list[Assignment], today: datetime.date | None = None, *, include_not_open: bool = False
) -> list[PeriodRow]:
    """Every (assignment, period) pair with its state, for assignments from ``assignments_with_reports``;
    only the periods the assignment reports for (``calendar.periods_of``).

    One query for the periods of all campaigns involved.
    """
    today = today or timezone.localdate()
    campaign_ids = {a.project.campaign_id for a in assignments}
    periods: dict[int, list[ReportingPeriod]] = {}
    for period in (
        ReportingPeriod.objects.filter(campaign__in=campaign_ids)
        .select_related("campaign")
        .order_by("starts_on")
    ):
        periods.setdefault(period.campaign_id, []).append(period)
    rows = []
    for assignment in assignments:
        reports = {r.period_id: r for r in assignment.reports.all()}
        for period in calendar.periods_of(
            assignment.deadline, periods.get(assignment.project.campaign_id, [])
        ):
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


# --- 我的任务 for those who follow many units (leaders, liaison staff, city administrators) ----------

SUMMARY_ROWS = 10  # rows per table of the work summary; the full lists are one link away


@dataclass
class Overdue:
    """Reports missing for the latest period whose due date has passed (those to 催报).

    ``period`` is that period of the newest campaign the user can see; ``total`` the (assignment)
    reports neither submitted nor approved for it; ``by_project`` the projects with the most.
    """

    period: ReportingPeriod
    total: int
    by_project: list[dict]


@dataclass
class WorkSummary:
    """What a leader or a liaison must do, counted in the database.

    ``reports_waiting`` / ``plans_waiting``: submitted reports and plans in the user's scope;
    ``*_by_project`` and ``reports_by_unit``: at most ``SUMMARY_ROWS`` rows each, the largest first,
    as dicts with ``ref`` (the id), a name or number and title, ``n`` and (reports) ``oldest`` submission.
    """

    reports_waiting: int
    plans_waiting: int
    reports_by_project: list[dict]
    reports_by_unit: list[dict]
    plans_by_project: list[dict]
    overdue: Overdue | None


def _by_project(queryset: QuerySet, prefix: str, **extra) -> list[dict]:
    """Counts of ``queryset`` per feature project reached through ``prefix`` (largest first)."""
    rows = (
        queryset.values(
            ref=F(f"{prefix}project_id"),
            number=F(f"{prefix}project__number"),
            title=F(f"{prefix}project__title"),
            year=F(f"{prefix}project__campaign__year"),
        )
        .annotate(n=Count("pk"), **extra)
        .order_by("-n", "-year", "number")
    )
    return list(rows[:SUMMARY_ROWS])


def work_summary(
    reports: QuerySet[ProgressReport],
    plans: QuerySet[Plan],
    assignments: QuerySet[Assignment],
    today: datetime.date | None = None,
) -> WorkSummary:
    """The work summary of a user, given the reports, plans and assignments they may read.

    Eight queries whatever the data: two totals, three groupings, the newest campaign's latest
    past-due period, and for it the missing reports' total and grouping. A report counts as missing
    for a period when the assignment reports for it (deadline not before its start, as on the
    dashboards) and no report of it is submitted or approved.
    """
    today = today or timezone.localdate()
    waiting = reports.filter(status=ReportStatus.SUBMITTED)
    plans_waiting = plans.filter(status=PlanStatus.SUBMITTED)
    period = (
        ReportingPeriod.objects.filter(campaign__in=assignments.values("project__campaign"), due_on__lt=today)
        .select_related("campaign")
        .order_by("-campaign__year", "-due_on")
        .first()
    )
    overdue = None
    if period is not None:
        filed = ProgressReport.objects.filter(
            assignment=OuterRef("pk"),
            period=period,
            status__in=calendar.FILED,
        )
        missing = (
            assignments.filter(project__campaign=period.campaign_id)
            .filter(calendar.reports_for_q(period.starts_on))
            .exclude(Exists(filed))
        )
        overdue = Overdue(period, missing.count(), _by_project(missing, ""))
    return WorkSummary(
        reports_waiting=waiting.count(),
        plans_waiting=plans_waiting.count(),
        reports_by_project=_by_project(waiting, "assignment__", oldest=Min("submitted_at")),
        reports_by_unit=list(
            waiting.values(
                ref=F("assignment__unit_id"),
                name=F("assignment__unit__name"),
                order=F("assignment__unit__display_order"),
            )
            .annotate(n=Count("pk"), oldest=Min("submitted_at"))
            .order_by("-n", "order", "name")[:SUMMARY_ROWS]
        ),
        plans_by_project=_by_project(plans_waiting, "assignment__"),
        overdue=overdue,
    )


# --- 报告记录: every report a user may read, newest period first, a page at a time -----------------


class ReportsByPeriod:
    """The reports of a queryset, newest period first, then by project number and unit order, as a
    sequence that Django's ``Paginator`` can page without sorting every report.

    ``counts`` are the number of reports per period, newest first (from ``report_counts``). A
    slice reads only the periods it falls in: sorting one period (about 4,000 reports at province
    scale) instead of all of them (about 99,000). One query per slice.
    """

    def __init__(self, reports: QuerySet[ProgressReport], counts: list[tuple[int, int]]):
        self.reports = reports
        self.counts = counts  # [(period id, reports)], newest period first

    def count(self) -> int:
        """The number of reports (no query)."""
        return sum(n for _period, n in self.counts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[ProgressReport]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("ReportsByPeriod supports only slices.")
        start, stop = index.start or 0, self.count() if index.stop is None else index.stop
        periods, skipped, seen = [], None, 0
        for period, n in self.counts:
            if seen + n > start and seen < stop:
                periods.append(period)
                skipped = seen if skipped is None else skipped
            seen += n
        if not periods:
            return []
        rows = self.reports.filter(period__in=periods).order_by(
            "-period__starts_on",
            "period_id",
            "assignment__project__number",
            "assignment__unit__display_order",
            "pk",
        )
        return list(rows[start - skipped : stop - skipped])


def report_counts(reports: QuerySet[ProgressReport]) -> list[tuple[int, str, int]]:
    """``(period id, status, reports)`` of a queryset, newest period first.

    Two queries: the counts grouped by period and status without a join (a join with the periods
    doubles the cost at province scale), then the order of those few periods.
    """
    counts = list(reports.order_by().values_list("period_id", "status").annotate(n=Count("pk")))
    order = ReportingPeriod.objects.filter(pk__in={period for period, _status, _n in counts}).order_by(
        "-starts_on", "pk"
    )
    position = {pk: index for index, pk in enumerate(order.values_list("pk", flat=True))}
    return sorted(counts, key=lambda row: (position[row[0]], row[1]))
