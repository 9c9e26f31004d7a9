"""Every write of 争六好 assessment: schemes, elements, criteria, self-assessments, their evidence
and reviews (issue 14, items 1 and 2); inspections (实地检查) and the results' 审定 and 公布
(items 3 and 4).

Keyword-only functions, ``actor`` first, each in one transaction; scope is checked through the
models' querysets (``units.services.require_change``), the state through the workflow below
(``WorkflowError`` with a Chinese message). The later of two concurrent saves of a
self-assessment raises ``ConcurrentEditError`` (django-concurrency's version). The review
workflow is the reports' (``reporting.services.REPORT_WORKFLOW``): draft → submitted → approved,
or returned with a reason → resubmitted, each step a transition with a snapshot.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    SIX_ELEMENTS,
    AssessmentEvidence,
    AssessmentScheme,
    AssessmentStatus,
    Criterion,
    CriterionGroup,
    Inspection,
    InspectionPhoto,
    InspectionScore,
    InspectionStatus,
    ResultSheet,
    ResultStatus,
    SelfAssessment,
    SelfAssessmentTransition,
    SelfScore,
)
from projects.models import Assignment, Campaign, require_open
from quanzhou_women.lib.querysets import Action
from quanzhou_women.lib.typography import join_clauses
from reporting.services import (
    Change,
    ConcurrentEditError,
    EvidenceStorageError,
    WorkflowError,
    evidence_atomic,
    review_step,
    stored_file_add,
)
from units.models import Membership, Organisation, below
from units.roles import federation_of, is_city_admin, membership_of
from units.services import require_change, validated_save

__all__ = ["ConcurrentEditError", "WorkflowError"]


# --------------------------------------------------------------------------- the scheme


def _require_unlocked(scheme: AssessmentScheme) -> None:
    """Raise ``WorkflowError`` for an issued scheme (issued: locked for everybody)."""
    if (
        scheme.pk is not None
        and AssessmentScheme.objects.filter(pk=scheme.pk, issued_at__isnull=False).exists()
    ):
        raise WorkflowError(
            _("The assessment scheme was issued on %(date)s and is locked.")
            % {"date": timezone.localdate(AssessmentScheme.objects.get(pk=scheme.pk).issued_at).isoformat()}
        )


def _require_city_admin(actor) -> None:
    if not is_city_admin(actor):
        raise PermissionDenied


@transaction.atomic
def scheme_save(*, actor, scheme: AssessmentScheme) -> AssessmentScheme:
    """Create or change a scheme (city administrators, open rounds, not yet issued).

    A new scheme gets the six elements of 争六好 as its groups (``SIX_ELEMENTS``: 班子、队伍、精神、
    机制、阵地、业绩). Raises ``PermissionDenied``, ``WorkflowError`` (issued: locked) or
    ``ValidationError`` (weights not adding up to 100, …).
    """
    _require_city_admin(actor)
    if scheme.pk is not None:
        require_change(actor, AssessmentScheme, scheme)
    require_open(scheme.campaign)
    _require_unlocked(scheme)
    new = scheme.pk is None
    validated_save(scheme, actor=actor)
    if new:
        for order, name in enumerate(SIX_ELEMENTS, start=1):
            validated_save(CriterionGroup(scheme=scheme, name=name, order=order), actor=actor)
    return scheme


@transaction.atomic
def scheme_delete(*, actor, scheme: AssessmentScheme) -> None:
    """Delete an unissued scheme with its elements and criteria (city administrators, open rounds);
    an issued one is refused (``WorkflowError``): the units' self-assessments hang on it."""
    _require_city_admin(actor)
    require_change(actor, AssessmentScheme, scheme)
    require_open(scheme.campaign)
    _require_unlocked(scheme)
    scheme._history_user = actor
    scheme.delete()


def _scheme_of_part(actor, part, model) -> AssessmentScheme:
    _require_city_admin(actor)
    if part.pk is not None:
        require_change(actor, model, part)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=part.scheme_id)
    require_open(scheme.campaign)
    _require_unlocked(scheme)
    return scheme


@transaction.atomic
def group_save(*, actor, group: CriterionGroup) -> CriterionGroup:
    """Create or rename/reorder an element of an unissued scheme (city administrators)."""
    _scheme_of_part(actor, group, CriterionGroup)
    return validated_save(group, actor=actor)


@transaction.atomic
def criterion_save(*, actor, criterion: Criterion) -> Criterion:
    """Create or change a criterion of an unissued scheme (city administrators); its element must
    belong to the same scheme. Raises ``ValidationError`` (Chinese, naming the field)."""
    _scheme_of_part(actor, criterion, Criterion)
    if criterion.group_id and criterion.group.scheme_id != criterion.scheme_id:
        raise ValidationError(
            {"group": _("The element “%(group)s” belongs to another scheme.") % {"group": criterion.group}}
        )
    return validated_save(criterion, actor=actor)


@transaction.atomic
def part_delete(*, actor, part: Criterion | CriterionGroup) -> None:
    """Delete a criterion or an element (with no criteria left) of an unissued scheme."""
    _scheme_of_part(actor, part, type(part))
    part._history_user = actor
    part.delete()


def responsible_units(campaign: Campaign):
    """The units that assess themselves in a round: every organisation with an assignment in the
    campaign, plus, in the city's round, every county-level federation (issue 14: the basic work
    of every federation) and, in a round a federation issues for the level below it (issue 13), the
    organisations right below that federation."""
    carrying = Assignment.objects.filter(project__campaign=campaign).values("unit")
    issuer = campaign.issuing_body
    if issuer is None or issuer.kind == Organisation.Kind.CITY_FEDERATION:
        level = Q(kind=Organisation.Kind.COUNTY_FEDERATION)
    else:
        level = Q(parent=issuer.pk)
    return Organisation.objects.filter(Q(pk__in=carrying) | level).order_by(
        "display_order", "pinyin_key", "name"
    )


def assigning_federation(actor, scheme: AssessmentScheme) -> int | None:
    """The federation on whose behalf ``actor`` assigns inspectors under ``scheme``: the id of the
    scheme's issuing body when ``actor`` is its federation administrator (a county assigning for
    its townships, issue 14 item 3 through the every-level scope of issue 13), else ``None``
    (city administrators assign for any round; nobody else assigns)."""
    federation = federation_of(actor)
    if federation is not None and scheme.campaign.issuing_body_id == federation:
        return federation
    return None


def may_assign(actor, scheme: AssessmentScheme) -> bool:
    """Whether ``actor`` assigns inspectors under ``scheme``: city administrators, and the
    federation administrators of the federation that issued the scheme's round."""
    return is_city_admin(actor) or assigning_federation(actor, scheme) is not None


def assignable_units(actor, scheme: AssessmentScheme):
    """The units ``actor`` may have inspected under ``scheme``: the round's responsible units,
    for a federation administrator only those strictly below its federation (its subtree)."""
    units = responsible_units(scheme.campaign)
    federation = None if is_city_admin(actor) else assigning_federation(actor, scheme)
    if federation is not None:
        units = units.filter(below(federation))
    elif not is_city_admin(actor):
        units = units.none()
    return units


def assignable_inspectors(actor, scheme: AssessmentScheme):
    """The users ``actor`` may name as inspectors under ``scheme``: for city administrators every
    active portal user (city staff, liaison staff …); for a federation administrator the active
    staff of its own federation (members of that organisation), never another's."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, membership__isnull=False)
    federation = None if is_city_admin(actor) else assigning_federation(actor, scheme)
    if federation is not None:
        users = users.filter(membership__organisation=federation)
    elif not is_city_admin(actor):
        users = users.none()
    return users.order_by("username")


@transaction.atomic
def scheme_issue(*, actor, scheme: AssessmentScheme, on: datetime.date | None = None) -> AssessmentScheme:
    """Issue (下达) the scheme to the units on ``on`` (today, Asia/Shanghai, if not given) and lock it.

    Requires at least one criterion and criteria points plus feature-project points of exactly
    100 (the score is out of 100, issue 14). Makes a draft ``SelfAssessment`` with an empty score
    per criterion for every unit of ``responsible_units``. Raises ``WorkflowError`` when already
    issued or incomplete, ``PermissionDenied`` for anybody but a city administrator.
    """
    _require_city_admin(actor)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    require_open(scheme.campaign)
    _require_unlocked(scheme)
    criteria = list(scheme.criteria.all())
    if not criteria:
        raise WorkflowError(_("The scheme has no criteria yet; add them before issuing it."))
    total = sum((c.points for c in criteria), Decimal("0")) + scheme.feature_points
    if total != 100:
        raise WorkflowError(
            _(
                "The criteria (%(criteria)s points) and the feature-project results (%(feature)s points) "
                "add up to %(total)s points, not 100."
            )
            % {
                "criteria": _plain(total - scheme.feature_points),
                "feature": _plain(scheme.feature_points),
                "total": _plain(total),
            }
        )
    scheme.issued_at = timezone.now()
    scheme.issued_on = on or scheme.issued_on or timezone.localdate()
    scheme.issued_by = actor
    validated_save(scheme, actor=actor)
    for unit in responsible_units(scheme.campaign):
        assessment, created = SelfAssessment.objects.get_or_create(scheme=scheme, organisation=unit)
        if created:
            SelfScore.objects.bulk_create(
                SelfScore(self_assessment=assessment, criterion=c) for c in criteria
            )
    return scheme


@transaction.atomic
def scheme_copy(*, source_campaign: Campaign, campaign: Campaign, actor) -> AssessmentScheme | None:
    """Copy the 考评细则 of ``source_campaign`` to the new round ``campaign`` (called when a round is
    started, through ``reporting.rounds.round_started``: ``reporting`` may not import
    ``assessments``). Weights, feature points, bonus cap, elements and criteria are copied; dates
    and the issue are not (the copy is an unissued draft). ``None`` when the source has no scheme
    or the new round already has one — checked first, so that a federation administrator starting
    its county's next round (``round_start`` accepts them, issue 13; county rounds have no scheme:
    schemes are the city administrators') is not refused; copying a scheme needs a city
    administrator (``PermissionDenied``)."""
    source = AssessmentScheme.objects.filter(campaign=source_campaign).first()
    if source is None or AssessmentScheme.objects.filter(campaign=campaign).exists():
        return None
    _require_city_admin(actor)
    copy = AssessmentScheme(
        campaign=campaign,
        weight_self=source.weight_self,
        weight_ordinary=source.weight_ordinary,
        weight_inspection=source.weight_inspection,
        feature_points=source.feature_points,
        bonus_cap=source.bonus_cap,
    )
    validated_save(copy, actor=actor)  # no default groups: the source's are copied
    groups = {}
    for group in source.groups.all():
        groups[group.pk] = validated_save(
            CriterionGroup(scheme=copy, name=group.name, order=group.order), actor=actor
        )
    for criterion in source.criteria.all():
        validated_save(
            Criterion(
                scheme=copy,
                group=groups[criterion.group_id],
                order=criterion.order,
                title=criterion.title,
                points=criterion.points,
                description=criterion.description,
                evidence_expected=criterion.evidence_expected,
            ),
            actor=actor,
        )
    return copy


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --------------------------------------------------------------------------- self-assessments


def may_edit(*, self_assessment: SelfAssessment, actor) -> bool:
    """Whether ``actor`` may change the self-assessment now: in their change scope (their own
    unit's, or a city administrator), and for a unit only while it is a draft or returned."""
    if not SelfAssessment.objects.restrict(actor, Action.CHANGE).filter(pk=self_assessment.pk).exists():
        return False
    if is_city_admin(actor):
        return True
    membership = membership_of(actor)
    return (
        membership is not None
        and membership.role == Membership.Role.REPORTER
        and self_assessment.status in {AssessmentStatus.DRAFT, AssessmentStatus.RETURNED}
    )


def _locked(self_assessment: SelfAssessment, actor, version: int | None = None) -> SelfAssessment:
    """The self-assessment read again and locked; scope and state checked for an edit."""
    locked = SelfAssessment.objects.select_for_update().get(pk=self_assessment.pk)
    if not SelfAssessment.objects.restrict(actor, Action.CHANGE).filter(pk=locked.pk).exists():
        raise PermissionDenied
    if version is not None and locked.version != version:
        raise ConcurrentEditError(
            _(
                "Somebody else saved this self-assessment after you opened it. Your changes were not "
                "saved: open it again, check the other changes and enter yours again."
            )
        )
    return locked


def _require_editable(locked: SelfAssessment, actor) -> None:
    if not may_edit(self_assessment=locked, actor=actor):
        raise WorkflowError(
            _("This self-assessment is %(status)s and locked.") % {"status": locked.get_status_display()}
        )


def score_errors(criterion: Criterion, score: Decimal | None) -> str | None:
    """The Chinese refusal of ``score`` for ``criterion`` (outside 0..points), or ``None``."""
    if score is not None and not 0 <= score <= criterion.points:
        return _("The score %(score)s of criterion %(number)s lies outside 0 to %(points)s points.") % {
            "score": _plain(score),
            "number": criterion.order,
            "points": _plain(criterion.points),
        }
    return None


@transaction.atomic
def self_assessment_update(
    *,
    actor,
    self_assessment: SelfAssessment,
    version: int | None,
    scores: dict[int, tuple[Decimal | None, str]],
) -> SelfAssessment:
    """Save the scores and explanations of a draft or returned self-assessment.

    ``scores`` maps a criterion id to (score or ``None``, explanation). ``version`` is the one the
    form was opened at (``ConcurrentEditError`` if somebody saved since). A score outside 0 to the
    criterion's points raises ``ValidationError`` naming the criterion (nothing is written).
    """
    locked = _locked(self_assessment, actor, version)
    _require_editable(locked, actor)
    rows = {row.criterion_id: row for row in locked.scores.select_related("criterion")}
    problems = [
        message
        for criterion_id, (score, _text) in scores.items()
        if criterion_id in rows and (message := score_errors(rows[criterion_id].criterion, score))
    ]
    if problems:
        raise ValidationError(problems)
    for criterion_id, (score, explanation) in scores.items():
        row = rows.get(criterion_id)
        if row is not None and (row.score != score or row.explanation != explanation):
            row.score, row.explanation = score, explanation
            row.save(update_fields=["score", "explanation"])
    locked.save()  # a new version, and updated_at
    self_assessment.version = locked.version
    return locked


@dataclass
class Saved:
    """What one post of the 自评 form did: files stored and refused (name, reason), whether the
    self-assessment was submitted, and why not when submitting was asked and refused."""

    self_assessment: SelfAssessment
    stored: list[AssessmentEvidence]
    refused: list[tuple[str, str]]
    submitted: bool = False
    not_submitted_because: str = ""


def self_assessment_save(
    *,
    actor,
    self_assessment: SelfAssessment,
    version: int | None,
    scores: dict[int, tuple[Decimal | None, str]],
    uploads: dict[int | None, list[UploadedFile]] | None = None,
    submit: bool = False,
) -> Saved:
    """The unit's one action on the 自评 form, in ONE transaction: the scores
    (``self_assessment_update``, same errors, then nothing is written), the files of ``uploads``
    (criterion id or ``None`` → files; each refused one is named with its reason) and, with
    ``submit``, the submission (``self_assessment_submit``; a refusal keeps the saved draft)."""
    with evidence_atomic():
        locked = self_assessment_update(
            actor=actor, self_assessment=self_assessment, version=version, scores=scores
        )
        result = Saved(self_assessment=locked, stored=[], refused=[])
        criteria = {c.pk: c for c in locked.scheme.criteria.all()}
        for criterion_id, files in (uploads or {}).items():
            for upload in files:
                try:
                    row = AssessmentEvidence(
                        self_assessment=locked, criterion=criteria.get(criterion_id), uploaded_by=actor
                    )
                    result.stored.append(stored_file_add(row=row, upload=upload))
                except ValidationError as error:
                    result.refused.append((upload.name, join_clauses(error.messages)))
                except EvidenceStorageError as error:
                    result.refused.append((upload.name, str(error)))
        if submit and result.refused:
            result.not_submitted_because = _("Some files were not attached.")
        elif submit:
            try:
                with transaction.atomic():
                    self_assessment_submit(actor=actor, self_assessment=locked)
            except WorkflowError as error:
                result.not_submitted_because = str(error)
            else:
                result.submitted = True
        self_assessment.version = locked.version
        return result


@transaction.atomic
def evidence_delete(*, actor, evidence: AssessmentEvidence) -> None:
    """Remove an evidence file of a draft or returned self-assessment (the file goes on commit)."""
    locked = _locked(evidence.self_assessment, actor)
    _require_editable(locked, actor)
    evidence.delete()


def self_assessment_snapshot(self_assessment: SelfAssessment) -> dict:
    """The self-assessment as plain data — per criterion number its score and explanation, and the
    evidence file names — kept with every transition for ``self_assessment_changes``."""
    return {
        "scores": {
            str(s.criterion.order): ["" if s.score is None else _plain(s.score), s.explanation]
            for s in self_assessment.scores.select_related("criterion")
        },
        "evidence": sorted(e.original_name for e in self_assessment.evidence.all()),
    }


def self_assessment_changes(before: dict, after: dict) -> list[Change]:
    """What differs between two snapshots, labelled in Chinese (criterion by number), in order."""
    changes = []
    old, new = before.get("scores", {}), after.get("scores", {})
    for number in sorted(set(old) | set(new), key=lambda n: int(n)):
        (old_score, old_text), (new_score, new_text) = old.get(number, ["", ""]), new.get(number, ["", ""])
        if old_score != new_score:
            changes.append(
                Change(
                    _("score of criterion %(number)s") % {"number": number},
                    old_score or "—",
                    new_score or "—",
                )
            )
        if old_text != new_text:
            changes.append(
                Change(
                    _("explanation of criterion %(number)s") % {"number": number},
                    old_text or "—",
                    new_text or "—",
                )
            )
    if before.get("evidence") != after.get("evidence"):
        changes.append(
            Change(_("evidence"), "、".join(before.get("evidence", [])), "、".join(after.get("evidence", [])))
        )
    return changes


def changes_since_return(self_assessment: SelfAssessment) -> list[Change] | None:
    """What changed between the version last returned and now (or its resubmission); ``None``
    when it was never returned (the reports' ``report_changes_since_return``)."""
    transitions = list(self_assessment.transitions.all())
    returned = [t for t in transitions if t.action == SelfAssessmentTransition.Action.RETURN]
    if not returned:
        return None
    last = returned[-1]
    later = [t for t in transitions if t.pk > last.pk]
    current = later[-1].snapshot if later else self_assessment_snapshot(self_assessment)
    return self_assessment_changes(last.snapshot, current)


#: action → (the states it may start from, the state it leads to): the reports' workflow.
WORKFLOW = {
    SelfAssessmentTransition.Action.SUBMIT: ({AssessmentStatus.DRAFT}, AssessmentStatus.SUBMITTED),
    SelfAssessmentTransition.Action.RESUBMIT: ({AssessmentStatus.RETURNED}, AssessmentStatus.SUBMITTED),
    SelfAssessmentTransition.Action.APPROVE: ({AssessmentStatus.SUBMITTED}, AssessmentStatus.APPROVED),
    SelfAssessmentTransition.Action.RETURN: ({AssessmentStatus.SUBMITTED}, AssessmentStatus.RETURNED),
}


def _step(
    *, locked: SelfAssessment, actor, action: str, reason: str = "", late: bool = False
) -> SelfAssessment:
    """One review step of ``locked`` (``reporting.services.review_step``: refused from a wrong state
    with ``WorkflowError``, else the transition with its snapshot and ``late``, then
    ``submitted_at`` or ``reviewed_at`` and the save)."""
    return review_step(
        record=locked,
        workflow=WORKFLOW,
        action=action,
        refusal=_("A self-assessment that is %(status)s cannot be %(action)s."),
        actor=actor,
        reason=reason,
        late=late,
        snapshot=self_assessment_snapshot(locked),
    )


@transaction.atomic
def self_assessment_submit(*, actor, self_assessment: SelfAssessment) -> SelfAssessment:
    """The unit submits (or resubmits after a return) its self-assessment; it is then locked.

    Every criterion needs a score (``WorkflowError`` naming the numbers missing). After the
    scheme's deadline the submission is still taken, marked late (``late`` on the transition,
    ``submitted_late``). City administrators may submit for a unit.
    """
    locked = _locked(self_assessment, actor)
    _require_editable(locked, actor)
    missing = [str(s.criterion.order) for s in locked.scores.select_related("criterion") if s.score is None]
    if missing:
        raise WorkflowError(
            _("Score every criterion before submitting; missing: %(numbers)s.")
            % {"numbers": "、".join(missing)}
        )
    due = locked.scheme.self_assessment_due_on
    late = due is not None and timezone.localdate() > due
    action = (
        SelfAssessmentTransition.Action.RESUBMIT
        if locked.status == AssessmentStatus.RETURNED
        else SelfAssessmentTransition.Action.SUBMIT
    )
    return _step(locked=locked, actor=actor, action=action, late=late)


def _require_reviewer(actor, locked: SelfAssessment) -> None:
    """Only the city federation (its administrators) reviews self-assessments."""
    if not is_city_admin(actor):
        raise PermissionDenied


@transaction.atomic
def self_assessment_approve(*, actor, self_assessment: SelfAssessment, comment: str = "") -> SelfAssessment:
    """The city administrator approves a submitted self-assessment."""
    locked = _locked(self_assessment, actor)
    _require_reviewer(actor, locked)
    return _step(
        locked=locked, actor=actor, action=SelfAssessmentTransition.Action.APPROVE, reason=comment.strip()
    )


@transaction.atomic
def self_assessment_return(*, actor, self_assessment: SelfAssessment, reason: str) -> SelfAssessment:
    """The city administrator returns a submitted self-assessment for revision; ``reason`` is
    required (``WorkflowError`` when blank)."""
    locked = _locked(self_assessment, actor)
    _require_reviewer(actor, locked)
    if not reason.strip():
        raise WorkflowError(_("Give a reason for returning the self-assessment."))
    return _step(
        locked=locked, actor=actor, action=SelfAssessmentTransition.Action.RETURN, reason=reason.strip()
    )


# --------------------------------------------------------------------------- 实地检查 (issue 14 item 3)


def _inspection_error(inspection: Inspection) -> WorkflowError:
    return WorkflowError(
        _("This inspection is %(status)s and locked.") % {"status": inspection.get_status_display()}
    )


@transaction.atomic
def inspection_assign(
    *,
    actor,
    scheme: AssessmentScheme,
    organisation: Organisation,
    inspectors,
    visited_on: datetime.date | None = None,
) -> Inspection:
    """Assign ``inspectors`` to inspect ``organisation`` under an issued ``scheme``, open rounds:

    - city administrators: any responsible unit, any active portal users (city staff, liaison
      staff …);
    - the federation administrators of the federation F that issued the scheme's round (a county
      for its townships, the every-level scope of issue 13): only units strictly below F
      (``assignable_units``) and only F's own staff (``assignable_inspectors``).

    Makes the draft inspection with an empty score per criterion, or changes the inspectors and
    the visit date of the existing one. Raises ``PermissionDenied`` (anybody else, a unit or an
    inspector out of the actor's reach), ``WorkflowError`` (scheme not issued)."""
    if not may_assign(actor, scheme):
        raise PermissionDenied
    scheme = AssessmentScheme.objects.select_for_update().select_related("campaign").get(pk=scheme.pk)
    require_open(scheme.campaign)
    if not scheme.is_issued:
        raise WorkflowError(_("The assessment scheme is not issued yet; inspections follow its issue."))
    inspectors = list(inspectors)
    if not assignable_units(actor, scheme).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    allowed = set(assignable_inspectors(actor, scheme).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in inspectors):
        raise PermissionDenied
    inspection, created = Inspection.objects.get_or_create(scheme=scheme, organisation=organisation)
    if created:
        InspectionScore.objects.bulk_create(
            InspectionScore(inspection=inspection, criterion=c) for c in scheme.criteria.all()
        )
    if visited_on is not None:
        inspection.visited_on = visited_on
        inspection.save()
    inspection.inspectors.set(inspectors)
    return inspection


def may_inspect(*, inspection: Inspection, actor) -> bool:
    """Whether ``actor`` may change the inspection now: assigned to it (or a city administrator),
    in an open round, and it is still a draft."""
    return (
        inspection.status == InspectionStatus.DRAFT
        and Inspection.objects.restrict(actor, Action.CHANGE).filter(pk=inspection.pk).exists()
    )


def _value(score: Decimal | None) -> str:
    return "" if score is None else _plain(score)


@transaction.atomic
def inspection_update(
    *,
    actor,
    inspection: Inspection,
    version: int | None,
    scores: dict[int, tuple[Decimal | None, str]],
    base: dict[int, tuple[str, str]] | None = None,
    visited_on: datetime.date | None = None,
    bonus: Decimal | None = None,
    bonus_note: str = "",
    uploads: dict[int | None, list[UploadedFile]] | None = None,
) -> tuple[Inspection, list[tuple[str, str]]]:
    """Save the inspector's draft: scores and notes (criterion id → (score or ``None``, note)),
    the visit date, the bonus points (at most the scheme's ``bonus_cap``) and photos.

    Offline tolerance: a form posted late (after a reconnect) with an old ``version`` is still
    taken unless it is a real conflict: ``base`` (criterion id → (score, note) as the form showed
    them) tells which criteria somebody else changed since; only a criterion changed both there
    and here refuses the save (``ConcurrentEditError`` naming the numbers; nothing written).
    Without ``base`` any other version is a conflict. A score outside 0..points raises
    ``ValidationError``. Returns the inspection and the files refused (name, reason).
    """
    with evidence_atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if not Inspection.objects.restrict(actor, Action.CHANGE).filter(pk=locked.pk).exists():
            raise PermissionDenied
        if locked.status != InspectionStatus.DRAFT:
            raise _inspection_error(locked)
        rows = {row.criterion_id: row for row in locked.scores.select_related("criterion")}
        if version is not None and locked.version != version:
            if base is None:
                conflicts = ["—"]
            else:
                conflicts = [
                    str(rows[cid].criterion.order)
                    for cid, (score, note) in scores.items()
                    if cid in rows
                    and cid in base
                    and (_value(rows[cid].score), rows[cid].note) != tuple(base[cid])
                    and (_value(score), note) != tuple(base[cid])
                    and (_value(rows[cid].score), rows[cid].note) != (_value(score), note)
                ]
            if conflicts:
                raise ConcurrentEditError(
                    _(
                        "Somebody else changed this inspection after you opened it (criteria %(numbers)s). "
                        "Nothing was saved: open it again and enter your changes again."
                    )
                    % {"numbers": "、".join(conflicts)}
                )
        problems = [
            message
            for cid, (score, _note) in scores.items()
            if cid in rows and (message := score_errors(rows[cid].criterion, score))
        ]
        cap = locked.scheme.bonus_cap
        if bonus is not None and not 0 <= bonus <= cap:
            problems.append(
                _("The bonus points %(bonus)s lie outside 0 to %(cap)s points.")
                % {"bonus": _plain(bonus), "cap": _plain(cap)}
            )
        if problems:
            raise ValidationError(problems)
        for cid, (score, note) in scores.items():
            row = rows.get(cid)
            if row is not None and (row.score != score or row.note != note):
                if base is not None and cid in base and version != locked.version:
                    # taken late: keep the other's change where this form changed nothing
                    if (_value(score), note) == tuple(base[cid]):
                        continue
                row.score, row.note = score, note
                row.save(update_fields=["score", "note"])
        if visited_on is not None:
            locked.visited_on = visited_on
        if bonus is not None:
            locked.bonus, locked.bonus_note = bonus, bonus_note
        refused = []
        criteria = {c.pk: c for c in locked.scheme.criteria.all()}
        for cid, files in (uploads or {}).items():
            for upload in files:
                try:
                    row = InspectionPhoto(inspection=locked, criterion=criteria.get(cid), uploaded_by=actor)
                    stored_file_add(row=row, upload=upload)
                except ValidationError as error:
                    refused.append((upload.name, join_clauses(error.messages)))
                except EvidenceStorageError as error:
                    refused.append((upload.name, str(error)))
        locked.save()
        inspection.version = locked.version
        return locked, refused


@transaction.atomic
def inspection_submit(*, actor, inspection: Inspection) -> Inspection:
    """The inspector submits the inspection (then locked); every criterion needs a score
    (``WorkflowError`` naming the numbers missing)."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not Inspection.objects.restrict(actor, Action.CHANGE).filter(pk=locked.pk).exists():
        raise PermissionDenied
    if locked.status != InspectionStatus.DRAFT:
        raise _inspection_error(locked)
    missing = [str(s.criterion.order) for s in locked.scores.select_related("criterion") if s.score is None]
    if missing:
        raise WorkflowError(
            _("Score every criterion before submitting; missing: %(numbers)s.")
            % {"numbers": "、".join(missing)}
        )
    locked.status = InspectionStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save()
    return locked


# --------------------------------------------------------------------------- results (issue 14 item 4)


def _result_sheet(actor, scheme: AssessmentScheme) -> ResultSheet:
    sheet, _created = ResultSheet.objects.get_or_create(scheme=scheme)
    sheet = ResultSheet.objects.select_for_update().get(pk=sheet.pk)
    if not ResultSheet.objects.restrict(actor, Action.CHANGE).filter(pk=sheet.pk).exists():
        raise PermissionDenied
    return sheet


@transaction.atomic
def results_approve(*, actor, scheme: AssessmentScheme) -> ResultSheet:
    """审定: a leader (or a city administrator) approves the computed results of ``scheme``; every
    unit's total, grade and explanation are frozen in ``rows`` (``selectors.result_rows``).
    Raises ``PermissionDenied`` (other roles), ``WorkflowError`` (already approved or published)."""
    from assessments.selectors import result_rows

    sheet = _result_sheet(actor, scheme)
    if sheet.status != ResultStatus.COMPUTED:
        raise WorkflowError(_("The results are already %(status)s.") % {"status": sheet.get_status_display()})
    sheet.rows = [row.as_json() for row in result_rows(scheme)]
    sheet.status = ResultStatus.APPROVED
    sheet.approved_at, sheet.approved_by = timezone.now(), actor
    sheet.save()
    return sheet


@transaction.atomic
def results_publish(*, actor, scheme: AssessmentScheme) -> ResultSheet:
    """公布: publish approved results to the units (city administrators and leaders). Raises
    ``WorkflowError`` when not approved yet or already published."""
    sheet = _result_sheet(actor, scheme)
    if sheet.status != ResultStatus.APPROVED:
        raise WorkflowError(
            _("Only approved results can be published; these are %(status)s.")
            % {"status": sheet.get_status_display()}
        )
    sheet.status = ResultStatus.PUBLISHED
    sheet.published_at, sheet.published_by = timezone.now(), actor
    sheet.save()
    return sheet
