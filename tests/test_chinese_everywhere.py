"""Chinese everywhere (issue 15, items 5 and 7): every admin and portal page, as each role of the
shared cast, shows no run of Latin words outside a small allow-list, and no ASCII punctuation in a
Chinese sentence (``tests/test_typography.py``'s rule).

The pages are the access matrix's samples (``tests/test_access_matrix.py``: one or more sample
URLs for every URL pattern of the resolver, the admin's included), fetched with GET by the Django
test client as every logged-in role; each HTML page that answers 200 is reduced to what a reader
sees (text outside ``<script>`` and ``<style>``, plus ``title``, ``placeholder``, ``alt``,
``aria-label`` and the ``value`` of buttons) and searched for Latin words. Allowed: file names,
e-mail addresses and URLs, the cast's markers (``QZ…QZ``) and user names (identifiers, shown as
such on the user pages), codes, and the words of ``ALLOWED``.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.test_access_matrix import OTHER, SIDE, SPECS, world  # noqa: F401 (``world`` is a fixture)
from tests.test_typography import ascii_punctuation

#: Latin words a Chinese page may show: product names, formats and the admin's own name.
ALLOWED = {
    "admin", "Excel", "WPS", "xlsx", "xls", "csv", "CSV", "XLSX", "XLS", "PDF", "pdf", "png", "jpg",
    "JSON", "json", "yaml", "tsv", "ods", "html", "ID", "id", "UTF", "GBK", "Django", "PostgreSQL",
    "IP", "OK", "Word", "WeCom", "DingTalk",
    "Control", "Command", "Mac",  # keys, in Django's own Chinese ("按住 Control 键或 Mac 上的 Command 键")
}  # fmt: skip
#: Values the test world stores in django-axes' records (a user agent, a path axes did not know).
STORED = {"test", "<unknown>"}

_SKIPPED = {"script", "style", "noscript", "template"}
_SHOWN_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}


class ReaderText(HTMLParser):
    """The text a reader of an HTML page sees, in document order (``parts``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self._skipping += 1
        values = dict(attrs)
        self.parts += [values[name] for name in _SHOWN_ATTRIBUTES if values.get(name)]
        if tag in {"input", "button"} and values.get("type") in {"submit", "button", "reset"}:
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in _SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


_NOT_WORDS = re.compile(
    r"QZ\w*?QZ"  # the cast's markers
    r"|\S+@\S+"  # e-mail addresses
    r"|(?:https?://|/)\S*"  # URLs and paths
    r"|\b[a-z]+/[\w.+-]+"  # media types (image/png)
    r"|\w+\*{3,}"  # a masked password hash
    r"|[\w.\-（）()\u4e00-\u9fff]+\.(?:xlsx|xls|csv|png|jpg|jpeg|pdf|docx?|zip|txt)\b"  # file names
)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")


def latin_words(text: str, user_names: set[str]) -> list[str]:
    """The Latin words of ``text`` that are not allowed; single letters (codes like 'A', 'Q1') and
    words with digits or underscores (codes, user names) are not words."""
    if text.strip() in STORED:
        return []
    text = _NOT_WORDS.sub(" ", text)
    found = []
    for token in re.split(r"[^\w'’]+", text):
        if not token or token in user_names or token in ALLOWED:
            continue
        if re.search(r"[\d_]", token) or not re.fullmatch(r"[A-Za-z'’]+", token):
            continue  # codes and identifiers; Chinese tokens
        if len(token) == 1:
            continue
        found.append(token)
    return found


#: The roles that can open a page, and how many HTML pages each at least answers with 200.
ROLES_AND_PAGES = {
    "superuser": 150, "city_admin": 120, "leader": 15, "liaison_p": 10, "liaison_d": 10, "reporter_a": 10,
    "reporter_b": 10, "staff_view": 60, "staff_change": 60, "county_admin": 60, "township_reporter": 5,
    "nobody": 1, "anonymous": 1,
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES_AND_PAGES)
def test_every_page_speaks_chinese(world, db, role):  # noqa: F811 (the imported fixture)
    cast, sessions = world
    user_names = {user.username for user in cast.users.values() if user is not None} | {"guess"}
    client = Client()
    if role in sessions:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[role]
    english: dict[str, str] = {}
    punctuation: dict[str, str] = {}
    seen = 0
    for spec in SPECS:
        for side in ("own", "foreign") if spec.sided else ("any",):
            letter = SIDE[role] if side in {"own", "any"} else OTHER[SIDE[role]]
            try:
                url = spec.make(cast, letter).url
            except Exception:  # a sample the role's world cannot build (the matrix covers it)
                continue
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            seen += 1
            parser = ReaderText()
            parser.feed(response.content.decode())
            for part in parser.parts:
                words = latin_words(part, user_names)
                if words:
                    english.setdefault(" ".join(part.split())[:120], url)
                if ascii_punctuation(part):
                    punctuation.setdefault(" ".join(part.split())[:120], url)
    assert seen >= ROLES_AND_PAGES[role], f"only {seen} pages answered"
    assert not english, f"{len(english)} English texts as {role}:\n" + "\n".join(
        f"{text!r} on {url}" for text, url in sorted(english.items(), key=lambda item: item[1])
    )
    assert not punctuation, f"{len(punctuation)} texts with ASCII punctuation as {role}:\n" + "\n".join(
        f"{text!r} on {url}" for text, url in sorted(punctuation.items(), key=lambda item: item[1])
    )


def test_the_crawl_finds_english_words_and_lets_codes_and_file_names_pass():
    assert latin_words("选择 access attempt 来修改", set()) == ["access", "attempt"]
    assert latin_words("None → 2014-12-31", set()) == ["None"]
    assert latin_words("下载 台账-2014.xlsx（Excel、WPS 可打开），项目 A、Q1", set()) == []
    assert latin_words("QZunitAQZ · reporter_a · zhang@example.com", {"reporter_a"}) == []


def test_a_person_is_named_by_name_then_by_user_name():
    from django.contrib.auth.models import User

    from quanzhou_women.lib.people import person_name

    assert person_name(User(username="zhangsan", first_name="张三")) == "张三"
    assert person_name(User(username="zhangsan")) == "zhangsan"
    assert person_name(None) == "系统"


def test_history_values_read_in_chinese():
    from decimal import Decimal

    from quanzhou_women.lib.admin import history_value
    from quanzhou_women.lib.history_diff import text_diff

    assert [history_value(v) for v in (None, "", True, False, Decimal("2.00"))] == [
        "（空）",
        "（空）",
        "是",
        "否",
        "2",
    ]
    assert text_diff(None, "2014-12-31") == "（空） → 2014-12-31"


def test_permissions_are_named_by_action_and_translated_model(db):
    from django.contrib.auth.models import Permission

    step_history = Permission.objects.get(codename="add_historicalmilestone")
    assert str(step_history) == "主题活动与特色项目 | 步骤历史记录 | 可添加步骤历史记录"
    assert (
        str(Permission.objects.get(codename="view_accessattempt")) == "登录记录 | 登录尝试 | 可查看登录尝试"
    )
