"""What the Indikatoren page shows for one selection, computed once per snapshot and selection."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlparse

import pandas as pd

from regiohub.api.config import ApiSettings
from regiohub.dashboard import charts, data, tables, values


@dataclass(frozen=True)
class IndicatorView:
    """Charts and tables of one indicator for the chosen partners and period (read-only, shared)."""

    series: pd.DataFrame
    at_period: pd.DataFrame
    time_series: dict | None
    comparison: dict
    ranking: pd.DataFrame
    table: pd.DataFrame
    download: pd.DataFrame
    any_suppressed: bool
    is_sample: bool


@data.per_snapshot
def indicator_view(mart: data.Mart, indicator_id: str, partner_ids: tuple[str, ...], period: str) -> IndicatorView:
    ind = data.indicators(mart).loc[indicator_id]
    name, unit, period_type = ind["name_de"], ind["unit"], ind["period_type"]
    series = values.partner_series(mart, indicator_id, list(partner_ids))
    at_period = series[series["period"] == period]
    ordered = series.sort_values(["period_start", "partner_name"], ascending=[False, True])
    return IndicatorView(
        series=series,
        at_period=at_period,
        time_series=charts.time_series(series, name, unit, period_type, _target(mart, indicator_id))
        if series["period_start"].nunique() > 1 else None,
        comparison=charts.comparison_bars(at_period, name, unit, period_type),
        ranking=tables.ranking_table(at_period, ind["direction"], unit),
        table=tables.series_table(ordered, unit, period_type),
        download=tables.download_frame(ordered, unit, period_type),
        any_suppressed=tables.any_suppressed(series),
        is_sample=bool(series["is_sample"].any()),
    )


def _target(mart: data.Mart, indicator_id: str) -> float | None:
    """The target of the whole cooperation as the published snapshot holds it (fct_target_progress), if any."""
    df = mart.query("SELECT target_value FROM fct_target_progress WHERE partner_id IS NULL AND indicator_id = ?"
                    " AND region_ars IN (SELECT ars FROM dim_region WHERE level = 'kooperationsraum')", [indicator_id])
    return None if df.empty or pd.isna(df.iloc[0]["target_value"]) else float(df.iloc[0]["target_value"])


EMBED_NOTE = (
    "Diese Ansicht lässt sich auf der Website Ihrer Kommune einbinden: Kopieren Sie den Baustein in die Seite "
    "(im Redaktionssystem meist als „HTML“ oder „Einbettung“). Sie zeigt den jüngsten Wert, den Verlauf, die "
    "Quelle und die Lizenz und aktualisiert sich mit jeder Veröffentlichung. Die Adresse Ihrer Website muss dafür "
    "beim Datenteam freigeschaltet sein. Soll nur das Diagramm erscheinen, nehmen Sie den Bild-Baustein darunter."
)


NO_PUBLIC_URL = (
    "Achtung: Für diese Installation ist keine öffentliche Adresse der Schnittstelle eingetragen – der Baustein "
    "zeigt auf diesen Rechner und funktioniert auf Ihrer Website nicht. Bitte das Datenteam, die öffentliche "
    "Adresse (REGIOHUB_API_BASE_URL) einzutragen, und kopieren Sie den Baustein erst danach."
)


def has_public_base_url(base_url: str | None = None) -> bool:
    """Whether embeds point at a public address (not localhost or an unset default)."""
    host = urlparse(base_url or ApiSettings().base_url).hostname or ""
    return bool(host) and host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0")


@dataclass(frozen=True)
class Embed:
    """What a partner's website needs to show one indicator × partner: the iframe snippet and the SVG image URL."""

    url: str
    svg_url: str
    iframe: str
    img: str


def embed(indicator_id: str, partner_id: str, title: str, base_url: str | None = None) -> Embed:
    """The embed view of the read API (``/embed/{indicator}/{partner}`` and ``….svg``) under ``base_url``
    (default ``REGIOHUB_API_BASE_URL``)."""
    base = (base_url or ApiSettings().base_url).rstrip("/")
    url = f"{base}/embed/{quote(indicator_id, safe='')}/{quote(partner_id, safe='')}"
    svg_url = f"{url}.svg"
    label = escape(title, quote=True)
    return Embed(
        url=url,
        svg_url=svg_url,
        iframe=f'<iframe src="{escape(url)}" title="{label}"\n        width="560" height="420" loading="lazy" '
               f'style="border:0"></iframe>',
        img=f'<img src="{escape(svg_url)}" alt="{label}" width="560">',
    )
