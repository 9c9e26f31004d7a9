"""Two processes start the same reports at the same moment on SQLite (the ``make run`` database):
one report each, no "database is locked", thanks to IMMEDIATE transactions and a busy timeout."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the SQLite settings of make run",
)

SETUP = """
from django.contrib.auth.models import User
from projects.models import Assignment
from reporting import services
from units.models import Membership
assignment = Assignment.objects.order_by("pk").first()
user = User.objects.create_user("racer", password="x")
Membership.objects.create(user=user, organisation=assignment.unit, role="reporter")
services.periods_ensure(campaign=assignment.project.campaign)
"""

RACE = """
import time
from django.contrib.auth.models import User
from projects.models import Assignment
from reporting import services
assignment = Assignment.objects.order_by("pk").first()
user = User.objects.get(username="racer")
periods = list(assignment.project.campaign.reporting_periods.order_by("starts_on"))
time.sleep(max(0, START - time.time()))
print([services.report_start(assignment=assignment, period=p, actor=user).started_now for p in periods])
"""


def _manage(environment, *arguments, **kwargs):
    return subprocess.Popen(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_two_processes_starting_the_same_reports_at_once_get_one_report_each_and_no_error(tmp_path):
    environment = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"}
    for arguments in (("migrate", "--no-input", "-v", "0"), ("loaddata", "campaign_2014", "-v", "0")):
        assert _manage(environment, *arguments).wait(timeout=300) == 0
    assert _manage(environment, "shell", "-c", SETUP).wait(timeout=120) == 0

    start = time.time() + 8  # both processes have loaded Django by then
    racers = [_manage(environment, "shell", "-c", f"START = {start}\n{RACE}") for _ in range(2)]
    outputs = [racer.communicate(timeout=120) for racer in racers]

    assert [racer.returncode for racer in racers] == [0, 0], [err for _out, err in outputs]
    created = [json.loads(out.strip().splitlines()[-1].lower()) for out, _err in outputs]
    assert all(a != b for a, b in zip(*created, strict=True))  # each report started by exactly one
    check = _manage(
        environment,
        "shell",
        "-c",
        "from reporting.models import ProgressReport; print(ProgressReport.objects.count())",
    )
    assert check.communicate(timeout=60)[0].strip().splitlines()[-1] == str(len(created[0]))
