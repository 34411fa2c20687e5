# Two commands set up a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
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

.PHONY: run test venv lint format typecheck unit chromium bench clean

run: $(STAMP)
	$(BIN)/khedmatyar

$(STAMP): pyproject.toml
	@py=$$(bash -c "$$FIND_PYTHON") || { \
	  echo "خطا: پایتون ۳٫۱۲ یا ۳٫۱۳ پیدا نشد. Python 3.12 or 3.13 is required (hazm 0.12 needs >= 3.12, < 3.14);" >&2; \
	  echo "install one (e.g. 'pyenv install 3.13') and run make again." >&2; exit 1; }; \
	echo "using $$py ($$($$py --version))"; \
	[ -x $(BIN)/python ] || $$py -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

# Browser tests drive Debian's chromium; install it when missing (needs root or sudo).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) chromium
	$(BIN)/python -m pytest -q

test: lint typecheck unit

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache
