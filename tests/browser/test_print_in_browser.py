"""What leaders hand out, printed (issue 15 item 4): the city overview, a project page and a unit
page as Chromium prints them to A4 landscape, and the 台账 and the bulletin .xlsx as LibreOffice
prints them. The 2014 data with the demo plans and reports of ``manage.py load_demo``.

Each PDF is rendered to PNG (``pdftoppm``) under ``test-artifacts/print-*`` for a person to look
at. Needs poppler-utils (and LibreOffice for the .xlsx); skipped without them.
"""

import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from projects.models import Campaign
from tests.browser.conftest import ARTIFACTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (shutil.which("pdftotext") and shutil.which("pdfinfo") and shutil.which("pdftoppm")),
        reason="poppler-utils is not installed",
    ),
]

ON = "2014-10-15"  # late in the 2014 round: most periods due, some reports missing or late


@pytest.fixture
def demo_2014(campaign_2014, settings, tmp_path, monkeypatch):
    """The 2014 campaign with the demo plans and reports (as ``make run`` shows them)."""
    from reporting.management.commands import load_demo

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(load_demo, "PASSWORD_FILE", tmp_path / "demo-passwords")
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False
    return Campaign.objects.get(year=2014)


def pdf_pages(pdf: Path) -> tuple[int, str]:
    """The page count and ``pdfinfo``'s text of ``pdf``."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return pages, info


def is_a4_landscape(info: str) -> bool:
    """Whether ``pdfinfo``'s text says A4 landscape: 842 × 595 points, give or take a point."""
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, _, height = size.split(":", 1)[1].split()[:3]
    return abs(float(width) - 841.9) < 1.5 and abs(float(height) - 595.3) < 1.5


def page_text(pdf: Path, number: int) -> str:
    """The text of page ``number`` (1-based) of ``pdf``."""
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def print_to_pdf(page: Page, name: str) -> Path:
    """``page`` printed as Chromium prints it (A4 landscape, backgrounds), and its pages as PNG."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"print-{name}-*.png"):
        old.unlink()
    page.set_viewport_size({"width": 1032, "height": 703})  # A4 landscape less 12 mm margins, 96 dpi
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # as the browser's print does
    page.wait_for_timeout(300)  # the charts resize
    pdf = ARTIFACTS / f"print-{name}.pdf"
    page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True, prefer_css_page_size=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / f"print-{name}")],
        check=True,
        capture_output=True,
    )
    return pdf


def test_the_overview_prints_landscape_with_its_header_on_every_page(live_server, browser_page, demo_2014):
    page = browser_page
    page.goto(f"{live_server.url}/dashboards/?on={ON}")
    expect(page.locator("table.matrix")).to_be_visible()
    # On screen the 「打印」 button overlaps nothing: the toolbar sits under the heading line.
    button = page.locator(".toolbar [data-print]")
    box, head = button.bounding_box(), page.locator(".dash-head").bounding_box()
    assert box["y"] >= head["y"] + head["height"] - 1, (box, head)
    table = page.locator("table.matrix").bounding_box()
    assert box["y"] + box["height"] <= table["y"], (box, table)
    expect(page.locator(".print-title")).to_be_hidden()
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(200)
        box, table = button.bounding_box(), page.locator("table.matrix thead").bounding_box()
        assert box["y"] + box["height"] <= table["y"], (viewport, box, table)
        page.screenshot(path=ARTIFACTS / f"print-button-{viewport['width']}.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    pdf = print_to_pdf(page, "overview")
    pages, info = pdf_pages(pdf)
    assert is_a4_landscape(info), info
    assert pages >= 2
    first = page_text(pdf, 1)
    assert "2014年“争六好、创特色” · 全市督办一览 · 截至2014年10月15日" in first  # the print title
    assert "打印" not in first and "导出台账" not in first  # buttons are not printed
    # The header row is printed once over the matrix and again on every page it runs on to. The
    # 2014 matrix fits one page, so rows are made taller here to make it run over three or more.
    page.evaluate(
        "document.querySelectorAll('table.matrix tbody tr').forEach((tr) => { tr.style.height = '14mm'; })"
    )
    pdf = print_to_pdf(page, "overview-long")
    pages, _ = pdf_pages(pdf)
    texts = [page_text(pdf, n) for n in range(1, pages + 1)]
    carrying = [n for n, text in enumerate(texts) if "第3季度 · " in text]  # pages with matrix cells
    assert len(carrying) >= 2, texts
    for n in carrying:
        assert "责任单位" in texts[n] and "10. " in texts[n], f"page {n + 1} lacks the header row"
    assert "市直系统有关妇委会" in texts[carrying[-1]]  # the last row is on the last matrix page


def test_the_project_page_flows_its_units_continuously(live_server, browser_page, demo_2014):
    page = browser_page
    project = max(demo_2014.projects.all(), key=lambda p: p.assignments.count())
    units = project.assignments.count()
    assert units >= 3
    page.goto(f"{live_server.url}/dashboards/projects/{project.pk}/?on={ON}")
    expect(page.locator(".unit-card").first).to_be_visible()
    pdf = print_to_pdf(page, "project")
    pages, info = pdf_pages(pdf)
    assert is_a4_landscape(info), info
    assert pages <= units, f"{pages} pages for {units} units"
    # The cards flow on: a card starts on the page where the one before it ends.
    texts = [page_text(pdf, n) for n in range(1, pages + 1)]
    per_page = [text.count("为什么是") for text in texts]  # each card opens with its why-box
    assert sum(per_page) == units and max(per_page) >= 2, per_page
    first = page_text(pdf, 1)
    assert project.title[:8] in first and "截至2014年10月15日" in first


def test_the_unit_page_flows_its_projects_continuously(live_server, browser_page, demo_2014):
    page = browser_page
    assignment = max(
        (a for p in demo_2014.projects.all() for a in p.assignments.select_related("unit")),
        key=lambda a: a.unit.assignments.filter(project__campaign=demo_2014).count(),
    )
    unit = assignment.unit
    carried = unit.assignments.filter(project__campaign=demo_2014).count()
    page.goto(f"{live_server.url}/dashboards/units/{unit.pk}/?on={ON}")
    expect(page.locator(".unit-card").first).to_be_visible()
    pdf = print_to_pdf(page, "unit")
    pages, info = pdf_pages(pdf)
    assert is_a4_landscape(info), info
    assert pages <= max(1, carried), f"{pages} pages for {carried} projects"
    per_page = [page_text(pdf, n).count("为什么是") for n in range(1, pages + 1)]
    assert sum(per_page) == carried and max(per_page) >= 2, per_page  # the cards flow on
    first = page_text(pdf, 1)
    assert unit.name in first and "截至2014年10月15日" in first


def test_the_bulletin_prints_landscape_with_its_title_line(live_server, browser_page, demo_2014):
    page = browser_page
    page.goto(f"{live_server.url}/dashboards/bulletin/?on={ON}&period=all")
    expect(page.locator("#county-map svg")).to_be_visible()
    pdf = print_to_pdf(page, "bulletin")
    pages, info = pdf_pages(pdf)
    assert is_a4_landscape(info), info
    first = page_text(pdf, 1)
    # Its own head is the title line: the issuing body (only in print), the title with its day.
    assert "泉州市妇联" in first and "特色项目推进情况通报（全年度，截至2014-10-15）" in first
    assert "导出" not in first and "打印" not in first
    everything = "".join(page_text(pdf, n) for n in range(1, pages + 1))
    assert "名次" in everything and "市直系统有关妇委会" in everything


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
@pytest.mark.parametrize(
    ("name", "url", "last_header"),
    [
        ("ledger", f"/dashboards/ledger.xlsx?on={ON}", "缺报期数"),
        ("bulletin", f"/dashboards/bulletin/?on={ON}&period=all&format=xlsx", "滞后"),
    ],
)
def test_libreoffice_prints_the_workbooks_landscape_with_every_column_on_page_one(
    admin_client, demo_2014, tmp_path, name, url, last_header
):
    response = admin_client.get(url)
    assert response.status_code == 200
    workbook = tmp_path / f"{name}.xlsx"
    workbook.write_bytes(b"".join(response.streaming_content))
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / f"{name}.pdf"
    _, info = pdf_pages(pdf)
    assert is_a4_landscape(info), info
    first = page_text(pdf, 1)
    assert last_header in first, first[:2000]  # the last column's header: every column on page 1
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / f"print-{name}-xlsx.pdf")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "100",
            "-png",
            "-f",
            "1",
            "-l",
            "2",
            str(pdf),
            str(ARTIFACTS / f"print-{name}-xlsx"),
        ],
        check=True,
        capture_output=True,
    )
