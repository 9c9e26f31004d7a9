"""Template tags of history pages: ``{% text_diff old new %}``, a change marked so that it is seen,
and ``{{ user|person }}``, who made it by name (``quanzhou_women.lib.people.person_name``).

A one-character edit inside a 120-character 创建目标 is invisible when the whole old and new texts
stand side by side; this marks what was removed (``<del>``) and added (``<ins>``).
"""

from difflib import SequenceMatcher

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from quanzhou_women.lib.people import person_name

register = template.Library()

SHORT = 20


@register.simple_tag
def text_diff(old: object, new: object) -> SafeString:
    """HTML for the change from ``old`` to ``new``, escaped.

    Short values and non-text values read "old → new"; longer texts are shown once, with the
    removed characters in ``<del>`` and the added ones in ``<ins>``.
    """
    old_text = "" if old is None else str(old)
    new_text = "" if new is None else str(new)
    if not (isinstance(old, str) and isinstance(new, str)) or max(len(old_text), len(new_text)) <= SHORT:
        return format_html("{} → {}", old_text or _("(empty)"), new_text or _("(empty)"))
    parts = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old_text, new_text, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("{}", old_text[a1:a2]))
        if op in ("delete", "replace"):
            parts.append(("<del>{}</del>", old_text[a1:a2]))
        if op in ("insert", "replace"):
            parts.append(("<ins>{}</ins>", new_text[b1:b2]))
    return format_html_join("", "{}", ((format_html(fmt, text),) for fmt, text in parts))


@register.filter
def person(user) -> str:
    """The name of ``user`` (``person_name``): "张三", not "zhangsan"; "系统" for no user."""
    return person_name(user)
