"""Digest channels in the bot, for admins: add one (Telegram's channel picker, or a forwarded post,
@username or id), list them, pause, resume and remove. Adding is a flow: the channel, then what
it gets (the scope)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from telegram import (
    Chat,
    ChatFullInfo,
    InlineKeyboardButton,
    Message,
    MessageOriginChannel,
    Update,
)
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import BaseHandler

from bot.core.config import WEEKDAYS
from bot.core.i18n import Html, label, t
from bot.core.jalali import format_date, weekday_names
from bot.core.text import to_latin_digits, to_persian_digits
from bot.digest.post import next_post
from bot.kit.access import admin, admins_go_on
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.context import Context
from bot.kit.engine import Done, Draft, Flow, Go, Result, Screen, Step, Turn, answer
from bot.kit.keyboards import (
    PICK_CHANNEL,
    Callback,
    button,
    cb,
    channel_picker,
    choices,
    confirm,
    grid,
    inline,
)
from db.channels import Channel, ChannelScope, PauseReason
from handlers.common import edit_or_keep


@dataclasses.dataclass
class ChannelDraft(Draft):
    """The channel being added and its title."""

    KIND = "channel"

    chat_id: int | None = None
    title: str = ""


async def _check(turn: Turn[ChannelDraft], chat: Chat | ChatFullInfo | None) -> Result:
    """Takes a channel where the bot is an admin allowed to post; says what is missing if not."""
    if chat is None or chat.type != Chat.CHANNEL:
        return turn.again(label("channel-not-found"))
    try:
        me = await turn.context.bot.get_chat_member(chat.id, turn.context.bot.id)
    except TelegramError:
        return turn.again(label("channel-bot-not-admin"))
    can_post = getattr(me, "can_post_messages", False)
    if me.status != ChatMemberStatus.ADMINISTRATOR or not can_post:
        return turn.again(label("channel-bot-not-admin"))
    turn.draft.chat_id, turn.draft.title = chat.id, chat.title or str(chat.id)
    await turn.context.bot.send_message(
        turn.chat_id, t("channel-picked", channel=turn.draft.title), reply_markup=turn.menu()
    )
    return Go("scope")


async def ask_chat(turn: Turn[ChannelDraft]) -> Screen:
    """Asks which channel: Telegram's channel picker first (a keyboard button that makes the
    bot an admin allowed to post), a forwarded post or a typed @username or id as fallbacks."""
    picker = channel_picker(label("channel-picker-button"))
    keyboard = (label("channel-picker-keyboard"), picker) if turn.keyboard_due else None
    return Screen(t("channel-ask"), [turn.nav(back=False)], keyboard=keyboard)


async def chat_typed(turn: Turn[ChannelDraft], text: str) -> Result:
    """An @username or a numeric id."""
    typed = to_latin_digits(text.strip())
    if not (typed.startswith("@") or typed.lstrip("-").isdigit()):
        return turn.again(label("channel-ask-hint"))
    try:
        chat = await turn.context.bot.get_chat(typed if typed.startswith("@") else int(typed))
    except (TelegramError, ValueError):
        return turn.again(label("channel-not-found"))
    return await _check(turn, chat)


async def chat_forwarded(turn: Turn[ChannelDraft], message: Message) -> Result:
    """A channel picked with Telegram's picker, or a post forwarded from the channel."""
    picked = message.chat_shared
    if picked is not None and picked.request_id == PICK_CHANNEL:
        try:
            return await _check(turn, await turn.context.bot.get_chat(picked.chat_id))
        except TelegramError:
            return turn.again(label("channel-not-found"))
    origin = message.forward_origin
    if not isinstance(origin, MessageOriginChannel):
        return turn.again(label("channel-ask-hint"))
    return await _check(turn, origin.chat)


async def ask_scope(turn: Turn[ChannelDraft]) -> Screen:
    """Asks what the channel gets: the whole country, one province, or one campaign."""
    store = turn.store
    rows: list[list[InlineKeyboardButton]] = [
        [turn.button(label("channel-scope-national"), "national")]
    ]
    campaigns = await store.campaigns.running(0, turn.today())  # national ones
    rows += [
        [turn.button(label("channel-scope-campaign", title=c.title), "camp", c.id)]
        for c in campaigns
    ]
    provinces = await store.places.provinces()
    rows += grid([turn.button(p.name, "prov", p.id) for p in provinces], 2)
    return Screen(t("channel-ask-scope", channel=turn.draft.title), [*rows, turn.nav()])


async def national_pressed(turn: Turn[ChannelDraft], data: Callback) -> Result:
    """The whole country."""
    return await _add(turn, ChannelScope.national())


async def province_pressed(turn: Turn[ChannelDraft], data: Callback) -> Result:
    """One province."""
    if not await turn.store.places.province(data.id() or 0):
        return turn.again(label("stale-button"))
    return await _add(turn, ChannelScope.province(data.id() or 0))


async def campaign_pressed(turn: Turn[ChannelDraft], data: Callback) -> Result:
    """One campaign."""
    if not await turn.store.campaigns.get(data.id() or 0):
        return turn.again(label("stale-button"))
    return await _add(turn, ChannelScope.campaign(data.id() or 0))


async def _add(turn: Turn[ChannelDraft], scope: ChannelScope) -> Result:
    """Saves the channel with its scope."""
    store = turn.store
    assert turn.draft.chat_id is not None
    channel, _ = await store.channels.add(
        turn.draft.chat_id, turn.draft.title, scope, turn.who.user_id
    )
    return Done(t("channel-added", channel=channel.title), inline([_back_row()]))


async def entry(turn: Turn[ChannelDraft], ids: tuple[int, ...]) -> Result:
    """Starts by asking for the channel."""
    return Go("chat")


FLOW = Flow(
    draft=ChannelDraft,
    prefix="chf",
    rule=admin,
    allowed=admins_go_on,
    name="flow-name-channel",
    steps={
        "chat": Step(ask_chat, text=chat_typed, other=chat_forwarded, expects="channel-ask-hint"),
        "scope": Step(
            ask_scope,
            press={
                "national": national_pressed,
                "prov": province_pressed,
                "camp": campaign_pressed,
            },
            back="chat",
        ),
    },
    entries={"new": entry},
)


@dataclasses.dataclass
class ScheduleDraft(Draft):
    """A channel's own posting day and time being chosen."""

    KIND = "chsched"

    channel_id: int | None = None
    weekday: str | None = None


TIME = re.compile(r"([01]?\d|2[0-3])[:٫.]([0-5]\d)")


def _when(weekday: str, at: str) -> str:
    """«پنج‌شنبه‌ها، ساعت ۲۱:۳۰»: a weekly day and time."""
    day = weekday_names()[WEEKDAYS.index(weekday)]
    return label("channel-when", day=day, time=to_persian_digits(at))


def _default_when(context: Context) -> str:
    """The [digest] default day and time, in words."""
    settings = context.config.digest
    return _when(settings.weekday, settings.time)


async def ask_day(turn: Turn[ScheduleDraft]) -> Screen:
    """Asks the day the channel's digest goes out (or the default for every channel, named)."""
    names = weekday_names()
    buttons = [turn.button(names[i], "day", i) for i in range(len(WEEKDAYS))]
    default = label("channel-schedule-default", when=_default_when(turn.context))
    rows = [*grid(buttons, 2), [turn.button(default, "def")]]
    return Screen(t("channel-ask-day"), [*rows, turn.nav(back=False)])


async def day_pressed(turn: Turn[ScheduleDraft], data: Callback) -> Result:
    """Takes the day."""
    index = data.id() or 0
    if index >= len(WEEKDAYS):
        return turn.again(label("stale-button"))
    turn.draft.weekday = WEEKDAYS[index]
    return Go("time")


async def default_pressed(turn: Turn[ScheduleDraft], data: Callback) -> Result:
    """Back to the configured default day and time."""
    return await _save_schedule(turn, None, None)


async def ask_time(turn: Turn[ScheduleDraft]) -> Screen:
    """Asks the time of day (Tehran), typed or from common ones."""
    buttons = [turn.button(to_persian_digits(f"{h}:00"), "at", h) for h in (18, 20, 21)]
    return Screen(t("channel-ask-time"), [buttons, turn.nav()])


async def time_typed(turn: Turn[ScheduleDraft], text: str) -> Result:
    """Takes a typed time such as ۲۰:۳۰."""
    match = TIME.fullmatch(to_latin_digits(text.strip()))
    if match is None:
        return turn.again(label("channel-time-hint"))
    at = f"{int(match.group(1)):02d}:{match.group(2)}"
    return await _save_schedule(turn, turn.draft.weekday, at)


async def hour_pressed(turn: Turn[ScheduleDraft], data: Callback) -> Result:
    """Takes one of the common hours."""
    hour = data.id() or 0
    if hour > 23:
        return turn.again(label("stale-button"))
    return await _save_schedule(turn, turn.draft.weekday, f"{hour:02d}:00")


async def _save_schedule(turn: Turn[ScheduleDraft], day: str | None, at: str | None) -> Result:
    """Saves the day and time, and says them with the moment of the next digest under them."""
    store = turn.store
    channel = await store.channels.get(turn.draft.channel_id or 0)
    if channel is None:
        return Done(t("channel-gone"), inline([_back_row()]))
    await store.channels.set_schedule(channel.chat_id, day, at)
    saved = await store.channels.get(channel.id)
    assert saved is not None
    moment = await next_post(turn.context, saved)
    if moment is None:
        upcoming = label("channel-next-now")
    else:
        clock = to_persian_digits(f"{moment.hour}:{moment.minute:02d}")
        upcoming = label("channel-next-at", date=format_date(moment.date()), time=clock)
    when = _schedule_words(turn.context, saved)
    text = t("channel-schedule-saved", channel=channel.title, when=when, next=upcoming)
    return Done(text, inline([_back_row()]))


async def schedule_entry(turn: Turn[ScheduleDraft], ids: tuple[int, ...]) -> Result:
    """Starts with the day, for the channel whose card was open."""
    turn.draft.channel_id = ids[0] if ids else None
    return Go("day")


SCHEDULE = Flow(
    draft=ScheduleDraft,
    prefix="chs",
    rule=admin,
    allowed=admins_go_on,
    name="flow-name-channel-schedule",
    steps={
        "day": Step(ask_day, press={"day": day_pressed, "def": default_pressed}),
        "time": Step(
            ask_time,
            text=time_typed,
            press={"at": hour_pressed},
            back="day",
            expects="channel-time-hint",
        ),
    },
    entries={"start": schedule_entry},
)


def _back_row() -> list[InlineKeyboardButton]:
    return [button(label("channel-list-back"), cb("adm", "chans"))]


def _schedule_words(context: Context, channel: Channel) -> str:
    """When a channel's digest goes out: its own day and time, or the default, named."""
    if channel.weekday and channel.post_time:
        return _when(channel.weekday, channel.post_time)
    return label("channel-when-default", when=_default_when(context))


def _facts(context: Context, channel: Channel) -> dict[str, str]:
    """A channel's scope, schedule and state, in words."""
    return {
        "scope": channel.scope_name or label("channel-scope-national"),
        "when": _schedule_words(context, channel),
        "state": label("channel-paused") if channel.paused else label("channel-active"),
    }


def _describe(context: Context, channel: Channel) -> str:
    return t("channel-card", channel=channel.title, **_facts(context, channel))


async def _list(update: Update, context: Context, data: Callback) -> None:
    """The channels, a button each that opens its card, and a way to add one."""
    await answer(update)
    channels = await context.store.channels.all()
    rows = choices(
        channels, lambda c: button(("⏸ " if c.paused else "📢 ") + c.title, cb("chn", "card", c.id))
    )
    rows.append([button(label("channel-add"), cb("adm", "addchan"))])
    rows.append([button(label("admin-back"), cb("adm", "menu"))])
    if not channels:
        await _show(update, t("channel-list-empty"), rows)
        return
    lines = [t("channel-list", count=len(channels))]
    for c in channels:  # what each gets and when, without opening it
        lines.append(t("channel-list-line", channel=c.title, **_facts(context, c)))
    await _show(update, Html("\n".join(lines)), rows)


async def _show(update: Update, text: str, rows: list[list[InlineKeyboardButton]]) -> None:
    """Puts a screen in the pressed message."""
    assert update.callback_query is not None
    await edit_or_keep(update.callback_query, text, inline(rows))


async def _card(update: Update, context: Context, data: Callback) -> None:
    """A channel's card: pause or resume, remove, its schedule (the list when it is gone)."""
    channel = await context.store.channels.get(data.id() or 0)
    if channel is None:
        await _list(update, context, data)
        return
    await answer(update)
    toggle = ("resume", "channel-resume") if channel.paused else ("pause", "channel-pause")
    rows = [
        [
            button(label(toggle[1]), cb("chn", toggle[0], channel.id)),
            button(label("channel-remove"), cb("chn", "rm", channel.id)),
        ],
        [button(label("channel-schedule"), cb("chn", "sched", channel.id))],
        _back_row(),
    ]
    await _show(update, _describe(context, channel), rows)


async def _pause(update: Update, context: Context, data: Callback) -> None:
    """Pauses the channel's digests, then shows its card."""
    channel = await context.store.channels.get(data.id() or 0)
    if channel is not None:
        await context.store.channels.pause(channel.chat_id, PauseReason.ADMIN)
    await _card(update, context, data)


async def _resume(update: Update, context: Context, data: Callback) -> None:
    """Resumes the channel's digests, then shows its card."""
    channel = await context.store.channels.get(data.id() or 0)
    if channel is not None:
        await context.store.channels.resume(channel.chat_id)
    await _card(update, context, data)


async def _remove_asked(update: Update, context: Context, data: Callback) -> None:
    """Asks before removing a channel."""
    channel = await context.store.channels.get(data.id() or 0)
    if channel is None:
        await _list(update, context, data)
        return
    await answer(update)
    rows = confirm(cb("chn", "rmok", channel.id), cb("chn", "card", channel.id))
    await _show(update, t("channel-remove-confirm", channel=channel.title), rows)


async def _remove(update: Update, context: Context, data: Callback) -> None:
    """Removes the channel (asked first), then shows the list."""
    channel = await context.store.channels.get(data.id() or 0)
    if channel is not None:
        await context.store.channels.remove(channel.chat_id)
    await _list(update, context, data)


async def _add_channel(update: Update, context: Context, data: Callback) -> None:
    """«➕ افزودن کانال»: the flow that adds one."""
    await context.bot_data.engine.start(update, context, FLOW, "new")


async def _schedule(update: Update, context: Context, data: Callback) -> None:
    """«🕘 زمان ارسال»: the flow that sets the channel's day and time."""
    await context.bot_data.engine.start(update, context, SCHEDULE, "start", data.id() or 0)


# The buttons this feature makes outside its flows, and who may press them (bot.kit.buttons), and
# the screen each shows.
LIST = Buttons("adm", allow(admin, "chans", "addchan"))
CARD = Buttons("chn", allow(admin, "card", "pause", "resume", "rm", "rmok", "sched", ids="channel"))
BUTTONS = (LIST, CARD)
SCREENS: dict[str, Show] = {"chans": _list, "addchan": _add_channel}
CARD_SCREENS: dict[str, Show] = {
    "card": _card,
    "pause": _pause,
    "resume": _resume,
    "rm": _remove_asked,
    "rmok": _remove,
    "sched": _schedule,
}


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The admins' channel list, cards and the way into adding one."""
    return [LIST.screens(SCREENS), CARD.screens(CARD_SCREENS)]
