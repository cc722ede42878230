# Safe Digital. `make run` serves the site with the demo event; `make test` runs the whole suite.
# Both set everything up first (a virtual environment in .venv, the pinned packages, the database).

SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000

# The first interpreter that is Python 3.12 or newer: python3 (pyenv reads .python-version), then the named ones.
PYTHON ?= $(shell for p in python3 python3.13 python3.12; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; done)

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The constraints apply to the build environments too (xstatic-bootstrap still builds with setuptools < 81):
# pip before 26.2 reads PIP_CONSTRAINT there, pip 26.2 and newer only PIP_BUILD_CONSTRAINT.
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_BUILD_CONSTRAINT := $(CURDIR)/constraints.txt
# pip itself is pinned too, so every install resolves the same way.
PIP_VERSION := 26.3
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help python install run serve worker test lint format check pytest bench bench-enquiries bench-breakdown lock clean demo

help:
	@echo "make run     set up, migrate, load the demo event and serve http://127.0.0.1:$(PORT)"
	@echo "make test    set up, then lint, check, makemigrations --check and the whole pytest suite"
	@echo "make pytest  only the pytest suite (PYTEST_ARGS=..., PYTEST_WORKERS=2)"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make format  ruff format and ruff check --fix"
	@echo "make check   manage.py check and makemigrations --check"
	@echo "make demo    migrate and (re)load the demo event without serving"
	@echo "make serve   gunicorn and the task worker under production settings (needs SECRET_KEY and ALLOWED_HOSTS)"
	@echo "make worker  only the task worker: queued e-mails, gallery photos to resize (production settings)"
	@echo "make bench   the benchmark in bench/ (never run by the tests; BENCH_ARGS=--help)"
	@echo "make bench-enquiries  10,000 enquiries from 32 clients, then again while a worker is killed"
	@echo "make bench-breakdown  where an uncached page's time goes: view, queries, template (BENCH_ARGS=--help)"
	@echo "make lock    re-resolve constraints.txt after changing pyproject.toml"
	@echo "make clean   remove .venv, the SQLite database, the page cache's version file, media and collected static files"

python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Safe Digital needs Python 3.12 or newer (found: $$(command -v python3 >/dev/null && python3 --version 2>&1 || echo no python3)); install 3.13 with 'pyenv install 3.13' or your system's python3.13 package, then run make again." >&2; \
		exit 1; fi
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "$(VENV) was made with $$($(PY) --version); remove it ('rm -rf $(VENV)') and run make again." >&2; exit 1; fi

$(STAMP): pyproject.toml constraints.txt | python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "pip==$(PIP_VERSION)"
	$(PY) -m pip install --quiet ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data

# gunicorn (through safedigital/serve.py, which checks WEB_CONCURRENCY first), and beside it (yielding the CPU to
# it) the worker that sends the queued e-mails and resizes the gallery photos added several at a time. Both stop
# together: when gunicorn ends, and when the shell is told to stop (a process manager's TERM to make reaches it;
# it had left gunicorn running, answering, with no worker beside it).
serve: $(STAMP)
	DEBUG=false $(PY) manage.py collectstatic --noinput
	DEBUG=false $(PY) manage.py migrate --noinput
	DEBUG=false nice -n 10 $(PY) manage.py db_worker & worker=$$!; \
	DEBUG=false $(PY) -m safedigital.serve & server=$$!; \
	trap 'kill $$server $$worker 2>/dev/null; wait' INT TERM; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	wait $$server

worker: $(STAMP)
	DEBUG=false $(PY) manage.py db_worker

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: $(STAMP)
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

# Two workers by default (one per core here); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
pytest: $(STAMP)
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint check pytest

# wrk drives the pages when it is there (Debian's package, installed here when we may); else a Python client.
bench: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& echo "bench: installing wrk" && apt-get install -y -qq wrk >/dev/null; } \
		|| echo "bench: wrk is not installed; the pages are driven by the Python client instead"
	$(PY) bench/run.py $(BENCH_ARGS)

bench-enquiries: $(STAMP)
	$(PY) bench/enquiries.py $(BENCH_ARGS)

bench-breakdown: $(STAMP)
	$(PY) bench/breakdown.py $(BENCH_ARGS)

lock: | python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet "pip==$(PIP_VERSION)"
	echo "setuptools<81" > constraints.txt
	PIP_CONSTRAINT=$(CURDIR)/constraints.txt .lock-venv/bin/pip install --quiet ".[dev]"
	(echo "# Resolved by 'make lock' from pyproject.toml; the build environments read it too."; \
	 echo "setuptools<81"; .lock-venv/bin/pip freeze --exclude safedigital) > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) db.sqlite3 page-cache-version media staticfiles test-output
