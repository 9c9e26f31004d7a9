"""Odd input is a clear refusal, never a 500: NUL, control characters, words where numbers go.

Every URL of the project (from the URL resolver, ``tests.url_catalogue``) is requested with odd
values in its path arguments and in every query parameter the portal's views read; every field of
the portal's forms (login, plan, report, review and return reasons) is posted with a NUL.
"""

from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from projects.models import Assignment
from reporting.models import PlanTransition, ProgressReport, ReportTransition
from tests.reporting.conftest import make_report
from tests.url_catalogue import QUERY_PARAMETERS, every_url

#: Values a person or a tool may send where the portal expects something else.
ODD_VALUES = [
    "\x00",
    "a\x00b",
    "\x0b",
    "\x1f",
    "abc",
    "xlsx",
    "-1",
    "99999999999999999999",
    "\u200b",
    "a" * 3000,
]
NUL_VALUES = {"\x00", "a\x00b"}


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


#: Path arguments that name the object; ``keep_ids`` leaves them pointing at a real object.
ID_ARGUMENTS = {"pk", "object_id", "content_type_id", "group1"}


def _sample(value: str, keep_ids: bool = False):
    """Path arguments for ``every_url``: ``value`` everywhere it fits the converter (ids kept if asked)."""

    def sample(converter: str, name: str) -> str:
        if converter == "int" or (keep_ids and name in ID_ARGUMENTS):
            return "99999999999999999999" if value == "99999999999999999999" else "1"
        if converter == "slug":
            return value if value.isalnum() else "return"
        return quote(value, safe="")

    return sample


@pytest.fixture(autouse=True)
def cold_content_type_cache():
    """Leave the content-type cache as found: other tests pin the queries of a cold cache."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def busy_world(world, cast):
    """The reporting world with a submitted report, so that report pages have something to show."""
    make_report(world, world.a1, cast["reporter_a"], submit=True)
    return world


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_no_url_of_the_project_answers_500_to_odd_query_parameters(busy_world, cast, value):
    client = _client(cast["superuser"])
    failures = []
    query = "&".join(f"{name}={quote(value, safe='')}" for name in QUERY_PARAMETERS)
    for entry in every_url(_sample("1")):
        response = client.get(f"{entry.url}?{query}")
        if "logout" in entry.url:
            client.force_login(cast["superuser"])
        if response.status_code >= 500:
            failures.append((entry.url, response.status_code))
        elif value in NUL_VALUES and (response.status_code != 400 or "不能包含" not in response.text):
            failures.append((entry.url, response.status_code))
    assert failures == []


def test_no_url_of_the_project_answers_500_to_a_word_in_any_one_query_parameter(busy_world, cast):
    # One parameter at a time: an early refusal of one (``_to_field`` is a 400) would hide the others.
    client = _client(cast["superuser"])
    failures = []
    for entry in every_url(_sample("1")):
        for name in QUERY_PARAMETERS:
            response = client.get(entry.url, {name: "xlsx"})
            if response.status_code >= 500:
                failures.append((entry.url, name, response.status_code))
            if "logout" in entry.url:
                client.force_login(cast["superuser"])
    assert failures == []


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_no_url_of_the_project_answers_500_to_odd_path_arguments(busy_world, cast, value):
    client = _client(cast["superuser"])
    failures = []
    urls = {entry.url for keep_ids in (False, True) for entry in every_url(_sample(value, keep_ids))}
    for url in sorted(urls):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                failures.append((method, url, response.status_code))
            if "logout" in url:
                client.force_login(cast["superuser"])
    assert failures == []


@pytest.mark.parametrize("parameter", ["unit", "campaign", "period", "department", "on", "page", "a"])
@pytest.mark.parametrize(
    "page",
    [
        "dashboards:overview",
        "dashboards:bulletin",
        "dashboards:ledger",
        "dashboards:department",
        "reporting:history",
    ],
)
def test_a_nul_in_a_dashboard_filter_is_refused_with_a_chinese_400(busy_world, cast, page, parameter):
    args = [busy_world.publicity.pk] if page == "dashboards:department" else []
    response = _client(cast["leader"]).get(f"{reverse(page, args=args)}?{parameter}=%00")
    assert response.status_code == 400
    assert f"“{parameter}”" in response.text and "不能包含" in response.text


def test_a_nul_in_admin_autocomplete_is_refused(busy_world, cast):
    query = "term=%00&app_label=projects&model_name=assignment&field_name=project"
    response = _client(cast["superuser"]).get(f"{reverse('admin:autocomplete')}?{query}")
    assert response.status_code == 400


def test_a_history_version_that_is_not_a_number_is_not_found(busy_world, cast):
    client = _client(cast["superuser"])
    response = client.get(f"/admin/projects/assignment/{busy_world.a1.pk}/history/abc/")
    assert response.status_code == 404


# --- NUL in every POST field of the portal's forms -----------------------------------------------


def _plan_data(world) -> dict:
    milestone = world.a1.milestones.get()
    indicator = world.a1.indicators.get()
    return {
        "version": str(Assignment.objects.get(pk=world.a1.pk).version),
        "target": "建成3个示范点",
        "deadline": "2014-12-20",
        "responsible_person": "王丽",
        "responsible_person_position": "副主席",
        "responsible_person_phone": "0595-12345678",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "1",
        "steps-0-id": str(milestone.pk),
        "steps-0-order": "1",
        "steps-0-title": "调研摸底",
        "steps-0-due_on": "2014-03-31",
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "1",
        "indicators-0-id": str(indicator.pk),
        "indicators-0-name": "示范点",
        "indicators-0-target_value": "3",
        "indicators-0-unit_of_measure": "个",
    }


def _report_data(report: ProgressReport) -> dict:
    state = report.milestone_states.get()
    value = report.indicator_values.get()
    return {
        "version": str(report.version),
        "progress": "完成调研",
        "percent_complete": "30",
        "problems": "经费不足",
        "next_steps": "召开推进会",
        f"m{state.pk}-state": "done",
        f"m{state.pk}-on_date": "2014-03-20",
        f"i{value.pk}-actual_value": "1",
    }


def _forms(world, cast) -> list[tuple[str, object, str, dict]]:
    """(what, user, url, valid data) for every form of the portal."""
    draft = ProgressReport.objects.get(assignment=world.a1)
    draft_b = unit_b_draft(world, cast)
    return [
        ("login", None, reverse("login"), {"username": "reporter_a", "password": "pw-reporter_a"}),
        (
            "plan",
            cast["reporter_a"],
            reverse("reporting:plan_edit", args=[world.a1.pk]),
            _plan_data(world),
        ),
        (
            "report",
            cast["reporter_b"],
            reverse("reporting:report_edit", args=[draft_b.pk]),
            _report_data(draft_b),
        ),
        (
            "report return",
            cast["liaison"],
            reverse("reporting:report_action", args=[draft.pk, "return"]),
            {"reason": "请补充佐证材料"},
        ),
        (
            "report approve",
            cast["liaison"],
            reverse("reporting:report_action", args=[draft.pk, "approve"]),
            {"reason": "同意"},
        ),
        (
            "plan return",
            cast["liaison"],
            reverse("reporting:plan_action", args=[world.a1.pk, "return"]),
            {"reason": "请细化步骤"},
        ),
    ]


def unit_b_draft(world, cast) -> ProgressReport:
    """A draft report of unit B, to be edited through the form."""
    return make_report(world, world.b1, cast["reporter_b"])


def test_a_nul_in_any_field_of_any_portal_form_is_refused_naming_the_field(busy_world, cast):
    failures = []
    for what, user, url, data in _forms(busy_world, cast):
        for field in data:
            client = Client(raise_request_exception=False) if user is None else _client(user)
            response = client.post(url, {**data, field: f"{data[field]}\x00"})
            if response.status_code != 400 or f"“{field}”" not in response.text:
                failures.append((what, field, response.status_code))
    assert failures == []
    reasons = [*ReportTransition.objects.values_list("reason", flat=True)]
    reasons += PlanTransition.objects.values_list("reason", flat=True)
    assert not [reason for reason in reasons if "\x00" in reason]


def test_control_characters_pasted_from_word_are_line_breaks_or_dropped(busy_world, cast):
    report = unit_b_draft(busy_world, cast)
    data = _report_data(report) | {"progress": "一\x0b二\x0c三\x07四\x1b五\t六\r\n七"}
    response = _client(cast["reporter_b"]).post(reverse("reporting:report_edit", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.progress == "一\n二\n三四五\t六\r\n七"  # CR LF as the browser sends it
