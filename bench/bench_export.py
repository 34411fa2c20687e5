"""Exporting a national campaign's reports: time, peak memory, and what a reporter feels meanwhile.

Fills a fresh SQLite file with N reports (default 100,000, from 3,000 groups over 120 days, with
descriptions, places and photos), then:
1. exports all of them to XLSX and to CSV, each in a fresh interpreter so that its peak RSS is the
   export's own (and once more with a tenth of the rows: a streamed export's memory must not grow
   with the rows);
2. saves a report every 50 ms through the bot's own connection while export_in_background writes
   the XLSX, in a worker thread and then in a child process, and compares the save latency with
   the same saves when nothing else runs.

    .venv/bin/python bench/bench_export.py [--reports 100000] [--groups 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from stats import summary

from bot.export.sheet import ExportFormat, export_in_background, write_export
from db.database import Database
from db.export import ExportFilter
from db.models import ReportInput
from db.store import Store

TODAY = date(2026, 11, 22)
EVERYTHING = ExportFilter(TODAY - timedelta(days=400), TODAY)
WORDS = [
    "توزیع",
    "بستهٔ",
    "معیشتی",
    "بین",
    "خانواده\u200cهای",
    "کم\u200cبرخوردار",
    "با",
    "کمک",
    "خیرین",
    "محل",
    "و",
    "اعضای",
    "گروه",
]


async def fill(path: Path, reports: int, groups: int) -> float:
    """Creates the database with reference data and the reports; returns the seconds it took."""
    rng = random.Random(7)
    store = Store(Database(path))
    await store.open()
    db = store.db
    started = time.perf_counter()
    counties = await db.fetchall("SELECT id, province_id FROM counties")
    services = [r[0] for r in await db.fetchall("SELECT id FROM categories WHERE parent_id > 0")]
    campaign = await store.campaigns.create(
        "پویش ۱۱ هزار خدمت", 11000, "خدمت", TODAY - timedelta(days=120), TODAY
    )
    now = "2026-11-22T08:30:00+00:00"
    async with db.transaction():
        await db.executemany(
            "INSERT INTO volunteers (id, first_name, last_name, created_at, last_seen_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(i, f"سرگروه {i}", "رضایی", now, now) for i in range(1, groups + 1)],
        )
        for g in range(1, groups + 1):
            county = rng.choice(counties)
            await db.execute(
                "INSERT INTO groups (id, name, search_key, province_id, county_id, created_by,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (g, f"گروه جهادی {g}", f"گروه{g}", county[1], county[0], g, now, now),
            )
    rows = []
    photos: list[tuple[int, int, str, str]] = []
    for n in range(1, reports + 1):
        g = rng.randint(1, groups)
        county = rng.choice(counties)
        day = TODAY - timedelta(days=rng.randint(0, 120))
        rows.append(
            (
                n,
                f"1405-{n:06d}",
                f"k{n}",
                g,
                g,
                campaign if rng.random() < 0.8 else None,
                rng.choice(services),
                rng.randint(1, 200),
                rng.choice([None, rng.randint(1, 500)]),
                rng.randint(1, 30),
                county[1],
                county[0],
                f"روستای {rng.randint(1, 900)}",
                day.isoformat(),
                " ".join(rng.sample(WORDS, rng.randint(3, len(WORDS)))),
                rng.choice(["submitted", "approved", "approved", "returned"]),
                now,
                now,
            )
        )
        photos.extend((n, i, f"file{n}-{i}", f"u{n}-{i}") for i in range(rng.randint(0, 3)))
    async with db.transaction():
        await db.executemany(
            "INSERT INTO reports (id, receipt, idempotency_key, group_id, reporter_id,"
            " campaign_id, category_id, quantity, beneficiaries, volunteers, province_id,"
            " county_id, place, service_date, description, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        await db.executemany("INSERT INTO report_photos VALUES (?, ?, ?, ?)", photos)
    await store.close()
    return time.perf_counter() - started


def _status_kb(field: str) -> int:
    """Reads a memory figure (kB) of this process from /proc/self/status.

    VmHWM is the peak RSS of this program image; unlike getrusage's ru_maxrss it does not carry
    over the parent's peak across fork and exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def child(db: str, fmt: str, out: str, tenth: int) -> None:
    """Runs one export in this (fresh) interpreter and prints its figures as JSON."""
    before = _status_kb("VmHWM")
    flt = EVERYTHING
    if tenth:
        flt = ExportFilter(TODAY - timedelta(days=11), TODAY)  # about a tenth of 120 days
    started = time.perf_counter()
    result = write_export(db, flt, out, ExportFormat(fmt))
    seconds = time.perf_counter() - started
    peak = _status_kb("VmHWM")
    size = Path(out).stat().st_size
    print(
        json.dumps({"rows": result.rows, "s": seconds, "base": before, "peak": peak, "size": size})
    )


def measure(db: Path, fmt: str, out: Path, tenth: bool) -> dict[str, float]:
    """Runs one export in a fresh interpreter and returns its figures."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(db), fmt, str(out), "1" if tenth else "0"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


async def saves(store: Store, count: int, tag: str) -> list[float]:
    """Saves count reports 50 ms apart through the bot's connection; returns each save's ms."""
    base = await store.db.fetchone("SELECT * FROM reports WHERE id = 1")
    assert base is not None
    timings = []
    for n in range(count):
        data = ReportInput(
            base["group_id"],
            None,
            base["category_id"],
            5,
            None,
            None,
            base["province_id"],
            base["county_id"],
            "",
            None,
            None,
            TODAY,
            "",
            (),
        )
        started = time.perf_counter()
        await store.reports.create(data, base["reporter_id"], f"bench-{tag}-{n}", 1405)
        timings.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.05)
    return timings


async def beside(db: Path, out: Path) -> dict[str, tuple[list[float], float]]:
    """Save latencies alone, beside an XLSX export in a worker thread, and in another process."""
    store = Store(Database(db))
    await store.open()
    try:
        figures = {"alone": (await saves(store, 60, "alone"), 0.0)}
        for how in ("thread", "process"):
            job = asyncio.ensure_future(
                export_in_background(
                    db, EVERYTHING, out, ExportFormat.XLSX, process=how == "process"
                )
            )
            started = time.perf_counter()
            during: list[float] = []
            while not job.done():
                during.extend(await saves(store, 10, f"{how}-{len(during)}"))
            await job
            figures[how] = (during, time.perf_counter() - started)
        return figures
    finally:
        await store.close()


STEPS = [
    ("send", "/report"),
    ("press", "پویش ۱۱ هزار خدمت"),
    ("press", "معیشتی"),
    ("press", "بستهٔ معیشتی"),
    ("send", "120"),
    ("send", "۴۵"),
    ("send", "8"),
    ("press", "📍 همان محل گروه: اراک، استان مرکزی"),
    ("send", "روستای خنداب"),
    ("press", "دیروز"),
    ("send", "توزیع بسته با کمک خیرین"),
    ("press", "بدون عکس"),
    ("press", "✅ ثبت گزارش"),
]


async def file_report(user: Any, step_times: list[float]) -> None:
    """One whole report, as bench_report_flow.py files it, with the campaign step first."""
    for how, what in STEPS:
        started = time.perf_counter()
        await (user.send(what) if how == "send" else user.press(what))
        step_times.append(time.perf_counter() - started)
    assert "ثبت شد" in user.last.text, user.last.text


async def flow(db: Path, out: Path) -> dict[str, tuple[list[float], float]]:
    """Step latencies of a leader filing reports through the simulator, with and without export.

    The bot runs in-process against the simulator (as in bench_report_flow.py) on the filled
    database; one leader files reports one after another, first alone, then for as long as an
    XLSX export of every report runs in a worker thread, then in a child process.
    """
    # Imported here: the export's own figures are taken in interpreters that do not load them.

    from bot.app import build_application
    from bot.core.config import parse_config
    from bot.core.text import search_key
    from bot.runner import start_polling, stop
    from db.models import GroupStatus
    from simulator.limits import Limits
    from simulator.server import SimulatorServer
    from simulator.testing import ProcessedTracker, SimClient

    tracker = ProcessedTracker()
    token = f"7000000001:{secrets.token_urlsafe(27)}"
    figures: dict[str, tuple[list[float], float]] = {}
    async with SimulatorServer(token=token, limits=Limits(flood_control=False)) as server:
        config = parse_config(
            {
                "telegram": {"token": token, "base_url": server.base_url},
                "database": {"path": str(db)},
            }
        )
        shift = datetime(2026, 11, 22, 8, 30, tzinfo=UTC) - datetime.now(UTC)

        def clock() -> datetime:  # the day fill()'s campaign runs to: it is offered
            return datetime.now(UTC) + shift

        app = build_application(config, clock=clock)
        tracker.track(app)
        await start_polling(app, poll_timeout=1)
        try:
            store = app.bot_data.store
            place = (await store.places.search_counties(search_key("اراک")))[0]
            async with SimClient(
                server.control_url, wait_processed=tracker.wait, timeout=60
            ) as sim:
                user = await sim.user("سرگروه")
                await store.volunteers.seen(user.id, user.first_name, "", "")
                await store.groups.create(
                    "گروه بنچ",
                    "گروهبنچ",
                    place.province_id,
                    place.id,
                    None,
                    user.id,
                    GroupStatus.ACTIVE,
                )
                for how in ("alone", "thread", "process"):
                    steps: list[float] = []
                    started = time.perf_counter()
                    if how == "alone":
                        for _ in range(5):
                            await file_report(user, steps)
                        figures[how] = (steps, 0.0)
                        continue
                    job = asyncio.ensure_future(
                        export_in_background(
                            db, EVERYTHING, out, ExportFormat.XLSX, process=how == "process"
                        )
                    )
                    while not job.done():
                        await file_report(user, steps)
                    await job
                    figures[how] = (steps, time.perf_counter() - started)
        finally:
            await stop(app)
    return figures


def _stats(values: list[float]) -> str:
    return summary(values).text()


def main(reports: int, groups: int) -> None:
    """Fills the database and prints every figure."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        seconds = asyncio.run(fill(db, reports, groups))
        print(f"reports in database          {reports:,} from {groups:,} groups")
        print(f"bulk fill                    {seconds:.1f} s, {db.stat().st_size / 1e6:.1f} MB")
        for fmt in ("xlsx", "csv"):
            for tenth in (False, True):
                f = measure(db, fmt, folder / f"out.{fmt}", tenth)
                print(
                    f"{fmt:<4} {int(f['rows']):>7,} rows  {f['s']:6.1f} s"
                    f"  {f['rows'] / f['s']:8,.0f} rows/s  file {f['size'] / 1e6:5.1f} MB"
                    f"  peak RSS {f['peak'] / 1024:6.1f} MB (after imports {f['base'] / 1024:.1f})"
                )
        figures = asyncio.run(beside(db, folder / "beside.xlsx"))
        for how, title in (
            ("alone", "nothing else running"),
            ("thread", "XLSX export in a worker thread"),
            ("process", "XLSX export in another process"),
        ):
            values, took = figures[how]
            print(f"save a report, {title:<32} {_stats(values)}", end="")
            print(f"  export {took:.1f} s" if took else "")
        steps = asyncio.run(flow(db, folder / "flow.xlsx"))
        for how, title in (
            ("alone", "nothing else running"),
            ("thread", "XLSX export in a worker thread"),
            ("process", "XLSX export in another process"),
        ):
            values, took = steps[how]
            print(f"report step, {title:<34} {_stats([v * 1000 for v in values])}", end="")
            print(f"  export {took:.1f} s" if took else "")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=3_000)
    args = parser.parse_args()
    main(args.reports, args.groups)
