"""Starting, running and stopping the application inside a running event loop.

`khedmatyar run` serves with `serve()`; code that shares its loop with other servers (the demo,
the tests, benchmarks) starts and stops with the functions below. A start that fails half way
stops what it had started (the database closed, the instance lock let go), so a process whose
start failed ends instead of hanging.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import Update

from bot.kit.context import App

log = logging.getLogger(__name__)

FENCED = 3  # the exit status of a process that lost the instance lock (fence)


def fence() -> None:
    """Ends the process at once, with status FENCED: it lost the instance lock, so another
    process may serve already, and whatever this one did next (a send, a write, a job) could
    double that one's. Nothing is flushed or sent: the process leaves what a kill -9 leaves,
    which the next holder takes over (the inbox replayed, claims resumed). Going back to
    waiting instead would mean rebuilding every in-memory part of a running application; a
    supervisor (systemd's Restart=) starts a fresh process, which waits."""
    logging.shutdown()
    os._exit(FENCED)


async def _start(app: App, receive: Callable[[], Awaitable[object]]) -> None:
    """Initialises the application, runs post_init, starts receiving updates and processing
    them; a failure on the way stops what had started."""
    try:
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        await receive()
        await app.start()
    except BaseException:
        await stop(app)
        raise


async def start_polling(app: App, *, poll_timeout: float = 10) -> None:
    """Initialises the application, runs post_init and starts polling and processing."""
    assert app.updater is not None
    polling = partial(
        app.updater.start_polling,
        timeout=int(poll_timeout),
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )
    await _start(app, polling)


async def start_webhook(
    app: App, *, listen: str, port: int, url_path: str, webhook_url: str, secret_token: str
) -> None:
    """Initialises the application, runs post_init, sets the webhook and starts listening; a
    request without the secret token in X-Telegram-Bot-Api-Secret-Token is refused (403)."""
    assert app.updater is not None
    listening = partial(
        app.updater.start_webhook,
        listen=listen,
        port=port,
        url_path=url_path,
        webhook_url=webhook_url,
        secret_token=secret_token,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )
    await _start(app, listening)


def runtime_tasks(app: App) -> list[asyncio.Task[object]]:
    """The background tasks python-telegram-bot runs a started application with: polling (not
    in webhook mode) and the update fetcher (no persistence loop: no PTB persistence is used).
    Nothing awaits them while the bot runs, so one that ends by itself would end in silence
    (read from python-telegram-bot's private attributes: tests/test_resilience.py notices if
    they are renamed)."""
    found = [
        getattr(app.updater, "_Updater__polling_task", None),
        getattr(app, "_Application__update_fetcher_task", None),
    ]
    return [task for task in found if isinstance(task, asyncio.Task)]


async def serve(app: App, start: Callable[[App], Awaitable[None]]) -> int:
    """Starts the application and runs it until SIGINT or SIGTERM (status 0) or until one of its
    background tasks ends by itself (logged; status 1: the bot cannot go on, so the process ends
    for its supervisor to start it again)."""
    await start(app)
    loop = asyncio.get_running_loop()
    asked = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, asked.set)
    stopping = asyncio.create_task(asked.wait(), name="khedmatyar:stop-signal")
    watched = runtime_tasks(app)
    try:
        done, _ = await asyncio.wait([stopping, *watched], return_when=asyncio.FIRST_COMPLETED)
        dead = [task for task in watched if task in done]
        for task in dead:
            why = "cancelled" if task.cancelled() else repr(task.exception())
            log.critical("%s ended by itself (%s): stopping the bot", task.get_name(), why)
        return 1 if dead else 0
    finally:
        stopping.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        await stop(app)


async def stop(app: App) -> None:
    """Stops polling and processing and runs post_shutdown (which records the last handled
    updates)."""
    if app.updater is not None and app.updater.running:
        try:
            await app.updater.stop()
        except Exception:  # polling that had died re-raises its error here
            log.exception("polling had stopped with an error")
    try:
        if app.running:
            await app.stop()
        await app.shutdown()
    finally:  # a flush the disk refused still closes the database and lets the lock go
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
