"""`khedmatyar demo`: the Bot API simulator, the bot and the Persian web chat on 127.0.0.1.

Everything runs in one process with no Telegram account and no internet: the simulator plays
Telegram, the bot polls it, and the web chat lets a person be any of the demo's people. The demo
database is created and seeded when it is missing (or when asked: `--fresh`) from
locales/fa/demo.toml (people, groups, a national campaign) plus eight weeks of generated reports,
so the numbers look like a real campaign; otherwise the last run's database is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import secrets
import signal
import tomllib
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.app import build_application
from bot.core import jalali
from bot.core.config import Config
from bot.core.i18n import LOCALE_DIR, label
from bot.core.jalali import TEHRAN
from bot.core.text import normalize, search_key
from bot.kit.context import App
from bot.runner import start_polling, stop
from db.channels import ChannelScope
from db.database import Database
from db.instance import instance_lock
from db.models import GroupRole, GroupStatus, ReportInput, Role
from db.seed import load_divisions
from db.store import Store
from db.usecases import decide_report
from simulator.server import SimulatorServer

log = logging.getLogger(__name__)

DEMO_FILE = LOCALE_DIR / "demo.toml"
DEMO_BOT_ID = 7000000001
WEEKS = 8
EXTRA_LEADER_BASE = 9_000_000  # ids of generated leaders who are not web-chat people
MEMBER_JOINED_DAYS_AGO = 38  # the member persona joined her group about five weeks ago
REVIEW_QUEUE_DAYS = 7  # the coordinator's province: this last week's reports wait for review
# What the web chat's person picker says beside each name («رضا — سرگروه»), by demo role.
ROLE_TITLES = MappingProxyType(
    {
        "admin": "demo-role-admin",
        "leader": "demo-role-leader",
        "member": "demo-role-member",
        "coordinator": "demo-role-coordinator",
        "newcomer": "demo-role-newcomer",
    }
)
# And who each one is, in a line (the picker's list on a phone).
ROLE_ABOUT = MappingProxyType(
    {
        "admin": "demo-about-admin",
        "leader": "demo-about-leader",
        "member": "demo-about-member",
        "coordinator": "demo-about-coordinator",
        "newcomer": "demo-about-newcomer",
    }
)


def demo_data() -> dict[str, Any]:
    """The demo's people, groups, campaign and sample texts."""
    return tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))


class _SeedClock:
    """The database's clock while the demo is seeded: each write is stamped when it would have
    happened (people joining weeks ago, reports saved on the evening of their day)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        """The moment being written."""
        return self.at


def _evening(day: date, rng: random.Random) -> datetime:
    """A time on the evening of a day (Tehran), when leaders write up the day's work."""
    return datetime.combine(day, time(18), TEHRAN) + timedelta(minutes=rng.randint(0, 300))


def _beneficiaries(quantity: int, unit: str, per_unit: dict[str, Any], rng: random.Random) -> int:
    """About how many people `quantity` of a unit reaches (a package feeds a household...)."""
    people = float(per_unit.get(unit, 1))
    if people == 1:  # a visit, a meal, a scholarship: one person each
        return quantity
    return max(1, round(quantity * people * rng.uniform(0.8, 1.2)))


async def seed_demo(
    store: Store, people: dict[str, int], today: date, leaders: Sequence[int] = ()
) -> int:
    """Fills a fresh database with the demo; people maps each role to a simulator user id, and
    leaders are the simulator's users who lead the groups after the first (the demo gives each
    a chat, for the bot's notices to them; without them, ids no chat has stand in).

    Every write is stamped as if made over the last weeks, and none after now: people opened the
    bot and joined their groups weeks ago, and each report was saved on the evening of its day
    (or the next one, when that has come). Reports of more than a week ago, and all of them
    outside the coordinator's province, were approved a day or two later; the coordinator's last
    week waits in the review queue. Returns the number of reports.
    """
    real_clock = store.db.clock
    clock = _SeedClock(_evening(today - timedelta(days=WEEKS * 7 + 20), random.Random(0)))
    store.db.clock = clock
    try:
        return await _seed(store, people, leaders, today, clock, now=real_clock())
    finally:
        store.db.clock = real_clock


def _leader(people: dict[str, int], leaders: Sequence[int], number: int) -> int:
    """The user id of the leader of the demo's group `number` (0: the web chat's leader)."""
    if number == 0:
        return people["leader"]
    return leaders[number - 1] if number <= len(leaders) else EXTRA_LEADER_BASE + number


async def _seed(
    store: Store,
    people: dict[str, int],
    leaders: Sequence[int],
    today: date,
    clock: _SeedClock,
    *,
    now: datetime,
) -> int:
    data = demo_data()
    rng = random.Random(1405)
    reviewed_province = 0
    for person in data["person"]:
        user_id = people[person["role"]]
        await store.volunteers.seen(user_id, person["name"], "", person["username"])
        if person["role"] == "coordinator":
            province = (await store.places.search_provinces(search_key(person["province"])))[0]
            await store.roles.grant(user_id, Role.COORDINATOR, province.id, None)
            reviewed_province = province.id
    spec = data["campaign"]
    clock.at = _evening(today - timedelta(days=spec["started_days_ago"] + 3), rng)
    campaign_id = await store.campaigns.create(
        spec["title"],
        spec["target"],
        spec["unit"],
        today - timedelta(days=spec["started_days_ago"]),
        today + timedelta(days=spec["ends_in_days"]),
    )
    shares = {}
    for province_name, share in spec.get("shares", {}).items():
        province = (await store.places.search_provinces(search_key(province_name)))[0]
        shares[province.id] = share
    await store.stats.set_shares(campaign_id, shares)
    groups: list[tuple[int, int, int, int, list[int], list[str]]] = []
    for number, group in enumerate(data["group"]):
        clock.at = _evening(today - timedelta(days=WEEKS * 7 + 14 - number), rng)
        county = (await store.places.search_counties(search_key(group["county"])))[0]
        leader = _leader(people, leaders, number)
        if number:
            await store.volunteers.seen(leader, group["leader"], "", "")
        name = normalize(group["name"])
        group_id = await store.groups.create(
            name, search_key(name), county.province_id, county.id, None, leader, GroupStatus.ACTIVE
        )
        await store.groups.new_invite(group_id, leader)
        services = []
        for slug in group["services"]:
            services.append(
                int(await store.db.scalar("SELECT id FROM categories WHERE slug = ?", (slug,)))
            )
        groups.append((group_id, leader, county.province_id, county.id, services, group["places"]))
    clock.at = _evening(today - timedelta(days=MEMBER_JOINED_DAYS_AGO), rng)
    await store.groups.add_member(groups[0][0], people["member"], GroupRole.MEMBER)

    samples = data["samples"]
    per_unit = samples["people_per_unit"]
    count = 0
    year = jalali.to_jalali(today)[0]
    decisions: list[tuple[datetime, int, int]] = []
    for days_ago in range(WEEKS * 7, 0, -1):
        day = today - timedelta(days=days_ago)
        for group_id, leader, province_id, county_id, services, places in groups:
            if rng.random() > 0.45:
                continue
            category = await store.categories.get(rng.choice(services))
            assert category is not None
            top = max(2, round(category.max_quantity**0.5 / 2))
            quantity = rng.randint(1, top)
            known = rng.random() < 0.85  # now and then the leader leaves it blank
            report = ReportInput(
                group_id=group_id,
                campaign_id=campaign_id if rng.random() < 0.85 else None,
                category_id=category.id,
                quantity=quantity,
                beneficiaries=(
                    _beneficiaries(quantity, category.unit, per_unit, rng) if known else None
                ),
                volunteers=rng.randint(2, 25),
                province_id=province_id,
                county_id=county_id,
                place=rng.choice(places),
                latitude=None,
                longitude=None,
                service_date=day,
                description=rng.choice(samples["descriptions"]),
                photos=(),
            )
            saved_at = _evening(day, rng)
            later = saved_at + timedelta(days=rng.choice((0, 0, 0, 1)))  # written up next day
            clock.at = later if later <= now else saved_at
            saved, _ = await store.reports.create(report, leader, f"demo-{count}", year)
            count += 1
            if days_ago > REVIEW_QUEUE_DAYS or province_id != reviewed_province:
                decisions.append(
                    (clock.at + timedelta(days=rng.randint(1, 2)), saved.id, saved.version)
                )
    for at, report_id, version in sorted(decisions):
        clock.at = min(at, now)
        await decide_report(store, people["admin"], report_id, version=version, approve=True)
    return count


@dataclasses.dataclass
class Demo:
    """A running demo: the simulator (with its web chat) and the bot polling it."""

    server: SimulatorServer
    app: App
    people: dict[str, int]
    leaders: list[int]  # the leaders of the groups after the first, in the demo file's order

    async def stop(self) -> None:
        """Stops the bot, then the simulator."""
        await stop(self.app)
        await self.server.close()


def _remove_database(db_path: Path) -> None:
    """Deletes a database file with its journal and WAL files."""
    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink()


async def _prepare_database(
    db_path: Path, people: dict[str, int], leaders: list[int], *, fresh: bool
) -> None:
    """Keeps the last run's demo database, or creates and seeds one when missing or asked."""
    if not fresh and await asyncio.to_thread(db_path.exists):
        store = Store(Database(db_path))
        await store.open()
        try:
            # The simulator numbers its people the same way every run; a database seeded for
            # other ids (an older demo file) would greet nobody, or send its notices to chats
            # that do not exist, so it is seeded again.
            kept = all([await store.volunteers.get(i) for i in [*people.values(), *leaders]])
        finally:
            await store.close()
        if kept:
            log.info("demo data kept from the last run: %s (--fresh starts over)", db_path)
            return
    await asyncio.to_thread(_remove_database, db_path)
    store = Store(Database(db_path))
    await store.open()
    try:
        reports = await seed_demo(store, people, jalali.today(), leaders)
    finally:
        await store.close()
    log.info("demo data: %d people, %d reports", len(people) + len(leaders), reports)


async def _subscribe(db_path: Path, chat_id: int) -> None:
    """The demo's channel gets the national digest (the admin can post it now with /digest)."""
    store = Store(Database(db_path))
    await store.open()
    try:
        await store.channels.add(chat_id, label("demo-channel-title"), ChannelScope.national())
    finally:
        await store.close()


def _province_of(county: str) -> str:
    """The province of a county of the divisions list, by name."""
    key = search_key(county)
    return next(p.name for p in load_divisions() for c in p.counties if search_key(c.name) == key)


def _create_chats(
    server: SimulatorServer, spec: dict[str, Any], people: dict[str, int], leaders: list[int]
) -> None:
    """The Telegram groups the demo's people are in, where a card or a campaign's progress can
    be shared (a share button lists no chat with the bot itself): the first group's volunteers
    (its leader and member), and the coordinator's with the leaders of her province's groups."""
    world = server.world
    users = world.users
    volunteers = [users[people["leader"]], users[people["member"]]]
    world.create_group(label("demo-group-chat-title"), volunteers, supergroup=True, bot_admin=False)
    province = next(p["province"] for p in spec["person"] if p["role"] == "coordinator")
    ids = [people["leader"], *leaders]
    theirs = [
        users[i]
        for i, g in zip(ids, spec["group"], strict=True)
        if _province_of(g["county"]) == province
    ]
    title = label("demo-leaders-chat-title", province=province)
    world.create_group(
        title, [users[people["coordinator"]], *theirs], supergroup=True, bot_admin=False
    )


async def start_demo(
    config: Config, *, port: int = 8080, data: str = ".demo", fresh: bool = False
) -> Demo:
    """Starts the simulator on 127.0.0.1:port, prepares the demo database and starts the bot."""
    server = SimulatorServer(port=port, token=f"{DEMO_BOT_ID}:{secrets.token_urlsafe(27)}")
    await server.open()
    world = server.world
    spec = demo_data()
    people: dict[str, int] = {}
    for person in spec["person"]:
        user = world.create_user(person["name"], username=person["username"], started=True)
        people[person["role"]] = user.id
        server.user_titles[user.id] = label(ROLE_TITLES[person["role"]])
        server.user_about[user.id] = label(
            ROLE_ABOUT[person["role"]],
            group=spec["group"][0]["name"],
            province=person.get("province", ""),
        )
    # Every other group's leader is a person of the web chat too: the bot's notices to them
    # (approvals, reminders, requests to join) arrive in their chat, and can be read there.
    leaders: list[int] = []
    for group in spec["group"][1:]:
        user = world.create_user(group["leader"], started=True)
        leaders.append(user.id)
        server.user_titles[user.id] = label("demo-role-leader")
        server.user_about[user.id] = label(
            "demo-about-group-leader", group=group["name"], county=group["county"]
        )
    _create_chats(server, spec, people, leaders)
    admin = world.users[people["admin"]]
    channel, _ = world.create_channel(
        label("demo-channel-title"), admin, username="khedmatyar_news"
    )
    db_path = Path(data) / "demo.db"
    try:
        # Another demo serving this folder is said before --fresh could remove its files.
        lock = instance_lock(db_path)
        await lock.acquire()
        await lock.release()
        await _prepare_database(db_path, people, leaders, fresh=fresh)
        await _subscribe(db_path, channel.id)
        demo_config = dataclasses.replace(
            config,
            telegram=dataclasses.replace(
                config.telegram, token=server.token, base_url=server.base_url, mode="polling"
            ),
            bot=dataclasses.replace(config.bot, admins=(people["admin"],)),
            # Review is on, so the coordinator's queue can be tried: the seed decided all but her
            # province's last week (see seed_demo); what counts is what was approved.
            report=dataclasses.replace(config.report, review=True),
            stats=dataclasses.replace(config.stats, counting="approved"),
            database=dataclasses.replace(config.database, path=str(db_path)),
        )
        app = build_application(demo_config)
        await start_polling(app)
    except BaseException:
        await server.close()
        raise
    return Demo(server, app, people, leaders)


async def run_demo(
    config: Config, *, port: int = 8080, data: str = ".demo", fresh: bool = False
) -> None:
    """Runs the demo until Ctrl+C."""
    demo = await start_demo(config, port=port, data=data, fresh=fresh)
    server = demo.server
    print(label("cli-demo-ready", url=server.web_url, api=server.base_url), flush=True)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, done.set)
    try:
        await done.wait()
    finally:
        await demo.stop()
