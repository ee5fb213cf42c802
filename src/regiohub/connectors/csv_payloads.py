"""Helpers for CSV payloads as German publishers ship them (encodings, preamble lines)."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

from regiohub.errors import SourceError
from regiohub.registry import Source

_BOM = codecs.BOM_UTF8


def detect_encoding(path: Path) -> str:
    """``utf-16`` (by BOM), ``utf-8`` (with or without BOM) if the whole file decodes as UTF-8, else ``cp1252``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        fh.seek(0)
        first = True
        while chunk := fh.read(1 << 20):
            if first and chunk.startswith(_BOM):
                chunk = chunk[len(_BOM):]
            first = False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return "cp1252"
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        # A multibyte character cut off at the end: a truncated UTF-8 file, not cp1252.
        return "utf-8-truncated"
    return "utf-8"


def as_utf8(path: Path, source: Source, workdir: Path) -> Path:
    """A UTF-8 version of ``path``: the file itself when it is UTF-8 (DuckDB skips a BOM), else a transcode."""
    encoding = detect_encoding(path)
    if encoding == "utf-8-truncated":
        raise SourceError(source.id, f"{path.name} ends inside a character: the file is truncated")
    if encoding == "utf-8":
        return path
    with open(path, "rb") as fh:
        if encoding == "cp1252" and b"\x00" in fh.read(1 << 16):
            raise SourceError(source.id, f"{path.name} contains NUL bytes: a binary file or an unknown encoding")
    target = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    try:
        with open(path, encoding=encoding, newline="") as src, open(target, "w", encoding="utf-8", newline="") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
    except UnicodeDecodeError as exc:
        raise SourceError(
            source.id, f"{path.name} is neither UTF-8 nor {encoding} (byte {exc.start}): wrong encoding?"
        ) from None
    return target


def header_line_index(path: Path, prefixes: tuple[str, ...], source: Source, max_lines: int = 50) -> int:
    """0-based index of the first line that starts with one of ``prefixes`` (the header row)."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        for i, line in enumerate(fh):
            if i >= max_lines:
                break
            if line.lstrip("\ufeff").startswith(prefixes):
                return i
    raise SourceError(
        source.id,
        f"unknown column layout in {path.name}: no header row starting with "
        f"{' or '.join(repr(p) for p in prefixes)} in the first {max_lines} lines",
    )
