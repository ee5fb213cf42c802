"""Partner file drops: ``$REGIOHUB_DATA_DIR/inbox/<source_id>/``.

Protocol for a partner (or :func:`drop`): upload the data file under a temporary name (``*.part`` or a
leading dot), rename it, then create the ready marker ``READY``. Airflow's ``FileDeleteTrigger`` watches
the marker — never the data, because the trigger deletes what it finds — and the inbox DAG then claims
the ready data files by moving them into ``inbox/<source_id>/.claimed/<claim_id>/`` (an atomic rename,
so a file is claimed by exactly one run) and ingests each one as ``ingest --from`` would. An external
system may instead post an asset event through the REST API naming one file (``{"file": "<name>"}``).

Each file stands alone (:func:`ingest_drop`): a file that cannot be loaded (a bad payload, or any error
reading it) is moved, untouched, to ``inbox/<source_id>/.rejected/<claim_id>/`` with its reason in
``.rejected/<claim_id>.json``, and the other files of the drop are loaded. Only an error of the
platform's environment (``OSError``: disk full, permissions) stops the drop; its files stay claimed,
and the retry or re-run of the same claim picks them up again. Symbolic links and special files
(FIFOs, devices, sockets) are refused without being opened, empty files are refused and kept, and no
path leaves the inbox folder.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regiohub.core import crashpoints, settings
from regiohub.core.errors import SourceError

log = logging.getLogger(__name__)

MARKER = "READY"
CLAIMED = ".claimed"
REJECTED = ".rejected"


def inbox_dir(source_id: str, data: settings.Paths | None = None) -> Path:
    """The drop folder of one source."""
    return (data or settings.paths()).data_dir / "inbox" / source_id


def marker_path(source_id: str, data: settings.Paths | None = None) -> Path:
    return inbox_dir(source_id, data) / MARKER


def refusal(path: Path) -> str | None:
    """Why an inbox entry must not be read (judged with ``lstat``, never following a link), or None."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "gone"
    if stat.S_ISLNK(mode):
        return "a symbolic link (refused without reading it; upload the file itself)"
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device or special file"
        return f"{kind}, not a regular file (refused without reading it)"
    if path.lstat().st_size == 0:
        return "empty (0 bytes): nothing to load; kept for inspection"
    return None


def _candidates(folder: Path) -> list[Path]:
    """Entries a partner offered: not the marker, not hidden, not partial uploads, not folders."""
    return sorted(
        p for p in folder.iterdir()
        if p.name != MARKER and not p.name.startswith(".") and not p.name.endswith(".part")
        and not (p.is_dir() and not p.is_symlink())
    )


def ready_files(source_id: str, data: settings.Paths | None = None) -> list[Path]:
    """Data files waiting in the inbox: regular, non-empty files (see :func:`refusal`)."""
    folder = inbox_dir(source_id, data)
    if not folder.is_dir():
        return []
    return [p for p in _candidates(folder) if refusal(p) is None]


def drop(source_id: str, file: Path, data: settings.Paths | None = None, *, name: str | None = None) -> Path:
    """Put ``file`` into the inbox the way a partner should: partial name, rename, then the marker."""
    folder = inbox_dir(source_id, data)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or file.name)
    partial = folder / f".{target.name}.part"
    shutil.copyfile(file, partial)
    os.replace(partial, target)
    marker_path(source_id, data).touch()
    return target


def _own_dir(folder: Path, name: str, source_id: str) -> Path:
    """``folder/name`` as a real directory of ours: a partner-made symlink there would lead files astray."""
    path = folder / name
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise SourceError(source_id, f"inbox/{source_id}/{name} is not a folder of the platform (symlink?); "
                          "remove it, nothing was claimed")
    return path


def _check_name(source_id: str, only: str) -> None:
    if Path(only).name != only or only in (MARKER, CLAIMED, REJECTED, ".", "..") or "\0" in only:
        raise SourceError(source_id, f"inbox file name {only!r} must be a plain file name")


def claim(source_id: str, claim_id: str, data: settings.Paths | None = None, *, only: str | None = None) -> list[Path]:
    """Move the ready files (or just ``only``) into a claim folder of their own and return them.

    Files claimed by an earlier run are gone from the inbox, so every file is ingested exactly once; a retry
    of the same claim (same ``claim_id``) gets the files its first try claimed again.
    """
    _check_name(source_id, claim_id)
    folder = inbox_dir(source_id, data)
    target = _own_dir(folder, CLAIMED, source_id) / claim_id
    claimed = sorted(p for p in target.iterdir() if refusal(p) is None) if target.is_dir() else []
    if only is not None:
        _check_name(source_id, only)
        claimed = [p for p in claimed if p.name == only]
        candidates = [folder / only] if refusal(folder / only) is None else []
    else:
        candidates = ready_files(source_id, data)
    for path in candidates:
        target.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(path, target / path.name)
        except FileNotFoundError:  # claimed by a concurrent run in the meantime
            continue
        claimed.append(target / path.name)
    return claimed


def release(claimed: list[Path]) -> None:
    """Remove claim folders whose files were ingested (the payload is kept under ``landing/``)."""
    for folder in {p.parent for p in claimed}:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class DropResult:
    """What became of one claim: a load per good file, a reason per refused one."""

    source_id: str
    claim_id: str
    loads: list[dict[str, Any]] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # file name -> reason

    @property
    def load_ids(self) -> list[str]:
        """Loads of new data: loaded, and not superseded by an earlier load of a newer version."""
        return [x["load_id"] for x in self.loads if x["status"] == "loaded" and not x.get("superseded_by")]

    @property
    def held_loads(self) -> list[str]:
        """Earlier loads that already hold a file of this drop (the file was a no-op)."""
        return [x["holds_load"] for x in self.loads if x.get("holds_load")]

    def summary(self) -> str:
        where = f"kept in inbox/{self.source_id}/{REJECTED}/{self.claim_id}/"
        files = "; ".join(f"{name}: {why}" for name, why in sorted(self.rejected.items()))
        return f"{len(self.rejected)} inbox file(s) refused ({where}): {files}"


def printable(name: str) -> str:
    """A file name as one line of text: control characters and undecodable bytes escaped."""
    if name.isprintable():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace").encode(
        "unicode_escape").decode("ascii")


def _reject(folder: Path, result: DropResult, path: Path, why: str) -> None:
    """Move the entry (never reading it) to ``.rejected/<claim_id>/`` and record why."""
    target = _own_dir(folder, REJECTED, result.source_id) / result.claim_id
    target.mkdir(parents=True, exist_ok=True)
    if path.parent != target and os.path.lexists(path):
        os.rename(path, target / path.name)
    name = printable(path.name)
    result.rejected[name] = " ".join(why.split())
    reasons = target.with_name(f"{result.claim_id}.json")
    reasons.write_text(json.dumps(result.rejected, indent=1, ensure_ascii=False), encoding="utf-8")
    log.error("%s: inbox file %s refused: %s", result.source_id, name, result.rejected[name])


def _missing(folder: Path, result: DropResult, files: list[str] | None, taken: set[str]) -> None:
    """Fail (nothing loaded) or report (others loaded) the files an asset event names but the inbox lacks."""
    missing = [n for n in files or [] if n not in taken and printable(n) not in result.rejected]
    if missing and not result.loads and not result.rejected:
        names = ", ".join(printable(n) for n in missing)
        raise SourceError(result.source_id, f"inbox file {names} named by the asset event does not exist in "
                          f"inbox/{result.source_id}/ (not uploaded yet, or taken by an earlier run): nothing loaded")
    for name in missing:
        _reject(folder, result, folder / name, f"does not exist in inbox/{result.source_id}/ (named by the asset "
                "event: not uploaded yet, or taken by an earlier run)")


def ingest_drop(
    source_id: str,
    claim_id: str,
    files: list[str] | None = None,
    data: settings.Paths | None = None,
    *,
    ingest: Callable[..., Any] | None = None,
) -> DropResult:
    """Claim and ingest the ready files (or the ``files`` named), each on its own.

    A refused or failing file goes to ``.rejected/<claim_id>/`` and the rest are loaded. When nothing
    could be loaded and something was refused, raises :class:`SourceError` with the summary (also on a
    retry of the same claim); when some files loaded, the refusals are notified and logged.
    """
    from regiohub.ingest.source import ingest_source

    ingest = ingest or (lambda sid, from_path: ingest_source(sid, from_path=from_path, data=data))
    folder = inbox_dir(source_id, data)
    result = DropResult(source_id, claim_id)
    previous = (folder / REJECTED / f"{claim_id}.json")
    if previous.is_file():  # a retry: the first try's refusals still count
        result.rejected.update(json.loads(previous.read_text(encoding="utf-8")))
    for name in files or []:
        _check_name(source_id, name)
    offered = [folder / n for n in files] if files else (_candidates(folder) if folder.is_dir() else [])
    for path in offered:
        why = refusal(path)
        if why and why != "gone":
            _reject(folder, result, path, why)
    claimed = []
    for name in files or [None]:
        claimed += claim(source_id, claim_id, data, only=name)
    crashpoints.reached("inbox:claimed")
    for path in sorted(set(claimed)):
        log.info("%s: ingesting inbox file %s", source_id, printable(path.name))
        try:
            loaded = ingest(source_id, from_path=path)
        except SourceError as exc:
            _reject(folder, result, path, exc.problem)
            continue
        except OSError:
            raise  # the environment, not the file: it stays claimed for the retry
        except Exception as exc:  # noqa: BLE001 - any other error is this file's alone
            _reject(folder, result, path, f"could not be loaded ({type(exc).__name__}: {exc})")
            continue
        result.loads.append({"file": printable(path.name), "load_id": loaded.load_id, "status": loaded.status,
                             "rows": loaded.rows, "notes": loaded.notes, "holds_load": loaded.holds_load,
                             "superseded_by": loaded.superseded_by})
        crashpoints.reached("inbox:ingested")
    release([p for p in claimed if p.exists()])
    _missing(folder, result, files, {p.name for p in claimed})
    if result.rejected and not result.loads:
        raise SourceError(source_id, result.summary())
    if result.rejected:
        from regiohub.ops.notify import notify

        notify(f"Regio.hub: {source_id}: inbox file(s) refused", result.summary(),
               {"source_id": source_id, "claim_id": claim_id, "rejected": result.rejected})
    return result
