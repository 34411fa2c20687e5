"""Weekly reminders to leaders whose group has no report in the week yet (lowest priority).

From the configured weekday and time they are spread evenly over `[reminders] window_minutes`:
a national network's 50,000 leaders take about 28 minutes of Telegram's whole budget, so sent
at once they would fill it for half an hour. Each tick (every minute) sends the share of the
week's reminders that the window's elapsed part calls for, counting those already sent (a
restart or a slow tick catches up at the next one), so the last goes out by the window's end.
They go through the outbox (bot.kit.outbox), claimed and queued in one transaction, at low
priority: the rate limiter answers people first, always. A group on a run of weeks with a report
is asked to keep it.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core import jalali
from bot.core.config import WEEKDAYS
from bot.kit.context import Context
from bot.kit.keyboards import cb
from bot.kit.outbox import send_now
from bot.runtime.ratelimit import LOW
from db.outbox import Notice, NoticeButton
from db.reminders import DueReminder
from db.streaks import STREAK_FROM

TICK = timedelta(minutes=1)  # how often the reminder tick runs (bot.app)


def share_due(now: datetime, moment: datetime, window: timedelta, week_end: datetime) -> float:
    """The part of the week's reminders due by now: 0 before the moment, growing evenly over
    the window (cut at the week's end) so that all are due a tick before its end, then 1."""
    if now < moment:
        return 0.0
    span = min(moment + window, week_end) - moment - TICK
    if span <= timedelta(0):
        return 1.0
    return min(1.0, (now - moment) / span)


async def remind_silent_groups(context: Context) -> int:
    """One reminder a week to each leader of a group with no report this week (unless they
    turned it off), spread over the window from the configured weekday and time. Returns how
    many were queued.

    Sent one at a time, a large share outlasts the minute, and the tick's runs meanwhile are
    skipped: when a share has gone out, the next one due by then is claimed at once rather
    than at the next tick, so the sending never idles while it is behind the window."""
    queued = 0
    while claimed := await _claim_share(context):
        queued += claimed
        await send_now(context)
    return queued


async def _claim_share(context: Context) -> int:
    """Claims the reminders the window's elapsed part calls for and puts them in the outbox;
    how many."""
    settings, store = context.config.reminders, context.store
    zone = ZoneInfo(context.config.digest.timezone)
    now = store.db.now().astimezone(zone)
    start, end = jalali.week_of(now.date())
    moment = datetime.combine(
        start + timedelta(days=WEEKDAYS.index(settings.weekday)), settings.at, tzinfo=zone
    )
    week_end = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone)
    share = share_due(now, moment, timedelta(minutes=settings.window_minutes), week_end)
    if share <= 0:
        return 0
    due = await store.reminders.due(start, end)
    if not due:
        return 0
    sent = await store.reminders.sent_count(start)
    quota = math.ceil((sent + len(due)) * share - 1e-9) - sent
    picked = due[: max(0, quota)]
    notices = {(d.volunteer_id, d.group_id): await _notice(context, d, now.date()) for d in picked}
    # Claimed and queued in one transaction (one write for the claims, not one per leader), so
    # each leader gets one reminder a week, which the outbox delivers even across a restart.
    async with store.db.transaction():
        claimed = await store.reminders.claim_all(picked, start)
        await store.outbox.add([notices[(d.volunteer_id, d.group_id)] for d in claimed])
    return len(claimed)


async def _notice(context: Context, due: DueReminder, today: date) -> Notice:
    """One leader's reminder: its words (asking to keep a run of weeks going) and buttons."""
    rows = (
        (NoticeButton("reminder-report", cb("rmd", "report", due.group_id)),),
        (NoticeButton("reminder-off", cb("rmd", "off", due.group_id)),),
    )
    streak = await context.store.streaks.of_group(due.group_id, today)
    key = "reminder-text"
    facts: dict[str, str | int] = {"group": due.group_name}
    if streak.weeks >= STREAK_FROM:  # a run up to last week that this week can keep
        key, facts["weeks"] = "reminder-text-streak", streak.weeks
    return Notice(due.volunteer_id, key, facts, rows, priority=LOW)
