"""The one reporting calendar: which periods an assignment reports for and which count as missing.

The rule (docs/reporting.md, “Which periods count”): an assignment reports for every period of its
campaign that starts on or before its deadline (定时限; no deadline: every period). A period
counts as missing on a day when the assignment reports for it, its due date lies before that day
and no report for it has been submitted (submitted or approved). The reporting pages, the
reminders, the dashboards, the bulletin and the ledger all ask this module.
"""

import datetime

from django.db.models import Q


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
