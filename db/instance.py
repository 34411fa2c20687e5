"""The instance lock: at most one bot process serves a database at a time.

This is the seam between the engines. On SQLite (one file, one host) the lock is an exclusive
`flock` on a file beside the database (`<database>.lock`): the kernel drops it when the holder
ends in any way, kill -9 and a power cut included, so a crashed holder never blocks the next
start, and the file says who holds it (pid, host, since when) for the process that is refused.

On PostgreSQL it is a session advisory lock held on a connection of its own: the server drops it
when that connection ends (the process died, or its machine, or the network between them), and
the connection's application_name says who holds it. There a second process may wait for the
lock instead of being refused (a standby, `khedmatyar run`): it keeps one connection named as
waiting, tries the lock every WAIT_POLL seconds and serves from the moment it has it. The holder
checks its lock's connection every HEARTBEAT seconds; when a check fails or takes longer than
HEARTBEAT_TIMEOUT the lock may be another's already, and `on_lost` is called at once (fencing:
`khedmatyar run` ends the process then, see bot/cli.py). The server is told to drop a silent
holder's connection after about 11 seconds (KEEPALIVES), later than the holder fences itself,
so the lock is never free while an old holder still serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from bot.core.config import is_postgresql

log = logging.getLogger(__name__)

WAIT_POLL = 0.5  # seconds between a waiting instance's tries of the lock
HEARTBEAT = 1.0  # seconds between the holder's checks of its lock's connection
HEARTBEAT_TIMEOUT = 3.0  # a check that takes longer counts as a lost lock
RECONNECT = 2.0  # seconds a waiting instance waits before connecting again after a failure
# The server drops the lock's connection when the holder's machine or network is gone silently:
# after 5 s of silence and 3 unanswered probes 2 s apart, or 10 s of data it sent unacknowledged
# (TCP only; a Unix socket ends with its process). Later than the holder fences itself.
KEEPALIVES = {
    "tcp_keepalives_idle": 5,
    "tcp_keepalives_interval": 2,
    "tcp_keepalives_count": 3,
    "tcp_user_timeout": 10_000,  # milliseconds
}
SERVING, WAITING = "khedmatyar", "khedmatyar-waiting"  # application_name's first word


@dataclass(frozen=True, slots=True)
class Holder:
    """The process serving a database: its id, its host and when it took the lock (ISO UTC)."""

    pid: int
    host: str
    since: str


def _me() -> Holder:
    """This process, from now."""
    return Holder(os.getpid(), socket.gethostname(), datetime.now(UTC).isoformat("T", "seconds"))


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
        me = _me()
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
    """The PostgreSQL engine's instance lock: a session advisory lock on its own connection.

    standby: acquire() waits for the lock (saying in the log for whom) instead of raising
    InstanceBusy. on_lost: called once, from the heartbeat, when the held lock's connection fails.
    """

    def __init__(
        self, url: str, *, standby: bool = False, on_lost: Callable[[], None] | None = None
    ) -> None:
        self.url = url
        self.standby = standby
        self.on_lost = on_lost
        self._conn: Any = None  # psycopg.AsyncConnection, loaded only on PostgreSQL
        self._heartbeat: asyncio.Task[None] | None = None

    async def acquire(self) -> None:
        """Takes the lock, or raises InstanceBusy naming the holder (from its application_name);
        a standby waits for it instead, connecting again when its connection fails."""
        if self._conn is not None:
            return
        import psycopg

        said: _Taken | None = None  # whom the log said this instance waits for
        while True:
            try:
                conn = await self._connect(WAITING)
            except psycopg.OperationalError as exc:
                if not self.standby:
                    raise
                log.warning("waiting for the database to take connections: %s", exc)
                await asyncio.sleep(RECONNECT)
                continue
            try:
                while True:
                    taken = await _try_lock(conn)
                    if taken is None:
                        await self._serve_on(conn)
                        return
                    if not self.standby:
                        raise InstanceBusy(taken.found)
                    if taken != said:
                        said = taken
                        log.warning("waiting (standby): the database is served by %s", _who(taken))
                    await asyncio.sleep(WAIT_POLL)
            except psycopg.OperationalError as exc:
                await conn.close()
                log.warning("the waiting connection failed (%s); connecting again", exc)
                await asyncio.sleep(RECONNECT)
            except BaseException:
                await conn.close()
                raise

    async def _connect(self, role: str) -> Any:
        """A connection of its own, named for what this process does (see _named)."""
        import psycopg

        return await psycopg.AsyncConnection.connect(
            self.url, autocommit=True, application_name=_name(role, _me())
        )

    async def _serve_on(self, conn: Any) -> None:
        """Names the connection that holds the lock as serving (since now), asks the server to
        drop it when its peer goes silent, and starts the heartbeat."""
        await conn.execute(
            "SELECT set_config('application_name', %s, false)", (_name(SERVING, _me()),)
        )
        for setting, value in KEEPALIVES.items():
            await conn.execute("SELECT set_config(%s, %s, false)", (setting, str(value)))
        self._conn = conn
        self._heartbeat = asyncio.create_task(self._beat(), name="khedmatyar:instance-heartbeat")
        log.warning("serving: this instance holds the database's instance lock")

    async def _beat(self) -> None:
        """Checks the lock's connection every HEARTBEAT seconds; a failed or slow check calls
        on_lost (once) and ends the heartbeat."""
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                await asyncio.wait_for(self._conn.execute("SELECT 1"), HEARTBEAT_TIMEOUT)
            except Exception as exc:
                log.critical("the instance lock is lost (%s): this instance stops serving", exc)
                if self.on_lost is not None:
                    self.on_lost()
                return

    async def release(self) -> None:
        """Stops the heartbeat and closes the lock's connection, which lets the lock go."""
        beat, self._heartbeat = self._heartbeat, None
        if beat is not None:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()


@dataclass(frozen=True, slots=True)
class _Taken:
    """The lock was not free: who holds it, when their connection says."""

    found: Holder | None


async def _try_lock(conn: Any) -> _Taken | None:
    """Takes the lock on conn without waiting: None when taken, else who holds it."""
    from db.engines.postgresql import INSTANCE_LOCK_ID, LOCK_SPACE

    cursor = await conn.execute(
        "SELECT pg_try_advisory_lock(%s, %s)", (LOCK_SPACE, INSTANCE_LOCK_ID)
    )
    row = await cursor.fetchone()
    if row is not None and row[0]:
        return None
    cursor = await conn.execute(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
        " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
        " AND l.classid = %s AND l.objid = %s",
        (LOCK_SPACE, INSTANCE_LOCK_ID),
    )
    found = await cursor.fetchone()
    return _Taken(_named(str(found[0]) if found else ""))


def _name(role: str, me: Holder) -> str:
    """The application_name of a lock connection: role, pid, host, since (at most 63 bytes)."""
    return f"{role} {me.pid} {me.host} {me.since}"[:63]


def _named(application_name: str) -> Holder | None:
    """The holder an AdvisoryInstanceLock's connection names, or None."""
    parts = application_name.split(" ")
    if len(parts) != 4 or parts[0] not in (SERVING, WAITING) or not parts[1].isdigit():
        return None
    return Holder(int(parts[1]), parts[2], parts[3])


def _who(taken: _Taken) -> str:
    """The holder of a lock as the log names it."""
    holder = taken.found
    if holder is None:
        return "another process (unnamed)"
    return f"pid {holder.pid} on {holder.host} since {holder.since}"


@dataclass(frozen=True, slots=True)
class Instances:
    """Who serves a database and who waits to (`khedmatyar status`)."""

    serving: Holder | None
    waiting: list[Holder]
    held: bool  # the lock is held (serving may still be None: a holder that names nobody)


async def instances(database: str | Path) -> Instances:
    """Who serves the database and who waits: the lock's holder and the waiting connections on
    PostgreSQL; on SQLite the lock file's holder while its lock is held (nobody waits there)."""
    if not is_postgresql(database):
        return await asyncio.to_thread(_file_instances, Path(f"{database}.lock"))
    import psycopg

    from db.engines.postgresql import INSTANCE_LOCK_ID, LOCK_SPACE

    async with await psycopg.AsyncConnection.connect(str(database), autocommit=True) as conn:
        cursor = await conn.execute(
            "SELECT a.application_name, l.pid IS NOT NULL FROM pg_stat_activity a"
            " LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted"
            " AND l.classid = %s AND l.objid = %s"
            " WHERE a.datname = current_database()"
            " AND (a.application_name LIKE %s OR l.pid IS NOT NULL) ORDER BY a.backend_start",
            (LOCK_SPACE, INSTANCE_LOCK_ID, f"{WAITING} %"),
        )
        rows = await cursor.fetchall()
    held = [_named(str(name)) for name, holds in rows if holds]
    waiting = [h for name, holds in rows if not holds and (h := _named(str(name))) is not None]
    return Instances(held[0] if held else None, waiting, bool(held))


def _file_instances(path: Path) -> Instances:
    """The SQLite lock file's holder, when its flock is held (read from /proc/locks, so that
    looking never takes the lock from a process starting now)."""
    try:
        said = path.read_text(encoding="utf-8")
        inode = path.stat().st_ino
        locks = Path("/proc/locks").read_text(encoding="utf-8")
    except OSError:
        return Instances(None, [], held=False)
    held = any(
        line.split()[1] == "FLOCK" and line.split()[5].rsplit(":", 1)[-1] == str(inode)
        for line in locks.splitlines()
        if len(line.split()) > 5
    )
    return Instances(_holder(said) if held else None, [], held)


def instance_lock(
    database: str | Path, *, standby: bool = False, on_lost: Callable[[], None] | None = None
) -> InstanceLock:
    """The instance lock for a configured database: a file beside an SQLite one (refusing a
    second process), an advisory lock on a PostgreSQL one (waited for when standby; on_lost
    called when it is lost)."""
    if is_postgresql(database):
        return AdvisoryInstanceLock(str(database), standby=standby, on_lost=on_lost)
    return FileInstanceLock(database)
