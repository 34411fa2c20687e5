"""Webhook mode, as deployed behind a proxy: the bot listens on 127.0.0.1 with a secret token.

The simulator posts each update to the bot's webhook with the X-Telegram-Bot-Api-Secret-Token
header, as Telegram does. A request without the secret, or with a wrong one, is refused and
changes nothing in the database; an update posted twice (its 200 lost) is handled once.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import build_application
from bot.core.config import parse_config
from bot.core.i18n import t
from bot.runner import start_webhook
from simulator.server import SimulatorServer
from simulator.testing import ProcessedTracker, SimClient
from tests.conftest import Harness, eventually, every_row
from tests.crashsoak import ROOT, BotProcess

SECRET = "khedmatyar-webhook-Secret_42"
PATH = "telegram-hook"


def _free_port() -> int:
    """A port free on 127.0.0.1 now (the bot binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class WebhookHarness(Harness):
    """The bot of tests/conftest.py, started in webhook mode instead of polling."""

    port = 0

    @property
    def url(self) -> str:
        """The webhook's address."""
        return f"http://127.0.0.1:{self.port}/{PATH}"

    async def start(self, admins: list[int]) -> None:
        """Builds the bot and starts its webhook on an ephemeral port of 127.0.0.1."""
        data: dict[str, Any] = {
            "telegram": {"token": self.server.token, "base_url": self.server.base_url},
            "bot": {"admins": admins},
            "database": {"path": str(self.db_path)},
        }
        self.config = parse_config(data)
        app = build_application(self.config, clock=self.clock)
        self.tracker.track(app, self.handled)
        self.port = _free_port()
        await start_webhook(
            app,
            listen="127.0.0.1",
            port=self.port,
            url_path=PATH,
            webhook_url=self.url,
            secret_token=SECRET,
        )
        self.app = app


@pytest.fixture
async def hooked(
    sim_server: SimulatorServer, sim: SimClient, tracker: ProcessedTracker, tmp_path: Path
) -> AsyncIterator[WebhookHarness]:
    """The bot in webhook mode against the simulator."""
    h = WebhookHarness(sim_server, sim, tracker, tmp_path / "bot.db", {})
    h.admin = await sim.user("مدیر", username="head_admin")
    await h.start([h.admin.id])
    yield h
    await h.stop()


def _forged(update_id: int, user_id: int) -> dict[str, Any]:
    """An update a stranger might post to the webhook: /start from someone new."""
    person = {"id": user_id, "is_bot": False, "first_name": "ناشناس"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_763_456_000,
            "chat": {"id": user_id, "type": "private", "first_name": "ناشناس"},
            "from": person,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_updates_arrive_by_webhook_and_are_answered(hooked: WebhookHarness) -> None:
    info = await hooked.app.bot.get_webhook_info()
    assert info.url == hooked.url
    maryam = await hooked.sim.user("مریم")
    await maryam.send("/start")
    assert maryam.messages and maryam.last.buttons  # the welcome, with its first choices
    assert all(status == 200 for _, status in hooked.server.webhook_log)


async def test_a_request_without_the_right_secret_is_refused(hooked: WebhookHarness) -> None:
    maryam = await hooked.sim.user("مریم")
    await maryam.send("/start")  # the database holds something to compare
    before = every_row(hooked.db_path)
    stranger = 4_242_424_242
    async with aiohttp.ClientSession() as session:
        for headers in (
            {},
            {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            {"X-Telegram-Bot-Api-Secret-Token": ""},
        ):
            body = _forged(10**12 + len(headers), stranger)
            async with session.post(hooked.url, json=body, headers=headers) as response:
                assert response.status == 403, headers
    assert every_row(hooked.db_path) == before
    assert not [u for u in hooked.handled if u >= 10**12]
    count = "SELECT count(*) FROM volunteers WHERE id = ?"
    assert await hooked.store.db.scalar(count, (stranger,)) == 0


async def test_a_redelivered_update_is_handled_once(hooked: WebhookHarness) -> None:
    maryam = await hooked.sim.user("مریم")
    await maryam.send("/start")
    answers = len(maryam.messages)
    hooked.server.faults.redeliver()  # the bot's 200 is lost: Telegram posts the update again
    sent = await maryam.send("/help")
    update_id = sent.update_id
    assert update_id is not None
    await eventually(hooked.sim, lambda: hooked.handled.count(update_id) == 2)
    assert [u for u, _ in hooked.server.webhook_log].count(update_id) == 2
    await maryam.refresh()
    assert len(maryam.messages) == answers + 1  # one answer to /help, not two
    assert maryam.last.text != t("error-generic")
    processed = "SELECT count(*) FROM processed_updates WHERE update_id = ?"
    assert await hooked.store.db.scalar(processed, (update_id,)) == 1
    assert await hooked.store.db.scalar("SELECT count(*) FROM inbox") == 0


def _webhook_config(
    path: Path, server: SimulatorServer, db_path: Path, port: int, secret: str
) -> Path:
    """A config for `python -m bot run` in webhook mode against the simulator."""
    path.write_text(
        f'[telegram]\ntoken = "{server.token}"\nbase_url = "{server.base_url}"\n'
        f'mode = "webhook"\nwebhook_url = "https://127.0.0.1:{port}/telegram"\n'
        f'webhook_listen = "127.0.0.1"\nwebhook_port = {port}\nwebhook_secret = "{secret}"\n'
        f'[database]\npath = "{db_path}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "secret",
    ["password-2026", "a" * 64, "not a token: spaces!" * 4],
    ids=["word", "letter", "form"],
)
def test_webhook_mode_refuses_a_secret_anyone_could_guess(tmp_path: Path, secret: str) -> None:
    config = tmp_path / "c.toml"
    token = f"7000000001:{'A' * 35}"
    config.write_text(
        f'[telegram]\ntoken = "{token}"\nbase_url = "http://127.0.0.1:9"\nmode = "webhook"\n'
        f'webhook_url = "https://bot.example.org/telegram"\nwebhook_secret = "{secret}"\n'
        f'[database]\npath = "{tmp_path / "bot.db"}"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "telegram.webhook_secret" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "bot.db").exists()  # refused before anything was made


async def _hooked_as(server: SimulatorServer, url: str) -> str:
    """Waits (bounded) until the bot has set its webhook; returns the secret it gave Telegram."""
    for _ in range(600):
        if server.world.webhook.get("url") == url:
            return str(server.world.webhook.get("secret_token") or "")
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not set its webhook")


@pytest.mark.slow
async def test_webhook_mode_without_a_secret_makes_one_keeps_it_and_checks_it(
    sim_server: SimulatorServer, tmp_path: Path
) -> None:
    port = _free_port()
    db_path = tmp_path / "bot.db"
    config = _webhook_config(tmp_path / "c.toml", sim_server, db_path, port, secret="")
    bot = BotProcess(config, tmp_path / "bot.log")
    await bot.start()
    try:
        secret = await _hooked_as(sim_server, f"https://127.0.0.1:{port}/telegram")
        with closing(sqlite3.connect(db_path)) as db:
            (kept,) = db.execute("SELECT value FROM secrets WHERE name = 'webhook'").fetchone()
        assert secret == base64.urlsafe_b64encode(kept).decode().rstrip("=")
        assert len(secret) >= 43  # 32 random bytes
        stranger = 4_242_424_242
        url = f"http://127.0.0.1:{port}/telegram"  # as the proxy forwards it
        async with aiohttp.ClientSession() as session:
            for n, headers in enumerate(({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"})):
                async with session.post(url, json=_forged(n + 1, stranger), headers=headers) as r:
                    assert r.status == 403
            good = {"X-Telegram-Bot-Api-Secret-Token": secret}
            async with session.post(url, json=_forged(3, stranger), headers=good) as response:
                assert response.status == 200
        seen = "SELECT update_id FROM processed_updates"
        for _ in range(600):  # the one with the secret is handled, the others never were
            with closing(sqlite3.connect(db_path)) as db:
                if [r[0] for r in db.execute(seen)] == [3]:
                    break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the update with the secret was not handled")

        await bot.stop()  # after a restart the bot passes the same secret again
        sim_server.world.webhook = {}
        await bot.start()
        assert await _hooked_as(sim_server, f"https://127.0.0.1:{port}/telegram") == secret
    finally:
        await bot.stop()
