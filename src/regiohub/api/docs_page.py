"""``/docs``: the API's documentation as one German HTML page rendered on the server from its OpenAPI schema —
no script or stylesheet from a CDN, so it works offline and behind a strict proxy. ``/openapi.json`` stays the
machine-readable description."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter()

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f1f1f;
       line-height: 1.5; }
code { background: #eef2f6; padding: 0 .25rem; border-radius: 3px; overflow-wrap: anywhere; }
h2 { margin-top: 2rem; border-top: 1px solid #d5d5d5; padding-top: 1rem; font-size: 1.15rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; border-bottom: 1px solid #d5d5d5; padding: .3rem .5rem; vertical-align: top; }
th { background: #eef2f6; }
.method { font-weight: 700; color: #005a8c; }
"""


def _params(op: dict[str, Any]) -> str:
    rows = []
    for p in op.get("parameters", []):
        where = {"query": "Abfrage", "path": "Pfad", "header": "Kopf"}.get(p.get("in", ""), p.get("in", ""))
        desc = p.get("description") or p.get("schema", {}).get("description") or ""
        rows.append(f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(where)}</td>"
                    f"<td>{'ja' if p.get('required') else 'nein'}</td><td>{escape(desc)}</td></tr>")
    if not rows:
        return "<p>Keine Parameter.</p>"
    return ('<table><thead><tr><th scope="col">Parameter</th><th scope="col">Ort</th><th scope="col">Pflicht</th>'
            f'<th scope="col">Bedeutung</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def render(schema: dict[str, Any]) -> str:
    """The documentation page for an OpenAPI ``schema``."""
    info = schema.get("info", {})
    parts = [f"<h1>{escape(info.get('title', 'API'))} – Dokumentation</h1>",
             "<p>Maschinenlesbar: <a href=\"/openapi.json\"><code>/openapi.json</code></a>.</p>"]
    for line in (info.get("description") or "").strip().splitlines():
        parts.append(f"<p>{escape(line.lstrip('* '))}</p>" if line.strip() else "")
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            parts.append(f'<h2><span class="method">{escape(method.upper())}</span> <code>{escape(path)}</code></h2>')
            if op.get("summary"):
                parts.append(f"<p>{escape(op['summary'])}</p>")
            parts.append(_params(op))
    return (f'<!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{escape(info.get("title", "API"))} – '
            f"Dokumentation</title><style>{_STYLE}</style></head><body><main>{''.join(parts)}</main></body></html>")


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(render(request.app.openapi()))
