"""Crash soak: the real bot process killed (SIGKILL) at seeded points while people report.

Used by tests/test_soak_crash.py (bounded, in `make test`) and bench/bench_crash_soak.py (longer,
prints figures). Many leaders report at once through the simulator, each as a person would: act,
wait for the bot's answer, act on what the bot shows. Meanwhile a supervisor kills the bot:

- once when the digest tick is half way through posting to several channels (the text of the
  second channel out, its chart (or chart and map) not),
- once in the middle of the idle-flow job (after its first reminders, before the others),
- then at seeded random moments, some aimed: just before a receipt is sent (the report saved,
  its update not yet marked handled) and just after an album arrived (before its answer job);

and starts it again at once each time. What the soak checks is returned in `Outcome`; the test
asserts on it, the benchmark prints it.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from bot.core.config import WEEKDAYS
from bot.core.i18n import label, t
from bot.core.jalali import TEHRAN
from bot.core.text import search_key
from db.channels import ChannelScope
from db.database import Database
from db.models import GroupStatus
from db.store import Store
from simulator.errors import ApiError
from simulator.server import SimulatorServer
from simulator.state import Chat
from simulator.testing import SimClient, SimUser

ROOT = Path(__file__).resolve().parent.parent
PLACE = "📍 همان محل گروه: اراک، استان مرکزی"
REMINDER = t("flow-reminder", flow="x").split("«")[0]  # «⏳ » then the flow's name
SAVED = "ثبت شد"
KILLED = "Internal Server Error: the soak killed the bot here"


@dataclass
class Plan:
    """How big a soak is, and its seed."""

    seed: int = 15
    leaders: int = 25  # at 40, interactive answers take the whole 30 a second and bulk sends wait
    reports_each: int = 8  # conversations per leader at least: they go on until the kills end
    random_kills: int = 8
    life: tuple[float, float] = (1.5, 3.5)  # seconds a process polls between random kills
    idle_people: int = 6  # drafts made old, for the idle-flow job to remind (4) and expire (2)
    channels: int = 3
    think: tuple[float, float] = (0.5, 1.5)  # seconds a person takes to answer
    step_timeout: float = 45.0  # a person waits this long for an answer before counting as stuck


@dataclass
class Outcome:
    """What happened, as the soak saw it and as SQLite holds it afterwards."""

    kills: list[str] = field(default_factory=list)  # why each kill happened
    conversations: int = 0
    actions: int = 0
    receipts: dict[int, int] = field(default_factory=dict)  # quantity -> reporter with a receipt
    reports: dict[int, int] = field(default_factory=dict)  # quantity -> rows stored
    abandoned: int = 0
    resumed_wrong: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    integrity: str = ""
    channel_charts: list[int] = field(default_factory=list)  # picture posts (chart or album) each
    channel_texts: list[int] = field(default_factory=list)  # text posts in each channel
    ledger_states: list[str] = field(default_factory=list)
    reminders: int = 0
    expiry_notices: int = 0
    unanswered_presses: int = 0
    violations: list[str] = field(default_factory=list)  # Telegram rules the bot broke
    startups: list[float] = field(default_factory=list)  # seconds from spawn to polling
    seconds: float = 0.0


class BotProcess:
    """The real `python -m bot run` in a subprocess, which the soak kills."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config = config
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Starts the bot."""
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "--config",
                str(self.config),
                "run",
                cwd=ROOT,
                stdout=out,
                stderr=out,
            )

    def kill_now(self) -> None:
        """SIGKILL: no shutdown, no flush (safe to call twice)."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)

    async def wait(self) -> None:
        """Waits for the process to end."""
        if self.proc is not None:
            await self.proc.wait()

    async def stop(self) -> None:
        """A clean stop."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), 30)


# The report's questions in flow order, each known by words of its text (locales/fa/report.ftl).
QUESTIONS = (
    "حوزهٔ خدمت",
    "کدام خدمت؟",
    "(عدد را بنویسید)",
    "بهره‌مند شدند",
    "چند نفر از اعضای گروه",
    "کجا انجام شد؟",
    "نام روستا یا محله",
    "چه روزی انجام شد",
    "توضیح کوتاه",
    "عکس دارید",
    "عکس دریافت شد",
    "لطفاً گزارش را بررسی کنید",
    SAVED,
)
Trigger = Callable[[str, dict[str, Any]], str | None]


@dataclass(frozen=True)
class Conversation:
    """One report a person means to make: `quantity` identifies it in the database."""

    quantity: int
    album: bool
    village: bool
    stop: int | None = None  # leave the draft after this many answers


def answer_to(question: int, conv: Conversation) -> tuple[str, str]:
    """What the person does at a question: (send|press|album, what)."""
    return [
        ("press", "معیشتی"),
        ("press", "بستهٔ معیشتی"),
        ("send", str(conv.quantity)),
        ("send", "40"),
        ("send", "6"),
        ("press", PLACE),
        ("send", "روستای خنداب") if conv.village else ("press", label("button-skip")),
        ("press", "دیروز"),
        ("press", label("button-skip")),
        ("album", "2") if conv.album else ("press", "بدون عکس"),
        ("press", "✅ تمام"),
        ("press", "✅ ثبت گزارش"),
    ][question]


class Armed(Protocol):
    """What kill_at_trigger reads: the trigger that names the call to die at, if any."""

    trigger: Trigger | None


def kill_at_trigger(server: SimulatorServer, armed: Armed, kill: Callable[[str], None]) -> None:
    """Makes the simulator kill the bot (kill(why)) at the call armed.trigger names, before that
    call takes effect; the trigger is spent then."""
    original = server.api.call

    async def call(method: str, params: Any, files: Any) -> Any:
        why = None if armed.trigger is None else armed.trigger(method, dict(params))
        if why is not None:
            armed.trigger = None
            kill(why)
            raise ApiError(500, KILLED)  # the call never takes effect; nobody hears this
        return await original(method, params, files)

    server.api.call = call  # type: ignore[method-assign]


async def groups_in_arak(store: Store, leaders: list[SimUser]) -> None:
    """Each person leads an active group of their own in Arak («گروه 0», «گروه 1», …)."""
    place = (await store.places.search_counties(search_key("اراک")))[0]
    for n, person in enumerate(leaders):
        await store.volunteers.seen(person.id, person.first_name, "", "")
        name = f"گروه {n}"
        await store.groups.create(
            name, search_key(name), place.province_id, place.id, None, person.id, GroupStatus.ACTIVE
        )


class Soak:
    """One crash soak over a simulator, a database file and a bot process."""

    def __init__(self, server: SimulatorServer, tmp: Path, plan: Plan) -> None:
        self.server = server
        self.world = server.world
        self.tmp = tmp
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.db_path = tmp / "soak.db"
        self.config = tmp / "config.toml"
        self.bot = BotProcess(self.config, tmp / "bot.log")
        self.out = Outcome()
        self.trigger: Trigger | None = None  # a kill aimed at a Bot API call
        self.kill_asked = asyncio.Event()
        self.album_kills = 0
        self.random_phase = False
        self.kills_left = plan.random_kills
        self.drivers_done = asyncio.Event()
        self.kills_done = asyncio.Event()
        self.sim: SimClient | None = None
        self.channel_ids: list[int] = []
        self.admin: SimUser | None = None

    # -- set-up ------------------------------------------------------------------------------

    async def setup(self, sim: SimClient) -> tuple[list[SimUser], list[SimUser], SimUser]:
        """People, their groups, channels and the config, all before the first start."""
        self.sim = sim
        owner = await sim.user("مالک کانال")
        admin = await sim.user("مدیر")
        leaders = [await sim.user(f"سرگروه{n}") for n in range(self.plan.leaders)]
        idle = [await sim.user(f"کند{n}") for n in range(self.plan.idle_people)]
        channels = [
            await sim.channel(f"کانال {n}", owner=owner, wait=False)
            for n in range(self.plan.channels)
        ]
        self.channel_ids = [c.id for c in channels]
        store = Store(Database(self.db_path))
        await store.open()
        await groups_in_arak(store, [*leaders, *idle])
        await store.close()
        # Due today at 00:00 in Tehran, whatever the real date: the first tick posts it (late).
        weekday = WEEKDAYS[(datetime.now(TEHRAN).date().weekday() + 2) % 7]
        self.config.write_text(
            f'[telegram]\ntoken = "{self.server.token}"\nbase_url = "{self.server.base_url}"\n'
            f"[bot]\nadmins = [{admin.id}]\n"
            f'[database]\npath = "{self.db_path}"\n'
            f'[digest]\nweekday = "{weekday}"\ntime = "00:00"\n',
            encoding="utf-8",
        )
        kill_at_trigger(self.server, self, self.ask_kill)
        self.admin = admin
        return leaders, idle, admin

    # -- people ------------------------------------------------------------------------------

    def _chat(self, user: SimUser) -> Chat:
        """The simulator's private chat with a person."""
        return self.world.chats[user.chat.id]

    def _bot_after(self, user: SimUser, seq: int) -> list[str]:
        """Texts of the bot's messages sent or edited in the person's chat after `seq`."""
        return [
            m.text or m.caption or ""
            for m in sorted(self._chat(user).messages.values(), key=lambda m: m.seq)
            if m.from_bot and m.seq > seq and not m.deleted
        ]

    async def _answered(
        self, user: SimUser, seq: int, press: str | None, want: str, any_answer: bool = False
    ) -> bool:
        """Waits until the bot answered an action with a question (`want`, if given), or with
        anything at all."""
        deadline = asyncio.get_running_loop().time() + self.plan.step_timeout
        while asyncio.get_running_loop().time() < deadline:
            pressed = press is None or self.world.callbacks[press].answered
            if pressed and any_answer and (press is not None or self._bot_after(user, seq)):
                return True
            question = self.screen(user, seq)
            if pressed and question is not None and (not want or QUESTIONS[question] == want):
                return True
            await asyncio.sleep(0.05)
        return False

    async def act(
        self, user: SimUser, how: str, what: str, want: str = "", *, any_answer: bool = False
    ) -> bool:
        """Does one step and waits for its answer; False (and noted) if none came."""
        assert self.sim is not None
        seq = self.world.seq
        press: str | None = None
        self.out.actions += 1
        if how == "send":
            await user.send(what, wait=False)
        elif how == "album":
            await user.send_album(int(what), wait=False)
            if self.random_phase and self.album_kills < 3 and self.kills_left > 0:
                self.album_kills += 1
                await asyncio.sleep(self.rng.uniform(0.0, 0.2))
                self.ask_kill("mid-album")
        else:
            await self.sim.refresh_chat(user.chat.id)
            sent = await user.press(what, wait=False)
            press = sent.callback_query_id
        if await self._answered(user, seq, press, want, any_answer):
            return True
        answered = press is None or self.world.callbacks[press].answered
        texts = [text[:40] for text in self._bot_after(user, seq)]
        self.out.stuck.append(
            f"{user.first_name}: {how} {what!r} got no answer (press answered: {answered},"
            f" the bot's words since: {texts}, kills so far: {len(self.out.kills)})"
        )
        return False

    def screen(self, user: SimUser, after: int) -> int | None:
        """The question the person sees: the newest of the bot's words after `after` that is one."""
        for text in reversed(self._bot_after(user, after)):
            for number, words in enumerate(QUESTIONS):
                if words in text:
                    return number
        return None

    async def converse(self, user: SimUser, conv: Conversation) -> int | None:
        """Makes one report answering what the bot shows (after a crash it may ask again);
        returns the question a draft was left at, or None when done (or stuck)."""
        self.out.conversations += 1
        begun = self.world.seq
        if not await self.act(user, "send", "/report"):
            return None
        answers = 0
        while answers < 40:
            question = self.screen(user, begun)
            if question is None or question == len(QUESTIONS) - 1:
                if question is not None:
                    self.out.receipts[conv.quantity] = user.id
                return None
            if conv.stop is not None and answers >= conv.stop and 2 <= question <= 8:
                return question
            how, what = answer_to(question, conv)
            if question == len(QUESTIONS) - 2:  # the save
                aim = self.random_phase and self.kills_left > 1 and self.trigger is None
                if aim and self.rng.random() < 0.2:
                    self.trigger = _receipt_trigger(user.chat.id)
            if not await self.act(user, how, what):
                return None
            answers += 1
            await asyncio.sleep(self.rng.uniform(*self.plan.think))
        self.out.stuck.append(f"{user.first_name}: 40 answers and no receipt")
        return None

    async def leader(self, user: SimUser, number: int) -> tuple[SimUser, int] | None:
        """A leader's reports, one after another until the kills are over (at least
        `reports_each`); the last one of every fourth leader is left unfinished."""
        for n in range(100):
            last = self.kills_done.is_set() and n >= self.plan.reports_each - 1
            conv = Conversation(
                10_000 + number * 100 + n,
                album=(number + n) % 5 == 0,
                village=n % 2 == 0,
                stop=self.rng.randint(3, 8) if last and number % 4 == 3 else None,
            )
            left = await self.converse(user, conv)
            if left is not None:
                self.out.abandoned += 1
                return user, left
            if self.out.stuck or last:
                return None
        return None

    async def idle_drafts(self, people: list[SimUser]) -> None:
        """People who start a report and leave it; their drafts are made old at once."""
        for person in people:
            await self.act(person, "send", "/report")
            await self.act(person, "press", "معیشتی")
        await asyncio.to_thread(_age_drafts, self.db_path, [p.id for p in people])

    # -- the supervisor ----------------------------------------------------------------------

    def ask_kill(self, why: str) -> None:
        """Kills the bot now if it is running (the supervisor starts it again)."""
        if (
            self.bot.proc is None
            or self.bot.proc.returncode is not None
            or self.kill_asked.is_set()
        ):
            return
        self.out.kills.append(why)
        self.bot.kill_now()
        self.kill_asked.set()

    async def _life(self, seconds: float | None) -> None:
        """Runs the bot until a kill is asked, `seconds` after it polls, or the people are done."""
        loop = asyncio.get_running_loop()
        self.kill_asked.clear()
        spawned = loop.time()
        await self.bot.start()
        for _ in range(3000):  # at most a minute; a kill may come before it polls
            if (self.world.last_get_updates or 0) > spawned or self.kill_asked.is_set():
                break
            await asyncio.sleep(0.02)
        self.out.startups.append(loop.time() - spawned)
        waits: list[asyncio.Future[object]] = [asyncio.ensure_future(self.kill_asked.wait())]
        waits.append(asyncio.ensure_future(self.drivers_done.wait()))
        if seconds is not None:
            waits.append(asyncio.ensure_future(asyncio.sleep(seconds)))
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            task.cancel()

    async def supervise(self) -> None:
        """Kills and restarts the bot on the plan while the people report; stops it cleanly
        when they are done."""
        # 1: the idle-flow job (30 s after start-up) is killed after its first reminder.
        self.trigger = _reminder_trigger()
        await self._life(60)
        self.ask_kill("late: the idle-flow job was not seen")
        await self.bot.wait()
        # 2: an admin posts the digest to the channels now; killed at the last channel's chart.
        await self._add_channels()
        self.trigger = _digest_trigger(self.channel_ids[-1])
        digest = asyncio.ensure_future(self._post_now())
        await self._life(60)
        self.ask_kill("late: the digest was not seen")
        await self.bot.wait()
        # 3: seeded random kills, some aimed by the people (an album, a receipt).
        self.random_phase = True
        while self.kills_left > 0 and not self.drivers_done.is_set():
            await self._life(self.rng.uniform(*self.plan.life))
            if self.drivers_done.is_set() and not self.kill_asked.is_set():
                break
            self.ask_kill("random")
            self.kills_left -= 1
            await self.bot.wait()
        self.random_phase = False
        self.trigger = None
        self.kills_done.set()
        if self.bot.proc is None or self.bot.proc.returncode is not None:
            await self._life(None)  # until the people are done
        await digest
        await self.bot.stop()

    async def _add_channels(self) -> None:
        """The channels join while the bot is down (so no digest tick posted before)."""
        store = Store(Database(self.db_path))
        await store.open()
        for number, chat_id in enumerate(self.channel_ids):
            await store.channels.add(chat_id, f"کانال {number}", ChannelScope.national())
        await store.close()

    async def _post_now(self) -> None:
        """The admin previews the digest and presses «post now»."""
        admin = self.admin
        assert admin is not None
        seq = self.world.seq
        await admin.send("/digest", wait=False)
        for _ in range(600):  # the preview's chart, with the button, within a minute
            if any(m.photo and m.seq > seq for m in self._chat(admin).messages.values()):
                break
            await asyncio.sleep(0.1)
        await self.act(admin, "press", label("digest-post-now"), "", any_answer=True)

    async def come_back(self, left: list[tuple[SimUser, int]]) -> None:
        """4: a fresh start: people come back to their drafts; the digest is complete."""
        await self.bot.start()
        await asyncio.gather(*(self._resume(user, question) for user, question in left))
        await self.bot.stop()

    # -- the whole run -----------------------------------------------------------------------

    async def run(self, sim: SimClient) -> Outcome:
        """Set-up, people and supervisor together, then the resumptions and the checks."""
        started = asyncio.get_running_loop().time()
        leaders, idle, _ = await self.setup(sim)
        supervisor = asyncio.ensure_future(self.supervise())
        await asyncio.sleep(1.0)
        # The idle drafts first, so that they are old by the job's first run.
        await self.idle_drafts(idle)
        results = await asyncio.gather(*(self.leader(user, n) for n, user in enumerate(leaders)))
        self.drivers_done.set()
        await supervisor
        await self.come_back([r for r in results if r is not None])
        self.out.seconds = asyncio.get_running_loop().time() - started
        await asyncio.to_thread(self._read_back, idle)
        return self.out

    async def _resume(self, user: SimUser, question: int) -> None:
        """The person comes back and answers the question their draft was left at: the bot
        must ask the next one (the draft resumed at its step)."""
        how, what = answer_to(question, Conversation(1999, album=False, village=True))
        if not await self.act(user, how, what, QUESTIONS[question + 1]):
            self.out.resumed_wrong.append(f"{user.first_name} at {QUESTIONS[question]}")

    def _read_back(self, idle: list[SimUser]) -> None:
        """Reads the database with plain sqlite3, and the channels and callbacks from the world."""
        with closing(sqlite3.connect(self.db_path)) as db:
            self.out.integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            for quantity, count in db.execute(
                "SELECT quantity, count(*) FROM reports GROUP BY quantity"
            ):
                self.out.reports[quantity] = count
            self.out.ledger_states = [
                r[0] for r in db.execute("SELECT state FROM digest_posts ORDER BY chat_id")
            ]
        for chat_id in self.channel_ids:
            posts = [m for m in self.world.chats[chat_id].messages.values() if m.from_bot]
            albums = {m.media_group_id for m in posts if m.photo and m.media_group_id}
            lone = sum(1 for m in posts if m.photo and not m.media_group_id)
            self.out.channel_charts.append(lone + len(albums))  # a chart, or chart and map
            self.out.channel_texts.append(sum(1 for m in posts if not m.photo))
        for person in idle:
            for message in self.world.chats[person.chat.id].messages.values():
                text = message.text or ""
                self.out.reminders += message.from_bot and text.startswith(REMINDER)
                self.out.expiry_notices += message.from_bot and "بسته شد" in text
        self.world.sweep_callbacks()
        self.out.violations = [
            f"{v.method}: {v.description}"
            for v in self.world.violations
            if KILLED not in v.description
        ]
        self.out.unanswered_presses = sum(
            1 for c in self.world.callbacks.values() if not c.answered
        )


def _digest_trigger(chat_id: int) -> Trigger:
    """Fires at the chart (with the map, an album, when the week has one) of the channel: its
    text is out and recorded."""
    chat = str(chat_id)
    pictures = ("sendPhoto", "sendMediaGroup")

    def trigger(method: str, params: dict[str, Any]) -> str | None:
        return "mid-digest" if method in pictures and str(params.get("chat_id")) == chat else None

    return trigger


def _reminder_trigger() -> Trigger:
    """Fires at the idle-flow job's second reminder (the expiries and one reminder went out)."""
    seen: list[str] = []

    def trigger(method: str, params: dict[str, Any]) -> str | None:
        text = str(params.get("text", ""))
        if method != "sendMessage" or not text.startswith(REMINDER):
            return None
        seen.append(str(params.get("chat_id")))
        return "mid-idle-flow-job" if len(seen) == 2 else None

    return trigger


def _receipt_trigger(chat_id: int) -> Trigger:
    """Fires when a person's receipt is about to go out: the report is saved, not yet answered."""

    def trigger(method: str, params: dict[str, Any]) -> str | None:
        text = str(params.get("text", ""))
        hit = str(params.get("chat_id")) == str(chat_id) and SAVED in text
        return "before-receipt" if hit else None

    return trigger


def _age_drafts(db_path: Path, people: list[int]) -> None:
    """Makes the idle people's drafts old: most past the reminder, the last two past expiry."""
    now = datetime.now(UTC)
    with closing(sqlite3.connect(db_path, timeout=30)) as db, db:  # the bot is writing too
        for n, person in enumerate(people):
            age = timedelta(hours=30) if n >= len(people) - 2 else timedelta(hours=2)
            db.execute(
                "UPDATE drafts SET updated_at = ? WHERE volunteer_id = ?",
                ((now - age).isoformat(timespec="seconds"), person),
            )
