"""The application's database, on one of two engines behind one interface.

`Database(target)` opens SQLite when the target is a file path (the default: one file, WAL, one
process) and PostgreSQL when it is a `postgresql://` URL ([database] url). Repositories and use
cases call only what this class offers and write the portable subset of SQL (`?` placeholders,
`ON CONFLICT`, `RETURNING`, `COALESCE`, `CASE`); what differs between the engines lives in one
class per engine (db/engines/): connecting, transactions and their write lock, migrations,
backup, and the few SQL pieces that differ (date arithmetic, index hints), which repositories
ask the database for by name. No module outside db/ knows which engine it runs on.

Every write is serialised, as SQLite's one writer does it: on SQLite by the file's write lock
(`BEGIN IMMEDIATE`), on PostgreSQL by a transaction-level advisory lock that every writing
transaction takes first. Reads never wait for it.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from bot.core.config import is_postgresql

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
Params = Sequence[Any] | dict[str, Any]


Clock = Callable[[], datetime]
"""Returns the current time as an aware datetime: the one clock of the application."""


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


def utcnow() -> str:
    """Returns the real current time as ISO 8601 UTC (migrations only; code uses Database.stamp)."""
    return system_clock().isoformat(timespec="seconds")


class Row(Protocol):
    """A result row, read by position or by column name (both engines' rows are this)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Any]: ...


# SQLite's primary result codes that say the storage, not the statement, failed: another
# connection held the lock past busy_timeout, the disk is full or read-only, the file cannot be
# opened or read, or it is not a database.
_STORAGE_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PROTOCOL,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_NOTADB,
        sqlite3.SQLITE_PERM,
    }
)
_STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EIO, errno.EDQUOT, errno.EACCES})
# PostgreSQL's SQLSTATE classes and codes that say the same: the connection is gone, the server
# is out of room or shutting down, or will take no writes (a standby, a read-only transaction).
_PG_STORAGE_CLASSES = ("08", "53", "57", "58", "XX")
_PG_STORAGE_CODES = frozenset({"25006", "55P03", "40P01"})


def driver_errors(*also: type[Exception]) -> tuple[type[Exception], ...]:
    """The error classes of the database drivers (and `also`): sqlite3's, and psycopg's once it
    is loaded (only a PostgreSQL database loads it: SQLite users never pay for importing it)."""
    psycopg = sys.modules.get("psycopg")
    found: tuple[type[Exception], ...] = (
        (sqlite3.Error,)
        if psycopg is None
        else (
            sqlite3.Error,
            psycopg.Error,
        )
    )
    return (*found, *also)


def is_storage_error(error: BaseException) -> bool:
    """True when an error says the database could not be read or written (a full or read-only
    disk, a lock held too long, a lost connection), not that a statement or the code was wrong."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _STORAGE_CODES
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(error, psycopg.Error):
        state = error.sqlstate
        if state is None:  # no answer from the server at all: the connection failed
            return isinstance(error, psycopg.OperationalError)
        return state[:2] in _PG_STORAGE_CLASSES or state in _PG_STORAGE_CODES
    return isinstance(error, OSError) and error.errno in _STORAGE_ERRNOS


class SchemaMismatch(Exception):
    """The database's recorded migrations differ from the code's: some are unknown to this code
    (a newer version wrote them), or some of the code's were never applied (the generated
    counting triggers of an older rule count as one of those: `db migrate` renews them)."""

    def __init__(
        self, unknown: Sequence[int], missing: Sequence[int], *, counting: bool = False
    ) -> None:
        super().__init__(
            f"unknown migrations {list(unknown)}, missing {list(missing)}, counting {counting}"
        )
        self.unknown = tuple(unknown)
        self.missing = tuple(missing)
        self.counting = counting  # the counting triggers follow an older definition


class BackupRefused(Exception):
    """A backup target that must not be written: the live database or one of its files, or an
    existing file that is not an SQLite database."""

    def __init__(self, target: Path, live: bool) -> None:
        super().__init__(f"refused backup target {target}")
        self.target = target
        self.live = live  # True: the database itself, its -wal, -shm, journal or lock file


class BackupUnsupported(Exception):
    """The engine keeps its own backups (PostgreSQL: pg_dump, base backups)."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered migration script of an engine."""

    version: int
    name: str
    path: Path


@dataclass(frozen=True, slots=True)
class Trigger:
    """A row trigger that runs statements after a change of a table (on either engine)."""

    name: str
    table: str
    event: str  # INSERT, UPDATE or DELETE
    columns: tuple[str, ...]  # UPDATE OF these (none: any)
    when: str  # a condition on NEW and OLD (empty: always)
    statements: Sequence[str]


def migrations(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    """Lists the numbered migration files of a folder in order as (version, name, path)."""
    found = []
    for path in sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:4]), path.stem[5:], path))
    return found


class Database:
    """The repositories' one way to the data; `Database(target)` is the engine's own class.

    A transaction holds the engine's write lock for its whole body; statements issued by the
    task that owns it run inside it, those of other tasks never do.
    """

    kind: ClassVar[str]  # "sqlite" or "postgresql", for db/ and its tests only
    migrations_dir: ClassVar[Path] = MIGRATIONS_DIR

    def __new__(cls, target: str | Path, clock: Clock = system_clock) -> Database:
        if cls is Database:
            from db.engines import engine_class

            cls = engine_class(is_postgresql(target))
        return super().__new__(cls)

    def __init__(self, target: str | Path, clock: Clock = system_clock) -> None:
        self.path = str(target)  # an SQLite file, or a PostgreSQL URL
        self.clock = clock  # every time the code reads comes from here; tests set it

    def now(self) -> datetime:
        """The current time (aware, UTC) by the application's clock."""
        return self.clock().astimezone(UTC)

    def stamp(self) -> str:
        """The current time as ISO 8601 UTC, the form every *_at column holds."""
        return self.now().isoformat(timespec="seconds")

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- what each engine does its own way -----------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True while the database is open."""
        raise NotImplementedError

    async def connect(self) -> None:
        """Connects (once) without touching the schema."""
        raise NotImplementedError

    async def close(self) -> None:
        """Closes the connections if they are open."""
        raise NotImplementedError

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Runs the body as one transaction holding the write lock; rolls back if it raises."""
        raise NotImplementedError

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns the number of rows it changed."""
        raise NotImplementedError

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Runs one statement for many parameter rows."""
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Returns the first row of a query, or None."""
        raise NotImplementedError

    async def fetchone_write(self, sql: str, params: Params = ()) -> Row | None:
        """fetchone for a statement that writes (INSERT ... RETURNING): it takes the write lock."""
        raise NotImplementedError

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Returns every row of a query."""
        raise NotImplementedError

    async def batch(self, statements: Sequence[tuple[str, Params]]) -> None:
        """Runs statements as one transaction (inside one the calling task holds, they join it)."""
        raise NotImplementedError

    async def tables(self) -> set[str]:
        """The names of the database's tables."""
        raise NotImplementedError

    async def columns(self, table: str) -> list[str]:
        """The names of a table's columns, in order."""
        raise NotImplementedError

    async def apply_migration(self, migration: Migration) -> None:
        """Runs a migration's script and records it, in one transaction."""
        raise NotImplementedError

    async def backup(self, target: str | Path) -> None:
        """Copies the live database to a file; BackupUnsupported where the engine has its own."""
        raise NotImplementedError

    # --- the SQL that differs, by name (db/ only) ----------------------------------------------

    def days_before(self, day: str, days: int) -> str:
        """SQL of the ISO date `days` days before the ISO date expression `day`."""
        raise NotImplementedError

    def week_start(self, day: str) -> str:
        """SQL of the Saturday (ISO date) that starts the week of the ISO date expression `day`."""
        raise NotImplementedError

    def day_number(self, day: str) -> str:
        """SQL of an ISO date expression as whole days since 1970-01-01."""
        raise NotImplementedError

    def indexed_by(self, index: str) -> str:
        """An index hint to put after a table's alias (the empty string where there are none)."""
        raise NotImplementedError

    def create_trigger(self, trigger: Trigger) -> list[str]:
        """The statements that make a trigger (after drop_trigger's)."""
        raise NotImplementedError

    def drop_trigger(self, trigger: Trigger) -> str:
        """The statement that drops a trigger if it exists."""
        raise NotImplementedError

    @property
    def ordered_join(self) -> str:
        """A join that keeps the written order of its tables (SQLite's CROSS JOIN; JOIN where
        the planner picks the order itself)."""
        raise NotImplementedError

    # --- written once -------------------------------------------------------------------------

    async def open(self, *, migrate: bool = True) -> None:
        """Connects (once) and applies pending migrations."""
        if self.is_open:
            return
        await self.connect()
        if migrate:
            try:
                await self.migrate()
            except BaseException:
                await self.close()
                raise

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Runs an INSERT into a table with an `id` column; returns the new row's id, or 0 when
        nothing was inserted (an `ON CONFLICT ... DO NOTHING` that met its conflict)."""
        row = await self.fetchone_write(f"{sql} RETURNING id", params)
        return 0 if row is None else int(row[0])

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        """Returns the first column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    def engine_migrations(self) -> list[Migration]:
        """This engine's migrations, in order."""
        return [Migration(v, n, p) for v, n, p in migrations(self.migrations_dir)]

    async def applied_migrations(self) -> set[int] | None:
        """The migration versions the database records; None for a database never migrated."""
        if "schema_migrations" not in await self.tables():
            return None
        rows = await self.fetchall("SELECT version FROM schema_migrations")
        return {int(row[0]) for row in rows}

    async def check_schema(self, *, allow_missing: bool) -> set[int] | None:
        """Raises SchemaMismatch when the database records a migration this code does not have
        (a newer version wrote it), or lacks one of the code's (or counts by an older rule)
        unless allow_missing; a database never migrated passes. Returns the recorded versions."""
        done = await self.applied_migrations()
        if done is None:
            return None
        versions = {m.version for m in self.engine_migrations()}
        unknown = sorted(done - versions)
        missing = [] if allow_missing else sorted(versions - done)
        if unknown or missing:
            raise SchemaMismatch(unknown, missing)
        if not allow_missing:
            from db.counting import current

            if not await current(self):
                raise SchemaMismatch([], [], counting=True)
        return done

    async def migrate(self) -> list[int]:
        """Applies the migrations the database has not recorded yet, then installs the counting
        triggers when they are missing or of an older rule (db.counting); returns the versions
        applied. A database that records a migration this code does not know (written by a
        newer version) is refused with SchemaMismatch before anything is changed."""
        from db.counting import install

        done = await self.check_schema(allow_missing=True) or set()
        await self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = []
        for migration in self.engine_migrations():
            if migration.version in done:
                continue
            await self.apply_migration(migration)
            log.info("applied migration %04d_%s", migration.version, migration.name)
            applied.append(migration.version)
        await install(self)
        return applied
