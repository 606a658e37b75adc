# One task runner; its targets mirror CI (.ci/run calls `make test`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check lint format typecheck pytest compose bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Run the whole supergraph locally (embedded Postgres when DATABASE_URL is unset).
run: $(STAMP)
	$(BIN)/python -m shared.dev run

## Lint, format check and strict typing, then the whole test suite.
test: check pytest

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared subgraphs router

pytest: $(STAMP)
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

compose: $(STAMP)
	$(BIN)/python -m router compose --config supergraph.yaml --output supergraph.graphql

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pgdata .run .mypy_cache .ruff_cache .pytest_cache
