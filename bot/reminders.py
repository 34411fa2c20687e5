"""Weekly reminders to leaders whose group has no report in the week yet (lowest priority)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import jalali
from bot.config import WEEKDAYS
from bot.context import Context
from bot.keyboards import cb
from bot.outbox import send_now
from bot.ratelimit import LOW
from db.outbox import Notice, NoticeButton
from db.streaks import STREAK_FROM


async def remind_silent_groups(context: Context) -> int:
    """From the configured weekday and time to the week's end: one reminder to each leader of a
    group with no report this week (unless they turned it off), through the outbox. Returns how
    many were queued."""
    settings = context.config.reminders
    zone = ZoneInfo(context.config.digest.timezone)
    now = context.store.db.now().astimezone(zone)
    start, end = jalali.week_of(now.date())
    moment = datetime.combine(
        start + timedelta(days=WEEKDAYS.index(settings.weekday)), settings.at, tzinfo=zone
    )
    if now < moment:
        return 0
    queued = 0
    for due in await context.store.reminders.due(start, end):
        rows = (
            (NoticeButton("reminder-report", cb("rmd", "report", due.group_id)),),
            (NoticeButton("reminder-off", cb("rmd", "off", due.group_id)),),
        )
        streak = await context.store.streaks.of_group(due.group_id, now.date())
        key = "reminder-text"
        facts: dict[str, str | int] = {"group": due.group_name}
        if streak.weeks >= STREAK_FROM:  # a run up to last week that this week can keep
            key, facts["weeks"] = "reminder-text-streak", streak.weeks
        notice = Notice(due.volunteer_id, key, facts, rows, priority=LOW)
        async with context.store.db.transaction():  # claimed and queued together, once a week
            if await context.store.reminders.claim(due.volunteer_id, due.group_id, start):
                queued += await context.store.outbox.add([notice])
    if queued:
        await send_now(context)
    return queued
