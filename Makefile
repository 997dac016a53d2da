# Clas Local — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 5000
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev run test fuzz bandit lock clean bench bench-http bench-explain perf-report load screenshots

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $(DEV_STAMP)

install: $(STAMP) ## create .venv with what the application needs (requirements.lock), nothing more

install-dev: $(DEV_STAMP) ## add the test and development tools (requirements-dev.lock)

run: install ## migrate, seed the demo if the database is empty, serve http://127.0.0.1:$(PORT)
	@# PORT reaches the application too: without BASE_URL, links in e-mails and feeds use this port.
	PORT=$(PORT) $(FLASK) db upgrade
	PORT=$(PORT) $(FLASK) clas demo
	PORT=$(PORT) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-dev ## the whole suite: SQLite, then PostgreSQL when TEST_DATABASE_URL is set
	@# ical.js (Thunderbird's parser) reads our .ics files in the calendar tests.
	@if [ ! -d tests/js/node_modules ]; then (cd tests/js && npm ci --no-audit --no-fund); fi
	@# Models and migrations agree: migrate a scratch database, then compare.
	@scratch=$$(mktemp -d) && export DATABASE_URL="sqlite:///$$scratch/check.sqlite" && \
		$(FLASK) db upgrade >/dev/null 2>&1 && $(FLASK) db check; status=$$?; rm -rf "$$scratch"; exit $$status
	$(BIN)/bandit -c pyproject.toml -r clas_local -lll -q
	@# With PostgreSQL, both engines' runs go side by side (they share nothing: SQLite files in
	@# temporary folders, a PostgreSQL database named after the run's pid, Redis keys under a
	@# prefix per test); the PostgreSQL run's output follows the SQLite run's.
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		log=$$(mktemp); \
		CLAS_TEST_ENGINE=postgresql $(BIN)/python -m pytest -m "not e2e" -p no:cacheprovider >"$$log" 2>&1 & pg=$$!; \
		$(BIN)/python -m pytest; sqlite=$$?; \
		wait $$pg; postgres=$$?; \
		echo "== PostgreSQL (CLAS_TEST_ENGINE=postgresql, browser journeys excluded)"; cat "$$log"; rm -f "$$log"; \
		[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: the PostgreSQL tests cannot run." >&2; exit 1; \
	else \
		$(BIN)/python -m pytest && \
		echo "TEST_DATABASE_URL not set: PostgreSQL run skipped (set it to run the suite on PostgreSQL too)."; \
	fi

bandit: install-dev ## static security check: no high-severity finding allowed
	$(BIN)/bandit -c pyproject.toml -r clas_local -lll -q

fuzz: install-dev ## every form under hostile input, 10,000 examples in all (Hypothesis profile "fuzz")
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-10000} $(BIN)/python -m pytest tests/security/test_fuzz_forms.py -q -p no:cacheprovider

clean:
	rm -rf $(VENV) .pytest_cache

lock: ## re-resolve pyproject.toml's ranges: requirements-dev.lock (everything), requirements.lock (runtime only)
	rm -rf /tmp/clas-lock-venv && $(PYTHON) -m venv /tmp/clas-lock-venv
	/tmp/clas-lock-venv/bin/pip install --quiet ".[dev]"
	(echo "# Exact versions of the application and its development tools (make test). Regenerate with: make lock"; \
	 /tmp/clas-lock-venv/bin/pip freeze --exclude-editable | grep -iv '^clas') > requirements-dev.lock
	@# The runtime lock is the part of the dev lock that the application alone pulls in.
	rm -rf /tmp/clas-lock-venv && $(PYTHON) -m venv /tmp/clas-lock-venv
	/tmp/clas-lock-venv/bin/pip install --quiet . -c requirements-dev.lock
	(echo "# Exact versions of what the application needs (make install, make run). Regenerate with: make lock"; \
	 /tmp/clas-lock-venv/bin/pip freeze --exclude-editable | grep -iv '^clas') > requirements.lock
	rm -rf /tmp/clas-lock-venv

bench: install ## department-scale benchmark of the main pages against an anchor (bench/report.json)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-http: install ## every page of make bench over HTTP: gunicorn (2 workers), wrk (8 connections), against the anchor (bench/report-http.json)
	@command -v wrk >/dev/null || { echo "wrk is needed: sudo apt install wrk" >&2; exit 1; }
	$(BIN)/python bench/http_pages.py $(BENCH_HTTP_ARGS)

bench-explain: install ## PostgreSQL (TEST_DATABASE_URL): EXPLAIN every query of every page, no sequential scan of a large table (bench/report-explain.json)
	$(BIN)/python bench/explain.py $(EXPLAIN_ARGS)

perf-report: install ## on a quiet machine, the three reports one after the other: make bench, make bench-http, and make bench-explain when TEST_DATABASE_URL is set
	@echo "Load average before: $$(cut -d' ' -f1-3 /proc/loadavg)"
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	@command -v wrk >/dev/null || { echo "wrk is needed: sudo apt install wrk" >&2; exit 1; }
	$(BIN)/python bench/http_pages.py $(BENCH_HTTP_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(BIN)/python bench/explain.py $(EXPLAIN_ARGS); \
	else echo "TEST_DATABASE_URL not set: make bench-explain skipped."; fi

load: install ## gunicorn, 2 workers, on SQLite then PostgreSQL (TEST_DATABASE_URL): throughput and p95
	$(BIN)/python bench/load.py $(LOAD_ARGS)

screenshots: install-dev ## PNGs of the main pages for the README (docs/screenshots/), taken by the browser journeys
	mkdir -p docs/screenshots && rm -f docs/screenshots/*.png
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots REQUIRE_E2E=1 $(BIN)/python -m pytest tests/e2e -m e2e -q -p no:cacheprovider
