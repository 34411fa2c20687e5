"""Lookups, campaigns, leaderboards and search on a national-scale database.

Seeds a temporary SQLite file, and a database on a throwaway PostgreSQL cluster (tests/pgcluster.py,
durable settings), alike with 1,000,000 reports from 50,000 groups in every county over about
14 months (bulk insert without the counting triggers; counting.install then fills the summary
tables from them, as `db migrate` does after a change of what counts), and prints the median and
p95 time of each lookup of db/stats.py over varied arguments on each engine, counting every live
report and approved ones only.

    .venv/bin/python bench/bench_lookups.py [--reports 1000000] [--groups 50000] [--samples 40]
        [--engines sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from stats import summary

from bot.core.config import is_postgresql
from bot.core.text import persian_sort_text, search_key
from db import counting
from db.audit import AuditRepo
from db.channels import ChannelScope
from db.database import Database, utcnow
from db.digest_queries import week_digest
from db.models import Photo, ReportInput
from db.reference import seed_reference_data
from db.reports import ReportRepo
from db.stats import Counting, Measure, Period, Scope
from db.store import Store
from tests.pgcluster import running_cluster

TODAY = date(2026, 11, 22)
DAYS = 420
PREFIXES = ("گروه", "گروه", "کانون", "جهادی", "خیریه", "هیئت", "مؤسسه")
WORDS = [
    "امید",
    "مهر",
    "نور",
    "فجر",
    "یاران",
    "سپیده",
    "رحمت",
    "همدلی",
    "ایثار",
    "شهید",
    "همت",
    "باکری",
    "چمران",
    "کریمی",
    "علی\u200cکریمی",
    "رضایی",
    "احمدی",
    "حسینی",
    "محمدی",
    "موسوی",
    "جعفری",
    "کاظمی",
    "صادقی",
    "رحیمی",
    "نوری",
    "طاهری",
    "زهرا",
    "فاطمه",
    "مریم",
    "زینب",
    "حسن",
    "حسین",
    "رضا",
    "مهدی",
    "امیر",
    "سجاد",
    "کوثر",
    "بهار",
    "آفتاب",
    "ستاره",
    "دریا",
    "کوه",
    "جنگل",
    "روستا",
    "شهر",
    "محله",
    "مسجد",
    "جوانان",
    "نیکوکاران",
    "خادمان",
    "داوطلبان",
    "مهربانی",
    "آبادانی",
    "سازندگی",
]


async def _saves(
    db: Database,
    rng: random.Random,
    groups: int,
    homes: list[tuple[int, int]],
    services: list[int],
    tag: str,
    count: int = 100,
) -> list[float]:
    """Times saving reports as the bot does (one transaction with photos and audit row), in ms."""
    repo = ReportRepo(db, AuditRepo(db))
    values = []
    for n in range(count):
        g = rng.randint(1, groups)
        county, province = homes[g - 1]
        data = ReportInput(
            g, 1, rng.choice(services), 10, 5, 3, province, county, "", None, None, TODAY, "",
            (Photo("file", f"{tag}{n}a"),),
        )  # fmt: skip
        start = time.perf_counter()
        await repo.create(data, g, f"{tag}-{n}", 1405)
        values.append((time.perf_counter() - start) * 1000)
    return values


async def seed(target: str, reports: int, groups: int, rng: random.Random) -> dict[str, float]:
    """Fills the database; returns the seconds each stage took."""
    times: dict[str, float] = {}
    db = Database(target)
    await db.open()
    await seed_reference_data(db)
    if db.kind == "sqlite":
        await db.execute("PRAGMA synchronous = OFF")
        await db.execute("PRAGMA cache_size = -400000")  # 400 MB while filling
    await counting.uninstall(db)
    counties = [tuple(r) for r in await db.fetchall("SELECT id, province_id FROM counties")]
    services = [
        r[0] for r in await db.fetchall("SELECT id FROM categories WHERE parent_id IS NOT NULL")
    ]
    now = utcnow()
    start = time.perf_counter()
    homes = []
    async with db.transaction():
        await db.executemany(
            "INSERT INTO volunteers (id, created_at, last_seen_at) VALUES (?, ?, ?)",
            [(i, now, now) for i in range(1, groups + 1)],
        )
        rows = []
        for g in range(1, groups + 1):
            county, province = rng.choice(counties)
            homes.append((county, province))
            name = f"{rng.choice(PREFIXES)} {rng.choice(WORDS)} {rng.choice(WORDS)}"
            created = "2025-01-01T00:00:00+00:00"
            key = search_key(name)
            rows.append((g, name, key, persian_sort_text(name), province, county, g, created))
        await db.executemany(
            "INSERT INTO groups (id, name, search_key, sort_key, province_id, county_id,"
            " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, row[-1]) for row in rows],
        )
        await db.execute(
            "INSERT INTO campaigns (id, title, target, unit, starts_on, ends_on, created_at)"
            " VALUES (1, 'پویش ملی', 900000, 'خدمت', '2026-03-21', '2027-01-19', ?)",
            (now,),
        )
        await db.execute(
            "INSERT INTO campaigns (id, title, target, unit, province_id, starts_on, ends_on,"
            " created_at) VALUES (2, 'پویش استانی', 20000, 'خدمت', ?, '2026-06-01',"
            " '2026-12-30', ?)",
            (homes[0][1], now),
        )
    statuses = ("approved",) * 6 + ("submitted",) * 3 + ("returned", "deleted")
    batch = 100_000
    for first in range(0, reports, batch):
        batch_rows = []
        for n in range(first, min(first + batch, reports)):
            g = rng.randint(1, groups)
            county, province = homes[g - 1] if rng.random() < 0.9 else rng.choice(counties)
            day = TODAY - timedelta(days=int(rng.triangular(0, DAYS, 0)))
            campaign = 1 if day >= date(2026, 3, 21) and rng.random() < 0.7 else None
            batch_rows.append(
                (
                    f"r{n:07d}",
                    f"k{n:07d}",
                    g,
                    g,
                    campaign,
                    rng.choice(services),
                    rng.randint(1, 60),
                    rng.randint(0, 120) if rng.random() < 0.8 else None,
                    rng.randint(1, 12) if rng.random() < 0.7 else None,
                    province,
                    county,
                    day.isoformat(),
                    rng.choice(statuses),
                    now,
                    now,
                )
            )
        async with db.transaction():
            await db.executemany(
                "INSERT INTO reports (receipt, idempotency_key, group_id, reporter_id,"
                " campaign_id, category_id, quantity, beneficiaries, volunteers, province_id,"
                " county_id, service_date, status, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch_rows,
            )
    times["insert groups and reports (no counting triggers)"] = time.perf_counter() - start
    if db.kind == "sqlite":
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA cache_size = -65536")  # as the engine opens it
        await db.fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        await asyncio.to_thread(_vacuum, target)  # autovacuum's work, done at once
    await _saves(db, rng, groups, homes, services, "warm-before", 20)
    before = await _saves(db, rng, groups, homes, services, "before")
    start = time.perf_counter()
    await counting.install(db)
    times["fill every summary from the reports (counting.install)"] = time.perf_counter() - start
    if db.kind == "sqlite":
        await db.fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        await asyncio.to_thread(_vacuum, target)
    await _saves(db, rng, groups, homes, services, "warm-after", 20)
    after = await _saves(db, rng, groups, homes, services, "after")
    for label, values in (("without", before), ("with", after)):
        times[f"save one report {label} the counting triggers: median ms"] = statistics.median(
            values
        )
    await db.close()
    return times


def _vacuum(url: str) -> None:
    """VACUUM ANALYZE (outside a transaction): the statistics and visibility map autovacuum
    keeps on a live PostgreSQL database, which a bulk load leaves behind."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _size_mb(folder: Path) -> float:
    """Size of the database files in a folder."""
    return sum(p.stat().st_size for p in folder.iterdir()) / 1e6


Timed = tuple[dict[str, float], float, list[tuple[str, float, float]]]


async def main(reports: int, groups: int, samples: int, engines: list[str]) -> None:
    """Seeds each engine's database alike, times every lookup on each, prints them side by side."""
    results: dict[str, Timed] = {}
    for engine in engines:
        with tempfile.TemporaryDirectory() as tmp:
            if engine == "sqlite":
                results[engine] = await run(str(Path(tmp) / "bench.db"), reports, groups, samples)
                results[engine] = (*results[engine][:1], _size_mb(Path(tmp)), results[engine][2])
            else:
                with running_cluster(durable=True) as cluster:
                    with psycopg.connect(cluster.url(), autocommit=True) as admin:
                        admin.execute("CREATE DATABASE bench")
                    results[engine] = await run(cluster.url("bench"), reports, groups, samples)
    print(f"reports {reports:,} from {groups:,} groups over {DAYS} days; {samples} samples each")
    print(f"{'':<62} " + " ".join(f"{e:>22}" for e in engines))
    print(f"{'database size':<62} " + " ".join(f"{results[e][1]:>19.0f} MB" for e in engines))
    for label in results[engines[0]][0]:
        unit = " ms" if label.endswith("ms") else " s "
        cells = " ".join(f"{results[e][0][label]:>19.2f}{unit}" for e in engines)
        print(f"{label:<62} {cells}")
    print(f"{'lookup (median / p95 ms)':<62} " + " ".join(f"{e:>22}" for e in engines))
    for i, (label, _, _) in enumerate(results[engines[0]][2]):
        timings = []
        for e in engines:
            _, median, p95 = results[e][2][i]
            timings.append(f"{median:8.2f} / {p95:7.2f}{'!' if p95 >= 50 else ' '}   ")
        print(f"{label:<62} {' '.join(timings)}")


async def run(target: str, reports: int, groups: int, samples: int) -> Timed:
    """Seeds one database, then times every lookup on it."""
    rng = random.Random(7)
    stages = await seed(target, reports, groups, rng)
    size_mb = 0.0
    if is_postgresql(target):
        async with Database(target) as sized:
            size_mb = int(await sized.scalar("SELECT pg_database_size(current_database())")) / 1e6
    # Its clock stands on TODAY: a campaign's figures of today read the summaries.
    store = Store(Database(target, clock=lambda: datetime(2026, 11, 22, 8, 30, tzinfo=UTC)))
    await store.open()
    stats = store.stats
    db = store.db
    provinces = [r[0] for r in await db.fetchall("SELECT id FROM provinces")]
    counties = [r[0] for r in await db.fetchall("SELECT id FROM counties")]
    names = [r[0] for r in await db.fetchall("SELECT name FROM groups LIMIT 2000")]
    services = [r[0] for r in await db.fetchall("SELECT id FROM categories WHERE parent_id > 0")]
    campaign = await store.campaigns.get(1)
    local = await store.campaigns.get(2)
    assert campaign is not None and local is not None
    await stats.set_shares(1, {p: 900000 // 31 for p in provinces})
    start = time.perf_counter()
    await stats.set_counted_categories(1, services[:12])
    stages["recount the national campaign for 12 counted types"] = time.perf_counter() - start
    start = time.perf_counter()
    await stats.columns.refresh()
    stages["load the in-memory report columns (first national typed range)"] = (
        time.perf_counter() - start
    )
    await db.execute(
        "UPDATE reports SET status = CASE status WHEN 'approved' THEN 'submitted'"
        " ELSE 'approved' END WHERE id % 1000 = 7 AND status != 'deleted'"
    )
    start = time.perf_counter()
    await stats.columns.refresh()
    stages["columns catch up after ~1,000 status changes"] = time.perf_counter() - start
    week, month, year = Period.week(TODAY), Period.month(TODAY), Period.year(TODAY)
    last_week = week.start - timedelta(days=7)
    typed = Period.typed(TODAY - timedelta(days=50), TODAY - timedelta(days=5))
    whole = Period.of_campaign(campaign)
    group = lambda: rng.randint(1, groups)  # noqa: E731
    province = lambda: rng.choice(provinces)  # noqa: E731
    county = lambda: rng.choice(counties)  # noqa: E731

    def typo(name: str) -> str:
        word = name.split()[-1]
        i = rng.randrange(len(word))
        return word[:i] + "ی" + word[i + 1 :]

    lookups: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("totals: a group, this week", lambda: stats.totals(Scope.group(group()), week)),
        ("totals: a group, this year", lambda: stats.totals(Scope.group(group()), year)),
        (
            "totals: 3 groups, this month",
            lambda: stats.totals(Scope.groups([group(), group(), group()]), month),
        ),
        ("totals: a county, this month", lambda: stats.totals(Scope.county(county()), month)),
        (
            "totals: a province, this week",
            lambda: stats.totals(Scope.province(province()), week),
        ),
        (
            "totals: a province, this year",
            lambda: stats.totals(Scope.province(province()), year),
        ),
        (
            "totals: a province, typed 46 days",
            lambda: stats.totals(Scope.province(province()), typed),
        ),
        ("totals: national, this week", lambda: stats.totals(Scope.national(), week)),
        ("totals: national, this month", lambda: stats.totals(Scope.national(), month)),
        ("totals: national, this year", lambda: stats.totals(Scope.national(), year)),
        (
            "totals: national, this year, approved only",
            lambda: stats.totals(Scope.national(), year, counting=Counting.APPROVED),
        ),
        ("totals: national, typed 46 days", lambda: stats.totals(Scope.national(), typed)),
        (
            "totals: national, typed 46 days, approved only",
            lambda: stats.totals(Scope.national(), typed, counting=Counting.APPROVED),
        ),
        ("totals: national, the campaign", lambda: stats.totals(Scope.national(), whole)),
        (
            "totals: a province, campaign's 10 types, month",
            lambda: stats.totals(Scope.province(province()), month, categories=services[:10]),
        ),
        ("by type: national, this year", lambda: stats.by_type(Scope.national(), year)),
        ("by type: a group, this year", lambda: stats.by_type(Scope.group(group()), year)),
        ("by province: national, this year", lambda: stats.by_place(Scope.national(), year)),
        (
            "by county: a province, this month",
            lambda: stats.by_place(Scope.province(province()), month),
        ),
        (
            "overview (all of the above + previous): national, month",
            lambda: stats.overview(Scope.national(), month),
        ),
        (
            "overview: a province, this year",
            lambda: stats.overview(Scope.province(province()), year),
        ),
        (
            "overview: a group, this month",
            lambda: stats.overview(Scope.group(group()), month),
        ),
        (
            "top 10 groups + own rank: national, week",
            lambda: stats.top_groups(week, own_group_id=group()),
        ),
        (
            "top 10 groups + own rank: national, month",
            lambda: stats.top_groups(month, own_group_id=group()),
        ),
        (
            "top 10 groups + own rank: national, year",
            lambda: stats.top_groups(year, own_group_id=group()),
        ),
        (
            "top 10 groups + own rank: national, campaign, beneficiaries",
            lambda: stats.top_groups(whole, measure=Measure.BENEFICIARIES, own_group_id=group()),
        ),
        (
            "top 10 groups + own rank: a province, month",
            lambda: stats.top_groups(month, scope=Scope.province(province()), own_group_id=1),
        ),
        (
            "top 10 groups: national, typed 46 days",
            lambda: stats.top_groups(typed),
        ),
        (
            "top 10 groups + own rank: national, typed 46 days",
            lambda: stats.top_groups(typed, own_group_id=group()),
        ),
        (
            "top 10 + own: national, typed 46 days, approved, beneficiaries",
            lambda: stats.top_groups(
                typed,
                measure=Measure.BENEFICIARIES,
                own_group_id=group(),
                counting=Counting.APPROVED,
            ),
        ),
        (
            "overview: a group since joining (300 days), approved only",
            lambda: stats.overview(
                Scope.group(group()),
                Period.since(TODAY - timedelta(days=300), TODAY),
                counting=Counting.APPROVED,
            ),
        ),
        (
            "overview: a province, this month, approved only",
            lambda: stats.overview(Scope.province(province()), month, counting=Counting.APPROVED),
        ),
        ("reports waiting for review: a province", lambda: stats.waiting(province())),
        (
            "most active 5 groups: a province, month",
            lambda: stats.group_activity(province(), month),
        ),
        (
            "least active 5 groups: a province, year",
            lambda: stats.group_activity(province(), year, least=True),
        ),
        (
            "silent 4 weeks (page of 20): a province",
            lambda: stats.silent_groups(Scope.province(province()), TODAY),
        ),
        (
            "silent 4 weeks (page of 20): national",
            lambda: stats.silent_groups(Scope.national(), TODAY),
        ),
        (
            "campaign progress + province and group share",
            lambda: stats.progress(campaign, TODAY, province_id=province(), group_id=group()),
        ),
        (
            "campaign progress, approved only",
            lambda: stats.progress(campaign, TODAY, counting=Counting.APPROVED),
        ),
        ("province shares of a campaign", lambda: stats.shares(campaign, TODAY)),
        (
            "campaigns counting a service type",
            lambda: stats.campaigns_counting(5, province(), TODAY),
        ),
        (
            "search groups: a name",
            lambda: stats.search_groups(" ".join(rng.choice(names).split()[1:])),
        ),
        (
            "search groups: a name with a typo",
            lambda: stats.search_groups(typo(rng.choice(names))),
        ),
        (
            "search groups: «گروه» (25,000 hits), page 3",
            lambda: stats.search_groups("گروه", offset=20),
        ),
        ("search places with totals: «آباد», year", lambda: stats.search_places("آباد", year)),
        (
            "weekly digest query: national, last week",
            lambda: week_digest(db, ChannelScope.national(), last_week),
        ),
        (
            "weekly digest query: a province, last week",
            lambda: week_digest(db, ChannelScope.province(province()), last_week),
        ),
    ]
    rows = []
    for label, call in lookups:
        await call()  # warm the page cache once
        values = []
        for _ in range(samples):
            t0 = time.perf_counter()
            await call()
            values.append((time.perf_counter() - t0) * 1000)
        timed = summary(values)
        rows.append((label, timed.median, timed.p95))
    await store.close()
    return stages, size_mb, rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    asyncio.run(main(args.reports, args.groups, args.samples, args.engines.split(",")))
