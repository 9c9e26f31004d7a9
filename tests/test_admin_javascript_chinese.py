"""The admin's JavaScript widgets speak Chinese: /admin/jsi18n/ translates every string of Django's
djangojs catalogue; the ones Django's own zh_Hans catalogue lacks come from our
locale/zh_Hans/LC_MESSAGES/djangojs.po (before it, a feature project's two-box selectors of 责任单位
and 市妇联联系部室 read “Choose 责任单位 by selecting them…”, “Choose all”, “Remove all”)."""

import json
import re
from pathlib import Path

import django
import polib
from django.conf import settings

ADMIN_LOCALE = Path(django.__file__).parent / "contrib/admin/locale"


def served_catalogue(admin_client) -> dict:
    """The msgid → translation mapping /admin/jsi18n/ sends to the browser."""
    response = admin_client.get("/admin/jsi18n/")
    assert response.status_code == 200
    match = re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.S)
    return json.loads(match.group(1))


def test_every_admin_javascript_string_has_a_chinese_translation(admin_client):
    catalogue = served_catalogue(admin_client)
    english = [
        f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        for e in polib.pofile(str(ADMIN_LOCALE / "en/LC_MESSAGES/djangojs.po"))
    ]
    assert [msgid for msgid in english if msgid not in catalogue] == []
    assert catalogue["Choose all %s"] == "全选%s"
    assert catalogue['Choose %s by selecting them and then select the "Choose" arrow button.'] == (
        "选中要添加的%s，再点击“选择”箭头。"
    )


def test_our_javascript_catalogue_is_compiled():
    po_path = Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/djangojs.po"
    source = {(e.msgid, e.msgstr) for e in polib.pofile(str(po_path)) if e.translated()}
    compiled = {(e.msgid, e.msgstr) for e in polib.mofile(str(po_path.with_suffix(".mo"))) if e.msgid}
    assert compiled == source
