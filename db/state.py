"""Repository of bot state: conversation states, persisted data, drafts and handled updates."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from db.database import Database, Row


@dataclass(frozen=True, slots=True)
class StoredDraft:
    """A draft as stored: its JSON payload and when it was last changed or reminded."""

    volunteer_id: int
    kind: str
    data: dict[str, Any]
    updated_at: str
    reminded_at: str | None


def _draft(row: Row) -> StoredDraft:
    return StoredDraft(
        row["volunteer_id"],
        row["kind"],
        json.loads(row["data"]),
        row["updated_at"],
        row["reminded_at"],
    )


_UPSERT_CONVERSATION = (
    "INSERT INTO conversations (name, key, state) VALUES (?, ?, ?)"
    " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state"
)
_UPSERT_DATA = (
    "INSERT INTO persisted_data (kind, id, data) VALUES (?, ?, ?)"
    " ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data"
)
_MARK_PROCESSED = (
    "INSERT INTO processed_updates (update_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING"
)


class StateRepo:
    """Conversation persistence and drafts in SQLite."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def conversations(self, name: str) -> dict[str, Any]:
        """Returns the stored states of one conversation as {json key: state}."""
        rows = await self.db.fetchall(
            "SELECT key, state FROM conversations WHERE name = ?", (name,)
        )
        return {row["key"]: json.loads(row["state"]) for row in rows}

    async def set_conversation(self, name: str, key: str, state: Any) -> None:
        """Stores one conversation state; None deletes it."""
        if state is None:
            await self.db.execute(
                "DELETE FROM conversations WHERE name = ? AND key = ?", (name, key)
            )
        else:
            await self.db.execute(
                "INSERT INTO conversations (name, key, state) VALUES (?, ?, ?)"
                " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
                (name, key, json.dumps(state)),
            )

    async def save_changes(
        self,
        conversations: dict[tuple[str, str], Any],
        data: dict[tuple[str, int], Any],
        processed: Iterable[int] = (),
    ) -> None:
        """Stores states and persisted data and marks updates handled, in one transaction."""
        statements: list[tuple[str, Any]] = []
        for (name, key), state in conversations.items():
            if state is None:
                statements.append(
                    ("DELETE FROM conversations WHERE name = ? AND key = ?", (name, key))
                )
            else:
                statements.append((_UPSERT_CONVERSATION, (name, key, json.dumps(state))))
        for (kind, number), value in data.items():
            if not value:
                statements.append(
                    ("DELETE FROM persisted_data WHERE kind = ? AND id = ?", (kind, number))
                )
            else:
                encoded = json.dumps(value, ensure_ascii=False)
                statements.append((_UPSERT_DATA, (kind, number, encoded)))
        for update_id in processed:
            statements.append((_MARK_PROCESSED, (update_id, self.db.stamp())))
            statements.append(("DELETE FROM inbox WHERE update_id = ?", (update_id,)))
        await self.db.batch(statements)

    async def probe(self) -> None:
        """A write that leaves nothing behind but needs room on the disk and the write lock: it
        fails while the database cannot be written (SQLite skips an update that changes
        nothing, so a row is added and removed; Telegram's update ids are never negative)."""
        add = (
            "INSERT INTO inbox (update_id, data, received_at) VALUES (-1, '', '')"
            " ON CONFLICT DO NOTHING"
        )
        await self.db.batch([(add, ()), ("DELETE FROM inbox WHERE update_id = -1", ())])

    async def data(self, kind: str) -> dict[int, Any]:
        """Returns every persisted object of one kind (user, chat, bot, callback) by id."""
        rows = await self.db.fetchall("SELECT id, data FROM persisted_data WHERE kind = ?", (kind,))
        return {row["id"]: json.loads(row["data"]) for row in rows}

    async def set_data(self, kind: str, key: int, value: Any) -> None:
        """Stores one persisted object; an empty or None value deletes it."""
        if not value:
            await self.db.execute(
                "DELETE FROM persisted_data WHERE kind = ? AND id = ?", (kind, key)
            )
            return
        await self.db.execute(
            "INSERT INTO persisted_data (kind, id, data) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data",
            (kind, key, json.dumps(value, ensure_ascii=False)),
        )

    async def datum(self, kind: str, key: int) -> Any:
        """Returns one persisted object (None when there is none)."""
        found = await self.db.scalar(
            "SELECT data FROM persisted_data WHERE kind = ? AND id = ?", (kind, key)
        )
        return None if found is None else json.loads(str(found))

    async def draft(self, volunteer_id: int, kind: str) -> StoredDraft | None:
        """Returns a volunteer's draft of one kind."""
        row = await self.db.fetchone(
            "SELECT * FROM drafts WHERE volunteer_id = ? AND kind = ?", (volunteer_id, kind)
        )
        return None if row is None else _draft(row)

    async def drafts_of(self, volunteer_id: int) -> list[StoredDraft]:
        """Returns every draft of a volunteer (one per kind of flow)."""
        rows = await self.db.fetchall(
            "SELECT * FROM drafts WHERE volunteer_id = ? ORDER BY kind", (volunteer_id,)
        )
        return [_draft(r) for r in rows]

    async def save_draft(self, volunteer_id: int, kind: str, data: dict[str, Any]) -> None:
        """Stores a draft and restarts its idle clock."""
        await self.db.execute(
            "INSERT INTO drafts (volunteer_id, kind, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (volunteer_id, kind) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at, reminded_at = NULL",
            (volunteer_id, kind, json.dumps(data, ensure_ascii=False), self.db.stamp()),
        )

    async def delete_draft(self, volunteer_id: int, kind: str) -> None:
        """Removes a draft."""
        await self.db.execute(
            "DELETE FROM drafts WHERE volunteer_id = ? AND kind = ?", (volunteer_id, kind)
        )

    async def idle_drafts(self, kind: str, idle_for: timedelta) -> list[StoredDraft]:
        """Returns drafts not changed for at least idle_for."""
        cutoff = (self.db.now() - idle_for).isoformat(timespec="seconds")
        rows = await self.db.fetchall(
            "SELECT * FROM drafts WHERE kind = ? AND updated_at <= ? ORDER BY updated_at",
            (kind, cutoff),
        )
        return [_draft(r) for r in rows]

    async def mark_reminded(self, volunteer_id: int, kind: str) -> None:
        """Notes that the idle reminder for a draft was sent."""
        await self.db.execute(
            "UPDATE drafts SET reminded_at = ? WHERE volunteer_id = ? AND kind = ?",
            (self.db.stamp(), volunteer_id, kind),
        )

    async def was_processed(self, update_id: int) -> bool:
        """True when this update was handled already (a redelivery)."""
        return (
            await self.db.scalar(
                "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
            )
            is not None
        )

    async def mark_processed(self, update_id: int) -> None:
        """Records that an update was handled."""
        await self.db.execute(_MARK_PROCESSED, (update_id, self.db.stamp()))

    async def forget_processed(self, older_than: timedelta) -> int:
        """Drops records of handled updates (and received ones never handled) older than that."""
        cutoff = (self.db.now() - older_than).isoformat(timespec="seconds")
        await self.db.execute("DELETE FROM inbox WHERE received_at < ?", (cutoff,))
        return await self.db.execute("DELETE FROM processed_updates WHERE at < ?", (cutoff,))

    async def receive(self, update_id: int, data: dict[str, Any]) -> None:
        """Keeps an update as received, until it is handled."""
        await self.db.execute(
            "INSERT INTO inbox (update_id, data, received_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (update_id, json.dumps(data, ensure_ascii=False), self.db.stamp()),
        )

    async def unhandled(self) -> list[dict[str, Any]]:
        """Updates received but never handled (the process stopped in between), oldest first."""
        rows = await self.db.fetchall("SELECT data FROM inbox ORDER BY update_id")
        return [json.loads(row["data"]) for row in rows]

    async def drop_received(self, update_id: int) -> None:
        """Forgets a received update (a redelivery of one handled already)."""
        await self.db.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))
