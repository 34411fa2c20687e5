"""PostgreSQL: a few connections of psycopg 3 (async), one write lock, the same SQL as SQLite.

Repositories write `?` placeholders; they become psycopg's `%s` here (once per statement text).
Reads run on any free connection and never wait for a writer. Every write runs in a transaction
that first takes one transaction-level advisory lock (WRITE_LOCK), so writers are serialised as
SQLite's are: a read-then-write use case sees every write committed before it began and none
in between, on any number of connections and processes, and ids and the change log's sequence
numbers are committed in the order they were given. A statement that writes outside a
transaction is one such transaction on its own.

Why psycopg 3 and not asyncpg: one package has both the async connections the bot uses and the
blocking ones that exports (a worker thread or process) and `khedmatyar db copy` (COPY) need;
its parameters are sent untyped, as SQLite takes them; and per statement it costs the same as
asyncpg here (bench/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import psycopg
from psycopg import pq
from psycopg.adapt import Loader

from db.database import (
    MIGRATIONS_DIR,
    BackupUnsupported,
    Clock,
    Database,
    Migration,
    Params,
    Row,
    Trigger,
    system_clock,
    utcnow,
)

if TYPE_CHECKING:
    from psycopg import AsyncConnection, AsyncCursor, Cursor

# Advisory locks of this application: (LOCK_SPACE, n). WRITE_LOCK serialises writers; the
# instance lock (db.instance) is another number in the same space.
LOCK_SPACE = 27496  # "kh"
WRITE_LOCK_ID = 1
INSTANCE_LOCK_ID = 2
WRITE_LOCK = f"SELECT pg_advisory_xact_lock({LOCK_SPACE}, {WRITE_LOCK_ID})"
POOL_SIZE = 4  # connections: reads of several tasks at once, one writer at a time


@functools.lru_cache(maxsize=4096)
def placeholders(sql: str) -> str:
    """The statement with SQLite's `?` placeholders as psycopg's `%s` (a literal `%` doubled);
    quoted text is left as it is."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            if ch == quote:
                quote = ""
            out.append("%%" if ch == "%" else ch)
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class PgRow:
    """A result row read by position or by (case-insensitive) column name, as sqlite3.Row."""

    __slots__ = ("_values",)
    _index: ClassVar[dict[str, int]] = {}

    def __init__(self, values: Sequence[Any]) -> None:
        self._values = tuple(values)

    def __getitem__(self, key: int | str, /) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key.lower()]]
        return self._values[key]

    def keys(self) -> list[str]:
        """The column names."""
        return list(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __repr__(self) -> str:
        return f"PgRow{self._values!r}"


@functools.lru_cache(maxsize=1024)
def _row_class(names: tuple[str, ...]) -> type[PgRow]:
    """A row class for one list of column names (the first of equal names wins, as in SQLite)."""
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name.lower(), i)
    return type("Row", (PgRow,), {"__slots__": (), "_index": index})


def row_factory(cursor: Cursor[Any] | AsyncCursor[Any]) -> type[PgRow]:
    """psycopg's row factory (async and blocking cursors): rows of the cursor's columns."""
    columns = cursor.description or ()
    return _row_class(tuple(column.name for column in columns))


class _WholeNumeric(Loader):
    """numeric as int when whole (SUM of integers is numeric in PostgreSQL), else float."""

    def load(self, data: Any) -> int | float:
        text = bytes(data)
        return int(text) if b"." not in text else float(text)


def blocking_connection(url: str) -> psycopg.Connection[Any]:
    """A blocking autocommit connection with the same rows and numbers (exports, db copy)."""
    conn: psycopg.Connection[Any] = psycopg.connect(
        url, autocommit=True, row_factory=row_factory, application_name="khedmatyar"
    )
    conn.adapters.register_loader("numeric", _WholeNumeric)
    return conn


async def _connect(url: str) -> AsyncConnection[Any]:
    """One autocommit connection with the application's row and number types, without JIT:
    compiling took longer than it saved on the bot's mid-sized queries (a province's weekly
    digest at 1,000,000 reports: p95 506 ms with it, 75 ms without; the national one 729 against
    546 ms median; bench/RESULTS.md)."""
    conn: AsyncConnection[Any] = await psycopg.AsyncConnection.connect(
        url, autocommit=True, row_factory=row_factory, application_name="khedmatyar"
    )
    conn.adapters.register_loader("numeric", _WholeNumeric)
    await conn.execute("SET jit = off")
    return conn


class _Pool:
    """A few connections, made when first needed and made again when one breaks."""

    def __init__(self, url: str, size: int) -> None:
        self.url = url
        self._free: asyncio.Queue[AsyncConnection[Any] | None] = asyncio.Queue()
        for _ in range(size):
            self._free.put_nowait(None)
        self._all: set[AsyncConnection[Any]] = set()

    async def open(self) -> None:
        """Makes the first connection, so that a wrong URL is said at once."""
        self.release(await self.acquire())

    async def acquire(self) -> AsyncConnection[Any]:
        """A free connection (waits while every one is in use)."""
        conn = await self._free.get()
        if conn is None or conn.closed or conn.broken:
            try:
                conn = await _connect(self.url)
            except BaseException:
                self._free.put_nowait(None)
                raise
            self._all.add(conn)
        return conn

    def release(self, conn: AsyncConnection[Any]) -> None:
        """Gives a connection back (a broken one, or one left in a transaction, is dropped)."""
        idle = conn.info.transaction_status == pq.TransactionStatus.IDLE
        if conn.closed or conn.broken or not idle:
            self._all.discard(conn)
            if not conn.closed:
                asyncio.get_running_loop().create_task(conn.close())
            self._free.put_nowait(None)
        else:
            self._free.put_nowait(conn)

    async def close(self) -> None:
        """Closes every connection."""
        for conn in list(self._all):
            await conn.close()
        self._all.clear()


@asynccontextmanager
async def _rolled_back(conn: AsyncConnection[Any]) -> AsyncIterator[None]:
    """Rolls the connection's transaction back when the body raises (a broken connection is
    left to the pool, which drops it)."""
    try:
        yield
    except BaseException:
        if not conn.closed and conn.info.transaction_status != pq.TransactionStatus.IDLE:
            with contextlib.suppress(psycopg.Error):
                await conn.execute(b"ROLLBACK")
        raise


class PostgresDatabase(Database):
    """A PostgreSQL database: a few connections, every write under one advisory lock."""

    kind: ClassVar[str] = "postgresql"
    migrations_dir: ClassVar[Path] = MIGRATIONS_DIR / "postgresql"

    def __init__(self, target: str | Path, clock: Clock = system_clock) -> None:
        super().__init__(target, clock)
        self._pool: _Pool | None = None
        self._held: dict[asyncio.Task[Any], AsyncConnection[Any]] = {}
        self._ready = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        """True while the database is open."""
        return self._pool is not None

    async def connect(self) -> None:
        """Makes the first connection (once)."""
        async with self._ready:
            if self._pool is None:
                pool = _Pool(self.path, POOL_SIZE)
                await pool.open()
                self._pool = pool

    async def close(self) -> None:
        """Closes every connection."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    def _holding(self) -> AsyncConnection[Any] | None:
        """The connection of the calling task's transaction, if it holds one."""
        task = asyncio.current_task()
        return None if task is None else self._held.get(task)

    @asynccontextmanager
    async def _connection(
        self, *, write: bool, pipelined: bool = False
    ) -> AsyncIterator[AsyncConnection[Any]]:
        """The calling task's transaction's connection; else a free one, inside a transaction
        of its own holding the write lock when the statement writes (pipelined: BEGIN, the lock,
        the statement and COMMIT go out together, one round trip for a statement that writes)."""
        held = self._holding()
        if held is not None:
            yield held
            return
        if self._pool is None:
            raise RuntimeError("database is not open")
        conn = await self._pool.acquire()
        try:
            if not write:
                yield conn
            elif pipelined:
                async with _rolled_back(conn), conn.pipeline():
                    await conn.execute(b"BEGIN")
                    await conn.execute(WRITE_LOCK.encode())
                    yield conn
                    await conn.execute(b"COMMIT")
            else:
                async with _rolled_back(conn):
                    await conn.execute(f"BEGIN; {WRITE_LOCK}".encode())  # one round trip
                    yield conn
                    await conn.execute(b"COMMIT")
        finally:
            self._pool.release(conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Runs the body as one transaction holding the write lock; rolls back if it raises."""
        task = asyncio.current_task()
        if task is None or task in self._held:
            yield  # nested: part of the enclosing transaction
            return
        async with self._connection(write=True) as conn:
            self._held[task] = conn
            try:
                yield
            finally:
                del self._held[task]

    @staticmethod
    def _statement(sql: str, params: Params) -> tuple[str, Params | None]:
        return (placeholders(sql), params) if params else (sql, None)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns the number of rows it changed."""
        query, args = self._statement(sql, params)
        async with self._connection(write=True, pipelined=True) as conn:
            cursor = await conn.execute(query, args)
        return max(cursor.rowcount, 0)  # known once the pipeline is synced

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Runs one statement for many parameter rows (psycopg pipelines them)."""
        listed = list(rows)
        if not listed:
            return
        async with self._connection(write=True) as conn, conn.cursor() as cursor:
            await cursor.executemany(placeholders(sql), listed)

    async def _fetch(self, sql: str, params: Params, *, write: bool, one: bool) -> Any:
        query, args = self._statement(sql, params)
        async with self._connection(write=write, pipelined=write) as conn:
            cursor = await conn.execute(query, args)
            return await (cursor.fetchone() if one else cursor.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Returns the first row of a query, or None."""
        row: Row | None = await self._fetch(sql, params, write=False, one=True)
        return row

    async def fetchone_write(self, sql: str, params: Params = ()) -> Row | None:
        """fetchone for a statement that writes: it takes the write lock."""
        row: Row | None = await self._fetch(sql, params, write=True, one=True)
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Returns every row of a query."""
        rows: list[Row] = await self._fetch(sql, params, write=False, one=False)
        return rows

    async def batch(self, statements: Sequence[tuple[str, Params]]) -> None:
        """Runs statements as one transaction (inside one the calling task holds, they join it)."""
        if not statements:
            return
        async with self._connection(write=True, pipelined=True) as conn:
            for sql, params in statements:
                query, args = self._statement(sql, params)
                await conn.execute(query, args)

    async def tables(self) -> set[str]:
        """The names of the tables of the connection's schema."""
        rows = await self.fetchall(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        return {str(r[0]) for r in rows}

    async def columns(self, table: str) -> list[str]:
        """The names of a table's columns, in order."""
        rows = await self.fetchall(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [str(r[0]) for r in rows]

    async def apply_migration(self, migration: Migration) -> None:
        """Runs a migration's script and records it, in one transaction."""
        script = migration.path.read_text(encoding="utf-8")
        async with self._connection(write=True) as conn:
            await conn.execute(script.encode())  # several statements, no parameters
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                (migration.version, migration.name, utcnow()),
            )

    async def backup(self, target: str | Path) -> None:
        """PostgreSQL's backups are its own (pg_dump, base backups)."""
        raise BackupUnsupported(self.path)

    # --- the SQL that differs -----------------------------------------------------------------

    def days_before(self, day: str, days: int) -> str:
        """SQL of the ISO date `days` days before an ISO date expression."""
        return f"to_char(CAST({day} AS date) - {int(days)}, 'YYYY-MM-DD')"

    def week_start(self, day: str) -> str:
        """SQL of the Saturday that starts the week of an ISO date expression (DOW: 0 = Sunday)."""
        date = f"CAST({day} AS date)"
        return (
            f"to_char({date} - ((CAST(EXTRACT(DOW FROM {date}) AS integer) + 1) % 7), 'YYYY-MM-DD')"
        )

    def day_number(self, day: str) -> str:
        """SQL of an ISO date expression as whole days since 1970-01-01."""
        return f"(CAST({day} AS date) - DATE '1970-01-01')"

    def indexed_by(self, index: str) -> str:
        """PostgreSQL takes no index hints."""
        return ""

    def create_trigger(self, trigger: Trigger) -> list[str]:
        """A PostgreSQL trigger: a function of the statements, run for each row."""
        of = f" OF {', '.join(trigger.columns)}" if trigger.columns else ""
        when = f" WHEN ({trigger.when})" if trigger.when else ""
        body = "".join(f"    {statement};\n" for statement in trigger.statements)
        return [
            f"CREATE OR REPLACE FUNCTION {trigger.name}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f"\nBEGIN\n{body}    RETURN NULL;\nEND $$",
            f"CREATE TRIGGER {trigger.name} AFTER {trigger.event}{of} ON {trigger.table}"
            f" FOR EACH ROW{when} EXECUTE FUNCTION {trigger.name}()",
        ]

    def drop_trigger(self, trigger: Trigger) -> str:
        """Drops a PostgreSQL trigger (its function is replaced when it is made again)."""
        return f"DROP TRIGGER IF EXISTS {trigger.name} ON {trigger.table}"

    @property
    def ordered_join(self) -> str:
        """PostgreSQL's planner orders joins itself."""
        return "JOIN"
