"""Deleting a body or project that has dependants is refused with a Chinese message, never cascaded."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from projects.models import Assignment, Campaign, FeatureProject
from reporting.models import ProgressReport
from reporting.services import periods_ensure
from units.models import Organisation


def test_deleting_an_organisation_with_assignments_in_code_raises_and_keeps_everything(carried_assignment):
    with pytest.raises(ProtectedError):
        carried_assignment.unit.delete()

    assert Organisation.objects.filter(name="惠安县妇联").exists()
    assert Assignment.objects.filter(pk=carried_assignment.pk).exists()


def test_the_admin_refuses_to_delete_an_organisation_with_assignments_in_chinese(
    admin_client, carried_assignment
):
    county = carried_assignment.unit
    url = reverse("admin:units_organisation_delete", args=[county.pk])

    page = admin_client.get(url)
    answer = admin_client.post(url, {"post": "yes"})

    for response in (page, answer):
        text = response.content.decode()
        assert response.status_code == 200
        assert "将要求删除以下受保护的相关对象" in text
        assert str(carried_assignment) in text or "王丽" in text or "巾帼文明岗" in text
        assert 'type="submit"' not in text.split('id="deleted-objects"')[1].split("</form>")[0]
    assert Organisation.objects.filter(pk=county.pk).exists()
    assert Assignment.objects.filter(pk=carried_assignment.pk).exists()


def test_the_admin_bulk_delete_refuses_organisations_with_dependants_in_chinese(
    admin_client, carried_assignment
):
    city = carried_assignment.project.campaign.issuing_body
    chosen = [city.pk, carried_assignment.unit.pk]

    answer = admin_client.post(
        reverse("admin:units_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
    )

    assert "将要求删除以下受保护的相关对象" in answer.content.decode()
    assert Organisation.objects.filter(pk__in=chosen).count() == 2


@pytest.fixture
def reported_project(campaign_2014):
    """Project 8 (one unit, 石狮市妇联) with a draft report for the first period of 2014."""
    campaign = Campaign.objects.get(year=2014)
    periods_ensure(campaign=campaign)
    assignment = Assignment.objects.get(project__number=8)
    ProgressReport.objects.create(assignment=assignment, period=campaign.reporting_periods.first())
    return assignment.project


def test_the_admin_refuses_to_delete_a_project_that_has_reports(admin_client, reported_project):
    url = reverse("admin:projects_featureproject_delete", args=[reported_project.pk])
    answer = admin_client.post(url, {"post": "yes"})

    assert "将要求删除以下受保护的相关对象" in answer.content.decode()
    assert FeatureProject.objects.filter(pk=reported_project.pk).exists()
    assert ProgressReport.objects.filter(assignment__project=reported_project).count() == 1


def test_deleting_a_unit_with_reports_in_code_keeps_every_report(reported_project):
    with pytest.raises(ProtectedError):
        reported_project.assignments.get().delete()
    assert ProgressReport.objects.count() == 1


def test_a_project_without_reports_can_still_be_deleted_with_its_assignments(admin_client, campaign_2014):
    project = FeatureProject.objects.get(number=10)
    admin_client.post(reverse("admin:projects_featureproject_delete", args=[project.pk]), {"post": "yes"})
    assert not FeatureProject.objects.filter(number=10).exists()
    assert not Assignment.objects.filter(project__number=10).exists()
