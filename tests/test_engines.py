"""The two engines behind one Database: the seam's pieces, Persian order on both, what counts
defined once (and a database of the previous schema migrated without losing a figure)."""

from __future__ import annotations

import asyncio
import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.i18n import label
from bot.core.text import normalize, persian_sort_key, search_key
from bot.demo import seed_demo
from db import counting
from db.counting import Counting
from db.database import Database, SchemaMismatch
from db.engines.postgresql import placeholders
from db.models import GroupStatus
from db.reference import seed_reference_data
from db.stats import Period, Scope
from db.store import Store
from tests.conftest import new_pg_database, report_input
from tests.pgcluster import Cluster

pytestmark = pytest.mark.both_engines

PREVIOUS_SCHEMA = 18  # the last migration before the engines (main as it was)
SUMMARIES = (
    "stat_place",
    "stat_group_period",
    "stat_campaign_place",
    "stat_campaign_day",
    "stat_group_campaign",
)
# Names that Persian order and code-point order put differently: ZWNJ, Arabic ي and ك, آ and ا,
# پ چ ژ گ (outside the Arabic block), a space (before any letter), digits, Latin.
NAMES = [
    "گروه یاران",
    "گروه ياران",
    "گروه پویا",
    "گروه بهار",
    "گروه چمران",
    "گروه ژیان",
    "کانون همدلی",
    "كانون مهر",
    "آبادگران",
    "ابرار",
    "گروه‌ امید",
    "گروهامید",
    "گروه ۲۲ بهمن",
    "گروه 7 تیر",
    "Green team",
    "سوادکوه",
    "سوادکوه شمالی",
    "سوادکوهی",
]


def test_placeholders_become_psycopgs_and_leave_quoted_text_alone() -> None:
    assert placeholders("SELECT ? FROM t WHERE a = ? AND b LIKE '%?%'") == (
        "SELECT %s FROM t WHERE a = %s AND b LIKE '%%?%%'"
    )
    assert placeholders('SELECT "x?" , 5 % 2') == 'SELECT "x?" , 5 %% 2'


async def test_groups_are_listed_in_persian_order(store: Store) -> None:
    """The stored sort key orders names the same on both engines: Persian alphabetical order
    (bot.core.text.persian_sort_key), not code-point order."""
    county = (await store.places.search_counties("اراک"))[0]
    await store.volunteers.seen(9, "سرگروه", "", "")
    shuffled = NAMES[:]
    random.Random(3).shuffle(shuffled)
    for name in shuffled:
        clean = normalize(name)
        await store.groups.create(
            clean, search_key(clean), county.province_id, county.id, None, 9, GroupStatus.ACTIVE
        )
    expected = sorted((normalize(n) for n in NAMES), key=persian_sort_key)
    listed = [g.name for g in await store.groups.listing(None, limit=100)]
    assert listed == expected
    assert [g.name for g in await store.groups.in_county(county.id)] == expected
    assert expected != sorted(expected)  # code-point order would be another order
    first = (await store.groups.listing(None, limit=1))[0]
    await store.groups.rename(first.id, "یگان", search_key("یگان"))
    expected = sorted([*expected[1:], "یگان"], key=persian_sort_key)
    assert [g.name for g in await store.groups.listing(None, limit=100)] == expected


async def test_the_date_arithmetic_of_each_engine(store: Store) -> None:
    db = store.db
    for day in (date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 27), date(2025, 3, 20)):
        iso = f"'{day.isoformat()}'"
        saturday = day - timedelta(days=(day.weekday() + 2) % 7)
        assert await db.scalar(f"SELECT {db.week_start(iso)}") == saturday.isoformat()
        before = (day - timedelta(days=7)).isoformat()
        assert await db.scalar(f"SELECT {db.days_before(iso, 7)}") == before
        assert await db.scalar(f"SELECT {db.day_number(iso)}") == (day - date(1970, 1, 1)).days


async def test_a_changed_rule_is_one_edit_and_db_migrate_follows_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing what counts (here: returned reports stop counting) changes the triggers, the
    refill and the queries together; the database is refused until `db migrate` installs it."""
    world = await _world(store)
    await _reports(store, world, random.Random(5), 80)
    db = store.db
    monkeypatch.setitem(counting.COUNTED, Counting.ALL, frozenset({"submitted", "approved"}))
    with pytest.raises(SchemaMismatch) as refused:
        await db.check_schema(allow_missing=False)
    assert refused.value.counting and not refused.value.missing
    assert await counting.install(db)
    await db.check_schema(allow_missing=False)
    month = Period.month(date(2026, 11, 1))
    tally = await store.stats.totals(Scope.national(), month, counting=Counting.ALL)
    expected = await db.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(quantity), 0) FROM reports WHERE status IN"
        " ('submitted', 'approved') AND service_date >= ? AND service_date < ?",
        (month.start.isoformat(), month.end.isoformat()),
    )
    assert expected is not None and expected[0] > 0
    assert (tally.counted.reports, tally.counted.services) == (expected[0], expected[1])
    # New reports follow the new rule through the triggers too.
    await _reports(store, world, random.Random(6), 20)
    assert await _summaries(db) == await _refilled(db)


class _World:
    def __init__(self, groups: list[int], places: list[tuple[int, int]], types: list[int]):
        self.groups, self.places, self.types = groups, places, types
        self.campaign = 0


async def _world(store: Store, *, raw: bool = False) -> _World:
    """Groups, places and types to file reports under (raw: groups written with SQL of the
    previous schema, which has no sort key)."""
    db = store.db
    await db.execute(
        "INSERT INTO volunteers (id, first_name, created_at, last_seen_at)"
        " VALUES (1, 'x', 'x', 'x')"
    )
    places = [
        (int(r[0]), int(r[1]))
        for r in await db.fetchall(
            "SELECT province_id, id FROM counties WHERE province_id IN"
            " (SELECT id FROM provinces ORDER BY position LIMIT 3) ORDER BY id LIMIT 6"
        )
    ]
    groups = []
    for i in range(5):
        province, county = places[i % len(places)]
        if raw:
            await db.execute(
                "INSERT INTO groups (name, search_key, province_id, county_id, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, 'x', 'x')",
                (f"گروه {i}", f"گروه{i}", province, county),
            )
            groups.append(int(await db.scalar("SELECT MAX(id) FROM groups")))
        else:
            groups.append(
                await store.groups.create(
                    f"گروه {i}", f"گروه{i}", province, county, None, 1, GroupStatus.ACTIVE
                )
            )
    types = [
        int(r[0])
        for r in await db.fetchall(
            "SELECT id FROM categories WHERE parent_id IS NOT NULL ORDER BY id LIMIT 4"
        )
    ]
    world = _World(groups, places, types)
    await db.execute(
        "INSERT INTO campaigns (title, target, starts_on, ends_on, created_at)"
        " VALUES ('پویش', 1000, '2026-01-01', '2027-01-01', 'x')"
    )
    world.campaign = int(await db.scalar("SELECT MAX(id) FROM campaigns"))
    await db.execute(
        "INSERT INTO campaign_categories (campaign_id, category_id) VALUES (?, ?), (?, ?)",
        (world.campaign, types[0], world.campaign, types[1]),
    )
    return world


async def _reports(store: Store, world: _World, rng: random.Random, count: int) -> None:
    """Reports of every status, then edits and deletions, through plain SQL (the triggers)."""
    db = store.db
    first = await db.scalar("SELECT COALESCE(MAX(id), 0) FROM reports")
    rows = []
    for i in range(count):
        province, county = rng.choice(world.places)
        key = f"k{first}-{i}"
        rows.append(
            (
                key,
                key,
                rng.choice(world.groups),
                rng.choice([world.campaign, None]),
                rng.choice(world.types),
                rng.randint(1, 40),
                rng.choice([None, rng.randint(0, 30)]),
                rng.choice([None, rng.randint(1, 9)]),
                province,
                county,
                (date(2026, 9, 1) + timedelta(days=rng.randint(0, 90))).isoformat(),
                rng.choice(("submitted", "approved", "returned", "deleted")),
            )
        )
    await db.executemany(
        "INSERT INTO reports (receipt, idempotency_key, group_id, reporter_id, campaign_id,"
        " category_id, quantity, beneficiaries, volunteers, province_id, county_id,"
        " service_date, status, created_at, updated_at)"
        " VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'x', 'x')",
        rows,
    )
    ids = [int(r[0]) for r in await db.fetchall("SELECT id FROM reports WHERE id > ?", (first,))]
    for report_id in rng.sample(ids, count // 4):
        await db.execute(
            "UPDATE reports SET status = ?, quantity = quantity + 1, service_date = ? WHERE id = ?",
            (
                rng.choice(("submitted", "approved", "returned", "deleted")),
                (date(2026, 9, 1) + timedelta(days=rng.randint(0, 90))).isoformat(),
                report_id,
            ),
        )
    for report_id in rng.sample(ids, count // 10):
        await db.execute("DELETE FROM reports WHERE id = ?", (report_id,))


async def _summaries(db: Database) -> dict[str, set[tuple[object, ...]]]:
    """Every summary row with something in it (a row whose measures fell to zero is kept by
    the triggers, never made by a refill), and every group's last service date."""
    found = {}
    for table in SUMMARIES:
        measures = " OR ".join(f"{m.column} <> 0" for m in counting.measures())
        rows = await db.fetchall(f"SELECT * FROM {table} WHERE {measures}")
        found[table] = {tuple(r) for r in rows}
    found["stat_group_last"] = {
        tuple(r) for r in await db.fetchall("SELECT * FROM stat_group_last")
    }
    return found


async def _refilled(db: Database) -> dict[str, set[tuple[object, ...]]]:
    """The summaries as a refill from the reports makes them (then put back as they were)."""
    async with db.transaction():
        for statement in counting.refill_all(db):
            await db.execute(statement)
    return await _summaries(db)


async def test_a_database_of_the_previous_schema_migrates_without_losing_a_figure(
    tmp_path: Path,
) -> None:
    """A field database (SQLite at migration 0018, its hand-written triggers keeping the
    summaries) with reports of every status, edits and deletions: after `db migrate` every
    summary row and every figure is what it was, and what the test's own SQL says."""
    path = tmp_path / "field.db"
    db = Database(path)
    await db.connect()
    await db.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for migration in db.engine_migrations():
        if migration.version <= PREVIOUS_SCHEMA:
            await db.apply_migration(migration)
    await seed_reference_data(db)
    store = Store(db)
    world = await _world(store, raw=True)
    await _reports(store, world, random.Random(7), 300)
    with pytest.raises(SchemaMismatch):
        await db.check_schema(allow_missing=False)
    before = await _summaries(db)
    periods = [
        Period.month(date(2026, 10, 1)),
        Period.week(date(2026, 11, 4)),
        Period.typed(date(2026, 9, 10), date(2026, 11, 12)),
    ]
    campaign = await store.campaigns.get(world.campaign)
    assert campaign is not None
    figures_before = [
        await store.stats.totals(scope, period, counting=c)
        for scope in (Scope.national(), Scope.province(world.places[0][0]))
        for period in (*periods, Period.of_campaign(campaign))
        for c in Counting
    ]
    assert await db.migrate() == [20, 21]
    await db.check_schema(allow_missing=False)
    assert await _summaries(db) == before
    figures_after = [
        await store.stats.totals(scope, period, counting=c)
        for scope in (Scope.national(), Scope.province(world.places[0][0]))
        for period in (*periods, Period.of_campaign(campaign))
        for c in Counting
    ]
    assert figures_after == figures_before
    month = periods[0]
    row = await db.fetchone(
        "SELECT COUNT(*), SUM(quantity) FROM reports WHERE status <> 'deleted'"
        " AND service_date >= ? AND service_date < ?",
        (month.start.isoformat(), month.end.isoformat()),
    )
    assert row is not None and row[0] > 0
    assert (figures_after[0].counted.reports, figures_after[0].counted.services) == tuple(row)
    # The generated triggers keep the summaries from then on as a refill would make them.
    await _reports(store, world, random.Random(8), 100)
    assert await _summaries(db) == await _refilled(db)
    await db.close()


# --- moving up: db copy, and backups on PostgreSQL -----------------------------------------------

DEMO_TODAY = date(2026, 11, 18)


def _config(folder: Path, **database: str) -> Path:
    """A config file naming the database (path and/or url)."""
    path = folder / "config.toml"
    lines = "".join(f'{key} = "{value}"\n' for key, value in database.items())
    path.write_text(f"[database]\n{lines}", encoding="utf-8")
    return path


async def _every_row(target: str, tables: list[str]) -> dict[str, set[tuple[object, ...]]]:
    """Every row of these tables, read through the Database of either engine."""
    async with Database(target) as db:
        found = {}
        for table in tables:
            columns = await db.columns(table)
            listed = ", ".join(f'"{c}"' for c in columns)
            found[table] = {tuple(r) for r in await db.fetchall(f"SELECT {listed} FROM {table}")}
        return found


@pytest.mark.slow
async def test_db_copy_moves_a_live_sqlite_database_and_checks_every_table(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's database, with a group merged into a newer one and a bot still writing, is
    copied into an empty PostgreSQL database: every table's rows arrive as they were in one
    moment of the SQLite file, the figures read the same, and ids go on after the copied ones;
    a second copy into the now filled database is refused without writing anything."""
    source = tmp_path / "live.db"
    store = Store(Database(source))
    await store.open()
    people = {"admin": 1, "leader": 2, "member": 3, "coordinator": 4, "newcomer": 5}
    await seed_demo(store, people, DEMO_TODAY)
    older = int(await store.db.scalar("SELECT MIN(id) FROM groups"))
    newer = await _group_created(store)
    await store.groups.merge(older, newer)  # merged_into points at a later row
    with new_pg_database(pg_cluster) as url:
        config = _config(tmp_path, path=str(source))

        async def writing() -> int:
            """The bot keeps saving reports while the copy runs."""
            written = 0
            data = await report_input(store, newer)
            while not done.is_set():
                await store.reports.create(data, 1, f"live-{written}", 1405)
                written += 1
                await asyncio.sleep(0.005)
            return written

        done = asyncio.Event()
        writer = asyncio.create_task(writing())
        code = await asyncio.to_thread(main, ["--config", str(config), "db", "copy", "--to", url])
        done.set()
        written = await writer
        out = capsys.readouterr()
        assert code == 0, out.err
        assert "reports" in out.out and written > 0
        await store.close()
        # The live copy holds the reports the file had at one moment: the first ones, as they
        # were (the copy compared every table of that moment itself before it committed).
        copied = (await _every_row(url, ["reports"]))["reports"]
        now = (await _every_row(str(source), ["reports"]))["reports"]
        last = max(int(str(r[0])) for r in copied)
        assert copied == {r for r in now if int(str(r[0])) <= last} and len(now) > len(copied)
    # Quiet: a copy is every table of the file, row for row.
    with new_pg_database(pg_cluster) as url:
        assert (
            await asyncio.to_thread(main, ["--config", str(config), "db", "copy", "--to", url]) == 0
        )
        async with Database(source) as original:
            tables = sorted((await original.tables()) - {"schema_migrations", "counting_rule"})
            reports = int(await original.scalar("SELECT MAX(id) FROM reports"))
        assert await _every_row(url, tables) == await _every_row(str(source), tables)
        # The bot on PostgreSQL reads the same figures, and its ids go on after the copied ones.
        async with Database(url) as db:
            pg = Store(db)
            month = Period.month(DEMO_TODAY)
            assert await pg.stats.totals(Scope.national(), month) == await _totals(source, month)
            report, created = await pg.reports.create(
                await report_input(pg, newer), 1, "after-copy", 1405
            )
            assert created and report.id == reports + 1
        # A second copy into a database that holds people's data is refused; nothing written.
        code = await asyncio.to_thread(main, ["--config", str(config), "db", "copy", "--to", url])
        assert code == 2
        assert label("cli-copy-not-empty", url=url, details="x").split("(")[0] in (
            capsys.readouterr().err
        )
        async with Database(url) as db:
            assert await db.scalar("SELECT COUNT(*) FROM reports") == reports + 1


async def _group_created(store: Store) -> int:
    county = (await store.places.search_counties("اراک"))[0]
    return await store.groups.create(
        "گروه تازه", "گروهتازه", county.province_id, county.id, None, 2, GroupStatus.ACTIVE
    )


async def _totals(source: Path, period: Period) -> object:
    async with Database(source) as db:
        return await Store(db).stats.totals(Scope.national(), period)


def test_db_backup_on_postgresql_says_to_use_its_own_tools(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    with new_pg_database(pg_cluster) as url:
        config = _config(tmp_path, url=url)
        assert main(["--config", str(config), "db", "migrate"]) == 0
        target = tmp_path / "backup.db"
        assert main(["--config", str(config), "db", "backup", str(target)]) == 2
        said = capsys.readouterr().err
        assert "pg_dump" in said and "pg_basebackup" in said
        assert label("cli-backup-postgresql", path="X").split("X")[1][:30] in said
        assert not target.exists()


async def test_the_bots_postgresql_connections_run_without_jit(pg_cluster: Cluster) -> None:
    """Compiling cost more than it saved on the bot's queries (bench/RESULTS.md)."""
    with new_pg_database(pg_cluster) as url:
        async with Database(url) as db:
            assert await db.scalar("SHOW jit") == "off"


# --- keeping the engines alike ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# SQL only SQLite runs, and where it may stay: its engine, and the copy that reads its files.
SQLITE_ONLY = re.compile(
    r"IFNULL\(|INSERT OR |INDEXED BY|julianday\(|strftime\('|\bGLOB\b|fa_sort\(|sqlite_master"
    r"|pragma_table_info|\bTOTAL\(|date\([a-z_.]+, '"
)
SQLITE_HOMES = {"db/engines/sqlite.py", "db/copy.py"}


def test_repositories_and_features_write_portable_sql() -> None:
    """No module outside the SQLite engine writes SQL only SQLite runs (a later change that
    does is named here, file and line, before PostgreSQL meets it)."""
    found = []
    for folder in ("bot", "db", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in SQLITE_HOMES:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if SQLITE_ONLY.search(line):
                    found.append(f"{name}:{number}: {line.strip()}")
    assert found == []


async def test_both_engines_have_the_same_tables_and_columns(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    """Migrated from scratch, SQLite and PostgreSQL hold the same tables with the same columns
    (a migration of SQLite's without its PostgreSQL twin shows here)."""
    with new_pg_database(pg_cluster) as url:
        schemas = []
        for target in (str(tmp_path / "new.db"), url):
            async with Database(target) as db:
                schemas.append({t: sorted(await db.columns(t)) for t in await db.tables()})
    assert schemas[0] == schemas[1]
    later = [m for m in Database(tmp_path / "x.db").engine_migrations() if m.version > 21]
    twins = {m.version for m in Database(url).engine_migrations()}
    assert [m.name for m in later if m.version not in twins] == []
