"""Datenqualität lists the gate's content checks from the newest validation results file, in German."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import duckdb
from dash_helpers import all_tables, open_app

from regiohub.audit.content import CHECKS, content_findings
from regiohub.core import settings
from regiohub.dashboard.quality import CONTENT_CHECKS, finding_de

_MART = [  # the columns regiohub.audit.content reads, and the catalogue names the page shows
    "create table dim_indicator as select * from (values ('testwert', 'Testwert je Einwohner', 'bevoelkerung',"
    " ['quelle_a'])) t(indicator_id, name_de, domain, source_ids)",
    "create table dim_region as select * from (values ('120540000000', 'Potsdam', 'potsdam', true),"
    " ('120690000000', 'Potsdam-Mittelmark', 'pm', true)) t(ars, name, partner_id, is_partner)",
    "create table fct_indicator_value as select * from (values ('testwert', '120540000000', '2025', 'inf'::double),"
    " ('testwert', '120690000000', '2025', 1.5)) t(indicator_id, region_ars, period, value)",
    "create table fct_partner_indicator_value as select * from (values"
    " ('testwert', 'potsdam', date '2025-01-01', 'inf'::double)) t(indicator_id, partner_id, period_start, value)",
]


def _gate_results(tmp_path) -> tuple[settings.Paths, dict]:
    """A data dir whose newest validation holds the content checks as regiohub.audit.gate writes them, for a
    candidate with an infinite value and a partner without a value (two checks fail, one passes)."""
    paths = settings.paths(tmp_path / "data").ensure()
    candidate = tmp_path / "candidate.duckdb"
    with duckdb.connect(str(candidate)) as con:
        for sql in _MART:
            con.execute(sql)
    findings = content_findings(candidate, None)
    results = {
        "success": not findings,
        "failures": [f.line for f in findings],
        "content_checks": [{"check": c, "success": not any(f.check == c for f in findings)} for c in CHECKS],
        "content_findings": [vars(f) for f in findings],
    }
    folder = paths.runs / "validations"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "20261101T000000Z.json").write_text(json.dumps({"content_checks": []}))  # older: not shown
    (folder / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json").write_text(json.dumps(results))
    shutil.copy(candidate, paths.published)  # the catalogue names come from the published mart
    return paths, results


def test_content_checks_are_named_with_their_status_and_findings_in_german(tmp_path, monkeypatch):
    paths, results = _gate_results(tmp_path)
    expected = {c["check"]: c["success"] for c in results["content_checks"]}
    assert expected == {"values_finite": False, "series_kept": True, "catalogue_coverage": False}

    at = open_app(paths.data_dir, monkeypatch, "pages/datenqualitaet.py")
    assert "Inhaltsprüfungen der letzten Veröffentlichung" in [h.value for h in at.header]
    table = next(t.value for t in all_tables(at) if "Was geprüft wird" in t.value.columns).set_index("Prüfung")
    assert list(table.index) == [CONTENT_CHECKS[c][0] for c in CHECKS]
    for check, success in expected.items():
        assert table.loc[CONTENT_CHECKS[check][0], "Ergebnis"] == ("✔ bestanden" if success else "✘ nicht bestanden")
    assert table.loc["Alle Werte endlich", "Befunde"].startswith(
        "Testwert je Einwohner: 1 Wert unendlich oder keine Zahl, z. B. 120540000000 2025 = inf")
    coverage = table.loc["Jede Partnerin mit aktuellem Wert", "Befunde"]
    assert coverage == ("Testwert je Einwohner: kein Wert für 01.01.2025 und kein Grund im Katalog bei 1 "
                        "Partnerin: Potsdam-Mittelmark")
    assert table.loc["Keine Reihe verschwunden", "Befunde"] == "–"
    shown = " ".join(table.to_numpy().ravel())
    assert not any(word in shown for word in ("values", "no value", "testwert", "catalogue"))  # German, no ids


def test_no_content_checks_yet(tmp_path, monkeypatch):
    at = open_app(settings.paths(tmp_path / "data").ensure().data_dir, monkeypatch, "pages/datenqualitaet.py")
    assert not any("Was geprüft wird" in t.value.columns for t in all_tables(at))
    assert any("Noch keine Inhaltsprüfung" in c.value for c in at.caption)


def test_a_vanished_series_is_named_in_german(tmp_path):
    paths, _ = _gate_results(tmp_path)
    with duckdb.connect(str(tmp_path / "candidate.duckdb")) as con:
        con.execute("delete from fct_indicator_value where region_ars = '120690000000'")
    findings = [vars(f) for f in content_findings(tmp_path / "candidate.duckdb", paths.published)]
    kept = [f for f in findings if f["check"] == "series_kept"]
    assert [finding_de(f, {"testwert": "Testwert je Einwohner"}) for f in kept] == [
        "Testwert je Einwohner: 1 bisher veröffentlichte Reihe fehlt ohne Grund im Katalog: "
        "Potsdam-Mittelmark (120690000000)"]
