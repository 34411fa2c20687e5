"""Delivery of the weekly digest to 300 channels through the simulator, against Telegram's floor.

Every Bot API call answered after a round trip (50 ms by default) with flood control on, as in
bench_peak.py. A digest is a text message and a chart, so 300 channels are 600 messages: at
Telegram's 30 messages a second overall the floor is 20 s. Prints the time from the tick to the
last post, the floor, and how many 429s the bot met (none should reach its logic).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_application
from bot.config import parse_config
from bot.ratelimit import PriorityRateLimiter
from bot.runner import start_polling, stop
from db.channels import ChannelScope
from simulator.limits import Limits
from simulator.server import SimulatorServer
from simulator.testing import SimClient

TELEGRAM_RATE = 30.0
FRIDAY_EVENING = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)  # 20:01 in Tehran


async def main(args: argparse.Namespace) -> None:
    """Subscribes the channels, runs one digest tick at Friday 20:01 and times the delivery."""
    token = f"7000000001:{secrets.token_urlsafe(27)}"
    with tempfile.TemporaryDirectory() as tmp:
        async with SimulatorServer(token=token, limits=Limits(), latency=args.latency) as server:
            config = parse_config(
                {
                    "telegram": {"token": token, "base_url": server.base_url},
                    "database": {"path": str(Path(tmp) / "d.db")},
                }
            )
            app = build_application(config, clock=lambda: FRIDAY_EVENING)
            await start_polling(app, poll_timeout=10)
            store = app.bot_data.store
            async with SimClient(server.control_url, timeout=60) as sim:
                owner = await sim.user("مالک")
                for number in range(args.channels):
                    channel = await sim.channel(f"کانال {number}", owner=owner, wait=False)
                    await store.channels.add(
                        channel.id, channel.title or "", ChannelScope.national()
                    )
                assert app.job_queue is not None
                (job,) = app.job_queue.get_jobs_by_name("digest-tick")
                job.schedule_removal()  # this run alone, timed: no scheduled tick beside it
                began = time.perf_counter()
                await job.run(app)
                took = time.perf_counter() - began
            sent = await store.db.scalar("SELECT count(*) FROM digest_posts WHERE state = 'sent'")
            limiter = app.bot.rate_limiter
            assert isinstance(limiter, PriorityRateLimiter)
            await stop(app)
    floor = 2 * args.channels / TELEGRAM_RATE
    print(f"latency {args.latency * 1000:.0f} ms per call, flood control on")
    print(f"digest to {args.channels} channels: {sent} posted in {took:.1f} s")
    print(f"floor at {TELEGRAM_RATE:.0f} messages/s (text + chart each): {floor:.1f} s")
    print(f"ours / floor: {took / floor:.2f}; 429s retried {limiter.stats.retries},")
    print(f"given up {limiter.stats.gave_up}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.05)
    asyncio.run(main(parser.parse_args(sys.argv[1:])))
