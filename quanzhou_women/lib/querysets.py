"""Querysets that know what a user may see and change (NetBox's ``RestrictedQuerySet`` pattern).

Each model of the portal that holds campaign data has a queryset with ``restrict(user, action)``;
the admin, the portal's pages, exports, imports, history and downloads all read through it, and the
services check writes through it. The rule of each model lives with the model (its queryset's
``restriction``); who a user is — organisation and role — comes from ``units.roles``.

A record outside a user's ``restrict(user, VIEW)`` does not exist for that user (404); one inside
it but outside ``restrict(user, CHANGE)`` is read-only (403 on a write).
"""

from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet


class Action(StrEnum):
    """What a user wants to do with a record: read it, or write it."""

    VIEW = "view"
    CHANGE = "change"


EVERYTHING = None
NOTHING = Q(pk__in=[])


class ReadOnlyError(PermissionDenied):
    """A write refused because the record is read-only for everybody, whoever asks (e.g. a record
    of a closed round, issue 12 item 6). Its text (``str(error)``) says why, in the interface
    language, and every door shows it: the admin as a message on the page, the portal as a message
    on the read-only page, an import as an error of the row. ``note`` is the longer sentence a
    read-only page shows (e.g. with the day the round closed), ``where`` names what is read-only
    (e.g. the round) for messages that must say it, ``record`` is the record refused."""

    def __init__(self, message, *, note=None, where: str = "", record=None) -> None:
        super().__init__(message)
        self.message = message
        self.note = note if note is not None else message
        self.where = where
        self.record = record

    def __str__(self) -> str:
        return str(self.message)


class RestrictedQuerySet(QuerySet):
    """A queryset that can limit itself to the records a user may see or change.

    Subclasses implement ``restriction(user, action)``: a ``Q`` over this model, ``EVERYTHING``
    (``None``) for no limit, or ``NOTHING``. Anonymous and inactive users get nothing, whatever the
    subclass says.
    """

    def restrict(self, user, action: Action = Action.VIEW) -> "RestrictedQuerySet":
        """The records of this queryset that ``user`` may ``action`` ("view" or "change"); the
        queryset itself (the same object) when the user may ``action`` every record."""
        return restrict(self, user, action)

    def restriction(self, user, action: Action) -> Q | None:
        """The condition a record must meet for ``user`` to ``action`` it; override per model."""
        raise NotImplementedError(f"{self.model.__name__} has no access rule")

    def read_only(self, obj, *, fresh: bool = True) -> ReadOnlyError | None:
        """Why ``obj`` (saved or not) is read-only for everybody, as the error a write raises, or
        ``None`` when it is not; override per model (e.g. records of a closed round). ``fresh``:
        read what decides it from the database (the writers), else as loaded with ``obj`` (pages)."""
        return None


def read_only(obj, *, fresh: bool = True) -> ReadOnlyError | None:
    """Why ``obj`` is read-only for everybody (its model queryset's ``read_only``), or ``None``:
    the one question the writers (``units.services.require_change``, ``reporting.access.require``,
    with ``fresh``) and the admin (``ScopedAdminMixin``, as loaded) ask before a write."""
    if obj is None:
        return None
    queryset = type(obj)._default_manager.all()
    return queryset.read_only(obj, fresh=fresh) if isinstance(queryset, RestrictedQuerySet) else None


def _superusers_only(user, action: Action) -> Q | None:
    """The rule of a model without one until ``units`` names its own: superusers only."""
    return EVERYTHING if user.is_superuser else NOTHING


_default_restriction: Callable[[object, Action], Q | None] = _superusers_only


def set_default_restriction(rule: Callable[[object, Action], Q | None]) -> None:
    """Make ``rule(user, action)`` the restriction of every model whose queryset has none (Django's
    users and groups, django-axes' login records …). ``units`` sets "city administrators only"."""
    global _default_restriction
    _default_restriction = rule


def restriction_of(queryset: QuerySet, user, action: Action = Action.VIEW) -> Q | None:
    """The condition a record of ``queryset``'s model must meet for ``user`` to ``action`` it:
    ``EVERYTHING``, ``NOTHING`` (always for anonymous and inactive users) or a ``Q``. The model's
    own rule (``RestrictedQuerySet.restriction``), else the default rule."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if isinstance(queryset, RestrictedQuerySet):
        return queryset.restriction(user, Action(action))
    return _default_restriction(user, Action(action))


def restrict(queryset: QuerySet, user, action: Action = Action.VIEW) -> QuerySet:
    """The records of any ``queryset`` that ``user`` may ``action``: ``queryset`` itself (the same
    object) when that is every record, an empty queryset when it is none."""
    condition = restriction_of(queryset, user, action)
    if condition is EVERYTHING:
        return queryset
    if condition is NOTHING:
        return queryset.none()
    return queryset.filter(condition)
