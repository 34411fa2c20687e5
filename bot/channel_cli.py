"""`khedmatyar channel add|list|remove`: the channels that receive the weekly digest."""

from __future__ import annotations

import argparse
import asyncio

from bot.core.config import Config, ConfigError
from bot.core.i18n import label
from bot.core.text import to_latin_digits
from bot.digest.scope import parse_scope
from db.database import Database
from db.store import Store


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `channel add|list|remove` to the command line."""
    channel = commands.add_parser("channel", help=label("cli-channel-help"))
    sub = channel.add_subparsers(dest="channel_command", required=True)
    add = sub.add_parser("add", help=label("cli-channel-add-help"))
    add.add_argument("chat", help=label("cli-channel-chat-help"))
    add.add_argument("--scope", default="national", help=label("cli-digest-scope-help"))
    add.add_argument("--title", default="", help=label("cli-channel-title-help"))
    sub.add_parser("list", help=label("cli-channel-list-help"))
    remove = sub.add_parser("remove", help=label("cli-channel-remove-help"))
    remove.add_argument("chat", help=label("cli-channel-chat-help"))


def _chat_id(text: str) -> int:
    """A channel's numeric id (-100…), as Telegram gives it."""
    value = to_latin_digits(text.strip())
    if not value.lstrip("-").isdigit() or not value.startswith("-"):
        raise ConfigError(label("cli-channel-bad-chat", chat=text))
    return int(value)


async def _run(database: str, args: argparse.Namespace) -> None:
    store = Store(Database(database))
    await store.open()
    try:
        if args.channel_command == "add":
            chat = _chat_id(args.chat)
            scope = await parse_scope(store.db, args.scope)
            channel, new = await store.channels.add(chat, args.title or str(chat), scope)
            key = "cli-channel-added" if new else "cli-channel-updated"
            print(label(key, chat=str(chat), scope=args.scope))
        elif args.channel_command == "remove":
            chat = _chat_id(args.chat)
            if not await store.channels.remove(chat):
                raise ConfigError(label("cli-channel-unknown", chat=str(chat)))
            print(label("cli-channel-removed", chat=str(chat)))
        else:
            channels = await store.channels.all()
            if not channels:
                print(label("cli-channel-none"))
            for channel in channels:
                state = label("cli-channel-paused") if channel.paused else ""
                kind = channel.scope.kind.value
                name = f":{channel.scope_name}" if channel.scope_name else ""
                print(f"{channel.chat_id}\t{channel.title}\t{kind}{name}\t{state}".rstrip())
    finally:
        await store.close()


def run(config: Config, args: argparse.Namespace) -> None:
    """Runs a `channel` command against the configured database."""
    asyncio.run(_run(config.database.target, args))
