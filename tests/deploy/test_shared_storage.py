"""Media on shared S3-compatible storage (django-storages), against moto's S3 server on loopback."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import boto3
import psycopg2
import pytest
import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from bench import stack
from bench.stack import free_port
from maintenance.services import _storage_files
from tests.deploy.conftest import requires_postgresql

BUCKET = "quanzhou-women-media"
KEYS = {"DJANGO_S3_ACCESS_KEY_ID": "testing", "DJANGO_S3_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on a free loopback port, with an empty private bucket; stopped afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a busy machine starts it slowly
    while True:
        try:
            requests.get(endpoint, timeout=5)
            break
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or its first answer slow
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.2)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.terminate()
    server.wait(timeout=10)


def _app_process(code: str, endpoint: str, **extra: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh app process configured for the shared bucket by the environment."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="quanzhou_women.settings",
        DJANGO_S3_BUCKET=BUCKET,
        DJANGO_S3_ENDPOINT_URL=endpoint,
        DJANGO_S3_REGION="us-east-1",
        **KEYS,
    )
    environment.update(extra)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_file_saved_by_one_app_server_is_read_by_another_and_by_nobody_else(s3_endpoint):
    endpoint, client = s3_endpoint
    saved = _app_process(
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "print(default_storage.save('evidence/2014/惠安县妇联.pdf', ContentFile('第一季度'.encode())))",
        endpoint,
    )
    assert saved.returncode == 0, saved.stderr
    name = saved.stdout.strip()

    read = _app_process(
        "from django.core.files.storage import default_storage\n"
        f"print(default_storage.open({name!r}).read().decode(), type(default_storage._wrapped).__name__)",
        endpoint,
    )

    assert read.returncode == 0, read.stderr
    assert read.stdout.split() == ["第一季度", "S3Storage"]
    stored = client.head_object(Bucket=BUCKET, Key=name)
    assert stored["ContentDisposition"] == "attachment"
    assert requests.get(f"{endpoint}/{BUCKET}/{name}", timeout=5).status_code == 403, "readable by anyone"


def test_an_app_server_refuses_to_start_with_a_bucket_but_no_keys(s3_endpoint):
    endpoint, _ = s3_endpoint
    result = _app_process(
        "",
        endpoint,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        DATABASE_URL="postgres://portal@db.internal:5432/quanzhou_women",
        DJANGO_ALLOWED_HOSTS="portal.example.cn",
        DJANGO_S3_SECRET_ACCESS_KEY="",
    )

    assert result.returncode != 0
    assert "DJANGO_S3_SECRET_ACCESS_KEY is not set" in result.stderr


def test_a_name_already_taken_gets_a_new_name_so_no_upload_overwrites_another(s3_endpoint, settings):
    endpoint, _ = s3_endpoint
    settings.STORAGES = {**settings.STORAGES, "default": _s3_storage(endpoint)}

    first = default_storage.save("evidence/same.txt", ContentFile(b"one"))
    second = default_storage.save("evidence/same.txt", ContentFile(b"two"))

    assert first != second
    assert default_storage.open(first).read() == b"one"


def test_backups_walk_every_file_of_the_bucket(s3_endpoint, settings):
    endpoint, client = s3_endpoint
    settings.STORAGES = {**settings.STORAGES, "default": _s3_storage(endpoint)}
    for key in ("walk/a.txt", "walk/deeper/b.txt"):
        client.put_object(Bucket=BUCKET, Key=key, Body=b"x")

    names = set(_storage_files("walk"))

    assert names == {"walk/a.txt", "walk/deeper/b.txt"}


def _s3_storage(endpoint: str) -> dict:
    """The ``STORAGES["default"]`` entry the settings build from ``DJANGO_S3_*`` for ``endpoint``."""
    result = _app_process(
        "import json; from django.conf import settings; print(json.dumps(settings.STORAGES['default']))",
        endpoint,
    )
    return json.loads(result.stdout)


@requires_postgresql
def test_evidence_uploaded_on_one_gunicorn_server_is_downloaded_on_the_other_from_the_bucket(
    s3_endpoint, app_servers, stack_environment
):
    endpoint, client = s3_endpoint
    stack.create_member(stack_environment, "s3-reporter", "南安市妇联")
    bucket = {
        "DJANGO_S3_BUCKET": BUCKET,
        "DJANGO_S3_ENDPOINT_URL": endpoint,
        "DJANGO_S3_REGION": "us-east-1",
        "DJANGO_MEDIA_ROOT": "/nonexistent-media",  # nothing may land on a server's own disk
        **KEYS,
    }
    first, second = app_servers(2, **bucket)
    with psycopg2.connect(stack_environment["DATABASE_URL"]) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id FROM projects_assignment a JOIN units_organisation o ON o.id = a.unit_id "
            "JOIN projects_featureproject p ON p.id = a.project_id WHERE o.name = '南安市妇联' AND p.number = 4"
        )
        (assignment_id,) = cursor.fetchone()
    connection.close()
    photo = PNG + "南安 第一季度".encode()
    browser = requests.Session()
    stack.log_in_portal(browser, first.url, "s3-reporter", stack.PASSWORD)

    report_path = stack.portal_report_submit(
        browser,
        first.url,
        assignment_id,
        "在第一台服务器上提交",
        evidence=("活动照片.png", photo, "image/png"),
    )

    page = browser.get(f"{second.url}{report_path}", timeout=10)
    assert page.status_code == 200 and "活动照片.png" in page.text
    (download_path,) = set(re.findall(r'href="(/evidence/\d+/)"', page.text))
    download = browser.get(f"{second.url}{download_path}", timeout=10)
    assert download.status_code == 200
    assert download.content == photo
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix="evidence/")["Contents"]]
    assert any(client.get_object(Bucket=BUCKET, Key=key)["Body"].read() == photo for key in keys)


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
