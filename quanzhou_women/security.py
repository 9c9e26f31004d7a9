"""Login throttling glue for django-axes (the client's address behind nginx, the backend) and passwords.

The rule (5 failed logins for one user name from one address lock that pair out for 15 minutes)
is configured in ``settings.py``; django-axes counts the failures in the database, so every app
server sees the same count.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import password_validation
from django.http import HttpRequest
from django.utils.translation import ngettext


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person logging in.

    It is ``X-Real-IP`` when the request comes from one of ``settings.TRUSTED_PROXIES`` (nginx sets
    that header and overwrites the client's own), else the socket's peer address. A client cannot
    choose its address by sending the header itself.
    """
    peer = request.META.get("REMOTE_ADDR")
    if peer in settings.TRUSTED_PROXIES:
        return request.META.get("HTTP_X_REAL_IP", "").strip() or peer
    return peer


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, skipped for logins that come with no request.

    Every login through the web (the admin's and the portal's login pages) passes the request and
    is throttled. Code that authenticates without one (``Client.login`` in tests, a shell) has no
    client address to count, so it is left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Raise ``AxesBackendPermissionDenied`` if this user name and address are locked out."""
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum password length, with its message in Chinese.

    Django 5.2 changed this message's wording but not its Chinese catalogue, so users saw English;
    this keeps the wording Django's catalogue translates (密码长度太短……).
    """

    def get_error_message(self) -> str:
        """The refusal for a password shorter than ``min_length`` characters."""
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
