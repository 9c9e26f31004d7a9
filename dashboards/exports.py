"""Excel exports of the dashboards: the ledger (台账) and the bulletin (通报), as .xlsx files.

Both are written with openpyxl's write-only mode into a temporary file that is then streamed to
the browser (``FileResponse`` sends it in blocks): rows are produced chunk by chunk by the
selectors, so memory stays flat however many rows there are. The ledger's rows are the
dashboard's cells — the same ``judge`` and the same filters — so the file says what the page says.
"""

import tempfile
from collections.abc import Iterable, Iterator
from copy import copy

from django.http import FileResponse
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from dashboards.selectors import Filters, RankRow, iter_cells
from dashboards.status import Status, colours
from projects.models import ProjectLiaison


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


def _header_cells(sheet, titles: Iterable[str]) -> list[WriteOnlyCell]:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cells.append(cell)
    return cells


def xlsx_response(
    filename: str, sheet_name: str, title: str, header: list[str], rows: Iterable[list], widths: list[int]
) -> FileResponse:
    """Write ``rows`` under ``title`` and ``header`` to a temporary .xlsx and stream it as ``filename``.

    The status column (titled like ``Status``) is filled with the status colour, so the printout of
    the file reads like the page.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    sheet.append(_header_cells(sheet, header))
    status_column = header.index(gettext("Status")) if gettext("Status") in header else None
    # One styled cell per status; each status cell of a row copies its style (cheap in write-only mode).
    styles = {}
    for status, colour in colours().items():
        template = WriteOnlyCell(sheet)
        template.fill = PatternFill("solid", fgColor=colour["background"].lstrip("#"))
        template.font = Font(color=colour["text"].lstrip("#"))
        styles[str(Status(status).label)] = template._style
    for values in rows:
        if status_column is not None and values[status_column] in styles:
            cell = WriteOnlyCell(sheet, value=values[status_column])
            cell._style = copy(styles[values[status_column]])
            values[status_column] = cell
        sheet.append(values)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def bulletin_header() -> list[str]:
    """The bulletin's column titles, in Chinese."""
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
    ]


def bulletin_values(rows: list[RankRow]) -> Iterator[list]:
    """The bulletin's rows as cell values, as on the page."""
    for row in rows:
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
        ]
