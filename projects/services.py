"""Writes to feature projects and their 四定 plans.

Admin forms, spreadsheet imports and commands call these functions; none write the models
directly. Each takes the ``actor``, checks the change scope (``restrict(actor, "change")``), runs in
one transaction and validates before it writes. The 四定 content of an assignment (target,
deadline, person, steps, indicators) is written by ``reporting.services.plan_update``, which owns
the plan's lock (``reporting.Plan``).
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone, ProjectLiaison
from units.models import Organisation, below
from units.roles import federation_of
from units.services import require_change, validated_save


def _has_plan(assignment: Assignment) -> bool:
    """Whether the unit has filled in any of its 四定 for the project."""
    return bool(
        assignment.target
        or assignment.deadline
        or assignment.responsible_person
        or assignment.milestones.exists()
        or assignment.indicators.exists()
    )


def feature_project_fields(project: FeatureProject) -> dict:
    """The project's own fields as they stand on the instance, as keyword arguments of
    ``feature_project_save`` (for doors that edit an instance first: the admin form, the import)."""
    return {
        "campaign": project.campaign,
        "number": project.number,
        "title": project.title,
        "goal": project.goal,
    }


def responsible_units_check(units: Sequence[Organisation], field: str = "responsible_units") -> None:
    """Refuse a department of the city federation among ``units``: departments liaise with the
    projects, the federations and committees carry them (the 责任单位 and 市妇联联系部室 columns of
    the 一览表, notice 泉妇〔2013〕81号). Raises ``ValidationError`` on ``field`` naming every such
    department; returns nothing."""
    departments = [unit.name for unit in units if unit.kind == Organisation.Kind.DEPARTMENT]
    if departments:
        raise ValidationError(
            {
                field: _(
                    "“%(names)s” is a department of the city federation, which liaises with projects; "
                    "it cannot be a responsible unit."
                )
                % {"names": "、".join(departments)}
            }
        )


def is_city_round(campaign: Campaign) -> bool:
    """Whether ``campaign`` is a round of the city federation (its issuing body is the city's
    federation), as opposed to a county's or township's round for the level below (issue 13)."""
    return campaign.issuing_body.kind == Organisation.Kind.CITY_FEDERATION


def round_units_check(
    campaign: Campaign, units: Sequence[Organisation], field: str = "responsible_units"
) -> None:
    """Refuse, in a round issued below the city, a responsible unit that does not lie below the
    issuing federation (a county's projects go to its townships, a township's to its villages:
    "一级带着一级干", issue 13 item 2). Raises ``ValidationError`` on ``field`` naming every such
    unit; the city's round accepts every unit ``responsible_units_check`` accepts."""
    if is_city_round(campaign) or not units:
        return
    inside = set(
        Organisation.objects.filter(
            below(campaign.issuing_body_id), pk__in=[unit.pk for unit in units]
        ).values_list("pk", flat=True)
    )
    outside = [unit.name for unit in units if unit.pk not in inside]
    if outside:
        raise ValidationError(
            {
                field: _("“%(names)s” is not below %(issuer)s, which issues this round.")
                % {"names": "、".join(outside), "issuer": campaign.issuing_body.name}
            }
        )


def require_own_round(actor, campaign: Campaign) -> None:
    """Raise ``PermissionDenied`` when a federation administrator names a round its federation does
    not issue (a project moved into another body's round); other actors pass (their scope is
    checked by ``require_change``)."""
    federation = federation_of(actor)
    if federation is not None and campaign.issuing_body_id != federation:
        raise PermissionDenied


@transaction.atomic
def feature_project_save(
    *,
    actor,
    project: FeatureProject | None = None,
    campaign: Campaign,
    number: int,
    title: str,
    goal: str,
    responsible_units: Sequence[Organisation] | None = None,
    liaison_departments: Sequence[Organisation] | None = None,
) -> FeatureProject:
    """Create or update a feature project: one row of the 一览表 (notice 泉妇〔2013〕81号); the one
    writer of ``FeatureProject``, its ``ProjectLiaison`` links and which units carry it (the admin's
    project page and the 一览表 import call it).

    ``actor`` must be allowed to change projects (city administrators, ``FeatureProject.objects.
    restrict``), else ``PermissionDenied``. ``responsible_units`` and ``liaison_departments`` replace
    the current ones when given (None leaves them alone). A unit that joins gets an empty
    ``Assignment`` (``assignment_add``); a unit that leaves loses its assignment only while its 四定
    are still empty. A project of a closed round (or put into one) raises ``ReadOnlyError`` (“该轮次
    已结束，只能查看。”). Raises ``ValidationError`` for a department that is not a liaison body, a unit
    leaving with a filled-in plan, or an invalid project.

    A federation administrator writes the projects of its own federation's rounds (issue 13 item
    3); in a round issued below the city the units must lie below the issuing federation
    (``round_units_check``) and no liaison department is named: the issuing federation itself is
    the liaison body (``units/roles.py``).
    """
    require_change(actor, FeatureProject, project, issuing_body=campaign.issuing_body_id)
    require_change(actor, Campaign, campaign)  # its 一览表 changes: refused in a closed round
    require_own_round(actor, campaign)
    project = project or FeatureProject()
    project.campaign = campaign
    project.number = number
    project.title = title
    project.goal = goal
    validated_save(project, actor=actor)
    if liaison_departments and not is_city_round(campaign):
        raise ValidationError(
            {
                "liaison_departments": _(
                    "A round of %(issuer)s names no liaison departments: %(issuer)s itself reviews it."
                )
                % {"issuer": campaign.issuing_body.name}
            }
        )
    if liaison_departments is not None:
        not_liaison = [d.name for d in liaison_departments if not d.is_liaison]
        if not_liaison:
            raise ValidationError(
                {
                    "liaison_departments": _("%(names)s cannot be a liaison department.")
                    % {"names": "、".join(not_liaison)}
                }
            )
        wanted = {department.pk for department in liaison_departments}
        for link in ProjectLiaison.objects.filter(project=project).exclude(department__in=wanted):
            link._history_user = actor
            link.delete()
        present = set(ProjectLiaison.objects.filter(project=project).values_list("department", flat=True))
        for department in liaison_departments:
            if department.pk not in present:
                link = ProjectLiaison(project=project, department=department)
                link._history_user = actor
                link.save()
    if responsible_units is not None:
        responsible_units_check(responsible_units)
        round_units_check(campaign, responsible_units)
        wanted = {unit.pk: unit for unit in responsible_units}
        for assignment in project.assignments.select_related("unit"):
            if assignment.unit_id in wanted:
                del wanted[assignment.unit_id]
            elif _has_plan(assignment):
                raise ValidationError(
                    {
                        "responsible_units": _(
                            "%(unit)s has already filled in its plan for this project and cannot be removed "
                            "here; if that is intended, delete its assignment on the assignments page."
                        )
                        % {"unit": assignment.unit.name}
                    }
                )
            else:
                assignment._history_user = actor
                assignment.delete()
        for unit in wanted.values():
            assignment_add(actor=actor, project=project, unit=unit)
    return project


@transaction.atomic
def assignment_add(*, actor, project: FeatureProject, unit: Organisation) -> Assignment:
    """Make ``unit`` responsible for ``project``: a new, empty ``Assignment`` (its 四定 are then
    written by ``reporting.services.plan_update``). Only who may change the project (city
    administrators) may add a unit: ``PermissionDenied``. Raises ``ValidationError`` for a unit
    already responsible or a unit that cannot carry projects (a department), or, in a round issued
    below the city, a unit not below the issuing federation."""
    require_change(actor, FeatureProject, project)
    responsible_units_check([unit], field="unit")
    round_units_check(project.campaign, [unit], field="unit")
    assignment = Assignment(project=project, unit=unit)
    return validated_save(assignment, actor=actor)


HISTORY_MODELS = (Organisation, Campaign, FeatureProject, ProjectLiaison, Assignment, Milestone, Indicator)


@transaction.atomic
def history_start(*, reason: str) -> int:
    """Give every row that has no history yet a first "created" record, with ``reason``.

    Rows loaded with ``loaddata`` (raw saves) have no history; without a first record their
    first change could not show what it changed. Returns the number of records written.
    """
    written = 0
    for model in HISTORY_MODELS:
        missing = model.objects.exclude(pk__in=model.history.values("id"))
        written += len(model.history.bulk_history_create(list(missing), default_change_reason=reason))
    return written


@transaction.atomic
def record_delete(*, actor, record: Campaign | FeatureProject | Assignment) -> None:
    """Delete a campaign, project or assignment in the actor's change scope (``PermissionDenied``
    otherwise). Records others depend on are protected by the database (``ProtectedError``: a
    campaign with projects, an assignment with reports)."""
    require_change(actor, type(record), record)
    record._history_user = actor
    record.delete()
