"""The official 一览表 of a campaign as an .xlsx in the layout of the printed attachment.

The attachment of notice 泉妇〔2013〕81号: the line 附件, the title (e.g.
2014年泉州市妇联系统特色工作一览表) across the table, then the header row 序号 | 特色项目内容 |
创建目标 | 责任单位 | 市妇联联系部室 and one row per project, responsible units and departments one
per line in their cells. Fonts are the official ones (黑体 for 附件 and the header, 宋体 for the
title, 仿宋 for the body); the sheet prints on A4 landscape, one page wide, with the header row
repeated on every page.

The table imports back through ``projects.resources.FeatureProjectResource``: the reader skips the
title lines, takes the year from the title and reads the multi-line cells as lists.
"""

import io

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from projects.models import Campaign, FeatureProject
from quanzhou_women.lib.sheet_layout import (
    HEADER_FONT,
    body_font,
    header_alignment,
    header_font,
    set_print_layout,
    thin_border,
    title_font,
)
from quanzhou_women.lib.spreadsheets import line_count, write_text_cell, xml_text
from units.models import Organisation

HEADERS = ["序号", "特色项目内容", "创建目标", "责任单位", "市妇联\n联系部室"]
#: Column widths in Excel units (about one digit of the default font, 7 px); 132 units print
#: about 250 mm wide, inside the 267 mm of an A4 landscape page with 15 mm margins.
WIDTHS = [6, 24, 68, 20, 14]
HORIZONTAL = ["center", "left", "left", "center", "center"]
BODY_SIZE = 12
HEADER_SIZE = 12
TITLE_SIZE = 20
#: Points per printed line of a CJK font (宋体 and 仿宋 lines are about 1.3 times the size; 1.4 in hand).
LINE_FACTOR = 1.4
FIRST_TABLE_ROW = 3


def overview_table_title(campaign: Campaign) -> str:
    """The title printed above the table: the campaign's own, or "<year>年…特色工作一览表"; a
    title of its own that does not name the year gets it in front (“2015年…”), so that the
    tables of two rounds never look alike (issue 12 item 2)."""
    title = campaign.overview_table_title or f"{campaign.year}年泉州市妇联系统特色工作一览表"
    return title if str(campaign.year) in title else f"{campaign.year}年{title}"


def overview_table_filename(campaign: Campaign) -> str:
    """The download name, e.g. ``2014年泉州市妇联系统特色工作一览表.xlsx``."""
    return f"{overview_table_title(campaign)}.xlsx"


def _characters_per_line(width: float, size: int) -> float:
    """Display units (``display_width``) that fit in a column ``width`` Excel units wide.

    In Excel and WPS a column of width w is about 7w + 5 pixels (less 6 for the cell's padding);
    a CJK character of ``size`` points is size × 4/3 pixels and counts 2 display units. LibreOffice
    draws columns a little wider, so its rows show some spare space; never clipped text.
    """
    pixels = width * 7 + 5 - 6
    return pixels / (size * 4 / 3 / 2)


def row_height(values: list[object], widths: list[float], size: int) -> float:
    """Height in points of a row whose wrapped cells hold ``values`` (openpyxl does not size rows)."""
    lines = max(
        line_count(str(value or ""), _characters_per_line(width, size))
        for value, width in zip(values, widths, strict=True)
    )
    return round(lines * size * LINE_FACTOR + 8, 1)


def projects_for_table(
    projects: QuerySet[FeatureProject], organisations: QuerySet[Organisation] | None = None
) -> QuerySet[FeatureProject]:
    """The projects in 序号 order with their units and departments preloaded (three queries in all),
    naming only the organisations of ``organisations`` (the user's scope; ``None``: every one).
    Any preloading ``projects`` carried is replaced."""
    named = Organisation.objects.all() if organisations is None else organisations
    return (
        projects.order_by("number")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("responsible_units", queryset=named), Prefetch("liaison_departments", queryset=named)
        )
    )


def write_overview_table(
    campaign: Campaign,
    projects: QuerySet[FeatureProject],
    organisations: QuerySet[Organisation] | None = None,
) -> bytes:
    """The 一览表 of ``campaign`` for ``projects`` (already scoped to what the user may see), as .xlsx
    bytes, naming only the units and departments of ``organisations`` (the user's scope; ``None``:
    every one, e.g. the ``export_overview_table`` command).

    Queries: the projects, their responsible units, their liaison departments, and the issuing body
    of the campaign unless preloaded.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = f"{campaign.year}一览表"
    title = overview_table_title(campaign)
    border = thin_border()
    last_column = get_column_letter(len(HEADERS))

    for column, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width

    attachment = write_text_cell(sheet, 1, 1, "附件")
    attachment.font = Font(name=HEADER_FONT, size=14)
    sheet.row_dimensions[1].height = 24

    sheet.merge_cells(f"A2:{last_column}2")
    heading = write_text_cell(sheet, 2, 1, title)
    heading.font = title_font(TITLE_SIZE)
    heading.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[2].height = TITLE_SIZE * 2 + 6

    for column, header in enumerate(HEADERS, 1):
        cell = write_text_cell(sheet, FIRST_TABLE_ROW, column, header)
        cell.font = header_font(HEADER_SIZE)
        cell.alignment = header_alignment()
        cell.border = border
    sheet.row_dimensions[FIRST_TABLE_ROW].height = row_height(HEADERS, WIDTHS, HEADER_SIZE)

    body = body_font(BODY_SIZE)
    row = FIRST_TABLE_ROW
    for row, project in enumerate(projects_for_table(projects, organisations), FIRST_TABLE_ROW + 1):
        values = [
            project.number,
            project.title,
            project.goal,
            "\n".join(unit.name for unit in project.responsible_units.all()),
            "\n".join(department.name for department in project.liaison_departments.all()),
        ]
        for column, value in enumerate(values, 1):
            cell = write_text_cell(sheet, row, column, value)
            cell.font = body
            cell.border = border
            cell.alignment = Alignment(horizontal=HORIZONTAL[column - 1], vertical="center", wrap_text=True)
        sheet.row_dimensions[row].height = row_height(values, WIDTHS, BODY_SIZE)

    # Borders on every cell of a merged range, not only its first (Excel draws them per cell).
    for merged in sheet.merged_cells.ranges:
        if merged.min_row >= FIRST_TABLE_ROW:
            for cells in sheet.iter_rows(
                min_row=merged.min_row, max_row=merged.max_row, min_col=merged.min_col, max_col=merged.max_col
            ):
                for cell in cells:
                    cell.border = border

    set_print_layout(sheet, header_row=FIRST_TABLE_ROW, columns=len(HEADERS), last_row=row)

    # Document properties are plain XML: the same characters removed as from the cells.
    properties = book.properties
    properties.title = xml_text(title)
    properties.subject = xml_text(f"{campaign.document_number} {campaign.document_title}".strip())
    properties.creator = xml_text(campaign.issuing_body.name)
    properties.keywords = "争六好、创特色; 特色项目; 一览表"
    properties.description = xml_text(f"附件：{title}")
    properties.created = properties.modified = timezone.now().replace(tzinfo=None, microsecond=0)
    properties.language = "zh-CN"

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
