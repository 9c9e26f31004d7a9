"""Imports in these tests keep their pending uploads in a temporary shared folder."""

import pytest

from tests.spreadsheet_files import pending_imports


@pytest.fixture(autouse=True)
def _pending_imports_in_tmp(pending_imports, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
    return pending_imports
