"""``manage.py backup_portal``: back up the database and the media files."""

from pathlib import Path

from django.core.management.base import BaseCommand

from maintenance.services import backup_create


class Command(BaseCommand):
    """Write ``portal-YYYYMMDD-HHMMSS/`` (database.dump, media.tar) under ``--output-dir``."""

    help = "Back up the database (pg_dump -Fc) and every media file into a new folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output-dir", default="backups", type=Path, help="Folder for backups.")

    def handle(self, *args, output_dir: Path, **options) -> None:
        target = backup_create(output_dir=output_dir)
        self.stdout.write(f"Backup written to {target}")
