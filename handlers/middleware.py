"""Runs before every feature handler: records who wrote and decides what they may do."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.access import check_access
from bot.context import Context
from bot.principal import load_principal

log = logging.getLogger(__name__)


async def identify(update: Update, context: Context) -> None:
    """Records the user's current Telegram names and loads their roles into context.who."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    await context.store.volunteers.seen(
        user.id, user.first_name, user.last_name or "", user.username or ""
    )
    context.who = await load_principal(context.store, context.config, user.id)


async def authorize(update: Update, context: Context) -> None:
    """Stops any command or button the user may not use, with a polite refusal."""
    if not await check_access(update, context):
        raise ApplicationHandlerStop


def handlers() -> dict[int, list[BaseHandler[Update, Context, None]]]:
    """The checks, by handler group; negative groups run before every feature."""
    return {
        -100: [TypeHandler(Update, identify)],
        -50: [TypeHandler(Update, authorize)],
    }
