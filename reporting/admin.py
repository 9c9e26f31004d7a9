"""Admin of progress reporting for city staff: reports, plans, periods and notifications — and the
pages whose saves belong to reporting's writers although their models live in ``projects``:
campaigns (a save makes the reporting periods, ``services.campaign_save``) and the 四定 plans
(assignments, steps, indicators: ``services.plan_update``, which owns the plan's lock). Their URLs
still follow the model's app (``/admin/projects/assignment/``).

Lists are scoped by ``quanzhou_women.lib.admin.ScopedAdminMixin`` for staff who are not superusers. Report
status changes go through the portal's review (``reporting.services``), so the status is read-only
here, and so are step states, indicator values, evidence and transitions; a city administrator's
correction of a report's texts goes through ``services.report_update``, which refuses it when
somebody else saved the report meanwhile (django-concurrency).
"""

import datetime
import re

from concurrency.exceptions import RecordModifiedError
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from projects import services as project_services
from projects.admin import year_column, year_filter
from projects.models import Assignment, Campaign, Indicator, Milestone, step_lateness
from quanzhou_women.lib.admin import (
    ConflictRefusingAdmin,
    PortalModelAdmin,
    PortalTabularInline,
    ScopedAdminMixin,
    VerboseUniqueInlineFormSet,
)
from quanzhou_women.lib.admin_writes import ServiceErrorsAdminMixin
from quanzhou_women.lib.importing import SpreadsheetAdminMixin, SpreadsheetConfirmForm, SpreadsheetImportForm
from reporting import chasing, receipts, rounds, services
from reporting.background_import import BackgroundImportAdminMixin
from reporting.forms import NewRoundForm
from reporting.models import (
    Evidence,
    IndicatorValue,
    MilestoneProgress,
    Notification,
    Plan,
    PlanTransition,
    ProgressReport,
    ReportingPeriod,
    ReportTransition,
    RobotMessage,
    RobotWebhook,
)
from reporting.resources import AssignmentResource, IndicatorResource, MilestoneResource
from reporting.rounds import round_close
from reporting.services import IndicatorRow, MilestoneRow
from units.list_filters import OrganisationTreeFilter
from units.roles import federation_of


@admin.register(Campaign)
class CampaignAdmin(ServiceErrorsAdminMixin, ScopedAdminMixin, PortalModelAdmin):
    """Campaigns by year, with their source document."""

    list_display = [
        "year",
        "name",
        "document_number",
        "issued_on",
        "issuing_body",
        "reporting_cadence",
        "round_state",
    ]
    list_display_links = ["year", "name"]
    list_select_related = ["issuing_body"]
    actions = ["issue_tasks", "close_round"]
    search_fields = ["name", "document_number", "document_title"]
    autocomplete_fields = ["issuing_body"]
    fieldsets = [
        (None, {"fields": ["name", "year", "reporting_cadence"]}),
        (
            _("Source document"),
            {
                "fields": [
                    "document_number",
                    "document_title",
                    "issued_on",
                    "issuing_body",
                    "overview_table_title",
                ]
            },
        ),
    ]

    @admin.display(description=_("round"), ordering="closed_at")
    def round_state(self, obj: Campaign) -> str:
        """已结束 (with the day) for a closed round, 进行中 for an open one."""
        if obj.closed_at is None:
            return _("open")
        day = date_format(timezone.localdate(obj.closed_at), "DATE_FORMAT")
        return _("closed (%(date)s)") % {"date": day}

    @admin.action(description=_("Close this round"), permissions=["change"])
    def close_round(self, request: HttpRequest, queryset: QuerySet):
        """「结束本轮」: a confirmation page first (like Django's delete confirmation), then
        ``reporting.rounds.round_close`` for each chosen campaign; a round already closed is named
        and left as it is. City administrators only (``round_close`` refuses everybody else)."""
        campaigns = list(queryset.order_by("-year"))
        if request.POST.get("post") == "yes":
            for campaign in campaigns:
                try:
                    round_close(campaign=campaign, actor=request.user)
                except PermissionDenied as error:
                    text = str(error) or _("You may not close this round.")
                    messages.error(request, f"{campaign}：{text}")
                else:
                    messages.success(
                        request, _("%(round)s was closed: it can only be viewed now.") % {"round": campaign}
                    )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Close this round"),
            "opts": self.model._meta,
            "campaigns": campaigns,
            "open_campaigns": [c for c in campaigns if c.closed_at is None],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/reporting/campaign_close_confirmation.html", context)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        """A federation administrator's rounds are issued by its own federation: the field is
        shown, not offered (``save_model`` sets it; issue 13 item 3)."""
        fields = list(super().get_readonly_fields(request, obj))
        if services.access.federation_of(request.user) is not None:
            fields.append("issuing_body")
        return fields

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        """For a federation administrator, a form that checks the year against its federation's
        rounds (the issuing body is not a field of theirs, so the model's unique check would skip
        it): a second round of one year is refused next to the year, with the input kept."""
        form_class = super().get_form(request, obj, **kwargs)
        federation = services.access.federation_of(request.user)
        if federation is None:
            return form_class

        class FederationCampaignForm(form_class):
            def clean(self):
                data = super().clean()
                year = data.get("year")
                taken = Campaign.objects.filter(issuing_body=federation, year=year).exclude(
                    pk=self.instance.pk
                )
                if year is not None and taken.exists():
                    self.add_error("year", _("This issuing body already has a round in this year."))
                return data

        return FederationCampaignForm

    def save_model(self, request: HttpRequest, obj: Campaign, form, change: bool) -> None:
        """Through ``services.campaign_save``, which also makes the reporting periods of its cadence;
        a federation administrator's new round is issued by its federation."""
        federation = services.access.federation_of(request.user)
        if federation is not None and obj.pk is None:
            obj.issuing_body_id = federation
        services.campaign_save(actor=request.user, campaign=obj)

    def delete_model(self, request: HttpRequest, obj: Campaign) -> None:
        project_services.record_delete(actor=request.user, record=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            project_services.record_delete(actor=request.user, record=obj)

    @admin.action(description=_("Issue the tasks to the units"), permissions=["change"])
    def issue_tasks(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        """「下发任务」 (issue 15, item 3): first a confirmation page listing, per campaign, how many
        tasks will be issued and how many were issued before (``receipts.issue_preview``); the
        confirmation (``confirm``) calls ``receipts.round_issue`` for each campaign, which tells each
        unit once (issuing again tells nobody). A refusal (a closed round, no right) is a message."""
        campaigns = list(queryset.select_related("issuing_body").order_by("-year"))
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Issue the tasks to the units"),
                "rows": [(campaign, *receipts.issue_preview(campaign)) for campaign in campaigns],
                "queryset": campaigns,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/projects/campaign/issue_confirm.html", context)
        for campaign in campaigns:
            try:
                result = receipts.round_issue(actor=request.user, campaign=campaign)
            except PermissionDenied as error:
                self.message_user(
                    request,
                    _("%(campaign)s: not issued (%(reason)s).")
                    % {"campaign": campaign, "reason": str(error) or _("no right to issue it")},
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                _("%(campaign)s: %(count)s tasks issued to %(units)s units (%(already)s issued before).")
                % {
                    "campaign": campaign,
                    "count": len(result.issued),
                    "units": result.units,
                    "already": result.already,
                },
                messages.SUCCESS,
            )
        return None

    def get_urls(self):
        """Adds ``new-round/``: 「开启新一轮」."""
        view = self.admin_site.admin_view(self.new_round_view)
        return [path("new-round/", view, name="projects_campaign_new_round"), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """The list, with the 「开启新一轮」 button for city administrators."""
        extra_context = {
            **(extra_context or {}),
            "can_start_round": self._round_sources(request).exists(),
        }
        return super().changelist_view(request, extra_context)

    def _round_sources(self, request: HttpRequest):
        """The rounds ``request.user`` may start a new round from, in ``round_preference`` (latest
        first, their own federation's, then the city's, first in a year): every round for city administrators; for a federation administrator
        (``federation_admin``, issue 13) the rounds its own federation issued (``round_start``
        checks the same); none for anybody else."""
        campaigns = Campaign.objects.preferred_by(request.user)  # several rounds a year (issue 13)
        if services.access.is_city_admin(request.user):
            return campaigns
        federation = federation_of(request.user)
        if federation is None:
            return campaigns.none()
        return campaigns.filter(issuing_body=federation)

    def new_round_view(self, request: HttpRequest) -> HttpResponse:
        """「开启新一轮」: a new round from an earlier one in two steps (issue 12, item 1).

        GET ``?source=<id>`` (default: the latest campaign) shows the form (``NewRoundForm``); a
        POST with ``_preview`` checks it and shows what would be created (``round_preview``)
        with every choice kept in hidden fields; ``_confirm`` starts the round (``round_start``,
        one transaction) and redirects to the new campaign's page; ``_edit`` goes back to the
        form as typed. Any refusal re-shows the form with the errors and the
        input kept. City administrators, and a federation administrator for its own federation's
        rounds (the sources offered are ``_round_sources``; a source outside them falls back to the
        latest of them); 403 for everybody else; 404 without any campaign to start from.
        """
        if not (services.access.is_city_admin(request.user) or federation_of(request.user) is not None):
            raise PermissionDenied
        campaigns = self._round_sources(request)
        wanted = request.POST.get("source") or request.GET.get("source") or ""
        source = campaigns.filter(pk=int(wanted)).first() if re.fullmatch(r"[0-9]{1,9}", wanted) else None
        source = source or campaigns.first()
        if source is None:
            raise Http404(_("There is no campaign to start a new round from."))
        # the button pressed: 「预览」, 「确认开启」 or 「返回修改」
        step = next((name for name in ("confirm", "preview", "edit") if f"_{name}" in request.POST), None)
        form = NewRoundForm(request.POST if step else None, source=source)
        preview = None
        if step and form.is_valid():
            if step == "confirm":
                try:
                    campaign = rounds.round_start(
                        **form.selection(), **form.campaign_fields(), actor=request.user
                    )
                except ValidationError as error:
                    _form_errors(form, error)
                else:
                    self.message_user(
                        request,
                        _("The %(year)s round is started from %(source)s: %(counts)s.")
                        % {
                            "year": campaign.year,
                            "source": source.year,
                            "counts": rounds.counts_text(rounds.round_preview(**form.selection())),
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:projects_campaign_change", args=[campaign.pk]))
            elif step == "preview":
                preview = rounds.round_preview(**form.selection())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Start a new round"),
            "form": form,
            "source": source,
            "campaigns": campaigns,
            "preview": preview,
            "carried": rounds.round_selection(**form.selection()) if preview else [],
            "counts_text": rounds.counts_text(preview) if preview else "",
        }
        return TemplateResponse(request, "admin/projects/campaign/new_round.html", context)


def _form_errors(form, error: ValidationError) -> None:
    """A service's ``ValidationError`` on the form: on its field where the form has one, else on the
    form as a whole."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


RETIRE_NOTE = _(
    "Removing a step or an indicator that a report has used retires it instead of deleting it: it "
    "leaves the plan and new reports, and stays on the reports that used it, as approved."
)


class LivePartsFormSet(VerboseUniqueInlineFormSet):
    """Rows of a plan's live steps or indicators. Their order (or name) is unique among the live
    rows only — a database constraint with a condition, which Django's formset does not check — so
    a repeated ``unique_field`` is refused here, in the formset's words ("请修改顺序的重复数据")."""

    unique_field = ""

    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or self._should_delete_form(form):
                continue
            value = form.cleaned_data.get(self.unique_field)
            if value in seen:
                raise ValidationError(self.get_unique_error_message((self.unique_field,)))
            seen.add(value)


class IndicatorsFormSet(LivePartsFormSet):
    unique_field = "name"


class PlanStepsFormSet(LivePartsFormSet):
    """The step rows of the assignment page, each checked against the deadline being saved (the
    rule is ``projects.models.step_lateness``; ``plan_update`` checks it again)."""

    unique_field = "order"

    def clean(self) -> None:
        super().clean()
        deadline = self.instance.deadline  # the parent form's value, set before the formsets are cleaned
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or self._should_delete_form(form):
                continue
            message = step_lateness(due_on=form.cleaned_data.get("due_on"), deadline=deadline)
            if message:
                form.add_error("due_on", message)


class RetiringInline(PortalTabularInline):
    """Rows of a plan (steps, indicators) that are retired, not deleted, when a report used them:
    Django's check that refuses to delete a row others protect (the reports' rows) does not apply."""

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class RetiringForm(formset.form):
            def hand_clean_DELETE(self) -> None:
                """Removing a used row retires it (``services.plan_update``): nothing to refuse."""

        formset.form = RetiringForm
        return formset


class MilestoneInline(RetiringInline):
    """The live steps (定步骤) of an assignment; a removed step a report used is retired."""

    model = Milestone
    formset = PlanStepsFormSet
    fields = ["order", "title", "due_on"]


class IndicatorInline(RetiringInline):
    """The live measurable targets of an assignment; a removed one a report used is retired."""

    model = Indicator
    formset = IndicatorsFormSet
    fields = ["name", "target_value", "unit_of_measure"]


def _rows(formset, row_class, names: list[str]) -> list:
    """The formset's rows for ``plan_update``: every live row, marked ``delete`` when ticked."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and form.instance.pk is None:
            continue  # an empty extra row
        data = form.cleaned_data
        values = [data.get(name) for name in names]
        if row_class is IndicatorRow and values[2] is None:
            values[2] = ""
        rows.append(
            row_class(form.instance.pk, *values, delete=bool(formset.can_delete and data.get("DELETE")))
        )
    return rows


def _plan_may_edit(request: HttpRequest, assignment_id: int) -> bool:
    """``services.plan_may_edit`` for the request's user, asked once per request and assignment."""
    if services.access.is_city_admin(request.user):
        return True  # city administrators may edit every plan, locked or not
    answers = request.__dict__.setdefault("_plan_may_edit", {})
    if assignment_id not in answers:
        assignment = Assignment.objects.select_related("project").get(pk=assignment_id)
        answers[assignment_id] = services.plan_may_edit(assignment=assignment, actor=request.user)
    return answers[assignment_id]


def _warn_retired(request: HttpRequest, assignment: Assignment) -> None:
    retired = getattr(assignment, "retired", [])
    if retired:
        messages.warning(
            request,
            _("Retired, not deleted, because reports used them (they stay on those reports): %(names)s.")
            % {"names": "、".join(retired)},
        )


class FlatTableImportForm(SpreadsheetImportForm):
    """The flat 四定 table's upload form, with the one choice that may add responsibilities."""

    add_units = forms.BooleanField(
        label=_("Also add new responsible units"),
        required=False,
        help_text=_(
            "Tick only when the file deliberately makes a unit responsible for a project it does not "
            "carry yet; otherwise such a row is refused."
        ),
    )


class FlatTableConfirmForm(SpreadsheetConfirmForm):
    """The confirm step of the flat table keeps the choice made on upload."""

    add_units = forms.BooleanField(required=False, widget=forms.HiddenInput())


@admin.register(Assignment)
class AssignmentAdmin(
    ServiceErrorsAdminMixin,
    ScopedAdminMixin,
    BackgroundImportAdminMixin,
    SpreadsheetAdminMixin,
    ConflictRefusingAdmin,
    PortalModelAdmin,
):
    """Every responsible unit's 四定 plan: target, steps, deadline and responsible person.

    Saves go through ``services.plan_update`` (scope, role, the plan's lock, the version, the
    deadline rule, retiring used steps); a plan the user may not edit now (``plan_may_edit``: e.g.
    a confirmed plan for a unit's reporter) is read only. A new assignment (a unit joining a
    project) is made by ``projects.services.assignment_add``. The hidden ``version`` makes the later
    of two concurrent saves fail with a message instead of overwriting the earlier one.
    """

    resource_classes = [AssignmentResource]
    import_form_class = FlatTableImportForm
    confirm_form_class = FlatTableConfirmForm
    import_options = ("add_units",)
    list_display = [
        year_column("project__campaign"),
        "project",
        "unit",
        "deadline",
        "responsible_person",
        "responsible_person_phone",
    ]
    list_filter = [
        year_filter("project__campaign"),
        ("unit", OrganisationTreeFilter),
        "project__liaison_departments",
    ]
    list_select_related = ["project__campaign", "unit"]  # the campaign: is the round closed?
    search_fields = ["project__title", "unit__name", "responsible_person", "target"]
    autocomplete_fields = ["project", "unit"]
    related_select_related = {"project": ["campaign"]}
    ordering = ["project__campaign", "project__number", "unit__display_order"]
    fieldsets = [
        (None, {"fields": ["project", "unit", "version"]}),
        (
            _("The four fixes"),
            {
                "fields": [
                    "target",
                    "deadline",
                    "responsible_person",
                    "responsible_person_position",
                    "responsible_person_phone",
                ],
                "description": RETIRE_NOTE,
            },
        ),
    ]
    inlines = [MilestoneInline, IndicatorInline]
    related_histories = ((Milestone, "assignment"), (Indicator, "assignment"))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        """Also false while the plan is locked for this user (``services.plan_may_edit``)."""
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or obj.pk is None:
            return allowed
        return _plan_may_edit(request, obj.pk)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        """Project and unit are fixed once the assignment exists (they are the project's units)."""
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "project", "unit"] if obj is not None and obj.pk else fields

    def save_model(self, request: HttpRequest, obj: Assignment, form, change: bool) -> None:
        """A new assignment is made here (``assignment_add``); its 四定 are saved with the steps in
        ``save_related``."""
        if not change:
            created = project_services.assignment_add(actor=request.user, project=obj.project, unit=obj.unit)
            obj.pk, obj.version = created.pk, created.version
            obj._state.adding = False

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """The whole plan — the form's 四定 and the inline rows — through ``services.plan_update``."""
        obj = form.instance
        milestones, indicators = [], []
        for formset in formsets:
            if formset.model is Milestone:
                milestones = _rows(formset, MilestoneRow, ["order", "title", "due_on"])
            elif formset.model is Indicator:
                indicators = _rows(formset, IndicatorRow, ["name", "target_value", "unit_of_measure"])
        try:
            saved = services.plan_update(
                assignment=obj,
                actor=request.user,
                # as posted (or as just created): the version the page was opened at; 0 (none posted)
                # skips the check, as django-concurrency does
                version=obj.version or None,
                **services.plan_fields(obj),
                milestones=milestones,
                indicators=indicators,
            )
        except services.ConcurrentEditError as error:
            raise RecordModifiedError(target=obj) from error
        for formset in formsets:  # written above: the change message names no inline rows
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        _warn_retired(request, saved)

    def delete_model(self, request: HttpRequest, obj: Assignment) -> None:
        project_services.record_delete(actor=request.user, record=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            project_services.record_delete(actor=request.user, record=obj)


class PlanPartAdmin(
    ServiceErrorsAdminMixin,
    ScopedAdminMixin,
    BackgroundImportAdminMixin,
    SpreadsheetAdminMixin,
    PortalModelAdmin,
):
    """The pages of single steps or indicators: every save and delete is a change of the plan
    through ``services.plan_part_save`` (so ``plan_update``: scope, lock, deadline, retiring)."""

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or obj.pk is None:
            return allowed
        return _plan_may_edit(request, obj.assignment_id)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or obj.pk is None:
            return allowed
        return _plan_may_edit(request, obj.assignment_id)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        """A saved row stays in its plan: its assignment is fixed."""
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "assignment"] if obj is not None and obj.pk else fields

    def get_deleted_objects(self, objs, request: HttpRequest):
        """What deleting shows: the rows themselves; a row a report used is retired instead, so the
        reports' rows do not protect it."""
        to_delete, model_count, perms_needed, _protected = super().get_deleted_objects(objs, request)
        return to_delete, model_count, perms_needed, []

    def row_of(self, obj, delete: bool = False):
        """The object as a ``MilestoneRow`` or ``IndicatorRow``."""
        raise NotImplementedError

    def _save_part(self, request: HttpRequest, obj, delete: bool = False) -> None:
        key = "milestone" if isinstance(obj, Milestone) else "indicator"
        saved = services.plan_part_save(
            actor=request.user, assignment=obj.assignment, **{key: self.row_of(obj, delete)}
        )
        if obj.pk is None and not delete:  # the new row: let the admin redirect to it
            found = type(obj).objects.filter(assignment=obj.assignment)
            obj.pk = (
                found.get(order=obj.order).pk if isinstance(obj, Milestone) else found.get(name=obj.name).pk
            )
        _warn_retired(request, saved)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        self._save_part(request, obj)

    def delete_model(self, request: HttpRequest, obj) -> None:
        self._save_part(request, obj, delete=True)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset.select_related("assignment"):
            self._save_part(request, obj, delete=True)


@admin.register(Milestone)
class MilestoneAdmin(PlanPartAdmin):
    """Live steps of every plan, to see what falls due when."""

    resource_classes = [MilestoneResource]

    list_display = ["title", "order", "due_on", "assignment"]
    list_filter = [year_filter("assignment__project__campaign"), "due_on"]
    list_select_related = ["assignment__project__campaign", "assignment__unit"]
    search_fields = ["title", "assignment__unit__name", "assignment__project__title"]
    autocomplete_fields = ["assignment"]
    related_select_related = {"assignment": ["project__campaign", "unit"]}
    ordering = ["due_on", "assignment__project__number"]

    def row_of(self, obj: Milestone, delete: bool = False) -> MilestoneRow:
        return MilestoneRow(obj.pk, obj.order, obj.title, obj.due_on, delete=delete)


@admin.register(Indicator)
class IndicatorAdmin(PlanPartAdmin):
    """Live measurable targets of every plan."""

    resource_classes = [IndicatorResource]

    list_display = ["name", "target_value", "unit_of_measure", "assignment"]
    list_filter = [year_filter("assignment__project__campaign")]
    list_select_related = ["assignment__project__campaign", "assignment__unit"]
    search_fields = ["name", "assignment__unit__name", "assignment__project__title"]
    autocomplete_fields = ["assignment"]
    related_select_related = {"assignment": ["project__campaign", "unit"]}

    def row_of(self, obj: Indicator, delete: bool = False) -> IndicatorRow:
        return IndicatorRow(obj.pk, obj.name, obj.target_value, obj.unit_of_measure, delete=delete)


class ReadOnlyInline(PortalTabularInline):
    """Rows shown under a report or a plan and never edited there: they change through the services
    (a report's step states and values in the unit's report form, the workflow's steps)."""

    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return list(self.fields)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MilestoneProgressInline(ReadOnlyInline):
    model = MilestoneProgress
    fields = ["milestone", "state", "on_date"]
    select_related = ("milestone",)


class IndicatorValueInline(ReadOnlyInline):
    model = IndicatorValue
    fields = ["indicator", "actual_value"]
    select_related = ("indicator",)


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["download", "content_type", "size", "uploaded_by", "uploaded_at"]
    select_related = ("uploaded_by",)

    @admin.display(description=_("file"))
    def download(self, obj: Evidence) -> str:
        """A link to the permission-checking download view (never a media URL)."""
        return format_html(
            '<a href="{}">{}</a>', reverse("reporting:evidence_download", args=[obj.pk]), obj.original_name
        )


class TransitionInline(ReadOnlyInline):
    """The steps of a workflow (a report's or a plan's), read-only: who did what, when and why."""

    fields = ["action", "from_status", "to_status", "actor", "at", "reason"]
    select_related = ("actor",)


class ReportTransitionInline(TransitionInline):
    model = ReportTransition


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedAdminMixin, ConflictRefusingAdmin):
    """Progress reports by campaign, project, unit and period, with their review history; the list
    opens with the newest first (``ordering``: the database reads the page from the primary key's
    index, where sorting by campaign, project and period sorted all of a year's reports — some
    40,000 at province scale, issue 16 — to show 100)."""

    ordering = ["-pk"]
    list_display = [
        year_column("period__campaign"),
        "assignment",
        "period",
        "status",
        "percent_complete",
        "submitted_at",
        "is_demo",
    ]
    list_filter = [
        "status",
        year_filter("period__campaign"),
        "period__name",
        "assignment__project__liaison_departments",
        "is_demo",
    ]
    list_select_related = ["assignment__project__campaign", "assignment__unit", "period__campaign"]
    search_fields = ["assignment__project__title", "assignment__unit__name", "progress", "problems"]
    readonly_fields = ["assignment", "period", "status", "submitted_at", "reviewed_at", "is_demo"]
    fields = [
        "assignment",
        "period",
        "status",
        "progress",
        "percent_complete",
        "problems",
        "next_steps",
        "submitted_at",
        "reviewed_at",
        "is_demo",
        "version",
    ]
    inlines = [MilestoneProgressInline, IndicatorValueInline, EvidenceInline, ReportTransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressReport]:
        """Fetch what names a report (project, unit, period with campaign) with it, on every page."""
        return super().get_queryset(request).select_related(*self.list_select_related)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Reports are started by their unit in the portal."""
        return False

    def delete_view(self, request: HttpRequest, object_id, extra_context=None):
        """A report is never deleted: what it said, and what was approved, stays (403). (Its delete
        permission stays as it is, so that deleting what holds reports is explained as protected.)"""
        raise PermissionDenied

    def get_actions(self, request: HttpRequest) -> dict:
        """No bulk delete either."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: ProgressReport, form, change: bool) -> None:
        """Save the texts through ``services.report_update``, which refuses a stale version.

        A save that lost the race after the form's version check is refused like any other
        concurrent edit (``ConflictRefusingAdmin``): nothing is written.
        """
        try:
            services.report_update(
                report=obj,
                actor=request.user,
                version=obj.version,  # as posted: the version the page was opened at
                progress=obj.progress,
                percent_complete=obj.percent_complete,
                problems=obj.problems,
                next_steps=obj.next_steps,
                milestone_states={},
                indicator_values={},
            )
        except services.ConcurrentEditError as error:
            raise RecordModifiedError(target=obj) from error


class PlanTransitionInline(TransitionInline):
    model = PlanTransition


@admin.register(Plan)
class PlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The confirmation state of every 四定 plan; the plan itself is edited under assignments."""

    list_display = [
        year_column("assignment__project__campaign"),
        "assignment",
        "status",
        "confirmed_at",
        "confirmed_by",
        "is_demo",
    ]
    list_filter = [
        "status",
        year_filter("assignment__project__campaign"),
        "assignment__project__liaison_departments",
    ]
    list_select_related = ["assignment__project__campaign", "assignment__unit", "confirmed_by"]
    search_fields = ["assignment__project__title", "assignment__unit__name"]
    readonly_fields = ["assignment", "status", "confirmed_at", "confirmed_by", "is_demo"]
    inlines = [PlanTransitionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Reporting periods, made from each campaign's cadence; the due date may be moved."""

    list_display = ["name", "campaign", "starts_on", "ends_on", "due_on"]
    list_filter = [year_filter("campaign")]
    list_select_related = ["campaign"]
    readonly_fields = ["campaign", "starts_on", "ends_on"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Every message sent, with the reminder key that makes each reminder go out once."""

    list_display = ["created_at", "recipient", "kind", "message", "emailed_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "message", "key"]
    readonly_fields = ["recipient", "kind", "message", "link", "key", "created_at", "emailed_at", "read_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class RobotMessageInline(admin.TabularInline):
    """The robot's latest messages (the robot outbox): sent or not, attempts, the last error."""

    model = RobotMessage
    fields = ["created_at", "key", "attempts", "sent_at", "last_error"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-created_at", "-pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """The unsent messages and those of the last 30 days: the page stays short."""
        recent = timezone.now() - datetime.timedelta(days=30)
        return super().get_queryset(request).filter(Q(sent_at__isnull=True) | Q(created_at__gte=recent))


@admin.register(RobotWebhook)
class RobotWebhookAdmin(ServiceErrorsAdminMixin, ScopedAdminMixin, PortalModelAdmin):
    """An organisation's 企业微信/钉钉 group robot, which gets the organisation's 催报 too (city
    administrators only: the address is a secret). Saved by ``chasing.robot_webhook_save``."""

    list_display = ["organisation", "kind", "enabled"]
    list_filter = ["kind", "enabled"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "kind", "url", "enabled"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [RobotMessageInline]

    def save_model(self, request: HttpRequest, obj: RobotWebhook, form, change: bool) -> None:
        chasing.robot_webhook_save(actor=request.user, webhook=obj)

    def delete_model(self, request: HttpRequest, obj: RobotWebhook) -> None:
        chasing.robot_webhook_delete(actor=request.user, webhook=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            chasing.robot_webhook_delete(actor=request.user, webhook=obj)


# django-tasks-db's task results are the worker's technical record (in English, keyed by UUID):
# not an office page. Unsent e-mail is visible as ``OutboxEmail`` rows; ``manage.py run_worker``
# logs every task.
admin.site.unregister(DBTaskResult)
