# Everyday commands. Each works from a fresh clone with Python 3.11: `make setup` builds .venv
# from the hash-locked requirements, and the other targets use it.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/pip install --require-hashes

.PHONY: setup run test test-ahead lint format bench lock hooks

$(BIN)/python:
	$(PY) -m venv $(VENV)

# The development tools and test dependencies on top of the runtime ones.
setup: $(BIN)/python
	$(PIP_INSTALL) -r requirements-dev.lock

# The app on SQLite, with every demo account's sign-in printed first (`demo seed` adds the demo data).
run: $(BIN)/python
	$(PIP_INSTALL) -r requirements.lock
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo admin
	$(BIN)/flask --app wsgi run

# The whole suite (browser and PostgreSQL tests included when their services are there).
test: setup
	$(BIN)/python -m pytest

# The suite without the browser tests, 400 days from now (needs Debian's faketime).
test-ahead: setup
	faketime -f '+400d' $(BIN)/python -m pytest -m "not e2e and not real_clock"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every benchmark in tests/bench (slow: the larger ones build their databases first).
bench: setup
	for bench in intake receipts publish export queue uploads; do $(BIN)/python -m tests.bench.bench_$$bench || exit 1; done

# Re-resolve the pins in requirements*.txt into the hash-locked files.
lock: setup
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock requirements.txt
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras --no-emit-index-url \
		--no-emit-find-links -c requirements.lock -o requirements-dev.lock requirements-dev.txt

hooks: setup
	$(BIN)/pre-commit install
