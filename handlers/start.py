"""/start (with invite deep links), /help, /cancel, and the answers nothing else gave."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.core.i18n import Html, label, t
from bot.core.text import and_list, escape, normalize, search_key
from bot.kit.commands import NOBODY, Command, commands_for, everyone, refresh, role_of
from bot.kit.context import Context
from bot.kit.engine import stale
from bot.kit.keyboards import inline, url_button
from bot.kit.menu import MenuEntry
from bot.kit.principal import Principal
from db.store import Store
from handlers.common import PRIVATE, menu_for, menu_text, reply
from handlers.group_view import offer_onboarding

log = logging.getLogger(__name__)


async def start(update: Update, context: Context) -> None:
    """Greets the person by what they are, with the main menu of their roles (and their «/»
    menu); a newcomer is offered the ways into a group."""
    user = update.effective_user
    if user is None:
        return
    who = context.who or NOBODY
    if context.who is not None:
        await refresh(context, context.who)
    await reply(update, await welcome(context.store, who, user.first_name), menu_for(context, who))
    if role_of(who) == "newcomer":
        await offer_onboarding(update, context)
    else:
        await context.bot_data.engine.remind(update, context)


async def welcome(store: Store, who: Principal, name: str) -> Html:
    """The greeting of a person's role: what they are (of which province or group) and where
    their work is."""
    role = role_of(who)
    if role == "newcomer":
        return t("start-welcome", name=name)
    if role == "admin":
        return t("start-welcome-admin", name=name, review="yes" if who.reviews else "no")
    if role == "coordinator":
        names = [
            p.name
            for p in [await store.places.province(i) for i in sorted(who.provinces)]
            if p is not None
        ]
        return t(
            "start-welcome-coordinator",
            name=name,
            provinces=and_list(names),
            several="yes" if len(names) > 1 else "no",
            review="yes" if who.reviews else "no",
        )
    groups = who.reporting_groups if role == "leader" else who.memberships
    return t(
        "start-welcome-leader" if role == "leader" else "start-welcome-member",
        name=name,
        groups=Html(and_list([f"«{escape(m.group_name)}»" for m in groups])),
    )


async def show_help(update: Update, context: Context) -> None:
    """Lists what this person can do (their commands), then shows the open flow's question
    again, if any."""
    who = context.who or NOBODY
    role = role_of(who)
    lines = [t(c.help, role=role) for c in commands_for(context.bot_data.commands, who) if c.help]
    text = Html("\n\n".join([t("help-title"), "\n".join(lines), t("help-footer")]))
    await reply(update, text, menu_for(context, context.who))
    await context.bot_data.engine.remind(update, context)


async def cancel(update: Update, context: Context) -> None:
    """Answers /cancel when no conversation is running."""
    await reply(update, t("cancel-nothing"), menu_for(context, context.who))


def is_greeting(text: str) -> bool:
    """True for a message that opens with a greeting («سلام»، «سلام، وقت بخیر»، «درود»)."""
    words = [search_key(w) for w in normalize(text).split()]
    for greeting in label("greeting-words").split("|"):
        wanted = [search_key(w) for w in greeting.split()]
        if words[: len(wanted)] == wanted:
            return True
    return False


async def unknown(update: Update, context: Context) -> None:
    """Answers a message that no feature understood, with the menu again; a greeting is
    greeted back as /start does (who they are here and where their work is)."""
    message = update.effective_message
    if message is not None and message.text and is_greeting(message.text):
        await start(update, context)
        return
    await reply(update, t("unknown-message"), menu_for(context, context.who))


async def on_my_status(update: Update, context: Context) -> None:
    """Notes when a user blocks the bot; says hello (once) when added to a Telegram group."""
    change = update.my_chat_member
    if change is None:
        return
    if change.chat.type in ("group", "supergroup"):
        joined = change.new_chat_member.status in (
            ChatMemberStatus.MEMBER,
            ChatMemberStatus.ADMINISTRATOR,
        )
        if joined and change.old_chat_member.status in (
            ChatMemberStatus.LEFT,
            ChatMemberStatus.BANNED,
        ):
            link = f"https://t.me/{context.bot.username}"
            markup = inline([[url_button(label("open-private"), link)]])
            await context.bot.send_message(
                change.chat.id, t("group-chat-hello"), reply_markup=markup
            )
        return
    if change.chat.type != "private":
        return
    if change.new_chat_member.status == ChatMemberStatus.BANNED:
        await context.store.volunteers.mark_blocked(change.chat.id)
        log.info("user %s blocked the bot", change.chat.id)


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (
    Command("start", "command-start", "", 0),
    Command("help", "command-help", "", 90),
    Command("cancel", "command-cancel", "", 91),
)
# Its main-menu button (bot.kit.menu): the last row, for everyone.
MENU = (MenuEntry("menu-help", 5, 2, everyone),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """/start, /help and the help menu button."""
    return [
        CommandHandler("start", start, filters=PRIVATE),
        CommandHandler("help", show_help, filters=PRIVATE),
        ChatMemberHandler(on_my_status, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(PRIVATE & menu_text("menu-help"), show_help),
    ]


def fallbacks() -> list[BaseHandler[Update, Context, Any]]:
    """What answers updates no feature took; registered after every feature."""
    return [
        CommandHandler("cancel", cancel, filters=PRIVATE),
        MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, unknown),
        CallbackQueryHandler(stale),
    ]
