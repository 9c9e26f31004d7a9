"""Admin of organisations for city staff: the tree, the kinds and the official order."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from quanzhou_women.lib.importing import SpreadsheetAdminMixin
from units.models import Organisation
from units.resources import DepartmentResource, OrganisationResource


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetAdminMixin, SimpleHistoryAdmin):
    """Organisations in official order; the counts show each body's load in the campaign."""

    resource_classes = [OrganisationResource, DepartmentResource]

    list_display = [
        "name",
        "kind",
        "parent",
        "is_liaison",
        "display_order",
        "assignment_count",
        "followed_project_count",
    ]
    list_display_links = ["name"]
    list_editable = ["display_order"]
    list_filter = ["kind", "is_liaison"]
    list_select_related = ["parent"]
    search_fields = ["name", "parent__name"]
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "parent"]}),
        (_("Role in the campaign"), {"fields": ["is_liaison", "display_order"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        """Count carried and followed projects in the list's one query."""
        return (
            super()
            .get_queryset(request)
            .annotate(
                assignment_total=Count("assignments", distinct=True),
                followed_total=Count("followed_projects", distinct=True),
            )
        )

    @admin.display(description=_("responsible for"), ordering="assignment_total")
    def assignment_count(self, obj: Organisation) -> int:
        """Number of feature projects the body is responsible for."""
        return obj.assignment_total

    @admin.display(description=_("liaison for"), ordering="followed_total")
    def followed_project_count(self, obj: Organisation) -> int:
        """Number of feature projects the body follows as liaison department."""
        return obj.followed_total
