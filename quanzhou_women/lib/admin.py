"""The base classes of every admin page of the portal."""

from concurrency.admin import ConcurrentModelAdmin
from concurrency.config import CONCURRENCY_LIST_EDITABLE_POLICY_ABORT_ALL
from concurrency.exceptions import RecordModifiedError
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

RELATED_HISTORY_LIMIT = 100


#: The range of a 64-bit database integer; an id outside it is no row (SQLite cannot even compare it).
_ID_RANGE = range(-(2**63), 2**63)


def _object_id(model: type[Model], text: str):
    """``text`` as a primary key of ``model``; ``Http404`` when it is not one (``abc``, 10**20)."""
    try:
        pk = model._meta.pk.to_python(text)
    except ValidationError as error:
        raise Http404 from error
    if isinstance(pk, int) and pk not in _ID_RANGE:
        raise Http404
    return pk


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

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """Initial values from the address (``?unit=3``), without those of a relation that name no
        possible row (``?unit=abc`` would be a 500 when the widget looks the row up)."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.related_model is None:
                continue
            values = value if isinstance(value, list) else [value]
            try:
                for one in values:
                    _object_id(field.related_model, one)
            except Http404:
                del initial[name]
        return initial

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        """The object's history and that of its parts; a malformed id is a 404, not a 500."""
        pk = _object_id(self.model, object_id)
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

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str, extra_context=None):
        """One past version of the object; an id or a version that is not a number is a 404, not a 500."""
        pk = _object_id(self.model, object_id)
        version = _object_id(self.model.history.model, version_id)
        return super().history_form_view(request, str(pk), str(version), extra_context)


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
