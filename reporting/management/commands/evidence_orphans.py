"""``manage.py evidence_orphans``: list (or ``--delete``) evidence files that no row names."""

import datetime

from django.core.management.base import BaseCommand

from reporting.services import evidence_orphans, evidence_orphans_delete


class Command(BaseCommand):
    """Find files under ``evidence/`` without an ``Evidence`` row (a worker killed mid-upload,
    a storage error), older than ``--minutes`` (default 60); ``--delete`` removes them."""

    help = "List evidence files that belong to no evidence row; --delete removes them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--delete", action="store_true", help="Delete the orphan files.")
        parser.add_argument(
            "--minutes", type=int, default=60, help="Only files older than this (default 60)."
        )

    def handle(self, *args, delete: bool, minutes: int, **options) -> None:
        older_than = datetime.timedelta(minutes=minutes)
        names = (
            evidence_orphans_delete(older_than=older_than)
            if delete
            else evidence_orphans(older_than=older_than)
        )
        for name in names:
            self.stdout.write(name)
        self.stdout.write(f"{'Deleted' if delete else 'Orphan files'}: {len(names)}")
