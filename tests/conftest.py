"""Shared fixtures: a fresh SQLite file per test, and the bot running against the simulator.

End-to-end tests talk to the real bot over real HTTP: the bot polls the project's Bot API
simulator, and the test kit acts as users through the simulator's control API. The bot runs
in this process, so the kit learns exactly when an update has been handled.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable, Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.app import FEATURES, FLOWS, Feature, build_application
from bot.core.config import Config, is_postgresql, parse_config
from bot.core.i18n import LOCALE_DIR, label
from bot.core.jalali import TEHRAN
from bot.core.text import normalize, search_key
from bot.kit.context import App
from bot.kit.engine import Flow
from bot.runner import start_polling, stop
from db.database import Database
from db.models import GroupRole, GroupStatus, Photo, ReportInput, Role
from db.reference import seed_reference_data
from db.store import Store
from simulator.server import SimulatorServer
from simulator.testing import ProcessedTracker, Sent, SimClient, SimUser
from tests.pgcluster import Cluster, running_cluster

pytest_plugins = ["simulator.pytest_plugin"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Starts the slow tests first, so that with two workers no soak is left running alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: keeps order


BOT_ID = 7000000001
# The tests' clock starts on a Wednesday at noon in Tehran (1405/08/27): no test depends on the
# real date, and none can flake across Tehran's midnight.
START = datetime(2026, 11, 18, 8, 30, tzinfo=UTC)
TODAY = START.astimezone(TEHRAN).date()
# The report's place button for a group in Harness.group's default county.
SAME_PLACE = label("report-place-same", place=label("place", county="اراک", province="مرکزی"))


class SetClock:
    """A clock the test sets: it stands still unless advanced."""

    def __init__(self, time: datetime = START) -> None:
        self.time = time

    def __call__(self) -> datetime:
        return self.time

    def advance(self, **delta: float) -> None:
        """Moves the clock forward (minutes=31, hours=25, ...)."""
        self.time += timedelta(**delta)


ENGINES = ("sqlite", "postgresql")
TEMPLATE = "khedmatyar_template"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked both_engines run once on SQLite and once on PostgreSQL."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The engine a test's database runs on: SQLite unless the test is marked both_engines, or
    KHEDMATYAR_TEST_ENGINE=postgresql runs every test's bot and store on PostgreSQL."""
    return str(getattr(request, "param", os.environ.get("KHEDMATYAR_TEST_ENGINE", "sqlite")))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for this session (this xdist worker), with a template
    database migrated and seeded like a new one (copied for each test in milliseconds)."""
    with running_cluster() as cluster:

        async def template() -> None:
            async with Database(cluster.url(TEMPLATE)) as db:
                await seed_reference_data(db)

        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {TEMPLATE}")
        asyncio.run(template())
        yield cluster


@contextmanager
def new_database(engine: str, folder: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new database: an SQLite file in folder, or a PostgreSQL database made from the
    session's template (dropped afterwards)."""
    if engine == "sqlite":
        yield str(folder / "bot.db")
        return
    with new_pg_database(request.getfixturevalue("pg_cluster")) as url:
        yield url


@contextmanager
def new_pg_database(cluster: Cluster, template: str = TEMPLATE) -> Iterator[str]:
    """A PostgreSQL database made from a template (by default the session's: migrated,
    reference data in it, nobody's data), dropped afterwards."""
    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield cluster.url(name)
    finally:
        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def database(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new database for one test (see new_database)."""
    with new_database(engine, tmp_path, request) as target:
        yield target


@pytest.fixture
async def store(database: str) -> AsyncIterator[Store]:
    """An opened Store over a new database with reference data (SQLite unless the test is
    marked both_engines: then on each engine)."""
    s = Store(Database(database))
    await s.open()
    yield s
    await s.close()


@pytest.fixture
def tracker() -> ProcessedTracker:
    """Collects the ids of updates the in-process bot has finished."""
    return ProcessedTracker()


@pytest.fixture
def sim_server_options() -> dict[str, Any]:
    """A simulator whose token has the shape of a real one (the config validates it)."""
    return {"token": f"{BOT_ID}:{secrets.token_urlsafe(27)}"}


@pytest.fixture
def sim_wait_processed(tracker: ProcessedTracker) -> Any:
    """The kit waits for the in-process bot to finish each update."""
    return tracker.wait


@pytest.fixture
def settings() -> dict[str, Any]:
    """Config overrides for one test module (override the fixture to change them)."""
    return {}


class Harness:
    """The bot under test, its database, and helpers to set up people and groups."""

    def __init__(
        self,
        server: SimulatorServer,
        sim: SimClient,
        tracker: ProcessedTracker,
        db_path: Path | str,  # an SQLite file, or a PostgreSQL URL (KHEDMATYAR_TEST_ENGINE)
        settings: dict[str, Any],
    ) -> None:
        self.server = server
        self.sim = sim
        self.tracker = tracker
        self.db_path = db_path
        self.settings = settings
        self.app: App | None = None
        self.config: Config | None = None
        self.admin: SimUser | None = None
        self.handled: list[int] = []  # update ids in the order the bot finished them
        self.clock = SetClock()
        self.features: Sequence[Feature] = FEATURES  # the kit's own tests run toy ones
        self.flows: Sequence[Flow[Any]] = FLOWS

    @property
    def store(self) -> Store:
        """The running bot's repositories."""
        assert self.app is not None
        return self.app.bot_data.store

    async def start(self, admins: list[int]) -> None:
        """Builds and starts the bot against the simulator."""
        data: dict[str, Any] = {
            "telegram": {"token": self.server.token, "base_url": self.server.base_url},
            "bot": {"admins": admins},
            "database": {"url" if is_postgresql(self.db_path) else "path": str(self.db_path)},
        }
        for section, values in self.settings.items():
            data.setdefault(section, {}).update(values)
        self.config = parse_config(data)
        app = build_application(
            self.config, clock=self.clock, features=self.features, flows=self.flows
        )
        self.tracker.track(app, self.handled)
        await start_polling(app, poll_timeout=1)
        self.app = app

    async def stop(self) -> None:
        """Stops the bot cleanly (persistence flushed, database closed)."""
        if self.app is not None:
            await stop(self.app)
            self.app = None

    async def wait_for(self, *actions: Sent) -> None:
        """Waits until the bot has handled every update of these actions (made at once, with
        wait=False), then reads the chats again."""
        for action in actions:
            for update_id in action.update_ids:
                await self.sim.wait(update_id)
        await self.sim.refresh()

    async def delivered(self) -> None:
        """Waits (bounded) until the outbox sent the notices due now: its job sends them a
        moment after the change that wrote them, apart from the update that made it."""
        assert self.app is not None
        sending = self.app.bot_data.outbox_sending
        for _ in range(400):
            due = await self.store.db.scalar(
                "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND due_at <= ?",
                (self.store.db.stamp(),),
            )
            if not due and not sending.locked():
                break
            await asyncio.sleep(0.025)
        else:
            raise AssertionError("the outbox did not send its notices in time")
        await self.sim.refresh()

    async def restart(self) -> None:
        """Stops and starts the bot on the same database, as after a redeploy."""
        assert self.config is not None
        admins = list(self.config.bot.admins)
        await self.stop()
        await self.start(admins)

    async def group(
        self,
        leader: SimUser,
        name: str = "گروه امید",
        county: str = "اراک",
        members: tuple[SimUser, ...] = (),
    ) -> int:
        """Creates an active group with a leader (and members) directly in the database."""
        store = self.store
        place = (await store.places.search_counties(county))[0]
        for user in (leader, *members):
            await store.volunteers.seen(user.id, user.first_name, "", user.username or "")
        name = normalize(name)
        group_id = await store.groups.create(
            name, search_key(name), place.province_id, place.id, None, leader.id, GroupStatus.ACTIVE
        )
        for member in members:
            await store.groups.add_member(group_id, member.id, GroupRole.MEMBER)
        return group_id

    async def coordinator(self, user: SimUser, province: str) -> int:
        """Makes a user coordinator of a province; returns the province id."""
        store = self.store
        await user.send("/start")
        found = (await store.places.search_provinces(province))[0]
        await store.roles.grant(user.id, Role.COORDINATOR, found.id, None)
        return found.id


def every_row(
    path: Path | str,
    skip_tables: Collection[str] = (),
    skip_column: Callable[[str], bool] = lambda name: False,
) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (sorted), read with a connection of its own, without the tables and
    columns skipped."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with closing(sqlite3.connect(path)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table in skip_tables:
                continue
            columns = [
                r[1] for r in db.execute(f'PRAGMA table_info("{table}")') if not skip_column(r[1])
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = db.execute(f'SELECT {listed} FROM "{table}"').fetchall()
            found[table] = sorted(rows, key=repr)
    return found


def locale_messages() -> dict[str, str]:
    """Every message of the locale files as written (continuation lines joined)."""
    found: dict[str, str] = {}
    for path in sorted(LOCALE_DIR.glob("*.ftl")):
        current = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line[:1].isalpha() and "=" in line:
                current = line.split("=", 1)[0].strip()
                found[current] = line.split("=", 1)[1]
            elif current and line.startswith(" "):
                found[current] += "\n" + line
    return found


async def report_input(
    store: Store, group_id: int, county: str = "اراک", quantity: int = 5, photo: str = ""
) -> ReportInput:
    """A report of yesterday for the first service type, in a county (with one photo if named)."""
    place = (await store.places.search_counties(county))[0]
    service = (await store.categories.types((await store.categories.areas())[0].id))[0]
    photos = (Photo(f"file-{photo}", f"unique-{photo}"),) if photo else ()
    return ReportInput(
        group_id,
        None,
        service.id,
        quantity,
        None,
        None,
        place.province_id,
        place.id,
        "",
        None,
        None,
        TODAY - timedelta(days=1),
        "",
        photos,
    )


@pytest.fixture
async def harness(
    sim_server: SimulatorServer,
    sim: SimClient,
    tracker: ProcessedTracker,
    database: str,
    settings: dict[str, Any],
) -> AsyncIterator[Harness]:
    """The bot running against the simulator, with one configured admin user («مدیر»)."""
    where = database if is_postgresql(database) else Path(database)
    h = Harness(sim_server, sim, tracker, where, settings)
    h.admin = await sim.user("مدیر", username="head_admin")
    await h.start([h.admin.id])
    await h.admin.send("/start")
    yield h
    await h.stop()


async def eventually(sim: SimClient, check: Callable[[], bool], limit: float = 5.0) -> None:
    """Waits (bounded) for something the bot does on its own, such as a job's message."""
    deadline = asyncio.get_running_loop().time() + limit
    while True:
        await sim.refresh()
        if check():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the bot did not do it in time")
        await asyncio.sleep(0.05)
