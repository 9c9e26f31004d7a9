"""Headers as staff make them (issue 11, item 2): grouped two-row headers are understood, and every
column the import does not read is named in the preview, so that nothing is dropped silently."""

import pytest

from projects.models import Assignment
from tests.spreadsheet_files import (
    FLAT_HEADERS,
    errors_of,
    flat_row,
    import_through_admin,
    post_preview,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

#: 定责任 merged over 责任人 / 职务 / 联系电话, the other headers merged down over both rows.
GROUPED = [
    ["年度", "序号", "特色项目内容", "责任单位", "定目标", "定时限", "定责任", None, None],
    [None, None, None, None, None, None, "责任人", "职务", "联系电话"],
]
GROUPED_MERGES = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:F2", "G1:I1"]


def warnings_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


def _jinjiang_7() -> Assignment:
    return Assignment.objects.get(project__campaign__year=2014, project__number=7, unit__name="晋江市妇联")


def test_a_grouped_header_imports_the_sub_columns(admin_client, campaign_2014):
    row = flat_row(person="陈小红", phone="13912345678")
    data = xlsx_bytes([*GROUPED, row], merged=GROUPED_MERGES)

    _preview, confirm = import_through_admin(admin_client, "assignment", data)

    assert confirm.status_code == 302
    assignment = _jinjiang_7()
    assert (assignment.responsible_person, assignment.responsible_person_phone) == ("陈小红", "13912345678")
    assert assignment.responsible_person_position == "主席"


def test_a_grouped_header_under_a_title_line_imports_too(admin_client, campaign_2014):
    title = ["2014年各单位四定明细表"]
    merges = [f"{c}2:{c}3" for c in "ABCDEF"] + ["G2:I2"]
    data = xlsx_bytes([title, *GROUPED, flat_row(person="陈小红")], merged=merges)

    _preview, confirm = import_through_admin(admin_client, "assignment", data)

    assert confirm.status_code == 302
    assert _jinjiang_7().responsible_person == "陈小红"


def test_columns_the_import_does_not_read_are_named_in_the_preview(admin_client, campaign_2014):
    headers = [*FLAT_HEADERS, "备注", None]
    row = [*flat_row(), "请尽快落实", "无表头的内容"]

    preview = post_preview(admin_client, "assignment", xlsx_bytes([headers, row]))

    assert errors_of(preview) == []
    [note] = warnings_of(preview)
    assert "未导入" in note and "“备注”" in note and "第 11 列" in note


def test_a_file_whose_columns_are_all_read_has_no_such_note(admin_client, campaign_2014):
    preview = post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row()]))

    assert warnings_of(preview) == []


def test_a_header_printed_again_on_the_second_page_is_not_taken_for_a_grouped_header(
    admin_client, campaign_2014
):
    data = xlsx_bytes([FLAT_HEADERS, FLAT_HEADERS, flat_row(target="第二页之后的目标")])

    _preview, confirm = import_through_admin(admin_client, "assignment", data)

    assert confirm.status_code == 302
    assert _jinjiang_7().target == "第二页之后的目标"
