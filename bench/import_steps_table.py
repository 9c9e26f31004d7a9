"""Benchmark: preview and confirm of the steps table (定步骤) through the admin (issue 11, item 9).

Run: ``DJANGO_DEBUG=1 .venv/bin/python bench/import_steps_table.py [ROWS [PER_PLAN]]``; the
default, 1,999 rows, is the most one request takes, 5 steps a plan (400 plans). Uses a throw-away
SQLite file unless DATABASE_URL is set: then that database is migrated and written to, so name a
fresh, empty scratch database (``createdb bench_steps``; never the portal's or the tests' database).

Two files of ROWS rows (年度, 序号, 责任单位, 步骤序号, 步骤, 完成时限) go through the admin's
import (Django's test client, the whole middleware stack, logged in as a city administrator;
preview = upload + dry run + the rendered page, confirm = the confirm step): first every step new,
then the same steps with a new title (every row changed); then the second file again (every row
unchanged, as when an office sends the same file twice). Every plan is written by one call of
``reporting.services.plan_update`` with all its checks. Compared with

- the **floor**: the same steps written straight with their history rows
  (``bulk_create_with_history``, or ``bulk_update_rows`` + ``bulk_history_create``; no file, no
  checks; rolled back);
- the **peer**: a plain django-import-export ``ModelResource`` of ``Milestone`` (the assignment's id
  in a cell, the library's defaults: a lookup and a ``save()`` per row, django-simple-history's
  signal writing a history row per row), given the dataset: its dry run and its import (rolled back).

Prints the figures and a Markdown table for docs/benchmarks.md.
"""

import datetime
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
from simple_history.utils import bulk_create_with_history  # noqa: E402

from projects.models import Assignment, Campaign, FeatureProject, Milestone  # noqa: E402
from quanzhou_women.lib.bulk import bulk_update_rows  # noqa: E402
from tests.spreadsheet_files import errors_of, xlsx_bytes  # noqa: E402
from units.models import Organisation  # noqa: E402

HEADERS = ["年度", "序号", "责任单位", "步骤序号", "步骤", "完成时限"]
UNITS = 50  # township federations, each responsible for every benchmark project
DUE = [datetime.date(2014, month, 28) for month in (2, 4, 6, 8, 10, 12)]


class PeerResource(resources.ModelResource):
    """The peer: django-import-export as its documentation shows it, on the same model."""

    assignment = fields.Field(
        attribute="assignment", column_name="assignment", widget=widgets.ForeignKeyWidget(Assignment)
    )

    class Meta:
        model = Milestone
        fields = ("assignment", "order", "title", "due_on")
        import_id_fields = ("assignment", "order")
        skip_unchanged = True
        use_transactions = True


def main(rows: int, per_plan: int) -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "campaign_2014", verbosity=0)
    campaign = Campaign.objects.get(year=2014)
    units = [
        Organisation.objects.create(name=f"第{i}街道妇联", kind="township_federation") for i in range(UNITS)
    ]
    plans = -(-rows // per_plan)
    projects = [
        FeatureProject.objects.create(campaign=campaign, number=number, title=f"项目{number}", goal="目标")
        for number in range(11, 11 + -(-plans // UNITS))
    ]
    user = User.objects.create_superuser("bench", "bench@example.com", "x")
    assignments = bulk_create_with_history(
        [
            Assignment(project=projects[i // UNITS], unit=units[i % UNITS], target="目标", version=1)
            for i in range(plans)
        ],
        Assignment,
        default_user=user,
    )
    assignments = list(
        Assignment.objects.filter(unit__in=units).select_related("project", "unit").order_by("pk")
    )
    steps = [(assignments[i // per_plan], i % per_plan + 1) for i in range(rows)]  # (plan, order)
    client = Client()
    client.force_login(user)

    def table(title: str) -> bytes:
        body = [HEADERS]
        for assignment, order in steps:
            due = DUE[(order - 1) % len(DUE)].isoformat()
            body.append(
                [2014, assignment.project.number, assignment.unit.name, order, f"{title}{order}", due]
            )
        return xlsx_bytes(body)

    def admin_import(data: bytes) -> dict:
        upload = io.BytesIO(data)
        upload.name = "bench.xlsx"
        fields_ = {"resource": "0", "format": "0", "import_file": upload}
        url = reverse("admin:projects_milestone_import")
        if os.environ.get("BENCH_PROFILE"):  # BENCH_PROFILE=1: where the confirm's time goes
            import cProfile
            import pstats

            preview = client.post(url, {**fields_, "import_file": io.BytesIO(data)})
            profile = cProfile.Profile()
            profile.enable()
            client.post(
                reverse("admin:projects_milestone_process_import"), preview.context["confirm_form"].initial
            )
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            raise SystemExit
        preview_s, preview_q, preview = timed(lambda: client.post(url, fields_))
        form = preview.context.get("confirm_form")
        if form is None:
            raise SystemExit(f"preview refused the file: {errors_of(preview)[:3]}")
        confirm_url = reverse("admin:projects_milestone_process_import")
        confirm_s, confirm_q, confirm = timed(lambda: client.post(confirm_url, form.initial))
        assert confirm.status_code == 302, (confirm.status_code, errors_of(confirm)[:3])
        return {"preview": (preview_s, preview_q), "confirm": (confirm_s, confirm_q), "size": len(data)}

    # Warm-up: one small preview (templates, URL resolvers, caches), nothing written.
    warm = io.BytesIO(
        xlsx_bytes(
            [HEADERS, *[[2014, a.project.number, a.unit.name, 1, "摸底", ""] for a in assignments[:3]]]
        )
    )
    warm.name = "warm.xlsx"
    client.post(
        reverse("admin:projects_milestone_import"), {"resource": "0", "format": "0", "import_file": warm}
    )

    def new_milestones(title: str) -> list[Milestone]:
        return [
            Milestone(assignment=a, order=order, title=f"{title}{order}", due_on=DUE[(order - 1) % len(DUE)])
            for a, order in steps
        ]

    def peer_data(title: str) -> tablib.Dataset:
        data = tablib.Dataset(headers=["assignment", "order", "title", "due_on"])
        for assignment, order in steps:
            data.append([assignment.pk, order, f"{title}{order}", DUE[(order - 1) % len(DUE)].isoformat()])
        return data

    def floor_create():
        bulk_create_with_history(new_milestones("步骤"), Milestone, batch_size=500, default_user=user)

    floor_create_s, floor_create_q, _ = timed(rolled_back(floor_create))
    PeerResource().import_data(peer_data("步骤").subset(rows=range(5)), dry_run=True)  # warm-up
    peer_create_preview = timed(lambda: PeerResource().import_data(peer_data("步骤"), dry_run=True))
    peer_create_confirm = timed(
        rolled_back(lambda: PeerResource().import_data(peer_data("步骤"), dry_run=False))
    )

    created = admin_import(table("步骤"))
    assert Milestone.objects.filter(assignment__unit__in=units).count() == rows

    stored = list(Milestone.objects.filter(assignment__unit__in=units))

    def floor_update():
        for milestone in stored:
            milestone.title = f"完成{milestone.order}"
        bulk_update_rows(Milestone, stored, ["title"])
        Milestone.history.bulk_history_create(stored, batch_size=500, update=True, default_user=user)

    floor_update_s, floor_update_q, _ = timed(rolled_back(floor_update))
    peer_update_preview = timed(lambda: PeerResource().import_data(peer_data("完成"), dry_run=True))
    peer_update_confirm = timed(
        rolled_back(lambda: PeerResource().import_data(peer_data("完成"), dry_run=False))
    )

    changed = admin_import(table("完成"))
    assert Milestone.objects.filter(assignment__unit__in=units, title__startswith="完成").count() == rows
    history_before = Milestone.history.count()
    unchanged = admin_import(table("完成"))
    unchanged_history = Milestone.history.count() - history_before

    print(
        f"rows={rows} plans={plans} steps a plan={per_plan} database={connection.vendor} "
        f"file={created['size'] / 1024:.0f} KB peak RSS {peak_mb():.0f} MB"
    )
    print()
    print(
        "| step | portal s | portal queries | floor s | floor queries | peer s | peer queries | peer ÷ portal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, portal, floor, peer in (
        ("new steps: preview", created["preview"], None, peer_create_preview),
        ("new steps: confirm", created["confirm"], (floor_create_s, floor_create_q), peer_create_confirm),
        ("changed steps: preview", changed["preview"], None, peer_update_preview),
        ("changed steps: confirm", changed["confirm"], (floor_update_s, floor_update_q), peer_update_confirm),
        ("unchanged steps: preview", unchanged["preview"], None, None),
        ("unchanged steps: confirm", unchanged["confirm"], None, None),
    ):
        floor_cells = f"{floor[0]:.2f} | {floor[1]}" if floor else "— | —"
        peer_cells = f"{peer[0]:.2f} | {peer[1]} | {peer[0] / portal[0]:.1f}×" if peer else "— | — | —"
        print(f"| {name} | {portal[0]:.2f} | {portal[1]} | {floor_cells} | {peer_cells} |")
    print()
    print(f"History rows written by the import of the unchanged file: {unchanged_history}.")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1999,
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
    )
