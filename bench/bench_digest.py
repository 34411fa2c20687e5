"""What one weekly digest costs: its query on a national-sized database, its text, its pictures.

Fills a fresh SQLite file with N reports from G groups over 120 days (default 200,000 reports,
3,000 groups, as bench_db.py; the campaign's target split into 31 province shares), then times
computing the week's digest (national and for one province; the national one includes its map's
figures and both the three longest runs of weeks), its map's figures and its streaks alone,
rendering its messages, and drawing its chart and map: the first in a fresh process (matplotlib's
import and font loading, the outlines' label points) and the ones after, in wall and CPU time.
Last, how late the event loop's 5 ms ticks come while maps are drawn in a worker thread (as the
bot draws them): what a person whose answer is due meanwhile would wait.

    .venv/bin/python bench/bench_digest.py [--reports 200000] [--groups 3000] [--samples 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path

from stats import summary

from bot.core import jalali
from bot.digest.render import render_messages
from db.channels import ChannelScope
from db.database import Database
from db.digest_queries import week_digest
from db.map_queries import week_map
from db.store import Store
from db.streaks import StreakRepo


async def fill(store: Store, reports: int, groups: int, today: date) -> None:
    """Groups spread over the counties and reports spread over 120 days, in bulk."""
    rng = random.Random(7)
    db = store.db
    counties = await db.fetchall("SELECT id, province_id FROM counties")
    services = [
        r[0] for r in await db.fetchall("SELECT id FROM categories WHERE parent_id IS NOT NULL")
    ]
    campaign = await store.campaigns.create(
        "پویش", 11000, "خدمت", today - timedelta(days=120), today + timedelta(days=60)
    )
    now = "2026-11-22T00:00:00+00:00"
    places = [rng.choice(counties) for _ in range(groups)]
    async with db.transaction():
        await db.executemany(
            "INSERT INTO volunteers (id, created_at, last_seen_at) VALUES (?, ?, ?)",
            [(i, now, now) for i in range(1, groups + 1)],
        )
        await db.executemany(
            "INSERT INTO groups (id, name, search_key, province_id, county_id, created_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (g, f"گروه {g}", f"گروه{g}", places[g - 1][1], places[g - 1][0], g, now, now)
                for g in range(1, groups + 1)
            ],
        )
        rows = []
        for n in range(reports):
            g = rng.randint(1, groups)
            county, province = places[g - 1]
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
                    rng.choice([None, rng.randint(1, 100)]),
                    province,
                    county,
                    day.isoformat(),
                    now,
                    now,
                )
            )
        provinces = [r[0] for r in await db.fetchall("SELECT id FROM provinces")]
        await db.executemany(
            "INSERT INTO campaign_shares (campaign_id, province_id, target) VALUES (?, ?, ?)",
            [(campaign, p, rng.randint(100, 700)) for p in provinces],
        )
        await db.executemany(
            "INSERT INTO reports (receipt, idempotency_key, group_id, reporter_id, campaign_id,"
            " category_id, quantity, beneficiaries, province_id, county_id, service_date,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def _ms(values: list[float]) -> str:
    return summary(values).text()


async def _loop_lag(work: Callable[[], Awaitable[bytes]], runs: int) -> list[float]:
    """How late 5 ms sleeps wake while `work` runs in a worker thread, `runs` times over (ms)."""
    lags: list[float] = []
    for _ in range(runs):
        task = asyncio.ensure_future(work())
        while not task.done():
            t0 = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append((time.perf_counter() - t0) * 1000 - 5)
        await task
    return lags


async def main(reports: int, groups: int, samples: int) -> None:
    today = date(2026, 11, 22)
    week_start = jalali.week_of(today - timedelta(days=7))[0]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Database(Path(tmp) / "bench.db"))
        await store.open()
        t0 = time.perf_counter()
        await fill(store, reports, groups, today)
        filled = time.perf_counter() - t0
        markazi = int(await store.db.scalar("SELECT id FROM provinces WHERE name = 'مرکزی'"))
        keys = ("national", "province", "map", "streaks", "text")
        timings: dict[str, list[float]] = {key: [] for key in keys}
        digest = None
        for _ in range(samples):
            t0 = time.perf_counter()
            digest = await week_digest(store.db, ChannelScope.national(), week_start)
            t1 = time.perf_counter()
            await week_digest(store.db, ChannelScope.province(markazi), week_start)
            t2 = time.perf_counter()
            await week_map(store.db, week_start, store.stats.counting)
            t3 = time.perf_counter()
            await StreakRepo(store.db).longest(week_start)
            t4 = time.perf_counter()
            messages = render_messages(digest)
            t5 = time.perf_counter()
            spans = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)
            for key, value in zip(keys, spans, strict=True):
                timings[key].append(value * 1000)
        await store.close()
    assert digest is not None and digest.map is not None
    shown = digest.map

    t0 = time.perf_counter()
    from bot.digest.chart import render_chart

    first = render_chart(digest)
    cold = (time.perf_counter() - t0) * 1000
    charts = []
    for _ in range(samples):
        t0 = time.perf_counter()
        render_chart(digest)
        charts.append((time.perf_counter() - t0) * 1000)
    from bot.maps.render import render_map, render_map_async

    wall, cpu = time.perf_counter(), time.process_time()
    drawn = render_map(shown)
    map_cold = ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
    maps, map_cpu = [], []
    for _ in range(samples):
        wall, cpu = time.perf_counter(), time.process_time()
        render_map(shown)
        maps.append((time.perf_counter() - wall) * 1000)
        map_cpu.append((time.process_time() - cpu) * 1000)
    lags = await _loop_lag(lambda: render_map_async(shown), samples)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"reports in database          {reports:,} from {groups:,} groups (fill {filled:.1f} s)")
    print(f"reports in the week          {digest.current.reports:,}")
    print(f"week's digest, national      {_ms(timings['national'])}")
    print(f"week's digest, one province  {_ms(timings['province'])}")
    print(f"  its map's figures alone    {_ms(timings['map'])}")
    print(f"  its streaks alone          {_ms(timings['streaks'])}")
    print(f"render messages ({len(messages)})         {_ms(timings['text'])}")
    print(f"first chart (imports, fonts) {cold:7.0f} ms")
    print(f"chart after that             {_ms(charts)}")
    print(f"chart PNG                    {len(first) / 1024:.0f} KiB")
    print(f"first map (outlines, labels) {map_cold[0]:7.0f} ms wall, {map_cold[1]:.0f} ms CPU")
    print(
        f"map after that               {_ms(maps)}   CPU median {statistics.median(map_cpu):.0f} ms"
    )
    print(f"map PNG                      {len(drawn) / 1024:.0f} KiB")
    print(f"loop tick lateness, map in a thread: {_ms(lags)}   max {max(lags):.1f} ms")
    print(f"peak RSS                     {rss:.1f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--groups", type=int, default=3_000)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.reports, args.groups, args.samples))
