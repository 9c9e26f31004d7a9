"""争六好 assessment (issue 14): the 考评细则 of a round and every unit's 自评.

争六好 is the basic work of every women's federation along six elements — 班子、队伍、精神、机制、
阵地、业绩. The city federation issues the 考评细则 at the start of the year (年初下达): an
``AssessmentScheme`` per campaign, its criteria (``Criterion``) grouped under the six elements
(``CriterionGroup``, names editable), each with its points, what earns them and the evidence
expected; the scheme also holds the weights of 自评 (self-assessment), 平时 (ordinary work) and
实地检查 (inspection), the points that come from the round's feature-project results (computed by
the portal, ``assessments.selectors.feature_results``) and the cap of the bonus points for feature
projects (创新项目加分). Issued (下达) on a date, the scheme is locked.

Each responsible unit fills its ``SelfAssessment``: per criterion a ``SelfScore`` (score within
0..points, explanation) and evidence files (``AssessmentEvidence``, checked and stored as the
reports' evidence: ``reporting.evidence``), saves drafts and submits by the deadline; the city
federation approves or returns it with a reason, as reports are reviewed. Every step is a
``SelfAssessmentTransition`` with a snapshot, so a resubmission shows what changed.

Writes go through ``assessments/services.py``; scope lives in the querysets below.
"""

from decimal import Decimal

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Assignment, Campaign
from quanzhou_women.lib.querysets import EVERYTHING, NOTHING, Action, RestrictedQuerySet
from quanzhou_women.lib.stored_files import StoredFile, stored_file_path
from reporting.models import ReviewTransition
from units.models import Organisation, subtree
from units.roles import Role, federation_of, is_city_admin, membership_of, sees_everything

#: The six elements of 争六好, the default groups of a new scheme, in order.
SIX_ELEMENTS = ("班子", "队伍", "精神", "机制", "阵地", "业绩")


class SchemeScopedQuerySet(RestrictedQuerySet):
    """Schemes, groups and criteria (``scheme_path``: the lookup to the scheme).

    Reading: city administrators and leaders every scheme; everybody else with a role (liaison
    staff, reporters, federation administrators) a scheme once it is issued (下达), of a round
    they read (``Campaign.objects.restrict``: a county's round only in its subtree) or in which
    their own organisation is assessed (it has a ``SelfAssessment`` or an ``Inspection`` under the
    scheme: a county federation without a project in the city's round; a township below it does
    not read the county's scheme unless assessed there itself). Changing: city
    administrators, in rounds not closed (whether an issued scheme may still change is the
    services' business: it may not).
    """

    scheme_path = "scheme__"

    def restriction(self, user, action: Action) -> Q | None:
        path = self.scheme_path
        if action == Action.CHANGE:
            if not is_city_admin(user):
                return NOTHING
            return Q(**{f"{path}campaign__closed_at__isnull": True})
        if sees_everything(user):
            return EVERYTHING
        membership = membership_of(user)
        if membership is None:
            return NOTHING
        # The unit assessed under a scheme reads it, whether or not it has a project in the round
        # (``services.responsible_units`` assesses every county-level federation): one subquery.
        assessed = AssessmentScheme.objects.filter(
            Q(self_assessments__organisation=membership.organisation_id)
            | Q(inspections__organisation=membership.organisation_id)
        ).values("pk")
        return Q(**{f"{path}issued_at__isnull": False}) & (
            Q(**{f"{path}campaign__in": Campaign.objects.restrict(user).values("pk")})
            | Q(**{f"{path}pk__in": assessed})
        )


class AssessmentSchemeQuerySet(SchemeScopedQuerySet):
    """Assessment schemes, seen once issued."""

    scheme_path = ""


class CriterionQuerySet(SchemeScopedQuerySet):
    """Criteria and groups, seen with their scheme."""


class SelfAssessmentScopedQuerySet(RestrictedQuerySet):
    """Self-assessments and their parts (``path``: the lookup to the self-assessment, ``""`` on it).

    Reading: city administrators and leaders all; a reporter their own organisation's; liaison
    staff the self-assessments of the units whose assignments they read (the projects their
    department follows, the counties it is 挂钩 with) — read only. Changing: city administrators
    all, a reporter their own organisation's; nobody in a closed round. Whether the state allows a
    change (a submitted self-assessment is locked for the unit) is the services' business.
    """

    path = "self_assessment__"

    def restriction(self, user, action: Action) -> Q | None:
        path = self.path
        if action == Action.VIEW and sees_everything(user):
            return EVERYTHING
        open_round = Q(**{f"{path}scheme__campaign__closed_at__isnull": True})
        if is_city_admin(user):
            return open_round
        membership = membership_of(user)
        if membership is None:
            return NOTHING
        if membership.role == Role.REPORTER:
            own = Q(**{f"{path}organisation": membership.organisation_id})
            return own & open_round if action == Action.CHANGE else own
        if membership.role == Role.LIAISON and action == Action.VIEW:
            units = Assignment.objects.restrict(user).values("unit")
            return Q(**{f"{path}organisation__in": units})
        return NOTHING


class SelfAssessmentQuerySet(SelfAssessmentScopedQuerySet):
    path = ""


class SelfPartQuerySet(SelfAssessmentScopedQuerySet):
    """Scores, evidence and transitions, seen with their self-assessment."""


class AssessmentScheme(models.Model):
    """The 考评细则 of one round (campaign): weights, feature-project share, bonus cap, dates.

    The score is out of 100: the criteria's points plus ``feature_points`` (the part computed from
    the round's feature-project results) make 100 when the scheme is issued. The final score weighs
    the self-assessment, the ordinary work (平时) and the inspection (实地检查) by the three weights
    (percent, summing to 100; e.g. 平时 60% + 实地检查 40%, issue 14). Bonus points for feature
    projects (创新项目加分) come on top, at most ``bonus_cap``. Once issued (``issued_at``) it is
    locked; the new-round wizard copies it (``services.scheme_copy``).
    """

    campaign = models.OneToOneField(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assessment_scheme"
    )
    weight_self = models.PositiveSmallIntegerField(
        _("weight of the self-assessment (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    weight_ordinary = models.PositiveSmallIntegerField(
        _("weight of ordinary work (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    weight_inspection = models.PositiveSmallIntegerField(
        _("weight of the inspection (%)"), default=40, validators=[MaxValueValidator(100)]
    )
    feature_points = models.DecimalField(
        _("points from feature-project results"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "Computed by the portal from the round's feature projects: on-time reports, approved "
            "reports and indicators reached. 0: none."
        ),
    )
    bonus_cap = models.DecimalField(
        _("bonus points for feature projects, at most"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    self_assessment_due_on = models.DateField(_("self-assessment due on"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = AssessmentSchemeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-campaign__year"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_self__lte=100)
                & Q(weight_ordinary__lte=100)
                & Q(weight_inspection__lte=100),
                name="assessment_scheme_weights_at_most_100",
                violation_error_message=_("A weight lies between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(weight_self=100 - F("weight_ordinary") - F("weight_inspection")),
                name="assessment_scheme_weights_sum_to_100",
                violation_error_message=_(
                    "The weights of self-assessment, ordinary work and inspection must add up to 100."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Assessment scheme %(year)s") % {"year": self.campaign.year})

    @property
    def is_issued(self) -> bool:
        """Whether the scheme was issued (下达) and is therefore locked."""
        return self.issued_at is not None

    @property
    def criteria_points(self) -> Decimal:
        """The sum of the criteria's points."""
        return sum((c.points for c in self.criteria.all()), Decimal("0"))


class CriterionGroup(models.Model):
    """A group of criteria: one of the six elements of 争六好 by default (班子、队伍、精神、机制、阵地、
    业绩), its name editable."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("assessment scheme"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("element"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CriterionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "order", "pk"]
        verbose_name = _("assessment element")
        verbose_name_plural = _("assessment elements")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "name"],
                name="criterion_group_name_unique_in_scheme",
                violation_error_message=_("The scheme already has an element of this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One criterion of the 考评细则: its element, number, content, points, what earns them (评分说明)
    and the evidence expected (佐证材料)."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("assessment scheme"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    group = models.ForeignKey(
        CriterionGroup, verbose_name=_("element"), on_delete=models.PROTECT, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("number"))
    title = models.TextField(_("assessment content"))
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    description = models.TextField(_("scoring notes"), blank=True)
    evidence_expected = models.TextField(_("evidence expected"), blank=True)

    objects = CriterionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "order"]
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "order"],
                name="criterion_number_unique_in_scheme",
                violation_error_message=_("The scheme already has a criterion with this number."),
            ),
            models.CheckConstraint(
                condition=Q(points__gt=0),
                name="criterion_points_positive",
                violation_error_message=_("A criterion is worth more than 0 points."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title[:40]}"


class AssessmentStatus(models.TextChoices):
    """The review state of a self-assessment (as a report's)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for revision")
    APPROVED = "approved", _("approved")


class SelfAssessment(models.Model):
    """One unit's 自评 under a scheme: a score and explanation per criterion, evidence files.

    Made as a draft for every responsible unit when the scheme is issued
    (``services.scheme_issue``); ``version`` refuses the later of two concurrent saves.
    """

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("assessment scheme"),
        on_delete=models.PROTECT,
        related_name="self_assessments",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="self_assessments"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = IntegerVersionField()

    objects = SelfAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "organisation__display_order", "organisation__name"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "organisation"],
                name="self_assessment_once_per_unit",
                violation_error_message=_("This unit already has a self-assessment under this scheme."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.scheme.campaign.year}"

    @property
    def submitted_late(self) -> bool:
        """Whether the (last) submission came after the scheme's deadline (Asia/Shanghai dates)."""
        due = self.scheme.self_assessment_due_on
        return bool(self.submitted_at and due and timezone.localdate(self.submitted_at) > due)

    @property
    def total(self) -> Decimal:
        """The sum of the scores given so far."""
        return sum((s.score for s in self.scores.all() if s.score is not None), Decimal("0"))


class SelfScore(models.Model):
    """The unit's own score on one criterion (0 to the criterion's points) and its explanation."""

    self_assessment = models.ForeignKey(
        SelfAssessment, verbose_name=_("self-assessment"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("assessment criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)

    objects = SelfPartQuerySet.as_manager()

    class Meta:
        ordering = ["self_assessment", "criterion__order"]
        verbose_name = _("self score")
        verbose_name_plural = _("self scores")
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "criterion"],
                name="self_score_once_per_criterion",
                violation_error_message=_("This criterion is already scored in the self-assessment."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) | Q(score__isnull=True),
                name="self_score_not_negative",
                violation_error_message=_("A score cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}：{self.score if self.score is not None else '—'}"


#: The names migrations 0001 and 0002 give the upload paths (``StoredFile.upload_folder`` decides).
assessment_evidence_path = inspection_photo_path = stored_file_path


class AssessmentEvidence(StoredFile):
    """An evidence file (佐证材料) of a self-assessment, for one criterion (or the whole).

    A ``StoredFile`` as the reports' evidence: checked by content
    (``reporting.evidence.check_evidence_file``), stored under a random name in the private
    storage (under ``assessment-evidence/``), served only by the permission-checking download view
    under its original name.
    """

    self_assessment = models.ForeignKey(
        SelfAssessment, verbose_name=_("self-assessment"), on_delete=models.CASCADE, related_name="evidence"
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("assessment criterion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )

    objects = SelfPartQuerySet.as_manager()

    class Meta:
        ordering = ["self_assessment", "uploaded_at", "pk"]
        verbose_name = _("self-assessment evidence file")
        verbose_name_plural = _("self-assessment evidence files")

    def upload_folder(self) -> str:
        """``assessment-evidence/<year>``, not under ``evidence/``:
        ``reporting.services.evidence_orphans`` deletes every file there that no report's
        ``Evidence`` row names."""
        return f"assessment-evidence/{self.self_assessment.scheme.campaign.year}"


class SelfAssessmentTransition(ReviewTransition):
    """One step of a self-assessment's review (``reporting.models.ReviewTransition``): who, when,
    from which state to which, why, whether a submission came after the deadline (``late``), and
    the self-assessment as it then stood (``snapshot``, see ``services.self_assessment_snapshot``)."""

    self_assessment = models.ForeignKey(
        SelfAssessment,
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    late = models.BooleanField(_("late"), default=False)

    objects = SelfPartQuerySet.as_manager()

    class Meta:
        ordering = ["self_assessment", "at", "pk"]
        verbose_name = _("self-assessment transition")
        verbose_name_plural = _("self-assessment transitions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="return") | ~Q(reason=""),
                name="self_assessment_return_has_reason",
                violation_error_message=_("A self-assessment can only be returned with a reason."),
            ),
        ]


# --------------------------------------------------------------------------- 实地检查 and results


class InspectionStatus(models.TextChoices):
    """The state of an inspection: the inspector's draft, then submitted (locked)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class ResultStatus(models.TextChoices):
    """The state of a scheme's results: computed (live), approved (审定, frozen), published (公布)."""

    COMPUTED = "computed", _("computed")
    APPROVED = "approved", _("approved by the leader")
    PUBLISHED = "published", _("published")


class InspectionScopedQuerySet(RestrictedQuerySet):
    """Inspections and their parts (``path``: the lookup to the inspection, ``""`` on it).

    Reading: city administrators and leaders all; an inspector (any portal user assigned to it,
    no role of its own) the inspections assigned to them; the inspected unit its own inspection
    only once the scheme's results are published (公布); a federation administrator of F (issue 13,
    the every-level scope) the inspections of the rounds F issues, of units in F's subtree.
    Changing: city administrators, the assigned inspectors, and F's administrators those of F's
    rounds in F's subtree, in rounds not closed (a submitted inspection is locked: the services).
    """

    path = "inspection__"

    def restriction(self, user, action: Action) -> Q | None:
        path = self.path
        open_round = Q(**{f"{path}scheme__campaign__closed_at__isnull": True})
        assigned = Q(
            **{
                f"{path}id__in": Inspection.inspectors.through.objects.filter(user=user.pk).values(
                    "inspection"
                )
            }
        )
        federation = federation_of(user)
        own_round = (
            Q(**{f"{path}scheme__campaign__issuing_body": federation})
            & subtree(federation, f"{path}organisation__")
            if federation is not None
            else NOTHING
        )
        if action == Action.CHANGE:
            if is_city_admin(user):
                return open_round
            return (assigned | own_round) & open_round
        if sees_everything(user):
            return EVERYTHING
        membership = membership_of(user)
        own_published = (
            Q(
                **{
                    f"{path}organisation": membership.organisation_id,
                    f"{path}scheme__result_sheet__status": ResultStatus.PUBLISHED,
                }
            )
            if membership is not None and membership.role == Role.REPORTER
            else NOTHING
        )
        return assigned | own_published | own_round


class InspectionQuerySet(InspectionScopedQuerySet):
    path = ""


class InspectionPartQuerySet(InspectionScopedQuerySet):
    """Scores and photos, seen with their inspection."""


class Inspection(models.Model):
    """The 实地检查 of one unit under a scheme: the inspectors assigned (any portal users — city
    staff, liaison staff; no role of its own), the visit date, a score and note per criterion
    (``InspectionScore``), photos (``InspectionPhoto``) and the bonus points proposed for its
    feature projects (创新项目加分, at most the scheme's ``bonus_cap``). Assigned by a city
    administrator (``services.inspection_assign``), saved as a draft while typed, then submitted;
    ``version`` refuses a save that conflicts with a later one."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("assessment scheme"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="inspections", blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    bonus = models.DecimalField(
        _("bonus points"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    bonus_note = models.TextField(_("reason for the bonus points"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = IntegerVersionField()

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "organisation__display_order", "organisation__name"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "organisation"],
                name="inspection_once_per_unit",
                violation_error_message=_("This unit already has an inspection under this scheme."),
            ),
            models.CheckConstraint(condition=Q(bonus__gte=0), name="inspection_bonus_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.scheme.campaign.year}"

    @property
    def total(self) -> Decimal:
        """The sum of the inspection's scores given so far (out of the criteria's points)."""
        return sum((s.score for s in self.scores.all() if s.score is not None), Decimal("0"))


class InspectionScore(models.Model):
    """The inspector's score on one criterion (0 to the criterion's points) and note."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("assessment criterion"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = InspectionPartQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "criterion__order"]
        verbose_name = _("inspection score")
        verbose_name_plural = _("inspection scores")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "criterion"], name="inspection_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=0) | Q(score__isnull=True), name="inspection_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}：{self.score if self.score is not None else '—'}"


class InspectionPhoto(StoredFile):
    """A photo (or other evidence file) taken during an inspection, of one criterion or the whole;
    a ``StoredFile`` checked and stored as the self-assessments' evidence, under
    ``inspection-photos/<year>/``."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="photos"
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("assessment criterion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InspectionPartQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "uploaded_at", "pk"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def upload_folder(self) -> str:
        """``inspection-photos/<year>`` (outside ``evidence/``, see ``AssessmentEvidence``)."""
        return f"inspection-photos/{self.inspection.scheme.campaign.year}"


class ResultSheetQuerySet(RestrictedQuerySet):
    """Result sheets: city administrators and leaders read all; everybody else with a role reads
    a published one (names, totals and grades; details only of their own unit: the views).
    Changing: city administrators and leaders (审定 is a leader's), open rounds."""

    def restriction(self, user, action: Action) -> Q | None:
        if action == Action.CHANGE:
            if not sees_everything(user):
                return NOTHING
            return Q(scheme__campaign__closed_at__isnull=True)
        if sees_everything(user):
            return EVERYTHING
        if membership_of(user) is None:
            return NOTHING
        return Q(status=ResultStatus.PUBLISHED)


class ResultSheet(models.Model):
    """The results of one scheme: computed live until approved (审定, by a leader or a city
    administrator: ``rows`` then freezes every unit's total, grade and explanation), then
    published (公布) to the units."""

    scheme = models.OneToOneField(
        AssessmentScheme,
        verbose_name=_("assessment scheme"),
        on_delete=models.CASCADE,
        related_name="result_sheet",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ResultStatus.choices, default=ResultStatus.COMPUTED
    )
    rows = models.JSONField(_("results"), default=list)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ResultSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("result sheet")
        verbose_name_plural = _("result sheets")

    def __str__(self) -> str:
        return str(self.scheme)
