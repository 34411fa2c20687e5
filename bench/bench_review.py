"""The review queue and its flags on a national-scale database.

Seeds a temporary SQLite file with reports of many groups in every county (a third of them
pending, 40% with a photo, some photos reused), applies every migration (the summaries and the
review's own), then prints the median and p95 time of what one press of «بعدی» or «✅ تأیید»
costs: the next pending report of a province, its place in the queue, its flags, the whole card,
and a decision (the conditional write, its audit row and the summaries' triggers).

    .venv/bin/python bench/bench_review.py [--reports 300000] [--groups 20000] [--samples 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path

from stats import summary

from db import counting
from db.database import Database, utcnow
from db.reference import seed_reference_data
from db.store import Store
from db.usecases import decide_report
from handlers.review_cards import card_text, flags_of

TODAY = date(2026, 11, 22)
DAYS = 365


async def seed(path: Path, reports: int, groups: int, rng: random.Random) -> float:
    """Fills the database (reports in bulk without the counting triggers, then the summaries
    filled from them); returns the seconds it took."""
    start = time.perf_counter()
    db = Database(path)
    await db.open()
    await db.execute("PRAGMA synchronous = OFF")
    await counting.uninstall(db)
    await seed_reference_data(db)
    counties = [tuple(r) for r in await db.fetchall("SELECT id, province_id FROM counties")]
    services = [
        r[0] for r in await db.fetchall("SELECT id FROM categories WHERE parent_id IS NOT NULL")
    ]
    now = utcnow()
    homes = [rng.choice(counties) for _ in range(groups)]
    async with db.transaction():
        await db.executemany(
            "INSERT INTO volunteers (id, created_at, last_seen_at) VALUES (?, ?, ?)",
            [(i, now, now) for i in range(1, groups + 1)],
        )
        await db.executemany(
            "INSERT INTO groups (id, name, search_key, province_id, county_id, created_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(g, f"g{g}", f"g{g}", p, c, g, now, now) for g, (c, p) in enumerate(homes, 1)],
        )
    statuses = ("approved",) * 6 + ("submitted",) * 3 + ("returned",)
    rows, photos = [], []
    for n in range(1, reports + 1):
        g = rng.randint(1, groups)
        county, province = homes[g - 1]
        day = TODAY - timedelta(days=int(rng.triangular(0, DAYS, 0)))
        rows.append(
            (
                n,
                f"1405-{n:06d}",
                f"k{n}",
                g,
                g,
                rng.choice(services),
                rng.randint(1, 60),
                province,
                county,
                day.isoformat(),
                rng.choice(statuses),
                now,
                now,
            )
        )
        if rng.random() < 0.4:
            reused = rng.random() < 0.01 and n > 1
            unique = f"u{rng.randint(1, n - 1)}" if reused else f"u{n}"
            photos.append((n, 0, f"f{n}", unique))
    async with db.transaction():
        await db.executemany(
            "INSERT INTO reports (id, receipt, idempotency_key, group_id, reporter_id,"
            " category_id, quantity, province_id, county_id, service_date, status, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        await db.executemany(
            "INSERT INTO report_photos (report_id, position, file_id, file_unique_id)"
            " VALUES (?, ?, ?, ?)",
            photos,
        )
    await counting.install(db)
    await db.execute("PRAGMA synchronous = NORMAL")
    await db.fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
    await db.close()
    return time.perf_counter() - start


async def timed(samples: int, action: Callable[[int], Awaitable[object]]) -> tuple[float, float]:
    """Median and p95 milliseconds of an action over sample numbers 0..samples-1."""
    times = []
    for n in range(samples):
        began = time.perf_counter()
        await action(n)
        times.append((time.perf_counter() - began) * 1000)
    figures = summary(times)
    return figures.median, figures.p95


async def main(reports: int, groups: int, samples: int) -> None:
    """Seeds, then times the queue, the flags, the card and decisions."""
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        seconds = await seed(path, reports, groups, rng)
        store = Store(Database(path))
        await store.open()
        review = store.review
        provinces = [r[0] for r in await store.db.fetchall("SELECT id FROM provinces")]
        pending = [
            r[0]
            for r in await store.db.fetchall("SELECT id FROM reports WHERE status = 'submitted'")
        ]
        picks = [rng.choice(pending) for _ in range(samples)]
        loaded = [await store.reports.get(i) for i in picks]
        wanted = [r for r in loaded if r is not None]

        async def next_pending(n: int) -> object:
            scope = frozenset({provinces[n % len(provinces)]})
            return await review.next_pending(scope, picks[n])

        async def position(n: int) -> object:
            report = wanted[n % len(wanted)]
            return await review.position(frozenset({report.province_id}), report.id)

        async def flags(n: int) -> object:
            return await flags_of(store, wanted[n % len(wanted)])

        async def card(n: int) -> object:
            report = wanted[n % len(wanted)]
            scope = frozenset({report.province_id})
            found = await flags_of(store, report)
            return await card_text(store, report, found, await review.position(scope, report.id))

        async def admin_queue(n: int) -> object:
            return await review.next_pending(None, picks[n])

        async def decide(n: int) -> object:
            return await decide_report(
                store, 1, picks[n], version=1, approve=n % 2 == 0, reason="x"
            )

        print(f"reports {reports:,}, groups {groups:,}, pending {len(pending):,}")
        print(f"seed and migrate: {seconds:.1f} s")
        for name, action in (
            ("next pending of a province", next_pending),
            ("next pending, every province (admin)", admin_queue),
            ("place in the queue", position),
            ("flags (duplicate, photo, outlier)", flags),
            ("the whole card (flags, history, text)", card),
            ("decide (write, audit, summaries)", decide),
        ):
            median, p95 = await timed(samples, action)
            print(f"  {name:40s} median {median:6.2f} ms   p95 {p95:6.2f} ms")
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=300_000)
    parser.add_argument("--groups", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.reports, args.groups, args.samples))
