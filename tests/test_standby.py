"""A standby on PostgreSQL: real `python -m bot run` processes on one database (tests/standby.py).

One serves, the others wait without polling; kill -9 of the serving one mid-report, mid-digest
and mid-export leaves exactly one report, one post per channel and one export after the standby
took over; a holder whose lock's connection is cut stops serving at once.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Iterator
from pathlib import Path

import psycopg
import pytest

from bot.cli import main
from bot.core.i18n import label
from bot.runner import FENCED
from db.engines.postgresql import INSTANCE_LOCK_ID, LOCK_SPACE
from db.instance import FileInstanceLock
from simulator.server import SimulatorServer
from simulator.state import Chat
from simulator.testing import SimClient
from tests.conftest import new_pg_database
from tests.crashsoak import QUESTIONS, ROOT, Conversation
from tests.pgcluster import Cluster
from tests.standby import (
    LOST,
    REVIEW,
    SERVING,
    WAITING,
    Fleet,
    answered,
    bot_texts,
    method_trigger,
    receipt_trigger,
    report_until,
    seed,
)


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A migrated PostgreSQL database of the session's cluster, dropped afterwards."""
    with new_pg_database(pg_cluster) as url:
        yield url


@pytest.fixture
async def fleet(sim_server: SimulatorServer, tmp_path: Path, pg_url: str) -> AsyncIterator[Fleet]:
    """Bot processes on the database; whatever still runs at the end is killed."""
    fleet = Fleet(sim_server, tmp_path, pg_url)
    try:
        yield fleet
    finally:
        await fleet.end()


def _sql(url: str, query: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Runs a query straight on the database (not through the code under test)."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


def _status(config: Path) -> subprocess.CompletedProcess[str]:
    """`khedmatyar status` in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "status"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.xdist_group("standby")
async def test_a_waiting_instance_polls_nothing_serves_when_free_and_is_fenced(
    sim_server: SimulatorServer, fleet: Fleet, pg_url: str
) -> None:
    async with SimClient(sim_server.control_url, timeout=30) as sim:
        maryam = await sim.user("مریم")
        fleet.write_config(maryam.id)
        # Another process (this test, named as a bot would be) serves the database.
        holder = await psycopg.AsyncConnection.connect(
            pg_url, autocommit=True, application_name="khedmatyar 4242 elsewhere 2026-12-06T08:00"
        )
        await holder.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_SPACE, INSTANCE_LOCK_ID))
        try:
            standby = await fleet.standby()
            assert standby.said(f"{WAITING} pid 4242 on elsewhere since 2026-12-06T08:00")
            status = await asyncio.to_thread(_status, fleet.config)
            assert status.returncode == 0, status.stderr
            serving, waiting = status.stdout.splitlines()[:2]
            assert "4242" in serving and "elsewhere" in serving
            assert str(standby.pid) in waiting
            assert label("cli-status-waiting", pid="", host="", since="")[:10] in waiting
            await maryam.send("/start", wait=False)
            await asyncio.sleep(1.5)  # three tries of the lock at least
            assert sim_server.world.last_get_updates is None  # it polled nothing
            assert not any(
                m.from_bot for m in sim_server.world.chats[maryam.chat.id].messages.values()
            )
        finally:
            await holder.close()  # the lock is free: the standby takes it and serves
        await fleet.until(standby, SERVING)
        fleet.serving = standby
        await answered_anything(sim_server, maryam.chat.id)
        status = await asyncio.to_thread(_status, fleet.config)
        assert str(standby.pid) in status.stdout.splitlines()[0]
        assert label("cli-status-no-standby") in status.stdout

        # Fencing: the lock's connection is cut (as a database restart would); it stops at once.
        cut = _sql(
            pg_url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE %s",
            (f"khedmatyar {standby.pid} %",),
        )
        assert cut == [(True,)]
        assert standby.process.proc is not None
        assert await asyncio.wait_for(standby.process.proc.wait(), 30) == FENCED
        assert standby.said(LOST)
        status = await asyncio.to_thread(_status, fleet.config)
        assert status.returncode == 1 and "4242" not in status.stdout


async def answered_anything(server: SimulatorServer, chat_id: int, limit: float = 30) -> None:
    """Waits (bounded) until the bot said anything in the chat."""
    deadline = asyncio.get_running_loop().time() + limit
    while not any(m.from_bot for m in server.world.chats[chat_id].messages.values()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the bot never answered")
        await asyncio.sleep(0.05)


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.xdist_group("standby")
async def test_the_standby_takes_over_mid_report_mid_digest_and_mid_export(
    sim_server: SimulatorServer, fleet: Fleet, pg_url: str
) -> None:
    world = sim_server.world
    async with SimClient(sim_server.control_url, timeout=30) as sim:
        admin = await sim.user("مدیر")
        owner = await sim.user("مالک کانال")
        leaders = [await sim.user("سرگروه"), await sim.user("سرگروه دوم")]
        channels = [await sim.channel(f"کانال {n}", owner=owner, wait=False) for n in range(2)]
        await seed(pg_url, leaders, [c.id for c in channels])
        fleet.write_config(admin.id)
        await fleet.first()
        await fleet.standby()
        reporter, other = (world.chats[person.chat.id] for person in leaders)

        # 1. Mid-report: the report is saved, its receipt not sent when the holder dies; another
        # person's draft waits at the quantity question.
        await report_until(leaders[1], other, Conversation(7, album=False, village=False), 2)
        await report_until(leaders[0], reporter, Conversation(4321, False, True), REVIEW)
        fleet.trigger = receipt_trigger(reporter.id)
        await sim.refresh_chat(reporter.id)
        await leaders[0].press("✅ ثبت گزارش", wait=False)
        await fleet.taken_over()
        spare = asyncio.ensure_future(fleet.spawn())  # the next standby, while this one works
        await answered(reporter, 0, len(QUESTIONS) - 1)  # the receipt, from the new holder
        before = max(m.seq for m in other.messages.values())
        await leaders[1].send("7", wait=False)  # the question the draft was left at
        await answered(other, before, 3)  # the next one: the draft resumed where it was
        assert _sql(pg_url, "SELECT count(*) FROM reports WHERE quantity = 4321") == [(1,)]
        receipts = [
            m for m in reporter.messages.values() if m.from_bot and QUESTIONS[-1] in (m.text or "")
        ]
        assert len(receipts) == 1
        await fleet.until(await spare, WAITING)

        # 2. Mid-digest: the first channel's post is out, the second's picture is not.
        fleet.trigger = method_trigger(
            "mid-digest", ("sendPhoto", "sendMediaGroup"), channels[1].id
        )
        seq = world.seq
        await admin.send("/digest", wait=False)
        await _wait(
            lambda: any(
                m.photo and m.seq > seq for m in world.chats[admin.chat.id].messages.values()
            )
        )
        await sim.refresh_chat(admin.chat.id)
        await admin.press(label("digest-post-now"), wait=False)
        await fleet.taken_over()
        spare = asyncio.ensure_future(fleet.spawn())
        await _wait(lambda: _sql(pg_url, "SELECT DISTINCT state FROM digest_posts") == [("sent",)])
        for channel in channels:
            posts = [m for m in world.chats[channel.id].messages.values() if m.from_bot]
            pictures = {m.media_group_id or m.message_id for m in posts if m.photo}
            assert len(pictures) == 1 and sum(not m.photo for m in posts) == 1, posts
        assert _sql(pg_url, "SELECT count(*) FROM digest_posts") == [(2,)]
        await fleet.until(await spare, WAITING)

        # 3. Mid-export: the file is built, not sent, when the holder dies.
        fleet.trigger = method_trigger("mid-export", ("sendDocument",), admin.chat.id)
        chat = world.chats[admin.chat.id]
        await _step(sim, chat, admin.send(label("menu-export"), wait=False))
        await _step(sim, chat, admin.send("۱۴۰۵/۰۱/۰۱ تا ۱۴۰۵/۱۲/۲۹", wait=False))
        # No campaign exists and nothing is reviewed, so neither is asked for.
        for key in ("scope-country", "format-csv", "hxl-no"):
            await _step(sim, chat, admin.press(label(f"export-{key}"), wait=False))
        await admin.press(label("export-build"), wait=False)
        await fleet.taken_over()
        await _wait(lambda: any(m.document for m in chat.messages.values() if m.from_bot))
        await _wait(lambda: _sql(pg_url, "SELECT count(*) FROM export_jobs") == [(0,)])
        assert sum(1 for m in chat.messages.values() if m.from_bot and m.document) == 1
        assert [why for why, _ in fleet.kills] == ["mid-report", "mid-digest", "mid-export"]
        await fleet.stop()


async def _step(sim: SimClient, chat: Chat, action: Awaitable[object]) -> None:
    """Does an action and waits (bounded) until the bot answered it in the chat."""
    seq = max((m.seq for m in chat.messages.values()), default=0)
    await action
    await _wait(lambda: bool(bot_texts(chat, seq)))
    await sim.refresh_chat(chat.id)


async def _wait(check: object, limit: float = 60) -> None:
    """Waits (bounded) until check() is true."""
    assert callable(check)
    deadline = asyncio.get_running_loop().time() + limit
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not done in time")
        await asyncio.sleep(0.1)


def test_status_on_sqlite_names_the_lock_files_holder_only_while_it_holds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "bot.db"
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{database}"\n', encoding="utf-8")
    lock = FileInstanceLock(database)
    asyncio.run(lock.acquire())
    try:
        assert main(["--config", str(config), "status"]) == 0
        said = capsys.readouterr().out
        assert str(os.getpid()) in said and socket.gethostname() in said
    finally:
        asyncio.run(lock.release())
    assert main(["--config", str(config), "status"]) == 1  # the file stays, its lock does not
    said = capsys.readouterr().out
    assert said.strip() == label("cli-status-nobody", path=str(database))
