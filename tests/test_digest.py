"""The weekly digest: its Persian HTML, splitting, the chart PNG, the query and the preview CLI."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import io
import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from bot.core import jalali
from bot.core.config import is_postgresql
from bot.core.text import fmt_num, utf16_len
from bot.demo import seed_demo
from bot.digest.chart import MAX_AREAS, render_chart, render_chart_async, shown_areas
from bot.digest.render import (
    MESSAGE_LIMIT,
    content_hash,
    last_ended_week,
    render_caption,
    render_html,
    render_messages,
    render_plain,
    split_messages,
    to_plain,
)
from db.channels import ChannelScope
from db.database import Database
from db.digest_queries import week_digest
from db.digest_week import CampaignWeek, PlaceLevel, Ranked, ServiceTotal, WeekDigest
from db.models import Campaign, GroupStatus, ScopeKind
from db.stats import CampaignProgress, Figures, ShareLine
from db.store import Store
from tests.conftest import ENGINES, new_database, report_input

# On one worker: its tests share a module fixture.
pytestmark = [pytest.mark.xdist_group("test_digest"), pytest.mark.both_engines]

WEEK = date(2026, 11, 14)  # Saturday 23 Aban 1405; the week runs to Friday 29 Aban
DEMO_TODAY = date(2026, 11, 21)  # the demo's eight weeks end the day before
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LATIN_DIGIT = re.compile(r"[0-9]")


def _campaign(
    target: int = 11000, starts: date = date(2026, 9, 23), ends: date = date(2027, 1, 20)
) -> Campaign:
    return Campaign(1, "پویش ۱۱ هزار خدمت", target, "خدمت", None, starts, ends, True)


def _week(
    campaign: Campaign, counted: int, recent: int, week: int, *shares: ShareLine
) -> CampaignWeek:
    """A campaign at the end of WEEK (its Friday over, as db.digest_queries computes it)."""
    progress = CampaignProgress(campaign, WEEK + timedelta(days=6), counted, recent, day_over=True)
    return CampaignWeek(progress, week, shares)


def _digest(**changes: object) -> WeekDigest:
    """A national week with a bit of everything; changes override fields."""
    base = WeekDigest(
        scope=ScopeKind.NATIONAL,
        scope_name="",
        week_start=WEEK,
        current=Figures(services=1248, reports=312, groups=94, beneficiaries=8903),
        previous=Figures(services=1114, reports=290, groups=88, beneficiaries=8000),
        services=(
            ServiceTotal("بستهٔ معیشتی", "معیشتی", "بسته", 640, 150),
            ServiceTotal("ویزیت پزشکی", "درمانی و بهداشتی", "نفر", 218, 40),
            ServiceTotal("بازسازی واحد مسکونی", "عمرانی", "واحد", 12, 10),
        ),
        areas=(Ranked("معیشتی", 150), Ranked("درمانی و بهداشتی", 40), Ranked("عمرانی", 12)),
        days=(50, 38, 0, 77, 30, 100, 17),
        top_groups=(Ranked("گروه امید اراک", 18), Ranked("<Team> & «Hope»", 12)),
        top_places=(Ranked("مرکزی", 40), Ranked("سمنان", 30), Ranked("خراسان شمالی", 20)),
        place_level=PlaceLevel.PROVINCE,
        campaigns=(_week(_campaign(), 7842, 2520, 1248),),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _empty(**changes: object) -> WeekDigest:
    return _digest(
        current=Figures(),
        services=(),
        areas=(),
        days=(0,) * 7,
        top_groups=(),
        top_places=(),
        campaigns=(),
        **changes,
    )


def _visible(text: str) -> str:
    """Plain text without the bidi isolates, as a reader sees it."""
    return to_plain(text).replace("\u2068", "").replace("\u2069", "")


# --- text --------------------------------------------------------------------------------------


def test_digest_reads_like_the_sample() -> None:
    text = render_html(_digest())
    plain = _visible(text)
    assert plain.startswith("📊 گزارش هفتگی خدمات داوطلبانه — هفتهٔ ۲۳ تا ۲۹ آبان ۱۴۰۵")
    # Reports, not 1,248 «services» of بسته, نفر and واحد added up; each type in its own unit.
    assert "۳۱۲ گزارش خدمت از ۹۴ گروه، ۸٬۹۰۳ بهره‌مند (۸٪ بیشتر از هفتهٔ قبل)" in plain
    assert "۱٬۲۴۸" not in plain.split("\n")[1]
    assert "• بستهٔ معیشتی — ۶۴۰ بسته" in plain
    assert "۱. گروه امید اراک — ۱۸ گزارش" in plain
    assert "استان‌های پیشرو:" in plain and "۳. خراسان شمالی — ۲۰ گزارش" in plain
    assert "پویش ۱۱ هزار خدمت: ۷٬۸۴۲ از ۱۱٬۰۰۰ خدمت (۷۱٪) ▓▓▓▓▓▓▓░░░" in plain
    assert plain.rstrip().endswith("از همهٔ داوطلبان سپاسگزاریم 🌱")
    assert not LATIN_DIGIT.search(plain)
    assert "تأخیر" not in plain


def test_names_are_escaped_and_isolated() -> None:
    text = render_html(_digest(scope=ScopeKind.PROVINCE, scope_name="A<b>&"))
    assert "<Team>" not in text and "&lt;Team&gt; &amp; «Hope»" in text
    assert "\u2068&lt;Team&gt; &amp; «Hope»\u2069" in text
    assert "استان \u2068A&lt;b&gt;&amp;\u2069" in text
    # Only the digest's own tags remain, and every one is closed on its line.
    assert set(re.findall(r"</?[a-z]+>", text)) == {"<b>", "</b>"}
    for line in text.split("\n"):
        assert line.count("<b>") == line.count("</b>")


def test_provincial_digest_names_counties() -> None:
    plain = _visible(
        render_html(
            _digest(scope=ScopeKind.PROVINCE, scope_name="مرکزی", place_level=PlaceLevel.COUNTY)
        )
    )
    assert "خدمات داوطلبانهٔ استان مرکزی" in plain
    assert "شهرستان‌های پیشرو:" in plain and "استان‌های پیشرو" not in plain


def test_change_against_the_previous_week() -> None:
    def change(now: int, before: int) -> str:
        digest = _digest(
            current=Figures(now, 1, 0, 0, 1), previous=Figures(before, 1, 0, 0, 1), campaigns=()
        )
        return _visible(render_html(digest)).split("\n")[1]

    assert change(90, 100).endswith("(۱۰٪ کمتر از هفتهٔ قبل)")
    assert change(100, 100).endswith("(به اندازهٔ هفتهٔ قبل)")
    assert change(5, 0).endswith("(هفتهٔ قبل گزارشی ثبت نشده بود)")
    assert change(300, 100).endswith("(۲۰۰٪ بیشتر از هفتهٔ قبل)")
    assert "بهره‌مند" not in change(5, 0)  # no beneficiaries: not «۰ بهره‌مند»


def test_empty_week_reads_well() -> None:
    plain = _visible(render_html(_empty()))
    lines = plain.split("\n")
    assert lines[0].endswith("هفتهٔ ۲۳ تا ۲۹ آبان ۱۴۰۵")
    assert lines[1] == "این هفته گزارش خدمتی ثبت نشد."
    assert lines[2] == "هفتهٔ قبل ۲۹۰ گزارش ثبت شده بود."
    assert "پیشرو" not in plain and "۰" not in plain.split("\n", 1)[1].replace("۲۹۰", "")
    assert plain.rstrip().endswith("منتظر خبرهای خوب هفتهٔ آینده هستیم 🌱")
    assert len(render_messages(_empty())) == 1
    quiet = _visible(render_html(_empty(previous=Figures())))
    assert "هفتهٔ قبل" not in quiet


def test_late_digest_says_so() -> None:
    assert "با کمی تأخیر منتشر شد" in _visible(render_html(_digest(late=True)))


def test_campaign_pace_and_projection() -> None:
    """The digest's campaign lines are /campaign's, as of the week's Friday."""
    end = WEEK + timedelta(days=6)
    # 40 days in, 400 of 1,000 done, 280 in the last 28 days (10 a day): 600 more in 60 days.
    campaign = _campaign(1000, end - timedelta(days=39), end + timedelta(days=90))
    plain = _visible(render_html(_digest(campaigns=(_week(campaign, 400, 280, 50),))))
    assert "پویش ۱۱ هزار خدمت: ۴۰۰ از ۱٬۰۰۰ خدمت (۴۰٪) ▓▓▓▓░░░░░░" in plain
    assert "این هفته ۵۰ خدمت." in plain
    # 130 days: an even spread does 1,000 * 40 // 130 = 307 by the Friday's end; at 10 a day
    # the 600 left take 60 days, before the campaign's end.
    finish = jalali.format_day_month(end + timedelta(days=60))
    assert (
        "✅ طبق برنامه است (باید تا پایان این هفته ۳۰۷ خدمت انجام می‌شد)؛ با سرعت چهار هفتهٔ"
        f" گذشته (روزانه حدود ۱۰ خدمت) تا {finish} به هدف می‌رسد."
    ) in plain

    short = _week(_campaign(1000, end - timedelta(days=39), end + timedelta(days=30)), 400, 280, 50)
    slow = _visible(render_html(_digest(campaigns=(short,))))
    assert "کمتر از روزی ۲۰ خدمت است" in slow  # 600 in the 30 days after the Friday
    assert "⚠️ از برنامه عقب است" in slow
    reached = _week(campaign, 1000, 280, 50)
    assert "به هدفش رسیده است" in _visible(render_html(_digest(campaigns=(reached,))))
    over = _week(_campaign(1000, end - timedelta(days=39), end - timedelta(days=1)), 400, 280, 50)
    assert "به پایان رسید" in _visible(render_html(_digest(campaigns=(over,))))
    fresh = CampaignWeek(CampaignProgress(dataclasses.replace(campaign, unit=""), end, 0, 0), 0)
    plain = _visible(render_html(_digest(campaigns=(fresh,))))
    assert "این هفته چیزی برای این پویش ثبت نشد." in plain
    assert "در چهار هفتهٔ گذشته چیزی برای این پویش ثبت نشده است" in plain
    assert "۰ از ۱٬۰۰۰ خدمت (۰٪) ░░░░░░░░░░" in plain  # an empty unit reads «خدمت»
    shares = (ShareLine(1, "قم", 300, 50, 92), ShareLine(2, "مرکزی", 700, 350, 215))
    behind = _visible(render_html(_digest(campaigns=(_week(campaign, 400, 280, 50, *shares),))))
    assert "۱ استان از ۲ از برنامه عقب‌اند." in behind


def test_many_service_types_are_summarised() -> None:
    services = tuple(
        ServiceTotal(f"خدمت {fmt_num(i)}", "", "عدد", 100 - i, 20 - i) for i in range(12)
    )
    plain = _visible(render_html(_digest(services=services)))
    assert "• خدمت ۷ — ۹۳ عدد" in plain and "خدمت ۸ —" not in plain
    assert "• و ۴ نوع خدمت دیگر در ۴۲ گزارش" in plain  # 12 + 11 + 10 + 9 reports, not units


def test_long_digest_splits_under_the_limit_at_line_boundaries() -> None:
    groups = tuple(Ranked(f"گروه داوطلبان 🌟 شمارهٔ {i} <{i}>", 1000 - i) for i in range(400))
    digest = _digest(top_groups=groups)
    messages = render_messages(digest)
    assert len(messages) > 2
    whole_lines = render_html(digest).split("\n")
    for message in messages:
        assert 0 < utf16_len(message) <= MESSAGE_LIMIT
        for line in message.split("\n"):
            assert line in whole_lines  # no line was cut
    # Nothing lost, nothing repeated, order kept.
    rejoined = [line for m in messages for line in m.split("\n") if line]
    assert rejoined == [line for line in whole_lines if line]
    # Emoji count twice in UTF-16: the limit is not measured in code points.
    assert max(utf16_len(m) for m in messages) > max(len(m) for m in messages) - 400


def test_split_cuts_a_too_long_line_without_breaking_entities() -> None:
    line = "<b>x</b> " + "گروه &amp; یاران 😀 " * 600
    pieces = split_messages(line, 1000)
    assert len(pieces) > 1
    for piece in pieces:
        assert utf16_len(piece) <= 1000
        assert not re.search(r"&(?!amp;|lt;|gt;)", piece)
    assert "".join(to_plain(p) for p in pieces).replace(" ", "") == to_plain(line).replace(" ", "")


def test_a_name_cannot_break_a_line() -> None:
    text = render_html(_digest(campaigns=(), scope=ScopeKind.CAMPAIGN, scope_name="پویش\nبهار"))
    assert text.split("\n")[0].count("<b>") == 1 and "پویش بهار" in text


def test_caption_fits_and_hash_follows_content() -> None:
    caption = render_caption(_digest(top_groups=tuple(Ranked("گ" * 50, 1) for _ in range(500))))
    assert utf16_len(caption) <= 1024 and "\n\n" not in caption
    assert content_hash(_digest()) == content_hash(_digest())
    assert content_hash(_digest()) != content_hash(_digest(days=(201, 150, 0, 310, 120, 400, 68)))
    assert content_hash(_digest()) == content_hash(_digest(late=True))


def test_the_last_ended_week() -> None:
    friday, saturday = WEEK + timedelta(days=6), WEEK + timedelta(days=7)
    assert last_ended_week(friday) == WEEK  # Friday evening posts its own week
    assert last_ended_week(saturday) == WEEK
    assert last_ended_week(saturday + timedelta(days=5)) == WEEK  # Thursday: not ended yet
    assert last_ended_week(saturday + timedelta(days=6)) == saturday


def test_week_must_start_on_saturday() -> None:
    with pytest.raises(ValueError):
        _digest(week_start=WEEK + timedelta(days=1))


# --- chart -------------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def test_chart_pngs_are_valid_and_phone_sized() -> None:
    national = render_chart(_digest())
    width, height = _png_size(national)
    assert width == 1080 and 900 <= height <= 1350
    provincial = _digest(
        scope=ScopeKind.PROVINCE,
        scope_name="مرکزی",
        place_level=PlaceLevel.COUNTY,
        areas=(Ranked("معیشتی", 12),),
    )
    width, small = _png_size(render_chart(provincial))
    assert width == 1080 and 700 <= small < height
    width, empty = _png_size(render_chart(_empty()))
    assert width == 1080 and 300 <= empty < small
    assert 10_000 < len(national) < 1_000_000


def test_long_names_are_shortened_to_fit_the_chart() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from bot.digest.chart import _fit

    fig = Figure(figsize=(4, 1), dpi=100)
    FigureCanvasAgg(fig)
    text = fig.text(0, 0.5, "مشاوره فنی و مهندسی ساختمان " * 5)
    _fit(fig, text, 300, lambda name: f"{name}، ۱٬۲۴۸ خدمت")
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    assert text.get_window_extent(renderer).width <= 300
    assert text.get_text().endswith("…، ۱٬۲۴۸ خدمت")
    long = _digest(
        scope=ScopeKind.CAMPAIGN, scope_name="پویش " * 80, areas=(Ranked("حوزه " * 60, 5),)
    )
    assert _png_size(render_chart(long))[0] == 1080


def test_chart_sums_the_smallest_areas_when_there_are_too_many() -> None:
    areas = tuple(Ranked(f"حوزه {fmt_num(i)}", 100 - i) for i in range(MAX_AREAS + 3))
    shown = shown_areas(_digest(areas=areas))
    assert len(shown) == MAX_AREAS and shown[:-1] == list(areas[: MAX_AREAS - 1])
    assert shown[-1] == Ranked("سایر حوزه‌ها", sum(a.reports for a in areas[MAX_AREAS - 1 :]))
    assert sum(a.reports for a in shown) == sum(a.reports for a in areas)


async def test_chart_renders_off_the_event_loop() -> None:
    data = await render_chart_async(_empty(scope=ScopeKind.CAMPAIGN, scope_name="Hope پویش"))
    assert _png_size(data)[0] == 1080


# --- the query, against SQL written here -----------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def demo_db(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A database seeded like the demo, plus a few reports that test the edges (on each
    engine)."""
    folder = tmp_path_factory.mktemp("demo")
    with new_database(request.param, folder, request) as target:
        asyncio.run(_build(target))
        yield target
    shutil.rmtree(folder, ignore_errors=True)


async def _build(path: str) -> None:
    """Seeds the demo and the edge cases."""
    store = Store(Database(path))
    await store.open()
    people = {"admin": 1, "leader": 2, "member": 3, "coordinator": 4, "newcomer": 5}
    await seed_demo(store, people, DEMO_TODAY)
    # A group whose name needs escaping, a deleted report, and a report on Friday night.
    county = (await store.places.search_counties("اراک"))[0]
    await store.volunteers.seen(77, "تست", "", "")
    group = await store.groups.create(
        "<Team> & Co", "team", county.province_id, county.id, None, 77, GroupStatus.ACTIVE
    )
    category = int(await store.db.scalar("SELECT id FROM categories WHERE slug = 'hot-meal'"))
    # Eight reports on the Friday (more than a demo group files in a week) and one deleted.
    rows = [(group, 9999, WEEK + timedelta(days=6))] * 8 + [(group, 5000, WEEK)]
    for n, (group_id, quantity, day) in enumerate(rows):
        report = await store.db.insert(
            "INSERT INTO reports (receipt, idempotency_key, group_id, reporter_id,"
            " category_id, quantity, beneficiaries, province_id, county_id, service_date,"
            " created_at, updated_at) VALUES (?, ?, ?, 77, ?, ?, 3, ?, ?, ?, 'x', 'x')",
            (
                f"t-{n}",
                f"t-{n}",
                group_id,
                category,
                quantity,
                county.province_id,
                county.id,
                day.isoformat(),
            ),
        )
    await store.db.execute("UPDATE reports SET status = 'deleted' WHERE id = ?", (report,))
    await store.close()


async def _expected(db: Database, where: str, params: tuple[object, ...], start: date) -> dict:
    """The digest's figures computed independently, for reports matching where."""
    end = start + timedelta(days=6)
    base = "FROM reports WHERE status <> 'deleted' AND service_date >= ? AND service_date <= ?"
    args = (start.isoformat(), end.isoformat(), *params)
    row = await db.fetchone(
        "SELECT COUNT(id), COALESCE(SUM(quantity), 0), COALESCE(SUM(beneficiaries), 0),"
        " COALESCE(SUM(volunteers), 0), COUNT(DISTINCT group_id) " + base + where,
        args,
    )
    assert row is not None
    services = {
        (r[0], r[1]): (int(r[2]), int(r[3]))
        for r in await db.fetchall(
            "SELECT c.name, c.unit, COALESCE(SUM(x.quantity), 0), COUNT(*) FROM categories c JOIN"
            f" (SELECT category_id, quantity {base}{where}) x ON x.category_id = c.id"
            " GROUP BY c.id",
            args,
        )
    }
    # Bars and rankings count reports: quantities of unlike units are never added up.
    areas = {
        r[0]: int(r[1])
        for r in await db.fetchall(
            "SELECT a.name, COUNT(*) FROM categories a JOIN categories c"
            f" ON c.parent_id = a.id JOIN (SELECT category_id {base}{where}) x"
            " ON x.category_id = c.id GROUP BY a.id",
            args,
        )
    }
    days = [0] * 7
    for r in await db.fetchall(f"SELECT service_date {base}{where}", args):
        days[(date.fromisoformat(r[0]) - start).days] += 1
    groups = [
        (r[0], int(r[1]))
        for r in await db.fetchall(
            "SELECT g.name, COUNT(*) AS t FROM groups g JOIN"
            f" (SELECT group_id {base}{where}) x ON x.group_id = g.id"
            " GROUP BY g.id ORDER BY t DESC, g.id",
            args,
        )
    ]
    return {
        "figures": Figures(*(int(v) for v in row)),
        "services": services,
        "areas": areas,
        "days": tuple(days),
        "groups": groups,
    }


async def test_national_query_matches_independent_sql(demo_db: str) -> None:
    async with Database(demo_db) as db:
        digest = await week_digest(db, ChannelScope.national(), WEEK)
        expected = await _expected(db, "", (), WEEK)
        previous = await _expected(db, "", (), WEEK - timedelta(days=7))
        campaign = await db.fetchone("SELECT id, target FROM campaigns")
        assert campaign is not None
        done = await db.scalar(
            "SELECT COALESCE(SUM(quantity), 0) FROM reports WHERE campaign_id = ?"
            " AND status <> 'deleted' AND service_date <= ?",
            (campaign["id"], (WEEK + timedelta(days=6)).isoformat()),
        )
        places = await db.fetchall(
            "SELECT p.name, COUNT(*) AS t FROM provinces p JOIN reports r"
            " ON r.province_id = p.id WHERE r.status <> 'deleted' AND r.service_date"
            " BETWEEN ? AND ? GROUP BY p.id ORDER BY t DESC, p.position LIMIT 3",
            (WEEK.isoformat(), (WEEK + timedelta(days=6)).isoformat()),
        )
    assert digest.current == expected["figures"] and digest.current.reports > 20
    assert digest.previous == previous["figures"]
    assert {(s.name, s.unit): (s.quantity, s.reports) for s in digest.services} == (
        expected["services"]
    )
    quantities = [s.quantity for s in digest.services]
    assert quantities == sorted(quantities, reverse=True)
    assert {a.name: a.reports for a in digest.areas} == expected["areas"]
    assert digest.days == expected["days"]
    assert sum(digest.days) == digest.current.reports
    assert [(g.name, g.reports) for g in digest.top_groups] == expected["groups"][:5]
    assert digest.top_groups[0] == Ranked("<Team> & Co", 8)  # the deleted report is left out
    assert [(p.name, p.reports) for p in digest.top_places] == [(p[0], int(p[1])) for p in places]
    assert digest.place_level is PlaceLevel.PROVINCE
    [item] = digest.campaigns
    assert item.progress.counted == int(done) and item.progress.target == campaign["target"]
    assert "&lt;Team&gt; &amp; Co" in render_html(digest)


async def test_provincial_query_matches_independent_sql(demo_db: str) -> None:
    async with Database(demo_db) as db:
        markazi = int(await db.scalar("SELECT id FROM provinces WHERE name = 'مرکزی'"))
        digest = await week_digest(db, ChannelScope.province(markazi), WEEK)
        expected = await _expected(db, " AND province_id = ?", (markazi,), WEEK)
        counties = await db.fetchall(
            "SELECT c.name, COUNT(*) AS t FROM counties c JOIN reports r"
            " ON r.county_id = c.id WHERE r.status <> 'deleted' AND r.province_id = ?"
            " AND r.service_date BETWEEN ? AND ? GROUP BY c.id ORDER BY t DESC, c.position"
            " LIMIT 3",
            (markazi, WEEK.isoformat(), (WEEK + timedelta(days=6)).isoformat()),
        )
    assert digest.scope_name == "مرکزی" and digest.place_level is PlaceLevel.COUNTY
    assert digest.current == expected["figures"]
    assert {(s.name, s.unit): (s.quantity, s.reports) for s in digest.services} == (
        expected["services"]
    )
    assert digest.days == expected["days"]
    assert [(g.name, g.reports) for g in digest.top_groups] == expected["groups"][:5]
    assert [(p.name, p.reports) for p in digest.top_places] == [(c[0], int(c[1])) for c in counties]
    assert len(digest.campaigns) == 1  # the national campaign shows in a provincial digest


async def test_campaign_query_and_an_empty_week(demo_db: str) -> None:
    async with Database(demo_db) as db:
        campaign_id = int(await db.scalar("SELECT id FROM campaigns"))
        digest = await week_digest(db, ChannelScope.campaign(campaign_id), WEEK)
        expected = await _expected(db, " AND campaign_id = ?", (campaign_id,), WEEK)
        later = await week_digest(db, ChannelScope.national(), WEEK + timedelta(days=70))
        with pytest.raises(LookupError):
            await week_digest(db, ChannelScope.province(99999), WEEK)
        with pytest.raises(ValueError):
            await week_digest(db, ChannelScope.national(), WEEK + timedelta(days=1))
    assert digest.current == expected["figures"] and digest.scope is ScopeKind.CAMPAIGN
    assert later.empty and later.days == (0,) * 7 and later.services == ()
    assert later.top_groups == () and later.top_places == ()


async def test_a_campaign_counts_only_its_types_in_the_digest_as_in_lookups(
    store: Store,
) -> None:
    """A campaign counting one type: the digest's progress and a campaign channel's figures
    leave the other types out, as /campaign does."""
    place = (await store.places.search_counties("اراک"))[0]
    await store.volunteers.seen(1, "رضا", "", "")
    group = await store.groups.create(
        "گروه امید", "گروه امید", place.province_id, place.id, None, 1, GroupStatus.ACTIVE
    )
    area = (await store.categories.areas())[0]
    kept, left = (await store.categories.types(area.id))[:2]
    campaign = await store.campaigns.create("پویش", 100, "خدمت", WEEK, WEEK + timedelta(days=30))
    base = await report_input(store, group)  # of 1405/08/26, in the week
    for number, (kind, quantity) in enumerate([(kept, 7), (left, 40), (kept, 5)]):
        data = dataclasses.replace(
            base, campaign_id=campaign, category_id=kind.id, quantity=quantity
        )
        await store.reports.create(data, 1, f"k{number}", 1405)
    await store.stats.set_counted_categories(campaign, [kept.id])
    counted = await store.db.scalar(
        "SELECT SUM(quantity) FROM reports WHERE campaign_id = ? AND category_id = ?",
        (campaign, kept.id),
    )
    national = await week_digest(store.db, ChannelScope.national(), WEEK)
    [item] = national.campaigns
    assert item.progress.counted == item.week == counted == 12
    assert national.current.services == 52  # the week's services are every report's
    of_campaign = await week_digest(store.db, ChannelScope.campaign(campaign), WEEK)
    assert of_campaign.current.services == 12 and of_campaign.current.reports == 2


# --- the command line --------------------------------------------------------------------------


def test_preview_command_writes_the_files(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    key = "url" if is_postgresql(demo_db) else "path"
    config.write_text(f'[database]\n{key} = "{demo_db}"\n', encoding="utf-8")
    out = tmp_path / "preview"
    argv = ["--config", str(config), "digest", "preview", "--week", "۱۴۰۵/۰۸/۲۶"]
    assert main([*argv, "--scope", "province:مركزي", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    text = (out / "digest.txt").read_text(encoding="utf-8")
    page = (out / "digest.html").read_text(encoding="utf-8")
    assert _visible(text).startswith(
        "📊 گزارش هفتگی خدمات داوطلبانهٔ استان مرکزی — هفتهٔ ۲۳ تا ۲۹ آبان ۱۴۰۵"
    )
    assert "<b>" not in text and "&lt;Team&gt; &amp; Co" in page and '<html lang="fa"' in page
    assert _png_size((out / "chart.png").read_bytes())[0] == 1080

    other = tmp_path / "national"
    assert main(["digest", "preview", "--db", str(demo_db), "--out", str(other)]) == 0
    assert "کشور" not in (other / "digest.txt").read_text(encoding="utf-8").split("\n")[0]
    assert main(["digest", "preview", "--db", str(tmp_path / "none.db"), "--out", "x"]) == 2

    assert main([*argv, "--scope", "province:آتلانتیس", "--out", str(out)]) == 2
    assert "آتلانتیس" in capsys.readouterr().err
    assert main([*argv[:-1], "1405/13/01", "--out", str(out)]) == 2
    assert main([*argv, "--scope", "planet", "--out", str(out)]) == 2
    assert main([*argv, "--scope", "campaign:999", "--out", str(out)]) == 2


def test_plain_text_has_no_markup() -> None:
    plain = render_plain(_digest())
    assert "<" not in plain.replace("<Team>", "") and "&amp;" not in plain
    assert html.unescape(plain) == plain
