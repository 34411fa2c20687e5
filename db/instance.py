"""The instance lock: at most one bot process serves a database at a time.

This is the seam between the engines. On SQLite (one file, one host) the lock is an exclusive
`flock` on a file beside the database (`<database>.lock`): the kernel drops it when the holder
ends in any way, kill -9 and a power cut included, so a crashed holder never blocks the next
start, and the file says who holds it (pid, host, since when) for the process that is refused.
On PostgreSQL it is a session advisory lock held on a connection of its own: the server drops it
when that connection ends (the process died, or its machine, or the network between them), and
the connection's application_name says who holds it. A second process is refused today, as on
SQLite; a standby that waits for the lock instead (DESIGN.md, "Past one machine") builds on this
class, and must also stop serving when the lock's connection is lost (the lock is gone then).
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from db.database import is_postgresql


@dataclass(frozen=True, slots=True)
class Holder:
    """The process serving a database: its id, its host and when it took the lock (ISO UTC)."""

    pid: int
    host: str
    since: str


class InstanceBusy(Exception):
    """Another process serves this database; holder is who, when the lock file says so."""

    def __init__(self, holder: Holder | None) -> None:
        super().__init__(f"the database is served by {holder}")
        self.holder = holder


class InstanceLock(Protocol):
    """Held by the one process that serves a database, from before its first write until it
    stops."""

    async def acquire(self) -> None:
        """Takes the lock, or raises InstanceBusy naming the holder."""

    async def release(self) -> None:
        """Lets the lock go (nothing when not held)."""


class FileInstanceLock:
    """The SQLite engine's instance lock: an flock on `<database>.lock`."""

    def __init__(self, database: str | Path) -> None:
        self.path = Path(f"{database}.lock")
        self._file: IO[str] | None = None

    def _take(self) -> None:
        """Opens the lock file, locks it without waiting and writes who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            said = handle.read()
            handle.close()
            raise InstanceBusy(_holder(said)) from None
        except BaseException:
            handle.close()
            raise
        me = Holder(os.getpid(), socket.gethostname(), datetime.now(UTC).isoformat("T", "seconds"))
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": me.pid, "host": me.host, "since": me.since}) + "\n")
        handle.flush()
        self._file = handle

    async def acquire(self) -> None:
        """Takes the lock, or raises InstanceBusy naming the holder."""
        if self._file is None:
            await asyncio.to_thread(self._take)

    async def release(self) -> None:
        """Unlocks and closes the file; the file stays (removing it would race a new holder)."""
        handle, self._file = self._file, None
        if handle is not None:
            await asyncio.to_thread(handle.close)  # closing the last descriptor unlocks


def _holder(said: str) -> Holder | None:
    """The holder a lock file names, or None when it names nobody readable."""
    try:
        data = json.loads(said)
        return Holder(int(data["pid"]), str(data["host"]), str(data["since"]))
    except (ValueError, KeyError, TypeError):
        return None


class AdvisoryInstanceLock:
    """The PostgreSQL engine's instance lock: a session advisory lock on its own connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: Any = None  # psycopg.AsyncConnection, loaded only on PostgreSQL

    async def acquire(self) -> None:
        """Takes the lock, or raises InstanceBusy naming the holder (from its application_name)."""
        if self._conn is not None:
            return
        import psycopg

        from db.engines.postgresql import INSTANCE_LOCK_ID, LOCK_SPACE

        me = Holder(os.getpid(), socket.gethostname(), datetime.now(UTC).isoformat("T", "seconds"))
        name = f"khedmatyar {me.pid} {me.host} {me.since}"
        conn = await psycopg.AsyncConnection.connect(
            self.url, autocommit=True, application_name=name[:63]
        )
        try:
            cursor = await conn.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (LOCK_SPACE, INSTANCE_LOCK_ID)
            )
            row = await cursor.fetchone()
            if row is None or not row[0]:
                cursor = await conn.execute(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
                    " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                    " AND l.classid = %s AND l.objid = %s",
                    (LOCK_SPACE, INSTANCE_LOCK_ID),
                )
                found = await cursor.fetchone()
                raise InstanceBusy(_named(str(found[0]) if found else ""))
        except BaseException:
            await conn.close()
            raise
        self._conn = conn

    async def release(self) -> None:
        """Closes the lock's connection, which lets the lock go."""
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()


def _named(application_name: str) -> Holder | None:
    """The holder an AdvisoryInstanceLock's connection names, or None."""
    parts = application_name.split(" ")
    if len(parts) != 4 or parts[0] != "khedmatyar" or not parts[1].isdigit():
        return None
    return Holder(int(parts[1]), parts[2], parts[3])


def instance_lock(database: str | Path) -> InstanceLock:
    """The instance lock for a configured database: a file beside an SQLite one, an advisory
    lock on a PostgreSQL one."""
    if is_postgresql(database):
        return AdvisoryInstanceLock(str(database))
    return FileInstanceLock(database)
