#!/usr/bin/env bash
# Run a command (the web server) in the foreground with the background worker beside it:
#   scripts/with-worker.sh .venv/bin/python manage.py runserver 127.0.0.1:8000
# The worker (`manage.py run_worker`: e-mail outbox, reminders, later imports and exports) starts
# first, in the background, logging to .local/worker.log; it stops when the server stops (Ctrl+C,
# an error, or the script being killed). Used by `make run` and `make serve`.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p .local
"$PY" manage.py run_worker >>.local/worker.log 2>&1 &
worker=$!
echo "Worker running (pid $worker, log .local/worker.log)"
stop_worker() {
  kill -TERM "$worker" 2>/dev/null && wait "$worker" 2>/dev/null
}
trap stop_worker EXIT
trap 'exit 130' INT TERM
"$@"
