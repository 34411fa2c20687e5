"""setWebhook: the simulator posts each update to the bot with its secret, again if not 200."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from simhelp import RawBot

from simulator.server import SimulatorServer
from simulator.testing import SimClient


async def _receiver(statuses: list[int]) -> tuple[web.AppRunner, str, list[tuple[Any, str]]]:
    """A webhook on 127.0.0.1 that answers the given statuses in turn (then 200)."""
    got: list[tuple[Any, str]] = []

    async def hook(request: web.Request) -> web.Response:
        got.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""))
        )
        return web.Response(status=statuses.pop(0) if statuses else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/hook", got


async def _until(check: Any) -> None:
    """Waits (bounded) for the delivery loop."""
    for _ in range(100):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not delivered in time")


async def test_updates_are_posted_with_the_secret_and_retried(
    bot: RawBot, sim: SimClient, server: SimulatorServer
) -> None:
    """A 500 leaves the update first in line; once answered 200 it is gone and the next comes."""
    runner, url, got = await _receiver([500])
    try:
        await bot.ok("setWebhook", {"url": url, "secret_token": "s3cret"})
        info = await bot.ok("getWebhookInfo")
        assert info["url"] == url and "secret_token" not in info
        maryam = await sim.user("مریم")
        first = await maryam.send("سلام", wait=False)
        second = await maryam.send("دوباره", wait=False)
        await _until(lambda: len(got) == 3)
        ids = [u["update_id"] for u, _ in got]
        assert ids == [first.update_id, first.update_id, second.update_id]
        assert {secret for _, secret in got} == {"s3cret"}
        assert got[2][0]["message"]["text"] == "دوباره"
        await _until(lambda: len(server.webhook_log) == 3)  # logged once the answer is read
        assert [s for _, s in server.webhook_log] == [500, 200, 200]
        await _until(lambda: not server.world.updates)
    finally:
        await runner.cleanup()


async def test_a_lost_answer_means_one_more_delivery(
    bot: RawBot, sim: SimClient, server: SimulatorServer
) -> None:
    """The redeliver fault posts an update again after its 200, as when the answer was lost."""
    runner, url, got = await _receiver([])
    try:
        await bot.ok("setWebhook", {"url": url})
        server.faults.redeliver()
        maryam = await sim.user("مریم")
        sent = await maryam.send("سلام", wait=False)
        await _until(lambda: len(got) == 2)
        assert [u["update_id"] for u, _ in got] == [sent.update_id] * 2
        assert got[0][1] == ""  # no secret was set
    finally:
        await runner.cleanup()


async def test_plain_http_only_on_this_machine(bot: RawBot) -> None:
    """Telegram wants HTTPS; the simulator also takes http://127.0.0.1 (a proxy ends TLS)."""
    status, body = await bot.call("setWebhook", {"url": "http://example.org/hook"})
    assert status == 400 and "HTTPS" in body["description"]
