"""/digest for admins: the weekly digest of the last week ended, sent only to them (a preview)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import InputMediaPhoto, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.core import jalali
from bot.core.config import ConfigError
from bot.core.i18n import Html, label, t
from bot.core.jalali import today
from bot.digest.post import draw_async, post_week_now
from bot.digest.render import last_ended_week, render_caption, render_messages
from bot.digest.scope import parse_scope, parse_week
from bot.kit import screens
from bot.kit.access import admin
from bot.kit.buttons import Buttons, allow
from bot.kit.commands import Command, admins
from bot.kit.context import Context
from bot.kit.engine import answer
from bot.kit.keyboards import button, cb, inline
from db.digest_queries import week_digest
from handlers.common import PRIVATE, reply


async def preview(update: Update, context: Context) -> None:
    """Shows an admin a digest as a channel would get it: `/digest [scope] [week]`, by default
    the national one of the last week ended (scope: national, province:<name>, campaign:<id>;
    week: any Jalali date in it)."""
    store = context.store
    args = list(context.args or [])
    week_text = next((a for a in args if any(ch.isdigit() for ch in a) and "/" in a), None)
    scope_text = next((a for a in args if a != week_text), "national")
    try:
        week = parse_week(week_text, today(store.db.clock))
        scope = await parse_scope(store.db, scope_text)
    except ConfigError as exc:
        await reply(update, t("digest-preview-usage", why=str(exc)))
        return
    digest = await week_digest(store.db, scope, week, counting=store.stats.counting)
    for text in render_messages(digest):
        await reply(update, text)
    chat = update.effective_chat
    if chat is None:
        return
    pictures = await draw_async(digest)
    markup = inline([[button(label("digest-post-now"), cb("dig", "post"))]])
    if pictures.map is None:
        sent = await chat.send_photo(
            pictures.chart, caption=render_caption(digest), reply_markup=markup
        )
    else:  # as the channels get it: chart and map in one album (an album takes no buttons)
        chart = InputMediaPhoto(pictures.chart, caption=render_caption(digest))
        await chat.send_media_group([chart, InputMediaPhoto(pictures.map)])
        sent = await chat.send_message(t("digest-preview-post"), reply_markup=markup)
    await screens.answered(sent, markup)  # its button goes once a newer screen is shown


async def post_now(update: Update, context: Context) -> None:
    """Posts the last week's digest now to every channel that has not had it (once, as ever;
    never under a newer week), and says what happened to each channel.

    The press is answered at once and the count told in a message when all are out: posting to
    many channels waits behind people's answers, far beyond the 15 s a press may wait.
    """
    await answer(update)
    week = last_ended_week(today(context.store.db.clock))
    posted, had, failed = await post_week_now(context, week)
    words = {"week": jalali.format_range(week, week + timedelta(days=6))}
    if not posted + had + failed:
        channels = inline([[button(label("admin-channels"), cb("adm", "chans"))]])
        await reply(update, t("digest-posted-no-channels"), channels)
        return
    lines = [t("digest-posted-now", count=posted, **words)] if posted else []
    if had:
        lines.append(t("digest-posted-had", count=had, **words))
    if failed:
        lines.append(t("digest-posted-failed", count=failed))
    await reply(update, Html("\n".join(lines)))


# The buttons this feature makes, and who may press them (bot.kit.buttons).
BUTTONS = (Buttons("dig", allow(admin, "post")),)


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (Command("digest", "command-digest", "help-digest", 23, admins, admin),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The admins' digest preview and «post now» (the access policy lets only admins in)."""
    return [
        CommandHandler("digest", preview, filters=PRIVATE),
        CallbackQueryHandler(post_now, pattern=r"^dig:post$"),
    ]
