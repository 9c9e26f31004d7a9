"""``manage.py load_demo``: one demo user per role and a realistic 2014, only on a local set-up."""

import pytest
from django.core.management import CommandError, call_command

from reporting.models import Evidence, Plan, ProgressReport, ReportStatus
from units.models import Membership


def test_load_demo_refuses_to_run_without_debug(campaign_2014, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("load_demo")
    assert not Membership.objects.exists()


def test_load_demo_creates_one_user_per_role_and_a_year_of_demo_plans_and_reports(
    campaign_2014, settings, tmp_path, monkeypatch, capsys
):
    from reporting.management.commands import load_demo

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(load_demo, "PASSWORD_FILE", tmp_path / "demo-passwords")
    call_command("load_demo")
    output = capsys.readouterr().out
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    assert all(m.is_demo for m in Membership.objects.all())
    for line in (tmp_path / "demo-passwords").read_text().splitlines():
        username, password = line.split(" ")
        assert f"{username}" in output and password in output
    assert Plan.objects.filter(is_demo=True).count() == 29
    statuses = set(ProgressReport.objects.values_list("status", flat=True))
    assert statuses == set(ReportStatus.values)
    assert not ProgressReport.objects.filter(is_demo=False).exists()
    assert Evidence.objects.exists()
    assert {r.period.campaign.year for r in ProgressReport.objects.select_related("period__campaign")} == {
        2014
    }
    count = ProgressReport.objects.count()
    call_command("load_demo")  # again: the same users and passwords, no new reports
    assert ProgressReport.objects.count() == count
    assert Membership.objects.count() == len(Membership.Role.values)  # one user per role
