"""Embeddable views: a small German, accessible HTML page and an SVG chart per indicator × partner."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 520, 220, 64, 16, 16, 36
MAX_POINTS = 36
COLOR = "#00508c"  # contrast 7.9:1 on white


@dataclass(frozen=True)
class Point:
    period: str
    start: date
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class View:
    indicator_id: str
    indicator: str
    unit: str
    partner: str
    measured: str
    is_inherited: bool
    points: list[Point]
    attribution: str
    licence: str
    licence_url: str
    stand: str  # publish date, German
    is_sample: bool


def number(value: float | None, decimals: int | None = None) -> str:
    """German number: 1.234,5 (``–`` if missing)."""
    if value is None or not math.isfinite(value):
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:,.{decimals}f}".translate(str.maketrans({",": ".", ".": ","}))


def latest_text(view: View) -> str:
    last = view.points[-1] if view.points else None
    if last is None:
        return "Kein Wert veröffentlicht"
    if last.suppressed:
        return f"{last.period}: Wert gesperrt (Geheimhaltung)"
    return f"{last.period}: {number(last.value)} {view.unit}"


def svg(view: View, standalone: bool = True) -> str:
    """A line chart of the partner's values (suppressed periods left out), with title and description."""
    pts = view.points[-MAX_POINTS:]
    shown = [(i, p.value) for i, p in enumerate(pts) if p.value is not None and not p.suppressed]
    title = f"{view.indicator} – {view.partner}"
    desc = f"Verlauf {pts[0].period} bis {pts[-1].period}; zuletzt {latest_text(view)}." if pts else "Keine Werte."
    lo = min([0.0, *(v for _, v in shown)])
    hi = max([v for _, v in shown] or [1.0])
    hi = hi if hi > lo else lo + 1
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(i: int) -> float:
        return PAD_LEFT + (plot_w * i / max(1, len(pts) - 1) if len(pts) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return PAD_TOP + plot_h * (1 - (v - lo) / (hi - lo))

    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [f'<svg{ns} viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="t d" '
           f'font-family="sans-serif" font-size="12">',
           f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>']
    for tick in (lo, (lo + hi) / 2, hi):
        ty = y(tick)
        out.append(f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#ccc"/>')
        out.append(f'<text x="{PAD_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#333">{number(tick)}</text>')
    if shown:
        path = " ".join(f"{'M' if k == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for k, (i, v) in enumerate(shown))
        out.append(f'<path d="{path}" fill="none" stroke="{COLOR}" stroke-width="2"/>')
        out += [f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{COLOR}"/>' for i, v in shown]
    if pts:
        base = HEIGHT - PAD_BOTTOM + 18
        out.append(f'<text x="{x(0):.1f}" y="{base}" fill="#333">{escape(pts[0].period)}</text>')
        out.append(f'<text x="{x(len(pts) - 1):.1f}" y="{base}" text-anchor="end" fill="#333">'
                   f'{escape(pts[-1].period)}</text>')
    out.append("</svg>")
    return "".join(out)


def html_page(view: View) -> str:
    """The embeddable page: heading, latest value, chart, data table, source and licence line."""
    rows = "".join(
        f"<tr><th scope=\"row\">{escape(p.period)}</th><td>"
        f"{'gesperrt' if p.suppressed else escape(number(p.value))}</td></tr>" for p in view.points[-MAX_POINTS:])
    inherited = (f"<p class=\"hint\">Wert für {escape(view.measured)} (für {escape(view.partner)} liegt kein eigener "
                 "Wert vor).</p>") if view.is_inherited else ""
    sample = "<p class=\"hint\"><strong>Beispieldaten</strong> – keine amtlichen Werte.</p>" if view.is_sample else ""
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(view.indicator)} – {escape(view.partner)}</title>
<style>
body{{font-family:sans-serif;margin:0;padding:.75rem;color:#1a1a1a;background:#fff;line-height:1.4}}
h1{{font-size:1.1rem;margin:0 0 .25rem}} .value{{font-size:1.6rem;font-weight:bold;margin:.25rem 0;color:{COLOR}}}
.hint,.source{{font-size:.85rem;color:#333;margin:.25rem 0}} a{{color:{COLOR}}} a:focus{{outline:2px solid #000}}
details{{font-size:.85rem}} table{{border-collapse:collapse}} th,td{{padding:.1rem .5rem;text-align:right}}
</style></head>
<body><main>
<h1>{escape(view.indicator)} – {escape(view.partner)}</h1>
<p class="value">{escape(latest_text(view))}</p>
{inherited}{sample}<figure style="margin:0">{svg(view, standalone=False)}</figure>
<details><summary>Werte als Tabelle</summary><table><caption>{escape(view.indicator)} ({escape(view.unit)})</caption>
<thead><tr><th scope="col">Zeitraum</th><th scope="col">Wert</th></tr></thead><tbody>{rows}</tbody></table></details>
<p class="source">Quelle: {escape(view.attribution)}. Lizenz: <a href="{escape(view.licence_url)}"
target="_blank" rel="noopener noreferrer">{escape(view.licence)}</a>. Stand: {escape(view.stand)}.
Aufbereitung: Regio.hub.</p>
</main></body></html>
"""
