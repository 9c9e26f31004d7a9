"""Settings of the 争六好、创特色 campaign portal.

Everything that differs between a developer's machine and a server comes from the environment:

- ``DJANGO_DEBUG``: ``1`` on a developer's machine (``make run`` and ``make test`` set it); off by
  default, so that a server never runs in debug mode by accident.
- ``DJANGO_SECRET_KEY``: required unless debug is on; the portal refuses to start without it.
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/quanzhou_women``; without it, the SQLite
  file ``db.sqlite3`` beside ``manage.py``.
- ``DJANGO_ALLOWED_HOSTS``: comma-separated host names (default: localhost only).
- ``DJANGO_MEDIA_ROOT``: uploaded files, shared by every server process (default: ``media/``).

On a server (debug off) the portal refuses to start unless ``DJANGO_SECRET_KEY``, ``DATABASE_URL``
and ``DJANGO_ALLOWED_HOSTS`` are set; ``docs/deploy.md`` lists every variable (HTTPS, e-mail,
shared media storage, proxies) with an example.
"""

import os
from datetime import timedelta
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


def env_required(name: str, debug_default: str) -> str:
    """Read a setting a server cannot run without; ``debug_default`` serves only in debug mode.

    Raises ``ImproperlyConfigured`` naming the variable when it is unset or empty and debug is off.
    """
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} is not set. Set it (see docs/deploy.md), or set DJANGO_DEBUG=1 on a developer's machine."
        )
    return debug_default


SECRET_KEY = env_required("DJANGO_SECRET_KEY", "insecure-local-development-key-never-used-in-production")

ALLOWED_HOSTS = [
    host.strip()
    for host in env_required("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
# Full origins (``https://portal.example.cn``) of the sites whose forms may post here.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "quanzhou_women.lib.apps.PortalAdminConfig",  # django.contrib.admin, every admin scoped
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "simple_history",
    "import_export",
    "concurrency",
    "django_tasks",
    "django_tasks_db",
    "units",
    "projects",
    "reporting",
    "assessments",
    "maintenance",
    "dashboards",
]

#: Django's default storage, with nested quotes set right in every message (issue 15, typography).
MESSAGE_STORAGE = "quanzhou_women.lib.typography.TypographyMessageStorage"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "quanzhou_women.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "quanzhou_women.middleware.RequestTooBigMiddleware",  # before anything reads the request body
    "quanzhou_women.lib.odd_input.OddInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
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
            "libraries": {
                "history_diff": "quanzhou_women.lib.history_diff",
                "pager": "quanzhou_women.lib.pager",
            },
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_required("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on SQLite (``make run``): every transaction takes the write lock when it
    # begins (IMMEDIATE), so two requests queue for it instead of one failing half-way with
    # "database is locked"; a writer waits up to 20 s for the lock before giving up.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
# No ATOMIC_REQUESTS: every user action is ONE service call in ONE ``transaction.atomic`` (the
# services, the admin's change and delete views, imports; "save and submit" is
# ``report_save_and_submit``), so a request that fails half-way leaves nothing half-written, and
# reads hold no transaction open while pages render.

# Background work (notifications' e-mail, reminders) through Django's Tasks API: the django-tasks
# backport on Django 5.2 with the database backend of django-tasks-db. A task is a row in the
# portal's own database, written in the same transaction as the action that asks for it; workers
# (``manage.py run_worker``, any number, on any machine) take them from there. See docs/deploy.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The outbox: an e-mail the server did not accept is tried again after 30 s, 60 s, 120 s, … at most
# every OUTBOX_RETRY_MAX_SECONDS; the worker also sweeps the outbox every OUTBOX_SWEEP_SECONDS.
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "30"))
OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "900"))
OUTBOX_SWEEP_SECONDS = int(os.environ.get("OUTBOX_SWEEP_SECONDS", "60"))
# Group robots (企业微信/钉钉 webhooks, reporting.RobotWebhook): addresses must be https; a plain
# http://127.0.0.1 address only with ROBOT_WEBHOOKS_ALLOW_LOOPBACK (a local stub in tests). A robot
# that does not answer within ROBOT_WEBHOOK_TIMEOUT_SECONDS is tried again like a refused e-mail.
ROBOT_WEBHOOKS_ALLOW_LOOPBACK = env_bool("ROBOT_WEBHOOKS_ALLOW_LOOPBACK")
ROBOT_WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("ROBOT_WEBHOOK_TIMEOUT_SECONDS", "10"))
# Reminders (due soon, overdue) are sent by the worker's scheduler this often (seconds).
REMINDERS_EVERY_SECONDS = int(os.environ.get("REMINDERS_EVERY_SECONDS", str(6 * 3600)))

# Shared by every app server through the database: sessions (Django's default database backend)
# and the cache (``manage.py createcachetable``, run by ``make serve`` and the deploy steps).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "quanzhou_women.security.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
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
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))

# Uploaded files (佐证材料). They are stored, never executed and never served by the web server:
# only views that check the user's permission hand them out, as attachments (see
# ``quanzhou_women.media.attachment_response`` and docs/deploy.md). Without ``DJANGO_S3_BUCKET``
# they lie in ``DJANGO_MEDIA_ROOT``; with it, in an S3-compatible bucket that every app server shares.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if os.environ.get("DJANGO_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DJANGO_S3_BUCKET"],
            "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_S3_REGION") or None,
            "access_key": env_required("DJANGO_S3_ACCESS_KEY_ID", ""),
            "secret_key": env_required("DJANGO_S3_SECRET_ACCESS_KEY", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 300,
            "object_parameters": {"ContentDisposition": "attachment"},
        },
    }
# Spreadsheets between an import's preview and its confirmation (django-import-export's
# MediaStorage): beside the media files, which every app server shares, so that the confirm step
# may reach another server than the preview. ``manage.py clear_pending_imports`` removes old ones.
STORAGES["import_export"] = {
    "BACKEND": STORAGES["default"]["BACKEND"],
    "OPTIONS": {
        **STORAGES["default"].get("OPTIONS", {}),
        # a folder of the bucket, or of the media root
        "location": "import-pending"
        if os.environ.get("DJANGO_S3_BUCKET")
        else str(MEDIA_ROOT / "import-pending"),
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-import-export: only users with the model's import/export permission may use it.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
# Imports of more than 2,000 filled rows (spreadsheets.MAX_ROWS) and at most this many run as a task of
# the worker, with a progress page (reporting.background_import); an unconfirmed one expires after
# IMPORT_JOB_EXPIRY_HOURS (the worker's hourly reporting.tasks.import_jobs_clear deletes it with its file).
IMPORT_BACKGROUND_MAX_ROWS = int(os.environ.get("IMPORT_BACKGROUND_MAX_ROWS", "20000"))
IMPORT_JOB_EXPIRY_HOURS = int(os.environ.get("IMPORT_JOB_EXPIRY_HOURS", "24"))

# Messages to staff: the console in development; SMTP once DJANGO_EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
if EMAIL_HOST:
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "465"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_required("DJANGO_EMAIL_HOST_PASSWORD", "") if EMAIL_HOST_USER else ""
    EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", not EMAIL_USE_SSL)
    EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("", address) for address in env_list("DJANGO_ADMINS")]

# HTTPS. On by default off debug: nginx terminates TLS and tells Django with X-Forwarded-Proto
# (it must overwrite any such header from the client). ``DJANGO_HTTPS=0`` only for a local
# production-like run over plain HTTP on loopback (``make serve``, the deployment tests).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS  # allows, but does not make, a submission to the browsers' preload list
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day, in seconds
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Addresses of the proxies (nginx) whose X-Real-IP header names the client, for login throttling.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")

# Content security policy (django-csp): scripts, style sheets, images and fonts from this site
# only, no inline script, no plugins, no framing. Only ``style="…"`` attributes are allowed inline:
# the history and export pages of django-simple-history and django-import-export use them, and they
# can neither run script nor, with img-src and font-src 'self', send data elsewhere. The admin pages
# pass it in Chromium (tests/deploy/test_csp_browser.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after 5 failed logins for one user name from one address, that
# pair is locked out for 15 minutes; the lockout page is templates/429.html.
AUTHENTICATION_BACKENDS = [
    "quanzhou_women.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_CLIENT_IP_CALLABLE = "quanzhou_women.security.client_ip"
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Progress reporting (reporting/): a report is due this many days after its period ends; reminders
# go out this many days before; evidence files (in the default storage, under evidence/) are at
# most this big.
REPORTING_DUE_DAYS = int(os.environ.get("REPORTING_DUE_DAYS", "10"))
REPORTING_REMIND_DAYS_BEFORE = int(os.environ.get("REPORTING_REMIND_DAYS_BEFORE", "3"))
# The portal's address, for links in e-mails (notifications and reminders).
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000")
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# A report form's text (four texts of a report can run to a few hundred thousand Chinese
# characters, 3 bytes each) may be this big; Django's default of 2.5 MB refused a real one with a
# bare 400. Files do not count here: they go to disk as they arrive. One post (text and every file
# chosen at once) may be at most EVIDENCE_MAX_REQUEST_BYTES: the page checks it before posting,
# and nginx's client_max_body_size must allow it (docs/deploy.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(16 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FILES = 50
EVIDENCE_MAX_REQUEST_BYTES = int(os.environ.get("EVIDENCE_MAX_REQUEST_BYTES", str(200 * 1024 * 1024)))
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
# 下发 / 签收 (issue 15 item 3): the badge of a task issued and not yet received (未签收), shown on
# top of the cell's status colour; docs/status-colours.md.
SUPERVISION_RECEIPT_COLOUR = {"background": "#8250df", "text": "#ffffff", "mark": "✉"}

# 争六好 grades (issue 14 item 4): (lowest total, grade), highest first; a unit gets the first grade
# whose threshold its total reaches. ASSESSMENT_GRADING "ranking" grades by rank instead:
# ASSESSMENT_RANK_GRADES (share of the units, grade), best first, the rest "需改进".
ASSESSMENT_GRADES = [(90, "先进单位"), (80, "良好"), (60, "合格"), (0, "需改进")]
ASSESSMENT_GRADING = "thresholds"
ASSESSMENT_RANK_GRADES = [(0.2, "先进单位"), (0.5, "良好"), (0.9, "合格")]
