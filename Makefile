# Kabinet. `make help` lists the targets.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo test lint format bench messages screenshots clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Kabinet needs Python 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Install Kabinet and its tools into .venv

demo: $(STAMP) ## Run the demo: database, billing simulator, two providers, web, worker, beat
	$(BIN)/python -m deploy.local.demo

test: $(STAMP) ## Run every test (embedded PostgreSQL unless DATABASE_URL is set)
	$(BIN)/python -m deploy.local.with_database -- $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## Check style and types (ruff check, ruff format --check, mypy)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy config tenants branding cabinet console api connectors deploy sandboxes

format: $(STAMP) ## Reformat the code and fix what ruff can
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## Measure provisioning, migrations, usage ingest, sync and the home page under load (docs/PERFORMANCE.md)
	$(BIN)/python -m deploy.local.with_database -- $(BIN)/python -m bench.provisioning
	$(BIN)/python -m deploy.local.with_database -- $(BIN)/python -m bench.billing
	$(BIN)/python -m deploy.local.with_database -- $(BIN)/python -m bench.home

screenshots: $(STAMP) ## With the demo running: its providers' home pages into docs/screenshots/
	$(BIN)/python -m deploy.local.screenshots

messages: $(STAMP) ## Update and compile translations (needs GNU gettext)
	$(BIN)/python manage.py makemessages --settings=config.settings.test -l ru --ignore=.venv --ignore=.local
	$(BIN)/python manage.py compilemessages --settings=config.settings.test --ignore=.venv

clean: ## Remove .venv and .local (the embedded database and demo files)
	rm -rf $(VENV) .local
