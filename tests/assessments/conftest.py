"""Fixtures shared by the tests of the 争六好 results and their documents."""

from decimal import Decimal

import pytest

from assessments import selectors, services
from assessments.models import (
    AssessmentScheme,
    AssessmentStatus,
    Criterion,
    Inspection,
    InspectionScore,
    InspectionStatus,
    SelfAssessment,
    SelfScore,
)
from assessments.selectors import FeatureResults


@pytest.fixture
def results_example(portal_cast, monkeypatch):
    """The hand-checked example of ``test_results`` (without the cast's draft inspections):
    criteria 1 and 2 worth 40 points each plus 20 feature-project points; weights 30 / 30 / 40,
    bonus at most 5. Unit A: 25.5 + 22.5 + 36.0 + 3.5 = 87.5 (良好); unit B: 自评 submitted, not
    approved, no inspection: 22.5 (需改进)."""
    cast = portal_cast
    Inspection.objects.all().delete()
    AssessmentScheme.objects.filter(pk=cast.scheme.pk).update(
        weight_self=30, weight_ordinary=30, weight_inspection=40, feature_points=20, bonus_cap=5
    )
    Criterion.objects.filter(scheme=cast.scheme).update(points=40)
    a = SelfAssessment.objects.get(scheme=cast.scheme, organisation=cast.units["A"])
    SelfScore.objects.filter(self_assessment=a).update(score=34)
    SelfAssessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.APPROVED)
    inspection = services.inspection_assign(
        actor=cast.users["city_admin"],
        scheme=cast.scheme,
        organisation=cast.units["A"],
        inspectors=[cast.users["liaison_p"]],
    )
    InspectionScore.objects.filter(inspection=inspection).update(score=36)
    type(inspection).objects.filter(pk=inspection.pk).update(
        status=InspectionStatus.SUBMITTED, bonus=Decimal("3.5")
    )
    monkeypatch.setattr(selectors, "feature_results", lambda **kw: FeatureResults(4, 3, 3, 0, 0, Decimal(15)))
    cast.scheme = AssessmentScheme.objects.get(pk=cast.scheme.pk)
    return cast
