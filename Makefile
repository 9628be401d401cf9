# Distretto: every set-up step lives here so a fresh machine needs only `make demo` / `make test`.
SHELL := /bin/bash
# uv: the one on PATH, else ours under ~/.cache (see the `uv` target). Recursive (`=`), so
# it is looked up again after `make uv` installed it.
UV_HOME := $(HOME)/.cache/distretto-uv
UV = $(shell command -v uv 2>/dev/null || echo $(UV_HOME)/bin/uv)
# Scripts the phases start (check-api.mjs, the e2e server, the API drift test) call `uv`
# by name: ours must be found when none is on PATH. Last, so a uv (and python3) already on
# PATH win.
export PATH := $(PATH):$(UV_HOME)/bin
export DISTRETTO_DATABASE_URL ?= sqlite+aiosqlite:///./distretto.db
# Test processes per database run (pytest-xdist): one database and Redis namespace each.
PYTEST_WORKERS ?= auto
# Some environments (CI images, sandboxes) set PYTHONDONTWRITEBYTECODE: then every Python
# process of the suite (each pytest worker, alembic, the e2e server, the API check)
# compiles every module it imports from source again, ~4 CPU seconds each. Not here.
unexport PYTHONDONTWRITEBYTECODE
PYTEST_FLAGS ?=
# Prefix of the phases that have no wall-clock deadline (the database runs, the static
# checks) when `make test` runs them beside the browser tests, whose waits do: set to
# `nice -n 10` there, so Chromium and the e2e server get the CPU first and the rest use
# what they leave. Empty when a phase is run on its own.
BATCH_NICE ?=

.PHONY: uv install demo serve migrate seed test lint typecheck test-sqlite test-postgres \
        coverage frontend frontend-deps frontend-check e2e bench clean

# uv, installed where it works: a venv under ~/.cache (also where the system Python is
# "externally managed", PEP 668), else pip --user, else Astral's installer. Fails loudly.
uv:
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV_HOME)/bin/uv" ] || { \
	  echo "installing uv into $(UV_HOME)"; \
	  { python3 -m venv "$(UV_HOME)" && "$(UV_HOME)/bin/python" -m pip install --quiet uv; } \
	  || { rm -rf "$(UV_HOME)"; python3 -m pip install --quiet --user --break-system-packages uv \
	       && mkdir -p "$(UV_HOME)/bin" && ln -sf "$$(python3 -m site --user-base)/bin/uv" "$(UV_HOME)/bin/uv"; } \
	  || { curl -LsSf https://astral.sh/uv/install.sh | env UV_INSTALL_DIR="$(UV_HOME)/bin" sh; } \
	  || { echo "could not install uv (tried a venv, pip --user, the installer)" >&2; exit 1; }; }
	@"$(UV)" --version

# The environment's Python: the newest CPython 3.13 or 3.12 on the machine (.ci/newest-python),
# else whatever uv finds (>= 3.11, pyproject.toml). On >= 3.12 the suite costs less CPU:
# coverage records through sys.monitoring (docs/testing.md). `make PYTHON=… install` to choose.
PYTHON ?= $(shell .ci/newest-python)

install: uv
	$(UV) sync --frozen $(if $(PYTHON),--python $(PYTHON))

# One command: install, migrate, seed the demo district, serve on http://127.0.0.1:8000
demo: install frontend
	$(UV) run distretto migrate
	$(UV) run distretto seed-demo
	@echo "Email: without DISTRETTO_SMTP_URL each message is written as an .eml file under $${DISTRETTO_MAIL_DIR:-./distretto-data/mail}"
	$(UV) run distretto serve --host 127.0.0.1 --port 8000

serve: install
	$(UV) run distretto serve

# ruff, and the import contracts of pyproject.toml (layers, no cycles, feature boundaries).
lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports

typecheck: install
	$(BATCH_NICE) $(UV) run mypy

# How coverage records. On Python >= 3.12 through sys.monitoring: it keys lines by code
# object, so a greenlet switch hides none, and costs a few per cent of CPU where the C
# tracer costs ~100 %; it refuses the greenlet option, which only the C tracer needs
# (pyproject.toml). On 3.11 the C tracer, with greenlet.
COVERAGE_ENV = $(shell $(UV) run --no-sync python -c 'import sys; \
  print("COVERAGE_CORE=sysmon DISTRETTO_COVERAGE_CONCURRENCY=thread" if sys.version_info >= (3, 12) else "")')

# Each run spreads over PYTEST_WORKERS processes; `loadgroup` keeps the demo district's
# tests on one worker, which seeds it once (tests/conftest.py). Both runs record coverage
# (through sys.monitoring a few per cent of CPU; the C tracer of 3.11 costs ~90 % more),
# so the lines only PostgreSQL reaches (its locks, `distretto worker`, the fault suite)
# count; `make coverage` combines them and holds the floor.
PYTEST_COVERAGE = -n $(PYTEST_WORKERS) --dist loadgroup --cov --cov-report= --cov-fail-under=0
test-sqlite: install
	$(COVERAGE_ENV) COVERAGE_FILE=.coverage.sqlite DISTRETTO_TEST_DB=sqlite $(BATCH_NICE) \
	  $(UV) run pytest $(PYTEST_COVERAGE) $(PYTEST_FLAGS)

test-postgres: install
	$(COVERAGE_ENV) COVERAGE_FILE=.coverage.postgres DISTRETTO_TEST_DB=postgres $(BATCH_NICE) \
	  $(UV) run pytest $(PYTEST_COVERAGE) $(PYTEST_FLAGS)

coverage: install
	$(UV) run coverage combine --keep .coverage.sqlite .coverage.postgres
	$(UV) run coverage report

# The whole suite. Every phase runs and reports even when an earlier one failed; the run
# fails if any did (.ci/phases prints the summary). The web app is built once.
# Phases joined by "+" run at the same time (each logs on its own, printed whole when it
# ends): the build and ruff first (the browser tests need the build), then everything
# else at once, the browser tests at normal priority and the rest below them
# (BATCH_NICE): alone the browser tests keep the 2-core box half idle (they wait for
# pages, not for the CPU), and the database runs fill what they leave. Then coverage
# combines what the two database runs recorded. docs/testing.md has the timings.
test: install
	BATCH_NICE="nice -n 10" .ci/phases frontend+lint \
	  typecheck+frontend-check+test-sqlite+test-postgres+e2e coverage

# npm ci once per lock file: a later phase reuses what an earlier one installed.
frontend-deps:
	@if [ -f frontend/package.json ]; then cd frontend && node scripts/check-node.mjs \
	  && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } \
	  && node scripts/check-node.mjs; fi

# vite only: `npm run build` would also run tsc, which `frontend-check`'s typecheck runs.
frontend: frontend-deps
	@if [ -f frontend/package.json ]; then cd frontend && npx vite build; fi

# Static checks of the web app, and that the typed client matches the OpenAPI schema
# (the build is the `frontend` target's).
frontend-check: frontend-deps
	@if [ -f frontend/package.json ]; then cd frontend && $(BATCH_NICE) npm run lint \
	  && $(BATCH_NICE) npm run typecheck && $(BATCH_NICE) npm run check:api; fi

# Browser tests against the build `frontend` made (a fresh database, a port from the OS).
e2e: install
	@if [ -f frontend/package.json ]; then \
	  if [ ! -f frontend/dist/index.html ]; then $(MAKE) --no-print-directory frontend; fi; \
	  cd frontend && E2E_SKIP_BUILD=1 npm run e2e; fi

# Benchmark harness (bench/README.md); flags through BENCH_FLAGS, e.g. BENCH_FLAGS=--quick
bench: install
	$(UV) run python -m bench.run $(BENCH_FLAGS)

clean:
	rm -rf .venv frontend/node_modules frontend/dist distretto.db* .coverage*
