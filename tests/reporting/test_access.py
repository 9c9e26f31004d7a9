"""The permission matrix: every role × every page, download and action × own and foreign records.

A record outside the user's scope does not exist for them (404); a step their role may not take on
a record they can see is forbidden (403); a user without a role gets 403 everywhere; anonymous
visitors go to the login page. Allowed actions are checked for their effect elsewhere
(test_services, test_views); here a success is a redirect back to a page (302).
"""

import pytest
from django.urls import reverse

from projects.models import Assignment
from reporting import services
from reporting.models import Evidence, ReportStatus
from tests.reporting.conftest import make_report, png_bytes, upload

ROLES = [
    "superuser",
    "city_admin",
    "leader",
    "liaison",
    "other_liaison",
    "reporter_a",
    "reporter_b",
    "outsider",
]


@pytest.fixture
def records(world, cast) -> dict:
    """晋江's draft report on project 1 with a photo, 惠安's and 晋江's submitted reports."""
    draft_a1 = make_report(world, world.a1, cast["reporter_a"])
    photo = services.evidence_add(
        report=draft_a1, actor=cast["reporter_a"], upload=upload("活动照片.png", png_bytes())
    )
    submitted_b1 = make_report(world, world.b1, cast["reporter_b"], submit=True)
    submitted_a2 = make_report(world, world.a2, cast["reporter_a"], submit=True)
    return {
        "a1": world.a1,
        "b1": world.b1,
        "a2": world.a2,
        "r_a1": draft_a1,
        "r_b1": submitted_b1,
        "r_a2": submitted_a2,
        "e_a1": photo,
    }


# Who can read which assignment: a1 (晋江, project 1 → 宣传部), b1 (惠安, project 1 → 宣传部),
# a2 (晋江, project 2 → 发展部).
READ = {
    "superuser": {"a1", "b1", "a2"},
    "city_admin": {"a1", "b1", "a2"},
    "leader": {"a1", "b1", "a2"},
    "liaison": {"a1", "b1"},
    "other_liaison": {"a2"},
    "reporter_a": {"a1", "a2"},
    "reporter_b": {"b1"},
    "outsider": set(),
}


def _expected_read(role: str, assignment_key: str) -> int:
    if role == "outsider":
        return 403
    return 200 if assignment_key in READ[role] else 404


READ_PAGES = [
    ("reporting:assignment", "a1", "a1"),
    ("reporting:assignment", "b1", "b1"),
    ("reporting:assignment", "a2", "a2"),
    ("reporting:report", "r_a1", "a1"),
    ("reporting:report", "r_b1", "b1"),
    ("reporting:report", "r_a2", "a2"),
    ("reporting:evidence_download", "e_a1", "a1"),
    ("reporting:evidence_image", "e_a1", "a1"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "record", "assignment"), READ_PAGES)
def test_each_role_reads_exactly_its_own_records(client, cast, records, role, url_name, record, assignment):
    client.force_login(cast[role])
    response = client.get(reverse(url_name, args=[records[record].pk]))
    assert response.status_code == _expected_read(role, assignment)


LIST_PAGES = ["reporting:tasks", "reporting:review_queue", "reporting:history", "reporting:notifications"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_list_pages_open_to_every_role_and_closed_to_outsiders(client, cast, records, role, url_name):
    client.force_login(cast[role])
    response = client.get(reverse(url_name))
    assert response.status_code == (403 if role == "outsider" else 200)


@pytest.mark.parametrize("url_name", [*LIST_PAGES, "home"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_report_history_lists_only_the_reports_in_scope(client, cast, records, role):
    client.force_login(cast[role])
    response = client.get(reverse("reporting:history"))
    if role == "outsider":
        assert response.status_code == 403
        return
    shown = {report.assignment_id for report in response.context["reports"]}
    expected = {records[key].pk for key in READ[role]} & {
        records[k].assignment_id for k in ("r_a1", "r_b1", "r_a2")
    }
    assert shown == expected


@pytest.mark.parametrize("role", ["reporter_a", "reporter_b"])
def test_a_reporters_task_list_shows_only_their_units_assignments(client, cast, records, role):
    client.force_login(cast[role])
    response = client.get(reverse("reporting:tasks"))
    shown = {a.pk for a in response.context["plans_page"].object_list}
    assert shown == {records[k].pk for k in READ[role]}


@pytest.mark.parametrize("role", ["superuser", "city_admin", "leader", "liaison", "other_liaison"])
def test_the_work_summary_counts_only_the_assignments_in_scope(client, cast, records, role):
    # Nothing is submitted for the 2014 campaign's last quarter (long past due): every visible
    # assignment is one report to chase.
    client.force_login(cast[role])
    response = client.get(reverse("reporting:tasks"))
    assert response.context["summary"].overdue.total == len(READ[role])


# (url name, record, method): the writes. Expected: reporters act on their own unit's records;
# liaisons review in the projects they follow; city administrators may do all; leaders nothing.
WRITES = {
    "plan_edit": ("reporting:plan_edit", "a1", "get"),
    "plan_submit": ("reporting:plan_action", "a1", "post"),
    "plan_confirm": ("reporting:plan_action", "a1", "post"),
    "plan_return": ("reporting:plan_action", "a1", "post"),
    "report_open": ("reporting:report_open", "a1", "post"),
    "report_edit": ("reporting:report_edit", "r_a1", "get"),
    "report_submit": ("reporting:report_action", "r_a1", "post"),
    "report_approve": ("reporting:report_action", "r_b1", "post"),
    "report_return": ("reporting:report_action", "r_b1", "post"),
    "evidence_upload": ("reporting:evidence_upload", "r_a1", "post"),
    "evidence_delete": ("reporting:evidence_delete", "e_a1", "post"),
}
UNIT_WRITES = {
    "plan_edit",
    "plan_submit",
    "report_open",
    "report_edit",
    "report_submit",
    "evidence_upload",
    "evidence_delete",
}
REVIEW_WRITES = {"plan_confirm", "plan_return", "report_approve", "report_return"}
OWNER_OF = {"a1": "a1", "r_a1": "a1", "e_a1": "a1", "r_b1": "b1"}


def _expected_write(role: str, write: str) -> int:
    """200/302 allowed; 403 forbidden on a visible record; 404 outside the scope."""
    _url, record, _method = WRITES[write]
    assignment = OWNER_OF[record]
    if role == "outsider":
        return 403
    if assignment not in READ[role]:
        return 404
    if role in {"superuser", "city_admin"}:
        return 0  # allowed
    if role == "reporter_a" and write in UNIT_WRITES:
        return 0
    if role == "reporter_b" and write in UNIT_WRITES and assignment == "b1":
        return 0
    if role == "liaison" and write in REVIEW_WRITES:
        return 0
    return 403


def _args(write: str, record):
    url_name, _key, _method = WRITES[write]
    if url_name == "reporting:plan_action":
        return [record.pk, write.split("_")[1]]
    if url_name == "reporting:report_action":
        return [record.pk, write.split("_")[1]]
    if url_name == "reporting:report_open":
        return [record.pk, record.project.campaign.reporting_periods.order_by("starts_on")[1].pk]
    return [record.pk]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", list(WRITES))
def test_each_role_may_take_exactly_its_own_steps(client, cast, records, role, write):
    client.force_login(cast[role])
    url_name, key, method = WRITES[write]
    url = reverse(url_name, args=_args(write, records[key]))
    data = {"reason": "请补充佐证材料"}
    if write == "evidence_upload":
        data["file"] = upload("照片.png", png_bytes())
    response = client.get(url) if method == "get" else client.post(url, data)
    expected = _expected_write(role, write)
    if expected:
        assert response.status_code == expected
    else:
        assert response.status_code in {200, 302}


def test_a_forbidden_review_changes_nothing(client, cast, records):
    client.force_login(cast["reporter_b"])
    client.post(reverse("reporting:report_action", args=[records["r_b1"].pk, "approve"]))
    records["r_b1"].refresh_from_db()
    assert records["r_b1"].status == ReportStatus.SUBMITTED


def test_a_foreign_evidence_file_cannot_be_deleted_by_guessing_its_id(client, cast, records):
    client.force_login(cast["reporter_b"])
    response = client.post(reverse("reporting:evidence_delete", args=[records["e_a1"].pk]))
    assert response.status_code == 404
    assert Evidence.objects.filter(pk=records["e_a1"].pk).exists()


def test_an_inactive_reporter_sees_nothing(client, cast, records):
    reporter = cast["reporter_a"]
    assert Assignment.objects.restrict(reporter).exists()
    reporter.is_active = False
    reporter.save()
    reporter = type(reporter).objects.get(pk=reporter.pk)
    assert not Assignment.objects.restrict(reporter).exists()
    assert not Evidence.objects.restrict(reporter).exists()


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("liaison", "reporting:review_queue"),
        ("reporter_a", "reporting:tasks"),
        ("leader", "dashboards:overview"),
    ],
)
def test_the_home_page_leads_each_role_to_its_start_page(client, cast, role, target):
    client.force_login(cast[role])
    assert client.get(reverse("home")).url == reverse(target)


def test_the_home_page_leads_city_staff_to_the_admin(client, cast):
    client.force_login(cast["superuser"])
    assert client.get(reverse("home")).url == reverse("admin:index")
