"""Two or more real `python -m bot run` processes on one PostgreSQL database, and the simulator.

Used by tests/test_standby.py (bounded, in `make test`) and bench/bench_takeover.py (many kills,
figures). One process serves (it holds the instance lock), the others wait; `kill_at` kills the
serving one at a chosen Bot API call (the call never takes effect, as in tests/crashsoak.py), and
the people check what the next holder does.
"""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.channels import ChannelScope
from db.database import Database
from db.store import Store
from simulator.server import SimulatorServer
from simulator.state import Chat
from simulator.testing import SimUser
from tests.crashsoak import (
    QUESTIONS,
    BotProcess,
    Conversation,
    Trigger,
    answer_to,
    groups_in_arak,
    kill_at_trigger,
)

WAITING = "waiting (standby): the database is served by"
SERVING = "serving: this instance holds the database's instance lock"
LOST = "the instance lock is lost"
REVIEW = QUESTIONS.index("لطفاً گزارش را بررسی کنید")
STEP_TIMEOUT = 30.0


@dataclass
class Instance:
    """One bot process and its log."""

    number: int
    process: BotProcess
    log: Path

    def said(self, words: str) -> bool:
        """Whether the process's log has these words."""
        return self.log.exists() and words in self.log.read_text(encoding="utf-8", errors="replace")

    @property
    def pid(self) -> int:
        """The process id."""
        assert self.process.proc is not None
        return self.process.proc.pid

    @property
    def alive(self) -> bool:
        """Whether the process still runs."""
        proc = self.process.proc
        return proc is not None and proc.returncode is None


@dataclass
class Fleet:
    """Bot processes on one database, the simulator they talk to, and the kill switch."""

    server: SimulatorServer
    folder: Path
    url: str
    admin: int = 0
    instances: list[Instance] = field(default_factory=list)
    kills: list[tuple[str, float]] = field(default_factory=list)  # why, when (loop time)
    trigger: Trigger | None = None
    serving: Instance | None = None

    @property
    def config(self) -> Path:
        """The one config file every instance runs with."""
        return self.folder / "config.toml"

    def write_config(self, admin: int) -> None:
        """The config: the simulator, the database, no digest due on its own (grace 0)."""
        self.admin = admin
        self.config.write_text(
            f'[telegram]\ntoken = "{self.server.token}"\nbase_url = "{self.server.base_url}"\n'
            f"[bot]\nadmins = [{admin}]\n"
            f'[database]\nurl = "{self.url}"\n'
            '[digest]\nweekday = "saturday"\ntime = "00:00"\ngrace_days = 0\n',
            encoding="utf-8",
        )
        kill_at_trigger(self.server, self, self.kill)

    async def spawn(self) -> Instance:
        """Starts one more `python -m bot run`."""
        number = len(self.instances)
        log = self.folder / f"bot{number}.log"
        instance = Instance(number, BotProcess(self.config, log), log)
        await instance.process.start()
        self.instances.append(instance)
        return instance

    async def until(self, instance: Instance, words: str, limit: float = 60.0) -> None:
        """Waits (bounded) until the instance's log says the words."""
        deadline = asyncio.get_running_loop().time() + limit
        while not instance.said(words):
            if not instance.alive and not instance.said(words):
                raise AssertionError(f"bot{instance.number} ended: {instance.log.read_text()}")
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"bot{instance.number} never said {words!r}")
            await asyncio.sleep(0.05)

    async def standby(self) -> Instance:
        """Starts an instance and waits until it waits."""
        instance = await self.spawn()
        await self.until(instance, WAITING)
        return instance

    async def first(self) -> Instance:
        """Starts the first instance and waits until it serves (and polls)."""
        instance = await self.spawn()
        await self.until(instance, SERVING)
        self.serving = instance
        return instance

    def kill(self, why: str) -> None:
        """kill -9 of the serving instance."""
        assert self.serving is not None and self.serving.process.proc is not None
        self.kills.append((why, asyncio.get_running_loop().time()))
        self.serving.process.proc.send_signal(signal.SIGKILL)

    async def taken_over(self) -> Instance:
        """Waits until the old holder is dead and another instance serves; returns it."""
        old = self.serving
        assert old is not None
        await asyncio.wait_for(old.process.wait(), 60)  # the trigger fired, the kill was done
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            for instance in self.instances:
                if instance is not old and instance.alive and instance.said(SERVING):
                    self.serving = instance
                    return instance
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("no standby took over")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        """Stops every instance still running (cleanly)."""
        for instance in self.instances:
            if instance.alive:
                await instance.process.stop()

    async def end(self) -> None:
        """kill -9 of every instance still running (after a failed test)."""
        for instance in self.instances:
            instance.process.kill_now()
            await instance.process.wait()


async def seed(url: str, leaders: list[SimUser], channels: list[int]) -> None:
    """Each leader with an active group in Arak; the channels subscribed (national)."""
    store = Store(Database(url))
    await store.open()
    try:
        await groups_in_arak(store, leaders)
        for n, chat_id in enumerate(channels):
            await store.channels.add(chat_id, f"کانال {n}", ChannelScope.national())
    finally:
        await store.close()


def bot_texts(chat: Chat, after: int = 0) -> list[str]:
    """Texts of the bot's messages in a chat sent or edited after seq `after`, oldest first."""
    return [
        m.text or m.caption or ""
        for m in sorted(chat.messages.values(), key=lambda m: m.seq)
        if m.from_bot and m.seq > after and not m.deleted
    ]


def question(chat: Chat, after: int = 0) -> int | None:
    """The report question the person sees: the newest of the bot's words that is one."""
    for text in reversed(bot_texts(chat, after)):
        for number, words in enumerate(QUESTIONS):
            if words in text:
                return number
    return None


async def answered(chat: Chat, after: int, want: int | None, limit: float = STEP_TIMEOUT) -> int:
    """Waits (bounded) for the bot's next question after seq `after` (`want`, if given)."""
    deadline = asyncio.get_running_loop().time() + limit
    while asyncio.get_running_loop().time() < deadline:
        seen = question(chat, after)
        if seen is not None and (want is None or seen == want):
            return seen
        await asyncio.sleep(0.05)
    raise AssertionError(f"no answer after {after}: {bot_texts(chat, after)[-3:]}")


async def report_until(user: SimUser, chat: Chat, conv: Conversation, stop_at: int) -> None:
    """Answers the report's questions from /report until the question `stop_at` is shown."""
    world_seq = max((m.seq for m in chat.messages.values()), default=0)
    await user.send("/report", wait=False)
    seen = await answered(chat, world_seq, None)
    for _ in range(20):
        if seen == stop_at:
            return
        how, what = answer_to(seen, conv)
        after = max(m.seq for m in chat.messages.values())
        if how == "send":
            await user.send(what, wait=False)
        else:
            await user.client.refresh_chat(chat.id)
            await user.press(what, wait=False)
        seen = await answered(chat, after, None)
    raise AssertionError(f"20 answers and not at {QUESTIONS[stop_at]}: {bot_texts(chat)[-3:]}")


def receipt_trigger(chat_id: int) -> Trigger:
    """Fires when a person's receipt is about to go out: the report is saved, not yet answered."""

    def trigger(method: str, params: dict[str, Any]) -> str | None:
        hit = str(params.get("chat_id")) == str(chat_id) and QUESTIONS[-1] in str(
            params.get("text", "")
        )
        return "mid-report" if hit else None

    return trigger


def method_trigger(why: str, methods: tuple[str, ...], chat_id: int) -> Trigger:
    """Fires at the first of these methods sent to the chat."""

    def trigger(method: str, params: dict[str, Any]) -> str | None:
        return why if method in methods and str(params.get("chat_id")) == str(chat_id) else None

    return trigger
