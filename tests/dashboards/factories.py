"""Small builders of campaign data for the dashboard tests (test data is built in code)."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone
from reporting.models import IndicatorValue, MilestoneProgress, ProgressReport, ReportingPeriod, ReportStatus
from units.models import Membership, Organisation


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """An aware moment on ``day`` in Asia/Shanghai."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def organisation(
    name: str, kind: str = Organisation.Kind.COUNTY_FEDERATION, order: int = 100, **extra
) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, display_order=order, **extra)


def department(name: str, order: int = 10) -> Organisation:
    return organisation(name, Organisation.Kind.DEPARTMENT, order, is_liaison=True)


def campaign(year: int = 2024, issuing_body: Organisation | None = None) -> Campaign:
    """A quarterly campaign with its four periods, each due ten days after it ends; issued by the
    city federation, or by ``issuing_body`` (a county's own round, named after it)."""
    city, _ = Organisation.objects.get_or_create(
        name="泉州市妇联", defaults={"kind": Organisation.Kind.CITY_FEDERATION, "display_order": 1}
    )
    if issuing_body is None:
        result = Campaign.objects.create(
            name="争六好、创特色", year=year, document_number="泉妇〔2013〕81号", issuing_body=city
        )
    else:
        result = Campaign.objects.create(
            name=f"{issuing_body.name}争六好、创特色",
            year=year,
            document_number=f"{issuing_body.name}〔{year}〕1号",
            issuing_body=issuing_body,
        )
    ends = [(3, 31), (6, 30), (9, 30), (12, 31)]
    for quarter, (month, day) in enumerate(ends, start=1):
        ends_on = datetime.date(year, month, day)
        ReportingPeriod.objects.create(
            campaign=result,
            name=f"第{quarter}季度",
            starts_on=datetime.date(year, month - 2, 1),
            ends_on=ends_on,
            due_on=ends_on + datetime.timedelta(days=10),
        )
    return result


def project(campaign: Campaign, number: int, title: str, departments=()) -> FeatureProject:
    result = FeatureProject.objects.create(
        campaign=campaign, number=number, title=title, goal=f"{title}的创建目标"
    )
    result.liaison_departments.set(departments)
    return result


def assignment(project, unit, deadline=None, steps=(), indicators=(), **extra) -> Assignment:
    """An assignment with steps ``(title, due_on)`` and indicators ``(name, target)``."""
    result = Assignment.objects.create(
        project=project, unit=unit, deadline=deadline, target=f"{unit.name}的目标", **extra
    )
    for order, (title, due_on) in enumerate(steps, start=1):
        Milestone.objects.create(assignment=result, order=order, title=title, due_on=due_on)
    for name, target in indicators:
        Indicator.objects.create(
            assignment=result, name=name, unit_of_measure="个", target_value=Decimal(target)
        )
    return result


def report(
    assignment,
    quarter: int,
    percent: int,
    submitted_on: datetime.date | None,
    status: str = ReportStatus.SUBMITTED,
    reviewed_on: datetime.date | None = None,
    done_steps=(),
    values=None,
) -> ProgressReport:
    """A report for the campaign's ``quarter`` (1–4), submitted and reviewed on the given days."""
    period = ReportingPeriod.objects.filter(campaign=assignment.project.campaign).order_by("starts_on")[
        quarter - 1
    ]
    result = ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        status=status,
        percent_complete=percent,
        progress="按计划推进",
        submitted_at=at(submitted_on) if submitted_on else None,
        reviewed_at=at(reviewed_on) if reviewed_on else None,
    )
    for milestone in assignment.milestones.all():
        MilestoneProgress.objects.create(
            report=result,
            milestone=milestone,
            state=MilestoneProgress.State.DONE
            if milestone.order in done_steps
            else MilestoneProgress.State.IN_PROGRESS,
        )
    for name, value in (values or {}).items():
        IndicatorValue.objects.create(
            report=result, indicator=assignment.indicators.get(name=name), actual_value=Decimal(value)
        )
    return result


def user(
    username: str,
    role: str | None = None,
    organisation: Organisation | None = None,
    password: str | None = None,
) -> User:
    """A user with a membership (unless ``role`` is None); no password unless given (hashing is slow)."""
    result = User.objects.create_user(username, f"{username}@example.com", password)
    if role is not None:
        Membership.objects.create(user=result, organisation=organisation, role=role)
    return result
