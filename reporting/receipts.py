"""下发 / 签收: a round's tasks issued to the units, and each unit's receipt (issue 15, item 3).

Chinese supervision work moves 交办 (assign) → 签收 (sign for receipt) → 办理 → 报送 → 审核 → 办结;
the portal records the first two steps in ``TaskReceipt`` (one per assignment):

- ``round_issue``: the city administrator issues every assignment of a campaign that is not yet
  issued; each unit with newly issued tasks gets one notification per reporter (inbox and the
  e-mail outbox, ``services.notifications_send``) and a message to each of its group robots (the
  robot outbox of ``reporting.chasing``). Issuing again issues only assignments added since, so a
  unit is told of each task once.
- ``receipt_sign``: the unit's reporter signs 「签收」 explicitly;
- ``receipt_open``: the reporter's first opening of the task page or its 四定 plan counts as
  receipt. It is a write on GET, through this one function, idempotent (a locked re-read: a second
  opening, or two at once, write nothing) and free of queries when there is nothing to write on
  the task page (the receipt is read with the assignment, ``selectors.assignments_with_reports``).

A received task's clock starts at ``received_at`` (已签收 N 天 on the unit page). Dates in
Asia/Shanghai.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Assignment, Campaign, require_open, year_label
from quanzhou_women.lib.typography import nested_quotes
from reporting.models import Notification, RobotMessage, RobotWebhook, TaskReceipt
from reporting.services import User, WorkflowError, notifications_send, reporter_users
from units.roles import Role, membership_of
from units.services import require_change


@dataclass
class IssueResult:
    """What ``round_issue`` did: the receipts written (tasks newly issued), the units told, and how
    many tasks had been issued before."""

    issued: list[TaskReceipt] = field(default_factory=list)
    units: int = 0
    already: int = 0


def issue_preview(campaign: Campaign) -> tuple[int, int]:
    """(tasks to issue, tasks already issued) of ``campaign``: what ``round_issue`` would do. Two
    queries; writes nothing."""
    assignments = Assignment.objects.filter(project__campaign=campaign)
    already = assignments.filter(receipt__isnull=False).count()
    return assignments.count() - already, already


def _message(campaign: Campaign, assignments: list[Assignment]) -> str:
    projects = "".join(f"“{assignment.project.short_label}”" for assignment in assignments)
    return _(
        "%(issuer)s has issued the tasks of %(year)s: %(projects)s. Please open them in My tasks and sign for receipt."
    ) % {
        "issuer": campaign.issuing_body.name,
        "year": year_label(campaign.year),
        "projects": projects,
    }


@transaction.atomic
def round_issue(*, actor: User, campaign: Campaign) -> IssueResult:
    """下发任务: issue every assignment of ``campaign`` not yet issued; return an ``IssueResult``.

    Who: whoever may change the campaign (``units.services.require_change``: city administrators,
    who act for the campaign's issuing body — the portal has no separate role for a county's
    administrator); else ``PermissionDenied``; a closed round also ``PermissionDenied``. Writes a
    ``TaskReceipt`` per newly issued assignment and tells each unit concerned once: every active
    reporter a notification (and its e-mail through the outbox), key
    ``issue:<campaign>:<unit>:<first new receipt>``, and each enabled group robot of the unit a
    message. Idempotent: issuing twice writes and tells nothing the second time. Serialized by the
    campaign's row lock (SQLite: the write lock). Issue 15, item 3.
    """
    require_change(actor, Campaign, campaign)
    campaign = Campaign.objects.select_for_update().select_related("issuing_body").get(pk=campaign.pk)
    require_open(campaign)
    now = timezone.now()
    result = IssueResult()
    pending = list(
        Assignment.objects.filter(project__campaign=campaign, receipt__isnull=True)
        .select_related("project__campaign", "unit")
        .order_by("unit__display_order", "unit__name", "project__number", "pk")
    )
    result.already = Assignment.objects.filter(project__campaign=campaign, receipt__isnull=False).count()
    by_unit: dict[int, list[tuple[Assignment, TaskReceipt]]] = defaultdict(list)
    for assignment in pending:
        receipt = TaskReceipt(assignment=assignment, issued_at=now, issued_by=actor)
        receipt._history_user = actor
        receipt.save()
        result.issued.append(receipt)
        by_unit[assignment.unit_id].append((assignment, receipt))
    link = reverse("reporting:tasks") + f"?campaign={campaign.pk}"
    for unit_id, rows in by_unit.items():
        assignments = [assignment for assignment, _receipt in rows]
        key = f"issue:{campaign.pk}:{unit_id}:{rows[0][1].pk}"
        message = _message(campaign, assignments)
        notifications_send(
            recipients=reporter_users(assignments[0]),
            kind=Notification.Kind.ISSUED,
            message=message,
            link=link,
            key=key,
        )
        _robots_add(unit_id, key, message)
        result.units += 1
    return result


def _robots_add(unit_id: int, key: str, text: str) -> None:
    """A message to each enabled group robot of the unit, through the robot outbox of ``chasing``."""
    from reporting.chasing import robot_payload
    from reporting.tasks import robot_deliver  # tasks call the services: imported when used

    for webhook in RobotWebhook.objects.filter(organisation=unit_id, enabled=True):
        message = RobotMessage.objects.create(
            webhook=webhook, key=f"{key}:robot:{webhook.pk}", payload=robot_payload(nested_quotes(text))
        )
        robot_deliver.enqueue(message.pk)


def is_unit_reporter(user: User, assignment: Assignment) -> bool:
    """Whether ``user`` is a reporter of the assignment's responsible unit: the one who signs."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.REPORTER
        and membership.organisation_id == assignment.unit_id
    )


def _receive(receipt_id: int, actor: User, how: str) -> TaskReceipt | None:
    """Mark the receipt received by ``actor`` unless it already is (a locked re-read); the receipt
    written, or ``None`` when there was nothing to write."""
    receipt = TaskReceipt.objects.select_for_update().filter(pk=receipt_id, received_at__isnull=True).first()
    if receipt is None:
        return None
    receipt.received_at = timezone.now()
    receipt.received_by = actor
    receipt.how = how
    receipt._history_user = actor
    receipt.save()
    return receipt


def receipt_of(assignment: Assignment) -> TaskReceipt | None:
    """The assignment's receipt, from the preloaded relation when there is one (no query)."""
    try:
        return assignment.receipt
    except TaskReceipt.DoesNotExist:
        return None


@transaction.atomic
def receipt_sign(*, actor: User, assignment: Assignment) -> TaskReceipt:
    """「签收」: the unit's reporter signs for the issued task ``assignment``; returns the receipt.

    ``PermissionDenied`` unless ``actor`` is a reporter of the assignment's unit and may change it
    (an open round, ``restrict(actor, "change")``); ``WorkflowError`` when the task was not issued.
    Signing a task already received (opened or signed) changes nothing and returns it as it is.
    Issue 15, item 3.
    """
    if not is_unit_reporter(actor, assignment):
        raise PermissionDenied
    receipt = TaskReceipt.objects.filter(assignment=assignment).first()
    if receipt is None:
        raise WorkflowError(
            _("The task %(project)s has not been issued yet: there is nothing to sign for.")
            % {"project": f"“{assignment.project.short_label}”"}
        )
    require_change(actor, TaskReceipt, receipt)
    return _receive(receipt.pk, actor, TaskReceipt.How.SIGNED) or TaskReceipt.objects.get(pk=receipt.pk)


def receipt_open(*, actor: User, assignment: Assignment) -> TaskReceipt | None:
    """The implicit receipt: the unit's reporter opened the issued task (its page or its 四定 plan).

    Marks the receipt received (``how`` = opened) when ``actor`` is a reporter of the unit, the task
    is issued, not yet received and in an open round; otherwise writes nothing and returns ``None``
    (never raises: a page view must not fail on it). No query when the assignment was loaded with
    its receipt (``select_related("receipt")``) and nothing is to be written. Issue 15, item 3.
    """
    if not is_unit_reporter(actor, assignment):
        return None
    receipt = receipt_of(assignment)
    if receipt is None or receipt.received_at is not None:
        return None
    if assignment.project.campaign.closed_at is not None:
        return None
    with transaction.atomic():
        written = _receive(receipt.pk, actor, TaskReceipt.How.OPENED)
    if written is not None:
        assignment.receipt = written
    return written
