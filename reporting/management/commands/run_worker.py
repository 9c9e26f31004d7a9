"""``manage.py run_worker``: run background tasks and the periodic schedule (any number of workers).

django-tasks-db's ``db_worker`` with two additions: the scheduler (``reporting.tasks.SCHEDULE``
enqueued when due, every ``--schedule-every`` seconds, in a thread beside the worker), and a worker
that outlives a database outage (it waits and tries again instead of exiting).
"""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from reporting.tasks import schedule_enqueue_due

logger = logging.getLogger("reporting.worker")


class PatientWorker(db_worker.Worker):
    """A django-tasks-db worker that survives the database going away: it waits and goes on."""

    def run(self) -> None:
        """Run tasks until stopped; a lost database connection costs a pause, not the worker."""
        while self.running:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as error:
                logger.warning("Database unavailable (%s); trying again in 2 s", error)
                connections.close_all()
                time.sleep(2)


def run_scheduler(every: float, stop: threading.Event) -> None:
    """Enqueue the due periodic tasks every ``every`` seconds until ``stop`` is set."""
    while not stop.is_set():
        try:
            names = schedule_enqueue_due()
            if names:
                logger.info("Scheduled: %s", ", ".join(names))
        except (OperationalError, InterfaceError) as error:
            logger.warning("Scheduler: database unavailable (%s)", error)
        except Exception:  # a bug in one tick must not stop the schedule
            logger.exception("Scheduler tick failed")
        finally:
            connections.close_all()
        stop.wait(every)


class Command(db_worker.Command):
    """Run the worker (``db_worker``'s options) and, unless ``--no-scheduler``, the scheduler."""

    help = "Run background tasks (e-mail, reminders) and enqueue the periodic ones when due."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Only run tasks; do not enqueue periodic ones."
        )
        parser.add_argument(
            "--schedule-every", type=float, default=5.0, help="Seconds between schedule checks (default 5)."
        )

    def handle(self, *args, no_scheduler: bool, schedule_every: float, **options) -> None:
        """Start the scheduler thread, then run ``db_worker`` with the patient worker."""
        options["reload"] = False  # the scheduler thread and a reloader do not mix
        stop = threading.Event()
        if not no_scheduler and not options.get("batch"):
            threading.Thread(target=run_scheduler, args=(schedule_every, stop), daemon=True).start()
        original, db_worker.Worker = db_worker.Worker, PatientWorker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
            stop.set()
