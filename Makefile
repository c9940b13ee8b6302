# Newsdesk developer commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAM_PYTHON ?= 3.13.0
TEST_WORKERS ?= auto

.DEFAULT_GOAL := help

.PHONY: help install dev test test-at test-fast fuzz lint format bench build deploy clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml shared/requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install Newsdesk with its development tools

dev: $(STAMP) ## Run the whole system locally (emulated AWS, site and API on one origin, sample content)
	$(BIN)/newsdesk dev

test: $(STAMP) ## Run every test (unit, moto, local-stack end to end, browser)
	$(BIN)/python -m tests.check_browser
	$(BIN)/pytest --numprocesses=$(TEST_WORKERS) --dist=loadfile --no-loadscope-reorder --durations=15

test-at: $(STAMP) ## Every test with the system clock set to WHEN (ISO 8601 with an offset), e.g. WHEN=2027-01-01T00:15+05:30
	@test -n "$(WHEN)" || { echo "make test-at WHEN=2027-01-01T00:15:00+05:30"; exit 2; }
	NEWSDESK_SYSTEM_CLOCK=$(WHEN) NEWSDESK_SYSTEM_CLOCK_SET_AT=$$(date +%s) PYTHONPATH=$(CURDIR)/tests/system_clock $(MAKE) test

test-fast: $(STAMP) ## Unit and moto tests only (no local stack, no browser)
	$(BIN)/pytest -m "not e2e and not browser"

fuzz: $(STAMP) ## Schemathesis over the OpenAPI document, every route, as an editor, for two minutes
	NEWSDESK_FUZZ_SECONDS=120 NEWSDESK_FUZZ_EXAMPLES=100 $(BIN)/pytest tests/e2e/test_fuzz.py -s

lint: $(STAMP) ## ruff, mypy, import contracts, cfn-lint (Serverless Rules), sam validate --lint, deploy rehearsal
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared local functions bench tests
	$(BIN)/lint-imports
	$(BIN)/cfn-lint template.yaml -a cfn_lint_serverless.rules
	SAM_CLI_TELEMETRY=0 $(BIN)/sam validate --lint --template template.yaml --region us-east-1
	$(BIN)/python -m newsdesk_local.rehearsal template.yaml

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## Benchmarks (import times, rendering vs Hugo: apt-get install hugo, pipeline); figures go to bench/results/
	$(BIN)/python -m bench

build: $(STAMP) ## sam build for arm64 and check that every compiled module in the build is arm64
	PYENV_VERSION=$(SAM_PYTHON) $(BIN)/sam build --cached --parallel
	$(BIN)/python -m bench.check_arch .aws-sam/build

deploy: build ## sam deploy (guided the first time)
	@if [ -f samconfig.toml ] && grep -q stack_name samconfig.toml; then $(BIN)/sam deploy; else $(BIN)/sam deploy --guided; fi

clean: ## Remove the virtualenv and build output
	rm -rf $(VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
