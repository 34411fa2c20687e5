"""The buttons of the weekly reminder: report now, or turn the reminder off (and on in the card)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot.core.i18n import label
from bot.kit.access import leader_of_first
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.context import Context
from bot.kit.engine import answer
from bot.kit.keyboards import Callback
from handlers.common import edit_or_keep


async def _report(update: Update, context: Context, data: Callback) -> None:
    """«📝 ثبت گزارش»: a report for the reminder's group."""
    await context.bot_data.engine.start(update, context, "report", "new", data.id() or 0)


async def _off(update: Update, context: Context, data: Callback) -> None:
    """«🔕»: this group's reminder off."""
    query = update.callback_query
    if query is None or context.who is None:
        return
    await context.store.reminders.switch(context.who.user_id, data.id() or 0, on=False)
    await answer(update, label("reminder-turned-off"), alert=True)
    await edit_or_keep(query, label("reminder-turned-off"))


# The buttons of the weekly reminder, and who may press them (bot.kit.buttons), and what each does.
REMINDER = Buttons("rmd", allow(leader_of_first, "report", "off", ids="group"))
BUTTONS = (REMINDER,)
SCREENS: dict[str, Show] = {"report": _report, "off": _off}


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The reminder's buttons."""
    return [REMINDER.screens(SCREENS)]
