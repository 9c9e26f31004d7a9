"""Faults: the database going away mid-request, and unexpected errors, give clean Chinese pages."""

import psycopg2
import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import OperationalError, connection
from django.urls import path, reverse

from bench.html_form import form_fields


def _cut_the_database() -> None:
    """Make the database go away under the running request.

    On PostgreSQL the server ends this connection's backend (as on a failover or restart), so the
    next statement fails; SQLite cannot lose its server, so the failure is raised directly.
    """
    if connection.vendor == "postgresql":
        database = settings.DATABASES["default"]
        other = psycopg2.connect(
            dbname=database["NAME"],
            user=database["USER"],
            password=database["PASSWORD"] or None,
            host=database["HOST"],
            port=database["PORT"],
        )
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
        other.close()
    else:
        raise OperationalError("disk I/O error")


@pytest.mark.django_db(transaction=True)
def test_the_database_going_away_mid_save_gives_a_chinese_page_and_writes_nothing(
    client, city_admin, carried_assignment
):
    client.force_login(city_admin)
    url = reverse("admin:projects_assignment_change", args=[carried_assignment.pk])
    data = form_fields(client.get(url).content.decode(), "assignment_form")
    data["responsible_person"] = ["张新"]
    history_before = carried_assignment.history.count()

    def cut_after_the_first_write(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('UPDATE "projects_assignment"'):
            _cut_the_database()
        return result

    with connection.execute_wrapper(cut_after_the_first_write):
        response = client.post(url, data)
    connection.close()

    assert response.status_code == 503
    assert "数据库暂时无法连接" in response.content.decode()
    assert response["Retry-After"] == "30"
    carried_assignment.refresh_from_db()
    assert carried_assignment.responsible_person == "王丽"
    assert carried_assignment.history.count() == history_before
    assert not LogEntry.objects.exists()


def _broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", _broken_view)]


@pytest.mark.urls("tests.deploy.test_faults")
def test_an_unexpected_error_shows_the_chinese_500_page(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_a_missing_page_shows_the_chinese_404_page(client, settings, db):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
