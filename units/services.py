"""Writes to organisations and memberships: the admin's forms and list, imports and commands go
through these functions, each with the ``actor`` whose change scope (``restrict(actor, "change")``)
it checks."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanzhou_women.lib.querysets import Action, read_only
from units.models import LINKABLE_KINDS, Membership, Organisation, ancestor_ids, below
from units.roles import Role, federation_of, is_city_admin


def validated_save(record, *, actor):
    """Validate ``record`` in full (``full_clean``: fields, constraints, ``clean``), then save it with
    ``actor`` as the author of its history record; returns it. Raises ``ValidationError``. The last
    step of every writer, after its own checks of scope, lock and version."""
    record.full_clean()
    record._history_user = actor
    record.save()
    return record


def require_change(actor, model, obj, *, issuing_body: int | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may change ``obj``: a saved row must be in
    ``model.objects.restrict(actor, "change")``; a new row of a city-administered model
    (organisation, membership, campaign, project, liaison link, assignment) needs a city
    administrator, or, for a row of a round whose issuing body is ``issuing_body`` (an
    organisation id), a federation administrator of that body (issue 13 item 3). Every writer of
    those models calls it first.

    A record read-only for everybody (``quanzhou_women.lib.querysets.read_only``: a record of a
    closed round, saved or new) raises ``ReadOnlyError`` (a ``PermissionDenied``) whose text says
    so (“该轮次已结束，只能查看。”), for city administrators and superusers too."""
    refusal = read_only(obj)
    if refusal is not None:
        raise refusal
    if obj is None or obj.pk is None:
        allowed = is_city_admin(actor) or (issuing_body is not None and federation_of(actor) == issuing_body)
    else:
        allowed = model.objects.restrict(actor, Action.CHANGE).filter(pk=obj.pk).exists()
    if not allowed:
        raise PermissionDenied


def _lock_tree_path(organisation: Organisation, parent: Organisation | None) -> None:
    """Lock (``SELECT … FOR UPDATE``) the organisation and every ancestor of its new parent, in id
    order, so that the loop check (``Organisation.clean``) then reads the path as committed.

    Two moves that could close a loop together (甲 under 乙 while 乙 goes under 甲) each lock both
    rows, in the same order, so the second waits for the first and then sees its parent. A chain
    that changed while waiting is locked again until it is stable. (SQLite has no row locks; a
    write there locks the whole database.)
    """
    locked: set[int] = set()
    while True:
        chain = ancestor_ids(parent.pk if parent is not None else None)
        wanted = set(chain) | ({organisation.pk} if organisation.pk is not None else set())
        if wanted <= locked:
            return
        list(Organisation.objects.select_for_update().filter(pk__in=wanted - locked).order_by("pk"))
        locked |= wanted


def organisation_fields(organisation: Organisation) -> dict:
    """The organisation's fields as they stand on the instance, as keyword arguments of
    ``organisation_save`` (for doors that edit an instance first: the admin form, the imports)."""
    names = ("name", "kind", "parent", "is_liaison", "display_order")
    return {name: getattr(organisation, name) for name in names}


@transaction.atomic
def organisation_save(
    *,
    actor,
    organisation: Organisation | None = None,
    name: str,
    kind: str,
    parent: Organisation | None,
    is_liaison: bool,
    display_order: int,
    linked_counties: Sequence[Organisation] | None = None,
) -> Organisation:
    """Create an organisation, or update ``organisation``, after full validation: the one writer of
    ``Organisation`` (admin form and list, both imports).

    ``actor`` must be allowed to change organisations (city administrators), else
    ``PermissionDenied``. ``kind`` is an ``Organisation.Kind`` value; ``display_order`` the official
    order (smaller first). The tree move is serialized (``_lock_tree_path``) and the loop check
    (``Organisation.clean``, the one place of that rule) runs on the locked rows.
    ``linked_counties`` (None leaves them alone) replaces the county federations a department of
    the city federation is linked with (挂钩联系, notice 泉妇〔2013〕81号: "健全完善挂钩联系").
    Raises ``ValidationError`` (e.g. a parent that would make the tree a loop, counties linked to an
    organisation that is not a department, a linked organisation that is not a county federation).
    """
    require_change(actor, Organisation, organisation)
    organisation = organisation or Organisation()
    _lock_tree_path(organisation, parent)
    organisation.name = name
    organisation.kind = kind
    organisation.parent = parent
    organisation.is_liaison = is_liaison
    organisation.display_order = display_order
    validated_save(organisation, actor=actor)
    if linked_counties is not None:
        _linked_counties_set(organisation, list(linked_counties))
    return organisation


def _linked_counties_set(department: Organisation, counties: list[Organisation]) -> None:
    """Replace the 挂钩 counties of ``department``; raises ``ValidationError`` naming what is wrong."""
    if counties and department.kind != Organisation.Kind.DEPARTMENT:
        raise ValidationError(
            {"linked_counties": _("Only a department of the city federation is linked with counties.")}
        )
    not_counties = [c.name for c in counties if c.kind not in LINKABLE_KINDS]
    if not_counties:
        raise ValidationError(
            {
                "linked_counties": _("“%(names)s” is not a county-level women's federation.")
                % {"names": "、".join(not_counties)}
            }
        )
    department.linked_counties.set(counties)


@transaction.atomic
def membership_save(
    *,
    actor,
    membership: Membership | None = None,
    user,
    organisation: Organisation,
    role: str,
) -> Membership:
    """Give ``user`` their organisation and role (``Membership``): the one writer of memberships
    (the membership admin and the user page's inline). City administrators, and a federation
    administrator for the organisations below its federation with the roles ``reporter`` and
    ``federation_admin`` (issue 13 item 3; ``PermissionDenied`` otherwise); raises
    ``ValidationError``, e.g. for liaison staff outside a liaison department."""
    federation = federation_of(actor)
    if federation is None or membership is not None:
        require_change(actor, Membership, membership)  # a new one is checked below
    if federation is not None:
        if role not in {Role.REPORTER, Role.FEDERATION_ADMIN}:
            raise ValidationError(
                {
                    "role": _(
                        "A federation administrator can only give the roles of reporter or "
                        "federation administrator."
                    )
                }
            )
        if not Organisation.objects.filter(below(federation), pk=organisation.pk).exists():
            raise ValidationError(
                {"organisation": _("“%(name)s” is not below your federation.") % {"name": organisation.name}}
            )
    membership = membership or Membership()
    membership.user = user
    membership.organisation = organisation
    membership.role = role
    return validated_save(membership, actor=actor)


@transaction.atomic
def record_delete(*, actor, record) -> None:
    """Delete one organisation or membership in the actor's change scope (``PermissionDenied``
    otherwise); a protected organisation (still carrying projects) raises ``ProtectedError``."""
    require_change(actor, type(record), record)
    record._history_user = actor
    record.delete()


#: The apps whose permissions a federation administrator may hand on to a new federation
#: administrator (never Django's users, groups or anything else).
PORTAL_APPS = ("units", "projects", "reporting", "assessments")


@transaction.atomic
def federation_user_add(
    *,
    actor,
    username: str,
    full_name: str,
    password: str,
    organisation: Organisation,
    role: str,
):
    """A new user of ``organisation`` with ``role``, added by the federation administrator
    ``actor`` for an organisation below its federation (issue 13 item 3: a federation
    administrator "manages … users below it"); returns the user.

    ``role`` is ``reporter`` (not staff, no permissions) or ``federation_admin`` (staff, with the
    permissions ``actor`` itself holds on the portal's apps, ``PORTAL_APPS``: never more than the
    actor, never Django's users or groups, never a superuser). ``full_name`` goes to
    ``first_name`` (Chinese names are written whole). The membership is written by
    ``membership_save``, which checks the organisation (below the actor's federation) and the role;
    the password by Django's validators (``AUTH_PASSWORD_VALIDATORS``). Raises
    ``PermissionDenied`` unless ``actor`` is a federation administrator, ``ValidationError``
    (keyed by ``username``, ``password``, ``organisation`` or ``role``) for anything refused;
    nothing is written then. City administrators add users in the Django user admin.
    """
    from django.contrib.auth import get_user_model, password_validation
    from django.contrib.auth.models import Permission

    if federation_of(actor) is None:
        raise PermissionDenied
    if role not in {Role.REPORTER, Role.FEDERATION_ADMIN}:
        raise ValidationError(
            {
                "role": _(
                    "A federation administrator can only give the roles of reporter or "
                    "federation administrator."
                )
            }
        )
    user_model = get_user_model()
    username = (username or "").strip()
    user = user_model(username=username, first_name=(full_name or "").strip()[:150])
    user.is_staff = role == Role.FEDERATION_ADMIN
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise ValidationError({"username": error.message_dict.get("username", error.messages)}) from error
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    membership_save(actor=actor, user=user, organisation=organisation, role=role)
    if role == Role.FEDERATION_ADMIN:
        granted = Permission.objects.filter(
            content_type__app_label__in=PORTAL_APPS, pk__in=actor.user_permissions.values("pk")
        ) | Permission.objects.filter(content_type__app_label__in=PORTAL_APPS, group__user=actor)
        user.user_permissions.set(granted.distinct())
    return user
