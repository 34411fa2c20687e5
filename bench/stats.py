"""Percentiles and the median/p95 summary every benchmark prints (one method, so figures compare).

A percentile is interpolated linearly between the two nearest ranks (what `statistics.quantiles`
calls "inclusive" and numpy's default): it is defined for any non-empty sample, one value included.
Imported as `from stats import ...`: the benchmarks run as scripts from bench/.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile (0–100) of values, nan when there are none."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not between 0 and 100")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """A sample's count, min, median, p95 and max, in the sample's own unit."""

    count: int
    low: float
    median: float
    p95: float
    high: float

    def text(self, unit: str = "ms", digits: int = 2) -> str:
        """«median 1.20 ms   p95 3.40 ms   max 5.10 ms   (200)», as bench/RESULTS.md lists them."""
        width = digits + 5

        def shown(value: float) -> str:
            return f"{value:{width}.{digits}f} {unit}"

        figures = f"median {shown(self.median)}   p95 {shown(self.p95)}"
        return f"{figures}   min {shown(self.low)}   max {shown(self.high)}   ({self.count})"


def summary(values: Iterable[float], scale: float = 1.0) -> Summary:
    """Summarises values, each multiplied by scale first (1000 turns seconds into ms)."""
    ordered = sorted(v * scale for v in values)
    if not ordered:
        nan = float("nan")
        return Summary(0, nan, nan, nan, nan)
    return Summary(
        count=len(ordered),
        low=ordered[0],
        median=percentile(ordered, 50),
        p95=percentile(ordered, 95),
        high=ordered[-1],
    )
