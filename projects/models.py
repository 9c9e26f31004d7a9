"""Campaigns, feature projects and the 四定 plan of every responsible unit.

The shape follows the 一览表 attached to notice 泉妇〔2013〕81号: a campaign (one round of
争六好、创特色, e.g. 2014) has numbered feature projects; each project has responsible units and
liaison departments of the city federation; each (project, responsible unit) pair is an
``Assignment`` that carries the unit's own 四定 — 定目标 (``target`` and its ``Indicator`` rows),
定步骤 (``Milestone`` rows), 定时限 (``deadline``) and 定责任 (the responsible person).
"""

import datetime
from collections.abc import Iterable

from concurrency.fields import IntegerVersionField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from quanzhou_women.lib.numbers import plain_number
from quanzhou_women.lib.querysets import EVERYTHING, NOTHING, Action, ReadOnlyError, RestrictedQuerySet
from units.models import Organisation, linked_county_units, subtree
from units.roles import Role, federation_of, is_city_admin, membership_of, sees_everything

validate_phone = RegexValidator(
    r"^[0-9+()\- 转/、]*$",
    _(
        "A phone number may only hold digits, spaces, “-”, “+”, brackets, “转” and “/” or “、” between numbers."
    ),
)


def step_lateness(*, due_on: datetime.date | None, deadline: datetime.date | None) -> str | None:
    """Why a step due on ``due_on`` breaks the plan's ``deadline`` (the 四定: 定步骤 within 定时限),
    or ``None`` when it does not. The one place of this rule: ``steps_within_deadline`` (used by
    ``reporting.services.plan_update``, which every door that writes a plan calls) and the admin's
    plan form, which shows the message next to the step."""
    if deadline is not None and due_on is not None and due_on > deadline:
        return _("The due date %(due_on)s is after the deadline %(deadline)s.") % {
            "due_on": due_on,
            "deadline": deadline,
        }
    return None


def steps_within_deadline(
    *, deadline: datetime.date | None, steps: Iterable[tuple[int, datetime.date | None]]
) -> None:
    """Refuse the first step due after ``deadline``; ``steps`` are (order, due date) pairs.

    Raises ``ValidationError`` naming the step (``step_lateness`` holds the rule).
    """
    for order, due_on in steps:
        if step_lateness(due_on=due_on, deadline=deadline):
            raise ValidationError(
                {
                    "due_on": _("Step %(order)s is due %(due_on)s, after the deadline %(deadline)s.")
                    % {"order": order, "due_on": due_on, "deadline": deadline}
                }
            )


CLOSED_ROUND_MESSAGE = _("This round is closed and can only be viewed.")
CLOSED_ROUND_NOTE = _("This round was closed on %(date)s and can only be viewed.")


def _city_admin_only(user, open_path: str | None = None) -> Q | None:
    """The rule for records of a round that only its issuer changes (campaigns, projects, liaison
    links): city administrators every round, a federation administrator the rounds its federation
    issues (``units/roles.py``, issue 13 item 3); with ``open_path`` (the lookup to the record's
    campaign), only in rounds not closed."""
    if is_city_admin(user):
        return EVERYTHING if open_path is None else Q(**{f"{open_path}closed_at__isnull": True})
    federation = federation_of(user)
    if federation is None:
        return NOTHING
    own = Q(**{f"{open_path or ''}issuing_body": federation})
    return own if open_path is None else own & Q(**{f"{open_path}closed_at__isnull": True})


def closed_round_error(campaign: "Campaign | None") -> ReadOnlyError | None:
    """The refusal of a write to a record of ``campaign`` when that round is closed (issue 12 item
    6: a closed round is read-only for everybody, its 一览表 and 台账 as they stood), else ``None``.
    Its text is “该轮次已结束，只能查看。”; its ``note`` adds the day it closed (Asia/Shanghai), its
    ``where`` names the round."""
    if campaign is None or campaign.closed_at is None:
        return None
    day = formats.date_format(timezone.localdate(campaign.closed_at), "DATE_FORMAT")
    return ReadOnlyError(
        CLOSED_ROUND_MESSAGE,
        note=CLOSED_ROUND_NOTE % {"date": day},
        where=str(campaign),
    )


def require_open(campaign: "Campaign | None") -> None:
    """Raise ``ReadOnlyError`` (a ``PermissionDenied``) with a Chinese message when ``campaign`` is
    closed (a closed round is read-only for everybody, issue 12 item 6); ``None`` (a new record)
    passes."""
    error = closed_round_error(campaign)
    if error is not None:
        raise error


def year_label(year: int) -> str:
    """A round's year in the portal's words, e.g. 2015 → “2015年” (issue 12 item 2)."""
    return _("year %(year)s") % {"year": year}


def round_label(campaign: "Campaign", campaigns: Iterable["Campaign"]) -> str:
    """A round's name in the year switchers: its ``year_label`` (“2014年”), and when another of
    ``campaigns`` (the rounds the user sees) has the same year — the city's round and a county's,
    issue 13 item 2 — also its issuing body, e.g. “2014年（晋江市妇联）”. No query when the
    campaigns were read with ``select_related("issuing_body")`` (one per round otherwise)."""
    label = year_label(campaign.year)
    shared = any(other.year == campaign.year and other.pk != campaign.pk for other in campaigns)
    if shared and campaign.issuing_body_id is not None:
        return _("%(year)s (%(issuer)s)") % {"year": label, "issuer": campaign.issuing_body.name}
    return label


def current_campaign(
    campaigns: Iterable["Campaign"], today: datetime.date | None = None
) -> "Campaign | None":
    """The round in progress on ``today`` among ``campaigns`` (issue 12 item 3): the campaign of
    today's year (a day in Asia/Shanghai, default ``timezone.localdate()``), else the latest that
    has started (year before today's), else the earliest (every round still to come); ``None``
    when there is none. The default round of every page: dashboards, bulletin, ledger, 一览表,
    我的任务 and the landing pages. No query beyond reading ``campaigns``."""
    rounds = sorted(campaigns, key=lambda campaign: campaign.year)
    if not rounds:
        return None
    year = (today or timezone.localdate()).year
    started = [campaign for campaign in rounds if campaign.year <= year]
    return started[-1] if started else rounds[0]


def _campaign_of(obj, path: str, fresh: bool) -> "Campaign | None":
    """The campaign of ``obj``, following ``path`` (lookups ending in ``__``, ``""`` for a campaign
    itself) on the instance; ``None`` for a relation not set yet. ``fresh``: read from the
    database (a round closed meanwhile counts), else as loaded with ``obj`` (no query when the
    relations were fetched with it)."""
    parts = [part for part in path.split("__") if part]
    if not fresh:
        for part in parts:
            try:
                obj = getattr(obj, part)
            except models.ObjectDoesNotExist:
                return None
            if obj is None:
                return None
        return obj
    if not parts:
        campaign_id = obj.pk
    else:
        for part in parts[:-1]:
            try:
                obj = getattr(obj, part)
            except models.ObjectDoesNotExist:
                return None
            if obj is None:
                return None
        campaign_id = getattr(obj, f"{parts[-1]}_id", None)
    if campaign_id is None:
        return None
    return Campaign._base_manager.filter(pk=campaign_id).first()


class RoundScopedMixin:
    """Querysets of records that belong to one round (a campaign): every record of a closed round
    is read-only for everybody (``read_only``). ``campaign_path`` is the lookup from the model to its
    campaign, ending in ``__`` (``""`` on ``Campaign``)."""

    campaign_path = ""

    def read_only(self, obj, *, fresh: bool = True) -> ReadOnlyError | None:
        """The refusal of a write to ``obj`` (saved or new) when its round is closed, else ``None``;
        ``fresh`` (the writers) reads the round from the database, so a round closed meanwhile
        counts; pages that only show it ask with the round as loaded."""
        error = closed_round_error(_campaign_of(obj, self.campaign_path, fresh))
        if error is not None:
            error.record = obj
        return error


class CampaignQuerySet(RoundScopedMixin, RestrictedQuerySet):
    """Campaigns; a user sees those of the feature projects they see."""

    def current(self, today: datetime.date | None = None) -> "Campaign | None":
        """The round in progress on ``today`` within this queryset (rule: ``current_campaign``);
        ``None`` without campaigns. One query."""
        return current_campaign(self, today)

    def restriction(self, user, action: Action) -> Q | None:
        """City administrators and leaders read all, others the campaigns of their projects (a
        federation administrator also every round issued in its subtree); only city administrators
        change them, and a federation administrator its federation's rounds, only while open."""
        if action == Action.CHANGE:
            return _city_admin_only(user, "")
        if sees_everything(user):
            return EVERYTHING
        projects = Q(pk__in=FeatureProject.objects.restrict(user).values("campaign"))
        federation = federation_of(user)
        if federation is not None:
            return projects | subtree(federation, "issuing_body__")
        return projects

    def preferred_by(self, user) -> "CampaignQuerySet":
        """These rounds in the order ``user`` is offered them (``round_preference``). No query."""
        return self.order_by(*round_preference(user))

    def of_year_for(self, user, year: int) -> "Campaign | None":
        """The round of ``year`` that ``user`` means when a spreadsheet names the year alone (the
        年度 column of imports, issue 13 item 2): of the rounds of that year the user may see, the
        first in ``round_preference``; ``None`` when the user sees no round of that year."""
        return self.restrict(user, Action.VIEW).filter(year=year).preferred_by(user).first()


def round_preference(user, path: str = "") -> tuple:
    """``order_by`` arguments putting rounds (the campaign at ``path``: ``""`` on ``Campaign``,
    ``"campaign__"`` on a record of a round) in the order ``user`` is offered them: newest year
    first and, within a year (the city's round and the counties' rounds coexist, issue 13 item 2),
    the user's own organisation's round (a county administrator's), then the city federation's,
    then the others in the issuing bodies' official order. The one rule for the switchers, the
    default round, the 年度 of imports and the sources of a new round. No query (the membership is
    cached on the user)."""
    membership = membership_of(user)
    own = membership.organisation_id if membership is not None else None
    preference = models.Case(
        models.When(**{f"{path}issuing_body": own}, then=0),
        models.When(**{f"{path}issuing_body__kind": Organisation.Kind.CITY_FEDERATION}, then=1),
        default=2,
        output_field=models.IntegerField(),
    )
    return (f"-{path}year", preference, f"{path}issuing_body__display_order", "pk")


class AssignmentScopedQuerySet(RoundScopedMixin, RestrictedQuerySet):
    """Records of one assignment — the assignment (the unit's 四定 plan) itself, its steps and
    indicators, and reporting's plans, reports and evidence — seen where the assignment is seen.

    ``assignment_path`` is the lookup from the model to its assignment (``""`` on ``Assignment``).
    Reading: city administrators and leaders everything; liaison staff the assignments of the
    projects their department follows; a reporter their own unit's; a federation administrator
    those whose unit or round's issuing body lies in its federation's subtree. Writing: city
    administrators everything, a federation administrator the rounds its federation issues, a
    reporter their own unit's (whether the record's state allows it — a confirmed plan, a submitted
    report — is the services' business); liaison staff and leaders nothing (reviews are workflow
    steps, see ``reporting.access.can``). Nobody changes anything of a closed round.
    """

    assignment_path = "assignment__"

    @property
    def campaign_path(self) -> str:
        """From the model through its assignment to the campaign."""
        return f"{self.assignment_path}project__campaign__"

    def restriction(self, user, action: Action) -> Q | None:
        path = self.assignment_path
        if action == Action.VIEW and sees_everything(user):
            return EVERYTHING
        open_round = Q(**{f"{path}project__campaign__closed_at__isnull": True})
        if is_city_admin(user):
            return open_round
        membership = membership_of(user)
        if membership is None:
            return NOTHING
        if membership.role == Role.REPORTER:
            unit = Q(**{f"{path}unit": membership.organisation_id})
            return unit & open_round if action == Action.CHANGE else unit
        if membership.role == Role.FEDERATION_ADMIN:
            own = membership.organisation_id
            if action == Action.CHANGE:
                return Q(**{f"{path}project__campaign__issuing_body": own}) & open_round
            return subtree(own, f"{path}unit__") | subtree(own, f"{path}project__campaign__issuing_body__")
        if membership.role == Role.LIAISON and action == Action.VIEW:
            # A project can have two liaison departments, but one user belongs to one: no duplicates.
            # The projects through a subquery: ORed with the linked counties, a join over the
            # project's departments would repeat a row followed by two departments.
            own = membership.organisation_id
            followed = FeatureProject.objects.filter(liaison_departments=own).values("pk")
            return Q(**{f"{path}project__in": followed}) | linked_county_units(own, f"{path}unit__")
        return NOTHING


class CampaignManager(models.Manager.from_queryset(CampaignQuerySet)):
    """Looks campaigns up by year, their natural key."""

    def get_by_natural_key(self, year: int) -> "Campaign":
        """Return the round of ``year``: the city federation's when several bodies issued one that
        year (the fixtures hold the city's rounds, e.g. ``campaign_2014``), else the only one;
        raises ``Campaign.DoesNotExist`` (or ``MultipleObjectsReturned`` for several rounds of
        that year none of which the city issued)."""
        rounds = self.filter(year=year)
        city = rounds.filter(issuing_body__kind=Organisation.Kind.CITY_FEDERATION)
        return city.get() if city.exists() else rounds.get()


class Campaign(models.Model):
    """One round of the 争六好、创特色 campaign, set up by a notice of the city federation.

    ``year`` is the year the projects run (2014 for notice 泉妇〔2013〕81号, issued 2013-10-21);
    ``reporting_cadence`` decides the reporting periods of every assignment. A round belongs to its
    ``issuing_body``: the city's round and the counties' rounds (a county federation's projects for
    its townships) coexist in one year, one round per issuing body and year (issue 13 item 2).
    """

    class ReportingCadence(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        HALF_YEARLY = "half_yearly", _("half-yearly")

    name = models.CharField(_("campaign name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(
        _("document number"), max_length=50, help_text=_("For example 泉妇〔2013〕81号.")
    )
    document_title = models.CharField(_("document title"), max_length=200, blank=True)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    issuing_body = models.ForeignKey(
        Organisation,
        verbose_name=_("issuing body"),
        on_delete=models.PROTECT,
        related_name="issued_campaigns",
    )
    overview_table_title = models.CharField(
        _("overview table title"),
        max_length=200,
        blank=True,
        help_text=_("The title printed above the overview table."),
    )
    reporting_cadence = models.CharField(
        _("reporting cadence"),
        max_length=16,
        choices=ReportingCadence.choices,
        default=ReportingCadence.QUARTERLY,
    )
    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A closed round can only be viewed: its overview table and ledger stay as they stood."),
    )

    history = HistoricalRecords()
    objects = CampaignManager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="campaign_year_in_range",
                violation_error_message=_("The year must lie between 2000 and 2100."),
            ),
            models.UniqueConstraint(
                fields=["issuing_body", "year"],
                name="campaign_year_unique_per_issuing_body",
                violation_error_message=_("This issuing body already has a round in this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def natural_key(self) -> tuple[int]:
        """The campaign's year (``CampaignManager.get_by_natural_key`` reads it back as the city's
        round of that year: fixtures and natural-key dumps are for the city's rounds)."""
        return (self.year,)


class ProjectLiaisonQuerySet(RoundScopedMixin, RestrictedQuerySet):
    """Links between projects and their liaison departments, seen with their project."""

    campaign_path = "project__campaign__"

    def restriction(self, user, action: Action) -> Q | None:
        """Read where the project is read; only city administrators change them, in open rounds."""
        if action == Action.CHANGE:
            return _city_admin_only(user, "project__campaign__")
        return Q(project__in=FeatureProject.objects.restrict(user))


class ProjectLiaisonManager(models.Manager.from_queryset(ProjectLiaisonQuerySet)):
    """Looks links up by (campaign year, 序号, department's name)."""

    def get_by_natural_key(self, year: int, number: int, department_name: str) -> "ProjectLiaison":
        """Return the link; raises ``ProjectLiaison.DoesNotExist``."""
        return self.get(
            project__campaign=Campaign.objects.get_by_natural_key(year),
            project__number=number,
            department__name=department_name,
        )


class ProjectLiaison(models.Model):
    """A liaison department (市妇联联系部室) following a feature project.

    A department that follows projects cannot be deleted (``PROTECT``): its projects would lose
    their liaison without a trace. Change the projects' departments first.
    """

    project = models.ForeignKey(
        "projects.FeatureProject", verbose_name=_("feature project"), on_delete=models.CASCADE
    )
    department = models.ForeignKey(
        Organisation,
        verbose_name=_("liaison department"),
        on_delete=models.PROTECT,
        limit_choices_to={"is_liaison": True},
    )

    history = HistoricalRecords()
    objects = ProjectLiaisonManager()

    class Meta:
        ordering = ["project", "department__display_order"]
        verbose_name = _("liaison department")
        verbose_name_plural = _("liaison departments")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "department"],
                name="project_liaison_unique",
                violation_error_message=_("This department already follows this project."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.department}"

    def natural_key(self) -> tuple[int, int, str]:
        """(campaign year, 序号, department's name)."""
        return (*self.project.natural_key(), self.department.name)

    natural_key.dependencies = ["projects.featureproject", "units.organisation"]


class FeatureProjectQuerySet(RoundScopedMixin, RestrictedQuerySet):
    """Feature projects; a user sees those of the assignments they see."""

    campaign_path = "campaign__"

    def restriction(self, user, action: Action) -> Q | None:
        """City administrators and leaders read all; liaison staff the projects their department
        follows; a reporter the projects their unit is responsible for; a federation administrator
        the projects of rounds issued in its subtree and those carried by a unit of its subtree.
        Only city administrators change them, and a federation administrator those of its
        federation's rounds, in open rounds."""
        if action == Action.CHANGE:
            return _city_admin_only(user, "campaign__")
        if sees_everything(user):
            return EVERYTHING
        membership = membership_of(user)
        if membership is None:
            return NOTHING
        if membership.role == Role.LIAISON:
            return Q(liaison_departments=membership.organisation_id)
        if membership.role == Role.REPORTER:
            return Q(assignments__unit=membership.organisation_id)
        if membership.role == Role.FEDERATION_ADMIN:
            own = membership.organisation_id
            carried = Assignment.objects.filter(subtree(own, "unit__")).values("project")
            return Q(pk__in=carried) | subtree(own, "campaign__issuing_body__")
        return NOTHING


class FeatureProjectManager(models.Manager.from_queryset(FeatureProjectQuerySet)):
    """Looks feature projects up by (campaign year, 序号)."""

    def get_by_natural_key(self, year: int, number: int) -> "FeatureProject":
        """Return project ``number`` of the campaign of ``year``; raises ``DoesNotExist``."""
        return self.get(campaign=Campaign.objects.get_by_natural_key(year), number=number)


class FeatureProject(models.Model):
    """A feature project (特色项目): one row of a campaign's 一览表.

    ``title`` is the 特色项目内容 and ``goal`` the 创建目标, kept character for character as
    printed. Responsible units come through ``Assignment``; ``liaison_departments`` are the city
    federation's 联系部室 that follow the project and review its reports.
    """

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MaxValueValidator(999)])
    title = models.CharField(_("project content"), max_length=200)
    goal = models.TextField(_("goal"))
    liaison_departments = models.ManyToManyField(
        Organisation,
        verbose_name=_("liaison departments"),
        through=ProjectLiaison,
        related_name="followed_projects",
        limit_choices_to={"is_liaison": True},
    )
    responsible_units = models.ManyToManyField(
        Organisation,
        verbose_name=_("responsible units"),
        through="Assignment",
        related_name="carried_projects",
    )

    history = HistoricalRecords()
    objects = FeatureProjectManager()

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = _("feature project")
        verbose_name_plural = _("feature projects")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"],
                name="feature_project_number_unique_in_campaign",
                violation_error_message=_("This number is already used in this campaign."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="feature_project_number_positive",
                violation_error_message=_("The number must be 1 or more."),
            ),
        ]

    def __str__(self) -> str:
        """The project with its round's year, e.g. “2015年 7. 推广实施妇女“三制””: once a second
        year exists two rounds hold projects of the same number and title (issue 12 item 2).
        Reads ``campaign``: select it with the project where many are shown."""
        return f"{self.year_label} {self.short_label}"

    @property
    def short_label(self) -> str:
        """序号 and title without the year, e.g. “7. 推广实施妇女“三制””, for pages of one round."""
        return f"{self.number}. {self.title}"

    @property
    def year_label(self) -> str:
        """The round's year in Chinese, e.g. “2015年”."""
        return year_label(self.campaign.year)

    def natural_key(self) -> tuple[int, int]:
        """(campaign year, 序号)."""
        return (*self.campaign.natural_key(), self.number)

    natural_key.dependencies = ["projects.campaign"]


class AssignmentQuerySet(AssignmentScopedQuerySet):
    """Assignments, scoped by ``AssignmentScopedQuerySet``."""

    assignment_path = ""


class AssignmentManager(models.Manager.from_queryset(AssignmentQuerySet)):
    """Looks assignments up by (campaign year, 序号, responsible unit's name)."""

    def get_by_natural_key(self, year: int, number: int, unit_name: str) -> "Assignment":
        """Return the assignment; raises ``Assignment.DoesNotExist``."""
        return self.get(
            project__campaign=Campaign.objects.get_by_natural_key(year),
            project__number=number,
            unit__name=unit_name,
        )


class Assignment(models.Model):
    """A responsible unit charged with a feature project, and the unit's own 四定 plan.

    The 四定 of notice 泉妇〔2013〕81号: 定目标 is ``target`` (with measurable ``indicators``),
    定步骤 the ``milestones``, 定时限 the ``deadline`` (a date in Asia/Shanghai) and 定责任 the
    responsible person with position and phone. The 2014 table fixes none of them: they start empty
    and each unit fills them in.
    """

    project = models.ForeignKey(
        FeatureProject,
        verbose_name=_("feature project"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
        limit_choices_to=~Q(kind=Organisation.Kind.DEPARTMENT),
    )
    target = models.TextField(_("target"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_person_position = models.CharField(_("position"), max_length=100, blank=True)
    responsible_person_phone = models.CharField(
        _("phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    # Refuses the later of two concurrent saves of the plan, in the portal and the admin.
    version = IntegerVersionField()

    history = HistoricalRecords(excluded_fields=["version"])
    objects = AssignmentManager()

    class Meta:
        ordering = ["project", "unit__display_order", "unit__name"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "unit"],
                name="assignment_unit_unique_in_project",
                violation_error_message=_("This unit is already responsible for this project."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.unit}"

    def natural_key(self) -> tuple[int, int, str]:
        """(campaign year, 序号, responsible unit's name)."""
        return self.project.natural_key() + self.unit.natural_key()

    natural_key.dependencies = ["projects.featureproject", "units.organisation"]


class PlanPartQuerySet(AssignmentScopedQuerySet):
    """Steps and indicators of plans, scoped by ``AssignmentScopedQuerySet``."""

    def live(self) -> "PlanPartQuerySet":
        """The rows still part of their plan (not retired)."""
        return self.filter(retired_at__isnull=True)


class LivePartManager(models.Manager.from_queryset(PlanPartQuerySet)):
    """The default manager of steps and indicators: only the live ones (not retired).

    ``assignment.milestones``, the admin, forms, dashboards and exports see the plan as it stands; a
    report's rows reach their (possibly retired) step through the foreign key, which Django reads
    with the base manager, so an old report keeps showing what it was about. ``all_objects`` has all.
    """

    def get_queryset(self) -> PlanPartQuerySet:
        return super().get_queryset().live()


class MilestoneManager(LivePartManager):
    """Looks steps up by (campaign year, 序号, unit's name, order)."""

    def get_by_natural_key(self, year: int, number: int, unit_name: str, order: int) -> "Milestone":
        """Return the step; raises ``Milestone.DoesNotExist``."""
        return self.get(
            assignment=Assignment.objects.get_by_natural_key(year, number, unit_name), order=order
        )


class Milestone(models.Model):
    """One step of an assignment's plan (定步骤), due on a date no later than its deadline."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    order = models.PositiveSmallIntegerField(_("order"), validators=[MaxValueValidator(999)])
    title = models.CharField(_("step"), max_length=200)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    retired_at = models.DateTimeField(
        _("retired at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Removed from the plan after a report used it: kept on those reports, gone from new ones."
        ),
    )

    history = HistoricalRecords()
    objects = MilestoneManager()
    all_objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["assignment", "order"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "order"],
                condition=Q(retired_at__isnull=True),
                name="milestone_order_unique_in_assignment",
                violation_error_message=_("This order is already used by another step."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def natural_key(self) -> tuple[int, int, str, int]:
        """(campaign year, 序号, unit's name, order)."""
        return (*self.assignment.natural_key(), self.order)

    natural_key.dependencies = ["projects.assignment"]


class IndicatorManager(LivePartManager):
    """Looks indicators up by (campaign year, 序号, unit's name, indicator name)."""

    def get_by_natural_key(self, year: int, number: int, unit_name: str, name: str) -> "Indicator":
        """Return the indicator; raises ``Indicator.DoesNotExist``."""
        return self.get(assignment=Assignment.objects.get_by_natural_key(year, number, unit_name), name=name)


class Indicator(models.Model):
    """A measurable part of an assignment's target (指标), e.g. "试点" with target value 2 个."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("indicator"), max_length=100)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    # The validator says in Python what the check constraint below keeps in the database, so that
    # a bulk import checks thousands of values without a query each (Django validates a
    # CheckConstraint with a query per object).
    target_value = models.DecimalField(
        _("target value"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0, message=_("The target value cannot be negative."))],
    )
    retired_at = models.DateTimeField(
        _("retired at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Removed from the plan after a report used it: kept on those reports, gone from new ones."
        ),
    )

    history = HistoricalRecords()
    objects = IndicatorManager()
    all_objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["assignment", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "name"],
                condition=Q(retired_at__isnull=True),
                name="indicator_name_unique_in_assignment",
                violation_error_message=_("This assignment already has an indicator of this name."),
            ),
            models.CheckConstraint(
                condition=Q(target_value__gte=0),
                name="indicator_target_value_not_negative",
                violation_error_message=_("The target value cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {plain_number(self.target_value)}{self.unit_of_measure}"

    def natural_key(self) -> tuple[int, int, str, str]:
        """(campaign year, 序号, unit's name, indicator name)."""
        return (*self.assignment.natural_key(), self.name)

    natural_key.dependencies = ["projects.assignment"]
