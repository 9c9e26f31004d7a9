"""Writes to feature projects and their 四定 plans.

Admin forms, spreadsheet imports and commands call these functions; none write the models
directly. Each runs in one transaction and validates before it writes.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone, ProjectLiaison
from units.models import Organisation


def _has_plan(assignment: Assignment) -> bool:
    """Whether the unit has filled in any of its 四定 for the project."""
    return bool(
        assignment.target
        or assignment.deadline
        or assignment.responsible_person
        or assignment.milestones.exists()
        or assignment.indicators.exists()
    )


@transaction.atomic
def feature_project_save(
    *,
    project: FeatureProject | None = None,
    campaign: Campaign,
    number: int,
    title: str,
    goal: str,
    responsible_units: Sequence[Organisation] | None = None,
    liaison_departments: Sequence[Organisation] | None = None,
) -> FeatureProject:
    """Create or update a feature project: one row of the 一览表 (notice 泉妇〔2013〕81号).

    ``responsible_units`` and ``liaison_departments`` replace the current ones when given (None
    leaves them alone). A unit that joins gets an empty ``Assignment``; a unit that leaves loses
    its assignment only while its 四定 are still empty. Raises ``ValidationError`` for a department
    that is not a liaison body, a unit leaving with a filled-in plan, or an invalid project.
    """
    project = project or FeatureProject()
    project.campaign = campaign
    project.number = number
    project.title = title
    project.goal = goal
    project.full_clean()
    project.save()
    if liaison_departments is not None:
        not_liaison = [d.name for d in liaison_departments if not d.is_liaison]
        if not_liaison:
            raise ValidationError(
                {
                    "liaison_departments": _("%(names)s cannot be a liaison department.")
                    % {"names": "、".join(not_liaison)}
                }
            )
        project.liaison_departments.set(liaison_departments)
    if responsible_units is not None:
        wanted = {unit.pk: unit for unit in responsible_units}
        for assignment in project.assignments.select_related("unit"):
            if assignment.unit_id in wanted:
                del wanted[assignment.unit_id]
            elif _has_plan(assignment):
                raise ValidationError(
                    {
                        "responsible_units": _(
                            "%(unit)s has already filled in its plan for this project and cannot be removed "
                            "by an import; remove it in the admin if that is intended."
                        )
                        % {"unit": assignment.unit.name}
                    }
                )
            else:
                assignment.delete()
        for unit in wanted.values():
            assignment_save(project=project, unit=unit)
    return project


@transaction.atomic
def assignment_save(
    *,
    assignment: Assignment | None = None,
    project: FeatureProject,
    unit: Organisation,
    target: str = "",
    deadline: datetime.date | None = None,
    responsible_person: str = "",
    responsible_person_position: str = "",
    responsible_person_phone: str = "",
) -> Assignment:
    """Create or update a unit's assignment to a project with its 四定 (target, deadline, person).

    Steps and indicators have their own functions. Raises ``ValidationError``, e.g. for a deadline
    earlier than a step's due date (定时限).
    """
    assignment = assignment or Assignment()
    assignment.project = project
    assignment.unit = unit
    assignment.target = target
    assignment.deadline = deadline
    assignment.responsible_person = responsible_person
    assignment.responsible_person_position = responsible_person_position
    assignment.responsible_person_phone = responsible_person_phone
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def milestone_save(
    *,
    milestone: Milestone | None = None,
    assignment: Assignment,
    order: int,
    title: str,
    due_on: datetime.date | None,
) -> Milestone:
    """Create or update a step (定步骤) of an assignment; ``due_on`` no later than its deadline.

    Raises ``ValidationError``.
    """
    milestone = milestone or Milestone()
    milestone.assignment = assignment
    milestone.order = order
    milestone.title = title
    milestone.due_on = due_on
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def indicator_save(
    *,
    indicator: Indicator | None = None,
    assignment: Assignment,
    name: str,
    unit_of_measure: str,
    target_value: Decimal,
) -> Indicator:
    """Create or update a measurable target (指标) of an assignment; raises ``ValidationError``."""
    indicator = indicator or Indicator()
    indicator.assignment = assignment
    indicator.name = name
    indicator.unit_of_measure = unit_of_measure
    indicator.target_value = target_value
    indicator.full_clean()
    indicator.save()
    return indicator


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
