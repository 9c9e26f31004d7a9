"""The admin pages pass the content security policy in Chromium, on the production stack (gunicorn)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from bench import stack
from tests.deploy.conftest import requires_postgresql

pytestmark = [pytest.mark.browser, requires_postgresql]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_admin_login_lists_and_change_pages_send_the_policy_and_break_none_of_it(app_servers, browser):
    (server,) = app_servers(1)
    ARTIFACTS.mkdir(exist_ok=True)
    console_violations: list[str] = []
    visited: dict[str, str] = {}

    with browser.new_context(locale="zh-CN") as context:
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        page.on(
            "console",
            lambda message: (
                console_violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

        def visit(name: str, path: str) -> None:
            response = page.goto(f"{server.url}{path}")
            page.wait_for_load_state("networkidle")
            assert response.status == 200, path
            visited[name] = response.headers.get("content-security-policy", "")
            assert page.evaluate("window.__violations") == [], (
                f"{path}: {page.evaluate('window.__violations')}"
            )
            page.screenshot(path=ARTIFACTS / f"csp-{name}.png", full_page=True)

        visit("login", "/admin/login/")
        page.fill("#id_username", stack.USERNAME)
        page.fill("#id_password", stack.PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(r"/admin/$"))
        visit("index", "/admin/")
        visit("assignment-list", "/admin/projects/assignment/")
        page.click("#result_list tbody tr:first-child th a")
        page.wait_for_load_state("networkidle")
        visit("assignment-change", page.url.removeprefix(server.url))
        page.click(".inline-group .add-row a >> nth=0")  # the inline's JavaScript runs under the policy
        visit("project-list", "/admin/projects/featureproject/?q=巾帼")
        visit("project-change", "/admin/projects/featureproject/1/change/")  # units: two-box choice lists
        visit("step-add", "/admin/projects/milestone/add/")
        page.click(".select2-selection >> nth=0")  # autocomplete (select2) opens and loads choices
        page.wait_for_load_state("networkidle")
        visit("organisation-list", "/admin/units/organisation/")
        visit("project-history", "/admin/projects/featureproject/1/history/")

    assert console_violations == []
    for name, policy in visited.items():
        directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";"))
        assert directives["script-src"] == "'self'", name
        assert directives["style-src"] == "'self'", name
