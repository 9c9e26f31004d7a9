"""Who a user is in the campaign: their membership (one organisation, one role) and what that role
reads and writes in general. Each model's queryset (``restrict``) builds its rule on these.

Roles (``Membership.Role``; the roles of the 2014 campaign, notice 泉妇〔2013〕81号):

- city administrator (a superuser, or role ``city_admin``): sees and changes everything;
- leader: sees everything, changes nothing;
- liaison department staff: the projects their department follows;
- responsible-unit reporter: their own organisation's assignments, plans and reports;
- anybody else (no membership, inactive, anonymous): nothing.
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


def sees_everything(user: User) -> bool:
    """City administrators and leaders read every record."""
    return is_city_admin(user) or role_of(user) == Role.LEADER
