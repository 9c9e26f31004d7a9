"""下发 / 签收 in Chromium (issue 15, item 3): the city issues the round from the admin's campaign
list (confirmation page first), a unit's reporter signs for a new task on 我的任务, and the city
overview shows 未签收 for the unit that has not. Screenshots: test-artifacts/receipt-*.png."""

import pytest
from playwright.sync_api import Browser, Page, expect

from reporting.models import TaskReceipt
from tests.browser.conftest import ARTIFACTS, logged_in_context
from tests.reporting.conftest import cast, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def _open_as(browser: Browser, live_server, client, user, path: str) -> Page:
    context = logged_in_context(browser, live_server, client, user)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}{path}")
    return page


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"receipt-{name}.png"), full_page=True)


def test_a_unit_signs_for_the_new_round(live_server, browser, transactional_db, client, request):
    the_world, people = request.getfixturevalue("world"), request.getfixturevalue("cast")

    admin = _open_as(browser, live_server, client, people["superuser"], "/admin/projects/campaign/")
    admin.locator(f"input[name=_selected_action][value='{the_world.campaign.pk}']").check()
    admin.locator("select[name=action]").select_option("issue_tasks")
    admin.get_by_role("button", name="执行").click()
    expect(admin.get_by_role("button", name="确认下发")).to_be_visible()
    _shot(admin, "confirm")
    assert not TaskReceipt.objects.exists()
    admin.get_by_role("button", name="确认下发").click()
    expect(admin.get_by_text("已向2个单位下发3项任务")).to_be_visible()
    admin.context.close()

    unit = _open_as(browser, live_server, client, people["reporter_a"], "/tasks/")
    pending = unit.locator("section.receipts-pending article.task")
    expect(pending).to_have_count(2)
    pending.filter(has_text="巾帼志愿者在行动").get_by_role("button", name="签收").click()
    expect(unit.get_by_text("已签收“1. 巾帼志愿者在行动”")).to_be_visible()
    expect(pending).to_have_count(1)
    _shot(unit, "signed")
    unit.context.close()
    receipt = TaskReceipt.objects.get(assignment=the_world.a1)
    assert (receipt.how, receipt.received_by) == ("signed", people["reporter_a"])

    city = _open_as(browser, live_server, client, people["leader"], "/dashboards/")
    listing = city.locator("section.unreceived")
    expect(listing).to_contain_text("晋江市妇联")  # A2 still not signed for
    expect(listing).to_contain_text("惠安县妇联")
    expect(city.locator("table.matrix .st-unreceived")).to_have_count(2)  # A2 and B1, not A1
    _shot(city, "overview")
    city.context.close()
