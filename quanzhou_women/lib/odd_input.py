"""Odd characters in a request are dealt with once, before any view sees them.

The rule (docs/development.md, "Odd input"):

- **NUL** (``\\x00``) anywhere — the path, a query parameter's name or value, a form field's name or
  value, an uploaded file's name — is refused with a 400 page in Chinese naming the place. No person
  types a NUL; PostgreSQL cannot store one in text (it would be a 500), and every other layer
  would have to guard against it.
- **Other control characters** (``\\x01``–``\\x08``, ``\\x0b``, ``\\x0c``, ``\\x0e``–``\\x1f``) in the
  path or a query parameter are refused the same way: links the portal makes never hold them.
- In **form fields** they come from pasting out of Word, WPS or a PDF, so the user's text is kept:
  vertical tab (Word's manual line break) and form feed (a page break) become line breaks, the
  others are dropped, and the view receives the cleaned ``request.POST``. Tab, CR and LF stay.
  Passwords are cleaned the same way wherever they are typed, so a password still matches.

``OddInputMiddleware`` runs after ``LocaleMiddleware`` (the page is in the user's language) and
before ``CsrfViewMiddleware`` (which reads ``request.POST``).
"""

import re

from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

#: Characters refused in a path or a query string: C0 controls except tab, LF and CR.
REFUSED_IN_URLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Characters that become a line break in form text: vertical tab and form feed.
LINE_BREAKS = re.compile(r"[\x0b\x0c]")
#: Characters dropped from form text: the other C0 controls except tab, LF and CR (NUL is refused).
DROPPED = re.compile(r"[\x01-\x08\x0e-\x1f]")
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
#: The ids a database row can have (a positive 64-bit integer): a larger number names no row, and
#: the database cannot even compare it (an overflow, a 500).
DATABASE_IDS = range(1, 2**63)


def id_from_text(text: str | int | None) -> int | None:
    """The row id written in ``text`` (a query parameter such as ``?unit=3``, or already a number),
    or ``None`` when it is absent, not a whole number, or outside ``DATABASE_IDS`` — a filter that
    names no row is ignored."""
    text = str(text if text is not None else "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value in DATABASE_IDS else None


def clean_form_text(value: str) -> str:
    """``value`` with vertical tab and form feed turned into LF and other control characters removed.

    Tab, CR and LF are kept; NUL is not expected (it is refused before). Returns a new string.
    """
    return DROPPED.sub("", LINE_BREAKS.sub("\n", value))


def _odd_in_query(query: QueryDict) -> str | None:
    for name, values in query.lists():
        if REFUSED_IN_URLS.search(name):
            return name
        if any(REFUSED_IN_URLS.search(value) for value in values):
            return name
    return None


def _nul_in_form(request: HttpRequest) -> str | None:
    for name, values in request.POST.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name
    for name, files in request.FILES.lists():
        if "\x00" in name or any("\x00" in (upload.name or "") for upload in files):
            return name
    return None


def _printable(name: str) -> str:
    """A parameter's name as it can be shown: control characters as ``<U+0000>``."""
    return REFUSED_IN_URLS.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", name)[:80]


def refusal(message: str) -> HttpResponse:
    """The 400 page (``templates/odd_input.html``) with ``message``."""
    return HttpResponse(render_to_string("odd_input.html", {"message": message}), status=400)


class OddInputMiddleware:
    """Refuse NUL and control characters in URLs and NUL in forms (400); clean control characters
    out of form text. See the module docstring for the rule and its reasons."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if REFUSED_IN_URLS.search(request.path):
            return refusal(_("The address may not contain control characters such as NUL."))
        name = _odd_in_query(request.GET)
        if name is not None:
            return refusal(
                _("The query parameter “%(name)s” may not contain control characters such as NUL.")
                % {"name": _printable(name)}
            )
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            name = _nul_in_form(request)
            if name is not None:
                return refusal(
                    _(
                        "The field “%(name)s” may not contain the NUL character; please remove it and try again."
                    )
                    % {"name": _printable(name)}
                )
            cleaned = request.POST.copy()
            for key, values in request.POST.lists():
                cleaned.setlist(key, [clean_form_text(value) for value in values])
            cleaned._mutable = False
            request.POST = cleaned
        return self.get_response(request)
