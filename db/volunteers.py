"""Repository of the volunteers table (Telegram users who talked to the bot)."""

from __future__ import annotations

from db.database import Database, Row
from db.models import Volunteer


def _volunteer(row: Row) -> Volunteer:
    return Volunteer(
        id=row["id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        username=row["username"],
        blocked=row["blocked_at"] is not None,
    )


class VolunteerRepo:
    """Reads and records volunteers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def seen(self, user_id: int, first_name: str, last_name: str, username: str) -> None:
        """Records a user's current Telegram names (one statement, run for every update)."""
        now = self.db.stamp()
        await self.db.execute(
            "INSERT INTO volunteers (id, first_name, last_name, username, created_at, last_seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " first_name = excluded.first_name, last_name = excluded.last_name,"
            " username = excluded.username, last_seen_at = excluded.last_seen_at,"
            " blocked_at = NULL",
            (user_id, first_name, last_name, username, now, now),
        )

    async def get(self, user_id: int) -> Volunteer | None:
        """Returns a volunteer by Telegram id."""
        row = await self.db.fetchone("SELECT * FROM volunteers WHERE id = ?", (user_id,))
        return None if row is None else _volunteer(row)

    async def find_by_username(self, username: str) -> Volunteer | None:
        """Returns the volunteer with this @username (case-insensitive)."""
        row = await self.db.fetchone(
            "SELECT * FROM volunteers WHERE lower(username) = lower(?) AND username != ''",
            (username.lstrip("@"),),
        )
        return None if row is None else _volunteer(row)

    async def search_by_name(self, text: str, limit: int = 8) -> list[Volunteer]:
        """Volunteers whose first or last name contains the text (as typed), newest seen first."""
        pattern = "%" + text.replace("\\", "").replace("%", "").replace("_", "") + "%"
        rows = await self.db.fetchall(
            "SELECT * FROM volunteers WHERE first_name || ' ' || last_name LIKE ?"
            " ORDER BY last_seen_at DESC LIMIT ?",
            (pattern, limit),
        )
        return [_volunteer(r) for r in rows]

    async def mark_blocked(self, user_id: int) -> None:
        """Notes that the user blocked the bot, so that nothing more is sent to them."""
        await self.db.execute(
            "UPDATE volunteers SET blocked_at = ? WHERE id = ? AND blocked_at IS NULL",
            (self.db.stamp(), user_id),
        )
