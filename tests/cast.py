"""One cast of test users and one set of factories for the whole suite (STYLE: "one cast of test
users and one set of factories, not one per test folder").

The world (``build_cast``), built in code through the services where a workflow is involved:

- 泉州市妇联 (the city) with two liaison departments, 宣传部 (P) and 发展部 (D);
- two responsible units, A and B, each with its own assignments, 四定 plans, steps, indicators,
  progress reports (approved, submitted, draft) and an evidence file:

  ========  =========  ==========  ===========================================
  key       project    unit        liaison    plan / reports
  ========  =========  ==========  ===========================================
  ``A1``    1          A           P          plan submitted; Q1 approved, Q2 submitted, Q3 draft + evidence
  ``A3``    3 (shared) A           P          plan draft; Q1 draft
  ``B2``    2          B           D          plan submitted; Q1 approved, Q2 submitted, Q3 draft + evidence
  ``B3``    3 (shared) B           P          plan draft; Q1 draft
  ========  =========  ==========  ===========================================

- a county round (issue 13, "一级带着一级干"): unit A (晋江市妇联) issues its own 2014 round,
  projects 11 and 12 (numbered 1 and 2 in that round), to three townships under A, T1–T3:

  ========  =========  ==========  ===========================================
  key       project    unit        liaison    plan / reports
  ========  =========  ==========  ===========================================
  ``K1``    11         T1          A itself   plan submitted; Q2 submitted, Q1 draft
  ``K2``    11         T2          A itself   plan draft; Q1 draft
  ``K3``    12         T3          A itself   plan draft; Q1 draft
  ========  =========  ==========  ===========================================

- every role of ``units.Membership`` and the users around them: a superuser, a city administrator
  (staff with every permission of the portal's apps, not a superuser), a leader, one liaison of each
  department, one reporter of each unit, two scoped admin staff (``is_staff`` reporters of unit A,
  one with only *view* permissions on every portal model, one with view, add, change and delete), a
  user without membership and an inactive reporter of unit A; a federation administrator of unit A
  (``county_admin``: staff with every permission of the portal's apps, the liaison of A's round) and
  a reporter of township T1 (``township_reporter``).

Every field that one unit must not read of another's carries a marker (``marker(tag)``: ``QZ<tag>QZ``,
or an eleven-digit phone number) — responsible person, phone, target, steps, indicators, report
texts, evidence names, unit names, project titles, the unit users' names (and so their memberships),
notifications — so that a leak is found by searching a response body for the markers its reader
must not see (``Cast.markers``: marker → owner).
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import Assignment, Campaign, FeatureProject
from reporting import services
from reporting.models import Evidence, Notification, ProgressReport, ReportingPeriod, RobotWebhook
from units.models import Membership, Organisation

PORTAL_APPS = ("units", "projects", "reporting", "assessments")

#: The roles of the cast, in the order the matrix lists them.
ROLES = (
    "superuser",
    "city_admin",
    "leader",
    "liaison_p",
    "liaison_d",
    "reporter_a",
    "reporter_b",
    "staff_view",
    "staff_change",
    "county_admin",
    "township_reporter",
    "nobody",
    "inactive",
    "anonymous",
)

#: The assignments of the city's round: key → (project number, unit).
CITY_ASSIGNMENTS = {"A1": (1, "A"), "A3": (3, "A"), "B2": (2, "B"), "B3": (3, "B")}
#: The assignments of unit A's own round: key → (project key, township). Project keys 11 and 12
#: are the round's projects 1 and 2 (keys, so that they differ from the city's 1 and 2).
COUNTY_ASSIGNMENTS = {"K1": (11, "T1"), "K2": (11, "T2"), "K3": (12, "T3")}
#: Every assignment of the world.
ASSIGNMENTS = CITY_ASSIGNMENTS | COUNTY_ASSIGNMENTS
#: The assignments with reviewed reports (an approved one, a comment, an evidence file).
REVIEWED = {"A1", "B2"}
#: The report states of each assignment.
REPORT_STATES = {key: ("approved", "submitted", "draft") for key in REVIEWED} | {
    "A3": ("draft",),
    "B3": ("draft",),
    "K1": ("submitted", "draft"),
    "K2": ("draft",),
    "K3": ("draft",),
}


def marker(tag: str) -> str:
    """The searchable marker string of ``tag``, e.g. ``QZpersonA1QZ``."""
    return f"QZ{tag}QZ"


def phone_marker(key: str) -> str:
    """An eleven-digit phone number that appears nowhere else (phones allow only digits)."""
    return (
        "1390000"
        + {
            "A1": "1011",
            "A3": "1033",
            "B2": "2022",
            "B3": "2033",
            "K1": "3011",
            "K2": "3022",
            "K3": "3033",
        }[key]
    )


# --- factories ----------------------------------------------------------------------------------


def organisation(name: str, kind: str = Organisation.Kind.COUNTY_FEDERATION, **extra) -> Organisation:
    """An organisation of ``kind`` (a county-level federation unless told)."""
    return Organisation.objects.create(name=name, kind=kind, **extra)


def department(name: str, city: Organisation, order: int = 10) -> Organisation:
    """A liaison department (联系部室) of the city federation."""
    return organisation(name, Organisation.Kind.DEPARTMENT, parent=city, is_liaison=True, display_order=order)


def user(
    username: str,
    organisation: Organisation | None = None,
    role: str | None = None,
    *,
    permissions: tuple[str, ...] = (),
    **extra,
) -> User:
    """A user with a membership (unless ``role`` is None) and the given permission codenames."""
    result = User.objects.create_user(username, f"{username}@example.com", f"pw-{username}", **extra)
    if role is not None:
        Membership.objects.create(user=result, organisation=organisation, role=role)
    if permissions:
        result.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    return result


def portal_permissions(*actions: str) -> tuple[str, ...]:
    """Codenames of ``actions`` (view, add, change, delete) on every model of the portal's apps."""
    return tuple(
        Permission.objects.filter(
            content_type__app_label__in=PORTAL_APPS, codename__regex=rf"^({'|'.join(actions)})_"
        ).values_list("codename", flat=True)
    )


def png_bytes() -> bytes:
    """A tiny valid PNG image."""
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )


def docx_bytes() -> bytes:
    """A minimal Word (OOXML) document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """An uploaded file as the browser sends it (the declared type is not trusted)."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def plan_fill(assignment: Assignment, actor: User, key: str) -> None:
    """Fill the 四定 of ``assignment`` through ``services.plan_update``, with ``key``'s markers."""
    services.plan_update(
        assignment=assignment,
        actor=actor,
        version=assignment.version,
        target=marker(f"target{key}"),
        deadline=datetime.date(2014, 12, 31),
        responsible_person=marker(f"person{key}"),
        responsible_person_position="主席",
        responsible_person_phone=phone_marker(key),
        milestones=[
            services.MilestoneRow(None, 1, marker(f"step{key}"), datetime.date(2014, 3, 31)),
            services.MilestoneRow(None, 2, marker(f"steptwo{key}"), datetime.date(2014, 9, 30)),
        ],
        indicators=[services.IndicatorRow(None, marker(f"ind{key}"), Decimal(2), "个")],
    )


def report_write(
    assignment: Assignment, period: ReportingPeriod, actor: User, key: str, state: str
) -> ProgressReport:
    """A report of ``assignment`` for ``period`` with ``key``/``state`` markers in its texts."""
    report = services.report_start(assignment=assignment, period=period, actor=actor)
    services.report_update(
        report=report,
        actor=actor,
        version=report.version,
        progress=marker(f"progress{key}{state}"),
        percent_complete=30,
        problems=marker(f"problems{key}{state}"),
        next_steps=marker(f"next{key}{state}"),
        milestone_states={},
        indicator_values={},
    )
    report.refresh_from_db()
    return report


# --- the cast -----------------------------------------------------------------------------------


@dataclass
class Cast:
    """The world and its users; ``markers`` maps each marker to its owner (see ``Cast.owner_kinds``).

    Owners: ``("assignment", key)``, ``("unit", "A"|"B"|"T1"|"T2"|"T3")``, ``("project", number)``
    (11 and 12: the county round's), ``("inbox", role)`` (a notification's recipient).
    """

    city: Organisation
    publicity: Organisation  # 宣传部 (P): projects 1 and 3
    development: Organisation  # 发展部 (D): project 2
    units: dict[str, Organisation]  # "A", "B"; the townships "T1", "T2", "T3" under A
    campaign: Campaign
    county_campaign: Campaign  # unit A's own 2014 round
    projects: dict[int, FeatureProject]
    assignments: dict[str, Assignment]
    periods: list[ReportingPeriod]
    county_periods: list[ReportingPeriod]
    reports: dict[tuple[str, str], ProgressReport]  # (key, "approved"|"submitted"|"draft")
    evidence: dict[str, Evidence]  # "A1", "B2"
    notifications: dict[str, Notification]  # role → one message to that user
    users: dict[str, User | None]  # role → user (anonymous: None)
    #: 争六好 自评: the round's issued scheme, each unit's self-assessment (A a draft, B submitted)
    #: and one evidence file of each.
    scheme: object = None
    self_assessments: dict = field(default_factory=dict)
    assessment_evidence: dict = field(default_factory=dict)
    #: 实地检查: each unit's draft inspection (the city administrator its inspector), a marked
    #: note and one photo; results not published, so only those who see everything read them.
    inspections: dict = field(default_factory=dict)
    inspection_photos: dict = field(default_factory=dict)
    #: unit A's own round's scheme (one criterion of 100 points, issued: T1–T3 assess themselves);
    #: A's federation administrator assigns its inspectors (no inspection yet)
    county_scheme: object = None
    markers: dict[str, tuple[str, object]] = field(default_factory=dict)


def build_cast() -> Cast:
    """Create the world described in the module docstring; returns it. Needs database access."""
    kind = Organisation.Kind
    city = organisation("泉州市妇联", kind.CITY_FEDERATION, display_order=1)
    publicity = department("宣传部", city, 10)
    development = department("发展部", city, 11)
    units = {
        "A": organisation(f"晋江市妇联{marker('unitA')}", parent=city, display_order=106),
        "B": organisation(f"惠安县妇联{marker('unitB')}", parent=city, display_order=107),
    }
    for number, name in enumerate(("安海镇妇联", "东石镇妇联", "磁灶镇妇联"), start=1):
        units[f"T{number}"] = organisation(
            f"{name}{marker(f'unitT{number}')}", kind.TOWNSHIP_FEDERATION, parent=units["A"]
        )
    campaign = Campaign.objects.create(
        name="争六好、创特色", year=2014, document_number="泉妇〔2013〕81号", issuing_body=city
    )
    projects = {}
    for number, liaison in ((1, publicity), (2, development), (3, publicity)):
        projects[number] = FeatureProject.objects.create(
            campaign=campaign, number=number, title=marker(f"project{number}"), goal=f"目标{number}"
        )
        projects[number].liaison_departments.add(liaison)
    county_campaign = Campaign.objects.create(
        name="晋江市争六好、创特色", year=2014, document_number="晋妇〔2014〕1号", issuing_body=units["A"]
    )
    for key, number in ((11, 1), (12, 2)):
        projects[key] = FeatureProject.objects.create(
            campaign=county_campaign, number=number, title=marker(f"project{key}"), goal=f"目标{key}"
        )
    assignments = {
        key: Assignment.objects.create(project=projects[number], unit=units[unit])
        for key, (number, unit) in ASSIGNMENTS.items()
    }
    periods = services.periods_ensure(campaign=campaign)
    county_periods = services.periods_ensure(campaign=county_campaign)

    role = Membership.Role
    every = portal_permissions("view", "add", "change", "delete")
    users: dict[str, User | None] = {
        "superuser": User.objects.create_superuser("superuser", "su@example.com", "pw-superuser"),
        "city_admin": user("city_admin", city, role.CITY_ADMIN, is_staff=True, permissions=every),
        "leader": user("leader", city, role.LEADER),
        "liaison_p": user("liaison_p", publicity, role.LIAISON),
        "liaison_d": user("liaison_d", development, role.LIAISON),
        "reporter_a": user(marker("userRepA"), units["A"], role.REPORTER),
        "reporter_b": user(marker("userRepB"), units["B"], role.REPORTER),
        "staff_view": user(
            marker("userStaffViewA"),
            units["A"],
            role.REPORTER,
            is_staff=True,
            permissions=portal_permissions("view"),
        ),
        "staff_change": user(
            marker("userStaffChangeA"), units["A"], role.REPORTER, is_staff=True, permissions=every
        ),
        "county_admin": user(
            marker("userCountyA"), units["A"], role.FEDERATION_ADMIN, is_staff=True, permissions=every
        ),
        "township_reporter": user(marker("userRepT1"), units["T1"], role.REPORTER),
        "nobody": user("nobody"),
        "inactive": user(marker("userInactiveA"), units["A"], role.REPORTER, is_active=False),
        "anonymous": None,
    }
    reporter = {"A": users["reporter_a"], "B": users["reporter_b"]}
    liaison = {1: users["liaison_p"], 2: users["liaison_d"], 3: users["liaison_p"]}

    reports: dict[tuple[str, str], ProgressReport] = {}
    evidence: dict[str, Evidence] = {}
    for key, (number, unit) in CITY_ASSIGNMENTS.items():
        assignment = assignments[key]
        plan_fill(assignment, reporter[unit], key)
        assignment.refresh_from_db()
        if number != 3:
            services.plan_submit(assignment=assignment, actor=reporter[unit])
            approved = report_write(assignment, periods[0], reporter[unit], key, "approved")
            services.report_submit(report=approved, actor=reporter[unit])
            services.report_approve(report=approved, actor=liaison[number], comment=marker(f"comment{key}"))
            submitted = report_write(assignment, periods[1], reporter[unit], key, "submitted")
            services.report_submit(report=submitted, actor=reporter[unit])
            draft = report_write(assignment, periods[2], reporter[unit], key, "draft")
            evidence[key] = services.evidence_add(
                report=draft, actor=reporter[unit], upload=upload(f"{marker(f'file{key}')}.png", png_bytes())
            )
            for state, report in (("approved", approved), ("submitted", submitted), ("draft", draft)):
                report.refresh_from_db()
                reports[key, state] = report
        else:
            reports[key, "draft"] = report_write(assignment, periods[0], reporter[unit], key, "draft")
    # Unit A's round: the township reporter works on K1; K2 and K3 are filled in by the city.
    for key in COUNTY_ASSIGNMENTS:
        actor = users["township_reporter"] if key == "K1" else users["city_admin"]
        assignment = assignments[key]
        plan_fill(assignment, actor, key)
        assignment.refresh_from_db()
        if key == "K1":
            services.plan_submit(assignment=assignment, actor=actor)
            submitted = report_write(assignment, county_periods[1], actor, key, "submitted")
            services.report_submit(report=submitted, actor=actor)
            submitted.refresh_from_db()
            reports[key, "submitted"] = submitted
        reports[key, "draft"] = report_write(assignment, county_periods[0], actor, key, "draft")

    # Unit A's 企业微信 group robot (its 催报 go there too; the address is no marker: never shown
    # outside the admin of city administrators).
    RobotWebhook.objects.create(
        organisation=units["A"], url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=cast"
    )
    Notification.objects.all().delete()  # the workflow's own messages name no marker owner clearly
    notifications = {
        name: Notification.objects.create(
            recipient=users[name], kind=Notification.Kind.PLAN, message=marker(f"note{name}")
        )
        for name in ("reporter_a", "reporter_b", "staff_change")
    }
    cast = Cast(
        city=city,
        publicity=publicity,
        development=development,
        units=units,
        campaign=campaign,
        county_campaign=county_campaign,
        projects=projects,
        assignments={key: Assignment.objects.get(pk=a.pk) for key, a in assignments.items()},
        periods=periods,
        county_periods=county_periods,
        reports=reports,
        evidence=evidence,
        notifications=notifications,
        users=users,
    )
    _assessments_build(cast)
    cast.markers = _markers(cast)
    return cast


def _assessments_build(cast: Cast) -> None:
    """The round's 考评细则 (two criteria, issued) and each unit's 自评 with a marked explanation
    and evidence file: A's a draft, B's submitted."""
    from assessments import services as assessment_services
    from assessments.models import AssessmentScheme, Criterion

    admin = cast.users["superuser"]
    scheme = assessment_services.scheme_save(actor=admin, scheme=AssessmentScheme(campaign=cast.campaign))
    groups = list(scheme.groups.all())
    for order, (group, points) in enumerate(((groups[0], 40), (groups[5], 60)), start=1):
        assessment_services.criterion_save(
            actor=admin,
            criterion=Criterion(
                scheme=scheme, group=group, order=order, title=f"考评内容{order}", points=points
            ),
        )
    assessment_services.scheme_issue(actor=admin, scheme=scheme, on=datetime.date(2014, 1, 10))
    cast.scheme = scheme
    for unit in ("A", "B"):  # the city round's two responsible units (not the townships below A)
        assessment = scheme.self_assessments.get(organisation=cast.units[unit])
        reporter = cast.users[f"reporter_{unit.lower()}"]
        saved = assessment_services.self_assessment_save(
            actor=reporter,
            self_assessment=assessment,
            version=assessment.version,
            scores={c.pk: (Decimal(30), marker(f"explain{unit}")) for c in scheme.criteria.all()},
            uploads={None: [upload(f"{marker(f'selffile{unit}')}.png", png_bytes())]},
            submit=unit == "B",
        )
        cast.assessment_evidence[unit] = saved.stored[0]
        assessment.refresh_from_db()
        cast.self_assessments[unit] = assessment
        inspection = assessment_services.inspection_assign(
            actor=admin, scheme=scheme, organisation=cast.units[unit], inspectors=[cast.users["city_admin"]]
        )
        first = scheme.criteria.first()
        assessment_services.inspection_update(
            actor=admin,
            inspection=inspection,
            version=inspection.version,
            scores={first.pk: (Decimal(20), marker(f"inspect{unit}"))},
            uploads={first.pk: [upload(f"{marker(f'inspfile{unit}')}.png", png_bytes())]},
        )
        cast.inspections[unit] = inspection
        cast.inspection_photos[unit] = inspection.photos.get()
    county_scheme = assessment_services.scheme_save(
        actor=admin, scheme=AssessmentScheme(campaign=cast.county_campaign)
    )
    assessment_services.criterion_save(
        actor=admin,
        criterion=Criterion(
            scheme=county_scheme, group=county_scheme.groups.first(), order=1, title="考评内容", points=100
        ),
    )
    cast.county_scheme = assessment_services.scheme_issue(
        actor=admin, scheme=county_scheme, on=datetime.date(2014, 1, 15)
    )


def _markers(cast: Cast) -> dict[str, tuple[str, object]]:
    """Every marker of the world and its owner."""
    found: dict[str, tuple[str, object]] = {}
    for key in ASSIGNMENTS:
        owner = ("assignment", key)
        reviewed = key in REVIEWED  # the others have no approved report, comment or evidence
        for tag in ("target", "person", "step", "steptwo", "ind", *(("comment", "file") if reviewed else ())):
            found[marker(f"{tag}{key}")] = owner
        found[phone_marker(key)] = owner
        for state in REPORT_STATES[key]:
            for tag in ("progress", "problems", "next"):
                found[marker(f"{tag}{key}{state}")] = owner
    for unit in ("A", "B", "T1", "T2", "T3"):
        found[marker(f"unit{unit}")] = ("unit", unit)
    for number in (1, 2, 3, 11, 12):
        found[marker(f"project{number}")] = ("project", number)
    found[marker("userCountyA")] = ("unit", "A")
    found[marker("userRepT1")] = ("unit", "T1")
    found[marker("userRepA")] = ("unit", "A")
    found[marker("userStaffViewA")] = ("unit", "A")
    found[marker("userStaffChangeA")] = ("unit", "A")
    found[marker("userInactiveA")] = ("unit", "A")
    found[marker("userRepB")] = ("unit", "B")
    for name in cast.notifications:
        found[marker(f"note{name}")] = ("inbox", name)
    for unit in cast.self_assessments:
        found[marker(f"explain{unit}")] = ("unit", unit)
        found[marker(f"selffile{unit}")] = ("unit", unit)
    for unit in cast.inspections:  # not published: city administrators and leaders only
        found[marker(f"inspect{unit}")] = ("people", None)
        found[marker(f"inspfile{unit}")] = ("people", None)
    # A marker that is never stored must not be listed: a typo would make the search vacuous.
    return found
