# The README's commands. `make run` serves the system; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-sqlite test-postgres lint format install messages bench

# Dependencies install once, and again only when their pins change.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The static files production serves (hashed names, compressed: the manifest storage), built by the install
# step so that no installation runs without them; again when a source file or a dependency changes.
# Run with the production environment loaded, so that TSUNAGU_STATIC_DIR/TSUNAGU_VAR_DIR match (docs/deploy.md).
STATIC_DIR := $(or $(TSUNAGU_STATIC_DIR),$(or $(TSUNAGU_VAR_DIR),var)/static)
$(STATIC_DIR)/staticfiles.json: $(VENV)/.installed node_modules/.installed $(shell find static -type f)
	STATIC_MANIFEST=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	@touch $@

install: $(VENV)/.installed node_modules/.installed $(STATIC_DIR)/staticfiles.json

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	$(PY) manage.py demo_town --scale town --seed 1
	$(PY) manage.py audit_seal
	# The task worker and the job schedule run beside the server and stop with it (docs/tasks.md).
	$(PY) manage.py with_worker -- $(PY) manage.py runserver $(HOST):$(PORT)

# Production serving (docs/deploy.md): gunicorn on loopback behind the TLS reverse proxy, with the environment
# of a real installation (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS …). Migrations are the owner role's step.
serve: install
	$(VENV)/bin/gunicorn --config config/gunicorn.conf.py --bind $(HOST):$(PORT) config.wsgi

# SQLite always; PostgreSQL too when TEST_DATABASE_URL (or DATABASE_URL) points at one.
PG_URL := $(or $(TEST_DATABASE_URL),$(filter postgres%,$(DATABASE_URL)))

# With PostgreSQL the two suites run side by side (one core each; each writes its own log, shown when both end).
TEST_LOGS := $(or $(TSUNAGU_VAR_DIR),var)/test-logs
test: install
ifneq ($(PG_URL),)
	@mkdir -p $(TEST_LOGS)
	@$(MAKE) --no-print-directory test-sqlite > $(TEST_LOGS)/sqlite.log 2>&1 & sqlite=$$!; \
	  $(MAKE) --no-print-directory test-postgres > $(TEST_LOGS)/postgresql.log 2>&1; pg=$$?; \
	  wait $$sqlite; sq=$$?; \
	  cat $(TEST_LOGS)/sqlite.log $(TEST_LOGS)/postgresql.log; \
	  echo "SQLite: exit $$sq, PostgreSQL: exit $$pg"; test $$sq -eq 0 -a $$pg -eq 0
else
	@$(MAKE) --no-print-directory test-sqlite
	@echo "PostgreSQL: skipped (set TEST_DATABASE_URL=postgres://… to run the suite on PostgreSQL too)"
endif

# pytest exits 5 when it collected no test: that is a failure here, never a silent pass.
define run_pytest
	@echo "=== tests on $(1) ==="
	env $(2) $(PY) -m pytest $(3); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no test on $(1)"; exit 1; fi; exit $$rc
endef

test-sqlite: install
	$(call run_pytest,SQLite,-u DATABASE_URL TSUNAGU_TEST_DB=sqlite,$(PYTEST_ARGS))

# Browser tests run once (on SQLite); the database layer is what differs on PostgreSQL.
test-postgres: install
	$(call run_pytest,PostgreSQL,DATABASE_URL=$(PG_URL) TSUNAGU_TEST_DB=postgresql,-m "not browser" $(PYTEST_ARGS))

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run
	env -u DATABASE_URL $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(VENV)/bin/lint-imports --no-cache --no-logo

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# English translations: the .po is the source, the compiled .mo is committed so no gettext is needed.
messages: install
	$(PY) manage.py makemessages -l en --ignore '.venv/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages -l en --ignore '.venv/*' --ignore 'node_modules/*'

# DESIGN §8's budgets on the database present (make run's demo town, or a scratch one: docs/benchmarks.md):
# every registered page and API call, the kana search, list throughput under gunicorn. BENCH_ARGS passes options.
bench: install
	$(PY) manage.py bench $(BENCH_ARGS)
