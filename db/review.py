"""Repository of the review of reports: the queue, decisions, flags and coordinators' groups.

Flags a reviewer sees (and the reporter, before saving, for the first two):
- a possible duplicate: another live report (not deleted) of the same group, service type,
  service date and quantity;
- a reused photo: a photo whose Telegram file_unique_id is in another live report;
- an outlier: the quantity is more than OUTLIER_FACTOR times the median of the group's last
  OUTLIER_HISTORY live reports of that service type (at least OUTLIER_MIN_HISTORY of them, not
  returned ones), and at least OUTLIER_MIN (small counts vary too much to mean anything).
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from db.database import Database
from db.models import ReportStatus

OUTLIER_FACTOR = 5
OUTLIER_MIN = 20
OUTLIER_HISTORY = 10
OUTLIER_MIN_HISTORY = 3


@dataclass(frozen=True, slots=True)
class Other:
    """Another report a flag points to."""

    id: int
    receipt: str
    province_id: int


@dataclass(frozen=True, slots=True)
class Flags:
    """What a reviewer should look at twice in one report."""

    duplicates: tuple[Other, ...] = ()
    reused_photos: tuple[Other, ...] = ()
    usual: int | None = None  # the group's median for the service, when the quantity is far above

    @property
    def any(self) -> bool:
        """True when there is something to show."""
        return bool(self.duplicates or self.reused_photos or self.usual is not None)

    @property
    def others(self) -> tuple[Other, ...]:
        """Every other report a flag names, once each, in order."""
        seen: dict[int, Other] = {}
        for other in (*self.duplicates, *self.reused_photos):
            seen.setdefault(other.id, other)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class History:
    """A group's recent record: live reports and services in a period, and returns ever."""

    reports: int
    quantity: int
    returned: int


@dataclass(frozen=True, slots=True)
class Verdict:
    """A report's review state: its status, who decided it, when and why."""

    status: ReportStatus
    by: int | None
    at: str | None
    note: str


@dataclass(frozen=True, slots=True)
class Card:
    """A card posted to a review group."""

    chat_id: int
    message_id: int


def _provinces(provinces: Collection[int] | None) -> tuple[str, list[object]]:
    """SQL condition on r.province_id (None: every province)."""
    if provinces is None:
        return "1", []
    ids = sorted(provinces)
    return f"r.province_id IN ({','.join('?' * len(ids)) or 'NULL'})", list(ids)


class ReviewRepo:
    """The review queue, decisions, flags and the groups that get new reports."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- the queue ----------------------------------------------------------------------------

    async def next_pending(self, provinces: Collection[int] | None, after: int = 0) -> int | None:
        """The oldest pending report after `after` (wrapping round to the oldest), if any."""
        return await self._pending_beside(provinces, after, newer=True)

    async def previous_pending(self, provinces: Collection[int] | None, before: int) -> int | None:
        """The newest pending report before `before` (wrapping round to the newest), if any."""
        return await self._pending_beside(provinces, before, newer=False)

    async def _pending_beside(
        self, provinces: Collection[int] | None, pivot: int, *, newer: bool
    ) -> int | None:
        """The pending report nearest `pivot` on one side, else the one at the far end of the
        queue (none to look for when `pivot` is that end already)."""
        where, params = _provinces(provinces)
        # Every province: the pending reports' own index is in id order (no sort of them all).
        hint = "" if provinces is not None else self.db.indexed_by("reports_pending")
        table = f"reports r{hint}"
        side, order, end = (">", "", 0) if newer else ("<", " DESC", 2**62)
        sql = (
            f"SELECT r.id FROM {table} WHERE r.status = 'submitted' AND {where}"
            f" AND r.id {side} ? ORDER BY r.id{order} LIMIT 1"
        )
        found = await self.db.scalar(sql, [*params, pivot])
        if found is None and pivot != end:
            found = await self.db.scalar(sql, [*params, end])
        return None if found is None else int(found)

    async def position(self, provinces: Collection[int] | None, report_id: int) -> tuple[int, int]:
        """Where a report stands in the queue (1-based; 0 once decided) and the queue's length."""
        where, params = _provinces(provinces)
        row = await self.db.fetchone(
            "SELECT COALESCE(SUM(CASE WHEN r.id <= ? THEN 1 ELSE 0 END), 0), COUNT(*)"
            " FROM reports r"
            f" WHERE r.status = 'submitted' AND {where}",
            [report_id, *params],
        )
        assert row is not None
        return int(row[0]), int(row[1])

    async def pending_count(self, provinces: Collection[int] | None) -> int:
        """How many reports wait for review in these provinces."""
        return (await self.position(provinces, 0))[1]

    async def pending_of_group(self, provinces: Collection[int] | None, group_id: int) -> list[int]:
        """A group's reports waiting for review in these provinces, oldest first."""
        where, params = _provinces(provinces)
        rows = await self.db.fetchall(
            f"SELECT r.id FROM reports r WHERE r.group_id = ? AND r.status = 'submitted'"
            f" AND {where} ORDER BY r.id",
            [group_id, *params],
        )
        return [int(r[0]) for r in rows]

    async def pending_in_group(self, provinces: Collection[int] | None, group_id: int) -> int:
        """How many of a group's reports wait for review in these provinces."""
        where, params = _provinces(provinces)
        found = await self.db.scalar(
            f"SELECT COUNT(*) FROM reports r WHERE r.group_id = ? AND r.status = 'submitted'"
            f" AND {where}",
            [group_id, *params],
        )
        return int(found or 0)

    # --- decisions ----------------------------------------------------------------------------

    async def decide(
        self, report_id: int, status: ReportStatus, by: int, note: str, version: int
    ) -> bool:
        """Moves a pending report, as it is at `version`, to approved or returned; False when it
        was not pending or was edited since."""
        changed = await self.db.execute(
            "UPDATE reports SET status = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?"
            " WHERE id = ? AND status = 'submitted' AND version = ?",
            (status.value, note, by, self.db.stamp(), report_id, version),
        )
        return bool(changed)

    async def resubmit(self, report_id: int) -> bool:
        """Puts a returned report back in the queue (after its reporter's fix)."""
        changed = await self.db.execute(
            "UPDATE reports SET status = 'submitted' WHERE id = ? AND status = 'returned'",
            (report_id,),
        )
        return bool(changed)

    async def verdict(self, report_id: int) -> Verdict | None:
        """A report's status and who reviewed it last."""
        row = await self.db.fetchone(
            "SELECT status, reviewed_by, reviewed_at, review_note FROM reports WHERE id = ?",
            (report_id,),
        )
        if row is None:
            return None
        return Verdict(ReportStatus(row[0]), row[1], row[2], row[3])

    # --- flags --------------------------------------------------------------------------------

    async def duplicates(
        self, group_id: int, category_id: int, service_date: date, quantity: int, exclude: int
    ) -> tuple[Other, ...]:
        """Other live reports of the same group, service type, date and quantity."""
        rows = await self.db.fetchall(
            # «+category_id»: the group's own index (group, date) is the narrow one.
            "SELECT id, receipt, province_id FROM reports WHERE group_id = ? AND service_date = ?"
            " AND +category_id = ? AND quantity = ? AND status != 'deleted' AND id != ?"
            " ORDER BY id",
            (group_id, service_date.isoformat(), category_id, quantity, exclude),
        )
        return tuple(Other(r[0], r[1], r[2]) for r in rows)

    async def reused_photos(self, unique_ids: Sequence[str], exclude: int) -> tuple[Other, ...]:
        """Other live reports holding any of these photos (by Telegram's file_unique_id)."""
        if not unique_ids:
            return ()
        marks = ",".join("?" * len(unique_ids))
        rows = await self.db.fetchall(
            "SELECT DISTINCT r.id, r.receipt, r.province_id FROM report_photos p"
            " JOIN reports r ON r.id = p.report_id"
            f" WHERE p.file_unique_id IN ({marks}) AND r.id != ? AND r.status != 'deleted'"
            " ORDER BY r.id",
            [*unique_ids, exclude],
        )
        return tuple(Other(r[0], r[1], r[2]) for r in rows)

    async def usual_quantity(self, group_id: int, category_id: int, before: int) -> int | None:
        """The median quantity of the group's last live reports of a service type before a
        report (None when there are too few to say)."""
        rows = await self.db.fetchall(
            "SELECT quantity FROM reports WHERE group_id = ? AND +category_id = ? AND id < ?"
            " AND status NOT IN ('deleted', 'returned') ORDER BY service_date DESC, id DESC"
            " LIMIT ?",
            (group_id, category_id, before, OUTLIER_HISTORY),
        )
        if len(rows) < OUTLIER_MIN_HISTORY:
            return None
        return int(statistics.median(int(r[0]) for r in rows))

    async def flags(
        self,
        group_id: int,
        category_id: int,
        service_date: date,
        quantity: int,
        unique_ids: Sequence[str],
        report_id: int | None,
    ) -> Flags:
        """Every flag of a report (or of a draft, with report_id None)."""
        exclude = report_id or 0
        usual = await self.usual_quantity(group_id, category_id, report_id or 2**62)
        outlier = (
            usual is not None and quantity >= OUTLIER_MIN and quantity > OUTLIER_FACTOR * usual
        )
        return Flags(
            await self.duplicates(group_id, category_id, service_date, quantity, exclude),
            await self.reused_photos(unique_ids, exclude),
            usual if outlier else None,
        )

    async def history(self, group_id: int, start: date, end: date) -> History:
        """A group's live reports and services with service dates in a range, and how many of
        its reports were ever returned."""
        row = await self.db.fetchone(
            "SELECT COUNT(*), COALESCE(SUM(quantity), 0) FROM reports WHERE group_id = ?"
            " AND status != 'deleted' AND service_date BETWEEN ? AND ?",
            (group_id, start.isoformat(), end.isoformat()),
        )
        returned = await self.db.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'report' AND action = 'report.return'"
            " AND entity_id IN (SELECT id FROM reports WHERE group_id = ?)",
            (group_id,),
        )
        assert row is not None
        return History(int(row[0]), int(row[1]), int(returned or 0))

    # --- coordinators' groups -----------------------------------------------------------------

    async def link_chat(self, chat_id: int, province_id: int | None, by: int) -> bool:
        """Links a Telegram group to a province (None: every province); False if it was."""
        changed = await self.db.execute(
            "INSERT INTO review_chats (chat_id, province_id, linked_by, linked_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (chat_id, province_id, by, self.db.stamp()),
        )
        return bool(changed)

    async def unlink_chat(self, chat_id: int, province_ids: Collection[int | None]) -> int:
        """Unlinks a Telegram group from provinces (None in the list: the every-province link)."""
        removed = 0
        for province_id in province_ids:
            removed += await self.db.execute(
                "DELETE FROM review_chats WHERE chat_id = ? AND COALESCE(province_id, 0) = ?",
                (chat_id, province_id or 0),
            )
        return removed

    async def drop_chat(self, chat_id: int) -> int:
        """Forgets a Telegram group entirely (the bot was removed from it)."""
        return await self.db.execute("DELETE FROM review_chats WHERE chat_id = ?", (chat_id,))

    async def chats_for(self, province_id: int) -> list[int]:
        """The Telegram groups that get a province's new reports."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT chat_id FROM review_chats WHERE province_id = ? OR province_id IS NULL"
            " ORDER BY chat_id",
            (province_id,),
        )
        return [int(r[0]) for r in rows]

    async def add_card(self, report_id: int, chat_id: int, message_id: int) -> None:
        """Remembers a card with decision buttons (in a review group or a private chat)."""
        await self.db.execute(
            "INSERT INTO review_cards (report_id, chat_id, message_id, posted_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (report_id, chat_id, message_id, self.db.stamp()),
        )

    async def drop_card(self, chat_id: int, message_id: int) -> None:
        """Forgets a card that no longer offers a decision (its buttons were taken off)."""
        await self.db.execute(
            "DELETE FROM review_cards WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )

    async def drop_cards(self, report_id: int) -> None:
        """Forgets every card of a report (it was decided: they are settled for good)."""
        await self.db.execute("DELETE FROM review_cards WHERE report_id = ?", (report_id,))

    async def cards(self, report_id: int) -> list[Card]:
        """Every open card of a report: in review groups and reviewers' private chats."""
        rows = await self.db.fetchall(
            "SELECT chat_id, message_id FROM review_cards WHERE report_id = ? ORDER BY posted_at",
            (report_id,),
        )
        return [Card(int(r[0]), int(r[1])) for r in rows]
