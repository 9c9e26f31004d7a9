"""A county's own round in a real browser (issue 13 item 5): 晋江市妇联's administrator opens the
overview on its 2014 round — its projects × its streets, the totals, the streets' level view — and
the city's leader follows 晋江's 「本级争创活动」 link from the city's level view to the same page.
Screenshots on desktop and phone (390×844) go to ``test-artifacts/county-round-*`` to be looked at.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_dashboards_in_browser import PHONE, log_in
from tests.dashboards import test_county_round as county_data
from tests.dashboards.test_county_round import ON, STREETS

world = county_data.world

pytestmark = pytest.mark.browser


def test_the_county_overview_shows_its_streets_on_desktop_and_phone(
    live_server, page: Page, transactional_db, world
):
    ARTIFACTS.mkdir(exist_ok=True)
    log_in(page, live_server.url, world.jinjiang_admin, f"/dashboards/?on={ON.isoformat()}")
    expect(page.get_by_role("heading", name="2014年 晋江市妇联督办一览")).to_be_visible()
    expect(page.get_by_role("heading", name="各乡镇（街道）进展一览")).to_be_visible()
    level = page.locator("table.level-table tbody th")
    expect(level).to_have_text(list(STREETS))
    matrix = page.locator("table.matrix tbody th")
    expect(matrix).to_have_text(list(STREETS))
    expect(page.locator("nav.years")).to_contain_text("2014年（晋江市妇联）")
    page.screenshot(path=str(ARTIFACTS / "county-round-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / "county-round-phone.png"), full_page=True)


def test_the_city_follows_jinjiangs_link_to_its_round(live_server, page: Page, transactional_db, world):
    log_in(page, live_server.url, world.leader, f"/dashboards/?on={ON.isoformat()}")
    expect(page.get_by_role("heading", name="各县（市、区）进展一览")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "county-round-city-level.png"), full_page=True)
    page.locator("table.level-table").get_by_role("link", name="本级争创活动").click()
    expect(page.get_by_role("heading", name="2014年 晋江市妇联督办一览")).to_be_visible()
    expect(page.locator("table.level-table tbody th")).to_have_text(list(STREETS))
