"""Fixtures of the deployment tests: a prepared production database and gunicorn servers."""

import datetime

import pytest
from django.conf import settings

from bench import stack
from projects.models import Assignment, Campaign, FeatureProject
from units.models import Organisation

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
        servers = [stack.AppServer({**stack_environment, **extra}) for _ in range(count)]
        started.extend(servers)
        return [server.start() for server in servers]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def carried_assignment(db) -> Assignment:
    """惠安县妇联 responsible for project 1 of a 2014 campaign issued by 泉州市妇联."""
    city = Organisation.objects.create(name="泉州市妇联", kind=Organisation.Kind.CITY_FEDERATION)
    county = Organisation.objects.create(
        name="惠安县妇联", kind=Organisation.Kind.COUNTY_FEDERATION, parent=city
    )
    campaign = Campaign.objects.create(
        name="争六好、创特色",
        year=2014,
        document_number="泉妇〔2013〕81号",
        issued_on=datetime.date(2013, 10, 21),
        issuing_body=city,
    )
    project = FeatureProject.objects.create(campaign=campaign, number=1, title="巾帼文明岗", goal="创建")
    return Assignment.objects.create(project=project, unit=county, responsible_person="王丽")
