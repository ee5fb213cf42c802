"""Operator intake: take a file or folder handed in with ``--from`` (or dropped in the inbox) into landing.

Only regular files are taken. A symlink or a special file (FIFO, device, socket) anywhere in what
was handed in is refused before anything is read, so a link to a secret file can never be copied
into landing or quoted in a message. So is anything under ``/proc``, ``/sys`` or ``/dev`` (e.g.
``/proc/self/environ``, a "regular" file holding the environment), also when reached through a linked
folder, and a file with more than one hard link (a second name of a file someone else owns the content
of). Files keep their names; folders keep their layout.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

from regiohub.core.errors import SourceError

PSEUDO_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))
MAX_OPERATOR_BYTES = int(os.environ.get("REGIOHUB_MAX_OPERATOR_BYTES", str(4 << 30)))


def copy_in(path: Path, landing_dir: Path, source_id: str) -> list[Path]:
    """Copy ``path`` (file or folder) into ``landing_dir``; return the copied files."""
    files = _regular_files(path, source_id)
    total = sum(f.stat().st_size for f in files)
    if total > MAX_OPERATOR_BYTES:
        raise SourceError(source_id, f"--from {path}: {total} bytes exceed the limit of {MAX_OPERATOR_BYTES} bytes")
    copied = []
    for f in files:
        rel = f.relative_to(path) if f != path else Path(f.name)
        target = landing_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target, follow_symlinks=False)
        copied.append(target)
    return copied


def _regular_files(path: Path, source_id: str) -> list[Path]:
    """The regular files of ``path``; refuse symlinks and special files without reading them."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise SourceError(source_id, f"--from {path}: no such file or folder") from None
    _refuse_special(path, st, source_id)
    if stat.S_ISREG(st.st_mode):
        return [path]
    files: list[Path] = []
    for root, dirs, names in os.walk(path, followlinks=False):
        for name in sorted(dirs) + sorted(names):
            p = Path(root) / name
            st = os.lstat(p)
            _refuse_special(p, st, source_id)
            if stat.S_ISREG(st.st_mode):
                files.append(p)
    if not files:
        raise SourceError(source_id, f"--from {path}: the folder holds no files")
    return sorted(files)


def _refuse_special(path: Path, st: os.stat_result, source_id: str) -> None:
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        raise SourceError(source_id, f"--from {path}: is a symbolic link; hand in the file itself (nothing was read)")
    real = Path(os.path.realpath(path))
    if any(real == root or real.is_relative_to(root) for root in PSEUDO_ROOTS):
        raise SourceError(source_id, f"--from {path}: lies in {real.parts[1] and '/' + real.parts[1]}, "
                                     "a system folder, not a payload (nothing was read)")
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise SourceError(source_id, f"--from {path}: is not a regular file (nothing was read)")
    if stat.S_ISREG(mode) and st.st_nlink > 1:
        raise SourceError(source_id, f"--from {path}: has {st.st_nlink} hard links; hand in a copy of the file "
                                     "(nothing was read)")


def hash_files(landing_dir: Path) -> dict[Path, str]:
    """SHA-256 of every file below ``landing_dir``."""
    hashes = {}
    for p in sorted(landing_dir.rglob("*")):
        if p.is_file() and not p.is_symlink():
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                while block := fh.read(1 << 20):
                    h.update(block)
            hashes[p] = h.hexdigest()
    return hashes


def combined_hash(hashes: dict[Path, str], base: Path) -> str:
    """One hash for a whole payload: a single file's own hash (whatever its name), else names and hashes."""
    if len(hashes) == 1:
        return next(iter(hashes.values()))
    h = hashlib.sha256()
    for p, digest in sorted(hashes.items()):
        h.update(f"{p.relative_to(base)}\0{digest}\n".encode())
    return h.hexdigest()
