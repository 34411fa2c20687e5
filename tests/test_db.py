"""The database layer: migrations, pragmas, transactions, backups and repositories."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiosqlite
import pytest

from db.database import Database, migrations
from db.models import GroupRole, GroupStatus, Role
from db.store import Store


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
