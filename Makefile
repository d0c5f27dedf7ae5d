# Recipes: `make run` serves the app on its embedded defaults, `make test` checks everything.
# Both set themselves up (a .venv, system packages for the tests) on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8288
HOST   ?= 127.0.0.1
RECIPES_CONFIG_DIR ?= $(CURDIR)/instance
export RECIPES_CONFIG_DIR PORT

.PHONY: run test lint bench soak clean help

help:
	@echo "make run    - set up and serve Recipes at http://$(HOST):$(PORT) (config in $(RECIPES_CONFIG_DIR))"
	@echo "make test   - set up and run lint, type checks and the whole suite (SQLite and PostgreSQL)"
	@echo "make bench  - load-test list and search at 10k/50k recipes, time pictures, imports, the ingredient parser,"
	@echo "              scaled pages, the backfill of 50k recipes, the planner, cook mode and shopping lists (six"
	@echo "              phones on one list, SQLite and PostgreSQL), Lighthouse on the list, a recipe and cook mode, the"
	@echo "              planner and cook mode pages, memory and worker counts; searches and API on PostgreSQL);"
	@echo "              writes docs/benchmarks.md"
	@echo "make soak   - a minute of mixed load under Gunicorn and tini, a killed worker, SIGTERM, a full disk; writes docs/soak.md"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-installed: $(BIN)/python setup.py pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/python setup.py pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.run-installed

# The app's bytecode, written ahead (an editable install has none; PYTHONDONTWRITEBYTECODE may be
# set): start-up then reads it instead of compiling every module, each time (a quarter of a second).
COMPILE := $(BIN)/python -m compileall -q recipes >/dev/null

run: $(VENV)/.run-installed
	$(COMPILE)
	$(BIN)/recipes bootstrap
	@echo "Recipes is starting at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	exec $(BIN)/gunicorn -c "$(RECIPES_CONFIG_DIR)/gunicorn.conf.py" --bind "$(HOST):$(PORT)"

test: $(VENV)/.test-installed
	sh scripts/test.sh

bench: $(VENV)/.run-installed
	$(COMPILE)
	$(BIN)/python scripts/bench.py
	@# The searches and the API again with the worker count the app picks on this machine (2 on 2 CPUs).
	$(BIN)/python scripts/bench.py --only search --default-workers --markdown docs/benchmarks.md
	@# The searches and the API served from PostgreSQL too, when it is installed (97: it is not).
	$(PYTHON) scripts/with_postgres.py -- $(BIN)/python scripts/bench.py --only search --postgres \
		--markdown docs/benchmarks.md || test $$? -eq 97
	$(BIN)/python scripts/bench_images.py --heic --markdown docs/benchmarks.md
	$(BIN)/python scripts/bench_import.py --markdown docs/benchmarks.md
	$(BIN)/python scripts/bench_file_import.py --markdown docs/benchmarks.md
	$(BIN)/python scripts/bench_ingredient_parser.py --markdown docs/benchmarks.md
	$(BIN)/python scripts/bench_ingredient_pages.py --markdown docs/benchmarks.md
	@# The backfill on SQLite and on a throwaway PostgreSQL; on SQLite alone where PostgreSQL is not installed.
	python3 scripts/with_postgres.py -- $(BIN)/python scripts/bench_ingredient_backfill.py --markdown docs/benchmarks.md \
		|| { status=$$?; if [ $$status -eq 97 ]; then \
			$(BIN)/python scripts/bench_ingredient_backfill.py --markdown docs/benchmarks.md; else exit $$status; fi; }
	$(BIN)/python scripts/bench_shopping.py --markdown docs/benchmarks.md
	$(BIN)/python scripts/soak_shopping.py --markdown docs/benchmarks.md
	@# ... and on PostgreSQL when it is installed (with_postgres.py exits 97 when it is not).
	$(PYTHON) scripts/with_postgres.py -- $(BIN)/python scripts/soak_shopping.py --postgres --markdown docs/benchmarks.md \
		|| test $$? -eq 97
	@# Lighthouse 12 (mobile, signed in): needs Chromium and Node.js/npm, says so and skips without them.
	$(BIN)/python scripts/bench_lighthouse.py --markdown docs/benchmarks.md
	@# The planner's week and cook mode against the list page, in-process (they print their numbers).
	$(BIN)/python scripts/bench_planner.py
	$(BIN)/python scripts/bench_cook.py
	$(BIN)/python scripts/bench_memory.py --markdown docs/benchmarks.md

# Root for the disk-full part (it mounts a small tmpfs); elsewhere that part is skipped with a message.
soak: $(VENV)/.run-installed
	$(BIN)/python scripts/soak.py --markdown docs/soak.md
	$(BIN)/python scripts/slow_clients.py

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy recipes
	$(BIN)/hadolint Dockerfile
	shellcheck -s sh entrypoint.sh .ci/run scripts/*.sh tests/container/*.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache test-artifacts
