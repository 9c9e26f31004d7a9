"""A new round of the campaign started from an earlier one, and a round closed (issue 12, items 1, 6).

``round_start`` copies the feature projects of ``source`` into a new campaign, with their
responsible units and liaison departments and, if asked, each unit's 四定 as a draft plan with
every date a year later; ``round_preview`` gives the same counts without writing; ``round_close``
makes a round read-only for everybody (the ``restrict(user, "change")`` rules leave closed rounds out).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone, require_open
from projects.services import feature_project_save
from reporting.services import campaign_save
from units.services import require_change, validated_save


@dataclass
class RoundCounts:
    """What a new round holds: projects, assignments, liaison links, steps and indicators."""

    projects: int = 0
    assignments: int = 0
    liaison_links: int = 0
    steps: int = 0
    indicators: int = 0


def _a_year_later(day: datetime.date | None) -> datetime.date | None:
    """``day`` one year later (29 February becomes 28 February)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _projects(source: Campaign, numbers) -> list[FeatureProject]:
    projects = source.projects.prefetch_related("liaison_departments", "assignments__unit")
    return [p for p in projects if numbers is None or p.number in numbers]


def round_preview(*, source: Campaign, numbers=None, copy_plans: bool = False) -> RoundCounts:
    """The counts ``round_start`` would create from ``source`` (``numbers``: the 序号 carried over,
    ``None`` all); writes nothing."""
    counts = RoundCounts()
    for project in _projects(source, numbers):
        counts.projects += 1
        counts.liaison_links += len(project.liaison_departments.all())
        for assignment in project.assignments.all():
            counts.assignments += 1
            if copy_plans:
                counts.steps += assignment.milestones.count()
                counts.indicators += assignment.indicators.count()
    return counts


@transaction.atomic
def round_start(
    *,
    source: Campaign,
    year: int,
    name: str,
    document_number: str,
    document_title: str = "",
    issued_on: datetime.date | None = None,
    reporting_cadence: str | None = None,
    numbers=None,
    copy_plans: bool = False,
    actor,
) -> Campaign:
    """Start the round of ``year`` from ``source`` in one transaction and return the new campaign.

    Carries over the projects numbered in ``numbers`` (``None``: all) with their responsible units
    and liaison departments; with ``copy_plans`` each unit's target, deadline, responsible person,
    steps and indicators are copied as a draft plan, every date a year later. City administrators
    only (``PermissionDenied``); ``ValidationError`` for an invalid campaign (e.g. a year in use).
    """
    require_change(actor, Campaign, None)
    campaign = Campaign(
        name=name,
        year=year,
        document_number=document_number,
        document_title=document_title,
        issued_on=issued_on,
        issuing_body=source.issuing_body,
        overview_table_title=source.overview_table_title.replace(str(source.year), str(year)),
        reporting_cadence=reporting_cadence or source.reporting_cadence,
    )
    campaign._change_reason = f"复制自{source.year}年"
    campaign_save(actor=actor, campaign=campaign)
    for old in _projects(source, numbers):
        project = feature_project_save(
            actor=actor,
            campaign=campaign,
            number=old.number,
            title=old.title,
            goal=old.goal,
            responsible_units=[a.unit for a in old.assignments.all()],
            liaison_departments=list(old.liaison_departments.all()),
        )
        if copy_plans:
            for old_assignment in old.assignments.all():
                _plan_copy(old_assignment, project.assignments.get(unit=old_assignment.unit), actor)
    return campaign


def _plan_copy(old: Assignment, new: Assignment, actor) -> None:
    """Copy the 四定 of ``old`` into the empty ``new`` assignment, dates a year later (a draft)."""
    new.target = old.target
    new.deadline = _a_year_later(old.deadline)
    new.responsible_person = old.responsible_person
    new.responsible_person_position = old.responsible_person_position
    new.responsible_person_phone = old.responsible_person_phone
    validated_save(new, actor=actor)
    for step in old.milestones.all():
        validated_save(
            Milestone(assignment=new, order=step.order, title=step.title, due_on=_a_year_later(step.due_on)),
            actor=actor,
        )
    for indicator in old.indicators.all():
        validated_save(
            Indicator(
                assignment=new,
                name=indicator.name,
                unit_of_measure=indicator.unit_of_measure,
                target_value=indicator.target_value,
            ),
            actor=actor,
        )


@transaction.atomic
def round_close(*, campaign: Campaign, actor) -> Campaign:
    """Close ``campaign``: from now on read-only for everybody, its 一览表 and 台账 as they stand.
    City administrators only (``PermissionDenied``, also for a round already closed)."""
    require_change(actor, Campaign, campaign)
    require_open(campaign)
    campaign.closed_at = timezone.now()
    return validated_save(campaign, actor=actor)
