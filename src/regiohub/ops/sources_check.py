"""``regiohub sources check``: validate the registry and probe every source offline.

The registry is validated on load (ids, connectors, keys). Then each source is checked for what a
registry entry alone cannot guarantee: its URL template resolves, a recorded sample exists for it,
its credentials come from a named environment variable (never a value in the file), and a full load
of the recording through the local replay server works (real HTTP, parser, checks). Nothing is
written to the data dir: probes load into a temporary one.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from regiohub.core import settings
from regiohub.core.errors import RegiohubError
from regiohub.ingest.connectors import connector_for
from regiohub.registry.model import Registry, Source

CREDENTIAL_CONNECTORS = {"regionalstatistik_ffcsv", "zensus_ffcsv"}  # connectors whose live endpoint needs an account


@dataclass
class Probe:
    source_id: str
    problems: list[str] = field(default_factory=list)
    outcome: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def static_problems(source: Source, recordings: Path) -> list[str]:
    """What is wrong with one registry entry without fetching anything."""
    problems = []
    try:
        url = source.resolved_url()
    except RegiohubError as exc:
        return [str(exc)]
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        problems.append(f"url is not an https URL: {url}")
    elif not (recordings / parts.netloc).is_dir():
        problems.append(f"no recorded sample under samples/http/{parts.netloc}/")
    if source.connector in CREDENTIAL_CONNECTORS and not source.credentials_env:
        problems.append("credentials_env must name the environment variable holding the account token")
    if any(k.lower() in ("password", "token", "apikey", "api_key", "username") for k in source.params):
        problems.append("params must not hold credentials: name an environment variable in credentials_env")
    connector_for(source.connector)  # importable
    return problems


def probe(source: Source, registry: Registry) -> Probe:
    """Static checks, then a load of the recording through the replay server into a temporary data dir."""
    from regiohub.ingest.replay import RECORDINGS_DIR, offline
    from regiohub.ingest.source import ingest_source

    result = Probe(source.id, static_problems(source, RECORDINGS_DIR))
    if result.problems:
        return result
    with tempfile.TemporaryDirectory(prefix="regiohub-check-") as tmp, offline():
        try:
            loaded = ingest_source(source.id, data=settings.paths(Path(tmp)), registry=registry)
        except RegiohubError as exc:
            result.problems.append(str(exc))
            return result
    rows = ", ".join(f"{k}={v}" for k, v in loaded.rows.items())
    quarantined = sum(n for reasons in loaded.quarantined.values() for n in reasons.values())
    result.outcome = f"{loaded.status} {rows}" + (f", {quarantined} quarantined" if quarantined else "")
    return result


def check_sources(registry: Registry) -> int:
    """Print one line per source; return 1 if any source has a problem."""
    probes = [probe(s, registry) for s in registry.sources]
    for p in probes:
        print(f"{'ok ' if p.ok else 'ERR'} {p.source_id:<32} {p.outcome if p.ok else '; '.join(p.problems)}")
    print(f"registry valid: {len(registry.partners)} partners, {len(registry.sources)} sources; "
          f"{sum(p.ok for p in probes)} of {len(probes)} sources probed ok (offline, shipped samples)")
    return 0 if all(p.ok for p in probes) else 1
