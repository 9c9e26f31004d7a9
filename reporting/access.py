"""Who may see and do what: the one place that decides scope, used by every page, admin list,
export and download.

Roles come from ``units.Membership`` (one organisation and one role per user):

- city administrator (a superuser, or role ``city_admin``): sees and changes everything;
- leader: sees everything, changes nothing;
- liaison department staff: the projects their department follows (``liaison_departments``);
  they review reports and confirm plans there, and write nothing else;
- responsible-unit reporter: the assignments, plans and reports of their own organisation; they
  edit their plan while it is a draft and their reports while draft or returned;
- anybody else (no membership, inactive): nothing.

Read scope is a queryset filter (``assignments_for`` …); a record outside it is "not found"
(404), so that guessing URLs tells nothing. An action on a visible record that the role may not
take is "forbidden" (403): ``require`` raises ``PermissionDenied``.
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone
from reporting.models import Evidence, Plan, PlanStatus, ProgressReport, ReportStatus
from units.models import Membership, Organisation

User = AbstractBaseUser | AnonymousUser
Role = Membership.Role


class Action(StrEnum):
    """Things a user can do to a plan or a report."""

    EDIT_PLAN = "edit_plan"
    SUBMIT_PLAN = "submit_plan"
    CONFIRM_PLAN = "confirm_plan"  # also: return the plan, reopen a confirmed plan
    EDIT_REPORT = "edit_report"  # also: upload and delete evidence
    SUBMIT_REPORT = "submit_report"
    REVIEW_REPORT = "review_report"  # approve or return


def membership_of(user: User) -> Membership | None:
    """The user's membership, or ``None`` (anonymous, inactive, or no organisation). Cached on the user."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_membership_cache"):
        user._membership_cache = Membership.objects.select_related("organisation").filter(user=user).first()
    return user._membership_cache


def role_of(user: User) -> Role | None:
    """The user's role; a superuser without a membership is a city administrator."""
    membership = membership_of(user)
    if membership is not None:
        return Role(membership.role)
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Role.CITY_ADMIN
    return None


def sees_everything(user: User) -> bool:
    """City administrators and leaders read every record."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or role_of(user) in {Role.CITY_ADMIN, Role.LEADER})
    )


def is_city_admin(user: User) -> bool:
    """Superusers and users with the city administrator role."""
    return (
        user.is_authenticated and user.is_active and (user.is_superuser or role_of(user) == Role.CITY_ADMIN)
    )


def _scoped(queryset: QuerySet, user: User, prefix: str) -> QuerySet:
    """Filter ``queryset`` to the user's assignments, reached through the lookup ``prefix``."""
    if sees_everything(user):
        return queryset
    membership = membership_of(user)
    if membership is None:
        return queryset.none()
    if membership.role == Role.LIAISON:
        # A project can have two liaison departments, but one user belongs to one: no duplicates.
        return queryset.filter(**{f"{prefix}project__liaison_departments": membership.organisation_id})
    if membership.role == Role.REPORTER:
        return queryset.filter(**{f"{prefix}unit": membership.organisation_id})
    return queryset.none()


def assignments_for(user: User) -> QuerySet[Assignment]:
    """The assignments (and so 四定 plans) the user may read."""
    return _scoped(Assignment.objects.all(), user, "")


def plans_for(user: User) -> QuerySet[Plan]:
    """The plan confirmation records the user may read."""
    return _scoped(Plan.objects.all(), user, "assignment__")


def reports_for(user: User) -> QuerySet[ProgressReport]:
    """The progress reports the user may read."""
    return _scoped(ProgressReport.objects.all(), user, "assignment__")


def evidence_for(user: User) -> QuerySet[Evidence]:
    """The evidence files the user may download."""
    return _scoped(Evidence.objects.all(), user, "report__assignment__")


def milestones_for(user: User) -> QuerySet[Milestone]:
    """The plan steps the user may read."""
    return _scoped(Milestone.objects.all(), user, "assignment__")


def indicators_for(user: User) -> QuerySet[Indicator]:
    """The plan indicators the user may read."""
    return _scoped(Indicator.objects.all(), user, "assignment__")


def projects_for(user: User) -> QuerySet[FeatureProject]:
    """The feature projects the user may read: those of their visible assignments."""
    if sees_everything(user):
        return FeatureProject.objects.all()
    return FeatureProject.objects.filter(pk__in=assignments_for(user).values("project"))


def campaigns_for(user: User) -> QuerySet[Campaign]:
    """The campaigns the user may read: those of their visible projects."""
    if sees_everything(user):
        return Campaign.objects.all()
    return Campaign.objects.filter(pk__in=projects_for(user).values("campaign"))


def organisations_for(user: User) -> QuerySet[Organisation]:
    """The organisations the user may read: their own and those of their visible assignments."""
    if sees_everything(user):
        return Organisation.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(pk=membership.organisation_id) | Q(pk__in=assignments_for(user).values("unit"))
    )


def can(user: User, action: Action, obj: Assignment | ProgressReport) -> bool:
    """Whether the user may take ``action`` on a record they can see (plans: the assignment).

    Checks role and organisation only — whether the record's state allows the step is the
    services' business (they raise ``WorkflowError``). Callers must load ``obj`` through the
    ``*_for`` querysets first.
    """
    if is_city_admin(user):
        return True
    membership = membership_of(user)
    if membership is None or membership.role == Role.LEADER:
        return False
    assignment = obj if isinstance(obj, Assignment) else obj.assignment
    if action in {Action.EDIT_PLAN, Action.SUBMIT_PLAN, Action.EDIT_REPORT, Action.SUBMIT_REPORT}:
        return membership.role == Role.REPORTER and assignment.unit_id == membership.organisation_id
    if action in {Action.CONFIRM_PLAN, Action.REVIEW_REPORT}:
        return (
            membership.role == Role.LIAISON
            and assignment.project.liaison_departments.filter(pk=membership.organisation_id).exists()
        )
    return False


def require(user: User, action: Action, obj: Assignment | ProgressReport) -> None:
    """Raise ``PermissionDenied`` (HTTP 403) unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied


def get_assignment(user: User, pk: int) -> Assignment:
    """The assignment ``pk`` if the user may read it, with project, campaign and unit; else 404."""
    return get_object_or_404(assignments_for(user).select_related("project__campaign", "unit"), pk=pk)


def get_report(user: User, pk: int) -> ProgressReport:
    """The report ``pk`` if the user may read it, with assignment and period; else 404."""
    return get_object_or_404(
        reports_for(user).select_related("assignment__project__campaign", "assignment__unit", "period"), pk=pk
    )


def get_evidence(user: User, pk: int) -> Evidence:
    """The evidence file ``pk`` if the user may download it; else 404."""
    return get_object_or_404(evidence_for(user).select_related("report"), pk=pk)


def report_is_editable_by_unit(report: ProgressReport) -> bool:
    """Draft and returned reports are open to the unit; submitted and approved ones are locked."""
    return report.status in {ReportStatus.DRAFT, ReportStatus.RETURNED}


def plan_is_editable_by_unit(plan: Plan | None) -> bool:
    """A plan is open to the unit while it is a draft; submitted and confirmed plans are locked."""
    return plan is None or plan.status == PlanStatus.DRAFT


def admin_queryset(user: User, queryset: QuerySet) -> QuerySet:
    """Scope an admin list to the user: superusers see everything, other staff only their scope.

    Used by the ``get_queryset`` of the admins in ``projects``, ``units`` and ``reporting``; a
    record outside the scope then does not exist for that user's admin (change pages included).
    """
    if user.is_superuser or sees_everything(user):
        return queryset
    model = queryset.model
    scopes = {
        Assignment: assignments_for,
        Plan: plans_for,
        ProgressReport: reports_for,
        Evidence: evidence_for,
        Milestone: milestones_for,
        Indicator: indicators_for,
        FeatureProject: projects_for,
        Campaign: campaigns_for,
        Organisation: organisations_for,
    }
    scope = scopes.get(model)
    if scope is None:  # e.g. memberships: only for those who see everything
        return queryset.none()
    return queryset.filter(pk__in=scope(user).values("pk"))


class ScopedAdminMixin:
    """Admin mixin: limit lists, change pages and autocompletes to the user's scope.

    Put it before the ``ModelAdmin`` base class; it filters ``get_queryset`` by ``admin_queryset``.
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return admin_queryset(request.user, super().get_queryset(request))
