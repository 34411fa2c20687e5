"""Flood control: token buckets per chat, per group and overall; think time; switching off; the
sliding windows the simulator counts."""

from __future__ import annotations

import aiohttp
import pytest
from simhelp import RawBot, started_user

from simulator.limits import FloodControl, Limits, SendWindows, TokenBucket
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


def test_sliding_windows_count_each_call_past_the_limit() -> None:
    """A call that leaves more than 30 in the second ending with it is one window over; the
    buckets' burst (up to 60 in a second) is not an excuse."""
    now = [0.0]
    windows = SendWindows(Limits(), lambda: now[0])
    for i in range(45):  # 45 people in 0.45 s
        now[0] = i / 100
        windows.add(1000 + i, False)
    assert windows.over == 15 and windows.peak == 45
    now[0] = 1.44  # the first 45 calls are over a second old but the last
    windows.add(2000, False)
    assert windows.over == 15 and windows.peak == 45 and windows.calls == 46
    for i in range(30):  # 30 a second, evenly, is never over
        now[0] = 3 + i / 30
        windows.add(3000 + i, False)
    assert windows.over == 15


def test_sliding_windows_per_chat() -> None:
    """20 in any minute to a channel, 10 (an album) in any second to a person."""
    now = [0.0]
    windows = SendWindows(Limits(), lambda: now[0])
    for i in range(21):
        now[0] = i * 2.0  # 21 posts in 40 s
        windows.add(-100, True)
    assert windows.chat_over == {-100: 1}
    now[0] = 100.0
    windows.add(7, False, 10)
    assert windows.chat_over == {-100: 1}
    windows.add(7, False)
    assert windows.chat_over == {-100: 1, 7: 1}
    assert windows.over == 0
    windows.reset()
    assert (windows.calls, windows.over, windows.chat_over) == (0, 0, {})


async def test_windows_count_what_was_carried_out_over_http(
    server: SimulatorServer, bot: RawBot
) -> None:
    """Through the Bot API, with flood control off: sends and edits count, a refused call or
    an answer to a press does not; the control API reports it and clears it."""
    server.configure(server.limits.with_(flood_control=False))
    server.world.windows.clock = lambda: 5.0  # every call in the same instant
    users = [started_user(server, f"کاربر {i}") for i in range(34)]
    for user in users[:33]:
        await bot.ok("sendMessage", {"chat_id": user.id, "text": "x"})
    sent = await bot.ok("sendMessage", {"chat_id": users[33].id, "text": "y"})
    await bot.ok(
        "editMessageText", {"chat_id": users[33].id, "message_id": sent["message_id"], "text": "z"}
    )
    await bot.call("sendChatAction", {"chat_id": users[0].id, "action": "typing"})
    windows = server.world.windows
    assert windows.calls == 35 and windows.over == 5 and windows.peak == 35
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server.control_url}/windows") as response:
            assert (await response.json())["over"] == 5
        async with session.delete(f"{server.control_url}/records") as response:
            assert response.status == 200
    assert server.world.windows.calls == 0
