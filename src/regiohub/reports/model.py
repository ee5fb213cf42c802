"""What a cooperation report shows: one line per indicator for one partner (or the whole region) and year.

The values are the mart's (see :mod:`regiohub.reports.build`); this module only holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from regiohub.presentation.labels import DOMAIN_ORDER, PROGRESS_LABELS, domain_label

REGION = "region"
REGION_NAME = "Kooperationsregion"


@dataclass(frozen=True)
class Peer:
    """One partner's value in a comparison (``is_subject``: the report's own partner; ``is_inherited``: the value
    is that of the enclosing Kreis and is never ranked)."""

    name: str
    value: float | None
    suppressed: bool
    is_subject: bool = False
    is_inherited: bool = False


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator in the report."""

    indicator_id: str
    name: str
    domain: str
    unit: str
    direction: str
    period_type: str
    period: str | None
    value: float | None
    suppressed: bool
    previous_period: str | None
    previous_value: float | None
    previous_suppressed: bool
    rank: int | None
    n_ranked: int
    target_value: float | None
    target_status: str | None
    note: str
    source_id: str
    is_sample: bool
    peers: tuple[Peer, ...] = ()
    land_value: float | None = None
    is_inherited: bool = False
    similar: tuple[float, float, float, int] | None = None  # median, low, high, n of the comparison group
    target_period: str | None = None  # by when (a year or a day); target_status holds the progress class
    target_comparison: str | None = None
    target_gap: float | None = None
    target_reason: str | None = None  # why the progress is not assessable

    @property
    def change(self) -> float | None:
        """Value minus the previous year's value (None if either is missing or they are the same period)."""
        if self.value is None or self.previous_value is None or self.period == self.previous_period:
            return None
        return round(self.value - self.previous_value, 10)  # no binary noise such as 4.780000000000001

    @property
    def peer_range(self) -> tuple[float, float] | None:
        values = [p.value for p in self.peers if not p.is_subject and p.value is not None]
        return (min(values), max(values)) if values else None


@dataclass
class CooperationReport:
    """Everything a cooperation report shows, taken from the mart only."""

    subject: str
    partner_id: str
    year: int
    snapshot_id: str | None
    published_at: Any
    lines: list[IndicatorLine]
    sources: list[dict[str, Any]] = field(default_factory=list)
    group: Any = None  # the ComparisonGroup of similar municipalities (None for the region)
    level: str = "kreis"

    def by_domain(self) -> dict[str, list[IndicatorLine]]:
        """Lines grouped by domain label, in the domain order."""
        out: dict[str, list[IndicatorLine]] = {}
        for line in sorted(self.lines, key=lambda ln: _domain_rank(ln.domain)):
            out.setdefault(domain_label(line.domain), []).append(line)
        return out

    def target_counts(self) -> dict[str, int]:
        """How many lines are in each progress class (fct_target_progress), in the order of the classes."""
        counts = dict.fromkeys(PROGRESS_LABELS, 0)
        for line in self.lines:
            if line.target_status in counts:
                counts[line.target_status] += 1
        return counts

    def targets_with(self, progress_class: str) -> list[IndicatorLine]:
        """The lines whose target is in ``progress_class`` (achieved, on_track, …)."""
        return [ln for ln in self.lines if ln.target_status == progress_class]

    @property
    def any_suppressed(self) -> bool:
        return any(ln.suppressed or ln.previous_suppressed for ln in self.lines)

    @property
    def is_sample(self) -> bool:
        return any(ln.is_sample for ln in self.lines)


def _domain_rank(domain: str) -> int:
    return DOMAIN_ORDER.index(domain) if domain in DOMAIN_ORDER else len(DOMAIN_ORDER)


def rank(subject_value: float | None, peers: list[Peer], direction: str) -> tuple[int | None, int]:
    """(rank, n ranked) of a value among the peers' own values (inherited values are not ranked)."""
    ranked = [p.value for p in peers if p.value is not None and not p.is_inherited]
    if subject_value is None or direction not in ("higher_is_better", "lower_is_better"):
        return None, len(ranked)
    better = [v for v in ranked if (v > subject_value if direction == "higher_is_better" else v < subject_value)]
    return len(better) + 1, len(ranked)
