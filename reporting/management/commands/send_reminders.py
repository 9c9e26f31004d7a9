"""``manage.py send_reminders``: remind units of reports due soon or overdue, now (by hand).

The worker (``manage.py run_worker``) does this on its schedule; this command is for a replay or a
first run. Safe beside the worker and beside itself.
"""

import datetime

from django.core.management.base import BaseCommand

from projects.models import Campaign
from reporting.services import periods_ensure, reminders_send


class Command(BaseCommand):
    """Write due-soon and overdue reminders to the inbox and the e-mail outbox; each only once.

    Any number of runs, also at the same time, send each reminder to each user once; the e-mails
    go out through the outbox (``manage.py run_worker``) when the mail server accepts them.
    ``--today`` (YYYY-MM-DD) replays another day.
    """

    help = "Send reminders of reports due soon or overdue (each reminder is sent once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Pretend today is this date.")

    def handle(self, *args, **options) -> None:
        for campaign in Campaign.objects.all():
            periods_ensure(campaign=campaign)
        sent = reminders_send(today=options["today"])
        self.stdout.write(f"Reminders sent: {sent}")
