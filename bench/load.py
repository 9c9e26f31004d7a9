"""Load script: 50 simulated staff for 60 seconds against gunicorn on loopback, then count saves.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qw_deploy .venv/bin/python -m bench.load

It creates the database ``<name>_bench`` afresh (2014 data, one account per simulated user),
starts gunicorn on a free port of 8106–8119 with the production settings, runs locust headless
(``bench/locustfile.py``), and prints throughput, p50, p95 and errors as Markdown for
``docs/benchmarks.md``. Afterwards it counts that every save the portal accepted is in the
database: one history row per accepted save, with its unique token. Exit status 1 if any request
failed or any save is missing.
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import requests

BASE_DIR = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzhou_women.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

from bench import stack  # noqa: E402

PASSWORD = "Bench-pw-2014-quanzhou"


def main() -> int:
    """Run the load, print the report; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 2 × CPUs + 1)")
    arguments = parser.parse_args()

    name = f"{stack.base_name()}_bench"
    database_url = stack.create_database(name)
    work = Path(tempfile.mkdtemp(prefix="qw-bench-"))
    environment = stack.server_environment(database_url, static_root=work / "static")
    stack.prepare_stack(environment)
    stack.manage(
        environment,
        "shell",
        "-c",
        "from django.contrib.auth.models import User\n"
        f"for n in range(1, {arguments.users} + 1):\n"
        f"    User.objects.create_superuser(f'bench-user-{{n}}', '', {PASSWORD!r})",
    )
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id FROM projects_assignment ORDER BY id")
        assignment_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM projects_historicalassignment")
        (history_before,) = cursor.fetchone()
    connection.close()

    workers = arguments.workers or (os.cpu_count() or 1) * 2 + 1
    server = stack.AppServer(environment, workers=workers).start()
    try:
        sessions, login_seconds = [], []
        for number in range(1, arguments.users + 1):
            browser = requests.Session()
            started = time.perf_counter()
            stack.log_in(browser, server.url, f"bench-user-{number}", PASSWORD)
            login_seconds.append(time.perf_counter() - started)
            sessions.append(browser.cookies["sessionid"])
        tokens_file = work / "tokens.txt"
        subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(BASE_DIR / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(arguments.users),
                "--spawn-rate",
                str(arguments.users),
                "--run-time",
                f"{arguments.seconds}s",
                "--host",
                server.url,
                "--csv",
                str(work / "locust"),
                "--stop-timeout",
                "30",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env={
                **os.environ,
                "PYTHONPATH": str(BASE_DIR),
                "BENCH_ASSIGNMENT_IDS": ",".join(map(str, assignment_ids)),
                "BENCH_SESSIONS": ",".join(sessions),
                "BENCH_TOKENS_FILE": str(tokens_file),
            },
            check=False,
        )
    finally:
        server.stop()

    accepted = [line for line in tokens_file.read_text(encoding="utf-8").splitlines() if line]
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT responsible_person FROM projects_historicalassignment ORDER BY history_id OFFSET %s",
            [history_before],
        )
        stored = [row[0] for row in cursor.fetchall()]
    connection.close()
    missing = sorted(set(accepted) - set(stored))
    unexpected = sorted(set(stored) - set(accepted))

    with open(work / "locust_stats.csv", encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    load = os.getloadavg()
    print(
        f"\ngunicorn workers: {workers}; CPUs: {os.cpu_count()}; users: {arguments.users}; "
        f"duration: {arguments.seconds} s; PostgreSQL database {name}; "
        f"load average after the run: {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} (1, 5, 15 min)\n"
        f"Logins before the run, one at a time: median {statistics.median(login_seconds):.2f} s\n"
    )
    print("| request | count | failures | req/s | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    failures = 0
    for row in rows:
        label = row["Name"] if row["Name"] != "Aggregated" else "**all requests**"
        failures += int(row["Failure Count"]) if row["Name"] == "Aggregated" else 0
        rate, longest = float(row["Requests/s"]), float(row["Max Response Time"])
        print(
            f"| {label} | {row['Request Count']} | {row['Failure Count']} | "
            f"{rate:.1f} | {row['50%']} | {row['95%']} | {longest:.0f} |"
        )
    print(
        f"\nSaves accepted (302): {len(accepted)}; history rows written: {len(stored)}; "
        f"accepted but missing: {len(missing)}; written but not accepted: {len(unexpected)}"
    )
    stack.drop_database(name)
    return 1 if failures or missing or len(stored) != len(accepted) else 0


if __name__ == "__main__":
    sys.exit(main())
