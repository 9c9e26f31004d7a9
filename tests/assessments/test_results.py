"""争六好 results (issue 14 item 4): every unit's score from the weights with each part explained
(为什么是87.5分), grades by the thresholds of the settings, 审定 by a leader, then 公布 to the
units; a unit sees nothing before publication and afterwards only its own details."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from assessments import selectors, services
from assessments.models import (
    AssessmentScheme,
    Inspection,
    InspectionScore,
    ResultSheet,
    ResultStatus,
)
from reporting.services import WorkflowError


@pytest.fixture(autouse=True)
def no_inspections_yet(portal_cast):
    """The cast inspects both units for the access matrix; these tests start without."""
    Inspection.objects.all().delete()


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def example(results_example):
    """The hand-checked example: criteria 1 and 2 worth 40 points each (80) plus 20 feature-project
    points; weights 自评 30%, 平时 30%, 实地检查 40%; bonus at most 5.

    Unit A: 自评 34 + 34 = 68 of 80 → 85.0 × 30% = 25.5; feature projects 15 of 20 → 75.0 × 30% =
    22.5; inspection 36 + 36 = 72 of 80 → 90.0 × 40% = 36.0; bonus 3.5; total 87.5 (良好).
    Unit B: 自评 submitted, not approved → 0; feature 15 → 22.5; no inspection → 0; total 22.5."""
    return results_example


def test_the_score_is_computed_from_the_weights_and_every_part_explained(example):
    result = selectors.assessment_result(organisation=example.units["A"], scheme=example.scheme)

    assert (result.self_part, result.ordinary_part, result.inspection_part, result.bonus, result.total) == (
        Decimal("25.5"),
        Decimal("22.5"),
        Decimal("36.0"),
        Decimal("3.5"),
        Decimal("87.5"),
    )
    assert result.lines == [
        "自评 68.0分（满分80.0分），折合85.0分 × 30% = 25.5分",
        "平时工作（特色项目成效） 15.0分（满分20.0分），折合75.0分 × 30% = 22.5分",
        "实地检查 72.0分（满分80.0分），折合90.0分 × 40% = 36.0分",
        "加分 3.5分（最多5.0分）",
        "总分：25.5 + 22.5 + 36.0 + 3.5 = 87.5分",
    ]


def test_a_part_not_approved_or_not_submitted_counts_nothing_and_says_so(example):
    result = selectors.assessment_result(organisation=example.units["B"], scheme=example.scheme)

    assert result.total == Decimal("22.5")
    assert result.lines[0] == "自评：未审核通过，0.0分 × 30% = 0.0分"
    assert result.lines[2] == "实地检查：未提交，0.0分 × 40% = 0.0分"


def test_the_bonus_is_capped(example):
    type(example.scheme).objects.filter(pk=example.scheme.pk).update(bonus_cap=2)
    scheme = AssessmentScheme.objects.get(pk=example.scheme.pk)

    assert selectors.assessment_result(organisation=example.units["A"], scheme=scheme).bonus == 2


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("90", "先进单位"),
        ("89.9", "良好"),
        ("80", "良好"),
        ("60", "合格"),
        ("59.9", "需改进"),
        ("0", "需改进"),
    ],
)
def test_grades_follow_the_thresholds_of_the_settings(total, grade):
    assert selectors.grade_of(Decimal(total)) == grade


def test_grades_by_ranking_when_the_settings_say_so(settings):
    settings.ASSESSMENT_GRADING = "ranking"
    settings.ASSESSMENT_RANK_GRADES = [(0.2, "先进单位"), (0.5, "良好")]

    assert [selectors.grade_of(Decimal(50), rank, 10) for rank in (1, 2, 3, 5, 6)] == [
        "先进单位",
        "先进单位",
        "良好",
        "良好",
        "需改进",
    ]


def test_a_leader_approves_then_the_results_are_published(example):
    leader, reporter = example.users["leader"], example.users["reporter_a"]
    with pytest.raises(PermissionDenied):
        services.results_approve(actor=reporter, scheme=example.scheme)
    with pytest.raises(WorkflowError):
        services.results_publish(actor=leader, scheme=example.scheme)

    sheet = services.results_approve(actor=leader, scheme=example.scheme)
    assert sheet.status == ResultStatus.APPROVED
    assert [(r["name"], r["total"], r["grade"], r["rank"]) for r in sheet.rows] == [
        (example.units["A"].name, "87.5", "良好", 1),
        (example.units["B"].name, "22.5", "需改进", 2),
    ]
    # frozen: a later change does not move the approved result
    InspectionScore.objects.filter(inspection__organisation=example.units["A"]).update(score=0)
    page = client_of(leader).get(reverse("assessments:results"))
    assert "87.5" in page.content.decode()

    services.results_publish(actor=leader, scheme=example.scheme)
    assert ResultSheet.objects.get(scheme=example.scheme).published_at is not None


def test_the_results_page_shows_the_leader_why_and_offers_approval(example):
    page = client_of(example.users["leader"]).get(reverse("assessments:results")).content.decode()

    assert "为什么是87.5分" in page
    assert "实地检查 72.0分（满分80.0分），折合90.0分 × 40% = 36.0分" in page
    assert reverse("assessments:result_action", args=[example.scheme.pk, "approve"]) in page


def test_a_unit_sees_nothing_before_publication_and_only_its_own_details_after(example):
    reporter_a, reporter_b = client_of(example.users["reporter_a"]), client_of(example.users["reporter_b"])
    inspection = example.scheme.inspections.get(organisation=example.units["A"])
    services.results_approve(actor=example.users["leader"], scheme=example.scheme)

    before = reporter_a.get(reverse("assessments:results")).content.decode()
    assert "87.5" not in before and "尚未公布" in before
    assert reporter_a.get(reverse("assessments:inspection", args=[inspection.pk])).status_code == 404

    client_of(example.users["city_admin"]).post(
        reverse("assessments:result_action", args=[example.scheme.pk, "publish"])
    )
    own = reporter_a.get(reverse("assessments:results")).content.decode()
    assert "为什么是87.5分" in own and "折合90.0分" in own
    assert reporter_a.get(reverse("assessments:inspection", args=[inspection.pk])).status_code == 200
    other = reporter_b.get(reverse("assessments:results")).content.decode()
    assert "87.5" in other and "良好" in other  # the published list: names, totals, grades
    assert "折合90.0分" not in other and "为什么是87.5分" not in other
    assert reporter_b.get(reverse("assessments:inspection", args=[inspection.pk])).status_code == 404


def test_only_leaders_and_city_administrators_approve_on_the_page(example):
    url = reverse("assessments:result_action", args=[example.scheme.pk, "approve"])

    assert client_of(example.users["reporter_a"]).post(url).status_code == 403
    assert client_of(example.users["liaison_p"]).post(url).status_code == 403
    assert not ResultSheet.objects.filter(scheme=example.scheme, status=ResultStatus.APPROVED).exists()
    client_of(example.users["leader"]).post(url)
    assert ResultSheet.objects.get(scheme=example.scheme).status == ResultStatus.APPROVED
