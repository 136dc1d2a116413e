# SmartCart: `make demo` runs the whole system on embedded defaults, `make test` runs the suite.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# CI and production add the mysql extra (needs libmariadb-dev + pkg-config); a fresh laptop does not.
EXTRAS ?= test

.PHONY: demo test install lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e ".[$(EXTRAS)]"

demo: install
	$(BIN)/smartcart demo

# Two runs because each Django tier is its own settings module (one per process).
test: install
	$(BIN)/python -m pytest tests/onprem tests/agents tests/contract tests/e2e tests/faults tests/browser -p no:cacheprovider $(PYTEST_ARGS)
	SMARTCART_TIER=cloud DJANGO_SETTINGS_MODULE=cloud.settings $(BIN)/python -m pytest tests/cloud -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) var *.egg-info
