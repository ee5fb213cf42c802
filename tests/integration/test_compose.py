"""The production deployment files: valid Compose, and consistent with the project's own settings.

There is no Docker engine here; the compose file is validated against the Compose specification's
JSON schema (``tests/fixtures/compose-spec.json``, from the compose-spec project as shipped in the
``docker-compose`` 1.29.2 wheel, Apache-2.0) and checked against what the code expects — and against
what a public deployment must not have: default secrets, the development auth manager, published
database or Redis ports, web ports on all interfaces.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from regiohub.core import settings
from regiohub.orchestration.assets import REDIS_CONN_ID
from regiohub.orchestration.executors import MART_POOL, celery_env, pool_command
from regiohub.orchestration.local import AirflowStack

ROOT = settings.REPO_ROOT
TEXT = (ROOT / "docker-compose.yml").read_text()
SCHEMA = Path(__file__).parents[1] / "fixtures" / "compose-spec.json"
COMPOSE = yaml.safe_load(TEXT)
SERVICES = COMPOSE["services"]
AIRFLOW = ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer")
WORKERS = ("airflow-worker-1", "airflow-worker-2")  # profile "celery"
DATA_DIR = "/data"
FAB = "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"
REQUIRED = {"POSTGRES_PASSWORD", "REDIS_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_SECRET_KEY", "AIRFLOW_JWT_SECRET",
            "REGIOHUB_AIRFLOW_PASSWORD", "REGIOHUB_DASHBOARD_PASSWORD"}
SECRET = re.compile(r"PASSWORD|SECRET|TOKEN|FERNET|WEBHOOK_URL|_KEY$")


def _env(service: str) -> dict[str, str]:
    return {k: str(v) for k, v in SERVICES[service].get("environment", {}).items()}


def _mounts(service: str) -> dict[str, str]:
    """Container path → 'volume[:mode]' of a service's named-volume mounts."""
    out = {}
    for spec in SERVICES[service].get("volumes", []):
        volume, path, *mode = spec.split(":")
        out[path] = volume + (f":{mode[0]}" if mode else "")
    return out


def test_compose_file_is_valid_against_the_compose_spec() -> None:
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(jsonschema.Draft201909Validator(schema).iter_errors(COMPOSE), key=str)
    assert errors == [], [e.message for e in errors]


def test_the_schema_check_can_fail() -> None:
    schema = json.loads(SCHEMA.read_text())
    broken = {"services": {"x": {"image": "y", "restart_policy": "always", "ports": [{"target": "eighty"}]}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft201909Validator)


def test_services_health_checks_and_restart_policies() -> None:
    assert set(SERVICES) == {"postgres", "redis", "airflow-init", *AIRFLOW, *WORKERS, "dashboard", "api"}
    for name, service in SERVICES.items():
        if name == "airflow-init":  # one-shot: migrate and create the admin user
            assert service["restart"] == "no" and "healthcheck" not in service
            continue
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] == ("CMD-SHELL" if name in ("redis", *WORKERS) else "CMD"), name
    for name in (*AIRFLOW, *WORKERS):
        depends = SERVICES[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["airflow-init"]["condition"] == "service_completed_successfully"
    init = SERVICES["airflow-init"]["command"]
    assert init[:2] == ["bash", "-c"] and init[2].startswith("airflow db migrate && airflow pools set")
    assert "&& airflow users create --role Admin" in init[2]
    assert "--appendonly yes" in SERVICES["redis"]["command"][-1]  # the sensor stream survives a Redis restart


def test_airflow_runs_locally_executed_on_postgres_with_the_projects_settings() -> None:
    local = AirflowStack(home=Path("/opt/airflow"), data_dir=Path(DATA_DIR), db_url="postgresql://x").env()
    for name in ("airflow-init", *AIRFLOW, *WORKERS):
        env = _env(name)
        assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"  # the default stays local
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://airflow:${POSTGRES_PASSWORD")
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres:5432/airflow")
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/app/dags"
        assert env["REGIOHUB_DATA_DIR"] == DATA_DIR
        password = "${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}"
        assert env[f"AIRFLOW_CONN_{REDIS_CONN_ID.upper()}"] == f"redis://:{password}@redis:6379/0"
        assert env["REGIOHUB_REDIS_URL"] == "redis://redis:6379/0" and env["REGIOHUB_REDIS_PASSWORD"] == password
        assert env["AIRFLOW__CORE__AUTH_MANAGER"] == FAB
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
        # the same Airflow settings as `regiohub airflow` uses locally
        for key in ("AIRFLOW__CORE__PARALLELISM", "AIRFLOW__CORE__LOAD_EXAMPLES",
                    "AIRFLOW__API__WORKERS", "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES"):
            assert env[key] == local[key], key
        assert _mounts(name) == {DATA_DIR: "regiohub-data", "/opt/airflow": "airflow-home"}


def test_ports_and_the_dashboard() -> None:
    from regiohub.cli import _parser

    serve_port = _parser().parse_args(["serve"]).port
    assert SERVICES["airflow-apiserver"]["ports"] == ["127.0.0.1:${AIRFLOW_PORT:-8080}:8080"]
    assert SERVICES["airflow-apiserver"]["command"] == ["airflow", "api-server", "--port", "8080"]
    assert SERVICES["dashboard"]["ports"] == [f"127.0.0.1:${{DASHBOARD_PORT:-{serve_port}}}:{serve_port}"]
    assert SERVICES["dashboard"]["command"] == ["regiohub", "serve", "--host", "0.0.0.0", "--port", str(serve_port)]
    assert _env("dashboard")["REGIOHUB_DASHBOARD_LOGIN"] == "${REGIOHUB_DASHBOARD_LOGIN:-password}"
    assert _env("dashboard")["REGIOHUB_DASHBOARD_PASSWORD"].startswith("${REGIOHUB_DASHBOARD_PASSWORD:?")
    assert _env("dashboard")["REGIOHUB_DATA_DIR"] == DATA_DIR
    assert _mounts("dashboard") == {DATA_DIR: "regiohub-data:ro"}  # readers only
    for name in ("postgres", "redis", *WORKERS, *[s for s in AIRFLOW if s != "airflow-apiserver"]):
        assert "ports" not in SERVICES[name], f"{name} must not be published on the host"


def test_no_secrets_in_the_repository() -> None:
    required = set(re.findall(r"\$\{(\w+):\?", TEXT))
    assert required == REQUIRED
    example = dict(
        line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(re.findall(r"(?<!\$)\$\{(\w+)", TEXT)) <= set(example)  # every variable is documented
    for key in {k for k in example if SECRET.search(k)}:
        assert example[key] == "", f"{key} must be empty in .env.example"
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_no_secret_has_a_default() -> None:
    """A secret is required (``${VAR:?…}``) or optional without any default (``${VAR}``), never ``${VAR:-x}``."""
    variables = re.findall(r"(?<!\$)\$\{(\w+)([^}]*)\}", TEXT)
    secrets = [(name, rest) for name, rest in variables if SECRET.search(name)]
    assert {name for name, _ in secrets} >= REQUIRED | {"REGIOHUB_SMTP_PASSWORD", "REGIOHUB_NOTIFY_WEBHOOK_URL"}
    for name, rest in secrets:
        assert rest == "" or rest.startswith(":?"), f"{name} has a default: ${{{name}{rest}}}"
    for service in SERVICES.values():  # nor a literal secret anywhere in an environment
        for key, value in (service.get("environment") or {}).items():
            if SECRET.search(key):
                assert "${" in str(value), f"{key} is set literally"


def test_no_development_auth_manager() -> None:
    assert "SimpleAuthManager" not in TEXT and "SIMPLE_AUTH_MANAGER" not in TEXT
    assert {_env(name)["AIRFLOW__CORE__AUTH_MANAGER"] for name in ("airflow-init", *AIRFLOW, *WORKERS)} == {FAB}


def test_the_fab_auth_manager_and_its_user_command_exist_as_configured() -> None:
    """The class named in compose is installed (from uv.lock) and its CLI takes the flags airflow-init uses."""
    import importlib

    from airflow.api_fastapi.auth.managers.base_auth_manager import BaseAuthManager

    module, _, name = FAB.rpartition(".")
    manager = getattr(importlib.import_module(module), name)
    assert issubclass(manager, BaseAuthManager)
    [users] = [group for group in manager.get_cli_commands() if group.name == "users"]
    [create] = [command for command in users.subcommands if command.name == "create"]
    flags = {flag for arg in create.args for flag in arg.flags}
    used = set(re.findall(r"(--\w+)", SERVICES["airflow-init"]["command"][2].split("airflow users create", 1)[1]))
    assert used and used <= flags


def test_databases_are_not_published_and_web_ports_are_local() -> None:
    for name in ("postgres", "redis"):
        assert "ports" not in SERVICES[name] and "expose" not in SERVICES[name], name
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on all interfaces"
        assert service.get("network_mode") != "host", name


def test_redis_requires_its_password() -> None:
    redis = SERVICES["redis"]
    assert '--requirepass "$$REDISCLI_AUTH"' in redis["command"][-1]
    assert redis["environment"]["REDISCLI_AUTH"] == "${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}"
    assert "grep -q PONG" in redis["healthcheck"]["test"][1]  # NOAUTH would otherwise pass as healthy


def test_dockerfile_installs_from_the_lock_file() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    uv_version = re.search(r"UV_VERSION := (\S+)", makefile).group(1)
    assert f"ghcr.io/astral-sh/uv:{uv_version} " in dockerfile
    assert re.search(r"COPY .*pyproject\.toml uv\.lock", dockerfile)
    assert dockerfile.count("uv sync --frozen --no-dev") == 2
    assert "pip install" not in dockerfile
    assert re.search(r"^FROM python:3\.11", dockerfile, re.M)
    for path in ("dags/", "registry/", "dbt_project/", "great_expectations/", "reference/", "dashboards/"):
        assert f" {path} {path}" in dockerfile
    assert f"REGIOHUB_DATA_DIR={DATA_DIR}" in dockerfile and "AIRFLOW__CORE__DAGS_FOLDER=/app/dags" in dockerfile


def test_the_celery_profile_runs_two_workers_on_the_shared_data() -> None:
    """Two Celery workers on the same data volume; broker Redis (own database), results in PostgreSQL."""
    assert "profiles" not in SERVICES["airflow-scheduler"]  # the default LocalExecutor set-up is unchanged
    env = _env("airflow-scheduler")
    password = "${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == f"redis://:{password}@redis:6379/1"  # not the sensor stream's 0
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == "db+" + env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    # the keys the platform itself sets for a Celery installation are all in compose
    expected = celery_env("redis://x", "db+postgresql://x")
    local_only = {"AIRFLOW__CORE__EXECUTOR", "AIRFLOW__CORE__HOSTNAME_CALLABLE"}  # a variable / each container's name
    assert set(expected) - local_only <= set(env)
    assert env["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT"] == (
        expected["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT"])
    hostnames = set()
    for name in WORKERS:
        worker = SERVICES[name]
        assert worker["profiles"] == ["celery"]
        assert worker["command"][-1].endswith("exec airflow celery worker")
        assert "CeleryExecutor" in worker["command"][-1]  # refuses to start under the LocalExecutor
        assert "celery@$${HOSTNAME}" in worker["healthcheck"]["test"][1]
        assert worker["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"  # execution API
        hostnames.add(worker["hostname"])
    assert hostnames == set(WORKERS)  # distinct names: the api-server fetches a task's log from its worker


def test_the_mart_pool_is_created_by_init_as_the_platform_creates_it() -> None:
    init = SERVICES["airflow-init"]["command"][2]
    name, slots, description = pool_command()[2:]
    assert name == MART_POOL and slots == "1"
    assert f'airflow pools set {name} {slots} "{description}"' in init
