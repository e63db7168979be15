# itsim: `make simulate` and `make test` work on a fresh machine: they create .venv and install
# the project (with dev and notebook extras) when it is missing or pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONFIG ?= configs/default.yaml
RUNS   ?=
JOBS   ?=
ARGS   ?=

.PHONY: help install simulate test test-fast verify baseline lint format bench notebooks clean

help:
	@echo "make simulate   run configs/default.yaml (1,000 replications per scenario) into results/default/"
	@echo "make test       run the whole test suite"
	@echo "make test-fast  the quick part of the suite (under two minutes; no slow validation)"
	@echo "make verify     the model against theory on this machine (itsim verify)"
	@echo "make baseline   refresh the regression baseline after a deliberate model change"
	@echo "make bench      ticket throughput against bare SimPy; --jobs speed-up; CRN variance factor; peak memory"
	@echo "make lint       ruff check and format check"
	@echo "make clean      remove results, caches and .venv"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "itsim needs Python >= 3.11, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks]'
	touch $(STAMP)

install: $(STAMP)

simulate: $(STAMP)
	$(BIN)/itsim run $(CONFIG) --force $(if $(RUNS),--runs $(RUNS)) $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" $(ARGS)

verify: $(STAMP)
	$(BIN)/itsim verify $(ARGS)

baseline: $(STAMP)
	$(BIN)/python tests/regression.py --write

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_tickets.py
	$(BIN)/python benchmarks/bench_runs.py
	$(BIN)/python benchmarks/bench_memory.py

notebooks: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
	find results -mindepth 1 -not -name README.md -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
