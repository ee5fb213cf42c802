"""Which data folder a file belongs to (readers that are handed a published mart, not a data folder)."""

from __future__ import annotations

from pathlib import Path

from regiohub.core import settings


def data_of_published(path: Path) -> settings.Paths | None:
    """The data folder whose published mart ``path`` is; None for a mart file anywhere else."""
    resolved = path.parent.resolve() / path.name
    data = settings.paths(resolved.parent.parent)
    return data if data.published == resolved else None
