"""Benchmarks of the dashboards at seed scale and at province scale; writes docs/benchmarks.md.

    .venv/bin/python bench/dashboards.py \
        --seed-db postgres://postgres@127.0.0.1:5432/qw_dash \
        --province-db postgres://postgres@127.0.0.1:5432/qw_dash_bench [--runs 7]

The seed database holds the 2014 data and the demo reports (``loaddata campaign_2014`` and
``load_demo``); the province database the output of ``manage.py seed_province``. For each scale a
child process (debug off, ``ROOT_URLCONF=bench.urls``) requests, as a leader through Django's test
client (the whole middleware stack, sessions and authentication; no network):

- the same-stack floor (``bench/urls.py``: one trivial query);
- the overview (newest campaign, first page of units);
- a project page (the newest campaign's first project);
- the ledger of the newest campaign, and of every campaign (20,000 rows at province scale);
- and, as the baseline of the ledger, the same cells written with openpyxl's write-only mode.

Times are medians of ``--runs`` runs (wall clock, after one warm-up); queries are counted on one
more run; peak memory is tracemalloc's peak of Python allocations during one more run.
"""

import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the portal's packages

from bench.sections import run_children, scale_arguments, write_section  # noqa: E402


def child(label: str, runs: int) -> dict:
    """Run inside the child: measure every target on the database of ``DATABASE_URL``."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzhou_women.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from openpyxl import Workbook

    from dashboards import exports, selectors
    from projects.models import Assignment, Campaign, FeatureProject
    from units.models import Membership

    settings.ROOT_URLCONF = "bench.urls"
    leader = Membership.objects.filter(role=Membership.Role.LEADER).select_related("user").first().user
    client = Client()
    client.force_login(leader)
    campaign = Campaign.objects.order_by("-year").first()
    project = FeatureProject.objects.filter(campaign=campaign).order_by("number").first()

    def fetch(url: str) -> int:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        size = 0
        if response.streaming:
            for block in response.streaming_content:
                size += len(block)
        else:
            size = len(response.content)
        return size

    def measure(url: str, n: int) -> dict:
        """Median time of ``n`` runs after a warm-up (none when ``n`` is 0), queries, peak memory."""
        if n:
            fetch(url)  # warm-up
        times = []
        for _ in range(n):
            started = time.perf_counter()
            fetch(url)
            times.append(time.perf_counter() - started)
        queries = []  # counted by a wrapper: the test client's request_started resets connection.queries
        with connection.execute_wrapper(
            lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
        ):
            fetch(url)
        tracemalloc.start()
        fetch(url)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "median_ms": round(1000 * statistics.median(times), 1) if times else None,
            "min_ms": round(1000 * min(times), 1) if times else None,
            "queries": len(queries),
            "peak_mib": round(peak / 2**20, 1),
        }

    def baseline(params: dict, n: int, url: str) -> tuple[dict, dict]:
        """The ledger export at ``url`` and, alternating with it run by run (so that a busy machine
        slows both alike), the same cells written with openpyxl's write-only mode and nothing else
        (rows prepared before). Returns (export, baseline)."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        query.update(params)
        filters = selectors.read_filters(leader, query, allow_all_campaigns=True)
        rows = list(exports.ledger_rows(leader, filters))
        header = exports.ledger_header()

        def write() -> None:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("台账")
            sheet.append(header)
            for row in rows:
                sheet.append(row)
            with tempfile.TemporaryFile() as handle:
                workbook.save(handle)

        times, export_times = [], []
        fetch(url)  # warm-up
        for _ in range(n):
            started = time.perf_counter()
            fetch(url)
            export_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            write()
            times.append(time.perf_counter() - started)
        export = measure(url, 0)
        export["median_ms"] = round(1000 * statistics.median(export_times), 1)
        export["min_ms"] = round(1000 * min(export_times), 1)
        tracemalloc.start()
        write()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return export, {
            "median_ms": round(1000 * statistics.median(times), 1),
            "rows": len(rows),
            "peak_mib": round(peak / 2**20, 1),
        }

    ledger = reverse("dashboards:ledger")
    heavy = max(3, runs // 2)
    ledger_campaign, baseline_campaign = baseline({"campaign": str(campaign.pk)}, heavy, ledger)
    ledger_all, baseline_all = baseline({"campaign": "all"}, heavy, ledger + "?campaign=all")
    result = {
        "label": label,
        "database": connection.vendor,
        "data": {
            "campaigns": Campaign.objects.count(),
            "projects": FeatureProject.objects.count(),
            "assignments": Assignment.objects.count(),
            "newest_campaign_assignments": Assignment.objects.filter(project__campaign=campaign).count(),
            "project_assignments": project.assignments.count(),
        },
        "floor": measure(reverse("bench-floor"), runs),
        "overview": measure(reverse("dashboards:overview"), runs),
        "project": measure(reverse("dashboards:project", args=[project.pk]), runs),
        "ledger_campaign": ledger_campaign,
        "ledger_all": ledger_all,
        "baseline_campaign": baseline_campaign,
        "baseline_all": baseline_all,
    }
    return result


NOTES = """
## Notes

- The machine has 2 CPUs and was shared with other work while measuring (load average about 4–5):
  single timings vary by ±30 %; compare figures of the same run only.
- The ledger export and its baseline run alternately, run by run, so that a busy machine slows
  both alike; the export's time includes reading the database, judging every cell and streaming
  the file to the client.
- The project page shows 30 units a page (a province project has 200); its chart covers the page.
- `manage.py seed_province` built the province data in about 1.5 minutes (2,000 organisations,
  100 projects, 20,000 assignments, 100,000 steps, about 99,000 reports with 494,000 step states).
"""


def render(results: list[dict], runs: int) -> str:
    """The dashboards' section of docs/benchmarks.md from the two children's results."""
    seed, province = results
    lines = [
        "## Dashboards",
        "",
        "Written by `bench/dashboards.py` (see its docstring for the method), which replaces only this section; do not edit it by hand.",
        "",
        "To reproduce (PostgreSQL; about 3 minutes to build the data, 10 to measure):",
        "",
        "```sh",
        "createdb qw_dash && createdb qw_dash_bench   # psql -h 127.0.0.1 -U postgres",
        "export DJANGO_DEBUG=1",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/qw_dash sh -c "
        "'.venv/bin/python manage.py migrate && .venv/bin/python manage.py loaddata campaign_2014 "
        "&& .venv/bin/python manage.py load_demo'",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/qw_dash_bench sh -c "
        "'.venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_province'",
        ".venv/bin/python bench/dashboards.py --seed-db postgres://postgres@127.0.0.1:5432/qw_dash \\",
        "    --province-db postgres://postgres@127.0.0.1:5432/qw_dash_bench --runs 7",
        "```",
        "",
        f"Run on {time.strftime('%Y-%m-%d %H:%M %Z')}, PostgreSQL, debug off, Django's test client as a leader "
        f"(whole middleware stack, no network). Times are medians of {runs} runs (exports: {max(3, runs // 2)}); "
        "peak memory is tracemalloc's peak of Python allocations during one request.",
        "",
        "| data | campaigns | projects | assignments | newest campaign | project page units |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        d = result["data"]
        lines.append(
            f"| {result['label']} | {d['campaigns']} | {d['projects']} | {d['assignments']} | "
            f"{d['newest_campaign_assignments']} | {d['project_assignments']} |"
        )
    lines += [
        "",
        "| page | scale | median ms | min ms | queries | peak MiB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    names = {
        "floor": "same-stack floor (one trivial query)",
        "overview": "overview (newest campaign, first page)",
        "project": "project page (newest campaign's project 1)",
        "ledger_campaign": "ledger .xlsx, newest campaign",
        "ledger_all": "ledger .xlsx, all campaigns",
    }
    for key, name in names.items():
        for result in results:
            m = result[key]
            lines.append(
                f"| {name} | {result['label']} | {m['median_ms']} | {m['min_ms']} | {m['queries']} | {m['peak_mib']} |"
            )
    lines += [
        "",
        "| baseline: the same cells with openpyxl write-only | scale | rows | median ms | peak MiB |",
        "|---|---|---:|---:|---:|",
    ]
    for key, name in (("baseline_campaign", "newest campaign"), ("baseline_all", "all campaigns")):
        for result in results:
            m = result[key]
            lines.append(f"| {name} | {result['label']} | {m['rows']} | {m['median_ms']} | {m['peak_mib']} |")

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}×" if b else "—"

    over_ratio = province["overview"]["median_ms"] / seed["overview"]["median_ms"]
    over_net = (province["overview"]["median_ms"] - province["floor"]["median_ms"]) / max(
        0.1, seed["overview"]["median_ms"] - seed["floor"]["median_ms"]
    )
    ledger_ratio = province["ledger_all"]["median_ms"] / province["baseline_all"]["median_ms"]
    rows_small = province["baseline_campaign"]["rows"]
    rows_big = province["baseline_all"]["rows"]
    lines += [
        "",
        "### Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        "| queries per page do not grow with the data (also pinned in `tests/dashboards/test_query_counts.py`) | "
        + ", ".join(
            f"{key} {seed[key]['queries']} → {province[key]['queries']}" for key in ("overview", "project")
        )
        + f" | {'yes' if all(seed[k]['queries'] == province[k]['queries'] for k in ('overview', 'project')) else 'no'} |",
        "| the ledger's queries: a fixed few plus four per chunk of about 2,000 rows (whole projects) | "
        f"{seed['ledger_campaign']['queries']} ({seed['baseline_campaign']['rows']} rows), "
        f"{province['ledger_campaign']['queries']} ({rows_small} rows), {province['ledger_all']['queries']} ({rows_big} rows, "
        "plus the periods per chunk over all campaigns) | by design |",
        f"| overview at province scale ≤ 3× seed scale | {province['overview']['median_ms']} ms / {seed['overview']['median_ms']} ms = "
        f"{over_ratio:.2f}× (less the floor: {over_net:.2f}×) | {'yes' if over_ratio <= 3 else 'no'} |",
        f"| {rows_big}-row ledger ≤ 2× openpyxl write-only | {province['ledger_all']['median_ms']} ms / "
        f"{province['baseline_all']['median_ms']} ms = {ledger_ratio:.2f}× | {'yes' if ledger_ratio <= 2 else 'no'} |",
        f"| ledger peak memory flat as rows grow | {rows_small} rows: {province['ledger_campaign']['peak_mib']} MiB; "
        f"{rows_big} rows: {province['ledger_all']['peak_mib']} MiB "
        f"({ratio(province['ledger_all']['peak_mib'], province['ledger_campaign']['peak_mib'])} for "
        f"{ratio(rows_big, rows_small)} the rows) | "
        f"{'yes' if province['ledger_all']['peak_mib'] <= 1.5 * province['ledger_campaign']['peak_mib'] else 'no'} |",
        "",
    ]
    return "\n".join(lines) + NOTES


def main() -> None:
    args = scale_arguments(__doc__, runs=7, out=ROOT / "docs" / "benchmarks.md")
    if args.child:
        print(json.dumps(child(args.child, args.runs)))
        return
    results = run_children(__file__, args)
    write_section(Path(args.out), render(results, args.runs), name="dashboards")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
