"""The queries a saved report triggers, on a database the size of a national campaign.

Fills a fresh SQLite file with N reports from G groups (default 200,000 reports, 3,000 groups),
then times what the receipt of one report needs: saving it (one transaction with its photos and
audit row), the group's week, the campaign's progress, and the reporter's recent reports.

    .venv/bin/python bench/bench_db.py [--reports 200000] [--groups 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from stats import summary

from bot.core import jalali
from db.database import Database
from db.models import Photo, ReportInput
from db.store import Store


async def main(reports: int, groups: int) -> None:
    rng = random.Random(7)
    today = date(2026, 11, 22)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = Store(Database(path))
        await store.open()
        db = store.db
        counties = await db.fetchall("SELECT id, province_id FROM counties")
        services = [
            r[0] for r in await db.fetchall("SELECT id FROM categories WHERE parent_id IS NOT NULL")
        ]
        campaign = await store.campaigns.create(
            "پویش", 11000, "خدمت", today - timedelta(days=120), today + timedelta(days=60)
        )
        kept = await store.campaigns.get(campaign)
        assert kept is not None
        now = "2026-11-22T00:00:00+00:00"
        async with db.transaction():
            await db.executemany(
                "INSERT INTO volunteers (id, created_at, last_seen_at) VALUES (?, ?, ?)",
                [(i, now, now) for i in range(1, groups + 1)],
            )
            for g in range(1, groups + 1):
                county = rng.choice(counties)
                await db.execute(
                    "INSERT INTO groups (id, name, search_key, province_id, county_id, created_by,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (g, f"گروه {g}", f"گروه{g}", county[1], county[0], g, now, now),
                )
                await db.execute(
                    "INSERT INTO memberships (group_id, volunteer_id, role, joined_at)"
                    " VALUES (?, ?, 'leader', ?)",
                    (g, g, now),
                )
        fill_start = time.perf_counter()
        rows = []
        for n in range(reports):
            g = rng.randint(1, groups)
            county = rng.choice(counties)
            day = today - timedelta(days=rng.randint(0, 120))
            rows.append(
                (
                    f"r{n}",
                    f"k{n}",
                    g,
                    g,
                    campaign if rng.random() < 0.8 else None,
                    rng.choice(services),
                    rng.randint(1, 200),
                    county[1],
                    county[0],
                    day.isoformat(),
                    now,
                    now,
                )
            )
        async with db.transaction():
            await db.executemany(
                "INSERT INTO reports (receipt, idempotency_key, group_id, reporter_id, campaign_id,"
                " category_id, quantity, province_id, county_id, service_date, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        fill = time.perf_counter() - fill_start

        timings: dict[str, list[float]] = {"save": [], "week": [], "progress": [], "recent": []}
        start, end = jalali.week_of(today)
        for n in range(200):
            g = rng.randint(1, groups)
            county = rng.choice(counties)
            data = ReportInput(
                g,
                campaign,
                rng.choice(services),
                10,
                None,
                None,
                county[1],
                county[0],
                "",
                None,
                None,
                today,
                "",
                (Photo("file", f"u{n}a"), Photo("file", f"u{n}b")),
            )
            t0 = time.perf_counter()
            await store.reports.create(data, g, f"bench-{n}", 1405)
            t1 = time.perf_counter()
            await store.reports.group_totals(g, start, end)
            t2 = time.perf_counter()
            await store.stats.progress(kept, today)
            t3 = time.perf_counter()
            await store.reports.recent(g)
            t4 = time.perf_counter()
            for key, value in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                value_ms = value * 1000
                timings[key].append(value_ms)
        size_mb = path.stat().st_size / 1e6
        await store.close()
    print(f"reports in database          {reports:,} from {groups:,} groups")
    print(f"bulk fill                    {fill:.1f} s")
    print(f"database file                {size_mb:.1f} MB")
    for key, label in (
        ("save", "save one report (tx, 2 photos, audit)"),
        ("week", "group's week totals"),
        ("progress", "campaign progress (summary rows)"),
        ("recent", "reporter's recent 10"),
    ):
        values = timings[key]
        print(f"{label:<38} {summary(values).text()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--groups", type=int, default=3_000)
    args = parser.parse_args()
    asyncio.run(main(args.reports, args.groups))
