# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PERIOD ?= Q3-2017

.PHONY: run test lint bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install leaves src/ uncompiled; compile it once so that start-up does not
# recompile on every run where bytecode is not written (PYTHONDONTWRITEBYTECODE).
install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q src > /dev/null

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q src > /dev/null

## Install and rate the shipped example (Community Leadership, Q3 2017/18).
run: install
	$(BIN)/barnet-rag rate $(PERIOD)

## Install the test extras; run ruff, mypy, pytest, and check the shipped example's files.
test: install-test lint
	$(BIN)/python -m pytest
	$(BIN)/barnet-rag check

## Generate the national data set once and time issue 14's targets as ratios (DuckDB,
## import pandas), each barnet-rag run from an empty cache; e.g. BENCH_ARGS="--skip-2x".
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run_bench $(BENCH_ARGS)

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
