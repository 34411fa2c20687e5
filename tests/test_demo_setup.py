"""How the demo starts: its database kept between runs, `--fresh`, the port hint, `make run`."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.cli import main
from bot.core.config import parse_config
from bot.core.jalali import TEHRAN
from bot.core.text import search_key
from bot.demo import demo_data, seed_demo, start_demo
from db.database import Database
from db.store import Store

ROOT = Path(__file__).resolve().parent.parent


async def _tables(path: Path) -> set[str]:
    """The names of the tables in a database file."""
    async with aiosqlite.connect(path) as db:
        cursor = await db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(row[0]) for row in await cursor.fetchall()}


async def test_demo_database_is_kept_unless_fresh(tmp_path: Path) -> None:
    """A second start keeps the data (a marker survives); --fresh seeds it anew (it goes)."""
    data = tmp_path / "demo"
    db_path = data / "demo.db"
    demo = await start_demo(parse_config({}), port=0, data=str(data))
    await demo.stop()
    async with aiosqlite.connect(db_path) as db:
        cursor = await db.execute("SELECT COUNT(*) FROM reports")
        row = await cursor.fetchone()
        assert row is not None and row[0] > 0
        reports = row[0]
        await db.execute("CREATE TABLE kept_marker (x INTEGER)")
        await db.commit()

    demo = await start_demo(parse_config({}), port=0, data=str(data))
    await demo.stop()
    assert "kept_marker" in await _tables(db_path)
    async with aiosqlite.connect(db_path) as db:
        cursor = await db.execute("SELECT COUNT(*) FROM reports")
        assert await cursor.fetchone() == (reports,)

    demo = await start_demo(parse_config({}), port=0, data=str(data), fresh=True)
    await demo.stop()
    assert "kept_marker" not in await _tables(db_path)


async def test_demo_data_reads_like_a_real_network(tmp_path: Path) -> None:
    """Reports saved on the evening of their day over eight weeks, the member joined weeks ago,
    beneficiaries in step with quantities, and review on with one province's last week waiting."""
    demo = await start_demo(parse_config({}), port=0, data=str(tmp_path / "demo"))
    member = demo.people["member"]
    review_on = demo.app.bot_data.config.report.review
    await demo.stop()
    async with aiosqlite.connect(tmp_path / "demo" / "demo.db") as db:
        cursor = await db.execute(
            "SELECT r.service_date, r.created_at, r.quantity, r.beneficiaries, c.unit, r.status,"
            " p.name FROM reports r JOIN categories c ON c.id = r.category_id"
            " JOIN provinces p ON p.id = r.province_id"
        )
        reports = list(await cursor.fetchall())
        cursor = await db.execute(
            "SELECT joined_at FROM memberships WHERE volunteer_id = ?", (member,)
        )
        [(joined,)] = list(await cursor.fetchall())
    now = datetime.now(TEHRAN)
    saved = [datetime.fromisoformat(r[1]).astimezone(TEHRAN) for r in reports]
    assert len({s.date() for s in saved}) >= 40  # saved over weeks, not at one moment
    for (service_date, *_), at in zip(reports, saved, strict=True):
        lag = at.date() - date.fromisoformat(service_date)
        assert timedelta(0) <= lag <= timedelta(days=1) and at.hour >= 18
    assert now - datetime.fromisoformat(joined).astimezone(TEHRAN) > timedelta(days=28)
    ratios = {(r[4], r[3] / r[2]) for r in reports if r[3] is not None}
    assert all(ratio == 1 for unit, ratio in ratios if unit in ("نفر", "پرس"))
    assert all(3.5 <= ratio <= 6.5 for unit, ratio in ratios if unit == "واحد")
    assert any(r[3] is None for r in reports)
    waiting = [r for r in reports if r[5] == "submitted"]
    assert review_on and waiting
    assert {r[6] for r in waiting} == {"مرکزی"}
    week_ago = now.date() - timedelta(days=7)
    assert all(date.fromisoformat(r[0]) >= week_ago for r in waiting)
    assert {r[5] for r in reports} == {"submitted", "approved"}


def test_busy_port_names_make_run(capsys: pytest.CaptureFixture[str]) -> None:
    """A taken port ends with exit status 2 and a hint that works from the checkout."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["demo", "--port", str(port), "--data", os.devnull + "-none"]) == 2
    hint = capsys.readouterr().err
    assert str(port) in hint
    assert "make run PORT=8090" in hint
    assert "khedmatyar demo" not in hint


@pytest.mark.skipif(shutil.which("make") is None, reason="make is missing")
def test_make_run_takes_port_and_fresh_and_test_needs_dev_tools(tmp_path: Path) -> None:
    """`make run PORT=… FRESH=1` passes both on; a runtime-only venv is no venv for `make test`."""
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed-run").touch()  # newer than pyproject.toml and constraints.txt

    def dry(*args: str) -> str:
        """What make would run, without running it."""
        done = subprocess.run(
            ["make", "-n", "-C", str(ROOT), f"VENV={venv}", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    run = dry("run", "PORT=8090", "FRESH=1")
    assert "khedmatyar run --port 8090 --fresh" in run
    assert "pip install" not in run
    assert "khedmatyar run --port" not in dry("run")
    unit = dry("unit")
    assert "-c constraints.txt -e '.[dev]'" in unit
    assert "-e .\n" not in unit


# A moment of the day before the evening, when the demo is often started: a report written up
# "the next day" for yesterday would be saved this evening, after now.
SEED_NOW = datetime(2026, 11, 18, 11, 0, tzinfo=TEHRAN)
# Columns named for what will be, not what was; and the migrations' own record (real time).
AHEAD = ("due_at", "expires_at")
NOT_SEEDED = ("schema_migrations",)


@pytest.fixture
async def seeded(tmp_path: Path) -> AsyncIterator[Path]:
    """A database seeded like the demo at SEED_NOW (its clock stands still there)."""
    path = tmp_path / "seeded.db"
    store = Store(Database(path, clock=lambda: SEED_NOW))
    await store.open()
    try:
        people = {"admin": 1, "leader": 2, "member": 3, "coordinator": 4, "newcomer": 5}
        await seed_demo(store, people, SEED_NOW.date())
    finally:
        await store.close()
    yield path


def _read(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Runs a query on a database file with a connection of the test's own."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def test_the_demo_saved_nothing_after_its_now(seeded: Path) -> None:
    """Every moment the seed stamps (reports saved, decided, people joining...) is before now."""
    later = []
    for (table,) in _read(seeded, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        if table in NOT_SEEDED:
            continue
        for column in [r[1] for r in _read(seeded, f'PRAGMA table_info("{table}")')]:
            if not column.endswith("_at") or column in AHEAD:
                continue
            for (value,) in _read(seeded, f'SELECT "{column}" FROM "{table}"'):
                if value and datetime.fromisoformat(value) > SEED_NOW:
                    later.append((table, column, value))
    assert later == []
    saved = _read(seeded, "SELECT service_date, created_at FROM reports")
    yesterday = (SEED_NOW.date() - timedelta(days=1)).isoformat()
    assert yesterday in {day for day, _ in saved}  # the last day is there, saved last evening


def _divisions() -> tuple[dict[str, str], set[str]]:
    """Counties (search key → province) and provinces (search keys) of divisions.csv."""
    with (ROOT / "locales" / "fa" / "divisions.csv").open(encoding="utf-8") as rows:
        found = list(csv.DictReader(rows))
    counties = {search_key(r["county_fa"]): r["province_fa"] for r in found}
    return counties, {search_key(r["province_fa"]) for r in found}


def test_each_sample_place_is_in_the_county_of_its_report(seeded: Path) -> None:
    """A report's town, village or neighbourhood names no other county or province of
    divisions.csv, and is one of its own group's places (each group's are of its county)."""
    counties, provinces = _divisions()
    groups = {g["name"]: g for g in demo_data()["group"]}
    reports = _read(
        seeded,
        "SELECT r.place, c.name, p.name, g.name FROM reports r"
        " JOIN counties c ON c.id = r.county_id JOIN provinces p ON p.id = r.province_id"
        " JOIN groups g ON g.id = r.group_id",
    )
    wrong = []
    for place, county, province, group in reports:
        words = place.split()
        for size in (1, 2, 3):
            for start in range(len(words) - size + 1):
                name = search_key(" ".join(words[start : start + size]))
                other_county = name in counties and name != search_key(county)
                other_province = name in provinces and name != search_key(province)
                if other_county or other_province:
                    wrong.append((place, county, group))
        if place not in groups[group].get("places", ()) or groups[group]["county"] != county:
            wrong.append((place, county, group))
    assert wrong == []
    assert len({r[0] for r in reports if r[0]}) >= 20  # towns, villages, neighbourhoods


async def test_every_person_of_the_demo_has_a_chat(tmp_path: Path) -> None:
    """Everyone the demo's database knows (the other groups' leaders too, such as «حسین» of
    ساوه) has a chat in the simulator: the bot's notices to them arrive, none is refused."""
    demo = await start_demo(parse_config({}), port=0, data=str(tmp_path / "demo"))
    try:
        world = demo.server.world
        known = _read(tmp_path / "demo" / "demo.db", "SELECT id, first_name FROM volunteers")
        assert "حسین" in {name for _, name in known} and len(known) == len(world.users)
        for volunteer, name in known:
            assert volunteer in world.users and world.users[volunteer].first_name == name
            await demo.app.bot.send_message(volunteer, "سلام")  # no «Chat not found»
        leaders = _read(
            tmp_path / "demo" / "demo.db",
            "SELECT DISTINCT m.volunteer_id FROM memberships m WHERE m.role = 'leader'",
        )
        assert {v for (v,) in leaders} == {demo.people["leader"], *demo.leaders}
    finally:
        await demo.stop()
    assert demo.server.violations == []
