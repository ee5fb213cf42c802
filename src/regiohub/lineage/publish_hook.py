"""What runs after every publish: the DCAT-AP.de catalogue and the OpenLineage events of the new snapshot."""

from __future__ import annotations

import logging
from pathlib import Path

from regiohub.core import settings
from regiohub.store.layout import catalog_file

log = logging.getLogger("regiohub.publish.swap")
CATALOGUE = "DCAT catalogue"


def after_publish(data: settings.Paths, snapshot_id: str, candidate: Path) -> None:
    """Never raises: the snapshot is already published; a missing catalogue or event is logged."""
    from regiohub.catalog.build import write_catalog
    from regiohub.lineage.events import emit_snapshot_lineage

    for name, step in ((CATALOGUE, lambda: write_catalog(data.published, catalog_file(data))),
                       ("OpenLineage events", lambda: emit_snapshot_lineage(data, snapshot_id, candidate))):
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - published already; report and go on
            log.warning("%s of snapshot %s not written: %s: %s", name, snapshot_id, type(exc).__name__, exc)


def refresh_catalog(data: settings.Paths, snapshot_id: str) -> None:
    """Write the DCAT catalogue of the published file again (never raises)."""
    from regiohub.catalog.build import write_catalog

    try:
        write_catalog(data.published, catalog_file(data))
    except Exception as exc:  # noqa: BLE001 - the snapshot is published; report and go on
        log.warning("%s of snapshot %s not written: %s: %s", CATALOGUE, snapshot_id, type(exc).__name__, exc)
