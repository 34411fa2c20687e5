"""Shared machinery of the step-by-step conversations: typed drafts, the panel, busy and stale.

A conversation keeps its answers in one typed draft (a dataclass) stored in SQLite on every
change, so that it survives restarts. Its questions appear in one "panel" message: a button
press edits the panel into the next question, a typed answer gets a fresh panel (and the old
one loses its buttons). Buttons of any other message are stale and change nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar, Self

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ConversationHandler

from bot.context import Context
from bot.i18n import label, t
from bot.ratelimit import LOW, send_priority

log = logging.getLogger(__name__)

Callback = Callable[[Update, Context], Coroutine[Any, Any, object]]
END = ConversationHandler.END


@dataclasses.dataclass
class Draft:
    """Base of every conversation's draft: its identity and the message holding its buttons."""

    KIND: ClassVar[str] = ""

    key: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    panel: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Builds a draft from stored JSON, ignoring fields a newer or older version had."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        """The draft as JSON-ready data."""
        return dataclasses.asdict(self)


async def load_draft[D: Draft](context: Context, cls: type[D]) -> D | None:
    """Returns the user's stored draft of this kind, or None."""
    assert context.user_id is not None
    stored = await context.store.state.draft(context.user_id, cls.KIND)
    return None if stored is None else cls.from_dict(stored.data)


async def resume_draft[D: Draft](update: Update, context: Context, cls: type[D]) -> D | None:
    """Loads the running conversation's draft; says so when it expired (or was cancelled)."""
    draft = await load_draft(context, cls)
    if draft is None:
        await answer(update)
        chat = update.effective_chat
        if chat is not None:
            await chat.send_message(t("flow-expired"))
    return draft


async def save_draft(context: Context, draft: Draft) -> None:
    """Stores the draft now (not at shutdown), restarting its idle clock."""
    assert context.user_id is not None
    await context.store.state.save_draft(context.user_id, draft.KIND, draft.to_dict())


async def drop_draft(context: Context, kind: str) -> None:
    """Deletes the user's draft of this kind."""
    assert context.user_id is not None
    await context.store.state.delete_draft(context.user_id, kind)


def on_panel(update: Update, draft: Draft) -> bool:
    """True when a button press came from the draft's current panel message."""
    query = update.callback_query
    return bool(query and query.message and query.message.message_id == draft.panel)


async def strip_buttons(context: Context, chat_id: int, message_id: int | None) -> None:
    """Removes the inline keyboard of an older message, ignoring one that has none any more."""
    if message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest:
        pass  # already without buttons, or deleted by the user
    except TelegramError as exc:
        log.info("could not strip buttons of %s: %s", message_id, exc)


def strip_later(context: Context, chat_id: int, message_id: int | None) -> None:
    """Takes the buttons off an older message in the background, at low priority.

    The person waits for the answer, not for this: it runs after the answer was sent, behind
    every interactive and bulk send in the rate limiter, and its errors are logged, never raised.
    """
    if message_id is None:
        return

    async def run() -> None:
        """Strips the buttons, logging whatever goes wrong."""
        try:
            with send_priority(LOW):
                await strip_buttons(context, chat_id, message_id)
        except Exception:
            log.warning("could not strip buttons of %s in %s", message_id, chat_id, exc_info=True)

    context.application.create_task(run(), name=f"strip-buttons-{chat_id}-{message_id}")


async def _present(
    update: Update, context: Context, draft: Draft, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Edits the panel after its own button, else sends a new one (old buttons go later)."""
    chat = update.effective_chat
    assert chat is not None
    query = update.callback_query
    if query is not None and on_panel(update, draft):
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc):
                return
            log.info("panel edit failed, sending a new one: %s", exc)
    old_panel = draft.panel
    sent = await context.bot.send_message(chat.id, text, reply_markup=markup)
    draft.panel = sent.message_id
    strip_later(context, chat.id, old_panel)


async def show(
    update: Update,
    context: Context,
    draft: Draft,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Shows the next question in the panel and saves the draft with it."""
    await _present(update, context, draft, text, markup)
    await save_draft(context, draft)


async def finish(
    update: Update,
    context: Context,
    draft: Draft,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Shows the flow's last word in the panel and deletes the draft.

    Buttons given here must be handled outside the conversation, which has ended.
    """
    await _present(update, context, draft, text, markup)
    await drop_draft(context, draft.KIND)


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answers a button press (every press must be answered), optionally with a toast."""
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(text, show_alert=alert)
        except TelegramError as exc:
            log.info("could not answer callback query: %s", exc)


async def stale(update: Update, context: Context) -> None:
    """Answers a button of a finished conversation: politely, changing nothing."""
    await answer(update, label("stale-button"), alert=True)


async def earlier_step(update: Update) -> None:
    """Answers a button of an earlier question of the running conversation, changing nothing."""
    await answer(update, label("stale-step"), alert=True)
