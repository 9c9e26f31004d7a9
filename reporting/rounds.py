"""A new round of the campaign started from an earlier one, and a round closed (issue 12, items 1, 6).

``round_start`` copies the feature projects of ``source`` into a new campaign, with their
responsible units and liaison departments and, if asked, each unit's 四定 as a draft plan with
every date a year later; ``round_preview`` gives the same counts without writing; ``round_close``
makes a round read-only for everybody (the ``restrict(user, "change")`` rules leave closed rounds out).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Assignment, Campaign, FeatureProject, require_open
from projects.services import feature_project_save
from reporting.services import IndicatorRow, MilestoneRow, campaign_save, plan_of, plan_update
from units.models import Organisation
from units.services import require_change, validated_save


@dataclass
class RoundCounts:
    """What a new round holds: projects, assignments, liaison links, steps and indicators."""

    projects: int = 0
    assignments: int = 0
    liaison_links: int = 0
    steps: int = 0
    indicators: int = 0


def counts_text(counts: RoundCounts) -> str:
    """The counts in Chinese, e.g. "10个特色项目、29项责任分工、12个挂钩部门联系、0个步骤、0项指标"."""
    return _(
        "%(projects)d feature projects, %(assignments)d assignments, %(links)d liaison links, "
        "%(steps)d steps, %(indicators)d indicators"
    ) % {
        "projects": counts.projects,
        "assignments": counts.assignments,
        "links": counts.liaison_links,
        "steps": counts.steps,
        "indicators": counts.indicators,
    }


def _a_year_later(day: datetime.date | None) -> datetime.date | None:
    """``day`` one year later (29 February becomes 28 February)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass
class CarriedProject:
    """One project of ``source`` as the new round will hold it: the old project, the responsible
    units and liaison departments carried over, and the old assignments whose 四定 are copied."""

    old: FeatureProject
    units: list[Organisation]
    departments: list[Organisation]
    plans: list[Assignment] = field(default_factory=list)


def round_selection(
    *,
    source: Campaign,
    numbers=None,
    units: dict[int, list[Organisation]] | None = None,
    departments: dict[int, list[Organisation]] | None = None,
    copy_plans: bool = False,
) -> list[CarriedProject]:
    """What a new round carries over from ``source``: the one selection ``round_preview`` counts and
    ``round_start`` writes (issue 12, item 1).

    ``numbers``: the 序号 of the projects carried over (``None``: all). ``units`` and
    ``departments``: per 序号 the responsible units and liaison departments carried over, each among
    the project's own (a 序号 missing from the dict, or ``None``: all of them). With ``copy_plans``
    the old assignments of the units carried over are listed for their 四定 to be copied. Reads
    only.
    """
    projects = source.projects.prefetch_related(
        "liaison_departments", "assignments__unit", "assignments__milestones", "assignments__indicators"
    )
    carried = []
    for project in projects:
        if numbers is not None and project.number not in numbers:
            continue
        old_assignments = list(project.assignments.all())
        old_departments = list(project.liaison_departments.all())
        chosen_units = {u.pk for u in (units or {}).get(project.number, [a.unit for a in old_assignments])}
        chosen_departments = {d.pk for d in (departments or {}).get(project.number, old_departments)}
        kept = [a for a in old_assignments if a.unit_id in chosen_units]
        carried.append(
            CarriedProject(
                old=project,
                units=[a.unit for a in kept],
                departments=[d for d in old_departments if d.pk in chosen_departments],
                plans=kept if copy_plans else [],
            )
        )
    return carried


def round_preview(**selection) -> RoundCounts:
    """The counts ``round_start`` would create, for the arguments of ``round_selection``
    (``source``, ``numbers``, ``units``, ``departments``, ``copy_plans``); writes nothing."""
    counts = RoundCounts()
    for carried in round_selection(**selection):
        counts.projects += 1
        counts.assignments += len(carried.units)
        counts.liaison_links += len(carried.departments)
        for assignment in carried.plans:
            counts.steps += len(assignment.milestones.all())
            counts.indicators += len(assignment.indicators.all())
    return counts


#: Sent by ``round_start`` inside its transaction, once the new round holds its projects, with
#: ``source``, ``campaign`` (the new round) and ``actor``: what apps to the right of ``reporting``
#: carry over from one round to the next is theirs to copy (the 考评细则: ``assessments.apps``). A
#: receiver's error rolls the whole new round back.
round_started = Signal()


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
    units: dict[int, list[Organisation]] | None = None,
    departments: dict[int, list[Organisation]] | None = None,
    copy_plans: bool = False,
    actor,
) -> Campaign:
    """Start the round of ``year`` from ``source`` in one transaction and return the new campaign.

    Carries over what ``round_selection`` selects (``numbers``, ``units``, ``departments``: see
    there) through the writers of each record: the campaign by ``campaign_save`` (its history
    starts with the reason "复制自2014年"), each project with its units and departments by
    ``feature_project_save``; with ``copy_plans`` each unit's target, deadline, responsible person,
    steps and indicators by ``plan_update``, every date a year later, the plan a *draft* for the
    unit to revise and submit again (never submitted or confirmed). Without ``copy_plans`` the 四定
    are left empty. The new round keeps the source's issuing body (a county's round starts the
    county's next round). City administrators, or a federation administrator of that issuing body
    (issue 13; ``PermissionDenied``); ``ValidationError`` for an invalid campaign (e.g. a year the
    issuing body already uses); on any error nothing is written.
    """
    require_change(actor, Campaign, None, issuing_body=source.issuing_body_id)
    selection = round_selection(
        source=source, numbers=numbers, units=units, departments=departments, copy_plans=copy_plans
    )
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
    for carried in selection:
        project = feature_project_save(
            actor=actor,
            campaign=campaign,
            number=carried.old.number,
            title=carried.old.title,
            goal=carried.old.goal,
            responsible_units=carried.units,
            liaison_departments=carried.departments,
        )
        for old_assignment in carried.plans:
            _plan_copy(old_assignment, project.assignments.get(unit=old_assignment.unit), actor)
    round_started.send(sender=Campaign, source=source, campaign=campaign, actor=actor)
    return campaign


def _plan_copy(old: Assignment, new: Assignment, actor) -> None:
    """Copy the 四定 of ``old`` into the empty ``new`` assignment through ``plan_update``, every date
    a year later; the new plan is a draft (``plan_of``). An empty ``old`` leaves ``new`` as it is
    (no plan record: "not filled in")."""
    steps, indicators = list(old.milestones.all()), list(old.indicators.all())
    if not (old.target or old.deadline or old.responsible_person or steps or indicators):
        return
    plan_update(
        assignment=new,
        actor=actor,
        version=None,
        target=old.target,
        deadline=_a_year_later(old.deadline),
        responsible_person=old.responsible_person,
        responsible_person_position=old.responsible_person_position,
        responsible_person_phone=old.responsible_person_phone,
        milestones=[MilestoneRow(None, step.order, step.title, _a_year_later(step.due_on)) for step in steps],
        indicators=[
            IndicatorRow(None, indicator.name, indicator.target_value, indicator.unit_of_measure)
            for indicator in indicators
        ],
    )
    plan_of(new)  # the new assignment's first plan record: a draft


@transaction.atomic
def round_close(*, campaign: Campaign, actor) -> Campaign:
    """Close ``campaign``: from now on read-only for everybody, its 一览表 and 台账 as they stand.
    City administrators only (``PermissionDenied``, also for a round already closed)."""
    require_change(actor, Campaign, campaign)
    require_open(campaign)
    campaign.closed_at = timezone.now()
    return validated_save(campaign, actor=actor)
