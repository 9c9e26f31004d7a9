"""Several gunicorn app servers on one PostgreSQL database: users move between them; restarts lose nothing."""

import signal
import threading
import time

import psycopg2
import requests

from bench import stack
from tests.deploy.conftest import requires_postgresql

pytestmark = requires_postgresql


def _assignment(database_url: str, number: int, unit_name: str) -> tuple[int, str, str]:
    """(id, responsible person, phone) of 2014 project ``number``'s assignment to ``unit_name``."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.responsible_person, a.responsible_person_phone FROM projects_assignment a "
            "JOIN units_organisation o ON o.id = a.unit_id "
            "JOIN projects_featureproject p ON p.id = a.project_id "
            "WHERE o.name = %s AND p.number = %s",
            [unit_name, number],
        )
        row = cursor.fetchone()
    connection.close()
    return row


def test_a_user_who_logs_in_on_one_server_goes_on_editing_on_the_other(app_servers, stack_environment):
    first, second = app_servers(2)
    assignment_id, _, _ = _assignment(stack_environment["DATABASE_URL"], 1, "惠安县妇联")
    browser = requests.Session()

    logged_in = stack.log_in(browser, first.url)
    assert logged_in.url.endswith("/admin/"), "the login on the first server did not succeed"

    # The same session cookie, now on the second server: the change page opens and the save counts.
    page = browser.get(f"{second.url}/admin/projects/assignment/{assignment_id}/change/", timeout=10)
    assert page.status_code == 200 and "/admin/login/" not in page.url
    saved = stack.save_assignment(
        browser,
        second.url,
        assignment_id,
        responsible_person="林秀英",
        responsible_person_phone="0595-22100001",
    )
    assert saved.status_code == 302, saved.text[:2000]

    assert _assignment(stack_environment["DATABASE_URL"], 1, "惠安县妇联")[1:] == ("林秀英", "0595-22100001")
    back_on_first = browser.get(f"{first.url}/admin/projects/assignment/{assignment_id}/change/", timeout=10)
    assert "林秀英" in back_on_first.text


def test_a_saved_change_and_the_session_survive_restarting_the_app_server(app_servers, stack_environment):
    (server,) = app_servers(1)
    assignment_id, _, _ = _assignment(stack_environment["DATABASE_URL"], 2, "丰泽区妇联")
    browser = requests.Session()
    stack.log_in(browser, server.url)
    saved = stack.save_assignment(browser, server.url, assignment_id, responsible_person="陈美玲")
    assert saved.status_code == 302

    server.stop()
    server.start()

    page = browser.get(f"{server.url}/admin/projects/assignment/{assignment_id}/change/", timeout=10)
    assert page.status_code == 200 and "/admin/login/" not in page.url, "the session was lost in the restart"
    assert "陈美玲" in page.text
    assert _assignment(stack_environment["DATABASE_URL"], 2, "丰泽区妇联")[1] == "陈美玲"


def test_an_import_file_waiting_for_confirmation_on_one_server_is_found_by_another(stack_environment):
    save = (
        "from django.conf import settings; from django.utils.module_loading import import_string\n"
        "storage = import_string(settings.IMPORT_EXPORT_TMP_STORAGE_CLASS)(read_mode='rb')\n"
        "storage.save('序号,特色项目\\n1,巾帼文明岗'.encode()); print(storage.name)"
    )
    name = stack.manage(stack_environment, "shell", "-c", save).splitlines()[-1]

    read = (
        "from django.conf import settings; from django.utils.module_loading import import_string\n"
        f"print(import_string(settings.IMPORT_EXPORT_TMP_STORAGE_CLASS)(name={name!r}).read().decode())"
    )

    assert stack.manage(stack_environment, "shell", "-c", read).splitlines()[-2:] == [
        "序号,特色项目",
        "1,巾帼文明岗",
    ]


def test_saves_during_a_graceful_reload_are_all_answered_and_all_stored(app_servers, stack_environment):
    (server,) = app_servers(1)
    assignment_id, _, _ = _assignment(stack_environment["DATABASE_URL"], 2, "晋江市妇联")
    browser = requests.Session()
    stack.log_in(browser, server.url)
    answers: list[int] = []

    def keep_saving() -> None:
        for number in range(40):
            answer = stack.save_assignment(
                browser, server.url, assignment_id, responsible_person=f"重载-{number}"
            )
            answers.append(answer.status_code)

    saver = threading.Thread(target=keep_saving)
    saver.start()
    for _ in range(2):
        time.sleep(1.5)
        server.process.send_signal(signal.SIGHUP)  # new workers start, old ones finish their request
    saver.join(timeout=120)

    assert answers == [302] * 40
    server.log.seek(0)
    assert server.log.read().decode().count("Handling signal: hup") == 2, "gunicorn did not reload"
    with psycopg2.connect(stack_environment["DATABASE_URL"]) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT responsible_person FROM projects_historicalassignment "
            "WHERE id = %s AND responsible_person LIKE '重载-%%' ORDER BY history_id",
            [assignment_id],
        )
        stored = [row[0] for row in cursor.fetchall()]
    connection.close()
    assert stored == [f"重载-{number}" for number in range(40)]


def _report_row(database_url: str, report_path: str) -> tuple[str, str, int, list[str]]:
    """(status, progress, number of submit transitions, evidence file names) of the report at ``report_path``."""
    report_id = int(report_path.rstrip("/").rsplit("/", 1)[1])
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.status, r.progress, "
            "(SELECT count(*) FROM reporting_reporttransition t WHERE t.report_id = r.id AND t.action = 'submit'), "
            "(SELECT coalesce(array_agg(e.original_name), '{}') FROM reporting_evidence e WHERE e.report_id = r.id) "
            "FROM reporting_progressreport r WHERE r.id = %s",
            [report_id],
        )
        row = cursor.fetchone()
    connection.close()
    return row


def test_a_report_submitted_through_the_portal_survives_restarting_the_app_server(
    app_servers, stack_environment, tmp_path
):
    database_url = stack_environment["DATABASE_URL"]
    stack.create_member(stack_environment, "restart-reporter", "晋江市妇联")
    (server,) = app_servers(1, DJANGO_MEDIA_ROOT=str(tmp_path / "media"))
    assignment_id, _, _ = _assignment(database_url, 2, "晋江市妇联")
    browser = requests.Session()
    stack.log_in_portal(browser, server.url, "restart-reporter", stack.PASSWORD)
    report_path = stack.portal_report_submit(
        browser,
        server.url,
        assignment_id,
        "重启前提交：开展调研8次",
        evidence=("台账.pdf", PDF, "application/pdf"),
    )

    server.stop()
    server.start()

    assert _report_row(database_url, report_path) == ("submitted", "重启前提交：开展调研8次", 1, ["台账.pdf"])
    page = browser.get(f"{server.url}{report_path}", timeout=10)
    assert page.status_code == 200 and "/login/" not in page.url, "the session was lost in the restart"
    assert "重启前提交：开展调研8次" in page.text and "台账.pdf" in page.text


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
