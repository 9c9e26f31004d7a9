"""Progress reporting of the 项目化运作 (notice 泉妇〔2013〕81号).

Every responsible unit fixes its 四定 for each of its projects (``Plan`` holds the confirmation
state of the 四定 kept on ``projects.Assignment``), then reports each reporting period
(``ReportingPeriod``, from the campaign's cadence) with a ``ProgressReport``: narrative, the state
of each step, the actual values of the indicators, percent complete, problems, next steps and
evidence files (``Evidence``). The liaison department reviews: draft → submitted → approved, or
returned with a reason → resubmitted. Every transition is a ``ReportTransition`` or
``PlanTransition`` row with who, when and why; ``Notification`` rows are the portal's inbox and
the record of every reminder sent (so that each is sent once).

Writes go through ``reporting/services.py``; who may see what is decided in ``reporting/access.py``.
"""

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import (
    Assignment,
    AssignmentScopedQuerySet,
    Campaign,
    Indicator,
    Milestone,
    RoundScopedMixin,
    year_label,
)
from quanzhou_women.lib.numbers import plain_number
from quanzhou_women.lib.querysets import EVERYTHING, NOTHING, Action, RestrictedQuerySet
from quanzhou_women.lib.stored_files import StoredFile, private_storage, stored_file_path
from quanzhou_women.lib.transitions import Transition
from units.models import Organisation
from units.roles import federation_of, is_city_admin


class PlanQuerySet(AssignmentScopedQuerySet):
    """Plan confirmation records, seen where their assignment is."""


class ReportQuerySet(AssignmentScopedQuerySet):
    """Progress reports, seen where their assignment is."""


class ReportingPeriodQuerySet(RoundScopedMixin, RestrictedQuerySet):
    """Reporting periods, seen with their campaign."""

    campaign_path = "campaign__"

    def restriction(self, user, action: Action) -> Q | None:
        """Read where the campaign is read; only city administrators change them (a federation
        administrator those of its federation's rounds), in open rounds."""
        if action == Action.CHANGE:
            if is_city_admin(user):
                return Q(campaign__closed_at__isnull=True)
            federation = federation_of(user)
            if federation is None:
                return NOTHING
            return Q(campaign__closed_at__isnull=True, campaign__issuing_body=federation)
        return Q(campaign__in=Campaign.objects.restrict(user))


class NotificationQuerySet(RestrictedQuerySet):
    """In-portal notifications: each user reads their own."""

    def restriction(self, user, action: Action) -> Q | None:
        """A notification is its recipient's: superusers read every one, everybody else — city
        administrators too — their own only."""
        return EVERYTHING if user.is_superuser else Q(recipient=user.pk)


class EvidenceQuerySet(AssignmentScopedQuerySet):
    """Evidence files, seen (and downloaded) where their report is."""

    assignment_path = "report__assignment__"


class PlanStatus(models.TextChoices):
    """The confirmation state of a unit's 四定 plan."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed")


class Plan(models.Model):
    """The confirmation state of one assignment's 四定 plan (the plan itself lives on the assignment).

    The responsible unit edits its target, steps, deadline and responsible person while the plan is a
    draft and submits it; the liaison department confirms it (or returns it with a reason). A
    confirmed plan is locked for the unit; the city administrator may still change it, and every
    change is kept by the history of ``Assignment``, ``Milestone`` and ``Indicator``.
    """

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="plan"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = [
            "assignment__project__campaign",
            "assignment__project__number",
            "assignment__unit__display_order",
        ]
        verbose_name = _("four fixes plan")
        verbose_name_plural = _("four fixes plans")

    def __str__(self) -> str:
        return str(self.assignment)


class PlanTransition(Transition):
    """One step of a plan's confirmation: who did what, when and why (``Transition``)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted for confirmation")
        CONFIRM = "confirm", _("confirmed")
        RETURN = "return", _("returned")
        REOPEN = "reopen", _("reopened for changes")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=PlanStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=PlanStatus.choices)

    class Meta:
        ordering = ["plan", "at", "pk"]
        verbose_name = _("plan transition")
        verbose_name_plural = _("plan transitions")


class ReportingPeriod(models.Model):
    """A reporting period (报告期) of a campaign: a month, quarter or half-year of its year.

    Periods follow the campaign's ``reporting_cadence``; a report is due ``due_on`` (the period's
    last day plus ``settings.REPORTING_DUE_DAYS`` days, dates in Asia/Shanghai). Created by
    ``services.periods_ensure``.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="reporting_periods"
    )
    name = models.CharField(_("name"), max_length=50)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    due_on = models.DateField(_("report due date"))

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "starts_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "starts_on"],
                name="reporting_period_start_unique_in_campaign",
                violation_error_message=_("The campaign already has a period starting on this day."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")) & Q(due_on__gte=F("ends_on")),
                name="reporting_period_dates_in_order",
                violation_error_message=_("A period must end after it starts and be due after it ends."),
            ),
        ]

    def __str__(self) -> str:
        """The period with its round's year, e.g. “2015年第1季度” (issue 12 item 2); reads the
        campaign (select it with the period where many are shown)."""
        return self.label

    @property
    def label(self) -> str:
        """The stored name (“第1季度”) prefixed with the campaign's year: “2015年第1季度”."""
        return f"{year_label(self.campaign.year)}{self.name}"


class ReportStatus(models.TextChoices):
    """The review state of a progress report."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for revision")
    APPROVED = "approved", _("approved")


class ProgressReport(models.Model):
    """A responsible unit's progress report (进度报告) on one assignment for one reporting period.

    Holds 工作进展 (``progress``), percent complete (0–100), 存在问题 (``problems``) and 下步打算
    (``next_steps``); the state of each step and the actual value of each indicator are
    ``MilestoneProgress`` and ``IndicatorValue`` rows, the 佐证材料 ``Evidence`` rows. ``version``
    refuses the later of two concurrent saves (django-concurrency).
    """

    assignment = models.ForeignKey(
        # A project or unit whose reports exist cannot be deleted: the reports are the record.
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("reporting period"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    progress = models.TextField(_("work progress"), blank=True)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = IntegerVersionField()
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["assignment__project__campaign", "assignment__project__number", "period__starts_on"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period"],
                name="progress_report_unique_per_period",
                violation_error_message=_("This assignment already has a report for this period."),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100),
                name="progress_report_percent_at_most_100",
                violation_error_message=_("The percent complete lies between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.period.name}"

    @property
    def submitted_late(self) -> bool:
        """Whether the (last) submission came after the period's due date (Asia/Shanghai)."""
        return bool(self.submitted_at and timezone.localdate(self.submitted_at) > self.period.due_on)


class MilestoneProgress(models.Model):
    """The state of one step (定步骤) of the plan at the time of a report."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        related_name="milestone_states",
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("step"), on_delete=models.PROTECT, related_name="progress"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.NOT_STARTED)
    on_date = models.DateField(_("date"), null=True, blank=True, help_text=_("When it started or was done."))

    class Meta:
        ordering = ["report", "milestone__order"]
        verbose_name = _("step progress")
        verbose_name_plural = _("step progress")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "milestone"],
                name="milestone_progress_unique_in_report",
                violation_error_message=_("This step is already in the report."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone}：{self.get_state_display()}"


class IndicatorValue(models.Model):
    """The actual value (实际值) of one indicator at the time of a report."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    actual_value = models.DecimalField(
        _("actual value"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["report", "indicator__name"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="indicator_value_unique_in_report",
                violation_error_message=_("This indicator is already in the report."),
            ),
            models.CheckConstraint(
                condition=Q(actual_value__gte=0) | Q(actual_value__isnull=True),
                name="indicator_value_not_negative",
                violation_error_message=_("The actual value cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{plain_number(self.actual_value, empty=_('(empty)'))}"


#: The names the migrations of ``Evidence`` (and of ``assessments``' files) give the storage and
#: the upload path: since ``quanzhou_women.lib.stored_files`` holds them, they are the same objects.
evidence_storage = private_storage
evidence_path = stored_file_path


class Evidence(StoredFile):
    """An evidence file (佐证材料) of a report: a photo, PDF, Word or Excel file (``StoredFile``).

    Its type is checked by content on upload (``reporting/evidence.py``); it is stored under a
    random name in a private folder (``evidence/<year>/``) and served only by the
    permission-checking download view, under its original (often Chinese) name.
    """

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="evidence"
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def upload_folder(self) -> str:
        """``evidence/<the round's year>``: ``services.evidence_orphans`` looks for files there."""
        return f"evidence/{self.report.period.campaign.year}"


class ReviewTransition(Transition):
    """One step of a review — a report's or a self-assessment's (abstract; ``Transition``): the
    action (submit, resubmit, return, approve), from which review state to which (the states of
    ``ReportStatus``, which ``assessments.AssessmentStatus`` repeats value for value), who, when,
    why, and the record's content at that moment (``snapshot``), so that a resubmission can show
    what changed since the version that was returned. The workflow is
    ``reporting.services.REPORT_WORKFLOW``; a step is taken by ``services.review_step``.
    """

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted")
        RESUBMIT = "resubmit", _("resubmitted")
        RETURN = "return", _("returned")
        APPROVE = "approve", _("approved")

    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=ReportStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=ReportStatus.choices)
    snapshot = models.JSONField(_("snapshot"), default=dict)

    class Meta:
        abstract = True


class ReportTransition(ReviewTransition):
    """One step of a report's review: who did what, when and why, with the report as it then stood
    (``ReviewTransition``; ``snapshot`` is ``services.report_snapshot``)."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="return") | ~Q(reason=""),
                name="report_transition_return_has_reason",
                violation_error_message=_("A report can only be returned with a reason."),
            ),
        ]


class Notification(models.Model):
    """A message to one user, shown in the portal and sent by e-mail.

    ``key`` names a reminder (e.g. ``overdue:12:3``): a user gets each key at most once, which is
    how ``manage.py send_reminders`` sends every reminder only once however often cron runs it.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("report submitted")
        RETURNED = "returned", _("report returned")
        APPROVED = "approved", _("report approved")
        PLAN = "plan", _("plan")
        DUE_SOON = "due_soon", _("report due soon")
        OVERDUE = "overdue", _("report overdue")
        CHASE = "chase", _("report chased")
        ISSUED = "issued", _("tasks issued")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    message = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    key = models.CharField(_("reminder key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="notification_reminder_once_per_user",
                violation_error_message=_("This reminder was already sent to this user."),
            ),
        ]

    def __str__(self) -> str:
        return self.message[:50]


class OutboxEmail(models.Model):
    """One e-mail to send (the outbox), written in the same transaction as the action it tells of.

    A task (``reporting.tasks.outbox_deliver``) hands it to the mail server; ``sent_at`` is set
    only once the server accepted it, in the transaction that holds the row's lock, so a message is
    never sent twice by two workers. A refusal counts an attempt, keeps the error and schedules the
    next try (``next_attempt_at``, with backoff); the worker's sweep sends whatever is due.
    """

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
    )
    to_address = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="outbox_pending_due")]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject}"


class ScheduledJob(models.Model):
    """When the worker next enqueues a periodic task (reminders, the outbox sweep).

    One row per entry of ``reporting.tasks.SCHEDULE``; a worker enqueues the task and moves
    ``next_run_at`` on in one transaction holding the row's lock, so however many workers run,
    each slot is enqueued once.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run at"))
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------- 催报 (chasing)


class ChaseQuerySet(AssignmentScopedQuerySet):
    """Chases (催报), seen where their assignment is."""


class Chase(models.Model):
    """One 催报: a liaison department, a leader or city staff reminding a unit of a late report.

    Sent by ``reporting.chasing.chase_send`` to the unit's reporters (inbox and e-mail outbox) and to
    its group robots (``RobotMessage``). At most one per assignment, period and day (Asia/Shanghai,
    ``day``): the constraint backs the check made in the service's locked transaction.
    """

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="chases"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("reporting period"), on_delete=models.CASCADE, related_name="chases"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chased by"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("chased by organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The sender's department (e.g. 宣传部) at the time of the chase."),
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("chased at"))
    day = models.DateField(_("day"))

    objects = ChaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["assignment", "-at", "-pk"]
        verbose_name = _("chase")
        verbose_name_plural = _("chases")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period", "day"],
                name="chase_once_a_day_per_period",
                violation_error_message=_("This unit was already chased for this period today."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.period.name} · {self.day:%Y-%m-%d}"


def robot_url_validator(value: str) -> None:
    """A robot's webhook address must be ``https://…``; ``http://127.0.0.1…`` only where
    ``settings.ROBOT_WEBHOOKS_ALLOW_LOOPBACK`` is set (the tests' stub server). Raises ValidationError."""
    if value.startswith("https://"):
        return
    loopback = value.startswith("http://127.0.0.1:") or value.startswith("http://127.0.0.1/")
    if loopback and getattr(settings, "ROBOT_WEBHOOKS_ALLOW_LOOPBACK", False):
        return
    raise ValidationError(
        _("The robot's address must begin with https:// (got “%(value)s”)."),
        code="robot_url",
        params={"value": value},
    )


class RobotWebhookQuerySet(RestrictedQuerySet):
    """Group-robot webhooks: their addresses are secrets, for city administrators only."""

    def restriction(self, user, action: Action) -> Q | None:
        """City administrators read and change every webhook; nobody else any."""
        return EVERYTHING if is_city_admin(user) else NOTHING


class RobotMessageQuerySet(RobotWebhookQuerySet):
    """The robot outbox: like the robots, for city administrators only."""


class RobotWebhook(models.Model):
    """An organisation's group robot (企业微信 or 钉钉 群机器人): where its 催报 are posted too.

    Messages go through the robot outbox (``RobotMessage``) in the robot's JSON format,
    ``{"msgtype": "text", "text": {"content": …}}``; set up by city administrators in the admin.
    """

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="robot_webhooks"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.WECOM)
    url = models.URLField(_("webhook address"), max_length=500, validators=[robot_url_validator])
    enabled = models.BooleanField(_("enabled"), default=True)

    objects = RobotWebhookQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__display_order", "organisation__name", "pk"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "url"],
                name="robot_webhook_unique_per_organisation",
                violation_error_message=_("This organisation already has a robot with this address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()}"


class RobotMessage(models.Model):
    """One message to a group robot (the robot outbox), written with the chase it tells of.

    ``key`` is the idempotency key (``chase:<chase>:robot:<webhook>``): one row per message, and
    ``sent_at`` is set only once the robot answered ``errcode`` 0, in the transaction holding the
    row's lock, so the robot gets each message once however many workers run. A refusal (HTTP
    error, ``errcode`` not 0, no answer) counts an attempt and schedules the next try, as the
    e-mail outbox does.
    """

    webhook = models.ForeignKey(
        RobotWebhook, verbose_name=_("group robot"), on_delete=models.CASCADE, related_name="messages"
    )
    chase = models.ForeignKey(
        Chase,
        verbose_name=_("chase"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="robot_messages",
    )
    key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = RobotMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="robot_outbox_pending_due")]

    def __str__(self) -> str:
        return self.key


# --------------------------------------------------------------------------- 下发 / 签收 (issue and receipt)


class TaskReceiptQuerySet(AssignmentScopedQuerySet):
    """Issue and receipt records, seen (and, by the unit's reporter, signed) where their assignment is."""


class TaskReceipt(models.Model):
    """The 下发 / 签收 of one assignment: when the round's task was issued to the unit and when the
    unit received it (issue 15, item 3).

    Chinese supervision work moves 交办 → 签收 → 办理 → 报送 → 审核 → 办结: a row is written when
    the task is issued (``reporting.receipts.round_issue``); ``received_at`` is set once, by the
    unit's reporter signing 「签收」 (``how`` = signed) or first opening the task or its 四定 plan
    (``how`` = opened), through ``reporting.receipts.receipt_sign`` / ``receipt_open``. The
    received task's clock (已签收 N 天) counts from ``received_at``. No row: not issued.
    """

    class How(models.TextChoices):
        OPENED = "opened", _("opened the task")
        SIGNED = "signed", _("signed for it")

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="receipt"
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    how = models.CharField(_("how received"), max_length=16, choices=How.choices, blank=True)

    objects = TaskReceiptQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [
            "assignment__project__campaign",
            "assignment__project__number",
            "assignment__unit__display_order",
        ]
        verbose_name = _("task receipt")
        verbose_name_plural = _("task receipts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(received_at__isnull=True) & Q(how=""))
                | (Q(received_at__isnull=False) & ~Q(how="")),
                name="task_receipt_received_with_how",
                violation_error_message=_("A received task records how it was received, and only then."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.assignment)

    @property
    def is_received(self) -> bool:
        """Whether the unit has received (signed for or opened) the task."""
        return self.received_at is not None

    def days_received(self, on=None) -> int | None:
        """Whole days since receipt on ``on`` (a date, Asia/Shanghai; default today): 0 on the day
        of receipt; ``None`` while not received."""
        if self.received_at is None:
            return None
        on = on or timezone.localdate()
        return max(0, (on - timezone.localdate(self.received_at)).days)


# --------------------------------------------------------------------------- big imports


class ImportJobQuerySet(RestrictedQuerySet):
    """Import jobs: each is seen and changed by the user who uploaded its file, and nobody else
    (not even a city administrator: the file may hold another unit's draft)."""

    user_path = "user"

    def restriction(self, user, action: Action):
        return Q(**{self.user_path: user})


class ImportJobPageQuerySet(ImportJobQuerySet):
    """Pages of an import job's preview, seen with their job."""

    user_path = "job__user"


class ImportJob(models.Model):
    """A spreadsheet import of more rows than a request may take (``reporting.background_import``):
    its uploaded file waits in the ``import_export`` storage (``file_name``) while a task of the
    worker reads and checks it (``phase`` preview), then, once the user confirms the preview, writes
    it (phase confirm). ``rows_*`` is the progress the page shows; ``result`` the preview's counts,
    the file's errors and the note on the sheet read; ``rows_seen`` the version of every row's
    record as the preview saw it (checked again at confirm, as for a small import). The preview's
    rows are ``ImportJobPage`` rows. Expired jobs are deleted with their pages and file by the
    worker's hourly ``reporting.tasks.import_jobs_clear``."""

    class Phase(models.TextChoices):
        PREVIEW = "preview", _("preview")
        CONFIRM = "confirm", _("confirm")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    model_label = models.CharField(_("model"), max_length=100)
    resource_index = models.PositiveSmallIntegerField(_("resource"), default=0)
    options = models.JSONField(_("options"), default=dict, blank=True)
    file_name = models.CharField(_("stored file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase, default=Phase.PREVIEW)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    rows_seen = models.JSONField(_("rows seen"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return self.original_name or self.file_name

    @property
    def finished(self) -> bool:
        """Whether the task of the current phase has ended (done or failed)."""
        return self.state in (self.State.DONE, self.State.FAILED)


class ImportJobPage(models.Model):
    """One page of an import job's preview: the ``<tr>`` rows (HTML built and escaped by
    ``importing.preview_rows_html``) of the new and changed rows (``unchanged`` False) or of the
    unchanged ones, ``first``–``last`` by their place among them."""

    job = models.ForeignKey(
        ImportJob, verbose_name=_("import job"), on_delete=models.CASCADE, related_name="pages"
    )
    unchanged = models.BooleanField(_("unchanged rows"), default=False)
    number = models.PositiveIntegerField(_("page"))
    first = models.PositiveIntegerField(_("first row"))
    last = models.PositiveIntegerField(_("last row"))
    html = models.TextField(_("rows"))

    objects = ImportJobPageQuerySet.as_manager()

    class Meta:
        ordering = ["job", "unchanged", "number"]
        verbose_name = _("import preview page")
        verbose_name_plural = _("import preview pages")
        constraints = [
            models.UniqueConstraint(fields=["job", "unchanged", "number"], name="import_job_page_unique")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.number}"
