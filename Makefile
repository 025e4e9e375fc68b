# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app portal

.PHONY: run serve test install install-test lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# The development key and plain-http cookies only where asked for: every other start needs a real SECRET_KEY.
run: export PORTAL_ENV ?= development
run: install
	$(FLASK) migrate
	$(FLASK) seed-demo --if-empty
	$(FLASK) outbox run & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Production-like: gunicorn with a worker per CPU, and the e-mail worker beside it (see README, "Running it for real").
serve: install
	$(FLASK) migrate
	$(FLASK) outbox run & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --no-control-socket --workers $$(nproc) --bind 127.0.0.1:$(PORT) 'portal:create_app()'

test: export PORTAL_ENV = test
test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# The same pytest suite against a throwaway PostgreSQL cluster (needs Debian's postgresql installed).
.PHONY: test-postgres
test-postgres: export PORTAL_ENV = test
test-postgres: install-test
	ci/with-postgres $(BIN)/pytest

# The load tests (tests/test_load.py, marked `soak`) at length: `make test` runs them for a few seconds each.
# On PostgreSQL: ci/with-postgres make soak. A shorter soak: make soak SOAK_SECONDS=30.
SOAK_SECONDS ?= 120
.PHONY: soak
soak: export PORTAL_ENV = test
soak: install-test
	SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/pytest -m soak -rP

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache

# Benchmarks (issue 8), not part of `make test`: databases are generated once into bench/data/ (git-ignored)
# and reused; then every page is measured in process and under gunicorn on 127.0.0.1, and one table is printed.
.PHONY: bench bench-huge bench-mixed install-bench guard-report
bench bench-huge bench-mixed bench-postgres guard-report: export PORTAL_ENV = development
install-bench: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'

bench: install-bench
	$(BIN)/python -m bench.scale small large

# The same pages read while a writer changes the region (none, every 2 s, every 0.2 s), with both caches and with
# each cache off: p50/p95 per page per rate and each cache's gain. Results: bench/data/mixed.md and .json.
MIXED_SIZE ?= large
bench-mixed: install-bench
	$(BIN)/python -m bench.mixed $(MIXED_SIZE)

# The huge database (200 organisations, 2,000,000 posts) takes 6 to 12 minutes to generate on 2 cores.
bench-huge: install-bench
	$(BIN)/python -m bench.scale small large huge

# The personal-data guard on its labelled corpus: per-kind recall, wrongly flagged posts, time and memory.
guard-report: install-test
	$(BIN)/python -m bench.guard

# The same benchmark on PostgreSQL, in a cluster kept in bench/data/pg that bench/postgres starts for each command
# and stops after. Each database is generated once (huge: 36 minutes on 2 busy cores, 5 GB) and reused; its .json
# is written last, so delete it to generate the database again. Results: bench/data/results-postgres.md and .json.
PG_SIZES ?= small huge
.PHONY: bench-postgres
bench-postgres: install-bench $(PG_SIZES:%=bench/data/%-pg.json)
	bench/postgres $(BIN)/python -m bench.scale --results results-postgres $(PG_SIZES:%=%-pg)

bench/data/%-pg.json: | install-bench
	bench/postgres --fsync-off sh -c '\
	psql "$$BENCH_PG_URL/postgres" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $*_pg" -c "CREATE DATABASE $*_pg" \
	&& $(BIN)/python -m bench.generate $* --url "$$BENCH_PG_URL/$*_pg" --name $*-pg'
