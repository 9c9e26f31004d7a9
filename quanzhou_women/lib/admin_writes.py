"""How the admin hands its writes to the services (``<app>/services.py``).

The admin's forms check what one form can; the services check everything once more, with the
actor: scope (``restrict(actor, "change")``), role, the plan's lock, the version and the rules that
span rows. A service that refuses after the form was valid (a rule across rows, a race, a locked
plan) raises ``ValidationError`` or ``PermissionDenied``; ``ServiceErrorsAdminMixin`` turns the
first into a message on the same page, with the whole save rolled back (the admin saves in one
transaction), and leaves the second to Django's 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _

#: Exceptions a service raises for the user (besides ``ValidationError``), registered by the apps
#: that define them (e.g. ``reporting.services.WorkflowError``); their text is shown as it is.
USER_ERRORS: list[type[Exception]] = []


def user_messages(error: Exception) -> list[str]:
    """The texts of a service's refusal, for ``messages.error``."""
    if isinstance(error, ValidationError):
        return list(error.messages)
    if isinstance(error, ProtectedError):
        names = "、".join(sorted({str(obj) for obj in error.protected_objects})[:10])
        return [_("It is still used by %(names)s and cannot be deleted.") % {"names": names}]
    return [str(error)]


class ServiceErrorsAdminMixin:
    """Admin mixin (before the ``ModelAdmin`` base): a service's ``ValidationError`` (or a
    registered user error, or a ``ProtectedError`` on delete) during a save or delete rolls the
    request's writes back and comes back as an error message on the page, never a 500."""

    def _refusals(self) -> tuple[type[Exception], ...]:
        return (ValidationError, ProtectedError, *USER_ERRORS)

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except self._refusals() as error:
            for text in user_messages(error):
                messages.error(request, text)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        try:
            with transaction.atomic():  # the list's edits and actions: all rows or none
                return super().changelist_view(request, extra_context)
        except self._refusals() as error:
            for text in user_messages(error):
                messages.error(request, text)
            return HttpResponseRedirect(request.get_full_path())

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        """django-simple-history's record page, whose revert saves through ``save_model``."""
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except self._refusals() as error:
            for text in user_messages(error):
                messages.error(request, text)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except self._refusals() as error:
            for text in user_messages(error):
                messages.error(request, text)
            return HttpResponseRedirect(request.get_full_path())
