"""Different people in parallel, one person in order: the update processor and per-person locks.

Updates are keyed by the person they come from (the effective user, else the chat). Updates of
one key run strictly one at a time in the order they arrived; updates of different keys run
concurrently, at most `limit` at once. Jobs that touch a person's state take the same per-key
lock (see `PersonJobQueue` and `person_lock`), so they never run in the middle of that person's
update.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Hashable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor, Job, JobQueue

from bot.runtime.ratelimit import BULK, INTERACTIVE, send_priority

log = logging.getLogger(__name__)

# Updates may wait for their person's earlier update without holding one of the `limit` slots;
# this only caps how many tasks can be pending at all.
PENDING_MAX = 100_000

# One person's updates waiting at most: when their turn comes, updates with this many newer ones
# of the same person behind them are left out (answered, not handled), so that a person's next
# real command never waits behind a flood of their own. An album is at most 10 updates; each
# handled message may cost an answer, and Telegram allows about one a second to a chat.
BACKLOG_MAX = 20


# Keys whose lock the running task (or the task that started it) holds: a job's body runs in a
# task of its own that python-telegram-bot starts, and must not wait for its own caller's lock.
_held: contextvars.ContextVar[frozenset[Hashable]] = contextvars.ContextVar(
    "khedmatyar_held_keys", default=frozenset()
)


class _Entry:
    """One key's FIFO lock and how many tasks hold or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class KeyedLocks:
    """A FIFO lock per key, created on first use and forgotten when nobody holds or awaits it.

    Re-entrant within the holder's context (tasks it starts inherit it), so a helper that takes
    a person's lock inside that person's update or job does not deadlock.
    """

    def __init__(self) -> None:
        self._entries: dict[Hashable, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def busy(self, key: Hashable) -> bool:
        """True while some task holds or awaits the key's lock."""
        return key in self._entries

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        """Runs the body while holding the key's lock (in the order callers arrived)."""
        held = _held.get()
        if key in held:
            yield
            return
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry()
        entry.users += 1
        try:
            async with entry.lock:
                token = _held.set(held | {key})
                try:
                    yield
                finally:
                    _held.reset(token)
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[key]


def update_key(update: object) -> int | None:
    """The person an update belongs to: the effective user's id, else the chat's id."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class _Backlog:
    """One person's updates received and not finished: how many arrived, how many are still
    there, and whether they were told that some are left out."""

    __slots__ = ("arrived", "told", "waiting")

    def __init__(self) -> None:
        self.arrived = 0
        self.waiting = 0
        self.told = False


class PersonUpdateProcessor(BaseUpdateProcessor):
    """Runs different people's updates concurrently and one person's updates in arrival order.

    A person's update waits for their earlier one before taking one of the `limit` slots, so a
    person who sends many updates at once never holds up the others. Private chat ids equal user
    ids and group ids are negative, so a job keyed by a user id or a private chat id shares the
    person's lock. A person's backlog is bounded: an update whose turn comes with `backlog_max`
    newer updates of theirs waiting behind it is marked to be left out (see `skip`).
    """

    def __init__(self, limit: int = 64, backlog_max: int = BACKLOG_MAX) -> None:
        super().__init__(PENDING_MAX)
        self.limit = limit
        self.backlog_max = backlog_max
        self.locks = KeyedLocks()
        self._running = asyncio.BoundedSemaphore(limit)
        self._backlogs: dict[Hashable, _Backlog] = {}
        self._left_out: dict[int, bool] = {}  # id() of updates to leave out: tell the person?
        self.in_flight = 0
        self.peak_in_flight = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Waits for the person's earlier updates, then for a free slot, then runs the update."""
        key = update_key(update)
        if key is None:
            async with self._running:
                await self._run(coroutine)
            return
        backlog = self._backlogs.get(key)
        if backlog is None:
            backlog = self._backlogs[key] = _Backlog()
        backlog.arrived += 1
        backlog.waiting += 1
        ticket = backlog.arrived
        try:
            async with self.locks.hold(key), self._running:
                if backlog.arrived - ticket >= self.backlog_max:
                    self._left_out[id(update)] = not backlog.told
                    backlog.told = True
                await self._run(coroutine)
        finally:
            self._left_out.pop(id(update), None)
            backlog.waiting -= 1
            if backlog.waiting == 0:  # the backlog is gone: a later one is told again
                del self._backlogs[key]

    def skip(self, update: object) -> bool | None:
        """None for an update to handle; for one to leave out, whether it is the first of its
        backlog (the person is told once)."""
        return self._left_out.get(id(update))

    async def _run(self, coroutine: Awaitable[Any]) -> None:
        """Awaits one update, counting how many run at once."""
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            await coroutine
        finally:
            self.in_flight -= 1

    @property
    def waiting(self) -> int:
        """Updates received but not finished (running or waiting for their turn)."""
        return self.max_concurrent_updates - self._semaphore.current_value

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: the application waits for running updates itself."""


@asynccontextmanager
async def person_lock(
    application: Application[Any, Any, Any, Any, Any, Any], key: int
) -> AsyncIterator[None]:
    """Serialises a job's work on one person (user id or private chat id) with their updates.

    Use it in jobs that read and write a person's draft, e.g. a reminder loop over many people:
    `async with person_lock(context.application, volunteer_id): ...`. Without the processor
    (a single-update application) it does nothing.
    """
    processor = application.update_processor
    if isinstance(processor, PersonUpdateProcessor):
        async with processor.locks.hold(key):
            yield
    else:
        yield


class PersonJobQueue(JobQueue[Any]):
    """A JobQueue whose jobs for one person run under that person's lock, others at bulk priority.

    A job naming a user (`user_id`, e.g. the answer to an album) is part of that person's
    conversation: it waits for their running update and its sends are interactive. A job naming
    no user (reminders over many drafts, digests to channels) sends at bulk priority, behind
    every answer to a person; it should take `person_lock` around each person's draft it touches.
    """

    @staticmethod
    async def job_callback(job_queue: JobQueue[Any], job: Job[Any]) -> None:
        """Runs a job, serialised with its person's updates when it names one."""
        # A job is no part of the update that scheduled it, though its timer inherited that
        # update's context (and so the locks it held): it takes every person's lock afresh.
        _held.set(frozenset())
        application = job_queue.application
        if job.user_id is None:
            with send_priority(BULK):
                if job.chat_id is None:
                    await JobQueue.job_callback(job_queue, job)
                    return
                async with person_lock(application, job.chat_id):
                    await JobQueue.job_callback(job_queue, job)
            return
        with send_priority(INTERACTIVE):
            async with person_lock(application, job.user_id):
                await JobQueue.job_callback(job_queue, job)
