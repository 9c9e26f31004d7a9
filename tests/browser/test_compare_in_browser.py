"""对标找差 in a real browser (issue 12 item 4): the leader reads a unit's project beside last
year's and ranks units against their own last year; screenshots go to ``test-artifacts/``."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_dashboards_in_browser import log_in
from tests.dashboards import compare_data
from tests.years import today_is, two_years  # noqa: F401 (fixtures)

compared = compare_data.compared

pytestmark = pytest.mark.browser


def test_the_leader_reads_last_year_beside_this_year_and_ranks_against_it(
    transactional_db, live_server, page: Page, screenshot, compared
):
    log_in(
        page,
        live_server.url,
        compared.leader,
        f"/dashboards/units/{compared.unit.pk}/?campaign={compared.y2015.pk}",
    )
    section = page.locator("section.compare").first
    expect(section).to_contain_text("对标找差（与2014年比）")
    expect(section).to_contain_text("↑50.0")
    section.scroll_into_view_if_needed()
    screenshot("unit")
    page.goto(f"{live_server.url}/dashboards/bulletin/?campaign={compared.y2015.pk}&period=all")
    page.get_by_label("与上年同期比").check()
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#compare-note")).to_contain_text("2014年度同期")
    page.get_by_role("link", name="较上年变化").click()
    expect(page.locator("table:not(.level-table) tbody tr").first).to_contain_text("晋江市妇联")
    screenshot("bulletin")
