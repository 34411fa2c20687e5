"""Received updates are written down before Telegram is told they arrived.

python-telegram-bot confirms a batch of updates (the next getUpdates offset) as soon as it has put
them in its queue; an update still waiting there when the process dies would be lost. The queue
below stores each update in SQLite before it is queued (so before the confirmation), the
application deletes it with the record that it was handled, and start-up replays what is left.
Webhook updates pass through the same queue.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Update

from db.store import Store

log = logging.getLogger(__name__)


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue, which keeps every update in SQLite until it is handled."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    async def put(self, item: object) -> None:
        """Stores an update, then queues it."""
        if isinstance(item, Update):
            await self.store.open()  # idempotent; polling may start before post_init finished
            await self.store.state.receive(item.update_id, item.to_dict())
        await super().put(item)


async def replay(store: Store, bot: Bot, queue: asyncio.Queue[object]) -> int:
    """Queues the updates received but never handled before the last stop; returns how many."""
    pending = await store.state.unhandled()
    for data in pending:
        update = Update.de_json(data, bot)
        if update is not None:
            await queue.put(update)
    if pending:
        log.warning("handling %s updates received before the last stop", len(pending))
    return len(pending)
