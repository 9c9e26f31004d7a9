"""Settings of the 争六好、创特色 campaign portal.

Everything that differs between a developer's machine and a server comes from the environment:

- ``DJANGO_DEBUG``: ``1`` on a developer's machine (``make run`` and ``make test`` set it); off by
  default, so that a server never runs in debug mode by accident.
- ``DJANGO_SECRET_KEY``: required unless debug is on; the portal refuses to start without it.
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/quanzhou_women``; without it, the SQLite
  file ``db.sqlite3`` beside ``manage.py``.
- ``DJANGO_ALLOWED_HOSTS``: comma-separated host names (default: localhost only).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no setting: ``1``, ``true``, ``yes`` and ``on`` (any case) mean yes."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated setting as a list of stripped, non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 on a developer's machine."
        )
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "import_export",
    "concurrency",
    "units",
    "projects",
    "reporting",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "quanzhou_women.urls"
WSGI_APPLICATION = "quanzhou_women.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reporting.context_processors.portal",
            ],
            "libraries": {"history_diff": "quanzhou_women.lib.history_diff"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese interface, Quanzhou time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-import-export: only users with the model's import/export permission may use it.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Messages to staff: the console in development; SMTP once EMAIL_HOST is set.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")

# Progress reporting (reporting/): a report is due this many days after its period ends; reminders
# go out this many days before; evidence files are kept outside the web root, at most this big.
REPORTING_DUE_DAYS = int(os.environ.get("REPORTING_DUE_DAYS", "10"))
REPORTING_REMIND_DAYS_BEFORE = int(os.environ.get("REPORTING_REMIND_DAYS_BEFORE", "3"))
EVIDENCE_ROOT = Path(os.environ.get("DJANGO_EVIDENCE_ROOT", BASE_DIR / "private" / "evidence"))
# The portal's address, for links in e-mails (notifications and reminders).
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000")
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# django-concurrency refuses the later of two saves of a plan or report; rows still at version 0
# (fresh from a fixture) may be reloaded by loaddata.
CONCURRENCY_VERSION_FIELD_REQUIRED = False

# Supervision (督办) status of every dashboard cell: the rules and the colours, explained in
# docs/status-colours.md and applied by dashboards/status.py only. A city with another convention
# changes them here (e.g. "deadline_near_days": 14 turns on blue for a deadline coming near).
SUPERVISION_STATUS_RULES = {
    "done_percent": 100,
    "behind_gap_percent": 15,
    "step_overdue_days": 30,
    "missing_reports_behind": 1,
    "missing_reports_overdue": 2,
    "deadline_near_days": 0,
}
SUPERVISION_STATUS_COLOURS = {
    "not_started": {"background": "#eaeef2", "text": "#424a53", "mark": "○"},
    "on_track": {"background": "#2da44e", "text": "#ffffff", "mark": "●"},
    "due_soon": {"background": "#0969da", "text": "#ffffff", "mark": "◆"},
    "behind": {"background": "#f2c037", "text": "#3b2300", "mark": "▲"},
    "overdue": {"background": "#cf222e", "text": "#ffffff", "mark": "✕"},
    "done": {"background": "#116329", "text": "#ffffff", "mark": "✓"},
}
