"""What the portal computes for the 考评: the final results (``assessment_result``) and the share of the score that comes from a unit's feature
projects (issue 14, item 1: "an optional share from the year's feature-project results (on-time
rate, approved reports, indicators reached — computed by the portal, not typed)")."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    SIX_ELEMENTS,
    AssessmentScheme,
    AssessmentStatus,
    Criterion,
    Inspection,
    InspectionStatus,
    ResultSheet,
    ResultStatus,
    SelfAssessment,
)
from projects.models import Assignment, Indicator
from reporting.models import IndicatorValue, ProgressReport, ReportingPeriod, ReportStatus
from units.models import Organisation


@dataclass(frozen=True)
class FeatureResults:
    """A unit's feature-project results in a round. Rates are fractions 0..1, ``None`` when there
    is nothing to count (no report due yet, no indicator); ``points`` is the scheme's
    ``feature_points`` times the mean of the rates that exist (0 when none does), to one decimal."""

    reports_due: int
    on_time: int
    approved: int
    indicators: int
    indicators_reached: int
    points: Decimal

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.reports_due if self.reports_due else None

    @property
    def approved_rate(self) -> float | None:
        return self.approved / self.reports_due if self.reports_due else None

    @property
    def indicators_rate(self) -> float | None:
        return self.indicators_reached / self.indicators if self.indicators else None


def feature_results(
    *, scheme: AssessmentScheme, organisation: Organisation, today: datetime.date | None = None
) -> FeatureResults:
    """The results of ``organisation``'s assignments in the scheme's round, up to ``today``
    (Asia/Shanghai; default now):

    - reports due: every (assignment, reporting period) whose due date has passed;
    - on time: those with a report submitted no later than the period's due date;
    - approved: those with an approved report;
    - indicators reached: live indicators whose latest value in an approved report meets the
      target value.
    """
    today = today or timezone.localdate()
    assignments = list(Assignment.objects.filter(project__campaign=scheme.campaign, unit=organisation))
    periods = list(ReportingPeriod.objects.filter(campaign=scheme.campaign, due_on__lt=today))
    due = len(assignments) * len(periods)
    reports = ProgressReport.objects.filter(assignment__in=assignments, period__in=periods).select_related(
        "period"
    )
    on_time = sum(
        1
        for r in reports
        if r.submitted_at is not None and timezone.localdate(r.submitted_at) <= r.period.due_on
    )
    approved = sum(1 for r in reports if r.status == ReportStatus.APPROVED)
    indicators = list(Indicator.objects.filter(assignment__in=assignments))
    latest = {
        row["indicator"]: row["last"]
        for row in IndicatorValue.objects.filter(
            indicator__in=indicators, report__status=ReportStatus.APPROVED, actual_value__isnull=False
        )
        .values("indicator")
        .annotate(last=Max("report__period__starts_on"))
    }
    reached = 0
    for indicator in indicators:
        if indicator.pk not in latest:
            continue
        value = (
            IndicatorValue.objects.filter(
                indicator=indicator,
                report__status=ReportStatus.APPROVED,
                report__period__starts_on=latest[indicator.pk],
            )
            .values_list("actual_value", flat=True)
            .first()
        )
        if value is not None and value >= indicator.target_value:
            reached += 1
    rates = [Fraction(on_time, due), Fraction(approved, due)] if due else []
    rates += [Fraction(reached, len(indicators))] if indicators else []
    mean = sum(rates, Fraction(0)) / len(rates) if rates else Fraction(0)
    exact = scheme.feature_points * Decimal(mean.numerator) / Decimal(mean.denominator)
    points = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return FeatureResults(due, on_time, approved, len(indicators), reached, points)


# --------------------------------------------------------------------------- results (issue 14 item 4)

ONE = Decimal("0.1")


def _d(value: Decimal) -> Decimal:
    return value.quantize(ONE, rounding=ROUND_HALF_UP)


def _p(value: Decimal) -> str:
    """A number of points as shown: one decimal (``85.0``)."""
    return f"{_d(Decimal(value)):.1f}"


@dataclass
class Result:
    """One unit's result under a scheme: the three weighted parts, the bonus and the total (all in
    points, one decimal; total at most 100), the explanation lines (为什么是87.5分), the grade and
    the rank (1 = best, set by ``result_rows``)."""

    organisation_id: int
    name: str
    self_part: Decimal
    ordinary_part: Decimal
    inspection_part: Decimal
    bonus: Decimal
    total: Decimal
    lines: list[str]
    grade: str = ""
    rank: int = 0

    def as_json(self) -> dict:
        """Plain data for ``ResultSheet.rows`` (numbers as strings)."""
        return {
            "organisation": self.organisation_id,
            "name": self.name,
            "self_part": str(self.self_part),
            "ordinary_part": str(self.ordinary_part),
            "inspection_part": str(self.inspection_part),
            "bonus": str(self.bonus),
            "total": str(self.total),
            "lines": self.lines,
            "grade": self.grade,
            "rank": self.rank,
        }


def _out_of_100(score: Decimal, full: Decimal) -> Decimal:
    return score * 100 / full if full else Decimal(0)


def assessment_result(
    *, organisation: Organisation, scheme: AssessmentScheme, today: datetime.date | None = None
) -> Result:
    """The score of ``organisation`` under ``scheme``, out of 100, with every part explained.

    Each of the three sources is first taken out of 100, then weighted by the scheme's percent:

    - 自评: the total of the unit's self-assessment once approved (审核通过; otherwise 0), out of
      the criteria's points (converted to 100 when they are less), × ``weight_self``%;
    - 平时 (ordinary work): the portal's feature-project results (``feature_results``: on-time
      reports, approved reports, indicators reached), ``points`` out of ``feature_points``
      converted to 100, × ``weight_ordinary``% (0 when the scheme has no feature points);
    - 实地检查: the submitted inspection's total out of the criteria's points (converted to 100),
      × ``weight_inspection``% (0 when not submitted);
    - 加分: the inspection's bonus points, at most the scheme's ``bonus_cap``.

    Every part is rounded to one decimal (half up) and the total is their sum, at most 100, so the
    lines add up: e.g. “自评 85.0分 × 30% = 25.5分”.
    """
    criteria_points = scheme.criteria_points
    lines: list[str] = []

    assessment = SelfAssessment.objects.filter(scheme=scheme, organisation=organisation).first()
    if assessment is not None and assessment.status == AssessmentStatus.APPROVED:
        raw = assessment.total
        score = _out_of_100(raw, criteria_points)
        self_part = _d(score * scheme.weight_self / 100)
        lines.append(_line(_("Self-assessment"), raw, criteria_points, score, scheme.weight_self, self_part))
    else:
        self_part = Decimal("0.0")
        lines.append(
            _("Self-assessment: not approved, 0.0 points × %(weight)s%% = 0.0 points")
            % {"weight": scheme.weight_self}
        )

    if scheme.feature_points:
        feature = feature_results(scheme=scheme, organisation=organisation, today=today)
        score = _out_of_100(feature.points, scheme.feature_points)
        ordinary_part = _d(score * scheme.weight_ordinary / 100)
        lines.append(
            _line(
                _("Ordinary work (feature projects)"),
                feature.points,
                scheme.feature_points,
                score,
                scheme.weight_ordinary,
                ordinary_part,
            )
        )
    else:
        ordinary_part = Decimal("0.0")
        lines.append(
            _(
                "Ordinary work: the scheme has no feature-project points, 0.0 points × %(weight)s%% = 0.0 points"
            )
            % {"weight": scheme.weight_ordinary}
        )

    inspection = Inspection.objects.filter(scheme=scheme, organisation=organisation).first()
    if inspection is not None and inspection.status == InspectionStatus.SUBMITTED:
        raw = inspection.total
        score = _out_of_100(raw, criteria_points)
        inspection_part = _d(score * scheme.weight_inspection / 100)
        lines.append(
            _line(_("Inspection"), raw, criteria_points, score, scheme.weight_inspection, inspection_part)
        )
        bonus = _d(min(inspection.bonus, scheme.bonus_cap))
    else:
        inspection_part = Decimal("0.0")
        bonus = Decimal("0.0")
        lines.append(
            _("Inspection: not submitted, 0.0 points × %(weight)s%% = 0.0 points")
            % {"weight": scheme.weight_inspection}
        )
    if bonus or (inspection is not None and inspection.bonus):
        lines.append(
            _("Bonus points: %(bonus)s points (at most %(cap)s)")
            % {"bonus": _p(bonus), "cap": _p(scheme.bonus_cap)}
        )
    total = self_part + ordinary_part + inspection_part + bonus
    capped = min(total, Decimal(100))
    lines.append(
        _("Total: %(sum)s = %(total)s points")
        % {
            "sum": " + ".join(
                _p(v) for v in [self_part, ordinary_part, inspection_part] + ([bonus] if bonus else [])
            ),
            "total": _p(capped),
        }
        + (_("(at most 100)") if capped < total else "")
    )
    return Result(
        organisation.pk,
        organisation.name,
        self_part,
        ordinary_part,
        inspection_part,
        bonus,
        _d(capped),
        lines,
    )


def _line(label: str, raw: Decimal, full: Decimal, score: Decimal, weight: int, part: Decimal) -> str:
    """“自评 85.0分 × 30% = 25.5分”, with the conversion when the part is not out of 100."""
    if full == 100:
        return _("%(label)s %(score)s points × %(weight)s%% = %(part)s points") % {
            "label": label,
            "score": _p(raw),
            "weight": weight,
            "part": _p(part),
        }
    return _(
        "%(label)s %(raw)s of %(full)s points, i.e. %(score)s points × %(weight)s%% = %(part)s points"
    ) % {
        "label": label,
        "raw": _p(raw),
        "full": _p(full),
        "score": _p(score),
        "weight": weight,
        "part": _p(part),
    }


def grade_of(total: Decimal, rank: int = 0, count: int = 0) -> str:
    """The grade of a total: by ``settings.ASSESSMENT_GRADES`` thresholds ((lowest total, grade),
    highest first), or with ``ASSESSMENT_GRADING = "ranking"`` by rank among ``count`` units
    (``ASSESSMENT_RANK_GRADES``: (share of the units, grade), best first; the rest the lowest
    threshold grade)."""
    grades = settings.ASSESSMENT_GRADES
    if getattr(settings, "ASSESSMENT_GRADING", "thresholds") == "ranking" and count:
        for share, grade in settings.ASSESSMENT_RANK_GRADES:
            if rank <= round(share * count):
                return grade
        return grades[-1][1]
    for threshold, grade in grades:
        if total >= Decimal(str(threshold)):
            return grade
    return grades[-1][1]


def result_rows(scheme: AssessmentScheme, today: datetime.date | None = None) -> list[Result]:
    """Every responsible unit's result (those with a self-assessment or an inspection under the
    scheme), best first, with rank (equal totals share a rank) and grade."""
    units = Organisation.objects.filter(
        pk__in=list(scheme.self_assessments.values_list("organisation", flat=True))
        + list(scheme.inspections.values_list("organisation", flat=True))
    ).order_by("display_order", "name")
    results = [assessment_result(organisation=u, scheme=scheme, today=today) for u in units]
    results.sort(key=lambda r: -r.total)
    for index, result in enumerate(results):
        previous = results[index - 1] if index else None
        result.rank = previous.rank if previous and previous.total == result.total else index + 1
        result.grade = grade_of(result.total, result.rank, len(results))
    return results


# --------------------------------------------------------------------------- over the years (issue 14 item 6)


@dataclass(frozen=True)
class ElementScore:
    """One element (考评要素, e.g. 班子) of one round: ``points`` given out of ``full`` (the element's
    criteria's points), and ``percent`` = points / full × 100, one decimal — so that rounds with
    different criteria compare. ``None`` when the round has no score to show for it."""

    name: str
    points: Decimal | None
    full: Decimal
    percent: Decimal | None


@dataclass(frozen=True)
class RoundScore:
    """One round (campaign) of a unit's 争六好 results: its published (or, for city administrators
    and leaders, approved) ``total`` out of 100 from the frozen result sheet, its ``grade`` and
    ``rank``, whether it is ``published``, and per element the score (``elements``) from ``source``:
    ``"inspection"`` (the submitted 实地检查), ``"self"`` (the approved 自评) or ``""`` (neither
    visible to the user)."""

    campaign_id: int
    year: int
    issuer: str
    total: Decimal
    grade: str
    rank: int
    published: bool
    source: str
    elements: list[ElementScore]


def _element_order(name: str) -> tuple[int, str]:
    """The six elements first in their order (班子…业绩), other names after, alphabetically."""
    return (SIX_ELEMENTS.index(name), "") if name in SIX_ELEMENTS else (len(SIX_ELEMENTS), name)


def scores_over_rounds(*, organisation: Organisation, user) -> list[RoundScore]:
    """``organisation``'s 争六好 results across rounds, oldest first (year, then issuer), as ``user``
    may see them (issue 14 item 6: "a unit's scores across rounds, per element, as a chart").

    Rounds: those whose result sheet ``user`` reads (``ResultSheet.objects.restrict``) and whose
    frozen ``rows`` name the unit — published sheets for everybody with a role; city
    administrators and leaders also see approved (审定) sheets not yet published (``published``
    False). Live, not yet approved results are left out: their total is not settled.

    Total, grade and rank: the frozen row (``ResultSheet.rows``), out of 100.

    Per element (the scheme's ``CriterionGroup``, matched across rounds by name): the submitted
    inspection's scores on the element's criteria when ``user`` reads the inspection
    (``Inspection.objects.restrict``: the unit only once published), else the approved
    self-assessment's (``SelfAssessment.objects.restrict``), out of the element's criteria's
    points, as a percent (one decimal, half up). An element with no criteria is left out.

    Queries: a constant number, whatever the number of rounds (sheets; criteria; inspections and
    their scores; self-assessments and their scores; plus the user's membership once).
    """
    sheets = [
        sheet
        for sheet in ResultSheet.objects.restrict(user)
        .filter(status__in=[ResultStatus.APPROVED, ResultStatus.PUBLISHED])
        .select_related("scheme__campaign__issuing_body")
        if any(row.get("organisation") == organisation.pk for row in sheet.rows)
    ]
    if not sheets:
        return []
    schemes = [sheet.scheme_id for sheet in sheets]
    criteria: dict[int, list[Criterion]] = {}
    for criterion in Criterion.objects.filter(scheme__in=schemes).select_related("group"):
        criteria.setdefault(criterion.scheme_id, []).append(criterion)
    inspections = {
        i.scheme_id: {s.criterion_id: s.score for s in i.scores.all()}
        for i in Inspection.objects.restrict(user)
        .filter(scheme__in=schemes, organisation=organisation, status=InspectionStatus.SUBMITTED)
        .prefetch_related("scores")
    }
    self_scores = {
        a.scheme_id: {s.criterion_id: s.score for s in a.scores.all()}
        for a in SelfAssessment.objects.restrict(user)
        .filter(scheme__in=schemes, organisation=organisation, status=AssessmentStatus.APPROVED)
        .prefetch_related("scores")
    }
    rounds = []
    for sheet in sheets:
        row = next(r for r in sheet.rows if r.get("organisation") == organisation.pk)
        if sheet.scheme_id in inspections:
            source, scores = "inspection", inspections[sheet.scheme_id]
        elif sheet.scheme_id in self_scores:
            source, scores = "self", self_scores[sheet.scheme_id]
        else:
            source, scores = "", None
        by_name: dict[str, list[Criterion]] = {}
        for criterion in criteria.get(sheet.scheme_id, []):
            by_name.setdefault(criterion.group.name, []).append(criterion)
        elements = []
        for name in sorted(by_name, key=_element_order):
            full = sum((c.points for c in by_name[name]), Decimal(0))
            if scores is None:
                elements.append(ElementScore(name, None, full, None))
                continue
            points = sum((scores.get(c.pk) or Decimal(0) for c in by_name[name]), Decimal(0))
            elements.append(ElementScore(name, points, full, _d(_out_of_100(points, full))))
        campaign = sheet.scheme.campaign
        rounds.append(
            RoundScore(
                campaign_id=campaign.pk,
                year=campaign.year,
                issuer=campaign.issuing_body.name if campaign.issuing_body_id else "",
                total=Decimal(row["total"]),
                grade=row.get("grade", ""),
                rank=row.get("rank", 0),
                published=sheet.status == ResultStatus.PUBLISHED,
                source=source,
                elements=elements,
            )
        )
    rounds.sort(key=lambda r: (r.year, r.issuer, r.campaign_id))
    return rounds
