"""Partner file drops: ``$REGIOHUB_DATA_DIR/inbox/<source_id>/``.

Protocol for a partner (or :func:`drop`): upload the data file under a temporary name (``*.part`` or a
leading dot), rename it, then create the ready marker ``READY``. Airflow's ``FileDeleteTrigger`` watches
the marker — never the data, because the trigger deletes what it finds — and the inbox DAG then claims
the ready data files by moving them into ``inbox-claims/<source_id>/<claim_id>/`` (an atomic rename,
so a file is claimed by exactly one run) and ingests each one as ``ingest --from`` would. An external
system may instead post an asset event through the REST API naming one file (``{"file": "<name>"}``).

Claims and rejections live in platform folders beside the inbox, where partners cannot write: nothing a
partner plants in its inbox (links, pre-created ``.claimed``/``.rejected`` folders) is ever written through.
Every folder is opened without following links and every move and note goes through folder descriptors
(:mod:`regiohub.store.safe_fs`); a claimed entry is judged again once it is out of the partner's reach.

Each file stands alone (:func:`ingest_drop`): a file that cannot be loaded (a bad payload, or any error
reading it) is moved, untouched, to ``inbox-rejected/<source_id>/<claim_id>/`` with its reason in
``inbox-rejected/<source_id>/<claim_id>.json``, and the other files of the drop are loaded. Only an error
of the platform's environment (``OSError``: disk full, permissions) stops the drop; its files stay claimed,
and the retry or re-run of the same claim picks them up again. Symbolic links, hard links and special
files (FIFOs, devices, sockets) are refused without being opened, empty files are refused and kept, and
no path leaves the inbox folder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regiohub.core import crashpoints, settings
from regiohub.core.errors import SourceError
from regiohub.store import claims, layout, safe_fs
from regiohub.store.claims import MARKER, refusal, release

__all__ = ["MARKER", "DropResult", "claim", "claim_dir", "drop", "ingest_drop", "inbox_dir", "marker_path",
           "ready_files", "refusal", "rejected_dir", "release"]

log = logging.getLogger(__name__)

CLAIMED = ".claimed"  # names a partner may not offer (the inbox's former claim folders)
REJECTED = ".rejected"


def inbox_dir(source_id: str, data: settings.Paths | None = None) -> Path:
    """The drop folder of one source."""
    return layout.inbox_dir(data or settings.paths(), source_id)


def claim_dir(source_id: str, claim_id: str, data: settings.Paths | None = None) -> Path:
    return claims.claim_dir(source_id, claim_id, data or settings.paths())


def rejected_dir(source_id: str, data: settings.Paths | None = None) -> Path:
    return claims.rejected_dir(source_id, data or settings.paths())


def marker_path(source_id: str, data: settings.Paths | None = None) -> Path:
    return inbox_dir(source_id, data) / MARKER


def ready_files(source_id: str, data: settings.Paths | None = None) -> list[Path]:
    """Data files waiting in the inbox: regular, non-empty files (see :func:`refusal`)."""
    data = data or settings.paths()
    with claims.maybe_open(data, claims.INBOX, source_id) as fd:
        names = claims.offered(fd) if fd is not None else []
        return [inbox_dir(source_id, data) / n for n in names if claims.judge(safe_fs.kind(fd, n)) is None]


def drop(source_id: str, file: Path, data: settings.Paths | None = None, *, name: str | None = None) -> Path:
    """Put ``file`` into the inbox the way a partner should: partial name, rename, then the marker."""
    data = data or settings.paths()
    target = name or file.name
    with safe_fs.opened(data.data_dir, claims.INBOX, source_id, create=True) as fd:
        safe_fs.copy_in(fd, target, file)
        safe_fs.touch(fd, MARKER)
    return inbox_dir(source_id, data) / target


def _check_name(source_id: str, only: str) -> None:
    if Path(only).name != only or only in (MARKER, CLAIMED, REJECTED, ".", "..") or "\0" in only:
        raise SourceError(source_id, f"inbox file name {only!r} must be a plain file name")


def claim(source_id: str, claim_id: str, data: settings.Paths | None = None, *, only: str | None = None) -> list[Path]:
    """Move the ready files (or just ``only``) into a claim folder of their own and return them.

    Files claimed by an earlier run are gone from the inbox, so every file is ingested exactly once; a retry
    of the same claim (same ``claim_id``) gets the files its first try claimed again.
    """
    _check_name(source_id, claim_id)
    if only is not None:
        _check_name(source_id, only)
    return claims.claim(data or settings.paths(), source_id, claim_id, only)


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
        where = f"kept in inbox-rejected/{self.source_id}/{self.claim_id}/"
        files = "; ".join(f"{name}: {why}" for name, why in sorted(self.rejected.items()))
        return f"{len(self.rejected)} inbox file(s) refused ({where}): {files}"


def printable(name: str) -> str:
    """A file name as one line of text: control characters and undecodable bytes escaped."""
    if name.isprintable():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace").encode(
        "unicode_escape").decode("ascii")


def _reject(data: settings.Paths, result: DropResult, where: tuple[str, ...] | None, name: str, why: str) -> None:
    """Move the entry ``name`` (never reading it) from the folder ``where`` to the rejected claim and record why."""
    if where is not None:
        claims.reject(data, result.source_id, result.claim_id, where, name)
    shown = printable(name)
    result.rejected[shown] = " ".join(why.split())
    claims.write_reasons(data, result.source_id, result.claim_id, result.rejected)
    log.error("%s: inbox file %s refused: %s", result.source_id, shown, result.rejected[shown])


def _missing(data: settings.Paths, result: DropResult, files: list[str] | None, taken: set[str]) -> None:
    """Fail (nothing loaded) or report (others loaded) the files an asset event names but the inbox lacks."""
    missing = [n for n in files or [] if n not in taken and printable(n) not in result.rejected]
    if missing and not result.loads and not result.rejected:
        names = ", ".join(printable(n) for n in missing)
        raise SourceError(result.source_id, f"inbox file {names} named by the asset event does not exist in "
                          f"inbox/{result.source_id}/ (not uploaded yet, or taken by an earlier run): nothing loaded")
    for name in missing:
        _reject(data, result, None, name, f"does not exist in inbox/{result.source_id}/ (named by the asset "
                "event: not uploaded yet, or taken by an earlier run)")


def ingest_drop(
    source_id: str,
    claim_id: str,
    files: list[str] | None = None,
    data: settings.Paths | None = None,
    *,
    ingest: Callable[..., Any] | None = None,
    on_refused: Callable[[DropResult], None] | None = None,
) -> DropResult:
    """Claim and ingest the ready files (or the ``files`` named), each on its own.

    A refused or failing file goes to ``inbox-rejected/<source_id>/<claim_id>/`` and the rest are loaded. When nothing
    could be loaded and something was refused, raises :class:`SourceError` with the summary (also on a
    retry of the same claim); when some files loaded, the refusals are logged and handed to ``on_refused``
    (the orchestration notifies a person).
    """
    from regiohub.ingest.source import ingest_source

    data = data or settings.paths()
    ingest = ingest or (lambda sid, from_path: ingest_source(sid, from_path=from_path, data=data))
    result = DropResult(source_id, claim_id)
    _check_name(source_id, claim_id)
    for name in files or []:
        _check_name(source_id, name)
    result.rejected.update(claims.read_reasons(data, source_id, claim_id))  # a retry: earlier refusals count
    with claims.maybe_open(data, claims.INBOX, source_id) as fd:
        offered = (files or claims.offered(fd)) if fd is not None else []
        refused = {n: why for n in offered if (why := claims.judge(safe_fs.kind(fd, n))) and why != "gone"}
    for name, why in refused.items():
        _reject(data, result, ("inbox", source_id), name, why)
    claimed = []
    for name in files or [None]:
        claimed += claim(source_id, claim_id, data, only=name)
    crashpoints.reached("inbox:claimed")
    claimed_at = (data.claims.name, source_id, claim_id)
    for path in sorted(set(claimed)):
        why = refusal(path)  # judged again out of the partner's reach: a file swapped for a link while claimed
        if why:
            _reject(data, result, claimed_at, path.name, why)
            continue
        log.info("%s: ingesting inbox file %s", source_id, printable(path.name))
        try:
            loaded = ingest(source_id, from_path=path)
        except SourceError as exc:
            _reject(data, result, claimed_at, path.name, exc.problem)
            continue
        except OSError:
            raise  # the environment, not the file: it stays claimed for the retry
        except Exception as exc:  # noqa: BLE001 - any other error is this file's alone
            _reject(data, result, claimed_at, path.name,
                    f"could not be loaded ({type(exc).__name__}: {exc})")
            continue
        result.loads.append({"file": printable(path.name), "load_id": loaded.load_id, "status": loaded.status,
                             "rows": loaded.rows, "notes": loaded.notes, "holds_load": loaded.holds_load,
                             "superseded_by": loaded.superseded_by})
        crashpoints.reached("inbox:ingested")
    release([p for p in claimed if p.exists()])
    _missing(data, result, files, {p.name for p in claimed})
    if result.rejected and not result.loads:
        raise SourceError(source_id, result.summary())
    if result.rejected and on_refused is not None:
        on_refused(result)
    return result
