"""Pieces every feature uses: chat filters, replying, the main menu, messaging an admin."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import filters

from bot.core.i18n import label
from bot.kit import screens
from bot.kit.context import Context
from bot.kit.menu import main_menu
from bot.kit.principal import Principal
from bot.runtime.ratelimit import BULK, send_priority

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE


def menu_text(key: str) -> filters.MessageFilter:
    """A filter for a main-menu button, which arrives as the button's text."""
    return filters.Text([label(key)])


def menu_for(context: Context, who: Principal | None) -> ReplyKeyboardMarkup:
    """The main menu keyboard for a person's roles, from every feature's entries (bot.kit.menu)."""
    return main_menu(context.bot_data.menu, who)


async def reply(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
    *,
    screen: bool = True,
) -> None:
    """Sends a message to the chat the update came from: in a private chat, the person's
    screen now (bot.kit.screens takes the buttons off the one it replaces). screen False: one of
    several cards sent at once, each to act on, that keep their buttons like notices."""
    chat = update.effective_chat
    if chat is not None:
        sent = await chat.send_message(text, reply_markup=markup)
        if screen:
            await screens.answered(sent, markup)


async def edit_or_keep(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edits the pressed message; a double tap (Telegram's «not modified») is no error."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def notify(context: Context, user_id: int, text: str) -> bool:
    """Messages someone other than the sender at once, about no change of data (an admin told of
    an error): a notice of a change goes through the outbox (bot.kit.outbox) with the change. A
    user who blocked (or never started) the bot is noted and not written to again until they
    come back. Returns True when the message went out."""
    volunteer = await context.store.volunteers.get(user_id)
    if volunteer is not None and volunteer.blocked:
        return False
    try:
        with send_priority(BULK):
            await context.bot.send_message(user_id, text)
    except Forbidden as exc:
        log.info("user %s cannot be messaged: %s", user_id, exc)
        await context.store.volunteers.mark_blocked(user_id)
        return False
    except TelegramError as exc:
        log.warning("could not message %s: %s", user_id, exc)
        return False
    return True
