"""The typed callback context: handlers reach the repositories and config through it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.config import Config
from bot.kit.keyboards import Callback, parse_cb
from bot.kit.principal import Principal
from bot.runtime.inbox import StorageHealth
from bot.runtime.persistence import HandledUpdates
from db.instance import InstanceLock
from db.store import Store

if TYPE_CHECKING:
    from bot.kit.access import Policy
    from bot.kit.commands import Command
    from bot.kit.engine import Engine
    from bot.kit.menu import MenuEntry


class BotData:
    """Application-wide objects, set once by build_application()."""

    def __init__(self) -> None:
        self._store: Store | None = None
        self._config: Config | None = None
        self._engine: Engine | None = None
        self.instance: InstanceLock | None = None  # held while this process serves the database
        self.storage = StorageHealth()  # whether the database takes writes right now
        self.reported_errors: set[str] = set()
        self.exports: set[int] = set()  # people whose export is being built: one at a time each
        self.digests_sending: set[int] = set()  # ledger ids this process is posting right now
        self.outbox_sending = asyncio.Lock()  # one pass over the outbox at a time
        self.outbox_again = False  # a pass is asked to look once more before it ends
        self._handled: HandledUpdates | None = None
        self.commands: tuple[Command, ...] = ()  # every feature's commands (bot.kit.commands)
        self.menu: tuple[MenuEntry, ...] = ()  # every feature's main-menu buttons (bot.kit.menu)
        self._policy: Policy | None = None

    @property
    def policy(self) -> Policy:
        """Who may press what: every button the features and flows declare (bot.kit.access)."""
        if self._policy is None:
            raise RuntimeError("policy is not attached")
        return self._policy

    @policy.setter
    def policy(self, policy: Policy) -> None:
        self._policy = policy

    def attach(self, store: Store, config: Config, engine: Engine) -> None:
        """Binds the store, config and flow engine of this application."""
        self._store, self._config, self._engine = store, config, engine
        self._handled = HandledUpdates(store.state)

    @property
    def handled(self) -> HandledUpdates:
        """The record of handled updates not written yet (bot.runtime.persistence)."""
        if self._handled is None:
            raise RuntimeError("store is not attached")
        return self._handled

    @property
    def engine(self) -> Engine:
        """The engine that runs every flow."""
        if self._engine is None:
            raise RuntimeError("engine is not attached")
        return self._engine

    @property
    def store(self) -> Store:
        """The repositories."""
        if self._store is None:
            raise RuntimeError("store is not attached")
        return self._store

    @property
    def config(self) -> Config:
        """The configuration."""
        if self._config is None:
            raise RuntimeError("config is not attached")
        return self._config


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to the store, the config and the user's roles."""

    who: Principal | None = None
    # The button pressed, parsed once as the update arrives (None: no press, or data that no
    # button of this bot carries, which the access policy refuses before any feature).
    press: Callback | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> Context:
        """The context of one update; a press's callback data is parsed here, and only here."""
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.callback_query is not None:
            context.press = parse_cb(update.callback_query.data)
        return context

    @property
    def user_id(self) -> int | None:
        """The id of the person the update is from (the middleware loaded their roles)."""
        return self.who.user_id if self.who is not None else None

    @property
    def store(self) -> Store:
        """The repositories of the application."""
        return self.bot_data.store

    @property
    def config(self) -> Config:
        """The configuration of the application."""
        return self.bot_data.config


App = Application[ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, Any]
