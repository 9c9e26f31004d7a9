"""The dashboards' pages: overview, cell, project, unit and department pages, bulletin and exports.

Views are thin: they read the filters, call ``dashboards.selectors`` (which scopes everything through
``reporting.access``) and render. A user without a portal role gets 403; a record outside the
user's scope is 404, as everywhere in the portal.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext

from assessments.selectors import RoundScore, scores_over_rounds
from dashboards import documents, exports, selectors
from dashboards.status import SEVERITY, Status, colours, receipt_colour, rules
from projects.models import Assignment, Campaign, FeatureProject
from quanzhou_women.lib.odd_input import id_from_text
from quanzhou_women.lib.official_document import docx_response
from reporting import access, chasing
from units.models import Organisation


def portal_role_required(view):
    """Log in first; then refuse (403) users with no portal role (no membership, not a superuser)."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if access.role_of(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _legend() -> list[dict]:
    """The statuses with label, colours and mark, in order of severity (for legends and charts)."""
    palette = colours()
    return [
        {"value": status, "label": Status(status).label, **palette[status]}
        for status in sorted(Status.values, key=lambda status: -SEVERITY[status])
    ]


def status_colours_css(request: HttpRequest) -> HttpResponse:
    """The status colours (``settings.SUPERVISION_STATUS_COLOURS``) as a style sheet, one rule per
    status, so that the pages need no inline style element (content security policy). Public: it
    holds only the configured colours."""
    css = "".join(
        f".st-{status['value']}{{background:{status['background']};color:{status['text']}}}\n"
        for status in _legend()
    )
    badge = receipt_colour()  # 未签收 (issue 15 item 3)
    css += f".st-unreceived{{background:{badge['background']};color:{badge['text']}}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _base_context(filters: selectors.Filters) -> dict:
    return {"filters": filters, "legend": _legend(), "rules": rules(), "receipt_colour": receipt_colour()}


def _not_started(request: HttpRequest, filters: selectors.Filters, heading: str) -> HttpResponse:
    """The page for a round whose first reporting period starts after the day (issue 12 item 3):
    “2015年度的争创活动尚未开始（第一个报送周期从2015年1月1日开始）” with a link to the round in
    progress, instead of a grid of cells that are all overdue. Status 200."""
    current = filters.current
    context = {
        **_base_context(filters),
        "heading": heading,
        "current_query": filters.query(campaign=current.pk, period="") if current else "",
    }
    return render(request, "dashboards/not_started.html", context)


@portal_role_required
def overview(request: HttpRequest) -> HttpResponse:
    """The overview of the chosen round: units × projects, coloured by status, with totals, filters
    and the level view one level down — the counties for the city's round, the townships for a
    county's own round (a county federation administrator's default, issue 13 item 5)."""
    filters = selectors.read_filters(request.user, request.GET)
    if filters.not_started:
        return _not_started(request, filters, gettext("City overview"))
    data = selectors.overview(request.user, filters, request.GET.get("page"))
    level = selectors.level(request.user, filters, with_own_rounds=True)
    return render(
        request,
        "dashboards/overview.html",
        {
            **_base_context(filters),
            **_overview_charts(data),
            **_level(level, filters),
            "data": data,
            "unreceived": selectors.unreceived_units(request.user, filters),  # 未签收, issue 15 item 3
        },
    )


NO_DATA_COLOUR = "#f6f8fa"  # a map area without a federation of ours, or without assignments


def _level(rows: list[selectors.LevelRow], filters: selectors.Filters) -> dict:
    """The level view's table rows and the map's data (``county_map``, for static/js/county-map.js).

    Each area of the 泉州 geometry gets its county's status colour (``colours()``, as the matrix),
    its figures for the tooltip and the address of its county's own round (``county_rounds``: the
    overview with that round chosen, also linked from the row as ``row.round_query``) or else of its
    unit page; an area without a county, or a county without assignments, is grey and has no
    address. Rows without a map area (a county's townships) get no map. No query.
    """
    if not rows:
        return {"level": []}
    palette = colours()
    query = filters.query()
    rounds = county_rounds(filters)
    for row in rows:
        # The county's own round of the year, if the user sees it (issue 13 item 5): its overview.
        own = rounds.get(row.unit_id)
        row.round_query = filters.query(campaign=own.pk, period="", department="", unit="") if own else ""
    context = {"level": rows, "level_below_county": filters.is_county_round}
    if all(row.area is None for row in rows):
        return context  # townships: no map of theirs
    areas = {}
    for row in rows:
        if row.area is None:
            continue
        status = row.status
        areas[row.area] = {
            "name": row.area,
            "county": row.unit_name,
            "status": status or "",
            "label": str(Status(status).label) if status else gettext("no assignments"),
            "colour": palette[status]["background"] if status else NO_DATA_COLOUR,
            "text": palette[status]["text"] if status else "#57606a",
            "mark": palette[status]["mark"] if status else "",
            "url": f"{reverse('dashboards:overview')}?{row.round_query}"
            if row.round_query
            else f"{reverse('dashboards:unit', args=[row.unit_id])}?{query}",
            "projects": row.projects,
            "assignments": row.assignments,
            "on_time_rate": row.on_time_rate,
            "overdue": row.overdue,
        }
    for name in selectors.MAP_AREAS:
        areas.setdefault(
            name,
            {
                "name": name,
                "county": "",
                "status": "",
                "label": gettext("no federation in the portal"),
                "colour": NO_DATA_COLOUR,
                "text": "#57606a",
                "mark": "",
                "url": "",
            },
        )
    county_map = {
        "map": selectors.MAP_NAME,
        "areas": list(areas.values()),
        "texts": {
            "projects": gettext("Projects"),
            "assignments": gettext("Assignments"),
            "on_time_rate": gettext("On-time rate %"),
            "overdue": gettext("Overdue"),
            "open": gettext("Click to open its page"),
        },
    }
    return {**context, "county_map": county_map}


def county_rounds(filters: selectors.Filters) -> dict[int, Campaign]:
    """Each issuing body's round of the chosen round's year among the rounds the user sees
    (``filters.campaigns``, already scoped by ``Campaign.objects.restrict``), the chosen round
    excepted: the counties' own rounds that the city's level view links to. No query."""
    chosen = filters.campaign
    if chosen is None:
        return {}
    rounds = {}
    for campaign in filters.campaigns:
        if campaign.year == chosen.year and campaign.pk != chosen.pk:
            rounds.setdefault(campaign.issuing_body_id, campaign)
    return rounds


@portal_role_required
def department(request: HttpRequest, pk: int) -> HttpResponse:
    """A liaison department's overview: the projects it follows, their units, and its review backlog."""
    organisation = get_object_or_404(
        Organisation.objects.restrict(request.user).filter(is_liaison=True), pk=pk
    )
    params = request.GET.copy()
    params["department"] = str(organisation.pk)
    filters = selectors.read_filters(request.user, params)
    if filters.department is None:
        # The department follows none of the visible projects of this campaign: show it empty.
        filters.department = organisation
    if filters.not_started:
        return _not_started(request, filters, organisation.name)
    data = selectors.overview(request.user, filters, request.GET.get("page"))
    context = {**_base_context(filters), **_overview_charts(data), "data": data, "department": organisation}
    return render(request, "dashboards/overview.html", context)


@portal_role_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """A project: goal, every visible unit's 四定 and status, timeline, indicators, report history."""
    feature_project = get_object_or_404(
        FeatureProject.objects.restrict(request.user)
        .select_related("campaign")
        .prefetch_related("liaison_departments"),
        pk=pk,
    )
    filters = selectors.read_filters(
        request.user, {**request.GET.dict(), "campaign": feature_project.campaign_id}
    )
    assignments = Assignment.objects.restrict(request.user).filter(project=feature_project)
    page = selectors.project_page(assignments, request.GET.get("page"), request.GET.get("a"))
    details = selectors.assignment_details(assignments.filter(pk__in=page.object_list), filters)
    previous = selectors.compare_rounds(request.user, details, filters)
    context = {
        **_base_context(filters),
        "project": feature_project,
        "page": page,
        "details": details,
        "previous_campaign": previous,
        "chart": _progress_chart([(detail.unit.name, detail.cell) for detail in details]),
        # Link a liaison department only where its page would open (its own staff, the city).
        "department_pages": set(
            Organisation.objects.restrict(request.user)
            .filter(pk__in=[department.pk for department in feature_project.liaison_departments.all()])
            .values_list("pk", flat=True)
        ),
    }
    return render(request, "dashboards/project.html", context)


@portal_role_required
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    """A responsible unit: every visible project it carries in the campaign, with status and reports."""
    organisation = get_object_or_404(Organisation.objects.restrict(request.user), pk=pk)
    filters = selectors.read_filters(request.user, request.GET)
    if filters.not_started:
        return _not_started(request, filters, organisation.name)
    assignments = Assignment.objects.restrict(request.user).filter(unit=organisation)
    if filters.campaign is not None:
        assignments = assignments.filter(project__campaign=filters.campaign)
    details = selectors.assignment_details(assignments, filters)
    previous = selectors.compare_rounds(request.user, details, filters)
    context = {
        **_base_context(filters),
        "unit": organisation,
        "details": details,
        "previous_campaign": previous,
        "chart": _progress_chart([(f"{d.project.number}. {d.project.title}", d.cell) for d in details]),
    }
    rounds = scores_over_rounds(organisation=organisation, user=request.user)
    if rounds:
        context["rounds"] = rounds
        context["rounds_elements"] = _round_elements(rounds)
        context["rounds_chart"] = _rounds_chart(rounds)
    return render(request, "dashboards/unit.html", context)


def _round_label(score: RoundScore, rounds: list[RoundScore]) -> str:
    """“2015年”, with the issuer when two rounds share the year (a county's own round)."""
    label = gettext("Year %(year)s") % {"year": score.year}
    if sum(1 for r in rounds if r.year == score.year) > 1:
        label = f"{label} {score.issuer}"
    return label


def _round_elements(rounds: list[RoundScore]) -> list[str]:
    """The element names of every round, in the order of the latest round first seen (班子…业绩)."""
    names: list[str] = []
    for score in rounds:
        names += [e.name for e in score.elements if e.name not in names]
    return names


def _rounds_chart(rounds: list[RoundScore]) -> dict:
    """Chart.js data of 争六好历年得分: per round (label) the total out of 100 and each element's
    score as a percent of its points (``None``: no score to show, a gap in the line)."""
    names = _round_elements(rounds)
    elements = []
    for name in names:
        values = []
        for score in rounds:
            element = next((e for e in score.elements if e.name == name), None)
            values.append(float(element.percent) if element and element.percent is not None else None)
        elements.append({"label": name, "values": values})
    return {
        "labels": [_round_label(score, rounds) for score in rounds],
        "total_label": gettext("Total (out of 100)"),
        "total": [float(score.total) for score in rounds],
        "elements": elements,
    }


@portal_role_required
def cell(request: HttpRequest, pk: int) -> HttpResponse:
    """One cell explained: the rules that fired, plan against actual, steps, reports ("why is this red?")."""
    assignment = get_object_or_404(
        Assignment.objects.restrict(request.user).select_related("project__campaign"), pk=pk
    )
    filters = selectors.read_filters(
        request.user, {**request.GET.dict(), "campaign": assignment.project.campaign_id}
    )
    details = selectors.assignment_details(Assignment.objects.filter(pk=assignment.pk), filters)
    context = {
        **_base_context(filters),
        "detail": details[0],
        "chase": chasing.chase_box(request.user, assignment),
    }
    return render(request, "dashboards/cell.html", context)


def _overview_charts(data: selectors.Overview) -> dict:
    """Chart.js data for the overview: the page's cells by status; the period's reporting."""
    legend = [status for status in _legend() if data.status_counts.get(status["value"])]
    charts = {
        "status_chart": {
            "labels": [str(status["label"]) for status in legend],
            "values": [data.status_counts[status["value"]] for status in legend],
            "colours": [status["background"] for status in legend],
        }
    }
    totals = data.totals
    if totals is not None and totals.expected:
        pending = max(0, totals.expected - totals.submitted - totals.missing)
        charts["reporting_chart"] = {
            "labels": [
                gettext("submitted on time"),
                gettext("submitted late"),
                gettext("late, not submitted"),
                gettext("not yet due"),
            ],
            "values": [totals.on_time, totals.late, totals.missing, pending],
            "colours": ["#2da44e", "#f2c037", "#cf222e", "#d0d7de"],
        }
    return charts


def _progress_chart(items: list[tuple[str, selectors.Cell]]) -> dict:
    """Chart.js data: planned against actual percent per item, coloured by status."""
    palette = colours()
    return {
        "labels": [label for label, _cell in items],
        "actual": [cell.verdict.actual_percent for _label, cell in items],
        "planned": [cell.verdict.planned_percent for _label, cell in items],
        "colours": [palette[cell.status]["background"] for _label, cell in items],
        "actual_label": gettext("Actual %"),
        "planned_label": gettext("Planned %"),
    }


BULLETIN_ROWS_PER_PAGE = 50  # rows per page of the bulletin's table (the export has them all)


@portal_role_required
def bulletin(request: HttpRequest) -> HttpResponse | FileResponse:
    """The bulletin (通报) and ranking for a period or the whole campaign; ``?format=xlsx`` exports it.

    The page shows 50 units a page (``?page=``), ranked over all of them; the export every unit.
    At province scale (``selectors.bulletin_by_county``: units below the counties) it shows a row
    per county (``selectors.bulletin_counties``, figures from the cached level view) and, with
    ``?county=``, that county's units ranked among themselves (``selectors.bulletin_of_county``);
    its export gives the rows shown, or every unit with ``?units=all``.
    ``?compare=1`` (与上年同期比) adds each unit's on-time rate in the previous round at the same
    point and the change in points (``selectors.bulletin_compare``); ``?sort=change`` or
    ``?sort=previous`` orders the rows by them (the rank stays this round's), page and export alike.
    """
    filters = selectors.read_filters(request.user, request.GET)
    whole = request.GET.get("period") == "all"
    title = _bulletin_title(filters, whole)
    level = {}
    if request.GET.get("format") in DOCUMENT_FORMATS:
        return _bulletin_document(request, filters, whole)
    export = request.GET.get("format") == "xlsx"
    # At province scale (units below the counties) a row per county, with drill-down to a county's
    # units (?county=); the export gives every unit with ?units=all (issue 16 item 2).
    by_county = selectors.bulletin_by_county(request.user, filters)
    if by_county and export and request.GET.get("units") == "all":
        by_county = False
    county = None
    if by_county:
        level_rows = selectors.level(request.user, filters, whole_campaign=whole)
        wanted = id_from_text(request.GET.get("county"))
        county = next((row.county for row in level_rows if row.unit_id == wanted), None)
        if county is not None:
            rows = selectors.bulletin_of_county(request.user, filters, county, whole)
        else:
            rows = selectors.bulletin_counties(request.user, filters, level_rows, whole)
            level = {} if export else _level(level_rows, filters)
    elif export:
        rows = selectors.bulletin(request.user, filters, whole_campaign=whole)
    else:
        # One reading of the round's cells for the ranking and the level view (the map).
        cells = list(selectors.iter_cells(request.user, filters, fields=selectors.LEVEL_FIELDS))
        rows = selectors.bulletin(request.user, filters, whole_campaign=whole, cells=cells)
        level = _level(selectors.level(request.user, filters, whole_campaign=whole, cells=cells), filters)
    counties = by_county and county is None
    compare = request.GET.get("compare") == "1"
    before = (
        selectors.bulletin_compare(request.user, filters, rows, whole, by_county=counties, county=county)
        if compare
        else None
    )
    # Compared only when the previous round has the same span (a period of that number, or whole).
    compared = before is not None and (whole or before.period is not None)
    sort = (
        request.GET.get("sort")
        if compared and request.GET.get("sort") in selectors.BULLETIN_SORTS
        else "rank"
    )
    rows = selectors.bulletin_sorted(rows, sort)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            f"{title}.xlsx",
            gettext("Bulletin"),
            title,
            exports.bulletin_header(compared=compared),
            exports.bulletin_values(rows, compared=compared),
            [6, 28, 8, 10, 8, 8, 8, 12, 12, 8, 8] + ([14, 12] if compared else []),
        )
    top = rows[:30]
    chart = {
        "labels": [row.unit_name for row in top],
        "on_time": [row.on_time_rate or 0 for row in top],
        "completion": [row.completion for row in top],
        "on_time_label": gettext("On-time rate %"),
        "completion_label": gettext("Completion %"),
    }
    page = Paginator(rows, BULLETIN_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    span = "all" if whole else filters.period.id if filters.period else ""
    compare_query = {"compare": "1"} if compare else {}
    in_county = {"county": county.pk} if county is not None else {}
    context = {
        **_base_context(filters),
        **level,
        "rows": page.object_list,
        "page": page,
        "title": title,
        "whole": whole,
        "chart": chart,
        "by_county": counties,
        "county": county,
        "counties_query": filters.query(period=span, **compare_query),
        "county_query": filters.query(period=span, **compare_query, **in_county),
        "export_query": filters.query(
            period=span, format="xlsx", sort=sort if compared else "", **compare_query, **in_county
        ),
        "export_units_query": filters.query(
            period=span, format="xlsx", units="all", sort=sort if compared else "", **compare_query
        )
        if counties
        else "",
        "docx_query": filters.query(period=span, format="docx"),
        "summary_query": filters.query(period=span, format="summary_docx"),
        "ledger_query": filters.query(),
        "compare": compare,
        "compared": compared,
        "before": before,
        "sort": sort,
        "sort_links": [
            {
                "key": key,
                "label": label,
                "query": filters.query(period=span, compare="1", sort=key, **in_county),
            }
            for key, label in zip(selectors.BULLETIN_SORTS, _sort_labels(), strict=True)
        ],
    }
    return render(request, "dashboards/bulletin.html", context)


#: ``?format=`` of the bulletin's official documents: the 通报 and the 检查总结 (.docx).
DOCUMENT_FORMATS = ("docx", "summary_docx")


def _bulletin_document(request: HttpRequest, filters: selectors.Filters, whole: bool) -> HttpResponse:
    """The bulletin as an official document (``dashboards.documents``): ``?format=docx`` the 通报,
    ``?format=summary_docx`` the 检查总结; same filters and scope as the page and its .xlsx (the
    user's units only). Without a campaign there is nothing to report: 404."""
    if filters.campaign is None:
        raise Http404
    cells = list(selectors.iter_cells(request.user, filters))
    rows = selectors.bulletin(request.user, filters, whole_campaign=whole, cells=cells)
    by_project = selectors.bulletin_by_project(request.user, filters, whole_campaign=whole, cells=cells)
    span = gettext("whole campaign") if whole or filters.period is None else filters.period.name
    stamp = filters.on.strftime("%Y%m%d")
    if request.GET.get("format") == "docx":
        document = documents.bulletin_document(filters, rows, len(by_project), span)
        name = "".join(document.title)
    else:
        document = documents.summary_document(filters, rows, by_project, span)
        name = "".join(document.title)
    return docx_response(document, f"{name}-{stamp}.docx")


def _sort_labels() -> list[str]:
    """The bulletin's orders, as ``selectors.BULLETIN_SORTS``."""
    return [gettext("this round's rank"), gettext("change on last year"), gettext("last year's rate")]


def _bulletin_title(filters: selectors.Filters, whole: bool) -> str:
    campaign = filters.campaign
    if campaign is None:
        return gettext("Bulletin")
    span = gettext("whole campaign") if whole or filters.period is None else filters.period.name
    return gettext("%(year)s feature projects: bulletin of progress (%(span)s, as of %(on)s)") % {
        "year": campaign.year,
        "span": span,
        "on": filters.on.isoformat(),
    }


@portal_role_required
def ledger(request: HttpRequest) -> FileResponse:
    """The ledger (台账): every cell within the filters, as the overview shows it, in a .xlsx file."""
    filters = selectors.read_filters(request.user, request.GET, allow_all_campaigns=True)
    if filters.campaign is not None:
        year = filters.campaign.year
        title = gettext("%(year)s feature projects ledger, as of %(on)s") % {
            "year": year,
            "on": filters.on.isoformat(),
        }
    else:
        year = gettext("all years")  # 台账-各年度-20141020.xlsx, not 台账-all-…
        title = gettext("Feature projects ledger of all years, as of %(on)s") % {"on": filters.on.isoformat()}
    stamp = filters.on.strftime("%Y%m%d")
    return exports.xlsx_response(
        f"{gettext('Ledger')}-{year}-{stamp}.xlsx",
        gettext("Ledger"),
        title,
        exports.ledger_header(),
        exports.ledger_rows(request.user, filters),
        [6, 6, 30, 14, 18, 30, 12, 10, 12, 14, 8, 8, 8, 8, 50, 14, 10, 12, 8],
    )
