# railgap: `make run` sets up and prints the plant outlook; `make test` sets up and passes the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck unit bench fuzz clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/railgap outlook
	$(BIN)/railgap outlook --as-of 2024-01-15
	$(BIN)/railgap plant hitachi_newton_aycliffe --as-of 2024-01-15
	$(BIN)/railgap forecast --to 2050
	@echo "Dashboard and HTTP API: $(BIN)/railgap serve  (then open http://127.0.0.1:8000/ ; API docs at /docs)"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work
# here): installed from Debian's packages when missing.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Storage tests need a real PostgreSQL: installed from Debian's packages when missing, started
# on loopback for the run and stopped afterwards, whatever the tests' outcome.
# Two workers (the machine has two cores); a test module stays on one worker, so its
# fixtures (a served app, a browser) are made once.
unit: $(VENV)/.installed-dev chromium
	scripts/pg-test-server run $(BIN)/pytest -n 2 --dist loadfile

test: lint typecheck unit

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_outlook.py
	$(BIN)/python benchmarks/bench_simulate.py
	scripts/pg-test-server run $(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_serve.py
	$(BIN)/python benchmarks/bench_optimize.py

# The long fuzz (minutes): valid-shaped requests to every endpoint and page (any date in the
# range, every plant, the optimiser and backtest), then schemathesis from the OpenAPI schema;
# each prints its request counts and fails on any answer of 500. The suite runs a bounded
# version (tests/web/test_fuzz_valid.py).
FUZZ_REQUESTS ?= 3000
FUZZ_EXAMPLES ?= 30
fuzz: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/fuzz_valid.py --requests $(FUZZ_REQUESTS)
	$(BIN)/python benchmarks/fuzz_schema.py --examples $(FUZZ_EXAMPLES)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .grimp_cache .import_linter_cache
