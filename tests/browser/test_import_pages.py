"""Staff import a spreadsheet in the browser: preview in Chinese, errors by row and column, confirm."""

import pytest

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
