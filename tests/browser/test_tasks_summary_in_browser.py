"""我的任务 of a leader and of a liaison in Chromium, at a desk and on a phone (390×844): a summary
of what they must do with links into the review queue and the dashboards, not a card per assignment.
Screenshots: test-artifacts/tasks-summary-*.png."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, logged_in_context
from tests.dashboards.conftest import cast, city  # noqa: F401 (fixtures)
from tests.dashboards.test_list_query_counts import grow

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _open_as(browser: Browser, live_server, client, user, viewport: dict) -> Page:
    context = logged_in_context(browser, live_server, client, user, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/tasks/")
    return page


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("role", ["leader", "liaison"])
def test_my_tasks_summarise_the_work_and_lead_to_the_review_queue(
    live_server, browser, transactional_db, client, request, role, size
):
    town, people = request.getfixturevalue("city"), request.getfixturevalue("cast")
    town.readers = []
    grow(town, 0, 12)  # 24 reports and 24 plans waiting, on 13 projects of 宣传部
    page = _open_as(browser, live_server, client, people[role], VIEWPORTS[size])
    expect(page.locator("h1")).to_contain_text("我的任务")
    expect(page.get_by_role("heading", name="待审核的报告（按项目）")).to_be_visible()
    expect(page.locator(".summary-number").first).to_have_text("25" if role == "leader" else "24")
    assert page.locator("table").first.locator("tbody tr").count() == 10  # the largest ten, not 24 cards
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[size]["width"], f"the page scrolls sideways: {width} px"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"tasks-summary-{role}-{size}.png"), full_page=True)

    page.get_by_role("row").filter(has_text="巾帼志愿服务").first.get_by_role("link", name="12").click()
    expect(page.locator("h1")).to_contain_text("审核队列")
    expect(page.get_by_text("仅显示")).to_be_visible()
    # the twelve new units on 巾帼志愿服务: a report and a plan each
    expect(page.locator("article.task")).to_have_count(24)
    page.context.close()
