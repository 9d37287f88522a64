# Buurtkracht: `make run` serves the demo, `make test` runs every test. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/buurtkracht
export PORT

.PHONY: run test test-sqlite test-postgres test-browser lint format messages check-messages bench install system-deps clean

# The virtual environment is rebuilt whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# gettext compiles the Dutch catalogue; Chromium drives the browser tests.
system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

messages: install
	cd buurtkracht && ../$(BIN)/buurtkracht compilemessages --verbosity 0 --ignore '.venv'

run: install
	@command -v msgfmt >/dev/null || $(MAKE) system-deps
	$(MAKE) messages
	$(BIN)/buurtkracht run --demo

check-messages: install
	$(BIN)/python scripts/check_messages.py

test: install system-deps node_modules/axe-core/axe.min.js messages check-messages
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

# Row-lock races need PostgreSQL; they run in test-postgres.
test-sqlite:
	$(BIN)/pytest -q -p no:cacheprovider -m "not postgres_only"

# PostgreSQL is not optional: an unreachable server fails the run.
test-postgres:
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -p no:cacheprovider -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks, not tests: figures go to docs/benchmarks.md. Each compares with a peer.
bench: install
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_search.py
	$(BIN)/python benchmarks/bench_inventory.py
	$(BIN)/python benchmarks/bench_matching.py
	$(BIN)/python benchmarks/bench_timebank.py
	$(BIN)/python benchmarks/bench_network.py

clean:
	rm -rf $(VENV) node_modules var *.egg-info
