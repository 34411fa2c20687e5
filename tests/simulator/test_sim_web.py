"""The web chat in a real browser: Persian, right-to-left, inline buttons and their answers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from simhelp import EchoBot

from simulator.server import SimulatorServer
from simulator.testing import CHROMIUM, CHROMIUM_ARGS, ProcessedTracker

# Outside CI a developer without chromium skips these; in CI (`make test` installs it) they run.
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian's chromium is missing"
)


@pytest.fixture
async def echo(sim_server: SimulatorServer) -> AsyncIterator[EchoBot]:
    """The echo bot, polling the simulator."""
    bot = EchoBot(sim_server, ProcessedTracker())
    await bot.start()
    yield bot
    await bot.stop()


async def test_web_chat_conversation(
    sim_server: SimulatorServer, echo: EchoBot, tmp_path: Path
) -> None:
    """Send /start, press an inline button, see the answer toast; user text stays text."""
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1000, "height": 700}, locale="fa-IR")
            await page.goto(sim_server.web_url)
            await page.wait_for_selector("body[data-ready='1']")
            assert await page.evaluate("document.documentElement.dir") == "rtl"
            box = page.get_by_test_id("text-input")
            await box.fill("/start")
            await box.press("Enter")
            bold = page.locator(".bubble b", has_text="سلام!")
            await expect(bold).to_be_visible()
            await page.get_by_role("button", name="ثبت گزارش").click()
            await expect(page.get_by_test_id("toast")).to_have_text("گزارش تازه آغاز شد")
            await expect(page.locator(".bubble", has_text="چند نفر")).to_be_visible()
            await box.fill('<i>نه</i> <img src=x onerror="document.body.dataset.hacked=1">')
            await box.press("Enter")
            echoed = page.locator(".row.in .bubble", has_text="<i>نه</i>")
            await expect(echoed).to_be_visible()
            assert await echoed.locator("i, img").count() == 0
            assert await page.evaluate("document.body.dataset.hacked") is None
            await page.get_by_role("button", name="آمار من").click()
            await expect(page.get_by_test_id("toast")).to_have_text("داده: s:me")
            await page.screenshot(path=str(tmp_path / "web-chat.png"))
            # Bubbles from the bot sit on the right edge of the chat in a right-to-left layout.
            bot_box = await page.locator(".row.in .bubble").first.bounding_box()
            user_box = await page.locator(".row.out .bubble").first.bounding_box()
            assert bot_box is not None and user_box is not None
            assert bot_box["x"] > user_box["x"]
        finally:
            await browser.close()
    assert (tmp_path / "web-chat.png").stat().st_size > 10_000
