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
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dashboards.status import (
    NOT_ISSUED,
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
    current_campaign,
    year_label,
)
from quanzhou_women.lib.odd_input import id_from_text
from reporting import calendar
from reporting.models import IndicatorValue, MilestoneProgress, ProgressReport, ReportingPeriod, ReportStatus
from units.models import Organisation

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
    reports: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        ProgressReport.objects.filter(**related, submitted_at__lt=day_end(on))
        .exclude(status=ReportStatus.DRAFT)
        .order_by()
        .values_list("assignment_id", "id", "period_id", "percent_complete", "status", "submitted_at")
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
        expected = tuple(periods_expected(row, periods.get(row["project__campaign_id"], [])))
        missing = tuple(
            period.name
            for period in expected
            if calendar.counts_as_missing(row["deadline"], period, period.id in reported, on)
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
        return current_campaign(self.campaigns, self.on)

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
                "label": year_label(campaign.year),
                "query": self.query(campaign=campaign.pk, period=""),
                "selected": campaign == self.campaign,
            }
            for campaign in self.campaigns
        ]

    @property
    def first_day(self) -> datetime.date | None:
        """The first day of the chosen round's first reporting period (``None`` without one)."""
        return self.periods[0].starts_on if self.periods else None

    @property
    def not_started(self) -> bool:
        """Whether the chosen round has not begun on the day: its first reporting period starts
        after ``on`` (issue 12 item 3: such a round gets a “not started yet” page, not a red grid)."""
        return self.campaign is not None and self.first_day is not None and self.first_day > self.on


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
    campaigns = list(Campaign.objects.restrict(user).select_related("issuing_body").order_by("-year"))
    wanted = id_from_text(params.get("campaign"))
    campaign = next((c for c in campaigns if c.pk == wanted), None) or current_campaign(campaigns, on)
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
    submitted = ProgressReport.objects.filter(
        assignment__in=scope, period_id=period.id, submitted_at__lt=cutoff
    ).exclude(status=ReportStatus.DRAFT)
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


def iter_cells(user, filters: Filters) -> Iterator[Cell]:
    """Every cell within the filters, in the order of the 一览表 (newest campaign first, then project
    number, then the units' display order), about ``CHUNK_SIZE`` assignments at a time, so memory
    stays flat however many there are.

    Chunks are whole projects. Queries: the projects with their number of assignments; then per
    chunk the chunk's assignments and the three of ``judge`` (four over every campaign, whose
    periods are loaded per chunk).
    """
    scope = scoped_assignments(user, filters)
    counts = (
        scope.order_by("-project__campaign__year", "project__number")
        .values_list("project_id")
        .annotate(count=Count("pk"))
    )
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
            ).values(*ASSIGNMENT_FIELDS)
        )
        cells = judge(rows, filters.on, periods, queryset)
        for row in rows:
            yield cells[row["id"]]


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


def bulletin(user, filters: Filters, whole_campaign: bool = False) -> list[RankRow]:
    """The ranking of units for the chosen period (or the whole campaign up to the day).

    A report is on time when submitted by the period's due date, late when submitted after it, and
    missing when not submitted by the day. Units rank by on-time rate, then completion (比学赶超);
    equal figures share a rank. Queries: those of ``iter_cells``.
    """
    if whole_campaign or filters.period is None:
        span = {period.id for period in filters.periods if period.due_on < filters.on}
    else:
        span = {filters.period.id} if filters.period.due_on < filters.on else set()
    rows: dict[int, RankRow] = {}
    for cell in iter_cells(user, filters):
        unit_id = cell.assignment["unit_id"]
        row = rows.setdefault(unit_id, RankRow(unit_id, cell.assignment["unit__name"]))
        row.projects += 1
        row.percent_sum += cell.verdict.actual_percent
        row.statuses[cell.status] += 1
        for period in cell.expected_periods:
            if period.id not in span:
                continue
            row.expected += 1
            submitted = cell.submitted_on.get(period.id)
            if submitted is None:
                row.missing += 1
            elif submitted <= period.due_on:
                row.on_time += 1
            else:
                row.late += 1
    ranked = sorted(
        rows.values(),
        key=lambda row: (row.on_time_rate is None, -(row.on_time_rate or 0), -row.completion),
    )
    previous = None
    for position, row in enumerate(ranked, start=1):
        key = (row.on_time_rate, row.completion)
        row.rank = ranked[position - 2].rank if key == previous else position
        previous = key
    return ranked
