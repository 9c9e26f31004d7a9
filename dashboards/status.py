"""The supervision status (督办状态) of one responsible unit's work on one project, on one day.

Every cell of the dashboards — the overview, the project, unit and department pages, the bulletin and
the ledger (台账) — is coloured by ``evaluate``; nothing else decides a colour. The rules and colours
are settings (``SUPERVISION_STATUS_RULES`` and ``SUPERVISION_STATUS_COLOURS`` in
``quanzhou_women/settings.py``), documented in ``docs/status-colours.md``, so that each city can
follow its own 督办 convention.

The inputs are the unit's 四定 plan (定时限: ``deadline``; 定步骤: the steps and their due dates) and
what the unit had reported by the day in question (the latest submitted report's percent complete
and step states, and the reporting periods that were due without a report). ``evaluate`` is a pure
function of those facts and the day, so any past day can be replayed ("as of"): plan against actual.

Statuses, from least to most severe: done, not started, on track, deadline near, behind, overdue.
Every rule that fires gives a ``Reason`` in plain Chinese; the status is the most severe reason's,
and the reasons are what the page shows under "why is this red?".
"""

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext, pgettext_lazy

from quanzhou_women.lib.typography import join_clauses


class Status(models.TextChoices):
    """A cell's supervision status; ``SEVERITY`` orders them from fine to worst."""

    # A context of their own: "overdue" elsewhere in the portal names a late report (逾期未报).
    DONE = "done", pgettext_lazy("supervision status", "done")
    NOT_STARTED = "not_started", pgettext_lazy("supervision status", "not started")
    ON_TRACK = "on_track", pgettext_lazy("supervision status", "on track")
    DUE_SOON = "due_soon", pgettext_lazy("supervision status", "deadline near")
    BEHIND = "behind", pgettext_lazy("supervision status", "behind")
    OVERDUE = "overdue", pgettext_lazy("supervision status", "overdue")


SEVERITY: dict[str, int] = {status: rank for rank, status in enumerate(Status.values)}


def rules() -> dict[str, int]:
    """The rules in force, ``settings.SUPERVISION_STATUS_RULES`` (see docs/status-colours.md):

    - ``done_percent``: a report at or above this percent complete means done;
    - ``behind_gap_percent``: reported progress trailing the plan by more than this many points is behind;
    - ``step_overdue_days``: a step past due and not done is behind, and overdue after this many days;
    - ``missing_reports_behind`` / ``missing_reports_overdue``: this many due reports missing is
      behind / overdue;
    - ``deadline_near_days``: not done and the deadline this many days away or less: deadline near
      (0 turns the status off).
    """
    return settings.SUPERVISION_STATUS_RULES


def colours() -> dict[str, dict[str, str]]:
    """Background and text colour and printable mark per status: ``settings.SUPERVISION_STATUS_COLOURS``."""
    return settings.SUPERVISION_STATUS_COLOURS


@dataclass(frozen=True)
class StepFact:
    """One step (定步骤) of the plan: its title, due date, and the day it was reported done (or None)."""

    order: int
    title: str
    due_on: datetime.date | None
    done: bool = False


@dataclass(frozen=True)
class ReportFact:
    """The latest report submitted on or before the day: period name, percent (0–100), review state."""

    period_name: str
    percent_complete: int
    status: str
    submitted_on: datetime.date


@dataclass(frozen=True)
class CellFacts:
    """What ``evaluate`` needs about one assignment on one day.

    ``starts_on`` is the first day of the work (1 January of the campaign year), used to spread the
    plan over time when the plan has a deadline but no dated steps. ``missing_periods`` names the
    reporting periods that were due (due date before the day) without a submitted report.
    """

    starts_on: datetime.date
    deadline: datetime.date | None
    steps: tuple[StepFact, ...] = ()
    latest_report: ReportFact | None = None
    missing_periods: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    """One rule that fired: the status it calls for and the sentence that explains it."""

    status: str
    text: str


@dataclass(frozen=True)
class Verdict:
    """A cell's status on a day, with the reasons, planned and actual percent (None: no plan)."""

    status: str
    reasons: tuple[Reason, ...]
    planned_percent: int | None
    actual_percent: int
    overdue_steps: tuple[StepFact, ...] = field(default=())

    @property
    def label(self) -> str:
        """The status in words, e.g. 滞后."""
        return str(Status(self.status).label)

    @property
    def explanation(self) -> str:
        """All reasons in one line, worst first: the text of the cell's tooltip."""
        return join_clauses(reason.text for reason in self.reasons)


@lru_cache(maxsize=8)
def _catalogue(language: str | None) -> dict[str, str]:
    """Translated reason texts already looked up, per language (``evaluate`` runs 20,000 times per ledger)."""
    return {}


def cached_gettext():
    """``gettext`` for the active language, remembering each message (the catalogue does not change)."""
    cache = _catalogue(get_language())

    def lookup(message: str) -> str:
        try:
            return cache[message]
        except KeyError:
            cache[message] = translated = gettext(message)
            return translated

    return lookup


def planned_percent(facts: CellFacts, on: datetime.date) -> int | None:
    """How far the plan says the work should be on day ``on``, in percent (0–100), or None.

    With dated steps: the share of steps due on or before the day. Without: the share of the time
    from ``starts_on`` to the deadline that has passed. Without either: None (nothing to compare).
    """
    dated = [step for step in facts.steps if step.due_on is not None]
    if dated:
        return round(100 * sum(step.due_on <= on for step in dated) / len(dated))
    if facts.deadline is None:
        return None
    span = (facts.deadline - facts.starts_on).days
    if span <= 0:
        return 100 if on >= facts.deadline else 0
    return max(0, min(100, round(100 * (on - facts.starts_on).days / span)))


def evaluate(
    facts: CellFacts, on: datetime.date, rule: dict[str, int] | None = None, translate=None
) -> Verdict:
    """The supervision status of one assignment on day ``on`` (Asia/Shanghai), with its reasons.

    ``rule`` defaults to ``rules()``. The rules, in the order they are checked (see
    docs/status-colours.md): done at ``done_percent``; overdue after the deadline; a step past due
    is behind, and overdue after ``step_overdue_days``; missing reports; progress trailing the plan
    by more than ``behind_gap_percent``; then deadline near, not started (nothing reported and
    nothing yet due) or on track. ``translate`` (from ``cached_gettext``) saves lookups in loops.
    """
    rule = rule or rules()
    gettext = translate or cached_gettext()  # this name, so that makemessages finds the texts
    report = facts.latest_report
    actual = report.percent_complete if report else 0
    planned = planned_percent(facts, on)
    if report is not None and actual >= rule["done_percent"]:
        reason = Reason(
            Status.DONE,
            gettext("Reported %(percent)s%% complete in %(period)s.")
            % {"percent": actual, "period": report.period_name},
        )
        return Verdict(Status.DONE, (reason,), planned, actual)

    reasons: list[Reason] = []
    if facts.deadline is not None and on > facts.deadline:
        reasons.append(
            Reason(
                Status.OVERDUE,
                gettext("The deadline %(deadline)s passed %(days)s days ago at %(percent)s%% complete.")
                % {
                    "deadline": facts.deadline.isoformat(),
                    "days": (on - facts.deadline).days,
                    "percent": actual,
                },
            )
        )
    overdue_steps = tuple(
        step for step in facts.steps if step.due_on is not None and step.due_on < on and not step.done
    )
    for step in overdue_steps:
        days = (on - step.due_on).days
        reasons.append(
            Reason(
                Status.OVERDUE if days > rule["step_overdue_days"] else Status.BEHIND,
                gettext("Step %(order)s “%(title)s” was due %(due_on)s and is not done (%(days)s days late).")
                % {"order": step.order, "title": step.title, "due_on": step.due_on.isoformat(), "days": days},
            )
        )
    missing = len(facts.missing_periods)
    if missing and missing >= min(rule["missing_reports_behind"], rule["missing_reports_overdue"]):
        reasons.append(
            Reason(
                Status.OVERDUE if missing >= rule["missing_reports_overdue"] else Status.BEHIND,
                gettext("%(count)s report(s) due and not submitted: %(periods)s.")
                % {"count": missing, "periods": "、".join(facts.missing_periods)},
            )
        )
    if planned is not None and planned - actual > rule["behind_gap_percent"]:
        reasons.append(
            Reason(
                Status.BEHIND,
                gettext("%(actual)s%% complete against %(planned)s%% planned, %(gap)s points behind.")
                % {"actual": actual, "planned": planned, "gap": planned - actual},
            )
        )
    if not reasons:
        near = rule["deadline_near_days"]
        if near and facts.deadline is not None and (facts.deadline - on).days <= near:
            reasons.append(
                Reason(
                    Status.DUE_SOON,
                    gettext("The deadline %(deadline)s is %(days)s days away at %(percent)s%% complete.")
                    % {
                        "deadline": facts.deadline.isoformat(),
                        "days": (facts.deadline - on).days,
                        "percent": actual,
                    },
                )
            )
        elif report is None:
            text = (
                gettext("No report yet; %(planned)s%% of the plan is due.") % {"planned": planned}
                if planned
                else gettext("No report yet, and nothing is due yet.")
            )
            reasons.append(Reason(Status.NOT_STARTED, text))
        elif planned is None:
            reasons.append(
                Reason(
                    Status.ON_TRACK,
                    gettext(
                        "%(percent)s%% complete; the plan has no deadline or dated steps to compare with."
                    )
                    % {"percent": actual},
                )
            )
        else:
            reasons.append(
                Reason(
                    Status.ON_TRACK,
                    gettext("%(actual)s%% complete against %(planned)s%% planned.")
                    % {"actual": actual, "planned": planned},
                )
            )
    reasons.sort(key=lambda reason: -SEVERITY[reason.status])
    return Verdict(reasons[0].status, tuple(reasons), planned, actual, overdue_steps)


# --- 下发 / 签收: the receipt badge (issue 15, item 3) ----------------------------------------------


def receipt_colour() -> dict[str, str]:
    """Background, text colour and printable mark of the 未签收 badge:
    ``settings.SUPERVISION_RECEIPT_COLOUR`` (docs/status-colours.md)."""
    return settings.SUPERVISION_RECEIPT_COLOUR


@dataclass(frozen=True)
class ReceiptFact:
    """A task's 下发 / 签收 on a day: ``issued`` by the end of the day; ``received_on`` the day it
    was received by then (or None); ``days`` since receipt (the received task's clock)."""

    issued: bool
    received_on: datetime.date | None = None
    days: int | None = None

    @property
    def unreceived(self) -> bool:
        """Issued and not received (未签收): the badge."""
        return self.issued and self.received_on is None


NOT_ISSUED = ReceiptFact(issued=False)


def receipt_on(
    issued_on: datetime.date | None, received_on: datetime.date | None, on: datetime.date
) -> ReceiptFact:
    """The receipt of a task on day ``on`` (dates in Asia/Shanghai), a pure function like
    ``evaluate``: not issued by then — ``NOT_ISSUED`` (no badge); issued and not received by then —
    未签收; received — the days since (0 on the day of receipt), “已签收 N 天”. The rule of
    the campaign's 交办 → 签收 step, in one place."""
    if issued_on is None or issued_on > on:
        return NOT_ISSUED
    if received_on is None or received_on > on:
        return ReceiptFact(issued=True)
    return ReceiptFact(issued=True, received_on=received_on, days=(on - received_on).days)
