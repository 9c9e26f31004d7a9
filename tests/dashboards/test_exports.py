"""The Excel exports: the ledger (台账) says what the overview says; the bulletin as on the page."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from dashboards.status import Status, colours
from tests.dashboards.conftest import ON
from tests.dashboards.test_views import cells_of


def sheet_rows(response) -> list[tuple]:
    """The data rows of the first sheet (after the title and the header)."""
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return rows[2:]


def test_the_ledger_holds_exactly_the_overviews_cells_with_the_same_status_and_figures(client, cast, city):
    client.force_login(cast["leader"])
    cells = cells_of(client.get(reverse("dashboards:overview"), {"on": ON.isoformat()}))
    rows = sheet_rows(client.get(reverse("dashboards:ledger"), {"on": ON.isoformat()}))
    # year, 序号, project, departments, unit, target, deadline, person, position, phone, steps,
    # planned %, actual %, status, why, latest report, report state, submitted on, missing
    ledger = {(row[4], row[1]): row for row in rows}
    assert set(ledger) == set(cells)
    for key, cell in cells.items():
        row = ledger[key]
        assert row[11] == cell.verdict.planned_percent
        assert row[12] == cell.verdict.actual_percent
        assert row[13] == str(Status(cell.status).label)
        assert row[14] == cell.verdict.explanation
        assert row[15] == (cell.latest_report["period"] if cell.latest_report else None)
        assert row[18] == len(cell.missing_periods)


def test_the_ledger_follows_the_filters_and_the_scope(client, cast, city):
    client.force_login(cast["leader"])
    rows = sheet_rows(client.get(reverse("dashboards:ledger"), {"department": city.development.pk}))
    assert {row[4] for row in rows} == {"晋江市妇联", "鲤城区妇联"}
    assert {row[2] for row in rows} == {"家庭教育指导"}
    client.force_login(cast["reporter"])
    rows = sheet_rows(client.get(reverse("dashboards:ledger")))
    assert {row[4] for row in rows} == {"鲤城区妇联"}
    assert len(rows) == 2


def test_the_ledger_of_all_campaigns_lists_every_year(client, cast, city):
    from tests.dashboards import factories

    older = factories.campaign(2023)
    factories.assignment(factories.project(older, 1, "旧项目", [city.publicity]), city.fengze)
    client.force_login(cast["leader"])
    rows = sheet_rows(client.get(reverse("dashboards:ledger"), {"campaign": "all"}))
    assert [row[0] for row in rows] == [2024, 2024, 2024, 2024, 2023]


def test_the_bulletin_export_has_the_pages_ranking(client, cast, city):
    client.force_login(cast["leader"])
    params = {"on": ON.isoformat(), "period": "all"}
    page = client.get(reverse("dashboards:bulletin"), params).context["rows"]
    rows = sheet_rows(client.get(reverse("dashboards:bulletin"), {**params, "format": "xlsx"}))
    assert [(row[0], row[1], row[7]) for row in rows] == [(r.rank, r.unit_name, r.on_time_rate) for r in page]


def _saved_sheet(response):
    """The first sheet of the saved workbook, read in full (styles and page set-up included)."""
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]


def _assert_prints_like_the_overview_table(sheet, columns: int) -> None:
    """A4 landscape, one page wide, the header row (row 2) repeated and frozen, 黑体 header,
    仿宋 body, thin borders round every table cell (empty ones too): the 一览表's set-up."""
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.freeze_panes == "A3"
    assert sheet.print_options.horizontalCentered is True
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert sheet["A1"].font.name == "宋体" and sheet["A1"].font.bold
    header = sheet[2][:columns]
    assert {cell.font.name for cell in header} == {"黑体"}
    body = [cell for row in sheet.iter_rows(min_row=3, max_col=columns) for cell in row]
    assert body and {cell.font.name for cell in body} == {"仿宋"}
    for cell in [*header, *body]:
        sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
        assert all(side.style == "thin" for side in sides), cell.coordinate


def test_the_ledger_prints_like_the_overview_table(client, cast, city):
    client.force_login(cast["leader"])
    sheet = _saved_sheet(client.get(reverse("dashboards:ledger"), {"on": ON.isoformat()}))
    _assert_prints_like_the_overview_table(sheet, 19)
    assert any(sheet.cell(row=row, column=16).value is None for row in range(3, sheet.max_row + 1))
    status = sheet.cell(row=3, column=14)
    backgrounds = {colour["background"].lstrip("#").lower() for colour in colours().values()}
    assert status.fill.fill_type == "solid" and status.fill.fgColor.rgb[-6:].lower() in backgrounds


def test_the_bulletin_prints_like_the_overview_table(client, cast, city):
    client.force_login(cast["leader"])
    response = client.get(
        reverse("dashboards:bulletin"), {"on": ON.isoformat(), "period": "all", "format": "xlsx"}
    )
    _assert_prints_like_the_overview_table(_saved_sheet(response), 11)
