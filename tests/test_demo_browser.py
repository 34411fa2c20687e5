"""The demo as a person meets it: the web chat in headless Chromium, talking to the real bot."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from bot.config import parse_config
from bot.demo import Demo, start_demo
from bot.i18n import label
from simulator.testing import CHROMIUM, CHROMIUM_ARGS

# Outside CI a developer without chromium skips these; in CI (`make test` installs it) they run.
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian's chromium is missing"
)


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    """The demo on an ephemeral port with its data in the test's directory."""
    running = await start_demo(parse_config({}), port=0, data=str(tmp_path / "demo"))
    yield running
    await running.stop()


async def test_start_and_report_button_in_the_web_chat(demo: Demo, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1000, "height": 800}, locale="fa-IR")
            await page.goto(demo.server.web_url)
            await page.wait_for_selector("body[data-ready='1']")
            await page.get_by_test_id("user-select").select_option(str(demo.people["leader"]))
            box = page.get_by_test_id("text-input")
            await box.fill("/start")
            await box.press("Enter")
            await expect(page.locator(".bubble", has_text="سلام رضا")).to_be_visible()
            keyboard = page.get_by_test_id("reply-keyboard")
            await keyboard.get_by_role("button", name="📝 ثبت گزارش خدمت").click()
            await expect(
                page.locator(".bubble", has_text="گزارش برای کدام پویش است؟")
            ).to_be_visible()
            await page.get_by_role("button", name="پویش ۱۱ هزار خدمت").click()
            await expect(page.locator(".bubble", has_text="حوزهٔ خدمت")).to_be_visible()
            await page.screenshot(path=str(tmp_path / "demo-report.png"))
        finally:
            await browser.close()
    assert (tmp_path / "demo-report.png").stat().st_size > 10_000
    assert demo.server.violations == []


async def test_personas_say_their_role_and_an_invite_link_opens_the_join_flow(
    demo: Demo, tmp_path: Path
) -> None:
    """«علی — تازه‌وارد» in the picker; tapping the bot's invite link sends /start j-CODE as him."""
    from playwright.async_api import async_playwright, expect

    async with aiosqlite.connect(tmp_path / "demo" / "demo.db") as db:
        cursor = await db.execute("SELECT code FROM invites ORDER BY id LIMIT 1")
        row = await cursor.fetchone()
    assert row is not None
    code = str(row[0])
    ali = demo.people["newcomer"]
    link = f"https://t.me/{demo.server.world.bot.username}?start=j-{code}"
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844}, locale="fa-IR")
            await page.goto(demo.server.web_url)
            await page.wait_for_selector("body[data-ready='1']")
            options = await page.get_by_test_id("user-select").locator("option").all_inner_texts()
            assert options == [
                "مدیر — مدیر",
                "رضا — سرگروه",
                "مریم — عضو",
                "زهرا — هماهنگ‌کننده",
                "علی — تازه‌وارد",
            ]
            await page.locator("#back").click()
            await page.get_by_test_id("user-select").select_option(str(ali))
            await demo.app.bot.send_message(ali, f"لینک دعوت: {link}")
            await page.locator(".bubble a", has_text=f"j-{code}").click()
            outgoing = page.locator(".row.out .bubble", has_text=f"/start j-{code}")
            await expect(outgoing).to_be_visible()
            await expect(page.get_by_role("button", name=label("join-yes"))).to_be_visible()
        finally:
            await browser.close()
    assert demo.server.violations == []
