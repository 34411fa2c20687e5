"""Notices to people other than the one who acted, sent from the outbox (db.outbox).

A change and its notices are written in one transaction (the use cases take the notices); after
the commit the handler calls `kick`, and the named job `outbox` (also run every few seconds)
sends what is due; a job that queued notices itself sends them with `send_now`. Each notice is
marked sent as soon as Telegram confirms it, and only then: a send that failed in a way that may
pass (a dropped connection, a time-out, Telegram's 5xx or 429) is tried again later, with a
growing pause, so a kill after the commit or a lost connection delays a notice but does not
lose it. What this cannot rule out: a send that Telegram carried out whose answer never came
back (the connection dropped after it acted, or the process was killed before it marked the
notice sent) is sent once more. docs/RELIABILITY.md says so.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, cast

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core.i18n import Html, label, t
from bot.kit.commands import changed, refresh_for
from bot.kit.context import Context
from bot.kit.keyboards import button, inline
from bot.kit.principal import load_principal
from bot.runtime.ratelimit import Priority, send_priority
from db.outbox import INTERACTIVE, Notice, Outgoing

log = logging.getLogger(__name__)

JOB = "outbox"  # the job's name (run every INTERVAL, and at once by `kick`)
INTERVAL = timedelta(seconds=5)
BACKOFF = (2, 5, 15, 30, 60, 120, 300, 600)  # seconds before the 2nd, 3rd, ... try (then 600)
ATTEMPTS = 24  # a notice still not sent after this many tries (about three hours) is given up
KEEP = timedelta(days=30)  # sent notices are kept this long (to look into), then dropped


def role_notice(chat_id: int, key: str, **args: str | int) -> Notice:
    """A notice that someone's role changed: it goes with their new main menu, before bulk."""
    return Notice(chat_id, key, args, menu=True, priority=INTERACTIVE)


def kick(context: Context) -> None:
    """Sends the outbox's due notices now (after a commit that added some)."""
    jobs = context.job_queue
    if jobs is not None:
        jobs.run_once(cast(Any, send_due), 0, name=JOB)


async def send_due(context: Context) -> int:
    """The outbox job: sends every notice due now; returns how many went out. One pass runs
    at a time: a run that finds one going asks it to look once more."""
    if context.bot_data.outbox_sending.locked():
        context.bot_data.outbox_again = True
        return 0
    return await send_now(context)


async def send_now(context: Context) -> int:
    """Sends every notice due now (after the pass going on, if one is), before returning."""
    data = context.bot_data
    sent = 0
    async with data.outbox_sending:
        data.outbox_again = True
        while data.outbox_again:
            data.outbox_again = False
            sent += await _pass(context)
    return sent


async def _pass(context: Context) -> int:
    """One look at the outbox, one notice at a time, most urgent first (so a kill can leave at
    most one send in doubt); a person whose notice failed gets no later one in this pass, so
    that their notices keep their order."""
    store = context.store
    sent = 0
    held: set[int] = set()
    # Their notices are left for the next pass; every other one looked at went, ended, or is
    # due again only after its pause.
    kept: list[int] = []
    while batch := await store.outbox.due(skip=kept):
        for row in batch:
            if row.notice.chat_id in held:
                kept.append(row.id)
                continue
            outcome = await _send(context, row)
            if outcome is None:
                held.add(row.notice.chat_id)
            else:
                sent += outcome
    return sent


async def _send(context: Context, row: Outgoing) -> int | None:
    """Sends one notice: 1 sent, 0 ended without sending (or another sender took it), None to be
    tried again later."""
    store = context.store
    chat_id = row.notice.chat_id
    if not await store.outbox.claim(row):
        return 0
    volunteer = await store.volunteers.get(chat_id)
    if volunteer is not None and volunteer.blocked:
        await store.outbox.close(row.id, "skipped", "blocked")
        return 0
    try:
        text, markup = await _render(context, row.notice)
    except (KeyError, ValueError, TypeError) as exc:  # a key or argument this version lacks
        log.error("notice %s cannot be worded: %s", row.id, exc)
        await store.outbox.close(row.id, "failed", f"render: {exc}")
        return 0
    try:
        with send_priority(Priority(row.notice.priority)):
            message = await context.bot.send_message(chat_id, text, reply_markup=markup)
    except Forbidden as exc:
        log.info("user %s cannot be messaged: %s", chat_id, exc)
        await store.volunteers.mark_blocked(chat_id)
        await store.outbox.close(row.id, "skipped", str(exc))
        return 0
    except BadRequest as exc:
        log.warning("notice %s to %s refused: %s", row.id, chat_id, exc)
        await store.outbox.close(row.id, "failed", str(exc))
        return 0
    except TelegramError as exc:  # the network, a time-out, Telegram's 5xx or 429s
        if row.attempts + 1 >= ATTEMPTS:
            log.error("notice %s to %s given up after %d tries: %s", row.id, chat_id, ATTEMPTS, exc)
            await store.outbox.close(row.id, "failed", str(exc))
            return 0
        pause = BACKOFF[min(row.attempts, len(BACKOFF) - 1)]
        log.info("notice %s to %s not sent (%s); again in %d s", row.id, chat_id, exc, pause)
        await store.outbox.later(row.id, timedelta(seconds=pause), str(exc))
        _kick_after(context, pause)
        return None
    await store.outbox.sent(row.id, message.message_id)
    if row.notice.menu:  # their roles changed: the «/» menu follows the main menu
        await refresh_for(context, chat_id)
    return 1


def _kick_after(context: Context, seconds: float) -> None:
    """Looks at the outbox again when a notice that failed is due (besides the regular run)."""
    jobs = context.job_queue
    if jobs is not None:
        jobs.run_once(cast(Any, send_due), seconds + 0.1, name=JOB)


async def _render(
    context: Context, notice: Notice
) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup | None]:
    """The notice's words and buttons, as they read now; a changed role gets the menu it has
    when the notice goes out."""
    text = t(notice.key, **notice.args)
    if notice.menu:  # the line about the menus only when they change (not for a second group)
        who = await load_principal(context.store, context.config, notice.chat_id)
        if await changed(context, who):
            text = Html(f"{text}\n\n{t('menu-now-yours')}")
        return text, context.bot_data.engine.menu(context, who)
    if not notice.buttons:
        return text, None
    rows = [[button(label(b.key, **b.args), b.data) for b in row] for row in notice.buttons]
    return text, inline(rows)


async def forget_sent(context: Context) -> None:
    """Drops notices that went out (or ended) long ago."""
    await context.store.outbox.forget_sent(KEEP)
