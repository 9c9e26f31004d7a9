"""Load script: 50 simulated users for 60 seconds against gunicorn on loopback, then count what is stored.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qw_deploy .venv/bin/python -m bench.load [--scale province]

It creates the database ``<name>_bench`` afresh (2014 data, the demo data of ``load_demo``, and one
account per simulated user from ``bench/load_cast.py``: a reporter per responsible unit, liaison
departments, leaders and admin staff) — or, with ``--scale province``, the output of ``manage.py
seed_province`` (20,000 assignments, about 99,000 reports; the newest campaign's current months are
the open ones) and the same cast on it —, starts gunicorn on a free port of ``bench.stack.PORTS``
(``QW_PORTS``) with the production settings and evidence files in a media folder, runs locust
headless (``bench/locustfile.py``), and prints throughput, p50, p95 and errors as Markdown for
``docs/benchmarks.md``. Afterwards it counts that nothing accepted was lost: every report whose
submission the portal accepted is submitted, with its text, its submit transition and its evidence
file on disk; every admin save accepted has its history row. Exit status 1 if any request failed
or anything is missing. ``BENCH_KEEP=1`` keeps the database for a look afterwards.

Mail goes to a local SMTP stub (``bench/smtp_stub.py``) through the outbox and a background worker
(``manage.py run_worker``); after the run the script waits for the outbox to drain and checks that
every notification was delivered exactly once. Faults: ``--mail-outage-at 10`` makes the stub
refuse (421) for ``--mail-outage-seconds`` (30); ``--db-outage-at 20 --pg-cluster 15/NAME`` stops
that PostgreSQL cluster (``pg_ctlcluster``; never the shared one: use a cluster of your own, e.g.
``pg_createcluster 15 NAME -p 5439``, and point DATABASE_URL at it) for ``--db-outage-seconds``
(10). Then 5xx answers other than 503, and 503s outside the outage (plus 5 s), fail the run.
"""

import argparse
import csv
import json
import os
import runpy
import statistics
import subprocess
import sys
import tempfile
import threading
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
from bench.smtp_stub import SmtpStub  # noqa: E402

PASSWORD = "Bench-pw-2014-quanzhou"


def main() -> int:
    """Run the load, print the report; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's, CPUs + 1)"
    )
    parser.add_argument("--mail-outage-at", type=float, default=None, help="seconds into the run")
    parser.add_argument("--mail-outage-seconds", type=float, default=30)
    parser.add_argument("--db-outage-at", type=float, default=None, help="seconds into the run")
    parser.add_argument("--db-outage-seconds", type=float, default=10)
    parser.add_argument(
        "--pg-cluster", default="", help="VERSION/NAME of the cluster to stop, e.g. 15/nolost"
    )
    parser.add_argument(
        "--scale",
        choices=["seed", "province"],
        default="seed",
        help="seed: the 2014 data, the demo reports and an open 2015; province: manage.py seed_province",
    )
    arguments = parser.parse_args()
    if arguments.db_outage_at is not None and not arguments.pg_cluster:
        parser.error("--db-outage-at needs --pg-cluster (a cluster of your own, never the shared one)")
    smtp = SmtpStub().start()

    name = f"{stack.base_name()}_bench"
    database_url = stack.create_database(name)
    work = Path(tempfile.mkdtemp(prefix="qw-bench-"))
    environment = stack.server_environment(
        database_url,
        static_root=work / "static",
        DJANGO_MEDIA_ROOT=str(work / "media"),
        DJANGO_EMAIL_HOST="127.0.0.1",
        DJANGO_EMAIL_PORT=str(smtp.port),
        DJANGO_EMAIL_USE_TLS="0",
        DJANGO_EMAIL_USE_SSL="0",
        OUTBOX_RETRY_BASE_SECONDS="5",
        OUTBOX_RETRY_MAX_SECONDS="20",
        OUTBOX_SWEEP_SECONDS="10",
    )
    stack.prepare_stack(environment)
    if arguments.scale == "province":  # replaces the 2014 data; the newest campaign is the open year
        stack.manage(environment, "seed_province", "--flush")
        make_cast = "cast_create_province"
    else:
        _load_demo(environment)
        make_cast = "cast_create"
    cast = json.loads(
        stack.manage(
            environment,
            "shell",
            "-c",
            f"from bench.load_cast import {make_cast}; "
            f"print({make_cast}(users={arguments.users}, password={PASSWORD!r}))",
        ).splitlines()[-1]
    )
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_historicalassignment")
        (history_before,) = cursor.fetchone()
    connection.close()

    workers = arguments.workers or runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))["workers"]
    server = stack.AppServer(environment, workers=workers).start()
    worker_log = open(work / "worker.log", "wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.5"],
        cwd=BASE_DIR,
        env=environment,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    outages: dict[str, tuple[float, float]] = {}
    try:
        login_seconds = []
        for member in cast:
            browser = requests.Session()
            started = time.perf_counter()
            stack.log_in_portal(browser, server.url, member["username"], PASSWORD)
            login_seconds.append(time.perf_counter() - started)
            member["session"] = browser.cookies["sessionid"]
        tokens_file, submissions_file = work / "tokens.txt", work / "submissions.json"
        faults = _start_faults(arguments, smtp, outages)
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
                "BENCH_CAST": json.dumps(cast),
                "BENCH_TOKENS_FILE": str(tokens_file),
                "BENCH_SUBMISSIONS_FILE": str(submissions_file),
            },
            check=False,
        )
        for fault in faults:
            fault.join()
        delivery = _wait_for_the_outbox(database_url, smtp, timeout=240)
    finally:
        server.stop()
        worker.terminate()
        worker.wait(timeout=60)
        worker_log.close()
        smtp.stop()

    accepted = [line for line in tokens_file.read_text(encoding="utf-8").splitlines() if line]
    refused = [
        line for line in Path(f"{tokens_file}.refused").read_text(encoding="utf-8").splitlines() if line
    ]
    submissions = json.loads(submissions_file.read_text(encoding="utf-8"))
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT responsible_person FROM projects_historicalassignment ORDER BY history_id OFFSET %s",
            [history_before],
        )
        stored = [row[0] for row in cursor.fetchall()]
        lost_reports = _lost_reports(cursor, submissions, work / "media")
    connection.close()
    missing = sorted(set(accepted) - set(stored))
    unexpected = sorted(set(stored) - set(accepted))

    with open(work / "locust_stats.csv", encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    load = os.getloadavg()
    print(
        f"\ngunicorn workers: {workers}; CPUs: {os.cpu_count()}; users: {arguments.users}; "
        f"duration: {arguments.seconds} s; data: {arguments.scale} scale; PostgreSQL database {name}; "
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
        f"\nAdmin saves accepted (302): {len(accepted)}; history rows written: {len(stored)}; "
        f"accepted but missing: {len(missing)} {missing}; written but not accepted: {len(unexpected)}; "
        f"refused as concurrent edits (by design, nothing written): {len(refused)}\n"
        f"Reports submitted and accepted (302 to the report page): {len(submissions)}; "
        f"lost (not submitted, text, transition or evidence file missing): {len(lost_reports)} {lost_reports}"
    )
    errors = json.loads(Path(f"{submissions_file}.errors").read_text(encoding="utf-8"))
    windows = [(start, end + 5) for start, end in outages.values()]
    in_outage = [e for e in errors if e["status"] == 503 and any(a <= e["at"] <= b for a, b in windows)]
    outside = [e for e in errors if e not in in_outage]
    started = run_started[0]
    print(
        "\nOutages (s into the run): "
        + (
            ", ".join(
                f"{kind} {a - run_started[0]:.0f}–{b - run_started[0]:.0f}"
                for kind, (a, b) in outages.items()
            )
            or "none"
        )
        + f"\n5xx or unanswered requests: {len(errors)}; 503 during an outage: {len(in_outage)}; "
        f"any other (500s, 503 outside an outage, no answer): {len(outside)} "
        f"{[(round(e['at'] - started, 1), e['status'], e['name']) for e in outside[:10]]}\n"
        f"E-mails in the outbox: {delivery['outbox']}; sent: {delivery['sent']}; "
        f"received by the mail server: {delivery['received']} ({delivery['distinct']} distinct); "
        f"never delivered: {delivery['undelivered']}; delivered twice: {delivery['duplicates']}; "
        f"outbox drained {delivery['drain_seconds']:.0f} s after the run"
    )
    if not os.environ.get("BENCH_KEEP"):
        stack.drop_database(name)
    http_failed = outside if (arguments.db_outage_at is not None) else (failures or outside)
    mail_failed = delivery["undelivered"] or delivery["duplicates"]
    return 1 if http_failed or missing or lost_reports or mail_failed or len(stored) != len(accepted) else 0


run_started = [0.0]


def _start_faults(arguments, smtp: SmtpStub, outages: dict) -> list[threading.Thread]:
    """Start the timed faults of the run (mail refused, the database stopped); return their threads."""
    run_started[0] = time.time()
    threads = []

    def mail_down() -> None:
        time.sleep(arguments.mail_outage_at)
        smtp.refusing = True
        began = time.time()
        time.sleep(arguments.mail_outage_seconds)
        smtp.refusing = False
        outages["mail refused"] = (began, time.time())

    def database_down() -> None:
        version, cluster = arguments.pg_cluster.split("/")
        time.sleep(arguments.db_outage_at)
        began = time.time()
        subprocess.run(["pg_ctlcluster", version, cluster, "stop", "-m", "fast"], check=True)
        time.sleep(arguments.db_outage_seconds)
        subprocess.run(["pg_ctlcluster", version, cluster, "start"], check=True)
        outages["PostgreSQL stopped"] = (began, time.time())

    if arguments.mail_outage_at is not None:
        threads.append(threading.Thread(target=mail_down))
    if arguments.db_outage_at is not None:
        threads.append(threading.Thread(target=database_down))
    for thread in threads:
        thread.start()
    return threads


def _wait_for_the_outbox(database_url: str, smtp: SmtpStub, timeout: float) -> dict:
    """Wait until the worker has sent every outbox e-mail (or ``timeout`` s); count what arrived."""
    began = time.monotonic()
    while True:
        try:
            with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
                cursor.execute("SELECT id, sent_at IS NOT NULL FROM reporting_outboxemail")
                rows = cursor.fetchall()
            connection.close()
        except psycopg2.OperationalError:
            rows = None
        if (rows is not None and all(sent for _id, sent in rows)) or time.monotonic() - began > timeout:
            break
        time.sleep(2)
    time.sleep(2)
    with smtp.lock:
        ids = [message["Message-ID"] for message in smtp.received]
    expected = {f"outbox-{pk}@" for pk, _sent in rows or []}
    received = {message_id.strip("<>").split("@")[0] + "@" for message_id in ids}
    return {
        "outbox": len(rows or []),
        "sent": sum(sent for _id, sent in rows or []),
        "received": len(ids),
        "distinct": len(set(ids)),
        "undelivered": len(expected - received),
        "duplicates": len(ids) - len(set(ids)),
        "drain_seconds": time.monotonic() - began,
    }


def _load_demo(environment: dict[str, str]) -> None:
    """Add the demo data (``load_demo``, which runs only with DJANGO_DEBUG=1) to the bench database.

    ``load_demo`` keeps its passwords in ``.local/demo-passwords``: the developer's file is put back.
    """
    passwords = BASE_DIR / ".local" / "demo-passwords"
    kept = passwords.read_bytes() if passwords.exists() else None
    try:
        stack.manage({**environment, "DJANGO_DEBUG": "1"}, "load_demo")
    finally:
        if kept is None:
            passwords.unlink(missing_ok=True)
        else:
            passwords.write_bytes(kept)


def _lost_reports(cursor, submissions: list[dict], media_root: Path) -> list[int]:
    """The ids of accepted submissions that are not stored whole.

    Whole means: the report is submitted, its progress text carries the submission's token, it has
    a submit transition, and each of its evidence rows has its file in the media storage.
    """
    lost = []
    for submission in submissions:
        cursor.execute(
            "SELECT r.status, r.progress, "
            "(SELECT count(*) FROM reporting_reporttransition t WHERE t.report_id = r.id AND t.action = 'submit'), "
            "(SELECT array_agg(e.file) FROM reporting_evidence e WHERE e.report_id = r.id) "
            "FROM reporting_progressreport r WHERE r.id = %s",
            [submission["report"]],
        )
        row = cursor.fetchone()
        whole = (
            row is not None
            and row[0] == "submitted"
            and submission["token"] in row[1]
            and row[2] >= 1
            and bool(row[3])
            and all((media_root / name).is_file() for name in row[3])
        )
        if not whole:
            lost.append(submission["report"])
    return lost


if __name__ == "__main__":
    sys.exit(main())
