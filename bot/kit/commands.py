"""The commands each person has: their «/» menu in Telegram and their /help, from one list.

Every feature declares the commands it answers (`COMMANDS` beside its handlers): the command,
the locale keys of its short description (the «/» menu) and of its /help line, its place in
both lists, who has it, and who may use it (a rule of bot.kit.access checks it before any feature:
a command without one is anyone's). A person's list is what their roles give them now.

Telegram shows the default list (the one set without a scope) to everyone without a list of
their own; that list is a newcomer's, which is also a member's (keep the two the same: every
member would need a list of their own otherwise). Anyone whose list differs (a
leader, a coordinator, an admin, granted in the bot or named in the config) gets one for their
chat (BotCommandScopeChat): whenever their roles change, at /start, and at start-up for the
admins and coordinators and everyone who has one (each only where it changed since it was set:
a new wording, review turned on or off). A person back on the default list has theirs deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.core.i18n import label
from bot.kit.buttons import Refusal, Rule
from bot.kit.context import Context
from bot.kit.principal import Principal, load_principal

log = logging.getLogger(__name__)

Audience = Callable[[Principal], bool]


def everyone(who: Principal) -> bool:
    """Anyone who writes to the bot."""
    return True


def overseers(who: Principal) -> bool:
    """Admins and coordinators."""
    return who.admin or who.coordinator


def admins(who: Principal) -> bool:
    """Admins."""
    return who.admin


def reviewers(who: Principal) -> bool:
    """Admins and coordinators while reports are reviewed."""
    return who.reviews


def leaders(who: Principal) -> bool:
    """Leaders of an active group: those who report."""
    return bool(who.reporting_groups)


def volunteers(who: Principal) -> bool:
    """People of the groups: members, leaders and newcomers (an admin or a coordinator only
    when they belong to a group)."""
    return bool(who.memberships) or not overseers(who)


def founders(who: Principal) -> bool:
    """Those who may start a group and lead none yet: newcomers and members (one list, so a
    member's «/» menu stays the default one)."""
    return not who.reporting_groups and not overseers(who)


@dataclass(frozen=True, slots=True)
class Command:
    """A command a feature answers, and who has it."""

    name: str
    description: str  # locale key: its short description in the «/» menu, given $role ("": none)
    help: str  # locale key: its /help line, given $role (see role_of) ("": in the menu only)
    rank: int  # its place in the menu and in /help, lowest first
    audience: Audience = everyone
    rule: Rule | None = None  # who may use it (bot.kit.access); None: anyone who writes
    refusal: Refusal = "not-allowed-menu"  # what the others are told


NOBODY = Principal(user_id=0)  # a newcomer: the default list is theirs


def role_of(who: Principal) -> str:
    """The role a /help line may speak to: admin, coordinator, leader, member or newcomer."""
    if who.admin:
        return "admin"
    if who.coordinator:
        return "coordinator"
    if who.reporting_groups:
        return "leader"
    return "member" if who.memberships else "newcomer"


def commands_for(commands: Iterable[Command], who: Principal) -> list[Command]:
    """The commands this person has, in their order."""
    return sorted((c for c in commands if c.audience(who)), key=lambda c: c.rank)


def menu_of(commands: Iterable[Command], who: Principal) -> list[BotCommand]:
    """This person's «/» menu: the commands their /help lists (and /start, /help, /cancel),
    each described for their role as its /help line is."""
    role = role_of(who)
    return [
        BotCommand(c.name, label(c.description, role=role))
        for c in commands_for(commands, who)
        if c.description
    ]


def _as_text(menu: Sequence[BotCommand]) -> str:
    """A list as it is remembered: one «command description» a line."""
    return "\n".join(f"{c.command} {c.description}" for c in menu)


async def set_default(bot: ExtBot[None], commands: Iterable[Command]) -> None:
    """Sets the list everyone without one of their own sees (a newcomer's)."""
    await bot.set_my_commands(menu_of(commands, NOBODY))


def _wanted(commands: Iterable[Command], who: Principal) -> tuple[list[BotCommand], str | None]:
    """The person's «/» menu, and how it is remembered (None: the default list)."""
    mine = menu_of(commands, who)
    return mine, None if mine == menu_of(commands, NOBODY) else _as_text(mine)


async def changed(context: Context, who: Principal) -> bool:
    """True when the «/» menu of the person's roles now is not the one set for their chat: their
    roles changed in a way their menus show (not when a member joins a second group)."""
    _, wanted = _wanted(context.bot_data.commands, who)
    return await context.store.screens.commands(who.user_id) != wanted


async def refresh(context: Context, who: Principal) -> None:
    """Gives a person the «/» menu of their roles now, unless they have it already."""
    mine, wanted = _wanted(context.bot_data.commands, who)
    screens = context.store.screens
    if await screens.commands(who.user_id) == wanted:
        return
    scope = BotCommandScopeChat(who.user_id)
    try:
        if wanted is None:
            await context.bot.delete_my_commands(scope=scope)
        else:
            await context.bot.set_my_commands(mine, scope=scope)
    except TelegramError as exc:  # never started the bot, or blocked it: next time
        log.info("could not set the commands of %s: %s", who.user_id, exc)
        return
    await screens.set_commands(who.user_id, wanted)


async def refresh_for(context: Context, user_id: int) -> None:
    """Gives someone (whose roles just changed) the «/» menu of their roles now."""
    await refresh(context, await load_principal(context.store, context.config, user_id))


async def refresh_everyone(context: Context) -> None:
    """At start-up, after the default list: each list of one's own that changed since it was
    set (a new wording, review turned on or off, an admin named in the config)."""
    store, config = context.store, context.config
    for user_id in await store.screens.with_own_commands(config.bot.admins):
        await refresh(context, await load_principal(store, config, user_id))
