"""The application's one aiosqlite connection: pragmas, a write lock, transactions, migrations."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.text import persian_sort_text

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
        raw.execute("COMMIT")


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
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages (default 2 MiB)
            # ORDER BY fa_sort(name): names in Persian alphabetical order, not by code point.
            await conn.create_function("fa_sort", 1, persian_sort_text, deterministic=True)
            self._conn = conn
            if migrate:
                await self.migrate()

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
                await self._call(_execute, raw, "COMMIT", (), False)
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

    async def migrate(self) -> list[int]:
        """Applies the migrations the database has not recorded yet; returns their versions."""
        conn = self.conn
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with conn.execute("SELECT version FROM schema_migrations") as cursor:
            done = {row[0] for row in await cursor.fetchall()}
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

    async def backup(self, target: str | Path) -> None:
        """Copies the live database to target with SQLite's online backup API.

        The copy is opened with sqlite3, not aiosqlite: when aiosqlite cannot open a file its
        worker thread may report to an event loop already closed, printing a traceback."""
        dest = await asyncio.to_thread(sqlite3.connect, str(target), check_same_thread=False)
        try:
            async with self._locked() as conn:
                await conn.backup(dest)
        finally:
            await asyncio.to_thread(dest.close)
