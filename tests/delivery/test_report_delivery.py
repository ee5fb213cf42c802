"""Scheduled reports: one e-mail per subscribed partner and snapshot, received by a real SMTP server."""

from __future__ import annotations

import logging

import pytest
from publish_helpers import publish_changed

from regiohub.core import settings
from regiohub.delivery.deliver import deliver_reports, outbox_dir
from regiohub.delivery.ledger import Ledger
from regiohub.delivery.subscriptions import SubscriptionError, load_subscriptions
from regiohub.publish.swap import published_snapshot


def _attachments(msg) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def test_new_snapshot_mails_each_partner_once(published_copy, smtp_server, subscriptions_file):
    data = settings.paths(published_copy)
    snapshot_id = published_snapshot(data)["snapshot_id"]

    first = deliver_reports(data)
    assert first.failed == [] and sorted(first.mailed) == ["luckenwalde/2026", "potsdam/2026"]
    assert len(smtp_server.messages) == 2
    by_partner = {msg["X-Regiohub-Snapshot"] + "/" + ",".join(sorted(rcpt)): msg for rcpt, msg in smtp_server.messages}
    luckenwalde = by_partner[f"{snapshot_id}/kaemmerei@luckenwalde.example.org,rathaus@luckenwalde.example.org"]
    assert luckenwalde["Subject"] == "Kooperationsbericht 2026: Luckenwalde – neuer Datenstand"
    files = _attachments(luckenwalde)
    assert files["kooperationsbericht_2026_luckenwalde.pdf"].startswith(b"%PDF-")
    assert files["kooperationsbericht_2026_luckenwalde.xlsx"].startswith(b"PK")  # an OOXML zip
    assert "Kooperationsbericht 2026: Luckenwalde" in luckenwalde.get_body(("plain",)).get_content()
    outbox = outbox_dir(data) / "potsdam" / snapshot_id
    assert sorted(p.name for p in outbox.iterdir()) == ["kooperationsbericht_2026_potsdam.pdf",
                                                         "kooperationsbericht_2026_potsdam.xlsx"]

    second = deliver_reports(data)  # same snapshot: nothing new
    assert second.mailed == [] and second.written == [] and len(smtp_server.messages) == 2
    assert sorted(second.skipped) == ["luckenwalde/2026", "potsdam/2026"]

    new_snapshot = publish_changed(data.data_dir)
    third = deliver_reports(data)
    assert sorted(third.mailed) == ["luckenwalde/2026", "potsdam/2026"] and len(smtp_server.messages) == 4
    assert {msg["X-Regiohub-Snapshot"] for _, msg in smtp_server.messages[2:]} == {new_snapshot}
    ledger = Ledger(data.runs / "deliveries.sqlite3").entries()
    assert len(ledger) == len(set(ledger)) == 8  # 2 snapshots x 2 partners x (outbox, email)


def test_a_failing_mail_server_is_retried_without_duplicates(published_copy, smtp_server, subscriptions_file,
                                                              monkeypatch, caplog):
    data = settings.paths(published_copy)
    monkeypatch.setenv("REGIOHUB_SMTP_USER", "regiohub")
    monkeypatch.setenv("REGIOHUB_SMTP_PASSWORD", "s3cret-never-logged")  # server offers no STARTTLS: fails
    with caplog.at_level(logging.ERROR, logger="regiohub.delivery"):
        failed = deliver_reports(data)
    assert sorted(failed.failed) == ["luckenwalde/2026", "potsdam/2026"] and smtp_server.messages == []
    assert "s3cret" not in caplog.text and "127.0.0.1" in caplog.text
    assert len(failed.written) == 4  # the outbox got them anyway

    monkeypatch.delenv("REGIOHUB_SMTP_USER")
    retried = deliver_reports(data)
    assert sorted(retried.mailed) == ["luckenwalde/2026", "potsdam/2026"] and retried.written == []
    assert len(smtp_server.messages) == 2


def test_outbox_only_without_smtp(published_copy, subscriptions_file, monkeypatch):
    monkeypatch.delenv("REGIOHUB_SMTP_HOST", raising=False)
    result = deliver_reports(settings.paths(published_copy))
    assert result.mailed == [] and len(result.written) == 4 and result.failed == []


def test_invalid_subscriptions_name_the_file(tmp_path):
    bad = tmp_path / "subscriptions.yml"
    bad.write_text("subscriptions:\n  - partner: potsdam\n    recipients: [not-an-address]\n")
    with pytest.raises(SubscriptionError, match=r"subscriptions\.yml.*not-an-address"):
        load_subscriptions(bad)


def test_shipped_subscriptions_cover_the_partners(demo_data_dir):
    import duckdb

    with duckdb.connect(str(demo_data_dir / "published" / "regiohub.duckdb"), read_only=True) as con:
        partners = {r[0] for r in con.execute("SELECT partner_id FROM dim_region WHERE is_partner").fetchall()}
    assert {s.partner for s in load_subscriptions()} == partners


def test_dag_on_the_mart_asset_delivers_once(published_copy, smtp_server, tmp_path, monkeypatch):
    """``dag.test()`` of ``dags/report_delivery.py`` (in a child with its own Airflow home), run twice."""
    import json
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    dags = tmp_path / "dags"
    dags.mkdir()
    shutil.copy(settings.REPO_ROOT / "dags" / "report_delivery.py", dags)
    subs = tmp_path / "subs.yml"
    subs.write_text("subscriptions:\n  - partner: bad_belzig\n    recipients: [rathaus@bad-belzig.example.org]\n")
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(published_copy), "REGIOHUB_SUBSCRIPTIONS": str(subs)}
    child = subprocess.run([sys.executable, str(Path(__file__).with_name("dag_run.py")), str(dags), "2"],
                           env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, child.stdout[-2000:] + child.stderr[-2000:]
    result = json.loads(lines[-1].removeprefix("RESULT "))
    assert result["schedule"] == ["regiohub://mart/published"] and result["import_errors"] == []
    assert [r["tasks"] for r in result["runs"]] == [{"deliver": "success"}] * 2
    [(rcpt, msg)] = smtp_server.messages  # the second run sent nothing
    assert rcpt == ["rathaus@bad-belzig.example.org"]
    assert msg["Subject"].startswith("Kooperationsbericht 2026: Bad Belzig")
    assert any(p.get_filename().endswith(".pdf") for p in msg.iter_attachments())
