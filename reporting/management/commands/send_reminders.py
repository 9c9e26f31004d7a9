"""``manage.py send_reminders``: remind units of reports due soon or overdue (run it from cron)."""

import datetime

from django.core.management.base import BaseCommand

from projects.models import Campaign
from reporting.services import periods_ensure, reminders_send


class Command(BaseCommand):
    """Send due-soon and overdue reminders by e-mail and in the portal; each reminder only once.

    Safe to run as often as cron likes (e.g. daily at 08:00 Asia/Shanghai): a reminder already
    sent to a user is never sent again. ``--today`` (YYYY-MM-DD) replays another day.
    """

    help = "Send reminders of reports due soon or overdue (each reminder is sent once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Pretend today is this date.")

    def handle(self, *args, **options) -> None:
        for campaign in Campaign.objects.all():
            periods_ensure(campaign=campaign)
        sent = reminders_send(today=options["today"])
        self.stdout.write(f"Reminders sent: {sent}")
