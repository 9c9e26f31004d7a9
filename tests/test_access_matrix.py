"""The access matrix (issue 9, "One door for every write"): every URL × every role × own and foreign
objects, read (GET) and written (POST), with 0 leaks, 0 writes past scope and 0 server errors.

Every URL pattern comes from ``get_resolver()`` (the admin's included), so a new URL is covered by
itself; a pattern this module cannot build arguments for fails ``test_every_url_pattern_has_a_sample``
("add a sample for …"). Each case asserts, for its role:

- no 5xx;
- an object the role must not read gives 403, 404, or a redirect to a login page (or the admin's
  "does not exist" redirect to the admin index);
- no marker of an object the role must not read appears in the body, the headers or, for a
  spreadsheet, its cells (``tests/cast.py`` puts markers in every field that must not leak);
- after a POST, every row that changed lies within what the role may write through that door
  (``WRITES``); a POST that may not write changes nothing.

The world is built once for the module and every case runs in a savepoint that is rolled back:
about 6,700 cases take 2½–3½ minutes on SQLite on a shared two-core machine.

The expected policy, after ``reporting/access.py`` and ``docs/reporting.md``:

================  ======================  =====================  ==================================
role              reads (assignments)     writes in the portal   writes in the admin
================  ======================  =====================  ==================================
superuser         everything              everything             everything
city_admin        everything              everything             everything (staff, every portal
                                                                 permission, not a superuser)
leader            everything              nothing                nothing (not staff)
liaison_p (宣传部) projects 1, 3: A1 A3 B3  plan and report status  nothing (not staff)
                                          of A1 A3 B3 (confirm,
                                          return, approve)
liaison_d (发展部) project 2: B2           the same for B2        nothing
reporter_a        unit A: A1 A3           A1 A3 (plan, reports,  nothing (not staff)
                                          evidence)
reporter_b        unit B: B2 B3           B2 B3                  nothing
staff_view        unit A: A1 A3           A1 A3 (as reporter_a)  nothing: view permissions only
staff_change      unit A: A1 A3           A1 A3                  A1 A3 only: never a project,
                                                                 campaign, organisation, period,
                                                                 membership or user
county_admin      its subtree: A1 A3     plan and report status  its own round: K1 K2 K3 and the
(federation       (read only) and A's    of K1 K2 K3 (its own    round's campaign, projects,
administrator     round K1 K2 K3         round: A is its         periods, memberships below A;
of A)                                    liaison body)           never the city's round
township_reporter township T1: K1        K1                     nothing (not staff)
nobody, inactive, nothing                 nothing                nothing
anonymous
================  ======================  =====================  ==================================

Unit A (晋江市妇联) issues its own 2014 round to three townships under it (issue 13, ``tests/cast.py``):
the city's roles read it as everything else (superuser, city_admin, leader), the city's liaison
departments and unit B's reporter see none of it, nor does the township reporter see the city's round.

Readers of records other than assignments: a unit's name and its users' names (hence memberships)
go with the unit's assignments or the reader's own unit; a project's title with its assignments;
memberships and users in the admin only with "everything" (``admin_queryset``: none otherwise) — and
the memberships of A's subtree to A's federation administrator; a
notification only to its recipient (and superusers); campaigns and periods to every role with a
scope; axes records and groups only to superusers. A unit's 自评 (``assessments``: scores,
explanations, files) goes with the unit; its rows are owned, for the writes, like the unit's main
assignment (A1, B2), so its reporters and city administrators write them, liaison staff never; the
issued 考评细则 are common.
"""

import dataclasses
import io
import re
from collections.abc import Callable
from html.parser import HTMLParser

import docx
import openpyxl
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from projects.models import Assignment
from tests.cast import ASSIGNMENTS, COUNTY_ASSIGNMENTS, ROLES, Cast, build_cast, png_bytes, upload
from tests.spreadsheet_files import xlsx_bytes

ALL = "all"

# --- the policy ---------------------------------------------------------------------------------

SEES_EVERYTHING = {"superuser", "city_admin", "leader"}
READS: dict[str, set[str]] = {
    "superuser": set(ASSIGNMENTS),
    "city_admin": set(ASSIGNMENTS),
    "leader": set(ASSIGNMENTS),
    "liaison_p": {"A1", "A3", "B3"},
    "liaison_d": {"B2"},
    "reporter_a": {"A1", "A3"},
    "reporter_b": {"B2", "B3"},
    "staff_view": {"A1", "A3"},
    "staff_change": {"A1", "A3"},
    "county_admin": {"A1", "A3", *COUNTY_ASSIGNMENTS},
    "township_reporter": {"K1"},
    "nobody": set(),
    "inactive": set(),
    "anonymous": set(),
}
OWN_UNIT = {
    "reporter_a": "A",
    "reporter_b": "B",
    "staff_view": "A",
    "staff_change": "A",
    "county_admin": "A",
    "township_reporter": "T1",
}
#: The owner of the rows of unit A's own round (its campaign, projects, periods) and of the
#: memberships of the organisations below A, in ``snapshot``.
COUNTY = "county"
OWN_DEPARTMENT = {"liaison_p": "P", "liaison_d": "D"}
#: What each role may write, by door: ``ALL`` or a set of assignment keys.
WRITES: dict[str, dict[str, object]] = {
    "portal": {
        "superuser": ALL,
        "city_admin": ALL,
        "liaison_p": {"A1", "A3", "B3"},
        "liaison_d": {"B2"},
        "reporter_a": {"A1", "A3"},
        "reporter_b": {"B2", "B3"},
        "staff_view": {"A1", "A3"},
        "staff_change": {"A1", "A3"},
        "county_admin": set(COUNTY_ASSIGNMENTS),
        "township_reporter": {"K1"},
    },
    "admin": {
        "superuser": ALL,
        "city_admin": ALL,
        "staff_change": {"A1", "A3"},
        "county_admin": {*COUNTY_ASSIGNMENTS, COUNTY},
    },
    # 审定 and 公布 of the 争六好 results: leaders and city administrators (assessments).
    "results": {"superuser": ALL, "city_admin": ALL, "leader": ALL},
    # Inspectors for unit A's own round: city administrators, and A's federation administrator for
    # the townships below A (the inspections of A's round are ``COUNTY`` rows: ``COUNTY_PATH``).
    "county_inspect": {"superuser": ALL, "city_admin": ALL, "county_admin": {COUNTY}},
    # 催报 (reporting.chasing.may_chase): city staff, leaders and the project's liaison department.
    "chase": {
        "superuser": ALL,
        "city_admin": ALL,
        "leader": ALL,
        "liaison_p": {"A1", "A3", "B3"},
        "liaison_d": {"B2"},
    },
}
#: Liaison departments confirm plans and review reports: they write these tables only.
LIAISON_TABLES = {
    "reporting.plan",
    "reporting.plantransition",
    "reporting.progressreport",
    "reporting.reporttransition",
    "reporting.notification",
    "reporting.chase",  # 催报, and the group-robot messages it writes
    "reporting.historicalchase",
    "reporting.robotmessage",
}
#: The role's own side (own objects); the other side is foreign.
SIDE = {role: "A" for role in ROLES} | {"reporter_b": "B", "liaison_d": "B"}
OTHER = {"A": "B", "B": "A"}


def may_read(role: str, owner: tuple | None) -> bool:
    """Whether ``role`` may read a record (or marker) of ``owner``; ``None``: anyone may."""
    if owner is None:
        return True
    kind, value = owner
    keys = READS[role]
    if kind == "assignment":
        return value in keys
    if kind == "unit":  # a unit's name goes with its assignments, and unit A's with its own round
        issuer = value == "A" and any(k in COUNTY_ASSIGNMENTS for k in keys)
        return OWN_UNIT.get(role) == value or any(ASSIGNMENTS[k][1] == value for k in keys) or issuer
    if kind == "project":
        return any(ASSIGNMENTS[k][0] == value for k in keys)
    if kind == "department":
        return role in SEES_EVERYTHING or OWN_DEPARTMENT.get(role) == value
    if kind == "inbox":
        return role in {value, "superuser"}
    if kind == "common":
        return bool(keys)
    if kind == "people":  # value: the side of the sample person (None: any)
        return role in SEES_EVERYTHING or (role == "county_admin" and value == "A")
    if kind == "superuser":
        return role == "superuser"
    raise AssertionError(f"unknown owner {owner}")


# --- what a case does ---------------------------------------------------------------------------


@dataclasses.dataclass
class Target:
    """One request of a case: where, whose object, which door writes, and the POST body."""

    url: str
    owner: tuple | None = None  # the object the URL names (None: the URL names none)
    door: str = "never"  # "portal", "admin", "inbox" (the user's own messages) or "never"
    body: Callable[["Run"], dict] | None = None  # None: an empty POST


@dataclasses.dataclass
class Spec:
    """A URL pattern's sample: ``make(cast, side)`` gives the target; ``sided``: own and foreign."""

    pattern: str
    label: str
    make: Callable[[Cast, str], Target]
    sided: bool = True


# --- samples of the portal's URLs ---------------------------------------------------------------

REPORT_FOR_URL = {"report": "approved", "report_edit": "draft", "evidence_upload": "draft"}


def _assignment(cast: Cast, side: str, draft_plan: bool = False) -> Assignment:
    return cast.assignments[f"{side}{3 if draft_plan else (1 if side == 'A' else 2)}"]


def _main_key(side: str) -> str:
    return "A1" if side == "A" else "B2"


def _report(cast: Cast, side: str, state: str):
    return cast.reports[_main_key(side), state]


def portal_samples(name: str) -> list[Spec]:
    """Samples of a named portal URL (``reporting:…``, ``dashboards:…``, login/logout/home)."""
    fixed = {
        "home": "/",
        "login": "/login/",
        "logout": "/logout/",
        "reporting:tasks": "/tasks/",
        "reporting:review_queue": "/review/",
        "reporting:history": "/reports/",
        "reporting:people": "/people/",  # 本级用户: federation administrators (issue 13 item 3)
        "dashboards:status_colours_css": "/dashboards/status-colours.css",
        "dashboards:ledger": "/dashboards/ledger.xlsx",
        "assessments:list": "/assessments/",
        "assessments:inspections": "/assessments/inspections/",
    }
    if name in fixed:
        url = fixed[name]
        body = (lambda run: {"username": "superuser", "password": "wrong"}) if name == "login" else None
        return [Spec(name, name, lambda cast, side, url=url, body=body: Target(url, body=body), sided=False)]
    if name == "dashboards:overview":  # and unit A's own round asked for (issue 13 item 5)
        county = lambda c, s: Target(f"/dashboards/?campaign={c.county_campaign.pk}")  # noqa: E731
        return [
            Spec(name, name, lambda cast, side: Target("/dashboards/"), sided=False),
            Spec(name, f"{name}[county round]", county, sided=False),
        ]
    if name == "reporting:notifications":
        return [Spec(name, name, lambda cast, side: Target("/notifications/", door="inbox"), sided=False)]
    if name == "assessments:results":  # the page and its documents (the 通报, the 检查总结)
        return [
            Spec(
                name,
                f"{name}[{query}]",
                lambda c, s, q=query: Target(f"/assessments/results/{q}"),
                sided=False,
            )
            for query in (
                "",
                "?format=results_docx",
                "?format=summary_docx",
                "?format=summary_xlsx",
                "?campaign=x&format=results_docx",
            )
        ]
    if name == "dashboards:bulletin":
        return [
            Spec(
                name,
                f"{name}[{query}]",
                lambda c, s, q=query: Target(f"/dashboards/bulletin/{q}"),
                sided=False,
            )
            for query in (
                "",
                "?format=xlsx",
                "?period=all&format=xlsx",
                "?format=docx",
                "?format=summary_docx",
            )
        ]
    sided = {
        "dashboards:project": lambda c, s: Target(
            f"/dashboards/projects/{c.projects[1 if s == 'A' else 2].pk}/", ("project", 1 if s == "A" else 2)
        ),
        "dashboards:unit": lambda c, s: Target(f"/dashboards/units/{c.units[s].pk}/", ("unit", s)),
        "dashboards:department": lambda c, s: Target(
            f"/dashboards/departments/{(c.publicity if s == 'A' else c.development).pk}/",
            ("department", "P" if s == "A" else "D"),
        ),
        "dashboards:cell": lambda c, s: Target(
            f"/dashboards/cells/{_assignment(c, s).pk}/", ("assignment", _main_key(s))
        ),
        "reporting:assignment": lambda c, s: Target(
            f"/assignments/{_assignment(c, s).pk}/", ("assignment", _main_key(s))
        ),
        "reporting:plan_edit": lambda c, s: Target(
            f"/assignments/{_assignment(c, s, True).pk}/plan/",
            ("assignment", f"{s}3"),
            "portal",
            body=lambda run: run.form_body(mutate=True),
        ),
        "reporting:report_open": lambda c, s: Target(
            f"/assignments/{_assignment(c, s).pk}/periods/{c.periods[3].pk}/report/",
            ("assignment", _main_key(s)),
            "portal",
        ),
        "reporting:report": lambda c, s: Target(
            f"/reports/{_report(c, s, 'approved').pk}/", ("assignment", _main_key(s))
        ),
        "reporting:report_edit": lambda c, s: Target(
            f"/reports/{_report(c, s, 'draft').pk}/edit/",
            ("assignment", _main_key(s)),
            "portal",
            body=lambda run: run.form_body(mutate=True),
        ),
        "reporting:evidence_upload": lambda c, s: Target(
            f"/reports/{_report(c, s, 'draft').pk}/evidence/",
            ("assignment", _main_key(s)),
            "portal",
            body=lambda run: {"file": upload("新照片.png", png_bytes())},
        ),
        "reporting:evidence_download": lambda c, s: Target(
            f"/evidence/{c.evidence[_main_key(s)].pk}/", ("assignment", _main_key(s))
        ),
        "reporting:evidence_image": lambda c, s: Target(
            f"/evidence/{c.evidence[_main_key(s)].pk}/image/", ("assignment", _main_key(s))
        ),
        "reporting:chase": lambda c, s: Target(
            f"/assignments/{_assignment(c, s).pk}/periods/{c.periods[2].pk}/chase/",
            ("assignment", _main_key(s)),
            "chase",
            body=lambda run: {"note": "请本周内报送"},
        ),
        "reporting:chase_all": lambda c, s: Target(
            f"/projects/{c.projects[1 if s == 'A' else 2].pk}/periods/{c.periods[2].pk}/chase/",
            ("project", 1 if s == "A" else 2),
            "chase",
        ),
        "reporting:receipt_sign": lambda c, s: Target(  # 签收: the unit's reporter (issue 15 item 3)
            f"/assignments/{_assignment(c, s).pk}/sign/", ("assignment", _main_key(s)), "portal"
        ),
        "reporting:evidence_delete": lambda c, s: Target(
            f"/evidence/{c.evidence[_main_key(s)].pk}/delete/", ("assignment", _main_key(s)), "portal"
        ),
        # 争六好 自评: A's is a draft, B's submitted (tests/cast.py)
        "assessments:detail": lambda c, s: Target(f"/assessments/{c.self_assessments[s].pk}/", ("unit", s)),
        "assessments:edit": lambda c, s: Target(
            f"/assessments/{c.self_assessments[s].pk}/edit/",
            ("unit", s),
            "portal",
            body=lambda run: run.form_body(mutate=True),
        ),
        "assessments:evidence_download": lambda c, s: Target(
            f"/assessments/evidence/{c.assessment_evidence[s].pk}/", ("unit", s)
        ),
        "assessments:evidence_delete": lambda c, s: Target(
            f"/assessments/evidence/{c.assessment_evidence[s].pk}/delete/", ("unit", s), "portal"
        ),
        # 实地检查: the city administrator inspects both units; not published, so only those who
        # see everything read an inspection, and only the inspector (city administrator) writes it
        "assessments:inspection": lambda c, s: Target(
            f"/assessments/inspections/{c.inspections[s].pk}/",
            ("people", None),
            "portal",
            body=lambda run: run.form_body(mutate=True),
        ),
        "assessments:inspection_photo": lambda c, s: Target(
            f"/assessments/inspection-photos/{c.inspection_photos[s].pk}/", ("people", None)
        ),
    }
    if name == "dashboards:project":  # and project 3, carried by both units
        shared = lambda c, s: Target(f"/dashboards/projects/{c.projects[3].pk}/", ("project", 3))  # noqa: E731
        return [Spec(name, name, sided[name]), Spec(name, f"{name}[shared project 3]", shared, False)]
    if name in sided:
        return [Spec(name, name, sided[name])]
    reason = {"reason": "请补充佐证材料"}
    if name == "reporting:plan_action":
        return [
            Spec(
                name,
                f"{name}[{action}]",
                lambda c, s, a=action, d=draft: Target(
                    f"/assignments/{_assignment(c, s, d).pk}/plan/{a}/",
                    ("assignment", f"{s}3" if d else _main_key(s)),
                    "portal",
                    body=lambda run: reason,
                ),
            )
            for action, draft in (("submit", True), ("confirm", False), ("return", False))
        ] + [  # unit A's own round: A's federation administrator is its liaison body
            Spec(
                name,
                f"{name}[{action} county round]",
                lambda c, s, a=action: Target(
                    f"/assignments/{c.assignments['K1'].pk}/plan/{a}/",
                    ("assignment", "K1"),
                    "portal",
                    body=lambda run: reason,
                ),
                False,
            )
            for action in ("confirm", "return")
        ]
    if name == "assessments:action":
        return [
            Spec(
                name,
                f"{name}[{action}]",
                lambda c, s, a=action: Target(
                    f"/assessments/{c.self_assessments[s].pk}/{a}/",
                    ("unit", s),
                    "portal",
                    body=lambda run: reason,
                ),
            )
            for action in ("submit", "approve", "return")
        ]
    if name == "assessments:inspection_assign":
        return [
            Spec(
                name,
                name,
                lambda c, s: Target(
                    f"/assessments/schemes/{c.scheme.pk}/assign/",
                    None,
                    "portal",
                    body=lambda run: {
                        "organisation": str(run.cast.units["A"].pk),
                        "inspectors": str(run.cast.users["liaison_p"].pk),
                    },
                ),
                sided=False,
            ),
            # unit A's own round: A's federation administrator names its own staff for township
            # T1; the city's administrators may too; nobody else
            Spec(
                name,
                f"{name}[county round]",
                lambda c, s: Target(
                    f"/assessments/schemes/{c.county_scheme.pk}/assign/",
                    None,
                    "county_inspect",
                    body=lambda run: {
                        "organisation": str(run.cast.units["T1"].pk),
                        "inspectors": str(run.cast.users["county_admin"].pk),
                    },
                ),
                sided=False,
            ),
        ]
    if name == "assessments:result_action":  # 审定 and 公布: leaders and city administrators
        return [
            Spec(
                name,
                f"{name}[{action}]",
                lambda c, s, a=action: Target(
                    f"/assessments/schemes/{c.scheme.pk}/results/{a}/", None, "results"
                ),
                sided=False,
            )
            for action in ("approve", "publish")
        ]
    if name == "reporting:report_action":
        return [
            Spec(
                name,
                f"{name}[{action}]",
                lambda c, s, a=action, st=state: Target(
                    f"/reports/{_report(c, s, st).pk}/{a}/",
                    ("assignment", _main_key(s)),
                    "portal",
                    body=lambda run: reason,
                ),
            )
            for action, state in (("submit", "draft"), ("approve", "submitted"), ("return", "submitted"))
        ] + [
            Spec(
                name,
                f"{name}[{action} county round]",
                lambda c, s, a=action: Target(
                    f"/reports/{c.reports['K1', 'submitted'].pk}/{a}/",
                    ("assignment", "K1"),
                    "portal",
                    body=lambda run: reason,
                ),
                False,
            )
            for action in ("approve", "return")
        ]
    return []


# --- samples of the admin's URLs ----------------------------------------------------------------


def _first(queryset):
    result = queryset.order_by("pk").first()
    assert result is not None, f"the cast has no {queryset.model._meta.label}"
    return result


CURRENT = {"role": "superuser"}  # the role of the case being built (its own membership is "own")


def _person(cast: Cast, side: str, among=None) -> str:
    """The role whose membership, user or notification is the side's sample: the case's own role
    when it is on that side and has one, else the side's reporter."""
    role = CURRENT["role"]
    user = cast.users.get(role)
    has = user is not None and hasattr(user, "membership") if among is None else role in among
    if SIDE[role] == side and has and role != "inactive":
        return role
    return "reporter_a" if side == "A" else "reporter_b"


#: model label → (sample(cast, side) → object, owner(side) → owner); unsided models ignore the side.
def _admin_objects() -> dict[str, tuple[Callable, Callable, bool]]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from reporting.models import Plan, RobotWebhook

    key = _main_key
    return {
        "auth.group": (lambda c, s: _first(Group.objects), lambda s: ("superuser", None), False),
        "auth.user": (
            lambda c, s: c.users[_person(c, s)],
            lambda s: ("people", None),
            True,
        ),
        "axes.accessattempt": (
            lambda c, s: _first(AccessAttempt.objects),
            lambda s: ("superuser", None),
            False,
        ),
        "axes.accesslog": (lambda c, s: _first(AccessLog.objects), lambda s: ("superuser", None), False),
        "axes.accessfailurelog": (
            lambda c, s: _first(AccessFailureLog.objects),
            lambda s: ("superuser", None),
            False,
        ),
        "units.organisation": (lambda c, s: c.units[s], lambda s: ("unit", s), True),
        "units.membership": (
            lambda c, s: c.users[_person(c, s)].membership,
            lambda s: ("people", s),
            True,
        ),
        "projects.campaign": (lambda c, s: c.campaign, lambda s: ("common", None), False),
        "projects.featureproject": (
            lambda c, s: c.projects[1 if s == "A" else 2],
            lambda s: ("project", 1 if s == "A" else 2),
            True,
        ),
        "projects.assignment": (lambda c, s: c.assignments[key(s)], lambda s: ("assignment", key(s)), True),
        "projects.milestone": (
            lambda c, s: _first(c.assignments[key(s)].milestones),
            lambda s: ("assignment", key(s)),
            True,
        ),
        "projects.indicator": (
            lambda c, s: _first(c.assignments[key(s)].indicators),
            lambda s: ("assignment", key(s)),
            True,
        ),
        "reporting.progressreport": (
            lambda c, s: c.reports[key(s), "draft"],
            lambda s: ("assignment", key(s)),
            True,
        ),
        "reporting.plan": (
            lambda c, s: Plan.objects.get(assignment=c.assignments[key(s)]),
            lambda s: ("assignment", key(s)),
            True,
        ),
        "reporting.reportingperiod": (lambda c, s: c.periods[0], lambda s: ("common", None), False),
        "reporting.robotwebhook": (
            lambda c, s: _first(RobotWebhook.objects),
            lambda s: ("people", None),
            False,
        ),
        "assessments.assessmentscheme": (lambda c, s: c.scheme, lambda s: ("common", None), False),
        "assessments.criterion": (lambda c, s: _first(c.scheme.criteria), lambda s: ("common", None), False),
        "reporting.notification": (
            lambda c, s: c.notifications[CURRENT["notification"]],
            lambda s: ("inbox", CURRENT["notification"]),
            True,
        ),
    }


ADMIN_OBJECTS = _admin_objects()

#: Columns of an import file that name the row (a unit's name): an uploader may know them.
IMPORT_KEYS = {"责任单位", "名称", "上级单位"}
PLAN_TITLE_COLUMNS = {"特色项目内容"}
#: Rows of an import file, per model: the column to change and how to make a new row on a side.
IMPORT_EDITS = {
    "units.organisation": ("排序", None),
    "projects.featureproject": ("创建目标", None),
    "projects.assignment": ("定目标", None),
    "projects.milestone": ("步骤", ("步骤序号", 9)),
    "projects.indicator": ("目标值", ("指标", "导入的新指标")),
    # The cast's scheme is issued (locked): its export uploaded again unchanged is skipped row by row.
    "assessments.criterion": None,
}


def admin_model_samples(model_admin: admin.ModelAdmin, rest: str) -> list[Spec]:
    """Samples of one admin URL of ``model_admin``; ``rest`` is the pattern after the model's prefix."""
    opts = model_admin.model._meta
    label = opts.label_lower
    prefix = f"/admin/{opts.app_label}/{opts.model_name}/"
    pattern = f"admin/{opts.app_label}/{opts.model_name}/{rest}"
    if label not in ADMIN_OBJECTS:
        return []
    sample, owner_of, sided = ADMIN_OBJECTS[label]

    def spec(name: str, make: Callable[[Cast, str, object], Target], is_sided: bool = sided) -> Spec:
        return Spec(pattern, f"admin:{label}:{name}", lambda c, s: make(c, s, sample(c, s)), is_sided)

    if rest == "":
        actions = [*admin.site._actions] + [
            action if isinstance(action, str) else action.__name__ for action in model_admin.actions or ()
        ]
        lists = [
            spec(
                f"changelist[{action}]",
                lambda c, s, o, a=action: Target(
                    prefix, door="admin", body=lambda run: run.action_on_all(label, a)
                ),
                False,
            )
            for action in dict.fromkeys(actions)
        ]
        lists.append(spec("changelist[search]", lambda c, s, o: Target(prefix + "?q=QZ&all="), False))
        if model_admin.list_editable:
            lists.append(
                spec(
                    "changelist[edit]",
                    lambda c, s, o: Target(
                        prefix, door="admin", body=lambda run: run.list_edit(model_admin.list_editable)
                    ),
                    False,
                )
            )
        return lists
    if rest == "add/":
        return [
            spec(
                "add",
                lambda c, s, o: Target(
                    prefix + "add/",
                    None,
                    "admin",
                    body=lambda run: run.add_body(f"{prefix}{o.pk}/change/", o),
                ),
            )
        ]
    if rest == "<path:object_id>/":
        return [spec("redirect", lambda c, s, o: Target(f"{prefix}{o.pk}/", owner_of(s)))]
    if rest == "<path:object_id>/change/":
        change = [
            spec(
                "change",
                lambda c, s, o: Target(
                    f"{prefix}{o.pk}/change/",
                    owner_of(s),
                    "admin",
                    body=lambda run: run.form_body(mutate=True),
                ),
            )
        ]
        if label == "projects.featureproject":  # project 3 is carried by both units: A1's side reads it
            change.append(
                Spec(
                    pattern,
                    f"admin:{label}:change[shared project 3]",
                    lambda c, s: Target(
                        f"{prefix}{c.projects[3].pk}/change/",
                        ("project", 3),
                        "admin",
                        body=lambda run: run.form_body(mutate=True),
                    ),
                    False,
                )
            )
        return change
    if rest == "<path:object_id>/history/":
        return [spec("history", lambda c, s, o: Target(f"{prefix}{o.pk}/history/", owner_of(s), "admin"))]
    if rest == "<path:object_id>/delete/":
        return [
            spec(
                "delete",
                lambda c, s, o: Target(
                    f"{prefix}{o.pk}/delete/", owner_of(s), "admin", body=lambda run: {"post": "yes"}
                ),
            )
        ]
    if rest == "^([^/]+)/history/([^/]+)/$":
        return [
            spec(
                "history-record",
                lambda c, s, o: Target(
                    f"{prefix}{o.pk}/history/{o.history.order_by('-history_id').first().history_id}/",
                    owner_of(s),
                    "admin",
                    body=lambda run: run.form_body(mutate=True),
                ),
            )
        ]
    if rest == "<id>/password/":
        return [
            spec(
                "password",
                lambda c, s, o: Target(
                    f"{prefix}{o.pk}/password/",
                    owner_of(s),
                    "admin",
                    body=lambda run: {
                        "password1": "Ein-langes-Passwort-42",
                        "password2": "Ein-langes-Passwort-42",
                    },
                ),
            )
        ]
    if rest == "export/":
        return [
            spec(
                f"export[{index}]",
                lambda c, s, o, i=index: Target(
                    prefix + "export/", door="never", body=lambda run: export_body(model_admin, i)
                ),
                False,
            )
            for index in range(len(model_admin.get_resource_classes(None)))
        ]
    if rest == "import/":
        return [
            spec(
                "import-preview",
                lambda c, s, o: Target(
                    prefix + "import/",
                    None,
                    "never",
                    body=lambda run: {"resource": "0", "format": "0", "import_file": run.import_file(label)},
                ),
            )
        ]
    if rest == "process_import/":
        return [
            spec(
                "import-confirm",
                lambda c, s, o: Target(
                    prefix + "process_import/", None, "admin", body=lambda run: run.confirm_body(label)
                ),
            )
        ]
    if rest.startswith("import-job/<int:job_id>/"):  # a big import's job: its user's alone (404 for others)
        page = rest.removeprefix("import-job/<int:job_id>/")
        door = "admin" if page == "confirm/" else "never"
        return [
            Spec(
                pattern,
                f"admin:{label}:import-job[{whose}]{page}",
                lambda c, s, whose=whose: Target(
                    f"{prefix}import-job/{import_job_sample(c, s, label, whose).pk}/{page}",
                    ("superuser", None) if whose == "superuser's" else ("inbox", CURRENT["role"]),
                    door,
                ),
                False,
            )
            for whose in ("own", "superuser's")
        ]
    if rest == "overview-table/":
        return [spec("overview-table", lambda c, s, o: Target(prefix + "overview-table/"), False)]
    if rest == "new-round/":  # 开启新一轮: the preview writes nothing, the confirmation a new round
        return [
            spec(
                f"new-round[{step}]",
                lambda c, s, o, step=step: Target(
                    prefix + "new-round/",
                    None,
                    "admin" if step == "confirm" else "never",
                    body=lambda run: new_round_body(run, prefix + "new-round/", step),
                ),
                False,
            )
            for step in ("preview", "confirm")
        ]
    return []


def import_job_sample(cast: Cast, side: str, label: str, whose: str):
    """A previewed big import of ``label`` (``reporting.ImportJob``) without errors: the requesting
    role's own (``whose`` "own"; the superuser's for anonymous), or the superuser's, whose preview
    shows the target of the side's main assignment (a marker only the superuser may read)."""
    from reporting.models import ImportJob, ImportJobPage

    user = cast.users.get(CURRENT["role"]) if whose == "own" else None
    user = user or cast.users["superuser"]
    marker = "" if whose == "own" else cast.assignments[_main_key(side)].target
    job = ImportJob.objects.create(
        user=user,
        model_label=label,
        file_name="django-import-export/no-such-file",
        original_name="大表.xlsx",
        state=ImportJob.State.DONE,
        rows_total=2,
        rows_read=2,
        rows_checked=2,
        result={
            "counts_text": "新增 1、修改 0、未变 0、错误 0",
            "errors": [],
            "error_count": 0,
            "headers": ["年度"],
        },
    )
    ImportJobPage.objects.create(job=job, number=1, first=1, last=1, html=f"<tr><td>{marker}</td></tr>")
    return job


def new_round_body(run: "Run", url: str, step: str) -> dict:
    """The wizard's form as the superuser first sees it (every project ticked), with a 文号."""
    return {**run.template(url), f"_{step}": ["1"], "document_number": ["泉妇〔2099〕1号"]}


def export_body(model_admin: admin.ModelAdmin, index: int) -> dict:
    """The export form with every column of resource ``index`` ticked, as .xlsx."""
    resource = model_admin.get_resource_classes(None)[index]
    data = {"format": "0", "resource": str(index)}
    for name in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    return data


def autocomplete_samples() -> list[Spec]:
    """One sample per autocomplete field of every admin and inline (empty term: everything)."""
    found = set()
    for model, model_admin in admin.site._registry.items():
        holders = [(model, model_admin)] + [(inline.model, inline) for inline in model_admin.inlines]
        for holder_model, holder in holders:
            for field in getattr(holder, "autocomplete_fields", ()):
                found.add((holder_model._meta.app_label, holder_model._meta.model_name, field))
    return [
        Spec(
            "admin/autocomplete/",
            f"admin:autocomplete[{app}.{model}.{field}]",
            lambda c, s, q=f"app_label={app}&model_name={model}&field_name={field}": Target(
                f"/admin/autocomplete/?{q}"
            ),
            False,
        )
        for app, model, field in sorted(found)
    ]


def admin_site_samples(pattern: str) -> list[Spec]:
    """Samples of the admin site's own URLs (index, login, autocomplete, app lists …)."""
    fixed = {
        "admin/": "/admin/",
        "admin/login/": "/admin/login/",
        "admin/logout/": "/admin/logout/",
        "admin/password_change/": "/admin/password_change/",
        "admin/password_change/done/": "/admin/password_change/done/",
        "admin/jsi18n/": "/admin/jsi18n/",
        "admin/(?P<url>.*)$": "/admin/projects/nothing-here/",
    }
    if pattern in fixed:
        return [
            Spec(pattern, f"admin:{pattern[6:] or 'index'}", lambda c, s, u=fixed[pattern]: Target(u), False)
        ]
    if pattern == "admin/autocomplete/":
        return autocomplete_samples()
    if pattern.startswith("admin/^(?P<app_label>"):
        labels = re.search(r"\(\?P<app_label>([^)]*)\)", pattern).group(1).split("|")
        return [
            Spec(pattern, f"admin:app_list[{app}]", lambda c, s, a=app: Target(f"/admin/{a}/"), False)
            for app in labels
        ]
    if pattern == "admin/r/<path:content_type_id>/<path:object_id>/":
        return [
            Spec(
                pattern,
                "admin:view_on_site",
                lambda c, s: Target(
                    f"/admin/r/{ContentType.objects.get_for_model(Assignment).pk}/{_assignment(c, s).pk}/",
                    ("assignment", _main_key(s)),
                ),
            )
        ]
    return []


# --- every URL pattern --------------------------------------------------------------------------


def url_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """Every URL pattern of the project as (full pattern, namespaced name, pattern)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, text, inner)
        elif isinstance(entry, URLPattern):
            yield text, f"{namespace}{entry.name}" if entry.name else "", entry


def samples_of(text: str, name: str) -> list[Spec]:
    """The samples of one URL pattern, or [] when this module cannot build its arguments."""
    if not text.startswith("admin/"):
        return portal_samples(name)
    match = re.match(r"^admin/(\w+)/(\w+)/(.*)$", text)
    if match:
        for model, model_admin in admin.site._registry.items():
            if (model._meta.app_label, model._meta.model_name) == match.group(1, 2):
                return admin_model_samples(model_admin, match.group(3))
    return admin_site_samples(text)


def collect() -> tuple[list[Spec], list[str]]:
    specs, missing = [], []
    for text, name, _pattern in url_patterns():
        found = samples_of(text, name)
        if found:
            specs += found
        else:
            missing.append(f"{text} ({name or 'unnamed'})")
    return specs, missing


SPECS, MISSING = collect()
CASES = [
    pytest.param(role, spec, side, method, id=f"{role}-{spec.label}-{side}-{method}")
    for spec in SPECS
    for role in ROLES
    for side in (("own", "foreign") if spec.sided else ("any",))
    for method in ("GET", "POST")
]


def test_every_url_pattern_has_a_sample():
    assert not MISSING, "add a sample for: " + "; ".join(MISSING)


# --- the world, once per module -----------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The cast, logged-in sessions for every role, an axes record of each kind and a group; rolled
    back at the end of the module (each case runs in a savepoint inside)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone

    media = tmp_path_factory.mktemp("matrix-media")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "import_export": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media / "import-pending"},
        },
    }
    settings = override_settings(
        MEDIA_ROOT=media,
        STORAGES=storages,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), settings:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cast = build_cast()
            Group.objects.create(name="市妇联办公室")
            visit = {
                "ip_address": "127.0.0.1",
                "user_agent": "test",
                "http_accept": "*/*",
                "path_info": "/login/",
            }
            now = timezone.now()
            AccessAttempt.objects.create(
                username="guess", get_data="", post_data="", failures_since_start=1, attempt_time=now, **visit
            )
            AccessLog.objects.create(username="guess", attempt_time=now, **visit)
            AccessFailureLog.objects.create(username="guess", attempt_time=now, locked_out=False, **visit)
            sessions = {}
            for role, user in cast.users.items():
                if user is not None:
                    client = Client()
                    client.force_login(user)
                    sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            yield cast, sessions
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- one case -----------------------------------------------------------------------------------

FORM_CACHE: dict[str, dict] = {}
IGNORED_TABLES = {"admin.logentry", "sessions.session"}
ASSIGNMENT_PATH = {
    "projects.assignment": "id",
    "projects.historicalassignment": "id",
    "projects.milestone": "assignment_id",
    "projects.historicalmilestone": "assignment_id",
    "projects.indicator": "assignment_id",
    "projects.historicalindicator": "assignment_id",
    "reporting.plan": "assignment_id",
    "reporting.plantransition": "plan__assignment_id",
    "reporting.progressreport": "assignment_id",
    "reporting.milestoneprogress": "report__assignment_id",
    "reporting.indicatorvalue": "report__assignment_id",
    "reporting.evidence": "report__assignment_id",
    "reporting.reporttransition": "report__assignment_id",
    "reporting.chase": "assignment_id",
    "reporting.historicalchase": "assignment_id",
    "reporting.robotmessage": "chase__assignment_id",
    "reporting.taskreceipt": "assignment_id",
    "reporting.historicaltaskreceipt": "assignment_id",
}
#: Rows of one unit (its 自评): the path to their organisation; owned like the unit's main assignment.
UNIT_PATH = {
    "assessments.selfassessment": "organisation_id",
    "assessments.selfscore": "self_assessment__organisation_id",
    "assessments.assessmentevidence": "self_assessment__organisation_id",
    "assessments.selfassessmenttransition": "self_assessment__organisation_id",
}
#: Messages to one user (written for them by other users' actions): the path to their recipient.
INBOX_PATH = {
    "reporting.notification": "recipient_id",
    "reporting.outboxemail": "notification__recipient_id",
    "reporting.importjob": "user_id",  # a big import: its user's alone
    "reporting.importjobpage": "job__user_id",
}
COMMON_TABLES = {
    "reporting.scheduledjob",  # the worker's schedule, written by the worker alone
    "units.organisation",
    "units.organisation_linked_counties",
    "units.historicalorganisation",
    "units.membership",
    "units.historicalmembership",
    "projects.campaign",
    "projects.historicalcampaign",
    "projects.featureproject",
    "projects.historicalfeatureproject",
    "projects.projectliaison",
    "projects.historicalprojectliaison",
    "reporting.reportingperiod",
    "reporting.robotwebhook",  # group robots: city administrators only
    "reporting.historicalrobotwebhook",
    "assessments.assessmentscheme",  # the 考评细则: city administrators write them
    "assessments.historicalassessmentscheme",
    "assessments.criteriongroup",
    "assessments.historicalcriteriongroup",
    "assessments.criterion",
    "assessments.historicalcriterion",
    # 实地检查 and results: written by the inspectors (in the cast the city administrator) and by
    # leaders and city administrators (审定, 公布), never by a unit
    "assessments.inspection",
    "assessments.inspection_inspectors",
    "assessments.inspectionscore",
    "assessments.inspectionphoto",
    "assessments.resultsheet",
    "auth.group",
    "auth.group_permissions",
    "auth.user_groups",
    "auth.user_user_permissions",
}


#: Common tables whose rows can belong to unit A's round or lie below A: the path to the issuing
#: body (or, for memberships, to the parent organisation) that makes a row ``COUNTY``'s.
COUNTY_PATH = {
    "projects.campaign": "issuing_body_id",
    "projects.historicalcampaign": "issuing_body_id",
    "projects.featureproject": "campaign__issuing_body_id",
    "projects.historicalfeatureproject": "campaign__issuing_body_id",
    "projects.projectliaison": "project__campaign__issuing_body_id",
    "projects.historicalprojectliaison": "project__campaign__issuing_body_id",
    "reporting.reportingperiod": "campaign__issuing_body_id",
    "units.membership": "organisation__parent_id",
    "units.historicalmembership": "organisation__parent_id",
    "assessments.inspection": "scheme__campaign__issuing_body_id",
    "assessments.inspection_inspectors": "inspection__scheme__campaign__issuing_body_id",
    "assessments.inspectionscore": "inspection__scheme__campaign__issuing_body_id",
    "assessments.inspectionphoto": "inspection__scheme__campaign__issuing_body_id",
}


def _snapshot_models():
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in {"units", "projects", "reporting", "assessments"}
    ]
    models += [User, Group, User.groups.through, User.user_permissions.through, Group.permissions.through]
    for model in models:
        label = model._meta.label_lower
        assert (
            label in ASSIGNMENT_PATH
            or label in COMMON_TABLES
            or label in INBOX_PATH
            or label in UNIT_PATH
            or label == "auth.user"
        ), f"say whose rows {label} holds (ASSIGNMENT_PATH or COMMON_TABLES in {__name__})"
    return models


def snapshot(
    keys_by_pk: dict[int, str], county_pk: int, unit_keys: dict[int, str] | None = None
) -> dict[tuple[str, object], tuple[str, tuple]]:
    """Every row of the portal's tables (and users, groups, permissions): (table, pk) → (owner, values).

    Owners: an assignment key, ``common``, ``county`` (a row of unit A's round, or a membership of an
    organisation right below A: ``COUNTY_PATH``; ``county_pk`` is A's id), ``inbox:<user id>``
    (notifications) or ``user:<id>``; a unit's own rows (``UNIT_PATH``) the key of the unit's main
    assignment (``unit_keys``: A1, B2). A user's ``last_login`` is left out (logging in is not a
    write of the portal).
    """
    rows = {}
    for model in _snapshot_models():
        label = model._meta.label_lower
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        owner_path = (
            ASSIGNMENT_PATH.get(label)
            or INBOX_PATH.get(label)
            or UNIT_PATH.get(label)
            or {"auth.user": "id"}.get(label, "pk")
        )
        county_path = COUNTY_PATH.get(label, owner_path)
        for owner_value, county_value, *values in model._base_manager.values_list(
            owner_path, county_path, *names
        ):
            pk = values[names.index(model._meta.pk.attname)]
            if label in COUNTY_PATH and county_value == county_pk:
                owner = COUNTY
            elif label in ASSIGNMENT_PATH:
                owner = keys_by_pk.get(owner_value, "common")
            elif label in UNIT_PATH:
                owner = (unit_keys or {}).get(owner_value, "common")
            elif label in INBOX_PATH:
                owner = f"inbox:{owner_value}"
            elif label == "auth.user":
                owner = f"user:{owner_value}"
            else:
                owner = "common"
            rows[label, pk] = (owner, tuple(values))
    return rows


class FormParser(HTMLParser):
    """The fields of every POST form of a page: [(action, [(name, value)])]."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action") or "", self._fields))
        if self._fields is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a or name == "_selected_action":  # a list's rows: all of them
                    self._fields.append((name, a.get("value") or "on"))
            elif kind == "submit":
                if name == "_save":
                    self._fields.append((name, a.get("value") or ""))
            elif kind not in {"file", "button", "image", "reset"}:
                self._fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value") or "", "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self._fields += [(name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._fields is not None:
            self._fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def main_form(html: str) -> dict[str, list[str]] | None:
    """The page's largest POST form (not the logout button), as field → values."""
    parser = FormParser()
    parser.feed(html)
    forms = [fields for action, fields in parser.forms if "logout" not in action]
    if not forms:
        return None
    data: dict[str, list[str]] = {}
    for name, value in max(forms, key=len):
        data.setdefault(name, []).append(value)
    return data


MUTABLE = (
    "title",
    "target",
    "goal",
    "progress",
    "name",
    "responsible_person",
    "problems",
    "message",
    "reason",
)


def changed_form(data: dict[str, list[str]], cast: Cast) -> dict[str, list[str]]:
    """The form with a changed value: a text field gets "改"; a membership asks for city administrator."""
    data = {name: list(values) for name, values in data.items()}
    if "role" in data and "organisation" in data:
        data["role"], data["organisation"] = ["city_admin"], [str(cast.city.pk)]
    if "is_superuser" in data or "username" in data:
        data["is_superuser"] = data["is_staff"] = ["on"]
    for wanted in MUTABLE:
        if data.get(wanted):
            data[wanted] = [data[wanted][0] + "改"]
            break
    return data


@dataclasses.dataclass
class Run:
    """One case being run: its role, client, target and the superuser's client for templates."""

    role: str
    cast: Cast
    client: Client
    superuser: Client
    target: Target
    target_side: str = "A"
    sent: set = dataclasses.field(default_factory=set)  # markers the request itself carries

    def form_body(self, *, mutate: bool = True) -> dict:
        """The current form of the page as the role sees it (or, when it cannot, as the superuser
        sees it), with a changed value."""
        page = self.client.get(self.target.url)
        data = None
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            data = main_form(page.content.decode())
        if not data:
            data = self.template(self.target.url)
        return changed_form(data, self.cast) if mutate else data

    def template(self, url: str) -> dict:
        """The superuser's form at ``url`` (cached: the world is the same at the start of every case)."""
        if url not in FORM_CACHE:
            response = self.superuser.get(url)
            FORM_CACHE[url] = (
                main_form(response.content.decode()) if response.status_code == 200 else None
            ) or {}
        return FORM_CACHE[url]

    def add_body(self, change_url: str, obj) -> dict:
        """An add form made from an existing object's change form: inlines dropped, keys made new;
        a relation the change form shows read-only (a saved step's assignment) taken from ``obj``."""
        data = {name: list(values) for name, values in self.template(change_url).items()}
        for field in obj._meta.concrete_fields:
            if field.many_to_one and field.name not in data and field.name != "history_user":
                data[field.name] = [str(getattr(obj, field.attname))]
        prefixes = {name[: -len("-TOTAL_FORMS")] for name in data if name.endswith("-TOTAL_FORMS")}
        for name in list(data):
            prefix = name.rsplit("-", 2)[0] if "-" in name else None
            if prefix in prefixes or any(name.startswith(f"{p}-") for p in prefixes):
                del data[name]
        for prefix in prefixes:
            data.update({f"{prefix}-TOTAL_FORMS": ["0"], f"{prefix}-INITIAL_FORMS": ["0"]})
        for name in ("order", "number"):
            if name in data:
                data[name] = ["77"]
        if "year" in data:
            data["year"] = ["2077"]
        for name in ("name", "title", "username"):
            if name in data:
                data[name] = [data[name][0] + "新"]
        if "username" in data:
            data.update({"password1": ["Ein-langes-Passwort-42"], "password2": ["Ein-langes-Passwort-42"]})
        data.pop("version", None)
        for name, values in data.items():  # the stored texts are the other object's, not the adder's
            if any(m in value for value in values for m in self.cast.markers):
                data[name] = ["13800000000" if name.endswith("phone") else "新内容"]
        return data

    def action_on_all(self, label: str, action: str) -> dict:
        """The list's ``action``, confirmed, on every row the superuser's list shows (as the list
        renders them: ``pk`` or, with django-concurrency, ``pk,version``)."""
        rows = self.template("/admin/{}/{}/".format(*label.split("."))).get("_selected_action", [])
        return {"action": action, "index": "0", "post": "yes", "_selected_action": rows}

    def list_edit(self, fields) -> dict:
        """The list's editable columns as the role's list shows them (else the superuser's), with
        every row's value of the first column changed."""
        data = self.form_body(mutate=False)
        data.pop("action", None)
        for name in list(data):
            if re.fullmatch(rf"form-\d+-{fields[0]}", name):
                data[name] = ["5"]
        return data

    def import_file(self, label: str):
        """An .xlsx of the side's rows as the admin exports them, one value changed, plus a new row."""
        model_admin = admin.site._registry[apps.get_model(label)]
        resource = model_admin.get_resource_classes(None)[0]()
        side = self.target_side
        queryset = {
            "units.organisation": lambda: type(self.cast.units[side]).objects.filter(
                pk=self.cast.units[side].pk
            ),
            "projects.featureproject": lambda: type(self.cast.projects[1]).objects.filter(
                pk=self.cast.projects[1 if side == "A" else 2].pk
            ),
            "projects.assignment": lambda: Assignment.objects.filter(pk=_assignment(self.cast, side).pk),
            "projects.milestone": lambda: _assignment(self.cast, side).milestones.all(),
            "projects.indicator": lambda: _assignment(self.cast, side).indicators.all(),
            "assessments.criterion": lambda: self.cast.scheme.criteria.all(),
        }[label]()
        dataset = resource.export(queryset=queryset)
        headers = list(dataset.headers)
        # The uploader knows the keys (unit names), not the stored texts: those are replaced; the
        # project title beside a plan's key is a cross-check they leave blank (a wrong one is refused).
        rows = [
            [
                ""
                if header in PLAN_TITLE_COLUMNS and label != "projects.featureproject"
                else value
                if header in IMPORT_KEYS or "QZ" not in str(value)
                else "导入内容"
                for header, value in zip(headers, row, strict=True)
            ]
            for row in dataset
        ]
        self.sent |= {m for m in self.cast.markers if any(m in str(value) for row in rows for value in row)}
        if IMPORT_EDITS[label] is not None:
            column, new = IMPORT_EDITS[label]
            where = headers.index(column)
            rows[0][where] = "88" if column in {"排序", "目标值"} else f"{rows[0][where]}（导入修改）"
            if new is not None:  # only a new row: a create must be checked like a change
                extra = list(rows[0])
                extra[headers.index(new[0])] = new[1]
                rows = [extra]
        content = io.BytesIO(xlsx_bytes([headers, *rows]))
        content.name = "导入.xlsx"
        return content

    def confirm_body(self, label: str) -> dict:
        """The confirm form of the superuser's preview of the side's import file."""
        prefix = "/admin/{}/{}/".format(*label.split("."))
        preview = self.superuser.post(
            prefix + "import/", {"resource": "0", "format": "0", "import_file": self.import_file(label)}
        )
        form = preview.context["confirm_form"] if preview.context else None
        assert form is not None, f"the superuser's preview of {label} offers no confirm step"
        return form.initial


def response_text(response) -> str:
    """What a reader receives: body, file name, redirect, and the cell texts of a spreadsheet."""
    parts = [response.get("Content-Disposition", ""), response.get("Location", "")]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK" and "wordprocessingml" in response.get("Content-Type", ""):
        document = docx.Document(io.BytesIO(content))  # the 通报 and 检查总结: paragraphs and tables
        parts += [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            parts += [cell.text for row in table.rows for cell in row.cells]
    elif content[:2] == b"PK" and "sheet" in response.get("Content-Type", ""):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                parts += [str(value) for value in row if value is not None]
    else:
        parts.append(content.decode("utf-8", "replace"))
    return "\n".join(parts)


def owner_name(owner: tuple) -> str:
    """``assignment B2``, ``unit B``, ``people`` …"""
    return " ".join(str(part) for part in owner if part is not None)


def refused(response, url: str) -> bool:
    """403, 404, 405 (a GET of a POST-only step), or a redirect to a login page or the admin's "does not exist" index (or the bare
    admin URL's redirect to the same object's change page, which answers the same)."""
    if response.status_code in {403, 404, 405}:
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and (
        "login" in location or location.rstrip("/") == "/admin" or location == f"{url}change/"
    )


def write_violations(role: str, target: Target, before: dict, after: dict, cast: Cast) -> list[str]:
    """Rows changed by the request that lie outside what ``role`` may write through ``target.door``."""
    changed = [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
    me = cast.users[role].pk if cast.users[role] else None
    allowed = WRITES.get(target.door, {}).get(role, set())
    found = []
    for key in sorted(changed, key=str):
        owners = {row[0] for row in (before.get(key), after.get(key)) if row}
        if allowed == ALL:
            continue
        ok = True
        for owner in owners:
            if owner in {f"inbox:{me}", f"user:{me}"} and target.door != "never":
                continue
            if allowed and owner.startswith("inbox:"):
                continue  # a step's notifications to the other side
            reviewer = role.startswith("liaison") or (role == "county_admin" and target.door == "portal")
            if owner in allowed and (not reviewer or key[0] in LIAISON_TABLES):
                continue
            ok = False
        if not ok:
            what = "created" if key not in before else "deleted" if key not in after else "changed"
            found.append(f"{key[0]} #{key[1]} ({'/'.join(sorted(owners))}) {what}")
    return found


@dataclasses.dataclass
class Outcome:
    """What one request did: the response, and the rows changed (POST) as (before, after)."""

    run: Run
    response: object
    before: dict
    after: dict


def run_case(world, role: str, spec: Spec, side: str, method: str) -> Outcome:
    """Send the case's request as ``role``; snapshot the tables around a POST."""
    cast, sessions = world
    letter = SIDE[role] if side in {"own", "any"} else OTHER[SIDE[role]]
    CURRENT["role"] = role
    CURRENT["notification"] = _person(cast, letter, among=cast.notifications)
    target = spec.make(cast, letter)
    client = Client()
    if role in sessions:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[role]
    superuser = Client()
    superuser.cookies[django_settings.SESSION_COOKIE_NAME] = sessions["superuser"]
    run = Run(role, cast, client, superuser, target, letter)
    if method == "GET":
        return Outcome(run, _request(client.get, target.url), {}, {})
    body = target.body(run) if target.body is not None else {}
    run.sent |= {m for m in cast.markers if m in str(body)}
    keys_by_pk = {a.pk: key for key, a in cast.assignments.items()}
    unit_keys = {unit.pk: _main_key(letter) for letter, unit in cast.units.items()}
    county_pk = cast.units["A"].pk
    before = snapshot(keys_by_pk, county_pk, unit_keys)
    response = _request(client.post, target.url, body)
    return Outcome(run, response, before, snapshot(keys_by_pk, county_pk, unit_keys))


@pytest.mark.parametrize(("role", "spec", "side", "method"), CASES)
def test_access(world, db, role, spec, side, method):
    outcome = run_case(world, role, spec, side, method)
    cast, run, target, response = world[0], outcome.run, outcome.run.target, outcome.response
    problems = write_violations(role, target, outcome.before, outcome.after, cast) if method == "POST" else []

    found = []
    if response.status_code >= 500:
        found.append(f"500s: {response.status_code} on {method} {target.url}")
    if not may_read(role, target.owner) and not refused(response, target.url):
        found.append(
            f"leaks: {method} {target.url} of {owner_name(target.owner)} answers "
            f"{response.status_code} {response.get('Location', '')}".rstrip()
        )
    text = response_text(response)
    leaks = sorted(
        m
        for m, owner in cast.markers.items()
        if m in text and not may_read(role, owner) and m not in run.sent
    )
    if leaks:
        found.append(
            f"leaks: {method} {target.url} shows "
            + ", ".join(f"{m} (of {owner_name(cast.markers[m])})" for m in leaks)
        )
    if problems:
        found.append(f"writes past scope: {method} {target.url}: " + "; ".join(problems))
    if found:
        pytest.fail(" | ".join(found), pytrace=False)


def _request(send, url, data=None):
    """Send a request; an exception the view raised (a 500 in production) fails the case readably."""
    try:
        return send(url, data) if data is not None else send(url)
    except Exception as error:  # the test client re-raises what would be a 500
        pytest.fail(f"500s: {url}: {type(error).__name__}: {error}"[:2000], pytrace=False)


#: Cases whose POST must write: they show that the bodies are plausible, so that "nothing was
#: written" in the matrix means "refused", not "the form was wrong". History records are read-only
#: for everybody (``ScopedHistoryMixin``), so none of them is here.
WRITING = [
    ("reporter_a", "reporting:plan_edit", "own"),
    ("reporter_a", "reporting:report_edit", "own"),
    ("reporter_a", "reporting:evidence_upload", "own"),
    ("reporter_a", "reporting:evidence_delete", "own"),
    ("reporter_a", "reporting:report_open", "own"),
    ("reporter_a", "reporting:report_action[submit]", "own"),
    ("reporter_a", "reporting:plan_action[submit]", "own"),
    ("liaison_p", "reporting:plan_action[confirm]", "own"),
    ("liaison_p", "reporting:report_action[approve]", "own"),
    ("liaison_d", "reporting:report_action[return]", "own"),
    ("liaison_p", "reporting:chase", "own"),
    ("leader", "reporting:chase", "foreign"),
    ("liaison_d", "reporting:chase_all", "own"),
    ("superuser", "admin:reporting.robotwebhook:change", "any"),
    ("county_admin", "reporting:plan_action[confirm county round]", "any"),
    ("county_admin", "reporting:report_action[approve county round]", "any"),
    ("county_admin", "reporting:report_action[return county round]", "any"),
    ("superuser", "admin:projects.assignment:change", "own"),
    ("superuser", "admin:projects.featureproject:change[shared project 3]", "any"),
    ("superuser", "admin:projects.milestone:change", "foreign"),
    ("superuser", "admin:projects.milestone:add", "own"),
    ("superuser", "admin:units.membership:change", "own"),
    ("superuser", "admin:reporting.progressreport:change", "own"),
    ("superuser", "admin:projects.milestone:changelist[delete_selected]", "any"),
    ("superuser", "admin:units.organisation:changelist[edit]", "any"),
    ("superuser", "admin:projects.milestone:delete", "own"),
    ("superuser", "admin:projects.milestone:import-confirm", "own"),
    ("superuser", "admin:projects.assignment:import-confirm", "own"),
    ("superuser", "admin:units.organisation:import-confirm", "own"),
    ("city_admin", "admin:projects.indicator:import-confirm", "foreign"),
    ("city_admin", "admin:projects.milestone:change", "own"),
    ("city_admin", "admin:projects.campaign:new-round[confirm]", "any"),
    ("reporter_a", "assessments:edit", "own"),
    ("reporter_a", "assessments:action[submit]", "own"),
    ("reporter_a", "assessments:evidence_delete", "own"),
    ("city_admin", "assessments:action[approve]", "foreign"),
    ("city_admin", "assessments:action[return]", "foreign"),
    ("city_admin", "assessments:inspection", "foreign"),
    ("city_admin", "assessments:inspection_assign", "any"),
    ("county_admin", "assessments:inspection_assign[county round]", "any"),
    ("leader", "assessments:result_action[approve]", "any"),
]
SPEC_BY_LABEL = {spec.label: spec for spec in SPECS}


@pytest.mark.parametrize(("role", "label", "side"), WRITING, ids=["-".join(case) for case in WRITING])
def test_a_plausible_body_writes_when_the_role_may(world, db, role, label, side):
    outcome = run_case(world, role, SPEC_BY_LABEL[label], side, "POST")

    assert outcome.before != outcome.after, (
        f"{label} as {role} wrote nothing ({outcome.response.status_code} "
        f"{outcome.response.get('Location', '')})"
    )
