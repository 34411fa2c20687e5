"""/digest for admins: the weekly digest of the last week ended, sent only to them (a preview)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.chart import render_chart_async
from bot.context import Context
from bot.digest import last_ended_week, render_caption, render_messages
from bot.jalali import today
from db.channels import ChannelScope
from db.digest_queries import week_digest
from handlers.common import PRIVATE, reply


async def preview(update: Update, context: Context) -> None:
    """Shows an admin the national digest of the last week ended, as a channel would get it."""
    store = context.store
    week = last_ended_week(today(store.db.clock))
    digest = await week_digest(store.db, ChannelScope.national(), week)
    for text in render_messages(digest):
        await reply(update, text)
    chat = update.effective_chat
    if chat is not None:
        chart = await render_chart_async(digest)
        await chat.send_photo(chart, caption=render_caption(digest))


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The admins' digest preview (the access policy lets only admins in)."""
    return [CommandHandler("digest", preview, filters=PRIVATE)]
