"""/admin: appoint coordinators and admins; list, rename, merge and transfer groups; approvals."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.core.i18n import Html, label, t
from bot.core.text import normalize, search_key, to_persian_digits, truncate
from bot.kit.access import admin, overseer, overseer_of_first_group
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.commands import Command, overseers
from bot.kit.context import Context
from bot.kit.engine import Done, Draft, Flow, Go, Result, Screen, Step, Turn, answer
from bot.kit.keyboards import (
    PICK_REVIEW_CHAT,
    Callback,
    Paging,
    button,
    cb,
    choices,
    confirm,
    inline,
    review_chat_picker,
)
from bot.kit.menu import MenuEntry
from bot.kit.outbox import kick, role_notice
from bot.kit.principal import Principal
from db.models import Group, GroupRole, Role, Volunteer
from db.store import Store
from db.usecases import (
    grant_role,
    link_review_chat,
    merge_groups,
    rename_group,
    transfer_group,
)
from handlers.common import PRIVATE, edit_or_keep, menu_for, menu_text, reply
from handlers.group_view import GROUP_NAME, approval_request, card_text
from handlers.pickers import person_step
from handlers.review_cards import scope_words

log = logging.getLogger(__name__)

GROUPS_PER_PAGE = 10


def _scope(who: Principal) -> list[int] | None:
    """Provinces whose groups this user manages (None: all)."""
    return None if who.admin else sorted(who.provinces)


def _in_scope(who: Principal, group: Group) -> bool:
    return who.oversees(group.province_id)


async def _edit(update: Update, text: str, rows: list[list[InlineKeyboardButton]]) -> None:
    query = update.callback_query
    if query is not None:
        await edit_or_keep(query, text, inline(rows))
    else:
        await reply(update, text, inline(rows))


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
                button(label("admin-channels"), cb("adm", "chans")),
                button(label("types-menu"), cb("typ", "list")),
            ]
        )
    rows.append(
        [
            button(label("admin-groups"), cb("adm", "groups", 0)),
            button(label("admin-pending"), cb("adm", "pending")),
        ]
    )
    if who.reviews:
        rows.append([button(label("admin-review-chat"), cb("adm", "reviewchat"))])
    return rows


async def show_menu(update: Update, context: Context) -> None:
    """Shows the admin menu (the access policy let only admins and coordinators in)."""
    assert context.who is not None
    await answer(update)
    await _edit(update, t("admin-menu"), await _menu_rows(context.who))


# --- coordinators and admins -------------------------------------------------------------------


async def _name(store: Store, user_id: int) -> str:
    """How a person is named in the admins' lists (their id, if the bot never saw them)."""
    volunteer = await store.volunteers.get(user_id)
    if volunteer is None:
        return label("admin-unknown-person", id=to_persian_digits(str(user_id)))
    return volunteer.display_name


async def _coordinators(update: Update, context: Context) -> None:
    """Every coordinator with their provinces (a line each), a button each to manage them."""
    provinces: dict[int, list[str]] = {}
    for grant in await context.store.roles.holders(Role.COORDINATOR):
        provinces.setdefault(grant.volunteer_id, []).append(grant.province_name)
    lines, names = [], {}
    for uid, held in provinces.items():
        names[uid] = await _name(context.store, uid)
        lines.append(t("admin-coordinator-line", name=names[uid], provinces="، ".join(held)))
    rows = [
        *choices(list(names.items()), lambda n: button(n[1], cb("adm", "coord", n[0])), per_row=2),
        [button(label("admin-add-coordinator"), cb("adm", "addcoord"))],
        _back(),
    ]
    if not provinces:
        await _edit(update, t("admin-coordinators-empty"), rows)
        return
    title = t("admin-coordinators-title", count=len(provinces))
    await _edit(update, Html("\n".join([title, *lines])), rows)


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
    rows = [
        *choices(
            provinces, lambda p: button(p.name, cb("adm", "cprov", volunteer.id, p.id)), per_row=2
        ),
        [button(label("button-back"), cb("adm", "coords"))],
    ]
    return t("admin-pick-province", name=volunteer.display_name), rows


async def _admins(update: Update, context: Context) -> None:
    """Every admin by name (those of the config file marked so, as they cannot be removed
    here), a remove button for each of the others."""
    store = context.store
    granted = {g.volunteer_id for g in await store.roles.holders(Role.ADMIN)}
    configured = set(context.config.bot.admins)
    lines, rows = [], []
    for uid in sorted(granted | configured):
        name = await _name(store, uid)
        lines.append(t("admin-admin-line", name=name, config="yes" if uid in configured else "no"))
        if uid not in configured:
            rows.append([button(label("admin-remove-admin", name=name), cb("adm", "rmadmin", uid))])
    rows.append([button(label("admin-add-admin"), cb("adm", "addadmin"))])
    rows.append(_back())
    title = t("admin-admins-title", count=len(granted | configured))
    await _edit(update, Html("\n".join([title, *lines])), rows)


# --- groups ------------------------------------------------------------------------------------


async def _groups(update: Update, context: Context, page: int, query: str = "") -> None:
    assert context.who is not None
    scope = _scope(context.who)
    key = search_key(query) if query else ""
    total = await context.store.groups.count(scope, key)
    groups = await context.store.groups.listing(scope, key, GROUPS_PER_PAGE, page * GROUPS_PER_PAGE)
    rows = choices(
        groups,
        lambda g: _group_button(g, "group", g.id),
        paging=Paging.of(total, GROUPS_PER_PAGE, page),  # the page is fetched already
        turn=lambda text, to: button(text, cb("adm", "groups", to)),
    )
    rows += [[button(label("admin-group-search"), cb("adm", "search"))], _back()]
    text = t("admin-groups-title", count=total) if total else t("admin-groups-empty")
    await _edit(update, text, rows)


def _group_button(group: Group, action: str, *ids: int) -> InlineKeyboardButton:
    """A group to choose from a list: its name and county."""
    return button(f"{group.name} — {group.county_name}", cb("adm", action, *ids))


async def _group(update: Update, context: Context, group: Group) -> None:
    text = card_text(group, await context.store.groups.members(group.id))
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
    for group in groups:  # a card each, to decide on in any order: not screens
        await reply(update, *await approval_request(context.store, group), screen=False)


# --- buttons that act at once ------------------------------------------------------------------


Toast = tuple[str | None, bool]  # what to answer a button press with, and whether as an alert
QUIET: Toast = (None, False)


Act = Callable[[Update, Context, Callback], Awaitable[Toast]]


def _answered(act: Act) -> Show:
    """A screen of the table that answers its press once, with the toast `act` returns."""

    async def show(update: Update, context: Context, data: Callback) -> None:
        """Shows the screen, then answers the press."""
        toast = await act(update, context, data)
        await answer(update, toast[0], alert=toast[1])

    return show


async def _menu(update: Update, context: Context, data: Callback) -> None:
    """«بازگشت»: the admin menu again."""
    await show_menu(update, context)


async def _coordinators_screen(update: Update, context: Context, data: Callback) -> Toast:
    await _coordinators(update, context)
    return QUIET


async def _coordinator_screen(update: Update, context: Context, data: Callback) -> Toast:
    await _coordinator(update, context, data.id() or 0)
    return QUIET


async def _add_province(update: Update, context: Context, data: Callback) -> Toast:
    volunteer = await context.store.volunteers.get(data.id() or 0)
    if volunteer is None:
        return label("group-gone"), True
    await _edit(update, *await _province_picker(context, volunteer))
    return QUIET


async def _admins_screen(update: Update, context: Context, data: Callback) -> Toast:
    await _admins(update, context)
    return QUIET


async def _groups_screen(update: Update, context: Context, data: Callback) -> Toast:
    await _groups(update, context, max(data.id() or 0, 0))
    return QUIET


async def _pending_screen(update: Update, context: Context, data: Callback) -> Toast:
    await _pending(update, context)
    return QUIET


async def _group_screen(update: Update, context: Context, data: Callback) -> Toast:
    group = await _group_in_scope(context, data.id())
    if group is None:
        return label("group-gone"), True
    await _group(update, context, group)
    return QUIET


async def _group_in_scope(context: Context, group_id: int | None) -> Group | None:
    group = await context.store.groups.get(group_id or 0)
    if group is None or context.who is None or not _in_scope(context.who, group):
        return None
    if group.status.value not in ("active", "pending"):
        return None
    return group


async def _change_coordinator(
    update: Update, context: Context, data: Callback, *, grant: bool
) -> Toast:
    """Grants (cprov) or revokes (rmcoord) a coordinator's province."""
    store = context.store
    volunteer = await store.volunteers.get(data.id(0) or 0)
    province = await store.places.province(data.id(1) or 0)
    if volunteer is None or province is None:
        return label("stale-button"), True
    told = "admin-you-are-coordinator" if grant else "admin-you-are-not-coordinator"
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
            await store.outbox.add([role_notice(volunteer.id, told, province=province.name)])
    if changed:
        kick(context)
    await _coordinator(update, context, volunteer.id)
    key = "admin-coordinator-added" if grant else "admin-coordinator-removed"
    return label(key, name=volunteer.display_name, province=province.name), False


async def _revoke_admin(update: Update, context: Context, data: Callback) -> Toast:
    store = context.store
    user_id = data.id() or 0
    if user_id in context.config.bot.admins:
        return label("admin-config-admin"), True
    volunteer = await store.volunteers.get(user_id)
    async with store.db.transaction():
        revoked = bool(await store.roles.revoke(user_id, Role.ADMIN))
        if revoked:
            await store.audit.record(
                context.user_id, "role.revoke", "volunteer", user_id, role="admin"
            )
            await store.outbox.add([role_notice(user_id, "admin-you-are-not-admin")])
    if revoked:
        kick(context)
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
    rows = confirm(cb("adm", "mergeok", source.id, target.id), cb("adm", "group", source.id))
    await _edit(update, t("admin-merge-confirm", source=source.name, target=target.name), rows)
    return QUIET


async def _merge(update: Update, context: Context, data: Callback) -> Toast:
    pair = await _merge_pair(context, data)
    if not isinstance(pair[0], Group):
        return pair
    source, target = pair
    leaders = [
        m for m in await context.store.groups.members(source.id) if m.role is GroupRole.LEADER
    ]
    names = {"source": source.name, "target": target.name}
    told = [role_notice(m.volunteer_id, "admin-your-group-merged", **names) for m in leaders]
    by = context.who.user_id if context.who else 0
    moved = await merge_groups(context.store, by, source.id, target.id, told)
    kick(context)
    text = t(
        "admin-merged",
        source=source.name,
        target=target.name,
        reports=moved,
        moved="some" if moved else "none",
    )
    await _edit(update, text, [_back()])
    return QUIET


# --- the flow that waits for typed input (appointing, renaming, merging, searching) ------------


@dataclasses.dataclass
class AdminDraft(Draft):
    """What an admin flow is doing and on what."""

    KIND = "admin"

    action: str = ""
    group_id: int | None = None
    target_id: int | None = None


async def _flow_group(turn: Turn[AdminDraft]) -> Group | None:
    """The group the flow works on, while it is still within the person's reach."""
    return await _group_in_scope(turn.context, turn.draft.group_id)


async def ask_person(turn: Turn[AdminDraft]) -> Screen | Go:
    """Asks who: a new coordinator, a new admin, or the group's new leader."""
    if turn.draft.action != "transfer":
        return Screen(t("admin-ask-user"), [turn.nav(back=False)])
    group = await _flow_group(turn)
    if group is None:
        return Go("gone")
    return Screen(t("admin-ask-transfer", group=group.name), [turn.nav(back=False)])


async def _members(turn: Turn[AdminDraft]) -> list[Volunteer]:
    """For a transfer: the group's members who do not lead it yet."""
    if turn.draft.action != "transfer" or turn.draft.group_id is None:
        return []
    members = await turn.store.groups.members(turn.draft.group_id)
    people = [await turn.store.volunteers.get(m.volunteer_id) for m in members]
    leaders = {m.volunteer_id for m in members if m.role is GroupRole.LEADER}
    return [p for p in people if p is not None and p.id not in leaders]


async def person_picked(turn: Turn[AdminDraft], volunteer: Volunteer) -> Result:
    """Acts on the chosen person: coordinator (pick the province), admin, or leader (confirm)."""
    draft = turn.draft
    if draft.action == "addcoord":
        text, rows = await _province_picker(turn.context, volunteer)
        return Done(text, inline(rows))
    if draft.action == "addadmin":
        told = [role_notice(volunteer.id, "admin-you-are-admin")]
        if await grant_role(turn.store, turn.who.user_id, volunteer.id, Role.ADMIN, told):
            kick(turn.context)
        return Done(t("admin-admin-added", name=volunteer.display_name))
    if await turn.store.groups.role_of(draft.group_id or 0, volunteer.id) is None:
        return turn.again(label("admin-transfer-members-only", name=volunteer.display_name))
    draft.target_id = volunteer.id
    return Go("transfer")


async def ask_transfer(turn: Turn[AdminDraft]) -> Screen | Go:
    """Asks before handing a group's leadership to someone."""
    group = await _flow_group(turn)
    person = await turn.store.volunteers.get(turn.draft.target_id or 0)
    if group is None or person is None:
        return Go("gone")
    rows = [[turn.button(label("button-yes"), "ok"), turn.button(label("button-no"), "back")]]
    text = t("admin-transfer-confirm", group=group.name, name=person.display_name)
    return Screen(text, rows)


async def transfer_confirmed(turn: Turn[AdminDraft], data: Callback) -> Result:
    """Hands the group to the chosen member and tells them, with the menu that lets them report."""
    group = await _flow_group(turn)
    person = await turn.store.volunteers.get(turn.draft.target_id or 0)
    if group is None or person is None:
        return Go("gone")
    members = await turn.store.groups.members(group.id)
    former = [
        m.volunteer_id
        for m in members
        if m.role is GroupRole.LEADER and m.volunteer_id != person.id
    ]
    told = [role_notice(person.id, "group-you-were-promoted", group=group.name)]
    told += [  # members now: told, with the menu and «/» menu that no longer offer reporting
        role_notice(leader, "group-leadership-passed", group=group.name, name=person.display_name)
        for leader in former
    ]
    if not await transfer_group(turn.store, turn.who.user_id, group.id, person.id, told):
        return Go("person", label("admin-transfer-members-only", name=person.display_name))
    kick(turn.context)
    return Done(t("admin-transferred", group=group.name, name=person.display_name))


async def _about_group(turn: Turn[AdminDraft], key: str) -> Screen | Go:
    """A question about the flow's group (while it is still within reach)."""
    group = await _flow_group(turn)
    if group is None:
        return Go("gone")
    return Screen(t(key, group=group.name), [turn.nav(back=False)])


async def ask_name(turn: Turn[AdminDraft]) -> Screen | Go:
    """Asks a group's new name."""
    return await _about_group(turn, "admin-ask-group-name")


async def name_typed(turn: Turn[AdminDraft], text: str) -> Result:
    """Takes a group's new name."""
    group = await _flow_group(turn)
    if group is None:
        return Go("gone")
    name = turn.typed(text, GROUP_NAME)
    if isinstance(name, Go):
        return name
    await rename_group(turn.store, turn.who.user_id, group, name, search_key(name))
    return Done(t("admin-renamed", group=name))


async def ask_merge(turn: Turn[AdminDraft]) -> Screen | Go:
    """Asks (part of) the name of the group to merge into."""
    return await _about_group(turn, "admin-ask-merge-target")


async def merge_typed(turn: Turn[AdminDraft], text: str) -> Result:
    """Finds the groups a merge may go into."""
    source = await _flow_group(turn)
    if source is None:
        return Go("gone")
    query = truncate(normalize(text), 40)
    found = [
        g
        for g in await turn.store.groups.listing(_scope(turn.who), search_key(text), 20)
        if g.id != source.id
    ]
    if not found:
        return turn.again(label("search-none", query=query))
    rows = choices(found, lambda g: _group_button(g, "mergeto", source.id, g.id))
    rows.append([button(label("button-back"), cb("adm", "group", source.id))])
    return Done(t("admin-merge-pick"), inline(rows))


async def ask_search(turn: Turn[AdminDraft]) -> Screen:
    """Asks part of a group's name."""
    return Screen(t("admin-ask-group-search"), [turn.nav(back=False)])


async def search_typed(turn: Turn[AdminDraft], text: str) -> Result:
    """Lists the groups whose name matches, as buttons to their cards."""
    found = await turn.store.groups.listing(_scope(turn.who), search_key(text), 20)
    if not found:
        return turn.again(label("search-none", query=truncate(normalize(text), 40)))
    rows = choices(found, lambda g: _group_button(g, "group", g.id))
    rows.append([button(label("admin-back"), cb("adm", "menu"))])
    return Done(t("admin-search-found", count=len(found)), inline(rows))


async def ask_review_chat(turn: Turn[AdminDraft]) -> Screen:
    """Asks for the coordinators' Telegram group, through Telegram's group picker."""
    if not turn.who.reviews:
        return Screen(t("review-off"), [turn.nav(back=False)])
    picker = review_chat_picker(label("admin-review-chat-button"))
    keyboard = (label("admin-review-chat-keyboard"), picker) if turn.keyboard_due else None
    return Screen(t("admin-review-chat-ask"), [turn.nav(back=False)], keyboard=keyboard)


async def review_chat_shared(turn: Turn[AdminDraft], message: Message) -> Result:
    """Links the picked group: new reports of the person's provinces (every province for an
    admin) are posted there for review, and the group is told so."""
    picked = message.chat_shared
    if picked is None or picked.request_id != PICK_REVIEW_CHAT:
        return turn.again(label("admin-review-chat-hint"))
    who = turn.who
    provinces: list[int | None] = [None] if who.admin else [*sorted(who.provinces)]
    await link_review_chat(turn.store, who.user_id, picked.chat_id, provinces)
    scope = await scope_words(turn.store, provinces)
    bot = turn.context.bot
    await bot.send_message(turn.chat_id, t("admin-review-chat-picked"), reply_markup=turn.menu())
    try:
        await bot.send_message(picked.chat_id, t("review-chat-linked", scope=scope))
    except TelegramError as exc:  # linked all the same: /review there says the same
        log.info("could not greet review group %s: %s", picked.chat_id, exc)
    title = picked.title or label("admin-review-chat-untitled")
    return Done(t("admin-review-chat-linked", chat=title, scope=scope))


async def ask_gone(turn: Turn[AdminDraft]) -> Screen:
    """The group went out of reach (merged, rejected, another province) while the flow was open."""
    return Screen(t("group-gone"), [turn.nav(back=False)])


def _entry(
    action: str, step: str
) -> Callable[[Turn[AdminDraft], tuple[int, ...]], Awaitable[Result]]:
    async def start(turn: Turn[AdminDraft], ids: tuple[int, ...]) -> Result:
        turn.draft.action, turn.draft.group_id = action, (ids[0] if ids else None)
        return Go(step)

    return start


async def may_go_on(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Appointing people is for admins; changing a group for those who oversee its province."""
    if draft.get("action") in ("addcoord", "addadmin"):
        return who.admin
    if draft.get("action") == "search":
        return who.admin or who.coordinator
    if draft.get("action") == "reviewchat":
        return who.reviews
    group_id = draft.get("group_id")
    group = await store.groups.get(int(group_id)) if group_id is not None else None
    return group is not None and who.oversees(group.province_id)


FLOW = Flow(
    draft=AdminDraft,
    prefix="adf",
    rule=overseer,
    allowed=may_go_on,
    name="flow-name-admin",
    steps={
        "person": person_step(ask_person, person_picked, _members),
        "transfer": Step(ask_transfer, press={"ok": transfer_confirmed}, back="person"),
        "name": Step(ask_name, text=name_typed, expects="admin-ask-name-hint"),
        "merge": Step(ask_merge, text=merge_typed, expects="admin-ask-name-hint"),
        "search": Step(ask_search, text=search_typed, expects="admin-ask-name-hint"),
        "reviewchat": Step(
            ask_review_chat, other=review_chat_shared, expects="admin-review-chat-hint"
        ),
        "gone": Step(ask_gone),
    },
    entries={
        "addcoord": _entry("addcoord", "person"),
        "addadmin": _entry("addadmin", "person"),
        "transfer": _entry("transfer", "person"),
        "rename": _entry("rename", "name"),
        "merge": _entry("merge", "merge"),
        "search": _entry("search", "search"),
        "reviewchat": _entry("reviewchat", "reviewchat"),
    },
)


async def begin(update: Update, context: Context, data: Callback) -> None:
    """Starts an admin flow from its button (the access policy checked the group's scope)."""
    await context.bot_data.engine.start(update, context, FLOW, data.action, *data.ids)


async def picked_too_late(update: Update, context: Context) -> None:
    """A chat or person picked with a picker whose question is closed: says so, with the menu."""
    await reply(update, t("picker-closed"), menu_for(context, context.who))


# The buttons this feature makes outside its flow, and who may press them (bot.kit.buttons).
ADMIN = Buttons(
    "adm",
    allow(overseer, "menu", "pending", "search", "reviewchat"),
    allow(overseer, "groups", ids="page"),
    allow(admin, "coords", "addcoord", "admins", "addadmin"),
    allow(admin, "coord", "addprov", "rmadmin", ids="member"),
    allow(admin, "cprov", "rmcoord", ids="member province"),
    allow(overseer_of_first_group, "group", "rename", "merge", "transfer", ids="group"),
    allow(overseer_of_first_group, "mergeto", "mergeok", ids="group into"),
)
BUTTONS = (ADMIN,)
# What each of them shows (the buttons that start the flow start it at the entry they name).
SCREENS: dict[str, Show] = {
    "menu": _menu,
    "coords": _answered(_coordinators_screen),
    "coord": _answered(_coordinator_screen),
    "addprov": _answered(_add_province),
    "cprov": _answered(partial(_change_coordinator, grant=True)),
    "rmcoord": _answered(partial(_change_coordinator, grant=False)),
    "admins": _answered(_admins_screen),
    "rmadmin": _answered(_revoke_admin),
    "groups": _answered(_groups_screen),
    "pending": _answered(_pending_screen),
    "group": _answered(_group_screen),
    "mergeto": _answered(_merge_confirm),
    "mergeok": _answered(_merge),
    **dict.fromkeys(FLOW.entries, begin),
}


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (Command("admin", "command-admin", "help-admin", 22, overseers, overseer),)
# Its main-menu button (bot.kit.menu): the last row, first, for the admins and coordinators.
MENU = (MenuEntry("menu-admin", 5, 0, overseers, overseer),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The admin menu, its buttons and the ways into its flow, fresh for each application."""
    shared = filters.StatusUpdate.USERS_SHARED | filters.StatusUpdate.CHAT_SHARED
    return [
        MessageHandler(PRIVATE & shared, picked_too_late),
        CommandHandler("admin", show_menu, filters=PRIVATE),
        MessageHandler(PRIVATE & menu_text("menu-admin"), show_menu),
        ADMIN.screens(SCREENS),
    ]
