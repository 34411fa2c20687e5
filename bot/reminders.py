"""Weekly reminders to leaders whose group has no report in the week yet (lowest priority).

From the configured weekday and time they are spread evenly over `[reminders] window_minutes`:
a national network's 50,000 leaders take about 28 minutes of Telegram's whole budget, so sent
at once they would fill it for half an hour. Each tick (every minute) sends the share of the
week's reminders that the window's elapsed part calls for, counting those already sent (a
restart or a slow tick catches up at the next one), so the last goes out by the window's end.
They go at low priority: the rate limiter answers people first, always.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram.error import TelegramError

from bot import jalali
from bot.config import WEEKDAYS
from bot.context import Context
from bot.i18n import label, t
from bot.keyboards import button, cb, inline
from bot.ratelimit import LOW, at_most, send_priority
from db.reminders import DueReminder

log = logging.getLogger(__name__)

SENDS_AT_ONCE = 16  # reminders under way at once (bot.ratelimit.at_most says why)
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
    many went out this tick."""
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
    # Recorded before they are sent (in one write, not one per leader), so never sent twice.
    claimed = await store.reminders.claim_all(due[: max(0, quota)], start)
    return sum(await at_most((_remind(context, r) for r in claimed), SENDS_AT_ONCE))


async def _remind(context: Context, due: DueReminder) -> bool:
    """Sends one leader their reminder (claimed already)."""
    markup = inline(
        [
            [button(label("reminder-report"), cb("rmd", "report", due.group_id))],
            [button(label("reminder-off"), cb("rmd", "off", due.group_id))],
        ]
    )
    try:
        with send_priority(LOW):
            text = t("reminder-text", group=due.group_name)
            await context.bot.send_message(due.volunteer_id, text, reply_markup=markup)
    except TelegramError as exc:
        log.info("reminder to %s not sent: %s", due.volunteer_id, exc)
        return False
    return True
