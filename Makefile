# Cootrack: `make run` starts the app on http://127.0.0.1:8000; `make test` runs everything CI checks.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-pooled lint format lock install frontend frontend-test clean

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
	@# The background worker (bulk AI classification, the model's retraining) and the retraining's scheduler run
	@# beside the server and stop with it.
	trap 'kill 0' EXIT; $(PY) manage.py db_worker & $(PY) manage.py schedule_retraining --loop & \
		$(PY) manage.py runserver $(HOST):$(PORT)

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
	$(MAKE) --no-print-directory test-pooled

# The suite's pooled part, through PgBouncer in transaction mode (project/tests/clusters.py): the API, the LLM's
# shared slots, email in (the poller's lock), the worker's jobs, routing's locks, the conversation, the admin and
# its streaming export, the deploy checks. Left out: the test that changes the planner's setting, which a pooler's
# open server connections keep until they reconnect (docs/deploy.md says so).
POOLED_TESTS := tickets/tests/test_api_tickets.py tickets/tests/test_classifier_llm.py tickets/tests/test_email_in.py \
	tickets/tests/test_background_jobs.py tickets/tests/test_teams.py tickets/tests/test_conversation.py \
	tickets/tests/test_admin.py project/tests/test_deploy.py \
	--deselect project/tests/test_deploy.py::test_migrate_keeps_the_setting_and_an_empty_one_gives_back_the_servers
test-pooled: install
	TEST_DATABASE_NAME=$${TEST_DATABASE_NAME:-test_cootrack}_pooled $(PY) -m project.tests.clusters pgbouncer -- \
		$(BIN)/pytest --reuse-db --create-db $(POOLED_TESTS)

# Re-pin every dependency after editing pyproject.toml (needs `uv`).
lock:
	uv pip compile pyproject.toml --python-version 3.11 --quiet -o requirements.lock
	uv pip compile pyproject.toml --python-version 3.11 --quiet --extra test -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-output frontend/node_modules frontend/dist
