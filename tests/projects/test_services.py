"""The writers of projects (``projects.services``): the admin's project page and the 一览表 import
go through them, with the actor whose scope they check."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from projects import services
from projects.models import Assignment, Campaign, FeatureProject
from units.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db) -> User:
    """The city administrator who writes."""
    return User.objects.create_superuser("city", "city@example.com", "pw")


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def test_saving_a_project_creates_empty_assignments_for_its_new_units(campaign_2014, city):
    project = services.feature_project_save(
        actor=city,
        campaign=Campaign.objects.get(year=2014),
        number=11,
        title="家庭教育指导服务进社区",
        goal="每个县建成示范点1个",
        responsible_units=[org("石狮市妇联"), org("鲤城区妇联")],
        liaison_departments=[org("儿童部")],
    )

    assert [a.unit.name for a in project.assignments.all()] == ["鲤城区妇联", "石狮市妇联"]
    assert all(a.target == "" and a.deadline is None for a in project.assignments.all())


def test_a_body_that_is_not_a_liaison_cannot_follow_a_project(campaign_2014, city):
    project = FeatureProject.objects.get(number=1)

    with pytest.raises(ValidationError, match="晋江市妇联"):
        services.feature_project_save(
            actor=city,
            project=project,
            campaign=project.campaign,
            number=1,
            title=project.title,
            goal=project.goal,
            liaison_departments=[org("晋江市妇联")],
        )


def test_a_unit_with_a_filled_in_plan_is_not_dropped_from_a_project(campaign_2014, city):
    project = FeatureProject.objects.get(number=8)
    Assignment.objects.filter(project=project).update(deadline=datetime.date(2014, 12, 31))

    with pytest.raises(ValidationError, match="石狮市妇联"):
        services.feature_project_save(
            actor=city,
            project=project,
            campaign=project.campaign,
            number=8,
            title=project.title,
            goal=project.goal,
            responsible_units=[org("晋江市妇联")],
        )


def test_leaving_units_and_departments_out_keeps_them(campaign_2014, city):
    project = FeatureProject.objects.get(number=1)

    services.feature_project_save(
        actor=city, project=project, campaign=project.campaign, number=1, title="新标题", goal=project.goal
    )

    assert project.responsible_units.count() == 3
    assert project.liaison_departments.count() == 2


def test_only_a_city_administrator_changes_a_project(campaign_2014, outsider):
    project = FeatureProject.objects.get(number=1)

    with pytest.raises(PermissionDenied):
        services.feature_project_save(
            actor=outsider, project=project, campaign=project.campaign, number=1, title="改", goal="改"
        )
    with pytest.raises(PermissionDenied):
        services.assignment_add(actor=outsider, project=project, unit=org("石狮市妇联"))
    project.refresh_from_db()
    assert project.title != "改"
