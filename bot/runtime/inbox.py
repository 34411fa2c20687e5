"""Received updates are written down before Telegram is told they arrived; a storage failure
never stops updates from coming in.

python-telegram-bot confirms a batch of updates (the next getUpdates offset) as soon as it has put
them in its queue; an update still waiting there when the process dies would be lost. The queue
below stores each update in SQLite before it is queued (so before the confirmation), the
application deletes it with the record that it was handled, and start-up replays what is left.
Webhook updates pass through the same queue.

The queue is filled from inside python-telegram-bot's polling loop, which ends for good on any
error but a network one; so storing an update may fail without a word reaching that loop. When
the database cannot be written (a full or read-only disk, a lock held past busy_timeout), the
update is handled from memory: what needs no write is answered, what needs one is told that
saving is impossible for now (handlers/errors.py), the admins are told once, and a probe retries
the storage with backoff until it takes writes again (StorageHealth).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update

from db.database import is_storage_error
from db.store import Store

log = logging.getLogger(__name__)

# Seconds between tries of a failing storage: the first soon, then doubling up to the last.
PROBE_FIRST = 1.0
PROBE_MAX = 30.0

Probe = Callable[[], Awaitable[None]]
Announce = Callable[[bool], Awaitable[None]]


class StorageHealth:
    """Whether the database takes writes; after a failure, tries it again with backoff.

    The first failure of an outage is logged and announced (the admins are told once) and
    starts a probe that tries a write, waiting PROBE_FIRST seconds, then twice as long each
    time up to PROBE_MAX; its first success ends the outage (announced too). While the storage
    fails, callers skip writes that can wait (the record of received and handled updates), so
    nothing queues behind a lock that is not coming free.
    """

    def __init__(self) -> None:
        self.ok = True
        self._probe: Probe | None = None
        self._announce: Announce | None = None
        self._task: asyncio.Task[None] | None = None

    def attach(self, probe: Probe, announce: Announce) -> None:
        """Sets the write that tests the storage and who is told when it fails or recovers."""
        self._probe, self._announce = probe, announce

    def failed(self, error: BaseException) -> None:
        """Notes that a write failed for the storage's sake; the first of an outage starts the
        probe."""
        if not self.ok:
            return
        self.ok = False
        log.error("the database takes no writes (%s); answering what needs none", error)
        self._task = asyncio.create_task(self._recover(), name="khedmatyar:storage-probe")

    async def _recover(self) -> None:
        """Announces the outage, then tries the storage with backoff until a write succeeds."""
        await self._tell(ok=False)
        delay = PROBE_FIRST
        while True:
            await asyncio.sleep(delay)
            try:
                if self._probe is not None:
                    await self._probe()
            except Exception as exc:
                if not is_storage_error(exc):
                    log.exception("the storage probe failed")
                delay = min(delay * 2, PROBE_MAX)
                continue
            self.ok = True
            log.warning("the database takes writes again")
            await self._tell(ok=True)
            return

    async def _tell(self, *, ok: bool) -> None:
        """Announces a change, never letting the announcement end the probe."""
        if self._announce is None:
            return
        try:
            await self._announce(ok)
        except Exception:
            log.exception("could not announce that storage %s", "works" if ok else "fails")

    async def close(self) -> None:
        """Stops the probe (at shutdown)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue, which keeps every update in SQLite until it is handled."""

    def __init__(self, store: Store, health: StorageHealth) -> None:
        super().__init__()
        self.store = store
        self.health = health

    async def put(self, item: object) -> None:
        """Stores an update, then queues it; an update that cannot be stored is queued all the
        same (handled from memory), so the polling loop never stops."""
        if isinstance(item, Update):
            await self._keep(item)
        await super().put(item)

    async def _keep(self, update: Update) -> None:
        """Writes an update to the inbox unless the storage is known to fail right now."""
        if not self.health.ok:
            return  # the probe is trying the storage; this one is handled from memory
        try:
            await self.store.open()  # idempotent; polling may start before post_init finished
            await self.store.state.receive(update.update_id, update.to_dict())
        except Exception as exc:  # whatever it is, one update must not end the polling loop
            if is_storage_error(exc):
                self.health.failed(exc)
            else:
                log.exception("update %s not kept; handling it from memory", update.update_id)


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
