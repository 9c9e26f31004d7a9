"""gunicorn's settings for the portal; gunicorn reads this file from the working directory.

``GUNICORN_BIND`` (default ``127.0.0.1:8000``) and ``GUNICORN_WORKERS`` (default CPUs + 1) come
from the environment. Workers are recycled now and then so that no leak grows for months.

Why CPUs + 1 and not gunicorn's usual 2 × CPUs + 1: on one small server that also runs PostgreSQL
and the task worker, the CPU a gunicorn worker frees while it waits for a query goes to PostgreSQL,
not to another request, and more workers only take turns on the same CPUs. On the 2-CPU load
machine (``make load``, 50 users, seed scale) 3 workers answered with p95 310–350 ms, 5 workers
with 390–470 ms and 2 with 380 ms, at the same code (docs/benchmarks.md). With PostgreSQL on
another machine (the app servers of docs/deploy.md), set ``GUNICORN_WORKERS`` to 2 × CPUs + 1.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
timeout = 30  # seconds a request may take before its worker is restarted
graceful_timeout = 30  # seconds in-flight requests get to finish on SIGTERM or a restart
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket: systemd and signals (HUP reloads, TERM stops) manage the server, and several
# gunicorns on one host (the tests, make serve) would otherwise share one socket path.
control_socket_disable = True
