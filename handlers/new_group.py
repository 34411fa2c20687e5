"""Creating a group: name, province, county, specialty, confirmation; and approving requests."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from difflib import SequenceMatcher
from functools import partial
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.core.i18n import Html, label, t
from bot.core.text import search_key
from bot.kit.access import anyone, anyone_goes_on, overseer_of_first_group
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.commands import Command, founders
from bot.kit.context import Context
from bot.kit.engine import Done, Draft, Flow, Go, Result, Screen, Step, Turn, answer
from bot.kit.keyboards import Callback, button, cb, grid, inline
from bot.kit.outbox import kick, role_notice
from db.models import Group, GroupStatus, Invite, Role
from db.outbox import Notice, NoticeButton
from db.usecases import create_group, decide_group
from handlers.common import PRIVATE, edit_or_keep
from handlers.group_view import (
    GROUP_NAME,
    approval_request,
    invite_link,
    place_text,
)
from handlers.pickers import place_steps

log = logging.getLogger(__name__)


@dataclasses.dataclass
class GroupDraft(Draft):
    """The answers given so far while creating a group."""

    KIND = "group"

    name: str = ""
    province_id: int | None = None
    county_id: int | None = None
    specialty_id: int | None = None


def similar(a: str, b: str) -> bool:
    """True when two group names look like the same group (compared by search key)."""
    ka, kb = search_key(a), search_key(b)
    return (
        ka == kb
        or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka))
        or (SequenceMatcher(None, ka, kb).ratio() >= 0.85)
    )


async def ask_name(turn: Turn[GroupDraft]) -> Screen:
    """Asks for the group's name (while editing it, with the current one)."""
    text = t("newgroup-ask-name")
    if turn.draft.reviewing:
        text = Html(f"{text}\n{t('field-now', value=turn.draft.name)}")
    return Screen(text, [turn.nav(back=turn.draft.reviewing)])


async def name_typed(turn: Turn[GroupDraft], text: str) -> Result:
    """Takes the group's name."""
    name = turn.typed(text, GROUP_NAME)
    if isinstance(name, Go):
        return name
    turn.draft.name = name
    return turn.then("province")


async def ask_specialty(turn: Turn[GroupDraft]) -> Screen:
    """Shows the service areas as the group's possible specialty."""
    areas = await turn.store.categories.areas()
    buttons = [turn.button(a.name, "spec", a.id) for a in areas]
    buttons.append(turn.button(label("newgroup-no-specialty"), "spec", 0))
    return Screen(t("newgroup-ask-specialty"), [*grid(buttons, 2), turn.nav()])


async def specialty_pressed(turn: Turn[GroupDraft], data: Callback) -> Result:
    """Takes the specialty (or none)."""
    chosen = data.id() or 0
    area = await turn.store.categories.get(chosen) if chosen else None
    if chosen and (area is None or area.parent_id is not None):
        return turn.again(label("stale-button"))
    turn.draft.specialty_id = area.id if area else None
    return Go("confirm")


async def ask_confirm(turn: Turn[GroupDraft]) -> Screen | Go:
    """Summarises the new group, warns about a similar name in the county, asks to confirm."""
    draft, store = turn.draft, turn.store
    county = await store.places.county(draft.county_id or 0)
    if county is None:
        return Go("province")
    draft.reviewing = True
    specialty = await store.categories.get(draft.specialty_id) if draft.specialty_id else None
    text = t(
        "newgroup-confirm",
        name=draft.name,
        place=place_text(county.name, county.province_name),
        specialty=specialty.name if specialty else label("newgroup-no-specialty"),
    )
    twins = [g for g in await store.groups.in_county(county.id) if similar(g.name, draft.name)]
    if twins:
        text = Html(text + "\n\n" + t("newgroup-duplicate", other=twins[0].name))
    ok_key = "newgroup-create" if _opens_directly(turn, county.province_id) else "newgroup-request"
    rows = [
        [turn.button(label(ok_key), "ok")],
        [
            turn.button(label("newgroup-edit-name"), "name"),
            turn.button(label("newgroup-edit-place"), "place"),
        ],
        turn.nav(),
    ]
    return Screen(text, rows)


def _opens_directly(turn: Turn[GroupDraft], province_id: int) -> bool:
    """True when a group here is active at once (open creation, or an admin/coordinator creates)."""
    return turn.context.config.groups.creation == "open" or turn.who.oversees(province_id)


async def edit_name(turn: Turn[GroupDraft], data: Callback) -> Result:
    """Opens the name again from the summary."""
    return Go("name")


async def edit_place(turn: Turn[GroupDraft], data: Callback) -> Result:
    """Opens the place again from the summary."""
    return Go("province")


async def create(turn: Turn[GroupDraft], data: Callback) -> Result:
    """Creates the group (active, or pending approval) with its creator as leader."""
    draft, store = turn.draft, turn.store
    county = await store.places.county(draft.county_id or 0)
    if county is None:
        return Go("province")
    user_id = turn.who.user_id
    active = _opens_directly(turn, county.province_id)
    reviewers = await _reviewers(turn.context, county.province_id)
    requester = await store.volunteers.get(user_id)
    facts: dict[str, str | int] = {
        "group": draft.name,
        "place": place_text(county.name, county.province_name),
        "name": requester.display_name if requester else "—",
    }

    def ask(group_id: int) -> list[Notice]:
        """The request to every reviewer, with approve and reject buttons."""
        row = (
            NoticeButton("approval-approve", cb("apr", "ok", group_id)),
            NoticeButton("approval-reject", cb("apr", "no", group_id)),
        )
        return [Notice(r, "newgroup-pending-notice", facts, (row,)) for r in reviewers]

    group_id, invite = await create_group(
        store,
        user_id,
        draft.name,
        search_key(draft.name),
        county,
        draft.specialty_id,
        active=active,
        invite_days=turn.context.config.groups.invite_days,
        notices=ask,
    )
    group = await store.groups.get(group_id)
    assert group is not None
    if invite is None:
        kick(turn.context)
        return Done(t("newgroup-requested", group=group.name))
    link = invite_link(turn.context.bot.username, invite.code)
    text = t("newgroup-created", group=group.name, link=link, code=invite.code)
    return Done(text, menu=True)


async def entry(turn: Turn[GroupDraft], ids: tuple[int, ...]) -> Result:
    """Starts with the name."""
    return Go("name")


FLOW = Flow(
    draft=GroupDraft,
    prefix="ng",
    rule=anyone,
    allowed=anyone_goes_on,
    name="flow-name-group",
    steps={
        "name": Step(ask_name, text=name_typed, expects="newgroup-type-name", edits=True),
        **place_steps("specialty", back="name"),
        "specialty": Step(ask_specialty, press={"spec": specialty_pressed}, back="county"),
        "confirm": Step(
            ask_confirm,
            press={"ok": create, "name": edit_name, "place": edit_place},
            back="specialty",
        ),
    },
    entries={"new": entry},
    review="confirm",
    must_confirm_cancel=lambda draft: draft.reviewing,
)


async def begin(update: Update, context: Context) -> None:
    """/newgroup or «ساختن گروه تازه»."""
    await context.bot_data.engine.start(update, context, FLOW, "new")


async def _reviewers(context: Context, province_id: int) -> list[int]:
    """Who approves a new group of a province: admins and the province's coordinators."""
    store = context.store
    reviewers = set(context.config.bot.admins)
    reviewers |= {g.volunteer_id for g in await store.roles.holders(Role.ADMIN)}
    reviewers |= {g.volunteer_id for g in await store.roles.holders(Role.COORDINATOR, province_id)}
    return sorted(reviewers)


def _on_pending(act: Callable[[Update, Context, Group], Awaitable[None]]) -> Show:
    """A screen of a group waiting for approval (one decided meanwhile: said so)."""

    async def show(update: Update, context: Context, data: Callback) -> None:
        """Finds the group, then shows the screen while it still waits."""
        query = update.callback_query
        group = await context.store.groups.get(data.id() or 0)
        if query is None or group is None or update.effective_user is None:
            return
        await answer(update)
        if group.status is not GroupStatus.PENDING:
            await edit_or_keep(query, t("approval-already"))
            return
        await act(update, context, group)

    return show


async def _reject_asked(update: Update, context: Context, group: Group) -> None:
    """Rejecting cannot be undone: asks first."""
    assert update.callback_query is not None
    rows = [
        [
            button(label("approval-reject-yes"), cb("apr", "noyes", group.id)),
            button(label("button-no"), cb("apr", "ask", group.id)),
        ]
    ]
    text = t("approval-reject-confirm", group=group.name)
    await edit_or_keep(update.callback_query, text, inline(rows))


async def _request(update: Update, context: Context, group: Group) -> None:
    """The request again (not rejected after all)."""
    assert update.callback_query is not None
    await edit_or_keep(update.callback_query, *await approval_request(context.store, group))


async def _decided(update: Update, context: Context, group: Group, *, approve: bool) -> None:
    """Approves or rejects the group (admins, and coordinators of its province); its creator
    hears of it."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    store = context.store
    creator = group.created_by

    def tell(invite: Invite | None) -> list[Notice]:
        """The group's creator hears of it; approved, with the invite link and their menu."""
        if creator is None:
            return []
        if invite is None:
            return [Notice(creator, "approval-you-rejected", {"group": group.name})]
        link = invite_link(context.bot.username, invite.code)
        return [role_notice(creator, "approval-you-approved", group=group.name, link=link)]

    days = context.config.groups.invite_days
    decided, _ = await decide_group(
        store, user.id, group.id, approve=approve, invite_days=days, notices=tell
    )
    if not decided:
        await edit_or_keep(query, t("approval-already"))
        return
    kick(context)
    await edit_or_keep(
        query, t("approval-approved" if approve else "approval-rejected", group=group.name)
    )


# The buttons this feature makes outside its flow, and who may press them (bot.kit.buttons).
# A group waiting for approval: the coordinators of its province and the admins answer.
APPROVAL = Buttons("apr", allow(overseer_of_first_group, "ok", "no", "noyes", "ask", ids="group"))
BUTTONS = (Buttons("onb", allow(anyone, "create")), APPROVAL)
# What each answer to a request shows.
SCREENS: dict[str, Show] = {
    "no": _on_pending(_reject_asked),
    "ask": _on_pending(_request),
    "ok": _on_pending(partial(_decided, approve=True)),
    "noyes": _on_pending(partial(_decided, approve=False)),
}


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (Command("newgroup", "command-newgroup", "help-newgroup", 32, founders),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The ways into group creation (its answers reach it through the engine), and approvals."""
    return [
        CommandHandler("newgroup", begin, filters=PRIVATE),
        CallbackQueryHandler(begin, pattern=r"^onb:create$"),
        APPROVAL.screens(SCREENS),
    ]
