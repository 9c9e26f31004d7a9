"""Who a user is in the campaign: their membership (one organisation, one role) and what that role
reads and writes in general. Each model's queryset (``restrict``) builds its rule on these.

Roles (``Membership.Role``; the roles of the 2014 campaign, notice 泉妇〔2013〕81号):

- city administrator (a superuser, or role ``city_admin``): sees and changes everything;
- leader: sees everything, changes nothing;
- liaison department staff: the projects their department follows;
- responsible-unit reporter: their own organisation's assignments, plans and reports — in any
  round that names it, the city's or a county's (a township reporter reports to its county);
- federation administrator (role ``federation_admin``, 本级妇联管理员; issue 13 items 2 and 3,
  "一级带着一级干"): a member of a county (zone, township) federation who runs the rounds that
  federation issues for the level below it;
- anybody else (no membership, inactive, anonymous): nothing.

Rounds at every level and scope by subtree (issue 13). A round (``projects.Campaign``) belongs to
its ``issuing_body``. The *subtree* of an organisation is the organisation and every one below it
(``units.models.subtree``). A federation administrator of federation F

- reads every record whose responsible unit or issuing body lies in F's subtree (so also F's own
  assignments in the city's round, read-only) and the memberships of F's subtree;
- changes the rounds F issues, while open: the campaign (``issuing_body`` = F), its projects,
  which units carry them (only units of F's subtree below F), the assignments' records; and
  the memberships of the organisations below F (never city administrators or leaders);
- is the liaison of F's own rounds. The rule, the simplest honest one: **in a round issued by a
  federation other than the city's, the issuing federation is the liaison body**; its
  federation administrators confirm the plans and review the reports (``reporting.access.can``),
  as the city's departments do for the city's round. Such a round's projects name no liaison
  departments: those are the city federation's 部室 (``projects.services.feature_project_save``).

The city's roles keep their scope: city administrators and leaders see every round, the city's
liaison staff their departments' projects (and their linked counties, 挂钩联系).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from units.models import Membership

User = AbstractBaseUser | AnonymousUser
Role = Membership.Role


def membership_of(user: User) -> Membership | None:
    """The user's membership, or ``None`` (anonymous, inactive, or no organisation). Cached on the user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_membership_cache"):
        user._membership_cache = Membership.objects.select_related("organisation").filter(user=user).first()
    return user._membership_cache


def role_of(user: User) -> Role | None:
    """The user's role; a superuser without a membership is a city administrator."""
    membership = membership_of(user)
    if membership is not None:
        return Role(membership.role)
    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        return Role.CITY_ADMIN
    return None


def is_city_admin(user: User) -> bool:
    """Superusers and users with the city administrator role (active ones only)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or role_of(user) == Role.CITY_ADMIN


def federation_of(user: User) -> int | None:
    """The id of the federation a federation administrator runs (their organisation), or ``None``
    for every other user (a superuser is a city administrator, whatever their membership)."""
    if user is not None and user.is_authenticated and user.is_superuser:
        return None
    membership = membership_of(user)
    if membership is not None and membership.role == Role.FEDERATION_ADMIN:
        return membership.organisation_id
    return None


def sees_everything(user: User) -> bool:
    """City administrators and leaders read every record."""
    return is_city_admin(user) or role_of(user) == Role.LEADER
