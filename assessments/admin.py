"""Admin of the 考评细则 for city administrators (issue 14, item 1).

The scheme page holds the weights, the feature-project points, the bonus cap and the dates, with
its elements (the six of 争六好 by default) and criteria inline; the action 「下达」 issues it
(``services.scheme_issue``), after which the page is read-only. The criteria's own list imports
and exports the spreadsheet of ``resources.CriterionResource``. Every save goes through
``assessments.services``; the units fill their 自评 in the portal, not here.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from assessments import services
from assessments.models import AssessmentScheme, Criterion, CriterionGroup
from assessments.resources import CriterionResource
from quanzhou_women.lib.admin import PortalModelAdmin, PortalTabularInline, ScopedAdminMixin
from quanzhou_women.lib.admin_writes import ServiceErrorsAdminMixin
from quanzhou_women.lib.importing import SpreadsheetAdminMixin


def _issued(obj) -> bool:
    scheme = obj if isinstance(obj, AssessmentScheme) else getattr(obj, "scheme", None)
    return scheme is not None and scheme.pk is not None and scheme.is_issued


class SchemePartInline(PortalTabularInline):
    """Elements or criteria of the scheme: read-only once it is issued."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return not _issued(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not _issued(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not _issued(obj) and super().has_delete_permission(request, obj)


class CriterionGroupInline(SchemePartInline):
    model = CriterionGroup
    fields = ["order", "name"]


class CriterionInline(SchemePartInline):
    model = Criterion
    fields = ["group", "order", "title", "points", "description", "evidence_expected"]
    select_related = ("group",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """An element of this scheme only (none on a new scheme: save it first)."""
        if db_field.name == "group":
            scheme_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = CriterionGroup.objects.filter(
                scheme_id=int(scheme_id) if str(scheme_id or "").isdigit() else None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(ServiceErrorsAdminMixin, ScopedAdminMixin, PortalModelAdmin):
    """One 考评细则 per round: weights, feature-project points, bonus cap, dates; elements and
    criteria inline. Saved through ``services.scheme_save`` / ``group_save`` / ``criterion_save``;
    issued by the action 「下达」; read-only once issued."""

    list_display = [
        "campaign",
        "issued_on",
        "self_assessment_due_on",
        "weight_self",
        "weight_ordinary",
        "weight_inspection",
    ]
    list_select_related = ["campaign"]
    autocomplete_fields = ["campaign"]
    readonly_fields = ["issued_at", "issued_by"]
    fieldsets = [
        (None, {"fields": ["campaign", "issued_on", "self_assessment_due_on", "issued_at", "issued_by"]}),
        (
            _("Weights and points"),
            {
                "fields": [
                    "weight_self",
                    "weight_ordinary",
                    "weight_inspection",
                    "feature_points",
                    "bonus_cap",
                ]
            },
        ),
    ]
    inlines = [CriterionGroupInline, CriterionInline]
    actions = ["issue"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not _issued(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not _issued(obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "campaign"] if obj is not None and obj.pk else fields

    def get_inlines(self, request: HttpRequest, obj=None):
        """No inlines on the add page: saving makes the six elements, then criteria can be added."""
        return self.inlines if obj is not None and obj.pk else []

    def save_model(self, request: HttpRequest, obj: AssessmentScheme, form, change: bool) -> None:
        services.scheme_save(actor=request.user, scheme=obj)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        """Each element or criterion through its service; deleted ones through ``part_delete``."""
        writer = services.group_save if formset.model is CriterionGroup else services.criterion_save
        keyword = "group" if formset.model is CriterionGroup else "criterion"
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not hasattr(inline_form, "cleaned_data") or not inline_form.has_changed():
                continue
            obj = inline_form.instance
            if formset.can_delete and formset._should_delete_form(inline_form):
                if obj.pk is not None:
                    services.part_delete(actor=request.user, part=obj)
                    formset.deleted_objects.append(obj)
                continue
            obj.scheme = form.instance
            new = obj.pk is None
            writer(actor=request.user, **{keyword: obj})
            if new:
                formset.new_objects.append(obj)
            else:
                formset.changed_objects.append((obj, inline_form.changed_data))

    def delete_model(self, request: HttpRequest, obj: AssessmentScheme) -> None:
        services.scheme_delete(actor=request.user, scheme=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            services.scheme_delete(actor=request.user, scheme=obj)

    @admin.action(description=_("Issue the selected schemes to the units"), permissions=["change"])
    def issue(self, request: HttpRequest, queryset: QuerySet) -> None:
        """「下达」: each selected scheme through ``services.scheme_issue`` (locks it, makes the drafts)."""
        for scheme in queryset:
            services.scheme_issue(actor=request.user, scheme=scheme)
            messages.success(
                request,
                _("%(scheme)s was issued; %(count)s units can now fill in their self-assessment.")
                % {"scheme": scheme, "count": scheme.self_assessments.count()},
            )


@admin.register(Criterion)
class CriterionAdmin(ServiceErrorsAdminMixin, ScopedAdminMixin, SpreadsheetAdminMixin, PortalModelAdmin):
    """The criteria of every scheme, for the spreadsheet import and export (考评要素 | 序号 | 考评内容 |
    分值 | 评分说明 | 佐证材料); each row through ``services.criterion_save``."""

    resource_classes = [CriterionResource]
    list_display = ["order", "title", "group", "points", "scheme"]
    list_display_links = ["order", "title"]
    list_filter = ["scheme"]
    list_select_related = ["scheme__campaign", "group"]
    search_fields = ["title", "description"]
    ordering = ["scheme", "order"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not _issued(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not _issued(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Only unissued schemes take new criteria."""
        if db_field.name == "scheme":
            kwargs["queryset"] = AssessmentScheme.objects.filter(issued_at__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Criterion, form, change: bool) -> None:
        services.criterion_save(actor=request.user, criterion=obj)

    def delete_model(self, request: HttpRequest, obj: Criterion) -> None:
        services.part_delete(actor=request.user, part=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            services.part_delete(actor=request.user, part=obj)
