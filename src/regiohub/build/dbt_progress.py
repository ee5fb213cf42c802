"""Run dbt as a child process and report its node-by-node progress while it runs.

dbt prints one line per finished node (``12 of 96 OK created sql view model staging.stg_x ... [OK in 0.1s]``);
each such line is passed on as ``dbt 12/96 OK stg_x`` to a progress callback (the operator's terminal,
the Airflow task log). The whole output is returned and kept per build (:func:`keep_log`).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

KEEP_LOGS = 30  # per-build dbt logs kept in build/logs/ (the newest)

_NODE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|FAIL|ERROR|WARN|SKIP)\b\s*(.*?)(?:\s\.+(?:\s|$)|\s*\[|$)")


def node_line(line: str) -> str | None:
    """``dbt k/N STATUS name`` for a dbt result line, None for any other line."""
    m = _NODE.search(line)
    if not m:
        return None
    done, total, status, what = m.groups()
    name = what.split()[-1] if what.split() else ""
    return f"dbt {done}/{total} {status} {name.split('.')[-1]}".rstrip()


def stream_dbt(cmd: list[str], env: dict[str, str], progress: Callable[[str], None] | None) -> tuple[int, str]:
    """Run ``cmd``; call ``progress`` per finished node; return the exit code and the whole output."""
    lines: list[str] = []
    with subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if progress is not None:
                shown = node_line(line)
                if shown:
                    progress(shown)
        returncode = proc.wait()
    return returncode, "".join(lines)


def keep_log(log_dir: Path, candidate: Path, output: str) -> Path:
    """Append one dbt invocation's output to the build's own log ``<log_dir>/<candidate>.dbt.log``.

    A build's invocations (models, then tests) share the file; builds never overwrite each other's logs,
    and only the newest :data:`KEEP_LOGS` are kept.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"{candidate.stem}.dbt.log"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(output)
    for old in sorted(log_dir.glob("*.dbt.log"), key=lambda p: p.stat().st_mtime)[:-KEEP_LOGS]:
        old.unlink(missing_ok=True)
    return path
