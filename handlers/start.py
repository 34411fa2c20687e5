"""/start (with invite deep links), /help, /cancel, and the answers nothing else gave."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.context import Context
from bot.engine import stale
from bot.i18n import Html, label, t
from bot.keyboards import inline, url_button
from handlers.common import PRIVATE, menu_for, menu_text, reply
from handlers.group_view import offer_onboarding

log = logging.getLogger(__name__)


async def start(update: Update, context: Context) -> None:
    """Greets the user with the main menu; an invite payload offers to join its group."""
    user = update.effective_user
    if user is None:
        return
    who = context.who
    role_welcome = None
    if who is not None and who.admin:
        role_welcome = "start-welcome-admin"
    elif who is not None and who.coordinator:
        role_welcome = "start-welcome-coordinator"
    elif who is not None and who.reporting_groups:
        role_welcome = "start-welcome-leader"
    elif who is not None and who.memberships:
        role_welcome = "start-welcome-back"
    if role_welcome is not None:
        await reply(update, t(role_welcome, name=user.first_name), menu_for(who))
        await context.bot_data.engine.remind(update, context)
        return
    await reply(update, t("start-welcome", name=user.first_name), menu_for(who))
    await offer_onboarding(update, context)


async def show_help(update: Update, context: Context) -> None:
    """Lists what this person can do, then shows the open flow's question again, if any."""
    who = context.who
    parts = [t("help-title")]
    if who is not None and who.reporting_groups:
        parts.append(t("help-leader"))
    parts.append(t("help-member"))
    parts.append(t("help-lookups"))
    if who is not None and (who.admin or who.coordinator):
        parts.append(t("help-overseer"))
        parts.append(t("help-export"))
    if who is not None and who.reviews:
        parts.append(t("help-review"))
    parts.append(t("help-footer"))
    await reply(update, Html("\n\n".join(parts)), menu_for(who))
    await context.bot_data.engine.remind(update, context)


async def cancel(update: Update, context: Context) -> None:
    """Answers /cancel when no conversation is running."""
    await reply(update, t("cancel-nothing"), menu_for(context.who))


async def unknown(update: Update, context: Context) -> None:
    """Answers a message that no feature understood, with the menu again."""
    await reply(update, t("unknown-message"), menu_for(context.who))


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


async def register_commands(bot: ExtBot[None], admins: tuple[int, ...] = ()) -> None:
    """Registers the command list with Persian descriptions (admins also see /admin)."""
    commands = [
        BotCommand("start", label("command-start")),
        BotCommand("report", label("command-report")),
        BotCommand("myreports", label("command-myreports")),
        BotCommand("group", label("command-group")),
        BotCommand("stats", label("command-stats")),
        BotCommand("campaign", label("command-campaign")),
        BotCommand("top", label("command-top")),
        BotCommand("find", label("command-find")),
        BotCommand("join", label("command-join")),
        BotCommand("help", label("command-help")),
        BotCommand("cancel", label("command-cancel")),
    ]
    await bot.set_my_commands(commands)
    for admin in admins:
        try:
            await bot.set_my_commands(
                [
                    *commands,
                    BotCommand("admin", label("command-admin")),
                    BotCommand("digest", label("command-digest")),
                    BotCommand("review", label("command-review")),
                    BotCommand("export", label("command-export")),
                ],
                scope=BotCommandScopeChat(admin),
            )
        except TelegramError as exc:
            log.info("admin %s has not started the bot yet (%s)", admin, exc)


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
