"""The Chinese catalogues are complete: every interface string has a translation, compiled."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", ".git", "tests", "test-artifacts", "node_modules", "staticfiles", "media"}


def catalogues(root: Path) -> list[Path]:
    """Every zh_Hans django.po below ``root``, outside virtualenvs and tests."""
    return sorted(
        path
        for path in root.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
        if not SKIPPED_DIRS & set(path.relative_to(root).parts)
    )


CATALOGUES = catalogues(BASE_DIR)


def test_there_is_a_catalogue_for_the_project_and_each_app():
    assert {path.relative_to(BASE_DIR).parts[0] for path in CATALOGUES} >= {"locale", "units", "projects"}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_every_message_has_a_chinese_translation(po_path):
    catalogue = polib.pofile(str(po_path))
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    assert missing == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_the_compiled_catalogue_matches_its_source(po_path):
    source = {(e.msgid, e.msgstr) for e in polib.pofile(str(po_path)) if e.translated()}
    compiled = {(e.msgid, e.msgstr) for e in polib.mofile(str(po_path.with_suffix(".mo"))) if e.msgid}
    assert compiled == source


def test_every_string_in_the_code_is_in_a_catalogue(tmp_path):
    """Run makemessages on a copy of the code: it must find no msgid the catalogues lack."""
    copy = tmp_path / "copy"
    shutil.copytree(BASE_DIR, copy, ignore=shutil.ignore_patterns(*SKIPPED_DIRS, "*.sqlite3", "__pycache__"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    for po_path in catalogues(copy):
        ours = BASE_DIR / po_path.relative_to(copy)
        known = {e.msgid for e in polib.pofile(str(ours))} if ours.exists() else set()
        found = {e.msgid for e in polib.pofile(str(po_path)) if e.msgid}
        assert found - known == set(), f"run `make messages` and translate: {po_path.relative_to(copy)}"
