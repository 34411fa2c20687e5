"""Joining a group: the onboarding offer, invite deep links, /join CODE and the confirmation."""

from __future__ import annotations

import dataclasses
import logging
import re
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.context import Context
from bot.flow import END, Draft, answer, drop_draft, load_draft, on_panel, save_draft
from bot.i18n import label, t
from bot.keyboards import button, cb, inline
from bot.text import to_latin_digits
from db.groups import CODE_ALPHABET, CODE_LENGTH
from db.models import GroupRole, GroupStatus
from handlers.common import FREE_TEXT, PRIVATE, canceller, conversation, menu_for, notify, reply
from handlers.group_view import INVITE_PREFIX, place_text, specialty_text

log = logging.getLogger(__name__)

CODE_RE = re.compile(rf"(?:{INVITE_PREFIX})?([{CODE_ALPHABET}]{{{CODE_LENGTH}}})")


class JoinState(IntEnum):
    """Steps of the join-by-code conversation."""

    CODE = 1


@dataclasses.dataclass
class JoinDraft(Draft):
    """A person's pending join: waiting for a code, or an offer of one invite to confirm.

    The confirmation buttons carry no id: they act on the invite this person was offered, which
    only its code (a secret) could lead to. A forged press without an offer changes nothing.
    """

    KIND = "join"

    invite_id: int | None = None


def parse_code(text: str) -> str | None:
    """Finds an invite code in what the user typed or pasted (a bare code or the whole link)."""
    cleaned = to_latin_digits(text).strip().lower().replace(" ", "")
    if "start=" in cleaned:
        cleaned = cleaned.split("start=", 1)[1]
    match = CODE_RE.fullmatch(cleaned)
    return match.group(1) if match else None


async def offer_onboarding(update: Update, context: Context) -> None:
    """Offers a user without a group to join one by invite or to create one."""
    creation = context.config.groups.creation
    rows = [[button(t("onboarding-join"), cb("onb", "join"))]]
    create_key = "onboarding-create" if creation == "open" else "onboarding-request"
    rows.append([button(t(create_key), cb("onb", "create"))])
    await reply(update, t("onboarding-choose"), inline(rows))


async def offer_join(update: Update, context: Context, code: str) -> None:
    """Shows the group an invite code leads to and asks for confirmation before joining."""
    invite = await context.store.groups.invite_by_code(code)
    group = await context.store.groups.get(invite.group_id) if invite else None
    if (
        invite is None
        or group is None
        or not invite.valid
        or group.status is not GroupStatus.ACTIVE
    ):
        await reply(update, t("join-invalid"))
        return
    who = context.who
    if who is not None and who.member_of(group.id):
        await reply(update, t("join-already", group=group.name), menu_for(who))
        return
    specialty = t("specialty-line", specialty=specialty_text(group))
    text = t(
        "join-confirm",
        group=group.name,
        place=place_text(group.county_name, group.province_name),
        specialty=specialty,
        members=group.member_count,
    )
    markup = inline(
        [[button(t("join-yes"), cb("join", "ok")), button(t("join-no"), cb("join", "no"))]]
    )
    chat = update.effective_chat
    assert chat is not None
    sent = await chat.send_message(text, reply_markup=markup)
    await save_draft(context, JoinDraft(invite_id=invite.id, panel=sent.message_id))


async def ask_code(update: Update, context: Context) -> int:
    """Asks for an invite code (after the onboarding button or a bare /join)."""
    await answer(update)
    if context.args:
        await on_code(update, context)
        return END
    await save_draft(context, JoinDraft())
    await reply(update, t("join-ask-code"))
    return JoinState.CODE


async def on_code(update: Update, context: Context) -> int:
    """Takes a typed code or pasted link and offers to join its group."""
    message = update.effective_message
    text = " ".join(context.args) if context.args else (message.text if message else "") or ""
    code = parse_code(text)
    if code is None:
        await reply(update, t("join-bad-code"))
        return JoinState.CODE
    await drop_draft(context, JoinDraft.KIND)
    await offer_join(update, context, code)
    return END


async def confirm_join(update: Update, context: Context) -> None:
    """Joins the group this person was offered, re-checking the invite on the server."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    draft = await load_draft(context, JoinDraft)
    if draft is None or draft.invite_id is None or not on_panel(update, draft):
        await answer(update, label("stale-button"), alert=True)
        return
    await answer(update)
    await drop_draft(context, JoinDraft.KIND)
    if query.data and query.data.startswith(cb("join", "no")):
        await query.edit_message_text(t("join-declined"))
        return
    store = context.store
    invite = await store.groups.invite(draft.invite_id)
    group = await store.groups.get(invite.group_id) if invite else None
    if (
        invite is None
        or group is None
        or not invite.valid
        or group.status is not GroupStatus.ACTIVE
    ):
        await query.edit_message_text(t("join-invalid"))
        return
    async with store.db.transaction():
        joined = await store.groups.add_member(group.id, user.id, GroupRole.MEMBER)
        if joined:
            await store.groups.use_invite(invite.id)
            await store.audit.record(user.id, "join", "group", group.id, invite=invite.id)
    key = "join-done" if joined else "join-already"
    await query.edit_message_text(t(key, group=group.name))
    if joined:
        await _tell_leaders(context, group.id, group.name, user.full_name)


async def _tell_leaders(context: Context, group_id: int, group: str, name: str) -> None:
    """Lets the group's leaders know someone joined."""
    for member in await context.store.groups.members(group_id):
        if member.role is GroupRole.LEADER:
            await notify(
                context, member.volunteer_id, t("join-leader-notice", name=name, group=group)
            )


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The join conversation and the join confirmation, fresh for each application."""
    return [
        conversation(
            "join",
            entry_points=[
                CommandHandler("join", ask_code, filters=PRIVATE),
                CallbackQueryHandler(ask_code, pattern=r"^onb:join$"),
            ],
            states={JoinState.CODE: [MessageHandler(FREE_TEXT, on_code)]},
            kind=JoinDraft.KIND,
            cancel=canceller(JoinDraft.KIND),
        ),
        CallbackQueryHandler(confirm_join, pattern=r"^join:(ok|no)(:|$)"),
    ]
