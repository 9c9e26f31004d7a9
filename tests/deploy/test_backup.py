"""``manage.py backup_portal`` and ``restore_portal`` (``make backup``, ``make restore``) lose nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from bench import stack
from tests.deploy.conftest import requires_postgresql

pytestmark = requires_postgresql

#: Files in the media folder that no row names (orphans, e.g. of an upload whose worker was
#: killed): backups skip them.
MEDIA_FILES = {
    "evidence/2014/1/惠安县妇联-第一季度.pdf": b"%PDF-1.4 quarterly report\n" + bytes(range(256)) * 40,
    "evidence/2014/2/photo.jpg": b"\xff\xd8\xff\xe0 a photo",
    "readme.txt": "佐证材料".encode(),
}

#: Real reports: a reporter of 惠安县妇联 submits its Q1 and Q2 reports with evidence uploaded
#: through ``services.evidence_add`` (as the portal does); prints each evidence's report id,
#: original name and stored name.
MAKE_REPORTS = """
import json
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from projects.models import Assignment, Campaign
from reporting import services
from units.models import Membership, Organisation

unit = Organisation.objects.get(name="惠安县妇联")
reporter = User.objects.create_user("hui-an-reporter", password="x")
Membership.objects.create(user=reporter, organisation=unit, role=Membership.Role.REPORTER)
periods = services.periods_ensure(campaign=Campaign.objects.get(year=2014))
files = json.loads(FILES)
stored = []
for number, (period, (name, content)) in enumerate(zip(periods, files.items()), start=1):
    assignment = Assignment.objects.filter(unit=unit).order_by("pk").first()
    report = services.report_start(assignment=assignment, period=period, actor=reporter)
    services.report_update(
        report=report, actor=reporter, version=report.version, progress=f"第{number}季度：开展活动{number}次",
        percent_complete=25 * number, problems="", next_steps="", milestone_states={}, indicator_values={},
    )
    evidence = services.evidence_add(
        report=report, actor=reporter, upload=SimpleUploadedFile(name, bytes.fromhex(content))
    )
    services.report_submit(report=report, actor=reporter)
    stored.append([report.pk, evidence.original_name, evidence.file.name])
print(json.dumps(stored))
"""

#: Every report with its evidence, read back through the storage: (report id, status, progress,
#: original name, content as hex).
READ_REPORTS = """
import json
from reporting.models import Evidence
print(json.dumps(sorted(
    [e.report_id, e.report.status, e.report.progress, e.original_name, e.file.open("rb").read().hex()]
    for e in Evidence.objects.select_related("report")
)))
"""

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
EVIDENCE = {"第一季度台账.pdf": PDF, "活动照片.png": PNG}


def _every_row(database_url: str) -> dict[str, list[str]]:
    """Table name → its rows (as sorted reprs), and sequence positions, of every table in ``public``."""
    content: dict[str, list[str]] = {}
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT * FROM "{table}"')
            content[table] = sorted(repr(row) for row in cursor.fetchall())
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        content["<sequences>"] = sorted(repr(row) for row in cursor.fetchall())
    connection.close()
    return content


def _media(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def databases():
    """Two scratch databases, ``<run>_backup_source`` and ``<run>_backup_target``; dropped afterwards."""
    names = [f"{stack.base_name()}_backup_source", f"{stack.base_name()}_backup_target"]
    urls = [stack.create_database(name) for name in names]
    yield urls
    for name in names:
        stack.drop_database(name)


def test_a_backup_restored_into_a_fresh_database_gives_back_every_row_and_file(databases, tmp_path):
    source_url, target_url = databases
    source = stack.server_environment(
        source_url, tmp_path / "static", DJANGO_MEDIA_ROOT=str(tmp_path / "media-source")
    )
    stack.manage(source, "migrate", "--no-input", "--verbosity", "0")
    stack.manage(source, "createcachetable")
    stack.manage(source, "loaddata", "campaign_2014", "--verbosity", "0")
    stack.manage(
        source,
        "shell",
        "-c",
        "from projects.models import Assignment; a = Assignment.objects.first(); "
        "a.responsible_person = '黄丽华'; a.save(); "
        "from django.contrib.auth.models import User; User.objects.create_user('clerk', password='x')",
    )
    for name, data in MEDIA_FILES.items():
        path = tmp_path / "media-source" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    files = json.dumps({name: content.hex() for name, content in EVIDENCE.items()})
    uploaded = json.loads(
        stack.manage(source, "shell", "-c", f"FILES = {files!r}\n{MAKE_REPORTS}").splitlines()[-1]
    )
    assert [name for _report, name, _stored in uploaded] == list(EVIDENCE)
    reports_before = json.loads(stack.manage(source, "shell", "-c", READ_REPORTS).splitlines()[-1])
    original = _every_row(source_url)
    assert len(original["projects_assignment"]) == 29 and original["projects_historicalassignment"]
    assert len(original["reporting_progressreport"]) == 2 and len(original["reporting_evidence"]) == 2
    media_before = _media(tmp_path / "media-source")

    output = stack.manage(source, "backup_portal", "--output-dir", str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()
    assert str(backup) in output

    target = stack.server_environment(
        target_url, tmp_path / "static", DJANGO_MEDIA_ROOT=str(tmp_path / "media-target")
    )
    stack.manage(target, "restore_portal", str(backup), "--no-input")

    assert _every_row(target_url) == original
    named_by_rows = {name: data for name, data in media_before.items() if name not in MEDIA_FILES}
    assert len(named_by_rows) == 2
    assert _media(tmp_path / "media-target") == named_by_rows  # every evidence file, no orphan
    for _report, _name, stored_name in uploaded:
        assert stored_name.startswith("evidence/") and stored_name in media_before
    reports_after = json.loads(stack.manage(target, "shell", "-c", READ_REPORTS).splitlines()[-1])
    assert reports_after == reports_before
    assert [
        (status, name, bytes.fromhex(content)) for _id, status, _progress, name, content in reports_after
    ] == [("submitted", name, content) for name, content in EVIDENCE.items()]


def test_restoring_over_a_changed_database_puts_back_the_state_of_the_backup(databases, tmp_path):
    source_url, _ = databases
    source = stack.server_environment(
        source_url, tmp_path / "static", DJANGO_MEDIA_ROOT=str(tmp_path / "media")
    )
    stack.manage(source, "migrate", "--no-input", "--verbosity", "0")
    stack.manage(source, "loaddata", "campaign_2014", "--verbosity", "0")
    original = _every_row(source_url)
    stack.manage(source, "backup_portal", "--output-dir", str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()

    stack.manage(
        source,
        "shell",
        "-c",
        "from projects.models import Assignment; Assignment.objects.update(target='改过'); "
        "from django.contrib.auth.models import User; User.objects.create_user('late', password='x')",
    )
    assert _every_row(source_url) != original

    stack.manage(source, "restore_portal", str(backup), "--no-input")

    assert _every_row(source_url) == original


def test_a_restore_asks_first_and_changes_nothing_without_yes(tmp_path):
    environment = stack.server_environment(os.environ["DATABASE_URL"], tmp_path / "static")
    answer = subprocess.run(
        [sys.executable, "manage.py", "restore_portal", str(tmp_path / "portal-x")],
        cwd=stack.BASE_DIR,
        env=environment,
        input="no\n",
        capture_output=True,
        text=True,
        check=False,
    )

    assert answer.returncode != 0
    assert "Type 'yes' to go on" in answer.stdout
    assert "Restore cancelled; nothing was changed." in answer.stderr
