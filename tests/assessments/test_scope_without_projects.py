"""A unit assessed in a round reads that round's 争六好 scheme and, once published, its results,
with or without a feature project in the round (issue 14, scope fix): ``responsible_units``
assesses every county-level federation of the city's round, so such a county must open its own
自评 and see the 通报. A county not assessed there and a township below the assessed county see
nothing of it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import AssessmentScheme, Criterion, ResultSheet, SelfAssessment
from projects.models import Campaign
from quanzhou_women.lib.querysets import Action
from tests.cast import organisation, user
from units.models import Membership, Organisation
from units.roles import membership_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def world(db, settings, tmp_path):
    """The city's 2015 round without any feature project; county C (with a township TC below it)
    exists when the scheme is issued, so C is assessed; county D comes later and is not."""
    settings.MEDIA_ROOT = tmp_path / "media"
    kind = Organisation.Kind
    role = Membership.Role
    city = organisation("泉州市妇联", kind.CITY_FEDERATION, display_order=1)
    county = organisation("南安市妇联", parent=city, display_order=105)
    township = organisation("水头镇妇联", kind.TOWNSHIP_FEDERATION, parent=county)
    campaign = Campaign.objects.create(name="争六好、创特色", year=2015, issuing_body=city)
    admin = user("city_admin", city, role.CITY_ADMIN, is_staff=True)
    scheme = services.scheme_save(actor=admin, scheme=AssessmentScheme(campaign=campaign))
    services.criterion_save(
        actor=admin,
        criterion=Criterion(
            scheme=scheme, group=scheme.groups.first(), order=1, title="班子建设考评内容", points=100
        ),
    )
    scheme = services.scheme_issue(actor=admin, scheme=scheme, on=datetime.date(2015, 1, 10))
    other = organisation("德化县妇联", parent=city, display_order=110)  # after the issue: not assessed
    return {
        "admin": admin,
        "scheme": scheme,
        "county": county,
        "assessment": SelfAssessment.objects.get(scheme=scheme, organisation=county),
        "reporter": user("reporter_c", county, role.REPORTER),
        "county_admin": user("admin_c", county, role.FEDERATION_ADMIN, is_staff=True),
        "township_reporter": user("reporter_tc", township, role.REPORTER),
        "other_reporter": user("reporter_d", other, role.REPORTER),
    }


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publish(world) -> None:
    services.results_approve(actor=world["admin"], scheme=world["scheme"])
    services.results_publish(actor=world["admin"], scheme=world["scheme"])


def test_the_county_without_a_project_is_assessed_and_reads_the_scheme(world):
    scheme, reporter = world["scheme"], world["reporter"]
    assert not Campaign.objects.restrict(reporter).filter(pk=scheme.campaign_id).exists()  # no project

    assert list(AssessmentScheme.objects.restrict(reporter)) == [scheme]
    assert Criterion.objects.restrict(reporter).filter(scheme=scheme).count() == 1
    assert list(AssessmentScheme.objects.restrict(world["county_admin"])) == [scheme]
    # Reading only: the scheme stays the city administrators' to change.
    assert not AssessmentScheme.objects.restrict(reporter, Action.CHANGE).exists()
    assert not AssessmentScheme.objects.restrict(world["county_admin"], Action.CHANGE).exists()


def test_the_scheme_is_read_in_one_query(world, django_assert_num_queries):
    """The assessed units come in a subquery of the one query (the membership is looked up once
    per user and kept)."""
    membership_of(world["reporter"])
    with django_assert_num_queries(1):
        assert len(list(AssessmentScheme.objects.restrict(world["reporter"]))) == 1


def test_the_reporter_lists_and_edits_its_own_self_assessment(world):
    client = client_of(world["reporter"])
    assessment = world["assessment"]

    listing = client.get(reverse("assessments:list"))
    assert listing.status_code == 200
    assert listing.context["scheme"] == world["scheme"]
    assert [row.pk for row in listing.context["rows"]] == [assessment.pk]

    detail = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert detail.status_code == 200
    edit = client.get(reverse("assessments:edit", args=[assessment.pk]))
    assert edit.status_code == 200
    assert "班子建设考评内容" in edit.content.decode()
    assert SelfAssessment.objects.restrict(world["reporter"], Action.CHANGE).filter(pk=assessment.pk).exists()


def test_results_only_after_publication_with_the_own_explanation(world):
    client = client_of(world["reporter"])
    url = reverse("assessments:results")
    campaign = world["scheme"].campaign_id
    document = f"{url}?campaign={campaign}&format=results_docx"

    before = client.get(url)
    assert before.status_code == 200
    assert before.context["scheme"] == world["scheme"]
    assert before.context["rows"] == [] and before.context["own"] is None
    refused = client.get(document)
    assert refused.status_code == 200 and refused["Content-Type"].startswith("text/html")

    services.results_approve(actor=world["admin"], scheme=world["scheme"])
    approved = client.get(url)
    assert approved.context["rows"] == [] and approved.context["own"] is None
    assert client.get(document)["Content-Type"].startswith("text/html")

    services.results_publish(actor=world["admin"], scheme=world["scheme"])
    after = client.get(url)
    county = world["county"].pk
    assert [row["organisation"] for row in after.context["rows"]] == [county]
    assert after.context["own"]["organisation"] == county
    assert "南安市妇联" in after.content.decode()
    download = client.get(document)
    assert download.status_code == 200
    assert download["Content-Type"] == DOCX


def test_the_county_administrator_reads_the_published_results(world):
    publish(world)
    response = client_of(world["county_admin"]).get(reverse("assessments:results"))

    assert response.context["scheme"] == world["scheme"]
    assert response.context["own"]["organisation"] == world["county"].pk


@pytest.mark.parametrize("who", ["other_reporter", "township_reporter"])
def test_a_unit_not_assessed_there_sees_nothing_of_it(world, who):
    publish(world)
    reader = world[who]
    client = client_of(reader)

    assert not AssessmentScheme.objects.restrict(reader).exists()
    assert not Criterion.objects.restrict(reader).exists()
    listing = client.get(reverse("assessments:list"))
    assert listing.context["scheme"] is None and listing.context["rows"] == []
    assert client.get(reverse("assessments:detail", args=[world["assessment"].pk])).status_code == 404
    assert client.get(reverse("assessments:edit", args=[world["assessment"].pk])).status_code == 404
    results = client.get(reverse("assessments:results"))
    assert results.context["scheme"] is None and results.context["rows"] == []
    assert "南安市妇联" not in results.content.decode()
    document = client.get(
        f"{reverse('assessments:results')}?campaign={world['scheme'].campaign_id}&format=results_docx"
    )
    assert document["Content-Type"].startswith("text/html")
    assert ResultSheet.objects.get(scheme=world["scheme"]).status == "published"
