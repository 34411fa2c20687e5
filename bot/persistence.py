"""Conversation states and user/chat data kept in SQLite through the application's database."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from db.state import StateRepo
from db.store import Store

Data = dict[Any, Any]
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


class SQLitePersistence(BasePersistence[Data, Data, Data]):
    """Stores conversation states and user/chat data as JSON rows; bot data is not persisted.

    python-telegram-bot hands changed states to the update_* methods, which only collect them;
    `commit()` writes what was collected in one transaction (with the record that an update was
    handled, when given). The application commits after every update (see bot.app), so a state
    is on disk as soon as it changes, and a crash never keeps half of an update's changes.
    Updates of different people run concurrently: whichever commits first writes the others'
    finished changes too, in the order they were collected.
    """

    def __init__(self, store: Store, update_interval: float = 60) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self.store = store
        self.state = store.state
        self._pending: dict[tuple[str, str | int], Any] = {}
        self._processed: list[int] = []  # handled updates whose record is not written yet

    async def _ready(self) -> StateRepo:
        """Opens the store on first use: PTB loads persistence before post_init runs."""
        await self.store.open()
        return self.state

    async def get_user_data(self) -> dict[int, Data]:
        """Loads every user's data."""
        return defaultdict(dict, await (await self._ready()).data("user"))

    async def get_chat_data(self) -> dict[int, Data]:
        """Loads every chat's data."""
        return defaultdict(dict, await (await self._ready()).data("chat"))

    async def get_bot_data(self) -> Data:
        """Bot data is built by the application, never loaded."""
        return {}

    async def get_callback_data(self) -> CDCData | None:
        """Arbitrary callback data is not used: buttons carry ids only."""
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        """Loads the states of one conversation."""
        stored = await (await self._ready()).conversations(name)
        return {tuple(json.loads(key)): state for key, state in stored.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Collects one conversation state (None: the conversation ended)."""
        self._pending[("conversation:" + name, json.dumps(list(key)))] = new_state

    async def update_user_data(self, user_id: int, data: Data) -> None:
        """Collects one user's data."""
        self._pending[("user", user_id)] = data

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        """Collects one chat's data."""
        self._pending[("chat", chat_id)] = data

    async def update_bot_data(self, data: Data) -> None:
        """Bot data is not persisted."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Arbitrary callback data is not used."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Collects the deletion of one chat's data."""
        self._pending[("chat", chat_id)] = None

    async def drop_user_data(self, user_id: int) -> None:
        """Collects the deletion of one user's data."""
        self._pending[("user", user_id)] = None

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        """Nothing to refresh: this process is the only writer."""

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        """Nothing to refresh: this process is the only writer."""

    async def refresh_bot_data(self, bot_data: Data) -> None:
        """Nothing to refresh: bot data is not persisted."""

    async def flush(self) -> None:
        """Writes whatever is still collected (python-telegram-bot calls this at shutdown)."""
        await self.commit()

    def collect_processed(self, update_id: int) -> None:
        """Collects the record that an update was handled, for the next commit."""
        self._processed.append(update_id)

    async def commit(self) -> None:
        """Writes the collected changes, and the records of handled updates, atomically; what a
        failed write (a full disk) could not write stays collected for the next commit."""
        batch, self._pending = self._pending, {}
        processed, self._processed = self._processed, []
        if not batch and not processed:
            return
        conversations: dict[tuple[str, str], Any] = {}
        data: dict[tuple[str, int], Any] = {}
        for (kind, key), value in batch.items():
            if kind.startswith("conversation:"):
                conversations[(kind.removeprefix("conversation:"), str(key))] = value
            else:
                data[(kind, int(key))] = value
        try:
            await self.state.save_changes(conversations, data, processed)
        except BaseException:
            for item, value in batch.items():  # keep what later updates did not replace
                self._pending.setdefault(item, value)
            self._processed[:0] = processed
            raise
