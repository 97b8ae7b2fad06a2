# The two commands of the README:  make test, and  make demo  (install, pull, build, summary,
# backtest, forecast, serve). make demo installs only what the demo needs (the package and the
# dashboard's npm files); make test adds the test extras, Chromium and Java. Every pip install
# is pinned by constraints.txt (what CI installs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The offline mirror of the source files; override with  make demo MIRROR=/path/to/mirror
MIRROR ?= $(abspath ../shared/data)
# make test runs the suite in this many worker processes (pytest-xdist; one per core on the
# 2-core CI machine). Each worker builds its own warehouse once; a file's tests stay together.
TEST_WORKERS ?= 2
# fixest's data sets for the fixest golden tests (tests/impact/test_fixest_golden.py): a checkout
# or git directory of github.com/lrberge/fixest. No package ships them; the team's machines keep a
# snapshot at the path below. Without one the golden tests skip and say why.
FIXEST_REPO ?= $(firstword $(wildcard /work/.mirror/lrberge+fixest/repo))

DASHBOARD := src/stabilis/dashboard

.PHONY: demo test install install-demo lint typecheck bench clean chromium java poppler constraints
PIP := $(BIN)/python -m pip install --quiet -c constraints.txt

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The package alone: what make demo needs.
$(VENV)/.installed-demo: pyproject.toml constraints.txt | $(BIN)/python
	@echo "Installing Stabilis and its dependencies into $(VENV) (pinned by constraints.txt)"
	$(PIP) -e .
	touch $@

# The package with the test extras (pytest, schemathesis, Playwright, PySpark, ...): make test.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	@echo "Installing Stabilis with its test extras into $(VENV) (pinned by constraints.txt)"
	$(PIP) -e '.[dev]'
	touch $@ $(VENV)/.installed-demo

# Front-end files the dashboard serves itself (d3, topojson-client, world-atlas): never a CDN.
$(DASHBOARD)/node_modules/.installed: $(DASHBOARD)/package.json $(DASHBOARD)/package-lock.json
	npm ci --prefix $(DASHBOARD) --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null || (echo "apt-get install chromium: the browser tests drive Debian's Chromium (make test only)" && apt-get update -qq && apt-get install -y -qq chromium)

# Java 17 for Apache Spark (the event pipeline's second engine; its parity test runs in CI).
java:
	@command -v java >/dev/null || (echo "apt-get install openjdk-17-jre-headless: Apache Spark, the event pipeline's second engine, needs Java 17 (make test only)" && apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless)

# PDF briefs: WeasyPrint (pip) lays pages out with Pango (libpango-1.0-0, libpangoft2-1.0-0) and
# DejaVu fonts; the brief tests turn pages into images with poppler-utils' pdftoppm.
poppler:
	@(command -v pdftoppm >/dev/null && ldconfig -p | grep -q libpangoft2-1.0) || \
	  (apt-get update -qq && apt-get install -y -qq poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

install: $(VENV)/.installed $(DASHBOARD)/node_modules/.installed chromium java poppler

# make demo installs nothing with apt.
install-demo: $(VENV)/.installed-demo $(DASHBOARD)/node_modules/.installed

# An archived forecast set made by this code, with these settings, from these snapshots is
# reused instead of computed again (and archived again, which would list it twice).
REUSE = $(BIN)/python -c "import sys, stabilis; ws = stabilis.open(); s = ws.forecasts; \
  e = s.archive.find_same(sys.argv[1], snapshots=ws.snapshots(), config=s.config); \
  print(f'Reusing the archived {sys.argv[1]} {e.id}: same data, code and settings.') if e else None; \
  sys.exit(0 if e else 1)"

demo: install-demo
	$(BIN)/stabilis --mirror "$(MIRROR)" pull
	$(BIN)/stabilis build
	$(BIN)/stabilis summary
	@$(REUSE) backtest || (echo "The walk-forward backtest: about 2 minutes on 2 cores, once; later runs reuse it." && $(BIN)/stabilis forecast backtest)
	@$(REUSE) run || $(BIN)/stabilis forecast run
	$(BIN)/stabilis serve --host 127.0.0.1 --port 8000

# Pin what a working venv has into constraints.txt (after a deliberate upgrade).
constraints:
	@(head -2 constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^stabilis') > constraints.tmp && mv constraints.tmp constraints.txt

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

test: install lint typecheck
	STABILIS_MIRROR="$(MIRROR)" FIXEST_REPO="$(FIXEST_REPO)" $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --cov=stabilis --cov-report=term:skip-covered --cov-fail-under=90

bench: install
	STABILIS_MIRROR="$(MIRROR)" $(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/api.py
	$(BIN)/python benchmarks/events.py
	$(BIN)/python benchmarks/impact.py
	$(BIN)/python benchmarks/forecast_vs_demspaces.py
	$(BIN)/python benchmarks/brief.py

clean:
	rm -rf $(VENV) $(DASHBOARD)/node_modules .pytest_cache .mypy_cache .ruff_cache .coverage test-output
