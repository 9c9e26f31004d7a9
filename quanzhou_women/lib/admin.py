"""The base of every admin of the portal."""

from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin


class PortalModelAdmin(SimpleHistoryAdmin):
    """An admin whose pages keep every change in a history (django-simple-history).

    ``list_select_related`` applies to every page of the admin, not only the list, so that the
    change and history pages name their object without extra queries.
    ``related_select_related`` maps a foreign key to the relations its widget needs to name the
    chosen object, e.g. ``{"assignment": ["project", "unit"]}``.
    """

    related_select_related: dict[str, list[str]] = {}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if self.list_select_related and self.list_select_related is not True:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = self.related_select_related.get(db_field.name)
        if related:
            kwargs["queryset"] = db_field.remote_field.model._default_manager.select_related(*related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
