"""getUpdates: offsets, limits, long polling, redelivery, allowed_updates; webhooks."""

from __future__ import annotations

import asyncio

from simhelp import RawBot, until

from simulator.server import SimulatorServer
from simulator.state import User


def say(server: SimulatorServer, user: User, text: str) -> int:
    """The user sends a text; returns its update id."""
    _, update_id = server.world.user_message(user, server.world.private_chat(user), text=text)
    assert update_id is not None
    return update_id


async def test_offset_confirms_and_unconfirmed_come_again(
    bot: RawBot, server: SimulatorServer
) -> None:
    """Updates stay until an offset above them is sent."""
    user = server.world.create_user("مریم")
    first, second = say(server, user, "یک"), say(server, user, "دو")
    batch = await bot.ok("getUpdates")
    assert [u["update_id"] for u in batch] == [first, second]
    assert batch[0]["message"]["text"] == "یک"
    assert [u["update_id"] for u in await bot.ok("getUpdates")] == [first, second]
    assert [u["update_id"] for u in await bot.ok("getUpdates", {"offset": second})] == [second]
    assert await bot.ok("getUpdates", {"offset": second + 1}) == []


async def test_limit_and_negative_offset(bot: RawBot, server: SimulatorServer) -> None:
    """limit is clamped to 1–100; a negative offset keeps only the last updates."""
    user = server.world.create_user("مریم")
    ids = [say(server, user, str(i)) for i in range(120)]
    assert len(await bot.ok("getUpdates", {"limit": 500})) == 100
    assert len(await bot.ok("getUpdates", {"limit": 0})) == 1
    assert [u["update_id"] for u in await bot.ok("getUpdates", {"limit": 3})] == ids[:3]
    assert [u["update_id"] for u in await bot.ok("getUpdates", {"offset": -2})] == ids[-2:]
    assert [u["update_id"] for u in await bot.ok("getUpdates")] == ids[-2:]


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    bot: RawBot, server: SimulatorServer
) -> None:
    """A waiting getUpdates answers with the update instead of running out its timeout."""
    user = server.world.create_user("مریم")
    poll = asyncio.create_task(bot.ok("getUpdates", {"timeout": 30}))
    await until(lambda: server.api._poller is not None)
    assert not poll.done()
    update_id = say(server, user, "سلام")
    result = await asyncio.wait_for(poll, 5)
    assert [u["update_id"] for u in result] == [update_id]
    assert update_id in server.world.delivered


async def test_a_second_poller_ends_the_first_with_409(bot: RawBot) -> None:
    """Two bot instances polling at once: the older request gets a Conflict."""
    first = asyncio.create_task(bot.call("getUpdates", {"timeout": 30}))
    await until(lambda: bot.server.api._poller is not None)
    second = asyncio.create_task(bot.call("getUpdates", {"timeout": 0}))
    status, body = await asyncio.wait_for(first, 5)
    assert status == 409 and body["description"].startswith("Conflict: terminated by other")
    await second


async def test_allowed_updates(bot: RawBot, server: SimulatorServer) -> None:
    """allowed_updates filters update kinds from then on; chat_member is off by default."""
    user = server.world.create_user("مریم")
    await bot.ok("getUpdates", {"allowed_updates": ["callback_query"]})
    _, update_id = server.world.user_message(user, server.world.private_chat(user), text="x")
    assert update_id is None
    await bot.ok("getUpdates", {"allowed_updates": []})
    assert server.world.push_update("chat_member", {}) is None
    assert say(server, user, "y") > 0


async def test_webhook_is_recorded_and_blocks_get_updates(bot: RawBot) -> None:
    """setWebhook is recorded; getUpdates then conflicts until deleteWebhook."""
    assert await bot.error("setWebhook", {"url": "http://insecure.example"}) == (
        400,
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    )
    await bot.ok("setWebhook", {"url": "https://bot.example/hook", "max_connections": 5})
    info = await bot.ok("getWebhookInfo")
    assert info["url"] == "https://bot.example/hook" and info["max_connections"] == 5
    code, text = await bot.error("getUpdates")
    assert code == 409 and "webhook is active" in text
    await bot.ok("deleteWebhook", {"drop_pending_updates": True})
    assert (await bot.ok("getWebhookInfo"))["url"] == ""
    assert await bot.ok("getUpdates") == []


async def test_drop_pending_updates(bot: RawBot, server: SimulatorServer) -> None:
    """deleteWebhook(drop_pending_updates) forgets queued updates."""
    user = server.world.create_user("مریم")
    say(server, user, "x")
    await bot.ok("deleteWebhook", {"drop_pending_updates": True})
    assert await bot.ok("getUpdates") == []
