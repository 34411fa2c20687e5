"""Runs before every feature handler: keeps to private chats, records who wrote, ends flows that
lost their draft or their permission, answers presses on replaced screens as old, and decides
what the user may do."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.core.i18n import label, t
from bot.core.text import TEXT_MAX, too_long
from bot.kit import screens
from bot.kit.access import check_access, is_menu_or_command
from bot.kit.context import Context
from bot.kit.engine import answer, strip_buttons
from bot.kit.keyboards import inline, url_button
from bot.kit.principal import load_principal
from db.database import is_storage_error
from handlers.common import menu_for, reply
from handlers.review_cards import PREFIX as REVIEW_PREFIX

log = logging.getLogger(__name__)


def _addressed_to_us(update: Update, username: str) -> bool:
    """True for a command in a group that is meant for this bot (`/x` or `/x@thisbot`)."""
    message = update.effective_message
    text = message.text if message and message.text else ""
    if not text.startswith("/"):
        return False
    command = text.split(maxsplit=1)[0]
    return "@" not in command or command.split("@", 1)[1].lower() == username.lower()


def _review_in_group(update: Update, username: str) -> bool:
    """True for what the review does in a coordinators' group: /review meant for this bot, and
    the buttons of the review cards posted there (the access policy decides who may press)."""
    query = update.callback_query
    if query is not None:
        return (query.data or "").startswith(f"{REVIEW_PREFIX}:")
    message = update.effective_message
    if message is None or update.edited_message is not None:
        return False
    command = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    name = command.split("@", 1)[0].lower()
    return name in ("/review", "/review_off") and _addressed_to_us(update, username)


async def stay_private(update: Update, context: Context) -> None:
    """Keeps the bot quiet outside private chats: never a refusal or a flow in public.

    A command meant for the bot in a group gets one pointer with a button that opens the private
    chat; channel posts, other messages and button presses there change nothing.
    """
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE or update.my_chat_member is not None:
        return
    if chat.type != ChatType.CHANNEL and _review_in_group(update, context.bot.username):
        return  # the coordinators' review groups: /review and the review cards' buttons
    if update.callback_query is not None:
        await answer(update, label("private-only"), alert=True)
    elif chat.type != ChatType.CHANNEL and _addressed_to_us(update, context.bot.username):
        link = f"https://t.me/{context.bot.username}"
        await reply(update, t("private-only"), inline([[url_button(label("open-private"), link)]]))
    raise ApplicationHandlerStop


async def refuse_long_text(update: Update, context: Context) -> None:
    """Refuses text longer than a Telegram message before anything reads it (it can come only
    through a webhook or another Bot API server; normalising it could hold everyone up)."""
    message = update.effective_message
    if message is None or not too_long(message.text or message.caption or ""):
        return
    log.info("refusing an over-long text from chat %s", message.chat_id)
    if message.chat.type == ChatType.PRIVATE:
        await reply(update, t("text-too-long", limit=TEXT_MAX))
    raise ApplicationHandlerStop


async def identify(update: Update, context: Context) -> None:
    """Records the user's current Telegram names and loads their roles into context.who."""
    screens.serve(update, context)  # what this update is answered with: their screens
    user = update.effective_user
    if user is None or user.is_bot:
        return
    if context.bot_data.storage.ok:  # while the disk takes no writes, names can wait
        try:
            await context.store.volunteers.seen(
                user.id, user.first_name, user.last_name or "", user.username or ""
            )
        except Exception as exc:  # the answer may need no write: go on without the names
            if not is_storage_error(exc):
                raise
            context.bot_data.storage.failed(exc)
    context.who = await load_principal(context.store, context.config, user.id)


async def guard_flows(update: Update, context: Context) -> None:
    """Holds the person's open flow to their role at this very update.

    A flow the person may no longer go on with (a role revoked mid-flow) ends with a short notice
    and the menu of their role now; the update that found it goes no further unless it is a
    command or a menu button, which then works as usual.
    """
    who = context.who
    chat = update.effective_chat
    if who is None or chat is None or chat.type != ChatType.PRIVATE:
        return  # a press in a review group never ends (or speaks of) a private flow
    revoked = []
    flows = context.bot_data.engine.flows  # each flow says who may go on with it (Flow.allowed)
    # Not while a job works on the draft.
    async with context.bot_data.engine.lock(context, who.user_id):
        for draft in await context.store.state.drafts_of(who.user_id):
            flow = flows.get(draft.kind)
            if flow is None or not await flow.allowed(who, draft.data, context.store):
                log.info("ending %s flow of user %s: permission lost", draft.kind, who.user_id)
                await context.store.state.delete_draft(who.user_id, draft.kind)
                await strip_buttons(context, who.user_id, draft.data.get("panel"))
                revoked.append(draft.kind)
    named = [label(flows[kind].name) for kind in revoked if kind in flows]
    if not named:
        return
    await answer(update)
    await reply(update, t("flow-revoked", flow="، ".join(named)), menu_for(context, who))
    if not is_menu_or_command(update, context):
        raise ApplicationHandlerStop


async def authorize(update: Update, context: Context) -> None:
    """Stops any command or button the user may not use, with a polite refusal."""
    if not await check_access(update, context):
        raise ApplicationHandlerStop


def handlers() -> dict[int, list[BaseHandler[Update, Context, None]]]:
    """The checks, by handler group; negative groups run before every feature, in this order."""
    return {
        -200: [TypeHandler(Update, stay_private)],
        -150: [TypeHandler(Update, refuse_long_text)],
        -100: [TypeHandler(Update, identify)],
        -75: [TypeHandler(Update, guard_flows)],
        -60: [TypeHandler(Update, screens.refuse_old)],
        -50: [TypeHandler(Update, authorize)],
    }
