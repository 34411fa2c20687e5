"""The one error handler: logs with context, apologises to the user, tells admins once."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

from bot.context import Context
from bot.i18n import t

log = logging.getLogger(__name__)


def _signature(error: BaseException) -> str:
    """Type and innermost frame of an error, to report each distinct failure once."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


async def on_error(update: object, context: Context) -> None:
    """Logs the error with the update that caused it and answers the user politely."""
    error = context.error
    if error is None:
        return
    user_id = (
        update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    )
    if isinstance(error, Forbidden) and user_id is not None:
        log.info("user %s blocked the bot: %s", user_id, error)
        await context.store.volunteers.mark_blocked(user_id)
        return
    if isinstance(error, NetworkError):
        log.warning("network error (python-telegram-bot retries polling itself): %s", error)
        return
    desc = update.to_dict() if isinstance(update, Update) else repr(update)
    log.error("error while handling update %s", desc, exc_info=error)
    if (
        isinstance(update, Update)
        and update.effective_chat
        and update.effective_chat.type == "private"
    ):
        try:
            await context.bot.send_message(update.effective_chat.id, t("error-generic"))
        except TelegramError:
            log.warning("could not tell user %s about the error", user_id)
    signature = _signature(error)
    if signature in context.bot_data.reported_errors:
        return
    context.bot_data.reported_errors.add(signature)
    for admin in context.config.bot.admins:
        try:
            await context.bot.send_message(admin, t("error-admin-notice", error=signature))
        except TelegramError:
            log.warning("could not notify admin %s", admin)
