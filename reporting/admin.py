"""Admin of progress reporting for city staff: reports, plans, periods and notifications.

Lists are scoped by ``quanzhou_women.lib.admin.ScopedAdminMixin`` for staff who are not superusers. Report
status changes go through the portal's review (``reporting.services``), so the status is read-only
here, and so are step states, indicator values, evidence and transitions; a city administrator's
correction of a report's texts goes through ``services.report_update``, which refuses it when
somebody else saved the report meanwhile (django-concurrency).
"""

from concurrency.exceptions import RecordModifiedError
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzhou_women.lib.admin import ConflictRefusingAdmin, ScopedAdminMixin
from reporting import services
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
)


class MilestoneProgressInline(admin.TabularInline):
    model = MilestoneProgress
    fields = ["milestone", "state", "on_date"]
    readonly_fields = fields  # step states change in the unit's report form (services)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("milestone")


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    fields = ["indicator", "actual_value"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("indicator")


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ["download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj: Evidence) -> str:
        """A link to the permission-checking download view (never a media URL)."""
        return format_html(
            '<a href="{}">{}</a>', reverse("reporting:evidence_download", args=[obj.pk]), obj.original_name
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReportTransitionInline(admin.TabularInline):
    model = ReportTransition
    fields = ["action", "from_status", "to_status", "actor", "at", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedAdminMixin, ConflictRefusingAdmin):
    """Progress reports by campaign, project, unit and period, with their review history."""

    list_display = ["assignment", "period", "status", "percent_complete", "submitted_at", "is_demo"]
    list_filter = [
        "status",
        "period__campaign",
        "period__name",
        "assignment__project__liaison_departments",
        "is_demo",
    ]
    list_select_related = ["assignment__project", "assignment__unit", "period__campaign"]
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


class PlanTransitionInline(admin.TabularInline):
    model = PlanTransition
    fields = ["action", "from_status", "to_status", "actor", "at", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The confirmation state of every 四定 plan; the plan itself is edited under assignments."""

    list_display = ["assignment", "status", "confirmed_at", "confirmed_by", "is_demo"]
    list_filter = ["status", "assignment__project__campaign", "assignment__project__liaison_departments"]
    list_select_related = ["assignment__project", "assignment__unit", "confirmed_by"]
    search_fields = ["assignment__project__title", "assignment__unit__name"]
    readonly_fields = ["assignment", "status", "confirmed_at", "confirmed_by", "is_demo"]
    inlines = [PlanTransitionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Reporting periods, made from each campaign's cadence; the due date may be moved."""

    list_display = ["name", "campaign", "starts_on", "ends_on", "due_on"]
    list_filter = ["campaign"]
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
