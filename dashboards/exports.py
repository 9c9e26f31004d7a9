"""Excel exports of the dashboards: the ledger (台账) and the bulletin (通报), as .xlsx files.

Both are written with openpyxl's write-only mode into a temporary file that is then streamed to
the browser (``FileResponse`` sends it in blocks): rows are produced chunk by chunk by the
selectors, so memory stays flat however many rows there are. The ledger's rows are the
dashboard's cells — the same ``judge`` and the same filters — so the file says what the page says.
"""

import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from dashboards.selectors import Filters, RankRow, iter_cells
from dashboards.status import Status, colours
from projects.models import ProjectLiaison
from quanzhou_women.lib.sheet_layout import (
    body_alignment,
    body_font,
    header_alignment,
    header_font,
    set_print_layout,
    thin_border,
    title_font,
)
from quanzhou_women.lib.spreadsheets import XLSX_CONTENT_TYPE, write_only_cell, write_only_row


def ledger_header() -> list[str]:
    """The ledger's column titles, in Chinese."""
    return [
        gettext("Year"),
        gettext("No."),
        gettext("Feature project"),
        gettext("Liaison departments"),
        gettext("Responsible unit"),
        gettext("Target"),
        gettext("Deadline"),
        gettext("Responsible person"),
        gettext("Position"),
        gettext("Phone"),
        gettext("Steps done"),
        gettext("Planned %"),
        gettext("Actual %"),
        gettext("Status"),
        gettext("Why"),
        gettext("Latest report"),
        gettext("Report state"),
        gettext("Submitted on"),
        gettext("Reports missing"),
    ]


def ledger_rows(user, filters: Filters) -> Iterator[list]:
    """One list of cell values per assignment within the filters, in the order of the 一览表.

    Queries: the liaison departments of the projects (of the campaign, or of all campaigns), then
    those of ``iter_cells``.
    """
    departments: dict[int, list[str]] = {}
    links = ProjectLiaison.objects.all()
    if not filters.all_campaigns:
        links = links.filter(project__campaign=filters.campaign)
    for project_id, name in links.order_by("department__display_order").values_list(
        "project_id", "department__name"
    ):
        departments.setdefault(project_id, []).append(name)
    for cell in iter_cells(user, filters):
        row = cell.assignment
        report = cell.latest_report or {}
        yield [
            row["project__campaign__year"],
            row["project__number"],
            row["project__title"],
            "、".join(departments.get(row["project_id"], [])),
            row["unit__name"],
            row["target"],
            row["deadline"],
            row["responsible_person"],
            row["responsible_person_position"],
            row["responsible_person_phone"],
            f"{cell.steps_done}/{cell.steps_total}",
            cell.verdict.planned_percent,
            cell.verdict.actual_percent,
            str(Status(cell.status).label),
            cell.verdict.explanation,
            report.get("period", ""),
            str(report["status_label"]) if report else "",
            report.get("submitted_on"),
            len(cell.missing_periods),
        ]


#: The row of the column titles, under the title line; frozen on screen and repeated on every page.
HEADER_ROW = 2


def xlsx_response(
    filename: str, sheet_name: str, title: str, header: list[str], rows: Iterable[list], widths: list[int]
) -> FileResponse:
    """Write ``rows`` under ``title`` and ``header`` to a temporary .xlsx and stream it as ``filename``.

    Every cell goes through the portal's one cell writer (``write_only_cell``): text is text, never
    a live formula, and control characters pasted from Word never break the file. The status column
    (titled like ``Status``) is filled with the status colour, so the printout reads like the page.
    The page set-up, fonts and borders are the 一览表's (``quanzhou_women.lib.sheet_layout``): A4
    landscape, one page wide, the header row repeated on every page and frozen on screen.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name)
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    # Before the first row: a write-only sheet writes its views and properties with it.
    set_print_layout(sheet, header_row=HEADER_ROW)
    border = thin_border()
    heading = WriteOnlyCell(sheet)
    heading.font = title_font(16)
    write_only_row(sheet, [write_only_cell(sheet, title, style=heading)])
    header_style = WriteOnlyCell(sheet)
    header_style.font = header_font()
    header_style.alignment = header_alignment()
    header_style.border = border
    write_only_row(sheet, header, style=header_style)
    body_style = WriteOnlyCell(sheet)
    body_style.font = body_font()
    body_style.alignment = body_alignment()
    body_style.border = border
    status_column = header.index(gettext("Status")) if gettext("Status") in header else None
    # One styled cell per status; each status cell of a row copies its style (cheap in write-only mode).
    styles = {}
    for status, colour in colours().items():
        template = WriteOnlyCell(sheet)
        template.fill = PatternFill("solid", fgColor=colour["background"].lstrip("#"))
        template.font = body_font(color=colour["text"].lstrip("#"))
        template.alignment = body_alignment("center")
        template.border = border
        styles[str(Status(status).label)] = template
    for values in rows:
        if status_column is not None and values[status_column] in styles:
            values[status_column] = write_only_cell(
                sheet, values[status_column], style=styles[values[status_column]]
            )
        write_only_row(sheet, values, style=body_style)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )


def bulletin_header(compared: bool = False) -> list[str]:
    """The bulletin's column titles, in Chinese; ``compared`` (与上年同期比) adds last year's
    on-time rate at the same point and the change in points."""
    return [
        gettext("Rank"),
        gettext("Responsible unit"),
        gettext("Projects"),
        gettext("Reports due"),
        gettext("On time"),
        gettext("Late"),
        gettext("Missing"),
        gettext("On-time rate %"),
        gettext("Completion %"),
        gettext("Overdue"),
        gettext("Behind"),
    ] + ([gettext("Last year, same point: on-time rate %"), gettext("Change (points)")] if compared else [])


def bulletin_values(rows: list[RankRow], compared: bool = False) -> Iterator[list]:
    """The bulletin's rows as cell values, as on the page; with ``compared`` last year's rate
    (“上年无此项” for a unit new this year, empty when nothing was due) and the change in points."""
    for row in rows:
        extra = []
        if compared:
            extra = [row.previous_rate if row.has_previous else gettext("no such item last year"), row.change]
        yield [
            row.rank,
            row.unit_name,
            row.projects,
            row.expected,
            row.on_time,
            row.late,
            row.missing,
            row.on_time_rate,
            row.completion,
            row.overdue,
            row.behind,
            *extra,
        ]
