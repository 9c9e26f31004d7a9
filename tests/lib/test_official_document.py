"""The generic 公文 builder (GB/T 9704-2012): any attachments, 版记, odd text, the date's numerals."""

import datetime
import io

from docx import Document
from docx.oxml.ns import qn

from quanzhou_women.lib.official_document import Attachment, Heading, OfficialDocument, chinese_date


def _build(**changes) -> Document:
    values = {
        "issuing_body": "泉州市妇联",
        "document_number": "泉妇〔2014〕5号",
        "title": "关于某事的通报",
        "body_paragraphs": ["第一段。", Heading("一、总体情况"), Heading("（一）分项", level=2)],
        "date": datetime.date(2015, 1, 5),
    }
    values.update(changes)
    return Document(io.BytesIO(OfficialDocument(**values).docx_bytes()))


def _font(paragraph) -> str:
    return paragraph.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_the_date_has_arabic_numerals_without_leading_zeros():
    assert chinese_date(datetime.date(2015, 1, 5)) == "2015年1月5日"
    assert chinese_date(datetime.date(2014, 12, 20)) == "2014年12月20日"


def test_headings_are_in_hei_and_kai_and_the_body_in_fangsong():
    document = _build()
    by_text = {paragraph.text: paragraph for paragraph in document.paragraphs}
    assert _font(by_text["第一段。"]) == "仿宋_GB2312"
    assert _font(by_text["一、总体情况"]) == "黑体"
    assert _font(by_text["（一）分项"]) == "楷体_GB2312"
    assert by_text["泉妇〔2014〕5号"].alignment == 1  # centred


def test_any_number_of_attachments_each_on_a_new_page_with_its_table():
    results = Attachment("争六好考评结果", [["单位", "等次"], ["鲤城区妇联", "好"]], widths=(3, 1))
    document = _build(attachments=[("排名表", [["名次", "单位"], [1, "丰泽区妇联"]]), results])
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "附件：1.排名表" in texts and "2.争六好考评结果" in texts
    labels = [p for p in document.paragraphs if p.text in {"附件1", "附件2"}]
    assert [p.paragraph_format.page_break_before for p in labels] == [True, True]
    assert [[cell.text for cell in row.cells] for row in document.tables[1].rows] == [
        ["单位", "等次"],
        ["鲤城区妇联", "好"],
    ]
    assert int(document.tables[1]._tbl.tblGrid[0].get(qn("w:w"))) == 3 * int(
        document.tables[1]._tbl.tblGrid[1].get(qn("w:w"))
    )


def test_the_colophon_lists_the_cc_and_the_printing_date():
    document = _build(cc=["市委组织部", "市委宣传部"])
    colophon = document.tables[-1]
    texts = [row.cells[0].text for row in colophon.rows]
    assert texts == ["抄送：市委组织部，市委宣传部。", "泉州市妇联\t2015年1月5日印发"]


def test_control_characters_pasted_from_word_do_not_break_the_file():
    document = _build(body_paragraphs=["甲\x0b乙\x07丙"], attachments=[("表\x01", [["a\x0cb"]])])
    # \x0b and \x0c are Word's line and page breaks: a line break, as in the portal's forms.
    assert any(paragraph.text == "甲\n乙丙" for paragraph in document.paragraphs)
    assert document.tables[0].rows[0].cells[0].text == "a\nb"
