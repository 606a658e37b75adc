# One task runner; its targets mirror CI (.ci/run calls `make test`).
#   make run    the whole supergraph locally (embedded PostgreSQL when DATABASE_URL is unset)
#   make test   lint, format check, strict typing, then the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test check lint format typecheck pytest chromium compose bench clean

# (Re)create .venv when it is missing or broken, then install the project and its dev tools.
# The stamp is refreshed whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "make: Python 3.11 or newer is required; '$(PYTHON)' is not (try: make PYTHON=python3.12)" >&2; \
	  exit 1; }
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || { \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); } || { \
	  echo "make: cannot create $(VENV); on Debian/Ubuntu: sudo apt-get install python3-venv" >&2; \
	  rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Run the whole supergraph locally (embedded Postgres when DATABASE_URL is unset).
run: $(STAMP)
	$(BIN)/python -m shared.dev run

## Lint, format check and strict typing, then the whole test suite.
test: check chromium pytest

check: lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict shared subgraphs router

pytest: $(STAMP)
	$(BIN)/python -m pytest

# Debian's Chromium drives the GraphiQL browser test. Installed when missing and apt-get can
# (as root, or through password-less sudo); otherwise that test skips, except under CI=true.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO=sudo; else SUDO=none; fi; \
	    if [ "$$SUDO" != none ]; then \
	      echo "make: installing chromium (GraphiQL browser test)"; \
	      $$SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || { \
	        $$SUDO apt-get update -q >/dev/null && \
	        $$SUDO apt-get install -y --no-install-recommends chromium >/dev/null; } || true; \
	    fi; \
	  fi; \
	  command -v chromium >/dev/null 2>&1 || [ "$$CI" != true ] || { \
	    echo "make: chromium is required when CI=true (apt-get install chromium)" >&2; exit 1; }; \
	  command -v chromium >/dev/null 2>&1 || \
	    echo "make: chromium is not installed; the GraphiQL browser test will be skipped"; \
	}

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Compose supergraph.yaml (its subgraphs must be running, e.g. under `make run`) into the
# git-ignored .run/supergraph.graphql.
compose: $(STAMP)
	@mkdir -p .run
	$(BIN)/python -m router compose --config supergraph.yaml --output .run/supergraph.graphql

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pgdata .run .mypy_cache .ruff_cache .pytest_cache
