"""The hostile partner race: a partner thread plants links for every claim it sees while drops are ingested.

Before claims moved out of the inbox, a partner who pre-created ``.claimed/`` and ``.rejected/`` and planted
``.rejected/<claim>.json`` as a link to the published mart had the rejection note written through it (the
mart and its hard-linked snapshot became 78 bytes of JSON). Here the partner knows every claim id in advance,
can even see the platform's claim folder, swaps offered files for links to the mart, and plants links in the
platform's rejection folder: the mart and every kept snapshot stay byte-identical and nothing outside the
inbox is written or moved.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from regiohub.core import settings
from regiohub.ingest import inbox
from regiohub.ingest.replay import RECORDINGS_DIR

RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))
SOURCE = "rki_inzidenz"
CLAIMS = [f"run-{n}" for n in range(1, 6)]


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _plant(link: Path, target: Path) -> None:
    with contextlib.suppress(OSError):
        link.symlink_to(target)


class Partner(threading.Thread):
    """Watches the inbox and the platform's claim folder; plants links for every claim id it sees."""

    def __init__(self, data: settings.Paths, folder: Path, mart: Path, outside: Path) -> None:
        super().__init__(daemon=True)
        self.data, self.folder, self.mart, self.outside = data, folder, mart, outside
        self.stop = threading.Event()
        self.planted = 0

    def run(self) -> None:
        while not self.stop.is_set():
            seen = set(CLAIMS)
            with contextlib.suppress(OSError):
                seen |= {p.name for p in (self.data.data_dir / "inbox-claims" / SOURCE).iterdir()}
            for claim in seen:
                _plant(self.folder / inbox.REJECTED / f"{claim}.json", self.mart)
                _plant(self.folder / inbox.REJECTED / claim, self.outside)
                _plant(self.folder / inbox.CLAIMED / claim, self.outside)
                with contextlib.suppress(OSError):  # beyond a partner's rights: links in the platform's folder
                    (self.data.data_dir / "inbox-rejected" / SOURCE).mkdir(parents=True, exist_ok=True)
                    _plant(self.data.data_dir / "inbox-rejected" / SOURCE / f"{claim}.json", self.mart)
            for swap in self.folder.glob("swap_*.csv"):  # offered file swapped for a link between check and move
                with contextlib.suppress(OSError):
                    tmp = swap.with_name(f".{swap.name}.lnk")
                    tmp.symlink_to(self.mart)
                    os.replace(tmp, swap)
                    self.planted += 1
            time.sleep(0.001)


@pytest.fixture
def hostile(tiny_published, tmp_path):
    data = settings.paths(tiny_published)
    snapshots = data.published_dir / "snapshots"
    snapshots.mkdir()
    os.link(data.published, snapshots / "20261201T000000000000Z-aaaa.duckdb")  # as kept before: a hard link
    shutil.copyfile(data.published, snapshots / "20261130T000000000000Z-bbbb.duckdb")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("nicht anfassen")
    folder = inbox.inbox_dir(SOURCE, data)
    (folder / inbox.CLAIMED).mkdir(parents=True)
    (folder / inbox.REJECTED).mkdir()
    return data, folder, outside


def test_a_partner_planting_links_for_every_claim_cannot_touch_the_mart(hostile) -> None:
    data, folder, outside = hostile
    published_before = _digests(data.published_dir)
    outside_before = _digests(outside)
    partner = Partner(data, folder, data.published, outside)
    partner.start()
    results = []
    try:
        for n, claim in enumerate(CLAIMS):
            (folder / f"good_{n}.csv").write_bytes(RKI.read_bytes())
            (folder / f"bad_{n}.csv").write_bytes(b"\x00\x01 kein CSV \xff")
            (folder / f"swap_{n}.csv").write_bytes(RKI.read_bytes())
            (folder / inbox.MARKER).touch()
            with contextlib.suppress(inbox.SourceError):
                results.append(inbox.ingest_drop(SOURCE, claim, data=data))
    finally:
        partner.stop.set()
        partner.join(10)

    assert _digests(data.published_dir) == published_before  # the mart and every kept snapshot, byte for byte
    assert _digests(outside) == outside_before and sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert (folder / inbox.REJECTED / f"{CLAIMS[0]}.json").is_symlink()  # the partner's links were never used
    loaded = {x["file"] for r in results for x in r.loads}  # a swap_ file read before the partner swapped it loads
    assert loaded and not any(name.startswith("bad_") for name in loaded)
    assert {f"good_{n}.csv" for n in range(len(CLAIMS))} <= loaded
    for claim in CLAIMS:
        note = data.rejected / SOURCE / f"{claim}.json"
        assert note.is_file() and not note.is_symlink(), claim  # a planted link was replaced, not written through
        kept = data.rejected / SOURCE / claim
        assert any(p.name.startswith("bad_") for p in kept.iterdir()), claim
    linked = [p for p in (data.rejected / SOURCE).rglob("swap_*.csv") if p.is_symlink()]
    assert all(os.readlink(p) == str(data.published) for p in linked)  # swapped files kept as links, unread
    left = [p.name for p in folder.iterdir() if p.name.startswith(("good_", "bad_", "swap_")) and not p.is_symlink()]
    assert left == []  # every offered file was taken (a link the partner planted late may stay)
