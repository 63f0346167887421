# Cootrack: `make run` starts the app on http://127.0.0.1:8000; `make test` runs everything CI checks.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format lock install frontend frontend-test clean

$(BIN)/.installed: requirements-dev.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# The local classifier's model, built once from the shipped examples: processes only load it.
var/classifier-base.joblib: $(BIN)/.installed tickets/classifier/data/training.csv $(wildcard tickets/classifier/local/*.py)
	$(PY) manage.py build_classifier
	touch $@

install: $(BIN)/.installed var/classifier-base.joblib

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

# Builds the React app into frontend/dist, which Django serves at / (and under /static/app/).
frontend: frontend/node_modules/.installed
	cd frontend && npm run build

frontend-test: frontend/node_modules/.installed
	cd frontend && npm test

run: install frontend
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py demo_setup
	@# The background worker (bulk AI classification) runs beside the server and stops with it.
	trap 'kill 0' EXIT; $(PY) manage.py db_worker & $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install lint frontend frontend-test
	$(BIN)/pytest

# Re-pin every dependency after editing pyproject.toml (needs `uv`).
lock:
	uv pip compile pyproject.toml --python-version 3.11 --quiet -o requirements.lock
	uv pip compile pyproject.toml --python-version 3.11 --quiet --extra test -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-output frontend/node_modules frontend/dist
