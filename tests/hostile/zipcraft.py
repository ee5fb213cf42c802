"""Crafted ZIP archives for the hostile tests (written by hand where zipfile would refuse to build them)."""

from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from pathlib import Path

MIB = 1 << 20
DWD_MEMBER = "produkt_klima_tag_20240101_20241231_03987.txt"


def bomb(path: Path, name: str = DWD_MEMBER, size_mib: int = 1024, declared_mib: int | None = None) -> Path:
    """A one-member ZIP expanding to ``size_mib`` MiB of zeros (1 GiB by default) in ~1 MiB of deflate data.

    The deflate stream is built from one fully flushed 1 MiB block repeated, so a 1 GiB bomb takes a
    fraction of a second to make and nothing of its expanded size ever touches the disk. With
    ``declared_mib`` the directory lies about the uncompressed size.
    """
    block = b"\0" * MIB
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    data = piece * size_mib + co.flush()
    crc = 0
    for _ in range(size_mib):
        crc = zlib.crc32(block, crc)
    size = (declared_mib or size_mib) * MIB
    n = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(n), 0) + n
    central = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(n), 0, 0, 0, 0, 0, 0
    ) + n
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)
    return path


def archive(path: Path, members: dict[str, bytes], *, symlinks: dict[str, str] | None = None) -> Path:
    """A ZIP with the given members (names taken verbatim, also ``../x`` or ``/etc/x``) and symlink members."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), content)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path
