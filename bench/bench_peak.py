"""The national peak under real latency: open-loop report steps, the floor, memory, start-up.

Every Bot API call goes through the project's simulator with a round trip (`--latency`, 50 ms by
default: half on the way to the server, half back, getUpdates included) and flood control on.

1. Open loop: `--leaders` group leaders file reports step by step; steps arrive at a fixed rate
   (10, 20, 40 a second) whoever is free takes the next one, and every leader pauses at least
   `--think` seconds between steps, like a person. A step's latency runs from the person's action
   to the bot having finished that update (every Bot API call it waited for included). Prints
   p50/p95/p99, the rate served, and whether a queue built up (steps that found no free leader,
   updates waiting in the bot, requests waiting in the rate limiter).
2. The floor in the same run: a bare python-telegram-bot echo bot (one sendMessage per update,
   library defaults) on a fresh simulator with the same latency and limits, same open loop.
3. The ceiling Telegram's limits allow: 30 messages a second over the rate-limited calls a step
   costs (measured); prints ours / floor and ours / ceiling.
4. Memory and start-up of the real `khedmatyar run` process: RSS idle, RSS with 10,000 open
   drafts (drafts and conversation states loaded), and time from spawn to its first getUpdates.

5. The same open loop with the bot on PostgreSQL (`--engines sqlite,postgresql`, a throwaway
   cluster with durable settings, tests/pgcluster.py): steps served on each engine.

    .venv/bin/python bench/bench_peak.py [--latency 0.05] [--rates 10,20,40] [--seconds 20]
        [--engines sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from stats import percentile
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application
from bot.core.config import is_postgresql, parse_config
from bot.core.text import search_key
from bot.runner import start_polling, stop
from bot.runtime.ratelimit import PriorityRateLimiter
from bot.runtime.updates import PersonUpdateProcessor
from db.database import Database
from db.models import GroupStatus
from db.store import Store
from simulator.limits import Limits
from simulator.server import SimulatorServer
from simulator.testing import ProcessedTracker, SimClient, SimUser
from tests.pgcluster import running_cluster

ROOT = Path(__file__).resolve().parent.parent
BOT_ID = 7000000001
TELEGRAM_RATE = 30.0  # messages a second per bot

REPORT: list[tuple[str, str]] = [
    ("send", "/report"),
    ("press", "معیشتی"),
    ("press", "بستهٔ معیشتی"),
    ("send", "120"),
    ("send", "۴۵"),
    ("send", "8"),
    ("press", "📍 همان محل گروه: اراک، استان مرکزی"),
    ("send", "روستای خنداب"),
    ("press", "دیروز"),
    ("send", "توزیع بسته با کمک خیرین"),
    ("press", "بدون عکس"),
    ("press", "✅ ثبت گزارش"),
]


def token() -> str:
    """A token with the shape of a real one (the config checks it)."""
    return f"{BOT_ID}:{secrets.token_urlsafe(27)}"


def pct(values: list[float], p: int) -> float:
    """The p-th percentile of seconds, in milliseconds."""
    return percentile(values, p) * 1000


@dataclass
class Run:
    """What one open-loop run measured."""

    name: str
    rate: float
    latencies: list[float] = field(default_factory=list)
    done_at: list[float] = field(default_factory=list)  # seconds after the first arrival
    offered: int = 0
    missed_slots: int = 0
    max_debt: int = 0
    max_bot_queue: int = 0
    max_limiter_queue: int = 0
    seconds: float = 0.0
    errors: int = 0
    windows_over: int = -1  # sliding seconds over 30 counted calls, as the simulator saw them
    busiest: int = 0  # the most counted calls in any one second

    @property
    def served(self) -> float:
        """Steps finished per second while steps arrived, past the first quarter (ramp-up)."""
        start = self.seconds / 4
        done = sum(1 for t in self.done_at if start <= t <= self.seconds)
        return done / (self.seconds - start) if self.seconds else 0.0

    def queue_built(self) -> str:
        """Whether work piled up: late steps, or latency growing through the run."""
        n = len(self.latencies)
        if n < 8:
            return "?"
        first = statistics.median(self.latencies[: n // 4])
        last = statistics.median(self.latencies[-(n // 4) :])
        growing = last > 2 * first and last - first > 0.1
        return "yes" if growing or self.max_debt > 0 else "no"


class Person:
    """A simulated person who takes a script of steps in a loop."""

    def __init__(self, user: SimUser, script: list[tuple[str, str]], group_id: int = 0) -> None:
        self.user = user
        self.script = script
        self.position = 0
        self.group_id = group_id

    async def step(self) -> None:
        """Takes the next step of the script."""
        how, what = self.script[self.position]
        self.position = (self.position + 1) % len(self.script)
        if how == "send":
            await self.user.send(what)
        else:
            await self.user.press(what)


async def open_loop(
    run: Run,
    people: list[Person],
    *,
    seconds: float,
    think: float,
    seed: int,
    sample: Callable[[], tuple[int, int]],
) -> None:
    """Steps arrive every 1/rate s; a free person takes each, or it waits (a queue)."""
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    ready: list[Person] = list(people)
    rng.shuffle(ready)
    debt = 0
    tasks: set[asyncio.Task[None]] = set()
    began = loop.time()
    run.seconds = seconds

    def release(person: Person) -> None:
        """The person is free again: takes a waiting step at once, else joins the ready pool."""
        nonlocal debt
        if debt > 0:
            debt -= 1
            launch(person)
        else:
            ready.append(person)

    async def take(person: Person) -> None:
        """One step, then a person's pause."""
        t0 = loop.time()
        try:
            await person.step()
        except Exception as exc:
            run.errors += 1
            print(f"  step failed: {exc!r}"[:300], file=sys.stderr)
        end = loop.time()
        run.latencies.append(end - t0)
        run.done_at.append(end - began)
        await asyncio.sleep(think * (1 + rng.random()))
        release(person)

    def launch(person: Person) -> None:
        """Starts a person's step."""
        task = loop.create_task(take(person))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def watch() -> None:
        """Samples the queues while the run lasts."""
        while True:
            bot_queue, limiter_queue = sample()
            run.max_bot_queue = max(run.max_bot_queue, bot_queue)
            run.max_limiter_queue = max(run.max_limiter_queue, limiter_queue)
            await asyncio.sleep(0.05)

    watcher = loop.create_task(watch())
    slots = int(run.rate * seconds)
    for i in range(slots):
        delay = began + i / run.rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        run.offered += 1
        if ready:
            launch(ready.pop(rng.randrange(len(ready))))
        else:
            run.missed_slots += 1
            debt += 1
            run.max_debt = max(run.max_debt, debt)
    # Let the steps that arrived finish (bounded), but stop offering new ones.
    deadline = loop.time() + 30
    while tasks and loop.time() < deadline:
        await asyncio.wait(list(tasks), timeout=0.1)
    watcher.cancel()
    for task in list(tasks):
        task.cancel()


def backlog(app: Any) -> Callable[[], tuple[int, int]]:
    """What the bot has yet to do, sampled during a run: the updates waiting (queued and behind
    a person's lock) and the calls waiting in the rate limiter."""
    processor, limiter = app.update_processor, app.bot.rate_limiter
    assert isinstance(processor, PersonUpdateProcessor)
    assert isinstance(limiter, PriorityRateLimiter)

    def sample() -> tuple[int, int]:
        return app.update_queue.qsize() + processor.waiting, limiter.queued

    return sample


async def leaders(sim: SimClient, store: Store, count: int) -> list[Person]:
    """Leaders of one active group each (in Arak), to file reports step by step."""
    place = (await store.places.search_counties(search_key("اراک")))[0]
    people = []
    for i in range(count):
        user = await sim.user(f"سرگروه {i}")
        await store.volunteers.seen(user.id, user.first_name, "", "")
        group = await store.groups.create(
            f"گروه {i}", f"گروه{i}", place.province_id, place.id, None, user.id,
            GroupStatus.ACTIVE,
        )  # fmt: skip
        people.append(Person(user, REPORT, group))
    return people


async def spread(people: list[Person], rate: float) -> int:
    """Walks leader i through i mod len(script) steps, at most `rate` steps a second overall.

    Afterwards the leaders stand at every step of the flow in equal numbers, as they would at
    a peak that has been going on for a while (not all at its first step).
    """
    loop = asyncio.get_running_loop()
    turn = asyncio.Semaphore(0)
    total = sum(i % len(p.script) for i, p in enumerate(people))

    async def walk(person: Person, count: int) -> None:
        for _ in range(count):
            await turn.acquire()
            await person.step()

    walkers = [loop.create_task(walk(p, i % len(p.script))) for i, p in enumerate(people)]
    for _ in range(total):
        turn.release()
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*walkers)
    return total


async def drained(limiter: PriorityRateLimiter, limit: float = 90) -> None:
    """Waits (bounded) until the sends the limiter deferred have gone out."""
    for _ in range(int(limit * 10)):
        if not limiter.queued:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1)


# -- our bot ---------------------------------------------------------------------------------


async def ours(args: argparse.Namespace, database: str) -> tuple[list[Run], float, float]:
    """The real bot in-process against a simulator with latency and flood control, on an SQLite
    file or a PostgreSQL database."""
    tracker = ProcessedTracker()
    tok = token()
    runs: list[Run] = []
    async with SimulatorServer(token=tok, limits=Limits(), latency=args.latency) as server:
        key = "url" if is_postgresql(database) else "path"
        config = parse_config(
            {
                "telegram": {"token": tok, "base_url": server.base_url},
                "database": {key: database},
            }
        )
        app = build_application(config)
        tracker.track(app)
        await start_polling(app, poll_timeout=10)
        store = app.bot_data.store
        processor = app.update_processor
        limiter = app.bot.rate_limiter
        assert isinstance(processor, PersonUpdateProcessor)
        assert isinstance(limiter, PriorityRateLimiter)
        sample = backlog(app)

        async with SimClient(
            server.control_url, wait_processed=tracker.wait, timeout=60, refresh_all=False
        ) as sim:
            people = await leaders(sim, store, args.leaders)
            channels = []
            for i in range(args.digest):  # the bot is an administrator of each
                view = await sim.request("POST", "/channels", {"title": f"کانال {i}"})
                channels.append(int(view["id"]))
            if args.warmup:  # leaders spread over the whole flow, as at a real peak
                began = asyncio.get_running_loop().time()
                steps = await spread(people, args.warmup)
                took = asyncio.get_running_loop().time() - began
                print(f"  warm-up (not counted): {steps} steps in {took:.0f} s", flush=True)
            await drained(limiter)
            limiter.stats = type(limiter.stats)()
            for rate in args.rates:
                sent_before = sum(limiter.stats.sent.values())
                run = Run("ours", rate)
                await sim.clear_records()
                await open_loop(
                    run,
                    people,
                    seconds=args.seconds,
                    think=args.think,
                    seed=args.seed,
                    sample=sample,
                )
                run_calls = sum(limiter.stats.sent.values()) - sent_before
                run.name = f"ours ({run_calls / max(1, len(run.latencies)):.2f} calls/step)"
                await drained(limiter)  # deferred strips go out between runs (and are counted)
                await count_windows(sim, run)
                runs.append(run)
                print_run(run)
            calls = sum(limiter.stats.sent.values())
            answers = limiter.stats.sent["interactive"]
            steps = sum(len(r.latencies) for r in runs)
            if args.digest:
                await digest_run(args, app, sim, people, channels, sample)
            await sim.refresh()
            violations = len(sim.violations)
            floods = len(sim.flood_events)
        reports = await store.reports.count()
        print(
            f"  reports saved {reports}; rate-limited calls {limiter.stats.sent} "
            f"({calls / steps:.2f} a step); 429s seen {floods}, retried {limiter.stats.retries}, "
            f"given up {limiter.stats.gave_up}; rule violations {violations}; "
            f"updates at once (peak) {processor.peak_in_flight}"
        )
        await stop(app)
    return runs, calls / steps, answers / steps


async def digest_run(
    args: argparse.Namespace,
    app: Any,
    sim: SimClient,
    people: list[Person],
    channels: list[int],
    sample: Callable[[], tuple[int, int]],
) -> None:
    """Steps at 20/s while a weekly digest goes out to many channels at bulk priority."""
    loop = asyncio.get_running_loop()
    finished: list[float] = []
    run = Run(f"ours + digest to {len(channels)} channels", 20.0)

    async def one(chat_id: int, began: float) -> None:
        await app.bot.send_message(
            chat_id, "📊 گزارش هفتگی خدمات", rate_limit_args={"priority": "bulk"}
        )
        finished.append(loop.time() - began)

    async def digest() -> None:
        await asyncio.sleep(2)
        began = loop.time()
        await asyncio.gather(*(one(c, began) for c in channels))

    sending = loop.create_task(digest())
    await sim.clear_records()
    await open_loop(
        run, people, seconds=args.seconds, think=args.think, seed=args.seed + 2, sample=sample
    )
    await asyncio.wait_for(sending, 120)
    await count_windows(sim, run)
    print_run(run)
    print(
        f"  digest: {len(finished)} channel posts, all out {max(finished):.1f} s after it"
        f" began ({len(finished) / max(finished):.1f}/s beside the answers)",
        flush=True,
    )


# -- the floor: a bare python-telegram-bot echo bot ------------------------------------------


class _Instrumentable(Application[Any, Any, Any, Any, Any, Any]):
    """python-telegram-bot's Application as it is, with a __dict__ so the bench can wrap it."""


async def floor(args: argparse.Namespace) -> list[Run]:
    """A bare echo bot (library defaults: one update at a time, no rate limiter)."""
    tracker = ProcessedTracker()
    tok = token()
    runs: list[Run] = []
    async with SimulatorServer(token=tok, limits=Limits(), latency=args.latency) as server:
        app: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .application_class(_Instrumentable)
            .token(tok)
            .base_url(server.bot_api_url)
            .context_types(ContextTypes())
            .build()
        )

        async def echo(update: Update, context: Any) -> None:
            """Sends the text back."""
            assert update.effective_chat is not None and update.effective_message is not None
            await update.effective_chat.send_message(update.effective_message.text or "?")

        app.add_handler(MessageHandler(filters.TEXT, echo))
        tracker.track(app)
        await app.initialize()
        assert app.updater is not None
        await app.updater.start_polling(timeout=10)
        await app.start()

        def sample() -> tuple[int, int]:
            return app.update_queue.qsize(), 0

        async with SimClient(
            server.control_url, wait_processed=tracker.wait, timeout=60, refresh_all=False
        ) as sim:
            people = [
                Person(await sim.user(f"کاربر {i}"), [("send", f"سلام {i}")])
                for i in range(args.leaders)
            ]
            for rate in args.rates:
                run = Run("echo floor (1.00 calls/step)", rate)
                await sim.clear_records()
                await open_loop(
                    run,
                    people,
                    seconds=args.seconds,
                    think=args.think,
                    seed=args.seed,
                    sample=sample,
                )
                await count_windows(sim, run)
                runs.append(run)
                print_run(run)
                await asyncio.sleep(2)
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    return runs


# -- memory and start-up of the real process -------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def fill_drafts(db_path: Path, count: int) -> None:
    """Stores `count` leaders with an open report draft, mid-flow."""
    store = Store(Database(db_path))
    await store.open()
    rows = []
    for i in range(count):
        uid = 2_000_000 + i
        draft = {
            "key": secrets.token_hex(16),
            "panel": 7,
            "step": "description",
            "seq": 11,
            "shown": True,
            "group_id": 1,
            "area_id": 3,
            "category_id": 12,
            "quantity": 120,
            "beneficiaries": 45,
            "volunteers": 8,
            "province_id": 20,
            "county_id": 300,
            "place": "روستای خنداب",
            "service_date": "2026-11-20",
            "photos": [],
        }
        rows.append((uid, json.dumps(draft, ensure_ascii=False)))
    async with store.db.transaction():  # the draft is a flow's only state
        await store.db.executemany(
            "INSERT INTO drafts (volunteer_id, kind, data, updated_at)"
            " VALUES (?, 'report', ?, datetime('now'))",
            rows,
        )
    await store.close()


async def process_figures(args: argparse.Namespace, db_dir: Path) -> dict[str, float]:
    """Start-up to first getUpdates and RSS of `khedmatyar run`, idle and with open drafts."""
    figures: dict[str, float] = {}
    for label, drafts in (("idle", 0), ("drafts", args.drafts)):
        tok = token()
        db_path = db_dir / f"proc-{label}.db"
        if drafts:
            await fill_drafts(db_path, drafts)
        async with SimulatorServer(token=tok, latency=args.latency) as server:
            config = db_dir / f"{label}.toml"
            config.write_text(
                f'[telegram]\ntoken = "{tok}"\nbase_url = "{server.base_url}"\n'
                f'[database]\npath = "{db_path}"\n[bot]\nlog_level = "WARNING"\n',
                encoding="utf-8",
            )
            loop = asyncio.get_running_loop()
            began = loop.time()
            proc = await asyncio.create_subprocess_exec(
                str(ROOT / ".venv" / "bin" / "khedmatyar")
                if (ROOT / ".venv").exists()
                else sys.executable,
                *(() if (ROOT / ".venv").exists() else ("-m", "bot")),
                "--config",
                str(config),
                "run",
                cwd=str(ROOT),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
                env={**os.environ, "KHEDMATYAR_TOKEN": tok},
            )
            try:
                while server.world.last_get_updates is None:
                    if proc.returncode is not None or loop.time() - began > 60:
                        raise RuntimeError(f"the bot did not start ({label})")
                    await asyncio.sleep(0.005)
                if label == "idle":
                    figures["start-up to first getUpdates s"] = loop.time() - began
                await asyncio.sleep(3)  # settle: post_init, first jobs, lazy imports
                figures[f"RSS {label} MB"] = rss_mb(proc.pid)
            finally:
                proc.terminate()
                await proc.wait()
    return figures


# -- printing ---------------------------------------------------------------------------------


def print_run(run: Run) -> None:
    """One line per run."""
    lat = run.latencies
    print(
        f"  {run.name:<32} offered {run.rate:>4.0f}/s  served {run.served:5.1f}/s  "
        f"p50 {pct(lat, 50):6.0f} ms  p95 {pct(lat, 95):6.0f} ms  p99 {pct(lat, 99):6.0f} ms  "
        f"steps {len(lat):4d}  no free leader {run.missed_slots:3d}  "
        f"bot queue max {run.max_bot_queue:3d}  limiter queue max {run.max_limiter_queue:3d}  "
        f"queue built {run.queue_built()}  errors {run.errors}  "
        f"seconds over 30 {run.windows_over} (busiest {run.busiest})",
        flush=True,
    )


async def count_windows(sim: SimClient, run: Run) -> None:
    """Notes the sliding windows the simulator counted during a run (cleared before it)."""
    await sim.refresh()
    run.windows_over, run.busiest = sim.windows["over"], sim.windows["peak"]


async def main(args: argparse.Namespace) -> None:
    """Runs every part and prints the comparison."""
    print(
        f"latency {args.latency * 1000:.0f} ms per call, flood control on, {args.leaders} "
        f"leaders, {args.seconds:g} s per rate, pause >= {args.think:g} s between steps",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        db_dir = Path(tmp)
        by_engine: dict[str, list[Run]] = {}
        for engine in args.engines:
            print(f"this bot (full report flow) on {engine}:", flush=True)
            if engine == "sqlite":
                measured = await ours(args, str(db_dir / "ours.db"))
            else:
                with running_cluster(durable=True) as cluster:
                    with psycopg.connect(cluster.url(), autocommit=True) as admin:
                        admin.execute("CREATE DATABASE peak")
                    measured = await ours(args, cluster.url("peak"))
            by_engine[engine] = measured[0]
            if engine == args.engines[0]:
                our_runs, per_step, answers_per_step = measured
        if len(by_engine) > 1:
            first, *others = args.engines
            print(f"steps served per second, each engine against {first}:")
            for i, run in enumerate(by_engine[first]):
                cells = "  ".join(
                    f"{e} {by_engine[e][i].served:5.1f} ({by_engine[e][i].served / run.served:4.2f}"
                    f", p99 {pct(by_engine[e][i].latencies, 99):.0f} ms)"
                    for e in others
                )
                print(
                    f"  offered {run.rate:>4.0f}/s: {first} {run.served:5.1f}"
                    f" (p99 {pct(run.latencies, 99):.0f} ms)  {cells}"
                )
        if args.skip_floor:
            return
        print("floor (bare python-telegram-bot echo bot):", flush=True)
        floor_runs = await floor(args)
        # Two ceilings: every rate-limited call a step makes, and only the answers a person
        # waits for (old panels' buttons are stripped at low priority, deferred under overload).
        ceiling = TELEGRAM_RATE / per_step
        answers_ceiling = TELEGRAM_RATE / answers_per_step
        print(
            f"ceiling: {TELEGRAM_RATE:.0f} messages/s / {per_step:.2f} rate-limited calls a step"
            f" = {ceiling:.1f} steps/s; answers only ({answers_per_step:.2f} a step, strips"
            f" deferred): {answers_ceiling:.1f} steps/s"
        )
        print("ours / floor and ours / ceiling (steps served per second):")
        for mine, base in zip(our_runs, floor_runs, strict=True):
            print(
                f"  offered {mine.rate:>4.0f}/s: ours {mine.served:5.1f}, floor {base.served:5.1f}"
                f"  ours/floor {mine.served / base.served:4.2f}  "
                f"ours/ceiling {mine.served / ceiling:4.2f} (answers only "
                f"{mine.served / answers_ceiling:4.2f})  "
                f"p99 ours {pct(mine.latencies, 99):.0f} ms vs floor "
                f"{pct(base.latencies, 99):.0f} ms"
            )
        if not args.skip_process:
            print("the khedmatyar process:", flush=True)
            for key, value in (await process_figures(args, db_dir)).items():
                print(f"  {key:<36} {value:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="round trip, seconds")
    parser.add_argument(
        "--rates", type=lambda s: [float(x) for x in s.split(",")], default=[10.0, 20.0, 40.0]
    )
    parser.add_argument("--leaders", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0, help="arrivals per rate")
    parser.add_argument("--think", type=float, default=1.5, help="least pause between steps")
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-process", action="store_true")
    parser.add_argument("--engines", type=lambda s: s.split(","), default=["sqlite", "postgresql"])
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--digest", type=int, default=300, help="channels (0: no digest run)")
    parser.add_argument(
        "--warmup", type=float, default=25.0, help="steps/s of the unmeasured spread (0: none)"
    )
    asyncio.run(main(parser.parse_args()))
