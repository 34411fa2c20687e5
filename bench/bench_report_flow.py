"""How fast the bot answers a leader, step by step, through the simulator over real HTTP.

Runs the real bot in-process against the project's Bot API simulator (flood control off, so the
bot alone is measured), with N leaders filing full reports concurrently. Prints the latency of one
step (user action → bot finished handling it, including every Bot API call it made), the time of
a whole report, the throughput in steps per second, and the process's peak memory.

    .venv/bin/python bench/bench_report_flow.py [--leaders 20] [--reports 3]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from stats import summary

from bot.app import build_application
from bot.core.config import parse_config
from bot.core.text import search_key
from bot.runner import start_polling, stop
from db.models import GroupStatus
from simulator.limits import Limits
from simulator.server import SimulatorServer
from simulator.testing import ProcessedTracker, SimClient, SimUser


async def file_report(user: SimUser, step_times: list[float]) -> float:
    """One whole report as a leader files it; returns its duration."""
    steps: list[tuple[str, str]] = [
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
    start = time.perf_counter()
    for how, what in steps:
        t0 = time.perf_counter()
        await (user.send(what) if how == "send" else user.press(what))
        step_times.append(time.perf_counter() - t0)
    assert "ثبت شد" in (user.last.text or ""), user.last.text
    return time.perf_counter() - start


async def main(leaders: int, reports: int) -> None:
    tracker = ProcessedTracker()
    token = f"7000000001:{secrets.token_urlsafe(27)}"
    with tempfile.TemporaryDirectory() as tmp:
        async with SimulatorServer(token=token, limits=Limits(flood_control=False)) as server:
            config = parse_config(
                {
                    "telegram": {"token": token, "base_url": server.base_url},
                    "database": {"path": str(Path(tmp) / "bench.db")},
                }
            )
            app = build_application(config)
            tracker.track(app)
            await start_polling(app, poll_timeout=1)
            store = app.bot_data.store
            place = (await store.places.search_counties(search_key("اراک")))[0]
            async with SimClient(
                server.control_url, wait_processed=tracker.wait, timeout=60
            ) as sim:
                users = []
                for i in range(leaders):
                    user = await sim.user(f"سرگروه {i}")
                    await store.volunteers.seen(user.id, user.first_name, "", "")
                    await store.groups.create(
                        f"گروه {i}",
                        f"گروه{i}",
                        place.province_id,
                        place.id,
                        None,
                        user.id,
                        GroupStatus.ACTIVE,
                    )
                    users.append(user)
                step_times: list[float] = []
                report_times: list[float] = []

                async def run(user: SimUser) -> None:
                    for _ in range(reports):
                        report_times.append(await file_report(user, step_times))

                began = time.perf_counter()
                await asyncio.gather(*(run(u) for u in users))
                elapsed = time.perf_counter() - began
                violations = len(sim.violations)
            count = await store.reports.count()
            await stop(app)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steps = summary(step_times, scale=1000)
    figures: dict[str, Any] = {
        "leaders (concurrent)": leaders,
        "reports saved": count,
        "steps": len(step_times),
        "step latency median ms": round(steps.median, 1),
        "step latency p95 ms": round(steps.p95, 1),
        "step latency max ms": round(steps.high, 1),
        "whole report median s": round(statistics.median(report_times), 3),
        "throughput steps/s": round(len(step_times) / elapsed, 1),
        "peak RSS MB (bot + simulator + kit)": round(peak_mb, 1),
        "Telegram rule violations": violations,
    }
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=20)
    parser.add_argument("--reports", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.leaders, args.reports))
