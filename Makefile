# The portal's commands. `make help` lists them.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
export DJANGO_DEBUG ?= 1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint messages serve backup restore load

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime  ## Serve the portal (and its background worker) with the 2014 data on SQLite at http://127.0.0.1:8000 (another port: make run PORT=8080)
	bash scripts/install-system-packages.sh
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py load_campaign_2014
	$(PY) manage.py load_division_tree
	$(PY) manage.py ensure_local_admin
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_assessment
	PY=$(PY) bash scripts/with-worker.sh $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev  ## Run every test (SQLite, or PostgreSQL when DATABASE_URL is set)
	bash scripts/install-system-packages.sh --test
	$(PY) -m pytest

lint: $(VENV)/.dev  ## ruff, migrations in step with the models, Django's system checks
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check --fail-level WARNING

messages: $(VENV)/.dev  ## Collect new interface strings into the zh_Hans catalogues and compile them
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore=.venv --ignore=tests --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

serve: $(VENV)/.runtime  ## Run the production stack (PostgreSQL, gunicorn, whitenoise) at http://127.0.0.1:8000
	PY=$(PY) bash scripts/serve.sh

backup: $(VENV)/.runtime  ## Back up the database (pg_dump) and the media files into backups/
	$(PY) manage.py backup_portal --output-dir $${BACKUP_DIR:-backups}

restore: $(VENV)/.runtime  ## Restore a backup: make restore BACKUP=backups/<name> (replaces all data!)
	test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/<name>"; exit 2; }
	$(PY) manage.py restore_portal "$(BACKUP)"

load: $(VENV)/.dev  ## Load test: 50 users for 60 s against gunicorn on PostgreSQL (DATABASE_URL; LOAD_ARGS="--scale province"); see docs/benchmarks.md
	$(PY) -m bench.load $(LOAD_ARGS)
