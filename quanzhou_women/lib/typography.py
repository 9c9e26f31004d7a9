"""Chinese typography in one place (issue 15, item 7).

Reasons: several sentences joined into one (a colour's reasons, a form's errors) read
“…已逾期；…未提交。”, never “…已逾期。；…”: ``join_clauses``.

Quotes: the outer quotes of a sentence come from the catalogue (“%(project)s” in a translation,
“{obj}” in Django's admin); a value put inside may carry quotes of its own (the project title
推广实施妇女“三制”). ``nested_quotes`` gives a quote inside a quote the other kind (GB/T 15834:
double quotes outside, single quotes inside), so “7. 推广实施妇女“三制”” reads
“7. 推广实施妇女‘三制’”. It is applied where sentences are finished: every message of Django's
messages framework (``TypographyMessageStorage``, portal and admin alike) and every notification
(``reporting.services.notifications_send``).
"""

from django.contrib.messages.storage.fallback import FallbackStorage

_OPEN = {"“": 0, "‘": 1}
_CLOSE = {"”": 0, "’": 1}
_PAIRS = (("“", "”"), ("‘", "’"))


def nested_quotes(text: str) -> str:
    """``text`` with each quote the kind its depth asks for: “” at odd depths, ‘’ at even ones;
    a closing quote without an opening one is left as it is. Any other text is unchanged."""
    out, depth = [], 0
    for char in text:
        if char in _OPEN:
            out.append(_PAIRS[depth % 2][0])
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
            out.append(_PAIRS[depth % 2][1])
        else:
            out.append(char)
    return "".join(out)


def join_clauses(texts) -> str:
    """The sentences ``texts`` as one sentence: joined by “；”, each without its own final “。”,
    and ending in “。” when the last did. ``["甲。", "乙。"]`` → ``"甲；乙。"``; ``[]`` → ``""``."""
    parts = [str(text).strip() for text in texts if str(text).strip()]
    if not parts:
        return ""
    ends = parts[-1].endswith("。")
    joined = "；".join(part.rstrip("。；") for part in parts)
    return joined + "。" if ends else joined


class TypographyMessageStorage(FallbackStorage):
    """Django's default message storage (cookie, then session), whose messages have their nested
    quotes set right (``nested_quotes``) when they are added."""

    def add(self, level, message, extra_tags="") -> None:
        """Add ``message`` like Django, with its quotes nested; a safe string stays safe."""
        from django.utils.safestring import SafeData, mark_safe

        if isinstance(message, SafeData):
            message = mark_safe(nested_quotes(str(message)))
        elif message:
            message = nested_quotes(str(message))
        super().add(level, message, extra_tags)
