# kg — the commands of the README, and their helpers.
#   make demo      build the graph of the bundled example articles and print a report
#   make test      install test dependencies, start the servers, run the suite except tests marked slow
#   make test-all  the same with the slow tests (corpus-scale, fuzzing, torture, own servers): what CI runs
#   make lint      ruff (lint and format check), mypy, and the CLI reference docs/cli.md up to date
#   make model     rebuild the trained relation model from ../shared/data/external (not shipped)
#   make model-accurate  fine-tune the accurate mode's transformer model from ../shared/data/external (not shipped)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= kg-store
# password of the throw-away Neo4j server the tests start (override for your own server)
NEO4J_PASSWORD ?= kg-test-password
export NEO4J_PASSWORD

.PHONY: demo test test-all lint install install-dev clean model model-accurate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel

# kg and its web app: what the demo needs
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[serve]'
	touch $@

# and what the tests, lint and training need (the accurate mode's torch is large: only here)
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test,lint,serve,accurate]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/kg build examples/articles --store $(STORE)
	$(BIN)/kg report --store $(STORE)

# the slowest tests of each run are listed, so a test that grows slow shows up
TEST_ARGS := --durations=15

test: install-dev
	PYTHON=$(BIN)/python scripts/run-tests -m "not slow" $(TEST_ARGS) $(PYTEST_ARGS)

test-all: install-dev
	PYTHON=$(BIN)/python scripts/run-tests $(TEST_ARGS) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check kg tests bench scripts/dev_sample.py scripts/cli-docs
	$(BIN)/ruff format --check kg tests bench scripts/dev_sample.py scripts/cli-docs
	$(BIN)/mypy
	$(BIN)/python scripts/cli-docs --check

# the trained relation model (pipelines/models/relations) from the CoNLL04 and KBP37 train splits in
# ../shared/data/external (override with DATA=...); nothing is downloaded
DATA ?= ../shared/data/external
model: install-dev
	$(BIN)/python -m kg.train --data $(DATA)

# the accurate mode's span network (pipelines/models/accurate, read by pipelines/accurate.cfg) from the
# CoNLL04, CrossRE and KBP37 train splits; resumes from build/accurate after an interruption
model-accurate: install-dev
	$(BIN)/python -m kg.train --accurate --data $(DATA)

clean:
	rm -rf $(STORE) .run
