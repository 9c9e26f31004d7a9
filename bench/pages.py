"""Every list page × the role that opens it, at seed scale and at province scale; writes its section
of docs/benchmarks.md.

    .venv/bin/python bench/pages.py \
        --seed-db postgres://postgres@127.0.0.1:5432/qw_scale \
        --province-db postgres://postgres@127.0.0.1:5432/qw_scale_province [--runs 5]

Static files must be collected first, debug off (``manage.py collectstatic``), and both databases
need the cache table (``manage.py createcachetable``; the section below gives the commands). The
seed database holds the 2014 data and the demo reports (``loaddata campaign_2014`` and
``load_demo``); the province database the output of ``manage.py seed_province``. For each scale a
child process (debug off, ``ROOT_URLCONF=bench.urls``) logs in, through Django's test client (the
whole middleware stack, sessions and authentication; no network), as:

- a leader (the first leader membership);
- a liaison of the department that follows the most assignments (user ``bench_liaison``);
- a reporter of the unit with the most assignments (user ``bench_reporter``);
- a city administrator, a superuser (user ``bench_admin``), for the admin changelists;
- a federation administrator (user ``bench_county``) of the county federation with the biggest round
  of its own (issue 13: its overview shows that round one level down, by township);

(the four ``bench_*`` users are created in the benchmark database if missing, and the liaison is
given 300 notifications, so that its notifications page has pages), and requests each page of
``PAGES``. Times are medians of ``--runs`` runs after one warm-up (wall clock); queries and bytes
are counted on one more run. Nothing here is a timed test: see docs/benchmarks.md.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the portal's packages

from bench.sections import run_children, scale_arguments, write_section  # noqa: E402

# (key, what, role, url name, query string); the roles are those who open the page in practice.
PAGES = [
    ("floor", "same-stack floor (one trivial query)", "leader", "bench-floor", ""),
    ("tasks_leader", "我的任务 (work summary)", "leader", "reporting:tasks", ""),
    ("tasks_liaison", "我的任务 (work summary)", "liaison", "reporting:tasks", ""),
    ("tasks_reporter", "我的任务 (the unit's tasks, page 1)", "reporter", "reporting:tasks", ""),
    ("review_liaison", "审核 (review queue, page 1)", "liaison", "reporting:review_queue", ""),
    (
        "review_newest",
        "审核, newest first, page 2",
        "liaison",
        "reporting:review_queue",
        "sort=newest&page=2",
    ),
    ("review_leader", "审核 (review queue, page 1)", "leader", "reporting:review_queue", ""),
    ("history_leader", "报告记录 (reports, page 1)", "leader", "reporting:history", ""),
    (
        "history_filtered",
        "报告记录, submitted only, page 2",
        "leader",
        "reporting:history",
        "status=submitted&page=2",
    ),
    ("history_liaison", "报告记录 (reports, page 1)", "liaison", "reporting:history", ""),
    ("history_reporter", "报告记录 (reports, page 1)", "reporter", "reporting:history", ""),
    ("notifications", "通知 (notifications, page 1)", "liaison", "reporting:notifications", ""),
    ("bulletin", "通报 (bulletin, page 1)", "leader", "dashboards:bulletin", ""),
    ("overview", "overview (for comparison)", "leader", "dashboards:overview", ""),
    (
        "overview_county",
        "overview, a county's own round (its townships)",
        "county",
        "dashboards:overview",
        "",
    ),
    ("admin_reports", "admin: progress reports", "admin", "admin:reporting_progressreport_changelist", ""),
    ("admin_assignments", "admin: assignments", "admin", "admin:projects_assignment_changelist", ""),
    ("admin_projects", "admin: feature projects", "admin", "admin:projects_featureproject_changelist", ""),
    ("admin_users", "admin: users", "admin", "admin:auth_user_changelist", ""),
]


def _users() -> dict:
    """The users of each role (creating the ``bench_*`` users and the liaison's notifications)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from projects.models import Assignment
    from reporting.models import Notification
    from units.models import Membership, Organisation

    User = get_user_model()
    role = Membership.Role
    leader = Membership.objects.filter(role=role.LEADER).select_related("user").first().user
    department = (
        Organisation.objects.filter(is_liaison=True)
        .annotate(n=Count("followed_projects__assignments"))
        .order_by("-n", "pk")
        .first()
    )
    top_unit = (
        Assignment.objects.values("unit").annotate(n=Count("pk")).order_by("-n", "unit").first()["unit"]
    )
    city = Organisation.objects.filter(kind=Organisation.Kind.CITY_FEDERATION).order_by("pk").first()

    def member(username: str, organisation, member_role: str, **extra):
        user, _created = User.objects.get_or_create(username=username, defaults=extra)
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": organisation, "role": member_role}
        )
        return user

    county = (  # the county federation with the biggest round of its own (issue 13), else any county
        Organisation.objects.filter(kind=Organisation.Kind.COUNTY_FEDERATION)
        .annotate(n=Count("issued_campaigns__projects__assignments"))
        .order_by("-n", "display_order", "pk")
        .first()
    )
    liaison = member("bench_liaison", department, role.LIAISON)
    county_admin = member("bench_county", county, role.FEDERATION_ADMIN)
    reporter = member("bench_reporter", Organisation.objects.get(pk=top_unit), role.REPORTER)
    admin = member("bench_admin", city, role.CITY_ADMIN, is_staff=True, is_superuser=True)
    missing = 300 - Notification.objects.filter(recipient=liaison).count()
    if missing > 0:
        Notification.objects.bulk_create(
            Notification(recipient=liaison, kind=Notification.Kind.SUBMITTED, message=f"基准测试通知 {n}")
            for n in range(missing)
        )
    return {
        "leader": leader,
        "liaison": liaison,
        "reporter": reporter,
        "admin": admin,
        "county": county_admin,
    }


def child(label: str, runs: int) -> dict:
    """Run inside the child: measure every page of ``PAGES`` on the database of ``DATABASE_URL``."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzhou_women.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from projects.models import Assignment
    from reporting.models import ProgressReport, ReportStatus

    settings.ROOT_URLCONF = "bench.urls"
    users = _users()
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)

    def fetch(client, url: str) -> int:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(response.content)

    def measure(role: str, url: str) -> dict:
        client = clients[role]
        fetch(client, url)  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            fetch(client, url)
            times.append(time.perf_counter() - started)
        queries = []  # counted by a wrapper: the test client's request_started resets connection.queries
        with connection.execute_wrapper(
            lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
        ):
            size = fetch(client, url)
        return {
            "median_ms": round(1000 * statistics.median(times), 1),
            "min_ms": round(1000 * min(times), 1),
            "queries": len(queries),
            "kb": round(size / 1000, 1),
        }

    results = {}
    for key, _what, role, name, query in PAGES:
        url = reverse(name) + (f"?{query}" if query else "")
        try:
            results[key] = measure(role, url)
        except Exception as error:
            results[key] = {"error": str(error)}
        print(label, key, json.dumps(results[key]), file=sys.stderr)
    return {
        "label": label,
        "data": {
            "assignments": Assignment.objects.count(),
            "reports": ProgressReport.objects.count(),
            "waiting": ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).count(),
            "liaison_assignments": Assignment.objects.filter(
                project__liaison_departments=users["liaison"].membership.organisation_id
            ).count(),
            "reporter_assignments": Assignment.objects.filter(
                unit=users["reporter"].membership.organisation_id
            ).count(),
        },
        "pages": results,
        "load": os.getloadavg(),
    }


def _cell(m: dict, field: str) -> str:
    return "error" if "error" in m else str(m[field])


def render(results: list[dict], runs: int, started_load: tuple) -> str:
    """The list pages' section of docs/benchmarks.md from the two children's results."""
    seed, province = results
    lines = [
        "## List pages by role (issue 16)",
        "",
        "Written by `bench/pages.py` (see its docstring for the method and the users), which replaces only "
        "this section; do not edit it by hand.",
        "",
        "```sh",
        "export DJANGO_DEBUG=1  # for the set-up commands; the benchmark's children run with debug off",
        "DJANGO_DEBUG= DJANGO_SECRET_KEY=bench DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/static.sqlite3 "
        ".venv/bin/python manage.py collectstatic --no-input  # the manifest of debug off",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/qw_scale sh -c '.venv/bin/python manage.py migrate "
        "&& .venv/bin/python manage.py createcachetable "
        "&& .venv/bin/python manage.py loaddata campaign_2014 && .venv/bin/python manage.py load_demo'",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/qw_scale_province sh -c '.venv/bin/python manage.py "
        "migrate && .venv/bin/python manage.py createcachetable && .venv/bin/python manage.py seed_province'",
        ".venv/bin/python bench/pages.py --seed-db postgres://postgres@127.0.0.1:5432/qw_scale \\",
        f"    --province-db postgres://postgres@127.0.0.1:5432/qw_scale_province --runs {runs}",
        "```",
        "",
        f"Run on {time.strftime('%Y-%m-%d %H:%M %Z')}, PostgreSQL, debug off, Django's test client; medians "
        f"of {runs} runs. Machine load (1-, 5-, 15-minute averages, 2 CPUs shared with other work): "
        f"{', '.join(f'{x:.1f}' for x in started_load)} at the start, "
        f"{', '.join(f'{x:.1f}' for x in province['load'])} at the end — compare figures of one run only.",
        "",
        "| data | assignments | reports | awaiting review | the liaison's assignments | the reporter's assignments |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        d = result["data"]
        lines.append(
            f"| {result['label']} | {d['assignments']} | {d['reports']} | {d['waiting']} | "
            f"{d['liaison_assignments']} | {d['reporter_assignments']} |"
        )
    lines += [
        "",
        "| page | role | seed ms | province ms | ratio | seed queries | province queries | seed KB | province KB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, what, role, _name, _query in PAGES:
        s, p = seed["pages"][key], province["pages"][key]
        ratio = (
            f"{p['median_ms'] / s['median_ms']:.2f}×"
            if "error" not in s and "error" not in p and s["median_ms"]
            else "—"
        )
        lines.append(
            f"| {what} | {role} | {_cell(s, 'median_ms')} | {_cell(p, 'median_ms')} | {ratio} | "
            f"{_cell(s, 'queries')} | {_cell(p, 'queries')} | {_cell(s, 'kb')} | {_cell(p, 'kb')} |"
        )
    failures = [
        f"{key} at {result['label']} scale: {result['pages'][key]['error']}"
        for result in results
        for key in result["pages"]
        if "error" in result["pages"][key]
    ]
    if failures:
        lines += ["", "Pages that failed: " + "; ".join(failures) + "."]
    return "\n".join(lines) + "\n" + NOTES


NOTES = """
### Notes

- Targets of issue 16: queries constant in the data size, ≤ 3× the seed-scale time and ≤ 300 KB at
  province scale. Query counts are pinned at 3 and 30 units in `tests/dashboards/test_list_query_counts.py`.
- 我的任务 of a leader or a liaison is a summary counted in the database (reports and plans waiting,
  reports to 催报 for the latest past-due period, per project and unit, ten rows each); before issue 16
  it rendered a card per task and a row per assignment (13.5 s and 10.9 MB for a leader at province
  scale). A reporter's tasks are the unit's, 20 a page.
- 审核, 报告记录 and 通知 are paginated by 30 in the database; 报告记录 counts per period and status in one
  grouped query (no join) and then sorts only the periods of the page (`reporting.selectors.ReportsByPeriod`).
- A page with nothing in one of its lists skips that list's page query: the leader's review queue at
  seed scale (plans waiting) takes one query more than at province scale (none waiting).
- The bulletin opens at the level of the counties at province scale (a row per county, `?county=` to
  drill down, 50 units a page); the overview's level view is cached per round, day and data.
- The overview of a county's own round (issue 13 item 5) is the city's overview one level down: its
  projects × its townships, and a level view by township; same queries at both scales.
- The admin lists filter organisations by level (`units.list_filters.OrganisationTreeFilter`: the
  counties and city-level bodies, then one level down under the chosen one) instead of a link per unit:
  the assignment list went from 309.5 KB to about 92 KB at province scale and the project list from
  549 KB to about 87 KB (which also names at most 15 responsible units a project). The project list
  preloads only those 15 units of each project on its page (a sliced prefetch; the number of units
  is a subquery), where it loaded every unit (up to 200 a project: 150 ms, 4.8× seed scale, in a run
  of the earlier code at 03:10 UTC this day); the report list opens newest first, read from the primary
  key's index, where sorting a year's 40,000 reports by campaign, project and period took 230 ms
  (3.3×). The tree filter still reads the parent chain of every listed unit (about 25 ms for 2,000).
"""


def main() -> None:
    """Run one child per scale, then write the section (or, with ``--child``, be that child)."""
    args = scale_arguments(__doc__, runs=5, out=ROOT / "docs" / "benchmarks.md")
    if args.child:
        print(json.dumps(child(args.child, args.runs)))
        return
    started_load = os.getloadavg()
    results = run_children(__file__, args, DJANGO_HTTPS="0")  # the test client speaks plain HTTP
    write_section(Path(args.out), render(results, args.runs, started_load), name="pages")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
