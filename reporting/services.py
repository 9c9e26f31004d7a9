"""Every write of progress reporting: periods, 四定 plans, reports, evidence, reviews, notifications.

Views, the admin and management commands call these functions; nothing else writes these
records. Each function is keyword-only, runs in one transaction, checks the actor's rights through
``reporting.access`` (raising ``PermissionDenied``) and the record's state (raising
``WorkflowError`` with a Chinese message for the user). The later of two concurrent saves of the
same plan or report raises ``ConcurrentEditError``: nothing is silently overwritten.
"""

import calendar
import datetime
import errno
import smtplib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from projects.models import (
    Assignment,
    Campaign,
    FeatureProject,
    Indicator,
    Milestone,
    closed_round_error,
    steps_within_deadline,
)
from projects.services import responsible_units_check
from quanzhou_women.lib import admin_writes
from quanzhou_women.lib.bulk import bulk_update_rows
from quanzhou_women.lib.querysets import Action as Access
from quanzhou_women.lib.stored_files import StoredFile
from quanzhou_women.lib.typography import join_clauses, nested_quotes
from reporting import access
from reporting import calendar as reporting_calendar
from reporting.access import Action
from reporting.evidence import check_evidence_file
from reporting.models import (
    Evidence,
    IndicatorValue,
    MilestoneProgress,
    Notification,
    OutboxEmail,
    Plan,
    PlanStatus,
    PlanTransition,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    ReportTransition,
)
from units.models import Membership
from units.services import require_change, validated_save

User = AbstractBaseUser
StoredFileRow = TypeVar("StoredFileRow", bound=StoredFile)


class WorkflowError(Exception):
    """A step the record's state does not allow (e.g. approving a draft); the message is for the user."""


class ConcurrentEditError(WorkflowError):
    """Somebody else saved the same plan or report since this user opened it."""


admin_writes.USER_ERRORS.append(WorkflowError)  # the admin shows the refusal as a message


# --------------------------------------------------------------------------- reporting periods

#: Months per period for each cadence of ``Campaign.ReportingCadence``.
_CADENCE_MONTHS = {
    Campaign.ReportingCadence.MONTHLY: 1,
    Campaign.ReportingCadence.QUARTERLY: 3,
    Campaign.ReportingCadence.HALF_YEARLY: 6,
}


def _period_name(cadence: str, index: int) -> str:
    if cadence == Campaign.ReportingCadence.MONTHLY:
        return _("Month %(n)s") % {"n": index}
    if cadence == Campaign.ReportingCadence.QUARTERLY:
        return _("Quarter %(n)s") % {"n": index}
    return _("First half") if index == 1 else _("Second half")


def period_bounds(
    *, year: int, cadence: str
) -> list[tuple[str, datetime.date, datetime.date, datetime.date]]:
    """The periods of a year for a cadence: (name, first day, last day, due date).

    The due date is the last day plus ``settings.REPORTING_DUE_DAYS`` days.
    """
    months = _CADENCE_MONTHS[Campaign.ReportingCadence(cadence)]
    bounds = []
    for index, first_month in enumerate(range(1, 13, months), start=1):
        last_month = first_month + months - 1
        starts_on = datetime.date(year, first_month, 1)
        ends_on = datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
        due_on = ends_on + datetime.timedelta(days=settings.REPORTING_DUE_DAYS)
        bounds.append((_period_name(cadence, index), starts_on, ends_on, due_on))
    return bounds


@transaction.atomic
def periods_ensure(*, campaign: Campaign) -> list[ReportingPeriod]:
    """Create the campaign's missing reporting periods from its cadence; return all its periods.

    Existing periods (and their reports) are kept; run again after the cadence changed, periods of
    the old cadence that have no report are removed.
    """
    with translation.override(settings.LANGUAGE_CODE):  # names are stored in the portal's language
        wanted = period_bounds(year=campaign.year, cadence=campaign.reporting_cadence)
    starts = {starts_on for _name, starts_on, _ends, _due in wanted}
    campaign.reporting_periods.exclude(starts_on__in=starts).filter(reports__isnull=True).delete()
    for name, starts_on, ends_on, due_on in wanted:
        ReportingPeriod.objects.update_or_create(
            campaign=campaign,
            starts_on=starts_on,
            defaults={"name": name, "ends_on": ends_on, "due_on": due_on},
        )
    return list(campaign.reporting_periods.order_by("starts_on"))


# --------------------------------------------------------------------------- notifications


def liaison_users(assignment: Assignment) -> list[User]:
    """Active liaison staff of the departments that follow the assignment's project, and the
    administrators of the issuing federation (the liaison body of a round issued below the city)."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model().objects.filter(
            Q(
                membership__role=Membership.Role.LIAISON,
                membership__organisation__in=assignment.project.liaison_departments.all(),
            )
            | Q(
                membership__role=Membership.Role.FEDERATION_ADMIN,
                membership__organisation=assignment.project.campaign.issuing_body_id,
            ),
            is_active=True,
        )
    )


def reporter_users(assignment: Assignment) -> list[User]:
    """Active reporters of the assignment's responsible unit."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model().objects.filter(
            is_active=True,
            membership__role=Membership.Role.REPORTER,
            membership__organisation=assignment.unit,
        )
    )


def notifications_send(
    *, recipients: Iterable[User], kind: str, message: str, link: str = "", key: str = ""
) -> list[Notification]:
    """Put a message in each recipient's portal inbox and its e-mail in the outbox.

    Runs inside the caller's transaction: the notification, its ``OutboxEmail`` (for a recipient
    with an address) and the task that sends it (``reporting.tasks.outbox_deliver``, a row of
    django-tasks-db) are written together with the action, or not at all. Nothing is sent here,
    so a mail outage cannot fail the action. With a ``key`` (a reminder), a recipient who already
    got that key gets nothing, also when two runs race for it: each reminder goes out once.
    The message's nested quotes are set right (``quanzhou_women.lib.typography.nested_quotes``).
    Returns the notifications created.
    """
    message = nested_quotes(message)  # “7. 推广实施妇女‘三制’”, not “…“三制””
    if not key:  # one insert for all the notifications, one for all their e-mails
        created = Notification.objects.bulk_create(
            Notification(recipient=user, kind=kind, message=message, link=link) for user in recipients
        )
        _outbox_add(created)
        return created
    created = []
    for user in recipients:
        if Notification.objects.filter(recipient=user, key=key).exists():
            continue
        try:
            with transaction.atomic():  # a concurrent run may insert the same key first
                notification = Notification.objects.create(
                    recipient=user, kind=kind, message=message, link=link, key=key
                )
        except IntegrityError:
            continue
        created.append(notification)
    _outbox_add(created)
    return created


def _outbox_add(notifications: Sequence[Notification]) -> list[OutboxEmail]:
    """Write the e-mails of the notifications whose recipients have an address to the outbox, in
    one insert, and enqueue the task that sends each (one task per e-mail, so that each is tried
    again on its own)."""
    from reporting.tasks import outbox_deliver  # tasks call the services: imported when used

    with translation.override(settings.LANGUAGE_CODE):  # mail goes out in the portal's language
        emails = OutboxEmail.objects.bulk_create(
            OutboxEmail(
                notification=notification,
                to_address=notification.recipient.email,
                subject=_("Campaign portal: %(kind)s") % {"kind": notification.get_kind_display()},
                body=notification.message
                + (f"\n\n{settings.PORTAL_URL.rstrip('/')}{notification.link}" if notification.link else ""),
            )
            for notification in notifications
            if notification.recipient.email
        )
    for email in emails:
        outbox_deliver.enqueue(email.pk)
    return emails


def outbox_retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th refused try: ``OUTBOX_RETRY_BASE_SECONDS`` doubled
    each time (30 s, 60 s, 120 s, …), at most ``OUTBOX_RETRY_MAX_SECONDS``."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def outbox_send(*, email_id: int) -> bool:
    """Hand one outbox e-mail to the mail server; return whether it was sent by this call.

    In one transaction holding the row's lock (PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED``;
    SQLite's IMMEDIATE transactions take the database's write lock): an e-mail already sent, or
    being sent by another worker, is left alone, so none goes out twice. ``sent_at`` (and the
    notification's ``emailed_at``) are set only when the server accepted the message. A refusal
    or an unreachable server (``OSError``, ``smtplib.SMTPException``) counts an attempt, keeps
    the error and schedules the next try with ``outbox_retry_delay``; it never raises. The
    message carries a Message-ID made from the row, so a receiving server can drop a copy.
    """
    from reporting.tasks import outbox_deliver

    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return False
        now = timezone.now()
        email.attempts += 1
        domain = (settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost").strip(">")
        message = EmailMessage(
            email.subject,
            email.body,
            None,
            [email.to_address],
            headers={"Message-ID": f"<outbox-{email.pk}@{domain}>"},
        )
        try:
            message.send(fail_silently=False)
        except (OSError, smtplib.SMTPException) as error:
            email.last_error = f"{type(error).__name__}: {error}"[:1000]
            email.next_attempt_at = now + outbox_retry_delay(email.attempts)
            email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            outbox_deliver.using(run_after=email.next_attempt_at).enqueue(email.pk)
            return False
        email.sent_at = now
        email.save(update_fields=["attempts", "sent_at"])
        if email.notification_id:
            Notification.objects.filter(pk=email.notification_id).update(emailed_at=now)
    return True


def outbox_send_due(*, now: datetime.datetime | None = None) -> int:
    """Send every unsent outbox e-mail whose next try is due (the worker's sweep); return how many
    went out. Each is its own ``outbox_send`` transaction: one refusal stops none of the others."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now).values_list(
        "pk", flat=True
    )
    return sum(outbox_send(email_id=pk) for pk in list(due))


def notifications_mark_read(*, user: User) -> int:
    """Mark all of the user's notifications read; return how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def _report_link(report: ProgressReport) -> str:
    return reverse("reporting:report", args=[report.pk])


def _plan_link(assignment: Assignment) -> str:
    return reverse("reporting:assignment", args=[assignment.pk])


# --------------------------------------------------------------------------- the 四定 plan


@dataclass(frozen=True)
class MilestoneRow:
    """One step of a plan as entered: ``id`` is ``None`` for a new step; ``delete`` removes it."""

    id: int | None
    order: int
    title: str
    due_on: datetime.date | None
    delete: bool = False


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of a plan as entered: ``id`` is ``None`` for a new one; ``delete`` removes it."""

    id: int | None
    name: str
    target_value: Decimal
    unit_of_measure: str = ""
    delete: bool = False


def plan_of(assignment: Assignment) -> Plan:
    """The assignment's plan record, created as a draft on first use."""
    plan, _created = Plan.objects.get_or_create(assignment=assignment)
    return plan


def _locked(record, version: int | None, stale: str, related: tuple[str, ...] = ()):
    """``record`` read again and locked (``SELECT … FOR UPDATE``) for the rest of the transaction;
    ``ConcurrentEditError`` with ``stale`` when ``version`` (the one the form was opened at) is no
    longer the stored one (django-concurrency's version field).

    ``related``: the paths the step's checks read (``access.can``: the assignment, its project and
    round), loaded in the same query; only ``record``'s row is locked (``of=("self",)``)."""
    rows = type(record).objects.select_for_update(of=("self",)).select_related(*related)
    locked = rows.get(pk=record.pk)
    if version is not None and locked.version != version:
        raise ConcurrentEditError(stale)
    return locked


def _locked_assignment(assignment: Assignment, version: int | None) -> Assignment:
    return _locked(
        assignment,
        version,
        _(
            "Somebody else saved this plan after you opened it. Your changes were not saved: "
            "open the plan again, check the other changes and enter yours again."
        ),
        related=("project__campaign", "unit"),
    )


def plan_may_edit(*, assignment: Assignment, actor: User) -> bool:
    """Whether ``actor`` may change the assignment's 四定 now: in their change scope
    (``Assignment.objects.restrict(actor, "change")``), their role's step (``access.can``) and, for
    anybody but a city administrator, a draft plan (a submitted or confirmed plan is locked for the
    unit). The admin asks it to show a plan read-only; ``plan_update`` enforces the same. Nobody
    edits the plan of a closed round."""
    if assignment.project.campaign.closed_at is not None:
        return False
    if access.is_city_admin(actor):
        return True
    if not Assignment.objects.restrict(actor, Access.CHANGE).filter(pk=assignment.pk).exists():
        return False
    if not access.can(actor, Action.EDIT_PLAN, assignment):
        return False
    return access.is_city_admin(actor) or access.plan_is_editable_by_unit(
        Plan.objects.filter(assignment=assignment).first()
    )


def plan_rows(assignment: Assignment) -> tuple[list[MilestoneRow], list[IndicatorRow]]:
    """The live steps and indicators of a plan as rows for ``plan_update`` (to change one of them)."""
    return (
        [MilestoneRow(m.pk, m.order, m.title, m.due_on) for m in assignment.milestones.all()],
        [IndicatorRow(i.pk, i.name, i.target_value, i.unit_of_measure) for i in assignment.indicators.all()],
    )


def plan_fields(assignment: Assignment) -> dict:
    """The assignment's own 四定 fields as stored, as keyword arguments of ``plan_update``."""
    names = (
        "target",
        "deadline",
        "responsible_person",
        "responsible_person_position",
        "responsible_person_phone",
    )
    return {name: getattr(assignment, name) for name in names}


def _retire_or_delete(record: Milestone | Indicator, used: bool, now: datetime.datetime) -> bool:
    """Delete a step or indicator no report used; retire (keep, mark ``retired_at``) one a report
    used, so that the report keeps showing it. Returns whether it was retired."""
    if not used:
        record.delete()
        return False
    record.retired_at = now
    record.save(update_fields=["retired_at"])
    return True


@transaction.atomic
def plan_update(
    *,
    assignment: Assignment,
    actor: User,
    version: int | None,
    target: str,
    deadline: datetime.date | None,
    responsible_person: str,
    responsible_person_position: str,
    responsible_person_phone: str,
    milestones: Sequence[MilestoneRow],
    indicators: Sequence[IndicatorRow],
) -> Assignment:
    """Save a unit's 四定 (target, steps, deadline, responsible person and indicators): the one
    writer of ``Assignment`` content, ``Milestone`` and ``Indicator`` — the portal's plan form, the
    admin's assignment page, the step and indicator pages and every import call it.

    ``milestones`` and ``indicators`` are the complete lists of live rows: existing rows not in them
    (or marked ``delete``) leave the plan — deleted if no report used them, else *retired*
    (``retired_at`` set: gone from the plan and from new reports, kept on the reports that used
    them; the names of the retired rows are in the returned assignment's ``retired`` list).
    ``version`` is the assignment's version when the form was opened (``None``: no check, e.g. an
    import); if it changed since, raises ``ConcurrentEditError`` and writes nothing.

    Raises ``PermissionDenied`` outside the actor's change scope or role (``plan_may_edit``),
    ``WorkflowError`` for a plan locked for the unit (submitted or confirmed; a city administrator
    may change any, the history keeps every change) and ``ValidationError`` (Chinese) for a step due
    after the deadline (``projects.models.steps_within_deadline``), two steps with one order, two
    indicators with one name, or a field the model refuses (e.g. a phone number).
    """
    city_admin = access.is_city_admin(actor)  # may change every plan, locked or not
    access.require(actor, Action.EDIT_PLAN, assignment)  # a closed round: ReadOnlyError for everybody
    if not city_admin:
        if not Assignment.objects.restrict(actor, Access.CHANGE).filter(pk=assignment.pk).exists():
            raise PermissionDenied
    locked = _locked_assignment(assignment, version)
    if not city_admin:
        plan = Plan.objects.filter(assignment=locked).first()
        if not access.plan_is_editable_by_unit(plan):
            raise WorkflowError(
                _("This plan is %(status)s and locked.") % {"status": plan.get_status_display()}
            )
    _check_unique(
        [row.order for row in milestones if not row.delete],
        _("Two steps have the order %(value)s: give each step its own number."),
    )
    _check_unique(
        [row.name for row in indicators if not row.delete],
        _("Two indicators are called %(value)s: give each indicator its own name."),
    )
    steps_within_deadline(
        deadline=deadline, steps=[(row.order, row.due_on) for row in milestones if not row.delete]
    )
    locked.target = target
    locked.deadline = deadline
    locked.responsible_person = responsible_person
    locked.responsible_person_position = responsible_person_position
    locked.responsible_person_phone = responsible_person_phone
    # project and unit do not change here: their checks (and the unique pair) are skipped
    locked.full_clean(exclude=["version", "project", "unit"], validate_unique=False)
    locked._history_user = actor  # django-simple-history records who, also outside a request
    locked.save()
    existing_milestones = {m.pk: m for m in locked.milestones.all()}
    existing_indicators = {i.pk: i for i in locked.indicators.all()}
    kept_milestones = {row.id for row in milestones if not row.delete}
    kept_indicators = {row.id for row in indicators if not row.delete}
    # The lists are complete: rows not kept leave the plan. The kept ones are parked on temporary
    # keys first, so that two steps may swap orders (or two indicators names) without tripping the
    # unique constraints halfway.
    for record in [*existing_milestones.values(), *existing_indicators.values()]:
        record._history_user = actor
    now = timezone.now()
    removed_milestones = sorted(set(existing_milestones) - kept_milestones)
    removed_indicators = sorted(set(existing_indicators) - kept_indicators)
    used_steps = set(
        MilestoneProgress.objects.filter(milestone__in=removed_milestones).values_list(
            "milestone_id", flat=True
        )
        if removed_milestones
        else ()
    )
    used_indicators = set(
        IndicatorValue.objects.filter(indicator__in=removed_indicators).values_list("indicator_id", flat=True)
        if removed_indicators
        else ()
    )
    retired = []
    for pk in removed_milestones:
        step = existing_milestones.pop(pk)
        if _retire_or_delete(step, pk in used_steps, now):
            retired.append(str(step))
    for pk in removed_indicators:
        indicator = existing_indicators.pop(pk)
        if _retire_or_delete(indicator, pk in used_indicators, now):
            retired.append(indicator.name)
    for index, pk in enumerate(existing_milestones):
        Milestone.objects.filter(pk=pk).update(order=30000 + index)
    for pk in existing_indicators:
        Indicator.objects.filter(pk=pk).update(name=f"~{pk}~")
    for row in milestones:
        if row.delete:
            continue
        milestone = existing_milestones.get(row.id) or Milestone(assignment=locked)
        milestone.order, milestone.title, milestone.due_on = row.order, row.title, row.due_on
        milestone.full_clean(exclude=["assignment"])
        milestone._history_user = actor
        milestone.save()
    for row in indicators:
        if row.delete:
            continue
        indicator = existing_indicators.get(row.id) or Indicator(assignment=locked)
        indicator.name, indicator.target_value = row.name, row.target_value
        indicator.unit_of_measure = row.unit_of_measure
        indicator.full_clean(exclude=["assignment"])
        indicator._history_user = actor
        indicator.save()
    assignment.version = locked.version
    locked.retired = retired
    return locked


@dataclass
class PlanChange:
    """One unit's own 四定 fields as a file gives them, for ``plan_update_many``.

    ``assignment`` is a stored assignment (its fields change, its steps and indicators stay as
    stored) or a new, unsaved one with ``project`` and ``unit`` set (the unit joins the project, as
    ``projects.services.assignment_add`` does: city administrators only)."""

    assignment: Assignment
    target: str
    deadline: datetime.date | None
    responsible_person: str
    responsible_person_position: str
    responsible_person_phone: str


PLAN_FIELDS = (
    "target",
    "deadline",
    "responsible_person",
    "responsible_person_position",
    "responsible_person_phone",
)


def _plans_to_change(actor: User, pks: Sequence[int], *, write: bool):
    """The stored assignments ``pks`` that ``actor`` changes in bulk, and the check of one of them.

    Returns ``(fresh, editable)``: ``fresh`` maps id → the assignment as stored now (with project,
    campaign and unit; locked with ``SELECT … FOR UPDATE``, in id order, when ``write``), and
    ``editable(pk)`` returns the assignment of ``pk`` or raises what ``plan_update`` raises for it:
    ``ReadOnlyError`` for a closed round, ``ValidationError`` for one deleted in the meantime,
    ``PermissionDenied`` outside the actor's change scope or role and ``WorkflowError`` for a plan
    locked for the unit. A constant number of queries, whatever the number of assignments."""
    city_admin = access.is_city_admin(actor)
    stored = Assignment.objects.filter(pk__in=pks).select_related("project__campaign", "unit")
    if write:
        stored = stored.select_for_update(of=("self",)).order_by("pk")
    fresh = {a.pk: a for a in stored} if pks else {}
    in_scope = (
        set(Assignment.objects.restrict(actor, Access.CHANGE).filter(pk__in=pks).values_list("pk", flat=True))
        if pks and not city_admin
        else set(pks)
    )
    plans = (
        {p.assignment_id: p for p in Plan.objects.filter(assignment__in=pks)}
        if pks and not city_admin
        else {}
    )

    def editable(pk: int) -> Assignment:
        record = fresh.get(pk)
        if record is None:
            raise ValidationError(_("This plan was deleted in the meantime."))
        refusal = closed_round_error(record.project.campaign)
        if refusal:  # a closed round is read-only for everybody (issue 12 item 6)
            raise refusal
        if not city_admin:
            if pk not in in_scope:
                raise PermissionDenied
            access.require(actor, Action.EDIT_PLAN, record)
            plan = plans.get(pk)
            if not access.plan_is_editable_by_unit(plan):
                raise WorkflowError(
                    _("This plan is %(status)s and locked.") % {"status": plan.get_status_display()}
                )
        return record

    return fresh, editable


def plan_update_many(
    *, actor: User, changes: Sequence[PlanChange], write: bool = True, reason: str = ""
) -> dict[int, Exception]:
    """The bulk form of ``plan_update`` for the flat 四定 table (one file, thousands of rows): the
    same rules, checked for every row with a constant number of queries, then written with
    one ``UPDATE`` per 1,000 rows (``quanzhou_women.lib.bulk.bulk_update_rows``) / ``bulk_create``
    and their history rows (django-simple-history's ``bulk_history_create`` /
    ``bulk_create_with_history``: ``history_user`` = ``actor``,
    change reason ``reason``).

    The rules are those of ``plan_update`` (scope, role, the plan's lock, a step due no later than
    the deadline — ``projects.models.steps_within_deadline`` —, the model's field checks) and of
    ``projects.services.assignment_add`` for a new row (the right to change the project, a unit that
    can carry projects, one assignment per unit and project). Steps and indicators are kept as
    stored. The rows are locked (``SELECT … FOR UPDATE``, in id order) before they are checked, and
    the version of every changed row moves on, so that a form opened before the import is refused
    (django-concurrency).

    Returns ``{index in changes: the error}`` (``PermissionDenied``, ``WorkflowError`` or
    ``ValidationError``); when it is not empty nothing is written. ``write=False`` (the preview)
    checks without locking or writing.
    """
    with transaction.atomic():
        errors: dict[int, Exception] = {}
        city_admin = access.is_city_admin(actor)
        stored_pks = sorted({c.assignment.pk for c in changes if c.assignment.pk is not None})
        new_ones = [(i, c) for i, c in enumerate(changes) if c.assignment.pk is None]
        fresh, editable = _plans_to_change(actor, stored_pks, write=write)
        steps: dict[int, list] = {}
        if stored_pks:
            for assignment_id, order, due_on in Milestone.objects.filter(
                assignment__in=stored_pks
            ).values_list("assignment_id", "order", "due_on"):
                steps.setdefault(assignment_id, []).append((order, due_on))
        project_ids = {c.assignment.project_id for _i, c in new_ones}
        may_add = (
            set(
                FeatureProject.objects.restrict(actor, Access.CHANGE)
                .filter(pk__in=project_ids)
                .values_list("pk", flat=True)
            )
            if project_ids
            else set()
        )
        taken = (
            set(
                Assignment.objects.filter(
                    project__in=project_ids, unit__in={c.assignment.unit_id for _i, c in new_ones}
                ).values_list("project_id", "unit_id")
            )
            if new_ones
            else set()
        )
        to_update, to_create = [], []
        for index, change in enumerate(changes):
            try:
                if change.assignment.pk is None:
                    record = change.assignment
                    refusal = closed_round_error(record.project.campaign)
                    if refusal:  # a closed round is read-only for everybody (issue 12 item 6)
                        raise refusal
                    if not city_admin and record.project_id not in may_add:
                        raise PermissionDenied
                    responsible_units_check([record.unit], field="unit")
                    if (record.project_id, record.unit_id) in taken:
                        raise ValidationError(
                            {"unit": _("This unit is already responsible for this project.")}
                        )
                    to_create.append(record)
                else:
                    record = editable(change.assignment.pk)
                    to_update.append(record)
                steps_within_deadline(deadline=change.deadline, steps=steps.get(record.pk, []))
                for name in PLAN_FIELDS:
                    setattr(record, name, getattr(change, name))
                # project and unit are checked above (and exist: they were looked up); their
                # foreign-key and unique checks would cost a query each
                record.full_clean(
                    exclude=["version", "project", "unit"], validate_unique=False, validate_constraints=False
                )
            except (PermissionDenied, WorkflowError, ValidationError) as error:
                errors[index] = error
        if errors or not write:
            return errors
        version = Assignment._meta.get_field("version")
        for record in [*to_update, *to_create]:
            record.version = version._get_next_version(record)
        for change in changes:
            if change.assignment.pk is not None and change.assignment.pk in fresh:
                change.assignment.version = fresh[change.assignment.pk].version
        history = {"default_user": actor, "default_change_reason": reason or None, "batch_size": 500}
        if to_update:  # Django's bulk_update costs seconds of Python here: see quanzhou_women.lib.bulk
            bulk_update_rows(Assignment, to_update, [*PLAN_FIELDS, "version"])
            Assignment.history.bulk_history_create(to_update, update=True, **history)
        if to_create:
            bulk_create_with_history(to_create, Assignment, **history)
        return {}


def plan_parts_save(
    *,
    actor: User,
    assignment: Assignment,
    milestones: Sequence[MilestoneRow] = (),
    indicators: Sequence[IndicatorRow] = (),
    version: int | None = None,
) -> Assignment:
    """Add or change (or, with ``delete=True``, retire or delete) some steps and indicators of one
    plan, keeping the rest as stored, in one call of ``plan_update`` with all its checks: the step
    and indicator imports write each plan of a file through here (one call per plan, not per row),
    the admin's step and indicator pages one row (``plan_part_save``). A row with an ``id`` replaces
    the stored row of that id; a row without one is new. Returns and raises what ``plan_update`` does."""
    stored_milestones, stored_indicators = plan_rows(assignment)
    replaced = {row.id for row in milestones if row.id is not None}
    milestones = [row for row in stored_milestones if row.id not in replaced] + list(milestones)
    replaced = {row.id for row in indicators if row.id is not None}
    indicators = [row for row in stored_indicators if row.id not in replaced] + list(indicators)
    return plan_update(
        assignment=assignment,
        actor=actor,
        version=version,
        **plan_fields(Assignment.objects.get(pk=assignment.pk)),
        milestones=milestones,
        indicators=indicators,
    )


@dataclass
class PlanParts:
    """The steps and indicators a file gives for one plan, for ``plan_parts_save_many``: as the
    arguments of ``plan_parts_save`` (a row with an ``id`` replaces that stored row, one without is
    new, ``delete=True`` removes it; the plan's other parts stay as stored)."""

    assignment: Assignment
    milestones: Sequence[MilestoneRow] = ()
    indicators: Sequence[IndicatorRow] = ()


@dataclass
class _MergedParts:
    """One plan's parts of one kind after the rows of ``PlanParts``: the live ones (stored and
    kept, changed or not, then new), and which of them to write."""

    live: list
    changed: list
    new: list
    removed: list
    moved: list  # changed parts whose key (a step's order, an indicator's name) changes


#: The fields a row of each kind sets, its key first (the key is unique among a plan's live parts).
_PART_FIELDS = {
    Milestone: ("order", "title", "due_on"),
    Indicator: ("name", "target_value", "unit_of_measure"),
}


def _parts_merged(model, assignment: Assignment, stored: list, rows: Sequence) -> _MergedParts:
    """The stored live parts of ``model`` of ``assignment`` with ``rows`` (``MilestoneRow`` or
    ``IndicatorRow``) applied, as ``plan_parts_save`` applies them; a row naming an ``id`` that is
    no longer live is a new part (as in ``plan_update``). Checks nothing, writes nothing."""
    fields = _PART_FIELDS[model]
    given = {row.id: row for row in rows if row.id is not None}
    merged = _MergedParts(live=[], changed=[], new=[], removed=[], moved=[])
    for part in stored:
        row = given.pop(part.pk, None)
        if row is not None and row.delete:
            merged.removed.append(part)
            continue
        if row is not None and any(getattr(part, name) != getattr(row, name) for name in fields):
            if getattr(part, fields[0]) != getattr(row, fields[0]):
                merged.moved.append(part)
            for name in fields:
                setattr(part, name, getattr(row, name))
            merged.changed.append(part)
        merged.live.append(part)
    for row in rows:
        if not row.delete and (row.id is None or row.id in given):
            merged.new.append(model(assignment=assignment, **{name: getattr(row, name) for name in fields}))
    merged.live += merged.new
    return merged


def plan_parts_save_many(
    *, actor: User, changes: Sequence[PlanParts], write: bool = True, reason: str = ""
) -> dict[int, Exception]:
    """The bulk form of ``plan_parts_save`` for the step and indicator imports (one file, hundreds
    of plans): the rules of ``plan_update`` checked for every plan with a constant number of queries,
    then the parts written in bulk with their history rows (``bulk_update_rows`` +
    ``bulk_history_create``, ``bulk_create_with_history``: ``history_user`` = ``actor``, change
    reason ``reason``), as ``plan_update_many`` writes the flat 四定 table.

    The rules: scope, role, a closed round and the plan's lock (``_plans_to_change``), one order per
    step and one name per indicator, a step due no later than the stored deadline
    (``projects.models.steps_within_deadline``, the 四定 of notice 泉妇〔2013〕81号) and the models'
    field checks. The plans are locked (``SELECT … FOR UPDATE``, in id order) before they are
    checked; the version of every plan that changes moves on (an open form of it is refused) and
    the plan gets a history row, as ``plan_update`` gives it. A part a report used is retired, not
    deleted. Unchanged parts are not written.

    Returns ``{index in changes: the error}`` (``PermissionDenied``, ``WorkflowError`` or
    ``ValidationError``); when it is not empty nothing is written. ``write=False`` (the preview)
    checks without locking or writing.
    """
    with transaction.atomic():
        pks = sorted({change.assignment.pk for change in changes})
        fresh, editable = _plans_to_change(actor, pks, write=write)
        stored: dict[type, dict[int, list]] = {Milestone: {}, Indicator: {}}
        for model, argument in ((Milestone, "milestones"), (Indicator, "indicators")):
            wanted = sorted({c.assignment.pk for c in changes if getattr(c, argument)})
            for part in model.objects.filter(assignment__in=wanted) if wanted else ():
                stored[model].setdefault(part.assignment_id, []).append(part)
        errors: dict[int, Exception] = {}
        merged: list[tuple[Assignment, dict]] = []
        for index, change in enumerate(changes):
            try:
                record = editable(change.assignment.pk)
                steps = _parts_merged(
                    Milestone, record, stored[Milestone].get(record.pk, []), change.milestones
                )
                indicators = _parts_merged(
                    Indicator, record, stored[Indicator].get(record.pk, []), change.indicators
                )
                _check_unique(
                    [step.order for step in steps.live],
                    _("Two steps have the order %(value)s: give each step its own number."),
                )
                _check_unique(
                    [indicator.name for indicator in indicators.live],
                    _("Two indicators are called %(value)s: give each indicator its own name."),
                )
                steps_within_deadline(
                    deadline=record.deadline, steps=[(step.order, step.due_on) for step in steps.live]
                )
                for part in [*steps.changed, *steps.new, *indicators.changed, *indicators.new]:
                    # The assignment is the locked one; the parts' constraints are one key per plan
                    # (checked above) and a target value not negative (its field's validator):
                    # Django would validate each constraint with a query per part.
                    part.full_clean(exclude=["assignment"], validate_constraints=False)
                merged.append((record, {Milestone: steps, Indicator: indicators}))
            except (PermissionDenied, WorkflowError, ValidationError) as error:
                errors[index] = error
        if errors or not write:
            return errors
        _plan_parts_write(actor, merged, reason)
        for change in changes:
            change.assignment.version = fresh[change.assignment.pk].version
        return {}


def _plan_parts_write(actor: User, merged: list[tuple[Assignment, dict]], reason: str) -> None:
    """Write what ``plan_parts_save_many`` checked (``merged``: each plan with its
    ``_MergedParts`` by model): each changed plan's version and history row, then its removed,
    moved, changed and new parts — moved ones parked on temporary keys first, so that two parts may
    swap keys without tripping the unique constraints halfway."""
    history = {"default_user": actor, "default_change_reason": reason or None, "batch_size": 500}
    touched = [
        record for record, kinds in merged if any(m.changed or m.new or m.removed for m in kinds.values())
    ]
    version = Assignment._meta.get_field("version")
    for record in touched:
        record.version = version._get_next_version(record)
    bulk_update_rows(Assignment, touched, ["version"])
    Assignment.history.bulk_history_create(touched, update=True, **history)
    now = timezone.now()
    for model, used_by in ((Milestone, MilestoneProgress), (Indicator, IndicatorValue)):
        parts = [kinds[model] for _record, kinds in merged]
        removed = [part for m in parts for part in m.removed]
        used_field = f"{model._meta.model_name}_id"
        used = set(
            used_by.objects.filter(**{f"{used_field}__in": removed}).values_list(used_field, flat=True)
            if removed
            else ()
        )
        for part in removed:
            part._history_user = actor
            _retire_or_delete(part, part.pk in used, now)
        key = _PART_FIELDS[model][0]
        for index, part in enumerate(part for m in parts for part in m.moved):
            model.objects.filter(pk=part.pk).update(
                **{key: 30000 + index if key == "order" else f"~{part.pk}~"}
            )
        changed = [part for m in parts for part in m.changed]
        bulk_update_rows(model, changed, _PART_FIELDS[model])
        model.history.bulk_history_create(changed, update=True, **history)
        new = [part for m in parts for part in m.new]
        if new:
            bulk_create_with_history(new, model, **history)


def plan_part_save(
    *,
    actor: User,
    assignment: Assignment,
    milestone: MilestoneRow | None = None,
    indicator: IndicatorRow | None = None,
    version: int | None = None,
) -> Assignment:
    """Add, change or remove (``delete=True``: retire or delete) one step or one indicator of a plan,
    keeping the rest as stored (``plan_parts_save`` with one row): the admin's step and indicator
    pages. Returns and raises what ``plan_update`` does."""
    return plan_parts_save(
        actor=actor,
        assignment=assignment,
        milestones=[milestone] if milestone is not None else [],
        indicators=[indicator] if indicator is not None else [],
        version=version,
    )


@transaction.atomic
def campaign_save(*, actor: User, campaign: Campaign) -> Campaign:
    """Create or update ``campaign`` (its fields as set by the caller) and make the reporting periods
    of its cadence (``periods_ensure``): the one writer of ``Campaign``. City administrators, and a
    federation administrator for its own federation's rounds (issue 13 item 3; ``PermissionDenied``
    otherwise); raises ``ValidationError`` for an invalid campaign, e.g. a second round of the same
    issuing body in one year or a federation administrator naming another issuing body."""
    require_change(actor, Campaign, campaign, issuing_body=campaign.issuing_body_id)
    federation = access.federation_of(actor)
    if federation is not None and campaign.issuing_body_id != federation:
        raise ValidationError(
            {
                "issuing_body": _("You can only issue rounds of your own federation, not of %(name)s.")
                % {"name": campaign.issuing_body.name}
            }
        )
    validated_save(campaign, actor=actor)
    periods_ensure(campaign=campaign)
    return campaign


def _check_unique(values: list, message: str) -> None:
    """Raise ``ValidationError`` (``message`` with the value) for the first repeated value."""
    seen = set()
    for value in values:
        if value in seen:
            raise ValidationError(message % {"value": value})
        seen.add(value)


def _transition_record(
    *,
    record,
    workflow: dict,
    action: str,
    refusal: str,
    actor: User,
    reason: str,
    **extra,
):
    """Take one step of ``record``'s workflow (``PLAN_WORKFLOW``, ``REPORT_WORKFLOW`` or
    ``assessments.services.WORKFLOW``): refuse it with ``refusal`` (``WorkflowError``;
    ``%(status)s`` and ``%(action)s`` filled in) unless the record is in a status the step may
    start from; else write the transition (a ``quanzhou_women.lib.transitions.Transition`` in
    ``record.transitions``: who, when, from which status to which, why, and ``extra`` such as a
    report's snapshot) and move ``record`` to the step's status (not saved). Returns the moment,
    now (aware, UTC)."""
    allowed_from, to_status = workflow[action]
    if record.status not in allowed_from:
        label = record.transitions.model.Action(action).label
        raise WorkflowError(refusal % {"status": record.get_status_display(), "action": label})
    now = timezone.now()
    record.transitions.create(
        action=action,
        from_status=record.status,
        to_status=to_status,
        actor=actor,
        at=now,
        reason=reason,
        **extra,
    )
    record.status = to_status
    return now


#: The plan's workflow: action → (the statuses it may start from, the status it leads to).
PLAN_WORKFLOW = {
    PlanTransition.Action.SUBMIT: ({PlanStatus.DRAFT}, PlanStatus.SUBMITTED),
    PlanTransition.Action.CONFIRM: ({PlanStatus.SUBMITTED}, PlanStatus.CONFIRMED),
    PlanTransition.Action.RETURN: ({PlanStatus.SUBMITTED}, PlanStatus.DRAFT),
    PlanTransition.Action.REOPEN: ({PlanStatus.CONFIRMED}, PlanStatus.DRAFT),
}


def _plan_step(*, assignment: Assignment, actor: User, action: str, reason: str = "") -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan_of(assignment).pk)
    now = _transition_record(
        record=plan,
        workflow=PLAN_WORKFLOW,
        action=action,
        refusal=_("A plan that is %(status)s cannot be %(action)s."),
        actor=actor,
        reason=reason,
    )
    if plan.status == PlanStatus.CONFIRMED:
        plan.confirmed_at, plan.confirmed_by = now, actor
    plan.save()
    return plan


@transaction.atomic
def plan_submit(*, assignment: Assignment, actor: User) -> Plan:
    """The unit sends its draft 四定 to the liaison department for confirmation.

    Requires a target, a deadline and a responsible person (the 四定 of notice 泉妇〔2013〕81号);
    raises ``WorkflowError`` otherwise.
    """
    access.require(actor, Action.SUBMIT_PLAN, assignment)
    assignment = _locked_assignment(assignment, None)  # check the plan as stored
    missing = [
        label
        for label, value in [
            (_("target"), assignment.target),
            (_("deadline"), assignment.deadline),
            (_("responsible person"), assignment.responsible_person),
        ]
        if not value
    ]
    if missing or not assignment.milestones.exists():
        if not assignment.milestones.exists():
            missing.append(_("steps"))
        raise WorkflowError(_("Fill in the four fixes first: %(missing)s.") % {"missing": "、".join(missing)})
    plan = _plan_step(assignment=assignment, actor=actor, action=PlanTransition.Action.SUBMIT)
    notifications_send(
        recipients=liaison_users(assignment),
        kind=Notification.Kind.PLAN,
        message=_("%(unit)s submitted its four fixes plan for %(project)s.")
        % {"unit": assignment.unit, "project": assignment.project},
        link=_plan_link(assignment),
    )
    return plan


@transaction.atomic
def plan_confirm(*, assignment: Assignment, actor: User) -> Plan:
    """The liaison department confirms a submitted plan; it is then locked for the unit."""
    access.require(actor, Action.CONFIRM_PLAN, assignment)
    plan = _plan_step(assignment=assignment, actor=actor, action=PlanTransition.Action.CONFIRM)
    notifications_send(
        recipients=reporter_users(assignment),
        kind=Notification.Kind.PLAN,
        message=_("Your four fixes plan for %(project)s was confirmed.") % {"project": assignment.project},
        link=_plan_link(assignment),
    )
    return plan


@transaction.atomic
def plan_return(*, assignment: Assignment, actor: User, reason: str) -> Plan:
    """The liaison department sends a submitted plan, or reopens a confirmed one, back to the unit.

    ``reason`` is required (raises ``WorkflowError`` when blank).
    """
    access.require(actor, Action.CONFIRM_PLAN, assignment)
    if not reason.strip():
        raise WorkflowError(_("Give a reason for returning the plan."))
    current = plan_of(assignment).status
    action = PlanTransition.Action.REOPEN if current == PlanStatus.CONFIRMED else PlanTransition.Action.RETURN
    plan = _plan_step(assignment=assignment, actor=actor, action=action, reason=reason.strip())
    notifications_send(
        recipients=reporter_users(assignment),
        kind=Notification.Kind.PLAN,
        message=_("Your four fixes plan for %(project)s was returned: %(reason)s")
        % {"project": assignment.project, "reason": reason.strip()},
        link=_plan_link(assignment),
    )
    return plan


# --------------------------------------------------------------------------- progress reports


@transaction.atomic
def report_start(
    *, assignment: Assignment, period: ReportingPeriod, actor: User, is_demo: bool = False
) -> ProgressReport:
    """The unit's report on ``assignment`` for ``period``, created as a draft if there is none.

    A new report lists every step and indicator of the plan, carrying over the states, values and
    percent complete of the unit's latest earlier report. Raises ``WorkflowError`` for a period of
    another campaign or one that has not begun (Asia/Shanghai). Idempotent: two clicks, two tabs
    or a retried POST get the same report, on PostgreSQL (the loser of the race on the unique key
    (assignment, period) reads the winner's row) and on SQLite (IMMEDIATE transactions queue). The
    returned report's ``started_now`` says whether this call created it.
    """
    access.require(actor, Action.EDIT_REPORT, assignment)
    if period.campaign_id != assignment.project.campaign_id:
        raise WorkflowError(_("This period belongs to another campaign."))
    if period.starts_on > timezone.localdate():
        raise WorkflowError(_("The period %(period)s has not begun yet.") % {"period": period.name})
    report = ProgressReport.objects.filter(assignment=assignment, period=period).first()
    if report is not None:
        report.started_now = False
        return report
    try:
        with transaction.atomic():  # a concurrent start may insert the same (assignment, period)
            report = _report_create(assignment=assignment, period=period, is_demo=is_demo)
    except IntegrityError:
        report = ProgressReport.objects.get(assignment=assignment, period=period)
        report.started_now = False
        return report
    report.started_now = True
    return report


def _report_create(*, assignment: Assignment, period: ReportingPeriod, is_demo: bool) -> ProgressReport:
    """Insert a new draft report with its step and indicator rows, carried over from the last one."""
    previous = (
        ProgressReport.objects.filter(assignment=assignment, period__starts_on__lt=period.starts_on)
        .order_by("-period__starts_on")
        .prefetch_related("milestone_states", "indicator_values")
        .first()
    )
    report = ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        percent_complete=previous.percent_complete if previous else 0,
        is_demo=is_demo,
    )
    states = {s.milestone_id: s for s in previous.milestone_states.all()} if previous else {}
    values = {v.indicator_id: v.actual_value for v in previous.indicator_values.all()} if previous else {}
    MilestoneProgress.objects.bulk_create(
        MilestoneProgress(
            report=report,
            milestone=milestone,
            state=states[milestone.pk].state
            if milestone.pk in states
            else MilestoneProgress.State.NOT_STARTED,
            on_date=states[milestone.pk].on_date if milestone.pk in states else None,
        )
        for milestone in assignment.milestones.all()
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=report, indicator=indicator, actual_value=values.get(indicator.pk))
        for indicator in assignment.indicators.all()
    )
    return report


def _locked_report(report: ProgressReport, version: int | None = None) -> ProgressReport:
    return _locked(
        report,
        version,
        _(
            "Somebody else saved this report after you opened it. Your changes were not saved: "
            "open the report again, check the other changes and enter yours again."
        ),
        related=("assignment__project__campaign", "assignment__unit", "period__campaign"),
    )


def _require_unit_can_edit(report: ProgressReport, actor: User) -> None:
    """The unit edits draft and returned reports; the city administrator may correct any report."""
    access.require(actor, Action.EDIT_REPORT, report)
    if not access.report_is_editable_by_unit(report) and not access.is_city_admin(actor):
        raise WorkflowError(
            _("This report is %(status)s and locked.") % {"status": report.get_status_display()}
        )


@transaction.atomic
def report_update(
    *,
    report: ProgressReport,
    actor: User,
    version: int | None,
    progress: str,
    percent_complete: int,
    problems: str,
    next_steps: str,
    milestone_states: dict[int, tuple[str, datetime.date | None]],
    indicator_values: dict[int, Decimal | None],
) -> ProgressReport:
    """Save the content of a draft or returned report.

    ``milestone_states`` maps a ``MilestoneProgress`` id to (state, date); ``indicator_values``
    maps an ``IndicatorValue`` id to the actual value. ``version`` is the report's version when the
    form was opened: if another save came in between, raises ``ConcurrentEditError`` and writes
    nothing. Raises ``WorkflowError`` for a submitted or approved report, unless the actor is a
    city administrator correcting it (the admin's report page saves through here).
    """
    locked = _locked_report(report, version)
    _require_unit_can_edit(locked, actor)
    if not 0 <= percent_complete <= 100:
        raise ValidationError(_("The percent complete lies between 0 and 100."))
    locked.progress, locked.percent_complete = progress, percent_complete
    locked.problems, locked.next_steps = problems, next_steps
    locked.save()
    for row in locked.milestone_states.all():
        if row.pk in milestone_states:
            row.state, row.on_date = milestone_states[row.pk]
            row.save(update_fields=["state", "on_date"])
    for row in locked.indicator_values.all():
        if row.pk in indicator_values:
            row.actual_value = indicator_values[row.pk]
            row.save(update_fields=["actual_value"])
    report.version = locked.version
    return locked


class EvidenceStorageError(WorkflowError):
    """The file store refused an evidence file (disk full, storage down); nothing of it was kept."""


def stored_file_add(*, row: StoredFileRow, upload: UploadedFile) -> StoredFileRow:
    """Check ``upload``, store its file and insert ``row`` (an unsaved ``StoredFile`` — ``Evidence``,
    ``assessments``' ``AssessmentEvidence`` or ``InspectionPhoto`` — with its record and
    ``uploaded_by`` set), inside the caller's transaction; the writers of those records call it
    after their own checks (scope, lock).

    The check is ``check_evidence_file`` (content type by python-magic, extension, size cap); it
    fills ``original_name``, ``content_type`` and ``size``. The file is deleted again if the row is
    not written, if the storage fails half-way (partial files included), or if the surrounding
    ``evidence_atomic`` block rolls back (``_delete_on_rollback``): no file is left without a row.
    Returns the saved row. Raises ``ValidationError`` for a refused file and
    ``EvidenceStorageError`` (Chinese, with the file name) when the storage fails.
    """
    checked = check_evidence_file(upload)
    row.original_name, row.content_type, row.size = checked.name, checked.content_type, checked.size
    storage = row.file.storage
    name = row.file.field.generate_filename(row, checked.name)
    try:
        name = storage.save(name, upload, max_length=row.file.field.max_length)
    except OSError as error:
        _storage_delete_quietly(storage, name)
        raise EvidenceStorageError(
            _("The file %(name)s could not be stored (%(reason)s); it was not attached. Try again later.")
            % {"name": checked.name, "reason": _storage_reason(error)}
        ) from error
    row.file.name = name
    _delete_on_rollback(storage, name)
    try:
        with transaction.atomic():
            row.save()
    except BaseException:
        _storage_delete_quietly(storage, name)
        raise
    return row


def _storage_reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return _("the file store is full")
    return _("the file store is unavailable")


def _storage_delete_quietly(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # an orphan left here is found by ``manage.py evidence_orphans``
        pass


def _delete_on_rollback(storage, name: str) -> None:
    """Delete a stored file if the enclosing ``evidence_atomic`` block rolls back (Django has no
    on_rollback hook)."""
    pending = getattr(_ROLLBACK_FILES, "files", None)
    if pending is not None:
        pending.append((storage, name))


#: The files stored inside the running ``evidence_atomic`` block (per thread).
_ROLLBACK_FILES = threading.local()


class evidence_atomic:  # lower case: used like transaction.atomic
    """``transaction.atomic`` that also deletes the evidence files stored inside it when it rolls
    back (an exception, a cut database): rows and files stay together."""

    def __enter__(self):
        self._outer = getattr(_ROLLBACK_FILES, "files", None)
        if self._outer is None:
            _ROLLBACK_FILES.files = []
        self._atomic = transaction.atomic()
        try:
            self._atomic.__enter__()
        except BaseException:  # e.g. the database is down: no block began, forget the list
            if self._outer is None:
                _ROLLBACK_FILES.files = None
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self._atomic.__exit__(exc_type, exc, tb)
        except BaseException:
            self._cleanup(rolled_back=True)
            raise
        self._cleanup(rolled_back=exc_type is not None)
        return False

    def _cleanup(self, *, rolled_back: bool) -> None:
        if self._outer is not None:
            return  # the outermost block decides
        files, _ROLLBACK_FILES.files = _ROLLBACK_FILES.files, None
        if rolled_back:
            for storage, name in files:
                _storage_delete_quietly(storage, name)


def evidence_add(*, report: ProgressReport, actor: User, upload: UploadedFile) -> Evidence:
    """Attach an evidence file to a draft or returned report, after ``check_evidence_file``.

    Raises ``ValidationError`` (wrong type, too big, empty), ``WorkflowError`` (locked report) or
    ``EvidenceStorageError`` (disk full, storage down). File and row are stored together or not
    at all.
    """
    with evidence_atomic():
        locked = _locked_report(report)
        _require_unit_can_edit(locked, actor)
        return stored_file_add(row=Evidence(report=locked, uploaded_by=actor), upload=upload)


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor: User) -> None:
    """Remove an evidence file of a draft or returned report (the file goes once committed, by the
    ``post_delete`` signal of ``reporting.apps``)."""
    locked = _locked_report(evidence.report)
    _require_unit_can_edit(locked, actor)
    evidence.delete()


@dataclass
class ReportSaved:
    """What ``report_save`` did: the report, the files stored, the files refused (name, reason),
    whether the report was submitted, and why not when submitting was asked and refused."""

    report: ProgressReport
    stored: list[Evidence]
    refused: list[tuple[str, str]]
    submitted: bool = False
    not_submitted_because: str = ""


def report_save(
    *,
    report: ProgressReport,
    actor: User,
    version: int | None,
    progress: str,
    percent_complete: int,
    problems: str,
    next_steps: str,
    milestone_states: dict[int, tuple[str, datetime.date | None]],
    indicator_values: dict[int, Decimal | None],
    uploads: Sequence[UploadedFile] = (),
    submit: bool = False,
) -> ReportSaved:
    """The reporter's one action on the report form: save the draft, attach files, maybe submit.

    ONE transaction: the texts (``report_update``, same arguments and errors), every file of
    ``uploads`` that passes ``check_evidence_file`` (each refused one is named in ``refused`` with
    its reason, the others are stored), and with ``submit`` the submission (``report_submit``).
    A refused submission (no work progress, a refused file) keeps the saved draft and says why in
    ``not_submitted_because``; a database failure anywhere writes nothing, files included.
    Raises what ``report_update`` raises (then nothing is written).
    """
    with evidence_atomic():
        locked = report_update(
            report=report,
            actor=actor,
            version=version,
            progress=progress,
            percent_complete=percent_complete,
            problems=problems,
            next_steps=next_steps,
            milestone_states=milestone_states,
            indicator_values=indicator_values,
        )
        result = ReportSaved(report=locked, stored=[], refused=[])
        for upload in uploads:
            try:
                result.stored.append(
                    stored_file_add(row=Evidence(report=locked, uploaded_by=actor), upload=upload)
                )
            except ValidationError as error:
                result.refused.append((upload.name, join_clauses(error.messages)))
            except EvidenceStorageError as error:
                result.refused.append((upload.name, str(error)))
        if submit and result.refused:
            result.not_submitted_because = _("Some files were not attached.")
        elif submit:
            try:
                with transaction.atomic():
                    report_submit(report=locked, actor=actor)
            except WorkflowError as error:
                result.not_submitted_because = str(error)
            else:
                result.submitted = True
        report.version = locked.version
        return result


def report_snapshot(report: ProgressReport) -> dict:
    """The report's content as plain data: texts, percent, step states, indicator values, files.

    Kept with every transition so that later versions can be compared (``report_changes``).
    """
    return {
        "progress": report.progress,
        "percent_complete": report.percent_complete,
        "problems": report.problems,
        "next_steps": report.next_steps,
        "milestones": {
            f"{s.milestone.order}. {s.milestone.title}": [
                s.get_state_display(),
                s.on_date.isoformat() if s.on_date else "",
            ]
            for s in report.milestone_states.select_related("milestone")
        },
        "indicators": {
            v.indicator.name: "" if v.actual_value is None else f"{v.actual_value.normalize():f}"
            for v in report.indicator_values.select_related("indicator")
        },
        "evidence": sorted(e.original_name for e in report.evidence.all()),
    }


@dataclass(frozen=True)
class Change:
    """One field that differs between two versions of a report."""

    label: str
    before: str
    after: str


def report_changes(before: dict, after: dict) -> list[Change]:
    """The differences between two snapshots, labelled in Chinese, in form order."""
    labels = {
        "progress": _("work progress"),
        "percent_complete": _("percent complete"),
        "problems": _("problems"),
        "next_steps": _("next steps"),
    }
    changes = [
        Change(label, str(before.get(key, "")), str(after.get(key, "")))
        for key, label in labels.items()
        if before.get(key) != after.get(key)
    ]
    for key, label in [("milestones", _("step")), ("indicators", _("indicator"))]:
        old, new = before.get(key, {}), after.get(key, {})
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                show = lambda value: " ".join(value) if isinstance(value, list) else (value or "—")  # noqa: E731
                changes.append(Change(f"{label}：{name}", show(old.get(name, "—")), show(new.get(name, "—"))))
    if before.get("evidence") != after.get("evidence"):
        changes.append(
            Change(_("evidence"), "、".join(before.get("evidence", [])), "、".join(after.get("evidence", [])))
        )
    return changes


def report_changes_since_return(
    report: ProgressReport, transitions: list[ReportTransition] | None = None
) -> list[Change] | None:
    """What changed between the version last returned and the current report (or its resubmission).

    ``transitions`` are the report's transitions in order, if already loaded. ``None`` if the
    report was never returned.
    """
    transitions = list(report.transitions.all()) if transitions is None else transitions
    returned = [t for t in transitions if t.action == ReportTransition.Action.RETURN]
    if not returned:
        return None
    last_return = returned[-1]
    later = [t for t in transitions if t.at >= last_return.at and t.pk > last_return.pk]
    current = later[-1].snapshot if later else report_snapshot(report)
    return report_changes(last_return.snapshot, current)


#: (action, states it may start from, state it leads to) — the only legal steps of a report.
REPORT_WORKFLOW = {
    ReportTransition.Action.SUBMIT: ({ReportStatus.DRAFT}, ReportStatus.SUBMITTED),
    ReportTransition.Action.RESUBMIT: ({ReportStatus.RETURNED}, ReportStatus.SUBMITTED),
    ReportTransition.Action.APPROVE: ({ReportStatus.SUBMITTED}, ReportStatus.APPROVED),
    ReportTransition.Action.RETURN: ({ReportStatus.SUBMITTED}, ReportStatus.RETURNED),
}


def review_step(*, record, workflow: dict, action: str, refusal: str, actor: User, reason: str = "", **extra):
    """Take one step of a review — of a report (``REPORT_WORKFLOW``) or of ``assessments``'
    self-assessment (its ``WORKFLOW``, the same steps) — on ``record``, locked by the caller: the
    transition (a ``ReviewTransition``, see ``_transition_record``, which raises ``WorkflowError``
    with ``refusal`` from a wrong status; ``extra``: the snapshot, a self-assessment's ``late``),
    then ``submitted_at`` (a step to submitted) or ``reviewed_at`` (approved, returned) set to that
    moment, and the record saved. Returns ``record``."""
    now = _transition_record(
        record=record, workflow=workflow, action=action, refusal=refusal, actor=actor, reason=reason, **extra
    )
    if record.status == ReportStatus.SUBMITTED:  # the review states share their values
        record.submitted_at = now
    else:
        record.reviewed_at = now
    record.save()
    return record


def _report_step(*, report: ProgressReport, actor: User, action: str, reason: str = "") -> ProgressReport:
    return review_step(
        record=report,
        workflow=REPORT_WORKFLOW,
        action=action,
        refusal=_("A report that is %(status)s cannot be %(action)s."),
        actor=actor,
        reason=reason,
        snapshot=report_snapshot(report),
    )


@transaction.atomic
def report_submit(*, report: ProgressReport, actor: User) -> ProgressReport:
    """The unit submits a draft (or resubmits a returned) report; it is then locked for the unit.

    Requires the work progress text (raises ``WorkflowError``). Tells the liaison departments.
    """
    locked = _locked_report(report)
    access.require(actor, Action.SUBMIT_REPORT, locked)
    if not locked.progress.strip():
        raise WorkflowError(_("Describe the work progress before submitting."))
    action = (
        ReportTransition.Action.RESUBMIT
        if locked.status == ReportStatus.RETURNED
        else ReportTransition.Action.SUBMIT
    )
    _report_step(report=locked, actor=actor, action=action)
    message = (
        _("%(unit)s resubmitted its report on %(project)s for %(period)s.")
        if action == ReportTransition.Action.RESUBMIT
        else _("%(unit)s submitted its report on %(project)s for %(period)s.")
    )
    notifications_send(
        recipients=liaison_users(locked.assignment),
        kind=Notification.Kind.SUBMITTED,
        message=message
        % {
            "unit": locked.assignment.unit,
            "project": locked.assignment.project.short_label,
            "period": locked.period,
        },
        link=_report_link(locked),
    )
    return locked


@transaction.atomic
def report_approve(*, report: ProgressReport, actor: User, comment: str = "") -> ProgressReport:
    """The liaison department approves a submitted report. Tells the unit's reporters."""
    locked = _locked_report(report)
    access.require(actor, Action.REVIEW_REPORT, locked)
    _report_step(report=locked, actor=actor, action=ReportTransition.Action.APPROVE, reason=comment.strip())
    notifications_send(
        recipients=reporter_users(locked.assignment),
        kind=Notification.Kind.APPROVED,
        message=_("Your report on %(project)s for %(period)s was approved.")
        % {"project": locked.assignment.project.short_label, "period": locked.period},
        link=_report_link(locked),
    )
    return locked


@transaction.atomic
def report_return(*, report: ProgressReport, actor: User, reason: str) -> ProgressReport:
    """The liaison department returns a submitted report for revision; ``reason`` is required.

    Raises ``WorkflowError`` for a blank reason. Tells the unit's reporters, with the reason.
    """
    locked = _locked_report(report)
    access.require(actor, Action.REVIEW_REPORT, locked)
    if not reason.strip():
        raise WorkflowError(_("Give a reason for returning the report."))
    _report_step(report=locked, actor=actor, action=ReportTransition.Action.RETURN, reason=reason.strip())
    notifications_send(
        recipients=reporter_users(locked.assignment),
        kind=Notification.Kind.RETURNED,
        message=_("Your report on %(project)s for %(period)s was returned: %(reason)s")
        % {
            "project": locked.assignment.project.short_label,
            "period": locked.period,
            "reason": reason.strip(),
        },
        link=_report_link(locked),
    )
    return locked


# --------------------------------------------------------------------------- reminders


@transaction.atomic
def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind reporters of reports due soon and overdue; return how many reminders went out.

    A report is due soon when its period has ended or is running and its due date lies within
    ``settings.REPORTING_REMIND_DAYS_BEFORE`` days; overdue after the due date. Only reports not
    yet submitted or approved count, of the periods the assignment reports for (``reporting.calendar``),
    in rounds not closed (nobody can submit in a closed round). Each reminder (kind, assignment, period, user) is sent once,
    however often this runs, also when two runs overlap (the worker's schedule, ``manage.py
    send_reminders``). "Sent" means written to the inbox and the outbox: the e-mail leaves when the
    mail server takes it, however long it is down. Dates in Asia/Shanghai.
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.REPORTING_REMIND_DAYS_BEFORE)
    periods = ReportingPeriod.objects.filter(
        starts_on__lte=today, due_on__lte=horizon, campaign__closed_at__isnull=True
    ).select_related("campaign")
    done = set(
        ProgressReport.objects.filter(period__in=periods, status__in=reporting_calendar.FILED).values_list(
            "assignment_id", "period_id"
        )
    )
    reporters: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
        role=Membership.Role.REPORTER, user__is_active=True
    ).select_related("user"):
        reporters.setdefault(membership.organisation_id, []).append(membership.user)
    sent = 0
    for period in periods:
        overdue = period.due_on < today
        kind = Notification.Kind.OVERDUE if overdue else Notification.Kind.DUE_SOON
        assignments = (
            Assignment.objects.filter(project__campaign=period.campaign_id)
            .filter(reporting_calendar.reports_for_q(period.starts_on))
            .select_related("project", "unit")
        )
        for assignment in assignments:
            if (assignment.pk, period.pk) in done or assignment.unit_id not in reporters:
                continue
            template = (
                _("Overdue: your report on %(project)s for %(period)s was due on %(due_on)s.")
                if overdue
                else _("Due soon: your report on %(project)s for %(period)s is due on %(due_on)s.")
            )
            sent += len(
                notifications_send(
                    recipients=reporters[assignment.unit_id],
                    kind=kind,
                    message=template
                    % {"project": assignment.project.short_label, "period": period, "due_on": period.due_on},
                    link=reverse("reporting:assignment", args=[assignment.pk]),
                    key=f"{kind}:{assignment.pk}:{period.pk}",
                )
            )
    return sent


# --------------------------------------------------------------------------- orphan files


def _stored_files(storage, directory: str) -> list[str]:
    """Every file name in ``storage`` below ``directory``."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{name}" for name in files]
    for folder in folders:
        names += _stored_files(storage, f"{directory}/{folder}")
    return names


def evidence_orphans(*, older_than: datetime.timedelta = datetime.timedelta(hours=1)) -> list[str]:
    """Stored files under ``evidence/`` that no ``Evidence`` row names, last changed longer ago than
    ``older_than`` (an upload in flight has its file a moment before its row commits)."""
    from reporting.models import evidence_storage

    storage = evidence_storage()
    known = set(Evidence.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    orphans = []
    for name in _stored_files(storage, "evidence"):
        if name in known:
            continue
        try:
            changed = storage.get_modified_time(name)
        except (OSError, NotImplementedError):
            changed = None
        if changed is None or changed <= cutoff:
            orphans.append(name)
    return sorted(orphans)


def evidence_orphans_delete(*, older_than: datetime.timedelta = datetime.timedelta(hours=1)) -> list[str]:
    """Delete the files ``evidence_orphans`` finds; return their names."""
    from reporting.models import evidence_storage

    storage = evidence_storage()
    names = evidence_orphans(older_than=older_than)
    for name in names:
        _storage_delete_quietly(storage, name)
    return names
