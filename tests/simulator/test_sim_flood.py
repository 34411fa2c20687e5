"""Flood control: token buckets per chat, per group and overall; think time; switching off."""

from __future__ import annotations

import pytest
from simhelp import RawBot, started_user

from simulator.limits import FloodControl, Limits, TokenBucket
from simulator.server import SimulatorServer
from simulator.state import User


@pytest.fixture(autouse=True)
def frozen(server: SimulatorServer) -> None:
    """Time stands still in these tests unless a test advances it."""
    server.clock.freeze()


def test_token_bucket() -> None:
    """A bucket holds `capacity` tokens and earns `rate` a second."""
    bucket = TokenBucket(rate=1.0, capacity=3, now=0.0)
    for _ in range(3):
        assert bucket.wait_for(1, 0.0) == 0
        bucket.take(1)
    assert bucket.wait_for(1, 0.0) == 1.0
    assert bucket.wait_for(1, 0.5) == 0.5
    bucket.credit(10)
    assert bucket.tokens == 3


def test_flood_control_retry_after_is_whole_seconds() -> None:
    """retry_after is rounded up and at least 1."""
    now = [0.0]
    flood = FloodControl(Limits(private_burst=1), lambda: now[0])
    assert flood.acquire(1, False) is None
    assert flood.acquire(1, False) == 1
    now[0] = 1.0
    assert flood.acquire(1, False) is None


async def test_private_chat_bursts_then_429(
    bot: RawBot, maryam: User, server: SimulatorServer
) -> None:
    """Ten quick messages pass, the eleventh gets 429 with retry_after, recorded apart."""
    for i in range(10):
        await bot.ok("sendMessage", {"chat_id": maryam.id, "text": str(i)})
    status, body = await bot.call("sendMessage", {"chat_id": maryam.id, "text": "x"})
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert [e.chat_id for e in server.world.flood_events] == [maryam.id]
    assert server.violations == []
    server.clock.advance(1.0)
    await bot.ok("sendMessage", {"chat_id": maryam.id, "text": "بعد از یک ثانیه"})


async def test_group_allows_20_a_minute(bot: RawBot, server: SimulatorServer) -> None:
    """A group takes 20 messages, then asks to wait about 3 s (20/min)."""
    owner = server.world.create_user("مریم")
    group, _ = server.world.create_group("گروه", [owner], supergroup=True, bot_admin=False)
    for i in range(20):
        await bot.ok("sendMessage", {"chat_id": group.id, "text": str(i)})
    status, body = await bot.call("sendMessage", {"chat_id": group.id, "text": "x"})
    assert status == 429 and body["parameters"]["retry_after"] == 3


async def test_global_limit_is_30_a_second(bot: RawBot, server: SimulatorServer) -> None:
    """Across chats, 30 messages a second pass and the 31st waits."""
    users = [started_user(server, f"کاربر {i}") for i in range(4)]
    sent = 0
    for user in users:
        for _ in range(10):
            if sent == 30:
                break
            await bot.ok("sendMessage", {"chat_id": user.id, "text": "x"})
            sent += 1
    status, body = await bot.call("sendMessage", {"chat_id": users[3].id, "text": "x"})
    assert status == 429 and body["parameters"]["retry_after"] == 1


async def test_media_group_counts_each_item(
    bot: RawBot, maryam: User, server: SimulatorServer
) -> None:
    """An album of 10 uses ten messages' worth of the burst."""
    photo = server.world.files.add_generated_photo(90, 90, 1)[0].file_id
    media = [{"type": "photo", "media": photo}] * 10
    await bot.ok("sendMediaGroup", {"chat_id": maryam.id, "media": media})
    status, _ = await bot.call("sendMessage", {"chat_id": maryam.id, "text": "x"})
    assert status == 429


async def test_user_actions_refill_the_chat_bucket(
    bot: RawBot, maryam: User, server: SimulatorServer
) -> None:
    """Each simulated action credits 3 s of think time, so replies at machine speed pass."""
    for round_ in range(8):
        for i in range(3):
            await bot.ok("sendMessage", {"chat_id": maryam.id, "text": f"{round_}.{i}"})
        server.world.user_message(maryam, server.world.private_chat(maryam), text="بعدی")
    assert server.world.flood_events == []


async def test_flood_control_can_be_switched_off(
    server: SimulatorServer, bot: RawBot, maryam: User
) -> None:
    """Benchmarks of the bot alone switch flood control off."""
    server.configure(server.limits.with_(flood_control=False))
    for i in range(40):
        await bot.ok("sendMessage", {"chat_id": maryam.id, "text": str(i)})
    assert server.world.flood_events == []
