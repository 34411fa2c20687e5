"""Weekly reminders to a national network's leaders, spread over their window, beside leaders
reporting: none late beyond the window, no person's answer kept waiting, no second over 30.

Every Bot API call goes through the simulator with a round trip (`--latency`, 50 ms) and flood
control on, as in bench_peak.py. `--leaders-reminded` leaders (50,000) of silent groups are made
directly in the simulator and the bot's database; the bot's clock reads Thursday 18:00 in Tehran
when the run begins and runs at real speed, and `[reminders] window_minutes` is shortened
(`--window`, 40 minutes: 50,000 reminders need 28 minutes of Telegram's whole budget). The real
JobQueue runs the reminder tick every minute. Meanwhile `--reporters` leaders file reports step by
step at `--rate` steps a second (open loop, as in bench_peak.py), first for `--before` seconds
before the window (the baseline), then through it. Prints the reminders sent each minute against
the share the window calls for, when the last went out against the window's end, the reporters'
step latency before and during, 429s met, and the sliding windows over Telegram's limits as the
simulator counted them.

    .venv/bin/python bench/bench_reminders.py [--leaders-reminded 50000] [--window 40]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench_peak import Run, backlog, leaders, open_loop, print_run, spread, token

from bot.app import build_application
from bot.core.config import parse_config
from bot.runner import start_polling, stop
from bot.runtime.ratelimit import PriorityRateLimiter
from db.database import Database
from db.store import Store
from simulator.limits import Limits
from simulator.server import SimulatorServer
from simulator.testing import ProcessedTracker, SimClient

THURSDAY_18 = datetime(2026, 11, 19, 14, 30, tzinfo=UTC)  # Thursday 18:00 in Tehran
WEEK = "2026-11-14"


async def fill(db_path: Path, user_ids: list[int]) -> None:
    """One silent group per leader, each leader with reminders on."""
    store = Store(Database(db_path))
    await store.open()
    db = store.db
    county = await db.fetchone("SELECT id, province_id FROM counties LIMIT 1")
    assert county is not None
    now = "2026-11-01T08:30:00+00:00"
    async with db.transaction():
        await db.executemany(
            "INSERT INTO volunteers (id, first_name, last_name, created_at, last_seen_at)"
            " VALUES (?, ?, '', ?, ?)",
            [(uid, f"سرگروه {n}", now, now) for n, uid in enumerate(user_ids)],
        )
        await db.executemany(
            "INSERT INTO groups (id, name, search_key, province_id, county_id, created_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (n + 1, f"گروه {n}", f"گروه{n}", county[1], county[0], uid, now, now)
                for n, uid in enumerate(user_ids)
            ],
        )
        await db.executemany(
            "INSERT INTO memberships (group_id, volunteer_id, role, joined_at)"
            " VALUES (?, ?, 'leader', ?)",
            [(n + 1, uid, now) for n, uid in enumerate(user_ids)],
        )
    await store.close()


async def main(args: argparse.Namespace) -> None:
    """Runs the reminders' window beside the reporters and prints what happened."""
    tok = token()
    tracker = ProcessedTracker()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "reminders.db"
        async with SimulatorServer(token=tok, limits=Limits(), latency=args.latency) as server:
            world = server.world
            reminded = [
                world.create_user(f"سرگروه {n}", started=True).id
                for n in range(args.leaders_reminded)
            ]
            began = time.perf_counter()
            await fill(db_path, reminded)
            took = time.perf_counter() - began
            print(f"{len(reminded):,} leaders of silent groups made in {took:.0f} s", flush=True)
            config = parse_config(
                {
                    "telegram": {"token": tok, "base_url": server.base_url},
                    "database": {"path": str(db_path)},
                    "reminders": {"window_minutes": args.window},
                }
            )
            origin: list[float] = []  # when the window began (the bot's Thursday 18:00)

            def clock() -> datetime:
                if not origin:
                    return THURSDAY_18 - timedelta(hours=1)
                return THURSDAY_18 + timedelta(seconds=time.monotonic() - origin[0])

            app = build_application(config, clock=clock)
            tracker.track(app)
            await start_polling(app, poll_timeout=10)
            store = app.bot_data.store
            limiter = app.bot.rate_limiter
            assert isinstance(limiter, PriorityRateLimiter)
            sample = backlog(app)

            async with SimClient(
                server.control_url, wait_processed=tracker.wait, timeout=60, refresh_all=False
            ) as sim:
                people = await leaders(sim, store, args.reporters)
                for person in people:  # they report; the reminders are for the others
                    await store.reminders.switch(person.user.id, person.group_id, on=False)
                await spread(people, 25)  # leaders at every step of the flow
                await sim.clear_records()
                baseline = Run("reporters before the window", args.rate)
                await open_loop(
                    baseline, people, seconds=args.before, think=1.5, seed=1, sample=sample
                )
                print_run(baseline)
                origin.append(time.monotonic())
                during = Run("reporters during reminders", args.rate)
                loop = asyncio.get_running_loop()
                minutes: list[tuple[float, int]] = []
                last_sent: list[float] = []

                async def watch() -> None:
                    total = args.leaders_reminded
                    while True:
                        await asyncio.sleep(60)
                        sent = await store.reminders.sent_count(date.fromisoformat(WEEK))
                        elapsed = (clock() - THURSDAY_18).total_seconds()
                        minutes.append((elapsed, sent))
                        share = min(1.0, elapsed / (args.window * 60))
                        print(
                            f"  {elapsed / 60:5.1f} min: {sent:6,} reminders sent"
                            f" (the window calls for {math.ceil(total * share):6,})",
                            flush=True,
                        )
                        if sent >= total and not last_sent:
                            last_sent.append(elapsed)

                watcher = loop.create_task(watch())
                seconds = args.window * 60 + 60
                await open_loop(during, people, seconds=seconds, think=1.5, seed=2, sample=sample)
                print_run(during)
                for _ in range(600):  # until every reminder is claimed and the outbox empty
                    sent = await store.db.scalar(
                        "SELECT COUNT(*) FROM reminders_sent WHERE week_start = ?", (WEEK,)
                    )
                    waiting = await store.db.scalar(
                        "SELECT COUNT(*) FROM outbox WHERE state = 'pending'"
                    )
                    if sent >= args.leaders_reminded and not waiting and not limiter.queued:
                        break
                    await asyncio.sleep(1)
                watcher.cancel()
                finished = await store.db.scalar(
                    "SELECT MAX(sent_at) FROM reminders_sent WHERE week_start = ?", (WEEK,)
                )
                await sim.refresh()
                windows, floods = sim.windows, len(sim.flood_events)
                delivered = sum(
                    1 for uid in reminded for m in world.chats[uid].messages.values() if m.from_bot
                )
            await stop(app)
    end = datetime.fromisoformat(finished) if finished else None
    late = (end - (THURSDAY_18 + timedelta(minutes=args.window))).total_seconds() if end else 0
    print(
        f"reminders: {sent:,} sent, {delivered:,} in the leaders' chats; the last at"
        f" {(end - THURSDAY_18).total_seconds() / 60 if end else float('nan'):.1f} min"
        f" ({late:+.0f} s against the window's end of {args.window} min)"
    )
    waits = {k: round(v, 2) for k, v in limiter.stats.max_wait.items()}
    print(
        f"rate-limited calls {limiter.stats.sent}; longest wait in the limiter (s) {waits};"
        f" 429s met {floods}, retried {limiter.stats.retries}, given up {limiter.stats.gave_up}"
    )
    print(
        f"sliding windows (as the simulator saw them): {windows['calls']:,} counted calls,"
        f" {windows['over']} one-second windows over 30 (busiest second {windows['peak']}),"
        f" chats over their own limits {len(windows['chat_over'])}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--leaders-reminded", type=int, default=50_000)
    parser.add_argument("--window", type=int, default=40, help="minutes")
    parser.add_argument("--reporters", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0, help="report steps a second")
    parser.add_argument("--before", type=float, default=60.0, help="seconds before the window")
    asyncio.run(main(parser.parse_args(sys.argv[1:])))
