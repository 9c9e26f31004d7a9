"""The dashboards in a real browser: the leader follows a red cell to its project and reads why.

Screenshots of every dashboard page at desktop and phone width, and in print, go to
``test-artifacts/`` for a person to look at.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.dashboards import conftest as dashboard_data
from tests.dashboards.conftest import ON

# The small city of the dashboard tests and its cast of users, as fixtures here too.
city = dashboard_data.city
cast = dashboard_data.cast

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def log_in(page: Page, base_url: str, user, next_url: str) -> None:
    """Give ``user`` a password and log in through the portal's login page."""
    user.set_password("pw-dashboards-2024")
    user.save()
    page.goto(f"{base_url}/login/?next={next_url}")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill("pw-dashboards-2024")
    page.locator("form button[type=submit]").click()


def test_the_leader_follows_a_red_cell_to_its_project_and_reads_why(
    live_server, page, screenshot, transactional_db, cast, city
):
    log_in(page, live_server.url, cast["leader"], f"/dashboards/?on={ON.isoformat()}")
    expect(page.get_by_role("heading", name="全市督办一览")).to_be_visible()
    red = page.locator("a.cell.st-overdue")
    expect(red).to_have_count(1)
    red.hover()
    tooltip = red.locator(".why")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("摸底调研")
    screenshot("overview-tooltip")
    red.click()
    expect(page).to_have_url(re.compile(rf"/dashboards/projects/{city.volunteers.pk}/.*#a-{city.red.pk}$"))
    card = page.locator(f"#a-{city.red.pk}")
    why = card.locator(".why-box")
    expect(why).to_contain_text("为什么是“逾期”")
    expect(why).to_contain_text("第 1 步“摸底调研”应于 2024-02-28 完成，至今未完成")
    expect(why).to_contain_text("第1季度")
    screenshot("project")


PAGES = {
    "overview": "/dashboards/?on={on}",
    "project": "/dashboards/projects/{volunteers}/?on={on}",
    "unit": "/dashboards/units/{licheng}/?on={on}",
    "department": "/dashboards/departments/{publicity}/?on={on}",
    "cell": "/dashboards/cells/{red}/?on={on}",
    "bulletin": "/dashboards/bulletin/?on={on}&period=all",
}


def test_every_dashboard_page_fits_a_phone_and_prints(
    live_server, page, screenshot, transactional_db, cast, city
):
    log_in(page, live_server.url, cast["leader"], "/dashboards/")
    ids = {
        "on": ON.isoformat(),
        "volunteers": city.volunteers.pk,
        "licheng": city.licheng.pk,
        "publicity": city.publicity.pk,
        "red": city.red.pk,
    }
    for name, url in PAGES.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.emulate_media(media="screen")
        page.goto(live_server.url + url.format(**ids))
        expect(page.locator("h1")).to_be_visible()
        screenshot(f"{name}-desktop")
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(150)  # charts resize
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} is {overflow}px wider than a phone"
        screenshot(f"{name}-phone")
        page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
        page.emulate_media(media="print")
        expect(page.locator("body > header")).to_be_hidden()
        expect(page.locator(".filters, .toolbar").first).to_be_hidden() if page.locator(
            ".filters, .toolbar"
        ).count() else None
        screenshot(f"{name}-print")
