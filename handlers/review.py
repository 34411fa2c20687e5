"""«📥 بررسی گزارش‌ها» and /review: coordinators (and admins) approve or return pending reports.

Privately, the queue shows one report at a time, oldest first, with the group's record and the
flags, its photos on «🖼 عکس‌ها» (skipping sends no albums); «بعدی» and «قبلی» move through it
(wrapping round, so the newest is one tap away). The same card, with the same decision buttons
and the photos, is posted to the coordinators' Telegram groups a coordinator linked (by sending
/review in the group; /review_off stops it); there only coordinators of the report's province
and admins count (the access policy refuses everyone else). A decision is one conditional write
(db.usecases.decide_report) bound to the version of the report the card showed: of two reviewers,
one wins and the other is told who decided and how; a decision on a card older than the
reporter's last edit is refused and the card shows the report as it is now (an edit refreshes
every open card anyway). The reporter hears of it through the outbox (bot.kit.outbox), written
with the decision. The unflagged reports of one group may be approved together, after a
confirmation that says how many. A typed reason is a one-step flow of the engine.
"""

from __future__ import annotations

import dataclasses
import logging
import zlib
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatType
from telegram.error import NetworkError, TelegramError
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.figures.wording import units_text
from bot.kit.access import overseer, overseer_of_first_report, overseer_of_report_and_origin
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.commands import Command, reviewers
from bot.kit.context import Context
from bot.kit.engine import (
    Bounded,
    Done,
    Draft,
    Flow,
    Go,
    Result,
    Screen,
    Step,
    Turn,
    answer,
    strip_buttons,
)
from bot.kit.keyboards import Callback, button, cb, inline
from bot.kit.menu import MenuEntry
from bot.kit.outbox import kick
from bot.kit.principal import Principal
from bot.runtime.ratelimit import transient
from db.models import Report, ReportStatus, UnitTotal
from db.outbox import Notice, NoticeButton
from db.store import Store
from db.usecases import approve_reports, decide_report
from handlers.common import PRIVATE, edit_or_keep, menu_for, menu_text, reply
from handlers.report.steps import EDITS
from handlers.review_cards import (
    PREFIX,
    REASONS,
    card_text,
    flags_of,
    group_card,
    late,
    outcome,
    private_card,
    reason_rows,
    receipt,
    reviewer_name,
    scope_of,
    scope_words,
    send_photos,
    settle_cards,
)

log = logging.getLogger(__name__)

REASON_MAX = 300
REASON = Bounded(REASON_MAX, "review-reason-too-long", line=True, empty="report-text-empty")
RECEIPTS_LISTED = 20  # receipts named in one notice of reports approved together
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
        await reply(update, t("review-off"), menu_for(context, who))
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
    await send_card(context, chat_id, report, who)


async def send_card(context: Context, chat_id: int, report: Report, who: Principal) -> None:
    """Sends a pending report's card privately and remembers it, so that an edit of the
    report refreshes it."""
    text, rows = await private_card(context.store, report, who)
    sent = await context.bot.send_message(chat_id, text, reply_markup=inline(rows))
    await context.store.review.add_card(report.id, chat_id, sent.message_id)


# --- buttons ----------------------------------------------------------------------------------


# A screen of one report, given the report the press names and who pressed.
Act = Callable[[Update, Context, Report, Principal, Callback], Awaitable[None]]


def _private(show: Show) -> Show:
    """A screen of the private queue: in a group (where only the decisions are offered) its
    button is stale."""

    async def private(update: Update, context: Context, data: Callback) -> None:
        """Shows the screen in a private chat only."""
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            await answer(update, label("stale-button"), alert=True)
            return
        await show(update, context, data)

    return private


def _of_report(act: Act) -> Show:
    """A screen of the report the press names (the access policy already checked it is the
    presser's to review), while reports are reviewed."""

    async def show(update: Update, context: Context, data: Callback) -> None:
        """Finds the report, then shows the screen of it."""
        who = context.who
        if who is None or update.effective_chat is None:
            return
        if not context.config.report.review:
            await answer(update, label("review-off"), alert=True)
            return
        report = await context.store.reports.get(data.id() or 0)
        if report is None:
            await answer(update, label("stale-button"), alert=True)
            return
        await act(update, context, report, who, data)

    return show


def _pending(act: Act, *, version: int = 1) -> Act:
    """A decision's button, naming (at id `version`) the version of the report its card
    showed: a report decided meanwhile, or edited since, is not decided on it."""

    async def decision(
        update: Update, context: Context, report: Report, who: Principal, data: Callback
    ) -> None:
        """Decides while the report is pending as its card showed it."""
        if report.status is not ReportStatus.SUBMITTED:
            await _too_late(update, context, report)
            return
        if data.id(version) != report.version:  # edited since (or a button from before versions)
            await _stale(update, context, report, who)
            return
        await act(update, context, report, who, data)

    return decision


async def _queue(update: Update, context: Context, data: Callback) -> None:
    """«🔄 دوباره نگاه کن» on an empty queue: the oldest pending report again."""
    await answer(update)
    if context.who is not None and update.effective_chat is not None:
        await show_next(context, update.effective_chat.id, context.who, after=0)


async def _close(update: Update, context: Context, data: Callback) -> None:
    """«🏠 بستن»: the card loses its buttons and the menu comes back."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or context.who is None:
        return
    await answer(update)
    await _take_off_buttons(context, chat.id, query.message.message_id if query.message else None)
    await reply(update, t("review-closed"), menu_for(context, context.who))


async def _view_other(
    update: Update, context: Context, report: Report, who: Principal, data: Callback
) -> None:
    """A report a flag named: privately with the way back to the card it was named on."""
    await answer(update)
    chat = update.effective_chat
    assert chat is not None
    private = chat.type == ChatType.PRIVATE
    await _view(context, chat.id, report, who if private else None, data.id(1))


async def _photos(
    update: Update, context: Context, report: Report, who: Principal, data: Callback
) -> None:
    """«🖼 عکس‌ها»: the report's photos."""
    await answer(update)
    assert update.effective_chat is not None
    await send_photos(context, update.effective_chat.id, report)


async def _move(
    update: Update,
    context: Context,
    report: Report,
    who: Principal,
    data: Callback,
    *,
    back: bool,
) -> None:
    """«بعدی» and «قبلی»: the card left loses its buttons, and the next (or previous) comes."""
    await answer(update)
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    if query.message is not None:
        await _take_off_buttons(context, chat.id, query.message.message_id)
    await show_next(context, chat.id, who, after=report.id, back=back)


async def _type_reason(
    update: Update, context: Context, report: Report, who: Principal, data: Callback
) -> None:
    """«✍️ دلیل دیگر»: the reason is typed below, and the card keeps no picker."""
    query = update.callback_query
    if query is None or query.message is None:
        await answer(update, label("stale-button"), alert=True)
        return
    await _take_off_buttons(context, query.message.chat.id, query.message.message_id)
    ids = (report.id, report.version)
    await context.bot_data.engine.start(update, context, REASON_FLOW, "reason", *ids)


async def _approve(
    update: Update, context: Context, report: Report, who: Principal, data: Callback
) -> None:
    """«✅ تأیید»: the report is approved as its card showed it."""
    await decide(update, context, report, approve=True, reason="", field="")


async def _return_for(
    update: Update, context: Context, report: Report, who: Principal, data: Callback
) -> None:
    """A common reason: the report goes back, opening at the field the reason names."""
    reason = REASONS.get(data.id(1) or 0)
    if reason is None:
        await answer(update, label("stale-button"), alert=True)
        return
    await decide(update, context, report, approve=False, reason=label(reason[0]), field=reason[1])


async def _take_off_buttons(context: Context, chat_id: int, message_id: int | None) -> None:
    """Takes the buttons off a private card the reviewer moved on from (no longer refreshed)."""
    if message_id is not None:
        await context.store.review.drop_card(chat_id, message_id)
    await strip_buttons(context, chat_id, message_id)


async def _view(
    context: Context, chat_id: int, report: Report, who: Principal | None, origin: int | None
) -> None:
    """Shows another report (one a flag named), with its photos and how it stands; a pending
    one privately gets the decision buttons, and a way back to the report it was named on
    (the access policy checked that one is the reviewer's too)."""
    await send_photos(context, chat_id, report)
    store = context.store
    first = await store.reports.get(origin) if who is not None and origin else None
    back = []
    if first is not None and first.status is ReportStatus.SUBMITTED and first.id != report.id:
        text = label("review-back-to", receipt=receipt(first.receipt))
        back = [[button(text, cb("rv", "view", first.id))]]
    if report.status is ReportStatus.SUBMITTED and who is not None:
        text, rows = await private_card(store, report, who)
        sent = await context.bot.send_message(chat_id, text, reply_markup=inline(rows + back))
        await store.review.add_card(report.id, chat_id, sent.message_id)
        return
    text = await card_text(store, report, await flags_of(store, report))
    if report.status is not ReportStatus.SUBMITTED:
        verdict = await store.review.verdict(report.id)
        text = Html(f"{text}\n\n{await outcome(store, verdict)}")
    await context.bot.send_message(chat_id, text, reply_markup=inline(back) if back else None)


async def _card(
    store: Store, report: Report, who: Principal, *, private: bool
) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """A pending report's card and decision buttons, in a private chat or a group."""
    if private:
        return await private_card(store, report, who)
    text, markup = await group_card(store, report)
    return text, [list(row) for row in markup.inline_keyboard]


async def _switch_buttons(
    update: Update,
    context: Context,
    report: Report,
    who: Principal,
    data: Callback,
    *,
    reasons: bool,
) -> None:
    """Swaps the card's buttons: the reasons to return it («↩️ بازگرداندن»), or back to the
    decision."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await answer(update)
    private = query.message.chat.type == ChatType.PRIVATE
    text, rows = await _card(context.store, report, who, private=private)
    if reasons:
        rows = reason_rows(report, private=private)
        title = t("review-reasons-title", receipt=receipt(report.receipt))
        text = Html(f"{text}\n\n{title}")
    await edit_or_keep(query, text, inline(rows))
    if private:  # back from approving together: a card again
        await context.store.review.add_card(
            report.id, query.message.chat.id, query.message.message_id
        )


async def _stale(update: Update, context: Context, report: Report, who: Principal) -> None:
    """A decision on an older version of the report than the one stored: refused, and the card
    shows the report as it is now, with buttons for this version."""
    await answer(update, label("review-stale"), alert=True)
    query = update.callback_query
    if query is None or query.message is None:
        return
    private = query.message.chat.type == ChatType.PRIVATE
    text, rows = await _card(context.store, report, who, private=private)
    await edit_or_keep(query, Html(f"{text}\n\n{t('review-stale-line')}"), inline(rows))
    if private:
        await context.store.review.add_card(
            report.id, query.message.chat.id, query.message.message_id
        )


async def decision_notice(
    store: Store, report: Report, reviewer: int, reason: str | None, field: str
) -> Notice:
    """What the reporter is told: approved, or who returned it and why, with a button that
    opens it at the field (reason None: approved)."""
    code = receipt(report.receipt)
    facts: dict[str, str | int] = {
        "receipt": code,
        "service": report.category_name,
        "quantity": report.quantity,
        "unit": report.unit,
    }
    if reason is None:
        return Notice(report.reporter_id, "review-approved-notice", facts)
    name = await reviewer_name(store, reviewer)
    data = cb("myr", "fix", report.id, _field_number(field))
    fix = NoticeButton("review-fix", data, {"receipt": code})
    facts |= {"reason": reason, "name": name}
    return Notice(report.reporter_id, "review-returned-notice", facts, ((fix,),))


async def decide(
    update: Update, context: Context, report: Report, *, approve: bool, reason: str, field: str
) -> None:
    """Approves or returns the report as its card showed it, once; the reporter's notice goes
    with the decision. Then the card shows it and, privately, the next report comes; when the
    network fails after the decision was stored, the reviewer is told it was stored."""
    who = context.who
    query = update.callback_query
    assert who is not None and query is not None
    store = context.store
    tell = await decision_notice(store, report, who.user_id, None if approve else reason, field)
    decision = await decide_report(
        store,
        who.user_id,
        report.id,
        version=report.version,
        approve=approve,
        reason=reason,
        field=field,
        notices=[tell],
    )
    if decision.stale:
        fresh = await store.reports.get(report.id)
        await _stale(update, context, fresh or report, who)
        return
    if not decision.decided:
        await _too_late(update, context, report)
        return
    kick(context)
    await answer(update, label("review-approved-toast" if approve else "review-returned-toast"))
    message = query.message
    private = message is None or message.chat.type == ChatType.PRIVATE
    if private and message is not None:  # this card shows the decision; the others are settled
        await store.review.drop_card(message.chat.id, message.message_id)
    settle_later(context, report.id)
    if not private:
        return
    try:
        line = await outcome(store, decision.verdict)
        if message is not None:
            text = Html(
                f"{await card_text(store, report, await flags_of(store, report))}\n\n{line}"
            )
            await edit_or_keep(query, text)
        await show_next(context, who.user_id, who, after=report.id)
    except NetworkError as exc:
        if not transient(exc):
            raise
        await _stored_anyway(context, who.user_id, report.receipt, exc)


async def _stored_anyway(context: Context, chat_id: int, code: str, exc: Exception) -> None:
    """The decision is stored but the screen after it did not go out: says so, once."""
    log.warning("decision on %s stored; the screen after it failed: %s", code, exc)
    try:
        await context.bot.send_message(chat_id, t("review-stored-anyway", receipt=receipt(code)))
    except TelegramError as again:
        log.warning("could not tell %s the decision was stored: %s", chat_id, again)


def settle_later(context: Context, *report_ids: int) -> None:
    """Settles the open cards of decided reports in the background."""

    async def settle() -> None:
        for report_id in report_ids:
            await settle_cards(context, report_id)

    context.application.create_task(settle(), name=f"review-settle-{report_ids[0]}")


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
        settle_later(context, report.id)
        return
    await store.review.drop_card(query.message.chat.id, query.message.message_id)
    fresh = await store.reports.get(report.id) or report
    text = Html(f"{await card_text(store, fresh, await flags_of(store, fresh))}\n\n")
    text = Html(text + await outcome(store, verdict))
    rows = [[button(label("review-next"), cb("rv", "next", report.id))]]
    await edit_or_keep(query, text, inline(rows))


# --- approving a group's unflagged reports together ---------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Batch:
    """A group's reports waiting for the reviewer: those without a flag, and how many have one."""

    clear: tuple[Report, ...]
    flagged: int

    @property
    def digest(self) -> int:
        """A fingerprint of the reports and their versions (the confirmation carries it)."""
        return zlib.crc32(",".join(f"{r.id}.{r.version}" for r in self.clear).encode())


async def _batch(store: Store, report: Report, who: Principal) -> _Batch:
    """The reviewer's pending reports of the report's group, flagged ones apart."""
    clear: list[Report] = []
    flagged = 0
    for report_id in await store.review.pending_of_group(scope_of(who), report.group_id):
        found = await store.reports.get(report_id)
        if found is None:
            continue
        if (await flags_of(store, found)).any:
            flagged += 1
        else:
            clear.append(found)
    return _Batch(tuple(clear), flagged)


async def _together(
    update: Update,
    context: Context,
    report: Report,
    who: Principal,
    data: Callback,
    *,
    asked: bool,
) -> None:
    """«تأیید یکجا»: asks first, saying how many; then (`asked`, its yes) approves exactly those
    (their versions as counted), or, if the group's queue changed meanwhile, asks again with the
    new count."""
    query = update.callback_query
    assert query is not None
    store = context.store
    batch = await _batch(store, report, who)
    if not batch.clear:
        await answer(update, label("review-together-none"), alert=True)
        return
    if asked and (data.id(1), data.id(2)) == (len(batch.clear), batch.digest):
        if await _approve_together(update, context, report, who, batch):
            return
        batch = await _batch(store, report, who)  # another reviewer was quicker with one
    await answer(update, label("review-together-changed") if asked else None, alert=asked)
    if not batch.clear:
        await edit_or_keep(query, t("review-together-none"))
        return
    count = len(batch.clear)
    ask = t("review-together-ask", count=count, group=report.group_name)
    text = _with_flagged(Html(f"{ask}\n{_listed(batch)}"), batch)
    yes = cb("rv", "allok", report.id, count, batch.digest)
    rows = [[button(label("review-together-yes", count=count), yes)]]
    if report.status is ReportStatus.SUBMITTED:
        rows.append([button(label("button-back"), cb("rv", "back", report.id, report.version))])
    else:
        rows.append([button(label("review-next"), cb("rv", "next", report.id))])
    if query.message is not None:
        await store.review.drop_card(query.message.chat.id, query.message.message_id)
    await edit_or_keep(query, text, inline(rows))


def _listed(batch: _Batch) -> Html:
    """The reports a batch approves, a line each (the first few), and their totals per unit."""
    lines = [
        t(
            "review-together-line",
            receipt=receipt(r.receipt),
            service=r.category_name,
            quantity=r.quantity,
            unit=r.unit,
            date=jalali.format_day_month(r.service_date),
        )
        for r in batch.clear[:RECEIPTS_LISTED]
    ]
    if len(batch.clear) > RECEIPTS_LISTED:
        lines.append(t("review-together-line-more", count=len(batch.clear) - RECEIPTS_LISTED))
    units: dict[str, int] = {}
    for r in batch.clear:
        units[r.unit] = units.get(r.unit, 0) + r.quantity
    totals = [UnitTotal(unit, quantity) for unit, quantity in units.items()]
    lines.append(t("review-together-total", units=units_text(totals, most=len(totals))))
    return Html("\n".join(lines))


def _with_flagged(text: Html, batch: _Batch) -> Html:
    """A line about the flagged reports left for one-by-one review, when there are any."""
    if not batch.flagged:
        return text
    return Html(f"{text}\n{t('review-together-flagged', flagged=batch.flagged)}")


async def _approve_together(
    update: Update, context: Context, report: Report, who: Principal, batch: _Batch
) -> bool:
    """Approves a batch as confirmed, with one notice to each reporter; False when one of its
    reports was decided or edited meanwhile (nothing approved then)."""
    query = update.callback_query
    assert query is not None
    store = context.store
    by_reporter: dict[int, list[Report]] = {}
    for item in batch.clear:
        by_reporter.setdefault(item.reporter_id, []).append(item)
    notices = []
    for reporter, items in by_reporter.items():
        if len(items) == 1:
            notices.append(await decision_notice(store, items[0], who.user_id, None, ""))
            continue
        codes = [receipt(r.receipt) for r in items[:RECEIPTS_LISTED]]
        more = len(items) - len(codes)
        listed = "، ".join(codes) + (label("review-together-more", count=more) if more else "")
        facts: dict[str, str | int] = {"count": len(items), "receipts": listed}
        notices.append(Notice(reporter, "review-approved-many-notice", facts))
    versions = {r.id: r.version for r in batch.clear}
    if not await approve_reports(store, who.user_id, versions, notices):
        return False
    kick(context)
    count = len(batch.clear)
    await answer(update, label("review-together-toast", count=count))
    settle_later(context, *versions)
    done = t("review-together-done", count=count, group=report.group_name)
    try:
        await edit_or_keep(query, _with_flagged(done, batch))
        await show_next(context, who.user_id, who, after=report.id)
    except NetworkError as exc:
        if not transient(exc):
            raise
        await _stored_anyway(context, who.user_id, report.receipt, exc)
    return True


# --- a typed reason: a one-step flow ------------------------------------------------------------


@dataclasses.dataclass
class ReasonDraft(Draft):
    """A reviewer typing why a report goes back (at the version their card showed)."""

    KIND = "review_reason"

    report_id: int = 0
    version: int = 0


Reason = Turn[ReasonDraft]


async def reason_entry(turn: Reason, ids: tuple[int, ...]) -> Result:
    """Starts typing a reason for a report."""
    turn.draft.report_id = ids[0] if ids else 0
    turn.draft.version = ids[1] if len(ids) > 1 else 0
    return Go("reason")


async def ask_reason(turn: Reason) -> Screen:
    """Asks for the reason."""
    report = await turn.store.reports.get(turn.draft.report_id)
    code = receipt(report.receipt) if report else ""
    return Screen(t("review-ask-reason", receipt=code), [turn.nav(back=False)])


async def reason_typed(turn: Reason, text: str) -> Result:
    """Returns the report with the typed reason (once: a second reviewer may have decided, or
    the reporter edited it meanwhile: then the new card comes)."""
    reason = turn.typed(text, REASON)
    if isinstance(reason, Go):
        return reason
    report = await turn.store.reports.get(turn.draft.report_id)
    if report is None or not turn.who.oversees(report.province_id):
        return Done(t("stale-button"))
    store, context, who = turn.store, turn.context, turn.who
    tell = await decision_notice(store, report, who.user_id, reason, "review")
    decision = await decide_report(
        store,
        who.user_id,
        report.id,
        version=turn.draft.version,
        approve=False,
        reason=reason,
        field="review",
        notices=[tell],
    )
    if decision.stale:

        async def fresh() -> None:
            await send_card(context, turn.chat_id, report, who)

        return Done(t("review-stale"), then=fresh)
    if not decision.decided:
        line = await late(store, decision.verdict, who.user_id)
    else:
        kick(context)
        settle_later(context, report.id)
        line = await outcome(store, decision.verdict)

    async def then() -> None:
        await show_next(context, turn.chat_id, who, after=report.id)

    return Done(
        Html(f"{t('review-card-title', receipt=receipt(report.receipt))}\n{line}"), then=then
    )


async def may_go_on(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Typing why a report goes back: while the person still oversees its province."""
    report = await store.reports.get(int(draft.get("report_id") or 0))
    return report is not None and who.oversees(report.province_id)


REASON_FLOW = Flow(
    draft=ReasonDraft,
    prefix="rvr",
    rule=overseer,
    allowed=may_go_on,
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
    await reply(update, t("review-chat-linked", scope=await scope_words(store, provinces)))


# The buttons of the review and its cards, and who may press them (bot.kit.buttons): the report's
# province's coordinators and admins (in private and in their groups).
REVIEW = Buttons(
    PREFIX,
    allow(overseer_of_first_report, "next", "prev", "pics", "all", ids="report"),
    allow(overseer_of_first_report, "ok", "ret", "type", "back", ids="report version"),
    allow(overseer_of_first_report, "why", "allok", ids="report n version"),
    allow(overseer_of_report_and_origin, "view", ids="report origin"),
    allow(overseer, "list", "close"),
)
BUTTONS = (REVIEW,)
# What each of them shows: the queue's own screens privately only; a decision on the version of
# the report its card showed.
SCREENS: dict[str, Show] = {
    "list": _private(_queue),
    "close": _private(_close),
    "next": _private(_of_report(partial(_move, back=False))),
    "prev": _private(_of_report(partial(_move, back=True))),
    "pics": _private(_of_report(_photos)),
    "all": _private(_of_report(partial(_together, asked=False))),
    "allok": _of_report(partial(_together, asked=True)),
    "view": _of_report(_view_other),
    "ret": _of_report(_pending(partial(_switch_buttons, reasons=True))),
    "back": _of_report(_pending(partial(_switch_buttons, reasons=False))),
    "type": _private(_of_report(_pending(_type_reason))),
    "ok": _of_report(_pending(_approve)),
    "why": _of_report(_pending(_return_for, version=2)),
}


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (
    Command("review", "command-review", "help-review", 20, reviewers, overseer),
    Command("review_off", "", "", 20, reviewers, overseer),  # in a review group only
)
# Its main-menu button (bot.kit.menu): for the admins and coordinators while reports are reviewed.
MENU = (MenuEntry("menu-review", 3, 0, reviewers, overseer),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The queue (command and menu button), its buttons, and linking a group."""
    return [
        CommandHandler("review", show_queue, filters=PRIVATE),
        CommandHandler(["review", "review_off"], link_group, filters=GROUPS),
        MessageHandler(PRIVATE & menu_text("menu-review"), show_queue),
        REVIEW.screens(SCREENS),
    ]
