"""What the province map shows: a small typed value, filled by the queries, drawn by map_render.

Each province's figure is `done` against a `base`:
- SHARES: the province's counted services of a campaign against its share of the target (the
  campaign's own yardstick; used whenever the campaign's target is split into province shares);
- PER_GROUP: services against the province's active groups. Used when there are no shares: the
  project keeps no population figures, and what a volunteer network can act on is how much its
  groups in a province do, not how many people live there (per capita would paint Tehran pale for
  its size and Semnan bright for its small population, whatever the groups did).

A province with base 0 has no share (SHARES) or no group (PER_GROUP): it is drawn apart, grey.
Nothing here imports matplotlib: the digest and /campaign build the value at once and draw it in
a worker thread only when the picture is needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class MapBasis(StrEnum):
    """What a province's colour measures (see the module's docstring)."""

    SHARES = "shares"
    PER_GROUP = "per_group"


@dataclass(frozen=True, slots=True)
class ProvinceFigure:
    """One province: its code (IR-00 … IR-30, as in divisions.csv), name, done and base."""

    code: str
    name: str
    done: int
    base: int  # its share of the target (SHARES) or its active groups (PER_GROUP); 0: none

    @property
    def value(self) -> float | None:
        """done / base: the fraction of its share, or services per group; None without a base."""
        return self.done / self.base if self.base > 0 else None


@dataclass(frozen=True, slots=True)
class ProvinceMap:
    """A map's figures: what they measure, over which days, and the provinces to outline."""

    basis: MapBasis
    title: str  # the campaign's title; '' for a week's services per group
    first: date  # the days counted: a campaign's start or a week's Saturday …
    last: date  # … to the day the figures stand at (inclusive)
    provinces: tuple[ProvinceFigure, ...]
    highlight: tuple[str, ...] = ()  # codes of the asker's provinces (a coordinator's)

    @property
    def empty(self) -> bool:
        """True when there is nothing to colour (no base anywhere, or per group and no work)."""
        if not any(p.base > 0 for p in self.provinces):
            return True
        return self.basis is MapBasis.PER_GROUP and not any(p.done for p in self.provinces)

    def with_highlight(self, codes: Iterable[str]) -> ProvinceMap:
        """The same map with these provinces outlined."""
        return ProvinceMap(
            self.basis, self.title, self.first, self.last, self.provinces, tuple(sorted(codes))
        )


def share_map(
    title: str,
    first: date,
    last: date,
    provinces: Iterable[tuple[str, str]],
    shares: Mapping[str, tuple[int, int]],
) -> ProvinceMap:
    """A campaign's map by shares: provinces are (code, name); shares maps a code to its
    (counted, share of the target); a province without a share is drawn apart."""
    figures = tuple(
        ProvinceFigure(code, name, *shares.get(code, (0, 0))) for code, name in provinces
    )
    return ProvinceMap(MapBasis.SHARES, title, first, last, figures)


def per_group_map(
    title: str,
    first: date,
    last: date,
    provinces: Iterable[tuple[str, str]],
    services: Mapping[str, int],
    groups: Mapping[str, int],
) -> ProvinceMap:
    """Services per active group: services and groups map a province's code to its counts."""
    figures = tuple(
        ProvinceFigure(code, name, services.get(code, 0), groups.get(code, 0))
        for code, name in provinces
    )
    return ProvinceMap(MapBasis.PER_GROUP, title, first, last, figures)
