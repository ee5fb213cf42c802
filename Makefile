# Two commands for a fresh machine with Python 3.11:
#   make demo   install everything, run the whole pipeline offline on the shipped samples, serve the dashboards
#   make test   install everything and run the full test suite
# Afterwards: .venv/bin/regiohub … (or `source .venv/bin/activate`, then regiohub …)
PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PROJECT_ENVIRONMENT := .venv
# .pyc written at install (as in the image): where Python may not write them (PYTHONDONTWRITEBYTECODE, a
# read-only venv) every process would compile its imports again — Great Expectations alone ~2,000 modules
export UV_COMPILE_BYTECODE := 1
# SQL lint: sqlfluff compiles every model with the dbt templater against an in-memory DuckDB (no data needed)
SQL_LINT := cd dbt_project && REGIOHUB_CANDIDATE_PATH=:memory: REGIOHUB_DBT_TARGET_PATH=target/sqlfluff \
	../.venv/bin/sqlfluff lint models tests

.PHONY: demo test install lint benchmark benchmark-scale benchmark-dashboards benchmark-browser benchmark-api benchmark-sta e2e clean airflow run status

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen

demo: install
	$(UV) run regiohub demo

# Two pytest workers (pytest-xdist); a test file stays on one worker so its module fixtures are built once.
TEST_WORKERS ?= 2

test: install
	$(UV) run ruff check .
	$(SQL_LINT)
	$(UV) run pytest -n $(TEST_WORKERS) --dist loadfile --durations=25

run: install
	.venv/bin/regiohub run

status: install
	.venv/bin/regiohub status

benchmark: install
	$(UV) run python benchmarks/ingest_throughput.py

# Full Brandenburg, ten years at 16x (benchmarks/scale/README.md); SCALES=1,4 for a shorter run.
SCALES ?= 1,4,16
benchmark-scale: install
	$(UV) run python -m benchmarks.scale.harness --scales $(SCALES) --out data/benchmark-scale.json

# DATA_DIR: a data dir with a published mart, e.g. a kept scale run's (benchmarks/scale/README.md)
DATA_DIR ?= $(REGIOHUB_DATA_DIR)
benchmark-dashboards: install
	REGIOHUB_DATA_DIR="$(DATA_DIR)" $(UV) run python benchmarks/dashboard_pages.py

# the same pages in headless Chromium (/usr/bin/chromium) under `streamlit run`: first render, partner switch
benchmark-browser: install
	REGIOHUB_DATA_DIR="$(DATA_DIR)" $(UV) run python benchmarks/dashboard_browser.py

benchmark-api: install
	REGIOHUB_DATA_DIR="$(DATA_DIR)" $(UV) run python benchmarks/api_latency.py

# SensorThings out (docs/sensors.md): latest observation of every Datastream, exact $count; SCALE=1 for Potsdam's size
benchmark-sta: install
	$(UV) run python benchmarks/sta_latest.py

e2e: install
	$(UV) run pytest tests/e2e

airflow: install
	$(UV) run regiohub airflow

lint: install
	$(UV) run ruff check .
	$(SQL_LINT)

clean:
	rm -rf $(TOOLS) .venv data
