"""``manage.py restore_portal FOLDER``: put a backup back (replaces the data!)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maintenance.services import backup_restore


class Command(BaseCommand):
    """Load a folder written by ``backup_portal`` into the configured database and media storage.

    Asks for ``yes`` first, naming the database, unless ``--no-input`` is given.
    """

    help = "Restore a backup folder written by backup_portal; the database's content is replaced."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup_dir", type=Path, help="A portal-YYYYMMDD-HHMMSS folder.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args, backup_dir: Path, interactive: bool, **options) -> None:
        if interactive:
            database = settings.DATABASES["default"]["NAME"]
            answer = input(
                f"This replaces every record in database {database!r} with the backup {backup_dir}.\n"
                "Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        backup_restore(backup_dir=backup_dir)
        self.stdout.write(f"Restored {backup_dir}")
