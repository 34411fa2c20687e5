"""Who may do what: the one policy every command, menu button and inline button passes through.

Every command and every button is checked here, before any feature handler runs
(handlers.middleware calls check_access in a negative handler group). Callback data is client
input: a button no feature declared (bot.kit.buttons) is refused, and a declared action's rule
re-checks the ids it carries against the database. Handlers then look rows up by id and refuse
what does not exist. Ids are range-checked once, in bot.kit.keyboards.parse_cb. Typed answers inside
a flow are held to the flow's own rule (Flow.allowed): on every update, each open flow of the
person is checked against their role at that moment (handlers.middleware.guard_flows), so a role
lost mid-flow ends the flow at the next update.

The rules below are the policy's vocabulary; the features say which rule holds each of their
buttons (their `BUTTONS`, and `rule`/`rules` on a Flow), and bot.app collects them in a Policy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.core.i18n import label, t
from bot.kit.buttons import Action, Buttons, FlowRule, Refusal, Rule
from bot.kit.context import Context
from bot.kit.keyboards import Callback
from bot.kit.menu import MenuEntry, entry_of, main_menu
from bot.kit.principal import Principal
from db.store import Store

if TYPE_CHECKING:
    from bot.kit.commands import Command
    from bot.kit.engine import Flow

log = logging.getLogger(__name__)

__all__ = ["FlowRule", "Refusal", "Rule"]


async def anyone(who: Principal, data: Callback, store: Store) -> bool:
    """Any registered user."""
    return True


async def admin(who: Principal, data: Callback, store: Store) -> bool:
    """Admins only."""
    return who.admin


async def overseer(who: Principal, data: Callback, store: Store) -> bool:
    """Admins and coordinators."""
    return who.admin or who.coordinator


async def leader_of_first(who: Principal, data: Callback, store: Store) -> bool:
    """The leader of the group whose id comes first in the data."""
    return who.leads(data.id(0))


async def member_of_first(who: Principal, data: Callback, store: Store) -> bool:
    """A member (any role) of the group whose id comes first in the data."""
    return who.member_of(data.id(0))


async def overseer_of_first_group(who: Principal, data: Callback, store: Store) -> bool:
    """An admin, or a coordinator of the province of the group whose id comes first."""
    if who.admin:
        return True
    group_id = data.id(0)
    group = await store.groups.get(group_id) if group_id is not None else None
    return group is not None and who.oversees(group.province_id)


async def overseer_of_first_province(who: Principal, data: Callback, store: Store) -> bool:
    """An admin, or a coordinator of the province whose id comes first in the data."""
    return who.oversees(data.id(0))


async def reporter(who: Principal, data: Callback, store: Store) -> bool:
    """Anyone who leads at least one active group (and so may report)."""
    return bool(who.reporting_groups)


async def reporter_of_first_report(who: Principal, data: Callback, store: Store) -> bool:
    """The volunteer who saved the report whose id comes first in the data."""
    report = await store.reports.get(data.id(0) or 0)
    return report is not None and report.reporter_id == who.user_id


async def overseer_of_first_report(who: Principal, data: Callback, store: Store) -> bool:
    """An admin, or a coordinator of the province of the report whose id comes first."""
    report = await store.reports.get(data.id(0) or 0)
    return report is not None and who.oversees(report.province_id)


async def overseer_of_report_and_origin(who: Principal, data: Callback, store: Store) -> bool:
    """An admin, or a coordinator of the province of the report whose id comes first and of
    the report it was opened from (the second id, if any: its receipt is on a button)."""
    for report_id in data.ids[:2]:
        report = await store.reports.get(report_id)
        if report is None or not who.oversees(report.province_id):
            return False
    return bool(data.ids)


async def leader_of_first_request(who: Principal, data: Callback, store: Store) -> bool:
    """A leader of the group a request to join (whose id comes first in the data) is for."""
    request = await store.join_requests.get(data.id(0) or 0)
    return request is not None and who.leads(request.group_id)


async def offered_to_join(who: Principal, data: Callback, store: Store) -> bool:
    """Someone who was shown an invite (by its code) and has not answered yet."""
    stored = await store.state.draft(who.user_id, "join")
    return stored is not None and stored.data.get("invite_id") is not None


async def anyone_goes_on(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Flows anyone may be in (joining, creating a group, a search)."""
    return True


async def admins_go_on(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Flows for admins (a digest channel, a service type)."""
    return who.admin


@dataclass(frozen=True, slots=True)
class Declared:
    """One button as declared: its `prefix:action`, its rule, and the ids it carries by name (a
    flow's buttons: its question's number last, after whatever its step reads)."""

    key: str
    rule: Rule
    ids: tuple[str, ...]
    flow: bool


class Policy:
    """Every button the bot makes, collected from the features' families and the flows."""

    def __init__(self, families: Iterable[Buttons], flows: Iterable[Flow[Any]]) -> None:
        merged: dict[str, dict[str, Action]] = {}
        for family in families:
            into = merged.setdefault(family.prefix, {})
            for name, action in family.actions.items():
                if name in into:
                    raise ValueError(f"{family.prefix}:{name} is declared twice")
                into[name] = action
        self.families: Mapping[str, Mapping[str, Action]] = merged
        self.flows: dict[str, Flow[Any]] = {}
        for flow in flows:
            if flow.prefix in merged or flow.prefix in self.flows:
                raise ValueError(f"the prefix {flow.prefix} is taken twice")
            self.flows[flow.prefix] = flow

    def rule(self, data: Callback) -> Rule | None:
        """The rule of a press, or None when no feature makes such a button."""
        flow = self.flows.get(data.prefix)
        if flow is not None:
            if data.action in flow.actions:
                return flow.rules.get(data.action, flow.rule)
            return None
        action = self.families.get(data.prefix, {}).get(data.action)
        if action is None or len(data.ids) > len(action.ids):
            return None
        return action.rule

    def declared(self) -> list[Declared]:
        """Every button, for the tests that press each one as every role."""
        found = [
            Declared(f"{prefix}:{name}", action.rule, action.ids, False)
            for prefix, actions in self.families.items()
            for name, action in actions.items()
        ]
        for prefix, flow in self.flows.items():
            for name in sorted(flow.actions):
                found.append(
                    Declared(f"{prefix}:{name}", flow.rules.get(name, flow.rule), ("seq",), True)
                )
        return found


def _command(update: Update) -> str | None:
    message = update.effective_message
    text = message.text if message and message.text else ""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else None


def is_menu_or_command(update: Update, context: Context) -> bool:
    """True for a command or a main-menu button: what works in the middle of any flow."""
    message = update.effective_message
    text = message.text if message and message.text else None
    return _command(update) is not None or entry_of(context.bot_data.menu, text) is not None


async def check_access(update: Update, context: Context) -> bool:
    """Returns True when the update may go on to the feature handlers; refuses politely if not."""
    who = context.who
    if update.callback_query is not None:
        query = update.callback_query
        data = context.press
        rule = context.bot_data.policy.rule(data) if data else None
        if who is not None and data is not None and rule is not None:  # noqa: SIM102
            if await rule(who, data, context.store):
                return True
        engine = context.bot_data.engine
        if (
            data is not None
            and data.prefix in engine.by_prefix
            and await engine.finished(update, context)
        ):
            return False  # a flow's button on the panel where it finished: told what was done
        log.warning("refused button %r from user %s", query.data, who and who.user_id)
        try:
            await query.answer(
                label("not-allowed") if rule else label("stale-button"), show_alert=True
            )
        except TelegramError:
            log.info("could not answer a refused callback query")
        return False
    message = update.effective_message
    command = _command(update)
    declared: Command | MenuEntry | None
    if command is not None:
        declared = next((c for c in context.bot_data.commands if c.name == command), None)
    else:
        declared = entry_of(context.bot_data.menu, message.text if message else None)
    if declared is None or declared.rule is None:
        return True  # open to all; unknown commands reach the fallback, which explains them
    rule, refusal = declared.rule, declared.refusal
    if who is not None and await rule(who, Callback("cmd", command or "menu", ()), context.store):
        return True
    if message is not None:  # privately with the menu of their roles: the way on
        text = t(refusal(who) if callable(refusal) else refusal)
        private = message.chat.type == ChatType.PRIVATE
        menu = main_menu(context.bot_data.menu, who) if private else None
        await message.reply_text(text, reply_markup=menu)
        if private:  # a question they were answering is still open: shown again, keyboard too
            await context.bot_data.engine.remind(update, context)
    return False
