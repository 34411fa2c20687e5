"""The khedmatyar command: run the bot, the offline demo, migrations and backups."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from pathlib import Path

from telegram import Update

from bot.channel_cli import add_parser as add_channel_parser
from bot.config import Config, ConfigError, load_config
from bot.digest_preview import add_parser as add_digest_parser
from bot.export_cli import add_export_parser, run_export
from bot.i18n import label

log = logging.getLogger("khedmatyar")


def setup_logging(level: str) -> None:
    """Readable one-line logs; the HTTP client's per-request lines only when debugging."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
    if level != "DEBUG":
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="khedmatyar", description=label("cli-description"))
    parser.add_argument("--config", help=label("cli-config-help"))
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help=label("cli-run-help"))
    demo = commands.add_parser("demo", help=label("cli-demo-help"))
    # `run` without a token starts the demo, so it takes the demo's options too (`make run PORT=`).
    for sub in (run, demo):
        sub.add_argument("--port", type=int, default=8080, help=label("cli-port-help"))
        sub.add_argument("--data", default=".demo", help=label("cli-data-help"))
        sub.add_argument("--fresh", action="store_true", help=label("cli-fresh-help"))
    db = commands.add_parser("db", help=label("cli-db-help"))
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("migrate", help=label("cli-migrate-help"))
    backup = db_commands.add_parser("backup", help=label("cli-backup-help"))
    backup.add_argument("path")
    add_digest_parser(commands)
    add_channel_parser(commands)
    add_export_parser(commands)
    for sub in (*commands.choices.values(), *db_commands.choices.values()):
        sub.add_argument("--config", default=argparse.SUPPRESS, help=label("cli-config-help"))
    return parser


def run_bot(config: Config) -> None:
    """Runs the bot against the configured Bot API server until interrupted."""
    from bot.app import build_application

    app = build_application(config)
    tg = config.telegram
    log.info("khedmatyar starting (%s) against %s", tg.mode, tg.base_url)
    if tg.mode == "webhook":
        app.run_webhook(
            listen=tg.webhook_listen,
            port=tg.webhook_port,
            url_path="telegram",
            webhook_url=tg.webhook_url,
            secret_token=tg.webhook_secret or None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)


async def _migrate(config: Config) -> None:
    from db.database import Database
    from db.reference import seed_reference_data

    async with Database(config.database.path) as db:
        await seed_reference_data(db)
    print(label("cli-migrated", path=config.database.path))


async def _backup(config: Config, target: str) -> None:
    from db.database import Database

    db = Database(config.database.path)
    await db.open(migrate=False)
    try:
        await db.backup(target)
    finally:
        await db.close()
    print(label("cli-backed-up", path=target))


def _backup_or_say_why(config: Config, target: str) -> None:
    """Runs a backup; a folder, a missing folder or a full disk is said in one line."""
    path = Path(target)
    if path.is_dir():
        raise ConfigError(label("cli-backup-is-folder", path=target))
    try:
        asyncio.run(_backup(config, target))
    except (OSError, sqlite3.Error) as exc:  # no such folder, no permission, a full disk
        path.unlink(missing_ok=True)
        raise ConfigError(label("cli-backup-failed", path=target, why=str(exc))) from exc


def main(argv: list[str] | None = None) -> int:
    """Entry point of the khedmatyar command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        setup_logging(config.bot.log_level)
        command = args.command or "run"
        if command == "demo" or (command == "run" and not config.has_token):
            from bot.demo import run_demo

            if command == "run":
                print(label("cli-no-token"))
            port = getattr(args, "port", 8080)
            try:
                asyncio.run(
                    run_demo(
                        config,
                        port=port,
                        data=getattr(args, "data", ".demo"),
                        fresh=getattr(args, "fresh", False),
                    )
                )
            except OSError as exc:  # the port is taken, most likely
                raise ConfigError(label("cli-port-busy", port=str(port), why=str(exc))) from exc
        elif command == "run":
            run_bot(config)
        elif command == "digest":
            from bot.digest_preview import run as run_digest

            run_digest(config, args)
        elif command == "channel":
            from bot.channel_cli import run as run_channel

            run_channel(config, args)
        elif command == "export":
            return run_export(config.database.path, args, review=config.report.review)
        elif args.db_command == "migrate":
            asyncio.run(_migrate(config))
        else:
            if not Path(config.database.path).exists():
                raise ConfigError(label("cli-no-database", path=config.database.path))
            _backup_or_say_why(config, args.path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0
