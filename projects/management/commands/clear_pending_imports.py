"""``manage.py clear_pending_imports [--hours 24]``: delete uploads whose import was never confirmed."""

from datetime import timedelta

from django.core.files.storage import storages
from django.core.management.base import BaseCommand
from django.utils import timezone

#: The folder django-import-export's MediaStorage keeps uploads in, inside the "import_export" storage.
FOLDER = "django-import-export"


class Command(BaseCommand):
    """Uploads wait in the shared ``import_export`` storage between preview and confirm; a confirmed
    import deletes its file, an abandoned preview leaves it. Run this daily (cron or systemd timer)."""

    help = "Delete uploaded spreadsheets whose import was previewed but not confirmed within --hours."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=float, default=24, help="Age in hours from which to delete (24).")

    def handle(self, *args, hours: float, **options) -> None:
        storage = storages["import_export"]
        cutoff = timezone.now() - timedelta(hours=hours)
        deleted = 0
        if storage.exists(FOLDER):
            for name in storage.listdir(FOLDER)[1]:
                path = f"{FOLDER}/{name}"
                if storage.get_modified_time(path) < cutoff:
                    storage.delete(path)
                    deleted += 1
        self.stdout.write(f"{deleted} pending upload(s) deleted.")
