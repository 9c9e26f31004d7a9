"""How the portal names a person: by name, not by user name (issue 15: "people's names instead of
user names where people are shown")."""

from django.utils.translation import gettext as _


def person_name(user) -> str:
    """The name of ``user`` as people call them: ``get_full_name()`` (a Chinese name usually sits in
    ``first_name`` alone), else ``first_name``, else the user name; "系统" for ``None`` (a change
    made by a command or the worker)."""
    if user is None:
        return _("the system")
    return (user.get_full_name() or user.first_name or "").strip() or user.username
