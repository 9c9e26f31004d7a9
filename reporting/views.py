"""Pages of the reporting portal for reporters, liaison staff and leaders (not the admin).

Every view loads its records through ``reporting.access`` (404 outside the user's scope, 403 for a
step the role may not take) and writes through ``reporting.services``.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import Assignment, FeatureProject, closed_round_error, year_label
from projects.selectors import previous_campaign, previous_round_of, title_changed
from quanzhou_women.lib.odd_input import id_from_text
from quanzhou_women.lib.querysets import ReadOnlyError
from quanzhou_women.lib.stored_files import download_response, inline_image_response
from quanzhou_women.lib.typography import join_clauses
from reporting import access, chasing, receipts, selectors, services
from reporting.access import Action, Role
from reporting.forms import (
    EvidenceForm,
    IndicatorFormSet,
    IndicatorValueForm,
    MilestoneFormSet,
    MilestoneStateForm,
    PlanForm,
    ReasonForm,
    ReportForm,
    formset_rows,
)
from reporting.models import (
    Evidence,
    Notification,
    Plan,
    PlanStatus,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
)
from units.models import Organisation


def _read_only_page(request: HttpRequest, refusal: ReadOnlyError) -> HttpResponse:
    """A write refused because its record is read-only for everybody (a record of a closed round):
    the message, on the record's read-only page (the report's, or the assignment's); nothing was
    written. Without a record to show, the 403 page."""
    record = refusal.record
    if isinstance(record, Evidence):
        record = record.report
    if isinstance(record, ProgressReport):
        target = redirect("reporting:report", pk=record.pk)
    elif isinstance(record, Assignment):
        target = redirect("reporting:assignment", pk=record.pk)
    else:
        raise refusal
    messages.error(request, str(refusal))
    return target


def portal_view(view: Callable) -> Callable:
    """Require a logged-in user with a role (else the login page, or 403 for users without one).

    A write refused with ``ReadOnlyError`` (``access.require`` and the services raise it for a
    record of a closed round, whoever asks) becomes its message on the record's read-only page
    (``_read_only_page``): one place for every page of the portal, GET or POST."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if access.role_of(request.user) is None:
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except ReadOnlyError as refusal:
            return _read_only_page(request, refusal)

    return wrapper


def _closed_note(assignment: Assignment) -> str:
    """The note a page of a closed round shows (“该轮次已于…结束，只能查看。”), or ``""``."""
    refusal = closed_round_error(assignment.project.campaign)
    return str(refusal.note) if refusal is not None else ""


def home(request: HttpRequest) -> HttpResponse:
    """Lead each user to their start page: the admin (city staff), the review queue (liaisons and
    federation administrators, who review their own rounds), the
    supervision overview (leaders, who read dashboards), my tasks (reporters), or the login page."""
    if not request.user.is_authenticated:
        return redirect("login")
    role = access.role_of(request.user)
    if role == Role.CITY_ADMIN and request.user.is_staff:
        return redirect("admin:index")
    if role in {Role.LIAISON, Role.FEDERATION_ADMIN}:
        return redirect("reporting:review_queue")
    if role == Role.LEADER:
        return redirect("dashboards:overview")
    if role is None:
        raise PermissionDenied
    return redirect("reporting:tasks")


def _fail(request: HttpRequest, error: Exception) -> None:
    """Show a refused step (workflow, validation or concurrent save) as an error message."""
    text = join_clauses(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)


def _perform(request: HttpRequest, steps: dict, action: str) -> None:
    """Take the workflow step ``action`` of ``steps`` (action → (callable, success message)): a
    refused step becomes an error message, an unknown action a 404."""
    if action not in steps:
        raise Http404
    run, done = steps[action]
    try:
        run()
    except services.WorkflowError as error:
        _fail(request, error)
    else:
        messages.success(request, done)


TASKS_PER_PAGE = 20  # task cards of a reporter's 我的任务
PLANS_PER_PAGE = 30  # rows of a reporter's table of projects and plans
QUEUE_PER_PAGE = 30  # reports (and plans) per page of the review queue
NOTIFICATIONS_PER_PAGE = 30
HISTORY_PER_PAGE = 30


@portal_view
def tasks(request: HttpRequest) -> HttpResponse:
    """我的任务.

    One round at a time: the round in progress (``projects.models.current_campaign``) unless
    ``?campaign=`` picks another from the year switcher. For a reporter: their unit's overdue and due reports, returned reports, and its projects with
    their 四定 plans, both paginated (``?page=``, ``?plans=``). For a leader, a liaison or a city
    administrator: a summary of what *they* must do — reports and plans waiting for review and the
    reports to 催报, counted per project and unit in the database (``selectors.work_summary``), with
    links into the review queue and the dashboards — so that its cost does not grow with the data.
    """
    user = request.user
    role = access.role_of(user)
    # One round at a time (issue 12 item 3): the round in progress, or ``?campaign=`` from the switcher.
    years = selectors.year_choice(user, request.GET.get("campaign"))
    campaign = years.campaign
    if role != Role.REPORTER:
        summary = selectors.work_summary(
            ProgressReport.objects.restrict(user).filter(assignment__project__campaign=campaign),
            Plan.objects.restrict(user).filter(assignment__project__campaign=campaign),
            Assignment.objects.restrict(user).filter(project__campaign=campaign),
        )
        return render(
            request,
            "reporting/tasks_summary.html",
            {
                "summary": summary,
                "summary_rows": selectors.SUMMARY_ROWS,
                "role": role,
                "year_label": year_label(campaign.year) if campaign else "",
                "year_links": years.links,
                "can_review": role in {Role.LIAISON, Role.CITY_ADMIN, Role.FEDERATION_ADMIN},
            },
        )
    # A reporter sees one unit: its assignments are few (about ten a campaign), read in three queries.
    assignments = list(
        selectors.assignments_with_reports(
            Assignment.objects.restrict(user).filter(project__campaign=campaign)
        ).order_by("project__number", "unit__display_order", "pk")
    )
    # 下发 / 签收 (issue 15 item 3): tasks issued and not yet received, each with 「签收」.
    unreceived = [a for a in assignments if (r := receipts.receipt_of(a)) is not None and not r.is_received]
    rows = selectors.period_rows(assignments)
    open_states = {selectors.PeriodState.OVERDUE, selectors.PeriodState.DUE}
    todo = [r for r in rows if r.state in open_states]
    todo.sort(
        key=lambda r: (r.state != selectors.PeriodState.OVERDUE, r.period.due_on, r.assignment.project.number)
    )
    return render(
        request,
        "reporting/tasks.html",
        {
            "page": Paginator(todo, TASKS_PER_PAGE).get_page(request.GET.get("page")),
            "todo_count": len(todo),
            "overdue_count": sum(r.state == selectors.PeriodState.OVERDUE for r in todo),
            "plans_page": Paginator(assignments, PLANS_PER_PAGE).get_page(request.GET.get("plans")),
            "unreceived": unreceived,
            "role": role,
            "year_label": year_label(campaign.year) if campaign else "",
            "year_links": years.links,
        },
    )


@portal_view
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One assignment: its 四定 plan and confirmation record, and every period with its report.

    The unit's reporter opening an issued task receives it (``receipts.receipt_open``: a write on
    GET through its one service, idempotent; no query once received or when not issued)."""
    assignment = get_object_or_404(
        selectors.assignments_with_reports(Assignment.objects.restrict(request.user)), pk=pk
    )
    receipts.receipt_open(actor=request.user, assignment=assignment)
    plan = getattr(assignment, "plan", None)  # preloaded; None before the unit first saves it
    rows = selectors.period_rows([assignment], include_not_open=True)
    changes_after_confirmation = []
    if plan and plan.status == PlanStatus.CONFIRMED and plan.confirmed_at:
        changes_after_confirmation = selectors.plan_changes_since(assignment, plan.confirmed_at)
    user = request.user
    # 对标找差 (issue 12 item 4): the same 序号 and unit last round, within the user's scope.
    before = previous_campaign(assignment.project.campaign)
    previous = previous_round_of(assignment, Assignment.objects.restrict(user), before) if before else None
    return render(
        request,
        "reporting/assignment.html",
        {
            "assignment": assignment,
            "previous_campaign": before,
            "previous_assignment": previous,
            "previous_title_changed": previous is not None
            and title_changed(previous.project.title, assignment.project.title),
            "plan": plan,
            "plan_status": plan.get_status_display() if plan else PlanStatus.DRAFT.label,
            "plan_transitions": plan.transitions.select_related("actor") if plan else [],
            "changes_after_confirmation": changes_after_confirmation,
            "rows": rows,
            "can_edit_plan": access.can(user, Action.EDIT_PLAN, assignment)
            and (access.plan_is_editable_by_unit(plan) or access.is_city_admin(user)),
            "can_submit_plan": access.can(user, Action.SUBMIT_PLAN, assignment)
            and access.plan_is_editable_by_unit(plan),
            "can_confirm_plan": access.can(user, Action.CONFIRM_PLAN, assignment)
            and plan is not None
            and plan.status in {PlanStatus.SUBMITTED, PlanStatus.CONFIRMED},
            "can_report": access.can(user, Action.EDIT_REPORT, assignment),
            "reason_form": ReasonForm(),
            "chase": chasing.chase_box(user, assignment),
            "closed_note": _closed_note(assignment),
            "receipt": receipts.receipt_of(assignment),
            "can_sign": receipts.is_unit_reporter(user, assignment),
        },
    )


@portal_view
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The 四定 form: target, steps, deadline, responsible person and indicators."""
    assignment = access.get_assignment(request.user, pk)
    access.require(request.user, Action.EDIT_PLAN, assignment)
    receipts.receipt_open(actor=request.user, assignment=assignment)  # opening the plan receives the task
    plan = Plan.objects.filter(assignment=assignment).first()
    if not access.plan_is_editable_by_unit(plan) and not access.is_city_admin(request.user):
        messages.error(
            request, _("This plan is %(status)s and locked.") % {"status": plan.get_status_display()}
        )
        return redirect("reporting:assignment", pk=pk)
    milestones = [
        {"id": m.pk, "order": m.order, "title": m.title, "due_on": m.due_on}
        for m in assignment.milestones.all()
    ]
    indicators = [
        {"id": i.pk, "name": i.name, "target_value": i.target_value, "unit_of_measure": i.unit_of_measure}
        for i in assignment.indicators.all()
    ]
    if request.method == "POST":
        form = PlanForm(request.POST, instance=assignment)
        milestone_formset = MilestoneFormSet(request.POST, initial=milestones, prefix="steps")
        indicator_formset = IndicatorFormSet(request.POST, initial=indicators, prefix="indicators")
        if form.is_valid() and milestone_formset.is_valid() and indicator_formset.is_valid():
            data = form.cleaned_data
            try:
                saved = services.plan_update(
                    assignment=assignment,
                    actor=request.user,
                    version=data["version"],
                    target=data["target"],
                    deadline=data["deadline"],
                    responsible_person=data["responsible_person"],
                    responsible_person_position=data["responsible_person_position"],
                    responsible_person_phone=data["responsible_person_phone"],
                    milestones=formset_rows(milestone_formset, services.MilestoneRow),
                    indicators=formset_rows(indicator_formset, services.IndicatorRow),
                )
            except (services.WorkflowError, ValidationError) as error:
                _fail(request, error)
            else:
                messages.success(request, _("The plan was saved."))
                if saved.retired:
                    messages.warning(
                        request,
                        _(
                            "Retired, not deleted, because reports used them (they stay on those reports): %(names)s."
                        )
                        % {"names": "、".join(saved.retired)},
                    )
                return redirect("reporting:assignment", pk=pk)
        else:
            messages.error(request, _("Please correct the errors below."))
    else:
        form = PlanForm(instance=assignment, initial={"version": assignment.version})
        milestone_formset = MilestoneFormSet(initial=milestones, prefix="steps")
        indicator_formset = IndicatorFormSet(initial=indicators, prefix="indicators")
    return render(
        request,
        "reporting/plan_form.html",
        {
            "assignment": assignment,
            "form": form,
            "milestone_formset": milestone_formset,
            "indicator_formset": indicator_formset,
        },
    )


@require_POST
@portal_view
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit (unit), confirm or return (liaison) a plan."""
    assignment = access.get_assignment(request.user, pk)
    reason = request.POST.get("reason", "")
    steps = {
        "submit": (
            lambda: services.plan_submit(assignment=assignment, actor=request.user),
            _("The plan was submitted."),
        ),
        "confirm": (
            lambda: services.plan_confirm(assignment=assignment, actor=request.user),
            _("The plan was confirmed."),
        ),
        "return": (
            lambda: services.plan_return(assignment=assignment, actor=request.user, reason=reason),
            _("The plan was returned to the unit."),
        ),
    }
    _perform(request, steps, action)
    return redirect("reporting:assignment", pk=pk)


@require_POST
@portal_view
def report_open(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Start (or reopen) the unit's report for a period, then show its form."""
    assignment = access.get_assignment(request.user, pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk, campaign=assignment.project.campaign_id)
    try:
        report = services.report_start(assignment=assignment, period=period, actor=request.user)
    except services.WorkflowError as error:
        _fail(request, error)
        return redirect("reporting:assignment", pk=pk)
    if not report.started_now:  # the buttons show only for a period without a report
        messages.info(request, _("This report had already been started: here it is."))
    return redirect("reporting:report_edit", pk=report.pk)


def _report_context(request: HttpRequest, report: ProgressReport) -> dict:
    user = request.user
    editable = access.can(user, Action.EDIT_REPORT, report) and access.report_is_editable_by_unit(report)
    transitions = list(report.transitions.select_related("actor"))
    return {
        "report": report,
        "assignment": report.assignment,
        "milestone_states": report.milestone_states.select_related("milestone"),
        "indicator_values": report.indicator_values.select_related("indicator"),
        "evidence": report.evidence.all(),
        "transitions": transitions,
        "changes": services.report_changes_since_return(report, transitions),
        "editable": editable,
        "can_submit": editable and access.can(user, Action.SUBMIT_REPORT, report),
        "can_review": access.can(user, Action.REVIEW_REPORT, report)
        and report.status == ReportStatus.SUBMITTED,
        "reason_form": ReasonForm(),
        "evidence_form": EvidenceForm(),
        "closed_note": _closed_note(report.assignment),
    }


@portal_view
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report as submitted: content, steps, indicators, evidence, history and changes since return."""
    report = access.get_report(request.user, pk)
    return render(request, "reporting/report.html", _report_context(request, report))


def _report_forms(report: ProgressReport, data, files=None) -> tuple:
    """The report form, one form per step and per indicator, and the evidence files field."""
    form = ReportForm(data, instance=report, initial={"version": report.version})
    state_forms = [
        (
            row,
            MilestoneStateForm(
                data, prefix=f"m{row.pk}", initial={"state": row.state, "on_date": row.on_date}
            ),
        )
        for row in report.milestone_states.select_related("milestone")
    ]
    value_forms = [
        (row, IndicatorValueForm(data, prefix=f"i{row.pk}", initial={"actual_value": row.actual_value}))
        for row in report.indicator_values.select_related("indicator")
    ]
    return form, state_forms, value_forms, EvidenceForm(data, files)


def _error_summary(form, state_forms, value_forms) -> list[str]:
    """Every error of the report page as "field: message", in page order, for the summary on top."""
    summary = [f"{_('Form')}：{error}" for error in form.non_field_errors()]
    for name, field in form.fields.items():
        label = _("version") if name == "version" else field.label
        summary += [f"{label}：{error}" for error in form.errors.get(name, [])]
    for row, f in state_forms:
        for name, errors in f.errors.items():
            summary += [
                f"{row.milestone.order}. {row.milestone.title} {f.fields[name].label}：{e}" for e in errors
            ]
    for row, f in value_forms:
        summary += [f"{row.indicator.name}：{e}" for e in f.errors.get("actual_value", [])]
    return summary


@portal_view
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The report form (for the unit, while the report is a draft or returned).

    One post saves the texts, stores the evidence files chosen (any number; each stored or refused
    by name) and, with 「提交审核」, submits: one transaction (``services.report_save``). A refused
    post shows the form again with everything typed and every error, by its field and on top.
    """
    report = access.get_report(request.user, pk)
    access.require(request.user, Action.EDIT_REPORT, report)
    if not access.report_is_editable_by_unit(report):
        messages.error(
            request, _("This report is %(status)s and locked.") % {"status": report.get_status_display()}
        )
        return redirect("reporting:report", pk=pk)
    data = request.POST if request.method == "POST" else None  # too big: the 413 page (middleware)
    files = request.FILES if data is not None else None
    form, state_forms, value_forms, evidence_form = _report_forms(report, data, files)
    summary: list[str] = []
    if data is not None:
        valid = (
            form.is_valid()
            & all(f.is_valid() for _row, f in state_forms)
            & all(f.is_valid() for _row, f in value_forms)
        )
        if valid:
            try:
                saved = services.report_save(
                    report=report,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    progress=form.cleaned_data["progress"],
                    percent_complete=form.cleaned_data["percent_complete"],
                    problems=form.cleaned_data["problems"],
                    next_steps=form.cleaned_data["next_steps"],
                    milestone_states={
                        row.pk: (f.cleaned_data["state"], f.cleaned_data["on_date"]) for row, f in state_forms
                    },
                    indicator_values={row.pk: f.cleaned_data["actual_value"] for row, f in value_forms},
                    uploads=files.getlist("files"),
                    submit="submit" in data,
                )
            except (services.WorkflowError, ValidationError) as error:
                text = join_clauses(error.messages) if isinstance(error, ValidationError) else str(error)
                messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": text})
            else:
                return _report_saved(request, saved)
        else:
            summary = _error_summary(form, state_forms, value_forms)
            if files.getlist("files"):
                # The browser forgets the chosen files on a refusal: store them now, by name.
                _attach(request, report, files.getlist("files"))
                messages.error(
                    request,
                    _(
                        "The texts were NOT saved: please correct the errors below. "
                        "The files chosen were attached."
                    ),
                )
            else:
                messages.error(request, _("Nothing was saved. Please correct the errors below."))
    context = _report_context(request, report)
    context.update(
        {
            "form": form,
            "state_forms": state_forms,
            "value_forms": value_forms,
            "evidence_form": evidence_form,
            "error_summary": summary,
            "max_request_bytes": settings.EVIDENCE_MAX_REQUEST_BYTES,
            "max_text_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            "max_file_bytes": settings.EVIDENCE_MAX_BYTES,
        }
    )
    return render(request, "reporting/report_form.html", context)


def _report_saved(request: HttpRequest, saved: services.ReportSaved) -> HttpResponse:
    """Tell exactly what one post of the report form saved, attached, refused and submitted."""
    for evidence in saved.stored:
        messages.success(request, _("%(name)s was attached.") % {"name": evidence.original_name})
    for name, reason in saved.refused:
        messages.error(request, _("%(name)s was not attached: %(reason)s") % {"name": name, "reason": reason})
    if saved.submitted:
        messages.success(request, _("The report was saved and submitted for review."))
        return redirect("reporting:report", pk=saved.report.pk)
    if saved.not_submitted_because:
        messages.error(
            request,
            _("The report was saved as a draft but NOT submitted: %(reason)s")
            % {"reason": saved.not_submitted_because},
        )
    else:
        messages.success(request, _("The report was saved."))
    return redirect("reporting:report_edit", pk=saved.report.pk)


@require_POST
@portal_view
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit (unit), approve or return (liaison) a report."""
    report = access.get_report(request.user, pk)
    reason = request.POST.get("reason", "")
    steps = {
        "submit": (
            lambda: services.report_submit(report=report, actor=request.user),
            _("The report was submitted for review."),
        ),
        "approve": (
            lambda: services.report_approve(report=report, actor=request.user, comment=reason),
            _("The report was approved."),
        ),
        "return": (
            lambda: services.report_return(report=report, actor=request.user, reason=reason),
            _("The report was returned to the unit."),
        ),
    }
    if action in {"approve", "return"} and action in steps:
        run, done = steps[action]
        try:
            run()
        except services.WorkflowError as error:
            return _review_refused(request, report, error)
        messages.success(request, done)
    else:
        _perform(request, steps, action)
    if action != "submit" and access.role_of(request.user) in {Role.LIAISON, Role.FEDERATION_ADMIN}:
        return redirect("reporting:review_queue")
    return redirect("reporting:report", pk=pk)


def _review_refused(request: HttpRequest, report: ProgressReport, error: Exception) -> HttpResponse:
    """The report page again, with the review form as typed and the refusal next to the reason
    (e.g. returning without a reason), instead of a redirect that would lose both."""
    _fail(request, error)
    report = access.get_report(request.user, report.pk)  # fresh: the refused step wrote nothing
    reason_form = ReasonForm(request.POST)
    reason_form.is_valid()
    reason_form.add_error("reason", str(error))
    context = _report_context(request, report)
    context["reason_form"] = reason_form
    return render(request, "reporting/report.html", context)


@require_POST
@portal_view
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the chosen evidence files to a draft or returned report, each stored or refused by name.

    The report page itself uploads with its 「保存草稿」 (so nothing typed is lost); this stays
    for the report's other pages and old links."""
    report = access.get_report(request.user, pk)
    access.require(request.user, Action.EDIT_REPORT, report)
    uploads = request.FILES.getlist("files") or request.FILES.getlist("file")
    if not uploads:
        messages.error(request, _("Choose a file to upload."))
    _attach(request, report, uploads)
    return redirect("reporting:report_edit", pk=pk)


def _attach(request: HttpRequest, report: ProgressReport, uploads) -> None:
    """Attach each uploaded file to ``report`` on its own (``services.evidence_add``) and say, by
    file name, which were attached and which refused and why."""
    for upload in uploads:
        try:
            evidence = services.evidence_add(report=report, actor=request.user, upload=upload)
        except (services.WorkflowError, ValidationError) as error:
            text = join_clauses(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(
                request, _("%(name)s was not attached: %(reason)s") % {"name": upload.name, "reason": text}
            )
        else:
            messages.success(request, _("%(name)s was attached.") % {"name": evidence.original_name})


@portal_view
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an evidence file from a draft or returned report, after asking.

    GET shows what would be removed and a 「确认删除」 button (no script needed); POST removes it
    (``services.evidence_delete``). 404 outside the user's view scope, 403 for a user who may not
    change the report; a locked report leads back to its page with the reason.
    """
    evidence = access.get_evidence(request.user, pk)
    report = evidence.report
    access.require(request.user, Action.EDIT_REPORT, report)
    if request.method == "POST":
        try:
            services.evidence_delete(evidence=evidence, actor=request.user)
        except services.WorkflowError as error:
            _fail(request, error)
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": evidence.original_name})
        return redirect("reporting:report_edit", pk=report.pk)
    if not access.report_is_editable_by_unit(report):
        messages.error(
            request, _("This report is %(status)s and locked.") % {"status": report.get_status_display()}
        )
        return redirect("reporting:report", pk=report.pk)
    return render(request, "reporting/evidence_confirm_delete.html", {"evidence": evidence, "report": report})


@portal_view
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an evidence file to a user who may read its report, under its original name.

    Always a download (``quanzhou_women.lib.stored_files.download_response``: attachment, nosniff,
    a sandboxing policy); photos are also shown in the page through ``evidence_image``. 404 when
    the stored file is missing.
    """
    return download_response(access.get_evidence(request.user, pk))


@portal_view
def evidence_image(request: HttpRequest, pk: int) -> FileResponse:
    """Show a photo (PNG, JPEG, GIF, WebP, as checked by content at upload) in the page: the
    thumbnail and the enlarged view of the report pages. Same scope as ``evidence_download``
    (404 outside it); 404 for any other file type (never an inline document or SVG) and for a
    missing stored file. Served ``inline`` with nosniff and a sandboxing policy
    (``quanzhou_women.lib.stored_files.inline_image_response``)."""
    return inline_image_response(access.get_evidence(request.user, pk))


def _id_param(request: HttpRequest, name: str) -> int | None:
    """The row id in query parameter ``name``, or None (absent, not a number, no possible row)."""
    return id_from_text(request.GET.get(name))


QUEUE_ORDERS = {"oldest": ("submitted_at", "pk"), "newest": ("-submitted_at", "-pk")}


@portal_view
def review_queue(request: HttpRequest) -> HttpResponse:
    """审核: submitted reports and plans waiting for the user's department.

    Reports oldest first (``?sort=newest`` for newest first), filtered by ``?project=`` and
    ``?unit=`` (ids, as linked from 我的任务), and paginated (``?page=``); plans likewise (``?plans=``).
    Filters, sorting and the page are done in the database: the cost is that of one page.
    """
    user = request.user
    project_id, unit_id = _id_param(request, "project"), _id_param(request, "unit")
    sort = request.GET.get("sort") if request.GET.get("sort") in QUEUE_ORDERS else "oldest"
    project = (
        FeatureProject.objects.restrict(user).select_related("campaign").filter(pk=project_id).first()
        if project_id
        else None
    )
    # One round at a time (issue 12 item 2): a project's link opens its round, else ``?campaign=``
    # or the round in progress.
    years = selectors.year_choice(user, str(project.campaign_id) if project else request.GET.get("campaign"))
    reports = (
        ProgressReport.objects.restrict(user)
        .filter(status=ReportStatus.SUBMITTED, assignment__project__campaign=years.campaign)
        .select_related("assignment__project__campaign", "assignment__unit", "period__campaign")
        .order_by(*QUEUE_ORDERS[sort])
    )
    plans = (
        Plan.objects.restrict(user)
        .filter(status=PlanStatus.SUBMITTED, assignment__project__campaign=years.campaign)
        .select_related("assignment__project__campaign", "assignment__unit")
        .order_by("assignment__project__campaign", "assignment__project__number", "assignment__unit", "pk")
    )
    if project_id:
        reports = reports.filter(assignment__project=project_id)
        plans = plans.filter(assignment__project=project_id)
    if unit_id:
        reports = reports.filter(assignment__unit=unit_id)
        plans = plans.filter(assignment__unit=unit_id)
    page = Paginator(reports, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    plans_page = Paginator(plans, QUEUE_PER_PAGE).get_page(request.GET.get("plans"))
    can_review = access.role_of(user) in {Role.LIAISON, Role.CITY_ADMIN, Role.FEDERATION_ADMIN}
    return render(
        request,
        "reporting/review_queue.html",
        {
            "reports": page.object_list,
            "page": page,
            "plans": plans_page.object_list,
            "plans_page": plans_page,
            "can_review": can_review,
            "sort": sort,
            "project": project,
            "unit": Organisation.objects.filter(pk=unit_id).first() if unit_id else None,
            **_year_context(years),
        },
    )


@portal_view
def report_history(request: HttpRequest) -> HttpResponse:
    """报告记录: every report the user may read, newest period first, filterable by status; 30 a page.

    One grouped count (per period and status) gives the status tabs and lets the page read only
    the periods it shows (``selectors.ReportsByPeriod``): three queries whatever the data.
    """
    years = selectors.year_choice(request.user, request.GET.get("campaign"))  # one round at a time
    of_round = ProgressReport.objects.restrict(request.user).filter(
        assignment__project__campaign=years.campaign
    )
    reports = of_round.select_related("assignment__project__campaign", "assignment__unit", "period__campaign")
    status = request.GET.get("status", "")
    if status not in ReportStatus.values:
        status = ""
    counts = selectors.report_counts(of_round)
    by_status: dict[str, int] = {}
    per_period: dict[int, int] = {}
    for period, row_status, n in counts:
        by_status[row_status] = by_status.get(row_status, 0) + n
        if not status or row_status == status:
            per_period[period] = per_period.get(period, 0) + n
    if status:
        reports = reports.filter(status=status)
    statuses = [(value, label, by_status.get(value, 0)) for value, label in ReportStatus.choices]
    ordered = selectors.ReportsByPeriod(reports, list(per_period.items()))  # dicts keep the order
    page = Paginator(ordered, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/history.html",
        {
            "reports": page.object_list,
            "page": page,
            "statuses": statuses,
            "status": status,
            **_year_context(years),
        },
    )


def _year_context(years: selectors.YearChoice) -> dict:
    """The page's round for its title and the year switcher (``templates/_years.html``)."""
    return {
        "year_label": year_label(years.campaign.year) if years.campaign else "",
        "year_links": years.links,
        "campaign": years.campaign,
    }


@portal_view
def notifications(request: HttpRequest) -> HttpResponse:
    """通知: the user's messages, newest first, 30 a page; opening the page marks them all read."""
    page = Paginator(
        Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk"),
        NOTIFICATIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    items = list(page.object_list)  # read before marking, so that the unread ones still show as new
    services.notifications_mark_read(user=request.user)
    return render(request, "reporting/notifications.html", {"items": items, "page": page})


# --------------------------------------------------------------------------- 签收


@require_POST
@portal_view
def receipt_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """「签收」: the unit's reporter signs for an issued task; back to the page (``next``) with a
    message. 404 outside the user's view, 403 for anybody but the unit's reporter; a task not
    issued is an error message. Issue 15, item 3."""
    assignment = access.get_assignment(request.user, pk)
    try:
        receipt = receipts.receipt_sign(actor=request.user, assignment=assignment)
    except services.WorkflowError as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            _("Signed for %(project)s on %(day)s.")
            % {
                "project": f"“{assignment.project.short_label}”",
                "day": timezone.localtime(receipt.received_at).strftime("%Y-%m-%d"),
            },
        )
    return _back(request, reverse("reporting:assignment", args=[assignment.pk]))


# --------------------------------------------------------------------------- 催报


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the page the form was on (``next``, same site only), else to ``default``."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = default
    return redirect(target or default)


@require_POST
@portal_view
def chase(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """催报 one unit for one late period (POST ``note``); back to the page with a message.

    404 outside the user's view, 403 for a role that may not chase (a reporter); a refusal (not
    late, already chased today: when and by whom) is an error message. Issue 15, item 1.
    """
    assignment = access.get_assignment(request.user, pk)
    period = get_object_or_404(
        ReportingPeriod.objects.restrict(request.user), pk=period_pk, campaign=assignment.project.campaign_id
    )
    back = reverse("reporting:assignment", args=[assignment.pk])
    try:
        chasing.chase_send(
            actor=request.user, assignment=assignment, period=period, note=request.POST.get("note", "")
        )
    except (services.WorkflowError, ValidationError) as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            _("%(unit)s was chased for its report of %(period)s.")
            % {"unit": assignment.unit.name, "period": period.name},
        )
    return _back(request, back)


@require_POST
@portal_view
def chase_all(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """催报 every late unit of a project for one period (POST ``note``); back with a message saying
    how many were chased and how many had been chased today already. Issue 15, item 1."""
    project = get_object_or_404(FeatureProject.objects.restrict(request.user), pk=pk)
    period = get_object_or_404(
        ReportingPeriod.objects.restrict(request.user), pk=period_pk, campaign=project.campaign_id
    )
    try:
        result = chasing.chase_send_all(
            actor=request.user, project=project, period=period, note=request.POST.get("note", "")
        )
    except (services.WorkflowError, ValidationError) as error:
        _fail(request, error)
    else:
        text = _("%(count)s late units were chased for %(period)s.") % {
            "count": len(result.sent),
            "period": period.name,
        }
        if result.already:
            text += _("%(count)s had been chased today already.") % {"count": len(result.already)}
        messages.success(request, text)
    return _back(request, reverse("reporting:review_queue"))
