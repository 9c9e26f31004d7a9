"""``manage.py load_demo_assessment``: a demo 争六好 year for every demo role (local set-ups only)."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.models import AssessmentScheme, AssessmentStatus, Inspection
from assessments.selectors import assessment_result
from projects.models import Campaign


@pytest.fixture
def demo(campaign_2014, settings, tmp_path, monkeypatch):
    from reporting.management.commands import load_demo

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(load_demo, "PASSWORD_FILE", tmp_path / "demo-passwords")
    call_command("load_demo")
    return Campaign.objects.get(year=2014)


def test_it_refuses_without_debug_and_without_the_demo_users(campaign_2014, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("load_demo_assessment")
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_assessment")
    assert not AssessmentScheme.objects.exists()


def test_the_demo_year_has_issued_criteria_a_submitted_and_a_draft_self_assessment_and_an_inspection(
    demo, client, capsys
):
    call_command("load_demo_assessment")
    scheme = AssessmentScheme.objects.get(campaign=demo)
    assert scheme.issued_on.isoformat() == "2014-01-20" and scheme.criteria.count() == 12
    assert sum(c.points for c in scheme.criteria.all()) + scheme.feature_points == 100
    assert {g.name: g.criteria.count() for g in scheme.groups.all()} == dict.fromkeys(
        ["班子", "队伍", "精神", "机制", "阵地", "业绩"], 2
    )
    jinjiang = scheme.self_assessments.get(organisation__name="晋江市妇联")
    assert jinjiang.status == AssessmentStatus.SUBMITTED and not jinjiang.transitions.get().late
    huian = scheme.self_assessments.get(organisation__name="惠安县妇联")
    assert huian.status == AssessmentStatus.DRAFT
    assert huian.scores.filter(score__isnull=False).count() == 5
    inspection = Inspection.objects.get(scheme=scheme)
    assert inspection.organisation == jinjiang.organisation
    assert [u.username for u in inspection.inspectors.all()] == ["demo_liaison"]
    assert inspection.scores.filter(score__isnull=False).count() == 6
    assert assessment_result(organisation=jinjiang.organisation, scheme=scheme).total >= 0

    call_command("load_demo_assessment")  # again: nothing changes
    assert "nothing changed" in capsys.readouterr().out
    assert AssessmentScheme.objects.count() == 1 and Inspection.objects.count() == 1

    client.force_login(inspection.inspectors.get())
    page = client.get(reverse("assessments:inspections") + f"?campaign={demo.pk}")
    assert "晋江市妇联" in page.text
