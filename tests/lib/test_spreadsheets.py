"""The spreadsheet helpers on their own: decoding, cleaning cell values, safe writing."""

import codecs
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from quanzhou_women.lib import spreadsheets
from quanzhou_women.lib.spreadsheets import (
    CellError,
    Formula,
    SpreadsheetError,
    clean_code,
    clean_date,
    clean_decimal,
    clean_integer,
    clean_text,
    content_disposition,
    decode_text,
    display_width,
    line_count,
    normalise_label,
    read_rows,
    split_names,
    write_text_cell,
)
from tests.spreadsheet_files import raw_xlsx

TEXT = "序号,特色项目内容\r\n1,“我们和留守流动儿童在一起”关爱活动\r\n"


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-8"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),
    ],
    ids=["utf8-bom", "utf8", "gbk", "gb18030", "utf16le-bom", "utf16be-bom", "utf16le-no-bom"],
)
def test_text_is_decoded_from_every_encoding_staff_programs_write(data):
    assert decode_text(data) == TEXT


def test_bytes_in_no_known_encoding_raise_a_chinese_error():
    with pytest.raises(SpreadsheetError):
        decode_text(b"\x81\x20\xff\xfe\x80")


def test_labels_compare_equal_across_spaces_width_and_bom():
    assert normalise_label("\ufeff创 建 目 标") == normalise_label("创建目标")
    assert normalise_label("市妇联\n联系部室") == normalise_label("市妇联联系部室")
    assert normalise_label("责任县（区、市）妇联") == normalise_label("责任县(区、市)妇联")
    assert normalise_label("*序号") == normalise_label("序号")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (13800000000, "13800000000"),
        (13800000000.0, "13800000000"),
        ("0595-22180001", "0595-22180001"),
        (" 138 0000 0000 ", "138 0000 0000"),
        (None, ""),
    ],
)
def test_codes_stay_exact_text(value, expected):
    assert clean_code(value) == expected


def test_scientific_notation_is_refused_because_digits_are_lost():
    with pytest.raises(CellError, match=r"1\.38E"):
        clean_code("1.38E+10")


@pytest.mark.parametrize("value", [1, 1.0, "01", "１", " 1 ", "1.0"])
def test_whole_numbers_come_in_many_shapes(value):
    assert clean_integer(value) == 1


@pytest.mark.parametrize("value", ["一", "1.5", True, "1a"])
def test_not_whole_numbers_are_refused_quoting_the_value(value):
    with pytest.raises(CellError, match=str(value)[:1]):
        clean_integer(value)


def test_decimals_accept_thousands_separators_and_full_width_digits():
    assert clean_decimal("1,000") == Decimal("1000")
    assert clean_decimal("２.５") == Decimal("2.5")
    assert clean_decimal("") is None
    with pytest.raises(CellError):
        clean_decimal("NaN")


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2024, 12, 31),
        datetime.date(2024, 12, 31),
        45657,
        45657.0,
        "45657",
        "2024-12-31",
        "2024.12.31",
        "2024年12月31日",
        "2024/12/31 ",
        "20241231",
        "2024 年 12 月 31 日",
    ],
)
def test_dates_of_every_shape_in_the_samples_are_understood(value):
    assert clean_date(value) == datetime.date(2024, 12, 31)


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30", "年底", -3, 1e9])
def test_impossible_dates_are_refused_quoting_the_value(value):
    with pytest.raises(CellError):
        clean_date(value)


def test_text_keeps_its_characters_and_normalises_line_breaks():
    assert (
        clean_text("  “巾帼志愿者”在行动（一）；\r\n第二行\r第三行\x0b第四行\x07 ")
        == "“巾帼志愿者”在行动（一）；\n第二行\n第三行\n第四行"
    )


def test_formulas_and_control_characters_are_refused_visibly():
    with pytest.raises(CellError, match="=SUM"):
        clean_text(Formula("=SUM(A1:A3)"))
    with pytest.raises(CellError, match=r"<U\+0000>"):
        clean_text("王\x00丽")


def test_name_lists_split_on_every_separator():
    assert split_names("丰泽区妇联、泉港区妇联，晋江市妇联;台商投资区妇工委；\n\n石狮市妇联, ,") == [
        "丰泽区妇联",
        "泉港区妇联",
        "晋江市妇联",
        "台商投资区妇工委",
        "石狮市妇联",
    ]


def test_shared_sample_files_are_read(tmp_path):
    from pathlib import Path

    cases = Path("/work/shared/cases")
    if not cases.exists():
        pytest.skip("the shared sample files are not on this machine")
    assert [r.values[1] for r in read_rows((cases / "case05_phantom_rows.xlsx").read_bytes())] == [
        "责任单位",
        "市妇联",
        "区妇联",
    ]
    assert read_rows((cases / "case02_gbk_excel.csv").read_bytes())[0].values[0] == "序号"
    rows = read_rows((cases / "case06_numeric_text.xlsx").read_bytes())
    assert clean_code(rows[1].values[2]) == "13800000000"
    dates = [clean_date(r.values[1]) for r in read_rows((cases / "case04_date_shapes.xlsx").read_bytes())[1:]]
    assert set(dates) == {datetime.date(2024, 12, 31)}
    assert read_rows((cases / "case11_cr_only.csv").read_bytes())[2].values[0] == "巾帼建功（乡村振兴）行动"
    assert "\n" in read_rows((cases / "case11_multiline_quoted.csv").read_bytes())[1].values[1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
    ],
)
def test_non_spreadsheets_are_refused_with_a_message(data, message, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with pytest.raises(SpreadsheetError, match=message):
        read_rows(data)


def test_an_ods_file_is_refused_with_advice():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(SpreadsheetError, match="xlsx"):
        read_rows(buffer.getvalue())


def test_a_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * 100_000)
    with pytest.raises(SpreadsheetError):
        read_rows(buffer.getvalue())


@pytest.mark.parametrize("text", ["=1+1", "+3", "-已完成", "@各单位", "\t缩进", "\r回车", "a_x0041_b"])
def test_written_text_is_a_text_cell_that_reads_back_unchanged(text):
    book = openpyxl.Workbook()
    write_text_cell(book.active, 1, 1, text)
    buffer = io.BytesIO()
    book.save(buffer)

    assert openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A1"].data_type == "s"
    assert read_rows(buffer.getvalue())[0].values == (text,)


def test_writing_text_with_control_characters_never_fails():
    book = openpyxl.Workbook()
    cell = write_text_cell(book.active, 1, 1, "一\x0b二\x07三\x00\x1b\r\n四")
    book.save(io.BytesIO())

    assert cell.value == "一\n二三\n四"


def test_chinese_characters_count_twice_the_width_of_latin_ones():
    assert display_width("妇联ab") == 6
    assert line_count("妇" * 30, 20) == 3
    assert line_count("甲\n乙\n丙", 20) == 3


def test_download_names_are_encoded_for_every_browser():
    header = content_disposition("2014年一览表（定稿）.xlsx")

    assert header.startswith('attachment; filename="2014%E5%B9%B4')
    assert "filename*=UTF-8''2014%E5%B9%B4%E4%B8%80%E8%A7%88%E8%A1%A8%EF%BC%88" in header
    assert header.isascii()


def test_a_highly_compressed_part_is_refused_before_it_is_unpacked(monkeypatch):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (2 * spreadsheets.RATIO_FLOOR_BYTES))
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda archive, name, *args, **kwargs: opened.append(name))

    with pytest.raises(SpreadsheetError):
        read_rows(bomb.getvalue())
    assert opened == []


def test_a_sheet_without_a_declared_size_is_read_in_full():
    rows = [["序号", "名称"]] + [[n, f"项目{n}"] for n in range(1, 6)]

    assert [row.values for row in read_rows(raw_xlsx(rows))] == [tuple(row) for row in rows]


def test_clean_text_removes_every_invisible_character_and_only_those():
    assert spreadsheets.clean_text("\ufeff王\u200b\u200c\u200d\u2060丽\u00ad ") == "王丽"
    assert spreadsheets.clean_text("第一行\n第二行") == "第一行\n第二行"


def test_display_value_shows_format_characters_by_their_code():
    assert spreadsheets.display_value("晋江\u200b市妇联\u202e") == "晋江<U+200B>市妇联<U+202E>"
    assert spreadsheets.display_value("甲\n乙") == "甲\n乙"
