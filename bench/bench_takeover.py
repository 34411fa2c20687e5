"""Take-over on PostgreSQL: kill -9 the serving bot, time until the standby answers; prints figures.

    .venv/bin/python bench/bench_takeover.py [--kills 12] [--seed 23]

A throwaway PostgreSQL cluster (fsync on, as a real server), the simulator, and real `python -m
bot run` processes on one database (tests/standby.py): one serves, one waits. In each round two
leaders report as people do; the serving process is killed with SIGKILL at one leader's receipt
(the report saved, its update not finished) or, every third round, at a random moment while the
other leader is typing, who then sends the next answer. The take-over time is from the kill to
the first update the standby answers (the receipt of the replayed press, or that answer). A new
standby is started after each take-over. Afterwards every report is counted in SQL: each
quantity stored once, each receipt sent once.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

import psycopg

from simulator.server import SimulatorServer
from simulator.state import Chat
from simulator.testing import SimClient, SimUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ is not installed
from tests.conftest import TEMPLATE
from tests.crashsoak import QUESTIONS, Conversation, answer_to
from tests.pgcluster import running_cluster
from tests.standby import (
    REVIEW,
    WAITING,
    Fleet,
    answered,
    receipt_trigger,
    report_until,
    seed,
)

SAVED = len(QUESTIONS) - 1


async def rounds(server: SimulatorServer, folder: Path, url: str, args: argparse.Namespace) -> None:
    """The kills, one a round, and the figures."""
    rng = random.Random(args.seed)
    world = server.world
    fleet = Fleet(server, folder, url)
    takeovers: list[float] = []
    asked: list[int] = []
    try:
        async with SimClient(server.control_url, refresh_all=False, timeout=30) as sim:
            admin = await sim.user("مدیر")
            leaders = [await sim.user("سرگروه"), await sim.user("سرگروه دوم")]
            await seed(url, leaders, [])
            fleet.write_config(admin.id)
            await fleet.first()
            await fleet.standby()
            chats = [world.chats[person.chat.id] for person in leaders]
            loop = asyncio.get_running_loop()
            for n in range(args.kills):
                quantity = 5000 + n
                asked.append(quantity)
                if n % 3 == 2:  # a random moment: the other leader's next answer comes after it
                    await report_until(leaders[1], chats[1], Conversation(quantity, False, True), 2)
                    await asyncio.sleep(rng.uniform(0.0, 1.0))
                    fleet.kill("random")
                    seq = max(m.seq for m in chats[1].messages.values())
                    await leaders[1].send(str(quantity), wait=False)
                    await answered(chats[1], seq, 3, limit=60)
                    takeovers.append(loop.time() - fleet.kills[-1][1])
                    await report_until_saved(leaders[1], chats[1], quantity, sim)
                else:
                    conv = Conversation(quantity, album=False, village=n % 2 == 0)
                    await report_until(leaders[0], chats[0], conv, REVIEW)
                    fleet.trigger = receipt_trigger(chats[0].id)
                    await sim.refresh_chat(chats[0].id)
                    seq = max(m.seq for m in chats[0].messages.values())
                    await leaders[0].press("✅ ثبت گزارش", wait=False)
                    await answered(chats[0], seq, SAVED, limit=60)
                    takeovers.append(loop.time() - fleet.kills[-1][1])
                await fleet.taken_over()
                await fleet.until(await fleet.spawn(), WAITING)
            await fleet.stop()
    finally:
        await fleet.end()
    with psycopg.connect(url) as conn:
        stored: dict[int, int] = dict(
            conn.execute("SELECT quantity, count(*) FROM reports GROUP BY quantity").fetchall()
        )
    receipts = sum(
        1
        for chat in chats
        for message in chat.messages.values()
        if message.from_bot and QUESTIONS[SAVED] in (message.text or "")
    )
    lost = sum(1 for q in asked if stored.get(q, 0) == 0)
    doubled = sum(1 for q in asked if stored.get(q, 0) > 1)
    print(f"kills {len(fleet.kills)}: {[why for why, _ in fleet.kills]}")
    print(
        f"take-over (kill to the standby's first answered update): median"
        f" {statistics.median(takeovers):.2f} s, worst {max(takeovers):.2f} s,"
        f" best {min(takeovers):.2f} s"
    )
    print("each:", " ".join(f"{t:.2f}" for t in takeovers))
    print(
        f"reports asked {len(asked)}, stored {sum(stored.values())}: lost {lost}, doubled {doubled}"
    )
    print(f"receipts sent {receipts} for {len(asked)} reports")


async def report_until_saved(user: SimUser, chat: Chat, quantity: int, sim: SimClient) -> None:
    """Finishes the report begun at the quantity question (answered already) and saves it."""
    conv = Conversation(quantity, album=False, village=True)
    seen = 3
    while seen != SAVED:
        how, what = answer_to(seen, conv)
        after = max(m.seq for m in chat.messages.values())
        if how == "send":
            await user.send(what, wait=False)
        else:
            await sim.refresh_chat(chat.id)
            await user.press(what, wait=False)
        seen = await answered(chat, after, None)


async def main(args: argparse.Namespace) -> None:
    """A cluster, a database, the simulator, then the rounds."""
    with running_cluster(durable=True) as cluster, tempfile.TemporaryDirectory() as tmp:
        from db.database import Database
        from db.reference import seed_reference_data

        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {TEMPLATE}")
        async with Database(cluster.url(TEMPLATE)) as db:
            await seed_reference_data(db)
        token = f"7000000001:{secrets.token_urlsafe(27)}"
        async with SimulatorServer(token=token) as server:
            await rounds(server, Path(tmp), cluster.url(TEMPLATE), args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--seed", type=int, default=23)
    asyncio.run(main(parser.parse_args()))
