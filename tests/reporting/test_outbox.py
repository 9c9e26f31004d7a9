"""E-mail through the outbox: a mail outage fails no action and loses no message; each goes out once.

A local SMTP stub on 127.0.0.1 stands for the mail server: it refuses (421) while "down".
"""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bench.smtp_stub import SmtpStub
from reporting import services, tasks
from reporting.models import Notification, OutboxEmail, ProgressReport, ReportStatus, ScheduledJob
from tests.reporting.conftest import make_report, run_tasks


@pytest.fixture
def smtp(settings):
    """The portal's mail goes to a local stub; ``smtp.refusing = True`` takes the mail server down."""
    stub = SmtpStub().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", stub.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield stub
    stub.stop()


def _later(seconds: int = 3600) -> None:
    """Move every pending e-mail's and task's next try into the past, as if time had passed."""
    from django_tasks_db.models import DBTaskResult

    past = timezone.now() - datetime.timedelta(seconds=1)
    OutboxEmail.objects.filter(sent_at__isnull=True).update(next_attempt_at=past)
    DBTaskResult.objects.filter(run_after__isnull=False).update(run_after=past)


def test_submitting_with_the_mail_server_down_succeeds_and_the_mail_goes_out_once_it_is_back(
    client, world, cast, smtp
):
    smtp.refusing = True
    draft = make_report(world, world.a1, cast["reporter_a"])
    client.force_login(cast["reporter_a"])

    response = client.post(reverse("reporting:report_action", args=[draft.pk, "submit"]), follow=True)

    assert response.status_code == 200
    assert "报告已提交审核" in response.text
    assert ProgressReport.objects.get(pk=draft.pk).status == ReportStatus.SUBMITTED
    run_tasks()  # the worker tries: the server refuses
    email = OutboxEmail.objects.get()
    assert (email.to_address, email.sent_at, email.attempts) == ("liaison@example.com", None, 1)
    assert "421" in email.last_error
    assert email.next_attempt_at > timezone.now()  # backoff: not again at once
    assert Notification.objects.get().emailed_at is None

    smtp.refusing = False
    _later()
    run_tasks()
    run_tasks()

    assert smtp.recipients() == ["liaison@example.com"]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert Notification.objects.get().emailed_at == email.sent_at


def test_approving_with_the_mail_server_down_succeeds_with_no_500(client, world, cast, smtp):
    smtp.refusing = True
    report = make_report(world, world.a1, cast["reporter_a"], submit=True)
    client.force_login(cast["liaison"])

    response = client.post(reverse("reporting:report_action", args=[report.pk, "approve"]), follow=True)

    assert response.status_code == 200
    assert "报告已审核通过" in response.text
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    assert OutboxEmail.objects.filter(to_address="reporter_a@example.com", sent_at__isnull=True).exists()


def test_the_sweep_sends_every_pending_message_once_however_often_it_runs(world, cast, smtp):
    smtp.refusing = True
    for assignment in (world.a1, world.a2):
        make_report(world, assignment, cast["reporter_a"], submit=True)
    run_tasks()
    assert OutboxEmail.objects.filter(sent_at__isnull=True).count() == 2

    smtp.refusing = False
    _later()
    sent = services.outbox_send_due() + services.outbox_send_due()
    run_tasks()  # the retries scheduled during the outage find nothing left to send

    assert sent == 2
    assert sorted(smtp.recipients()) == ["liaison@example.com", "other_liaison@example.com"]


def test_an_e_mail_interrupted_mid_send_is_not_marked_sent_and_goes_out_later(world, cast, smtp, monkeypatch):
    make_report(world, world.a1, cast["reporter_a"], submit=True)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")  # the process ends in the middle of the SMTP talk

    monkeypatch.setattr("django.core.mail.EmailMessage.send", killed)
    with pytest.raises(SystemExit):
        services.outbox_send(email_id=OutboxEmail.objects.get().pk)
    monkeypatch.undo()

    email = OutboxEmail.objects.get()
    assert email.sent_at is None and email.attempts == 0  # the transaction of the send rolled back
    assert services.outbox_send_due() == 1
    assert smtp.recipients() == ["liaison@example.com"]


def test_reminders_with_the_mail_server_down_are_not_marked_e_mailed_and_go_out_later(world, cast, smtp):
    smtp.refusing = True
    call_command("send_reminders", "--today", "2014-04-09")
    run_tasks()
    reminders = Notification.objects.filter(kind=Notification.Kind.DUE_SOON)
    assert reminders.count() == 3
    assert not reminders.filter(emailed_at__isnull=False).exists()

    smtp.refusing = False
    _later()
    run_tasks()

    assert sorted(smtp.recipients()) == ["reporter_a@example.com"] * 2 + ["reporter_b@example.com"]
    assert not reminders.filter(emailed_at__isnull=True).exists()


def test_the_worker_schedules_the_reminders_and_the_sweep_once_per_slot(world, cast, settings, smtp):
    now = timezone.now()
    assert tasks.schedule_enqueue_due(now=now) == ["outbox_sweep", "reminders", "import_jobs_clear"]
    assert tasks.schedule_enqueue_due(now=now) == []  # a second worker at the same moment: nothing
    later = now + datetime.timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS)
    assert tasks.schedule_enqueue_due(now=later) == ["outbox_sweep"]
    assert ScheduledJob.objects.get(name="reminders").next_run_at == now + datetime.timedelta(
        seconds=settings.REMINDERS_EVERY_SECONDS
    )

    assert run_tasks() >= 3
    assert Notification.objects.filter(
        kind__in=[Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE]
    ).exists()


def test_a_reminder_raced_by_another_run_is_skipped_not_a_crash(world, cast):
    reporter = cast["reporter_a"]
    key = "due_soon:1:1"
    Notification.objects.create(recipient=reporter, kind="due_soon", message="先到", key=key)
    from django.db.models import QuerySet

    real_exists = QuerySet.exists
    # The other run commits its row between this run's check and its insert.
    QuerySet.exists = lambda self: False
    try:
        created = services.notifications_send(recipients=[reporter], kind="due_soon", message="后到", key=key)
    finally:
        QuerySet.exists = real_exists

    assert created == []
    assert list(Notification.objects.filter(key=key).values_list("message", flat=True)) == ["先到"]


def _send_to(users) -> int:
    """Queries taken by one notification to ``users`` (no reminder key)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.notifications_send(recipients=users, kind="submitted", message="已提交", link="/reports/1/")
    return len(queries)


def test_a_notification_to_many_costs_two_inserts_and_one_task_per_e_mail(django_user_model, smtp):
    from django_tasks_db.models import DBTaskResult

    one = [django_user_model.objects.create(username="one", email="one@example.com")]
    many = [django_user_model.objects.create(username=f"u{n}", email=f"u{n}@example.com") for n in range(5)]
    no_address = django_user_model.objects.create(username="no-address", email="")

    assert _send_to(one) == 3  # the notification, its e-mail, its task
    assert _send_to([*many, no_address]) == 2 + 5  # the notifications, the e-mails, 5 tasks

    assert Notification.objects.count() == 7
    assert Notification.objects.filter(recipient=no_address).count() == 1
    assert sorted(OutboxEmail.objects.values_list("to_address", flat=True)) == sorted(
        user.email for user in [*one, *many]
    )
    assert DBTaskResult.objects.count() == 6
    assert OutboxEmail.objects.get(to_address="u3@example.com").body.endswith("/reports/1/")
    assert run_tasks() == 6
    assert sorted(smtp.recipients()) == sorted(user.email for user in [*one, *many])
