"""The one reporting calendar: which periods an assignment reports for and which count as missing.

The rule (docs/reporting.md, “Which periods count”): an assignment reports for every period of its
campaign that starts on or before its deadline (定时限; no deadline: every period). A period
counts as missing on a day when the assignment reports for it, its due date lies before that day
and no report for it is filed: submitted (awaiting review) or approved — a draft is not, and
neither is a report returned for revision until it is submitted again. The reporting pages, the
reminders, the dashboards, the bulletin and the ledger all ask this module.
"""

import datetime

from django.db.models import Q

from reporting.models import ReportStatus

#: The states of a filed report (the period is not missing): awaiting review, or approved.
FILED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def reports_for(deadline: datetime.date | None, starts_on: datetime.date) -> bool:
    """Whether an assignment with ``deadline`` (``None``: none) reports for a period starting ``starts_on``."""
    return deadline is None or starts_on <= deadline


def reports_for_q(starts_on: datetime.date, prefix: str = "") -> Q:
    """The assignments (``prefix``: the path to the assignment, e.g. ``"assignment__"``) that report
    for a period starting ``starts_on``; the query form of ``reports_for``."""
    return Q(**{f"{prefix}deadline__isnull": True}) | Q(**{f"{prefix}deadline__gte": starts_on})


def periods_of(deadline: datetime.date | None, periods: list) -> list:
    """The periods (anything with ``starts_on``) an assignment with ``deadline`` reports for, in order."""
    return [period for period in periods if reports_for(deadline, period.starts_on)]


def counts_as_missing(deadline: datetime.date | None, period, submitted: bool, today: datetime.date) -> bool:
    """Whether the period (with ``starts_on`` and ``due_on``) counts as missing for the assignment
    on ``today``: it reports for it, the due date has passed and nothing was submitted."""
    return reports_for(deadline, period.starts_on) and period.due_on < today and not submitted


def filed(
    status: str, reviewed_at: datetime.datetime | None, cutoff: datetime.datetime | None = None
) -> bool:
    """Whether a report with ``status`` (reviewed at ``reviewed_at``) counted as filed at the instant
    ``cutoff`` (``None``: now): submitted or approved, or returned only after ``cutoff``. The
    report must have been submitted before ``cutoff``; the caller selects those
    (``submitted_at < cutoff``, see ``filed_q``)."""
    if status in FILED:
        return True
    return (
        cutoff is not None
        and status == ReportStatus.RETURNED
        and reviewed_at is not None
        and reviewed_at >= cutoff
    )


def filed_q(cutoff: datetime.datetime | None = None, prefix: str = "") -> Q:
    """The reports (``prefix``: the path to the report) filed at the instant ``cutoff`` (``None``:
    now); the query form of ``filed``."""
    now = Q(**{f"{prefix}status__in": FILED})
    if cutoff is None:
        return now
    returned_later = Q(**{f"{prefix}status": ReportStatus.RETURNED, f"{prefix}reviewed_at__gte": cutoff})
    return Q(**{f"{prefix}submitted_at__lt": cutoff}) & (now | returned_later)
