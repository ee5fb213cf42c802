"""ZIP payloads: recognised by content, members extracted to scratch space with their origin kept."""

from __future__ import annotations

import fnmatch
import zipfile
from pathlib import Path

from regiohub.connectors.base import reject_error_page
from regiohub.errors import SourceError
from regiohub.registry import Source


def is_zip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def unpack(archive: Path, workdir: Path, source: Source, patterns: tuple[str, ...]) -> dict[str, Path]:
    """Extract the members whose base name matches one of ``patterns``; member base name -> extracted file."""
    if not is_zip(archive):
        reject_error_page(archive, source, "ZIP")
        raise SourceError(source.id, f"{archive.name} is not a ZIP archive")
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.namelist() if any(fnmatch.fnmatch(Path(m).name, p) for p in patterns)]
            target = workdir / archive.stem
            return {Path(m).name: Path(zf.extract(m, target)) for m in members}
    except (zipfile.BadZipFile, EOFError):  # also a CRC mismatch while extracting
        raise SourceError(source.id, f"{archive.name} is not a complete ZIP archive (truncated download?)") from None
