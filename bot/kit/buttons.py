"""Buttons as each feature declares them: a family of inline buttons per callback prefix.

A feature declares, beside its handlers, the families of buttons it makes (`BUTTONS`): for each
action, who may press it (a rule of bot.kit.access) and the ids its data carries, by name. A flow
declares the rule of its buttons on its `Flow`. bot.app collects every feature's families and
every flow into one `bot.kit.access.Policy`, which checks each press before any feature sees it; no
central table of button strings exists. Callback data stays `prefix:action[:id...]`, ids only,
at most 64 bytes (bot.kit.keyboards.cb builds it, bot.kit.keyboards.parse_cb reads it).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler

from bot.kit.keyboards import Callback, button, cb

if TYPE_CHECKING:
    from bot.kit.context import Context
    from bot.kit.principal import Principal
    from db.store import Store

# May this person press this button (its ids re-checked against the database)?
Rule = Callable[["Principal", Callback, "Store"], Awaitable[bool]]
# A screen a press shows: it answers the press itself (or the flow it starts does).
Show = Callable[[Update, "Context", Callback], Awaitable[None]]
# May this person go on with a flow whose stored draft is this?
FlowRule = Callable[["Principal", dict[str, Any], "Store"], Awaitable[bool]]
# The locale key of a refusal, or a function choosing it by the person.
Refusal = str | Callable[["Principal | None"], str]


class Action:
    """One action of a family: who may press it and the ids it carries, by name."""

    __slots__ = ("ids", "name", "rule")

    def __init__(self, name: str, rule: Rule, ids: tuple[str, ...]) -> None:
        self.name = name
        self.rule = rule
        self.ids = ids


def allow(rule: Rule, *actions: str, ids: str = "") -> dict[str, Action]:
    """Actions pressed under one rule, each carrying the ids named in `ids` (space-separated;
    the rules read the first: "group", "report", "member", "province", "request")."""
    names = tuple(ids.split())
    return {action: Action(action, rule, names) for action in actions}


class Buttons:
    """A family of buttons: one callback prefix and its actions (see `allow`)."""

    def __init__(self, prefix: str, *actions: Mapping[str, Action]) -> None:
        merged: dict[str, Action] = {}
        for group in actions:
            for name, action in group.items():
                if name in merged:
                    raise ValueError(f"{prefix}:{name} is declared twice")
                merged[name] = action
        self.prefix = prefix
        self.actions: Mapping[str, Action] = MappingProxyType(merged)

    def cb(self, action: str, *ids: int) -> str:
        """Callback data of a declared action; raises ValueError for one not declared here."""
        declared = self.actions.get(action)
        if declared is None or len(ids) > len(declared.ids):
            raise ValueError(f"undeclared button {self.prefix}:{action} with {len(ids)} ids")
        return cb(self.prefix, action, *ids)

    def button(self, text: str, action: str, *ids: int) -> InlineKeyboardButton:
        """An inline button of a declared action."""
        return button(text, self.cb(action, *ids))

    def handler(
        self, callback: Callable[[Update, Any], Coroutine[Any, Any, None]], *actions: str
    ) -> CallbackQueryHandler[Any, Any]:
        """A handler for presses of these actions (all of the family when none is named); the
        access policy has checked each press, and its ids, before it arrives."""
        names = actions or tuple(self.actions)
        missing = [name for name in names if name not in self.actions]
        if missing:
            raise ValueError(f"undeclared buttons {self.prefix}:{missing}")
        alternatives = "|".join(re.escape(name) for name in names)
        return CallbackQueryHandler(
            callback, pattern=rf"^{re.escape(self.prefix)}:(?:{alternatives})(?::\d+)*$"
        )

    def screens(self, table: Mapping[str, Show]) -> CallbackQueryHandler[Any, Any]:
        """One handler for the screens of these actions: a press shows the screen its action
        names in `table` (action → screen), given the press parsed (`Context.press`)."""

        async def dispatch(update: Update, context: Context) -> None:
            """Shows the screen the pressed action names."""
            if context.press is not None:
                await table[context.press.action](update, context, context.press)

        return self.handler(dispatch, *table)

    def takes(self, data: Callback) -> Action | None:
        """The declared action a press names, when it carries no more ids than declared."""
        action = self.actions.get(data.action)
        if action is None or len(data.ids) > len(action.ids):
            return None
        return action
