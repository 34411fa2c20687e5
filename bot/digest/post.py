"""Posting the weekly digest to channels: when it is due, once per channel and week, late if missed.

A JobQueue job ("digest-tick") looks every few minutes at each active channel: the newest Jalali
week (Saturday–Friday) whose posting moment has passed is due; it is posted unless the ledger
holds it, or a newer week, already: a channel never gets a week older than one it has (after a
change of day, the new day's moment of the week before may have passed). The ledger row is
claimed before the first message and completed after the last, with every message id recorded
as it goes, so a restart or a crash mid-send never posts a week twice. A post cut short (by a
crash, or by the network after its first message) is completed from its first message not
recorded as sent: on start-up ("digest-resume") and at the next tick. A week missed while the bot
was down is posted on start-up, marked late, within the grace period; a week whose moment came
before the channel's schedule began (a new channel, a changed day) is not late. A digest with a
map (the national one) posts its chart and map as one album, the caption on the chart; the album
is one call, recorded like the chart, and late reports replace both pictures in place.

Posts go out at bulk priority, many channels at once (SENDS_AT_ONCE), so that Telegram's 30
messages a second are used whatever the round trip; the rate limiter keeps them inside it and
answers people first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from telegram import InputMediaPhoto, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core import jalali
from bot.core.config import WEEKDAYS
from bot.core.i18n import t
from bot.digest.render import content_hash, render_caption, render_messages
from bot.kit.context import Context
from bot.runtime.ratelimit import BULK, at_most, send_priority
from db.channels import Channel, DigestPost, PauseReason, PostState
from db.digest_queries import week_digest
from db.digest_week import WeekDigest

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(hours=1)  # posted later than this after its moment, a digest says so
SENDS_AT_ONCE = 32  # channels posted to at once (bot.runtime.ratelimit.at_most says why)


@dataclass(frozen=True, slots=True)
class Pictures:
    """A digest's chart and, for the national digest, its map (PNG bytes)."""

    chart: bytes
    map: bytes | None = None


def draw(digest: WeekDigest) -> Pictures:
    """Draws a digest's chart and map (blocking: matplotlib loads here, on the first one)."""
    from bot.digest.chart import render_chart
    from bot.maps.render import render_map

    return Pictures(render_chart(digest), None if digest.map is None else render_map(digest.map))


async def draw_async(digest: WeekDigest) -> Pictures:
    """Draws a digest's pictures in a worker thread, so that the event loop keeps serving."""
    return await asyncio.to_thread(draw, digest)


Built = tuple[WeekDigest, Pictures]  # a digest and its pictures, made once per scope and week


def due_at(week_start: date, weekday: str, at: time, zone: tzinfo) -> datetime:
    """The moment a week's digest is due: the first `weekday` at `at` from the week's Friday on.

    `weekday` is a name («friday»); WEEKDAYS counts from Saturday, as the Jalali week does (and
    as neither Python's date.weekday(), Monday = 0, nor jdatetime's, Saturday = 0, is asked here).
    """
    friday = week_start + timedelta(days=6)
    day = friday + timedelta(days=(WEEKDAYS.index(weekday) - 6) % 7)
    return datetime.combine(day, at, tzinfo=zone)


def due_week(now: datetime, weekday: str, at: time, zone: tzinfo) -> tuple[date, datetime]:
    """The newest week whose digest is due at `now`, and its moment."""
    start = jalali.week_of(now.astimezone(zone).date())[0]
    for weeks_back in range(3):
        week = start - timedelta(weeks=weeks_back)
        moment = due_at(week, weekday, at, zone)
        if moment <= now:
            return week, moment
    raise AssertionError("a week ends every seven days")  # pragma: no cover


def _schedule(context: Context, channel: Channel) -> tuple[str, time, ZoneInfo]:
    """The channel's posting weekday and time: its own, or [digest]'s."""
    settings = context.config.digest
    at = settings.at
    if channel.post_time:
        hour, minute = channel.post_time.split(":")
        at = time(int(hour), int(minute))
    return channel.weekday or settings.weekday, at, ZoneInfo(settings.timezone)


def _is_due(
    week: date, moment: datetime, newest: date | None, now: datetime, grace: timedelta
) -> bool:
    """Whether a week whose moment has passed goes out now: never one older than (or the same
    as) the newest the channel has, nor one missed beyond the grace period."""
    return (newest is None or week > newest) and now - moment <= grace


def _late(moment: datetime, channel: Channel, now: datetime) -> bool:
    """Posted well after its moment, and the channel was waiting for it then (its schedule had
    begun: a new channel or a changed day is not kept waiting)."""
    since = channel.schedule_since
    return now - max(moment, since or moment) > LATE_AFTER


async def next_post(context: Context, channel: Channel) -> datetime | None:
    """When the channel's next digest goes out under its schedule: None when at the next tick
    (a week is due now), else the moment."""
    store = context.store
    weekday, at, zone = _schedule(context, channel)
    now, grace = store.db.now(), timedelta(days=context.config.digest.grace_days)
    newest = await store.digest_posts.newest_week(channel.chat_id)
    week = jalali.week_of(now.astimezone(zone).date())[0] - timedelta(weeks=2)
    while True:
        moment = due_at(week, weekday, at, zone)
        if moment > now and (newest is None or week > newest):
            return moment
        if moment <= now and _is_due(week, moment, newest, now, grace):
            return None
        week += timedelta(weeks=1)


async def build(
    context: Context,
    built: dict[tuple[object, date, bool], Built],
    channel: Channel,
    week: date,
    late: bool,
) -> Built:
    """The digest and chart of a scope and week: hundreds of national channels share one."""
    key = (channel.scope, week, late)
    if key not in built:
        store = context.store
        digest = await week_digest(
            store.db, channel.scope, week, late=late, counting=store.stats.counting
        )
        built[key] = (digest, await draw_async(digest))
    return built[key]


async def post_due_digests(context: Context) -> int:
    """Posts every channel's due digest that is not in the ledger yet, and updates in place the
    posts of recent weeks whose figures changed since (late reports); returns how many posted."""
    store = context.store
    now = store.db.now()
    grace = timedelta(days=context.config.digest.grace_days)
    built: dict[tuple[object, date, bool], Built] = {}
    jobs: list[Awaitable[bool]] = []
    for channel in await store.channels.active():
        weekday, at, zone = _schedule(context, channel)
        week, moment = due_week(now, weekday, at, zone)
        existing = await store.digest_posts.get(channel.chat_id, week)
        if existing is not None:
            if existing.state is PostState.SENDING:
                jobs.append(resume_post(context, existing, built))
            continue
        if not _is_due(
            week, moment, await store.digest_posts.newest_week(channel.chat_id), now, grace
        ):
            continue
        made = await build(context, built, channel, week, _late(moment, channel, now))
        jobs.append(post_digest(context, channel, week, made))
    posted = sum(await at_most(jobs, SENDS_AT_ONCE))
    await update_recent_posts(context, built)
    return posted


async def post_week_now(context: Context, week: date) -> tuple[int, int, int]:
    """Posts a week's digest now (an admin asked) to every active channel that has neither it
    nor a newer week; returns (posted, channels that had it or a newer one, not posted)."""
    store = context.store
    built: dict[tuple[object, date, bool], Built] = {}
    jobs: list[Awaitable[bool]] = []
    had = 0
    for channel in await store.channels.active():
        newest = await store.digest_posts.newest_week(channel.chat_id)
        if newest is not None and newest >= week:
            had += 1
            continue
        made = await build(context, built, channel, week, False)
        jobs.append(post_digest(context, channel, week, made))
    posted = sum(await at_most(jobs, SENDS_AT_ONCE))
    return posted, had, len(jobs) - posted


async def post_digest(context: Context, channel: Channel, week: date, made: Built) -> bool:
    """Posts one channel's digest of one week, exactly once; False when it was not posted."""
    store = context.store
    digest = made[0]
    post = await store.digest_posts.claim(
        channel.chat_id, week, content_hash(digest), late=digest.late
    )
    if post is None:
        return False  # claimed by another run meanwhile
    return await _send(context, channel, post, made)


async def resume_unfinished(context: Context) -> int:
    """Completes every post left half sent (the process stopped mid-send); returns how many."""
    built: dict[tuple[object, date, bool], Built] = {}
    done = 0
    for post in await context.store.digest_posts.unfinished():
        done += await resume_post(context, post, built)
    return done


async def resume_post(
    context: Context, post: DigestPost, built: dict[tuple[object, date, bool], Built]
) -> bool:
    """Sends what a half-sent post still lacks, unless this process is sending it right now.

    A message whose sending was cut between Telegram's answer and the ledger's record is sent
    again (the Bot API cannot tell whether it went out); everything recorded is never repeated.
    """
    if post.id in context.bot_data.digests_sending:
        return False
    channel = await context.store.channels.by_chat(post.chat_id)
    if channel is None or channel.paused:
        return False
    log.warning("completing the digest of %s in %s cut short", post.week_start, post.chat_id)
    made = await build(context, built, channel, post.week_start, post.late)
    return await _send(context, channel, post, made)


async def _send(context: Context, channel: Channel, post: DigestPost, made: Built) -> bool:
    """Sends a claimed post's messages not yet recorded, then its pictures, and completes it."""
    store = context.store
    digest, pictures = made
    sending = context.bot_data.digests_sending
    if post.id in sending:
        return False
    sending.add(post.id)
    try:
        # Read again under the guard: another run may have completed it since it was read.
        fresh = await store.digest_posts.get_by_id(post.id)
    except BaseException:
        sending.discard(post.id)
        raise
    if fresh is None or fresh.state is not PostState.SENDING:
        sending.discard(post.id)
        return False
    sent = list(fresh.message_ids)
    photo_id, file_id = fresh.chart_message_id, fresh.chart_file_id
    map_id, map_file_id = fresh.map_message_id, fresh.map_file_id
    try:
        with send_priority(BULK):
            for text in render_messages(digest)[len(sent) :]:
                message = await context.bot.send_message(channel.chat_id, text)
                sent.append(message.message_id)
                await store.digest_posts.record_sent(post.id, tuple(sent))
            if photo_id is None and pictures.map is None:
                photo = await context.bot.send_photo(
                    channel.chat_id, pictures.chart, caption=render_caption(digest)
                )
                photo_id, file_id = photo.message_id, _file_id(photo)
            elif photo_id is None and pictures.map is not None:
                chart, drawn = await context.bot.send_media_group(
                    channel.chat_id,
                    [
                        InputMediaPhoto(pictures.chart, caption=render_caption(digest)),
                        InputMediaPhoto(pictures.map),
                    ],
                )
                photo_id, file_id = chart.message_id, _file_id(chart)
                map_id, map_file_id = drawn.message_id, _file_id(drawn)
    except (Forbidden, BadRequest) as exc:  # removed from the channel, rights taken, deleted
        if not sent:
            await store.digest_posts.release(post.id)
        log.warning("digest to %s failed: %s", channel.chat_id, exc)
        await _pause(context, channel, str(exc))
        return False
    except TelegramError as exc:  # the network: sent, or completed, at the next tick
        if not sent:
            await store.digest_posts.release(post.id)
        log.warning("digest to %s not sent now: %s", channel.chat_id, exc)
        return False
    finally:
        sending.discard(post.id)
    await store.digest_posts.complete(post.id, tuple(sent), photo_id, file_id, map_id, map_file_id)
    log.info(
        "digest of %s posted to %s%s",
        post.week_start,
        channel.chat_id,
        " (late)" if post.late else "",
    )
    return True


def _file_id(message: Message) -> str:
    """The file id of a photo message's largest size ('' for any other message)."""
    return message.photo[-1].file_id if message.photo else ""


async def _pause(context: Context, channel: Channel, why: str) -> None:
    """Pauses a failing channel and tells the admins once; the other channels go on."""
    if not await context.store.channels.pause(channel.chat_id, PauseReason.FAILED, why):
        return
    text = t("digest-channel-paused", channel=channel.title or str(channel.chat_id), why=why)
    for admin in context.config.bot.admins:
        try:
            with send_priority(BULK):
                await context.bot.send_message(admin, text)
        except TelegramError as exc:
            log.info("could not tell admin %s: %s", admin, exc)


async def update_recent_posts(
    context: Context, built: dict[tuple[object, date, bool], Built] | None = None
) -> int:
    """Edits posted digests of recent weeks in place when late reports changed their figures,
    many channels at once (SENDS_AT_ONCE), as they are posted.

    Never a second post: the text messages are edited and the chart (and map) replaced.
    """
    store = context.store
    built = {} if built is None else built
    window = timedelta(days=context.config.digest.edit_days)
    oldest = jalali.week_of((store.db.now() - window).date())[0]
    jobs: list[Awaitable[bool]] = []
    for post in await store.digest_posts.sent_since(oldest):
        channel = await store.channels.by_chat(post.chat_id)
        if channel is None or channel.paused:
            continue
        made = await build(context, built, channel, post.week_start, post.late)
        if content_hash(made[0]) != post.content_hash:
            jobs.append(_update_post(context, post, made))
    return sum(await at_most(jobs, SENDS_AT_ONCE))


async def _update_post(context: Context, post: DigestPost, made: Built) -> bool:
    """Edits one post's messages and pictures to a digest's new figures; False if it failed."""
    digest, pictures = made
    try:
        with send_priority(BULK):
            texts = render_messages(digest)
            if len(texts) != len(post.message_ids):  # rare: a week grew past a message
                log.info(
                    "digest %s in %s now needs %d messages, not %d; edited as fits",
                    post.week_start,
                    post.chat_id,
                    len(texts),
                    len(post.message_ids),
                )
            for message_id, text in zip(post.message_ids, texts, strict=False):
                await _edit_text(context, post.chat_id, message_id, text)
            file_id, map_file_id = post.chart_file_id, post.map_file_id
            if post.chart_message_id is not None:
                media = InputMediaPhoto(pictures.chart, caption=render_caption(digest))
                chart_id = post.chart_message_id
                file_id = await _replace(context, post.chat_id, chart_id, media) or file_id
            if post.map_message_id is not None and pictures.map is not None:
                media = InputMediaPhoto(pictures.map)
                map_id = post.map_message_id
                map_file_id = await _replace(context, post.chat_id, map_id, media) or map_file_id
    except TelegramError as exc:
        log.warning("digest %s in %s not updated: %s", post.week_start, post.chat_id, exc)
        return False
    await context.store.digest_posts.record_edit(
        post.id, content_hash(digest), file_id, map_file_id
    )
    return True


async def _replace(context: Context, chat_id: int, message_id: int, media: InputMediaPhoto) -> str:
    """Replaces a posted picture in place; returns its new file id ('' if not told)."""
    message = await context.bot.edit_message_media(media, chat_id=chat_id, message_id=message_id)
    return _file_id(message) if isinstance(message, Message) else ""


async def _edit_text(context: Context, chat_id: int, message_id: int, text: str) -> None:
    """Edits one message of a post; the same text again is no error."""
    try:
        await context.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise
