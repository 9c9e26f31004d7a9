#!/usr/bin/env bash
# `make serve`: the production stack on this machine — PostgreSQL, gunicorn and whitenoise, debug
# off — over plain HTTP on loopback. Creates the database if it is missing, migrates, collects the
# static files, loads the 2014 data into an empty database, then runs gunicorn in the foreground
# with the background worker (manage.py run_worker) beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/quanzhou_women}
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:8000}
export DJANGO_DEBUG=0
export DJANGO_HTTPS=${DJANGO_HTTPS:-0}  # plain HTTP on loopback; a server runs behind nginx with TLS
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
mkdir -p .local
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  [ -s .local/secret-key ] || { "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" > .local/secret-key; chmod 600 .local/secret-key; }
  DJANGO_SECRET_KEY=$(cat .local/secret-key)
  export DJANGO_SECRET_KEY
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
"$PY" - <<'PYEOF'
"""Create the database named in DATABASE_URL if it is missing."""
import os
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = psycopg2.connect(os.environ["DATABASE_URL"].replace(url.path, "/postgres", 1))
admin.autocommit = True
with admin.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Created database {name}")
admin.close()
PYEOF
"$PY" manage.py migrate --no-input
"$PY" manage.py createcachetable
"$PY" manage.py collectstatic --no-input --verbosity 0
if [ "$("$PY" manage.py shell -c 'from projects.models import Campaign; print(Campaign.objects.count())')" = 0 ]; then
  "$PY" manage.py loaddata campaign_2014
fi
DJANGO_DEBUG=1 "$PY" manage.py ensure_local_admin
echo "Serving on http://$GUNICORN_BIND/ with a background worker (Ctrl+C stops both)"
exec bash scripts/with-worker.sh .venv/bin/gunicorn quanzhou_women.wsgi
