# The two commands of the README:  make demo  (install, pull, build, summary)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The offline mirror of the source files; override with  make demo MIRROR=/path/to/mirror
MIRROR ?= $(abspath ../shared/data)

.PHONY: demo test install lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/stabilis --mirror "$(MIRROR)" pull
	$(BIN)/stabilis build
	$(BIN)/stabilis summary

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

test: install lint typecheck
	STABILIS_MIRROR="$(MIRROR)" $(BIN)/pytest -q --cov=stabilis --cov-report=term:skip-covered --cov-fail-under=90

bench: install
	STABILIS_MIRROR="$(MIRROR)" $(BIN)/python benchmarks/build.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage test-output
