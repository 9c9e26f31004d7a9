"""Pages of 争六好 自评 (issue 14, item 2): the list of the units' self-assessments, one
self-assessment (with the city's review), the unit's form, and the evidence files; 我的检查 and
the inspector's scoring page, and the results (items 3 and 4).

Every view loads its records through ``restrict`` (404 outside the user's scope) and writes
through ``assessments.services`` (403 for a step the role may not take).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import documents, services
from assessments.forms import (
    AssignForm,
    InspectionForm,
    InspectionScoreForm,
    ReasonForm,
    ScoreForm,
    VersionForm,
)
from assessments.models import (
    AssessmentEvidence,
    AssessmentScheme,
    AssessmentStatus,
    Inspection,
    InspectionPhoto,
    ResultSheet,
    ResultStatus,
    SelfAssessment,
)
from assessments.selectors import feature_results, result_rows
from projects.models import round_preference
from quanzhou_women.lib.odd_input import id_from_text
from quanzhou_women.lib.official_document import docx_response
from quanzhou_women.lib.querysets import Action
from quanzhou_women.lib.spreadsheets import XLSX_CONTENT_TYPE, content_disposition
from quanzhou_women.lib.stored_files import download_response
from quanzhou_women.lib.typography import join_clauses
from reporting.evidence import ACCEPT_ATTRIBUTE
from reporting.views import portal_view
from units.roles import is_city_admin, membership_of, sees_everything


def _get(user, pk: int) -> SelfAssessment:
    """The self-assessment ``pk`` if ``user`` may read it, else 404."""
    return get_object_or_404(
        SelfAssessment.objects.restrict(user).select_related("scheme__campaign", "organisation"), pk=pk
    )


@portal_view
def assessment_list(request: HttpRequest) -> HttpResponse:
    """The units' self-assessments of one round (``?campaign=``, else the newest issued scheme the
    user sees) with their state, total and whether they came late; a unit sees its own."""
    schemes = (
        AssessmentScheme.objects.restrict(request.user)
        .select_related("campaign")
        .order_by(*round_preference(request.user, "campaign__"))
    )
    wanted = id_from_text(request.GET.get("campaign"))
    scheme = (schemes.filter(campaign_id=wanted).first() if wanted else None) or schemes.first()
    rows = []
    if scheme is not None:
        rows = list(
            SelfAssessment.objects.restrict(request.user)
            .filter(scheme=scheme)
            .select_related("organisation", "scheme__campaign")
            .prefetch_related("scores")
        )
    counts = {status: sum(1 for r in rows if r.status == status) for status in AssessmentStatus.values}
    return render(
        request,
        "assessments/list.html",
        {
            "scheme": scheme,
            "schemes": schemes,
            "rows": rows,
            "counts": [(label, counts[value]) for value, label in AssessmentStatus.choices],
        },
    )


def _context(request: HttpRequest, assessment: SelfAssessment) -> dict:
    scores = list(assessment.scores.select_related("criterion__group"))
    evidence = list(assessment.evidence.all())
    for row in scores:
        row.files = [e for e in evidence if e.criterion_id == row.criterion_id]
    return {
        "assessment": assessment,
        "scheme": assessment.scheme,
        "scores": scores,
        "general_evidence": [e for e in evidence if e.criterion_id is None],
        "transitions": list(assessment.transitions.select_related("actor")),
        "changes": services.changes_since_return(assessment),
        "editable": services.may_edit(self_assessment=assessment, actor=request.user),
        "can_review": is_city_admin(request.user) and assessment.status == AssessmentStatus.SUBMITTED,
        "reason_form": ReasonForm(),
        "feature": (
            feature_results(scheme=assessment.scheme, organisation=assessment.organisation)
            if assessment.scheme.feature_points
            else None
        ),
    }


@portal_view
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One self-assessment: scores, explanations, evidence, the workflow, the changes since it was
    returned, and for the city administrator the review (approve, or return with a reason)."""
    return render(request, "assessments/detail.html", _context(request, _get(request.user, pk)))


@portal_view
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's 自评 form: per criterion a score, an explanation and evidence files; 「保存草稿」
    or 「提交」 (one transaction, ``services.self_assessment_save``). A refused post shows the form
    again with everything typed and every error by its criterion and on top."""
    assessment = _get(request.user, pk)
    if not SelfAssessment.objects.restrict(request.user, Action.CHANGE).filter(pk=pk).exists():
        raise PermissionDenied
    if not services.may_edit(self_assessment=assessment, actor=request.user):
        messages.error(
            request,
            _("This self-assessment is %(status)s and locked.") % {"status": assessment.get_status_display()},
        )
        return redirect("assessments:detail", pk=pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if data is not None else None
    version_form = VersionForm(data, initial={"version": assessment.version})
    rows = list(assessment.scores.select_related("criterion__group"))
    forms = [
        ScoreForm(
            data,
            files,
            prefix=f"c{row.criterion_id}",
            criterion=row.criterion,
            row=row,
            initial={"score": row.score, "explanation": row.explanation},
        )
        for row in rows
    ]
    summary: list[str] = []
    if data is not None:
        valid = version_form.is_valid() & all([f.is_valid() for f in forms])
        if valid:
            try:
                saved = services.self_assessment_save(
                    actor=request.user,
                    self_assessment=assessment,
                    version=version_form.cleaned_data["version"],
                    scores={
                        f.criterion.pk: (f.cleaned_data["score"], f.cleaned_data["explanation"])
                        for f in forms
                    },
                    uploads={
                        None: files.getlist("files"),
                        **{f.criterion.pk: files.getlist(f"{f.prefix}-files") for f in forms},
                    },
                    submit="submit" in data,
                )
            except (services.WorkflowError, ValidationError) as error:
                text = join_clauses(error.messages) if isinstance(error, ValidationError) else str(error)
                messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": text})
            else:
                return _saved(request, saved)
        else:
            for f in forms:
                for name, errors in f.errors.items():
                    label = f.fields[name].label
                    summary += [f"{f.criterion.order}. {label}：{error}" for error in errors]
            summary += [f"{_('version')}：{e}" for e in version_form.errors.get("version", [])]
            messages.error(request, _("Nothing was saved. Please correct the errors below."))
    context = _context(request, assessment)
    context.update(
        {
            "version_form": version_form,
            "forms": forms,
            "error_summary": summary,
            "max_file_bytes": settings.EVIDENCE_MAX_BYTES,
            "accept": ACCEPT_ATTRIBUTE,
        }
    )
    return render(request, "assessments/form.html", context)


def _saved(request: HttpRequest, saved: services.Saved) -> HttpResponse:
    """Say what one post of the form saved, attached, refused and submitted."""
    for evidence in saved.stored:
        messages.success(request, _("%(name)s was attached.") % {"name": evidence.original_name})
    for name, reason in saved.refused:
        messages.error(request, _("%(name)s was not attached: %(reason)s") % {"name": name, "reason": reason})
    pk = saved.self_assessment.pk
    if saved.submitted:
        messages.success(request, _("The self-assessment was saved and submitted."))
        return redirect("assessments:detail", pk=pk)
    if saved.not_submitted_because:
        messages.error(
            request,
            _("The self-assessment was saved as a draft but NOT submitted: %(reason)s")
            % {"reason": saved.not_submitted_because},
        )
    else:
        messages.success(request, _("The self-assessment was saved as a draft."))
    return redirect("assessments:edit", pk=pk)


@require_POST
@portal_view
def assessment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit (unit), approve or return (city administrator) a self-assessment. A refusal (no
    reason to return, a missing score) shows the page again with the reason as typed."""
    assessment = _get(request.user, pk)
    reason = request.POST.get("reason", "")
    steps = {
        "submit": (
            lambda: services.self_assessment_submit(actor=request.user, self_assessment=assessment),
            _("The self-assessment was submitted."),
        ),
        "approve": (
            lambda: services.self_assessment_approve(
                actor=request.user, self_assessment=assessment, comment=reason
            ),
            _("The self-assessment was approved."),
        ),
        "return": (
            lambda: services.self_assessment_return(
                actor=request.user, self_assessment=assessment, reason=reason
            ),
            _("The self-assessment was returned to the unit."),
        ),
    }
    if action not in steps:
        raise Http404
    run, done = steps[action]
    try:
        run()
    except services.WorkflowError as error:
        messages.error(request, str(error))
        context = _context(request, _get(request.user, pk))
        reason_form = ReasonForm(request.POST)
        reason_form.is_valid()
        reason_form.add_error("reason", str(error))
        context["reason_form"] = reason_form
        return render(request, "assessments/detail.html", context)
    messages.success(request, done)
    return redirect("assessments:detail", pk=pk)


@portal_view
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an evidence file of a self-assessment the user may read, under its original name
    (always a download, ``quanzhou_women.lib.stored_files.download_response``); 404 when the file
    is gone."""
    return download_response(get_object_or_404(AssessmentEvidence.objects.restrict(request.user), pk=pk))


@require_POST
@portal_view
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an evidence file of a draft or returned self-assessment (the unit's, or a city
    administrator's correction)."""
    evidence = get_object_or_404(
        AssessmentEvidence.objects.restrict(request.user).select_related("self_assessment"), pk=pk
    )
    if not AssessmentEvidence.objects.restrict(request.user, Action.CHANGE).filter(pk=pk).exists():
        raise PermissionDenied
    try:
        services.evidence_delete(actor=request.user, evidence=evidence)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": evidence.original_name})
    return redirect("assessments:edit", pk=evidence.self_assessment_id)


# --------------------------------------------------------------------------- 实地检查 (issue 14 item 3)


def _scheme_for(request: HttpRequest):
    """The scheme of ``?campaign=`` the user sees, else the newest issued one they see (their own
    federation's round first, then the city's)."""
    schemes = AssessmentScheme.objects.restrict(request.user).filter(issued_at__isnull=False)
    schemes = schemes.select_related("campaign").order_by(*round_preference(request.user, "campaign__"))
    wanted = id_from_text(request.GET.get("campaign"))
    return (schemes.filter(campaign_id=wanted).first() if wanted else None) or schemes.first(), schemes


@portal_view
def inspection_list(request: HttpRequest) -> HttpResponse:
    """我的检查: the inspections assigned to the user (all of them for city administrators and
    leaders, those of its own rounds for a federation administrator) in one round, with their
    state; city administrators, and a county's administrators in the county's own round (for its
    townships, among its own staff), assign inspectors here."""
    scheme, schemes = _scheme_for(request)
    rows = []
    form = None
    if scheme is not None:
        rows = list(
            Inspection.objects.restrict(request.user)
            .filter(scheme=scheme)
            .select_related("organisation", "scheme__campaign")
            .prefetch_related("scores", "inspectors")
        )
        if services.may_assign(request.user, scheme):
            form = _assign_form(request.user, scheme)
    return render(
        request,
        "assessments/inspections.html",
        {"scheme": scheme, "schemes": schemes, "rows": rows, "assign_form": form},
    )


def _assign_form(user, scheme, data=None):
    return AssignForm(
        data,
        units=services.assignable_units(user, scheme),
        users=services.assignable_inspectors(user, scheme),
    )


@require_POST
@portal_view
def inspection_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """A city administrator (or the administrator of the federation that issued the round, for the
    units below it, among its own staff) assigns inspectors to a unit under the scheme ``pk``."""
    scheme = get_object_or_404(
        AssessmentScheme.objects.restrict(request.user).select_related("campaign"), pk=pk
    )
    if not services.may_assign(request.user, scheme):
        raise PermissionDenied
    form = _assign_form(request.user, scheme, request.POST)
    if form.is_valid():
        try:
            inspection = services.inspection_assign(
                actor=request.user,
                scheme=scheme,
                organisation=form.cleaned_data["organisation"],
                inspectors=form.cleaned_data["inspectors"],
                visited_on=form.cleaned_data["visited_on"],
            )
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Inspectors were assigned to %(unit)s.") % {"unit": inspection.organisation}
            )
            return redirect(f"{reverse('assessments:inspections')}?campaign={scheme.campaign_id}")
    else:
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    rows = list(
        Inspection.objects.restrict(request.user).filter(scheme=scheme).select_related("organisation")
    )
    schemes = AssessmentScheme.objects.restrict(request.user).filter(issued_at__isnull=False)
    return render(
        request,
        "assessments/inspections.html",
        {"scheme": scheme, "schemes": schemes, "rows": rows, "assign_form": form},
    )


@portal_view
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspector's scoring page (phone first): one block per criterion with a big score input,
    a note and photos; 「保存草稿」 / 「提交」. Every field is kept as typed in the browser
    (static/js/draft-keeper.js) until saved; a refused post shows everything typed with each
    error by its criterion. Read-only once submitted or for readers who may not change it."""
    inspection = get_object_or_404(
        Inspection.objects.restrict(request.user).select_related("scheme__campaign", "organisation"), pk=pk
    )
    rows = list(inspection.scores.select_related("criterion__group"))
    photos = list(inspection.photos.all())
    for row in rows:
        row.files = [p for p in photos if p.criterion_id == row.criterion_id]
    editable = services.may_inspect(inspection=inspection, actor=request.user)
    data = request.POST if request.method == "POST" else None
    if data is not None and not editable:
        raise PermissionDenied
    files = request.FILES if data is not None else None
    head = InspectionForm(
        data,
        initial={
            "version": inspection.version,
            "visited_on": inspection.visited_on,
            "bonus": inspection.bonus,
            "bonus_note": inspection.bonus_note,
        },
    )
    forms = [
        InspectionScoreForm(
            data,
            prefix=f"c{row.criterion_id}",
            criterion=row.criterion,
            initial={
                "score": row.score,
                "note": row.note,
                "base_score": services._value(row.score),
                "base_note": row.note,
            },
        )
        for row in rows
    ]
    summary: list[str] = []
    if data is not None:
        if head.is_valid() & all([f.is_valid() for f in forms]):
            try:
                saved, refused = services.inspection_update(
                    actor=request.user,
                    inspection=inspection,
                    version=head.cleaned_data["version"],
                    scores={
                        f.criterion.pk: (
                            f.cleaned_data["score"],
                            f.cleaned_data["note"].replace("\r\n", "\n"),
                        )
                        for f in forms
                    },
                    base={
                        f.criterion.pk: (
                            f.cleaned_data["base_score"],
                            f.cleaned_data["base_note"].replace("\r\n", "\n"),
                        )
                        for f in forms
                    },
                    visited_on=head.cleaned_data["visited_on"],
                    bonus=head.cleaned_data["bonus"],
                    bonus_note=head.cleaned_data["bonus_note"],
                    uploads={
                        None: files.getlist("files"),
                        **{f.criterion.pk: files.getlist(f"{f.prefix}-files") for f in forms},
                    },
                )
            except (services.WorkflowError, services.ConcurrentEditError, ValidationError) as error:
                text = join_clauses(error.messages) if isinstance(error, ValidationError) else str(error)
                messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": text})
            else:
                for name, reason in refused:
                    messages.error(
                        request, _("%(name)s was not attached: %(reason)s") % {"name": name, "reason": reason}
                    )
                if "submit" in data:
                    try:
                        services.inspection_submit(actor=request.user, inspection=saved)
                    except services.WorkflowError as error:
                        messages.error(
                            request,
                            _("The inspection was saved as a draft but NOT submitted: %(reason)s")
                            % {"reason": str(error)},
                        )
                    else:
                        messages.success(request, _("The inspection was saved and submitted."))
                else:
                    messages.success(request, _("The inspection was saved as a draft."))
                response = redirect("assessments:inspection", pk=pk)
                response["Location"] += "?saved=1"
                return response
        else:
            for f in forms:
                for name, errors in f.errors.items():
                    label = f.fields[name].label
                    summary += [f"{f.criterion.order}. {label}：{error}" for error in errors]
            for name, errors in head.errors.items():
                summary += [f"{head.fields[name].label or name}：{error}" for error in errors]
            messages.error(request, _("Nothing was saved. Please correct the errors below."))
    return render(
        request,
        "assessments/inspection.html",
        {
            "inspection": inspection,
            "scheme": inspection.scheme,
            "rows": rows,
            "general_photos": [p for p in photos if p.criterion_id is None],
            "head": head,
            "forms": forms,
            "editable": editable,
            "error_summary": summary,
            "accept": ACCEPT_ATTRIBUTE,
        },
    )


@portal_view
def inspection_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an inspection photo the user may read, as an attachment under its original name."""
    return download_response(get_object_or_404(InspectionPhoto.objects.restrict(request.user), pk=pk))


# --------------------------------------------------------------------------- results (issue 14 item 4)


@portal_view
def results(request: HttpRequest) -> HttpResponse:
    """The results of a round. City administrators and leaders: every unit's total, grade and
    explanation (为什么是87.5分), live until approved, then frozen; 「审定」 (leaders, city
    administrators) and 「公布」. Everybody else: nothing before publication, then the published
    list (names, totals, grades) and their own unit's explanation only.

    ``?format=results_docx`` (the 通报), ``summary_docx`` and ``summary_xlsx`` (the 检查总结) download
    the documents of ``assessments.documents``: approved results for city administrators and
    leaders, published ones for everybody; otherwise the page with a message saying why not."""
    scheme, schemes = _scheme_for(request)
    sheet = ResultSheet.objects.filter(scheme=scheme).first() if scheme is not None else None
    status = sheet.status if sheet else ResultStatus.COMPUTED
    everything = sees_everything(request.user)
    wanted = request.GET.get("format")
    if wanted in DOCUMENT_FORMATS:
        asked = id_from_text(request.GET.get("campaign"))
        refusal = (
            _("No assessment scheme has been issued yet.")
            if scheme is None or (asked and scheme.campaign_id != asked)  # never another round's
            else documents.download_refusal(request.user, sheet)
        )
        if refusal is None:
            return _document_response(request, sheet, wanted)
        messages.error(request, refusal)
    rows: list = []
    own = None
    if scheme is not None and everything:
        rows = (
            sheet.rows
            if sheet and status != ResultStatus.COMPUTED
            else [r.as_json() for r in result_rows(scheme)]
        )
    elif scheme is not None and status == ResultStatus.PUBLISHED:
        membership = membership_of(request.user)
        unit = membership.organisation_id if membership else None
        rows = [{k: r[k] for k in ("organisation", "name", "total", "grade", "rank")} for r in sheet.rows]
        own = next((r for r in sheet.rows if r["organisation"] == unit), None)
    return render(
        request,
        "assessments/results.html",
        {
            "scheme": scheme,
            "schemes": schemes,
            "sheet": sheet,
            "status": status,
            "status_label": ResultStatus(status).label,
            "rows": rows,
            "own": own,
            "details": everything,
            "may_download": scheme is not None and documents.download_refusal(request.user, sheet) is None,
            "may_approve": everything and status == ResultStatus.COMPUTED,
            "may_publish": everything and status == ResultStatus.APPROVED,
        },
    )


#: The documents of the results page (``?format=``): the 通报, the 检查总结 .docx and .xlsx.
DOCUMENT_FORMATS = ("results_docx", "summary_docx", "summary_xlsx")


def _document_response(request: HttpRequest, sheet: ResultSheet, wanted: str) -> HttpResponse:
    """The download ``wanted`` of ``sheet`` (the caller checked ``download_refusal``). The .xlsx's
    per-criterion sheet holds every unit's scores for city administrators and leaders, only the
    user's own unit's for everybody else."""
    year = sheet.scheme.campaign.year
    if wanted == "summary_xlsx":
        membership = membership_of(request.user)
        own = None if sees_everything(request.user) else (membership.organisation_id if membership else 0)
        response = HttpResponse(documents.summary_workbook(sheet, own), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition(
            _("%(year)s assessment summary.xlsx") % {"year": year}
        )
        return response
    if wanted == "summary_docx":
        return docx_response(
            documents.summary_document(sheet), _("%(year)s assessment summary.docx") % {"year": year}
        )
    return docx_response(
        documents.results_document(sheet), _("%(year)s assessment results bulletin.docx") % {"year": year}
    )


@require_POST
@portal_view
def result_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """审定 (``approve``) or 公布 (``publish``) the results of the scheme ``pk``: leaders and city
    administrators (403 otherwise)."""
    steps = {
        "approve": (services.results_approve, _("The results were approved.")),
        "publish": (services.results_publish, _("The results were published to the units.")),
    }
    if action not in steps:
        raise Http404
    if not sees_everything(request.user):
        raise PermissionDenied
    scheme = get_object_or_404(AssessmentScheme.objects.restrict(request.user), pk=pk)
    run, done = steps[action]
    try:
        run(actor=request.user, scheme=scheme)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(f"{reverse('assessments:results')}?campaign={scheme.campaign_id}")
