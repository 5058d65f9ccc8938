# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
ASSETS := static/vendor/.installed
APP := static/app/.built
APP_SOURCES := web/app/build.mjs $(wildcard web/app/src/*.js web/app/src/*.css web/app/src/pages/*.js web/app/operations/*.graphql)

.PHONY: run test lint install assets schema clean migrations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# GraphiQL's browser assets come from the npm registry at set-up and are served by the server.
$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	$(BIN)/python -m web.vendor
	touch $@

# The web app at / (web/app/): bundled by esbuild (pinned in package.json) into static/app/.
$(APP): $(ASSETS) $(APP_SOURCES)
	node web/app/build.mjs
	touch $@

install: $(STAMP) $(ASSETS) $(APP)

run: install
	$(BIN)/peoplegraph migrate
	$(BIN)/peoplegraph seed --demo --if-empty
	$(BIN)/peoplegraph serve --port $(PORT)

# pytest under pytest-xdist, TEST_WORKERS processes per backend (each with its own database and
# Redis db: tests/support/parallel.py); PostgreSQL tests wait on I/O, so more than the cores pay.
TEST_WORKERS ?= 4
PYTEST_PARALLEL = $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

test: $(TEST_STAMP) $(ASSETS) $(APP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(PYTEST_PARALLEL)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		PEOPLEGRAPH_TEST_BACKEND=postgres $(PYTEST_PARALLEL); \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(STAMP)
	$(BIN)/peoplegraph export-schema -o schema.graphql

clean:
	rm -rf $(VENV) node_modules static/vendor static/app

# Before the first release the initial migration is regenerated from the models; hand-written
# migrations (0002_…) are kept aside meanwhile.
migrations: $(STAMP)
	mkdir -p .migrations-keep && mv migrations/0002_*.py .migrations-keep/
	rm -f migrations/0001_initial.py
	$(BIN)/tortoise -c db.TORTOISE_ORM makemigrations
	mv .migrations-keep/*.py migrations/ && rmdir .migrations-keep

# Side-by-side reads against PostGraphile and a raw endpoint (bench/README.md); never part of `make test`.
.PHONY: bench
BENCH_PEERS := bench/peers/node_modules/.installed
$(BENCH_PEERS): bench/peers/package.json bench/peers/package-lock.json
	cd bench/peers && npm ci --no-audit --no-fund --silent
	touch $@

bench: $(STAMP) $(BENCH_PEERS)
	command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python -c "import orjson" 2>/dev/null || $(BIN)/pip install --quiet orjson
	$(BIN)/python bench/reads_vs_peers.py $(BENCH_ARGS)
