"""The small cast every test uses (a city administrator, an outsider), the 2014 data, and the one
headless Chromium that every browser test shares.

Never ``playwright install``: the browser is Debian's /usr/bin/chromium (``apt-get install chromium``).
Playwright allows one sync API instance per thread, so no test launches a browser of its own.
"""

import os
from collections.abc import Iterator
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Browser, sync_playwright


@pytest.fixture
def campaign_2014(db) -> None:
    """The ten feature projects of notice 泉妇〔2013〕81号, loaded as ``make run`` loads them."""
    call_command("load_campaign_2014", stdout=StringIO())


@pytest.fixture
def city_admin(db) -> User:
    """A 市妇联 office administrator: a superuser who edits everything in the admin."""
    return User.objects.create_superuser("city_admin", "city@example.com", "pw-city-admin")


@pytest.fixture
def outsider(db) -> User:
    """A logged-in user with no staff rights and no organisation."""
    return User.objects.create_user("outsider", "outsider@example.com", "pw-outsider")


@pytest.fixture
def admin_client(client, city_admin):
    """A test client logged in as the city administrator."""
    client.force_login(city_admin)
    return client


@pytest.fixture(autouse=True)
def fast_password_hasher(settings) -> None:
    """Tests log in many users: hash their passwords cheaply (never in production)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def portal_cast(db, settings, tmp_path):
    """The shared cast of ``tests/cast.py`` (two units, two departments, every role), for one test."""
    from tests.cast import build_cast

    settings.MEDIA_ROOT = tmp_path / "media"
    return build_cast()
