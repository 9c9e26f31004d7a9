"""Template context for every page: the user's role and unread notifications, for the menu."""

from django.http import HttpRequest

from reporting import access
from reporting.models import Notification


def portal(request: HttpRequest) -> dict:
    """``portal_role`` (a ``Membership.Role`` or ``None``) and ``unread_notifications`` (a count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "portal_role": access.role_of(user),
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
