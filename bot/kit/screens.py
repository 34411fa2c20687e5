"""One live screen per person: a newer screen takes the buttons off the one it replaces.

A screen is what the bot shows a person in their private chat in answer to something they did:
the answer to a command, a menu button or a button press, or any message with buttons (all
sent with handlers.common.reply), and a flow's panel (the engine reports it). The newest screen
(message ids grow within a chat) is the live one. When another replaces it, the old one loses
its inline buttons (once, in the background, at low priority), and a press that still reaches it
(a slow client, a press on its way) is answered as old and changes nothing (`refuse_old`, run
before any feature). An older message edited in place (a flow's last word on a panel above a
screen shown since, as a save pressed on the review above «👥 گروه من») replaces nothing: the
newer screen keeps its buttons, and the older one keeps its own beside it until the next screen.

Messages that are not screens keep their buttons: notices to someone about another person's
doing (a request to approve, a returned report, a reminder) and review cards. A flow's panel
is the engine's: it is never stripped here (the engine strips it when its flow moves on), and its
buttons are bound to their question anyway. A message edited in place stays the same screen; a
message that gets buttons later (an export's status, when its file is out) asks whether it is
still the live screen first (db.screens.ScreenRepo.live).

The update being handled (and its context) is kept in a context variable for the task that
handles it, so that `reply` (which takes only the update) can record what it sent.
"""

from __future__ import annotations

import contextvars
import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.core.i18n import label
from bot.kit.access import is_menu_or_command
from bot.kit.context import Context
from bot.kit.engine import ENGINE, answer, strip_later
from db.database import is_storage_error
from db.screens import BUTTONS, FLOW, TEXT

log = logging.getLogger(__name__)

_serving: contextvars.ContextVar[tuple[Update, Context] | None] = contextvars.ContextVar(
    "khedmatyar_screen_update", default=None
)


def serve(update: Update, context: Context) -> None:
    """Marks the update this task handles, and its context (the middleware calls it first)."""
    _serving.set((update, context))


def kind_of(markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None) -> str:
    """BUTTONS for a message with inline buttons, else TEXT."""
    if isinstance(markup, InlineKeyboardMarkup) and any(markup.inline_keyboard):
        return BUTTONS
    return TEXT


async def shown(context: Context, chat_id: int, message_id: int, kind: str) -> None:
    """Records a message as the person's live screen; the ones it replaces lose their buttons
    (an older message edited in place replaces nothing: see db.screens.ScreenRepo.show).

    While the database cannot be written, the screen goes unrecorded (the older one keeps its
    buttons for a while): an answer that needs no write, such as /help, still goes out."""
    try:
        replaced = await context.store.screens.show(chat_id, message_id, kind)
    except Exception as exc:
        if not is_storage_error(exc):
            raise
        context.bot_data.storage.failed(exc)
        log.warning("screen %s of %s not recorded: %s", message_id, chat_id, exc)
        return
    for previous in replaced:
        strip_later(context, chat_id, previous.message_id)


async def panel(
    context: Context,
    chat_id: int,
    message_id: int,
    markup: InlineKeyboardMarkup | None,
    flow: bool,
) -> None:
    """Records a flow's panel (the engine calls it): a new one while the flow runs, or the
    panel that shows the flow's last word."""
    await shown(context, chat_id, message_id, FLOW if flow else kind_of(markup))


async def answered(
    message: Message, markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None
) -> None:
    """Records an answer sent in a private chat (by handlers.common.reply) as a screen: one with
    buttons, or any answer to a command, a menu button or a press. A word about typed text that
    answers nothing («متوجه نشدم») replaces no screen."""
    serving = _serving.get()
    if serving is None or message.chat.type != ChatType.PRIVATE:
        return
    update, context = serving
    kind = kind_of(markup)
    asked = update.callback_query is not None or (
        update.effective_message is not None and is_menu_or_command(update, context)
    )
    if kind == BUTTONS or asked:
        await shown(context, message.chat.id, message.message_id, kind)


async def delete(context: Context, query: CallbackQuery) -> None:
    """Deletes the pressed message, which then is no screen to take buttons off."""
    message = query.message
    await query.delete_message()
    if message is not None:
        await context.store.screens.forget(message.chat.id, message.message_id)


async def refuse_old(update: Update, context: Context) -> None:
    """Answers a press on a screen that a newer one replaced as old, and stops it there.

    Flow buttons are left to the engine, which binds each to its question."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or query.message is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    data = context.press
    if data is None or data.prefix == ENGINE or data.prefix in context.bot_data.engine.by_prefix:
        return
    old = await context.store.screens.replaced(chat.id, query.message.message_id)
    if old is None:
        return
    log.info("press on replaced screen %s of %s", old.message_id, chat.id)
    await answer(update, label("stale-screen"), alert=True)
    raise ApplicationHandlerStop
