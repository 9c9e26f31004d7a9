"""The workflow's permissions: who may take which step on a plan or a report, and the portal's
short-cuts for reading records in the user's scope.

What a user may *see* or *change* is decided with the data: every model's queryset has
``restrict(user, action)`` (``quanzhou_women/lib/querysets.py``; the rules in ``projects.models``
``AssignmentScopedQuerySet`` and the other querysets). This module adds the workflow steps
(``can``/``require``). Roles come from ``units.roles`` (one organisation and one role per user):

- city administrator (a superuser, or role ``city_admin``): sees and changes everything;
- leader: sees everything, changes nothing;
- liaison department staff: the projects their department follows (``liaison_departments``);
  they review reports and confirm plans there, and write nothing else;
- responsible-unit reporter: the assignments, plans and reports of their own organisation; they
  edit their plan while it is a draft and their reports while draft or returned;
- federation administrator: the liaison of the rounds their own federation issues — they confirm
  the plans and review the reports there (the issuing federation is the liaison body of a round
  issued below the city, ``units/roles.py``);
- anybody else (no membership, inactive): nothing.

Read scope is a queryset filter (``Model.objects.restrict(user)``); a record outside it is "not found"
(404), so that guessing URLs tells nothing. An action on a visible record that the role may not
take is "forbidden" (403): ``require`` raises ``PermissionDenied``.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.models import Assignment
from quanzhou_women.lib.querysets import Action as Access
from quanzhou_women.lib.querysets import read_only
from reporting.models import Evidence, Plan, PlanStatus, ProgressReport, ReportStatus
from units.roles import Role, User, federation_of, is_city_admin, membership_of, role_of, sees_everything

VIEW = Access.VIEW
__all__ = ["federation_of", "is_city_admin", "membership_of", "role_of", "sees_everything"]


class Action(StrEnum):
    """Things a user can do to a plan or a report."""

    EDIT_PLAN = "edit_plan"
    SUBMIT_PLAN = "submit_plan"
    CONFIRM_PLAN = "confirm_plan"  # also: return the plan, reopen a confirmed plan
    EDIT_REPORT = "edit_report"  # also: upload and delete evidence
    SUBMIT_REPORT = "submit_report"
    REVIEW_REPORT = "review_report"  # approve or return


def can(user: User, action: Action, obj: Assignment | ProgressReport) -> bool:
    """Whether the user may take ``action`` on a record they can see (plans: the assignment).

    Checks role and organisation only — whether the record's state allows the step is the
    services' business (they raise ``WorkflowError``). Confirming plans and reviewing reports: the
    project's liaison departments' staff, or, in a round issued below the city, the issuing
    federation's administrators. Callers must load ``obj`` through the ``*_for`` querysets first.
    Nobody takes any step in a closed round (the campaign as loaded with ``obj``; ``require`` asks
    the database).
    """
    assignment = obj if isinstance(obj, Assignment) else obj.assignment
    if assignment.project.campaign.closed_at is not None:
        return False
    if is_city_admin(user):
        return True
    membership = membership_of(user)
    if membership is None or membership.role == Role.LEADER:
        return False
    if action in {Action.EDIT_PLAN, Action.SUBMIT_PLAN, Action.EDIT_REPORT, Action.SUBMIT_REPORT}:
        return membership.role == Role.REPORTER and assignment.unit_id == membership.organisation_id
    if action in {Action.CONFIRM_PLAN, Action.REVIEW_REPORT}:
        if membership.role == Role.FEDERATION_ADMIN:
            return assignment.project.campaign.issuing_body_id == membership.organisation_id
        return (
            membership.role == Role.LIAISON
            and assignment.project.liaison_departments.filter(pk=membership.organisation_id).exists()
        )
    return False


def require(user: User, action: Action, obj: Assignment | ProgressReport) -> None:
    """Raise ``PermissionDenied`` (HTTP 403) unless ``can(user, action, obj)``; for a record of a
    closed round (read from the database) ``ReadOnlyError``, whose text says so (“该轮次已结束，
    只能查看。”), whoever asks. Every workflow step of ``reporting.services`` calls it first."""
    refusal = read_only(obj)
    if refusal is not None:
        raise refusal
    if not can(user, action, obj):
        raise PermissionDenied


def get_assignment(user: User, pk: int) -> Assignment:
    """The assignment ``pk`` if the user may read it, with project, campaign and unit; else 404."""
    return get_object_or_404(
        Assignment.objects.restrict(user, VIEW).select_related("project__campaign", "unit"), pk=pk
    )


def get_report(user: User, pk: int) -> ProgressReport:
    """The report ``pk`` if the user may read it, with assignment and period; else 404."""
    return get_object_or_404(
        ProgressReport.objects.restrict(user, VIEW).select_related(
            "assignment__project__campaign", "assignment__unit", "period__campaign"
        ),
        pk=pk,
    )


def get_evidence(user: User, pk: int) -> Evidence:
    """The evidence file ``pk`` if the user may download it; else 404."""
    return get_object_or_404(Evidence.objects.restrict(user, VIEW).select_related("report"), pk=pk)


def report_is_editable_by_unit(report: ProgressReport) -> bool:
    """Draft and returned reports are open to the unit; submitted and approved ones are locked."""
    return report.status in {ReportStatus.DRAFT, ReportStatus.RETURNED}


def plan_is_editable_by_unit(plan: Plan | None) -> bool:
    """A plan is open to the unit while it is a draft; submitted and confirmed plans are locked."""
    return plan is None or plan.status == PlanStatus.DRAFT
