"""争六好 over the years (issue 14 item 6): a unit's published totals and per-element scores across
rounds (``selectors.scores_over_rounds``), and the chart with its table on the unit's page."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from assessments import selectors, services
from assessments.models import (
    AssessmentScheme,
    AssessmentStatus,
    Criterion,
    Inspection,
    InspectionScore,
    InspectionStatus,
    ResultSheet,
    ResultStatus,
    SelfAssessment,
    SelfScore,
)
from assessments.selectors import FeatureResults
from projects.models import Campaign


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _round(cast, year: int, *, self_scores, inspection_scores, stage: str):
    """A city round of ``year``: criteria 1 (班子, 40 points) and 2 (业绩, 60 points), weights 自评 50
    / 实地检查 50; unit A's 自评 approved with ``self_scores`` (criterion 1, criterion 2), its
    inspection submitted with ``inspection_scores`` (none when ``None``); the results taken to
    ``stage`` ("approved" or "published"). Returns the scheme."""
    admin = cast.users["city_admin"]
    if year == 2014:
        scheme = cast.scheme
    else:
        campaign = Campaign.objects.create(
            name="争六好、创特色", year=year, document_number=f"泉妇〔{year}〕1号", issuing_body=cast.city
        )
        scheme = services.scheme_save(actor=admin, scheme=AssessmentScheme(campaign=campaign))
        groups = list(scheme.groups.all())
        for order, (group, points) in enumerate(((groups[0], 40), (groups[5], 60)), start=1):
            services.criterion_save(
                actor=admin,
                criterion=Criterion(
                    scheme=scheme, group=group, order=order, title=f"内容{order}", points=points
                ),
            )
        scheme = services.scheme_issue(actor=admin, scheme=scheme, on=datetime.date(year, 1, 10))
    AssessmentScheme.objects.filter(pk=scheme.pk).update(
        weight_self=50, weight_ordinary=0, weight_inspection=50, feature_points=0
    )
    first, second = Criterion.objects.filter(scheme=scheme).order_by("order")
    assessment = SelfAssessment.objects.get(scheme=scheme, organisation=cast.units["A"])
    for criterion, score in zip((first, second), self_scores, strict=True):
        SelfScore.objects.filter(self_assessment=assessment, criterion=criterion).update(score=score)
    SelfAssessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.APPROVED)
    Inspection.objects.filter(scheme=scheme).delete()
    if inspection_scores is not None:
        inspection = services.inspection_assign(
            actor=admin, scheme=scheme, organisation=cast.units["A"], inspectors=[cast.users["city_admin"]]
        )
        for criterion, score in zip((first, second), inspection_scores, strict=True):
            InspectionScore.objects.filter(inspection=inspection, criterion=criterion).update(score=score)
        Inspection.objects.filter(pk=inspection.pk).update(status=InspectionStatus.SUBMITTED)
    scheme = AssessmentScheme.objects.get(pk=scheme.pk)
    services.results_approve(actor=cast.users["leader"], scheme=scheme)
    if stage == "published":
        services.results_publish(actor=cast.users["leader"], scheme=scheme)
    return scheme


@pytest.fixture
def years(portal_cast, monkeypatch):
    """Unit A in three city rounds (班子 40 points, 业绩 60; 自评 50%, 实地检查 50%):

    - 2014, published: 自评 30 + 30 approved; inspection 20 + 30 → per element from the
      inspection: 班子 20/40 = 50.0%, 业绩 30/60 = 50.0%; total 60 × 50% = 30.0 + 50 × 50% = 25.0
      → 55.0;
    - 2015, published: 自评 40 + 45 approved, no inspection → from the 自评: 班子 100.0%, 业绩
      75.0%; total 85 × 50% = 42.5 + 0.0 → 42.5;
    - 2016, approved (审定), not published: 自评 10 + 10; inspection 30 + 30 → 班子 75.0%, 业绩
      50.0%; total 10.0 + 30.0 → 40.0.
    """
    monkeypatch.setattr(selectors, "feature_results", lambda **kw: FeatureResults(0, 0, 0, 0, 0, Decimal(0)))
    cast = portal_cast
    cast.city = cast.campaign.issuing_body
    cast.rounds = {
        2014: _round(cast, 2014, self_scores=(30, 30), inspection_scores=(20, 30), stage="published"),
        2015: _round(cast, 2015, self_scores=(40, 45), inspection_scores=None, stage="published"),
        2016: _round(cast, 2016, self_scores=(10, 10), inspection_scores=(30, 30), stage="approved"),
    }
    return cast


def _numbers(rounds):
    return [
        (r.year, r.total, r.source, [(e.name, e.percent) for e in r.elements], r.published) for r in rounds
    ]


def test_the_unit_sees_its_published_rounds_with_each_element_as_a_percent(years):
    rounds = selectors.scores_over_rounds(organisation=years.units["A"], user=years.users["reporter_a"])

    assert _numbers(rounds) == [
        (2014, Decimal("55.0"), "inspection", [("班子", Decimal("50.0")), ("业绩", Decimal("50.0"))], True),
        (2015, Decimal("42.5"), "self", [("班子", Decimal("100.0")), ("业绩", Decimal("75.0"))], True),
    ]
    assert [(e.points, e.full) for e in rounds[0].elements] == [
        (Decimal(20), Decimal(40)),
        (Decimal(30), Decimal(60)),
    ]


def test_a_unit_never_sees_a_round_whose_results_are_not_published(years):
    rounds = selectors.scores_over_rounds(organisation=years.units["A"], user=years.users["reporter_a"])

    assert 2016 not in [r.year for r in rounds]


@pytest.mark.parametrize("role", ["city_admin", "leader"])
def test_city_administrators_and_leaders_also_see_approved_rounds_not_yet_published(years, role):
    rounds = selectors.scores_over_rounds(organisation=years.units["A"], user=years.users[role])

    assert _numbers(rounds)[2] == (
        2016,
        Decimal("40.0"),
        "inspection",
        [("班子", Decimal("75.0")), ("业绩", Decimal("50.0"))],
        False,
    )


def test_a_round_not_yet_approved_is_left_out_even_for_the_city(years):
    ResultSheet.objects.filter(scheme=years.rounds[2016]).update(status=ResultStatus.COMPUTED, rows=[])
    rounds = selectors.scores_over_rounds(organisation=years.units["A"], user=years.users["city_admin"])

    assert [r.year for r in rounds] == [2014, 2015]


def test_liaison_staff_see_the_totals_and_the_approved_self_assessment_not_the_inspection(years):
    """Liaison staff read the self-assessments of the units they follow, never their inspections."""
    rounds = selectors.scores_over_rounds(organisation=years.units["A"], user=years.users["liaison_p"])

    assert [(r.year, r.total, r.source) for r in rounds] == [
        (2014, Decimal("55.0"), "self"),
        (2015, Decimal("42.5"), "self"),
    ]
    assert [e.percent for e in rounds[0].elements] == [Decimal("75.0"), Decimal("50.0")]


def test_another_unit_sees_the_published_totals_but_no_element(years):
    rounds = selectors.scores_over_rounds(organisation=years.units["A"], user=years.users["reporter_b"])

    assert [(r.year, r.total, r.source) for r in rounds] == [
        (2014, Decimal("55.0"), ""),
        (2015, Decimal("42.5"), ""),
    ]
    assert all(e.percent is None for r in rounds for e in r.elements)


def test_a_unit_without_any_result_has_no_rounds(years):
    assert selectors.scores_over_rounds(organisation=years.units["T1"], user=years.users["city_admin"]) == []


def test_the_queries_do_not_grow_with_the_number_of_rounds(years, django_assert_num_queries):
    user = years.users["city_admin"]
    selectors.scores_over_rounds(organisation=years.units["A"], user=user)  # the membership, cached
    # 1 the sheets with their schemes and campaigns, 2 the criteria with their elements,
    # 3-4 the submitted inspections and their scores, 5-6 the approved 自评 and their scores
    with django_assert_num_queries(6):
        three = selectors.scores_over_rounds(organisation=years.units["A"], user=user)
    ResultSheet.objects.filter(scheme=years.rounds[2016]).delete()
    with django_assert_num_queries(6):
        two = selectors.scores_over_rounds(organisation=years.units["A"], user=user)
    assert (len(three), len(two)) == (3, 2)


# --------------------------------------------------------------------------- the unit's page


def test_the_units_page_shows_the_chart_data_and_the_table_of_its_published_rounds(years):

    response = client_of(years.users["reporter_a"]).get(
        reverse("dashboards:unit", args=[years.units["A"].pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "争六好历年得分" in html
    assert 'data-chart="rounds"' in html and 'id="rounds-table"' in html
    chart = json.loads(html.split('id="chart-rounds" type="application/json">')[1].split("</script>")[0])
    assert chart["labels"] == ["2014年", "2015年"]
    assert chart["total"] == [55.0, 42.5]
    assert chart["elements"] == [
        {"label": "班子", "values": [50.0, 100.0]},
        {"label": "业绩", "values": [50.0, 75.0]},
    ]
    assert '<td class="num">55.0</td>' in html and "75.0%" in html
    assert "已审定，尚未公布" not in html


def test_the_city_sees_the_approved_round_marked_not_yet_published(years):
    response = client_of(years.users["city_admin"]).get(
        reverse("dashboards:unit", args=[years.units["A"].pk])
    )

    html = response.content.decode()
    assert "2016年" in html and "已审定，尚未公布" in html


def test_a_unit_page_without_published_rounds_has_no_section(portal_cast):
    response = client_of(portal_cast.users["reporter_a"]).get(
        reverse("dashboards:unit", args=[portal_cast.units["A"].pk])
    )

    assert response.status_code == 200
    assert "争六好历年得分" not in response.content.decode()
