"""Benchmark: preview and confirm of the flat 四定 table through the admin (issue 11, item 9).

Run: ``DJANGO_DEBUG=1 .venv/bin/python bench/import_flat_table.py [ROWS]``; the default, 1999 rows,
is the most one request takes (2000 filled rows, the header included); more rows (up to 20,000) go
through the background import, its preview and confirm tasks run in this process as a worker would
run them (the times include the tasks). Uses a throw-away SQLite
file unless DATABASE_URL is set: then that database is migrated and written to, so name a fresh,
empty scratch database (``createdb bench_speed``; never the portal's or the tests' database).

Two files of ROWS rows go through the admin's import (Django's test client, the whole middleware
stack, logged in as a city administrator; preview = upload + dry run + the rendered page, confirm =
the confirm step): first every row a new responsibility (``add_units``), then the same rows with a
new target (every row changed). For each: seconds and queries. Compared with

- the **floor**: the same rows written straight, as fast as the portal knows how, with their
  history rows: ``bulk_create_with_history``, or ``bulk_update_rows`` + ``bulk_history_create``
  (no file, no checks; rolled back); Django's own ``bulk_update_with_history`` is printed too;
- the **peer**: a plain django-import-export ``ModelResource`` of ``Assignment`` (ids in the
  cells, ``ForeignKeyWidget``, the library's defaults: a lookup and a ``save()`` per row, with
  django-simple-history's signal writing a history row per row): ``import_data`` in a dry run
  (its preview) and for real (its confirm; rolled back), given the dataset (it reads no file).

Prints the figures and a Markdown table for docs/benchmarks.md.
"""

import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measure import peak_mb, rolled_back, scratch_django, timed

scratch_django()

import tablib  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402
from simple_history.utils import bulk_create_with_history, bulk_update_with_history  # noqa: E402

from projects.models import Assignment, Campaign, FeatureProject  # noqa: E402
from quanzhou_women.lib.bulk import bulk_update_rows  # noqa: E402
from tests.spreadsheet_files import FLAT_HEADERS, errors_of, xlsx_bytes  # noqa: E402
from units.models import Organisation  # noqa: E402

FIELDS = [
    "target",
    "deadline",
    "responsible_person",
    "responsible_person_position",
    "responsible_person_phone",
]


#: Above this many rows the peer is not run (it takes a lookup and a save per row: minutes).
PEER_MAX_ROWS = 5000


class PeerResource(resources.ModelResource):
    """The peer: django-import-export as its documentation shows it, on the same model."""

    project = fields.Field(
        attribute="project", column_name="project", widget=widgets.ForeignKeyWidget(FeatureProject)
    )
    unit = fields.Field(attribute="unit", column_name="unit", widget=widgets.ForeignKeyWidget(Organisation))

    class Meta:
        model = Assignment
        fields = ("project", "unit", *FIELDS)
        import_id_fields = ("project", "unit")
        skip_unchanged = True
        use_transactions = True


def main(rows: int) -> None:
    setup_test_environment()
    if rows > 1999:  # the background import: its tasks run in this process, as soon as enqueued
        from django.conf import settings

        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("migrate", verbosity=0)
    call_command("loaddata", "campaign_2014", verbosity=0)
    campaign = Campaign.objects.get(year=2014)
    units = [
        Organisation.objects.create(name=f"第{i}街道妇联", kind="township_federation") for i in range(50)
    ]
    projects = [
        FeatureProject.objects.create(campaign=campaign, number=number, title=f"项目{number}", goal="目标")
        for number in range(11, 11 + rows // 50 + 1)
    ]
    user = User.objects.create_superuser("bench", "bench@example.com", "x")
    client = Client()
    client.force_login(user)

    def table(target: str) -> list[list]:
        body = [FLAT_HEADERS]
        for i in range(rows):
            number, unit = 11 + i // 50, units[i % 50].name
            body.append([2014, number, "", unit, target, "2014-12-31", "王丽", "主席", "13800000000"])
        return body

    def admin_import(data: bytes) -> dict:
        upload = io.BytesIO(data)
        upload.name = "bench.xlsx"
        url = reverse("admin:projects_assignment_import")
        fields_ = {"resource": "0", "format": "0", "import_file": upload, "add_units": "on"}
        if os.environ.get("BENCH_PROFILE"):  # BENCH_PROFILE=1: where the preview's time goes
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            client.post(url, {**fields_, "import_file": io.BytesIO(data)})
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
            upload.seek(0)
        if rows > 1999:
            return background_import(url, fields_, data)
        preview_s, preview_q, preview = timed(lambda: client.post(url, fields_))
        form = preview.context.get("confirm_form")
        if form is None:
            raise SystemExit(f"preview refused the file: {errors_of(preview)[:3]}")
        listed = preview.content.decode().count('<tr class="')  # the page does list the rows
        assert listed >= min(rows, 200), listed
        confirm_url = reverse("admin:projects_assignment_process_import")
        confirm_s, confirm_q, confirm = timed(lambda: client.post(confirm_url, form.initial))
        assert confirm.status_code == 302, (confirm.status_code, errors_of(confirm)[:3])
        return {"preview": (preview_s, preview_q), "confirm": (confirm_s, confirm_q), "size": len(data)}

    def background_import(url: str, fields_: dict, data: bytes) -> dict:
        """A file of more than 2,000 rows: the upload makes a job whose preview task runs at once
        (django-tasks' immediate backend, as a worker would run it), then its first page; the
        confirm starts the write task. Seconds and queries of each, tasks included."""
        from reporting.models import ImportJob

        def preview():
            response = client.post(url, fields_)
            assert response.status_code == 302, response.status_code
            job = ImportJob.objects.order_by("-pk").first()
            page = client.get(response["Location"])
            assert job.result.get("error_count") == 0, job.result
            return job, page

        preview_s, preview_q, (job, page) = timed(preview)
        assert "新增" in page.content.decode()
        confirm_url = reverse("admin:projects_assignment_import_job_confirm", args=[job.pk])
        confirm_s, confirm_q, _ = timed(lambda: client.post(confirm_url))
        job.refresh_from_db()
        assert (job.phase, job.state) == ("confirm", "done"), (job.phase, job.state, job.result)
        return {"preview": (preview_s, preview_q), "confirm": (confirm_s, confirm_q), "size": len(data)}

    def pairs():
        return [(projects[i // 50], units[i % 50]) for i in range(rows)]

    # Warm-up: one small preview each (templates, URL resolvers, caches), nothing written.
    warm = io.BytesIO(xlsx_bytes(table("培育示范点2个")[:6]))
    warm.name = "warm.xlsx"
    client.post(
        reverse("admin:projects_assignment_import"),
        {"resource": "0", "format": "0", "import_file": warm, "add_units": "on"},
    )

    # The floor and the peer of creating the rows, before the portal creates them (rolled back).
    def floor_create():
        objs = [Assignment(project=p, unit=u, target="培育示范点2个", version=1) for p, u in pairs()]
        bulk_create_with_history(objs, Assignment, batch_size=500, default_user=user)

    floor_create_s, floor_create_q, _ = timed(rolled_back(floor_create))
    peer_data = tablib.Dataset(headers=["project", "unit", *FIELDS])
    for project, unit in pairs():
        peer_data.append([project.pk, unit.pk, "培育示范点2个", "2014-12-31", "王丽", "主席", "13800000000"])
    peer = rows <= PEER_MAX_ROWS
    PeerResource().import_data(peer_data.subset(rows=range(5)), dry_run=True)  # warm-up
    peer_create_preview = peer and timed(lambda: PeerResource().import_data(peer_data, dry_run=True))
    peer_create_confirm = peer and timed(
        rolled_back(lambda: PeerResource().import_data(peer_data, dry_run=False))
    )

    created = admin_import(xlsx_bytes(table("培育示范点2个")))
    assert Assignment.objects.filter(unit__in=units).count() == rows

    # The same rows changed: floor, peer (rolled back), then the portal.
    stored = list(Assignment.objects.filter(unit__in=units))

    def change_all():
        for assignment in stored:
            assignment.target = "培育示范点3个"
            assignment.version += 1

    def floor_update():
        change_all()
        bulk_update_rows(Assignment, stored, [*FIELDS, "version"])
        Assignment.history.bulk_history_create(stored, batch_size=500, update=True, default_user=user)

    def django_bulk_update():
        change_all()
        bulk_update_with_history(stored, Assignment, [*FIELDS, "version"], batch_size=500, default_user=user)

    floor_update_s, floor_update_q, _ = timed(rolled_back(floor_update))
    django_update_s, django_update_q, _ = timed(rolled_back(django_bulk_update))
    for assignment in stored:
        assignment.refresh_from_db()
    changed_data = tablib.Dataset(headers=["project", "unit", *FIELDS])
    for project, unit in pairs():
        changed_data.append(
            [project.pk, unit.pk, "培育示范点3个", "2014-12-31", "王丽", "主席", "13800000000"]
        )
    peer_update_preview = peer and timed(lambda: PeerResource().import_data(changed_data, dry_run=True))
    peer_update_confirm = peer and timed(
        rolled_back(lambda: PeerResource().import_data(changed_data, dry_run=False))
    )

    changed = admin_import(xlsx_bytes(table("培育示范点3个")))
    assert Assignment.objects.filter(unit__in=units, target="培育示范点3个").count() == rows

    vendor = connection.vendor
    print(f"rows={rows} database={vendor} file={created['size'] / 1024:.0f} KB peak RSS {peak_mb():.0f} MB")
    print()
    print(
        "| step | portal s | portal queries | floor s | floor queries | peer s | peer queries | peer ÷ portal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, portal, floor, peer in (
        ("new rows: preview", created["preview"], None, peer_create_preview),
        ("new rows: confirm", created["confirm"], (floor_create_s, floor_create_q), peer_create_confirm),
        ("changed rows: preview", changed["preview"], None, peer_update_preview),
        ("changed rows: confirm", changed["confirm"], (floor_update_s, floor_update_q), peer_update_confirm),
    ):
        floor_cells = f"{floor[0]:.2f} | {floor[1]}" if floor else "— | —"
        peer_cells = f"{peer[0]:.2f} | {peer[1]} | {peer[0] / portal[0]:.1f}×" if peer else "— | — | —"
        print(f"| {name} | {portal[0]:.2f} | {portal[1]} | {floor_cells} | {peer_cells} |")
    print()
    print(
        f"Django's bulk_update_with_history of the same changed rows: {django_update_s:.2f} s, "
        f"{django_update_q} queries (the floor above: one UPDATE … FROM (VALUES …) per 1,000 rows)."
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1999)
