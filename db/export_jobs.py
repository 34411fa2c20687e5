"""Repository of exports being built: kept until the build ends, so a crash does not lose one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from db.database import Database


@dataclass(frozen=True, slots=True)
class ExportJob:
    """An export someone asked for that has not ended yet."""

    chat_id: int
    message_id: int
    plan: dict[str, Any]
    head: str
    attempts: int


class ExportJobRepo:
    """Exports being built, one per person."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def start(
        self,
        chat_id: int,
        message_id: int,
        plan: dict[str, Any],
        head: str,
        *,
        seen: int | None = None,
    ) -> bool:
        """Records a build that starts now; a kept one begun again (after a restart, in the same
        status message) counts one more attempt. `seen`: the attempts of the kept build read
        before beginning it again; False when another process began it since (its claim)."""
        now = self.db.stamp()
        return bool(
            await self.db.execute(
                "INSERT INTO export_jobs (chat_id, message_id, plan, head, started_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET"
                " message_id = excluded.message_id, plan = excluded.plan, head = excluded.head,"
                " attempts = CASE WHEN export_jobs.message_id = excluded.message_id"
                " THEN export_jobs.attempts + 1 ELSE 1 END, started_at = excluded.started_at"
                " WHERE export_jobs.message_id <> excluded.message_id"
                " OR export_jobs.attempts = COALESCE(?, export_jobs.attempts)",
                (chat_id, message_id, json.dumps(plan, ensure_ascii=False), head, now, seen),
            )
        )

    async def end(self, chat_id: int, message_id: int) -> None:
        """Forgets a build that ended (sent, empty, refused or failed); a newer build of the same
        person (another status message) is kept."""
        await self.db.execute(
            "DELETE FROM export_jobs WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )

    async def unfinished(self) -> list[ExportJob]:
        """The builds a stop cut off, oldest first."""
        rows = await self.db.fetchall(
            "SELECT chat_id, message_id, plan, head, attempts FROM export_jobs ORDER BY started_at"
        )
        return [ExportJob(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]
