"""A throwaway PostgreSQL cluster for the tests and benchmarks: Debian's `postgresql` binaries,
`initdb` into a temporary folder as a user that is not root, a Unix socket in that folder (no TCP
port), trust authentication and `fsync = off`. Started once (per test session and xdist worker,
or per benchmark run) and stopped at the end; every step is bounded in time.

Debian's package installs the binaries under /usr/lib/postgresql/<version>/bin and creates the
`postgres` OS user; `initdb` refuses to run as root, so as root the cluster belongs to that user.
`make test` installs the package when it is missing (the Makefile's `postgresql` target).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

STEP_SECONDS = 60  # initdb, start and stop each finish well within this on a busy machine
SUPERUSER = "khedmatyar"
MISSING = (
    "PostgreSQL is not installed: `make postgresql` (or `apt-get install postgresql`) installs "
    "Debian's package, which the tests and benchmarks run a throwaway cluster of"
)


def binaries() -> Path | None:
    """The folder of the newest installed PostgreSQL server's programs, if any."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return None if initdb is None else Path(initdb).resolve().parent


class Cluster:
    """A running throwaway cluster; `url(name)` is a database's address on its socket."""

    def __init__(self, root: Path, bin_dir: Path, owner: str | None, durable: bool) -> None:
        self.root = root
        self.bin = bin_dir
        self.owner = owner  # the OS user the server runs as (None: this process's own user)
        self.durable = durable  # fsync on, as a real server (benchmarks); off for the tests
        self.data = root / "data"
        self.socket = root / "socket"

    def url(self, database: str = "postgres") -> str:
        """A libpq URL of a database of this cluster, through its Unix socket."""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket}"

    def _run(self, *args: str) -> None:
        """Runs one of the server's programs as the cluster's owner, bounded in time."""
        command = [str(self.bin / args[0]), *args[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=STEP_SECONDS)

    def start(self) -> None:
        """Makes the cluster (initdb) and starts it, waiting until it takes connections."""
        self.socket.mkdir()
        if self.owner is not None:
            info = pwd.getpwnam(self.owner)
            os.chown(self.root, info.pw_uid, info.pw_gid)
            os.chown(self.socket, info.pw_uid, info.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        # Durable: what SQLite's WAL with synchronous = NORMAL keeps (a commit is not waited for
        # on disk, but the log is written and synced), so the engines compare alike.
        safety = (
            ("-c synchronous_commit=off",)
            if self.durable
            else (
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            )
        )
        options = " ".join(
            (
                "-c listen_addresses=''",
                f"-c unix_socket_directories={self.socket}",
                *safety,
                "-c max_connections=200",
                "-c shared_buffers=256MB",
            )
        )
        log = self.root / "server.log"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stops the server at once (its data is thrown away with the folder)."""
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


@contextlib.contextmanager
def running_cluster(*, durable: bool = False) -> Iterator[Cluster]:
    """A fresh cluster in a temporary folder, stopped and removed afterwards (durable: fsync on,
    for benchmarks)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError(MISSING)
    owner = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="khedmatyar-pg-"))
    cluster = Cluster(root, bin_dir, owner, durable)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
