"""Starting and stopping the application inside a running event loop (demo, tests, benchmarks).

`khedmatyar run` uses python-telegram-bot's run_polling/run_webhook, which call post_init and
post_shutdown themselves; code that shares its loop with other servers (the demo, the tests,
benchmarks) uses these instead.
"""

from __future__ import annotations

from telegram import Update

from bot.context import App


async def start_polling(app: App, *, poll_timeout: float = 10) -> None:
    """Initialises the application, runs post_init and starts polling and processing."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(
        timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
    )
    await app.start()


async def start_webhook(
    app: App, *, listen: str, port: int, url_path: str, webhook_url: str, secret_token: str
) -> None:
    """Initialises the application, runs post_init, sets the webhook and starts listening; a
    request without the secret token in X-Telegram-Bot-Api-Secret-Token is refused (403)."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_webhook(
        listen=listen,
        port=port,
        url_path=url_path,
        webhook_url=webhook_url,
        secret_token=secret_token,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )
    await app.start()


async def stop(app: App) -> None:
    """Stops polling and processing, flushes persistence and runs post_shutdown."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
