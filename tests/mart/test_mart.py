"""The published mart on the demo samples: regional totals, disclosure control, coverage, catalogue."""

from __future__ import annotations

import io
import zipfile

import duckdb

from regiohub.ingest.replay import RECORDINGS_DIR
from regiohub.registry.model import load_registry

COOPERATION = "129990000000"
UNITS = {"120540000000", "120510000000", "120630000000", "120690000000", "120720000000"}
DOMAINS = {"water", "population", "mobility", "health"}
ZENSUS = RECORDINGS_DIR / "ergebnisse.zensus2022.de/api/rest/2020/data/tablefile"


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def test_the_cooperation_region_is_made_of_the_five_non_overlapping_units(mart):
    units = rows(mart, "select ars from dim_region where is_cooperation_unit")
    region = rows(mart, "select name, level, parent_ars from dim_region where ars = ?", [COOPERATION])
    assert {u for (u,) in units} == UNITS
    assert region == [("Kooperationsraum Smart Region", "kooperationsraum", "120000000000")]


def test_regional_population_total_equals_the_sum_over_the_five_units(mart):
    (total,), = rows(
        mart, "select value from fct_indicator_value where indicator_id = 'bevoelkerung' and region_ars = ?",
        [COOPERATION],
    )
    (units,), = rows(
        mart,
        "select sum(v.value) from fct_indicator_value v join dim_region r on r.ars = v.region_ars "
        "where v.indicator_id = 'bevoelkerung' and r.is_cooperation_unit",
    )
    (partners,), = rows(
        mart,
        "select sum(v.value) from fct_indicator_value v join dim_region r on r.ars = v.region_ars "
        "where v.indicator_id = 'bevoelkerung' and r.is_partner",
    )
    # independently, in plain Python, from the recorded census payload
    with zipfile.ZipFile(ZENSUS) as zf:
        lines = io.TextIOWrapper(zf.open("1000A-0000_de_flat.csv"), encoding="utf-8").read().splitlines()[1:]
    expected = sum(int(v[9]) for v in (line.split(";") for line in lines) if v[7][:5] + "0000000" in UNITS)
    assert total == units == expected
    assert partners > total  # summing the nine partners would count four Gemeinden twice


def test_regional_rates_are_recomputed_from_numerators_and_denominators(mart):
    checked = rows(
        mart,
        """
        select region.indicator_id, region.period, region.value, region.numerator, region.denominator,
               sum(unit.numerator), sum(unit.denominator), avg(unit.value)
        from fct_indicator_value region
        join fct_indicator_value unit
            on unit.indicator_id = region.indicator_id and unit.period_start = region.period_start
        join dim_region r on r.ars = unit.region_ars and r.is_cooperation_unit
        where region.region_ars = ? and region.denominator is not null and not region.is_suppressed
            and region.indicator_id in ('ladepunkte_je_10000_ew', 'inzidenz_7_tage')
        group by all
        having count(unit.numerator) = 5
        """,
        [COOPERATION],
    )
    assert {c[0] for c in checked} == {"ladepunkte_je_10000_ew", "inzidenz_7_tage"}
    for indicator, period, value, num, den, unit_num, unit_den, _mean in checked:
        assert (num, den) == (unit_num, unit_den), (indicator, period)
        scale = 10_000 if indicator == "ladepunkte_je_10000_ew" else 100_000
        assert abs(value - num / den * scale) < 0.051, (indicator, period)
    assert any(abs(c[2] - c[7]) > 0.1 for c in checked), "a mean of rates would differ somewhere"


def test_no_personal_count_of_one_or_two_is_published_anywhere(mart):
    leaks = rows(
        mart,
        """
        select v.region_ars, v.indicator_id, v.period, v.value from fct_indicator_value v
        join dim_indicator i using (indicator_id)
        where i.is_personal and i.numerator_indicator_id is null and v.value in (1, 2)
        union all
        select p.partner_ars, p.indicator_id, p.period, p.value from fct_partner_indicator_value p
        join dim_indicator i using (indicator_id)
        where i.is_personal and i.numerator_indicator_id is null and p.value in (1, 2)
        """,
    )
    flagged = rows(
        mart,
        "select quality_flag, count(*), count(value), count(numerator) from fct_indicator_value "
        "where is_suppressed group by all order by 1",
    )
    assert leaks == []
    assert [f[0] for f in flagged] == ["primary_suppression", "secondary_suppression"]
    assert all(n_value == 0 and n_num == 0 for _, _, n_value, n_num in flagged)


def test_no_suppressed_case_count_can_be_recovered_by_differencing(mart):
    """Land = Kooperationsraum + other Kreise; Kooperationsraum = five units: solve each day's equations."""
    values = rows(
        mart,
        """
        select v.period, v.region_ars, r.level, r.is_cooperation_unit, v.value
        from fct_indicator_value v join dim_region r on r.ars = v.region_ars
        where v.indicator_id = 'faelle_7_tage'
        """,
    )
    days: dict[str, dict[str, tuple]] = {}
    for period, ars, level, is_unit, value in values:
        days.setdefault(period, {})[ars] = (level, is_unit, value)
    exposed = []
    for period, cells in days.items():
        groups = {
            COOPERATION: [a for a, (_, u, _) in cells.items() if u],
            "120000000000": [COOPERATION] + [a for a, (lvl, u, _) in cells.items() if lvl == "kreis" and not u],
        }
        for total, members in groups.items():
            hidden = [m for m in members if cells[m][2] is None]
            if cells[total][2] is not None and len(hidden) == 1:
                exposed.append((period, total, hidden[0]))
    assert len(days) > 30 and exposed == []


def test_rates_follow_the_suppression_of_their_counts(mart):
    mismatched = rows(
        mart,
        """
        select rate.region_ars, rate.period
        from fct_indicator_value rate
        join fct_indicator_value cases
            on cases.region_ars = rate.region_ars and cases.period_start = rate.period_start
            and cases.indicator_id = 'faelle_7_tage'
        where rate.indicator_id = 'inzidenz_7_tage'
            and (rate.is_suppressed <> cases.is_suppressed or rate.quality_flag is distinct from cases.quality_flag)
        """,
    )
    assert mismatched == []


def test_every_partner_has_every_domain_for_the_latest_period(mart):
    answered = rows(
        mart,
        """
        with latest as (
            select indicator_id, max(period_start) as period_start from fct_indicator_value group by 1
        )
        select p.partner_id, i.domain
        from fct_partner_indicator_value p
        join latest using (indicator_id, period_start)
        join dim_indicator i using (indicator_id)
        where p.value is not null
        group by all
        """,
    )
    coverage: dict[str, set[str]] = {}
    for partner, domain in answered:
        coverage.setdefault(partner, set()).add(domain)
    assert coverage == {p.id: DOMAINS for p in load_registry().partners}


def test_the_catalogue_has_at_least_20_complete_indicators_in_four_domains(mart):
    catalogue = rows(
        mart,
        "select indicator_id, domain, name_de, definition_de, formula_de, unit, direction, frequency, levels, "
        "source_ids, licences, is_personal from dim_indicator",
    )
    assert len(catalogue) >= 20
    assert {c[1] for c in catalogue} == DOMAINS
    assert all(all(field not in (None, [], "") for field in c) for c in catalogue)
    (with_values,), = rows(mart, "select count(distinct indicator_id) from fct_indicator_value")
    assert with_values == len(catalogue), "every catalogue indicator has values in the samples"


def test_targets_are_assessed_for_partners_and_the_region(mart):
    status = rows(
        mart,
        """
        select t.indicator_id, t.status, t.value, t.target_value, t.target_comparison
        from fct_indicator_target_status t
        """,
    )
    assert {s[1] for s in status} <= {"met", "close", "missed"} and len({s[0] for s in status}) >= 3
    for _, state, value, target, comparison in status:
        met = value >= target if comparison == "at_least" else value <= target
        assert (state == "met") == met
    (potsdam,), = rows(
        mart,
        "select distinct target_value from fct_indicator_target_status "
        "where partner_id = 'potsdam' and indicator_id = 'ladepunkte_je_10000_ew'",
    )
    assert potsdam == 25  # the partner-specific target of registry/targets.yml


def test_published_tables_and_columns_carry_german_comments(mart):
    tables = dict(rows(mart, "select table_name, comment from duckdb_tables() where schema_name = 'main'"))
    missing = rows(
        mart,
        "select table_name, column_name from duckdb_columns() where schema_name = 'main' "
        "and table_name like 'fct_%' and coalesce(comment, '') = ''",
    )
    assert "Gemeinsame Indikatorentabelle" in (tables["fct_indicator_value"] or "")
    assert "Gebietseinheiten" in (tables["dim_region"] or "")
    assert missing == []
