"""build_application(): the builder, defaults, persistence, rate limiter and ordered handlers."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, cast

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)

from bot.config import Config
from bot.context import App, BotData, Context
from bot.engine import Engine
from bot.jalali import TEHRAN
from bot.persistence import SQLitePersistence
from db.database import Clock, Database, system_clock
from db.store import Store
from handlers import (
    admin,
    campaign_admin,
    common,
    errors,
    group,
    lookups,
    middleware,
    my_reports,
    new_group,
    onboarding,
    report,
    start,
)

log = logging.getLogger(__name__)


class KhedmatyarApplication(Application[Any, Context, Any, Any, BotData, Any]):
    """Application that skips redelivered updates and persists state right after each update."""

    async def process_update(self, update: object) -> None:
        """Handles an update once, then writes changed conversation state to SQLite."""
        store = self.bot_data.store
        update_id = update.update_id if isinstance(update, Update) else None
        if update_id is not None and await store.state.was_processed(update_id):
            log.info("skipping redelivered update %s", update_id)
            return
        await super().process_update(update)
        await self.update_persistence()
        if update_id is not None:
            await store.state.mark_processed(update_id)


async def _post_init(app: App) -> None:
    """Opens the database and registers the Persian command list."""
    await app.bot_data.store.open()
    await start.register_commands(app.bot, app.bot_data.config.bot.admins)
    jobs = app.job_queue
    assert jobs is not None
    jobs.run_repeating(
        _forget_old_updates,
        interval=timedelta(hours=6),
        first=timedelta(minutes=1),
        name="forget-processed-updates",
    )
    jobs.run_repeating(
        _tidy_flows,
        interval=timedelta(minutes=1),
        first=timedelta(seconds=30),
        name="idle-flows",
    )


async def _post_shutdown(app: App) -> None:
    """Closes the database after persistence has been flushed."""
    await app.bot_data.store.close()


async def _tidy_flows(context: Context) -> None:
    """Reminds once about a flow left idle, and ends those idle too long."""
    settings = context.config.report
    await context.bot_data.engine.tidy(
        context,
        remind_after=timedelta(minutes=settings.reminder_minutes),
        expire_after=timedelta(hours=settings.expiry_hours),
    )


async def _forget_old_updates(context: Context) -> None:
    """Drops the record of handled updates older than two days."""
    await context.store.state.forget_processed(timedelta(days=2))


def build_application(
    config: Config, *, base_url: str | None = None, clock: Clock = system_clock
) -> App:
    """Builds the bot's Application from config; base_url overrides the configured server, and
    clock is the one clock every part reads the time from (tests set it)."""
    server = (base_url or config.telegram.base_url).rstrip("/")
    store = Store(Database(config.database.path, clock))
    context_types = ContextTypes(context=Context, bot_data=BotData)
    app = cast(
        App,
        ApplicationBuilder()
        .application_class(KhedmatyarApplication)
        .token(config.telegram.token)
        .base_url(f"{server}/bot")
        .base_file_url(f"{server}/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=TEHRAN))
        .context_types(context_types)
        .persistence(SQLitePersistence(store))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build(),
    )
    engine = Engine(
        [
            report.FLOW,
            new_group.FLOW,
            admin.FLOW,
            onboarding.FLOW,
            lookups.RANGE_FLOW,
            lookups.FIND_FLOW,
            campaign_admin.FLOW,
        ],
        common.menu_for,
        common.notify,
    )
    app.bot_data.attach(store, config, engine)

    # Order matters: the middleware (negative groups) records the user and checks permissions
    # before any feature handler sees the update; features live in group 0.
    for number, handlers in middleware.handlers().items():
        app.add_handlers(handlers, group=number)
    # Then the engine takes whatever answers an open flow (typed text, media, its buttons).
    app.add_handler(TypeHandler(Update, engine.route), group=-10)
    # Features in group 0: commands, menu buttons and buttons outside flows.
    for feature in (
        report,
        onboarding,
        new_group,
        admin,
        group,
        my_reports,
        lookups,
        campaign_admin,
        start,
    ):
        app.add_handlers(feature.handlers())
    app.add_handlers(start.fallbacks())  # last: whatever no feature took
    app.add_error_handler(errors.on_error)
    return app
