# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run PORT=8001` serves on another port; HOST=0.0.0.0 serves other machines too (or give
# the whole address: DEV_SERVER=127.0.0.1:8001).
HOST ?= 127.0.0.1
PORT ?= 8000
DEV_SERVER ?= $(HOST):$(PORT)

.PHONY: run test install browser-tools chromium migrate seed lint format clean serve load bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The browser tests (tests/browser/) drive Debian's Chromium and inject axe-core from npm.
CHROMIUM := /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { echo "The browser tests need npm (Debian: apt-get install npm) for axe-core." >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "The browser tests need Chromium at $(CHROMIUM): run 'sudo apt-get install chromium'." >&2; \
			exit 1; \
		fi; \
	fi

browser-tools: $(AXE) chromium

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input

# The seed goes only into an empty database: a restart never overwrites what editors changed.
seed: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_seed

run: seed
	@echo
	@echo "The tracker is at http://$(DEV_SERVER)/ (the admin at http://$(DEV_SERVER)/admin/)."
	@echo "To make an admin account, run in another terminal:"
	@echo "    DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser"
	@echo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(DEV_SERVER)

# The production configuration on this machine: DEBUG off, static files collected (hashed,
# compressed) and served by whitenoise, gunicorn (tracker/gunicorn_conf.py). It needs the
# production environment (README, "Deploy"); DJANGO_HTTPS=0 serves plain HTTP locally.
GUNICORN_BIND ?= 127.0.0.1:8000

serve: install
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate --no-input --verbosity 0
	DJANGO_DEBUG=0 GUNICORN_BIND=$(GUNICORN_BIND) $(BIN)/gunicorn --config tracker/gunicorn_conf.py tracker.wsgi

# Load test (bench/load.py): `make serve` on a spare loopback port against a fresh PostgreSQL
# database with the seed, 50 clients for 30 seconds, then the server is stopped.
# The server's log goes to $(LOAD_LOG).
LOAD_DB ?= tracker_load
LOAD_ARGS ?= --clients 50 --duration 30
LOAD_LOG ?= bench/results/load-serve.log

load: install
	@set -e; \
	export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(LOAD_DB) DJANGO_DEBUG=0 DJANGO_HTTPS=0 \
		DJANGO_ALLOWED_HOSTS=127.0.0.1 \
		DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	port=$$($(BIN)/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	dropdb --if-exists -h 127.0.0.1 -U postgres $(LOAD_DB); \
	createdb -h 127.0.0.1 -U postgres $(LOAD_DB); \
	$(BIN)/python manage.py migrate --no-input --verbosity 0; \
	$(BIN)/python manage.py loaddata december_2025 --verbosity 0; \
	mkdir -p $(dir $(LOAD_LOG)); \
	echo "Serving on 127.0.0.1:$$port (log: $(LOAD_LOG))"; \
	setsid $(MAKE) --no-print-directory serve GUNICORN_BIND=127.0.0.1:$$port >$(LOAD_LOG) 2>&1 & \
	server=$$!; \
	trap 'kill -TERM -$$server 2>/dev/null || :; wait $$server 2>/dev/null || :; \
		while kill -0 -$$server 2>/dev/null; do sleep 0.2; done' EXIT INT TERM; \
	$(BIN)/python bench/load.py --url http://127.0.0.1:$$port --wait 120 $(LOAD_ARGS)

# Benchmark (bench/run.py, README "Benchmark"): 100,000 people and 2,000 events in fresh
# databases, on PostgreSQL (tracker_bench*, dropped afterwards) and SQLite; about 25 minutes.
# Tables on screen, JSON in bench/results/. A quick run: BENCH_ARGS="--prisoners 5000 --events 100"
BENCH_ARGS ?=

bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# In parallel (pytest-xdist), a worker a core, each with its own test database. Tests go out one
# by one in pytest-django's order (transactional tests last), except those sharing a module's
# data, which stay together (tests/conftest.py). PYTEST_WORKERS=0: one process.
PYTEST_WORKERS ?= auto

test: install browser-tools
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache .ruff_cache node_modules test-artifacts
