"""build_application(): the builder, defaults, rate limiter and ordered handlers."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Protocol, cast

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    ContextTypes,
    Defaults,
    TypeHandler,
)

from bot.core.config import Config
from bot.core.i18n import t
from bot.core.jalali import TEHRAN
from bot.digest.post import post_due_digests, resume_unfinished
from bot.export.build import resume_exports
from bot.kit import outbox, screens
from bot.kit.access import Policy
from bot.kit.commands import changed, refresh, refresh_everyone, set_default
from bot.kit.context import App, BotData, Context
from bot.kit.engine import BUTTONS as ENGINE_BUTTONS
from bot.kit.engine import Engine, Flow
from bot.reminders.send import TICK as REMINDERS_TICK
from bot.reminders.send import remind_silent_groups
from bot.runtime.inbox import InboxQueue, StorageHealth, replay
from bot.runtime.ratelimit import PriorityRateLimiter
from bot.runtime.updates import PersonJobQueue, PersonUpdateProcessor
from db.database import Clock, Database, is_storage_error, system_clock
from db.instance import instance_lock
from db.stats import Counting
from db.store import Store
from handlers import (
    admin,
    campaign_admin,
    campaign_map,
    channels,
    common,
    digest,
    errors,
    export,
    group,
    inline,
    join_requests,
    lookups,
    middleware,
    my_reports,
    new_group,
    onboarding,
    reminders,
    report,
    review,
    service_types,
    start,
)
from handlers.report.steps import resume_album_answers

log = logging.getLogger(__name__)

# Every step-by-step flow the engine runs (tests read this list too).
FLOWS = (
    report.FLOW,
    new_group.FLOW,
    admin.FLOW,
    onboarding.FLOW,
    channels.FLOW,
    channels.SCHEDULE,
    lookups.RANGE_FLOW,
    lookups.FIND_FLOW,
    campaign_admin.FLOW,
    service_types.FLOW,
    review.REASON_FLOW,
    export.FLOW,
)

# Every feature, in the order its handlers are registered (group 0).
FEATURES = (
    report,
    onboarding,
    new_group,
    channels,
    admin,
    group,
    my_reports,
    lookups,
    join_requests,
    campaign_admin,
    campaign_map,
    service_types,
    export,
    digest,
    reminders,
    review,
    inline,
    start,
)


class Feature(Protocol):
    """A feature module: its handlers, and what it declares beside them (each optional):
    BUTTONS (bot.kit.buttons), COMMANDS (bot.kit.commands) and MENU (bot.kit.menu)."""

    def handlers(self) -> list[BaseHandler[Update, Context, Any]]:
        """Fresh handler objects for its commands, menu buttons and buttons outside flows."""
        ...


def policy(features: Sequence[Feature] = FEATURES, flows: Sequence[Flow[Any]] = FLOWS) -> Policy:
    """Who may press what: every button the features and flows declare (tests read it too)."""
    families = [f for feature in features for f in getattr(feature, "BUTTONS", ())]
    return Policy([*ENGINE_BUTTONS, *families], flows)


# Updates of different people handled at once. Each waits mostly on Telegram's round trips and
# the rate limiter, so many fit; the bound keeps a burst from starting thousands of tasks.
CONCURRENT_UPDATES = 64


class KhedmatyarApplication(Application[Any, Context, Any, Any, BotData, Any]):
    """Application that skips redelivered updates and records each one handled right after it.

    Updates of different people run concurrently (bot.runtime.updates.PersonUpdateProcessor); one
    person's updates run one at a time, so the redelivery check, the update and its commit never
    overlap another update of the same person. The commit writes the record that the update was
    handled (bot.runtime.persistence); while the database takes no writes, it waits in memory and
    the storage probe writes it when it does again.
    """

    async def initialize(self) -> None:
        """Takes the instance lock and opens the database before anything else, then initialises
        as python-telegram-bot does (post_shutdown closes both, also after a failure here)."""
        if self.bot_data.instance is not None:
            await self.bot_data.instance.acquire()
        try:
            await self.bot_data.store.open()
            await super().initialize()
        except BaseException:
            await self.bot.shutdown()  # shutdown() skips an application never initialised
            raise

    async def process_update(self, update: object) -> None:
        """Handles an update once, then writes changed conversation state to SQLite."""
        store = self.bot_data.store
        update_id = update.update_id if isinstance(update, Update) else None
        skip = self._person_processor().skip(update)
        if skip is not None and isinstance(update, Update):
            # Written down with the person's next update, which waits behind it.
            self.bot_data.handled.collect(update.update_id)
            self.create_task(self._skip(update, tell=skip), name="khedmatyar:skipped-update")
            return
        if update_id is not None and await store.state.was_processed(update_id):
            log.info("skipping redelivered update %s", update_id)
            if self.bot_data.storage.ok:
                await store.state.drop_received(update_id)
            return
        await super().process_update(update)
        if update_id is not None:
            self.bot_data.handled.collect(update_id)
        await self._commit()

    async def _commit(self) -> None:
        """Writes the records of handled updates, unless the database takes no writes now (the
        storage probe writes it then); a storage failure here is noted, not raised: the update
        was answered already."""
        storage = self.bot_data.storage
        if not storage.ok:
            return
        try:
            await self.bot_data.handled.commit()
        except Exception as exc:
            if not is_storage_error(exc):
                raise
            storage.failed(exc)

    async def _skip(self, update: Update, *, tell: bool) -> None:
        """Answers an update left out of a person's backlog (bot.runtime.updates.BACKLOG_MAX): a
        press is answered, and the first left out of a backlog says so. Runs beside the person's
        next updates, so that leaving out a thousand takes no longer than reading them."""
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            chat = update.effective_chat
            if tell and chat is not None and chat.type == ChatType.PRIVATE:
                await self.bot.send_message(chat.id, t("backlog-skipped"))
        except TelegramError as exc:
            log.info("could not answer a skipped update %s: %s", update.update_id, exc)

    def _person_processor(self) -> PersonUpdateProcessor:
        """The update processor."""
        assert isinstance(self.update_processor, PersonUpdateProcessor)
        return self.update_processor


async def _post_init(app: App) -> None:
    """Opens the database and registers the Persian command list."""
    await app.bot_data.store.open()
    await replay(app.bot_data.store, app.bot, app.update_queue)
    await set_default(app.bot, app.bot_data.commands)
    jobs = app.job_queue
    assert jobs is not None
    # Admins' and coordinators' own «/» menus (and anyone's set before), where they changed.
    jobs.run_once(refresh_everyone, when=timedelta(seconds=1), name="command-menus")
    jobs.run_repeating(
        _forget_old_updates,
        interval=timedelta(hours=6),
        first=timedelta(minutes=1),
        name="forget-processed-updates",
    )
    # A digest cut short by a crash is completed at once, before any new one is due; so are the
    # answers to albums and the exports that a stop cut off.
    jobs.run_once(resume_unfinished, when=timedelta(seconds=1), name="digest-resume")
    jobs.run_once(resume_album_answers, when=timedelta(seconds=1), name="album-resume")
    jobs.run_once(resume_exports, when=timedelta(seconds=1), name="export-resume")
    jobs.run_repeating(
        post_due_digests,
        interval=timedelta(minutes=5),
        first=timedelta(seconds=20),  # a week missed while the bot was down goes out soon
        name="digest-tick",
    )
    jobs.run_repeating(
        remind_silent_groups,
        interval=REMINDERS_TICK,  # each tick sends its share of the window (bot.reminders.send)
        first=timedelta(seconds=60),
        name="reminder-tick",
    )
    # Notices to people (decisions, roles, joins) written with their change: sent at start-up
    # (what a stop left), after each change (`outbox.kick`) and every few seconds (retries).
    jobs.run_repeating(
        outbox.send_due,
        interval=outbox.INTERVAL,
        first=timedelta(seconds=1),
        name=outbox.JOB,
        job_kwargs={"max_instances": 2},  # a run while a long pass goes on only asks it to go on
    )
    jobs.run_repeating(
        outbox.forget_sent,
        interval=timedelta(hours=6),
        first=timedelta(minutes=2),
        name="outbox-forget",
    )
    jobs.run_repeating(
        _tidy_flows,
        interval=timedelta(minutes=1),
        first=timedelta(seconds=30),
        name="idle-flows",
    )


async def _post_shutdown(app: App) -> None:
    """Writes the last records of handled updates, closes the database, then lets the instance
    lock go."""
    if app.bot_data.storage.ok:
        try:
            await app.bot_data.handled.commit()
        except Exception as exc:  # replayed from the inbox at the next start: skipped then
            if not is_storage_error(exc):
                raise
            log.warning("could not record the last handled updates: %s", exc)
    await app.bot_data.storage.close()
    await app.bot_data.store.close()
    if app.bot_data.instance is not None:
        await app.bot_data.instance.release()


async def _probe_storage(app: App) -> None:
    """A write that fails while the database takes none, then what waited for it."""
    await app.bot_data.store.state.probe()
    await app.bot_data.handled.commit()


async def _announce_storage(app: App, ok: bool) -> None:
    """Tells the admins that the database takes no writes, or takes them again."""
    for person in app.bot_data.config.bot.admins:
        try:
            await app.bot.send_message(person, t("storage-back" if ok else "storage-failing"))
        except TelegramError as exc:
            log.warning("could not tell admin %s about the storage: %s", person, exc)


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
    config: Config,
    *,
    base_url: str | None = None,
    clock: Clock = system_clock,
    features: Sequence[Feature] = FEATURES,
    flows: Sequence[Flow[Any]] = FLOWS,
) -> App:
    """Builds the bot's Application from config; base_url overrides the configured server, and
    clock is the one clock every part reads the time from (tests set it). The kit runs the
    features and flows given (the bot's own by default; the kit's tests give toy ones)."""
    server = (base_url or config.telegram.base_url).rstrip("/")
    store = Store(Database(config.database.target, clock), Counting(config.stats.counting))
    storage = StorageHealth()
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
        .update_queue(InboxQueue(store, storage))
        .rate_limiter(PriorityRateLimiter())
        .concurrent_updates(PersonUpdateProcessor(CONCURRENT_UPDATES))
        .job_queue(PersonJobQueue())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build(),
    )
    engine = Engine(
        list(flows),
        common.menu_for,
        outbox.send_now,
        on_screen=screens.panel,
        roles_changed=refresh,
        menus_changed=changed,
    )
    app.bot_data.attach(store, config, engine)
    app.bot_data.policy = policy(features, flows)
    app.bot_data.instance = instance_lock(config.database.target)
    app.bot_data.storage = storage
    storage.attach(lambda: _probe_storage(app), lambda ok: _announce_storage(app, ok))

    # Order matters: the middleware (negative groups) records the user and checks permissions
    # before any feature handler sees the update; features live in group 0.
    for number, handlers in middleware.handlers().items():
        app.add_handlers(handlers, group=number)
    # Then the engine takes whatever answers an open flow (typed text, media, its buttons).
    app.add_handler(TypeHandler(Update, engine.route), group=-10)
    # Features in group 0: commands, menu buttons and buttons outside flows.
    for feature in features:
        app.add_handlers(feature.handlers())
    # Each feature's commands, for the «/» menus and /help (bot.kit.commands).
    app.bot_data.commands = tuple(c for f in features for c in getattr(f, "COMMANDS", ()))
    # Each feature's main-menu buttons (bot.kit.menu).
    app.bot_data.menu = tuple(e for f in features for e in getattr(f, "MENU", ()))
    # Last: whatever no feature took (a location outside any question finds the groups near it).
    app.add_handlers([*lookups.fallbacks(), *start.fallbacks()])
    app.add_error_handler(errors.on_error)
    return app
