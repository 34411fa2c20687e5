"""The database layer: migrations, pragmas, transactions, backups and repositories."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiosqlite
import pytest

from db.database import Database, SchemaMismatch, migrations
from db.models import GroupRole, GroupStatus, Role
from db.store import Store

ROOT = Path(__file__).resolve().parent.parent


async def test_migrations_are_recorded_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    async with Database(path) as db:
        versions = [v for v, _, _ in migrations()]
        rows = await db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in rows] == versions
    async with Database(path) as db:
        assert await db.migrate() == []


async def test_pragmas(tmp_path: Path) -> None:
    async with Database(tmp_path / "k.db") as db:
        assert await db.scalar("PRAGMA journal_mode") == "wal"
        assert await db.scalar("PRAGMA foreign_keys") == 1
        assert await db.scalar("PRAGMA busy_timeout") == 5000
        with pytest.raises(aiosqlite.IntegrityError):
            await db.execute(
                "INSERT INTO counties (province_id, code, name, search_key)"
                " VALUES (999, 'x', 'x', 'x')"
            )


async def test_transaction_rolls_back_and_excludes_other_tasks(tmp_path: Path) -> None:
    async with Database(tmp_path / "k.db") as db:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO processed_updates (update_id, at) VALUES (1, 'x')")
                raise RuntimeError("boom")
        assert await db.scalar("SELECT COUNT(*) FROM processed_updates") == 0

        seen: list[int] = []

        async def reader() -> None:
            seen.append(await db.scalar("SELECT COUNT(*) FROM processed_updates"))

        async with db.transaction():
            await db.execute("INSERT INTO processed_updates (update_id, at) VALUES (2, 'x')")
            task = asyncio.create_task(reader())
            await asyncio.sleep(0.01)
            assert not task.done()  # the other task waits for the transaction to end
            await db.execute("INSERT INTO processed_updates (update_id, at) VALUES (3, 'x')")
        await task
        assert seen == [2]


async def test_backup_while_writing(tmp_path: Path) -> None:
    async with Database(tmp_path / "k.db") as db:

        async def writer() -> None:
            for i in range(200):
                await db.execute(
                    "INSERT INTO processed_updates (update_id, at) VALUES (?, 'x')", (i,)
                )

        task = asyncio.create_task(writer())
        await db.backup(tmp_path / "copy.db")
        await task
    async with aiosqlite.connect(tmp_path / "copy.db") as copy:
        async with copy.execute("PRAGMA integrity_check") as cursor:
            assert (await cursor.fetchone()) == ("ok",)
        async with copy.execute("SELECT COUNT(*) FROM schema_migrations") as cursor:
            row = await cursor.fetchone()
            assert row is not None and row[0] == len(migrations())


async def test_reference_data_is_seeded_once(tmp_path: Path) -> None:
    store = Store(Database(tmp_path / "k.db"))
    await store.open()
    provinces = await store.places.provinces()
    assert len(provinces) == 31
    counties = await store.db.scalar("SELECT COUNT(*) FROM counties")
    areas = await store.categories.areas()
    assert len(areas) >= 8
    await store.close()
    store = Store(Database(tmp_path / "k.db"))
    await store.open()
    assert await store.db.scalar("SELECT COUNT(*) FROM counties") == counties
    assert len(await store.categories.areas()) == len(areas)
    await store.close()


@pytest.mark.both_engines
async def test_group_repo_keeps_a_leader(store: Store) -> None:
    arak = (await store.places.search_counties("اراک"))[0]
    for uid in (1, 2):
        await store.volunteers.seen(uid, f"u{uid}", "", "")
    gid = await store.groups.create(
        "گروه امید", "گروهامید", arak.province_id, arak.id, None, 1, GroupStatus.ACTIVE
    )
    group = await store.groups.get(gid)
    assert group is not None and dataclasses.is_dataclass(group)
    with pytest.raises(dataclasses.FrozenInstanceError):
        group.name = "x"  # type: ignore[misc]
    assert not await store.groups.remove_member(gid, 1)
    assert not await store.groups.set_role(gid, 1, GroupRole.MEMBER)
    await store.groups.add_member(gid, 2, GroupRole.MEMBER)
    assert await store.groups.set_role(gid, 2, GroupRole.LEADER)
    assert await store.groups.set_role(gid, 1, GroupRole.MEMBER)
    assert [m.role for m in await store.groups.members(gid)] == [GroupRole.LEADER, GroupRole.MEMBER]


@pytest.mark.both_engines
async def test_roles(store: Store) -> None:
    await store.volunteers.seen(5, "x", "", "")
    assert await store.roles.grant(5, Role.COORDINATOR, 1, None)
    assert not await store.roles.grant(5, Role.COORDINATOR, 1, None)
    assert await store.roles.grant(5, Role.ADMIN, None, None)
    assert {g.role for g in await store.roles.of(5)} == {Role.ADMIN, Role.COORDINATOR}
    assert await store.roles.revoke(5, Role.COORDINATOR) == 1


def test_cli_migrate_and_backup(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\npath = "{tmp_path / "live.db"}"\n', encoding="utf-8")
    for args in (["db", "migrate"], ["db", "backup", str(tmp_path / "copy.db")]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert (
        "به‌روز است"
        in subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config), "db", "migrate"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    )
    with contextlib.closing(sqlite3.connect(tmp_path / "copy.db")) as copy:
        assert copy.execute("SELECT COUNT(*) FROM provinces").fetchone() == (31,)


def test_cli_backup_onto_a_folder_or_a_missing_folder_says_why(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\npath = "{tmp_path / "live.db"}"\n', encoding="utf-8")
    base = [sys.executable, "-m", "bot", "--config", str(config)]
    subprocess.run([*base, "db", "migrate"], capture_output=True, timeout=60, check=True)
    for target in (tmp_path, tmp_path / "no" / "such" / "folder" / "copy.db"):
        done = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config), "db", "backup", str(target)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and "پشتیبان" in done.stderr + done.stdout


def _cli(config: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Runs this checkout's khedmatyar command, in `cwd` if given, to its end (bounded: one that
    hangs fails the test)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _files(folder: Path) -> dict[str, tuple[int, ...]]:
    """Each file's inode, size and change time, read with stat: opening the database's files in
    this process would drop the test connection's SQLite locks (a POSIX lock rule). The shared
    memory file changes whenever a connection opens the database, so its time is left out."""
    found: dict[str, tuple[int, ...]] = {}
    for path in folder.iterdir():
        if path.is_file():
            stat = path.stat()
            found[path.name] = (stat.st_ino, stat.st_size)
            if not path.name.endswith("-shm"):
                found[path.name] += (stat.st_mtime_ns,)
    return found


def test_cli_backup_never_writes_over_the_live_database_or_removes_what_it_did_not_make(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.db"
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\npath = "{live}"\n', encoding="utf-8")
    assert _cli(config, "db", "migrate").returncode == 0
    (tmp_path / "wal-link").symlink_to(tmp_path / "live.db-wal")
    notes = tmp_path / "notes.txt"
    notes.write_text("یادداشت‌های من", encoding="utf-8")
    # The running bot: its connection keeps the WAL and shared memory, with a row only in the WAL.
    with contextlib.closing(sqlite3.connect(live, isolation_level=None)) as bot:
        bot.execute("PRAGMA wal_autocheckpoint = 0")
        bot.execute(
            "INSERT INTO volunteers (id, first_name, created_at, last_seen_at)"
            " VALUES (7, 'رضا', '', '')"
        )
        before = _files(tmp_path)
        for target in (
            live,
            tmp_path / "live.db-wal",
            tmp_path / "live.db-shm",
            Path("live.db-wal"),  # relative to the folder the command runs in
            Path("./sub/../live.db"),
            tmp_path / "wal-link",  # a symlink to the WAL
            notes,  # not a database at all
        ):
            (tmp_path / "sub").mkdir(exist_ok=True)
            done = _cli(config, "db", "backup", str(target), cwd=tmp_path)
            assert done.returncode == 2, (target, done.stderr)
            assert "Traceback" not in done.stderr and "پشتیبان" in done.stderr, done.stderr
        assert _files(tmp_path) == before  # nothing removed, nothing written over
        assert bot.execute("SELECT first_name FROM volunteers WHERE id = 7").fetchone() == ("رضا",)
    # A backup into a missing folder fails, leaving nothing behind; an older backup is replaced.
    assert _cli(config, "db", "backup", str(tmp_path / "no" / "copy.db")).returncode == 2
    old = tmp_path / "old-backup.db"
    with contextlib.closing(sqlite3.connect(old)) as db:
        db.execute("CREATE TABLE t (x)")
    assert _cli(config, "db", "backup", str(old)).returncode == 0
    with contextlib.closing(sqlite3.connect(old)) as copy:
        assert copy.execute("SELECT first_name FROM volunteers WHERE id = 7").fetchone() == ("رضا",)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def _migrated(tmp_path: Path) -> tuple[Path, Path]:
    """A database made by `db migrate`, and its config (with a token: `run` starts the bot)."""
    config = tmp_path / "c.toml"
    config.write_text(
        f'[telegram]\ntoken = "7000000001:{"A" * 35}"\nbase_url = "http://127.0.0.1:9"\n'
        f'[database]\npath = "{tmp_path / "bot.db"}"\n',
        encoding="utf-8",
    )
    assert _cli(config, "db", "migrate").returncode == 0
    return tmp_path / "bot.db", config


def test_a_database_with_a_migration_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path, config = _migrated(tmp_path)
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("INSERT INTO schema_migrations VALUES (9999, 'from_the_future', '')")
    for args in (["run"], ["db", "migrate"]):
        done = _cli(config, *args)
        assert done.returncode == 2, done.stderr
        assert "9999" in done.stderr and "Traceback" not in done.stderr
        assert done.stderr.count("\n") == 1
    with contextlib.closing(sqlite3.connect(path)) as db:  # nothing applied over it
        assert db.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == (9999,)


async def test_the_bot_refuses_a_newer_database_in_process_too(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    async with Database(path) as db:
        await db.execute("INSERT INTO schema_migrations VALUES (9999, 'x', '')")
    with pytest.raises(SchemaMismatch) as refused:
        await Database(path).open()
    assert refused.value.unknown == (9999,)


def test_a_database_missing_a_migration_is_refused_and_db_migrate_applies_it(
    tmp_path: Path,
) -> None:
    path, config = _migrated(tmp_path)
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # as made before migration 0010
        db.execute("DROP TABLE export_jobs")
        db.execute("DELETE FROM schema_migrations WHERE version = 10")
    done = _cli(config, "run")
    assert done.returncode == 2, done.stderr
    assert "0010" in done.stderr and "db migrate" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    migrated = _cli(config, "db", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "0010" in migrated.stdout
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT COUNT(*) FROM export_jobs").fetchone() == (0,)
