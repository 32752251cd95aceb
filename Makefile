# The two commands of the quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck check bench clean browser image faults compose-local

# The suite runs on SQLite and on these servers (the local ones CI starts); set either variable
# to use another PostgreSQL or Redis.
export DIALER_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export DIALER_TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/dialer demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# The browser tests drive Debian's chromium (never a downloaded browser build): installed here
# when this is a Debian machine and we may (root), else a clear stop saying how.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests (apt-get)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's chromium: run 'sudo apt-get install chromium', then 'make test' again." >&2; \
	    exit 1; \
	  fi; }

# Two parts: the tests not marked serial spread over $(TEST_WORKERS) processes (most of them
# wait on real processes or the database, so more than the two cores), then the serial ones
# (they read rates and timings off the emulator's logs) alone; tests/conftest.py says which.
TEST_WORKERS ?= 4

test: lint typecheck browser
	$(BIN)/python -m pytest -m "not serial" -n $(TEST_WORKERS) --dist worksteal
	$(BIN)/python -m pytest -m serial

check: test

# The fault suite in full (kill -9 x10 with Redis and once without, Twilio 429/5xx/slow/lost
# on calls and on texts, web restart, database outage, two schedulers, leader lock lost; some
# 17 minutes on 2 cores); `make test` runs its short subset.
faults: install
	DIALER_FAULTS_FULL=1 $(BIN)/python -m pytest tests/faults -s

image:
	docker build -t dialer .

# compose.yaml's demo profile without a container engine: each service's command and
# environment as a local process on this machine's PostgreSQL and Redis (40 to 90 s).
compose-local: install
	DIALER_COMPOSE_LOCAL=1 $(BIN)/python -m pytest tests/deploy/test_compose_local.py

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache .mypy_cache .ruff_cache
