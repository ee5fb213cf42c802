"""docs/analysts.md: every SQL and Python example runs as written against the published demo mart,
and the published file opens in a DuckDB 1.x client installed in its own environment."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from regiohub.core import settings

DOC = settings.REPO_ROOT / "docs" / "analysts.md"
DUCKDB_1X = "1.5.6"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC.read_text(encoding="utf-8"), flags=re.S | re.M)


@pytest.fixture
def analyst_dir(demo_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory where ``data/`` is the published demo data dir, as the doc assumes."""
    (tmp_path / "data").symlink_to(demo_data_dir, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_doc_has_sql_python_and_r_examples():
    assert len(blocks("sql")) >= 6 and len(blocks("python")) >= 1 and len(blocks("r")) >= 1


@pytest.mark.parametrize("index", range(len(blocks("sql"))))
def test_sql_example_runs_and_answers(analyst_dir, index):
    sql = blocks("sql")[index]
    with duckdb.connect("data/published/regiohub.duckdb", read_only=True) as con:
        result = con.execute(sql).fetchall()
    assert result, f"example {index + 1} returned no rows:\n{sql}"


def test_python_example_runs_as_written(analyst_dir, capsys):
    for code in blocks("python"):
        exec(compile(code, str(DOC), "exec"), {"__name__": "analysts_doc"})
    out = capsys.readouterr().out
    assert "Kooperationsraum Smart Region" in out and "Robert Koch-Institut" in out


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed here (no Rscript on PATH)")
def test_r_example_runs_as_written(analyst_dir):
    proc = subprocess.run(["Rscript", "-e", blocks("r")[0]], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


def _duckdb_1x_python(tmp_path: Path) -> Path:
    """A fresh virtual environment with duckdb 1.x from the package index; skip if that is unreachable."""
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists() and shutil.which(uv) is None:
        pytest.skip("uv is not available to create a separate environment for duckdb 1.x")
    venv = tmp_path / "duckdb1x"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")}
    subprocess.run([uv, "venv", "--quiet", str(venv)], check=True, env=env, timeout=300)
    python = venv / "bin" / "python"
    proc = subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(python), f"duckdb=={DUCKDB_1X}"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    if proc.returncode != 0:
        pytest.skip(f"could not install duckdb=={DUCKDB_1X} (package index unreachable?): {proc.stderr.strip()[-300:]}")
    return python


CLIENT = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
answers = [len(con.execute(sql).fetchall()) for sql in json.loads(sys.argv[2])]
comment = con.execute("select comment from duckdb_tables() where table_name = 'fct_indicator_value'").fetchall()
print(json.dumps({"version": duckdb.__version__, "answers": answers, "comment": comment[0][0]}))
"""


def test_published_file_opens_in_a_duckdb_1x_client(demo_data_dir, tmp_path):
    python = _duckdb_1x_python(tmp_path)
    published = demo_data_dir / "published" / "regiohub.duckdb"
    sql = [s for s in blocks("sql") if "parquet" not in s]
    proc = subprocess.run(
        [str(python), "-c", CLIENT, str(published), json.dumps(sql)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["version"].startswith("1.")
    assert len(result["answers"]) == len(sql) and all(n > 0 for n in result["answers"])
    assert "Indikatorentabelle" in result["comment"]
