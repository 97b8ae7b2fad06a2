# The two commands of the README:  make test, and  make demo  (install, pull, build, summary,
# backtest, forecast, serve).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The offline mirror of the source files; override with  make demo MIRROR=/path/to/mirror
MIRROR ?= $(abspath ../shared/data)

DASHBOARD := src/stabilis/dashboard

.PHONY: demo test install lint typecheck bench clean chromium java poppler

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Front-end files the dashboard serves itself (d3, topojson-client, world-atlas): never a CDN.
$(DASHBOARD)/node_modules/.installed: $(DASHBOARD)/package.json $(DASHBOARD)/package-lock.json
	npm ci --prefix $(DASHBOARD) --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# Java 17 for Apache Spark (the event pipeline's second engine; its parity test runs in CI).
java:
	@command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless)

# PDF briefs: WeasyPrint (pip) lays pages out with Pango (libpango-1.0-0, libpangoft2-1.0-0) and
# DejaVu fonts; the brief tests turn pages into images with poppler-utils' pdftoppm.
poppler:
	@(command -v pdftoppm >/dev/null && ldconfig -p | grep -q libpangoft2-1.0) || \
	  (apt-get update -qq && apt-get install -y -qq poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

install: $(VENV)/.installed $(DASHBOARD)/node_modules/.installed chromium java poppler

demo: install
	$(BIN)/stabilis --mirror "$(MIRROR)" pull
	$(BIN)/stabilis build
	$(BIN)/stabilis summary
	$(BIN)/stabilis forecast backtest
	$(BIN)/stabilis forecast run
	@echo "Dashboard and JSON API on http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(BIN)/stabilis serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

test: install lint typecheck
	STABILIS_MIRROR="$(MIRROR)" $(BIN)/pytest -q --cov=stabilis --cov-report=term:skip-covered --cov-fail-under=90

bench: install
	STABILIS_MIRROR="$(MIRROR)" $(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/api.py
	$(BIN)/python benchmarks/events.py
	$(BIN)/python benchmarks/impact.py
	$(BIN)/python benchmarks/forecast_vs_demspaces.py
	$(BIN)/python benchmarks/brief.py

clean:
	rm -rf $(VENV) $(DASHBOARD)/node_modules .pytest_cache .mypy_cache .ruff_cache .coverage test-output
