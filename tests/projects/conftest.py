"""Imports in these tests keep their pending uploads in a temporary shared folder."""

from pathlib import Path

import pytest

from tests.spreadsheet_files import use_pending_import_folder


@pytest.fixture(autouse=True)
def pending_imports(settings, tmp_path):
    """The folder where uploads wait between preview and confirm (fresh for each test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
    return use_pending_import_folder(settings, tmp_path)


@pytest.fixture
def xls_flat_table() -> bytes:
    """The flat table (one row: 2014, 7, 晋江市妇联, 2014-12-31, phone 13800000000 as a number) as
    Excel 97-2003 .xls, saved by LibreOffice from an .xlsx: binary .xls cannot be built in Python
    without another library."""
    return (Path(__file__).parent / "files" / "flat_table.xls").read_bytes()
