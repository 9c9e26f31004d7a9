"""Staff import a spreadsheet in the browser: preview in Chinese, errors by row and column, confirm."""

import pytest
from playwright.sync_api import expect

from projects.models import Assignment
from tests.browser.conftest import save_screenshot
from tests.spreadsheet_files import FLAT_HEADERS, flat_row, use_pending_import_folder, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _pending(settings, tmp_path):
    use_pending_import_folder(settings, tmp_path)


def upload(page, live_server, tmp_path, rows, name="四定.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows))
    page.goto(f"{live_server.url}/admin/projects/assignment/import/")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_a_good_file_is_previewed_and_confirmed(browser_page, live_server, campaign_2014, tmp_path):
    upload(
        browser_page,
        live_server,
        tmp_path,
        [
            FLAT_HEADERS,
            flat_row(target="培育试点2个"),
            flat_row(number=1, unit="惠安县妇联", deadline="2014年12月31日"),
        ],
    )

    assert "预览" in browser_page.content()
    save_screenshot(browser_page, "import-preview")
    with browser_page.expect_navigation():
        browser_page.click("input[value='确认导入']")
    save_screenshot(browser_page, "import-done")

    assert "导入成功" in browser_page.content()
    assert Assignment.objects.get(project__number=7, unit__name="晋江市妇联").target == "培育试点2个"


def test_a_bad_file_shows_errors_by_row_and_column_and_offers_no_confirm(
    browser_page, live_server, campaign_2014, tmp_path
):
    upload(
        browser_page,
        live_server,
        tmp_path,
        [FLAT_HEADERS, flat_row(deadline="2014-13-01"), flat_row(number=1, unit="晋江妇联")],
    )
    page = browser_page.content()
    save_screenshot(browser_page, "import-errors")

    assert "第 2 行，“定时限”列" in page and "2014-13-01" in page
    assert "第 3 行，“责任单位”列" in page and "晋江妇联" in page
    assert "确认导入" not in page


def test_project_list_offers_the_overview_table(browser_page, live_server, campaign_2014):
    browser_page.goto(f"{live_server.url}/admin/projects/featureproject/")
    save_screenshot(browser_page, "project-list")

    with browser_page.expect_download() as download:
        browser_page.click("text=导出一览表（Excel）")
    assert download.value.suggested_filename == "2014年泉州市妇联系统特色工作一览表.xlsx"


def test_the_preview_opens_with_the_counts_pages_without_script_and_folds_unchanged_rows(
    browser_page, live_server, campaign_2014, tmp_path, monkeypatch
):
    from quanzhou_women.lib import importing

    monkeypatch.setattr(importing, "PREVIEW_PAGE_ROWS", 2)
    stored = Assignment.objects.select_related("project", "unit").order_by("pk")
    rows = [FLAT_HEADERS]
    for assignment in stored[:5]:
        rows.append(flat_row(number=assignment.project.number, unit=assignment.unit.name, target="新的目标"))
    same = stored[5]
    unchanged = flat_row(
        number=same.project.number, unit=same.unit.name, target=same.target, deadline="", person="", phone=""
    )
    unchanged[7] = ""
    rows.append(unchanged)
    upload(browser_page, live_server, tmp_path, rows)

    page = browser_page
    assert "新增 0、修改 5、未变 1、错误 0" in page.inner_text(".import-counts")
    first, third = page.locator("#preview-page-1"), page.locator("#preview-page-3")
    assert first.is_visible() and not third.is_visible()
    page.click("a[href='#preview-page-3']")
    assert third.is_visible() and not first.is_visible()
    assert third.locator("tbody tr").count() == 1
    unchanged_rows = page.locator("details.import-unchanged tbody tr")
    assert not unchanged_rows.first.is_visible()
    page.click("details.import-unchanged summary")
    assert unchanged_rows.first.is_visible()
    save_screenshot(page, "import-preview-pages")


def test_a_big_import_shows_its_progress_then_reloads_into_the_preview(browser_page, live_server, city_admin):
    """The progress page of a big import (``reporting.background_import``): the bar and the rows
    read and checked; the script polls the JSON endpoint and, once the task has finished, the
    page turns into the preview with the counts."""
    from reporting.models import ImportJob, ImportJobPage

    job = ImportJob.objects.create(
        user=city_admin,
        model_label="projects.assignment",
        file_name="django-import-export/big.xlsx",
        original_name="四定大表.xlsx",
        state=ImportJob.State.RUNNING,
        rows_total=5001,
        rows_read=5001,
        rows_checked=2500,
    )
    browser_page.goto(f"{live_server.url}/admin/projects/assignment/import-job/{job.pk}/")

    bar = browser_page.locator("progress.import-progress-bar")
    assert bar.get_attribute("value") == "59"  # 20 % read + 80 % × 2,500 / 5,001 checked
    assert "已读取 5001 行，已检查 2500 行，已写入 0 行。" in browser_page.content()
    save_screenshot(browser_page, "import-progress")

    ImportJob.objects.filter(pk=job.pk).update(rows_checked=4000)
    expect(browser_page.locator(".import-progress-percent")).to_have_text("83%")  # polled, no reload
    assert bar.get_attribute("value") == "83"
    ImportJobPage.objects.create(
        job=job, number=1, first=1, last=1, html="<tr><td>新增</td><td>大表目标</td></tr>"
    )
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        rows_checked=5001,
        result={
            "counts_text": "新增 5000、修改 0、未变 0、错误 0",
            "errors": [],
            "error_count": 0,
            "headers": ["年度"],
        },
    )
    browser_page.wait_for_selector("#import-counts")
    assert "新增 5000、修改 0、未变 0、错误 0" in browser_page.content()
    assert browser_page.locator("input[value='确认导入']").count() == 1
    save_screenshot(browser_page, "import-progress-done")
