"""Joining a group: the onboarding offer, invite deep links, /join CODE and the confirmation.

Joining is a flow of the engine: «code» asks for an invite code (or a pasted link), «confirm»
shows the group the code leads to. The confirmation acts on the invite kept in this person's
draft, which only its code (a secret) leads to: buttons carry no invite ids.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.core.i18n import label, t
from bot.core.text import to_latin_digits
from bot.kit.access import anyone, anyone_goes_on, offered_to_join
from bot.kit.buttons import Buttons, allow
from bot.kit.commands import Command, volunteers
from bot.kit.context import Context
from bot.kit.engine import Done, Draft, Flow, Go, Result, Screen, Step, Turn
from bot.kit.keyboards import Callback, button, cb, inline
from bot.kit.outbox import kick
from db.groups import CODE_ALPHABET, CODE_LENGTH
from db.models import GroupRole, GroupStatus
from db.outbox import Notice
from db.usecases import join_group
from handlers.common import PRIVATE, menu_for, reply
from handlers.group_view import INVITE_PREFIX, place_text, specialty_text

log = logging.getLogger(__name__)

CODE_RE = re.compile(rf"(?:{INVITE_PREFIX})?([{CODE_ALPHABET}]{{{CODE_LENGTH}}})")


@dataclasses.dataclass
class JoinDraft(Draft):
    """A pending join: waiting for a code, or an offer of one invite to confirm."""

    KIND = "join"

    invite_id: int | None = None


def parse_code(text: str) -> str | None:
    """Finds an invite code in what the user typed or pasted (a bare code or the whole link)."""
    cleaned = to_latin_digits(text).strip().lower().replace(" ", "")
    if "start=" in cleaned:
        cleaned = cleaned.split("start=", 1)[1]
    match = CODE_RE.fullmatch(cleaned)
    return match.group(1) if match else None


async def _offer(turn: Turn[JoinDraft], code: str) -> Result:
    """The group a code leads to, to confirm; or why it leads nowhere."""
    store = turn.store
    invite = await store.groups.invite_by_code(code)
    group = await store.groups.get(invite.group_id) if invite else None
    if invite is None or group is None:
        return turn.again(label("join-unknown-code"))
    if not invite.valid or group.status is not GroupStatus.ACTIVE:
        return turn.again(label("join-invalid"))
    if turn.who.member_of(group.id):
        return Done(t("join-already", group=group.name))
    turn.draft.invite_id = invite.id
    return Go("confirm")


async def ask_code(turn: Turn[JoinDraft]) -> Screen:
    """Asks for an invite code or link."""
    return Screen(t("join-ask-code"), [turn.nav(back=False)])


async def code_typed(turn: Turn[JoinDraft], text: str) -> Result:
    """Takes a typed code or pasted link."""
    code = parse_code(text)
    if code is None:
        return turn.again(t("join-bad-code"))
    return await _offer(turn, code)


async def ask_confirm(turn: Turn[JoinDraft]) -> Screen | Go:
    """Shows the group the invite leads to and asks before joining."""
    invite = await turn.store.groups.invite(turn.draft.invite_id or 0)
    group = await turn.store.groups.get(invite.group_id) if invite else None
    if invite is None or group is None or not invite.valid:
        return Go("code", label("join-invalid"))
    if group.status is not GroupStatus.ACTIVE:
        return Go("code", label("join-invalid"))
    text = t(
        "join-confirm",
        group=group.name,
        place=place_text(group.county_name, group.province_name),
        specialty=t("specialty-line", specialty=specialty_text(group)),
        members=group.member_count,
    )
    rows = [[turn.button(label("join-yes"), "ok"), turn.button(label("join-no"), "no")]]
    return Screen(text, rows)


async def confirmed(turn: Turn[JoinDraft], data: Callback) -> Result:
    """Joins the offered group, re-checking the invite on the server."""
    user = turn.update.effective_user if turn.update else None
    assert user is not None
    store = turn.store
    invite = await store.groups.invite(turn.draft.invite_id or 0)
    offered = await store.groups.get(invite.group_id) if invite else None
    told = []
    if offered is not None:  # its leaders hear of it (join_group checks the invite again)
        facts = {"name": user.full_name, "group": offered.name}
        told = [
            Notice(m.volunteer_id, "join-leader-notice", facts)
            for m in await store.groups.members(offered.id)
            if m.role is GroupRole.LEADER
        ]
    outcome = await join_group(store, user.id, turn.draft.invite_id or 0, told)
    if outcome.group is None:
        return Done(t("join-invalid"), _menu_offer())
    if not outcome.joined:
        return Done(t("join-already", group=outcome.group.name))
    kick(turn.context)
    return Done(t("join-done", group=outcome.group.name), menu=True)


async def declined(turn: Turn[JoinDraft], data: Callback) -> Result:
    """Leaves the invite unanswered for good; the person keeps the ways to go on."""
    return Done(t("join-declined"), _menu_offer())


def _menu_offer() -> Any:
    """After a declined or dead invite: join with another code, or create a group."""
    return inline([[button(label("onboarding-join"), cb("onb", "join"))]])


async def entry_code(turn: Turn[JoinDraft], ids: tuple[int, ...]) -> Result:
    """Starts by asking for a code."""
    return Go("code")


async def entry_bad_code(turn: Turn[JoinDraft], ids: tuple[int, ...]) -> Result:
    """Starts after /join with something that is not a code: says so, asks again."""
    return Go("code", t("join-bad-code"))


async def entry_offer(turn: Turn[JoinDraft], ids: tuple[int, ...]) -> Result:
    """Starts at the confirmation of an invite found by its code (kept in the draft)."""
    turn.draft.invite_id = ids[0] if ids else None
    return Go("confirm")


FLOW = Flow(
    draft=JoinDraft,
    prefix="join",
    rule=anyone,
    rules={"ok": offered_to_join, "no": offered_to_join},
    allowed=anyone_goes_on,
    name="flow-name-join",
    steps={
        "code": Step(ask_code, text=code_typed, expects="join-bad-code"),
        "confirm": Step(ask_confirm, press={"ok": confirmed, "no": declined}),
    },
    entries={"code": entry_code, "badcode": entry_bad_code, "offer": entry_offer},
    restarts_quietly=True,
)


async def offer_join(update: Update, context: Context, code: str) -> None:
    """Shows the group an invite code leads to (from a deep link or /join CODE)."""
    invite = await context.store.groups.invite_by_code(code)
    group = await context.store.groups.get(invite.group_id) if invite else None
    if invite is None or group is None:
        await reply(update, t("join-unknown-code"), menu_for(context, context.who))
        return
    if context.who is not None and context.who.member_of(group.id):
        await reply(update, t("join-already", group=group.name), menu_for(context, context.who))
        return
    await context.bot_data.engine.start(update, context, FLOW, "offer", invite.id)


async def begin(update: Update, context: Context) -> None:
    """/join [CODE] or «پیوستن با کد دعوت»: asks for the code, or offers its group at once."""
    code = parse_code(" ".join(context.args)) if context.args else None
    if code is not None:
        await offer_join(update, context, code)
        return
    entry = "badcode" if context.args else "code"
    await context.bot_data.engine.start(update, context, FLOW, entry)


async def deep_link(update: Update, context: Context) -> None:
    """/start j-CODE, from an invite link: offers to join its group."""
    code = parse_code(context.args[0]) if context.args else None
    if code is None:
        await reply(update, t("join-unknown-code"), menu_for(context, context.who))
        return
    await offer_join(update, context, code)


# The buttons this feature makes outside its flow, and who may press them (bot.kit.buttons).
BUTTONS = (Buttons("onb", allow(anyone, "join")),)


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (Command("join", "command-join", "help-join", 31, volunteers),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The ways into the join flow (its answers reach it through the engine)."""
    invite = filters.Regex(rf"^/start {INVITE_PREFIX}")
    return [
        CommandHandler("start", deep_link, filters=PRIVATE & invite),
        CommandHandler("join", begin, filters=PRIVATE),
        CallbackQueryHandler(begin, pattern=r"^onb:join$"),
    ]
