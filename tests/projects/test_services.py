"""The write services every import goes through."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import services
from projects.models import Assignment, Campaign, FeatureProject
from units.models import Organisation

pytestmark = pytest.mark.django_db


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def test_saving_a_project_creates_empty_assignments_for_its_new_units(campaign_2014):
    project = services.feature_project_save(
        campaign=Campaign.objects.get(year=2014),
        number=11,
        title="家庭教育指导服务进社区",
        goal="每个县建成示范点1个",
        responsible_units=[org("石狮市妇联"), org("鲤城区妇联")],
        liaison_departments=[org("儿童部")],
    )

    assert [a.unit.name for a in project.assignments.all()] == ["鲤城区妇联", "石狮市妇联"]
    assert all(a.target == "" and a.deadline is None for a in project.assignments.all())


def test_a_body_that_is_not_a_liaison_cannot_follow_a_project(campaign_2014):
    project = FeatureProject.objects.get(number=1)

    with pytest.raises(ValidationError, match="晋江市妇联"):
        services.feature_project_save(
            project=project,
            campaign=project.campaign,
            number=1,
            title=project.title,
            goal=project.goal,
            liaison_departments=[org("晋江市妇联")],
        )


def test_a_unit_with_a_filled_in_plan_is_not_dropped_from_a_project(campaign_2014):
    project = FeatureProject.objects.get(number=8)
    Assignment.objects.filter(project=project).update(deadline=datetime.date(2014, 12, 31))

    with pytest.raises(ValidationError, match="石狮市妇联"):
        services.feature_project_save(
            project=project,
            campaign=project.campaign,
            number=8,
            title=project.title,
            goal=project.goal,
            responsible_units=[org("晋江市妇联")],
        )


def test_leaving_units_and_departments_out_keeps_them(campaign_2014):
    project = FeatureProject.objects.get(number=1)

    services.feature_project_save(
        project=project, campaign=project.campaign, number=1, title="新标题", goal=project.goal
    )

    assert project.responsible_units.count() == 3
    assert project.liaison_departments.count() == 2


def test_a_step_after_the_deadline_is_refused(campaign_2014):
    assignment = services.assignment_save(
        assignment=Assignment.objects.get(project__number=7, unit__name="晋江市妇联"),
        project=FeatureProject.objects.get(number=7),
        unit=org("晋江市妇联"),
        deadline=datetime.date(2014, 12, 31),
    )

    with pytest.raises(ValidationError):
        services.milestone_save(
            assignment=assignment, order=1, title="总结", due_on=datetime.date(2015, 1, 1)
        )
    step = services.milestone_save(
        assignment=assignment, order=1, title="总结", due_on=datetime.date(2014, 12, 1)
    )
    assert step.pk


def test_indicators_are_validated_before_they_are_written(campaign_2014):
    assignment = Assignment.objects.get(project__number=7, unit__name="晋江市妇联")

    with pytest.raises(ValidationError):
        services.indicator_save(
            assignment=assignment, name="试点", unit_of_measure="个", target_value=Decimal("-1")
        )
    indicator = services.indicator_save(
        assignment=assignment, name="试点", unit_of_measure="个", target_value=Decimal(2)
    )
    assert indicator.target_value == 2
