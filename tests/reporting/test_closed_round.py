"""A closed round refuses every write through every door, and says why (issue 12 item 6).

The 2014 round of the reporting world is closed; then the city administrator (a superuser, in the
admin and the imports; a city-administrator-role user in the portal), a liaison and a reporter
each try what they could do before: the admin's change page, delete page, bulk delete and inline
rows, the portal's plan form, report form (save and submit), review (approve and return), evidence
upload and removal, the 四定 import and the 一览表 import. Each is refused with “该轮次已结束，只能查看。”
and the database (every table of ``projects`` and ``reporting``, histories included) is the same
before and after. The 一览表 and the 台账 still download, with the content they had before closing.
"""

import datetime
import io

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core import serializers
from django.urls import reverse

from projects import services as project_services
from projects.models import Campaign, FeatureProject
from quanzhou_women.lib.querysets import ReadOnlyError
from reporting import services
from reporting.models import ProgressReport, ReportStatus
from reporting.rounds import round_close
from tests.reporting.conftest import make_report, png_bytes, upload
from tests.spreadsheet_files import (
    FLAT_HEADERS,
    errors_of,
    post_preview,
    use_pending_import_folder,
    xlsx_bytes,
)

REFUSAL = "该轮次已结束，只能查看。"


@pytest.fixture(autouse=True)
def pending_imports(settings, tmp_path):
    return use_pending_import_folder(settings, tmp_path)


def database() -> dict[str, str]:
    """Every row of every table of ``projects`` and ``reporting`` (histories too), serialized."""
    models = [m for label in ("projects", "reporting") for m in apps.get_app_config(label).get_models()]
    return {m._meta.label: serializers.serialize("json", m._base_manager.order_by("pk")) for m in models}


@pytest.fixture
def closed(world, cast):
    """The 2014 round with a submitted report (a1, unit A) and a draft with evidence (b1, unit B),
    then closed by the city; returns the world, the cast, the two reports and the evidence."""
    submitted = make_report(world, world.a1, cast["reporter_a"], submit=True)
    draft = make_report(world, world.b1, cast["reporter_b"])
    evidence = services.evidence_add(
        report=draft, actor=cast["reporter_b"], upload=upload("照片.png", png_bytes(), "image/png")
    )
    cast["superuser"].is_staff = True
    cast["superuser"].save()
    round_close(campaign=world.campaign, actor=cast["superuser"])
    return world, cast, submitted, draft, evidence


def refused(client, response, before: dict) -> str:
    """Assert that nothing was written and the response (followed) says why; returns its text."""
    assert response.status_code in (200, 302), response.status_code
    text = client.get(response["Location"]).content.decode() if response.status_code == 302 else ""
    text += response.content.decode()
    assert REFUSAL in text
    assert database() == before
    return text


def _admin_assignment_form(client, assignment) -> dict:
    page = client.get(reverse("admin:projects_assignment_change", args=[assignment.pk]))
    assert page.status_code == 200
    return {
        "target": "改过的目标",
        "deadline": "2014-12-31",
        "responsible_person": "王丽",
        "responsible_person_position": "",
        "responsible_person_phone": "",
        "milestones-TOTAL_FORMS": 1,
        "milestones-INITIAL_FORMS": 0,
        "milestones-MIN_NUM_FORMS": 0,
        "milestones-MAX_NUM_FORMS": 1000,
        "milestones-0-assignment": assignment.pk,
        "milestones-0-order": 2,
        "milestones-0-title": "总结验收",
        "milestones-0-due_on": "2014-11-30",
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
    }


# --------------------------------------------------------------------------- the admin


def test_the_admin_change_page_of_a_closed_round_is_read_only_with_a_note(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["superuser"])
    page = client.get(reverse("admin:projects_assignment_change", args=[world.b1.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "该轮次已于" in text and "结束，只能查看。" in text
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    for inline in page.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
        assert not inline.has_delete_permission


def test_an_admin_change_post_with_an_inline_row_is_refused(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["superuser"])
    data = _admin_assignment_form(client, world.b1)
    before = database()
    response = client.post(reverse("admin:projects_assignment_change", args=[world.b1.pk]), data)
    refused(client, response, before)


def test_an_admin_change_post_of_the_campaign_is_refused(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["superuser"])
    before = database()
    response = client.post(
        reverse("admin:projects_campaign_change", args=[world.campaign.pk]),
        {
            "name": "改名",
            "year": 2014,
            "reporting_cadence": "quarterly",
            "document_number": "泉妇〔2013〕81号",
        },
    )
    refused(client, response, before)


def test_an_admin_delete_is_refused(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["superuser"])
    before = database()
    url = reverse("admin:projects_featureproject_delete", args=[world.project_2.pk])
    refused(client, client.post(url, {"post": "yes"}), before)


def test_an_admin_bulk_delete_is_refused(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["superuser"])
    before = database()
    response = client.post(
        reverse("admin:projects_milestone_changelist"),
        {"action": "delete_selected", "_selected_action": [world.b1.milestones.get().pk], "post": "yes"},
    )
    refused(client, response, before)


def test_a_new_project_in_a_closed_round_is_refused_in_the_admin(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["superuser"])
    before = database()
    response = client.post(
        reverse("admin:projects_featureproject_add"),
        {
            "campaign": world.campaign.pk,
            "number": 9,
            "title": "新项目",
            "goal": "目标",
            "units": [world.unit_a.pk],
            "departments": [world.publicity.pk],
            "assignments-TOTAL_FORMS": 0,
            "assignments-INITIAL_FORMS": 0,
        },
    )
    refused(client, response, before)


# --------------------------------------------------------------------------- the portal


def _plan_post(assignment) -> dict:
    return {
        "version": assignment.version,
        "target": "改过的目标",
        "deadline": "2014-12-31",
        "responsible_person": "王丽",
        "responsible_person_position": "",
        "responsible_person_phone": "",
        "steps-TOTAL_FORMS": 0,
        "steps-INITIAL_FORMS": 0,
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
    }


@pytest.mark.parametrize("who", ["reporter_b", "city_admin"])
def test_the_portal_plan_form_is_refused(client, closed, who):
    world, cast, *_ = closed
    client.force_login(cast[who])
    world.b1.refresh_from_db()
    page = client.get(reverse("reporting:plan_edit", args=[world.b1.pk]), follow=True)
    assert REFUSAL in page.content.decode() and "<form" not in page.content.decode().split("<main")[-1]
    before = database()
    response = client.post(reverse("reporting:plan_edit", args=[world.b1.pk]), _plan_post(world.b1))
    refused(client, response, before)


def test_the_assignment_page_of_a_closed_round_offers_no_form(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["reporter_b"])
    text = client.get(reverse("reporting:assignment", args=[world.b1.pk])).content.decode()
    assert "该轮次已于" in text
    assert reverse("reporting:plan_edit", args=[world.b1.pk]) not in text
    assert 'method="post"' not in text.split("<main")[-1]


@pytest.mark.parametrize("submit", [False, True], ids=["save", "submit"])
def test_the_report_form_is_refused(client, closed, submit):
    _world, cast, _submitted, draft, _evidence = closed
    client.force_login(cast["reporter_b"])
    data = {
        "version": draft.version,
        "progress": "又开展调研3次",
        "percent_complete": 50,
        "problems": "",
        "next_steps": "",
    }
    if submit:
        data["submit"] = "1"
    before = database()
    text = refused(client, client.post(reverse("reporting:report_edit", args=[draft.pk]), data), before)
    assert reverse("reporting:report_edit", args=[draft.pk]) not in text.split("<main")[-1]


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_review_is_refused(client, closed, action):
    _world, cast, submitted, *_ = closed
    client.force_login(cast["liaison"])
    before = database()
    url = reverse("reporting:report_action", args=[submitted.pk, action])
    refused(client, client.post(url, {"reason": "请补充材料"}), before)
    assert ProgressReport.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED


def test_an_evidence_upload_is_refused(client, closed):
    _world, cast, _submitted, draft, _evidence = closed
    client.force_login(cast["reporter_b"])
    before = database()
    response = client.post(
        reverse("reporting:evidence_upload", args=[draft.pk]),
        {"files": [upload("新照片.png", png_bytes(), "image/png")]},
    )
    refused(client, response, before)


def test_an_evidence_removal_is_refused(client, closed):
    _world, cast, _submitted, _draft, evidence = closed
    client.force_login(cast["reporter_b"])
    before = database()
    refused(client, client.post(reverse("reporting:evidence_delete", args=[evidence.pk])), before)
    assert evidence.file.storage.exists(evidence.file.name)


def test_starting_a_report_is_refused(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["reporter_a"])
    before = database()
    url = reverse("reporting:report_open", args=[world.a2.pk, world.q1.pk])
    refused(client, client.post(url), before)


# --------------------------------------------------------------------------- the imports


def test_the_four_fixes_import_refuses_a_row_of_the_closed_round(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["superuser"])
    before = database()
    row = [2014, 1, "", "惠安县妇联", "改过的目标", "2014-12-31", "王丽", "主席", "13800000000"]
    preview = post_preview(client, "assignment", xlsx_bytes([FLAT_HEADERS, row]))
    errors = errors_of(preview)
    assert preview.context.get("confirm_form") is None
    assert any(
        "第 2 行" in error and REFUSAL in error and str(world.campaign) in error for error in errors
    ), errors
    assert database() == before


def test_the_overview_table_import_refuses_a_row_of_the_closed_round(client, closed):
    world, cast, *_ = closed
    client.force_login(cast["superuser"])
    before = database()
    headers = ["年度", "序号", "特色项目内容", "创建目标", "责任单位", "市妇联联系部室"]
    row = [2014, 1, "巾帼志愿者在行动（改）", "目标一", "晋江市妇联\n惠安县妇联", "宣传部"]
    preview = post_preview(client, "featureproject", xlsx_bytes([headers, row]))
    errors = errors_of(preview)
    assert preview.context.get("confirm_form") is None
    assert any(
        "第 2 行" in error and REFUSAL in error and str(world.campaign) in error for error in errors
    ), errors
    assert database() == before


# --------------------------------------------------------------------------- the writers themselves


def test_every_writer_refuses_with_the_message_for_everybody(closed):
    world, cast, submitted, draft, evidence = closed
    admin = cast["superuser"]
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    before = database()
    attempts = [
        lambda: services.campaign_save(actor=admin, campaign=campaign),
        lambda: project_services.feature_project_save(
            actor=admin, campaign=campaign, number=9, title="新项目", goal="目标"
        ),
        lambda: project_services.record_delete(actor=admin, record=world.project_2),
        lambda: project_services.assignment_add(actor=admin, project=world.project_2, unit=world.unit_b),
        lambda: services.plan_update(
            assignment=world.b1,
            actor=admin,
            version=None,
            **services.plan_fields(world.b1),
            milestones=[],
            indicators=[],
        ),
        lambda: services.plan_submit(assignment=world.b1, actor=cast["reporter_b"]),
        lambda: services.plan_confirm(assignment=world.a1, actor=cast["liaison"]),
        lambda: services.report_start(assignment=world.a2, period=world.q1, actor=cast["reporter_a"]),
        lambda: services.report_submit(report=draft, actor=cast["reporter_b"]),
        lambda: services.report_approve(report=submitted, actor=admin),
        lambda: services.evidence_delete(evidence=evidence, actor=admin),
        lambda: round_close(campaign=campaign, actor=admin),
    ]
    for attempt in attempts:
        with pytest.raises(ReadOnlyError) as error:
            attempt()
        assert str(error.value) == REFUSAL
    assert database() == before


def test_no_reminder_goes_out_for_a_closed_round(closed):
    assert services.reminders_send(today=datetime.date(2014, 5, 1)) == 0


# --------------------------------------------------------------------------- what stays readable


def _sheet_values(response) -> list[tuple]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_the_overview_table_and_the_ledger_read_as_before_closing(client, world, cast):
    make_report(world, world.a1, cast["reporter_a"], submit=True)
    admin: User = cast["superuser"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    table_url = (
        reverse("admin:projects_featureproject_overview_table") + f"?campaign__id__exact={world.campaign.pk}"
    )
    ledger_url = reverse("dashboards:ledger") + f"?campaign={world.campaign.pk}"
    table_before, ledger_before = client.get(table_url), client.get(ledger_url)
    assert table_before.status_code == ledger_before.status_code == 200
    round_close(campaign=world.campaign, actor=admin)
    table_after, ledger_after = client.get(table_url), client.get(ledger_url)
    assert table_after.status_code == ledger_after.status_code == 200
    table, ledger = _sheet_values(table_after), _sheet_values(ledger_after)
    assert table == _sheet_values(table_before)
    assert ledger == _sheet_values(ledger_before)
    assert any("巾帼志愿者在行动" in str(cell) for row in table for cell in row)
    a1_row = next(row for row in ledger if row[1] == 1 and row[4] == "晋江市妇联")
    assert a1_row[16] == "已提交"  # its report, as submitted before closing


# --------------------------------------------------------------------------- 结束本轮 in the admin


def test_closing_a_round_in_the_admin_asks_first_then_closes_and_lists_it_closed(client, world, cast):
    admin = cast["superuser"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:projects_campaign_changelist")
    chosen = {"action": "close_round", "_selected_action": [world.campaign.pk]}
    confirmation = client.post(url, chosen)
    assert confirmation.status_code == 200
    assert "结束本轮" in confirmation.content.decode()
    assert Campaign.objects.get(pk=world.campaign.pk).closed_at is None  # asked, not done
    done = client.post(url, {**chosen, "post": "yes"}, follow=True)
    assert Campaign.objects.get(pk=world.campaign.pk).closed_at is not None
    text = done.content.decode()
    assert "已结束" in text
    assert FeatureProject.objects.restrict(admin, "change").filter(campaign=world.campaign).count() == 0
