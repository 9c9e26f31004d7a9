"""The production stack on loopback for the deployment tests and the load script: databases, gunicorn.

Servers run with debug off, whitenoise and the real settings, over plain HTTP (``DJANGO_HTTPS=0``)
on the ports 8106–8119. Databases are named after the test run's own (``<name>_<suffix>``), so
that parallel runs with different ``DATABASE_URL`` never meet.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import requests
from django.conf import settings
from psycopg2 import sql

from bench.html_form import form_fields

BASE_DIR = Path(settings.BASE_DIR)
#: Ports of the app servers: 8106–8119, or ``QW_PORTS=first-last`` (each developer has a range).
_first, _last = os.environ.get("QW_PORTS", "8106-8119").split("-")
PORTS = range(int(_first), int(_last) + 1)
SECRET_KEY = "deployment-tests-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
USERNAME = "chief"
PASSWORD = "Chief-pw-2014-quanzhou"


def base_url() -> str:
    """``DATABASE_URL`` of the run, without the database name: postgres://user@host:port."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return f"{url.scheme}://{url.netloc}"


def base_name() -> str:
    """The run's own database name, e.g. ``qw_deploy``."""
    return urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")


def _admin_connection():
    connection = psycopg2.connect(f"{base_url()}/postgres")
    connection.autocommit = True
    return connection


def drop_database(name: str) -> None:
    """Drop ``name`` if it exists, ending its connections first."""
    connection = _admin_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    connection.close()


def create_database(name: str) -> str:
    """Create an empty database ``name`` (dropping an old one) and return its URL."""
    drop_database(name)
    connection = _admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    return f"{base_url()}/{name}"


def server_environment(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like process on ``database_url``."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))
    }
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_HTTPS="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        **extra,
    )
    return environment


def manage(environment: dict[str, str], *arguments: str) -> str:
    """Run ``manage.py`` with ``arguments`` in ``environment``; return its output or fail loudly."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_stack(environment: dict[str, str]) -> None:
    """Migrate, create the cache table, collect static files, load 2014 and add the user ``chief``."""
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    manage(environment, "createcachetable")
    manage(environment, "collectstatic", "--no-input", "--verbosity", "0")
    manage(environment, "loaddata", "campaign_2014", "--verbosity", "0")
    manage(
        environment,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser({USERNAME!r}, 'chief@example.com', {PASSWORD!r})",
    )


def free_port() -> int:
    """A port of ``PORTS`` that nothing listens on."""
    for port in PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {PORTS.start}–{PORTS.stop - 1}.")


class AppServer:
    """One gunicorn app server on loopback, started and stopped by the test."""

    def __init__(self, environment: dict[str, str], workers: int = 2) -> None:
        self.environment = environment
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "AppServer":
        """Start gunicorn on a free port and wait (at most 30 s) until it answers.

        Its error log goes to a temporary file, shown if it fails to start.
        """
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "quanzhou_women.wsgi"],
            cwd=BASE_DIR,
            env={
                **self.environment,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(self.workers),
            },
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                requests.get(f"{self.url}/admin/login/", timeout=5)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        self.log.seek(0)
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read().decode(errors='replace')}")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM: in-flight requests finish) and wait for the exit."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()
            self.log = None


def log_in(session: requests.Session, server_url: str, username: str = USERNAME, password: str = PASSWORD):
    """Log in through the admin login form of ``server_url``; return the response after redirects."""
    page = session.get(f"{server_url}/admin/login/?next=/admin/", timeout=10)
    token = form_fields(page.text, "login-form")["csrfmiddlewaretoken"][0]
    return session.post(
        f"{server_url}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
        timeout=10,
    )


def save_assignment(session: requests.Session, server_url: str, pk: int, **changes: str):
    """Open the admin change form of assignment ``pk``, apply ``changes`` and save; return the response."""
    page = session.get(f"{server_url}/admin/projects/assignment/{pk}/change/", timeout=10)
    page.raise_for_status()
    data = form_fields(page.text, "assignment_form")
    for name, value in changes.items():
        data[name] = [value]
    return session.post(
        f"{server_url}/admin/projects/assignment/{pk}/change/", data=data, timeout=10, allow_redirects=False
    )


def log_in_portal(session: requests.Session, server_url: str, username: str, password: str):
    """Log in through the portal's login page of ``server_url``; return the response after redirects."""
    page = session.get(f"{server_url}/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{server_url}/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        timeout=30,
    )
    if "sessionid" not in session.cookies:
        raise AssertionError(f"{username} could not log in: {answer.status_code}")
    return answer


def create_member(
    environment: dict[str, str],
    username: str,
    organisation: str,
    role: str = "reporter",
    password: str = PASSWORD,
) -> None:
    """Create the user ``username`` with ``role`` (default 填报员, reporter) in the named organisation.

    Also makes sure every campaign has its reporting periods (as the portal does when one is set up).
    """
    manage(
        environment,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from units.models import Membership, Organisation; "
        f"user = User.objects.create_user({username!r}, password={password!r}); "
        f"Membership.objects.create(user=user, organisation=Organisation.objects.get(name={organisation!r}), "
        f"role={role!r})\n"
        "from projects.models import Campaign; from reporting import services\n"
        "for campaign in Campaign.objects.all(): services.periods_ensure(campaign=campaign)",
    )


def portal_report_submit(
    session: requests.Session,
    server_url: str,
    assignment_pk: int,
    progress: str,
    evidence: tuple[str, bytes, str] | None = None,
) -> str:
    """As a logged-in reporter, start the first open report of an assignment, fill it in, attach
    ``evidence`` (name, content, type) if given and submit it, through the portal pages.

    Returns the report's path (``/reports/<id>/``); fails loudly if a step is not accepted.
    """
    page = session.get(f"{server_url}/assignments/{assignment_pk}/", timeout=30)
    page.raise_for_status()
    opens = re.findall(r'action="(/assignments/\d+/periods/\d+/report/)"', page.text)
    if not opens:
        raise AssertionError(f"no open report on assignment {assignment_pk}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    form_page = session.post(f"{server_url}{opens[0]}", data={"csrfmiddlewaretoken": token}, timeout=30)
    form_page.raise_for_status()
    edit_url = form_page.url
    data = form_fields(form_page.text, "report-form")
    if evidence is not None:
        uploaded = session.post(
            edit_url.replace("/edit/", "/evidence/"),
            data={"csrfmiddlewaretoken": data["csrfmiddlewaretoken"][0]},
            files={"file": evidence},
            timeout=30,
        )
        if evidence[0] not in uploaded.text:
            raise AssertionError(f"evidence {evidence[0]} not attached: {uploaded.status_code}")
    data.update(progress=[progress], percent_complete=["40"], submit=[""])
    data.pop("save", None)
    answer = session.post(edit_url, data=data, timeout=30, allow_redirects=False)
    location = answer.headers.get("Location", "")
    if answer.status_code != 302 or not re.search(r"/reports/\d+/$", location):
        raise AssertionError(f"submission not accepted: {answer.status_code} {location}")
    return location.removeprefix(server_url)
