# Two entry points on a fresh machine (Python 3.11, pip, make):
#   make run   - set up, then serve Telegram if TELEGRAM_BOT_TOKEN is set, else the local console chat
#   make test  - set up, then lint, type-check bot/ and run every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test setup build bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

run: setup
	$(PY) -m bot run

test: setup
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -q

build: setup
	$(PY) -m bot build

bench: setup
	$(PY) benchmarks/retrieval.py
	$(PY) benchmarks/speed.py
	$(PY) benchmarks/stats_recall.py
	$(PY) benchmarks/telegram_latency.py

clean:
	rm -rf $(VENV) .pytest_cache
