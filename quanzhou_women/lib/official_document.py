"""Official documents (公文) as .docx files, in the layout of GB/T 9704-2012 《党政机关公文格式》.

``OfficialDocument(...).docx_bytes()`` builds, with python-docx, a document of the parts of a
下行文 the portal issues (the 通报, the 检查总结), following these clauses of the standard:

- 5.2.1 A4 paper (210 mm × 297 mm); 5.2.2 版心 156 mm × 225 mm, 天头 (top) 37 mm, 订口 (left)
  28 mm, hence bottom 35 mm and right 26 mm;
- 5.2.3 every element in 3号 (16 pt) 仿宋 unless stated otherwise; 5.2.4 22 lines a page (a fixed
  line pitch of 28 pt), 28 characters a line;
- 7.2.4 发文机关标志: the issuing body's name centred in red 小标宋, its top 35 mm below the 版心's;
- 7.2.5 发文字号: two lines below it, centred, year in 六角括号 (泉妇〔2014〕5号);
- 7.2.7 a red separator line as wide as the 版心, 4 mm below the 发文字号;
- 7.3.1 标题: 2号 (22 pt) 小标宋, centred, two lines below the red line; 7.3.2 主送机关 one line
  below the title, flush left, ending in a full-width colon;
- 7.3.3 正文: 3号仿宋, each paragraph indented two characters; headings of the first level in
  黑体, of the second in 楷体 (``Heading``);
- 7.3.4 附件说明: one line below the body, indented two characters, “附件：1.……”, the following
  names aligned under the first one's first character, no punctuation after a name;
- 7.3.5.1 署名 and 成文日期: the date four characters from the right, the body's name centred
  above it; 7.3.5.3 the date in Arabic numerals, the year in full, no leading zeros
  (“2014年12月20日”, ``chinese_date``); room for the seal above, with a grey note (``seal_note``);
- 7.4 版记: 抄送 (``cc``) and 印发机关/印发日期 in 4号仿宋 between thick lines (0.35 mm) with a
  thin one (0.25 mm) between them, at the foot of the last page;
- 7.5 页码: 4号 (14 pt) 宋体 Arabic numerals between two 一字线 (“— 1 —”), 7 mm below the
  版心, odd pages one character from the right, even pages one character from the left;
- 8 附件: each attachment on a new page, “附件1” in 3号黑体 on the first line flush left, its
  title centred on the second; its table's header row repeats on every page (10 表格).

Fonts are named for Chinese text (``w:eastAsia`` of every run) with the families WPS and Word
know: 方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312; the font table lists the usual fall-backs
(宋体 for 小标宋, 仿宋 for 仿宋_GB2312, 楷体 for 楷体_GB2312), so a machine without the 方正 fonts
shows the standard ones. Text goes through ``spreadsheets.xml_text``: a control character pasted
from Word never breaks the file.

The document is data in, bytes out: a caller (a view of the dashboards, later the assessments'
results) builds the paragraphs and attachment tables from its selectors and calls
``docx_bytes()``; any number of attachments, each a title and rows (the first row the header).
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.translation import gettext, gettext_lazy
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from quanzhou_women.lib.spreadsheets import content_disposition, xml_text

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Font families (GB/T 9704-2012 5.2.3, 7.2.4, 7.3.1, 7.3.3) and their fall-backs in the font table.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"
FALLBACKS = {
    TITLE_FONT: ("宋体", "SimSun"),
    BODY_FONT: ("仿宋", "FangSong"),
    HEADING_FONT: ("SimHei",),
    SUBHEADING_FONT: ("楷体", "KaiTi"),
    NUMBER_FONT: ("SimSun",),
}

RED = RGBColor(0xFF, 0x00, 0x00)
GREY = RGBColor(0x80, 0x80, 0x80)
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_TABLE = Pt(12)  # 小四: the attachment tables
LINE_PITCH = Pt(28)  # 22 lines in the 225 mm 版心 (5.2.4)
TYPE_AREA_WIDTH = Mm(156)


@dataclass(frozen=True)
class Heading:
    """A heading inside the body: ``level`` 1 (“一、”, 黑体) or 2 (“（一）”, 楷体), GB/T 9704-2012 7.3.3."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Attachment:
    """An attachment (GB/T 9704-2012 8): its ``title`` and a table, ``rows[0]`` the header row.

    ``widths`` are the columns' relative widths (any unit; default: equal), ``numeric`` the indexes
    of the columns centred (numbers, ranks).
    """

    title: str
    rows: Sequence[Sequence[object]]
    widths: Sequence[float] = ()
    numeric: frozenset[int] = frozenset()


@dataclass
class OfficialDocument:
    """One 公文: header, number, title, addressees, body, attachments, signature and date, 版记.

    ``issuing_body`` (发文机关标志 and 署名, e.g. 泉州市妇联), ``document_number`` (泉妇〔2014〕5号,
    may be a form with the sequence left blank), ``title`` (one string, or several lines for a
    title the caller breaks itself), ``body_paragraphs`` (strings or ``Heading``), ``attachments``
    (``Attachment`` or ``(title, rows)`` pairs), ``date`` (成文日期), ``addressees`` (主送机关,
    without the colon), ``cc`` (抄送机关), ``printed_by`` (印发机关, default the issuing body),
    ``seal_note`` (grey text where the seal goes; None for none). ``docx_bytes()`` gives the file.
    """

    issuing_body: str
    document_number: str
    title: str | Sequence[str]
    body_paragraphs: Sequence[str | Heading]
    attachments: Sequence[Attachment | tuple[str, Sequence[Sequence[object]]]] = ()
    date: datetime.date | None = None
    addressees: str = ""
    cc: Sequence[str] = ()
    printed_by: str = ""
    seal_note: str | None = gettext_lazy("(seal)")
    header_suffix: str = ""  # “文件” for a 文件-style header (7.2.4)
    _document: object = field(default=None, init=False, repr=False)

    def docx_bytes(self) -> bytes:
        """The document as .docx bytes (python-docx; opens in Word, WPS and LibreOffice)."""
        document = Document()
        self._document = document
        self._page_setup(document)
        self._fallback_fonts(document)
        self._header()
        self._title_and_body()
        self._attachment_note()
        self._signature()
        for number, attachment in enumerate(self._attachments(), start=1):
            self._attachment(number, attachment)
        if self.cc or self.date:
            self._colophon()
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    # --- page -------------------------------------------------------------------------------

    def _page_setup(self, document) -> None:
        """A4, the margins of 5.2.2, page numbers after 7.5 (odd right, even left)."""
        normal = document.styles["Normal"]
        normal.font.size = SIZE_3
        _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = LINE_PITCH
        # No automatic space between Chinese and Latin text, no widow control shifting lines.
        normal.paragraph_format.widow_control = False
        section = document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = Mm(15)
        # The 一字线 7 mm below the 版心: the footer's one 4号 line ends about 5 mm lower.
        section.footer_distance = Mm(23)
        document.settings.odd_and_even_pages_header_footer = True
        _page_number(section.footer.paragraphs[0], odd=True)
        _page_number(section.even_page_footer.paragraphs[0], odd=False)

    def _fallback_fonts(self, document) -> None:
        """List each font with its fall-backs (``w:altName``) in the font table."""
        part = next(
            rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
        )
        root = etree.fromstring(part.blob)
        for name, alternatives in FALLBACKS.items():
            font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
            etree.SubElement(font, qn("w:altName"), {qn("w:val"): ",".join(alternatives)})
            etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
            etree.SubElement(font, qn("w:family"), {qn("w:val"): "auto"})
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # --- parts ------------------------------------------------------------------------------

    def _paragraph(self, text: str = "", *, font: str = BODY_FONT, size=SIZE_3, align=None, **options):
        """A paragraph of one run; ``options``: ``color``, ``bold``, ``first_indent`` (chars of the
        size), ``left_indent``/``right_indent`` (chars), ``line`` (pitch), ``before`` (space)."""
        paragraph = self._document.add_paragraph()
        fmt = paragraph.paragraph_format
        if align is not None:
            paragraph.alignment = align
        if "first_indent" in options:
            fmt.first_line_indent = Pt(size.pt * options["first_indent"])
        if "left_indent" in options:
            fmt.left_indent = Pt(size.pt * options["left_indent"])
        if "right_indent" in options:
            fmt.right_indent = Pt(size.pt * options["right_indent"])
        if "line" in options:
            fmt.line_spacing = options["line"]
        if "before" in options:
            fmt.space_before = options["before"]
        if text:
            self._run(paragraph, text, font=font, size=size, color=options.get("color"))
        return paragraph

    @staticmethod
    def _run(paragraph, text: str, *, font: str, size, color=None):
        lines = xml_text(text).split("\n")
        run = paragraph.add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)
        run.font.size = size
        if color is not None:
            run.font.color.rgb = color
        _set_fonts(run._r.get_or_add_rPr(), font)
        return run

    def _header(self) -> None:
        """7.2.4 发文机关标志, 7.2.5 发文字号, 7.2.7 the red line."""
        name = self.issuing_body + self.header_suffix
        # As large as fits the 版心 with some air, at most 22 mm a character (小初 … 60 pt).
        size = Pt(max(26, min(60, int(TYPE_AREA_WIDTH.pt * 0.85 / max(display_width(name), 1)))))
        mark = self._paragraph(
            name,
            font=TITLE_FONT,
            size=size,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            color=RED,
            line=Pt(size.pt * 1.15),
            before=Mm(35),
        )
        mark.paragraph_format.keep_with_next = True
        self._paragraph()
        self._paragraph()
        number = self._paragraph(self.document_number, align=WD_ALIGN_PARAGRAPH.CENTER)
        _bottom_border(number, colour="FF0000", eighths=12, space_pt=11)  # ≈ 4 mm below
        self._paragraph()
        self._paragraph()

    def _title_and_body(self) -> None:
        """7.3.1 标题, 7.3.2 主送机关, 7.3.3 正文."""
        lines = [self.title] if isinstance(self.title, str) else list(self.title)
        self._paragraph(
            "\n".join(lines), font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(35)
        )
        self._paragraph()
        if self.addressees:
            self._paragraph(self.addressees.rstrip("：:") + "：")
        for paragraph in self.body_paragraphs:
            if isinstance(paragraph, Heading):
                font = HEADING_FONT if paragraph.level == 1 else SUBHEADING_FONT
                self._paragraph(paragraph.text, font=font, first_indent=2)
            else:
                self._paragraph(paragraph, first_indent=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    def _attachments(self) -> list[Attachment]:
        return [item if isinstance(item, Attachment) else Attachment(*item) for item in self.attachments]

    def _attachment_note(self) -> None:
        """7.3.4 附件说明."""
        attachments = self._attachments()
        if not attachments:
            return
        self._paragraph()
        several = len(attachments) > 1
        for number, attachment in enumerate(attachments, start=1):
            name = f"{number}.{attachment.title}" if several else attachment.title
            if number == 1:
                self._paragraph(
                    gettext("Attachment: %(name)s") % {"name": name}, left_indent=5, first_indent=-3
                )
            else:
                self._paragraph(name, left_indent=5)

    def _signature(self) -> None:
        """7.3.5.1: room for the seal, 署名 centred above the 成文日期, which stands 4 characters
        from the right; 7.3.5.3 the date's numerals."""
        if self.date is None:
            return
        date = chinese_date(self.date)
        self._paragraph()
        signature_indent = 4 + max(0.0, (display_width(date) - display_width(self.issuing_body)) / 2)
        note = str(self.seal_note or "")
        note_indent = 4 + max(0.0, (display_width(date) - display_width(note) * 14 / 16) / 2)
        self._paragraph()
        seal = self._paragraph(align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=note_indent)
        if note:
            self._run(seal, note, font=BODY_FONT, size=SIZE_4, color=GREY)
        self._paragraph(self.issuing_body, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=signature_indent)
        self._paragraph(date, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=4)

    def _attachment(self, number: int, attachment: Attachment) -> None:
        """8: the attachment on a new page, “附件N” in 黑体 flush left, the title centred, the table
        with its header row repeated on every page."""
        label = self._paragraph(
            gettext("Attachment %(number)s") % {"number": number}
            if len(self._attachments()) > 1
            else gettext("Attachment"),
            font=HEADING_FONT,
        )
        label.paragraph_format.page_break_before = True
        self._paragraph(
            attachment.title, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(35)
        )
        self._paragraph()
        rows = [list(row) for row in attachment.rows]
        if not rows:
            return
        columns = max(len(row) for row in rows)
        table = self._document.add_table(rows=0, cols=columns)
        table.style = self._document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = list(attachment.widths) or [1] * columns
        total = sum(widths)
        twips = [int(TYPE_AREA_WIDTH.twips * width / total) for width in widths]
        _table_widths(table, twips)
        for index, values in enumerate(rows):
            row = table.add_row()
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            row.height = Mm(8)
            if index == 0:
                _repeat_header(row)
            for column, cell in enumerate(row.cells):
                cell.width = twips[column] * 635  # EMU per twip
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                value = values[column] if column < len(values) else ""
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                centred = index == 0 or column in attachment.numeric
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
                text = "" if value is None else str(value)
                self._run(paragraph, text, font=HEADING_FONT if index == 0 else BODY_FONT, size=SIZE_TABLE)
            _cant_split(row)

    def _colophon(self) -> None:
        """7.4 版记: 抄送 and 印发机关/印发日期 between the lines, kept at the foot of the last page
        (a table anchored to the bottom of the 版心; Word puts it there, LibreOffice 7.4 lays it out
        right after the last attachment)."""
        rows = []
        if self.cc:
            rows.append(("cc", gettext("Copy to: %(bodies)s.") % {"bodies": "，".join(self.cc)}))
        if self.date is not None:
            rows.append(("printed", self.printed_by or self.issuing_body))
        self._paragraph()  # air between the last table and the 版记 where it follows it
        table = self._document.add_table(rows=0, cols=1)
        _table_widths(table, [TYPE_AREA_WIDTH.twips])
        properties = table._tbl.tblPr
        position = OxmlElement("w:tblpPr")
        for key, value in {
            "w:leftFromText": "0",
            "w:rightFromText": "0",
            "w:vertAnchor": "margin",
            "w:horzAnchor": "margin",
            "w:tblpXSpec": "center",
            "w:tblpYSpec": "bottom",
        }.items():
            position.set(qn(key), value)
        properties.insert(0, position)
        for index, (kind, text) in enumerate(rows):
            row = table.add_row()
            cell = row.cells[0]
            cell.width = TYPE_AREA_WIDTH
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.line_spacing = LINE_PITCH
            paragraph.paragraph_format.left_indent = SIZE_4
            paragraph.paragraph_format.right_indent = SIZE_4
            if kind == "cc":
                paragraph.paragraph_format.left_indent = Pt(SIZE_4.pt * 4)
                paragraph.paragraph_format.first_line_indent = Pt(-SIZE_4.pt * 3)
                self._run(paragraph, text, font=BODY_FONT, size=SIZE_4)
            else:
                paragraph.paragraph_format.tab_stops.add_tab_stop(
                    Pt(TYPE_AREA_WIDTH.pt - SIZE_4.pt),
                    alignment=2,  # right
                )
                self._run(
                    paragraph,
                    text + "\t" + gettext("%(date)s printed and issued") % {"date": chinese_date(self.date)},
                    font=BODY_FONT,
                    size=SIZE_4,
                )
            top = 8 if index == 0 else 4  # 0.35 mm thick first line, 0.25 mm (≈ 0.75 pt) between
            _cell_borders(cell, top=top, bottom=8 if index == len(rows) - 1 else None)
        tail = self._paragraph()  # a floating table needs a paragraph after it
        tail.paragraph_format.line_spacing = Pt(1)


# --- helpers ------------------------------------------------------------------------------------


def chinese_date(day: datetime.date) -> str:
    """成文日期 after GB/T 9704-2012 7.3.5.3: Arabic numerals, the year in full, no leading zero
    (2014-12-20 → “2014年12月20日”, 2015-01-05 → “2015年1月5日”)."""
    return f"{day.year}年{day.month}月{day.day}日"


def display_width(text: str) -> float:
    """Width of ``text`` in full-width characters: a CJK (wide) character 1, others ½."""
    return sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5 for char in text)


def _set_fonts(rpr, font: str) -> None:
    """Name ``font`` for Chinese (``w:eastAsia``) and Latin text alike in run properties ``rpr``."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), font)
    for key in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(key), None)


def _page_number(paragraph, *, odd: bool) -> None:
    """“— N —” in 4号宋体, one character from the outer edge (7.5)."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if odd:
        fmt.right_indent = SIZE_4
    else:
        fmt.left_indent = SIZE_4
    parts = [
        ("text", "— "),
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
        ("text", " —"),
    ]
    for kind, value in parts:
        run = paragraph.add_run()
        run.font.size = SIZE_4
        _set_fonts(run._r.get_or_add_rPr(), NUMBER_FONT)
        if kind == "text":
            run.add_text(value)
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = value
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _bottom_border(paragraph, *, colour: str, eighths: int, space_pt: int) -> None:
    """A line under ``paragraph`` across the 版心, ``eighths`` of a point thick."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {
        "w:val": "single",
        "w:sz": str(eighths),
        "w:space": str(space_pt),
        "w:color": colour,
    }.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    # In the schema's order (Word refuses a paragraph's properties out of it): before w:shd … w:jc.
    ppr.insert_element_before(borders, *_AFTER_PBDR)


#: What follows ``w:pBdr`` in a paragraph's properties (ECMA-376 ``CT_PPrBase``).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _table_widths(table, twips: list[int]) -> None:
    """Fixed column widths (twips), the table as wide as their sum."""
    table.autofit = False
    properties = table._tbl.tblPr
    width = properties.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        properties.append(width)
    width.set(qn("w:w"), str(sum(twips)))
    width.set(qn("w:type"), "dxa")
    layout = properties.find(qn("w:tblLayout"))  # ``autofit = False`` made it
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        properties.append(layout)
    layout.set(qn("w:type"), "fixed")
    grid = table._tbl.tblGrid
    for column in list(grid):
        grid.remove(column)
    for value in twips:
        column = OxmlElement("w:gridCol")
        column.set(qn("w:w"), str(value))
        grid.append(column)


def _repeat_header(row) -> None:
    """Repeat ``row`` at the top of every page the table runs over."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _cant_split(row) -> None:
    """Keep each row on one page."""
    marker = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().insert(0, marker)


def _cell_borders(cell, *, top: int, bottom: int | None) -> None:
    """Only horizontal lines on ``cell``: ``top`` and ``bottom`` in eighths of a point."""
    properties = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side, size in (("top", top), ("left", None), ("bottom", bottom), ("right", None)):
        edge = OxmlElement(f"w:{side}")
        if size is None:
            edge.set(qn("w:val"), "nil")
        else:
            for key, value in {
                "w:val": "single",
                "w:sz": str(size),
                "w:space": "0",
                "w:color": "000000",
            }.items():
                edge.set(qn(key), value)
        borders.append(edge)
    properties.append(borders)


def document_number(notice: str, year: int) -> str:
    """A 发文字号 for ``year`` with the prefix of the round's notice ``notice`` (泉妇 of
    泉妇〔2013〕81号), the year in 六角括号 and the sequence number left blank (two full-width
    spaces) for the office to fill in, GB/T 9704-2012 7.2.5: 泉妇〔2014〕　　号."""
    match = re.match(r"\s*(.*?)\s*[〔［\[(（]", notice or "")
    prefix = match.group(1) if match else ""
    return f"{prefix}〔{year}〕\u3000\u3000号"


def docx_response(document: OfficialDocument, filename: str) -> HttpResponse:
    """``document`` as a download (an attachment) named ``filename``."""
    response = HttpResponse(document.docx_bytes(), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


__all__ = [
    "DOCX_CONTENT_TYPE",
    "Attachment",
    "Heading",
    "OfficialDocument",
    "chinese_date",
    "display_width",
    "document_number",
    "docx_response",
]
