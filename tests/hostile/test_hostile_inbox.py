"""Crafted inbox drops: each file stands alone; links, FIFOs and empty files are refused and kept.

A symlink points at a FIFO: opening it would block, so a test that finishes proves nothing was read.
"""

from __future__ import annotations

import json
import os
import threading

import pytest

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest import inbox
from regiohub.ingest.replay import RECORDINGS_DIR
from regiohub.ops.notify import notify_refused

from .conftest import mart_untouched

RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))
SOURCE = "rki_inzidenz"


def _run(fn, *args, **kwargs):
    """Run ``fn`` in a thread; fail (and unblock it) if it hangs on reading a FIFO."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 (handed to the test)
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the inbox opened a FIFO (it blocked reading it)"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def drop_folder(tiny_published):
    data = settings.paths(tiny_published)
    folder = inbox.inbox_dir(SOURCE, data)
    folder.mkdir(parents=True)
    return data, folder


def test_bad_neighbours_never_strand_the_good_file(drop_folder, tmp_path, caplog) -> None:
    data, folder = drop_folder
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$geheimerhash:19000:0:99999:7:::\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (folder / "a_gut.csv").write_bytes(RKI.read_bytes())
    (folder / "b_kaputt.csv").write_bytes(b"\x00\x01\x02 kein CSV \xff")
    (folder / "c_leer.csv").write_bytes(b"")
    (folder / "d_link.csv").symlink_to(secret)
    (folder / "e_link_fifo.csv").symlink_to(fifo)
    os.mkfifo(folder / "f_fifo.csv")
    (folder / "READY").touch()

    with mart_untouched(data.data_dir):
        result = _run(inbox.ingest_drop, SOURCE, "run-1", data=data, on_refused=notify_refused)

    assert [(x["file"], x["status"]) for x in result.loads] == [("a_gut.csv", "loaded")]
    assert set(result.rejected) == {"b_kaputt.csv", "c_leer.csv", "d_link.csv", "e_link_fifo.csv", "f_fifo.csv"}
    assert result.rejected["c_leer.csv"].startswith("empty (0 bytes)")
    assert result.rejected["d_link.csv"].startswith("a symbolic link (refused without reading it")
    assert result.rejected["f_fifo.csv"].startswith("a FIFO, not a regular file")
    kept = inbox.rejected_dir(SOURCE, data) / "run-1"
    assert sorted(p.name for p in kept.iterdir()) == sorted(result.rejected)  # payloads kept, not deleted
    assert (kept / "c_leer.csv").stat().st_size == 0 and (kept / "d_link.csv").is_symlink()
    assert json.loads((inbox.rejected_dir(SOURCE, data) / "run-1.json").read_text()) == result.rejected
    assert not inbox.claim_dir(SOURCE, "run-1", data).exists() and (folder / "READY").exists()
    lines = [r.getMessage() for r in caplog.records if r.name == "regiohub.ingest.inbox" and r.levelname == "ERROR"]
    assert len(lines) == 5 and all(x.startswith(f"{SOURCE}: inbox file ") and "\n" not in x for x in lines)
    everything = caplog.text + "".join(p.read_text(errors="replace") for p in data.data_dir.rglob("*")
                                       if p.is_file() and not p.is_symlink() and p.suffix in (".json", ".jsonl"))
    assert "geheimerhash" not in everything  # the link's target was never read
    assert f"{SOURCE}: inbox file d_link.csv refused: a symbolic link" in caplog.text
    assert "5 inbox file(s) refused" in caplog.text  # the operator is notified


def test_a_drop_of_only_bad_files_fails_with_one_line_also_on_retry(drop_folder) -> None:
    data, folder = drop_folder
    (folder / "leer.csv").write_bytes(b"")
    (folder / "kaputt.csv").write_text("<html><body>Fehler</body></html>")
    for attempt in range(2):  # the retry of the same claim reports the same refusals
        with pytest.raises(SourceError) as err:
            inbox.ingest_drop(SOURCE, "run-1", data=data)
        message = str(err.value)
        assert message.startswith(f"{SOURCE}: 2 inbox file(s) refused (kept in inbox-rejected/{SOURCE}/run-1/): ")
        assert "kaputt.csv: kaputt.csv is an HTML page" in message and "leer.csv: empty (0 bytes)" in message
        assert "\n" not in message, attempt
    assert sorted(p.name for p in (inbox.rejected_dir(SOURCE, data) / "run-1").iterdir()) == ["kaputt.csv", "leer.csv"]


def test_a_planted_claim_folder_link_is_ignored(drop_folder, tmp_path) -> None:
    """Claims live in the platform's folder: a ``.claimed`` link in the inbox leads nothing astray."""
    data, folder = drop_folder
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / inbox.CLAIMED).symlink_to(outside)
    (folder / "a.csv").write_bytes(RKI.read_bytes())
    result = inbox.ingest_drop(SOURCE, "run-1", data=data)
    assert [x["file"] for x in result.loads] == ["a.csv"]
    assert list(outside.iterdir()) == [] and (folder / inbox.CLAIMED).is_symlink()


def test_a_platform_folder_replaced_by_a_link_is_refused(drop_folder, tmp_path) -> None:
    data, folder = drop_folder
    outside = tmp_path / "outside"
    outside.mkdir()
    data.claims.mkdir()
    (data.claims / SOURCE).symlink_to(outside)
    (folder / "a.csv").write_bytes(RKI.read_bytes())
    with pytest.raises(SourceError, match=rf"inbox-claims/{SOURCE} is not a folder of the platform"):
        inbox.ingest_drop(SOURCE, "run-1", data=data)
    assert list(outside.iterdir()) == [] and (folder / "a.csv").exists()


@pytest.mark.parametrize("name", ["../../state/rki_inzidenz.json", "/etc/passwd", "..", ".rejected", "a/b.csv"])
def test_named_files_may_not_leave_the_inbox(drop_folder, name) -> None:
    data, _ = drop_folder
    with pytest.raises(SourceError, match="must be a plain file name"):
        inbox.ingest_drop(SOURCE, "run-1", [name], data=data)


def test_a_named_symlink_is_refused_not_followed(drop_folder, tmp_path) -> None:
    data, folder = drop_folder
    target = tmp_path / "real.csv"
    target.write_bytes(RKI.read_bytes())
    (folder / "named.csv").symlink_to(target)
    with pytest.raises(SourceError, match="named.csv: a symbolic link"):
        inbox.ingest_drop(SOURCE, "run-1", ["named.csv"], data=data)
    assert not list(data.raw.rglob("*.parquet"))
