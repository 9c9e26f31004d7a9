"""A small world for progress reporting, built in code.

Two liaison departments (宣传部 follows project 1, 发展部 project 2), two responsible units
(晋江市妇联 carries projects 1 and 2, 惠安县妇联 project 1), and a cast: a city administrator
(a superuser), a city-administrator-role staff member, a leader, one liaison per department, one
reporter per unit and an outsider. Quarterly periods of 2014.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone
from reporting import services
from reporting.models import ProgressReport, ReportingPeriod
from units.models import Membership, Organisation


@dataclass
class World:
    city: Organisation
    publicity: Organisation  # 宣传部, liaison of project 1
    development: Organisation  # 发展部, liaison of project 2
    unit_a: Organisation  # 晋江市妇联: projects 1 and 2
    unit_b: Organisation  # 惠安县妇联: project 1
    campaign: Campaign
    project_1: FeatureProject
    project_2: FeatureProject
    a1: Assignment
    a2: Assignment
    b1: Assignment
    q1: ReportingPeriod
    q2: ReportingPeriod


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """Hash test passwords cheaply: the cast has eight users per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, organisation: Organisation | None, role: str | None, **extra) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", f"pw-{username}", **extra)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    kind = Organisation.Kind
    city = Organisation.objects.create(name="泉州市妇联", kind=kind.CITY_FEDERATION)
    publicity = Organisation.objects.create(name="宣传部", kind=kind.DEPARTMENT, parent=city, is_liaison=True)
    development = Organisation.objects.create(
        name="发展部", kind=kind.DEPARTMENT, parent=city, is_liaison=True
    )
    unit_a = Organisation.objects.create(name="晋江市妇联", kind=kind.COUNTY_FEDERATION, parent=city)
    unit_b = Organisation.objects.create(name="惠安县妇联", kind=kind.COUNTY_FEDERATION, parent=city)
    campaign = Campaign.objects.create(
        name="争六好、创特色", year=2014, document_number="泉妇〔2013〕81号", issuing_body=city
    )
    project_1 = FeatureProject.objects.create(
        campaign=campaign, number=1, title="巾帼志愿者在行动", goal="目标一"
    )
    project_1.liaison_departments.add(publicity)
    project_2 = FeatureProject.objects.create(
        campaign=campaign, number=2, title="扶持妇女创业就业", goal="目标二"
    )
    project_2.liaison_departments.add(development)
    a1 = Assignment.objects.create(project=project_1, unit=unit_a)
    a2 = Assignment.objects.create(project=project_2, unit=unit_a)
    b1 = Assignment.objects.create(project=project_1, unit=unit_b)
    for assignment in (a1, a2, b1):
        assignment.deadline = datetime.date(2014, 12, 31)
        assignment.target = "建成示范点"
        assignment.responsible_person = "王丽"
        assignment.save()
        Milestone.objects.create(
            assignment=assignment, order=1, title="调研摸底", due_on=datetime.date(2014, 3, 31)
        )
        Indicator.objects.create(assignment=assignment, name="示范点", unit_of_measure="个", target_value=2)
    q1, q2, *_rest = services.periods_ensure(campaign=campaign)
    return World(
        city, publicity, development, unit_a, unit_b, campaign, project_1, project_2, a1, a2, b1, q1, q2
    )


@pytest.fixture
def cast(world: World) -> dict[str, User]:
    """Every role, keyed by a short name; ``superuser`` has no membership."""
    return {
        "superuser": User.objects.create_superuser("superuser", "su@example.com", "pw-superuser"),
        "city_admin": _user("city_admin_role", world.city, Membership.Role.CITY_ADMIN),
        "leader": _user("leader", world.city, Membership.Role.LEADER),
        "liaison": _user("liaison", world.publicity, Membership.Role.LIAISON),
        "other_liaison": _user("other_liaison", world.development, Membership.Role.LIAISON),
        "reporter_a": _user("reporter_a", world.unit_a, Membership.Role.REPORTER),
        "reporter_b": _user("reporter_b", world.unit_b, Membership.Role.REPORTER),
        "outsider": _user("outsider_user", None, None),
    }


def make_report(
    world: World, assignment: Assignment, reporter: User, *, submit: bool = False
) -> ProgressReport:
    """A Q1 report of ``assignment`` with some progress, submitted if asked."""
    report = services.report_start(assignment=assignment, period=world.q1, actor=reporter)
    services.report_update(
        report=report,
        actor=reporter,
        version=report.version,
        progress="开展调研12次",
        percent_complete=25,
        problems="",
        next_steps="继续推进",
        milestone_states={},
        indicator_values={},
    )
    if submit:
        services.report_submit(report=report, actor=reporter)
    report.refresh_from_db()
    return report


def png_bytes() -> bytes:
    """A tiny valid PNG image."""
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )


def pdf_bytes() -> bytes:
    """A minimal PDF document."""
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def docx_bytes() -> bytes:
    """A minimal Word (OOXML) document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """An uploaded file as the browser sends it (the declared type is not trusted)."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def run_tasks() -> int:
    """Run every task that is due, as ``manage.py run_worker --batch`` would; return how many ran.

    The worker's ``close_old_connections`` is skipped: inside a test's transaction it would close
    the connection that holds the test's data (PostgreSQL).
    """
    from django_tasks_db.management.commands import db_worker

    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    original, db_worker.close_old_connections = db_worker.close_old_connections, lambda: None
    try:
        worker.run()
    finally:
        db_worker.close_old_connections = original
    return worker._run_tasks


# The two rounds of issue 12 (tests/years.py), for test_years.py.
from tests.years import today_is, two_years  # noqa: E402, F401
