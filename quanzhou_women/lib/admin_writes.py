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

from quanzhou_women.lib.querysets import ReadOnlyError

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
    registered user error, a ``ReadOnlyError`` — e.g. a record of a closed round —, or a
    ``ProtectedError`` on delete) during a save or delete rolls the
    request's writes back and comes back as an error message on the page, never a 500."""

    def _refusing(self, request: HttpRequest, view, *args, atomic: bool = False):
        """``view(*args)`` (in a transaction of its own if ``atomic``: Django's change and delete views
        have one); a refusal becomes messages and a redirect to the same URL."""
        try:
            if not atomic:
                return view(*args)
            with transaction.atomic():
                return view(*args)
        except (ValidationError, ProtectedError, ReadOnlyError, *USER_ERRORS) as error:
            for text in user_messages(error):
                messages.error(request, text)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        return self._refusing(request, super().changeform_view, request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """The list's edits (``list_editable``) and actions: all rows or none."""
        atomic = request.method == "POST"
        return self._refusing(request, super().changelist_view, request, extra_context, atomic=atomic)

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        """django-simple-history's record page, whose revert saves through ``save_model``."""
        atomic = request.method == "POST"
        view = super().history_form_view
        return self._refusing(request, view, request, object_id, version_id, extra_context, atomic=atomic)

    def delete_view(self, request: HttpRequest, object_id, extra_context=None):
        return self._refusing(request, super().delete_view, request, object_id, extra_context)
