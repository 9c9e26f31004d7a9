"""Querysets that know what a user may see and change (NetBox's ``RestrictedQuerySet`` pattern).

Each model of the portal that holds campaign data has a queryset with ``restrict(user, action)``;
the admin, the portal's pages, exports, imports, history and downloads all read through it, and the
services check writes through it. The rule of each model lives with the model (its queryset's
``restriction``); who a user is — organisation and role — comes from ``units.roles``.

A record outside a user's ``restrict(user, VIEW)`` does not exist for that user (404); one inside
it but outside ``restrict(user, CHANGE)`` is read-only (403 on a write).
"""

from enum import StrEnum

from django.db.models import Q, QuerySet


class Action(StrEnum):
    """What a user wants to do with a record: read it, or write it."""

    VIEW = "view"
    CHANGE = "change"


EVERYTHING = None
NOTHING = Q(pk__in=[])


class RestrictedQuerySet(QuerySet):
    """A queryset that can limit itself to the records a user may see or change.

    Subclasses implement ``restriction(user, action)``: a ``Q`` over this model, ``EVERYTHING``
    (``None``) for no limit, or ``NOTHING``. Anonymous and inactive users get nothing, whatever the
    subclass says.
    """

    def restrict(self, user, action: Action = Action.VIEW) -> "RestrictedQuerySet":
        """The records of this queryset that ``user`` may ``action`` ("view" or "change")."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        condition = self.restriction(user, Action(action))
        if condition is EVERYTHING:
            return self
        return self.filter(condition)

    def restriction(self, user, action: Action) -> Q | None:
        """The condition a record must meet for ``user`` to ``action`` it; override per model."""
        raise NotImplementedError(f"{self.model.__name__} has no access rule")
