"""``manage.py restore_portal FOLDER``: put a backup back (replaces the data!)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from maintenance.services import backup_restore


class Command(BaseCommand):
    """Load a folder written by ``backup_portal`` into the configured database and media storage."""

    help = "Restore a backup folder written by backup_portal; the database's content is replaced."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup_dir", type=Path, help="A portal-YYYYMMDD-HHMMSS folder.")

    def handle(self, *args, backup_dir: Path, **options) -> None:
        backup_restore(backup_dir=backup_dir)
        self.stdout.write(f"Restored {backup_dir}")
