"""Repository of the audit log: who changed what, when."""

from __future__ import annotations

import json

from db.database import Database
from db.models import AuditEntry


class AuditRepo:
    """Appends to and reads the audit log."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: int | None,
        **details: object,
    ) -> None:
        """Appends one entry; details are stored as JSON."""
        await self.db.execute(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, details)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.db.stamp(),
                actor_id,
                action,
                entity,
                entity_id,
                json.dumps(details, ensure_ascii=False, default=str),
            ),
        )

    async def for_entity(self, entity: str, entity_id: int) -> list[AuditEntry]:
        """Returns the entries about one entity, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
            (entity, entity_id),
        )
        return [AuditEntry(**dict(row)) for row in rows]

    async def latest(self, limit: int = 50) -> list[AuditEntry]:
        """Returns the newest entries, newest first."""
        rows = await self.db.fetchall("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
        return [AuditEntry(**dict(row)) for row in rows]
