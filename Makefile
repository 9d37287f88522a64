# Buurtkracht: `make run` serves the demo, `make test` runs every test. See README.md;
# a production site: docs/deploy.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/buurtkracht
export PORT

# Where the rules live, type-checked with django-stubs on every `make lint` (issue 17).
TYPED := $(wildcard buurtkracht/*/services.py buurtkracht/*/services/*.py \
  buurtkracht/*/selectors.py buurtkracht/*/access.py) buurtkracht/people/contact.py buurtkracht/core/geo.py \
  $(wildcard buurtkracht/privacy/*.py)

.PHONY: run test test-sqlite test-postgres test-browser lint format messages check-messages bench install lock system-deps broker clean

# The virtual environment is rebuilt whenever pyproject.toml or the lock changes: first the
# exact versions CI tested (requirements.lock), then the project itself without resolving
# anything again (decision 0033).
$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(BIN)/.installed

# Regenerate requirements.lock after changing the dependencies in pyproject.toml: it keeps
# the versions already pinned and adds what is new. `make lock LOCK_FLAGS=--upgrade`
# moves everything to the newest versions allowed. Then `make install` (or any target).
LOCK_FLAGS ?=
lock: $(BIN)/.installed
	$(BIN)/pip-compile --quiet --allow-unsafe --strip-extras --extra dev --extra semantic \
	  --no-emit-index-url --no-emit-find-links $(LOCK_FLAGS) \
	  --output-file requirements.lock pyproject.toml

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

# PostgreSQL is not optional: an unreachable server fails the run. The queue's tests run a
# real worker on RabbitMQ: started here (installed from Debian when missing) if nothing
# listens on its port.
test-postgres: broker
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -p no:cacheprovider -m "not browser"

broker:
	@if ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  command -v rabbitmq-server >/dev/null || { $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq rabbitmq-server >/dev/null; }; \
	  echo "Starting RabbitMQ"; $$SUDO rabbitmq-server -detached; \
	  for i in $$(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 1; done; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy $(TYPED)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks, not tests: figures go to docs/benchmarks.md. Each compares with a peer.
# The load benchmark drives the site with wrk (Debian's package, installed when missing).
bench: install broker
	@command -v wrk >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_search.py
	$(BIN)/python benchmarks/bench_inventory.py
	$(BIN)/python benchmarks/bench_matching.py
	$(BIN)/python benchmarks/bench_timebank.py
	$(BIN)/python benchmarks/bench_network.py
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_queue.py

clean:
	rm -rf $(VENV) node_modules var *.egg-info
