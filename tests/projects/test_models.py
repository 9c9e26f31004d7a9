"""Invariants of campaigns, projects and 四定 plans, held by the database and by model validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from projects.models import (
    Assignment,
    Campaign,
    FeatureProject,
    Indicator,
    Milestone,
    step_lateness,
    steps_within_deadline,
)
from units.models import Organisation


@pytest.fixture
def city(db) -> Organisation:
    return Organisation.objects.create(name="泉州市妇联", kind=Organisation.Kind.CITY_FEDERATION)


@pytest.fixture
def county(city) -> Organisation:
    return Organisation.objects.create(
        name="晋江市妇联", kind=Organisation.Kind.COUNTY_FEDERATION, parent=city
    )


@pytest.fixture
def campaign(city) -> Campaign:
    return Campaign.objects.create(
        name="争六好、创特色", year=2014, document_number="泉妇〔2013〕81号", issuing_body=city
    )


@pytest.fixture
def project(campaign) -> FeatureProject:
    return FeatureProject.objects.create(
        campaign=campaign, number=7, title="推广实施妇女“三制”", goal="试点至少2个"
    )


@pytest.fixture
def assignment(project, county) -> Assignment:
    return Assignment.objects.create(project=project, unit=county, deadline=datetime.date(2014, 6, 30))


def test_a_number_is_used_once_in_a_campaign(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        FeatureProject.objects.create(campaign=project.campaign, number=7, title="另一个", goal="")


def test_the_same_number_may_return_in_another_campaign(project, city):
    campaign_2015 = Campaign.objects.create(
        name="争六好、创特色", year=2015, document_number="—", issuing_body=city
    )
    FeatureProject.objects.create(campaign=campaign_2015, number=7, title="推广实施妇女“三制”", goal="")
    assert FeatureProject.objects.filter(number=7).count() == 2


def test_a_duplicate_number_is_explained_in_chinese(project):
    duplicate = FeatureProject(campaign=project.campaign, number=7, title="另一个", goal="目标")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "本年度已有该序号的特色项目。" in str(error.value)


def test_a_unit_is_responsible_once_for_a_project(assignment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(project=assignment.project, unit=assignment.unit)


def test_a_step_order_is_used_once_in_an_assignment(assignment):
    Milestone.objects.create(assignment=assignment, order=1, title="摸底")
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(assignment=assignment, order=1, title="试点")


def test_a_step_due_after_the_deadline_is_refused_in_chinese():
    with translation.override("zh-hans"):
        message = step_lateness(due_on=datetime.date(2014, 7, 1), deadline=datetime.date(2014, 6, 30))
    assert message == "完成时间 2014-07-01 晚于定时限 2014-06-30。"


def test_a_step_due_on_the_deadline_is_accepted():
    assert step_lateness(due_on=datetime.date(2014, 6, 30), deadline=datetime.date(2014, 6, 30)) is None


def test_a_plan_without_deadline_may_have_steps_due_any_day():
    steps_within_deadline(deadline=None, steps=[(1, datetime.date(2030, 1, 1))])


def test_the_first_late_step_of_a_plan_is_named():
    steps = [(1, datetime.date(2014, 3, 1)), (2, datetime.date(2014, 6, 20)), (3, datetime.date(2014, 7, 1))]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        steps_within_deadline(deadline=datetime.date(2014, 6, 1), steps=steps)
    assert error.value.message_dict["due_on"] == ["步骤 2 的截止日期 2014-06-20 晚于时限 2014-06-01。"]


def test_an_indicator_target_cannot_be_negative(assignment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            assignment=assignment, name="试点", unit_of_measure="个", target_value=Decimal(-1)
        )


def test_an_indicator_name_is_used_once_in_an_assignment(assignment):
    Indicator.objects.create(assignment=assignment, name="试点", unit_of_measure="个", target_value=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(assignment=assignment, name="试点", unit_of_measure="个", target_value=3)


def test_a_campaign_year_is_a_plausible_year(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(name="争六好、创特色", year=14, document_number="—", issuing_body=city)


def test_natural_keys_find_what_they_name(assignment):
    step = Milestone.objects.create(assignment=assignment, order=1, title="摸底")
    assert Assignment.objects.get_by_natural_key(*assignment.natural_key()) == assignment
    assert Milestone.objects.get_by_natural_key(*step.natural_key()) == step
    assert step.natural_key() == (2014, 7, "晋江市妇联", 1)
