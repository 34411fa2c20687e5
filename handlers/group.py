"""/group: the group card, members, leadership, invite links, leaving."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.core.i18n import label, t
from bot.kit import screens
from bot.kit.access import anyone, leader_of_first, member_of_first
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.commands import Command, refresh, volunteers
from bot.kit.context import Context
from bot.kit.engine import answer
from bot.kit.keyboards import (
    Callback,
    Paging,
    button,
    cb,
    choices,
    confirm,
    copy_button,
    inline,
    share_button,
    url_button,
)
from bot.kit.menu import MenuEntry
from bot.kit.outbox import kick, role_notice
from bot.kit.principal import Principal, load_principal
from db.models import Group, GroupRole, GroupStatus, Member
from db.usecases import remove_member, renew_invite, revoke_invites, set_member_role
from handlers.common import (
    PRIVATE,
    edit_or_keep,
    menu_for,
    menu_text,
    reply,
)
from handlers.group_view import group_card, invite_link, offer_onboarding
from handlers.inline import GROUP_CARD, inline_query

log = logging.getLogger(__name__)

MEMBERS_PER_PAGE = 20
GROUPS_PER_PAGE = 20


async def show_groups(update: Update, context: Context) -> None:
    """Shows the user's group card, or a choice when they belong to several."""
    who = context.who
    if who is None or not who.memberships:
        await reply(update, t("group-none"), menu_for(context, who))
        await offer_onboarding(update, context)
        return
    if len(who.memberships) == 1:
        await _send_card(update, context, who.memberships[0].group_id)
        return
    await reply(update, t("group-pick"), inline(_pick_rows(who, 0)))


def _pick_rows(who: Principal, page: int) -> list[list[InlineKeyboardButton]]:
    """A page of the user's groups to choose from."""
    paging = Paging.of(len(who.memberships), GROUPS_PER_PAGE, page)
    return choices(
        who.memberships,
        lambda m: button(m.group_name, cb("grp", "card", m.group_id)),
        paging=paging,
        turn=lambda text, to: button(text, cb("grps", "page", to)),
    )


async def on_pick_page(update: Update, context: Context) -> None:
    """Turns the page of the group choice."""
    data = context.press
    await answer(update)
    if data is not None and context.who is not None:
        await _edit(update, t("group-pick"), _pick_rows(context.who, data.id() or 0))


async def _card_markup(context: Context, group: Group) -> list[list[InlineKeyboardButton]]:
    who = context.who
    rows: list[list[InlineKeyboardButton]] = []
    if who is not None and who.leads(group.id):
        invite = await context.store.groups.current_invite(group.id)
        if invite is not None and invite.valid and group.status is GroupStatus.ACTIVE:
            link = invite_link(context.bot.username, invite.code)
            share = "https://t.me/share/url?" + urlencode(
                {"url": link, "text": label("group-share-text", group=group.name)}
            )
            rows.append([url_button(label("group-share-invite"), share)])
            rows.append([copy_button(label("group-copy-invite"), link)])
        rows.append([button(label("group-members"), cb("grp", "members", group.id, 0))])
        if group.status is GroupStatus.ACTIVE:
            rows.append([share_button(label("share-card"), inline_query(GROUP_CARD, group.id))])
        on = await context.store.reminders.enabled(who.user_id, group.id)
        key = "group-reminders-on" if on else "group-reminders-off"
        # The button carries the state it sets, so that a second tap does not undo the first.
        rows.append([button(label(key), cb("grp", "remind", group.id, 0 if on else 1))])
        if group.status is GroupStatus.ACTIVE:
            # «New link» names the invite it replaces: a second tap makes no third link.
            newest = await context.store.groups.newest_invite_id(group.id)
            row = [button(label("group-new-invite"), cb("grp", "invite", group.id, newest))]
            if invite is not None and invite.valid:  # nothing to revoke without an open link
                row.append(button(label("group-revoke-invite"), cb("grp", "revoke", group.id)))
            rows.append(row)
    rows.append([button(label("group-leave"), cb("grp", "leave", group.id))])
    return rows


async def _card(context: Context, group: Group) -> tuple[str, list[list[InlineKeyboardButton]]]:
    who = context.who
    leader = who is not None and who.leads(group.id)
    invite = await context.store.groups.current_invite(group.id) if leader else None
    text = await group_card(
        context.store, group, invite=invite, bot_username=context.bot.username, show_invite=leader
    )
    return text, await _card_markup(context, group)


async def _send_card(update: Update, context: Context, group_id: int) -> None:
    group = await context.store.groups.get(group_id)
    if group is None:
        await reply(update, t("group-gone"))
        return
    text, rows = await _card(context, group)
    await reply(update, text, inline(rows))


async def _edit(
    update: Update, text: str, rows: list[list[InlineKeyboardButton]] | None = None
) -> None:
    """Replaces the pressed message with new content."""
    query = update.callback_query
    if query is not None:
        await edit_or_keep(query, text, inline(rows) if rows else None)


def _member_label(member: Member) -> str:
    if member.role is GroupRole.LEADER:
        return label("group-member-leader", name=member.name)
    return member.name


async def _find_member(context: Context, group_id: int, user_id: int | None) -> Member | None:
    for member in await context.store.groups.members(group_id):
        if member.volunteer_id == user_id:
            return member
    return None


GroupAct = Callable[[Update, Context, Group, Callback], Awaitable[None]]
MemberAct = Callable[[Update, Context, Group, Member, Callback], Awaitable[None]]


def _on_group(act: GroupAct) -> Show:
    """A button of a group's card, while the group is active or waits for approval (the access
    policy already checked the person's role in it)."""

    async def show(update: Update, context: Context, data: Callback) -> None:
        """Finds the group, then acts on it."""
        group = await context.store.groups.get(data.id(0) or 0)
        if group is None or group.status not in (GroupStatus.ACTIVE, GroupStatus.PENDING):
            await answer(update, label("group-gone"), alert=True)
            return
        await act(update, context, group, data)

    return show


def _on_member(act: MemberAct) -> Show:
    """A button on one member: the member id (second in the data) is looked up in the group."""

    async def on_group(update: Update, context: Context, group: Group, data: Callback) -> None:
        """Finds the member, then acts on them."""
        member = await _find_member(context, group.id, data.id(1))
        if member is None:
            await answer(update, label("group-member-gone"), alert=True)
            return
        await act(update, context, group, member, data)

    return _on_group(on_group)


async def _render_card(update: Update, context: Context, group: Group) -> None:
    text, rows = await _card(context, group)
    await _edit(update, text, rows)


async def _render_members(update: Update, context: Context, group: Group, page: int = 0) -> None:
    members = await context.store.groups.members(group.id)
    rows = choices(
        members,
        lambda m: button(_member_label(m), cb("grp", "member", group.id, m.volunteer_id)),
        per_row=2,
        paging=Paging.of(len(members), MEMBERS_PER_PAGE, page),
        turn=lambda text, to: button(text, cb("grp", "members", group.id, to)),
    )
    rows.append([button(label("group-back-to-card"), cb("grp", "card", group.id))])
    await _edit(update, t("group-members-title", group=group.name, count=len(members)), rows)


async def _show_card(update: Update, context: Context, group: Group, data: Callback) -> None:
    await answer(update)
    await _render_card(update, context, group)


async def _members(update: Update, context: Context, group: Group, data: Callback) -> None:
    await answer(update)
    await _render_members(update, context, group, data.id(1) or 0)


async def _member(
    update: Update, context: Context, group: Group, member: Member, data: Callback
) -> None:
    await answer(update)
    role = label("group-role-leader" if member.role is GroupRole.LEADER else "group-role-member")
    rows: list[list[InlineKeyboardButton]] = []
    if member.role is GroupRole.MEMBER:
        rows.append(
            [button(label("group-promote"), cb("grp", "promote", group.id, member.volunteer_id))]
        )
        rows.append(
            [button(label("group-remove"), cb("grp", "remove", group.id, member.volunteer_id))]
        )
    else:
        key = "group-step-down" if member.volunteer_id == context.user_id else "group-demote"
        rows.append([button(label(key), cb("grp", "demote", group.id, member.volunteer_id))])
    rows.append([button(label("button-back"), cb("grp", "members", group.id, 0))])
    await _edit(update, t("group-member-card", name=member.name, role=role), rows)


async def _remove(
    update: Update, context: Context, group: Group, member: Member, data: Callback
) -> None:
    await answer(update)
    rows = confirm(
        cb("grp", "removeok", group.id, member.volunteer_id),
        cb("grp", "member", group.id, member.volunteer_id),
    )
    await _edit(update, t("group-remove-confirm", name=member.name, group=group.name), rows)


async def _remove_ok(
    update: Update, context: Context, group: Group, member: Member, data: Callback
) -> None:
    by = context.user_id or 0
    told = [role_notice(member.volunteer_id, "group-you-were-removed", group=group.name)]
    removed = await remove_member(context.store, by, group.id, member.volunteer_id, told)
    if not removed:
        await answer(update, label("group-last-leader"), alert=True)
        return
    kick(context)
    await answer(update, label("group-removed", name=member.name))
    await _render_members(update, context, group)


async def _set_role(
    update: Update,
    context: Context,
    group: Group,
    member: Member,
    data: Callback,
    *,
    role: GroupRole,
) -> None:
    store = context.store
    by = context.user_id or 0
    news = "group-you-were-promoted" if role is GroupRole.LEADER else "group-you-were-demoted"
    someone_else = member.volunteer_id != by  # stepping down oneself is told on the card
    told = [role_notice(member.volunteer_id, news, group=group.name)] if someone_else else []
    changed = await set_member_role(store, by, group.id, member.volunteer_id, role, told)
    if not changed and await store.groups.role_of(group.id, member.volunteer_id) is not role:
        await answer(update, label("group-last-leader"), alert=True)
        return
    key = "group-promoted" if role is GroupRole.LEADER else "group-demoted"
    await answer(update, label(key, name=member.name))
    if not changed:  # a second tap, or another leader was quicker: done already, told once
        return
    kick(context)
    if member.volunteer_id == context.user_id:  # stepped down: the card shows what a member sees
        context.who = await load_principal(store, context.config, member.volunteer_id)
        await _render_card(update, context, group)
        await reply(
            update, t("group-you-stepped-down", group=group.name), menu_for(context, context.who)
        )
        await refresh(context, context.who)
        return
    await _render_members(update, context, group)


async def _invite(
    update: Update, context: Context, group: Group, data: Callback, *, asked: bool
) -> None:
    """«لینک تازه» (`asked`: confirmed, when a link was open)."""
    current = await context.store.groups.current_invite(group.id)
    seen = data.id(1)  # the newest invite when the card was drawn (None on older cards)
    shown = seen is None or seen == await context.store.groups.newest_invite_id(group.id)
    if not asked and current is not None and current.valid and shown:
        # A new link stops the one already shared: asked first (the answer carries the same ids;
        # a second tap, naming a link replaced already, changes nothing as before).
        await answer(update)
        rows = confirm(cb("grp", "inviteok", *data.ids), cb("grp", "card", group.id))
        await _edit(update, t("group-invite-confirm", group=group.name), rows)
        return
    days = context.config.groups.invite_days
    by = context.user_id or 0
    await renew_invite(context.store, by, group.id, valid_days=days, replaces=data.id(1))
    await answer(update, label("group-invite-new" if current is not None else "group-invite-made"))
    await _render_card(update, context, group)


async def _revoke(update: Update, context: Context, group: Group, data: Callback) -> None:
    """«لغو لینک»."""
    revoked = await revoke_invites(context.store, context.user_id or 0, group.id)
    await answer(update, label("group-invite-revoked" if revoked else "group-invite-none"))
    await _render_card(update, context, group)


async def _leave(update: Update, context: Context, group: Group, data: Callback) -> None:
    await answer(update)
    rows = confirm(cb("grp", "leaveok", group.id), cb("grp", "card", group.id))
    await _edit(update, t("group-leave-confirm", group=group.name), rows)


async def _leave_ok(update: Update, context: Context, group: Group, data: Callback) -> None:
    user_id = context.user_id or 0
    store = context.store
    left = await remove_member(store, user_id, group.id, user_id)
    if not left:
        await answer(update, label("group-last-leader"), alert=True)
        return
    await answer(update)
    if update.callback_query is not None:
        await screens.delete(context, update.callback_query)
    context.who = await load_principal(store, context.config, user_id)
    await reply(update, t("group-left", group=group.name), menu_for(context, context.who))
    await refresh(context, context.who)


async def _remind(update: Update, context: Context, group: Group, data: Callback) -> None:
    """Turns this leader's weekly reminder for the group on or off, as the button says (a button
    from before this change, without the state, switches it)."""
    user_id = context.user_id or 0
    wanted = data.id(1)
    on = (
        bool(wanted)
        if wanted is not None
        else not await context.store.reminders.enabled(user_id, group.id)
    )
    await context.store.reminders.switch(user_id, group.id, on=on)
    await answer(update, label("reminder-turned-on" if on else "reminder-turned-off"))
    await _render_card(update, context, group)


# The buttons this feature makes, and who may press them (bot.kit.buttons).
GROUP = Buttons(
    "grp",
    allow(member_of_first, "card", "leave", "leaveok", ids="group"),
    allow(leader_of_first, "members", ids="group page"),
    allow(
        leader_of_first,
        "member",
        "remove",
        "removeok",
        "promote",
        "demote",
        ids="group member",
    ),
    allow(leader_of_first, "invite", "inviteok", ids="group invite"),
    allow(leader_of_first, "revoke", ids="group"),
    allow(leader_of_first, "remind", ids="group on"),
)
BUTTONS = (GROUP, Buttons("grps", allow(anyone, "page", ids="page")))
# What each of the card's buttons shows.
SCREENS: dict[str, Show] = {
    "card": _on_group(_show_card),
    "remind": _on_group(_remind),
    "members": _on_group(_members),
    "invite": _on_group(partial(_invite, asked=False)),
    "inviteok": _on_group(partial(_invite, asked=True)),
    "revoke": _on_group(_revoke),
    "leave": _on_group(_leave),
    "leaveok": _on_group(_leave_ok),
    "member": _on_member(_member),
    "remove": _on_member(_remove),
    "removeok": _on_member(_remove_ok),
    "promote": _on_member(partial(_set_role, role=GroupRole.LEADER)),
    "demote": _on_member(partial(_set_role, role=GroupRole.MEMBER)),
}


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (Command("group", "command-group", "help-group", 30, volunteers),)
# Its main-menu button (bot.kit.menu): for the people of the groups (an admin or a coordinator only
# when they belong to one).
MENU = (MenuEntry("menu-group", 2, 1, volunteers),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The group card and its buttons."""
    return [
        CommandHandler("group", show_groups, filters=PRIVATE),
        MessageHandler(PRIVATE & menu_text("menu-group"), show_groups),
        GROUP.screens(SCREENS),
        CallbackQueryHandler(on_pick_page, pattern=r"^grps:page:\d+$"),
    ]
