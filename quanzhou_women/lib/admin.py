"""The base classes of every admin page of the portal."""

from decimal import Decimal

from concurrency.admin import ConcurrentModelAdmin
from concurrency.config import CONCURRENCY_LIST_EDITABLE_POLICY_ABORT_ALL
from concurrency.exceptions import RecordModifiedError
from concurrency.fields import VersionField
from django.contrib import admin, messages
from django.contrib.admin.filters import (
    AllValuesFieldListFilter,
    FieldListFilter,
    RelatedFieldListFilter,
    RelatedOnlyFieldListFilter,
)
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, reverse_field_path, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.forms.models import BaseInlineFormSet, _get_foreign_key
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from quanzhou_women.lib.numbers import plain_number
from quanzhou_women.lib.querysets import (
    EVERYTHING,
    NOTHING,
    Action,
    ReadOnlyError,
    read_only,
    restrict,
    restriction_of,
)

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


def scoped(queryset: QuerySet, user, action: Action = Action.VIEW) -> QuerySet:
    """``queryset`` limited to what ``user`` may ``action`` (``quanzhou_women.lib.querysets.restrict``):
    the model's own rule, or the default rule for a model without one (city administrators only,
    set by ``units``). The same queryset object when the user may ``action`` every record."""
    return restrict(queryset, user, action)


def sees_every(model: type[Model], user, action: Action = Action.VIEW) -> bool:
    """Whether ``user`` may ``action`` every record of ``model`` (no filter is needed)."""
    return restriction_of(model._default_manager.all(), user, action) is EVERYTHING


def visible_pks(model: type[Model], user) -> QuerySet | None:
    """A subquery of the primary keys of ``model`` that ``user`` may view, or ``None`` when that is
    every record (so that callers add no condition and no query)."""
    if sees_every(model, user):
        return None
    return scoped(model._default_manager.all(), user).values("pk")


def read_only_for(request: HttpRequest, obj) -> ReadOnlyError | None:
    """Why ``obj`` is read-only for everybody (``querysets.read_only``: e.g. a record of a closed
    round, as loaded with ``obj``: the writers check again fresh), asked once per request and
    object; ``None`` for no object, a new one, or a writable one."""
    if obj is None or obj.pk is None:
        return None
    answers = request.__dict__.setdefault("_read_only", {})
    key = (obj._meta.label, obj.pk)
    if key not in answers:
        answers[key] = read_only(obj, fresh=False)
    return answers[key]


class ScopedHistoryMixin:
    """History pages (django-simple-history) that only read, and only what the user may see.

    - The record page (``…/history/<history_id>/``) shows the old version read-only for everybody,
      superusers included: its revert form is off and a POST is refused (403). A revert is an edit:
      make it on the change page, where scope, permissions and the services apply.
    - The history of an object, and each record of it, are shown only where the object is in the
      admin's ``get_queryset`` (restrict "view"); the history of a deleted object only to users who
      see every record of the model (the row that decided the scope is gone). Otherwise 404.
    - Malformed ids are a 404, never a 500.
    """

    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        """No revert button, for anybody."""
        return True

    def _history_pk(self, object_id: str):
        """``object_id`` as the model's primary key; 404 when it is not one."""
        return _object_id(self.model, object_id)

    def _require_history_scope(self, request: HttpRequest, pk) -> None:
        """404 unless the object ``pk`` is in the admin's queryset, or deleted and the user sees every
        record of the model."""
        if not sees_every(self.model, request.user) and not self.get_queryset(request).filter(pk=pk).exists():
            raise Http404

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str, extra_context=None):
        """One old version of the object, read-only. POST (or any other write method) is a 403."""
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        pk = self._history_pk(object_id)
        history_id = _object_id(self.model.history.model, version_id)
        self._require_history_scope(request, pk)
        request._history_read_only = True
        return super().history_form_view(request, str(pk), str(history_id), extra_context)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        """On a history record page, without the fields the admin's form declares beyond the model
        (e.g. a project's units) and the model's fields the history does not hold (an assignment's
        version): their values would not be this version's, and as editable choices they would
        list every record of their model."""
        fieldsets = super().get_fieldsets(request, obj)
        if not getattr(request, "_history_read_only", False):
            return fieldsets
        declared = set(getattr(self.form, "declared_fields", {}))
        held = {field.name for field in self.model.history.model._meta.get_fields()}
        model_fields = {field.name for field in self.model._meta.get_fields()}
        left_out = declared | (model_fields - held)  # e.g. the version, which the history does not keep
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in left_out]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        """On a history record page, every field of the model is read-only."""
        fields = super().get_readonly_fields(request, obj)
        if getattr(request, "_history_read_only", False):
            names = [
                field.name
                for field in self.model._meta.get_fields()
                if (field.concrete or field.many_to_many) and not field.auto_created
            ]
            fields = [*fields, *(name for name in names if name not in fields)]
        return fields


def history_value(value: object) -> object:
    """A value of a history diff as people read it: "（空）" for nothing (``None``, ""), 是/否 for a
    boolean, a number without needless decimals; other values as they are."""
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return plain_number(value)
    return value


class ChineseHistoryContextHelper(HistoricalRecordContextHelper):
    """django-simple-history's diff of two records, with its values through ``history_value``."""

    def prepare_delta_change_value(self, change, value):
        """The value simple-history prepares, then ``history_value`` (each item of a list)."""
        prepared = super().prepare_delta_change_value(change, value)
        if isinstance(prepared, list):
            return [history_value(item) for item in prepared]
        return history_value(prepared)


def _chinese_colon(item):
    """One item of Django's list of what a deletion takes ("步骤: <a …>1. 调研</a>", or a nested
    list of them), with the colon after the model's name in Chinese ("步骤：…")."""
    if isinstance(item, list):
        return [_chinese_colon(inner) for inner in item]
    text = str(item).replace(": ", "：", 1)
    return mark_safe(text) if isinstance(item, SafeData) else text


class ChineseDeletionMixin:
    """An admin whose deletion pages list what goes with a Chinese colon: Django writes
    "model: object" in code (``django.contrib.admin.utils.get_deleted_objects``), not a catalogue."""

    def get_deleted_objects(self, objs, request):
        """Django's deleted objects, model counts, permissions needed and protected objects, with
        the listed objects through ``_chinese_colon``."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        return _chinese_colon(to_delete), model_count, perms_needed, _chinese_colon(list(protected))


class VersionFieldMixin:
    """An admin whose django-concurrency version field speaks the active language: labelled
    "版本" in a form (its label would be the attribute name, "Version"), and left out of a page
    where it is read-only (a user who may only view, a locked record): it is the lock of a form,
    nothing a reader needs."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Django's form field; a version field with a translated label and help text."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, VersionField) and formfield is not None:
            formfield.label, formfield.help_text = _("version"), _("record revision number")
        return formfield

    def get_fieldsets(self, request: HttpRequest, obj=None):
        """The fieldsets, without a version field that the page would show read-only."""
        fieldsets = super().get_fieldsets(request, obj)
        versions = {f.name for f in self.model._meta.concrete_fields if isinstance(f, VersionField)}
        read_only = obj is not None and not self.has_change_permission(request, obj)
        if not versions or not (read_only or versions & set(self.get_readonly_fields(request, obj))):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in versions]})
            for name, options in fieldsets
        ]


class PortalModelAdmin(VersionFieldMixin, ScopedHistoryMixin, SimpleHistoryAdmin):
    """An admin whose pages keep every change in a history (django-simple-history).

    - ``list_select_related`` applies to every page, not only the list, so that the change and
      history pages name their object without extra queries.
    - ``related_select_related`` maps a foreign key to the relations its widget needs to name the
      chosen object, e.g. ``{"assignment": ["project", "unit"]}``.
    - ``related_histories`` lists ``(model, field)`` pairs whose changes also show on this object's
      history page, e.g. the steps of an assignment: ``((Milestone, "assignment"),)``; the newest
      ``RELATED_HISTORY_LIMIT`` of them, newest first, of the parts the user may view (a deleted
      part only to users who see every record of its model).
    - History is read-only and scoped (``ScopedHistoryMixin``).
    """

    related_select_related: dict[str, list[str]] = {}
    related_histories: tuple[tuple[type[Model], str], ...] = ()

    def get_historical_record_context_helper(self, request, historical_record):
        """The diff helper whose values read in Chinese (``ChineseHistoryContextHelper``)."""
        return ChineseHistoryContextHelper(self.model, historical_record)

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
        """The object's history and that of its parts; 404 for a malformed id or an object the user
        may not see."""
        pk = self._history_pk(object_id)
        self._require_history_scope(request, pk)
        related = []
        for model, field in self.related_histories:
            records = model.history.filter(**{f"{field}_id": pk})
            visible = visible_pks(model, request.user)
            if visible is not None:
                records = records.filter(**{f"{model._meta.pk.attname}__in": visible})
            related += records.select_related("history_user").order_by("-history_date")[
                :RELATED_HISTORY_LIMIT
            ]
        for record in related:
            record.part_name = record.instance_type._meta.verbose_name
        related.sort(key=lambda record: record.history_date, reverse=True)
        context = {"related_history": related[:RELATED_HISTORY_LIMIT], **(extra_context or {})}
        return super().history_view(request, str(pk), context)


class ConflictRefusingAdmin(VersionFieldMixin, ConcurrentModelAdmin):
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


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A related filter (``"campaign"``, ``"liaison_departments"`` …) offering only the related
    records the user may view."""

    def field_choices(self, field, request: HttpRequest, model_admin):
        visible = visible_pks(field.related_model, request.user)
        if visible is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to=Q(pk__in=visible), ordering=ordering)


class ScopedRelatedOnlyFieldListFilter(RelatedOnlyFieldListFilter):
    """``RelatedOnlyFieldListFilter`` (the related records of the listed rows) limited, in addition,
    to the related records the user may view: a visible project names only the visible units."""

    def field_choices(self, field, request: HttpRequest, model_admin):
        visible = visible_pks(field.related_model, request.user)
        if visible is None:
            return super().field_choices(field, request, model_admin)
        listed = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, limit_choices_to=Q(pk__in=listed) & Q(pk__in=visible), ordering=ordering
        )


class ScopedAllValuesFieldListFilter(AllValuesFieldListFilter):
    """A filter on a plain field of a related model (``"period__name"``): the values of the
    related records the user may view (Django's takes every record's)."""

    def __init__(self, field, request, params, model, model_admin, field_path) -> None:
        super().__init__(field, request, params, model, model_admin, field_path)
        parent_model, _path = reverse_field_path(model, field_path)
        if parent_model is not model:
            self.lookup_choices = (
                scoped(parent_model._default_manager.all(), request.user)
                .distinct()
                .order_by(field.name)
                .values_list(field.name, flat=True)
            )


SCOPED_FILTERS = {
    RelatedFieldListFilter: ScopedRelatedFieldListFilter,
    RelatedOnlyFieldListFilter: ScopedRelatedOnlyFieldListFilter,
    AllValuesFieldListFilter: ScopedAllValuesFieldListFilter,
}


def scoped_list_filter(model: type[Model], entry):
    """``entry`` of a ``list_filter`` with Django's related and all-values filters replaced by their
    scoped versions; other entries (choices, booleans, dates, custom filters) as they are."""
    if isinstance(entry, str):
        path, chosen = entry, None
    elif isinstance(entry, tuple) and isinstance(entry[1], type) and issubclass(entry[1], FieldListFilter):
        path, chosen = entry
    else:
        return entry
    if chosen is None:
        try:
            field = get_fields_from_path(model, path)[-1]
        except (FieldDoesNotExist, NotRelationField):  # Django's system checks report bad paths
            return entry
        chosen = next((cls for test, cls in FieldListFilter._field_list_filters if test(field)), None)
    scoped_class = SCOPED_FILTERS.get(chosen)
    return (path, scoped_class) if scoped_class else entry


class ScopedChoicesMixin:
    """Foreign-key and many-to-many form fields offer only the records the user may view (the
    related model's restrict "view"), plus the values the edited object holds now, so that a form
    of an existing object still validates its current value."""

    def _current_choices(self, request: HttpRequest, db_field):
        """The primary keys the edited object(s) hold in ``db_field`` now: a list, a subquery or
        ``None`` (nothing to keep)."""
        return None

    def _scoped_formfield(self, request: HttpRequest, db_field, formfield):
        if formfield is None or getattr(formfield, "queryset", None) is None:
            return formfield
        queryset = formfield.queryset
        limited = scoped(queryset, request.user)
        if limited is queryset:
            return formfield
        condition = Q(pk__in=limited.values("pk"))
        kept = self._current_choices(request, db_field)
        if kept is not None:
            condition |= Q(pk__in=kept)
        formfield.queryset = queryset.filter(condition)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._scoped_formfield(request, db_field, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._scoped_formfield(request, db_field, formfield)


class ScopedInlineMixin(ScopedChoicesMixin):
    """An inline whose rows are those the user may view (the inline model's restrict "view"); a
    model without a rule of its own (a report's step states, its transitions) is a part of its
    parent and shown where the parent is. Its choices are scoped (``ScopedChoicesMixin``)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if hasattr(queryset, "restrict"):
            queryset = scoped(queryset, request.user)
        return queryset

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        request.__dict__.setdefault("_scoped_parents", {})[id(self)] = obj
        return super().get_formset(request, obj, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        """No rows added under a parent that is read-only for everybody (a closed round)."""
        return read_only_for(request, obj) is None and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        """No rows changed under a parent that is read-only for everybody (a closed round)."""
        return read_only_for(request, obj) is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        """No rows deleted under a parent that is read-only for everybody (a closed round)."""
        return read_only_for(request, obj) is None and super().has_delete_permission(request, obj)

    def _current_choices(self, request: HttpRequest, db_field):
        parent = request.__dict__.get("_scoped_parents", {}).get(id(self))
        if parent is None or parent.pk is None or db_field.many_to_many:
            return None
        fk = _get_foreign_key(self.parent_model, self.model, fk_name=self.fk_name)
        return self.get_queryset(request).filter(**{fk.name: parent}).values(db_field.attname)


_scoped_inline_classes: dict[type, type] = {}


def scoped_inline(inline_class: type) -> type:
    """``inline_class`` with ``ScopedInlineMixin`` in front (made once per class)."""
    if issubclass(inline_class, ScopedInlineMixin):
        return inline_class
    if inline_class not in _scoped_inline_classes:
        _scoped_inline_classes[inline_class] = type(
            inline_class.__name__,
            (ScopedInlineMixin, inline_class),
            {"__module__": inline_class.__module__, "__doc__": inline_class.__doc__},
        )
    return _scoped_inline_classes[inline_class]


class ScopedAdminMixin(ScopedChoicesMixin):
    """Admin mixin: every page of the admin shows only the user's scope.

    The portal's admin site (``quanzhou_women.lib.admin_site.PortalAdminSite``) puts it in front of
    every registered admin, the portal's and third parties' (users, groups, django-axes), so that a
    new admin is scoped by itself. Scope is the model's ``restrict`` (``quanzhou_women.lib.querysets``);
    a model without a rule is for city administrators only.

    - Lists, change pages, exports (``get_export_queryset`` reads ``get_queryset``), history and
      autocompletes (the target admin's ``get_queryset``) read ``restrict(user, "view")``: a record
      outside it does not exist for that user's admin (404, or the admin's "does not exist").
    - A record outside ``restrict(user, "change")`` is read-only; a model whose view (change) scope is
      empty for the user is not offered at all (403).
    - Inlines show only the rows the user may view (``ScopedInlineMixin``); filter sidebars and
      form choices offer only visible related records (``scoped_list_filter``, ``ScopedChoicesMixin``).
    - A record read-only for everybody (``querysets.read_only``: a record of a closed round) is
      read-only for superusers too, and so are its inlines; its change page says why (the error's
      ``note``, e.g. “该轮次已于…结束，只能查看。”); a POST to its change page, its delete page or a
      bulk delete that selects it is refused with the error's text, nothing written.
    """

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        """Django's lookup, the object remembered for the request (``_read_only_object``)."""
        obj = super().get_object(request, object_id, from_field)
        request.__dict__.setdefault("_admin_objects", {})[(id(self), object_id)] = obj
        return obj

    def _read_only_object(self, request: HttpRequest, object_id):
        """The refusal of writes to the object ``object_id`` of this admin (if the user sees it)."""
        if object_id is None:
            return None
        key = (id(self), unquote(str(object_id)))
        objects = request.__dict__.get("_admin_objects", {})
        obj = objects[key] if key in objects else self.get_object(request, key[1])
        return read_only_for(request, obj) if obj is not None else None

    def render_change_form(
        self, request: HttpRequest, context, add=False, change=False, form_url="", obj=None
    ):
        """The change page; of a read-only object with the note why (e.g. “该轮次已于…结束，只能查看。”)."""
        refusal = read_only_for(request, obj)
        if refusal is not None:
            messages.warning(request, str(refusal.note))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        """A POST to a read-only object's page is refused with the message, nothing written."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied:
            refusal = self._read_only_object(request, object_id)
            if refusal is None or request.method in ("GET", "HEAD"):
                raise
            messages.error(request, str(refusal))
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id, extra_context=None):
        """A read-only object is not deleted: back to its page with the message."""
        refusal = self._read_only_object(request, object_id)
        if refusal is not None:
            messages.error(request, str(refusal))
            opts = self.model._meta
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change",
                args=[object_id],
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """A bulk delete that selects a read-only object is refused with the message (the list's
        other actions, e.g. the export, read only; its edits go through the services)."""
        if request.method == "POST" and request.POST.get("action") == "delete_selected":
            selected = []
            for text in request.POST.getlist(ACTION_CHECKBOX_NAME)[:1000]:
                try:
                    selected.append(_object_id(self.model, text))
                except Http404:  # not an id: Django's action answers it
                    continue
            for obj in self.get_queryset(request).filter(pk__in=selected):
                refusal = read_only_for(request, obj)
                if refusal is not None:
                    messages.error(request, f"{obj}：{refusal}")
                    return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scoped(super().get_queryset(request), request.user)

    def _scope_is_empty(self, request: HttpRequest, action: Action) -> bool:
        """Whether the user may ``action`` no record of the model at all; asked once per request."""
        answers = request.__dict__.setdefault("_scope_is_empty", {})
        key = (self.model._meta.label, action)
        if key not in answers:
            answers[key] = restriction_of(self.model._default_manager.all(), request.user, action) is NOTHING
        return answers[key]

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) and not self._scope_is_empty(request, Action.VIEW)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not self._scope_is_empty(request, Action.CHANGE)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_import_permission(self, request: HttpRequest) -> bool:
        """(Spreadsheet admins only.) An import changes records: none for a user who may change none."""
        return super().has_import_permission(request) and not self._scope_is_empty(request, Action.CHANGE)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def _may_change(self, request: HttpRequest, obj) -> bool:
        """Whether ``obj`` (``None``: some record) is in the user's change scope; asked once per
        request and object."""
        if obj is None or obj.pk is None:
            return not self._scope_is_empty(request, Action.CHANGE)
        if read_only_for(request, obj) is not None:  # e.g. a closed round: superusers too
            return False
        if request.user.is_active and request.user.is_superuser:
            return True
        answers = request.__dict__.setdefault("_may_change", {})
        key = (obj._meta.label, obj.pk)
        if key not in answers:
            manager = type(obj)._default_manager
            answers[key] = scoped(manager.filter(pk=obj.pk), request.user, Action.CHANGE).exists()
        return answers[key]

    def get_list_filter(self, request: HttpRequest):
        return [scoped_list_filter(self.model, entry) for entry in super().get_list_filter(request)]

    def get_inlines(self, request: HttpRequest, obj):
        return [scoped_inline(inline) for inline in super().get_inlines(request, obj)]

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        request.__dict__.setdefault("_scoped_objects", {})[id(self)] = obj
        return super().get_form(request, obj, **kwargs)

    def _current_choices(self, request: HttpRequest, db_field):
        obj = request.__dict__.get("_scoped_objects", {}).get(id(self))
        if obj is None or obj.pk is None:
            return None
        if db_field.many_to_many:
            return getattr(obj, db_field.name).values("pk")
        value = getattr(obj, db_field.attname, None)
        return None if value is None else [value]
