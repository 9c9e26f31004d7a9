"""Admin of feature projects, in Chinese, for city staff (campaigns and the 四定 plans, whose
saves make reporting periods and respect the plan's lock, are registered in ``reporting/admin.py``).

Lists answer the questions staff ask: "which projects does 晋江市妇联 carry?" (filter or search
by responsible unit), "which projects does 儿童部 follow?" (filter by liaison department). Every
change is kept by django-simple-history and shown under 历史.
"""

import copy

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects import services
from projects.models import Assignment, Campaign, FeatureProject, ProjectLiaison, current_campaign, year_label
from projects.overview_table import overview_table_filename, write_overview_table
from projects.resources import FeatureProjectResource
from quanzhou_women.lib.admin import (
    PortalModelAdmin,
    PortalTabularInline,
    ScopedAdminMixin,
    scoped,
    visible_pks,
)
from quanzhou_women.lib.admin_writes import ServiceErrorsAdminMixin
from quanzhou_women.lib.importing import SpreadsheetAdminMixin
from quanzhou_women.lib.spreadsheets import XLSX_CONTENT_TYPE, content_disposition
from units.list_filters import OrganisationTreeFilter
from units.models import Organisation, below
from units.roles import federation_of


class CampaignYearFilter(admin.SimpleListFilter):
    """The round's year (``?year=2015``; ``?year=all`` every year), by default the round in
    progress (``projects.models.current_campaign``) unless the list is filtered by campaign
    otherwise (``?campaign__id__exact=``), so that a list never mixes two years' records
    of the same name unasked (issue 12 item 2). ``campaign_path`` is the lookup from the listed
    model to its campaign; subclass with ``year_filter(path)``. One query: the visible campaigns."""

    title = _("year")
    parameter_name = "year"
    campaign_path = "campaign"
    ALL = "all"

    def __init__(self, request: HttpRequest, params, model, model_admin) -> None:
        # The list already filtered by campaign another way (``?campaign__id__exact=``): no default.
        self.campaign_chosen = any(key.startswith(f"{self.campaign_path}__") for key in params)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        campaigns = list(Campaign.objects.restrict(request.user).only("pk", "year").order_by("-year"))
        current = current_campaign(campaigns)
        self.default_year = str(current.year) if current else None
        return [(str(campaign.year), year_label(campaign.year)) for campaign in campaigns]

    def value(self) -> str | None:
        """The chosen year; the current round's when none was chosen; ``None`` for every year."""
        chosen = super().value()
        if chosen == self.ALL:
            return None
        if chosen:
            return chosen
        return None if self.campaign_chosen else self.default_year

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        year = self.value()
        if year is None or not year.isdigit():
            return queryset
        return queryset.filter(**{f"{self.campaign_path}__year": int(year)})

    def choices(self, changelist):
        chosen = self.value()
        yield {
            "selected": chosen is None,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": _("All"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": chosen == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


#: How many responsible units the project list names before it gives their number.
LISTED_UNITS = 15


def year_filter(path: str) -> type[CampaignYearFilter]:
    """A ``CampaignYearFilter`` for a model whose campaign is reached through ``path`` (e.g.
    ``"assignment__project__campaign"``)."""
    return type(f"YearFilter_{path}", (CampaignYearFilter,), {"campaign_path": path})


def year_column(path: str):
    """A list column “年度” for a model whose campaign is reached through ``path`` (attributes
    joined by ``__``, selected with the list), sortable by the year."""

    @admin.display(description=_("year"), ordering=f"{path}__year")
    def year(obj) -> int:
        for name in path.split("__"):
            obj = getattr(obj, name)
        return obj.year

    return year


class AssignmentInline(PortalTabularInline):
    """The responsible units of a project, with their deadline and responsible person — read only:
    which units carry the project is set in the form above (``feature_project_save``), each unit's
    四定 on its assignment page (the change link; ``reporting.services.plan_update``)."""

    model = Assignment
    fields = [
        "unit",
        "deadline",
        "responsible_person",
        "responsible_person_position",
        "responsible_person_phone",
    ]
    readonly_fields = fields
    select_related = ("project__campaign", "unit")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class FeatureProjectAdminForm(forms.ModelForm):
    """The project's own fields, with its responsible units and liaison departments as two lists
    (the rows of ``Assignment`` and ``ProjectLiaison``, written by ``feature_project_save``)."""

    units = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.DEPARTMENT),
        required=False,
        label=_("responsible units"),
        widget=FilteredSelectMultiple(_("responsible units"), is_stacked=False),
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.liaisons(),
        label=_("liaison departments"),
        widget=FilteredSelectMultiple(_("liaison departments"), is_stacked=False),
    )

    class Meta:
        model = FeatureProject
        fields = ["campaign", "number", "title", "goal"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("units", list(self.instance.responsible_units.all()))
            self.initial.setdefault("departments", list(self.instance.liaison_departments.all()))


@admin.register(FeatureProject)
class FeatureProjectAdmin(ServiceErrorsAdminMixin, ScopedAdminMixin, SpreadsheetAdminMixin, PortalModelAdmin):
    """Feature projects in 序号 order, with units and liaison departments as printed.

    The list has a button for the official 一览表 (``overview_table_view``) besides import and export.
    """

    resource_classes = [FeatureProjectResource]
    import_export_change_list_template = "admin/projects/featureproject/change_list.html"

    list_display = [
        year_column("campaign"),
        "number",
        "title",
        "responsible_unit_names",
        "liaison_department_names",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        CampaignYearFilter,
        "liaison_departments",
        ("responsible_units", OrganisationTreeFilter),
    ]
    list_select_related = ["campaign"]
    search_fields = ["title", "goal", "responsible_units__name", "liaison_departments__name"]
    ordering = ["campaign", "number"]
    form = FeatureProjectAdminForm
    fields = ["campaign", "number", "title", "goal", "units", "departments"]
    related_histories = ((ProjectLiaison, "project"), (Assignment, "project"))
    inlines = [AssignmentInline]

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        """A federation administrator's projects name no liaison department (its federation is the
        liaison body of its rounds, ``units/roles.py``): the field is optional and empty for them;
        their units are those below their federation (``below``)."""
        form = super().get_form(request, obj, **kwargs)
        federation = federation_of(request.user)
        if federation is not None and "departments" in form.base_fields:
            # copies: the class's own fields, not the shared base's
            departments = copy.copy(form.base_fields["departments"])
            departments.required = False
            departments.queryset = departments.queryset.none()
            form.base_fields["departments"] = departments
        if federation is not None and "units" in form.base_fields:
            units = copy.copy(form.base_fields["units"])
            units.queryset = units.queryset.filter(below(federation))  # its townships, not another county's
            form.base_fields["units"] = units
        return form

    def save_model(self, request: HttpRequest, obj: FeatureProject, form, change: bool) -> None:
        """Through ``projects.services.feature_project_save``: scope, the liaison and unit rules."""
        services.feature_project_save(
            actor=request.user,
            project=obj,
            **services.feature_project_fields(obj),
            responsible_units=list(form.cleaned_data["units"]),
            liaison_departments=list(form.cleaned_data["departments"]),
        )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """Nothing more to write: the units and departments were saved with the project, the
        assignment rows are read only."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request: HttpRequest, obj: FeatureProject) -> None:
        services.record_delete(actor=request.user, record=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            services.record_delete(actor=request.user, record=obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[FeatureProject]:
        """Preload units and departments in official order: two queries for the whole list; only
        those the user may view (a reporter's project names no other unit), and the number of
        those units (``responsible_unit_count``)."""
        organisations = scoped(Organisation.objects.all(), request.user)
        carried = Assignment.objects.filter(project=OuterRef("pk"))
        visible = visible_pks(Organisation, request.user)
        if visible is not None:
            carried = carried.filter(unit__in=visible)
        count = carried.order_by().values("project").annotate(count=Count("pk")).values("count")
        return (
            super()
            .get_queryset(request)
            .annotate(responsible_unit_count=Coalesce(Subquery(count), 0))
            .prefetch_related(
                Prefetch("liaison_departments", queryset=organisations),
                Prefetch("responsible_units", queryset=organisations),
            )
        )

    def get_changelist_instance(self, request: HttpRequest):
        """The list's page preloads only the first ``LISTED_UNITS`` responsible units of each
        project (``listed_units``, what ``responsible_unit_names`` shows), not every unit: a
        province project may name 200 (issue 16). Still two queries for the page."""
        changelist = super().get_changelist_instance(request)
        organisations = scoped(Organisation.objects.all(), request.user)
        changelist.result_list = changelist.result_list.prefetch_related(None).prefetch_related(
            Prefetch("liaison_departments", queryset=organisations),
            Prefetch("responsible_units", queryset=organisations[:LISTED_UNITS], to_attr="listed_units"),
        )
        return changelist

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
        # Several bodies may issue a round that year (issue 13): the one the user means.
        latest = Campaign.objects.filter(pk__in=projects.filter(campaign__year=year).values("campaign"))
        campaign = latest.of_year_for(request.user, year) or latest.select_related("issuing_body").first()
        data = write_overview_table(
            campaign, projects.filter(campaign=campaign), scoped(Organisation.objects.all(), request.user)
        )
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition(overview_table_filename(campaign))
        return response

    @admin.display(description=_("responsible units"))
    def responsible_unit_names(self, obj: FeatureProject) -> str:
        """The responsible units, separated by 、, in official order; beyond ``LISTED_UNITS`` the
        first of them and their number (“……等200个单位”: a county's round may name every township)."""
        names = "、".join(unit.name for unit in obj.listed_units)
        if obj.responsible_unit_count <= LISTED_UNITS:
            return names
        return _("%(names)s and others, %(count)s units") % {
            "names": names,
            "count": obj.responsible_unit_count,
        }

    @admin.display(description=_("liaison departments"))
    def liaison_department_names(self, obj: FeatureProject) -> str:
        """The liaison departments, separated by 、, in official order."""
        return "、".join(department.name for department in obj.liaison_departments.all())

    @admin.display(description=_("responsible units"))
    def units(self, obj: FeatureProject) -> str:
        """The form's ``units`` shown read-only (a user who may only view): every unit's name."""
        return "、".join(unit.name for unit in obj.responsible_units.all()) if obj else ""

    @admin.display(description=_("liaison departments"))
    def departments(self, obj: FeatureProject) -> str:
        """The form's ``departments`` shown read-only: the department names."""
        return self.liaison_department_names(obj) if obj else ""
