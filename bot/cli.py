"""The khedmatyar command: run the bot, the offline demo, migrations and backups."""

from __future__ import annotations

import argparse
import asyncio
import base64
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.channel_cli import add_parser as add_channel_parser
from bot.core.config import Config, ConfigError, DatabaseConfig, is_postgresql, load_config
from bot.core.i18n import label
from bot.digest_preview import add_parser as add_digest_parser
from bot.export_cli import add_export_parser, run_export
from db.database import BackupRefused, BackupUnsupported, Database, SchemaMismatch, driver_errors
from db.instance import Holder, InstanceBusy, instance_lock, instances
from db.store import Store

if TYPE_CHECKING:
    from bot.kit.context import App

log = logging.getLogger("khedmatyar")

WEBHOOK_SECRET = "webhook"  # the name of the secret the database keeps for the webhook


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
    commands.add_parser("status", help=label("cli-status-help"))
    db = commands.add_parser("db", help=label("cli-db-help"))
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("migrate", help=label("cli-migrate-help"))
    backup = db_commands.add_parser("backup", help=label("cli-backup-help"))
    backup.add_argument("path")
    copy = db_commands.add_parser("copy", help=label("cli-copy-help"))
    copy.add_argument("--to", required=True, metavar="URL", help=label("cli-copy-to-help"))
    add_digest_parser(commands)
    add_channel_parser(commands)
    add_export_parser(commands)
    for sub in (*commands.choices.values(), *db_commands.choices.values()):
        sub.add_argument("--config", default=argparse.SUPPRESS, help=label("cli-config-help"))
    return parser


def run_bot(config: Config) -> int:
    """Runs the bot against the configured Bot API server until interrupted; returns the exit
    status (1 when a background task of the runtime died)."""
    return asyncio.run(_run_bot(config))


async def _run_bot(config: Config) -> int:
    """Checks the database, then serves; a database that cannot be served is said in one line."""
    from bot.app import build_application
    from bot.runner import fence, serve, start_polling, start_webhook

    secret = await _ready_database(config)
    app = build_application(config)
    # On PostgreSQL a second process waits to take over, and one that loses the lock ends.
    app.bot_data.instance = instance_lock(config.database.target, standby=True, on_lost=fence)
    tg = config.telegram
    log.info("khedmatyar starting (%s) against %s", tg.mode, tg.base_url)
    start: Callable[[App], Awaitable[None]] = start_polling
    if tg.mode == "webhook":
        start = partial(
            start_webhook,
            listen=tg.webhook_listen,
            port=tg.webhook_port,
            url_path="telegram",
            webhook_url=tg.webhook_url,
            secret_token=secret,
        )
    try:
        return await serve(app, start)
    except InstanceBusy as exc:
        raise ConfigError(_busy_line(config.database.shown, exc)) from exc
    except driver_errors() as exc:
        raise ConfigError(_unusable_line(config, exc)) from exc


async def _ready_database(config: Config) -> str:
    """Opens the database as the bot will and checks that it can serve it: one it can open and
    write, with this code's migrations (a new one gets them here); returns the webhook secret
    (the configured one, else one the database makes once and keeps)."""
    async with _opened(config) as store:
        if await store.db.check_schema(allow_missing=False) is None:
            await store.db.migrate()  # a new database: made here, as the bot always did
        await store.state.probe()  # a read-only file opens, and fails here
        tg = config.telegram
        if tg.mode != "webhook" or tg.webhook_secret:
            return tg.webhook_secret
        raw = await store.secrets.get(WEBHOOK_SECRET)
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@asynccontextmanager
async def _opened(config: Config) -> AsyncIterator[Store]:
    """The configured database, opened without migrating and closed after; a schema the code
    does not know, or a database that cannot be opened or written, is said in one line."""
    store = Store(Database(config.database.target))
    try:
        await store.db.open(migrate=False)
        try:
            yield store
        finally:
            await store.db.close()
    except SchemaMismatch as exc:
        raise ConfigError(_schema_line(config, exc)) from exc
    except driver_errors(OSError) as exc:
        raise ConfigError(_unusable_line(config, exc)) from exc


def _unusable_line(config: Config, exc: BaseException) -> str:
    """The line that says a database cannot be opened or written, and why."""
    return label("cli-database-unusable", path=config.database.shown, why=str(exc))


def _busy_line(path: str, exc: InstanceBusy) -> str:
    """The line that names the process already serving the database."""
    holder = exc.holder
    if holder is None:
        return label("cli-instance-busy-unknown", path=path)
    return label(
        "cli-instance-busy",
        path=path,
        pid=str(holder.pid),
        host=holder.host,
        since=holder.since,
    )


def _status(config: Config) -> int:
    """Says which process serves the database and which wait to take over; 0 when one serves,
    1 when none does."""
    path = config.database.shown
    try:
        found = asyncio.run(instances(config.database.target))
    except driver_errors(OSError) as exc:
        raise ConfigError(_unusable_line(config, exc)) from exc

    def named(holder: Holder) -> dict[str, str]:
        return {"pid": str(holder.pid), "host": holder.host, "since": holder.since}

    if found.serving is not None:
        print(label("cli-status-serving", path=path, **named(found.serving)))
    else:
        print(label("cli-status-unnamed" if found.held else "cli-status-nobody", path=path))
    for holder in found.waiting:
        print(label("cli-status-waiting", **named(holder)))
    if found.held and not found.waiting and is_postgresql(config.database.target):
        print(label("cli-status-no-standby"))
    return 0 if found.held else 1


def _schema_line(config: Config, exc: SchemaMismatch) -> str:
    """The line that says which migrations the database has that this code lacks (refused,
    also by `db migrate`), or lacks that this code has (`db migrate` applies them)."""
    path = config.database.shown
    if exc.counting:
        return label("cli-schema-counting", path=path)
    if exc.unknown:
        return label("cli-schema-newer", path=path, versions=_versions(exc.unknown))
    return label("cli-schema-behind", path=path, versions=_versions(exc.missing))


def _versions(numbers: Iterable[int]) -> str:
    """Migration numbers as their files name them: 0010, 0011."""
    return ", ".join(f"{number:04d}" for number in numbers)


async def _migrate(config: Config) -> None:
    """Applies the migrations the database lacks (saying which); refuses one written by a
    newer version."""
    from db.reference import seed_reference_data

    async with _opened(config) as store:
        applied = await store.db.migrate()
        await seed_reference_data(store.db)
    if applied:
        print(label("cli-migrations-applied", versions=_versions(applied)))
    print(label("cli-migrated", path=config.database.shown))


async def _backup(config: Config, target: str) -> None:
    db = Database(config.database.target)
    await db.open(migrate=False)
    try:
        await db.backup(target)
    finally:
        await db.close()
    print(label("cli-backed-up", path=target))


def _backup_or_say_why(config: Config, target: str) -> None:
    """Runs a backup; a folder, a missing folder, a full disk or a target that is the live
    database (or one of its files, or a file that is no database) is said in one line. A failed
    backup removes only the file it was writing (see Database.backup)."""
    path = Path(target)
    if path.is_dir():
        raise ConfigError(label("cli-backup-is-folder", path=target))
    try:
        asyncio.run(_backup(config, target))
    except BackupRefused as exc:
        key = "cli-backup-is-live" if exc.live else "cli-backup-not-database"
        raise ConfigError(label(key, path=target)) from exc
    except BackupUnsupported as exc:
        raise ConfigError(label("cli-backup-postgresql", path=config.database.shown)) from exc
    except driver_errors(OSError) as exc:  # no such folder, no permission, a full disk
        raise ConfigError(label("cli-backup-failed", path=target, why=str(exc))) from exc


def _copy_or_say_why(config: Config, url: str) -> None:
    """Copies the SQLite database ([database] path) into the empty PostgreSQL one at url and
    checks every table; what stops it is said in one line (nothing is written then)."""
    from db.copy import Copied, CopyRefused, copy

    source, shown = config.database.path, DatabaseConfig(url=url).shown
    if not is_postgresql(url):
        raise ConfigError(label("config-error", key="--to", why=label("config-why-database-url")))
    if not Path(source).exists():
        raise ConfigError(label("cli-no-database", path=source))

    async def prepare() -> None:
        """The source must be at this code's schema; the target gets it."""
        async with _opened(replace(config, database=DatabaseConfig(path=source))) as store:
            await store.db.check_schema(allow_missing=False)
        async with Database(url):  # its migrations and counting triggers
            pass

    def said(table: Copied) -> None:
        print(label("cli-copy-table", table=table.table, rows=table.rows))

    try:
        asyncio.run(prepare())
        copied = copy(source, url, said)
    except CopyRefused as exc:
        key = {
            "target-not-empty": "cli-copy-not-empty",
            "tables-differ": "cli-copy-tables-differ",
        }.get(exc.why, "cli-copy-mismatch")
        raise ConfigError(label(key, url=shown, path=source, details=exc.details)) from exc
    except driver_errors(OSError) as exc:
        raise ConfigError(label("cli-copy-failed", url=shown, why=str(exc))) from exc
    rows = sum(table.rows for table in copied)
    print(label("cli-copied", path=source, url=shown, tables=len(copied), rows=rows))


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
            data = getattr(args, "data", ".demo")
            try:
                asyncio.run(
                    run_demo(config, port=port, data=data, fresh=getattr(args, "fresh", False))
                )
            except InstanceBusy as exc:  # another demo on the same data folder
                raise ConfigError(_busy_line(str(Path(data) / "demo.db"), exc)) from exc
            except OSError as exc:  # the port is taken, most likely
                raise ConfigError(label("cli-port-busy", port=str(port), why=str(exc))) from exc
        elif command == "run":
            return run_bot(config)
        elif command == "status":
            return _status(config)
        elif command == "digest":
            from bot.digest_preview import run as run_digest

            run_digest(config, args)
        elif command == "channel":
            from bot.channel_cli import run as run_channel

            run_channel(config, args)
        elif command == "export":
            return run_export(config.database.target, args, review=config.report.review)
        elif args.db_command == "migrate":
            asyncio.run(_migrate(config))
        elif args.db_command == "copy":
            _copy_or_say_why(config, args.to)
        else:
            if (
                not is_postgresql(config.database.target)
                and not Path(config.database.path).exists()
            ):
                raise ConfigError(label("cli-no-database", path=config.database.path))
            _backup_or_say_why(config, args.path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0
