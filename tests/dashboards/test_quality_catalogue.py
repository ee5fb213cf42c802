"""Datenqualität and Datenkatalog pages, and the small readers of run history, state and quarantine."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd
from dash_helpers import all_tables, last_published_run, mart_rows, open_app, page_text

from regiohub.core import settings
from regiohub.dashboard import ops
from regiohub.presentation.labels import plain_formula
from regiohub.registry.model import load_registry
from regiohub.store.freshness import overdue_sources, schedule_interval
from regiohub.store.runs import RunReport, record_run


def test_quality_page_shows_freshness_runs_gate_and_data_docs(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/datenqualitaet.py")
    tables = [df.value for df in all_tables(at)]
    freshness = next(t for t in tables if "Zeitplan" in t.columns)
    assert set(freshness["Quelle"]) == {s.name for s in load_registry().sources}
    pegel = freshness.set_index("Quelle").loc[next(s.name for s in load_registry().sources if s.id == "pegelonline")]
    assert pegel["Zeitplan"] == "alle 15 Minuten"

    runs = next(t for t in tables if "Ergebnis" in t.columns)
    run = last_published_run(mart_data_dir)
    shown = runs[runs["Snapshot"] == run["snapshot_id"]].iloc[0]
    assert shown["Ergebnis"] == "veröffentlicht"
    passed, failed, _ = ops.gate_summary(run)
    assert (shown["Prüfungen bestanden"], shown["Prüfungen fehlgeschlagen"]) == (str(passed), str(failed))
    assert passed and failed == 0
    docs = settings.paths(mart_data_dir).runs / "gx" / "data_docs" / "index.html"
    assert docs.exists() and docs.as_uri() in page_text(at)


def test_quality_page_reports_failed_gate_errors_and_quarantine(mart_data_dir, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    shutil.copytree(mart_data_dir, data_dir, symlinks=True)
    paths = settings.paths(data_dir)
    record_run(paths, RunReport(
        "r-failed", datetime.now(UTC).isoformat(timespec="seconds"), outcome="gate_failed",
        ingested=[{"source_id": "rki_inzidenz", "status": "failed", "error": "boom", "rows": {}}],
        gate_failures=["fct_indicator_value: expect_column_values_to_be_between (value) – 3 rows"],
    ))
    state = json.loads((paths.state / "rki_inzidenz.json").read_text())
    (paths.state / "rki_inzidenz.json").write_text(json.dumps({**state, "last_error": "HTTP 503"}))
    quarantine = data_dir / "quarantine" / "pegelonline" / "measurements"
    quarantine.mkdir(parents=True)
    with duckdb.connect() as con:  # the layout regiohub.ingest.quarantine writes: one file per load, rows with _reason
        con.execute(f"COPY (SELECT range AS n, CASE WHEN range < 5 THEN 'water level out of range' ELSE"
                    f" 'duplicate row' END AS _reason FROM range(7)) TO '{quarantine / 'load-1.parquet'}'"
                    " (FORMAT parquet)")

    at = open_app(data_dir, monkeypatch, "pages/datenqualitaet.py")
    runs = next(df.value for df in all_tables(at) if "Ergebnis" in df.value.columns)
    newest = runs.iloc[0]
    assert newest["Ergebnis"] == "Prüfung nicht bestanden" and newest["Fehlerhafte Quellen"] == next(
        s.name for s in load_registry().sources if s.id == "rki_inzidenz")  # the name, never the id
    assert any("expect_column_values_to_be_between" in e.value.replace("\\", "") for e in at.error)
    freshness = next(df.value for df in all_tables(at) if "Zeitplan" in df.value.columns)
    rki = next(s.name for s in load_registry().sources if s.id == "rki_inzidenz")
    assert freshness.set_index("Quelle").loc[rki, ["Status", "Letzter Fehler"]].tolist() == ["Fehler", "HTTP 503"]
    held = next(df.value for df in all_tables(at) if "Zeilen in Quarantäne" in df.value.columns)
    gauges = next(s.name for s in load_registry().sources if s.id == "pegelonline")  # names, never ids
    assert [r for r in held.to_dict("records") if r["Quelle"] == gauges] == [
        {"Quelle": gauges, "Grund": "doppelte Zeile", "Zeilen in Quarantäne": "2"},
        {"Quelle": gauges, "Grund": "Wasserstand außerhalb des plausiblen Bereichs", "Zeilen in Quarantäne": "5"},
    ]


def test_freshness_is_judged_against_the_schedule(tmp_path):
    paths = settings.paths(tmp_path)
    paths.state.mkdir(parents=True)
    checked = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    for source in ("fast", "slow", "edge"):  # what regiohub.ingest.source writes after a poll
        (paths.state / f"{source}.json").write_text(json.dumps({"last_checked_at": checked.isoformat(),
                                                                "last_status": "unchanged"}))
    schedules = {"fast": "*/15 * * * *", "slow": "@daily", "never": "@weekly", "edge": "@hourly"}
    status = {f.source_id: f.status for f in ops.freshness(paths, schedules, checked + timedelta(hours=3))}
    # the one rule of regiohub.orchestration.freshness: late after three intervals (the gate's and the DAG's)
    assert status == {"fast": ops.STATUS_LATE, "slow": ops.STATUS_OK, "never": ops.STATUS_NEVER,
                      "edge": ops.STATUS_OK}
    later = {f.source_id: f.status for f in ops.freshness(paths, schedules, checked + timedelta(hours=3, minutes=1))}
    assert later["edge"] == ops.STATUS_LATE and later["slow"] == ops.STATUS_OK
    assert schedule_interval("@monthly") >= timedelta(days=28)
    assert schedule_interval("not a schedule") is None


def test_dashboard_and_freshness_dag_agree(tmp_path, monkeypatch):
    """Datenqualität marks exactly the sources late that the freshness DAG reports as overdue."""
    paths = settings.paths(tmp_path)
    paths.state.mkdir(parents=True)
    registry = load_registry()
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    for i, source in enumerate(registry.sources):  # polls from 1 hour to many days ago
        when = now - timedelta(hours=1 + 7 * i)
        (paths.state / f"{source.id}.json").write_text(json.dumps({"last_checked_at": when.isoformat(),
                                                                  "last_status": "loaded"}))
    monkeypatch.setenv(f"REGIOHUB_MAX_AGE_HOURS_{registry.sources[0].id.upper()}", "0.5")
    late = {f.source_id for f in ops.freshness(paths, {s.id: s.schedule for s in registry.sources}, now)
            if f.status == ops.STATUS_LATE}
    assert late == {o.source_id for o in overdue_sources(registry, paths, now)}
    assert registry.sources[0].id in late and len(late) < len(registry.sources)


def _quality_page(data_dir, monkeypatch, env: dict[str, str], auth: bool = False):
    from streamlit.testing.v1 import AppTest

    for name in ("REGIOHUB_DASHBOARD_LOGIN", "REGIOHUB_DASHBOARD_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(data_dir))
    at = AppTest.from_file(settings.DASHBOARD_APP, default_timeout=60)
    if auth:
        at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-only",
                              "client_id": "regiohub", "client_secret": "test-only",
                              "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}
    at.switch_page("pages/datenqualitaet.py").run()
    assert not at.exception
    return at


def test_login_is_asked_for_only_when_configured(mart_data_dir, monkeypatch):
    at = _quality_page(mart_data_dir, monkeypatch, {})
    assert not any(b.label == "Anmelden" for b in at.button) and all_tables(at)  # public without the variable

    at = _quality_page(mart_data_dir, monkeypatch, {"REGIOHUB_DASHBOARD_LOGIN": "oidc"}, auth=True)
    assert [b.label for b in at.button] == ["Anmelden"] and not all_tables(at)


def test_misconfigured_login_fails_closed(mart_data_dir, monkeypatch):
    secret = "richtig-langes-passwort"
    cases = [
        {"REGIOHUB_DASHBOARD_LOGIN": "oidc"},  # no [auth] in the secrets
        {"REGIOHUB_DASHBOARD_LOGIN": "password"},  # no password
        {"REGIOHUB_DASHBOARD_LOGIN": "password", "REGIOHUB_DASHBOARD_PASSWORD": "   "},  # an empty one
        {"REGIOHUB_DASHBOARD_LOGIN": "password", "REGIOHUB_DASHBOARD_PASSWORD": "kurz"},  # too short
        {"REGIOHUB_DASHBOARD_LOGIN": "passwort", "REGIOHUB_DASHBOARD_PASSWORD": secret},  # unknown mode
    ]
    for env in cases:
        at = _quality_page(mart_data_dir, monkeypatch, env)
        assert not all_tables(at) and at.error, env
        assert "Zugang gesperrt" in at.error[0].value, env
        assert all(v.strip() not in at.error[0].value for v in env.values() if len(v.strip()) > 4
                   and v not in ("oidc", "password", "passwort"))

    at = _quality_page(mart_data_dir, monkeypatch,
                       {"REGIOHUB_DASHBOARD_LOGIN": "password", "REGIOHUB_DASHBOARD_PASSWORD": secret})
    assert not all_tables(at)
    at.text_input[0].input("falsch-falsch-falsch")
    at.button[0].click().run()
    assert not all_tables(at) and any("nicht richtig" in e.value for e in at.error)
    at.text_input[0].input(secret)
    at.button[0].click().run()
    assert all_tables(at) and not at.error
    assert secret not in "\n".join(m.value for m in [*at.markdown, *at.caption, *at.info, *at.error])


def test_catalogue_lists_every_indicator_with_its_metadata(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/datenkatalog.py")
    names = dict(mart_rows(mart_data_dir, "SELECT name_de, indicator_id FROM dim_indicator"))
    what = next(df.value for df in all_tables(at) if "Definition" in df.value.columns)
    origin = next(df.value for df in all_tables(at) if "Lizenzen" in df.value.columns)
    catalogue = what.merge(origin, on="Indikator")
    assert "Kennung" not in catalogue.columns  # names, not ids, on the page
    catalogue = catalogue.assign(Kennung=catalogue["Indikator"].map(names)).set_index("Kennung")
    rows = mart_rows(mart_data_dir, "SELECT indicator_id, definition_de, unit FROM dim_indicator")
    assert len(catalogue) == len(rows)
    for indicator_id, definition, unit in rows:
        assert catalogue.loc[indicator_id, "Definition"] == definition
        assert catalogue.loc[indicator_id, "Einheit"] == unit
    columns = {r[0] for r in mart_rows(mart_data_dir, "SELECT column_name FROM duckdb_columns()"
                                       " WHERE table_name = 'dim_indicator'")}
    if "formula_de" in columns:
        formulas = dict(mart_rows(mart_data_dir, "SELECT indicator_id, coalesce(formula_de, '') FROM dim_indicator"))
        assert catalogue["Formel"].to_dict() == {k: plain_formula(v) for k, v in formulas.items()}
        assert not any("TXK" in f or "PRS018" in f for f in catalogue["Formel"])
    if "licences" in columns:
        licences = dict(mart_rows(mart_data_dir, "SELECT indicator_id, array_to_string(licences, ', ')"
                                  " FROM dim_indicator"))
    else:
        licences = dict(mart_rows(mart_data_dir, "SELECT i.indicator_id, s.licence FROM dim_indicator i"
                                  " JOIN dim_source s USING (source_id)"))
    assert catalogue["Lizenzen"].to_dict() == licences

    sources = next(df.value for df in all_tables(at) if "Namensnennung" in df.value.columns and "Herausgeber"
                   in df.value.columns)
    assert set(sources["Namensnennung"]) == {r[0] for r in mart_rows(mart_data_dir,
                                                                     "SELECT attribution FROM dim_source")}


def test_catalogue_snippet_for_analysts_runs(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/datenkatalog.py")
    python = next(c.value for c in at.code if c.language == "python" and "duckdb.connect" in c.value)
    assert str(settings.paths(mart_data_dir).published) in python
    namespace: dict = {}
    exec(python.replace(".show()", ".fetchall()"), namespace)  # the snippet as printed, on the real file
    exports = sorted((settings.paths(mart_data_dir).published_dir / "parquet").glob("*.parquet"))
    if exports:
        parquet = next(c.value for c in at.code if "read_parquet" in c.value)
        exec(parquet, namespace)
        assert isinstance(namespace["dim_indicator"], pd.DataFrame)
        assert len(namespace["dim_indicator"]) == mart_rows(mart_data_dir, "SELECT count(*) FROM dim_indicator")[0][0]


def test_catalogue_search_narrows_the_indicators_and_jump_links_name_every_section(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/datenkatalog.py")
    jump = next(m.value for m in at.markdown if m.value.startswith("**Springen zu:**"))
    assert all(f"(#{h.proto.anchor})" in jump for h in at.header)  # one link per section
    at.text_input(key="suche").input("ladepunkte").run()
    what = next(df.value for df in all_tables(at) if "Definition" in df.value.columns)
    expected = {r[0] for r in mart_rows(mart_data_dir, "SELECT name_de FROM dim_indicator")
                if "ladepunkte" in r[0].lower()}
    assert expected and expected <= set(what["Indikator"]) and len(what) < len(mart_rows(
        mart_data_dir, "SELECT 1 FROM dim_indicator"))
