"""Imports in these tests keep their pending uploads in a temporary shared folder."""

import pytest

from tests.spreadsheet_files import use_pending_import_folder


@pytest.fixture(autouse=True)
def pending_imports(settings, tmp_path):
    """The folder where uploads wait between preview and confirm (fresh for each test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
    return use_pending_import_folder(settings, tmp_path)
