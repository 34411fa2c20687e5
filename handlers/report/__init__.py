"""The service report: a flow of the engine (flow.py), its steps (steps.py), its receipt."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.core.i18n import label
from bot.kit.access import reporter
from bot.kit.commands import Command, leaders
from bot.kit.context import Context
from bot.kit.engine import answer, strip_buttons
from bot.kit.menu import MenuEntry
from bot.kit.principal import Principal
from db.models import ReportStatus
from db.usecases import can_edit
from handlers.common import PRIVATE, menu_text
from handlers.report.flow import FLOW
from handlers.report.receipt import REPEAT
from handlers.review_cards import receipt

__all__ = ["FLOW", "handlers"]


async def begin(update: Update, context: Context) -> None:
    """/report or «📝 ثبت گزارش خدمت»: a new report."""
    await context.bot_data.engine.start(update, context, FLOW, "new")


async def _open_saved(update: Update, context: Context, entry: str) -> None:
    """Opens a saved report in the flow at `entry`, while its reporter may still change it."""
    data = context.press
    assert data is not None
    report = await context.store.reports.get(data.id() or 0)
    now = context.store.db.now()
    if report is None or not can_edit(report, context.config.report.edit_hours, now):
        await answer(update, label("myreports-locked"), alert=True)
        return
    await context.bot_data.engine.start(update, context, FLOW, entry, report.id, *data.ids[1:])


async def begin_edit(update: Update, context: Context) -> None:
    """«ویرایش» in «گزارش‌های من»: the saved report on the review, while it may be edited."""
    await _open_saved(update, context, "edit")


async def begin_repeat(update: Update, context: Context) -> None:
    """«🔁 تکرار گزارش قبلی» on a receipt: a new report prefilled from that one."""
    data = context.press
    assert data is not None
    await context.bot_data.engine.start(update, context, FLOW, "repeat", data.id() or 0)


async def begin_fix(update: Update, context: Context) -> None:
    """«اصلاح گزارش» under a reviewer's return: the report opened at the field in question,
    while it is still returned; else what became of it (fixed and sent again, approved,
    deleted), and the notice loses the button, so nothing stale is opened."""
    data = context.press
    report = await context.store.reports.get(data.id() or 0) if data is not None else None
    if report is not None and report.status is not ReportStatus.RETURNED:
        said = label("review-fix-moot", status=report.status.value, receipt=receipt(report.receipt))
        await answer(update, said, alert=True)
        message = update.effective_message
        if message is not None and message.reply_markup is not None:
            await strip_buttons(context, message.chat.id, message.message_id)
        return
    await _open_saved(update, context, "fix")


def report_refusal(who: Principal | None) -> str:
    """Why this person may not report, and what to do instead (by what they are)."""
    if who is not None and (who.admin or who.coordinator):
        return "report-only-overseers"
    if who is not None and who.memberships:
        return "report-only-leaders"
    return "report-only-newcomers"


# The buttons this feature makes outside its flow, and who may press them (bot.kit.buttons).
BUTTONS = (REPEAT,)

# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (
    Command("report", "command-report", "help-report", 10, leaders, reporter, report_refusal),
)
# Its main-menu button (bot.kit.menu): the first row, for those who report.
MENU = (MenuEntry("menu-report", 1, 0, leaders, reporter, report_refusal),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The ways into the report (its answers reach it through the engine)."""
    return [
        CommandHandler("report", begin, filters=PRIVATE),
        MessageHandler(PRIVATE & menu_text("menu-report"), begin),
        CallbackQueryHandler(begin_edit, pattern=r"^myr:edit:\d+$"),
        CallbackQueryHandler(begin_fix, pattern=r"^myr:fix:\d+:\d+$"),
        REPEAT.handler(begin_repeat),
    ]
