"""Seeded fault injection: 5xx, slow answers, time-outs, dropped connections, 429s, redelivery."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from simhelp import RawBot

from simulator.faults import FaultInjector, FaultKind, FaultRule
from simulator.server import SimulatorServer


async def test_next_n_requests_get_5xx(bot: RawBot, server: SimulatorServer) -> None:
    """The next N requests of a method fail in Telegram's shape; others are untouched."""
    server.faults.fail_next(2, method="getMe", status=502)
    assert await bot.ok("getWebhookInfo")
    for _ in range(2):
        status, body = await bot.call("getMe")
        assert (status, body) == (
            502,
            {"ok": False, "error_code": 502, "description": "Bad Gateway"},
        )
    assert (await bot.ok("getMe"))["is_bot"]
    assert [e.kind for e in server.faults.events] == ["error", "error"]
    assert server.violations == []


async def test_internal_server_error(bot: RawBot, server: SimulatorServer) -> None:
    """Status 500 answers `Internal Server Error`."""
    server.faults.fail_next(1)
    assert await bot.call("getMe") == (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )


def test_fractions_are_seeded_and_deterministic() -> None:
    """The same seed hits the same requests."""

    def hits(seed: int) -> list[bool]:
        """Which of 200 requests a 30 % rule hits."""
        faults = FaultInjector(seed)
        faults.fail_fraction(0.3)
        return [faults.pick("sendMessage", 0.0) is not None for _ in range(200)]

    assert hits(7) == hits(7)
    assert hits(7) != hits(8)
    assert 40 < sum(hits(7)) < 80


async def test_slow_answers(bot: RawBot, server: SimulatorServer) -> None:
    """A slow fault delays the answer, which is otherwise normal."""
    server.faults.slow(0.2, method="getMe")
    task = asyncio.create_task(bot.ok("getMe"))
    await asyncio.sleep(0.05)
    assert not task.done()
    assert (await task)["is_bot"]


async def test_timeouts_never_answer(bot: RawBot, server: SimulatorServer) -> None:
    """A time-out fault keeps the request open until the client gives up."""
    server.faults.timeout(method="getMe")
    with pytest.raises(asyncio.TimeoutError):
        async with bot.session.post(bot.url("getMe"), timeout=aiohttp.ClientTimeout(total=0.3)):
            pass
    assert (await bot.ok("getMe"))["is_bot"]


async def test_dropped_connections(bot: RawBot, server: SimulatorServer) -> None:
    """A drop fault closes the connection without an answer."""
    server.faults.drop(method="sendMessage")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await bot.call("sendMessage", {"chat_id": 1, "text": "x"})
    assert server.violations == []


async def test_429_storm(bot: RawBot, server: SimulatorServer) -> None:
    """A flood fault answers 429 with the configured retry_after."""
    server.faults.flood(3, retry_after=7)
    for _ in range(3):
        status, body = await bot.call("getMe")
        assert status == 429 and body["parameters"] == {"retry_after": 7}
        assert body["description"] == "Too Many Requests: retry after 7"
    assert (await bot.ok("getMe"))["is_bot"]


async def test_429_storm_spares_the_long_poll_unless_named(
    bot: RawBot, server: SimulatorServer
) -> None:
    """Flood control limits what a bot does: a storm for every method leaves getUpdates alone."""
    server.faults.flood(2, retry_after=1)
    assert await bot.ok("getUpdates") == []
    assert (await bot.call("getMe"))[0] == 429
    assert (await bot.call("getMe"))[0] == 429
    assert [e.method for e in server.faults.events] == ["getMe", "getMe"]
    server.faults.flood(1, retry_after=1, method="getUpdates")
    assert (await bot.call("getUpdates"))[0] == 429


async def test_redelivery_hands_confirmed_updates_out_once_more(
    bot: RawBot, server: SimulatorServer
) -> None:
    """After a 'crash', updates confirmed by the offset come once more, then never again."""
    user = server.world.create_user("مریم")
    _, first = server.world.user_message(user, server.world.private_chat(user), text="یک")
    assert first is not None
    assert [u["update_id"] for u in await bot.ok("getUpdates")] == [first]
    server.faults.redeliver()
    again = await bot.ok("getUpdates", {"offset": first + 1})
    assert [u["update_id"] for u in again] == [first]
    assert await bot.ok("getUpdates", {"offset": first + 1}) == []


async def test_faults_through_the_control_api(server: SimulatorServer) -> None:
    """Rules can be added, listed, seeded and cleared over HTTP."""
    async with aiohttp.ClientSession() as session:
        url = server.control_url
        async with session.post(
            f"{url}/faults", json={"kind": "error", "count": 1, "status": 502}
        ) as response:
            rule = await response.json()
            assert rule["kind"] == "error" and rule["count"] == 1
        async with session.post(f"{url}/faults", json={"kind": "nonsense"}) as response:
            assert response.status == 400
        async with session.post(f"{url}/faults/seed", json={"seed": 5}) as response:
            assert (await response.json())["seed"] == 5
        async with session.post(f"{server.bot_api_url}{server.token}/getMe") as response:
            assert response.status == 502
        async with session.get(f"{url}/faults") as response:
            listed = await response.json()
            assert listed["rules"] == [] and listed["events"][0]["kind"] == "error"
        async with session.post(f"{url}/faults", json={"kind": "slow", "delay": 9}) as response:
            assert response.status == 200
        async with session.delete(f"{url}/faults") as response:
            assert response.status == 200
    assert server.faults.rules == []


def test_rule_validation() -> None:
    """Nonsense rules are refused early."""
    with pytest.raises(ValueError, match="fraction"):
        FaultRule(FaultKind.ERROR, fraction=2).validate()
    with pytest.raises(ValueError, match="status"):
        FaultRule.from_dict({"kind": "error", "status": 404})
    with pytest.raises(ValueError, match="unknown"):
        FaultRule.from_dict({"kind": "error", "colour": 1})
