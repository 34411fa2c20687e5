"""/admin: appoint coordinators and admins; list, rename, merge and transfer groups; approvals."""

from __future__ import annotations

import dataclasses
import logging
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.context import Context
from bot.flow import END, Draft, answer, finish, resume_draft, show
from bot.i18n import label, t
from bot.keyboards import MAX_ID, Callback, button, cb, grid, inline, parse_cb
from bot.principal import Principal
from bot.text import normalize, search_key, to_latin_digits
from db.models import Group, Role, Volunteer
from handlers.common import (
    FREE_TEXT,
    PRIVATE,
    canceller,
    conversation,
    menu_text,
    notify,
    reply,
    tell_new_leader,
)
from handlers.group_view import bad_name_hint, group_name, place_text
from handlers.new_group import approval_request

log = logging.getLogger(__name__)

GROUPS_PER_PAGE = 10


class AdminStep(IntEnum):
    """Steps of the admin flows that wait for typed input."""

    USER = 1
    NAME = 2
    MERGE = 3


@dataclasses.dataclass
class AdminDraft(Draft):
    """What an admin flow is doing and on what."""

    KIND = "admin"

    action: str = ""
    group_id: int | None = None


def _scope(who: Principal) -> list[int] | None:
    """Provinces whose groups this user manages (None: all)."""
    return None if who.admin else sorted(who.provinces)


def _in_scope(who: Principal, group: Group) -> bool:
    return who.oversees(group.province_id)


async def _edit(update: Update, text: str, rows: list[list[InlineKeyboardButton]]) -> None:
    query = update.callback_query
    if query is not None:
        await query.edit_message_text(text, reply_markup=inline(rows))
    else:
        await reply(update, text, inline(rows))


def _cancel_only() -> InlineKeyboardMarkup:
    return inline([[button(label("button-cancel"), cb("adm", "cancel"))]])


def _back() -> list[InlineKeyboardButton]:
    return [button(label("admin-back"), cb("adm", "menu"))]


async def _menu_rows(who: Principal) -> list[list[InlineKeyboardButton]]:
    rows = []
    if who.admin:
        rows.append(
            [
                button(label("admin-coordinators"), cb("adm", "coords")),
                button(label("admin-admins"), cb("adm", "admins")),
            ]
        )
    rows.append(
        [
            button(label("admin-groups"), cb("adm", "groups", 0)),
            button(label("admin-pending"), cb("adm", "pending")),
        ]
    )
    return rows


async def show_menu(update: Update, context: Context) -> None:
    """Shows the admin menu (the access policy let only admins and coordinators in)."""
    assert context.who is not None
    await answer(update)
    await _edit(update, t("admin-menu"), await _menu_rows(context.who))


# --- coordinators and admins -------------------------------------------------------------------


async def _coordinators(update: Update, context: Context) -> None:
    grants = await context.store.roles.holders(Role.COORDINATOR)
    names: dict[int, str] = {}
    for grant in grants:
        volunteer = await context.store.volunteers.get(grant.volunteer_id)
        names[grant.volunteer_id] = volunteer.display_name if volunteer else str(grant.volunteer_id)
    buttons = [button(name, cb("adm", "coord", uid)) for uid, name in names.items()]
    rows = [
        *grid(buttons, 2),
        [button(label("admin-add-coordinator"), cb("adm", "addcoord"))],
        _back(),
    ]
    text = (
        t("admin-coordinators-title", count=len(names)) if names else t("admin-coordinators-empty")
    )
    await _edit(update, text, rows)


async def _coordinator(update: Update, context: Context, user_id: int) -> None:
    volunteer = await context.store.volunteers.get(user_id)
    grants = [g for g in await context.store.roles.of(user_id) if g.role is Role.COORDINATOR]
    if volunteer is None or not grants:
        await _coordinators(update, context)
        return
    rows = [
        [
            button(
                label("admin-remove-province", province=g.province_name),
                cb("adm", "rmcoord", user_id, g.province_id or 0),
            )
        ]
        for g in grants
    ]
    rows.append([button(label("admin-add-province"), cb("adm", "addprov", user_id))])
    rows.append([button(label("button-back"), cb("adm", "coords"))])
    provinces = "، ".join(g.province_name for g in grants)
    await _edit(
        update, t("admin-coordinator-card", name=volunteer.display_name, provinces=provinces), rows
    )


async def _province_picker(
    context: Context, volunteer: Volunteer
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    provinces = await context.store.places.provinces()
    buttons = [button(p.name, cb("adm", "cprov", volunteer.id, p.id)) for p in provinces]
    rows = [*grid(buttons, 3), [button(label("button-back"), cb("adm", "coords"))]]
    return t("admin-pick-province", name=volunteer.display_name), rows


async def _admins(update: Update, context: Context) -> None:
    store = context.store
    ids = {g.volunteer_id for g in await store.roles.holders(Role.ADMIN)}
    rows = []
    for uid in sorted(ids):
        volunteer = await store.volunteers.get(uid)
        name = volunteer.display_name if volunteer else str(uid)
        rows.append([button(label("admin-remove-admin", name=name), cb("adm", "rmadmin", uid))])
    rows.append([button(label("admin-add-admin"), cb("adm", "addadmin"))])
    rows.append(_back())
    count = len(ids | set(context.config.bot.admins))
    await _edit(update, t("admin-admins-title", count=count), rows)


# --- groups ------------------------------------------------------------------------------------


async def _groups(update: Update, context: Context, page: int, query: str = "") -> None:
    assert context.who is not None
    scope = _scope(context.who)
    key = search_key(query) if query else ""
    total = await context.store.groups.count(scope, key)
    groups = await context.store.groups.listing(scope, key, GROUPS_PER_PAGE, page * GROUPS_PER_PAGE)
    buttons = [button(f"{g.name} — {g.county_name}", cb("adm", "group", g.id)) for g in groups]
    # pager() pages a full list; here the page is already fetched, so build the turn row here.
    rows = [[b] for b in buttons]
    turn = []
    if page > 0:
        turn.append(button(label("button-prev-page"), cb("adm", "groups", page - 1)))
    if (page + 1) * GROUPS_PER_PAGE < total:
        turn.append(button(label("button-next-page"), cb("adm", "groups", page + 1)))
    rows += [turn, _back()]
    text = t("admin-groups-title", count=total) if total else t("admin-groups-empty")
    await _edit(update, text, rows)


async def _group(update: Update, context: Context, group: Group) -> None:
    members = await context.store.groups.members(group.id)
    leaders = "، ".join(m.name for m in members if m.role.value == "leader") or "—"
    text = t(
        "group-card",
        group=group.name,
        place=place_text(group.county_name, group.province_name),
        specialty=group.specialty_name or label("newgroup-no-specialty"),
        leaders=leaders,
        members=len(members),
    )
    rows = [
        [
            button(label("admin-group-rename"), cb("adm", "rename", group.id)),
            button(label("admin-group-transfer"), cb("adm", "transfer", group.id)),
        ],
        [button(label("admin-group-merge"), cb("adm", "merge", group.id))],
        [button(label("button-back"), cb("adm", "groups", 0))],
    ]
    await _edit(update, text, rows)


async def _pending(update: Update, context: Context) -> None:
    assert context.who is not None
    groups = await context.store.groups.pending(_scope(context.who))
    if not groups:
        await _edit(update, t("admin-pending-empty"), [_back()])
        return
    await _edit(update, t("admin-pending-title", count=len(groups)), [_back()])
    for group in groups:
        await reply(update, *await approval_request(context.store, group))


# --- buttons that act at once ------------------------------------------------------------------


Toast = tuple[str | None, bool]  # what to answer a button press with, and whether as an alert
QUIET: Toast = (None, False)


async def on_button(update: Update, context: Context) -> None:
    """Handles the admin buttons that need no typed input; answers each press once."""
    data = parse_cb(update.callback_query.data if update.callback_query else None)
    who = context.who
    if data is None or who is None:
        return
    store = context.store
    toast = QUIET
    if data.action == "menu":
        await _edit(update, t("admin-menu"), await _menu_rows(who))
    elif data.action == "coords":
        await _coordinators(update, context)
    elif data.action == "coord":
        await _coordinator(update, context, data.id() or 0)
    elif data.action == "addprov" and (volunteer := await store.volunteers.get(data.id() or 0)):
        await _edit(update, *await _province_picker(context, volunteer))
    elif data.action in ("cprov", "rmcoord"):
        toast = await _change_coordinator(update, context, data)
    elif data.action == "admins":
        await _admins(update, context)
    elif data.action == "rmadmin":
        toast = await _revoke_admin(update, context, data.id() or 0)
    elif data.action == "groups":
        await _groups(update, context, max(data.id() or 0, 0))
    elif data.action == "pending":
        await _pending(update, context)
    elif data.action == "group" and (group := await _group_in_scope(context, data.id())):
        await _group(update, context, group)
    elif data.action == "mergeto":
        toast = await _merge_confirm(update, context, data)
    elif data.action == "mergeok":
        toast = await _merge(update, context, data)
    else:
        toast = (label("group-gone"), True)
    await answer(update, toast[0], alert=toast[1])


async def _group_in_scope(context: Context, group_id: int | None) -> Group | None:
    group = await context.store.groups.get(group_id or 0)
    if group is None or context.who is None or not _in_scope(context.who, group):
        return None
    if group.status.value not in ("active", "pending"):
        return None
    return group


async def _change_coordinator(update: Update, context: Context, data: Callback) -> Toast:
    """Grants (cprov) or revokes (rmcoord) a coordinator's province."""
    store = context.store
    volunteer = await store.volunteers.get(data.id(0) or 0)
    province = await store.places.province(data.id(1) or 0)
    if volunteer is None or province is None:
        return label("stale-button"), True
    grant = data.action == "cprov"
    async with store.db.transaction():
        if grant:
            changed = await store.roles.grant(
                volunteer.id, Role.COORDINATOR, province.id, context.user_id
            )
        else:
            changed = bool(await store.roles.revoke(volunteer.id, Role.COORDINATOR, province.id))
        if changed:
            await store.audit.record(
                context.user_id,
                "role.grant" if grant else "role.revoke",
                "volunteer",
                volunteer.id,
                role="coordinator",
                province=province.id,
            )
    await _coordinator(update, context, volunteer.id)
    if grant and changed:
        await notify(context, volunteer.id, t("admin-you-are-coordinator", province=province.name))
    key = "admin-coordinator-added" if grant else "admin-coordinator-removed"
    return label(key, name=volunteer.display_name, province=province.name), False


async def _revoke_admin(update: Update, context: Context, user_id: int) -> Toast:
    store = context.store
    if user_id in context.config.bot.admins:
        return label("admin-config-admin"), True
    volunteer = await store.volunteers.get(user_id)
    async with store.db.transaction():
        if await store.roles.revoke(user_id, Role.ADMIN):
            await store.audit.record(
                context.user_id, "role.revoke", "volunteer", user_id, role="admin"
            )
    await _admins(update, context)
    return label(
        "admin-admin-removed", name=volunteer.display_name if volunteer else str(user_id)
    ), False


async def _merge_pair(context: Context, data: Callback) -> tuple[Group, Group] | Toast:
    """The source and target groups of a merge button, both within the user's scope."""
    source = await _group_in_scope(context, data.id(0))
    target = await _group_in_scope(context, data.id(1))
    if source is None or target is None:
        return label("not-allowed"), True
    if source.id == target.id:
        return label("admin-merge-same"), True
    return source, target


async def _merge_confirm(update: Update, context: Context, data: Callback) -> Toast:
    pair = await _merge_pair(context, data)
    if not isinstance(pair[0], Group):
        return pair
    source, target = pair
    rows = [
        [
            button(label("button-yes"), cb("adm", "mergeok", source.id, target.id)),
            button(label("button-no"), cb("adm", "group", source.id)),
        ]
    ]
    await _edit(update, t("admin-merge-confirm", source=source.name, target=target.name), rows)
    return QUIET


async def _merge(update: Update, context: Context, data: Callback) -> Toast:
    pair = await _merge_pair(context, data)
    if not isinstance(pair[0], Group):
        return pair
    source, target = pair
    store = context.store
    async with store.db.transaction():
        moved = await store.groups.merge(source.id, target.id)
        await store.audit.record(
            context.user_id, "group.merge", "group", source.id, into=target.id, reports=moved
        )
    await _edit(
        update, t("admin-merged", source=source.name, target=target.name, reports=moved), [_back()]
    )
    return QUIET


# --- flows that wait for typed input -----------------------------------------------------------


async def begin(update: Update, context: Context) -> int:
    """Starts an admin flow that needs a typed answer (a user, a name or a search)."""
    data = parse_cb(update.callback_query.data if update.callback_query else None)
    assert data is not None
    await answer(update)
    draft = AdminDraft(action=data.action, group_id=data.id())
    query = update.callback_query
    draft.panel = query.message.message_id if query and query.message else None
    back = _cancel_only()
    if data.action in ("addcoord", "addadmin"):
        await show(update, context, draft, t("admin-ask-user"), back)
        return AdminStep.USER
    group = await _group_in_scope(context, data.id())
    if group is None:
        await answer(update, label("not-allowed"), alert=True)
        return END
    if data.action == "rename":
        await show(update, context, draft, t("admin-ask-group-name", group=group.name), back)
        return AdminStep.NAME
    if data.action == "transfer":
        await show(update, context, draft, t("admin-ask-transfer", group=group.name), back)
        return AdminStep.USER
    await show(update, context, draft, t("admin-ask-merge-target", group=group.name), back)
    return AdminStep.MERGE


async def _find_user(context: Context, text: str) -> Volunteer | None:
    text = to_latin_digits(text.strip())
    if text.isdigit():
        user_id = int(text)
        return await context.store.volunteers.get(user_id) if user_id <= MAX_ID else None
    return await context.store.volunteers.find_by_username(text)


async def on_user(update: Update, context: Context) -> int:
    """Takes the user named for a new coordinator, a new admin, or a group's new leader."""
    draft = await resume_draft(update, context, AdminDraft)
    message = update.effective_message
    if draft is None or message is None or message.text is None:
        return END
    volunteer = await _find_user(context, message.text)
    back = _cancel_only()
    if volunteer is None:
        await show(
            update, context, draft, t("admin-user-unknown", query=message.text.strip()[:40]), back
        )
        return AdminStep.USER
    store = context.store
    if draft.action == "addcoord":
        text, rows = await _province_picker(context, volunteer)
        await finish(update, context, draft, text, inline(rows))
        return END
    if draft.action == "addadmin":
        async with store.db.transaction():
            if await store.roles.grant(volunteer.id, Role.ADMIN, None, context.user_id):
                await store.audit.record(
                    context.user_id, "role.grant", "volunteer", volunteer.id, role="admin"
                )
        await finish(update, context, draft, t("admin-admin-added", name=volunteer.display_name))
        await notify(context, volunteer.id, t("admin-you-are-admin"))
        return END
    group = await _group_in_scope(context, draft.group_id)
    if group is None:
        await finish(update, context, draft, t("group-gone"))
        return END
    await store.groups.transfer(group.id, volunteer.id)
    await store.audit.record(
        context.user_id, "group.transfer", "group", group.id, leader=volunteer.id
    )
    await finish(
        update,
        context,
        draft,
        t("admin-transferred", group=group.name, name=volunteer.display_name),
    )
    await tell_new_leader(context, volunteer.id, t("group-you-were-promoted", group=group.name))
    return END


async def on_name(update: Update, context: Context) -> int:
    """Takes a group's new name."""
    draft = await resume_draft(update, context, AdminDraft)
    message = update.effective_message
    if draft is None or message is None or message.text is None:
        return END
    group = await _group_in_scope(context, draft.group_id)
    if group is None:
        await finish(update, context, draft, t("group-gone"))
        return END
    name = group_name(message.text)
    if name is None:
        await show(update, context, draft, bad_name_hint(), _cancel_only())
        return AdminStep.NAME
    store = context.store
    async with store.db.transaction():
        await store.groups.rename(group.id, name, search_key(name))
        await store.audit.record(
            context.user_id, "group.rename", "group", group.id, old=group.name, new=name
        )
    await finish(update, context, draft, t("admin-renamed", group=name))
    return END


async def on_merge_search(update: Update, context: Context) -> int:
    """Finds the group to merge into by a typed part of its name."""
    draft = await resume_draft(update, context, AdminDraft)
    message = update.effective_message
    if draft is None or message is None or message.text is None or context.who is None:
        return END
    source = await _group_in_scope(context, draft.group_id)
    if source is None:
        await finish(update, context, draft, t("group-gone"))
        return END
    query = normalize(message.text)
    found = [
        g
        for g in await context.store.groups.listing(_scope(context.who), search_key(query), 20)
        if g.id != source.id
    ]
    back = _cancel_only()
    if not found:
        await show(update, context, draft, t("search-none", query=query), back)
        return AdminStep.MERGE
    rows = [
        [button(f"{g.name} — {g.county_name}", cb("adm", "mergeto", source.id, g.id))]
        for g in found
    ]
    rows.append([button(label("button-back"), cb("adm", "group", source.id))])
    await finish(update, context, draft, t("admin-merge-pick"), inline(rows))
    return END


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The admin flows and buttons, fresh for each application."""
    return [
        conversation(
            "admin",
            entry_points=[
                CallbackQueryHandler(
                    begin, pattern=r"^adm:(addcoord|addadmin|rename|transfer|merge)(:|$)"
                ),
            ],
            states={
                AdminStep.USER: [MessageHandler(FREE_TEXT, on_user)],
                AdminStep.NAME: [MessageHandler(FREE_TEXT, on_name)],
                AdminStep.MERGE: [MessageHandler(FREE_TEXT, on_merge_search)],
            },
            kind=AdminDraft.KIND,
            cancel=canceller(AdminDraft.KIND),
            prefix="adm",
        ),
        CommandHandler("admin", show_menu, filters=PRIVATE),
        MessageHandler(PRIVATE & menu_text("menu-admin"), show_menu),
        CallbackQueryHandler(on_button, pattern=r"^adm:"),
    ]
