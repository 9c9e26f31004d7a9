"""Template context for every page: the user's role and unread notifications, for the menu."""

from functools import cache

from django.http import HttpRequest

from reporting import access
from reporting.models import Notification


def portal(request: HttpRequest) -> dict:
    """``portal_role`` (a ``Membership.Role`` or ``None``), ``portal_membership`` (with its
    organisation, or ``None``) and ``unread_notifications`` (a count).

    Both are callables, which templates call only when they use them: admin pages pay no query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "portal_role": cache(lambda: access.role_of(user)),
        "portal_membership": cache(lambda: access.membership_of(user)),
        "unread_notifications": cache(
            lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        ),
    }
