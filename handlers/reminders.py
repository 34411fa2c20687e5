"""The buttons of the weekly reminder: report now, or turn the reminder off (and on in the card)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.access import leader_of_first
from bot.buttons import Buttons, allow
from bot.context import Context
from bot.engine import answer
from bot.i18n import label
from handlers.common import edit_or_keep


async def on_button(update: Update, context: Context) -> None:
    """«📝 ثبت گزارش» starts a report; «🔕» turns this group's reminder off."""
    query = update.callback_query
    data = context.press
    if query is None or data is None or context.who is None:
        return
    if data.action == "report":
        await context.bot_data.engine.start(update, context, "report", "new", data.id() or 0)
        return
    await context.store.reminders.switch(context.who.user_id, data.id() or 0, on=False)
    await answer(update, label("reminder-turned-off"), alert=True)
    await edit_or_keep(query, label("reminder-turned-off"))


# The buttons of the weekly reminder, and who may press them (bot.buttons).
BUTTONS = (Buttons("rmd", allow(leader_of_first, "report", "off", ids="group")),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The reminder's buttons."""
    return [CallbackQueryHandler(on_button, pattern=r"^rmd:(report|off):\d+$")]
