"""The application's one aiosqlite connection: pragmas, a write lock, transactions, migrations."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.text import persian_sort_text

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Files beside the database that belong to it (see Database.live_files).
LIVE_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")
SQLITE_HEADER = b"SQLite format 3\x00"
Params = Sequence[Any] | dict[str, Any]
BUSY_TIMEOUT_MS = 5000  # how long a statement waits for another connection's write lock


Clock = Callable[[], datetime]
"""Returns the current time as an aware datetime: the one clock of the application."""


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


def utcnow() -> str:
    """Returns the real current time as ISO 8601 UTC (migrations only; code uses Database.stamp)."""
    return system_clock().isoformat(timespec="seconds")


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


def is_storage_error(error: BaseException) -> bool:
    """True when an error says the database could not be read or written (a full or read-only
    disk, a lock held too long), not that a statement or the code was wrong."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _STORAGE_CODES
    return isinstance(error, OSError) and error.errno in _STORAGE_ERRNOS


class SchemaMismatch(Exception):
    """The database's recorded migrations differ from the code's: some are unknown to this code
    (a newer version wrote them), or some of the code's were never applied."""

    def __init__(self, unknown: Sequence[int], missing: Sequence[int]) -> None:
        super().__init__(f"unknown migrations {list(unknown)}, missing {list(missing)}")
        self.unknown = tuple(unknown)
        self.missing = tuple(missing)


class BackupRefused(Exception):
    """A backup target that must not be written: the live database or one of its files, or an
    existing file that is not an SQLite database."""

    def __init__(self, target: Path, live: bool) -> None:
        super().__init__(f"refused backup target {target}")
        self.target = target
        self.live = live  # True: the database itself, its -wal, -shm, journal or lock file


def migrations() -> list[tuple[int, str, Path]]:
    """Lists the numbered migration files in order as (version, name, path)."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:4]), path.stem[5:], path))
    return found


def _execute(raw: sqlite3.Connection, sql: str, params: Params, insert: bool) -> int:
    """Runs one statement on the connection's thread; lastrowid for INSERT, else rowcount."""
    cursor = raw.execute(sql, params)
    try:
        if insert:
            return int(cursor.lastrowid or 0) if cursor.rowcount else 0
        return int(cursor.rowcount)
    finally:
        cursor.close()


def _fetchone(raw: sqlite3.Connection, sql: str, params: Params) -> aiosqlite.Row | None:
    """Runs a query on the connection's thread and returns its first row."""
    cursor = raw.execute(sql, params)
    try:
        row: aiosqlite.Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _fetchall(raw: sqlite3.Connection, sql: str, params: Params) -> list[aiosqlite.Row]:
    """Runs a query on the connection's thread and returns every row."""
    cursor = raw.execute(sql, params)
    try:
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _batch(raw: sqlite3.Connection, statements: list[tuple[str, Params]], own: bool) -> None:
    """Runs statements on the connection's thread, in a transaction of their own when `own`."""
    if own:
        raw.execute("BEGIN IMMEDIATE")
    try:
        for sql, params in statements:
            raw.execute(sql, params).close()
    except BaseException:
        if own:
            raw.execute("ROLLBACK")
        raise
    if own:
        _commit(raw)


def _commit(raw: sqlite3.Connection) -> None:
    """Commits; a failed COMMIT (a full disk, a lock held too long) is rolled back, so that the
    connection is never left inside a transaction every later BEGIN would trip over."""
    try:
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise


class Database:
    """Owns one SQLite connection; every statement runs under one lock, transactions included.

    A transaction holds the lock for its whole body, so statements of other tasks cannot slip
    into it; statements issued by the task that owns the transaction run inside it.
    """

    def __init__(self, path: str | Path, clock: Clock = system_clock) -> None:
        self.path = str(path)
        self.clock = clock  # every time the code reads comes from here; tests set it
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._ready = asyncio.Lock()

    def now(self) -> datetime:
        """The current time (aware, UTC) by the application's clock."""
        return self.clock().astimezone(UTC)

    def stamp(self) -> str:
        """The current time as ISO 8601 UTC, the form every *_at column holds."""
        return self.now().isoformat(timespec="seconds")

    @property
    def conn(self) -> aiosqlite.Connection:
        """The open connection."""
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @property
    def is_open(self) -> bool:
        """True while the connection is open."""
        return self._conn is not None

    async def open(self, *, migrate: bool = True) -> None:
        """Opens the connection (once), sets the pragmas and applies pending migrations."""
        async with self._ready:
            if self._conn is not None:
                return
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(self.path, isolation_level=None)
            try:
                conn.row_factory = aiosqlite.Row
                await conn.execute("PRAGMA journal_mode = WAL")
                await conn.execute("PRAGMA foreign_keys = ON")
                await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                await conn.execute("PRAGMA synchronous = NORMAL")
                await conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages (default 2)
                # ORDER BY fa_sort(name): names in Persian alphabetical order, not by code point.
                await conn.create_function("fa_sort", 1, persian_sort_text, deterministic=True)
                self._conn = conn
                if migrate:
                    await self.migrate()
            except BaseException:
                # A file that is not a database, a read-only mount: close the connection, or
                # its worker thread (not a daemon) keeps the process alive for ever.
                self._conn = None
                await conn.close()
                raise

    async def close(self) -> None:
        """Closes the connection if it is open."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._owner is not None and self._owner is asyncio.current_task():
            yield self.conn
            return
        async with self._lock:
            yield self.conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Runs the body as one IMMEDIATE transaction; rolls back if it raises."""
        if self._owner is not None and self._owner is asyncio.current_task():
            yield self.conn  # nested: part of the enclosing transaction
            return
        async with self._lock:
            self._owner = asyncio.current_task()
            try:
                raw = self.conn._conn
                await self._call(_execute, raw, "BEGIN IMMEDIATE", (), False)
                try:
                    yield self.conn
                except BaseException:
                    await self._call(_execute, raw, "ROLLBACK", (), False)
                    raise
                await self._call(_commit, raw)
            finally:
                self._owner = None

    async def _call[T](self, fn: Callable[..., T], *args: Any) -> T:
        """Runs a function on the connection's own thread: one hand-off per statement.

        aiosqlite's cursor API costs a hand-off for the execute, each fetch and the close; with
        many people's updates sharing the one connection those hand-offs were most of a step's
        database time.
        """
        result: T = await self.conn._execute(fn, *args)
        return result

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns lastrowid (for INSERT) or the changed row count."""
        insert = sql.lstrip()[:6].upper() == "INSERT"
        async with self._locked() as conn:
            return await self._call(_execute, conn._conn, sql, params, insert)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Runs one statement for many parameter rows."""
        async with self._locked() as conn:
            await conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """Returns the first row of a query, or None."""
        async with self._locked() as conn:
            return await self._call(_fetchone, conn._conn, sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Returns every row of a query."""
        async with self._locked() as conn:
            return await self._call(_fetchall, conn._conn, sql, params)

    async def batch(self, statements: Sequence[tuple[str, Params]]) -> None:
        """Runs statements as one transaction in a single hand-off to the connection's thread.

        Inside a transaction the calling task already holds, they simply join it.
        """
        if not statements:
            return
        nested = self._owner is not None and self._owner is asyncio.current_task()
        async with self._locked() as conn:
            await self._call(_batch, conn._conn, list(statements), not nested)

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        """Returns the first column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def applied_migrations(self) -> set[int] | None:
        """The migration versions the database records; None for a database never migrated."""
        known = await self.scalar(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        )
        if known is None:
            return None
        rows = await self.fetchall("SELECT version FROM schema_migrations")
        return {row[0] for row in rows}

    async def check_schema(self, *, allow_missing: bool) -> set[int] | None:
        """Raises SchemaMismatch when the database records a migration this code does not have
        (a newer version wrote it), or lacks one of the code's unless allow_missing; a database
        never migrated passes. Returns the recorded versions."""
        done = await self.applied_migrations()
        if done is None:
            return None
        versions = {version for version, _, _ in migrations()}
        unknown = sorted(done - versions)
        missing = [] if allow_missing else sorted(versions - done)
        if unknown or missing:
            raise SchemaMismatch(unknown, missing)
        return done

    async def migrate(self) -> list[int]:
        """Applies the migrations the database has not recorded yet; returns their versions.

        A database that records a migration this code does not know (written by a newer
        version) is refused with SchemaMismatch before anything is changed."""
        conn = self.conn
        done = await self.check_schema(allow_missing=True) or set()
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = []
        for version, name, path in migrations():
            if version in done:
                continue
            script = path.read_text(encoding="utf-8")
            try:
                await conn.executescript(
                    "BEGIN IMMEDIATE;\n"
                    + script
                    + "\nINSERT INTO schema_migrations (version, name, applied_at)"
                    + f" VALUES ({version}, '{name}', '{utcnow()}');\nCOMMIT;"
                )
            except Exception:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise
            log.info("applied migration %04d_%s", version, name)
            applied.append(version)
        return applied

    def live_files(self) -> list[Path]:
        """The files that make up the live database: the file, its WAL, shared memory, rollback
        journal and the instance lock beside it (symlinks and relative paths resolved)."""
        path = Path(self.path).resolve()
        return [path, *(path.with_name(path.name + end) for end in LIVE_SUFFIXES)]

    def _check_backup_target(self, target: Path) -> None:
        """Raises BackupRefused for a target that is part of the live database, or an existing
        file that is not an SQLite database (a backup replaces only an older backup)."""
        resolved = target.resolve()
        for live in self.live_files():
            if resolved == live or (target.exists() and live.exists() and target.samefile(live)):
                raise BackupRefused(target, live=True)
        if target.exists():
            with target.open("rb") as head:
                if head.read(16) not in (SQLITE_HEADER, b""):
                    raise BackupRefused(target, live=False)

    async def backup(self, target: str | Path) -> None:
        """Copies the live database to target with SQLite's online backup API.

        The copy is written to a new file beside the target and renamed over it when complete,
        so a failed backup removes only the file it made itself. A target that is the database
        or one of its files, or an existing file that is no SQLite database, is refused
        (BackupRefused) before anything is written. The copy is opened with sqlite3, not
        aiosqlite: when aiosqlite cannot open a file its worker thread may report to an event
        loop already closed, printing a traceback."""
        path = Path(target)
        await asyncio.to_thread(self._check_backup_target, path)
        handle, partial = await asyncio.to_thread(
            tempfile.mkstemp, prefix=path.name + ".", suffix=".partial", dir=path.parent
        )
        os.close(handle)
        try:
            dest = await asyncio.to_thread(sqlite3.connect, partial, check_same_thread=False)
            try:
                async with self._locked() as conn:
                    await conn.backup(dest)
            finally:
                await asyncio.to_thread(dest.close)
            await asyncio.to_thread(os.replace, partial, path)
        except BaseException:
            await asyncio.to_thread(Path(partial).unlink, missing_ok=True)
            raise
