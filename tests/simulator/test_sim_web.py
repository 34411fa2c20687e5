"""The web chat in a real browser: Persian, right-to-left, inline buttons and their answers."""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import pytest
from simhelp import EchoBot, RawBot, started_user

from simulator.server import SimulatorServer
from simulator.testing import CHROMIUM, CHROMIUM_ARGS, ProcessedTracker

if TYPE_CHECKING:
    from playwright.async_api import Page

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


@contextlib.asynccontextmanager
async def chat_page(
    server: SimulatorServer, width: int = 390, height: int = 700
) -> AsyncIterator[Page]:
    """The web chat in headless Chromium, opened on the first user's chat with the bot."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(
                viewport={"width": width, "height": height}, locale="fa-IR"
            )
            await page.goto(server.web_url)
            await page.wait_for_selector("body[data-ready='1']")
            yield page
        finally:
            await browser.close()


def _png(width: int, height: int) -> bytes:
    """A plain PNG picture of one colour."""
    row = b"\0" + bytes((90, 140, 200)) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        """One PNG chunk with its length and checksum."""
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


async def _gap_below(page: Page) -> float:
    """How far the newest message's bottom (and its buttons) lies below the visible pane."""
    return float(
        await page.evaluate(
            """() => {
                const box = document.getElementById("messages");
                const rows = box.querySelectorAll(".row");
                const last = rows[rows.length - 1].getBoundingClientRect();
                return last.bottom - box.getBoundingClientRect().bottom;
            }"""
        )
    )


async def test_new_chat_offers_start(sim_server: SimulatorServer, echo: EchoBot) -> None:
    """An empty private chat shows «شروع», which sends /start; it goes once there are messages."""
    from playwright.async_api import expect

    sim_server.world.create_user("علی")
    async with chat_page(sim_server) as page:
        start = page.get_by_test_id("start-button")
        await expect(start).to_have_text("شروع")
        await expect(page.locator(".empty")).to_contain_text("«شروع»")
        await start.click()
        await expect(page.locator(".row.out .bubble", has_text="/start")).to_be_visible()
        await expect(page.locator(".bubble b", has_text="سلام!")).to_be_visible()
        await expect(start).to_be_hidden()


async def test_newest_message_stays_in_view(
    sim_server: SimulatorServer, bot: RawBot, tmp_path: Path
) -> None:
    """After an album and after a taller reply keyboard, the newest message and its buttons show."""
    from playwright.async_api import expect

    user = started_user(sim_server, "رضا")
    for number in range(3):  # enough lines to fill the pane, within the flood limit
        text = "\n".join(f"پیام {number}، خط {line}" for line in range(12))
        await bot.ok("sendMessage", {"chat_id": user.id, "text": text})
    async with chat_page(sim_server) as page:
        pictures = []
        for number in range(3):
            path = tmp_path / f"photo-{number}.png"
            path.write_bytes(_png(640, 900))
            pictures.append(str(path))
        await page.locator("#file-input").set_input_files(pictures)
        await expect(page.locator(".photo-grid img")).to_have_count(3)
        inline = {"inline_keyboard": [[{"text": "تمام", "callback_data": "done"}]]}
        await bot.ok(
            "sendMessage", {"chat_id": user.id, "text": "۳ عکس رسید.", "reply_markup": inline}
        )
        await expect(page.get_by_role("button", name="تمام")).to_be_visible()
        await page.wait_for_function(
            "[...document.querySelectorAll('.photo-grid img')].every((i) => i.complete)"
        )
        await page.wait_for_timeout(100)  # lets the load handlers run; the check is not timed
        assert await _gap_below(page) <= 1
        rows = [[{"text": f"دکمهٔ {n}"}] for n in range(5)]
        await bot.ok(
            "sendMessage",
            {"chat_id": user.id, "text": "یکی را انتخاب کنید", "reply_markup": {"keyboard": rows}},
        )
        await expect(page.get_by_test_id("reply-keyboard")).to_be_visible()
        await expect(page.locator(".bubble", has_text="یکی را انتخاب کنید")).to_be_visible()
        await page.wait_for_timeout(100)
        assert await _gap_below(page) <= 1


async def test_links_and_commands_are_clickable(sim_server: SimulatorServer, bot: RawBot) -> None:
    """URLs become links, /commands send themselves, the bot's invite link sends /start PAYLOAD."""
    from playwright.async_api import expect

    user = started_user(sim_server, "علی")
    invite = f"https://t.me/{sim_server.world.bot.username}?start=j-AB12cd"
    text = (
        "راهنما: https://example.org/help. اگر گیر کردید \u2068/help\u2069 را بفرستید.\n"
        f"دعوت: {invite}\n۱۴۰۵/۰۹/۰۱"
    )
    await bot.ok("sendMessage", {"chat_id": user.id, "text": text})
    async with chat_page(sim_server) as page:
        bubble = page.locator(".row.in .bubble").last
        link = bubble.locator("a", has_text="example.org")
        await expect(link).to_have_attribute("href", "https://example.org/help")
        assert await bubble.locator(".command").all_inner_texts() == ["/help"]
        await bubble.locator(".command").click()
        await expect(page.locator(".row.out .bubble", has_text="/help")).to_be_visible()
        await bubble.locator("a", has_text="start=j-AB12cd").click()
        await expect(page.locator(".row.out .bubble", has_text="/start j-AB12cd")).to_be_visible()
        deep = f"tg://resolve?domain={sim_server.world.bot.username}&amp;start=j-Zz9"
        await bot.ok(
            "sendMessage",
            {"chat_id": user.id, "text": f'<a href="{deep}">پیوستن</a>', "parse_mode": "HTML"},
        )
        await page.locator(".row.in .bubble a", has_text="پیوستن").click()
        await expect(page.locator(".row.out .bubble", has_text="/start j-Zz9")).to_be_visible()
    sent = [m.text for m in sim_server.world.private_chat(user).messages.values() if not m.from_bot]
    assert sent[-3:] == ["/help", "/start j-AB12cd", "/start j-Zz9"]


async def test_three_long_buttons_to_a_row_fit_a_phone(
    sim_server: SimulatorServer, bot: RawBot
) -> None:
    """Three province names to a row wrap inside their buttons on a 390 px screen, none cut off."""
    from playwright.async_api import expect

    user = started_user(sim_server, "رضا")
    names = ["کهگیلویه و بویراحمد", "چهارمحال و بختیاری", "سیستان و بلوچستان"]
    row = [{"text": name, "callback_data": f"p:{n}"} for n, name in enumerate(names)]
    markup = {"inline_keyboard": [row]}
    await bot.ok("sendMessage", {"chat_id": user.id, "text": "استان:", "reply_markup": markup})
    async with chat_page(sim_server, 390, 844) as page:
        await expect(page.get_by_role("button", name=names[0])).to_be_visible()
        cut = await page.evaluate(
            "[...document.querySelectorAll('.inline-kb .kb-btn')]"
            ".filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => b.textContent)"
        )
        assert cut == []


async def test_edited_only_when_the_text_changed(sim_server: SimulatorServer, bot: RawBot) -> None:
    """A buttons-only edit leaves no «ویرایش‌شده»; a text edit shows it."""
    from playwright.async_api import expect

    user = started_user(sim_server, "مریم")
    inline = {"inline_keyboard": [[{"text": "بله", "callback_data": "y"}]]}
    kept = await bot.ok("sendMessage", {"chat_id": user.id, "text": "اول", "reply_markup": inline})
    changed = await bot.ok("sendMessage", {"chat_id": user.id, "text": "دوم"})
    await bot.ok("editMessageReplyMarkup", {"chat_id": user.id, "message_id": kept["message_id"]})
    await bot.ok(
        "editMessageText",
        {"chat_id": user.id, "message_id": changed["message_id"], "text": "دوم، درست‌شده"},
    )
    async with chat_page(sim_server) as page:
        await expect(page.locator(".bubble", has_text="دوم، درست‌شده")).to_contain_text("ویرایش‌شده")
        first = page.locator(".bubble", has_text="اول")
        await expect(first).to_be_visible()
        await expect(first).not_to_contain_text("ویرایش‌شده")


async def test_a_panel_edited_then_stripped_stays_unmarked(
    sim_server: SimulatorServer, bot: RawBot
) -> None:
    """A bot's panel edited in place and later stripped of its buttons shows no «ویرایش‌شده»
    (Telegram hides the mark of an edit made to a panel); a plain message edited shows it,
    and so does a panel's buttons-free text edit once it is no panel."""
    from playwright.async_api import expect

    user = started_user(sim_server, "مریم")
    inline = {"inline_keyboard": [[{"text": "بعدی", "callback_data": "n"}]]}
    panel = await bot.ok(
        "sendMessage", {"chat_id": user.id, "text": "صفحهٔ اول", "reply_markup": inline}
    )
    target = {"chat_id": user.id, "message_id": panel["message_id"]}
    await bot.ok("editMessageText", {**target, "text": "صفحهٔ دوم", "reply_markup": inline})
    await bot.ok("editMessageReplyMarkup", target)  # a newer screen took its buttons
    last = await bot.ok(
        "sendMessage", {"chat_id": user.id, "text": "پایانی", "reply_markup": inline}
    )
    closed = {"chat_id": user.id, "message_id": last["message_id"]}
    await bot.ok("editMessageText", {**closed, "text": "پایانی، بسته"})  # its buttons go with it
    plain = await bot.ok("sendMessage", {"chat_id": user.id, "text": "ساده"})
    await bot.ok(
        "editMessageText",
        {"chat_id": user.id, "message_id": plain["message_id"], "text": "ساده، درست‌شده"},
    )
    chat = sim_server.world.private_chat(user)
    assert chat.messages[panel["message_id"]].edit_date is not None  # the Bot API says edited
    async with chat_page(sim_server, 390, 844) as page:
        await expect(page.locator(".bubble", has_text="ساده، درست‌شده")).to_contain_text("ویرایش‌شده")
        for text in ("صفحهٔ دوم", "پایانی، بسته"):
            stripped = page.locator(".row", has=page.locator(".bubble", has_text=text))
            await expect(stripped).to_be_visible()
            await expect(stripped.locator(".inline-kb")).to_have_count(0)
            await expect(stripped).not_to_contain_text("ویرایش‌شده")
        await expect(page.locator(".meta", has_text="ویرایش‌شده")).to_have_count(1)


async def test_a_share_button_with_no_chat_to_share_in_says_what_to_do(
    sim_server: SimulatorServer, bot: RawBot
) -> None:
    """A person whose only chat is the bot's presses a share button (bot chats not allowed):
    the picker says why it is empty and how to make a chat; in a group, the group is offered."""
    from playwright.async_api import expect

    user = started_user(sim_server, "رضا")
    chosen = {"query": "group:1", "allow_user_chats": True, "allow_group_chats": True}
    markup = {"inline_keyboard": [[{"text": "هم‌رسانی", "switch_inline_query_chosen_chat": chosen}]]}
    await bot.ok("sendMessage", {"chat_id": user.id, "text": "کارت", "reply_markup": markup})
    async with chat_page(sim_server, 390, 844) as page:
        await page.get_by_role("button", name="هم‌رسانی").click()
        dialog = page.get_by_test_id("pick-dialog")
        await expect(dialog).to_contain_text("گفت‌وگوی گروهی تازه")
        await expect(dialog.locator(".pick-item")).to_have_count(0)
        await dialog.get_by_role("button", name="انصراف").click()
        sim_server.world.create_group("دوستان", [user], supergroup=True, bot_admin=False)
        await expect(page.locator(".chat-item", has_text="دوستان")).to_have_count(1)
        await page.get_by_role("button", name="هم‌رسانی").click()
        await expect(dialog.locator(".pick-item", has_text="دوستان")).to_be_visible()
        await expect(dialog).not_to_contain_text("گفت‌وگوی گروهی تازه")


async def test_sidebar_names_a_group_chat_and_fonts_are_served(
    sim_server: SimulatorServer,
) -> None:
    """«گفت‌وگوی گروهی تازه» (not the bot's «گروه»); the page draws with the shipped Vazirmatn."""
    from playwright.async_api import expect

    sim_server.world.create_user("مدیر")
    async with chat_page(sim_server, 1000, 700) as page:
        await expect(page.locator("#new-group")).to_have_text("گفت‌وگوی گروهی تازه")
        await page.evaluate("document.fonts.ready")
        assert await page.evaluate("document.fonts.check('16px Vazirmatn', 'سلام')")
        loaded = await page.evaluate(
            "[...document.fonts].filter((f) => f.family.includes('Vazirmatn')).map((f) => f.status)"
        )
        assert "loaded" in loaded
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{sim_server.web_url}web/fonts/Vazirmatn-Variable.woff2") as got,
    ):
        assert got.status == 200
        assert got.content_type == "font/woff2"
        assert (await got.read())[:4] == b"wOF2"
