"""Creating a group: name, province, county, specialty, confirmation; and approving requests."""

from __future__ import annotations

import dataclasses
import logging
from difflib import SequenceMatcher
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.context import Context
from bot.flow import END, Draft, answer, earlier_step, finish, on_panel, resume_draft, show
from bot.i18n import Html, label, t
from bot.keyboards import button, cb, grid, inline, nav_row, pager, parse_cb
from bot.principal import load_principal
from bot.text import normalize, search_key
from db.models import Group, GroupStatus, Role
from db.store import Store
from handlers.common import (
    FREE_TEXT,
    PRIVATE,
    canceller,
    conversation,
    menu_for,
    notify,
    reply,
    tell_new_leader,
)
from handlers.group_view import bad_name_hint, group_name, invite_link, place_text

log = logging.getLogger(__name__)

COUNTIES_PER_PAGE = 24


class NewGroup(IntEnum):
    """Steps of creating a group."""

    NAME = 1
    PROVINCE = 2
    COUNTY = 3
    SPECIALTY = 4
    CONFIRM = 5


@dataclasses.dataclass
class GroupDraft(Draft):
    """The answers given so far while creating a group."""

    KIND = "group"

    name: str = ""
    province_id: int | None = None
    county_id: int | None = None
    specialty_id: int | None = None
    step: int = NewGroup.NAME
    reviewing: bool = False


def similar(a: str, b: str) -> bool:
    """True when two group names look like the same group (compared by search key)."""
    ka, kb = search_key(a), search_key(b)
    return (
        ka == kb
        or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka))
        or (SequenceMatcher(None, ka, kb).ratio() >= 0.85)
    )


async def ask_name(update: Update, context: Context, draft: GroupDraft, text: str = "") -> int:
    """Asks for the group's name (Back returns to the review when the name is being edited)."""
    draft.step = NewGroup.NAME
    markup = inline([nav_row("ng", back=draft.reviewing)])
    await show(update, context, draft, Html(text or t("newgroup-ask-name")), markup)
    return NewGroup.NAME


async def begin(update: Update, context: Context) -> int:
    """Starts creating a group with a fresh draft."""
    await answer(update)
    return await ask_name(update, context, GroupDraft())


async def ask_province(update: Update, context: Context, draft: GroupDraft, text: str = "") -> int:
    """Shows the 31 provinces (or the matches of a typed search)."""
    provinces = await context.store.places.provinces()
    buttons = [button(p.name, cb("ng", "prov", p.id)) for p in provinces]
    markup = inline([*grid(buttons, 3), nav_row("ng")])
    draft.step = NewGroup.PROVINCE
    await show(update, context, draft, Html(text + t("newgroup-ask-province")), markup)
    return NewGroup.PROVINCE


async def ask_county(
    update: Update, context: Context, draft: GroupDraft, page: int = 0, text: str = ""
) -> int:
    """Shows a page of the chosen province's counties."""
    assert draft.province_id is not None
    province = await context.store.places.province(draft.province_id)
    counties = await context.store.places.counties(draft.province_id)
    buttons = [button(c.name, cb("ng", "county", c.id)) for c in counties]
    rows = pager(buttons, page, COUNTIES_PER_PAGE, 3, cb("ng", "cpage"))
    markup = inline([*rows, nav_row("ng")])
    name = province.name if province else ""
    draft.step = NewGroup.COUNTY
    await show(update, context, draft, Html(text + t("newgroup-ask-county", province=name)), markup)
    return NewGroup.COUNTY


async def ask_specialty(update: Update, context: Context, draft: GroupDraft) -> int:
    """Shows the service areas as the group's possible specialty."""
    areas = await context.store.categories.areas()
    buttons = [button(a.name, cb("ng", "spec", a.id)) for a in areas]
    buttons.append(button(label("newgroup-no-specialty"), cb("ng", "spec", 0)))
    markup = inline([*grid(buttons, 2), nav_row("ng")])
    draft.step = NewGroup.SPECIALTY
    await show(update, context, draft, t("newgroup-ask-specialty"), markup)
    return NewGroup.SPECIALTY


async def ask_confirm(update: Update, context: Context, draft: GroupDraft) -> int:
    """Summarises the new group, warns about a similar name in the county, asks to confirm."""
    assert draft.county_id is not None
    store = context.store
    county = await store.places.county(draft.county_id)
    specialty = await store.categories.get(draft.specialty_id) if draft.specialty_id else None
    assert county is not None
    text = t(
        "newgroup-confirm",
        name=draft.name,
        place=place_text(county.name, county.province_name),
        specialty=specialty.name if specialty else label("newgroup-no-specialty"),
    )
    twins = [g for g in await store.groups.in_county(county.id) if similar(g.name, draft.name)]
    if twins:
        text = Html(text + "\n\n" + t("newgroup-duplicate", other=twins[0].name))
    ok_key = (
        "newgroup-create"
        if await _opens_directly(context, county.province_id)
        else "newgroup-request"
    )
    markup = inline(
        [
            [button(label(ok_key), cb("ng", "ok"))],
            [button(label("newgroup-edit-name"), cb("ng", "name"))],
            nav_row("ng"),
        ]
    )
    draft.step, draft.reviewing = NewGroup.CONFIRM, True
    await show(update, context, draft, text, markup)
    return NewGroup.CONFIRM


async def _opens_directly(context: Context, province_id: int) -> bool:
    """True when a group here is active at once (open creation, or an admin/coordinator creates)."""
    who = context.who
    return context.config.groups.creation == "open" or bool(who and who.oversees(province_id))


async def on_name(update: Update, context: Context) -> int:
    """Takes the group's name."""
    draft = await resume_draft(update, context, GroupDraft)
    message = update.effective_message
    if draft is None or message is None or message.text is None:
        return END
    name = group_name(message.text)
    if name is None:
        return await ask_name(update, context, draft, bad_name_hint())
    draft.name = name
    if draft.reviewing:
        return await ask_confirm(update, context, draft)
    return await ask_province(update, context, draft)


async def on_province_text(update: Update, context: Context) -> int:
    """Finds a province by a typed name."""
    draft = await resume_draft(update, context, GroupDraft)
    message = update.effective_message
    if draft is None or message is None or message.text is None:
        return END
    query = normalize(message.text)
    found = await context.store.places.search_provinces(search_key(query))
    if len(found) == 1:
        draft.province_id = found[0].id
        return await ask_county(update, context, draft)
    if not found:
        return await ask_province(update, context, draft, t("search-none", query=query) + "\n\n")
    buttons = [button(p.name, cb("ng", "prov", p.id)) for p in found]
    markup = inline([*grid(buttons, 3), nav_row("ng")])
    await show(update, context, draft, t("search-many", query=query), markup)
    return NewGroup.PROVINCE


async def on_county_text(update: Update, context: Context) -> int:
    """Finds a county of the chosen province by a typed name."""
    draft = await resume_draft(update, context, GroupDraft)
    message = update.effective_message
    if draft is None or message is None or message.text is None:
        return END
    query = normalize(message.text)
    found = await context.store.places.search_counties(search_key(query), draft.province_id)
    if len(found) == 1:
        draft.county_id = found[0].id
        return await ask_specialty(update, context, draft)
    if not found:
        return await ask_county(update, context, draft, text=t("search-none", query=query) + "\n\n")
    buttons = [button(c.name, cb("ng", "county", c.id)) for c in found]
    markup = inline([*grid(buttons, 3), nav_row("ng")])
    await show(update, context, draft, t("search-many", query=query), markup)
    return NewGroup.COUNTY


async def use_buttons(update: Update, context: Context) -> None:
    """Reminds that this step wants a button, keeping the step."""
    await reply(update, t("use-buttons"))


async def on_button(update: Update, context: Context) -> int:
    """Handles every button of the flow; ids are re-checked against the database."""
    draft = await resume_draft(update, context, GroupDraft)
    data = parse_cb(update.callback_query.data if update.callback_query else None)
    if draft is None or data is None:
        return END
    if not on_panel(update, draft):
        await earlier_step(update)
        return NewGroup(draft.step)
    await answer(update)
    store = context.store
    if data.action == "back":
        return await _back(update, context, draft)
    if data.action == "prov" and (province := await store.places.province(data.id() or 0)):
        draft.province_id, draft.county_id = province.id, None
        return await ask_county(update, context, draft)
    if data.action == "cpage":
        return await ask_county(update, context, draft, page=data.id() or 0)
    if data.action == "county":
        county = await store.places.county(data.id() or 0)
        if county is not None and county.province_id == draft.province_id:
            draft.county_id = county.id
            return await ask_specialty(update, context, draft)
    if data.action == "spec":
        area = await store.categories.get(data.id() or 0) if data.id() else None
        if data.id() == 0 or (area is not None and area.parent_id is None):
            draft.specialty_id = area.id if area else None
            return await ask_confirm(update, context, draft)
    if data.action == "name":
        return await ask_name(update, context, draft)
    if data.action == "ok" and draft.county_id is not None:
        return await _create(update, context, draft)
    return NewGroup(draft.step)


async def _back(update: Update, context: Context, draft: GroupDraft) -> int:
    """Goes one step back; from an edited name, back to the review."""
    if draft.step == NewGroup.NAME and draft.reviewing:
        return await ask_confirm(update, context, draft)
    draft.reviewing = False
    if draft.step == NewGroup.CONFIRM:
        return await ask_specialty(update, context, draft)
    if draft.step == NewGroup.SPECIALTY:
        return await ask_county(update, context, draft)
    if draft.step == NewGroup.COUNTY:
        return await ask_province(update, context, draft)
    return await ask_name(update, context, draft)


async def _create(update: Update, context: Context, draft: GroupDraft) -> int:
    """Creates the group (active, or pending approval) with its creator as leader."""
    store = context.store
    user = update.effective_user
    county = await store.places.county(draft.county_id or 0)
    assert user is not None and county is not None
    active = await _opens_directly(context, county.province_id)
    status = GroupStatus.ACTIVE if active else GroupStatus.PENDING
    async with store.db.transaction():
        group_id = await store.groups.create(
            draft.name,
            search_key(draft.name),
            county.province_id,
            county.id,
            draft.specialty_id,
            user.id,
            status,
        )
        await store.audit.record(user.id, "group.create", "group", group_id, status=status.value)
        invite = (
            await store.groups.new_invite(group_id, user.id, context.config.groups.invite_days)
            if active
            else None
        )
    group = await store.groups.get(group_id)
    assert group is not None
    if invite is not None:
        link = invite_link(context.bot.username, invite.code)
        await finish(
            update,
            context,
            draft,
            t("newgroup-created", group=group.name, link=link, code=invite.code),
        )
        context.who = await load_principal(store, context.config, user.id)
        await reply(update, t("menu-now-leader"), menu_for(context.who))
    else:
        await finish(update, context, draft, t("newgroup-requested", group=group.name))
        await _ask_approval(context, group)
    return END


async def approval_request(store: Store, group: Group) -> tuple[Html, InlineKeyboardMarkup]:
    """A pending group as reviewers see it, with approve and reject buttons."""
    requester = await store.volunteers.get(group.created_by or 0)
    text = t(
        "newgroup-pending-notice",
        group=group.name,
        place=place_text(group.county_name, group.province_name),
        name=requester.display_name if requester else "—",
    )
    markup = inline(
        [
            [
                button(label("approval-approve"), cb("apr", "ok", group.id)),
                button(label("approval-reject"), cb("apr", "no", group.id)),
            ]
        ]
    )
    return text, markup


async def _ask_approval(context: Context, group: Group) -> None:
    """Sends the request to admins and the province's coordinators."""
    store = context.store
    reviewers = set(context.config.bot.admins)
    reviewers |= {g.volunteer_id for g in await store.roles.holders(Role.ADMIN)}
    reviewers |= {
        g.volunteer_id for g in await store.roles.holders(Role.COORDINATOR, group.province_id)
    }
    text, markup = await approval_request(store, group)
    for reviewer in sorted(reviewers):
        await notify(context, reviewer, text, markup)


async def on_approval(update: Update, context: Context) -> None:
    """Approves or rejects a pending group (admins, and coordinators of its province)."""
    query = update.callback_query
    data = parse_cb(query.data if query else None)
    store = context.store
    group = await store.groups.get(data.id() or 0) if data else None
    user = update.effective_user
    if query is None or data is None or group is None or user is None:
        return
    await answer(update)
    if group.status is not GroupStatus.PENDING:
        await query.edit_message_text(t("approval-already"))
        return
    approve = data.action == "ok"
    status = GroupStatus.ACTIVE if approve else GroupStatus.REJECTED
    async with store.db.transaction():
        await store.groups.set_status(group.id, status)
        await store.audit.record(
            user.id, "group.approve" if approve else "group.reject", "group", group.id
        )
        invite = (
            await store.groups.new_invite(group.id, user.id, context.config.groups.invite_days)
            if approve
            else None
        )
    await query.edit_message_text(
        t("approval-approved" if approve else "approval-rejected", group=group.name)
    )
    if group.created_by is None:
        return
    if invite is None:
        await notify(context, group.created_by, t("approval-you-rejected", group=group.name))
        return
    link = invite_link(context.bot.username, invite.code)
    await tell_new_leader(
        context, group.created_by, t("approval-you-approved", group=group.name, link=link)
    )


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The group-creation conversation and approvals, fresh for each application."""
    buttons = CallbackQueryHandler(on_button, pattern=r"^ng:(?!cancel$)")
    return [
        conversation(
            "new_group",
            entry_points=[
                CommandHandler("newgroup", begin, filters=PRIVATE),
                CallbackQueryHandler(begin, pattern=r"^onb:create$"),
            ],
            states={
                NewGroup.NAME: [MessageHandler(FREE_TEXT, on_name), buttons],
                NewGroup.PROVINCE: [MessageHandler(FREE_TEXT, on_province_text), buttons],
                NewGroup.COUNTY: [MessageHandler(FREE_TEXT, on_county_text), buttons],
                NewGroup.SPECIALTY: [MessageHandler(FREE_TEXT, use_buttons), buttons],
                NewGroup.CONFIRM: [MessageHandler(FREE_TEXT, use_buttons), buttons],
            },
            kind=GroupDraft.KIND,
            cancel=canceller(GroupDraft.KIND),
            prefix="ng",
        ),
        CallbackQueryHandler(on_approval, pattern=r"^apr:(ok|no):"),
    ]
