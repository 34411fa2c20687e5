"""Weekly reminders to leaders: who is due one, their on/off switch, and the record of each sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db.database import Database


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A leader of an active group that has no report in the week yet."""

    volunteer_id: int
    group_id: int
    group_name: str


class ReminderRepo:
    """Reminders to leaders of groups that have not reported this week."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def due(self, week_start: date, week_end: date) -> list[DueReminder]:
        """Leaders (reminders on, not blocked, not reminded yet) of silent active groups."""
        rows = await self.db.fetchall(
            "SELECT m.volunteer_id, g.id AS group_id, g.name AS group_name"
            " FROM memberships m JOIN groups g ON g.id = m.group_id"
            " JOIN volunteers v ON v.id = m.volunteer_id"
            " WHERE m.role = 'leader' AND m.reminders = 1 AND g.status = 'active'"
            " AND v.blocked_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.group_id = g.id"
            "   AND r.status != 'deleted' AND r.service_date BETWEEN ? AND ?)"
            " AND NOT EXISTS (SELECT 1 FROM reminders_sent s WHERE s.volunteer_id = m.volunteer_id"
            "   AND s.group_id = g.id AND s.week_start = ?)"
            " ORDER BY g.id, m.volunteer_id",
            (week_start.isoformat(), week_end.isoformat(), week_start.isoformat()),
        )
        return [DueReminder(r["volunteer_id"], r["group_id"], r["group_name"]) for r in rows]

    async def claim(self, volunteer_id: int, group_id: int, week_start: date) -> bool:
        """Records a reminder before it is sent; False when it was sent already."""
        return bool(
            await self.db.execute(
                "INSERT INTO reminders_sent (volunteer_id, group_id, week_start, sent_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (volunteer_id, group_id, week_start.isoformat(), self.db.stamp()),
            )
        )

    async def enabled(self, volunteer_id: int, group_id: int) -> bool:
        """Whether a leader gets the weekly reminder for a group."""
        value = await self.db.scalar(
            "SELECT reminders FROM memberships WHERE volunteer_id = ? AND group_id = ?",
            (volunteer_id, group_id),
        )
        return bool(value)

    async def switch(self, volunteer_id: int, group_id: int, on: bool) -> None:
        """Turns a leader's weekly reminder for a group on or off."""
        await self.db.execute(
            "UPDATE memberships SET reminders = ? WHERE volunteer_id = ? AND group_id = ?",
            (int(on), volunteer_id, group_id),
        )
