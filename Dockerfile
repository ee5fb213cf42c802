# Regio.hub: one image for Airflow (api-server, scheduler, dag-processor, triggerer) and the dashboards.
# Dependencies come from uv.lock only (`uv sync --frozen`); no compiler is needed (wheels only).
FROM python:3.11-slim-bookworm

# The same uv as the Makefile pins.
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv

ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    REGIOHUB_DATA_DIR=/data \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/app/dags

RUN groupadd --gid 50000 regiohub \
    && useradd --uid 50000 --gid regiohub --home-dir /app --no-create-home regiohub \
    && mkdir -p /app /data /opt/airflow \
    && chown regiohub:regiohub /app /data /opt/airflow

WORKDIR /app
USER regiohub

# Dependencies first (cached while only the code changes), then the project itself.
COPY --chown=regiohub:regiohub pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY --chown=regiohub:regiohub src/ src/
RUN uv sync --frozen --no-dev
COPY --chown=regiohub:regiohub dags/ dags/
COPY --chown=regiohub:regiohub registry/ registry/
COPY --chown=regiohub:regiohub dbt_project/ dbt_project/
COPY --chown=regiohub:regiohub great_expectations/ great_expectations/
COPY --chown=regiohub:regiohub reference/ reference/
COPY --chown=regiohub:regiohub dashboards/ dashboards/
COPY --chown=regiohub:regiohub .streamlit/ .streamlit/
COPY --chown=regiohub:regiohub samples/ samples/

VOLUME ["/data", "/opt/airflow"]
EXPOSE 8080 8501
CMD ["regiohub", "--help"]
