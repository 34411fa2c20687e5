"""Different people in parallel, one person in order; one rate limiter with priorities.

End to end: leaders' report flows interleaved at random (seeded) through the simulator store the
same reports as the same flows run one after another, and one person's updates never overlap.
The update processor, the per-person locks and the rate limiter are also checked on their own.
"""

from __future__ import annotations

import asyncio
import math
import random
import secrets
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import aiosqlite
import pytest
from telegram import Chat, Message, Update, User
from telegram.ext import ExtBot

from bot.runtime.ratelimit import (
    BULK,
    INTERACTIVE,
    LOW,
    PriorityRateLimiter,
    Window,
    counted,
    current_priority,
)
from bot.runtime.updates import (
    KeyedLocks,
    PersonJobQueue,
    PersonUpdateProcessor,
    person_lock,
    update_key,
)
from simulator.limits import Limits
from simulator.server import SimulatorServer
from simulator.testing import SimClient, SimUser
from tests.conftest import Harness

# -- the report flows, interleaved -----------------------------------------------------------


def script(n: int) -> list[tuple[str, str]]:
    """A whole report whose figures differ by leader, as a list of (send|press, what)."""
    return [
        ("send", "/report"),
        ("press", "معیشتی"),
        ("press", "بستهٔ معیشتی"),
        ("send", str(100 + n)),
        ("send", str(40 + n)),
        ("send", str(5 + n)),
        ("press", "📍 همان محل گروه: اراک، استان مرکزی"),
        ("send", f"روستای {n}"),
        ("press", "دیروز"),
        ("send", f"توزیع بسته شمارهٔ {n}"),
        ("press", "بدون عکس"),
        ("press", "✅ ثبت گزارش"),
    ]


async def act(user: SimUser, how: str, what: str) -> None:
    """One step of a person."""
    await (user.send(what) if how == "send" else user.press(what))


async def stored(harness: Harness, leaders: list[SimUser]) -> list[tuple[Any, ...]]:
    """The leaders' saved reports as independent SQL reads them, in leader order."""
    assert harness.config is not None
    rows = []
    async with aiosqlite.connect(harness.db_path) as db:
        for number, leader in enumerate(leaders):
            async with db.execute(
                "SELECT quantity, beneficiaries, volunteers, place, description, status,"
                " service_date FROM reports WHERE reporter_id = ? ORDER BY id",
                (leader.id,),
            ) as cursor:
                found = [tuple(r) for r in await cursor.fetchall()]
            rows.append((number, found))
            async with db.execute(
                "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", (leader.id,)
            ) as cursor:
                row = await cursor.fetchone()
                assert row is not None and row[0] == 0  # every draft closed
    return rows


def instrument(harness: Harness) -> dict[str, Any]:
    """Records, per person, how many of their updates run at once, and the order they ran in."""
    app = harness.app
    assert app is not None
    record: dict[str, Any] = {"active": defaultdict(int), "overlap": 0, "order": defaultdict(list)}
    original = app.process_update

    async def watched(update: object) -> None:
        key = update_key(update)
        record["active"][key] += 1
        if record["active"][key] > 1:
            record["overlap"] += 1
        if isinstance(update, Update):
            record["order"][key].append(update.update_id)
        try:
            await original(update)
        finally:
            record["active"][key] -= 1

    app.process_update = watched  # type: ignore[method-assign]
    return record


@pytest.mark.parametrize("seed", [3, 17])
async def test_interleaved_flows_store_what_sequential_flows_store(
    harness: Harness, seed: int
) -> None:
    sim = harness.sim
    rng = random.Random(seed)
    count = 3
    alone = [await sim.user(f"تنها {n}") for n in range(count)]
    together = [await sim.user(f"همزمان {n}") for n in range(count)]
    for n, leader in enumerate([*alone, *together]):
        await leader.send("/start")
        await harness.group(leader, f"گروه {n}")
    record = instrument(harness)

    for n, leader in enumerate(alone):  # one after another
        for how, what in script(n):
            await act(leader, how, what)

    # Interleaved: at every round a random set of people acts at once; each keeps their order.
    left = {n: list(script(n)) for n in range(count)}
    while any(left.values()):
        movers = [n for n in left if left[n] and rng.random() < 0.7] or [
            next(n for n in left if left[n])
        ]
        await asyncio.gather(*(act(together[n], *left[n].pop(0)) for n in movers))

    first = await stored(harness, alone)
    second = await stored(harness, together)
    assert [found for _, found in first] == [found for _, found in second]
    assert all(len(found) == 1 for _, found in second)
    assert record["overlap"] == 0
    processor = harness.app.update_processor if harness.app else None
    assert isinstance(processor, PersonUpdateProcessor)
    assert processor.peak_in_flight >= 2  # different people did run at once
    for ids in record["order"].values():
        assert ids == sorted(ids)  # one person's updates ran in arrival order


async def test_one_persons_burst_runs_in_order_while_others_proceed(harness: Harness) -> None:
    sim = harness.sim
    reza, maryam = await sim.user("رضا"), await sim.user("مریم")
    await reza.send("/start")
    await maryam.send("/start")
    record = instrument(harness)
    # Reza sends five messages without waiting; Maryam asks for help meanwhile.
    sends = [reza.send(f"پیام {i}", wait=False) for i in range(5)]
    results = await asyncio.gather(*sends, maryam.send("/help"))
    for sent in results[:5]:
        assert sent.update_id is not None
        await harness.tracker.wait(sent.update_id)
    assert record["overlap"] == 0
    assert record["order"][reza.id] == sorted(record["order"][reza.id])
    assert len(record["order"][reza.id]) == 5


# -- the update processor and the per-person locks on their own ------------------------------


def message_update(update_id: int, user_id: int) -> Update:
    """A private text message from one user."""
    user = User(user_id, "x", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    message = Message(update_id, datetime(2026, 1, 1), chat, from_user=user, text="t")
    return Update(update_id, message=message)


async def test_processor_orders_each_person_and_bounds_concurrency() -> None:
    rng = random.Random(5)
    processor = PersonUpdateProcessor(limit=3)
    running: dict[int, int] = defaultdict(int)
    seen: dict[int, list[int]] = defaultdict(list)
    overlap = 0
    peak = 0
    total = 0

    async def handle(update: Update, pause: float) -> None:
        nonlocal overlap, peak, total
        key = update_key(update)
        assert key is not None
        running[key] += 1
        total += 1
        peak = max(peak, total)
        overlap += running[key] > 1
        seen[key].append(update.update_id)
        await asyncio.sleep(pause)
        running[key] -= 1
        total -= 1

    updates = [message_update(i, rng.choice([1, 2, 3, 4, 5])) for i in range(1, 80)]
    await asyncio.gather(
        *(processor.process_update(u, handle(u, rng.random() * 0.004)) for u in updates)
    )
    assert overlap == 0
    assert 2 <= peak <= 3
    for ids in seen.values():
        assert ids == sorted(ids)
    assert len(processor.locks) == 0  # nothing kept for people who are done


async def test_keyed_locks_are_reentrant_for_the_holder_and_its_tasks() -> None:
    locks = KeyedLocks()
    order: list[str] = []

    async def job() -> None:
        async with locks.hold(7):
            order.append("job")

    async with locks.hold(7):
        async with locks.hold(7):  # the same task again: no deadlock
            order.append("inner")
        await asyncio.create_task(job())  # a task it starts and awaits shares the lock
    waiting = asyncio.create_task(job())
    await waiting
    assert order == ["inner", "job", "job"]


async def test_person_lock_waits_for_the_persons_running_update() -> None:
    processor = PersonUpdateProcessor(limit=4)

    class FakeApp:
        update_processor = processor

    events: list[str] = []
    gate = asyncio.Event()

    async def slow_update() -> None:
        events.append("update starts")
        await gate.wait()
        events.append("update ends")

    async def reminder() -> None:
        async with person_lock(FakeApp(), 42):  # type: ignore[arg-type]
            events.append("reminder")

    running = asyncio.create_task(processor.process_update(message_update(1, 42), slow_update()))
    await asyncio.sleep(0)
    job = asyncio.create_task(reminder())
    await asyncio.sleep(0.01)
    assert events == ["update starts"]
    gate.set()
    await asyncio.gather(running, job)
    assert events == ["update starts", "update ends", "reminder"]


# -- the rate limiter ------------------------------------------------------------------------


def test_what_counts_against_telegrams_limits() -> None:
    assert counted("sendMessage") and counted("editMessageReplyMarkup") and counted("copyMessage")
    assert not counted("answerCallbackQuery") and not counted("sendChatAction")
    assert not counted("getChat") and not counted("deleteMessage") and not counted("getUpdates")


def test_a_window_lets_no_span_carry_more_than_its_limit() -> None:
    """20 posts to a channel in any minute: the 21st waits until the first has left the window,
    an album waits for room for all of its items, and a 429's pause is obeyed."""
    window = Window(20, 60.0)
    for n in range(20):
        assert window.wait(n * 0.5, 1) == 0
        window.take(1)
    assert window.wait(10.0, 1) == math.inf  # until a call in flight comes back
    for n in range(20):
        window.done(n * 0.5 + 1, 1)  # each came back a second after it left
    assert window.wait(10.0, 1) == pytest.approx(51.0)  # the first leaves 60 s after 1 s
    assert window.wait(10.0, 3) == pytest.approx(52.0)  # three must leave: the third at 2 s
    assert window.wait(61.0, 1) == 0
    window.pause(100.0)
    assert window.wait(70.0) == pytest.approx(30.0)
    assert not window.idle(90.0) and window.idle(200.0)


async def test_a_burst_of_answers_never_goes_over_telegrams_windows() -> None:
    """Ninety people answered at once, twelve answers to one of them, and bulk sends beside:
    no sliding second carries more than 30 counted calls as the simulator sees them, no person
    more than ten, no 429 is met, and everything arrives."""
    async with limited_bot() as (_, sim, limiter, bot):
        people = await started_users(sim, 120)
        busy = people[0]
        answers = [bot.send_message(p, "پاسخ شما") for p in people[:90]]
        answers += [bot.send_message(busy, f"پاسخ {n}") for n in range(11)]
        bulk = [
            bot.send_message(p, "گزارش هفته", rate_limit_args={"priority": "bulk"})
            for p in people[90:]
        ]
        sent = await asyncio.gather(*answers, *bulk)
        assert len(sent) == 131
        await sim.refresh()
        assert sim.flood_events == [] and limiter.stats.retries == 0
        assert sim.windows["calls"] == 131
        assert sim.windows["over"] == 0 and sim.windows["peak"] <= 30
        assert sim.windows["chat_over"] == {}


@asynccontextmanager
async def limited_bot() -> AsyncIterator[
    tuple[SimulatorServer, SimClient, PriorityRateLimiter, ExtBot[dict[str, Any]]]
]:
    """A bare bot with the project's rate limiter, against a simulator with Telegram's limits."""
    tok = f"7000000001:{secrets.token_urlsafe(27)}"
    async with SimulatorServer(token=tok, limits=Limits()) as server:
        limiter = PriorityRateLimiter()
        bot: ExtBot[dict[str, Any]] = ExtBot(tok, base_url=server.bot_api_url, rate_limiter=limiter)
        async with SimClient(server.control_url) as sim, bot:
            yield server, sim, limiter, bot


async def started_users(sim: SimClient, count: int) -> list[int]:
    """Users who have started the bot (so it may write to them)."""
    ids = []
    for n in range(count):
        view = await sim.request("POST", "/users", {"first_name": f"عضو {n}", "started": True})
        ids.append(view["id"])
    return ids


async def test_interactive_answer_overtakes_bulk_sends_and_no_429_leaks() -> None:
    async with limited_bot() as (server, sim, limiter, bot):
        members = await started_users(sim, 100)
        leader = members.pop()
        bulk = [
            asyncio.create_task(
                bot.send_message(m, "گزارش هفته", rate_limit_args={"priority": "bulk"})
            )
            for m in members
        ]
        await asyncio.sleep(0.05)  # the burst is gone; the rest wait in the limiter
        assert limiter.queued > 20
        answer = await bot.send_message(leader, "پاسخ شما")
        sent = await asyncio.gather(*bulk)
        assert len(sent) == 99 and all(m.text == "گزارش هفته" for m in sent)
        order = {
            m.chat_id: server.world.chats[m.chat_id].messages[m.message_id].seq
            for m in [*sent, answer]
        }
        behind = [m for m in sent if order[m.chat_id] > order[answer.chat_id]]
        assert len(behind) >= 40  # the answer went ahead of most of the queue
        await sim.refresh()
        assert sim.flood_events == []
        assert limiter.stats.sent["interactive"] == 1 and limiter.stats.sent["bulk"] == 99


async def test_a_429_is_obeyed_and_the_send_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    # python-telegram-bot warns on every RetryAfter unless it may hand out timedeltas.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with limited_bot() as (server, sim, limiter, bot):
        (member,) = await started_users(sim, 1)
        server.faults.flood(2, retry_after=1, method="sendMessage")
        message = await bot.send_message(member, "سلام", rate_limit_args={"priority": "low"})
        assert message.text == "سلام"
        assert limiter.stats.retries == 2 and limiter.stats.sent["low"] == 1
        chat = server.world.chats[member]
        assert [m.text for m in chat.messages.values() if m.from_bot] == ["سلام"]
        assert (INTERACTIVE, BULK, LOW) == (0, 1, 2)


async def test_jobs_wait_for_their_persons_update_and_bulk_jobs_send_as_bulk() -> None:
    processor = PersonUpdateProcessor(limit=4)
    events: list[str] = []
    gate = asyncio.Event()

    class FakeApp:
        update_processor = processor

    class FakeQueue:
        application = FakeApp()

    class FakeJob:
        """Stands in for telegram.ext.Job: JobQueue.job_callback awaits job.run(application)."""

        def __init__(self, name: str, user_id: int | None, chat_id: int | None) -> None:
            self.name, self.user_id, self.chat_id = name, user_id, chat_id

        async def run(self, application: object) -> None:
            events.append(f"{self.name} {current_priority().name.lower()}")

    async def slow_update() -> None:
        events.append("update")
        await gate.wait()

    running = asyncio.create_task(processor.process_update(message_update(1, 42), slow_update()))
    await asyncio.sleep(0)
    album = asyncio.create_task(
        PersonJobQueue.job_callback(FakeQueue(), FakeJob("album", 42, 42))  # type: ignore[arg-type]
    )
    reminders = asyncio.create_task(
        PersonJobQueue.job_callback(FakeQueue(), FakeJob("reminders", None, None))  # type: ignore[arg-type]
    )
    await asyncio.sleep(0.01)
    assert events == ["update", "reminders bulk"]  # the album's answer waits for the update
    gate.set()
    await asyncio.gather(running, album, reminders)
    assert events == ["update", "reminders bulk", "album interactive"]


async def test_a_hanging_call_holds_up_only_its_own_person(harness: Harness) -> None:
    sim = harness.sim
    reza, maryam = await sim.user("رضا"), await sim.user("مریم")
    await reza.send("/start")
    await maryam.send("/start")
    harness.server.faults.slow(1.0, count=1, method="sendMessage")
    slow = await reza.send("/help", wait=False)  # its answer hangs for a second
    for _ in range(200):  # until the bot's answer to Reza is the one hanging
        if not harness.server.faults.rules:
            break
        await asyncio.sleep(0.005)
    assert not harness.server.faults.rules
    quick = await maryam.send("/help")
    assert slow.update_id is not None and quick.update_id is not None
    assert slow.update_id not in harness.handled  # Maryam was answered meanwhile
    await harness.tracker.wait(slow.update_id)
    assert harness.handled.index(quick.update_id) < harness.handled.index(slow.update_id)
