# Redress: `make run` for the portal on the embedded default, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# Test services: PostgreSQL and Redis on loopback; Redis databases 15 and 10 are reserved for tests.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/redress
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) \
	DJANGO_SECRET_KEY=tests-only-not-a-secret DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 \
	EMAIL_HOST= CACHE_URL=

.PHONY: install run test faults chaos lint bench lock check-services clean manage

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	touch $@ $(VENV)/.base-installed

install: $(VENV)/.dev-installed

run: $(VENV)/.base-installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python -m portal.devserver --port $(PORT)

# manage.py against the embedded default of `make run`: make manage ARGS="createsuperuser"
manage: $(VENV)/.base-installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py $(ARGS)

check-services: $(VENV)/.dev-installed
	@$(TEST_ENV) $(BIN)/python -m tests.check_services

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/mypy
	$(BIN)/bandit -q -c pyproject.toml -r .
	$(BIN)/lint-imports --no-cache

test: check-services lint
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# Only the fault tests (worker killed mid-send, Redis restarted, SMTP down); `make test` runs them too.
faults: check-services
	$(TEST_ENV) $(BIN)/pytest -q tests/followups/test_faults.py $(PYTEST_ARGS)

# Follow-ups sent through real faults (workers killed, Redis killed, SMTP down), counted at the mail
# server: see docs/outgoing-mail.md. About ten minutes.
chaos: check-services
	$(TEST_ENV) $(BIN)/python -m bench.chaos

bench: check-services
	$(TEST_ENV) $(BIN)/python -m bench.run_all $(BENCH)

# Re-pin every dependency with hashes after editing pyproject.toml.
lock: $(VENV)/.dev-installed
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache
