"""ZIP payloads: recognised by content, members extracted to scratch space with their origin kept.

Archives come from outside, so extraction is defensive: members with absolute paths, ``..`` or
drive letters (zip-slip) and symlink members refuse the whole archive; the member count, the total
uncompressed size and each member's compression ratio are limited (:func:`regiohub.core.http.limits`),
checked against the directory first and again while streaming, so a ZIP bomb stops before more than
the limit is written. Two wanted members with the same base name (``a/stops.txt`` and ``b/stops.txt``, or
one name twice in the directory) refuse the archive: which one holds the data would be chance. What was
extracted of a refused archive is removed; the archive itself stays in landing. Member names are quoted cut.
"""

from __future__ import annotations

import fnmatch
import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from regiohub.core.echo import cut
from regiohub.core.errors import SourceError
from regiohub.core.http import Limits, human_bytes, limits
from regiohub.ingest.connectors.base import reject_error_page
from regiohub.registry.model import Source

RATIO_FROM_BYTES = 1 << 20  # small members may compress extremely well (a header, a constant column)
CHUNK = 1 << 16


def is_zip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def unpack(archive: Path, workdir: Path, source: Source, patterns: tuple[str, ...]) -> dict[str, Path]:
    """Extract the members whose base name matches one of ``patterns``; member base name -> extracted file."""
    if not is_zip(archive):
        reject_error_page(archive, source, "ZIP")
        raise SourceError(source.id, f"{archive.name} is not a ZIP archive")
    target = workdir / archive.stem
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            _check_directory(archive, infos, source, limits())
            members = [i for i in infos if not i.is_dir() and any(fnmatch.fnmatch(_base(i), p) for p in patterns)]
            _refuse_duplicates(archive, members, source)
            return _extract(zf, archive, members, target, source, limits())
    except (zipfile.BadZipFile, EOFError, zlib.error):  # also a CRC mismatch while extracting
        shutil.rmtree(target, ignore_errors=True)
        raise SourceError(source.id, f"{archive.name} is not a complete ZIP archive (truncated download?)") from None
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression method, encrypted member
        shutil.rmtree(target, ignore_errors=True)
        raise SourceError(source.id, f"{archive.name} cannot be unpacked: {' '.join(str(exc).split())}") from None


def _refuse_duplicates(archive: Path, members: list[zipfile.ZipInfo], source: Source) -> None:
    seen: dict[str, list[str]] = {}
    for info in members:
        seen.setdefault(_base(info), []).append(info.filename)
    for base, names in seen.items():
        if len(names) > 1:
            where = ", ".join(cut(n, 60) for n in names[:3]) + (" …" if len(names) > 3 else "")
            raise SourceError(source.id, f"{cut(archive.name, 80)}: member name '{cut(base, 60)}' occurs "
                                         f"{len(names)} times ({where}): which one holds the data is unclear; "
                                         "archive refused")


def _base(info: zipfile.ZipInfo) -> str:
    return PurePosixPath(info.filename.replace("\\", "/")).name


def unsafe_member(info: zipfile.ZipInfo) -> str | None:
    """Why a member must not be extracted (zip-slip, symlink, device), or None."""
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        return "a path outside the archive folder"
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "a symbolic link" if stat.S_ISLNK(mode) else "a special file"
    return None


def _check_directory(archive: Path, infos: list[zipfile.ZipInfo], source: Source, lim: Limits) -> None:
    if len(infos) > lim.zip_members:
        raise SourceError(source.id, f"{archive.name} has {len(infos)} members, more than the limit of "
                          f"{lim.zip_members} (REGIOHUB_MAX_ZIP_MEMBERS); archive refused")
    for info in infos:
        if why := unsafe_member(info):
            raise SourceError(source.id, f"{archive.name}: member '{cut(info.filename, 80)}' is {why}; archive refused")


def _extract(
    zf: zipfile.ZipFile, archive: Path, members: list[zipfile.ZipInfo], target: Path, source: Source, lim: Limits
) -> dict[str, Path]:
    declared = sum(i.file_size for i in members)
    if declared > lim.unpacked_bytes:
        raise _too_big(source, archive, declared, lim)
    out: dict[str, Path] = {}
    total = 0
    try:
        for info in members:
            _check_ratio(source, archive, info, info.file_size, lim)
            path = target / PurePosixPath(info.filename.replace("\\", "/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with zf.open(info) as src, open(path, "wb") as dst:
                while chunk := src.read(CHUNK):
                    written += len(chunk)
                    total += len(chunk)
                    if total > lim.unpacked_bytes:
                        raise _too_big(source, archive, total, lim)
                    _check_ratio(source, archive, info, written, lim)
                    dst.write(chunk)
            out[_base(info)] = path
    except SourceError:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return out


def _check_ratio(source: Source, archive: Path, info: zipfile.ZipInfo, size: int, lim: Limits) -> None:
    if size > RATIO_FROM_BYTES and size > lim.zip_ratio * max(info.compress_size, 1):
        raise SourceError(
            source.id, f"{archive.name}: member '{cut(info.filename, 80)}' expands more than {lim.zip_ratio:g}-fold "
            f"({human_bytes(info.compress_size)} compressed; REGIOHUB_MAX_ZIP_RATIO); archive refused (ZIP bomb?)"
        )


def _too_big(source: Source, archive: Path, size: int, lim: Limits) -> SourceError:
    return SourceError(source.id, f"{archive.name} unpacks to more than {human_bytes(lim.unpacked_bytes)} "
                       f"(REGIOHUB_MAX_UNPACKED_BYTES; {human_bytes(size)} found); archive refused")
