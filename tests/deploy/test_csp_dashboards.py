"""The dashboards pass the content security policy in Chromium, on the production stack (gunicorn):
their charts, tooltips, print buttons and the colour rules' link run from static files only."""

import re

import pytest

from bench import stack
from tests.deploy.conftest import requires_postgresql
from tests.deploy.test_csp_browser import ARTIFACTS, RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, requires_postgresql]


def test_the_dashboards_break_none_of_the_policy_and_their_buttons_work(app_servers, browser):
    (server,) = app_servers(1)
    ARTIFACTS.mkdir(exist_ok=True)
    with browser.new_context(locale="zh-CN") as context:
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)

        def visit(name: str, path: str) -> None:
            response = page.goto(f"{server.url}{path}")
            page.wait_for_load_state("networkidle")
            assert response.status == 200, path
            assert page.evaluate("window.__violations") == [], (
                f"{path}: {page.evaluate('window.__violations')}"
            )
            page.screenshot(path=ARTIFACTS / f"csp-dashboards-{name}.png", full_page=True)

        page.goto(f"{server.url}/admin/login/")
        page.fill("#id_username", stack.USERNAME)
        page.fill("#id_password", stack.PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(r"/admin/$"))

        visit("overview", "/dashboards/?on=2014-10-20")
        page.click("[data-open=rules]")
        assert page.evaluate("document.getElementById('rules').open") is True
        unit_path = page.locator("a[href*='/dashboards/units/']").first.get_attribute("href")
        visit("project", "/dashboards/projects/1/?on=2014-10-20")
        visit("unit", unit_path)
        visit("bulletin", "/dashboards/bulletin/")
        assert page.locator("[data-print]").count() >= 1
        assert page.locator("[onclick]").count() == 0
