"""Asking to join a group found with /find, and its leaders' answer.

A newcomer who finds a group (by its name or their city) asks from its public card; after a
yes, every leader of the group gets the request with «پذیرفتن» and «نپذیرفتن». The first answer
counts (one conditional write); a no is confirmed first and told to the person politely. Against
spam: one open request per person and group, at most OPEN_MAX open at once, and a group that
said no is not asked again by the same person for DECLINED_DAYS. A request nobody answered in
OPEN_DAYS is dropped when the person asks again, so silent groups never lock anyone out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler

from bot.core.i18n import Html, label, t
from bot.kit.access import anyone, leader_of_first_request
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.context import Context
from bot.kit.engine import answer
from bot.kit.keyboards import Callback, button, cb, inline
from bot.kit.outbox import kick, role_notice
from db.join_requests import JoinRequest, RequestStatus
from db.models import Group, GroupRole, GroupStatus
from db.outbox import INTERACTIVE, Notice, NoticeButton
from db.store import Store
from db.usecases import Asked, answer_join_request, ask_to_join
from handlers.common import edit_or_keep

PREFIX = "jrq"
OPEN_MAX = 3  # a person's requests waiting for an answer at once
OPEN_DAYS = 14  # a request nobody answered in this many days no longer counts (nor waits)
DECLINED_DAYS = 30  # after a no, days before the same person may ask that group again

_NOT_SENT = {
    Asked.OPEN: "joinreq-open",
    Asked.MEMBER: "join-already",
    Asked.DECLINED: "joinreq-declined-lately",
    Asked.TOO_MANY: "joinreq-too-many",
}


async def waiting(store: Store, group_id: int, user_id: int) -> bool:
    """True while the person's request to this group waits for an answer (and has not lapsed)."""
    request = await store.join_requests.latest(group_id, user_id)
    return request is not None and request.waiting(store.db.now() - timedelta(days=OPEN_DAYS))


def _ways_on() -> list[list[InlineKeyboardButton]]:
    """After asking: another search."""
    return [[button(label("lookups-find-again"), cb("fnd", "new"))]]


async def _edit(update: Update, text: str, rows: Sequence[Sequence[InlineKeyboardButton]]) -> None:
    """Replaces the pressed message."""
    if update.callback_query is not None:
        await edit_or_keep(update.callback_query, text, inline(rows) if rows else None)


async def _active(context: Context, group_id: int | None) -> Group | None:
    """The group a button names, while it is active."""
    group = await context.store.groups.get(group_id or 0)
    return group if group is not None and group.status is GroupStatus.ACTIVE else None


async def on_ask(update: Update, context: Context, data: Callback) -> None:
    """«🙋 درخواست پیوستن» on a public card: asks first, saying the leader will see the name."""
    group = await _active(context, data.id(0))
    if group is None:
        await answer(update, label("lookups-gone"), alert=True)
        return
    await answer(update)
    rows = [
        [
            button(label("joinreq-send"), cb(PREFIX, "send", group.id)),
            button(label("button-back"), cb("fnd", "card", group.id)),
        ]
    ]
    await _edit(update, t("joinreq-confirm", group=group.name), rows)


async def on_send(update: Update, context: Context, data: Callback) -> None:
    """Sends the request to the group's leaders, or says why it was not sent."""
    user_id = context.user_id or 0
    group = await _active(context, data.id(0))
    if group is None:
        await answer(update, label("lookups-gone"), alert=True)
        return
    name, handle = await _name_of(context.store, user_id)
    leaders = [
        m.volunteer_id
        for m in await context.store.groups.members(group.id)
        if m.role is GroupRole.LEADER
    ]

    def notices(request_id: int) -> list[Notice]:
        """The request as each leader gets it, with the two answers."""
        args = {"name": name, "handle": handle, "group": group.name}
        return [Notice(leader, "joinreq-notice", args, _answers(request_id)) for leader in leaders]

    outcome, request_id = await ask_to_join(
        context.store,
        user_id,
        group.id,
        open_max=OPEN_MAX,
        open_days=OPEN_DAYS,
        declined_days=DECLINED_DAYS,
        notices=notices,
    )
    if outcome is Asked.GONE:
        await answer(update, label("lookups-gone"), alert=True)
        return
    await answer(update)
    if outcome is not Asked.SENT or request_id is None:
        text = t(_NOT_SENT[outcome], group=group.name, max=OPEN_MAX)
        await _edit(update, text, _ways_on())
        return
    await _edit(update, t("joinreq-sent", group=group.name), _ways_on())
    kick(context)


def _answers(request_id: int) -> tuple[tuple[NoticeButton, ...], ...]:
    """A leader's two answers to a request."""
    return (
        (
            NoticeButton("joinreq-accept", cb(PREFIX, "ok", request_id)),
            NoticeButton("joinreq-decline", cb(PREFIX, "no", request_id)),
        ),
    )


async def _name_of(store: Store, user_id: int) -> tuple[str, str]:
    """A person's name, and their @username (or nothing) for a leader to reach them."""
    volunteer = await store.volunteers.get(user_id)
    if volunteer is None:
        return str(user_id), ""
    handle = f" (@{volunteer.username})" if volunteer.username else ""
    return volunteer.display_name, handle


async def _asker(context: Context, request: JoinRequest) -> tuple[str, str]:
    """The asker's name and @username."""
    return await _name_of(context.store, request.volunteer_id)


async def _notice(
    context: Context, request: JoinRequest, group: Group
) -> tuple[Html, InlineKeyboardMarkup]:
    """The request as a leader sees it, with the two answers."""
    name, handle = await _asker(context, request)
    text = t("joinreq-notice", name=name, handle=handle, group=group.name)
    rows = [[button(label(b.key), b.data) for b in row] for row in _answers(request.id)]
    return text, inline(rows)


def _on_open(act: Callable[[Update, Context, JoinRequest, Group, str], Awaitable[None]]) -> Show:
    """A leader's answer to a request still open (the access policy checked they lead its
    group); one answered already is said so, with how it was answered."""

    async def show(update: Update, context: Context, data: Callback) -> None:
        """Finds the request, then answers it while it is open."""
        request = await context.store.join_requests.get(data.id(0) or 0)
        group = await context.store.groups.get(request.group_id) if request else None
        if request is None or group is None:
            await answer(update, label("stale-button"), alert=True)
            return
        if request.status is not RequestStatus.OPEN:
            await _answered_already(update, context, request, group)
            return
        name, _ = await _asker(context, request)
        await act(update, context, request, group, name)

    return show


async def _decline_asked(
    update: Update, context: Context, request: JoinRequest, group: Group, name: str
) -> None:
    """«نپذیرفتن»: asked first."""
    await answer(update)
    rows = [
        [
            button(label("joinreq-decline-yes"), cb(PREFIX, "noyes", request.id)),
            button(label("button-back"), cb(PREFIX, "back", request.id)),
        ]
    ]
    await _edit(update, t("joinreq-decline-confirm", name=name, group=group.name), rows)


async def _request_again(
    update: Update, context: Context, request: JoinRequest, group: Group, name: str
) -> None:
    """Back from the confirmation: the request with its two answers."""
    await answer(update)
    text, markup = await _notice(context, request, group)
    await _edit(update, text, markup.inline_keyboard)


async def _decided(
    update: Update,
    context: Context,
    request: JoinRequest,
    group: Group,
    name: str,
    *,
    accept: bool,
) -> None:
    """Accepts or declines (confirmed first): the first answer counts; the person is told."""
    asker = request.volunteer_id
    if accept:
        told = role_notice(asker, "joinreq-you-accepted", group=group.name)
    else:
        find = ((NoticeButton("onboarding-find", cb("fnd", "near")),),)
        told = Notice(
            asker, "joinreq-you-declined", {"group": group.name}, find, priority=INTERACTIVE
        )
    decided = await answer_join_request(
        context.store, context.user_id or 0, request.id, accept=accept, notices=[told]
    )
    if decided is None or not decided.changed:
        await _answered_already(update, context, decided.request if decided else request, group)
        return
    await answer(update)
    kick(context)
    key = "joinreq-accepted" if accept else "joinreq-declined"
    await _edit(update, t(key, name=name, group=group.name), [])


async def _answered_already(
    update: Update, context: Context, request: JoinRequest, group: Group
) -> None:
    """A request someone answered before (another leader, or a double tap): says so and shows
    how it was answered."""
    await answer(update, label("approval-already"), alert=True)
    name, _ = await _asker(context, request)
    key = {
        RequestStatus.ACCEPTED: "joinreq-accepted",
        RequestStatus.DECLINED: "joinreq-declined",
    }.get(request.status, "joinreq-dropped")
    await _edit(update, t(key, name=name, group=group.name), [])


# The buttons of asking to join a group from its public card (bot.kit.buttons); its leaders answer.
REQUESTS = Buttons(
    PREFIX,
    allow(anyone, "ask", "send", ids="group"),
    allow(leader_of_first_request, "ok", "no", "noyes", "back", ids="request"),
)
BUTTONS = (REQUESTS,)
# What each of them shows.
SCREENS: dict[str, Show] = {
    "ask": on_ask,
    "send": on_send,
    "no": _on_open(_decline_asked),
    "back": _on_open(_request_again),
    "ok": _on_open(partial(_decided, accept=True)),
    "noyes": _on_open(partial(_decided, accept=False)),
}


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """Asking from a public card, and the leaders' answers."""
    return [REQUESTS.screens(SCREENS)]
