"""Fixtures of the deployment tests: a prepared production database and gunicorn servers."""

import pytest
from django.conf import settings

from tests.deploy import stack

requires_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="runs the production stack, which needs PostgreSQL (set DATABASE_URL)",
)


@pytest.fixture(scope="session")
def stack_environment(tmp_path_factory):
    """The environment of app servers on a fresh database ``<run's name>_stack`` with the 2014 data."""
    name = f"{stack.base_name()}_stack"
    environment = stack.server_environment(
        stack.create_database(name), static_root=tmp_path_factory.mktemp("staticfiles")
    )
    stack.prepare_stack(environment)
    yield environment
    stack.drop_database(name)


@pytest.fixture
def app_servers(stack_environment):
    """Start gunicorn servers on the stack: ``app_servers(2)`` returns two; all stop after the test."""
    started = []

    def start(count: int = 1, **extra):
        servers = [stack.AppServer({**stack_environment, **extra}).start() for _ in range(count)]
        started.extend(servers)
        return servers

    yield start
    for server in started:
        server.stop()
