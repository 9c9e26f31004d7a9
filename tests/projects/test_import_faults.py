"""Every kind of fault of ../shared/cases/README.md, built with the portal's own columns and posted
through the admin: the right kind is accepted as meant, the wrong kind gives a Chinese error naming
the row, the column and the value, and nothing is written."""

import codecs
import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.management import call_command

from projects.models import Assignment, FeatureProject
from quanzhou_women.lib import spreadsheets
from tests.spreadsheet_files import (
    FLAT_HEADERS,
    PROJECT_HEADERS,
    csv_bytes,
    errors_of,
    flat_row,
    import_through_admin,
    post_preview,
    raw_xlsx,
    row_types,
    xlsx_bytes,
)
from units.models import Organisation

pytestmark = pytest.mark.django_db


def snapshot() -> str:
    """Every row of the campaign's data, to prove that a refused file wrote nothing."""
    out = io.StringIO()
    call_command("dumpdata", "units", "projects", stdout=out)
    return out.getvalue()


def assignment(number=7, unit="晋江市妇联") -> Assignment:
    return Assignment.objects.get(project__number=number, unit__name=unit)


def refused(client, model: str, data: bytes, filename: str = "upload.xlsx") -> list[str]:
    """Post a file that must be refused; return its errors after checking nothing was written."""
    before = snapshot()
    response = post_preview(client, model, data, filename)
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert snapshot() == before
    errors = errors_of(response)
    assert errors
    return errors


@pytest.fixture
def no_background_imports(settings):
    """The request's row limit is the last one: files over it are refused in the request, as they
    are over ``IMPORT_BACKGROUND_MAX_ROWS`` (the background path is tested in
    tests/projects/test_import_background.py)."""
    settings.IMPORT_BACKGROUND_MAX_ROWS = 0


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding",
    ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16"],
    ids=["utf8-bom", "utf8", "gbk", "gb18030", "utf16-unicode-text"],
)
def test_flat_table_csv_is_read_in_every_encoding_excel_and_wps_save(admin_client, campaign_2014, encoding):
    delimiter = "\t" if encoding == "utf-16" else ","
    data = csv_bytes(
        [FLAT_HEADERS, flat_row(target="“试点”（两个）；培育示范点")], encoding=encoding, delimiter=delimiter
    )

    import_through_admin(admin_client, "assignment", data, "四定.csv")

    assert assignment().target == "“试点”（两个）；培育示范点"


def test_bom_glued_to_the_first_header_still_matches(admin_client, campaign_2014):
    data = codecs.BOM_UTF8 + csv_bytes([FLAT_HEADERS, flat_row()], encoding="utf-8")
    assert data.startswith(codecs.BOM_UTF8)

    import_through_admin(admin_client, "assignment", data, "四定.csv")

    assert assignment().responsible_person == "王丽"


def test_text_in_no_known_encoding_is_refused_not_stored_as_mojibake(admin_client, campaign_2014):
    data = csv_bytes([FLAT_HEADERS], encoding="utf-8") + b"2014,7,,\xff\xfe\x80\x80,\x81\n"

    errors = refused(admin_client, "assignment", data, "四定.csv")

    assert any("编码" in error or "UTF-8" in error for error in errors), errors


# --- headers ------------------------------------------------------------------------------------


def test_header_variants_with_spaces_full_width_marks_and_line_breaks_match(admin_client, campaign_2014):
    headers = [
        " 年 度",
        "*序号",
        "特色项目内容",
        "责任单位\n",
        "定　目　标",
        "定时限（日期）",
        "责任人",
        "职务",
        "联系电话",
    ]
    headers[5] = "定时限"
    headers[4] = "定　目　标"  # ideographic spaces
    data = xlsx_bytes([headers, flat_row(target="新目标")])

    import_through_admin(admin_client, "assignment", data)

    assert assignment().target == "新目标"


def test_a_file_without_the_portals_headers_is_refused_naming_the_expected_columns(
    admin_client, campaign_2014
):
    errors = refused(admin_client, "assignment", xlsx_bytes([["项目名称", "截止时间"], ["甲", "2014-12-31"]]))

    assert any("年度" in error and "定时限" in error for error in errors), errors


def test_a_missing_key_column_is_named(admin_client, campaign_2014):
    headers = [h for h in FLAT_HEADERS if h != "责任单位"]
    row = flat_row()
    del row[3]

    errors = refused(admin_client, "assignment", xlsx_bytes([headers, row]))

    assert any("责任单位" in error for error in errors), errors


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2014, 12, 31),
        45657 - 3653,  # Excel's serial number of 2014-12-31 (General format)
        "2014.12.31",
        "2014年12月31日",
        "2014/12/31 ",
        "２０１４-１２-３１",
        "20141231",
    ],
    ids=["date-cell", "serial", "dots", "chinese", "slash-trailing-space", "full-width", "compact"],
)
def test_every_date_shape_staff_type_is_understood(admin_client, campaign_2014, value):
    import_through_admin(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(deadline=value)]))

    assert assignment().deadline == datetime.date(2014, 12, 31)


@pytest.mark.parametrize("value", ["2014-13-01", "明年年底", "2014-02-30"])
def test_a_date_that_is_not_one_is_refused_quoting_row_column_and_value(admin_client, campaign_2014, value):
    rows = [FLAT_HEADERS, flat_row(number=1, unit="惠安县妇联"), flat_row(deadline=value)]

    errors = refused(admin_client, "assignment", xlsx_bytes(rows))

    assert any("第 3 行" in e and "定时限" in e and value in e for e in errors), errors
    assert assignment(1, "惠安县妇联").target == ""  # the good row before it was not written either


# --- blank and phantom rows, limits -------------------------------------------------------------


def test_blank_and_phantom_rows_are_skipped(admin_client, campaign_2014):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(FLAT_HEADERS)
    sheet.append(flat_row())
    sheet.append([None] * len(FLAT_HEADERS))
    sheet.append(flat_row(number=1, unit="惠安县妇联"))
    for row in range(5, 3000):  # formatted but empty, as Excel leaves them
        sheet.cell(row=row, column=1).number_format = "@"
        sheet.cell(row=row, column=2).value = "  "
    buffer = io.BytesIO()
    book.save(buffer)

    preview, _confirm = import_through_admin(admin_client, "assignment", buffer.getvalue())

    assert row_types(preview) == ["update", "update"]


@pytest.mark.usefixtures("no_background_imports")
def test_more_rows_than_the_limit_are_refused_with_a_message(admin_client, campaign_2014, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    rows = [FLAT_HEADERS] + [flat_row(number=n, unit="晋江市妇联") for n in (2, 3, 7)]

    errors = refused(admin_client, "assignment", xlsx_bytes(rows))

    assert any("4" in e and "3" in e and "行" in e for e in errors), errors


def test_an_over_large_file_is_refused_before_it_is_read(admin_client, campaign_2014, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_FILE_BYTES", 1024)
    data = csv_bytes([FLAT_HEADERS] + [flat_row(target="很长的目标" * 40)] * 5)
    assert len(data) > 1024

    errors = refused(admin_client, "assignment", data, "四定.csv")

    assert any("MB" in e for e in errors), errors


# --- numbers that must stay text ----------------------------------------------------------------


@pytest.mark.parametrize("phone", [13800000000, 13800000000.0, "13800000000", " 13800000000 "])
def test_phone_numbers_stored_as_numbers_come_back_as_exact_text(admin_client, campaign_2014, phone):
    import_through_admin(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(phone=phone)]))

    assert assignment().responsible_person_phone == "13800000000"


def test_a_landline_with_its_leading_zero_and_dash_is_kept(admin_client, campaign_2014):
    import_through_admin(
        admin_client, "assignment", csv_bytes([FLAT_HEADERS, flat_row(phone="0595-22180001")]), "a.csv"
    )

    assert assignment().responsible_person_phone == "0595-22180001"


def test_a_phone_number_excel_turned_into_scientific_notation_is_refused(admin_client, campaign_2014):
    errors = refused(
        admin_client, "assignment", csv_bytes([FLAT_HEADERS, flat_row(phone="1.38E+10")]), "a.csv"
    )

    assert any("联系电话" in e and "1.38E+10" in e for e in errors), errors


def test_number_written_01_or_as_float_finds_project_1(admin_client, campaign_2014):
    rows = [FLAT_HEADERS, flat_row(number="01", unit="惠安县妇联"), flat_row(number=2.0, unit="丰泽区妇联")]

    import_through_admin(admin_client, "assignment", xlsx_bytes(rows))

    assert assignment(1, "惠安县妇联").responsible_person == "王丽"
    assert assignment(2, "丰泽区妇联").responsible_person == "王丽"


# --- lists and names ----------------------------------------------------------------------------


def project_row(number=2, units="丰泽区妇联\n泉港区妇联\n晋江市妇联\n台商投资区妇工委", departments="宣传部"):
    project = FeatureProject.objects.get(number=number)
    return [2014, number, project.title, project.goal, units, departments]


@pytest.mark.parametrize(
    "units",
    [
        "丰泽区妇联、泉港区妇联、晋江市妇联、台商投资区妇工委",
        "丰泽区妇联，泉港区妇联,晋江市妇联;台商投资区妇工委；",
        "丰泽区妇联, 泉港区妇联,\n\n晋江市妇联、台商投资区妇工委,",
    ],
    ids=["dun-hao", "mixed", "blanks-and-trailing"],
)
def test_unit_lists_split_on_every_separator_with_blanks_ignored(admin_client, campaign_2014, units):
    preview = post_preview(
        admin_client, "featureproject", xlsx_bytes([PROJECT_HEADERS, project_row(units=units)])
    )

    assert errors_of(preview) == []
    assert row_types(preview) == ["skip"]


def test_an_unknown_unit_is_reported_by_name_and_nothing_changes(admin_client, campaign_2014):
    errors = refused(
        admin_client,
        "featureproject",
        xlsx_bytes([PROJECT_HEADERS, project_row(units="丰泽区妇联、晋江妇联")]),
    )

    assert any("第 2 行" in e and "责任单位" in e and "晋江妇联" in e for e in errors), errors


def test_a_name_differing_only_in_full_width_characters_or_spaces_is_recognised(admin_client, campaign_2014):
    Organisation.objects.create(name="市直机关妇工委(筹)", kind="working_committee")
    rows = [
        PROJECT_HEADERS,
        project_row(number=10, units="市直系统有关妇委会", departments="市直机关妇工委 "),
    ]
    rows.append(project_row(number=8, units="石狮市妇联　", departments="权益部"))

    preview = post_preview(admin_client, "featureproject", xlsx_bytes(rows))

    assert errors_of(preview) == []
    assert row_types(preview) == ["skip", "skip"]


def test_a_name_matching_several_organisations_is_reported_as_ambiguous(admin_client, campaign_2014):
    Organisation.objects.create(name="东海街道妇联（筹）", kind="township_federation")
    Organisation.objects.create(name="东海街道妇联(筹)", kind="township_federation")

    errors = refused(
        admin_client, "featureproject", xlsx_bytes([PROJECT_HEADERS, project_row(units="东海街道妇联 (筹)")])
    )

    assert any("东海街道妇联（筹）" in e and "东海街道妇联(筹)" in e for e in errors), errors


def test_a_unit_that_is_not_a_liaison_body_cannot_be_liaison_department(admin_client, campaign_2014):
    errors = refused(
        admin_client, "featureproject", xlsx_bytes([PROJECT_HEADERS, project_row(departments="晋江市妇联")])
    )

    assert any("市妇联联系部室" in e and "晋江市妇联" in e for e in errors), errors


# --- line endings, multi-line cells, control characters -----------------------------------------


@pytest.mark.parametrize("line_ending", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr-only"])
def test_any_line_ending_is_accepted_and_breaks_inside_cells_are_kept(
    admin_client, campaign_2014, line_ending
):
    target = "第一步：摸底排查\n第二步：召开推进会"
    data = csv_bytes(
        [FLAT_HEADERS, flat_row(target=target), flat_row(number=1, unit="惠安县妇联")],
        line_ending=line_ending,
    )

    import_through_admin(admin_client, "assignment", data, "四定.csv")

    assert assignment().target == target
    assert assignment(1, "惠安县妇联").responsible_person == "王丽"


def test_words_line_break_becomes_a_line_break_and_its_cell_mark_is_dropped(admin_client, campaign_2014):
    data = csv_bytes([FLAT_HEADERS, flat_row(target="第一步\x0b第二步\x07")])

    import_through_admin(admin_client, "assignment", data, "四定.csv")

    assert assignment().target == "第一步\n第二步"


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x01"])
def test_other_control_characters_and_nul_are_refused_visibly(admin_client, campaign_2014, character):
    data = csv_bytes([FLAT_HEADERS, flat_row(person="王" + character + "丽")])

    errors = refused(admin_client, "assignment", data, "四定.csv")

    code = f"<U+{ord(character):04X}>"
    assert any("第 2 行" in e and "责任人" in e and code in e for e in errors), errors


# --- the same key twice, formulas ----------------------------------------------------------------


def test_the_same_project_and_unit_twice_in_one_file_is_refused_naming_both_rows(admin_client, campaign_2014):
    rows = [FLAT_HEADERS, flat_row(target="甲"), flat_row(number=1, unit="惠安县妇联"), flat_row(target="乙")]

    errors = refused(admin_client, "assignment", xlsx_bytes(rows))

    assert any(("第 4 行" in e and "第 2 行" in e) or "row 2" in e for e in errors), errors


def test_a_formula_cell_is_refused_quoting_the_formula(admin_client, campaign_2014):
    errors = refused(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(target="=A1&B1")]))

    assert any("第 2 行" in e and "定目标" in e and "=A1&B1" in e for e in errors), errors


# --- formats detected by content ----------------------------------------------------------------


def test_an_xlsx_named_csv_and_a_csv_named_xlsx_are_both_read(admin_client, campaign_2014):
    import_through_admin(
        admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(target="甲")]), "四定.csv"
    )
    assert assignment().target == "甲"

    import_through_admin(
        admin_client, "assignment", csv_bytes([FLAT_HEADERS, flat_row(target="乙")]), "四定.xlsx"
    )
    assert assignment().target == "乙"


def test_an_xls_saved_by_excel_97_2003_is_read(admin_client, campaign_2014, xls_flat_table):
    import_through_admin(admin_client, "assignment", xls_flat_table, "四定.xls")

    assert assignment().deadline == datetime.date(2014, 12, 31)
    assert assignment().responsible_person_phone == "13800000000"


def test_a_word_document_named_xlsx_is_refused_as_such(admin_client, campaign_2014):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")

    errors = refused(admin_client, "assignment", buffer.getvalue(), "进展报告（第一季度）“定稿”.xlsx")

    assert any("Word" in e for e in errors), errors


def test_a_picture_named_xlsx_is_refused_with_a_message(admin_client, campaign_2014):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

    assert refused(admin_client, "assignment", png, "照片.xlsx")


def test_a_wps_file_declaring_a_wrong_sheet_size_is_read_in_full(admin_client, campaign_2014):
    data = xlsx_bytes(
        [FLAT_HEADERS, flat_row(target="甲"), flat_row(number=1, unit="惠安县妇联", target="乙")]
    )
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content, count = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', content)
                assert count == 1
            target.writestr(item, content)

    import_through_admin(admin_client, "assignment", patched.getvalue())

    assert assignment(1, "惠安县妇联").target == "乙"


def test_merged_cells_give_their_value_to_every_row_they_cover(admin_client, campaign_2014):
    rows = [
        FLAT_HEADERS,
        flat_row(number=2, unit="丰泽区妇联"),
        [None, None, None, "泉港区妇联", "乙", None, "李", "", ""],
    ]
    data = xlsx_bytes(rows, merged=["A2:A3", "B2:B3", "C2:C3"])

    import_through_admin(admin_client, "assignment", data)

    assert assignment(2, "泉港区妇联").target == "乙"


# --- all or nothing at confirm ------------------------------------------------------------------


def test_confirm_writes_nothing_when_a_row_has_become_invalid_since_the_preview(admin_client, campaign_2014):
    rows = [FLAT_HEADERS, flat_row(number=1, unit="惠安县妇联", target="甲"), flat_row(target="乙")]
    preview = post_preview(admin_client, "assignment", xlsx_bytes(rows))
    assert preview.context["confirm_form"] is not None
    FeatureProject.objects.filter(number=7).delete()  # someone removed project 7 meanwhile
    before = snapshot()

    from tests.spreadsheet_files import post_confirm

    confirm = post_confirm(admin_client, "assignment", preview)

    assert confirm.status_code == 200
    assert snapshot() == before
    assert assignment(1, "惠安县妇联").target == ""
    assert any("7" in e for e in errors_of(confirm))


def test_a_file_with_headers_but_no_data_is_refused_with_a_message(admin_client, campaign_2014):
    errors = refused(
        admin_client, "assignment", csv_bytes([FLAT_HEADERS, [""] * len(FLAT_HEADERS)]), "四定.csv"
    )

    assert any("没有数据" in e for e in errors), errors


# --- bounded reading: decompression bombs and huge files ---------------------------------------


def test_a_decompression_bomb_under_the_total_cap_is_refused_as_unsafe(admin_client, campaign_2014):
    bomb = raw_xlsx([FLAT_HEADERS, flat_row(target="炸弹")], padding=40 * 1024 * 1024)
    assert len(bomb) < 100 * 1024  # a few dozen KB that unpack to 40 MB

    errors = refused(admin_client, "assignment", bomb)

    assert errors == [
        "该工作簿解压后的数据量远超 2000 行表格应有的大小，为安全起见不予导入。"
        "请把表格复制到新建的工作簿后再导入。"
    ]
    assert assignment().target == ""


def test_a_part_larger_than_its_cap_is_refused_even_when_it_packs_poorly(
    admin_client, campaign_2014, monkeypatch
):
    monkeypatch.setattr(spreadsheets, "MAX_PART_BYTES", 50_000)
    data = raw_xlsx([FLAT_HEADERS, flat_row()], padding=60_000, compression=zipfile.ZIP_STORED)

    errors = refused(admin_client, "assignment", data)

    assert errors == ["工作簿太大，无法导入，请拆分后分批导入。"]


@pytest.mark.usefixtures("no_background_imports")
def test_a_100000_row_flat_table_is_refused_at_the_first_row_over_the_limit(admin_client, campaign_2014):
    rows = [FLAT_HEADERS] + [flat_row(number=7, target=f"目标{n}") for n in range(100_000)]

    errors = refused(admin_client, "assignment", raw_xlsx(rows))

    # "at least 2001": reading stopped there, it did not count the 100,001 rows.
    assert errors == ["文件至少有 2001 行数据，每次最多只能导入 2000 行，请拆分后分批导入。"]


@pytest.mark.usefixtures("no_background_imports")
def test_a_csv_over_the_row_limit_is_refused_while_it_is_read(admin_client, campaign_2014, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 10)
    data = csv_bytes([FLAT_HEADERS] + [flat_row(target=f"目标{n}") for n in range(50)])

    errors = refused(admin_client, "assignment", data, "四定.csv")

    assert errors == ["文件至少有 11 行数据，每次最多只能导入 10 行，请拆分后分批导入。"]


def test_a_file_at_the_row_limit_is_still_read_with_its_merged_cells(
    admin_client, campaign_2014, monkeypatch
):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    rows = [FLAT_HEADERS, flat_row(number=2, unit="丰泽区妇联"), [None, None, None, "泉港区妇联", "乙"]]

    import_through_admin(admin_client, "assignment", xlsx_bytes(rows, merged=["A2:A3", "B2:B3"]))

    assert assignment(2, "泉港区妇联").target == "乙"


# --- accurate messages: one file-level error, in Chinese ----------------------------------------


def no_english(errors: list[str]) -> bool:
    """True when no message carries an English word (a library's own message)."""
    return not any(
        re.search(r"[A-Za-z]{4,}", re.sub(r"Excel|WPS|Strict|Open|XML|xlsx", "", e)) for e in errors
    )


def test_a_password_protected_xlsx_is_told_so_and_nothing_else(admin_client, campaign_2014):
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx_bytes([FLAT_HEADERS, flat_row(target="加密")]))).encrypt("123456", encrypted)

    errors = refused(admin_client, "assignment", encrypted.getvalue(), "四定（加密）.xlsx")

    assert len(errors) == 1
    assert errors[0].startswith("该文件设置了打开密码")
    assert ".xls" not in errors[0]  # not "save the .xls as .xlsx"
    assert assignment().target == ""


def test_a_strict_open_xml_workbook_is_named_as_such(admin_client, campaign_2014):
    data = raw_xlsx(
        [FLAT_HEADERS, flat_row(target="严格")], namespace="http://purl.oclc.org/ooxml/spreadsheetml/main"
    )

    errors = refused(admin_client, "assignment", data)

    assert len(errors) == 1
    assert "Strict Open XML" in errors[0] and "另存为" in errors[0]


@pytest.mark.parametrize("filename", ["四定.et", "模板.ett"])
def test_a_wps_et_file_that_cannot_be_read_is_told_to_save_as_xlsx_from_wps(
    admin_client, campaign_2014, filename
):
    wps_own_format = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)  # an OLE container, not BIFF

    errors = refused(admin_client, "assignment", wps_own_format, filename)

    assert len(errors) == 1
    assert "WPS" in errors[0] and ".et" in errors[0] and "另存为" in errors[0]


def test_an_unreadable_ole_file_with_another_name_is_still_told_about_xls(admin_client, campaign_2014):
    errors = refused(
        admin_client, "assignment", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048), "四定.xls"
    )

    assert len(errors) == 1 and ".xls" in errors[0]


def test_a_macro_enabled_xlsm_is_read_and_its_macros_ignored(admin_client, campaign_2014):
    data = raw_xlsx(
        [FLAT_HEADERS, flat_row(target="启用宏的工作簿")],
        content_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )

    import_through_admin(admin_client, "assignment", data, "四定.xlsm")

    assert assignment().target == "启用宏的工作簿"


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (xlsx_bytes([["项目名称", "截止时间"], ["甲", "2014-12-31"]]), "a.xlsx", "表头"),
        (xlsx_bytes([[*FLAT_HEADERS, "定目标"], flat_row()]), "a.xlsx", "定目标"),
        (csv_bytes([FLAT_HEADERS, flat_row()], delimiter=";"), "a.csv", "表头"),
        (xlsx_bytes([[h for h in FLAT_HEADERS if h != "年度"], flat_row()[1:]]), "a.xlsx", "年度"),
    ],
    ids=["no-header", "header-twice", "semicolon-csv", "key-column-missing"],
)
def test_a_file_level_error_is_the_only_message_and_it_is_chinese(
    admin_client, campaign_2014, data, filename, expected
):
    errors = refused(admin_client, "assignment", data, filename)

    assert len(errors) == 1, errors
    assert expected in errors[0]
    assert no_english(errors), errors


# --- which sheet ----------------------------------------------------------------------------------


def workbook(*sheets: tuple[str, str, list], active: int = 0) -> bytes:
    """An .xlsx of several sheets ``(name, state, rows)``, opening on sheet number ``active``."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, state, rows in sheets:
        sheet = book.create_sheet(name)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    book.active = active
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def warnings_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


def test_a_hidden_first_sheet_of_last_year_is_not_read_and_the_preview_says_so(admin_client, campaign_2014):
    data = workbook(
        ("2013年", "hidden", [FLAT_HEADERS, flat_row(target="去年的目标")]),
        ("2014年", "visible", [FLAT_HEADERS, flat_row(target="今年的目标")]),
        active=1,
    )

    preview, _confirm = import_through_admin(admin_client, "assignment", data)

    assert assignment().target == "今年的目标"
    assert warnings_of(preview) == ["已读取工作表“2014年”。 隐藏的工作表“2013年”未读取。"]


def test_a_table_only_on_a_hidden_sheet_is_refused_naming_that_sheet(admin_client, campaign_2014):
    data = workbook(
        ("说明", "visible", [["请在隐藏的工作表中填写"]]),
        ("四定", "hidden", [FLAT_HEADERS, flat_row(target="隐藏表中的目标")]),
    )

    errors = refused(admin_client, "assignment", data)

    assert len(errors) == 1
    assert "隐藏" in errors[0] and "“四定”" in errors[0]
    assert assignment().target == ""


def test_an_instructions_sheet_before_the_data_is_passed_over(admin_client, campaign_2014):
    data = workbook(
        (
            "填表说明",
            "visible",
            [["填表说明"], ["1. 定时限请写成 2014-12-31 的形式。"], ["2. 联系电话写手机号。"]],
        ),
        ("四定", "visible", [FLAT_HEADERS, flat_row(target="说明之后的目标")]),
    )

    preview, _confirm = import_through_admin(admin_client, "assignment", data)

    assert assignment().target == "说明之后的目标"
    assert warnings_of(preview) == ["已读取工作表“四定”。"]


def test_when_two_visible_sheets_carry_the_columns_the_active_one_is_read_and_the_other_named(
    admin_client, campaign_2014
):
    data = workbook(
        ("一季度", "visible", [FLAT_HEADERS, flat_row(target="一季度的目标")]),
        ("二季度", "visible", [FLAT_HEADERS, flat_row(target="二季度的目标")]),
        active=1,
    )

    preview, _confirm = import_through_admin(admin_client, "assignment", data)

    assert assignment().target == "二季度的目标"
    assert "已读取工作表“二季度”" in warnings_of(preview)[0]
    assert "工作表“一季度”也含有所需的列，未读取" in warnings_of(preview)[0]


def test_a_workbook_of_one_sheet_gets_no_note(admin_client, campaign_2014):
    preview, _confirm = import_through_admin(
        admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row()])
    )

    assert warnings_of(preview) == []


@pytest.mark.usefixtures("no_background_imports")
def test_a_sheet_of_endless_formatted_empty_rows_is_refused_while_it_is_streamed(
    admin_client, campaign_2014, monkeypatch
):
    monkeypatch.setattr(spreadsheets, "MAX_SHEET_ROWS", 100)
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 20)  # the cap is the larger of 100 and twice this
    rows = [FLAT_HEADERS, flat_row(target="格式行之上")] + [[""] * 9] * 500

    errors = refused(admin_client, "assignment", raw_xlsx(rows))

    assert errors == [
        "工作表“Sheet1”超过第 100 行仍有带格式的空行。请删除表格下方的空行（或把表格复制到新建的工作簿），再重新导入。"
    ]


# --- text hygiene: invisible characters, full-width phones ----------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_an_invisible_character_in_a_persons_name_is_not_stored(admin_client, campaign_2014, invisible):
    import_through_admin(
        admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(person=f"王{invisible}丽")])
    )

    assert assignment().responsible_person == "王丽"


def test_a_zero_width_space_in_a_unit_name_and_a_key_still_finds_them(admin_client, campaign_2014):
    row = flat_row(unit="晋江\u200b市妇联", target="零宽字符之后")
    row[1] = "7\u200b"

    import_through_admin(admin_client, "assignment", csv_bytes([FLAT_HEADERS, row]), "四定.csv")

    assert assignment().target == "零宽字符之后"


def test_a_unit_name_refused_for_an_invisible_mark_shows_the_mark(admin_client, campaign_2014):
    errors = refused(
        admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(unit="晋江市妇联\u200e")])
    )

    assert any("晋江市妇联<U+200E>" in error for error in errors), errors


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１３８００００００００", "13800000000"),
        ("１３８－００００－００００", "138-0000-0000"),
        ("０５９５—２２１８０００１", "0595-22180001"),
        ("（０５９５）２２１８０００１", "(0595)22180001"),
        ("0595–22180001", "0595-22180001"),
    ],
)
def test_full_width_digits_and_dashes_in_a_phone_are_normalised(admin_client, campaign_2014, typed, stored):
    import_through_admin(
        admin_client, "assignment", csv_bytes([FLAT_HEADERS, flat_row(phone=typed)]), "a.csv"
    )

    assert assignment().responsible_person_phone == stored
