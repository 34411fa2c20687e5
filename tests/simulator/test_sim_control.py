"""The control API, the waiting logic, the web chat's files and the command line."""

from __future__ import annotations

import asyncio
import re
import sys
from typing import Any

import aiohttp
import pytest
from simhelp import RawBot, until

from simulator.__main__ import parse_args
from simulator.errors import WaitTimeout
from simulator.server import SimulatorServer
from simulator.testing import SimClient, SimulatorError


async def call(server: SimulatorServer, method: str, path: str, body: Any = None) -> Any:
    """Calls the control API and returns (status, JSON)."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"{server.control_url}{path}", json=body) as response,
    ):
        return response.status, await response.json()


async def test_info_and_config(server: SimulatorServer) -> None:
    """/info gives addresses and token; /config changes limits and switches."""
    status, info = await call(server, "GET", "/info")
    assert status == 200 and info["token"] == server.token
    assert info["bot_api_url"] == f"{server.base_url}/bot" and info["base_url"].startswith(
        "http://127.0.0.1:"
    )
    status, config = await call(
        server, "PATCH", "/config", {"flood_control": False, "privacy_mode": False}
    )
    assert config["limits"]["flood_control"] is False and config["privacy_mode"] is False
    assert server.limits.flood_control is False and server.world.privacy_mode is False
    status, error = await call(server, "PATCH", "/config", {"colour": 1})
    assert status == 400 and "unknown settings" in error["error"]


async def test_users_chats_and_snapshot(server: SimulatorServer) -> None:
    """Users and chats are created and listed; the snapshot carries messages and answers."""
    _, maryam = await call(server, "POST", "/users", {"first_name": "مریم"})
    _, reza = await call(server, "POST", "/users", {"first_name": "رضا"})
    status, _ = await call(server, "POST", "/users", {"first_name": " "})
    assert status == 400
    _, group = await call(
        server, "POST", "/groups", {"title": "گروه امید", "members": [maryam["id"], reza["id"]]}
    )
    assert len(group["update_ids"]) == 2
    _, sent = await call(
        server, "POST", f"/users/{reza['id']}/messages", {"text": "/start", "chat_id": group["id"]}
    )
    assert sent["message_ids"] == [2] and len(sent["update_ids"]) == 1
    _, chats = await call(server, "GET", f"/chats?user_id={reza['id']}")
    assert {c["type"] for c in chats} == {"private", "supergroup"}
    _, snap = await call(
        server, "POST", "/snapshot", {"chats": [group["id"]], "users": [reza["id"]]}
    )
    history = snap["chats"][str(group["id"])]["messages"]
    assert [m["text"] for m in history] == [None, "/start"]
    assert snap["users"][str(reza["id"])]["last_answer"] is None
    status, error = await call(server, "POST", "/users/999/messages", {"text": "x"})
    assert status == 404 and error["error"] == "no user 999"
    status, error = await call(
        server, "POST", f"/users/{maryam['id']}/press", {"message_id": 77, "data": "x"}
    )
    assert status == 404


async def test_wait_reports_why_it_gave_up(server: SimulatorServer, bot: RawBot) -> None:
    """Waiting explains a missing poller, and a bot that never goes quiet."""
    user = server.world.create_user("مریم")
    _, update_id = server.world.user_message(user, server.world.private_chat(user), text="x")
    assert update_id is not None
    with pytest.raises(WaitTimeout, match="never called getUpdates"):
        await server.wait_processed(update_id, max_wait=0.05)
    await bot.ok("getUpdates")
    await server.wait_processed(update_id, quiet=0.01)

    server.faults.slow(0.6, method="getMe")
    busy = asyncio.create_task(bot.ok("getMe"))  # a request stays in flight throughout
    await until(lambda: server.inflight > 0)
    with pytest.raises(WaitTimeout, match="kept making requests"):
        await server.wait_quiet(quiet=0.01, max_wait=0.2)
    await busy
    status, error = await call(
        server, "POST", "/wait", {"update_id": update_id + 5, "timeout": 0.1}
    )
    assert status == 504 and "there is no update" in error["error"]


async def test_wait_processed_hook_is_called_per_update(
    server: SimulatorServer, bot: RawBot
) -> None:
    """With a hook, the kit waits for delivery, then awaits the hook for each update in order."""
    seen: list[int] = []

    async def hook(update_id: int) -> None:
        """Records the call."""
        assert update_id in server.world.delivered
        seen.append(update_id)

    async def poll() -> None:
        """Delivers whatever arrives."""
        await bot.ok("getUpdates", {"timeout": 5})

    async with SimClient(server.control_url, wait_processed=hook) as sim:
        maryam = await sim.user("مریم")
        poller = asyncio.create_task(poll())
        sent = await maryam.send_album(2)
        await poller
    assert seen == sent.update_ids and len(seen) == 2


async def test_kit_errors_are_explicit(server: SimulatorServer) -> None:
    """Control API refusals raise SimulatorError with the reason."""
    async with SimClient(server.control_url) as sim:
        maryam = await sim.user("مریم")
        await maryam.block(wait=False)
        with pytest.raises(SimulatorError, match="has blocked the bot"):
            await maryam.send("سلام")
        with pytest.raises(AssertionError, match="has sent nothing"):
            _ = maryam.last
        await sim.reset()
        assert sim.users == [] and server.world.users == {}


async def test_clock_and_records(server: SimulatorServer) -> None:
    """The clock can be advanced and frozen; records can be cleared."""
    _, body = await call(server, "POST", "/clock/advance", {"seconds": 60})
    assert body["offset"] == 60
    _, body = await call(server, "PUT", "/clock", {"frozen": True})
    assert body["frozen"] is True and server.clock.frozen
    before = server.clock.monotonic()
    await asyncio.sleep(0.01)
    assert server.clock.monotonic() == before
    await call(server, "PUT", "/clock", {"frozen": False})
    server.world.record_violation("sendMessage", {}, 400, "Bad Request: x")
    await call(server, "DELETE", "/records")
    assert server.violations == []


async def test_changes_long_poll(server: SimulatorServer) -> None:
    """/changes answers as soon as the state version moves."""
    _, first = await call(server, "GET", "/changes?since=0&timeout=1")
    waiting = asyncio.create_task(call(server, "GET", f"/changes?since={first['version']}"))
    await asyncio.sleep(0.05)
    server.world.create_user("مریم")
    _, second = await asyncio.wait_for(waiting, 5)
    assert second["version"] > first["version"]


async def test_web_chat_is_served(server: SimulatorServer, bot: RawBot) -> None:
    """The web chat is Persian, right-to-left and loads nothing from the internet."""
    async with aiohttp.ClientSession() as session:
        async with session.get(server.web_url) as response:
            page = await response.text()
        assert '<html lang="fa" dir="rtl">' in page
        assert "http" not in page.replace('href="data:,"', "")
        for name in ("app.js", "strings.js", "style.css"):
            async with session.get(f"{server.base_url}/web/{name}") as response:
                assert response.status == 200
                text = await response.text()
                assert not re.search(
                    r"(src|href)=\"https?:|url\(\s*[\"']?https?:|@import|fetch\(\"http", text
                )
        async with session.get(f"{server.base_url}/web/../server.py") as response:
            assert response.status == 404
        async with session.get(f"{server.base_url}/web/app.js") as response:
            assert "innerHTML" not in await response.text()


async def test_stored_files_are_viewable(server: SimulatorServer, bot: RawBot) -> None:
    """Files the bot uploaded are served under /_sim/files/ for the web chat."""
    user = server.world.create_user("مریم")
    server.world.user_message(user, server.world.private_chat(user), text="/start")
    sent = await bot.ok(
        "sendDocument",
        {"chat_id": user.id},
        how="multipart",
        files={"document": ("a.txt", b"salam", "text/plain")},
    )
    async with aiohttp.ClientSession() as session:
        url = f"{server.control_url}/files/{sent['document']['file_id']}"
        async with session.get(url) as response:
            assert await response.read() == b"salam"


def test_cli_arguments() -> None:
    """The command line takes a port, a token and switches."""
    args = parse_args(["--port", "0", "--token", "1:abc", "--no-flood"])
    assert (args.port, args.token, args.no_flood, args.no_privacy) == (0, "1:abc", True, False)


async def test_cli_runs_the_server() -> None:
    """`python -m simulator --port 0` prints its addresses and serves until stopped."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        "--token",
        "42:secret",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        lines = [(await asyncio.wait_for(process.stdout.readline(), 20)).decode() for _ in range(5)]
        assert "Token:     42:secret" in lines[2]
        control = lines[4].split()[1]
        async with aiohttp.ClientSession() as session, session.get(f"{control}/info") as response:
            assert (await response.json())["token"] == "42:secret"
    finally:
        process.terminate()
        await process.wait()


async def test_web_upload_of_several_photos_makes_an_album(server: SimulatorServer) -> None:
    """The web chat posts files as multipart; several files become one album."""
    from simulator.media import make_png

    user = server.world.create_user("مریم")
    form = aiohttp.FormData()
    form.add_field("caption", "دو عکس")
    for name in ("یک.png", "دو.png"):
        form.add_field(
            "photo", make_png(40, 30, (9, 9, 9)), filename=name, content_type="image/png"
        )
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.control_url}/users/{user.id}/photos", data=form) as response,
    ):
        result = await response.json()
    assert len(result["update_ids"]) == 2
    first, second = (server.world.chats[user.id].messages[i] for i in result["message_ids"])
    assert first.media_group_id == second.media_group_id and first.caption == "دو عکس"
    assert first.photo is not None and first.photo[-1].width == 40


async def test_one_time_keyboard_hides_after_an_answer(
    bot: RawBot, server: SimulatorServer
) -> None:
    """A one-time reply keyboard is gone once the user has answered."""
    async with SimClient(server.control_url) as sim:
        maryam = await sim.user("مریم")
        await maryam.send("/start", wait=False)
        await bot.ok(
            "sendMessage",
            {
                "chat_id": maryam.id,
                "text": "کدام؟",
                "reply_markup": {"keyboard": [["بله", "خیر"]], "one_time_keyboard": True},
            },
        )
        await maryam.refresh()
        assert maryam.keyboard == [["بله", "خیر"]]
        await maryam.press("بله", wait=False)
        assert maryam.keyboard is None
        assert [m.text for m in maryam.chat.history][-1] == "بله"


async def test_start_classmethod_and_unstarted_server() -> None:
    """`await SimulatorServer.start()` listens on an ephemeral port; the spec loads on start."""
    idle = SimulatorServer()
    with pytest.raises(RuntimeError, match="not started"):
        _ = idle.spec
    server = await SimulatorServer.start(token="5:abc")
    try:
        assert server.port > 0 and server.world.bot.id == 5
        assert server.control_url == f"http://127.0.0.1:{server.port}/_sim"
    finally:
        await server.close()
