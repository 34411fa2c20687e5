# Two commands set up a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
# Two stamps: the runtime install (`make run`) and the one with the development tools (`make test`).
# Only the dev rule touches DEV_STAMP, so `make test` never takes a runtime-only venv for ready.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# The versions the tests last passed with (`make lock` updates it); every install is held to it.
CONSTRAINTS := constraints.txt
LOCKVENV := $(VENV)-lock
PORT ?=
FRESH ?=
CHROMIUM ?= /usr/bin/chromium

# A Python 3.13 or 3.12: first on PATH, then among the versions pyenv has installed.
define FIND_PYTHON
for c in python3.13 python3.12 python3; do \
  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 14))' >/dev/null 2>&1; then \
    command -v $$c; exit 0; fi; \
done; \
for p in "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.13*/bin/python3 "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.12*/bin/python3; do \
  if [ -x "$$p" ] && "$$p" -c 'import sys; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 14))' >/dev/null 2>&1; then \
    echo "$$p"; exit 0; fi; \
done; exit 1
endef
export FIND_PYTHON

.PHONY: run test venv lint format typecheck unit chromium postgresql bench clean lock

# The demo (or the bot, with a token in config.toml) on runtime packages only.
# `make run PORT=8090` picks the web chat's port; `make run FRESH=1` seeds the demo data anew.
run: $(RUN_STAMP)
	$(BIN)/khedmatyar run $(if $(PORT),--port $(PORT)) $(if $(FRESH),--fresh)

# Creates the venv with a 3.12/3.13 interpreter when it is missing (used by both installs).
define MAKE_VENV
@py=$$(bash -c "$$FIND_PYTHON") || { \
  echo "خطا: پایتون ۳٫۱۲ یا ۳٫۱۳ پیدا نشد. Python 3.12 or 3.13 is required (hazm 0.12 needs >= 3.12, < 3.14);" >&2; \
  echo "install one (e.g. 'pyenv install 3.13') and run make again." >&2; exit 1; }; \
echo "using $$py ($$($$py --version))"; \
[ -x $(BIN)/python ] || $$py -m venv $(VENV)
$(BIN)/python -m pip install --quiet --upgrade pip
endef

$(RUN_STAMP): pyproject.toml $(CONSTRAINTS)
	$(MAKE_VENV)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e .
	@touch $(RUN_STAMP)

# The dev install includes the runtime one, so it stamps both.
$(DEV_STAMP): pyproject.toml $(CONSTRAINTS)
	$(MAKE_VENV)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	@touch $(RUN_STAMP) $(DEV_STAMP)

venv: $(DEV_STAMP)

# Re-resolves the newest versions pyproject.toml allows in a scratch venv and records them in
# constraints.txt; run `make test` afterwards and commit the file when it passes.
lock:
	@py=$$(bash -c "$$FIND_PYTHON") || { echo "Python 3.12 or 3.13 is required" >&2; exit 1; }; \
	rm -rf $(LOCKVENV) && $$py -m venv $(LOCKVENV)
	$(LOCKVENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCKVENV)/bin/python -m pip install --quiet -e '.[dev]'
	@{ echo "# The versions \`make test\` passed with; \`make lock\` rewrites this file (pip freeze)."; \
	  $(LOCKVENV)/bin/python -m pip freeze --exclude-editable; } > $(CONSTRAINTS)
	rm -rf $(LOCKVENV)
	@echo "constraints.txt updated: run make test, then commit it"

# Browser tests drive Debian's chromium; install it when missing (needs root or sudo).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# The storage tests run on SQLite and on PostgreSQL: a throwaway cluster of Debian's server
# (tests/pgcluster.py: initdb in a temporary folder, a Unix socket, as the `postgres` user the
# package creates when run as root). Installed when missing (needs root or sudo).
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "installing Debian postgresql for the storage tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

# Four workers on two cores: most tests wait on round trips, flood limits and processes, so two
# workers left the cores half idle (load 1.5; 10 min 8 s of pytest on this machine, 6 min 21 s
# with four, 2026-12-06); the slow tests start first. Tests marked xdist_group stay on one
# worker, in order (the soaks one after another; the bad-input coverage check follows its walks).
TEST_WORKERS ?= 4
unit: $(DEV_STAMP) chromium postgresql
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

test: lint typecheck unit

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(DEV_STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(LOCKVENV) .demo .pytest_cache .mypy_cache .ruff_cache
