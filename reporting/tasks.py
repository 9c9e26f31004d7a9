"""Background work of progress reporting, as tasks of Django's Tasks API (django-tasks backport).

Tasks are rows of django-tasks-db in the portal's database, run by ``manage.py run_worker``.
``SCHEDULE`` lists the periodic ones: the worker's scheduler (``schedule_enqueue_due``) enqueues
each when it is due, so no cron line is needed. Every task calls a service and may run twice or
late without harm: the services it calls are idempotent.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from reporting import services
from reporting.models import ScheduledJob

logger = logging.getLogger(__name__)


@task()
def outbox_deliver(email_id: int) -> bool:
    """Send one outbox e-mail (``services.outbox_send``); a refusal schedules its own retry."""
    return services.outbox_send(email_id=email_id)


@task()
def robot_deliver(message_id: int) -> bool:
    """Post one group-robot message (``chasing.robot_send``); a refusal schedules its own retry."""
    from reporting import chasing

    return chasing.robot_send(message_id=message_id)


@task()
def outbox_sweep() -> int:
    """Send every outbox e-mail and robot message that is due (also those of a worker that died);
    return how many went out."""
    from reporting import chasing

    return services.outbox_send_due() + chasing.robot_send_due()


@task()
def reminders_run() -> int:
    """Create missing reporting periods, then send due-soon and overdue reminders (each once)."""
    from projects.models import Campaign

    for campaign in Campaign.objects.all():
        services.periods_ensure(campaign=campaign)
    return services.reminders_send()


@task()
def import_jobs_clear() -> int:
    """Delete expired spreadsheet import jobs with their files
    (``background_import.jobs_delete_expired``); return how many."""
    from reporting import background_import

    return background_import.jobs_delete_expired()


def schedule() -> dict[str, tuple]:
    """The periodic tasks: name → (task, interval in seconds), the intervals from the settings."""
    return {
        "outbox_sweep": (outbox_sweep, settings.OUTBOX_SWEEP_SECONDS),
        "reminders": (reminders_run, settings.REMINDERS_EVERY_SECONDS),
        "import_jobs_clear": (import_jobs_clear, 3600),
    }


def schedule_enqueue_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue each periodic task that is due and move its next run on; return the names enqueued.

    One transaction per job, holding its ``ScheduledJob`` row's lock (SQLite: the write lock), so
    two workers never enqueue the same slot. A job seen for the first time runs at once. A
    worker that was down for a day enqueues a missed job once, not once per missed slot.
    """
    now = now or timezone.now()
    enqueued = []
    for name, (periodic, seconds) in schedule().items():
        ScheduledJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
        with transaction.atomic():
            job = ScheduledJob.objects.select_for_update().get(name=name)
            if job.next_run_at > now:
                continue
            periodic.enqueue()
            job.last_enqueued_at = now
            job.next_run_at = now + datetime.timedelta(seconds=seconds)
            job.save(update_fields=["last_enqueued_at", "next_run_at"])
        enqueued.append(name)
    return enqueued


@task()
def import_job_run(job_id: int) -> str:
    """Run the current phase (preview or confirm) of a big spreadsheet import
    (``reporting.background_import.job_run``); a job already run is left alone."""
    from reporting import background_import

    return background_import.job_run(job_id)
