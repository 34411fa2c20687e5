"""«🗂 گزارش‌های من»: a reporter's recent reports with their status; edit and delete them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import to_persian_digits
from bot.kit.access import reporter_of_first_report
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.commands import Command, leaders
from bot.kit.context import Context
from bot.kit.engine import answer
from bot.kit.keyboards import Callback, button, cb, confirm, inline
from bot.kit.menu import MenuEntry
from db.models import Report, ReportStatus
from db.usecases import can_edit
from handlers.common import PRIVATE, edit_or_keep, menu_for, menu_text, reply
from handlers.report import report_refusal

RECENT = 10
STATUS_KEYS = {
    ReportStatus.SUBMITTED: "myreports-status-submitted",
    ReportStatus.APPROVED: "myreports-status-approved",
    ReportStatus.RETURNED: "myreports-status-returned",
}


def editable(report: Report, context: Context) -> bool:
    """True while the reporter may still change the report: submitted and within the window."""
    return can_edit(report, context.config.report.edit_hours, context.store.db.now())


def _line(report: Report, review: bool) -> str:
    """One report in the list; a submitted one waits for review when review is on."""
    status = STATUS_KEYS.get(report.status, "myreports-status-submitted")
    if review and report.status is ReportStatus.SUBMITTED:
        status = "myreports-status-pending"
    return t(
        "myreports-line",
        receipt=to_persian_digits(report.receipt),
        date=jalali.format_day_month(report.service_date),
        service=report.category_name,
        quantity=report.quantity,
        unit=report.unit,
        status=label(status),
    )


async def show_reports(update: Update, context: Context) -> None:
    """Lists the user's recent reports; editable ones get edit and delete buttons. Someone who
    has none is told why (a member: reporting is the leaders' work), with their menu."""
    who = context.who
    if who is None:
        return
    text, markup = await _listing(context, who.user_id)
    if text != t("myreports-empty"):
        await reply(update, text, markup)
        return
    if not who.reporting_groups:
        text = Html(f"{t('myreports-none-yours')} {t(report_refusal(who))}")
    await reply(update, text, menu_for(context, who))


async def _listing(context: Context, user_id: int) -> tuple[Html, InlineKeyboardMarkup | None]:
    """The recent reports, and edit and delete buttons for those that may still change."""
    reports = await context.store.reports.recent(user_id, RECENT)
    if not reports:
        return t("myreports-empty"), None
    lines: list[str] = [t("myreports-title")]
    for report in reports:
        lines.append(_line(report, context.config.report.review))
        if report.status is ReportStatus.RETURNED and report.review_note:
            lines.append(t("review-myreports-reason", reason=report.review_note))
    rows = []
    for report in reports:
        if editable(report, context):
            receipt = to_persian_digits(report.receipt)
            rows.append(
                [
                    button(label("myreports-edit", receipt=receipt), cb("myr", "edit", report.id)),
                    button(label("myreports-delete", receipt=receipt), cb("myr", "del", report.id)),
                ]
            )
    return Html("\n".join(lines)), inline(rows) if rows else None


def _on_report(act: Callable[[Update, Context, Report], Awaitable[None]]) -> Show:
    """A screen of one of the person's reports, while it may still change (else said so)."""

    async def show(update: Update, context: Context, data: Callback) -> None:
        """Finds the report, then shows the screen."""
        report = await context.store.reports.get(data.id() or 0)
        if update.callback_query is None or report is None or context.user_id is None:
            return
        if not editable(report, context):
            await answer(update, label("myreports-locked"), alert=True)
            return
        await answer(update)
        await act(update, context, report)

    return show


async def _delete_asked(update: Update, context: Context, report: Report) -> None:
    """Asks to confirm a deletion."""
    assert update.callback_query is not None
    rows = confirm(cb("myr", "delok", report.id), cb("myr", "keep", report.id))
    text = t(
        "myreports-delete-confirm",
        receipt=to_persian_digits(report.receipt),
        service=report.category_name,
        quantity=report.quantity,
        unit=report.unit,
        date=jalali.format_date(report.service_date),
    )
    await edit_or_keep(update.callback_query, text, inline(rows))


async def _kept(update: Update, context: Context, report: Report) -> None:
    """Not deleted: the list comes back, so the way on is there."""
    assert update.callback_query is not None and context.user_id is not None
    await edit_or_keep(update.callback_query, *await _listing(context, context.user_id))


async def _deleted(update: Update, context: Context, report: Report) -> None:
    """Marks the report deleted (kept in the audit trail) and shows the list without it."""
    assert update.callback_query is not None and context.user_id is not None
    await context.store.reports.delete(report.id, context.user_id)
    text, markup = await _listing(context, context.user_id)
    rest = t("myreports-none-left") if text == t("myreports-empty") else text
    receipt = to_persian_digits(report.receipt)
    text = Html(f"{t('myreports-deleted', receipt=receipt)}\n\n{rest}")
    await edit_or_keep(update.callback_query, text, markup)


# The buttons on a saved report, and who may press them (bot.kit.buttons): its reporter only.
REPORT = Buttons(
    "myr",
    allow(reporter_of_first_report, "edit", "del", "delok", "keep", ids="report"),
    allow(reporter_of_first_report, "fix", ids="report field"),
)
BUTTONS = (REPORT,)
# What deleting shows (editing is the report flow's: handlers.report).
SCREENS: dict[str, Show] = {
    "del": _on_report(_delete_asked),
    "delok": _on_report(_deleted),
    "keep": _on_report(_kept),
}


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (Command("myreports", "command-myreports", "help-myreports", 11, leaders),)
# Its main-menu button (bot.kit.menu): beside «👥 گروه من», for those who report.
MENU = (MenuEntry("menu-my-reports", 2, 0, leaders),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The recent-reports list and its delete buttons."""
    return [
        CommandHandler("myreports", show_reports, filters=PRIVATE),
        MessageHandler(PRIVATE & menu_text("menu-my-reports"), show_reports),
        REPORT.screens(SCREENS),
    ]
