"""Helpers for the simulator's tests: a raw Bot API client, started users, a PTB echo bot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from simulator.server import SimulatorServer
from simulator.state import User
from simulator.testing import ProcessedTracker


class RawBot:
    """Calls the simulator's Bot API over real HTTP, as JSON, form, multipart or GET."""

    def __init__(self, server: SimulatorServer, session: aiohttp.ClientSession) -> None:
        self.server = server
        self.session = session

    def url(self, method: str, token: str | None = None) -> str:
        """The endpoint of a method."""
        return f"{self.server.bot_api_url}{token or self.server.token}/{method}"

    async def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        how: str = "json",
        files: dict[str, tuple[str, bytes, str]] | None = None,
        token: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Sends one request and returns the HTTP status and the JSON body."""
        params = params or {}
        url = self.url(method, token)
        encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        if how == "json":
            request = self.session.post(url, json=params)
        elif how == "form":
            request = self.session.post(url, data=encoded)
        elif how == "get":
            request = self.session.get(url, params=encoded)
        else:
            form = aiohttp.FormData()
            for key, value in encoded.items():
                form.add_field(key, value)
            for key, (name, data, mime) in (files or {}).items():
                form.add_field(key, data, filename=name, content_type=mime)
            request = self.session.post(url, data=form)
        async with request as response:
            return response.status, await response.json()

    async def ok(self, method: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        """Calls a method that must succeed; checks the result against the spec."""
        status, body = await self.call(method, params, **kw)
        assert status == 200 and body["ok"] is True, body
        spec = self.server.spec.method(method)
        assert spec is not None
        if self.server.api.handlers.get(method.lower()):
            problems = self.server.spec.result_problems(body["result"], spec.returns)
            assert not problems, problems
        return body["result"]

    async def error(
        self, method: str, params: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[int, str]:
        """Calls a method that must fail; returns the error code and description."""
        status, body = await self.call(method, params, **kw)
        assert body["ok"] is False, body
        assert status == body["error_code"]
        return body["error_code"], body["description"]


async def until(condition: Callable[[], bool]) -> None:
    """Yields to the event loop until a condition holds (for at most ten seconds)."""
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


def started_user(server: SimulatorServer, name: str = "مریم") -> User:
    """Creates a user who has sent /start (so the bot may write to them)."""
    user = server.world.create_user(name)
    server.world.user_message(user, server.world.private_chat(user), text="/start")
    return user


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with an inline keyboard."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "<b>سلام!</b> به <i>خدمت‌یار</i> خوش آمدید.\nچه کاری انجام دهیم؟",
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("ثبت گزارش", callback_data="r:new"),
                    InlineKeyboardButton("آمار من", callback_data="s:me"),
                ],
                [InlineKeyboardButton("راهنما", url="https://example.org/help")],
            ]
        ),
    )


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows a reply keyboard."""
    assert update.effective_message is not None
    keyboard: list[list[str | KeyboardButton]] = [
        ["ثبت خدمت", "آمار"],
        [KeyboardButton("موقعیت من", request_location=True)],
    ]
    await update.effective_message.reply_text(
        "منوی اصلی", reply_markup=ReplyKeyboardMarkup(keyboard, resize_keyboard=True)
    )


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a callback and edits the message, keeping its keyboard."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    if query.data == "r:new":
        await query.answer("گزارش تازه آغاز شد")
        await query.edit_message_text(
            "گزارش تازه: <b>چند نفر</b> خدمت گرفتند؟",
            parse_mode=ParseMode.HTML,
            reply_markup=query.message.reply_markup,
        )
    else:
        await query.answer(f"داده: {query.data}")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeats a text."""
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


async def _photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Downloads the largest size of a photo and says how big it was."""
    message = update.effective_message
    assert message is not None and message.photo
    data = await (await message.photo[-1].get_file()).download_as_bytearray()
    await message.reply_text(f"عکس {len(data)} بایتی رسید")


async def _location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirms a location."""
    message = update.effective_message
    assert message is not None and message.location is not None
    await message.reply_text(f"موقعیت: {message.location.latitude:.4f}")


class EchoBot:
    """A tiny python-telegram-bot echo bot running in-process against the simulator."""

    def __init__(self, server: SimulatorServer, tracker: ProcessedTracker) -> None:
        tracked = tracker

        class TrackedApplication(Application):
            """Reports every finished update to the tracker."""

            async def process_update(self, update: object) -> None:
                """Processes the update, then marks it done."""
                try:
                    await super().process_update(update)
                finally:
                    if isinstance(update, Update):
                        tracked.done(update.update_id)

        self.app = (
            Application.builder()
            .application_class(TrackedApplication)
            .token(server.token)
            .base_url(f"{server.base_url}/bot")
            .base_file_url(f"{server.base_url}/file/bot")
            .build()
        )
        self.app.add_handler(CommandHandler("start", _start))
        self.app.add_handler(CommandHandler("menu", _menu))
        self.app.add_handler(CallbackQueryHandler(_button))
        self.app.add_handler(MessageHandler(filters.PHOTO, _photo))
        self.app.add_handler(MessageHandler(filters.LOCATION, _location))
        self.app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))

    async def start(self) -> None:
        """Initialises the bot and starts polling."""
        await self.app.initialize()
        await self.app.bot.set_my_commands([BotCommand("start", "شروع"), BotCommand("menu", "منو")])
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0, timeout=1)

    async def stop(self) -> None:
        """Stops polling and shuts the bot down."""
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()
