"""Every report's day, group, type, quantity, beneficiaries and status, in memory, as columns.

National figures over a typed range (how many groups were active, and the group leaderboard)
must visit every report of the range: groups report about once a week, so no per-group summary
is much smaller than the reports themselves, and SQLite's GROUP BY over ~200,000 reports of a
46-day range takes 40 ms on an idle machine (bench/RESULTS.md). numpy answers the same from
columns in a few milliseconds.

The columns are loaded on first use (in chunks, so that other readers are not held up) and kept
current before each use: reports with a higher id than any loaded are appended, and reports
changed or deleted since (listed by triggers in stat_changes, migration 0008) are read again.
Reads hold the database lock, so they never see another task's uncommitted writes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from db.counting import COUNTED, PENDING, Counting, codes, status_case
from db.database import Database

CHUNK = 100_000  # reports read per query while loading
RESORT = 50_000  # reports placed since the last sort by date that make it sort again
EPOCH = date(1970, 1, 1)
GONE = 0  # the status column's code of a deleted report, or of an id no report has (db.counting)

Ints = npt.NDArray[np.int64]
Column = npt.NDArray[np.int32]  # 4 bytes a report a column: 24 MB for 1,000,000 reports
COLUMNS = 6  # day, group, type, quantity, beneficiaries, status (the id is the position)


@dataclass(frozen=True, slots=True)
class GroupValues:
    """Per group with counted work in a range: ids, the ranked value and the report count."""

    group_ids: Ints
    values: Ints
    reports: Ints
    waiting_groups: int  # groups with a report waiting for review in the range


def _table(rows: list[tuple[int, ...]]) -> Ints:
    """Rows of an id and six integers as one array (run off the event loop for large loads)."""
    return np.array(rows, dtype=np.int64).reshape(-1, COLUMNS + 1)


class ReportColumns:
    """An in-memory copy of what national typed-range figures need from every report.

    One contiguous array per column, indexed by report id (position 0 and unused ids: gone).
    A range is read from a copy of the columns sorted by service date (a contiguous slice:
    no copying) minus the reports placed since the sort, plus those reports as they are now;
    the sort is redone when they grow past RESORT.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._select = (
            f"SELECT id, {db.day_number('service_date')}, group_id, category_id, quantity,"
            f" COALESCE(beneficiaries, 0), {status_case()} FROM reports"
        )
        self._cols: list[Column] = [np.zeros(0, dtype=np.int32) for _ in range(COLUMNS)]
        self._lock = asyncio.Lock()  # one refresh at a time: rows are placed in order
        self._loaded = False
        self._max_id = 0
        self._seq = 0
        self._order: Ints = np.zeros(0, dtype=np.int64)  # ids by service date when sorted
        self._sorted: list[Column] = list(self._cols)  # the columns in that order, then
        self._moved: npt.NDArray[np.bool_] = np.zeros(0, dtype=np.bool_)  # placed since, by id
        self._moved_ids: Ints = np.zeros(0, dtype=np.int64)

    def _place(self, table: Ints) -> None:
        """Writes rows (id first) into the columns at their ids, growing them as needed."""
        if not len(table):
            return
        ids = table[:, 0]
        top = int(ids.max())
        size = len(self._cols[0])
        if top >= size:
            grown = max(top + 1, size * 3 // 2)
            for i, col in enumerate(self._cols):
                bigger = np.zeros(grown, dtype=np.int32)
                bigger[:size] = col
                self._cols[i] = bigger
            moved = np.zeros(grown, dtype=np.bool_)
            moved[: len(self._moved)] = self._moved
            self._moved = moved
        for i, col in enumerate(self._cols):
            col[ids] = table[:, i + 1]
        self._max_id = max(self._max_id, top)
        if self._loaded:
            fresh = ids[~self._moved[ids]]
            self._moved[fresh] = True
            self._moved_ids = np.concatenate([self._moved_ids, np.unique(fresh)])

    def _sort(self) -> None:
        """Sorts every id by its service date; nothing is moved afterwards."""
        self._order = np.argsort(self._cols[0], kind="stable").astype(np.int64)
        self._sorted = [col[self._order] for col in self._cols]
        self._moved[:] = False
        self._moved_ids = np.zeros(0, dtype=np.int64)

    async def refresh(self) -> None:
        """Loads the columns on first use; afterwards reads new and changed reports only."""
        async with self._lock:
            await self._refresh()

    async def _refresh(self) -> None:
        """The refresh itself (under the lock)."""
        if not self._loaded:
            self._seq = int(await self.db.scalar("SELECT COALESCE(MAX(seq), 0) FROM stat_changes"))
            while True:
                rows = await self.db.fetchall(
                    f"{self._select} WHERE id > ? ORDER BY id LIMIT ?", (self._max_id, CHUNK)
                )
                if not rows:
                    break
                self._place(await asyncio.to_thread(_table, [tuple(r) for r in rows]))
            await asyncio.to_thread(self._sort)  # ~0.1 s for 1,000,000 reports
            self._loaded = True
            return
        changed = await self.db.fetchall(
            "SELECT c.seq, c.report_id FROM stat_changes c WHERE c.seq > ?", (self._seq,)
        )
        new = await self.db.fetchall(f"{self._select} WHERE id > ?", (self._max_id,))
        self._place(_table([tuple(r) for r in new]))
        if changed:
            self._seq = max(self._seq, *(int(r[0]) for r in changed))
            ids = sorted({int(r[1]) for r in changed})
            for first in range(0, len(ids), 500):
                part = ids[first : first + 500]
                rows = await self.db.fetchall(
                    f"{self._select} WHERE id IN ({','.join('?' * len(part))})", part
                )
                gone = set(part) - {int(r[0]) for r in rows}
                table = _table([tuple(r) for r in rows] + [(i, 0, 0, 0, 0, 0, GONE) for i in gone])
                self._place(table)
        if len(self._moved_ids) > RESORT:
            await asyncio.to_thread(self._sort)

    def _rows(
        self, start: date, end: date, statuses: tuple[int, ...], categories: list[int] | None
    ) -> tuple[Column, Column, Column]:
        """Group, quantity and beneficiaries of the reports in [start, end) with one of these
        status codes. Sorted rows whose report moved since are left out; the moved reports are
        taken as they are now.
        """
        first, last = (start - EPOCH).days, (end - EPOCH).days
        days = self._sorted[0]
        low, high = np.searchsorted(days, [first, last], side="left")
        _, group, category, quantity, people, state = (c[low:high] for c in self._sorted)
        keep = np.isin(state, statuses)
        if len(self._moved_ids):
            keep &= ~self._moved[self._order[low:high]]
        if categories is not None:
            keep &= np.isin(category, categories)
        parts = [(group[keep], quantity[keep], people[keep])]
        if len(self._moved_ids):
            ids = self._moved_ids
            now = [c[ids] for c in self._cols]
            mask = (now[0] >= first) & (now[0] < last)
            mask &= np.isin(now[5], statuses)
            if categories is not None:
                mask &= np.isin(now[2], categories)
            parts.append((now[1][mask], now[3][mask], now[4][mask]))
        if len(parts) == 1:
            return parts[0]
        return (
            np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]),
        )

    async def group_values(
        self,
        start: date,
        end: date,
        *,
        counting: Counting,
        beneficiaries: bool = False,
        categories: list[int] | None = None,
    ) -> GroupValues:
        """Every group with counted reports in [start, end): summed quantity (or beneficiaries)."""
        await self.refresh()
        groups, quantity, people = self._rows(start, end, codes(COUNTED[counting]), categories)
        size = int(groups.max()) + 1 if len(groups) else 1
        reports = np.bincount(groups, minlength=size)
        values = np.bincount(groups, weights=people if beneficiaries else quantity, minlength=size)
        active = np.flatnonzero(reports)
        waiting = 0
        if PENDING[counting]:
            pending = self._rows(start, end, codes(PENDING[counting]), categories)[0]
            waiting = int(np.count_nonzero(np.bincount(pending))) if len(pending) else 0
        return GroupValues(
            active.astype(np.int64),
            np.rint(values[active]).astype(np.int64),
            reports[active].astype(np.int64),
            waiting,
        )
