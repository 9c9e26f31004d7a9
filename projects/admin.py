"""Admin of campaigns, feature projects and 四定 plans, in Chinese, for city staff.

Lists answer the questions staff ask: "which projects does 晋江市妇联 carry?" (filter or search
by responsible unit), "which projects does 儿童部 follow?" (filter by liaison department). Every
change is kept by django-simple-history and shown under 历史.
"""

from concurrency.forms import ConcurrentForm
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone, ProjectLiaison
from projects.overview_table import overview_table_filename, write_overview_table
from projects.resources import (
    AssignmentResource,
    FeatureProjectResource,
    IndicatorResource,
    MilestoneResource,
)
from quanzhou_women.lib.admin import (
    ConflictRefusingAdmin,
    PortalModelAdmin,
    PortalTabularInline,
    ScopedAdminMixin,
    scoped,
)
from quanzhou_women.lib.importing import SpreadsheetAdminMixin
from quanzhou_women.lib.spreadsheets import XLSX_CONTENT_TYPE, content_disposition
from reporting.services import periods_ensure
from units.models import Organisation


@admin.register(Campaign)
class CampaignAdmin(ScopedAdminMixin, PortalModelAdmin):
    """Campaigns by year, with their source document."""

    list_display = ["year", "name", "document_number", "issued_on", "issuing_body", "reporting_cadence"]
    list_display_links = ["year", "name"]
    list_select_related = ["issuing_body"]
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

    def save_model(self, request: HttpRequest, obj: Campaign, form, change: bool) -> None:
        """Save, then make the reporting periods of the campaign's cadence."""
        super().save_model(request, obj, form, change)
        periods_ensure(campaign=obj)


class ProjectLiaisonInline(PortalTabularInline):
    """The city federation's departments that follow the project."""

    model = ProjectLiaison
    fields = ["department"]
    autocomplete_fields = ["department"]
    select_related = ("project", "department")
    min_num = 1


class AssignmentInline(PortalTabularInline):
    """The responsible units of a project, with their deadline and responsible person."""

    model = Assignment
    fields = [
        "unit",
        "deadline",
        "responsible_person",
        "responsible_person_position",
        "responsible_person_phone",
    ]
    autocomplete_fields = ["unit"]
    select_related = ("project", "unit")
    show_change_link = True


@admin.register(FeatureProject)
class FeatureProjectAdmin(ScopedAdminMixin, SpreadsheetAdminMixin, PortalModelAdmin):
    """Feature projects in 序号 order, with units and liaison departments as printed.

    The list has a button for the official 一览表 (``overview_table_view``) besides import and export.
    """

    resource_classes = [FeatureProjectResource]
    import_export_change_list_template = "admin/projects/featureproject/change_list.html"

    list_display = ["number", "title", "responsible_unit_names", "liaison_department_names"]
    list_display_links = ["number", "title"]
    list_filter = [
        "campaign",
        "liaison_departments",
        ("responsible_units", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["campaign"]
    search_fields = ["title", "goal", "responsible_units__name", "liaison_departments__name"]
    ordering = ["campaign", "number"]
    fields = ["campaign", "number", "title", "goal"]
    related_histories = ((ProjectLiaison, "project"), (Assignment, "project"))
    inlines = [ProjectLiaisonInline, AssignmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FeatureProject]:
        """Preload units and departments in official order: two queries for the whole list; only
        those the user may view (a reporter's project names no other unit)."""
        organisations = scoped(Organisation.objects.all(), request.user)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("liaison_departments", queryset=organisations),
                Prefetch("responsible_units", queryset=organisations),
            )
        )

    def get_urls(self):
        """Adds ``overview-table/``: the 一览表 download."""
        view = self.admin_site.admin_view(self.overview_table_view)
        return [
            path("overview-table/", view, name="projects_featureproject_overview_table"),
            *super().get_urls(),
        ]

    def overview_table_view(self, request: HttpRequest) -> HttpResponse:
        """The 一览表 as .xlsx, of the projects the list shows (its filters and the admin's scoping).

        The campaign is the list's campaign filter, else the latest campaign among those projects.
        Needs the export permission (403); 404 when the user can see no project.
        """
        if not self.has_export_permission(request):
            raise PermissionDenied
        projects = self.get_export_queryset(request)
        year = projects.order_by("-campaign__year").values_list("campaign__year", flat=True).first()
        if year is None:
            raise Http404(_("No feature project to put in the table."))
        campaign = Campaign.objects.select_related("issuing_body").get(year=year)
        data = write_overview_table(campaign, projects.filter(campaign=campaign))
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition(overview_table_filename(campaign))
        return response

    @admin.display(description=_("responsible units"))
    def responsible_unit_names(self, obj: FeatureProject) -> str:
        """The responsible units, separated by 、, in official order."""
        return "、".join(unit.name for unit in obj.responsible_units.all())

    @admin.display(description=_("liaison departments"))
    def liaison_department_names(self, obj: FeatureProject) -> str:
        """The liaison departments, separated by 、, in official order."""
        return "、".join(department.name for department in obj.liaison_departments.all())


class MilestoneInline(PortalTabularInline):
    """The steps (定步骤) of an assignment."""

    model = Milestone
    fields = ["order", "title", "due_on"]


class IndicatorInline(PortalTabularInline):
    """The measurable targets of an assignment."""

    model = Indicator
    fields = ["name", "target_value", "unit_of_measure"]


class AssignmentAdminForm(ConcurrentForm):
    """The assignment page's form: its steps, edited below on the same page, are each checked
    against the new deadline, so the deadline is not checked against the steps as saved."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.check_saved_steps = False


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdminMixin, SpreadsheetAdminMixin, ConflictRefusingAdmin, PortalModelAdmin):
    """Every responsible unit's 四定 plan: target, steps, deadline and responsible person.

    The hidden ``version`` makes the later of two concurrent saves fail with a message instead of
    overwriting the earlier one (django-concurrency).
    """

    form = AssignmentAdminForm
    resource_classes = [AssignmentResource]
    list_display = ["project", "unit", "deadline", "responsible_person", "responsible_person_phone"]
    list_filter = [
        "project__campaign",
        ("unit", admin.RelatedOnlyFieldListFilter),
        "project__liaison_departments",
    ]
    list_select_related = ["project", "unit"]
    search_fields = ["project__title", "unit__name", "responsible_person", "target"]
    autocomplete_fields = ["project", "unit"]
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
                ]
            },
        ),
    ]
    inlines = [MilestoneInline, IndicatorInline]
    related_histories = ((Milestone, "assignment"), (Indicator, "assignment"))


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdminMixin, SpreadsheetAdminMixin, PortalModelAdmin):
    """Steps of every plan, to see what falls due when."""

    resource_classes = [MilestoneResource]

    list_display = ["title", "order", "due_on", "assignment"]
    list_filter = ["assignment__project__campaign", "due_on"]
    list_select_related = ["assignment__project", "assignment__unit"]
    search_fields = ["title", "assignment__unit__name", "assignment__project__title"]
    autocomplete_fields = ["assignment"]
    related_select_related = {"assignment": ["project", "unit"]}
    ordering = ["due_on", "assignment__project__number"]


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdminMixin, SpreadsheetAdminMixin, PortalModelAdmin):
    """Measurable targets of every plan."""

    resource_classes = [IndicatorResource]

    list_display = ["name", "target_value", "unit_of_measure", "assignment"]
    list_filter = ["assignment__project__campaign"]
    list_select_related = ["assignment__project", "assignment__unit"]
    search_fields = ["name", "assignment__unit__name", "assignment__project__title"]
    autocomplete_fields = ["assignment"]
    related_select_related = {"assignment": ["project", "unit"]}
