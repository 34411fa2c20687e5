"""«📥 بررسی گزارش‌ها» and /review: coordinators (and admins) approve or return pending reports.

Privately, the queue shows one report at a time, oldest first, with the group's record and the
flags, its photos on «🖼 عکس‌ها» (skipping sends no albums); «بعدی» and «قبلی» move through it
(wrapping round, so the newest is one tap away). The same card, with the same decision buttons
and the photos, is posted to the coordinators' Telegram groups a coordinator linked (by sending
/review in the group; /review_off stops it); there only coordinators of the report's province
and admins count (the access policy refuses everyone else). A decision is one conditional write
(db.usecases.decide_report): of two reviewers, one wins and the other is told who decided and
how. A typed reason is a one-step flow of the engine.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.commands import Command, reviewers
from bot.context import Context
from bot.engine import Done, Draft, Flow, Go, Result, Screen, Step, Turn, answer, strip_buttons
from bot.i18n import Html, label, t
from bot.keyboards import button, cb, inline, parse_cb
from bot.principal import Principal
from bot.text import one_line
from db.models import Report, ReportStatus
from db.usecases import decide_report
from handlers.common import PRIVATE, edit_or_keep, menu_for, menu_text, notify, reply
from handlers.report.steps import EDITS
from handlers.review_cards import (
    PREFIX,
    REASONS,
    card_text,
    decision_rows,
    flags_of,
    late,
    outcome,
    reason_rows,
    receipt,
    reviewer_name,
    scope_of,
    send_photos,
    settle_cards,
)

REASON_MAX = 300
GROUPS = filters.ChatType.GROUPS


def _field_number(step: str) -> int:
    """The report review's edit button that opens a field (0: the review screen itself)."""
    return next((number for number, (first, _) in EDITS.items() if first == step), 0)


# --- the private queue ------------------------------------------------------------------------


async def show_queue(update: Update, context: Context) -> None:
    """/review or the menu button: the oldest pending report of the person's provinces."""
    who = context.who
    chat = update.effective_chat
    if who is None or chat is None:
        return
    if not context.config.report.review:
        await reply(update, t("review-off"), menu_for(who))
        return
    await show_next(context, chat.id, who, after=0)


async def show_next(
    context: Context, chat_id: int, who: Principal, *, after: int, back: bool = False
) -> None:
    """Shows the next pending report after `after` (or, back, the one before it; wrapping
    round), or says the queue is empty. Its photos come with «🖼 عکس‌ها»."""
    scope = scope_of(who)
    review = context.store.review
    report_id = await (
        review.previous_pending(scope, after) if back else review.next_pending(scope, after)
    )
    report = await context.store.reports.get(report_id) if report_id is not None else None
    if report is None:
        markup = inline([[button(label("review-refresh"), cb("rv", "list"))]])
        await context.bot.send_message(chat_id, t("review-empty"), reply_markup=markup)
        return
    position = await context.store.review.position(scope, report.id)
    flags = await flags_of(context.store, report)
    text = await card_text(context.store, report, flags, position)
    markup = inline(decision_rows(report, flags, who, private=True))
    await context.bot.send_message(chat_id, text, reply_markup=markup)


# --- buttons ----------------------------------------------------------------------------------


async def on_press(update: Update, context: Context) -> None:
    """Every review button (the access policy already checked the report is the presser's to
    review); in a group the same buttons decide, and nothing else is offered there."""
    query = update.callback_query
    data = parse_cb(query.data if query else None)
    who = context.who
    chat = update.effective_chat
    if query is None or data is None or who is None or chat is None:
        return
    private = chat.type == ChatType.PRIVATE
    if not private and data.action in ("list", "close", "next", "prev", "pics", "type"):
        await answer(update, label("stale-button"), alert=True)  # private screens only
        return
    if data.action == "list":
        await answer(update)
        await show_next(context, chat.id, who, after=0)
        return
    if data.action == "close":
        await answer(update)
        await strip_buttons(context, chat.id, query.message.message_id if query.message else None)
        await reply(update, t("review-closed"), menu_for(who))
        return
    if not context.config.report.review:
        await answer(update, label("review-off"), alert=True)
        return
    report = await context.store.reports.get(data.id() or 0)
    if report is None:
        await answer(update, label("stale-button"), alert=True)
        return
    if data.action == "view":
        await answer(update)
        await _view(context, chat.id, report, who if private else None, data.id(1))
    elif data.action == "pics":
        await answer(update)
        await send_photos(context, chat.id, report)
    elif data.action in ("next", "prev"):
        await answer(update)
        if query.message is not None:
            await strip_buttons(context, chat.id, query.message.message_id)
        await show_next(context, chat.id, who, after=report.id, back=data.action == "prev")
    elif data.action in ("ret", "back"):
        await _switch_buttons(update, context, report, who, reasons=data.action == "ret")
    elif data.action == "type" and private:
        if query.message is not None:  # the reason is typed below: the card keeps no picker
            await strip_buttons(context, chat.id, query.message.message_id)
        await context.bot_data.engine.start(update, context, REASON_FLOW, "reason", report.id)
    elif data.action == "ok":
        await decide(update, context, report, approve=True, reason="", field="")
    elif data.action == "why" and (reason := REASONS.get(data.id(1) or 0)) is not None:
        await decide(
            update, context, report, approve=False, reason=label(reason[0]), field=reason[1]
        )
    else:
        await answer(update, label("stale-button"), alert=True)


async def _view(
    context: Context, chat_id: int, report: Report, who: Principal | None, origin: int | None
) -> None:
    """Shows another report (one a flag named), with its photos and how it stands; a pending
    one privately gets the decision buttons, and a way back to the report it was named on."""
    await send_photos(context, chat_id, report)
    flags = await flags_of(context.store, report)
    text = await card_text(context.store, report, flags)
    rows = []
    if report.status is not ReportStatus.SUBMITTED:
        verdict = await context.store.review.verdict(report.id)
        text = Html(f"{text}\n\n{await outcome(context.store, verdict)}")
    elif who is not None:
        rows = decision_rows(report, flags, who, private=True)
    first = await context.store.reports.get(origin) if who is not None and origin else None
    if first is not None and first.status is ReportStatus.SUBMITTED and first.id != report.id:
        back = label("review-back-to", receipt=receipt(first.receipt))
        rows.append([button(back, cb("rv", "view", first.id))])
    await context.bot.send_message(chat_id, text, reply_markup=inline(rows) if rows else None)


async def _switch_buttons(
    update: Update, context: Context, report: Report, who: Principal, *, reasons: bool
) -> None:
    """Swaps the card's buttons: the reasons to return it, or back to the decision."""
    query = update.callback_query
    assert query is not None and query.message is not None
    if report.status is not ReportStatus.SUBMITTED:
        await _too_late(update, context, report)
        return
    await answer(update)
    private = query.message.chat.type == ChatType.PRIVATE
    store = context.store
    flags = await flags_of(store, report)
    position = await store.review.position(scope_of(who), report.id) if private else None
    text = await card_text(store, report, flags, position)
    if reasons:
        rows = reason_rows(report.id, private=private)
        title = t("review-reasons-title", receipt=receipt(report.receipt))
        text = Html(f"{text}\n\n{title}")
    else:
        rows = decision_rows(report, flags, who if private else None, private=private)
    await edit_or_keep(query, text, inline(rows))


async def decide(
    update: Update | None,
    context: Context,
    report: Report,
    *,
    approve: bool,
    reason: str,
    field: str,
) -> str:
    """Approves or returns a report once; tells the reporter of a return, edits the group cards,
    and privately moves on to the next report. Returns the line that says what happened."""
    who = context.who
    assert who is not None
    store = context.store
    decision = await decide_report(
        store, who.user_id, report.id, approve=approve, reason=reason, field=field
    )
    query = update.callback_query if update is not None else None
    message = query.message if query is not None else None
    private = message is None or message.chat.type == ChatType.PRIVATE
    if not decision.decided:
        await _too_late(update, context, report)
        return await late(store, decision.verdict, who.user_id)
    await answer(update, label("review-approved-toast" if approve else "review-returned-toast"))
    _tell_reporter_later(context, report, who.user_id, reason if not approve else None, field)
    context.application.create_task(
        settle_cards(context, report.id), name=f"review-settle-{report.id}"
    )
    line = await outcome(store, decision.verdict)
    if private and query is not None and message is not None:
        text = Html(f"{await card_text(store, report, await flags_of(store, report))}\n\n{line}")
        await edit_or_keep(query, text)
    if private:
        await show_next(context, who.user_id, who, after=report.id)
    return line


async def _too_late(update: Update | None, context: Context, report: Report) -> None:
    """The second reviewer: who decided and how, and the card shows it (privately with «بعدی»)."""
    store = context.store
    verdict = await store.review.verdict(report.id)
    viewer = context.who.user_id if context.who is not None else None
    await answer(update, await late(store, verdict, viewer), alert=True)
    query = update.callback_query if update is not None else None
    if query is None or query.message is None:
        return
    if query.message.chat.type != ChatType.PRIVATE:
        context.application.create_task(
            settle_cards(context, report.id), name=f"review-settle-{report.id}"
        )
        return
    fresh = await store.reports.get(report.id) or report
    text = Html(f"{await card_text(store, fresh, await flags_of(store, fresh))}\n\n")
    text = Html(text + await outcome(store, verdict))
    rows = [[button(label("review-next"), cb("rv", "next", report.id))]]
    await edit_or_keep(query, text, inline(rows))


def _tell_reporter_later(
    context: Context, report: Report, reviewer: int, reason: str | None, field: str
) -> None:
    """Tells the reporter in the background (reason None: approved); the reviewer does not wait."""
    context.application.create_task(
        _tell_reporter(context, report, reviewer, reason, field), name=f"review-notice-{report.id}"
    )


async def _tell_reporter(
    context: Context, report: Report, reviewer: int, reason: str | None, field: str
) -> None:
    """Tells the reporter their report was approved, or who returned it and why, with a button
    that opens it at the field."""
    code = receipt(report.receipt)
    facts = {"receipt": code, "service": report.category_name, "quantity": report.quantity}
    if reason is None:
        text = t("review-approved-notice", **facts, unit=report.unit)
        await notify(context, report.reporter_id, text)
        return
    name = await reviewer_name(context.store, reviewer)
    text = t("review-returned-notice", **facts, unit=report.unit, reason=reason, name=name)
    fix = cb("myr", "fix", report.id, _field_number(field))
    await notify(
        context,
        report.reporter_id,
        text,
        inline([[button(label("review-fix", receipt=code), fix)]]),
    )


# --- a typed reason: a one-step flow ------------------------------------------------------------


@dataclasses.dataclass
class ReasonDraft(Draft):
    """A reviewer typing why a report goes back."""

    KIND = "review_reason"

    report_id: int = 0


Reason = Turn[ReasonDraft]


async def reason_entry(turn: Reason, ids: tuple[int, ...]) -> Result:
    """Starts typing a reason for a report."""
    turn.draft.report_id = ids[0] if ids else 0
    return Go("reason")


async def ask_reason(turn: Reason) -> Screen:
    """Asks for the reason."""
    report = await turn.store.reports.get(turn.draft.report_id)
    code = receipt(report.receipt) if report else ""
    return Screen(t("review-ask-reason", receipt=code), [turn.nav(back=False)])


async def reason_typed(turn: Reason, text: str) -> Result:
    """Returns the report with the typed reason (once: a second reviewer may have decided)."""
    reason = one_line(text)
    if not reason:
        return turn.again(label("report-text-empty"))
    if len(reason) > REASON_MAX:
        return turn.again(label("review-reason-too-long", max=REASON_MAX))
    report = await turn.store.reports.get(turn.draft.report_id)
    if report is None or not turn.who.oversees(report.province_id):
        return Done(t("stale-button"))
    store, context, who = turn.store, turn.context, turn.who
    decision = await decide_report(
        store, who.user_id, report.id, approve=False, reason=reason, field="review"
    )
    if not decision.decided:
        line = await late(store, decision.verdict, who.user_id)
    else:
        _tell_reporter_later(context, report, who.user_id, reason, "review")
        context.application.create_task(
            settle_cards(context, report.id), name=f"review-settle-{report.id}"
        )
        line = await outcome(store, decision.verdict)

    async def then() -> None:
        await show_next(context, turn.chat_id, who, after=report.id)

    return Done(
        Html(f"{t('review-card-title', receipt=receipt(report.receipt))}\n{line}"), then=then
    )


REASON_FLOW = Flow(
    draft=ReasonDraft,
    prefix="rvr",
    name="flow-name-review",
    steps={"reason": Step(ask_reason, text=reason_typed, expects="review-ask-reason-hint")},
    entries={"reason": reason_entry},
    cancelled=lambda draft: "review-reason-cancelled",
    restarts_quietly=True,
)


# --- the coordinators' Telegram groups ----------------------------------------------------------


async def link_group(update: Update, context: Context) -> None:
    """/review in a Telegram group: new reports of the sender's provinces are posted there
    (every province for an admin); /review_off (or `/review off`) stops it."""
    who = context.who
    chat = update.effective_chat
    message = update.effective_message
    if who is None or chat is None or message is None:
        return
    if not context.config.report.review:
        await reply(update, t("review-off"))
        return
    provinces: list[int | None] = [None] if who.admin else [*sorted(who.provinces)]
    words = (message.text or "").split()
    store = context.store
    off = words[0].split("@", 1)[0].lower() == "/review_off" if words else False
    if off or (len(words) > 1 and words[1].lower() == "off"):
        await store.review.unlink_chat(chat.id, provinces)
        await reply(update, t("review-chat-unlinked"))
        return
    for province_id in provinces:
        await store.review.link_chat(chat.id, province_id, who.user_id)
    await store.audit.record(
        who.user_id, "review.link", "chat", chat.id, provinces=[p or 0 for p in provinces]
    )
    names = []
    for province_id in provinces:
        found = await store.places.province(province_id) if province_id is not None else None
        names.append(found.name if found else label("review-chat-all"))
    await reply(update, t("review-chat-linked", scope="، ".join(names)))


# The commands this feature answers: its «/» menu entries and /help lines (bot.commands).
COMMANDS = (Command("review", "command-review", "help-review", 20, reviewers),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The queue (command and menu button), its buttons, and linking a group."""
    return [
        CommandHandler("review", show_queue, filters=PRIVATE),
        CommandHandler(["review", "review_off"], link_group, filters=GROUPS),
        MessageHandler(PRIVATE & menu_text("menu-review"), show_queue),
        CallbackQueryHandler(on_press, pattern=rf"^{PREFIX}:"),
    ]
