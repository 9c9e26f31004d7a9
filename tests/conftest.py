"""The small cast every test uses: a city administrator and an outsider, and the 2014 data."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command


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
