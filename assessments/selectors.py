"""What the portal computes for the 考评: the share of the score that comes from a unit's feature
projects (issue 14, item 1: "an optional share from the year's feature-project results (on-time
rate, approved reports, indicators reached — computed by the portal, not typed)")."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Max
from django.utils import timezone

from assessments.models import AssessmentScheme
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
