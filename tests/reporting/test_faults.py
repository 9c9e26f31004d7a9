"""Faults in the middle of a report submission: the database going away writes nothing at all."""

import pytest
from django.db import connection
from django.urls import reverse

from reporting.models import Notification, ProgressReport, ReportStatus, ReportTransition
from tests.deploy.test_faults import _cut_the_database
from tests.reporting.conftest import make_report


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "cut_after", ['UPDATE "reporting_progressreport"', 'INSERT INTO "reporting_reporttransition"']
)
def test_the_database_going_away_mid_submission_leaves_the_report_a_draft_with_no_step_and_no_notice(
    client, world, cast, cut_after
):
    draft = make_report(world, world.a1, cast["reporter_a"])
    client.force_login(cast["reporter_a"])

    def cut_after_the_write(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith(cut_after):
            _cut_the_database()
        return result

    with connection.execute_wrapper(cut_after_the_write):
        response = client.post(reverse("reporting:report_action", args=[draft.pk, "submit"]))
    connection.close()

    assert response.status_code == 503
    assert "数据库暂时无法连接" in response.content.decode()
    report = ProgressReport.objects.get(pk=draft.pk)
    assert report.status == ReportStatus.DRAFT
    assert report.submitted_at is None
    assert report.version == draft.version
    assert not ReportTransition.objects.filter(report=report).exists()
    assert not Notification.objects.exists()
