"""Typography (issue 15, item 7): Chinese punctuation in Chinese sentences, quotes nested with the
other kind, reasons joined without “。；”, numbers without needless decimals, file names in Chinese.

``ascii_punctuation`` is the rule; ``tests/test_chinese_everywhere.py`` applies it to every page the
crawl renders, here it is applied to every translation Django uses (its own, the third-party apps',
the portal's: the merged zh-hans catalogue, where the portal's own entries win).
"""

import re
from urllib.parse import unquote

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from quanzhou_women.lib.typography import join_clauses, nested_quotes

_HAN = r"[\u4e00-\u9fff]"
#: Not sentences' punctuation: placeholders, tags, addresses, file extensions, numbers, times.
_NOT_PUNCTUATION = re.compile(
    r"%\(\w+\)[sdifr]|%[sd]|\{\w*\}|<[^>]+>|https?://\S+|[\w.-]+\.(?:xlsx|xls|csv|ods|png|jpg|pdf|docx?|html)\b"
    r"|\d[.:,/-]\d"
)
_ASCII_IN_CHINESE = re.compile(
    rf"{_HAN}\s*[?!;]"  # 删除?  是否继续!
    rf"|[?!;,]\s*{_HAN}"  # ?是  ,否
    rf"|(?:{_HAN}|[）”’])[,:.](?=\s|$|{_HAN})"  # …编辑它.  对象:  甲,乙
    r"|。；|；。"
)
#: Translations that are formats, not sentences (Django's ``yesno`` filter splits on commas).
FORMATS = {"yes,no,maybe"}


def ascii_punctuation(text: str) -> list[str]:
    """The places in ``text`` where a Chinese sentence has ASCII punctuation (or “。；”), each with
    a few characters around it; [] for a text without Chinese."""
    if not re.search(_HAN, text):
        return []
    cleaned = _NOT_PUNCTUATION.sub("X", text)
    return [cleaned[max(0, m.start() - 8) : m.end() + 8] for m in _ASCII_IN_CHINESE.finditer(cleaned)]


def test_the_rule_finds_ascii_punctuation_in_chinese_sentences():
    assert ascii_punctuation("删除?")
    assert ascii_punctuation("您可以在下面再次编辑它.")
    assert ascii_punctuation("将要求删除以下受保护的相关对象:")
    assert ascii_punctuation("已逾期。；未提交。")
    assert not ascii_punctuation("7. 推广实施妇女‘三制’，截至 2014-10-20 09:30（台账-2014.xlsx）。")
    assert not ascii_punctuation("Files larger than 10 MB: no.")


def test_no_translation_puts_ascii_punctuation_in_a_chinese_sentence():
    with translation.override("zh-hans"):
        catalogue = trans_real.translation("zh-hans")._catalog
        found = {
            key: (text, places)
            for key in catalogue.keys()
            if (text := catalogue[key]) and key not in FORMATS and (places := ascii_punctuation(text))
        }
    assert not found, "\n".join(f"{key!r}: {text!r} at {places}" for key, (text, places) in found.items())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“7. 推广实施妇女“三制””", "“7. 推广实施妇女‘三制’”"),
        ("成功修改了特色项目“7. 推广实施妇女“三制””。", "成功修改了特色项目“7. 推广实施妇女‘三制’”。"),
        ("“甲”和“乙”", "“甲”和“乙”"),
        ("推广实施妇女“三制”", "推广实施妇女“三制”"),
        ("“一‘二“三”二’一”", "“一‘二“三”二’一”"),
    ],
)
def test_a_quote_inside_a_quote_is_the_other_kind(text, expected):
    assert nested_quotes(text) == expected


def test_reasons_are_one_sentence_with_semicolons():
    assert join_clauses(["步骤1已逾期。", "第三季度报告未提交。"]) == "步骤1已逾期；第三季度报告未提交。"
    assert join_clauses(["甲", "乙"]) == "甲；乙"
    assert join_clauses([]) == ""


def test_a_message_with_a_quoted_title_nests_its_quotes(rf):
    from django.contrib import messages
    from django.contrib.messages.storage import default_storage
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    request = rf.get("/")
    request.session = SessionStore()
    request._messages = default_storage(request)
    messages.success(request, "成功修改了特色项目“7. 推广实施妇女“三制””。")
    assert [str(m) for m in messages.get_messages(request)] == ["成功修改了特色项目“7. 推广实施妇女‘三制’”。"]


def test_a_notification_nests_the_quotes_of_the_project_title(db):
    from django.contrib.auth.models import User

    from reporting.services import notifications_send

    user = User.objects.create_user("zhang")
    notifications_send(recipients=[user], kind="plan", message="您单位“推广实施妇女“三制””的四定计划已确认。")
    assert user.notifications.get().message == "您单位“推广实施妇女‘三制’”的四定计划已确认。"


def test_the_ledger_of_all_years_is_named_in_chinese(portal_cast, client):
    client.force_login(portal_cast.users["city_admin"])
    response = client.get("/dashboards/ledger.xlsx", {"campaign": "all", "on": "2014-10-20"})
    assert response.status_code == 200
    assert "台账-各年度-20141020.xlsx" in unquote(response["Content-Disposition"])
