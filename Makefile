# Distretto: every set-up step lives here so a fresh machine needs only `make demo` / `make test`.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export DISTRETTO_DATABASE_URL ?= sqlite+aiosqlite:///./distretto.db

.PHONY: uv install demo serve migrate seed test lint typecheck test-sqlite test-postgres \
        frontend frontend-check e2e bench clean

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv

install: uv
	uv sync --frozen

# One command: install, migrate, seed the demo district, serve on http://127.0.0.1:8000
demo: install frontend
	uv run distretto migrate
	uv run distretto seed-demo
	uv run distretto serve --host 127.0.0.1 --port 8000

serve: install
	uv run distretto serve

lint: install
	uv run ruff check .
	uv run ruff format --check .

typecheck: install
	uv run mypy

test-sqlite: install
	DISTRETTO_TEST_DB=sqlite uv run pytest

test-postgres: install
	DISTRETTO_TEST_DB=postgres uv run pytest

# The whole suite: static checks, API tests on both databases, web app build and browser tests.
# The two database runs are independent (own database, own Redis namespace) and mostly wait
# on their database, so they run side by side; --output-sync keeps each run's log in one piece.
test: lint typecheck
	$(MAKE) --no-print-directory --output-sync=target -j2 test-sqlite test-postgres
	$(MAKE) --no-print-directory frontend-check e2e

frontend:
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; fi

frontend-check:
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run lint && npm run typecheck && npm run check:api && npm run build; fi

e2e: install frontend
	@if [ -f frontend/package.json ]; then cd frontend && npm run e2e; fi

# Benchmark harness (bench/README.md); flags through BENCH_FLAGS, e.g. BENCH_FLAGS=--quick
bench: install
	uv run python -m bench.run $(BENCH_FLAGS)

clean:
	rm -rf .venv frontend/node_modules frontend/dist distretto.db*
