"""Benchmark: preview and confirm of the largest flat table an import accepts, through the admin.

Run: ``DJANGO_DEBUG=1 .venv/bin/python bench/import_flat_table.py [ROWS]``; the default, 1999 rows,
is the limit (2000 filled rows, the header included). Uses a throw-away SQLite file unless
DATABASE_URL is set (then that database is migrated and written to: use a scratch one). Prints the
seconds and peak memory of each step.
"""

import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_DEBUG", "1")
scratch = tempfile.mkdtemp()
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
os.environ.setdefault("DJANGO_MEDIA_ROOT", f"{scratch}/media")
os.environ["DJANGO_SETTINGS_MODULE"] = "quanzhou_women.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from projects.models import Assignment, Campaign, FeatureProject  # noqa: E402
from tests.spreadsheet_files import FLAT_HEADERS, xlsx_bytes  # noqa: E402
from units.models import Organisation  # noqa: E402


class QueryCount:
    """Counts the queries run inside ``with connection.execute_wrapper(counter)``."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __len__(self) -> int:
        return self.count


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(rows: int) -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "campaign_2014", verbosity=0)
    campaign = Campaign.objects.get(year=2014)
    units = [
        Organisation.objects.create(name=f"第{i}街道妇联", kind="township_federation") for i in range(50)
    ]
    for number in range(11, 11 + rows // 50 + 1):
        FeatureProject.objects.create(campaign=campaign, number=number, title=f"项目{number}", goal="目标")
    table = [FLAT_HEADERS]
    for i in range(rows):
        number, unit = 11 + i // 50, units[i % 50].name
        table.append([2014, number, "", unit, "培育示范点2个", "2014-12-31", "王丽", "主席", "13800000000"])
    data = xlsx_bytes(table)
    user = User.objects.create_superuser("bench", "bench@example.com", "x")
    client = Client()
    client.force_login(user)
    upload = io.BytesIO(data)
    upload.name = "bench.xlsx"

    start = time.perf_counter()
    with connection.execute_wrapper(preview_queries := QueryCount()):
        preview = client.post(
            reverse("admin:projects_assignment_import"),
            {"resource": "0", "format": "0", "import_file": upload, "add_units": "on"},
        )
    preview_seconds = time.perf_counter() - start
    form = preview.context.get("confirm_form")
    if form is None:
        from tests.spreadsheet_files import errors_of

        raise SystemExit(f"preview refused the file: {errors_of(preview)[:3]}")
    start = time.perf_counter()
    with connection.execute_wrapper(confirm_queries := QueryCount()):
        confirm = client.post(reverse("admin:projects_assignment_process_import"), form.initial)
    confirm_seconds = time.perf_counter() - start

    assert confirm.status_code == 302, confirm.status_code
    created = Assignment.objects.filter(unit__kind="township_federation").count()
    print(f"rows={rows} file={len(data) / 1024:.0f} KB created={created}")
    print(
        f"preview (dry run): {preview_seconds:.1f} s; confirm: {confirm_seconds:.1f} s; "
        f"peak RSS {peak_mb():.0f} MB"
    )
    print(
        f"queries: preview {len(preview_queries)} ({len(preview_queries) / rows:.1f} a row), "
        f"confirm {len(confirm_queries)} ({len(confirm_queries) / rows:.1f} a row)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1999)
