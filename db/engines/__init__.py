"""The two engines behind db.database.Database: one class each, holding what differs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.database import Database


def engine_class(postgresql: bool) -> type[Database]:
    """The Database class of an engine (PostgreSQL's is imported only when it is used)."""
    if postgresql:
        from db.engines.postgresql import PostgresDatabase

        return PostgresDatabase
    from db.engines.sqlite import SqliteDatabase

    return SqliteDatabase
