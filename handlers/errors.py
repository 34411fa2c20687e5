"""The one error handler: logs with context, apologises to the user, tells admins once.

The network failing under an update (a dropped connection, a time-out) is no fault of the code:
it is logged in one line, without a traceback, and the person is told that an answer may not
have reached them, not that something went wrong. Nor is a storage failure (a full or read-only
disk, a lock held too long): the person is told that saving is impossible for now, and the admins
hear of it once per outage, from the storage probe (bot/runtime/inbox.py), which also notices when
writes work again."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.core.i18n import t
from bot.kit.context import Context
from bot.runtime.ratelimit import transient
from db.database import is_storage_error
from handlers.common import notify

log = logging.getLogger(__name__)


def _signature(error: BaseException) -> str:
    """Type and innermost frame of an error, to report each distinct failure once."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


async def on_error(update: object, context: Context) -> None:
    """Logs the error with the update that caused it and answers the user politely; no later
    handler takes that update (it would answer the press or the message a second time)."""
    error = context.error
    if error is None:
        return
    storage = is_storage_error(error)
    if storage:
        context.bot_data.storage.failed(error)
    if not isinstance(update, Update):
        if context.job is not None and storage:  # it runs again later, when storage may work
            log.warning("job %s could not write: %s", context.job.name, error)
            return
        if context.job is not None:  # a job failed: its traceback, and the admins told once
            log.error("job %s failed", context.job.name, exc_info=error)
            await _tell_admins(context, error)
            return
        # Polling trouble (the network, Telegram's side): python-telegram-bot retries by itself.
        log.warning("error outside an update: %s", error)
        return
    user = update.effective_user
    if isinstance(error, Forbidden) and user is not None:
        log.info("user %s cannot be messaged: %s", user.id, error)
        await context.store.volunteers.mark_blocked(user.id)
        return
    network = not storage and isinstance(error, NetworkError) and transient(error)
    if storage:
        log.warning("update %s could not be saved: %s", update.update_id, error)
    elif network:
        log.warning("the network failed while handling update %s: %s", update.update_id, error)
    else:
        log.error("error while handling update %s", update.to_dict(), exc_info=error)
    if update.callback_query is not None:  # a press left unanswered spins until Telegram gives up
        try:
            await update.callback_query.answer()
        except TelegramError as exc:
            log.info("could not answer the press: %s", exc)
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        try:
            apology = (
                "error-storage" if storage else "error-network" if network else "error-generic"
            )
            await context.bot.send_message(chat.id, t(apology))
        except TelegramError as exc:
            log.warning("could not tell user %s about the error: %s", chat.id, exc)
    if not storage:
        await _tell_admins(context, error)
    raise ApplicationHandlerStop


async def _tell_admins(context: Context, error: BaseException) -> None:
    """Tells the admins about a kind of failure once; transient network trouble not at all."""
    signature = _signature(error)
    transient = isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    if transient or signature in context.bot_data.reported_errors:
        return
    context.bot_data.reported_errors.add(signature)
    for admin in context.config.bot.admins:
        await notify(context, admin, t("error-admin-notice", error=signature))
