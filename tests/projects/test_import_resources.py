"""Imports of projects, 四定 plans, steps and indicators through the admin: preview, confirm, round trips."""

import datetime
import io
import tempfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from projects.models import Assignment, FeatureProject, Indicator, Milestone
from projects.resources import FeatureProjectResource
from reporting.resources import AssignmentResource, IndicatorResource, MilestoneResource
from tests.spreadsheet_files import (
    FLAT_HEADERS,
    PROJECT_HEADERS,
    errors_of,
    export_through_admin,
    flat_row,
    import_through_admin,
    post_confirm,
    post_preview,
    row_types,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def edited(data: bytes, cell: str, value) -> bytes:
    """``data`` (an .xlsx) with one cell changed, as a spreadsheet program would save it."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.active[cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_flat_table_export_imports_back_with_no_change(admin_client, campaign_2014):
    Assignment.objects.filter(project__number=7, unit__name="晋江市妇联").update(
        target="试点至少2个\r\n第二行",
        deadline=datetime.date(2014, 12, 31),
        responsible_person_phone="013800000000",
    )
    data = export_through_admin(admin_client, "assignment", AssignmentResource).content

    preview = post_preview(admin_client, "assignment", data)

    assert errors_of(preview) == []
    assert row_types(preview) == ["skip"] * 29


def test_flat_table_with_one_deadline_edited_changes_exactly_that_plan(admin_client, campaign_2014):
    data = export_through_admin(admin_client, "assignment", AssignmentResource).content
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[1].value == 7 and r[3].value == "晋江市妇联")

    preview, confirm = import_through_admin(
        admin_client, "assignment", edited(data, f"F{row}", datetime.datetime(2014, 11, 30))
    )

    assert sorted(row_types(preview)) == ["skip"] * 28 + ["update"]
    assert confirm.status_code == 302
    assert Assignment.objects.exclude(deadline=None).get().deadline == datetime.date(2014, 11, 30)


def test_flat_table_row_for_a_new_unit_adds_it_when_asked_on_upload(admin_client, campaign_2014):
    preview, _confirm = import_through_admin(
        admin_client,
        "assignment",
        xlsx_bytes([FLAT_HEADERS, flat_row(number=8, unit="晋江市妇联")]),
        options={"add_units": "on"},
    )

    assert row_types(preview) == ["new"]
    assert FeatureProject.objects.get(number=8).responsible_units.filter(name="晋江市妇联").exists()


def test_flat_table_row_for_a_project_that_does_not_exist_is_refused(admin_client, campaign_2014):
    response = post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(number=11)]))

    assert any("第 2 行" in e and "序号" in e and "11" in e for e in errors_of(response))


def test_exported_projects_import_back_with_no_change(admin_client, campaign_2014):
    data = export_through_admin(admin_client, "featureproject", FeatureProjectResource).content

    preview = post_preview(admin_client, "featureproject", data)

    assert errors_of(preview) == []
    assert row_types(preview) == ["skip"] * 10


def test_a_new_project_with_units_and_departments_is_created_through_the_service(admin_client, campaign_2014):
    rows = [
        PROJECT_HEADERS,
        [2014, 11, "家庭教育指导服务进社区", "每个县建成示范点1个", "鲤城区妇联、石狮市妇联", "儿童部"],
    ]

    preview, _confirm = import_through_admin(admin_client, "featureproject", xlsx_bytes(rows))

    project = FeatureProject.objects.get(number=11)
    assert row_types(preview) == ["new"]
    assert [u.name for u in project.responsible_units.all()] == ["鲤城区妇联", "石狮市妇联"]
    assert [d.name for d in project.liaison_departments.all()] == ["儿童部"]
    assert project.history.exists()


def test_changing_units_adds_and_removes_assignments_with_empty_plans(admin_client, campaign_2014):
    project = FeatureProject.objects.get(number=8)
    rows = [PROJECT_HEADERS, [2014, 8, project.title, project.goal, "晋江市妇联", "权益部"]]

    import_through_admin(admin_client, "featureproject", xlsx_bytes(rows))

    assert [u.name for u in project.responsible_units.all()] == ["晋江市妇联"]


def test_a_unit_whose_plan_is_filled_in_is_not_removed_by_an_import(admin_client, campaign_2014):
    Assignment.objects.filter(project__number=8).update(responsible_person="林芳")
    project = FeatureProject.objects.get(number=8)
    rows = [PROJECT_HEADERS, [2014, 8, project.title, project.goal, "晋江市妇联", "权益部"]]

    response = post_preview(admin_client, "featureproject", xlsx_bytes(rows))

    assert any("石狮市妇联" in e and "四定" in e for e in errors_of(response))
    assert [u.name for u in project.responsible_units.all()] == ["石狮市妇联"]


def test_official_table_in_its_printed_layout_is_read_with_the_year_from_its_title(
    admin_client, campaign_2014
):
    rows = [
        ["附件"],
        ["2014年泉州市妇联系统特色工作一览表"],
        ["序号", "特色项目内容", "创 建 目 标", "责任单位", "市妇联\n联系部室"],
    ]
    for project in FeatureProject.objects.filter(number__lte=5):
        rows.append(
            [
                project.number,
                project.title,
                project.goal,
                "\n".join(u.name for u in project.responsible_units.all()),
                "\n".join(d.name for d in project.liaison_departments.all()),
            ]
        )
    rows.append(
        ["序号", "特色项目内容", "创建目标", "责任县（区、市）妇联", "市妇联\n联系部室"]
    )  # second half's header
    for project in FeatureProject.objects.filter(number__gt=5):
        rows.append(
            [
                project.number,
                project.title,
                project.goal,
                "\n".join(u.name for u in project.responsible_units.all()),
                "\n".join(d.name for d in project.liaison_departments.all()),
            ]
        )

    preview = post_preview(admin_client, "featureproject", xlsx_bytes(rows, merged=["A2:E2"]))

    assert errors_of(preview) == []
    assert row_types(preview) == ["skip"] * 10


def test_steps_import_with_their_due_dates_and_round_trip(admin_client, campaign_2014):
    Assignment.objects.filter(project__number=7, unit__name="晋江市妇联").update(
        deadline=datetime.date(2014, 12, 31)
    )
    headers = ["年度", "序号", "责任单位", "步骤序号", "步骤", "完成时限"]
    rows = [
        headers,
        [2014, 7, "晋江市妇联", 1, "摸底排查", "2014年3月31日"],
        [2014, 7, "晋江市妇联", 2, "建立试点", "2014.9.30"],
    ]

    import_through_admin(admin_client, "milestone", xlsx_bytes(rows))
    again = post_preview(
        admin_client, "milestone", export_through_admin(admin_client, "milestone", MilestoneResource).content
    )

    assert [(m.order, m.title, m.due_on) for m in Milestone.objects.all()] == [
        (1, "摸底排查", datetime.date(2014, 3, 31)),
        (2, "建立试点", datetime.date(2014, 9, 30)),
    ]
    assert row_types(again) == ["skip", "skip"]


def test_a_step_due_after_the_deadline_is_refused_naming_the_row(admin_client, campaign_2014):
    Assignment.objects.filter(project__number=7, unit__name="晋江市妇联").update(
        deadline=datetime.date(2014, 12, 31)
    )
    rows = [
        ["年度", "序号", "责任单位", "步骤序号", "步骤", "完成时限"],
        [2014, 7, "晋江市妇联", 1, "总结", "2015-01-15"],
    ]

    response = post_preview(admin_client, "milestone", xlsx_bytes(rows))

    assert any("第 2 行" in e and "完成时限" in e and "2015-01-15" in e for e in errors_of(response))
    assert not Milestone.objects.exists()


def test_a_step_of_a_unit_not_responsible_for_the_project_is_refused(admin_client, campaign_2014):
    rows = [
        ["年度", "序号", "责任单位", "步骤序号", "步骤", "完成时限"],
        [2014, 7, "石狮市妇联", 1, "总结", ""],
    ]

    response = post_preview(admin_client, "milestone", xlsx_bytes(rows))

    assert any("石狮市妇联" in e and "7" in e for e in errors_of(response))


def test_indicators_import_and_round_trip(admin_client, campaign_2014):
    rows = [
        ["年度", "序号", "责任单位", "指标", "目标值", "计量单位"],
        [2014, 7, "晋江市妇联", "试点", "２", "个"],
    ]

    import_through_admin(admin_client, "indicator", xlsx_bytes(rows))
    again = post_preview(
        admin_client, "indicator", export_through_admin(admin_client, "indicator", IndicatorResource).content
    )

    indicator = Indicator.objects.get()
    assert (indicator.name, indicator.target_value, indicator.unit_of_measure) == ("试点", Decimal("2"), "个")
    assert row_types(again) == ["skip"]


def test_a_negative_or_textual_target_value_is_refused(admin_client, campaign_2014):
    rows = [
        ["年度", "序号", "责任单位", "指标", "目标值", "计量单位"],
        [2014, 7, "晋江市妇联", "试点", -1, "个"],
        [2014, 7, "晋江市妇联", "示范点", "两个", "个"],
    ]

    errors = errors_of(post_preview(admin_client, "indicator", xlsx_bytes(rows)))

    assert [e for e in errors if "第 2 行" in e and "目标值不能为负数" in e], errors
    assert len([e for e in errors if "不能为负数" in e]) == 1, (
        errors
    )  # said once, not by field and constraint
    assert any("第 3 行" in e and "目标值" in e and "两个" in e for e in errors)
    assert not Indicator.objects.exists()


def test_pending_upload_waits_in_the_shared_storage_not_in_a_process_temp_folder(
    admin_client, campaign_2014, pending_imports, monkeypatch, tmp_path_factory
):
    private_temp = tmp_path_factory.mktemp("process-temp")
    monkeypatch.setattr(tempfile, "tempdir", str(private_temp))

    preview = post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(target="甲")]))
    pending = list(pending_imports.rglob("*"))
    name = preview.context["confirm_form"].initial["import_file_name"]

    assert [p.name for p in pending if p.is_file()] == [name]
    assert list(private_temp.iterdir()) == []

    confirm = post_confirm(admin_client, "assignment", preview)

    assert confirm.status_code == 302
    assert Assignment.objects.get(project__number=7, unit__name="晋江市妇联").target == "甲"
    assert not any(p.is_file() for p in pending_imports.rglob("*"))


def test_confirming_twice_writes_once_and_explains_the_second_time(admin_client, campaign_2014):
    history = Assignment.objects.get(project__number=7, unit__name="晋江市妇联").history
    records_before = history.count()
    preview = post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(target="甲")]))
    post_confirm(admin_client, "assignment", preview)

    second = post_confirm(admin_client, "assignment", preview)

    assert second.status_code == 302
    assert second["Location"] == reverse("admin:projects_assignment_import")
    assert history.count() == records_before + 1  # one write


def test_import_preview_page_is_in_chinese_and_names_new_changed_and_unchanged_rows(
    admin_client, campaign_2014
):
    rows = [
        FLAT_HEADERS,
        flat_row(target="甲"),
        flat_row(number=8, unit="晋江市妇联"),
        flat_row(number=1, unit="惠安县妇联", target="", deadline="", person="", phone=""),
    ]
    rows[-1][7] = ""

    response = post_preview(admin_client, "assignment", xlsx_bytes(rows), options={"add_units": "on"})
    page = response.content.decode()

    assert row_types(response) == ["update", "new", "skip"]
    assert "预览" in page and "确认导入" in page


def test_preview_shows_the_units_before_and_after_a_change(admin_client, campaign_2014):
    project = FeatureProject.objects.get(number=8)
    rows = [PROJECT_HEADERS, [2014, 8, project.title, project.goal, "石狮市妇联、晋江市妇联", "权益部"]]

    response = post_preview(admin_client, "featureproject", xlsx_bytes(rows))
    diff = dict(
        zip(response.context["result"].diff_headers, response.context["result"].rows[0].diff, strict=True)
    )

    assert "晋江市妇联" in diff["责任单位"] and "<ins" in diff["责任单位"]
    assert "2014" in diff["年度"]


def test_abandoned_previews_are_cleared_after_a_day(admin_client, campaign_2014, pending_imports):
    import os
    import time

    from django.core.management import call_command

    post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(target="旧")]))
    old = next(p for p in pending_imports.rglob("*") if p.is_file())
    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(target="新")]))

    out = io.StringIO()
    call_command("clear_pending_imports", "--hours", "24", stdout=out)

    assert not old.exists()
    assert len([p for p in pending_imports.rglob("*") if p.is_file()]) == 1
    assert out.getvalue().startswith("1 ")
