"""The portal pages pass the content security policy in Chromium, on the production stack (gunicorn).

A reporter logs in, reads the tasks and the assignment, fills in a report with an evidence file and
submits it; a liaison department then opens the review queue and the report. No page may break the
policy (no inline script or style block runs) and every page sends it.
"""

import re

import psycopg2
import pytest

from bench import stack
from tests.deploy.conftest import requires_postgresql
from tests.deploy.test_csp_browser import ARTIFACTS, RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, requires_postgresql]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _assignment_and_liaison(database_url: str, unit: str, number: int) -> tuple[int, str]:
    """The id of project ``number``'s assignment to ``unit`` and the name of a department following it."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, d.name FROM projects_assignment a "
            "JOIN units_organisation o ON o.id = a.unit_id "
            "JOIN projects_featureproject p ON p.id = a.project_id "
            "JOIN projects_projectliaison l ON l.project_id = p.id "
            "JOIN units_organisation d ON d.id = l.department_id "
            "WHERE o.name = %s AND p.number = %s ORDER BY d.display_order LIMIT 1",
            [unit, number],
        )
        row = cursor.fetchone()
    connection.close()
    return row


def test_the_portal_pages_send_the_policy_and_break_none_of_it(
    app_servers, stack_environment, browser, tmp_path
):
    assignment_id, department = _assignment_and_liaison(stack_environment["DATABASE_URL"], "永春县妇联", 3)
    stack.create_member(stack_environment, "csp-reporter", "永春县妇联")
    stack.create_member(stack_environment, "csp-liaison", department, role="liaison")
    (server,) = app_servers(1, DJANGO_MEDIA_ROOT=str(tmp_path / "media"))
    ARTIFACTS.mkdir(exist_ok=True)
    evidence = tmp_path / "活动台账.pdf"
    evidence.write_bytes(PDF)
    console_violations: list[str] = []
    policies: dict[str, str] = {}

    def open_context(username: str):
        context = browser.new_context(locale="zh-CN")
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
        check(page, f"{username}-login", page.goto(f"{server.url}/login/"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", stack.PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return context, page

    def check(page, name: str, response) -> None:
        page.wait_for_load_state("networkidle")
        assert response is None or response.status == 200, name
        if response is not None:
            policies[name] = response.headers.get("content-security-policy", "")
        assert page.evaluate("window.__violations") == [], f"{name}: {page.evaluate('window.__violations')}"
        page.screenshot(path=ARTIFACTS / f"csp-portal-{name}.png", full_page=True)

    context, page = open_context("csp-reporter")
    with context:
        check(page, "tasks", page.goto(f"{server.url}/tasks/"))
        check(page, "assignment", page.goto(f"{server.url}/assignments/{assignment_id}/"))
        with page.expect_navigation():
            page.click(f"form[action^='/assignments/{assignment_id}/periods/'] button >> nth=0")
        assert re.search(r"/reports/\d+/edit/$", page.url), page.url
        check(page, "report-form", None)
        page.set_input_files("input[type=file]", str(evidence))
        with page.expect_navigation():
            page.click("form[enctype='multipart/form-data'] button[type=submit]")
        check(page, "report-form-with-evidence", None)
        page.fill("#report-form textarea[name=progress]", "开展巾帼志愿服务活动5次")
        with page.expect_navigation():
            page.click("#report-form button[name=submit]")
        report_path = page.url.removeprefix(server.url)
        assert re.fullmatch(r"/reports/\d+/", report_path), report_path
        check(page, "report-submitted", page.goto(f"{server.url}{report_path}"))

    context, page = open_context("csp-liaison")
    with context:
        check(page, "review-queue", page.goto(f"{server.url}/review/"))
        assert report_path in page.content()
        check(page, "report-for-review", page.goto(f"{server.url}{report_path}"))
        check(page, "history", page.goto(f"{server.url}/reports/"))

    assert console_violations == []
    for name, policy in policies.items():
        directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";"))
        assert directives["script-src"] == "'self'", name
        assert directives["style-src"] == "'self'", name
