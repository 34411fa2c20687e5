"""Pieces every feature uses: chat filters, replying, the main menu, cancelling a flow."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from datetime import timedelta
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
from bot.keyboards import MENU_KEYS, main_menu
from bot.principal import Principal, load_principal

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE


def menu_text(key: str) -> filters.MessageFilter:
    """A filter for a main-menu button, which arrives as the button's text."""
    return filters.Text([label(key)])


MENU_BUTTONS = filters.Text([label(key) for key in MENU_KEYS])
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


class FlowConversation(ConversationHandler[Context]):
    """A conversation whose draft (of kind `kind`) is its truth: without the draft it has ended."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = kind

    def is_open(self, chat_id: int, user_id: int) -> bool:
        """True when this conversation has a state for the user in that chat."""
        return (chat_id, user_id) in self._conversations

    def end_for(self, chat_id: int, user_id: int) -> None:
        """Ends the user's conversation in that chat (persisted with the next update)."""
        # PTB 22 has no public way to end a conversation from outside its handlers;
        # _update_state is how the handler itself ends one, persistence included.
        self._update_state(self.END, (chat_id, user_id))


# How a notice names a flow, by the kind of its draft.
FLOW_NAMES = {
    "report": "flow-name-report",
    "admin": "flow-name-admin",
    "group": "flow-name-group",
    "join": "flow-name-join",
}
# Flows that end quietly after a day idle (the report has its own reminder and notice).
QUIET_EXPIRY = ("admin", "group", "join")


def flows(context: Context) -> list[FlowConversation]:
    """The application's conversations that are backed by a draft."""
    return [h for h in context.application.handlers.get(0, []) if isinstance(h, FlowConversation)]


async def end_flow(context: Context, user_id: int, kind: str) -> None:
    """Ends a person's flow of one kind: its draft, its buttons and its conversation state."""
    stored = await context.store.state.draft(user_id, kind)
    if stored is not None:
        await strip_buttons(context, user_id, stored.data.get("panel"))
        await context.store.state.delete_draft(user_id, kind)
    for flow in flows(context):
        if flow.kind == kind:
            flow.end_for(user_id, user_id)


async def expire_idle_flows(context: Context) -> None:
    """Ends admin, group-creation and join flows left idle past the report's expiry time.

    The person is told once (an unanswered invite offer just loses its buttons).
    """
    idle = timedelta(hours=context.config.report.expiry_hours)
    for kind in QUIET_EXPIRY:
        for stored in await context.store.state.idle_drafts(kind, idle):
            await end_flow(context, stored.volunteer_id, kind)
            if kind != "join":
                text = t("flow-expired-notice", flow=label(FLOW_NAMES[kind]))
                await notify(context, stored.volunteer_id, text)


def conversation(
    name: str,
    entry_points: Sequence[BaseHandler[Update, Context, Any]],
    states: dict[Any, list[BaseHandler[Update, Context, Any]]],
    *,
    kind: str,
    cancel: Callback = cancel_flow,
    prefix: str | None = None,
) -> FlowConversation:
    """A persistent, named conversation per user and chat, as every flow of the bot is.

    `kind` names its draft: a conversation whose draft is gone (expired, cancelled, revoked)
    is ended before the next update reaches it (see handlers.middleware).
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
        return FlowConversation(
            kind,
            entry_points=list(entry_points),
            states=states,
            fallbacks=fallbacks,
            name=name,
            persistent=True,
        )
