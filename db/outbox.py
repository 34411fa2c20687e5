"""Repository of the outbox: notices to people, written with the change they tell of.

A use case adds its notices inside its own transaction, so a change is never stored without
them, nor a notice without its change; the outbox job (bot.kit.outbox) sends them afterwards,
tries a failed one again later, and marks each sent once Telegram confirms it. Notices are kept
as a locale key and its arguments, and are worded when they are sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from db.database import Database

Args = Mapping[str, str | int]

BULK = 1  # bot.runtime.ratelimit.Priority.BULK: behind every answer to a person
INTERACTIVE = 0  # bot.runtime.ratelimit.Priority.INTERACTIVE


@dataclass(frozen=True, slots=True)
class NoticeButton:
    """An inline button of a notice: its label's locale key and arguments, and its data."""

    key: str
    data: str
    args: Args = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to someone about a change another person made.

    menu: the person's role changed, so the notice carries their main menu as it is when it
    goes out (and says so)."""

    chat_id: int
    key: str
    args: Args = field(default_factory=dict)
    buttons: tuple[tuple[NoticeButton, ...], ...] = ()
    menu: bool = False
    priority: int = BULK

    def body(self) -> str:
        """The notice as the outbox keeps it (JSON)."""
        rows = [
            [{"key": b.key, "args": dict(b.args), "data": b.data} for b in r] for r in self.buttons
        ]
        data = {"key": self.key, "args": dict(self.args), "rows": rows, "menu": self.menu}
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_body(cls, chat_id: int, body: str, priority: int) -> Notice:
        """A notice read back from the outbox."""
        data: dict[str, Any] = json.loads(body)
        buttons = tuple(
            tuple(NoticeButton(b["key"], b["data"], b["args"]) for b in row) for row in data["rows"]
        )
        return cls(chat_id, data["key"], data["args"], buttons, bool(data["menu"]), priority)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A notice waiting in the outbox."""

    id: int
    notice: Notice
    attempts: int


class OutboxRepo:
    """Notices waiting to go out, and what became of those that went."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, notices: Sequence[Notice]) -> int:
        """Queues notices (inside the caller's transaction); returns how many."""
        now = self.db.stamp()
        await self.db.executemany(
            "INSERT INTO outbox (chat_id, body, priority, due_at, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(n.chat_id, n.body(), n.priority, now, now) for n in notices],
        )
        return len(notices)

    async def due(self, limit: int = 100, skip: Sequence[int] = ()) -> list[Outgoing]:
        """The notices due now (none of those in `skip`): the most urgent first, then the
        oldest."""
        skipped = f" AND id NOT IN ({','.join('?' * len(skip))})" if skip else ""
        rows = await self.db.fetchall(
            "SELECT id, chat_id, body, priority, attempts FROM outbox"
            f" WHERE state = 'pending' AND due_at <= ?{skipped}"
            " ORDER BY priority, due_at, id LIMIT ?",
            [self.db.stamp(), *skip, limit],
        )
        return [Outgoing(r[0], Notice.from_body(r[1], r[2], r[3]), r[4]) for r in rows]

    async def claim(self, outbox: Outgoing) -> bool:
        """Takes a notice to send it, counting the try: False when another sender took it since
        it was read (its tries are the claim's version), or it is not pending any more."""
        return bool(
            await self.db.execute(
                "UPDATE outbox SET attempts = attempts + 1 WHERE id = ? AND attempts = ?"
                " AND state = 'pending'",
                (outbox.id, outbox.attempts),
            )
        )

    async def sent(self, outbox_id: int, message_id: int) -> bool:
        """Marks a claimed notice sent: Telegram confirmed it (it is never sent again); False
        when it was marked already."""
        return bool(
            await self.db.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?, error = ''"
                " WHERE id = ? AND state = 'pending'",
                (self.db.stamp(), message_id, outbox_id),
            )
        )

    async def later(self, outbox_id: int, after: timedelta, error: str) -> None:
        """A claimed try failed in a way that may pass: the notice is tried again after
        `after`."""
        due = (self.db.now() + after).isoformat(timespec="seconds")
        await self.db.execute(
            "UPDATE outbox SET due_at = ?, error = ? WHERE id = ? AND state = 'pending'",
            (due, error[:500], outbox_id),
        )

    async def close(self, outbox_id: int, state: str, error: str) -> None:
        """Ends a claimed notice that will not go out: 'failed' (refused, or tried too often)
        or 'skipped' (the person blocked the bot)."""
        await self.db.execute(
            "UPDATE outbox SET state = ?, error = ? WHERE id = ? AND state = 'pending'",
            (state, error[:500], outbox_id),
        )

    async def forget_sent(self, older_than: timedelta) -> int:
        """Drops notices sent (or ended) longer ago than `older_than`."""
        cutoff = (self.db.now() - older_than).isoformat(timespec="seconds")
        return await self.db.execute(
            "DELETE FROM outbox WHERE state != 'pending' AND created_at < ?", (cutoff,)
        )
