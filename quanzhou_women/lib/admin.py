"""The base classes of every admin page of the portal."""

from concurrency.admin import ConcurrentModelAdmin
from concurrency.config import CONCURRENCY_LIST_EDITABLE_POLICY_ABORT_ALL
from concurrency.exceptions import RecordModifiedError
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from quanzhou_women.lib.querysets import Action

RELATED_HISTORY_LIMIT = 100


class PortalModelAdmin(SimpleHistoryAdmin):
    """An admin whose pages keep every change in a history (django-simple-history).

    - ``list_select_related`` applies to every page, not only the list, so that the change and
      history pages name their object without extra queries.
    - ``related_select_related`` maps a foreign key to the relations its widget needs to name the
      chosen object, e.g. ``{"assignment": ["project", "unit"]}``.
    - ``related_histories`` lists ``(model, field)`` pairs whose changes also show on this object's
      history page, e.g. the steps of an assignment: ``((Milestone, "assignment"),)``; the newest
      ``RELATED_HISTORY_LIMIT`` of them, newest first.
    """

    related_select_related: dict[str, list[str]] = {}
    related_histories: tuple[tuple[type[Model], str], ...] = ()

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

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        """The object's history and that of its parts; a malformed id is a 404, not a 500."""
        try:
            pk = self.model._meta.pk.to_python(object_id)
        except ValidationError as error:
            raise Http404 from error
        related = [
            record
            for model, field in self.related_histories
            for record in model.history.filter(**{f"{field}_id": pk})
            .select_related("history_user")
            .order_by("-history_date")[:RELATED_HISTORY_LIMIT]
        ]
        for record in related:
            record.part_name = record.instance_type._meta.verbose_name
        related.sort(key=lambda record: record.history_date, reverse=True)
        context = {"related_history": related[:RELATED_HISTORY_LIMIT], **(extra_context or {})}
        return super().history_view(request, str(pk), context)


class ConflictRefusingAdmin(ConcurrentModelAdmin):
    """An admin whose later of two concurrent saves is refused and said so, never dropped silently.

    django-concurrency checks the hidden ``version`` when the form is validated; a save that loses
    the race after that check (another save committed in between) raises ``RecordModifiedError`` at
    the write. django-concurrency's default swallows it there and still saves the inlines and
    answers "changed successfully" — a lost save acknowledged, found by the load script
    (``bench/load.py``). Here the error aborts the whole save (its transaction rolls back: no row,
    no inline, no history), and the user is sent back to the change page with an error message.
    """

    list_editable_policy = CONCURRENCY_LIST_EDITABLE_POLICY_ABORT_ALL  # save_model re-raises

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            messages.error(
                request,
                _(
                    "Somebody else saved this record after you opened it. Your changes were not "
                    "saved: check the other changes and enter yours again."
                ),
            )
            return HttpResponseRedirect(request.get_full_path())


class VerboseUniqueInlineFormSet(BaseInlineFormSet):
    """An inline formset whose duplicate-row error names fields by their (Chinese) verbose name,
    not by their Python name, and leaves out the parent every row shares ("请修改顺序的重复数据",
    not "请修改assignment 和 order的重复数据")."""

    def get_unique_error_message(self, unique_check: tuple[str, ...]) -> str:
        names = [
            str(self.model._meta.get_field(name).verbose_name)
            for name in unique_check
            if name != self.fk.name
        ]
        return super().get_unique_error_message(names or unique_check)


class PortalTabularInline(admin.TabularInline):
    """A tabular inline that fetches ``select_related`` with its rows (they name each row) and
    explains duplicate rows in the interface language."""

    formset = VerboseUniqueInlineFormSet
    select_related: tuple[str, ...] = ()
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related(*self.select_related)


def scoped(queryset: QuerySet, user, action: Action = Action.VIEW) -> QuerySet:
    """``queryset`` limited to what ``user`` may ``action``: its ``restrict`` where the model has one
    (``quanzhou_women.lib.querysets``); a model without a rule is for superusers only."""
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, action)
    return queryset if user.is_active and user.is_superuser else queryset.none()


class ScopedAdminMixin:
    """Admin mixin: lists, change pages and autocompletes show only the user's scope.

    Put it before the ``ModelAdmin`` base class. A record outside ``restrict(user, "view")`` does
    not exist for that user's admin (404); one outside ``restrict(user, "change")`` is read-only.
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scoped(super().get_queryset(request), request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def _may_change(self, request: HttpRequest, obj) -> bool:
        """Whether ``obj`` is in the user's change scope; asked once per request and object."""
        if obj is None or obj.pk is None or (request.user.is_active and request.user.is_superuser):
            return True
        answers = request.__dict__.setdefault("_may_change", {})
        key = (obj._meta.label, obj.pk)
        if key not in answers:
            manager = type(obj)._default_manager
            answers[key] = scoped(manager.filter(pk=obj.pk), request.user, Action.CHANGE).exists()
        return answers[key]
