"""Production settings, login throttling, passwords, headers and the rule for serving uploads."""

import json
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.urls import reverse

from quanzhou_women.media import attachment_response
from quanzhou_women.security import client_ip

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DATABASE_URL": "postgres://portal@db.internal:5432/quanzhou_women",
    "DJANGO_ALLOWED_HOSTS": "portal.example.cn,testserver",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.cn",
}


def _run_django(code: str, **environment: str) -> subprocess.CompletedProcess:
    """Run ``code`` after ``django.setup()`` in a fresh interpreter with only ``environment`` set."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean["DJANGO_SETTINGS_MODULE"] = "quanzhou_women.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=settings.BASE_DIR,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS"])
def test_a_server_refuses_to_start_without_each_required_setting(missing):
    environment = {key: value for key, value in PRODUCTION.items() if key != missing}

    result = _run_django("", **environment)

    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_the_deployment_checklist_is_clean_with_production_settings():
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**clean, **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_pages_send_secure_cookies_and_security_headers(tmp_path):
    code = """
import json
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
client = Client()
plain = client.get("/admin/login/")
page = client.get("/admin/login/", secure=True)
cookie = page.cookies["csrftoken"]
print(json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location"),
    "headers": dict(page.headers),
    "csrf_cookie": {key: cookie[key] for key in ("secure", "samesite")},
}))
"""
    result = _run_django(
        code,
        **{
            **PRODUCTION,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        },
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    headers = answer["headers"]

    assert answer["plain_status"] == 301 and answer["plain_location"].startswith("https://")
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert answer["csrf_cookie"] == {"secure": True, "samesite": "Lax"}


def test_production_session_cookies_are_secure_and_hidden_from_scripts():
    result = _run_django(
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.DEBUG)",
        **PRODUCTION,
    )

    assert result.stdout.split() == ["True", "True", "True", "False"]


def test_mail_goes_through_smtp_over_tls_once_a_host_is_configured():
    result = _run_django(
        "from django.core.mail import get_connection\n"
        "c = get_connection(); print(type(c).__name__, c.host, c.port, c.use_ssl, c.username, c.password)",
        **PRODUCTION,
        DJANGO_EMAIL_HOST="smtp.example.cn",
        DJANGO_EMAIL_HOST_USER="portal@example.cn",
        DJANGO_EMAIL_HOST_PASSWORD="mail-secret",
    )

    assert result.stdout.split() == [
        "EmailBackend",
        "smtp.example.cn",
        "465",
        "True",
        "portal@example.cn",
        "mail-secret",
    ]


def test_a_server_refuses_to_start_with_an_smtp_user_but_no_password():
    result = _run_django(
        "", **PRODUCTION, DJANGO_EMAIL_HOST="smtp.example.cn", DJANGO_EMAIL_HOST_USER="portal@example.cn"
    )

    assert "DJANGO_EMAIL_HOST_PASSWORD is not set" in result.stderr


def _failed_login(client, username: str):
    return client.post(
        reverse("admin:login"), {"username": username, "password": "wrong-password", "next": "/admin/"}
    )


def test_five_failed_logins_lock_the_account_out_from_that_address_in_chinese(client, city_admin):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _failed_login(client, "city_admin").status_code == 200

    locked = _failed_login(client, "city_admin")
    with_the_right_password = client.post(
        reverse("admin:login"), {"username": "city_admin", "password": "pw-city-admin", "next": "/admin/"}
    )

    assert locked.status_code == 429
    assert with_the_right_password.status_code == 429
    assert "登录失败次数过多" in with_the_right_password.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_hit_other_users_or_other_addresses(client, city_admin, outsider):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _failed_login(client, "city_admin")

    other_user = client.post(
        reverse("admin:login"), {"username": "outsider", "password": "wrong-password", "next": "/admin/"}
    )
    from_elsewhere = client.post(
        reverse("admin:login"),
        {"username": "city_admin", "password": "pw-city-admin", "next": "/admin/"},
        REMOTE_ADDR="10.1.2.3",
    )

    assert other_user.status_code == 200
    assert from_elsewhere.status_code == 302


def test_the_client_address_comes_from_x_real_ip_only_behind_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    factory = RequestFactory()

    behind_nginx = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_REAL_IP="203.0.113.7")
    forged = factory.get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_REAL_IP="203.0.113.7")

    assert client_ip(behind_nginx) == "203.0.113.7"
    assert client_ip(forged) == "198.51.100.9"


@pytest.mark.parametrize("password", ["12345678901", "password123", "short9!", "city_admin-2014"])
def test_weak_passwords_are_refused_in_chinese(password, city_admin):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=city_admin)

    assert any("\u4e00" <= character <= "\u9fff" for character in " ".join(refused.value.messages))


def test_a_strong_password_passes(city_admin):
    validate_password("Jin-jiang-fu-lian-2014", user=city_admin)


def test_uploads_are_stored_unreadable_to_others_and_handed_out_only_as_attachments(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("evidence/report.html", ContentFile(b"<script>alert(1)</script>"))

    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640
    field_file = type(
        "Stored", (), {"name": name, "open": lambda self, mode: default_storage.open(name, mode)}
    )()
    response = attachment_response(field_file)
    body = b"".join(response.streaming_content)

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert body == b"<script>alert(1)</script>"


def test_user_text_is_shown_escaped_in_the_admin_lists_and_forms(admin_client, carried_assignment):
    script = "<script>alert('xss')</script>"
    carried_assignment.unit.name = f"惠安县妇联{script}"
    carried_assignment.unit.save()
    carried_assignment.responsible_person = '<img src=x onerror="alert(1)">'
    carried_assignment.target = script
    carried_assignment.save()
    project = carried_assignment.project
    pages = [
        reverse("admin:projects_assignment_changelist"),
        reverse("admin:projects_assignment_change", args=[carried_assignment.pk]),
        reverse("admin:projects_featureproject_changelist"),
        reverse("admin:projects_featureproject_change", args=[project.pk]),
        reverse("admin:units_organisation_changelist"),
        reverse("admin:projects_assignment_history", args=[carried_assignment.pk]),
    ]

    for url in pages:
        text = admin_client.get(url).content.decode()
        assert script not in text, url
        assert "<img src=x" not in text, url
        assert "&lt;script&gt;" in text, url
