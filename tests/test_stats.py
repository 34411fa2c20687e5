"""Figures, rankings, campaigns and search of db/stats.py against SQL written in this file."""

from __future__ import annotations

import functools
import random
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.core import jalali
from bot.core.text import normalize, search_key
from db import stat_columns
from db.database import Database
from db.models import GroupStatus, Photo, ReportInput
from db.stats import (
    Counting,
    Figures,
    Measure,
    Period,
    PeriodKind,
    Scope,
    ScopeKind,
    fuzzy_distance,
)
from db.store import Store
from tests.conftest import TEMPLATE, new_pg_database
from tests.pgcluster import Cluster

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 22)  # Sunday 1 Azar 1405
FIRST_DAY = date(2025, 9, 1)
STATUSES = ("submitted", "approved", "approved", "returned", "deleted")


@dataclass
class World:
    """What the seed made: places, groups, service types, campaigns."""

    store: Store
    provinces: list[int]
    counties: dict[int, list[int]]
    groups: list[int]
    types: list[int]
    campaign: int
    small_campaign: int


async def _group(store: Store, name: str, province: int, county: int, leader: int) -> int:
    await store.volunteers.seen(leader, f"v{leader}", "", "")
    clean = normalize(name)
    return await store.groups.create(
        clean, search_key(clean), province, county, None, leader, GroupStatus.ACTIVE
    )


async def _insert(store: Store, rows: Sequence[tuple[object, ...]]) -> None:
    await store.db.executemany(
        "INSERT INTO reports (receipt, idempotency_key, group_id, reporter_id, campaign_id,"
        " category_id, quantity, beneficiaries, volunteers, province_id, county_id, service_date,"
        " status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'x', 'x')",
        rows,
    )


def _rows(world: World, rng: random.Random, count: int, tag: str) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    span = (TODAY - FIRST_DAY).days
    for i in range(count):
        group = rng.choice(world.groups)
        province = rng.choice(world.provinces)
        county = rng.choice(world.counties[province])
        campaign = rng.choice([world.campaign, world.campaign, world.small_campaign, None])
        rows.append(
            (
                f"{tag}{i}",
                f"{tag}{i}",
                group,
                1,
                campaign,
                rng.choice(world.types),
                rng.randint(1, 50),
                rng.choice([None, rng.randint(0, 90)]),
                rng.choice([None, rng.randint(1, 9)]),
                province,
                county,
                (FIRST_DAY + timedelta(days=rng.randint(0, span))).isoformat(),
                rng.choice(STATUSES),
            )
        )
    return rows


async def _seed(store: Store) -> World:
    rng = random.Random(11)
    await store.volunteers.seen(1, "گزارشگر", "", "")
    provinces = []
    counties: dict[int, list[int]] = {}
    for name in ("مرکزی", "سمنان", "تهران"):
        province = (await store.places.search_provinces(name))[0].id
        provinces.append(province)
        counties[province] = [c.id for c in (await store.places.counties(province))[:3]]
    names = [
        "گروه علی‌کریمی",
        "گروه امید اراک",
        "جهادی شهید همت",
        "گروه مهر",
        "گروه نور",
        "کانون همدلی",
        "گروه یاران",
        "گروه فجر",
        "گروه سپیده",
        "گروه رحمت",
    ]
    groups = []
    for i, name in enumerate(names):
        province = provinces[i % 3]
        county = counties[province][i % 2]
        groups.append(await _group(store, name, province, county, 100 + i))
    await store.db.execute("UPDATE groups SET created_at = '2025-01-01T00:00:00+00:00'")
    types = [
        r[0]
        for r in await store.db.fetchall(
            "SELECT id FROM categories WHERE parent_id IS NOT NULL ORDER BY id LIMIT 6"
        )
    ]
    campaign = await store.campaigns.create(
        "پویش ۱۱ هزار خدمت", 11000, "خدمت", date(2026, 3, 21), date(2027, 1, 19)
    )
    small = await store.campaigns.create(
        "پویش استانی", 500, "خدمت", date(2026, 6, 1), date(2026, 12, 30), provinces[0]
    )
    world = World(store, provinces, counties, groups, types, campaign, small)
    await store.stats.set_counted_categories(small, types[:3])
    await _insert(store, _rows(world, rng, 600, "a"))
    # Edits through the triggers' update and delete paths.
    ids = [r[0] for r in await store.db.fetchall("SELECT id FROM reports ORDER BY id")]
    for report_id in rng.sample(ids, 120):
        await store.db.execute(
            "UPDATE reports SET status = ?, quantity = quantity + ? WHERE id = ?",
            (rng.choice(STATUSES), rng.randint(0, 5), report_id),
        )
    for report_id in rng.sample(ids, 40):
        moved = (FIRST_DAY + timedelta(days=rng.randint(0, 440))).isoformat()
        await store.db.execute(
            "UPDATE reports SET service_date = ?, category_id = ?, campaign_id = ? WHERE id = ?",
            (moved, rng.choice(types), rng.choice([campaign, small, None]), report_id),
        )
    for report_id in rng.sample(ids, 15):
        await store.db.execute("DELETE FROM reports WHERE id = ?", (report_id,))
    merged = await _group(store, "گروه ادغام", provinces[0], counties[provinces[0]][0], 200)
    await _insert(store, _rows(world, rng, 30, "m"))
    await store.db.execute("UPDATE reports SET group_id = ? WHERE id % 17 = 0", (merged,))
    await store.groups.merge(merged, groups[0])
    return world


@pytest.fixture(scope="session")
def seeded() -> dict[str, tuple[str, World]]:
    """Each engine's seeded database (made once per session and worker) and what the seed
    made, by engine."""
    return {}


@pytest.fixture
def cluster(engine: str, request: pytest.FixtureRequest) -> Cluster | None:
    """The session's PostgreSQL cluster when the test runs on PostgreSQL (started here, outside
    the test's event loop)."""
    return request.getfixturevalue("pg_cluster") if engine == "postgresql" else None


@pytest.fixture
async def world(
    cluster: Cluster | None,
    tmp_path_factory: pytest.TempPathFactory,
    seeded: dict[str, tuple[str, World]],
) -> AsyncIterator[World]:
    """A store over a copy of a database seeded with three provinces, eleven groups and ~630
    reports, many edited (seeded once per engine; a copy costs milliseconds, a seed seconds)."""
    engine = "sqlite" if cluster is None else "postgresql"
    if engine not in seeded:
        if cluster is None:
            source = target = str(tmp_path_factory.mktemp("world") / "world.db")
        else:
            source = "world"  # in this session's (this worker's) own cluster
            with psycopg.connect(cluster.url(), autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {source} TEMPLATE {TEMPLATE}")
            target = cluster.url(source)
        store = Store(Database(target))
        await store.open()
        seeded[engine] = (source, await _seed(store))
        await store.close()
    source, made = seeded[engine]
    with ExitStack() as stack:
        if cluster is None:
            target = str(tmp_path_factory.mktemp("copy") / "bot.db")
            with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
                src.backup(dst)
        else:
            target = stack.enter_context(new_pg_database(cluster, source))
        store = Store(Database(target))
        await store.open()
        yield replace(made, store=store)
        await store.close()


# --- the independent answers ---------------------------------------------------------------------


def _status(counting: Counting) -> str:
    return "status = 'approved'" if counting is Counting.APPROVED else "status != 'deleted'"


def _scope_sql(scope: Scope) -> tuple[str, list[object]]:
    if scope.kind is ScopeKind.NATIONAL:
        return "1 = 1", []
    if scope.kind is ScopeKind.PROVINCE:
        return "province_id = ?", [scope.ids[0]]
    if scope.kind is ScopeKind.COUNTY:
        return "county_id = ?", [scope.ids[0]]
    return f"group_id IN ({','.join('?' * len(scope.ids))})", list(scope.ids)


def _home_sql(scope: Scope) -> tuple[str, list[object]]:
    """Groups based in the scope."""
    if scope.kind is ScopeKind.NATIONAL:
        return "1 = 1", []
    if scope.kind is ScopeKind.PROVINCE:
        return "group_id IN (SELECT id FROM groups WHERE province_id = ?)", [scope.ids[0]]
    if scope.kind is ScopeKind.COUNTY:
        return "group_id IN (SELECT id FROM groups WHERE county_id = ?)", [scope.ids[0]]
    return _scope_sql(scope)


async def _counted_types(store: Store, campaign_id: int) -> str:
    ids = [
        r[0]
        for r in await store.db.fetchall(
            "SELECT category_id FROM campaign_categories WHERE campaign_id = ?", (campaign_id,)
        )
    ]
    return f" AND category_id IN ({','.join(map(str, ids))})" if ids else ""


async def _period_sql(store: Store, period: Period) -> tuple[str, list[object]]:
    if period.kind is PeriodKind.CAMPAIGN:
        assert period.campaign_id is not None
        types = await _counted_types(store, period.campaign_id)
        return f"campaign_id = ?{types}", [period.campaign_id]
    return "service_date >= ? AND service_date <= ?", [
        period.start.isoformat(),
        period.last.isoformat(),
    ]


async def _expected(
    store: Store, scope: Scope, period: Period, counting: Counting, pending: bool = False
) -> Figures:
    where, params = _scope_sql(scope)
    when, when_params = await _period_sql(store, period)
    status = "status = 'submitted'" if pending else _status(counting)
    row = await store.db.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(quantity), 0), COALESCE(SUM(beneficiaries), 0),"
        f" COALESCE(SUM(volunteers), 0) FROM reports WHERE {where} AND {when} AND {status}",
        [*params, *when_params],
    )
    home, home_params = _home_sql(scope)
    groups = await store.db.scalar(
        f"SELECT COUNT(DISTINCT group_id) FROM reports WHERE {home} AND {when} AND {status}",
        [*home_params, *when_params],
    )
    assert row is not None
    if scope.kind is ScopeKind.GROUPS:
        groups = await store.db.scalar(
            f"SELECT COUNT(DISTINCT group_id) FROM reports WHERE {where} AND {when} AND {status}",
            [*params, *when_params],
        )
    if pending:  # waiting for review: reports and services only
        return Figures(row[0], row[1], 0, 0, groups)
    return Figures(row[0], row[1], row[2], row[3], groups)


def _periods(world: World) -> list[Period]:
    return [
        Period.week(TODAY),
        Period.week(date(2026, 3, 20)),  # the week across Nowruz
        Period.month(TODAY),
        Period.month(date(2026, 3, 1)),
        Period.year(TODAY),
        Period.year(date(2025, 10, 1)),
        Period.typed(date(2025, 12, 7), date(2026, 5, 3)),
        Period.typed(date(2026, 11, 3), date(2026, 11, 9)),
        Period(PeriodKind.CAMPAIGN, date(2026, 3, 21), date(2027, 1, 20), world.campaign),
        Period(PeriodKind.CAMPAIGN, date(2026, 6, 1), date(2026, 12, 31), world.small_campaign),
    ]


def _scopes(world: World) -> list[Scope]:
    province = world.provinces[0]
    return [
        Scope.national(),
        Scope.province(province),
        Scope.province(world.provinces[2]),
        Scope.county(world.counties[province][0]),
        Scope.county(world.counties[province][2]),
        Scope.group(world.groups[0]),
        Scope.groups(world.groups[1:4]),
    ]


# --- tests ---------------------------------------------------------------------------------------


async def test_jalali_month_table_matches_the_calendar(store: Store) -> None:
    rows = await store.db.fetchall("SELECT start, year, month, year_start FROM jalali_months")
    assert len(rows) == 151 * 12
    for start, year, month, year_start in rows:
        assert date.fromisoformat(start) == jalali.from_jalali(year, month, 1)
        assert date.fromisoformat(year_start) == jalali.from_jalali(year, 1, 1)


async def test_totals_match_sql_for_every_scope_and_period(world: World) -> None:
    # Both countings on one copy of the world (it only reads).
    for counting in Counting:
        await _check_totals(world, counting)


async def _check_totals(world: World, counting: Counting) -> None:
    stats = world.store.stats
    for scope in _scopes(world):
        for period in _periods(world):
            tally = await stats.totals(scope, period, counting=counting)
            assert tally.counted == await _expected(world.store, scope, period, counting), (
                scope,
                period,
            )
            if counting is Counting.APPROVED:
                pending = await _expected(world.store, scope, period, counting, pending=True)
                assert tally.pending == pending, (scope, period)
            else:
                assert tally.pending == Figures()


async def test_totals_with_a_campaigns_types(world: World) -> None:
    types = world.types[:2]
    for scope in _scopes(world):
        for period in _periods(world)[:7]:
            tally = await world.store.stats.totals(scope, period, categories=types)
            where, params = _scope_sql(scope)
            home, home_params = _home_sql(scope)
            when, when_params = await _period_sql(world.store, period)
            cond = f"{when} AND status != 'deleted' AND category_id IN ({types[0]}, {types[1]})"
            row = await world.store.db.fetchone(
                "SELECT COUNT(*), COALESCE(SUM(quantity), 0) FROM reports"
                f" WHERE {where} AND {cond}",
                [*params, *when_params],
            )
            groups = await world.store.db.scalar(
                f"SELECT COUNT(DISTINCT group_id) FROM reports WHERE {home} AND {cond}",
                [*home_params, *when_params],
            )
            assert row is not None
            counted = tally.counted
            assert (counted.reports, counted.services, counted.groups) == (row[0], row[1], groups)


async def test_by_type_and_by_place_match_sql(world: World) -> None:
    # Both countings on one copy of the world (it only reads).
    for counting in Counting:
        await _check_by_type_and_place(world, counting)


async def _check_by_type_and_place(world: World, counting: Counting) -> None:
    stats, db = world.store.stats, world.store.db
    for scope in _scopes(world):
        for period in _periods(world):
            where, params = _scope_sql(scope)
            when, when_params = await _period_sql(world.store, period)
            rows = await db.fetchall(
                "SELECT category_id, COUNT(*), SUM(quantity), COALESCE(SUM(beneficiaries), 0)"
                f" FROM reports WHERE {where} AND {when} AND {_status(counting)}"
                " GROUP BY category_id",
                [*params, *when_params],
            )
            lines = await stats.by_type(scope, period, counting=counting)
            assert {(t.category_id, t.reports, t.services, t.beneficiaries) for t in lines} == {
                tuple(r) for r in rows
            }
            assert [t.services for t in lines] == sorted((t.services for t in lines), reverse=True)
            units = {k: v for k, v in await db.fetchall("SELECT id, unit FROM categories")}
            assert all(t.unit == units[t.category_id] for t in lines)
            if scope.kind not in (ScopeKind.NATIONAL, ScopeKind.PROVINCE):
                assert await stats.by_place(scope, period, counting=counting) == []
                continue
            column = "province_id" if scope.kind is ScopeKind.NATIONAL else "county_id"
            expected = {
                k: v
                for k, v in await db.fetchall(
                    f"SELECT {column}, SUM(quantity) FROM reports WHERE {where} AND {when}"
                    f" AND {_status(counting)} GROUP BY {column}",
                    [*params, *when_params],
                )
            }
            places = await stats.by_place(scope, period, counting=counting)
            assert {p.place_id: p.services for p in places if p.services} == expected
            values = [p.services for p in places]
            assert values == sorted(values, reverse=True)
            assert all(
                p.rank == 1 + sum(v > p.services for v in values) for p in places
            )  # ties share a rank
            if scope.kind is ScopeKind.NATIONAL:
                assert len(places) == 31


async def test_overview_compares_with_the_previous_period(world: World) -> None:
    scope = Scope.province(world.provinces[1])
    # TODAY (Sunday 1 Azar) is inside this week, month and year: they are compared with the
    # same first days of the one before; a period that is over, with the whole one before.
    for period, before, partial in (
        (Period.week(TODAY), Period.typed(date(2026, 11, 14), date(2026, 11, 15)), True),
        (Period.month(TODAY), Period.typed(date(2026, 10, 23), date(2026, 10, 23)), True),
        (Period.year(TODAY), Period.typed(date(2025, 3, 21), date(2025, 11, 22)), True),
        (Period.month(date(2026, 11, 1)), Period.month(date(2026, 10, 1)), False),  # Aban, Mehr
        (
            Period.typed(date(2026, 5, 1), date(2026, 5, 10)),
            Period.typed(date(2026, 4, 21), date(2026, 4, 30)),
            False,
        ),
    ):
        overview = await world.store.stats.overview(scope, period, today=TODAY)
        assert overview.partial is partial
        assert overview.previous == await _expected(world.store, scope, before, Counting.ALL)
        assert overview.tally.counted == await _expected(world.store, scope, period, Counting.ALL)
    campaign = Period(PeriodKind.CAMPAIGN, TODAY, TODAY, world.campaign)
    assert (await world.store.stats.overview(scope, campaign)).previous is None


async def test_tehran_week_boundary(store: Store) -> None:
    arak = (await store.places.search_counties("اراک"))[0]
    group = await _group(store, "گروه مرز", arak.province_id, arak.id, 1)
    category = int(await store.db.scalar("SELECT MIN(id) FROM categories WHERE parent_id > 0"))
    friday = datetime(2026, 11, 27, 23, 59, tzinfo=jalali.TEHRAN)
    saturday = datetime(2026, 11, 28, 0, 1, tzinfo=jalali.TEHRAN)
    # Two minutes apart, and the same day in UTC (Friday 20:29 and 20:31).
    assert friday.astimezone(UTC).date() == saturday.astimezone(UTC).date()
    for n, moment in enumerate((friday, saturday)):
        day = jalali.today(functools.partial(moment.astimezone, UTC))
        data = ReportInput(
            group, None, category, 5 + n, None, None, arak.province_id, arak.id, "", None, None,
            day, "", (Photo("f", f"u{n}"),),
        )  # fmt: skip
        await store.reports.create(data, 1, f"k{n}", 1405)
    weeks = [
        Period.current(PeriodKind.WEEK, functools.partial(m.astimezone, UTC))
        for m in (friday, saturday)
    ]
    assert weeks[0] != weeks[1]
    assert weeks[0].last == date(2026, 11, 27) and weeks[1].start == date(2026, 11, 28)
    for period, quantity in zip(weeks, (5, 6), strict=True):
        for scope in (Scope.group(group), Scope.national(), Scope.county(arak.id)):
            figures = (await store.stats.totals(scope, period)).counted
            assert (figures.reports, figures.services, figures.groups) == (1, quantity, 1)


async def test_a_coordinators_province_scope_sees_only_its_province(world: World) -> None:
    province = world.provinces[0]
    others = set(world.provinces[1:])
    scope = Scope.province(province)
    period = Period.year(TODAY)
    places = await world.store.stats.by_place(scope, period)
    county_ids = {
        r[0]
        for r in await world.store.db.fetchall(
            "SELECT id FROM counties WHERE province_id = ?", (province,)
        )
    }
    assert {p.place_id for p in places} == county_ids
    top = await world.store.stats.top_groups(period, scope=scope, limit=50)
    homes = {k: v for k, v in await world.store.db.fetchall("SELECT id, province_id FROM groups")}
    assert top.lines and all(homes[line.group_id] == province for line in top.lines)
    outsider = next(g for g in world.groups if homes[g] in others)
    assert (
        await world.store.stats.top_groups(period, scope=scope, own_group_id=outsider)
    ).own is None
    figures = (await world.store.stats.totals(scope, period)).counted
    everywhere = (await world.store.stats.totals(Scope.national(), period)).counted
    assert figures.services == await world.store.db.scalar(
        "SELECT SUM(quantity) FROM reports WHERE province_id = ? AND status != 'deleted'"
        " AND service_date BETWEEN ? AND ?",
        (province, period.start.isoformat(), period.last.isoformat()),
    )
    assert figures.services < everywhere.services
    silent = await world.store.stats.silent_groups(scope, TODAY, limit=50)
    assert all(homes[s.group_id] == province for s in silent.items)
    least = await world.store.stats.group_activity(province, period, least=True, limit=50)
    working = await world.store.db.fetchall(
        "SELECT g.id FROM groups g WHERE g.province_id = ? AND g.status = 'active'"
        " AND (SELECT SUM(r.quantity) FROM reports r WHERE r.group_id = g.id"
        " AND r.status != 'deleted' AND r.service_date BETWEEN ? AND ?) > 0",
        (province, period.start.isoformat(), period.last.isoformat()),
    )
    assert {g.group_id for g in least} == {r[0] for r in working}


async def test_group_leaderboards_match_sql(world: World) -> None:
    # Every measure and counting on one copy of the world (it only reads): one setup, not six.
    for counting in Counting:
        for measure in Measure:
            await _check_leaderboards(world, measure, counting)


async def _check_leaderboards(world: World, measure: Measure, counting: Counting) -> None:
    """Every leaderboard of every period against the test's own ranking."""
    db, stats = world.store.db, world.store.stats
    column = {
        Measure.REPORTS: "1",
        Measure.SERVICES: "quantity",
        Measure.BENEFICIARIES: "COALESCE(beneficiaries, 0)",
    }[measure]
    for period in _periods(world):
        when, params = await _period_sql(world.store, period)
        for scope in (Scope.national(), Scope.province(world.provinces[1])):
            home, home_params = _home_sql(scope)
            rows = await db.fetchall(
                f"SELECT group_id, SUM({column}) AS value, COUNT(*) FROM reports WHERE {when}"
                f" AND {_status(counting)} AND {home} GROUP BY group_id"
                " ORDER BY value DESC, group_id",
                [*params, *home_params],
            )
            ranking = await stats.top_groups(
                period,
                scope=scope,
                measure=measure,
                limit=3,
                own_group_id=world.groups[-1],
                counting=counting,
            )
            assert ranking.ranked == len(rows)
            assert [(g.group_id, g.value, g.reports) for g in ranking.lines] == [
                tuple(r) for r in rows[:3]
            ]
            values = [r[1] for r in rows]
            for line in ranking.lines:
                assert line.rank == 1 + sum(v > line.value for v in values)
            own = ranking.own
            mine = next((r for r in rows if r[0] == world.groups[-1]), None)
            if own is None:  # only when the group is outside the scope
                homes = {k: v for k, v in await db.fetchall("SELECT id, province_id FROM groups")}
                assert scope.kind is ScopeKind.PROVINCE
                assert homes[world.groups[-1]] != scope.ids[0]
            elif mine is None:
                assert own.rank is None and own.value == 0
            else:
                assert (own.value, own.rank) == (mine[1], 1 + sum(v > mine[1] for v in values))


async def test_most_and_least_active_groups(world: World) -> None:
    province = world.provinces[2]
    period = Period.year(TODAY)
    rows = await world.store.db.fetchall(
        "SELECT g.id, COALESCE(SUM(r.quantity), 0) AS value FROM groups g LEFT JOIN reports r"
        " ON r.group_id = g.id AND r.status != 'deleted' AND r.service_date BETWEEN ? AND ?"
        " WHERE g.province_id = ? AND g.status = 'active' GROUP BY g.id",
        (period.start.isoformat(), period.last.isoformat(), province),
    )
    values = {group: value for group, value in rows if value}  # no work: neither most nor least
    most = await world.store.stats.group_activity(province, period, limit=2)
    least = await world.store.stats.group_activity(province, period, least=True, limit=2)
    assert [g.value for g in most] == sorted(values.values(), reverse=True)[:2]
    assert [g.value for g in least] == sorted(values.values())[:2]
    assert all(values[g.group_id] == g.value for g in most + least)


async def test_silent_groups(world: World) -> None:
    db = world.store.db
    quiet = world.groups[4]
    await db.execute(
        "UPDATE reports SET service_date = '2026-09-01' WHERE group_id = ? AND service_date"
        " > '2026-09-01'",
        (quiet,),
    )
    never = await _group(world.store, "گروه تازه", world.provinces[1], world.counties[
        world.provinces[1]][0], 300)  # fmt: skip
    fresh = await _group(world.store, "گروه نو", world.provinces[1], world.counties[
        world.provinces[1]][0], 301)  # fmt: skip
    await db.execute(
        "UPDATE groups SET created_at = '2026-01-01T00:00:00+00:00' WHERE id = ?", (never,)
    )
    since = (TODAY - timedelta(days=27)).isoformat()
    expected = {
        r[0]: r[1]
        for r in await db.fetchall(
            "SELECT g.id, (SELECT MAX(service_date) FROM reports WHERE group_id = g.id"
            " AND status != 'deleted') FROM groups g WHERE g.status = 'active'"
            " AND g.created_at < ? AND g.id NOT IN (SELECT group_id FROM reports"
            " WHERE service_date >= ? AND status != 'deleted')",
            (since, since),
        )
    }
    page = await world.store.stats.silent_groups(Scope.national(), TODAY, limit=2)
    rest = await world.store.stats.silent_groups(Scope.national(), TODAY, limit=50, offset=2)
    found = page.items + rest.items
    assert page.total == len(expected) and page.has_more == (len(expected) > 2)
    assert {s.group_id: s.last_report for s in found} == {
        g: None if d is None else date.fromisoformat(d) for g, d in expected.items()
    }
    assert quiet in expected and never in expected and fresh not in expected
    assert found[0].group_id == never  # never reported: first


async def test_campaign_progress_pace_and_shares(world: World) -> None:
    store = world.store
    campaign = await store.campaigns.get(world.campaign)
    assert campaign is not None
    province, group = world.provinces[0], world.groups[0]
    days = (campaign.ends_on - campaign.starts_on).days + 1
    for counting, as_of in [(c, d) for c in Counting for d in (TODAY, TODAY - timedelta(days=40))]:
        progress = await store.stats.progress(
            campaign, as_of, province_id=province, group_id=group, counting=counting
        )
        status = _status(counting)
        sql = (
            "SELECT COALESCE(SUM(quantity), 0) FROM reports WHERE campaign_id = ?"
            f" AND {status} AND service_date <= ?"
        )
        counted = await store.db.scalar(sql, (campaign.id, as_of.isoformat()))
        recent = await store.db.scalar(
            sql + " AND service_date > ?",
            (campaign.id, as_of.isoformat(), (as_of - timedelta(days=28)).isoformat()),
        )
        assert progress.counted == counted and progress.recent == recent
        assert progress.province_count == await store.db.scalar(
            sql + " AND province_id = ?", (campaign.id, as_of.isoformat(), province)
        )
        assert progress.group_count == await store.db.scalar(
            sql + " AND group_id = ?", (campaign.id, as_of.isoformat(), group)
        )
        assert progress.pace_per_day == pytest.approx(recent / 28)
        ahead = -(-(campaign.target - counted) * 28 // recent)
        assert progress.projected == as_of + timedelta(days=ahead)
        elapsed = (as_of - campaign.starts_on).days  # the days over: as_of is not yet
        assert progress.expected == campaign.target * elapsed // days
        assert progress.on_schedule == (counted >= campaign.target * elapsed // days)
        left = (campaign.ends_on - as_of).days + 1
        assert progress.needed_per_day == -(-(campaign.target - counted) // left)
        if counting is Counting.APPROVED:
            assert progress.pending == await store.db.scalar(
                "SELECT SUM(quantity) FROM reports WHERE campaign_id = ? AND status = 'submitted'"
                " AND service_date <= ?",
                (campaign.id, as_of.isoformat()),
            )
    reached = await store.campaigns.create("کوچک", 10, "خدمت", date(2026, 1, 1), TODAY)
    await store.db.execute(
        "UPDATE reports SET campaign_id = ? WHERE id IN (SELECT id FROM reports"
        " WHERE status = 'approved' ORDER BY id LIMIT 20)",
        (reached,),
    )
    small = await store.campaigns.get(reached)
    assert small is not None
    done = await store.stats.progress(small, TODAY)
    assert done.reached and done.projected is None

    await store.stats.set_shares(
        campaign.id, {p: 400 * (i + 1) for i, p in enumerate(world.provinces)}
    )
    for as_of in (TODAY, TODAY - timedelta(days=40)):  # now (summaries) and back then (reports)
        lines = await store.stats.shares(campaign, as_of)
        by_province = {
            k: v
            for k, v in await store.db.fetchall(
                "SELECT province_id, SUM(quantity) FROM reports WHERE campaign_id = ?"
                " AND status != 'deleted' AND service_date <= ? GROUP BY province_id",
                (campaign.id, as_of.isoformat()),
            )
        }
        elapsed = (as_of - campaign.starts_on).days
        assert {(s.province_id, s.counted, s.expected) for s in lines} == {
            (p, by_province.get(p, 0), 400 * (i + 1) * elapsed // days)
            for i, p in enumerate(world.provinces)
        }
        fractions = [min(s.counted / s.target, 1.0) for s in lines]
        assert fractions == sorted(fractions)


async def test_counted_types_recount_and_follow_new_reports(world: World) -> None:
    store = world.store
    campaign = world.campaign
    assert await store.stats.counted_categories(campaign) is None
    assert await store.stats.counted_categories(world.small_campaign) == set(world.types[:3])
    await store.stats.set_counted_categories(campaign, world.types[1:3])
    period = Period(PeriodKind.CAMPAIGN, date(2026, 3, 21), date(2027, 1, 20), campaign)
    for scope in _scopes(world):
        counted = (await store.stats.totals(scope, period)).counted
        assert counted == await _expected(store, scope, period, Counting.ALL)
    before = (await store.stats.totals(Scope.national(), period)).counted
    group, province = world.groups[2], world.provinces[1]
    county = world.counties[province][0]
    rows = [
        (f"n{i}", f"n{i}", group, 1, campaign, category, 7, 3, 2, province, county,
         TODAY.isoformat(), "submitted")
        for i, category in enumerate((world.types[0], world.types[1]))
    ]  # fmt: skip
    await _insert(store, rows)
    after = (await store.stats.totals(Scope.national(), period)).counted
    assert after.services == before.services + 7  # only the counted type
    kept = await store.campaigns.get(campaign)
    assert kept is not None
    assert (await store.stats.progress(kept, TODAY)).counted == await store.db.scalar(
        "SELECT SUM(quantity) FROM reports WHERE campaign_id = ? AND status != 'deleted'"
        " AND category_id IN (?, ?)",
        (campaign, *world.types[1:3]),
    )
    running = await store.stats.campaigns_counting(world.types[0], province, TODAY)
    assert campaign not in {c.id for c in running}
    assert world.small_campaign not in {c.id for c in running}  # another province's campaign
    running = await store.stats.campaigns_counting(world.types[0], world.provinces[0], TODAY)
    assert {c.id for c in running} == {world.small_campaign}
    area = await store.db.scalar("SELECT parent_id FROM categories WHERE id = ?", (world.types[0],))
    await store.stats.set_counted_categories(campaign, [area])
    assert await store.stats.counted_categories(campaign) == {
        r[0]
        for r in await store.db.fetchall("SELECT id FROM categories WHERE parent_id = ?", (area,))
    }
    assert (await store.stats.totals(Scope.national(), period)).counted == await _expected(
        store, Scope.national(), period, Counting.ALL
    )
    await store.stats.set_counted_categories(campaign, None)
    assert (await store.stats.totals(Scope.national(), period)).counted == await _expected(
        store, Scope.national(), period, Counting.ALL
    )


async def test_retired_and_renamed_types_keep_old_reports(world: World) -> None:
    store = world.store
    retired = world.types[0]
    period = Period.year(TODAY)
    before = await store.stats.by_type(Scope.national(), period)
    assert await store.categories.retire(retired)
    assert not await store.categories.retire(retired)
    assert await store.categories.rename(world.types[1], "نام تازه", "سبد")
    area = (await store.categories.get(retired)).parent_id
    assert area is not None
    assert retired not in {c.id for c in await store.categories.types(area)}
    assert retired in {c.id for c in await store.categories.all_types(retired=True)}
    assert retired not in {c.id for c in await store.categories.all_types()}
    after = await store.stats.by_type(Scope.national(), period)
    assert [(t.category_id, t.services) for t in after] == [
        (t.category_id, t.services) for t in before
    ]
    lines = {t.category_id: t for t in after}
    assert lines[retired].retired and not lines[world.types[1]].retired
    assert (lines[world.types[1]].name, lines[world.types[1]].unit) == ("نام تازه", "سبد")
    new = await store.categories.add_type(area, "new-type", "خدمت نو", "مورد", "انجام شد", 50)
    assert new in {c.id for c in await store.categories.types(area)}
    assert await store.categories.restore(retired)


async def test_search_groups_by_any_spelling_and_with_a_typo(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    stats = world.store.stats
    found = await stats.search_groups("علي كريمي")
    assert [h.name for h in found.items] == ["گروه علی‌کریمی"] and found.items[0].exact
    for text in ("علی کریمی", "عليكريمي", "علی‌کریمـــی", "عَلی کَریمی", "گروه علی کریمی"):
        assert [h.name for h in (await stats.search_groups(text)).items] == ["گروه علی‌کریمی"]
    typo = await stats.search_groups("علی کرمی")
    assert [(h.name, h.exact) for h in typo.items] == [("گروه علی‌کریمی", False)]
    assert (await stats.search_groups("همددلی")).items[0].name == "کانون همدلی"
    assert (await stats.search_groups("xyz")).total == 0
    assert (await stats.search_groups("")).total == 0
    everyone = await stats.search_groups("گروه", limit=3)
    expected = await world.store.db.scalar(
        "SELECT COUNT(*) FROM groups WHERE status = 'active' AND instr(search_key, 'گروه') > 0"
    )
    assert everyone.total == expected and len(everyone.items) == 3 and everyone.has_more
    pages = [(await stats.search_groups("گروه", limit=3, offset=o)).items for o in (0, 3, 6, 9)]
    ids = [h.group_id for page in pages for h in page]
    assert len(ids) == len(set(ids)) == expected
    monkeypatch.setattr("db.stats.SEARCH_CAP", 3)
    capped = await stats.search_groups("گروه")
    assert capped.capped and capped.total == 3 and len(capped.items) == 3
    monkeypatch.undo()
    province = world.provinces[1]
    local = await stats.search_groups("گروه", province_id=province, limit=50)
    homes = {k: v for k, v in await world.store.db.fetchall("SELECT id, province_id FROM groups")}
    assert local.items and all(homes[h.group_id] == province for h in local.items)
    await world.store.groups.rename(world.groups[1], "گروه ستاره", search_key("گروه ستاره"))
    assert (await stats.search_groups("ستاره")).items[0].group_id == world.groups[1]
    assert (await stats.search_groups("امید اراک")).total == 0


async def test_search_places_with_totals(world: World) -> None:
    period = Period.year(TODAY)
    page = await world.store.stats.search_places("مركزي", period)
    first = page.items[0]
    assert first.county_id is None and first.name == "مرکزی"
    assert first.figures.services == await world.store.db.scalar(
        "SELECT COALESCE(SUM(quantity), 0) FROM reports WHERE province_id = ?"
        " AND status != 'deleted' AND service_date BETWEEN ? AND ?",
        (first.province_id, period.start.isoformat(), period.last.isoformat()),
    )
    arak = await world.store.stats.search_places("اراك", period)
    assert arak.items[0].name == "اراک" and arak.items[0].province_name == "مرکزی"
    typo = await world.store.stats.search_places("سمنام", period)
    assert "سمنان" in [h.name for h in typo.items]
    many = await world.store.stats.search_places("آباد", period, limit=5)
    assert many.total > 5 and len(many.items) == 5 and many.has_more


def test_fuzzy_distance() -> None:
    assert fuzzy_distance("کریمی", "گروهعلیکریمی") == 0
    assert fuzzy_distance("کرمی", "گروهعلیکریمی") == 1
    assert fuzzy_distance("کرییمی", "گروهعلیکریمی") == 1
    assert fuzzy_distance("کربمی", "گروهعلیکریمی") == 1
    assert fuzzy_distance("xy", "") == 2


async def test_migration_fills_summaries_from_old_reports(tmp_path: Path) -> None:
    """Reports saved before 0002 count the same as reports saved after it."""
    old_path, new_path = tmp_path / "old.db", tmp_path / "new.db"
    with closing(sqlite3.connect(old_path)) as old:
        old.executescript(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL);\n"
            + (Path(__file__).parent.parent / "db/migrations/0001_init.sql").read_text("utf-8")
            + "\nINSERT INTO schema_migrations VALUES (1, 'init', 'x');"
        )
    stores = [Store(Database(p)) for p in (old_path, new_path)]
    # The old database: reference data with 0001 only, reports, then 0002.
    from db.reference import seed_reference_data

    raw = Database(old_path)
    await raw.open(migrate=False)
    await seed_reference_data(raw)
    await raw.close()
    await stores[1].open()
    world = await _seed(stores[1])
    raw = Database(old_path)
    await raw.open(migrate=False)
    for table in ("volunteers", "groups", "campaigns", "reports"):
        # The columns 0001 made: later migrations add more (a report's version, say).
        columns = ", ".join(r[1] for r in await raw.fetchall(f"PRAGMA table_info({table})"))
        data = await stores[1].db.fetchall(f"SELECT {columns} FROM {table} ORDER BY rowid")
        marks = ",".join("?" * len(data[0].keys()))
        await raw.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", [tuple(r) for r in data]
        )
    await raw.close()
    await stores[0].open()
    # The new store counted the small campaign's types only after set_counted_categories; do the
    # same on the migrated one, then every summary table must hold the same non-zero rows.
    await stores[0].stats.set_counted_categories(world.small_campaign, world.types[:3])
    for table in (
        "stat_place",
        "stat_group_period",
        "stat_campaign_place",
        "stat_campaign_day",
        "stat_group_campaign",
    ):
        contents = [
            set(map(tuple, await s.db.fetchall(f"SELECT * FROM {table} WHERE n != 0")))
            for s in stores
        ]
        assert contents[0] == contents[1] and contents[0], table
    assert set(map(tuple, await stores[0].db.fetchall("SELECT * FROM group_grams"))) == set(
        map(tuple, await stores[1].db.fetchall("SELECT * FROM group_grams"))
    )
    for s in stores:
        await s.close()


async def test_a_reporters_own_reports_and_since_joining(world: World) -> None:
    db = world.store.db
    await world.store.volunteers.seen(77, "سرگروه", "", "")
    await db.execute(
        "UPDATE reports SET reporter_id = 77 WHERE id IN (SELECT id FROM reports WHERE id % 5 = 0)"
    )
    joined = date(2026, 2, 1)
    period = Period.since(joined, TODAY)
    assert (period.start, period.last, period.kind) == (joined, TODAY, PeriodKind.JOINED)
    campaign = Period(PeriodKind.CAMPAIGN, TODAY, TODAY, world.campaign)
    for when in (period, campaign):
        for counting in Counting:
            cond, params = await _period_sql(world.store, when)
            row = await db.fetchone(
                "SELECT COUNT(*), COALESCE(SUM(quantity), 0), COUNT(DISTINCT group_id) FROM reports"
                f" WHERE reporter_id = 77 AND {cond} AND {_status(counting)}",
                params,
            )
            mine = (await world.store.stats.reporter_totals(77, when, counting=counting)).counted
            assert row is not None
            assert (mine.reports, mine.services, mine.groups) == tuple(row)
    group = Scope.group(world.groups[3])
    counted = (await world.store.stats.totals(group, period)).counted
    assert counted == await _expected(world.store, group, period, Counting.ALL)


@pytest.mark.parametrize("resort", [False, True])
async def test_summaries_follow_status_changes(
    world: World, resort: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Status changes as the review queue makes them, as direct SQL: every summary keeps up.

    The in-memory columns of national typed ranges are loaded first, so they must catch up too.
    """
    db, stats = world.store.db, world.store.stats
    typed = Period.typed(date(2025, 12, 7), date(2026, 5, 3))
    await stats.totals(Scope.national(), typed)
    await stats.top_groups(typed, own_group_id=world.groups[0])
    for sql in (
        "UPDATE reports SET status = 'approved' WHERE status = 'submitted' AND id % 3 = 0",
        "UPDATE reports SET status = 'returned' WHERE status = 'submitted' AND id % 3 = 1",
        "UPDATE reports SET status = 'submitted' WHERE status = 'returned' AND id % 4 = 0",
        "UPDATE reports SET status = 'deleted' WHERE status = 'approved' AND id % 7 = 0",
        "UPDATE reports SET status = 'submitted' WHERE status = 'deleted' AND id % 5 = 0",
        "UPDATE reports SET status = 'approved', quantity = quantity + 1 WHERE id % 11 = 0",
        "UPDATE reports SET group_id = (SELECT MIN(id) FROM groups) WHERE id % 13 = 0",
        f"UPDATE reports SET service_date = {db.days_before('service_date', 20)} WHERE id % 17 = 1",
        "DELETE FROM report_photos WHERE report_id IN (SELECT id FROM reports WHERE id % 19 = 0)",
        "DELETE FROM reports WHERE id % 19 = 0",
        "INSERT INTO reports (receipt, idempotency_key, group_id, reporter_id, campaign_id,"
        " category_id, quantity, beneficiaries, volunteers, province_id, county_id,"
        " service_date, status, created_at, updated_at) SELECT receipt || 'x',"
        " idempotency_key || 'x', group_id, reporter_id, campaign_id, category_id, quantity,"
        " beneficiaries, volunteers, province_id, county_id, service_date, status, created_at,"
        " updated_at FROM reports WHERE id % 23 = 0",
    ):
        await db.execute(sql)
    assert await db.scalar("SELECT COUNT(DISTINCT status) FROM reports") == 4
    # Each summary's measures against the reports, summed the test's own way.
    live, ok, wait = "status != 'deleted'", "status = 'approved'", "status = 'submitted'"
    measures = ", ".join(
        f"SUM(CASE WHEN {status} THEN {value} ELSE 0 END)"
        for status in (live, ok, wait)
        for value in ("1", "quantity")
    )
    checks = (
        (
            "SELECT group_id, SUM(n), SUM(q), SUM(na), SUM(qa), SUM(ns), SUM(qs)"
            " FROM stat_group_period WHERE kind = 'y' GROUP BY group_id HAVING SUM(n) > 0",
            f"SELECT group_id, {measures} FROM reports WHERE {live} GROUP BY group_id",
        ),
        (
            "SELECT start, SUM(n), SUM(q), SUM(na), SUM(qa), SUM(ns), SUM(qs) FROM stat_place"
            " WHERE province_id = 0 AND kind = 'd' GROUP BY start HAVING SUM(n) > 0",
            f"SELECT service_date, {measures} FROM reports WHERE {live} GROUP BY service_date",
        ),
        (
            "SELECT county_id, SUM(n), SUM(q), SUM(na), SUM(qa), SUM(ns), SUM(qs) FROM stat_place"
            " WHERE county_id != 0 AND kind = 'm' GROUP BY county_id HAVING SUM(n) > 0",
            f"SELECT county_id, {measures} FROM reports WHERE {live} GROUP BY county_id",
        ),
        (
            "SELECT day, SUM(n), SUM(q), SUM(na), SUM(qa), SUM(ns), SUM(qs) FROM stat_campaign_day"
            " WHERE campaign_id = ? GROUP BY day HAVING SUM(n) > 0",
            f"SELECT service_date, {measures} FROM reports WHERE {live} AND campaign_id = ?"
            " GROUP BY service_date",
        ),
        (
            "SELECT group_id, SUM(n), SUM(q), SUM(na), SUM(qa), SUM(ns), SUM(qs)"
            " FROM stat_group_campaign WHERE campaign_id = ? GROUP BY group_id HAVING SUM(n) > 0",
            f"SELECT group_id, {measures} FROM reports WHERE {live} AND campaign_id = ?"
            " GROUP BY group_id",
        ),
    )
    for summary, truth in checks:
        params = (world.campaign,) if "?" in summary else ()
        got = {tuple(r) for r in await db.fetchall(summary, params)}
        assert got == {tuple(r) for r in await db.fetchall(truth, params)}, summary
    # And every lookup, in both ways of counting, with the waiting reports apart.
    for counting in Counting:
        for scope in _scopes(world):
            for period in _periods(world):
                tally = await stats.totals(scope, period, counting=counting)
                assert tally.counted == await _expected(world.store, scope, period, counting)
                if counting is Counting.APPROVED:
                    assert tally.pending == await _expected(
                        world.store, scope, period, counting, pending=True
                    )
    if resort:  # the columns sort again by date rather than read the changed reports apart
        monkeypatch.setattr(stat_columns, "RESORT", 0)
    for counting in Counting:
        for measure in Measure:
            await _check_leaderboards(world, measure, counting)
    waiting = await db.scalar(
        "SELECT COUNT(*) FROM reports WHERE status = 'submitted' AND province_id = ?",
        (world.provinces[0],),
    )
    assert waiting and await stats.waiting(world.provinces[0]) == waiting
    assert await stats.waiting() == await db.scalar(
        "SELECT COUNT(*) FROM reports WHERE status = 'submitted'"
    )
