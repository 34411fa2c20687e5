"""SQLite: one file in WAL mode, one connection on a thread of its own, one writer at a time.

The connection lives on a one-thread executor (sqlite3 is blocking); each statement is one
hand-off to that thread, its rows fetched there too. Every statement runs under one asyncio
lock, so a transaction (BEGIN IMMEDIATE: the file's write lock) holds the connection for its
whole body and other tasks' statements wait for it.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, ClassVar

from bot.core.text import persian_sort_text
from db.database import (
    BackupRefused,
    Clock,
    Database,
    Migration,
    Params,
    Row,
    Trigger,
    system_clock,
    utcnow,
)

# Files beside the database that belong to it (see SqliteDatabase.live_files).
LIVE_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000  # how long a statement waits for another connection's write lock


def _connect(path: str) -> sqlite3.Connection:
    """Opens the file with the pragmas the bot relies on (on the connection's own thread)."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        raw.row_factory = sqlite3.Row
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA foreign_keys = ON")
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        raw.execute("PRAGMA synchronous = NORMAL")
        raw.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages (default 2)
        # Migration 0020 fills groups.sort_key with it (Persian alphabetical order).
        raw.create_function("fa_sort", 1, persian_sort_text, deterministic=True)
    except BaseException:
        raw.close()
        raise
    return raw


def _execute(raw: sqlite3.Connection, sql: str, params: Params) -> int:
    """Runs one statement; the number of rows it changed."""
    cursor = raw.execute(sql, params)
    try:
        return int(cursor.rowcount)
    finally:
        cursor.close()


def _fetchone(raw: sqlite3.Connection, sql: str, params: Params) -> Row | None:
    """Runs a query and returns its first row."""
    cursor = raw.execute(sql, params)
    try:
        row: Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _fetchall(raw: sqlite3.Connection, sql: str, params: Params) -> list[Row]:
    """Runs a query and returns every row."""
    cursor = raw.execute(sql, params)
    try:
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _executemany(raw: sqlite3.Connection, sql: str, rows: list[Params]) -> None:
    raw.executemany(sql, rows).close()


def _batch(raw: sqlite3.Connection, statements: list[tuple[str, Params]], own: bool) -> None:
    """Runs statements, in a transaction of their own when `own`."""
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


def _script(raw: sqlite3.Connection, script: str) -> None:
    """Runs a migration script as one transaction (executescript commits what it finishes)."""
    try:
        raw.executescript(script)
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise


class SqliteDatabase(Database):
    """Owns one SQLite connection; every statement runs under one lock, transactions included."""

    kind: ClassVar[str] = "sqlite"

    def __init__(self, target: str | Path, clock: Clock = system_clock) -> None:
        super().__init__(target, clock)
        self._raw: sqlite3.Connection | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._ready = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        """True while the connection is open."""
        return self._raw is not None

    async def _call[T](self, fn: Callable[..., T], *args: Any) -> T:
        """Runs a function on the connection's own thread: one hand-off per statement."""
        if self._raw is None or self._thread is None:
            raise RuntimeError("database is not open")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, fn, self._raw, *args)

    async def connect(self) -> None:
        """Opens the connection (once) on a thread of its own."""
        async with self._ready:
            if self._raw is not None:
                return
            thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
            try:
                self._raw = await asyncio.get_running_loop().run_in_executor(
                    thread, _connect, self.path
                )
            except BaseException:
                thread.shutdown(wait=False)
                raise
            self._thread = thread

    async def close(self) -> None:
        """Closes the connection and lets its thread end."""
        if self._raw is not None and self._thread is not None:
            raw, thread = self._raw, self._thread
            self._raw = self._thread = None
            try:
                await asyncio.get_running_loop().run_in_executor(thread, raw.close)
            finally:
                thread.shutdown(wait=False)

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        if self._owner is not None and self._owner is asyncio.current_task():
            yield
            return
        async with self._lock:
            yield

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Runs the body as one IMMEDIATE transaction; rolls back if it raises."""
        if self._owner is not None and self._owner is asyncio.current_task():
            yield  # nested: part of the enclosing transaction
            return
        async with self._lock:
            self._owner = asyncio.current_task()
            try:
                await self._call(_execute, "BEGIN IMMEDIATE", ())
                try:
                    yield
                except BaseException:
                    await self._call(_execute, "ROLLBACK", ())
                    raise
                await self._call(_commit)
            finally:
                self._owner = None

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns the number of rows it changed."""
        async with self._locked():
            return await self._call(_execute, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Runs one statement for many parameter rows."""
        async with self._locked():
            await self._call(_executemany, sql, list(rows))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Returns the first row of a query, or None."""
        async with self._locked():
            return await self._call(_fetchone, sql, params)

    async def fetchone_write(self, sql: str, params: Params = ()) -> Row | None:
        """fetchone for INSERT ... RETURNING (SQLite takes its write lock by itself)."""
        return await self.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Returns every row of a query."""
        async with self._locked():
            return await self._call(_fetchall, sql, params)

    async def batch(self, statements: Sequence[tuple[str, Params]]) -> None:
        """Runs statements as one transaction in a single hand-off to the connection's thread.

        Inside a transaction the calling task already holds, they simply join it.
        """
        if not statements:
            return
        nested = self._owner is not None and self._owner is asyncio.current_task()
        async with self._locked():
            await self._call(_batch, list(statements), not nested)

    async def tables(self) -> set[str]:
        """The names of the database's tables."""
        rows = await self.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(r[0]) for r in rows}

    async def columns(self, table: str) -> list[str]:
        """The names of a table's columns, in order."""
        rows = await self.fetchall("SELECT name FROM pragma_table_info(?)", (table,))
        return [str(r[0]) for r in rows]

    async def apply_migration(self, migration: Migration) -> None:
        """Runs a migration's script and records it, in one IMMEDIATE transaction."""
        script = migration.path.read_text(encoding="utf-8")
        async with self._locked():
            await self._call(
                _script,
                "BEGIN IMMEDIATE;\n"
                + script
                + "\nINSERT INTO schema_migrations (version, name, applied_at)"
                + f" VALUES ({migration.version}, '{migration.name}', '{utcnow()}');\nCOMMIT;",
            )

    # --- the SQL that differs -----------------------------------------------------------------

    def days_before(self, day: str, days: int) -> str:
        """SQL of the ISO date `days` days before an ISO date expression."""
        return f"date({day}, '-{int(days)} days')"

    def week_start(self, day: str) -> str:
        """SQL of the Saturday that starts the week of an ISO date expression (%w: 0 = Sunday)."""
        return f"date({day}, '-' || ((CAST(strftime('%w', {day}) AS INTEGER) + 1) % 7) || ' days')"

    def day_number(self, day: str) -> str:
        """SQL of an ISO date expression as whole days since 1970-01-01."""
        return f"CAST(julianday({day}) - 2440587.5 AS INTEGER)"

    def indexed_by(self, index: str) -> str:
        """SQLite's index hint."""
        return f" INDEXED BY {index}"

    def create_trigger(self, trigger: Trigger) -> list[str]:
        """An SQLite trigger."""
        of = f" OF {', '.join(trigger.columns)}" if trigger.columns else ""
        when = f" WHEN {trigger.when}" if trigger.when else ""
        body = "".join(f"    {statement};\n" for statement in trigger.statements)
        return [
            f"CREATE TRIGGER {trigger.name} AFTER {trigger.event}{of} ON {trigger.table}{when}"
            f" BEGIN\n{body}END"
        ]

    def drop_trigger(self, trigger: Trigger) -> str:
        """Drops an SQLite trigger."""
        return f"DROP TRIGGER IF EXISTS {trigger.name}"

    @property
    def ordered_join(self) -> str:
        """SQLite joins CROSS JOIN's tables in the written order."""
        return "CROSS JOIN"

    # --- backups --------------------------------------------------------------------------------

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
        (BackupRefused) before anything is written."""
        path = Path(target)
        await asyncio.to_thread(self._check_backup_target, path)
        handle, partial = await asyncio.to_thread(
            tempfile.mkstemp, prefix=path.name + ".", suffix=".partial", dir=path.parent
        )
        os.close(handle)
        try:
            dest = await asyncio.to_thread(sqlite3.connect, partial, check_same_thread=False)
            try:
                async with self._locked():
                    await self._call(sqlite3.Connection.backup, dest)
            finally:
                await asyncio.to_thread(dest.close)
            await asyncio.to_thread(os.replace, partial, path)
        except BaseException:
            await asyncio.to_thread(Path(partial).unlink, missing_ok=True)
            raise
