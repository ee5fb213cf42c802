"""Alerts without configuration: `regiohub run` failures are kept, a broken notifications file hides nothing."""

from __future__ import annotations

from regiohub import cli
from regiohub.core import settings
from regiohub.ops.notify import notify, notify_run
from regiohub.store import alerts
from regiohub.store.runs import RunReport


def test_a_run_with_a_failed_source_leaves_an_alert_until_acknowledged(data_dir, monkeypatch, capsys) -> None:
    monkeypatch.delenv("REGIOHUB_NOTIFY", raising=False)
    report = RunReport("run-1", "2026-11-28T20:00:00+00:00", outcome="gate_failed", error="gate: 2 checks failed")
    report.ingested = [{"source_id": "rki_inzidenz", "status": "failed", "error": "rki_inzidenz: HTTP 503"},
                       {"source_id": "pegelonline", "status": "loaded", "load_id": "x"}]

    notify_run(report)

    found = alerts.open_alerts(settings.paths(data_dir))
    assert sorted(a["subject"] for a in found) == ["Regio.hub: regiohub run gate failed",
                                                   "Regio.hub: regiohub run: source rki_inzidenz failed"]
    assert cli.main(["ack", "nonexistent"]) == 1
    assert cli.main(["ack", found[0]["id"]]) == 0
    assert [a["id"] for a in alerts.open_alerts(settings.paths(data_dir))] == [found[1]["id"]]
    capsys.readouterr()
    assert cli.main(["status"]) == 0
    assert capsys.readouterr().out.startswith("FAILURES not yet acknowledged (1;")


def test_a_broken_notifications_file_still_logs_and_keeps_the_alert(data_dir, tmp_path, monkeypatch, caplog) -> None:
    broken = tmp_path / "notifications.yml"
    broken.write_text("channels: [pager]\n", encoding="utf-8")
    monkeypatch.setenv("REGIOHUB_NOTIFICATIONS", str(broken))
    monkeypatch.delenv("REGIOHUB_NOTIFY", raising=False)

    assert notify("Regio.hub: x failed", "body") == ["log"]

    assert f"notifications file {broken}" in caplog.text
    assert [a["subject"] for a in alerts.open_alerts(settings.paths(data_dir))] == ["Regio.hub: x failed"]


def test_news_is_not_an_alert(data_dir, monkeypatch) -> None:
    monkeypatch.delenv("REGIOHUB_NOTIFY", raising=False)
    notify("Regio.hub: source x delivers again", "back", alert=False)
    assert alerts.open_alerts(settings.paths(data_dir)) == []
