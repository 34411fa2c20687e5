"""How the demo starts: its database kept between runs, `--fresh`, the port hint, `make run`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.cli import main
from bot.config import parse_config
from bot.demo import start_demo
from bot.jalali import TEHRAN

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
