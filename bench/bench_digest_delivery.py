"""Delivery of the weekly digest to 300 and 1,000 channels through the simulator, alone and beside
leaders reporting, against Telegram's floor.

Every Bot API call answered after a round trip (50 ms by default) with flood control on, as in
bench_peak.py. A digest is a text message and a chart, so N channels are 2N messages: at
Telegram's 30 messages a second overall the floor alone is 2N / 30 s (20 s for 300). Beside
leaders reporting at `--rate` steps a second (open loop, bench_peak.py's flow), the answers use
part of the same 30 a second, so the floor there is every counted call made while the digest
went out (the digest's and the answers') / 30. For each size the digest tick runs once alone
and once beside the leaders (on channels of their own, so each run posts to all of its channels)
and prints the time from the tick to the last post, both floors, the leaders' step latency, 429s
met, and the sliding windows over Telegram's limits as the simulator counted them.

    PYTHONPATH=. .venv/bin/python bench/bench_digest_delivery.py [--channels 300,1000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_peak import Person, Run, backlog, leaders, open_loop, pct, spread, token

from bot.app import build_application
from bot.core.config import parse_config
from bot.runner import start_polling, stop
from bot.runtime.ratelimit import PriorityRateLimiter
from bot.runtime.updates import PersonUpdateProcessor
from db.channels import ChannelScope
from simulator.limits import Limits
from simulator.server import SimulatorServer
from simulator.testing import ProcessedTracker, SimClient

TELEGRAM_RATE = 30.0
FRIDAY_EVENING = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)  # 20:01 in Tehran


async def deliver(
    app: Any,
    job: Any,
    sim: SimClient,
    channels: list[int],
    people: list[Person] | None,
    rate: float,
) -> None:
    """Subscribes the channels, runs one digest tick and prints how it went."""
    store = app.bot_data.store
    limiter = app.bot.rate_limiter
    for number, chat_id in enumerate(channels):
        await store.channels.add(chat_id, f"کانال {number}", ChannelScope.national())

    sample = backlog(app)

    await sim.clear_records()
    retries = limiter.stats.retries
    loop = asyncio.get_running_loop()
    leaders: asyncio.Task[None] | None = None
    run = Run(f"leaders beside {len(channels)} channels", rate)
    if people:  # long enough for the digest at two thirds of the floor's pace
        seconds = 5 + 3 * len(channels) / TELEGRAM_RATE * 2
        leaders = loop.create_task(
            open_loop(run, people, seconds=seconds, think=1.5, seed=3, sample=sample)
        )
        await asyncio.sleep(5)  # the leaders at their pace before the tick
    await sim.refresh()
    calls_before = sim.windows.get("calls", 0)
    began = time.perf_counter()
    await job.run(app)
    took = time.perf_counter() - began
    await sim.refresh()
    calls = sim.windows["calls"] - calls_before
    if leaders is not None:
        await leaders
    sent = await store.db.scalar(
        f"SELECT count(*) FROM digest_posts WHERE state = 'sent' AND chat_id IN"
        f" ({', '.join(str(c) for c in channels)})"
    )
    floor = 2 * len(channels) / TELEGRAM_RATE
    beside = calls / TELEGRAM_RATE
    where = "beside leaders" if people else "alone"
    print(
        f"{len(channels):>5} channels {where:<14}: {sent} posted in {took:5.1f} s;"
        f" floor alone {floor:5.1f} s (x{took / floor:.2f});"
        f" floor of all {calls:,} counted calls meanwhile {beside:5.1f} s (x{took / beside:.2f})",
        flush=True,
    )
    if people:
        steps = [x for x, t in zip(run.latencies, run.done_at, strict=True) if 5 < t < 5 + took]
        print(
            f"      leaders' steps as it went out: {len(steps)} ({len(steps) / took:.1f}/s)"
            f"  p50 {pct(steps, 50):.0f} ms  p95 {pct(steps, 95):.0f} ms"
            f"  p99 {pct(steps, 99):.0f} ms  errors {run.errors}",
            flush=True,
        )
    windows = sim.windows
    print(
        f"      429s met {len(sim.flood_events)}, retried {limiter.stats.retries - retries};"
        f" sliding windows: {windows['over']} seconds over 30 (busiest {windows['peak']}),"
        f" {len(windows['chat_over'])} chats over their own limits",
        flush=True,
    )


async def main(args: argparse.Namespace) -> None:
    """Makes the channels and the leaders, then times each delivery."""
    tok = token()
    tracker = ProcessedTracker()
    with tempfile.TemporaryDirectory() as tmp:
        async with SimulatorServer(token=tok, limits=Limits(), latency=args.latency) as server:
            config = parse_config(
                {
                    "telegram": {"token": tok, "base_url": server.base_url},
                    "database": {"path": str(Path(tmp) / "d.db")},
                }
            )
            app = build_application(config, clock=lambda: FRIDAY_EVENING)
            tracker.track(app)
            await start_polling(app, poll_timeout=10)
            assert isinstance(app.bot.rate_limiter, PriorityRateLimiter)
            assert isinstance(app.update_processor, PersonUpdateProcessor)
            assert app.job_queue is not None
            (job,) = app.job_queue.get_jobs_by_name("digest-tick")
            job.schedule_removal()  # each run alone, timed: no scheduled tick beside it
            store = app.bot_data.store
            print(
                f"latency {args.latency * 1000:.0f} ms per call, flood control on; leaders at"
                f" {args.rate:g} steps/s",
                flush=True,
            )
            async with SimClient(
                server.control_url, wait_processed=tracker.wait, timeout=120, refresh_all=False
            ) as sim:
                people = await leaders(sim, store, args.leaders)
                await spread(people, 25)
                for size in args.channels:
                    for beside in (False, True):
                        channels = []
                        for _ in range(size):
                            view = await sim.request("POST", "/channels", {"title": "کانال"})
                            channels.append(int(view["id"]))
                        beside_them = people if beside else None
                        await deliver(app, job, sim, channels, beside_them, args.rate)
            await stop(app)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--channels", type=lambda s: [int(x) for x in s.split(",")], default=[300, 1000]
    )
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--leaders", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="report steps a second")
    asyncio.run(main(parser.parse_args(sys.argv[1:])))
