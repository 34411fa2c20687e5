"""Pieces every feature uses: chat filters, replying, the main menu, cancelling a flow."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import Context
from bot.flow import END, Callback, answer, strip_buttons
from bot.i18n import Html, label, t
from bot.keyboards import main_menu
from bot.principal import Principal, load_principal

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE


def menu_text(key: str) -> filters.MessageFilter:
    """A filter for a main-menu button, which arrives as the button's text."""
    return filters.Text([label(key)])


MENU_BUTTONS = (
    menu_text("menu-report")
    | menu_text("menu-my-reports")
    | menu_text("menu-group")
    | menu_text("menu-help")
    | menu_text("menu-admin")
)
# Text a step of a conversation may take as its answer: not a command, not a menu button.
FREE_TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND & ~MENU_BUTTONS


def menu_for(who: Principal | None) -> ReplyKeyboardMarkup:
    """The main menu keyboard for a user's roles."""
    return main_menu(
        leader=bool(who and who.reporting_groups),
        admin=bool(who and (who.admin or who.coordinator)),
    )


async def reply(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> None:
    """Sends a message to the chat the update came from."""
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(text, reply_markup=markup)


async def notify(
    context: Context,
    user_id: int,
    text: str,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> bool:
    """Messages someone other than the sender; a user who blocked (or never started) the bot is
    noted and not written to again until they come back. Returns True when the message went out."""
    volunteer = await context.store.volunteers.get(user_id)
    if volunteer is not None and volunteer.blocked:
        return False
    try:
        await context.bot.send_message(user_id, text, reply_markup=markup)
    except Forbidden as exc:
        log.info("user %s cannot be messaged: %s", user_id, exc)
        await context.store.volunteers.mark_blocked(user_id)
        return False
    except TelegramError as exc:
        log.warning("could not message %s: %s", user_id, exc)
        return False
    return True


async def tell_new_leader(context: Context, user_id: int, text: str) -> None:
    """Tells someone they now lead a group, with the main menu that now lets them report."""
    who = await load_principal(context.store, context.config, user_id)
    await notify(context, user_id, Html(f"{text}\n\n{t('menu-now-leader')}"), menu_for(who))


def canceller(kind: str | None) -> Callback:
    """A /cancel or «انصراف» handler that drops the flow's draft and ends the conversation."""

    async def cancel(update: Update, context: Context) -> int:
        """Ends the conversation, drops its draft and shows the main menu."""
        await answer(update)
        if kind is not None and context.user_id is not None:
            stored = await context.store.state.draft(context.user_id, kind)
            if stored is not None and update.effective_chat is not None:
                await strip_buttons(context, update.effective_chat.id, stored.data.get("panel"))
            await context.store.state.delete_draft(context.user_id, kind)
        await reply(update, t("cancel-done"), menu_for(context.who))
        return END

    return cancel


cancel_flow = canceller(None)


async def busy(update: Update, context: Context) -> None:
    """Answers a menu button or command sent in the middle of a conversation."""
    await reply(update, t("busy"))


def conversation(
    name: str,
    entry_points: Sequence[BaseHandler[Update, Context, Any]],
    states: dict[Any, list[BaseHandler[Update, Context, Any]]],
    *,
    cancel: Callback = cancel_flow,
    prefix: str | None = None,
) -> ConversationHandler[Context]:
    """A persistent, named conversation per user and chat, as every flow of the bot is.

    /cancel and the flow's «انصراف» button (prefix:cancel) end it; a menu button or another
    command in the middle gets a short "finish or cancel" instead of starting a second flow.
    """
    fallbacks: list[BaseHandler[Update, Context, Any]] = [CommandHandler("cancel", cancel)]
    if prefix is not None:
        fallbacks.append(CallbackQueryHandler(cancel, pattern=rf"^{prefix}:cancel$"))
    fallbacks.append(MessageHandler(PRIVATE & (filters.COMMAND | MENU_BUTTONS), busy))
    with warnings.catch_warnings():
        # Button presses are tracked per user and chat on purpose: bot.flow's panel check makes
        # only the newest question's buttons act, which is what per_message would give.
        warnings.filterwarnings("ignore", message="If 'per_message=False'")
        return ConversationHandler(
            entry_points=list(entry_points),
            states=states,
            fallbacks=fallbacks,
            name=name,
            persistent=True,
        )
