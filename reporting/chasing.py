"""催报: chasing a unit whose report is late, by hand, recorded and at most once a day.

A liaison department of the project, a leader or city staff (``may_chase``) chases one unit for one
late period (``chase_send``) or every late unit of a project for a period (``chase_send_all``). A
period is late for an assignment when it counts as missing (``reporting.calendar.counts_as_missing``:
due before today, nothing submitted or approved). Each chase is a ``Chase`` row; the unit's
reporters get it in their inbox and by e-mail (the outbox of ``reporting.services``), the unit's
group robots (企业微信/钉钉, ``RobotWebhook``) through the robot outbox (``RobotMessage``), which the
worker sends with retries, each message once. At most one chase per assignment, period and day
(Asia/Shanghai): checked in the transaction that holds the assignment's lock, backed by the
constraint ``chase_once_a_day_per_period``. Issue 15, items 1 and 2.
"""

import datetime
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Assignment, FeatureProject, require_open
from quanzhou_women.lib.people import person_name
from quanzhou_women.lib.querysets import Action as Access
from quanzhou_women.lib.typography import nested_quotes
from reporting import calendar as reporting_calendar
from reporting.models import (
    Chase,
    Notification,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    RobotMessage,
    RobotWebhook,
)
from reporting.services import User, WorkflowError, notifications_send, outbox_retry_delay, reporter_users
from units.roles import Role, is_city_admin, membership_of, role_of

NOTE_MAX_LENGTH = 500


# --------------------------------------------------------------------------- who, what is late


def may_chase(user: User, assignment: Assignment) -> bool:
    """Whether ``user`` may chase the unit of ``assignment``: city administrators, leaders, and the
    liaison staff of a department that follows the project (the 2014 table's 市妇联联系部室);
    never a reporter; nobody in a closed round (issue 12 item 6). Issue 15, item 1."""
    if assignment.project.campaign.closed_at is not None:
        return False
    if is_city_admin(user):
        return True
    role = role_of(user)
    if role == Role.LEADER:
        return True
    if role == Role.LIAISON:
        membership = membership_of(user)
        return assignment.project.liaison_departments.filter(pk=membership.organisation_id).exists()
    return False


def may_chase_project(user: User, project: FeatureProject) -> bool:
    """Whether ``user`` may chase the units of ``project`` (the same rule as ``may_chase``)."""
    if project.campaign.closed_at is not None:
        return False
    if is_city_admin(user) or role_of(user) == Role.LEADER:
        return True
    membership = membership_of(user)
    return (
        role_of(user) == Role.LIAISON
        and project.liaison_departments.filter(pk=membership.organisation_id).exists()
    )


def late_periods(assignment: Assignment, today: datetime.date | None = None) -> list[ReportingPeriod]:
    """The periods of the assignment's campaign that are late on ``today`` (Asia/Shanghai): it reports
    for them, they were due before today and no report was submitted or approved. Two queries."""
    today = today or timezone.localdate()
    done = set(
        ProgressReport.objects.filter(
            assignment=assignment, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]
        ).values_list("period_id", flat=True)
    )
    periods = ReportingPeriod.objects.filter(campaign=assignment.project.campaign_id).order_by("starts_on")
    return [
        period
        for period in periods
        if reporting_calendar.counts_as_missing(assignment.deadline, period, period.pk in done, today)
    ]


# --------------------------------------------------------------------------- the record


def _day_text(day: datetime.date) -> str:
    return _("%(month)s/%(day)s") % {"month": day.month, "day": day.day}


def sender_name(chase: Chase) -> str:
    """Who chased, as the record shows it: the sender's organisation (宣传部), else their name."""
    return chase.organisation.name if chase.organisation_id else person_name(chase.actor)


@dataclass
class ChaseRecord:
    """The 催报 of one assignment: how many, the latest; ``text`` is what the cell shows."""

    count: int = 0
    latest: Chase | None = None

    @property
    def text(self) -> str:
        """“已催报 2 次，最近 11月3日 宣传部”, or "" when never chased."""
        if not self.latest:
            return ""
        day = timezone.localdate(self.latest.at)
        return _("Chased %(count)s times, last on %(day)s by %(by)s") % {
            "count": self.count,
            "day": _day_text(day),
            "by": sender_name(self.latest),
        }


def chase_record(assignment: Assignment) -> ChaseRecord:
    """The chase record of ``assignment`` (every period). Two queries (count, latest with sender)."""
    chases = Chase.objects.filter(assignment=assignment)
    latest = chases.select_related("organisation", "actor").order_by("-at", "-pk").first()
    return ChaseRecord(count=chases.count() if latest else 0, latest=latest)


def chase_counts(assignment_ids: list[int]) -> dict[int, tuple[int, datetime.datetime]]:
    """Per assignment id: (number of chases, latest time), for lists of cells. One query."""
    rows = (
        Chase.objects.filter(assignment_id__in=assignment_ids)
        .order_by()
        .values("assignment_id")
        .annotate(count=Count("pk"), latest=Max("at"))
    )
    return {row["assignment_id"]: (row["count"], row["latest"]) for row in rows}


@dataclass(frozen=True)
class LatePeriod:
    """A late period on the 催报 block: the period, today's chase of it (if any) and its sender."""

    period: ReportingPeriod
    chased_today: Chase | None = None

    @property
    def by(self) -> str:
        """Who chased today (“宣传部”), or ""."""
        return sender_name(self.chased_today) if self.chased_today else ""


@dataclass
class ChaseBox:
    """What the 催报 block of a cell page shows: the record, the late periods (with the chase of
    today, if any) and whether the user may chase."""

    assignment: Assignment
    record: ChaseRecord
    may_chase: bool
    periods: list[LatePeriod] = field(default_factory=list)


def chase_box(user: User, assignment: Assignment, today: datetime.date | None = None) -> ChaseBox:
    """The 催报 block of ``assignment`` for ``user`` (already allowed to see it). Queries: the right
    (liaison staff only), the reports and the periods (chasers only), the assignment's chases
    with their senders (a handful: at most one per period and day)."""
    today = today or timezone.localdate()
    allowed = may_chase(user, assignment)
    periods = late_periods(assignment, today) if allowed else []
    chases = list(
        Chase.objects.filter(assignment=assignment)
        .select_related("organisation", "actor")
        .order_by("-at", "-pk")
    )
    chased_today = {chase.period_id: chase for chase in chases if chase.day == today}
    return ChaseBox(
        assignment=assignment,
        record=ChaseRecord(count=len(chases), latest=chases[0] if chases else None),
        may_chase=allowed,
        periods=[LatePeriod(period, chased_today.get(period.pk)) for period in periods],
    )


# --------------------------------------------------------------------------- sending


def _refusal(chase: Chase) -> WorkflowError:
    return WorkflowError(
        _(
            "%(unit)s was already chased for %(period)s today, at %(time)s by %(by)s; "
            "a unit is chased at most once a day per period."
        )
        % {
            "unit": chase.assignment.unit.name,
            "period": chase.period.name,
            "time": timezone.localtime(chase.at).strftime("%H:%M"),
            "by": sender_name(chase),
        }
    )


def _robot_text(chase: Chase) -> str:
    text = _("Chase · %(unit)s: the report on %(project)s for %(period)s was due on %(due_on)s. — %(by)s") % {
        "unit": chase.assignment.unit.name,
        "project": chase.assignment.project,
        "period": chase.period.name,
        "due_on": chase.period.due_on,
        "by": sender_name(chase),
    }
    if chase.note:
        text += "\n" + _("Note: %(note)s") % {"note": chase.note}
    return nested_quotes(text)


def robot_payload(text: str) -> dict:
    """A text message in the group robots' format (企业微信 and 钉钉 alike)."""
    return {"msgtype": "text", "text": {"content": text}}


@transaction.atomic
def chase_send(
    *,
    actor: User,
    assignment: Assignment,
    period: ReportingPeriod,
    note: str = "",
    today: datetime.date | None = None,
) -> Chase:
    """Chase the unit of ``assignment`` for its late report of ``period``; return the ``Chase``.

    The unit's active reporters get a notification (and its e-mail through the outbox), each
    enabled group robot of the unit a ``RobotMessage``; all in this transaction. Raises
    ``PermissionDenied`` unless ``may_chase`` (and the assignment is within the actor's view),
    ``ValidationError`` for a note over ``NOTE_MAX_LENGTH`` characters, ``WorkflowError`` when
    the period is not late or when the unit was already chased for it today (the message says
    when and by whom). Dates in Asia/Shanghai. Issue 15, items 1 and 2.
    """
    if not Assignment.objects.restrict(actor, Access.VIEW).filter(pk=assignment.pk).exists():
        raise PermissionDenied
    require_open(assignment.project.campaign)
    if not may_chase(actor, assignment):
        raise PermissionDenied
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("Note: at most %(limit)s characters (got %(count)s).")
            % {"limit": NOTE_MAX_LENGTH, "count": len(note)}
        )
    # The assignment's row lock serializes two chases of the same unit (SQLite: the write lock).
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("project__campaign", "unit")
        .get(pk=assignment.pk)
    )
    if period.campaign_id != assignment.project.campaign_id:
        raise WorkflowError(
            _("The period %(period)s is not of this project's campaign.") % {"period": period}
        )
    now = timezone.now()
    today = today or timezone.localdate(now)
    earlier = (
        Chase.objects.filter(assignment=assignment, period=period, day=today)
        .select_related("organisation", "actor", "assignment__unit", "period")
        .first()
    )
    if earlier is not None:
        raise _refusal(earlier)
    if period.pk not in {late.pk for late in late_periods(assignment, today)}:
        raise WorkflowError(
            _("The report of %(unit)s for %(period)s is not late: there is nothing to chase.")
            % {"unit": assignment.unit.name, "period": period.name}
        )
    membership = membership_of(actor)
    chase = Chase(
        assignment=assignment,
        period=period,
        actor=actor,
        organisation=membership.organisation if membership else None,
        note=note,
        at=now,
        day=today,
    )
    chase._history_user = actor
    try:
        with transaction.atomic():
            chase.save()
    except IntegrityError:  # a chase committed between the check and the insert
        raise _refusal(
            Chase.objects.select_related("organisation", "actor", "assignment__unit", "period").get(
                assignment=assignment, period=period, day=today
            )
        ) from None
    message = _("Chase: %(by)s asks for your report on %(project)s for %(period)s, due on %(due_on)s.") % {
        "by": sender_name(chase),
        "project": assignment.project,
        "period": period.name,
        "due_on": period.due_on,
    }
    if note:
        message += " " + _("Note: %(note)s") % {"note": note}
    notifications_send(
        recipients=reporter_users(assignment),
        kind=Notification.Kind.CHASE,
        message=message,
        link=reverse("reporting:assignment", args=[assignment.pk]),
        key=f"chase:{chase.pk}",
    )
    _robots_add(chase)
    return chase


def _robots_add(chase: Chase) -> list[RobotMessage]:
    """Write a robot message for each enabled robot of the chased unit and enqueue its delivery."""
    from reporting.tasks import robot_deliver  # tasks call this module: imported when used

    created = []
    text = _robot_text(chase)
    for webhook in RobotWebhook.objects.filter(organisation=chase.assignment.unit_id, enabled=True):
        message = RobotMessage.objects.create(
            webhook=webhook,
            chase=chase,
            key=f"chase:{chase.pk}:robot:{webhook.pk}",
            payload=robot_payload(text),
        )
        robot_deliver.enqueue(message.pk)
        created.append(message)
    return created


@dataclass
class ChaseAllResult:
    """What ``chase_send_all`` did: the chases sent and the units already chased today."""

    sent: list[Chase] = field(default_factory=list)
    already: list[Assignment] = field(default_factory=list)


@transaction.atomic
def chase_send_all(
    *,
    actor: User,
    project: FeatureProject,
    period: ReportingPeriod,
    note: str = "",
    today: datetime.date | None = None,
) -> ChaseAllResult:
    """Chase every unit of ``project`` (within the actor's view) whose report of ``period`` is late;
    units not late are left alone, units already chased today are counted in ``already``.
    Raises ``PermissionDenied`` unless ``may_chase_project``, ``ValidationError`` for a long note,
    ``WorkflowError`` for a period of another campaign. Issue 15, item 1 (bulk 催报)."""
    require_open(project.campaign)
    if not may_chase_project(actor, project):
        raise PermissionDenied
    if period.campaign_id != project.campaign_id:
        raise WorkflowError(
            _("The period %(period)s is not of this project's campaign.") % {"period": period}
        )
    today = today or timezone.localdate()
    result = ChaseAllResult()
    assignments = (
        Assignment.objects.restrict(actor, Access.VIEW)
        .filter(project=project)
        .filter(reporting_calendar.reports_for_q(period.starts_on))
        .select_related("project__campaign", "unit")
        .order_by("unit__display_order", "unit__name", "pk")
    )
    for assignment in assignments:
        if period.pk not in {late.pk for late in late_periods(assignment, today)}:
            continue
        if Chase.objects.filter(assignment=assignment, period=period, day=today).exists():
            result.already.append(assignment)
            continue
        result.sent.append(
            chase_send(actor=actor, assignment=assignment, period=period, note=note, today=today)
        )
    return result


# --------------------------------------------------------------------------- the robot outbox


class RobotRefused(Exception):
    """A robot did not take a message (HTTP error, ``errcode`` not 0, unreadable answer)."""


def _post(url: str, payload: dict) -> None:
    """POST ``payload`` as JSON to a robot; raise ``RobotRefused`` unless it answered ``errcode`` 0."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.ROBOT_WEBHOOK_TIMEOUT_SECONDS) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as error:
        raise RobotRefused(f"HTTP {error.code}") from error
    except (OSError, ValueError) as error:
        raise RobotRefused(f"{type(error).__name__}: {error}") from error
    try:
        answer = json.loads(body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError) as error:
        raise RobotRefused(f"unreadable answer: {body[:200]!r}") from error
    if not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
        raise RobotRefused(f"answer: {answer!r}"[:1000])


def robot_send(*, message_id: int) -> bool:
    """Post one robot message; return whether this call delivered it.

    In one transaction holding the row's lock (``SELECT … FOR UPDATE SKIP LOCKED``; SQLite: the
    write lock), so a message already sent or being sent by another worker is left alone: each is
    delivered once. A refusal counts an attempt, keeps the error, schedules the next try with
    ``services.outbox_retry_delay`` (and enqueues it); it never raises.
    """
    from reporting.tasks import robot_deliver

    with transaction.atomic():
        message = (
            RobotMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .select_related("webhook")
            .first()
        )
        if message is None:
            return False
        now = timezone.now()
        message.attempts += 1
        try:
            if not message.webhook.enabled:
                raise RobotRefused("robot disabled")
            _post(message.webhook.url, message.payload)
        except RobotRefused as error:
            message.last_error = str(error)[:1000]
            message.next_attempt_at = now + outbox_retry_delay(message.attempts)
            message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            robot_deliver.using(run_after=message.next_attempt_at).enqueue(message.pk)
            return False
        message.sent_at = now
        message.save(update_fields=["attempts", "sent_at"])
    return True


def robot_send_due(*, now: datetime.datetime | None = None) -> int:
    """Post every unsent robot message whose next try is due (the worker's sweep); return how many
    were delivered, each in its own ``robot_send`` transaction."""
    now = now or timezone.now()
    due = RobotMessage.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now).values_list(
        "pk", flat=True
    )
    return sum(robot_send(message_id=pk) for pk in list(due))


@transaction.atomic
def robot_webhook_save(*, actor: User, webhook: RobotWebhook) -> RobotWebhook:
    """Create or change a group robot; city administrators only (else ``PermissionDenied``).
    Validates the address (``models.robot_url_validator``) and raises ``ValidationError``."""
    if not is_city_admin(actor):
        raise PermissionDenied
    webhook.full_clean()
    webhook._history_user = actor
    webhook.save()
    return webhook


@transaction.atomic
def robot_webhook_delete(*, actor: User, webhook: RobotWebhook) -> None:
    """Delete a group robot (and its unsent messages); city administrators only."""
    if not is_city_admin(actor):
        raise PermissionDenied
    webhook._history_user = actor
    webhook.delete()
