"""Weekly reminders to leaders whose group has no report in the week yet (lowest priority)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram.error import TelegramError

from bot import jalali
from bot.config import WEEKDAYS
from bot.context import Context
from bot.i18n import label, t
from bot.keyboards import button, cb, inline
from bot.ratelimit import LOW, send_priority
from db.streaks import STREAK_FROM

log = logging.getLogger(__name__)


async def remind_silent_groups(context: Context) -> int:
    """From the configured weekday and time to the week's end: one reminder to each leader of a
    group with no report this week (unless they turned it off). Returns how many went out."""
    settings = context.config.reminders
    zone = ZoneInfo(context.config.digest.timezone)
    now = context.store.db.now().astimezone(zone)
    start, end = jalali.week_of(now.date())
    moment = datetime.combine(
        start + timedelta(days=WEEKDAYS.index(settings.weekday)), settings.at, tzinfo=zone
    )
    if now < moment:
        return 0
    sent = 0
    for due in await context.store.reminders.due(start, end):
        if not await context.store.reminders.claim(due.volunteer_id, due.group_id, start):
            continue
        markup = inline(
            [
                [button(label("reminder-report"), cb("rmd", "report", due.group_id))],
                [button(label("reminder-off"), cb("rmd", "off", due.group_id))],
            ]
        )
        streak = await context.store.streaks.of_group(due.group_id, now.date())
        try:
            with send_priority(LOW):
                text = t("reminder-text", group=due.group_name)
                if streak.weeks >= STREAK_FROM:  # a run up to last week that this week can keep
                    text = t("reminder-text-streak", group=due.group_name, weeks=streak.weeks)
                await context.bot.send_message(due.volunteer_id, text, reply_markup=markup)
            sent += 1
        except TelegramError as exc:
            log.info("reminder to %s not sent: %s", due.volunteer_id, exc)
    return sent
