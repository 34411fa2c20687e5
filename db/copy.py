"""`khedmatyar db copy --to postgresql://…`: an SQLite database moved into an empty PostgreSQL one.

The SQLite file is read in one read transaction on a read-only connection of its own, so the copy
is one consistent moment of it even while the bot keeps writing (in WAL mode a reader and the
writer do not wait for each other). The PostgreSQL database gets the schema (its migrations and
counting triggers), then every table's rows with COPY, in one transaction with its own triggers
off (the summaries and search trigrams are copied as they are, not made again row by row), and
its identity counters moved past the copied ids. Before that transaction commits, every table is
read back from both sides and compared: its row count, and a checksum of its rows (the sum of a
hash of each row's values, so that neither side's order matters). Any difference rolls the whole
copy back, leaving the PostgreSQL database as it was.

Blocking code (sqlite3 and psycopg's blocking connection): the command runs it in one thread.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

# Tables each side keeps for itself: the migrations it ran and the counting rule it installed.
OWN = frozenset({"schema_migrations", "counting_rule"})
# What the PostgreSQL database may hold before a copy: what its migrations and the reference
# data (provinces, counties, service types) put there. Anything else makes it not empty.
PREFILLED = frozenset({"provinces", "counties", "categories", "jalali_months", "stat_seq"})
BATCH = 5000  # rows read from SQLite at a time
MASK = (1 << 64) - 1


class CopyRefused(Exception):
    """The copy cannot be made: why is one of the reasons below, details name the table(s)."""

    def __init__(self, why: str, details: str = "") -> None:
        super().__init__(f"{why}: {details}")
        self.why = why  # "source-behind", "target-not-empty", "tables-differ", "mismatch"
        self.details = details


@dataclass(frozen=True, slots=True)
class Copied:
    """One table as copied: its rows on each side, and both sides' checksums."""

    table: str
    rows: int
    checksum: int


def row_hash(values: Iterable[Any]) -> int:
    """A 64-bit hash of one row's values, the same for a value read from either engine."""
    digest = hashlib.blake2b(digest_size=8)
    for value in values:
        if value is None:
            digest.update(b"n")
        elif isinstance(value, bool | int):
            digest.update(b"i" + str(int(value)).encode())
        elif isinstance(value, float):
            digest.update(b"f" + struct.pack("<d", value))
        elif isinstance(value, bytes | bytearray | memoryview):
            digest.update(b"b" + bytes(value))
        else:
            digest.update(b"s" + str(value).encode())
        digest.update(b"\x00")
    return int.from_bytes(digest.digest(), "little")


def checksum(rows: Iterable[Sequence[Any]]) -> tuple[int, int]:
    """How many rows, and the sum of their hashes (mod 2**64): equal for equal sets of rows."""
    count = total = 0
    for row in rows:
        count += 1
        total = (total + row_hash(row)) & MASK
    return count, total


def _sqlite_tables(source: sqlite3.Connection) -> dict[str, list[str]]:
    """The source's tables (not SQLite's own) and their columns."""
    names = [
        r[0]
        for r in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: [r[1] for r in source.execute(f'PRAGMA table_info("{name}")')]
        for name in names
        if name not in OWN
    }


def _rows(source: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    listed = ", ".join(f'"{c}"' for c in columns)
    cursor = source.execute(f'SELECT {listed} FROM "{table}"')
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def _order(tables: dict[str, list[str]], references: dict[str, set[str]]) -> list[str]:
    """The tables with each after the tables it refers to (a table referring to itself is
    filled in two steps, see copy)."""
    done: list[str] = []
    waiting = dict(references)
    while waiting:
        ready = sorted(t for t, refs in waiting.items() if refs <= {*done, t} or not refs)
        if not ready:
            raise CopyRefused("tables-differ", ", ".join(sorted(waiting)))
        for table in ready:
            done.append(table)
            del waiting[table]
    return [t for t in done if t in tables]


def copy(source_path: str | Path, target_url: str, say: Callable[[Copied], None]) -> list[Copied]:
    """Copies the SQLite database at source_path into the empty PostgreSQL one at target_url;
    say() hears of each table once it is copied and checked. Raises CopyRefused."""
    from db.engines.postgresql import blocking_connection

    uri = f"file:{quote(str(Path(source_path).resolve()))}?mode=ro"
    with (
        closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as source,
        blocking_connection(target_url) as target,
    ):
        source.execute("PRAGMA busy_timeout = 5000")
        source.execute("BEGIN")  # one read transaction: the snapshot every read below sees
        tables = _sqlite_tables(source)
        found = _target_tables(target)
        if set(tables) != set(found):
            differ = sorted(set(tables) ^ set(found))
            raise CopyRefused("tables-differ", ", ".join(differ))
        for table, columns in tables.items():
            if set(columns) != set(found[table]):
                raise CopyRefused("tables-differ", table)
        filled = [t for t in tables if t not in PREFILLED and _has_rows(target, t)]
        if filled:
            raise CopyRefused("target-not-empty", ", ".join(sorted(filled)))
        copied = _copy_all(source, target, tables, say)
        source.execute("COMMIT")
    return copied


def _target_tables(target: Any) -> dict[str, list[str]]:
    """The target's tables (not its own bookkeeping) and their columns."""
    rows = target.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        if table not in OWN:
            found.setdefault(table, []).append(column)
    return found


def _has_rows(target: Any, table: str) -> bool:
    return target.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0] is True


def _references(target: Any) -> dict[str, set[str]]:
    """Each table and the tables its foreign keys refer to."""
    rows = target.execute(
        "SELECT c.relname, r.relname FROM pg_class c"
        " LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'"
        " LEFT JOIN pg_class r ON r.oid = k.confrelid"
        " WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for table, referred in rows:
        found.setdefault(table, set())
        if referred is not None:
            found[table].add(referred)
    return found


def _self_references(target: Any, table: str) -> list[str]:
    """The columns of a table that refer to the table itself (filled after its rows)."""
    rows = target.execute(
        "SELECT a.attname FROM pg_constraint k JOIN pg_attribute a"
        " ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)"
        " WHERE k.contype = 'f' AND k.conrelid = %s::regclass AND k.confrelid = k.conrelid",
        (table,),
    ).fetchall()
    return [r[0] for r in rows]


def _copy_all(
    source: sqlite3.Connection,
    target: Any,
    tables: dict[str, list[str]],
    say: Callable[[Copied], None],
) -> list[Copied]:
    """The copy itself, in one transaction of the target's, checked before it commits."""
    order = _order(tables, _references(target))
    copied = []
    with target.transaction():
        target.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in order) + " RESTART IDENTITY")
        for table in order:
            target.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        for table in order:
            columns = tables[table]
            later = _self_references(target, table)
            now = [c if c not in later else None for c in columns]
            listed = ", ".join(f'"{c}"' for c in columns)
            with target.cursor().copy(f'COPY "{table}" ({listed}) FROM STDIN') as pipe:
                for row in _rows(source, table, columns):
                    pipe.write_row([v if name else None for v, name in zip(row, now, strict=True)])
            for column in later:
                _fill_later(source, target, table, column)
            _move_identity(target, table)
        for table in order:
            target.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
        for table in order:
            copied.append(_check(source, target, table, tables[table]))
            say(copied[-1])
    target.execute("ANALYZE")
    return copied


def _fill_later(source: sqlite3.Connection, target: Any, table: str, column: str) -> None:
    """Sets a column referring to its own table once every row is there (a group merged into
    one made after it)."""
    rows = source.execute(
        f'SELECT rowid, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
    ).fetchall()
    keys = source.execute(f'SELECT name FROM pragma_table_info("{table}") WHERE pk = 1').fetchall()
    if len(keys) != 1:
        raise CopyRefused("tables-differ", table)
    key = keys[0][0]
    with target.cursor() as cursor:
        cursor.executemany(
            f'UPDATE "{table}" SET "{column}" = %s WHERE "{key}" = %s',
            [(value, rowid) for rowid, value in rows],
        )


def _move_identity(target: Any, table: str) -> None:
    """Sets an identity column's counter past the copied ids."""
    row = target.execute(
        "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = %s::regclass"
        " AND a.attidentity <> ''",
        (table,),
    ).fetchone()
    if row is not None:
        target.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s),"
            f' COALESCE((SELECT MAX("{row[0]}") FROM "{table}"), 0) + 1, false)',
            (table, row[0]),
        )


def _check(source: sqlite3.Connection, target: Any, table: str, columns: list[str]) -> Copied:
    """Compares a table's rows on both sides (count and checksum); raises on a difference."""
    count, total = checksum(_rows(source, table, columns))
    listed = ", ".join(f'"{c}"' for c in columns)
    with target.cursor(name=f"check_{table}") as cursor:
        cursor.itersize = BATCH
        cursor.execute(f'SELECT {listed} FROM "{table}"')
        copied_count, copied_total = checksum(cursor)
    if (count, total) != (copied_count, copied_total):
        raise CopyRefused("mismatch", f"{table}: {count} ≠ {copied_count}")
    return Copied(table, count, total)
