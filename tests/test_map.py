"""The province map: its boundaries and their table, its figures against SQL written here, the
national digest's album (posted once, replaced in place), and «🗺 نقشه» under /campaign."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from PIL import Image

from bot.core.i18n import LOCALE_DIR, label
from bot.core.text import fmt_num, fmt_percent
from bot.demo import seed_demo
from bot.maps.render import GEO_DIR, HIGHLIGHT, legend_labels, outlines, render_map, steps_for
from db.channels import ChannelScope
from db.digest_queries import week_digest
from db.map_queries import campaign_map
from db.models import Role
from db.province_map import MapBasis, ProvinceFigure, ProvinceMap
from db.stats import Counting
from db.store import Store
from simulator.testing import SimMessage, SimUser
from tests.conftest import TODAY, Harness, report_input

WEEK = date(2026, 11, 14)  # the Saturday of TODAY's week (1405/08/24)
FRIDAY_EVENING = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)  # 20:01 in Tehran
TITLE = "پویش ۱۱ هزار خدمت"


def _rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as table:
        return list(csv.DictReader(table))


def test_the_natural_earth_table_matches_all_31_provinces() -> None:
    table = _rows(str(GEO_DIR / "provinces.csv"))
    shapes = json.loads((GEO_DIR / "iran_provinces.json").read_text(encoding="utf-8"))
    names = [p["name"] for p in shapes["provinces"]]
    assert len(table) == 31 and len(set(names)) == 31
    assert sorted(row["natural_earth_name"] for row in table) == sorted(names)
    divisions = {
        (r["province_code"], r["province_fa"]) for r in _rows(str(LOCALE_DIR / "divisions.csv"))
    }
    assert {(r["province_code"], r["province_fa"]) for r in table} == divisions
    assert len(divisions) == 31


async def test_every_province_of_the_database_has_one_outline(store: Store) -> None:
    codes = [o.code for o in outlines()]
    provinces = await store.places.provinces()
    assert len(provinces) == 31 and sorted(codes) == sorted(p.code for p in provinces)
    assert all(o.rings and all(len(ring) >= 4 for ring in o.rings) for o in outlines())


def _latin_digits(text: str) -> bool:
    return any("0" <= ch <= "9" for ch in text)


def test_the_legend_reads_in_persian_digits() -> None:
    figures = (("IR-00", "مرکزی", 75, 3), ("IR-23", "تهران", 0, 2), ("IR-25", "قم", 5, 0))
    for basis in MapBasis:
        data = ProvinceMap(
            basis,
            TITLE,
            WEEK,
            WEEK + timedelta(days=6),
            tuple(_figure(*f) for f in figures),
        )
        labels = legend_labels(data, steps_for(data))
        assert len(labels) == 6 and not any(_latin_digits(text) for text in labels), labels
    assert Image.open(io.BytesIO(render_map(data))).size == (1080, 1240)


def _figure(code: str, name: str, done: int, base: int) -> ProvinceFigure:
    return ProvinceFigure(code, name, done, base)


@dataclass
class World:
    reza: SimUser  # leads a group in Arak (Markazi)
    amir: SimUser  # leads a group in Tehran
    arak: int  # reza's group
    campaign: int
    markazi: int
    tehran: int


async def _world(harness: Harness, *, shares: bool = True) -> World:
    """A national campaign (shares for Markazi and Tehran) and reports under it this week."""
    store, sim = harness.store, harness.sim
    reza, amir = await sim.user("رضا"), await sim.user("امیر")
    for person in (reza, amir):
        await person.send("/start")
    arak = await harness.group(reza)
    tehran_group = await harness.group(amir, "گروه مهر تهران", county="تهران")
    start = TODAY - timedelta(days=30)
    campaign = await store.campaigns.create(TITLE, 1000, "خدمت", start, TODAY + timedelta(days=60))
    markazi = (await store.places.search_provinces("مرکزی"))[0].id
    tehran = (await store.places.search_provinces("تهران"))[0].id
    if shares:
        await store.stats.set_shares(campaign, {markazi: 200, tehran: 100})
    for n, (group, county, quantity, day) in enumerate(
        (
            (arak, "اراک", 40, TODAY - timedelta(days=1)),
            (arak, "اراک", 25, TODAY - timedelta(days=12)),
            (tehran_group, "تهران", 30, TODAY - timedelta(days=2)),
        )
    ):
        data = await report_input(store, group, county, quantity)
        data = dataclasses.replace(data, campaign_id=campaign, service_date=day)
        await store.reports.create(data, reza.id if group == arak else amir.id, f"m{n}", 1405)
    await store.reports.create(await report_input(store, arak, quantity=7), reza.id, "free", 1405)
    return World(reza, amir, arak, campaign, markazi, tehran)


async def _done(store: Store, campaign: int, province: int, last: date | None = None) -> int:
    """The test's own sum: a province's live reports of the campaign (up to a day)."""
    sql = (
        "SELECT COALESCE(SUM(quantity), 0) FROM reports WHERE campaign_id = ? AND province_id = ?"
        " AND status != 'deleted'"
    )
    params: list[object] = [campaign, province]
    if last is not None:
        sql += " AND service_date <= ?"
        params.append(last.isoformat())
    return int(await store.db.scalar(sql, params))


async def test_the_maps_figures_are_the_sql_sums(harness: Harness) -> None:
    w = await _world(harness)
    store = harness.store
    campaign = await store.campaigns.get(w.campaign)
    assert campaign is not None
    by_shares = await campaign_map(store.db, campaign, TODAY, Counting.ALL)
    figures = {f.name: (f.done, f.base) for f in by_shares.provinces}
    assert by_shares.basis is MapBasis.SHARES and len(figures) == 31
    assert figures["مرکزی"] == (await _done(store, w.campaign, w.markazi), 200) == (65, 200)
    assert figures["تهران"] == (await _done(store, w.campaign, w.tehran), 100)
    assert figures["قم"] == (0, 0)  # no share: drawn grey
    # The digest's map stands at the week's Friday: a report of the next day is not in it.
    later = await report_input(store, w.arak, quantity=9)
    later = dataclasses.replace(later, campaign_id=w.campaign, service_date=date(2026, 11, 21))
    await store.reports.create(later, w.reza.id, "next-week", 1405)
    week = await week_digest(store.db, ChannelScope.national(), WEEK)
    assert week.map is not None and week.map.basis is MapBasis.SHARES
    friday = WEEK + timedelta(days=6)
    by_name = {f.name: f.done for f in week.map.provinces}
    assert by_name["مرکزی"] == await _done(store, w.campaign, w.markazi, friday) == 65
    # Without shares: services per active group.
    await store.stats.set_shares(w.campaign, {})
    per_group = await campaign_map(store.db, campaign, TODAY, Counting.ALL)
    groups = await store.db.scalar(
        "SELECT COUNT(*) FROM groups WHERE status = 'active' AND province_id = ?", (w.markazi,)
    )
    markazi = next(f for f in per_group.provinces if f.name == "مرکزی")
    assert per_group.basis is MapBasis.PER_GROUP
    assert (markazi.done, markazi.base) == (await _done(store, w.campaign, w.markazi), groups)


def _pictures(channel_posts: list[SimMessage]) -> list[SimMessage]:
    return [p for p in channel_posts if p.photo is not None]


def _png(harness: Harness, message: SimMessage) -> bytes:
    """The bytes Telegram holds for a photo message (its largest size)."""
    assert message.photo is not None
    return bytes(harness.server.world.files.by_id[message.photo[-1]["file_id"]].data)


async def _tick(harness: Harness) -> None:
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("digest-tick")
    await job.run(harness.app)
    await harness.sim.refresh()


async def test_the_national_digest_posts_chart_and_map_as_one_album_once(
    harness: Harness,
) -> None:
    w = await _world(harness)
    store, sim = harness.store, harness.sim
    owner = await sim.user("مدیر کانال")
    news = await sim.channel("کانال خبری", owner=owner)
    await store.channels.add(news.id, "کانال خبری", ChannelScope.national())
    harness.clock.time = FRIDAY_EVENING
    await _tick(harness)
    posts = [p for p in news.posts if p.from_bot]
    chart, drawn = _pictures(posts)
    assert posts[-2:] == [chart, drawn] and posts[0].photo is None  # the text, then the album
    assert chart.media_group_id is not None and chart.media_group_id == drawn.media_group_id
    assert chart.caption and "گزارش هفتگی" in chart.caption and not drawn.caption
    ledger = await store.digest_posts.get(news.id, WEEK)
    assert ledger is not None and ledger.state.value == "sent"
    assert (ledger.chart_message_id, ledger.map_message_id) == (chart.message_id, drawn.message_id)
    assert drawn.photo is not None and ledger.map_file_id == drawn.photo[-1]["file_id"]
    assert Image.open(io.BytesIO(_png(harness, drawn))).size == (1080, 1240)
    # Once per channel and week: more ticks and a restart post nothing.
    await _tick(harness)
    await harness.restart()
    await _tick(harness)
    assert len([p for p in news.posts if p.from_bot]) == len(posts)
    # A report dated after the week changes neither its figures nor its map: no edit.
    harness.clock.time = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)  # Saturday 10:00
    group = w.arak
    after = await report_input(harness.store, group, quantity=9)
    after = dataclasses.replace(after, campaign_id=w.campaign, service_date=date(2026, 11, 21))
    await harness.store.reports.create(after, w.reza.id, "after", 1405)
    await _tick(harness)
    unchanged = await harness.store.digest_posts.get(news.id, WEEK)
    assert unchanged is not None and unchanged.edited_at is None
    # A late report of that week: the text edited, chart and map replaced, nothing posted again.
    before = _png(harness, drawn)
    late = await report_input(harness.store, group, quantity=60)
    late = dataclasses.replace(late, campaign_id=w.campaign)
    await harness.store.reports.create(late, w.reza.id, "late", 1405)
    await _tick(harness)
    again = [p for p in news.posts if p.from_bot]
    assert [p.message_id for p in again] == [p.message_id for p in posts]
    new_chart, new_map = _pictures(again)
    assert new_chart.edited and new_map.edited and again[0].edited
    assert _png(harness, new_map) != before
    edited = await harness.store.digest_posts.get(news.id, WEEK)
    assert edited is not None and edited.edited_at is not None
    assert new_map.photo is not None and edited.map_file_id == new_map.photo[-1]["file_id"]
    done = await _done(harness.store, w.campaign, w.markazi, WEEK + timedelta(days=6))
    digest = await week_digest(harness.store.db, ChannelScope.national(), WEEK)
    assert digest.map is not None and done == 125
    assert next(f.done for f in digest.map.provinces if f.name == "مرکزی") == done


async def test_a_province_digest_has_no_map(harness: Harness) -> None:
    w = await _world(harness)
    digest = await week_digest(harness.store.db, ChannelScope.province(w.markazi), WEEK)
    assert digest.map is None and not digest.empty


def _highlighted(png: bytes) -> int:
    """How many pixels have the highlight's colour."""
    red, green, blue = (int(HIGHLIGHT[i : i + 2], 16) for i in (1, 3, 5))
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    near = np.abs(pixels - np.array([red, green, blue])) < 12
    return int(near.all(axis=2).sum())


async def test_campaign_map_for_anyone_and_a_coordinator_sees_their_province(
    harness: Harness,
) -> None:
    w = await _world(harness)
    store, sim = harness.store, harness.sim
    maryam = await sim.user("مریم")
    await maryam.send("/start")
    await maryam.send("/campaign")
    assert [label("lookups-campaign-map")] in maryam.last.buttons
    await maryam.press(label("lookups-campaign-map"))
    seen = maryam.last
    assert seen.photo is not None and seen.caption is not None
    assert TITLE in seen.caption and label("lookups-map-shares") in seen.caption
    assert "📍" not in seen.caption and _highlighted(_png(harness, seen)) == 0
    # The way on under the picture: the campaigns again, in a new message.
    await maryam.press(label("lookups-campaigns"))
    assert maryam.last.photo is None and TITLE in maryam.last.text
    zahra = await sim.user("زهرا")
    await zahra.send("/start")
    await store.roles.grant(zahra.id, Role.COORDINATOR, w.markazi, None)
    await zahra.send("/campaign")
    await zahra.press(label("lookups-campaign-map"))
    shown = zahra.last
    done = await _done(store, w.campaign, w.markazi)
    line = label(
        "lookups-map-yours-share",
        province="مرکزی",
        done=fmt_num(done),
        share=fmt_num(200),
        percent=fmt_percent(done, 200),
    )
    assert shown.caption is not None and line in shown.caption
    assert _highlighted(_png(harness, shown)) > 500  # Markazi outlined


async def test_a_closed_or_provincial_campaign_has_no_map(harness: Harness) -> None:
    w = await _world(harness)
    await w.reza.send("/campaign")
    assert [label("lookups-campaign-map")] in w.reza.last.buttons
    await harness.store.campaigns.close(w.campaign)
    await w.reza.press(label("lookups-campaign-map"))
    assert w.reza.last.photo is None and w.reza.last.text == label("lookups-map-gone")
    assert [label("lookups-campaigns")] in w.reza.last.buttons


async def test_the_demo_campaign_is_split_into_province_shares(store: Store) -> None:
    people = {"admin": 1, "leader": 2, "member": 3, "coordinator": 4, "newcomer": 5}
    await seed_demo(store, people, TODAY)
    (campaign,) = await store.campaigns.running_anywhere(TODAY)
    shared = await store.db.scalar(
        "SELECT SUM(target) FROM campaign_shares WHERE campaign_id = ?", (campaign.id,)
    )
    assert shared == campaign.target
    worked = await store.db.fetchall(
        "SELECT p.code, SUM(r.quantity) FROM reports r JOIN provinces p ON p.id = r.province_id"
        " WHERE r.campaign_id = ? AND r.status != 'deleted' GROUP BY p.id",
        (campaign.id,),
    )
    data = await campaign_map(store.db, campaign, TODAY, Counting.ALL)
    figures = {f.code: f for f in data.provinces}
    assert data.basis is MapBasis.SHARES and worked
    for code, done in worked:  # every province with demo work has a share, measured against it
        assert figures[code].base > 0 and figures[code].done == done
    assert any(0 < (f.value or 0) < 1 for f in data.provinces)
