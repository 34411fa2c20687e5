"""One meaning, one place: a campaign's figures agree on every surface (issue 22), read honestly
when the pace is slow, and say whether the work is on schedule (issue 25); totals never add up
unlike units, and /stats does not open on an empty month (issue 21).

Every figure is checked against SQL written here over the reports table, through the simulator.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core import jalali
from bot.core.i18n import label
from bot.core.text import fmt_num, progress_bar
from bot.figures.wording import percent_text
from db.store import Store
from simulator.testing import SimUser
from tests.conftest import TODAY, Harness
from tests.test_lookups import _insert

LIVE = "status != 'deleted'"
FRIDAY = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)  # Friday 29 Aban 1405, 18:00 in Tehran


def _plain(text: str) -> str:
    """A locale string as a person reads it (tags and bidi isolates removed)."""
    return re.sub("<[^>]+>|[\u2066-\u2069]", "", text)


async def _scalar(store: Store, sql: str, *params: object) -> int:
    """One number from the test's own SQL."""
    return int(await store.db.scalar(sql, params) or 0)


async def _leader(harness: Harness) -> tuple[SimUser, int]:
    """Reza, who has started the bot and leads «گروه امید» in Arak."""
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    return reza, await harness.group(reza)


async def _type(store: Store, slug: str) -> tuple[int, str, str, str]:
    """A service type by slug: (id, its area's name, its name, its unit)."""
    row = await store.db.fetchone(
        "SELECT c.id, a.name, c.name, c.unit FROM categories c JOIN categories a"
        " ON a.id = c.parent_id WHERE c.slug = ?",
        (slug,),
    )
    assert row is not None
    return int(row[0]), str(row[1]), str(row[2]), str(row[3])


async def _file(
    harness: Harness,
    leader: SimUser,
    campaign: str,
    slug: str,
    quantity: int,
    *,
    day: date | None = None,
    county: str = "اراک",
    province: str = "مرکزی",
) -> str:
    """A report filed through the whole conversation, for a campaign (none: ""), of today (or
    of a day typed), at the group's place; the receipt."""
    _, area, service, _ = await _type(harness.store, slug)
    today = jalali.today(harness.clock)
    await leader.send("/report")
    if campaign:
        await leader.press(campaign)
    await leader.press(area)
    await leader.press(service)
    await leader.send(str(quantity))
    await leader.press(label("button-skip"))  # beneficiaries
    await leader.press(label("button-skip"))  # volunteers
    here = label("place", county=county, province=province)
    await leader.press(label("report-place-same", place=here))
    await leader.press(label("button-skip"))  # village
    if day is None:
        await leader.press(label("report-date-today", date=jalali.format_day_month(today)))
    else:
        await leader.send(jalali.format_numeric(day))
    await leader.press(label("button-skip"))  # description
    await leader.press(label("report-no-photos"))
    await leader.press(label("report-save"))
    return leader.last.text or ""


async def _digest(admin: SimUser, holding: str = "") -> str:
    """What /digest shows an admin (the last week ended), as read: its messages holding a text."""
    before = len(admin.messages)
    await admin.send("/digest")
    shown = [_plain(m.text or "") for m in admin.messages[before:]]
    return "\n".join(text for text in shown if holding in text)


async def _campaign_sums(
    store: Store, campaign: int, upto: date, window: int = 28
) -> tuple[int, int]:
    """(done up to a day, done in the `window` days up to it) of a campaign, by SQL."""
    sql = f"SELECT COALESCE(SUM(quantity), 0) FROM reports WHERE campaign_id = ? AND {LIVE}"
    done = await _scalar(store, sql + " AND service_date <= ?", campaign, upto.isoformat())
    recent = await _scalar(
        store,
        sql + " AND service_date > ? AND service_date <= ?",
        campaign,
        (upto - timedelta(days=window)).isoformat(),
        upto.isoformat(),
    )
    return done, recent


async def _finish(store: Store, campaign: int, target: int, today: date) -> date:
    """The finish at the pace of the last 28 days, by the test's own SQL."""
    done, recent = await _campaign_sums(store, campaign, today)
    return today + timedelta(days=math.ceil((target - done) * 28 / recent))


# --- issue 22: one computation per figure -------------------------------------------------------


async def test_every_surface_names_the_same_finish_date(harness: Harness) -> None:
    """The issue's campaign: 1,000 over 180 days, 100 in its first 32 days and 400 in the last
    28. The receipt, /campaign, /top and the digest give the same count and the same date."""
    harness.clock.time = FRIDAY
    today = jalali.today(harness.clock)
    store, admin = harness.store, harness.admin
    assert admin is not None
    reza, group = await _leader(harness)
    starts = today - timedelta(days=59)  # today is its 60th day
    title = "پویش هزار خدمت"
    campaign = await store.campaigns.create(
        title, 1000, "خدمت", starts, starts + timedelta(days=179)
    )
    hot_meal = (await _type(store, "hot-meal"))[0]
    for day in range(0, 30, 3):  # ten reports of ten in the first 32 days
        await _insert(
            store, group, reza.id, hot_meal, 10, starts + timedelta(days=day), campaign=campaign
        )
    for day in range(32, 53):  # 399 in the last 28 days; the last one is filed below
        await _insert(
            store, group, reza.id, hot_meal, 19, starts + timedelta(days=day), campaign=campaign
        )
    await reza.send("/start")
    receipt = await _file(harness, reza, title, "hot-meal", 1)

    done = await _scalar(
        store, f"SELECT SUM(quantity) FROM reports WHERE campaign_id = ? AND {LIVE}", campaign
    )
    assert done == 500
    finish = await _finish(store, campaign, 1000, today)
    assert finish == today + timedelta(days=35)  # 500 more at 400 in 28 days
    pace = label("stats-pace-daily", daily=round(400 / 28), unit="خدمت")
    span = label("stats-pace-weeks")
    outlook = label("stats-outlook-by", span=span, pace=pace, date=jalali.format_day_month(finish))
    await reza.send("/campaign")
    shown = reza.last.text or ""
    digest = await _digest(admin, title)
    for text in (receipt, shown, _plain(digest)):
        assert outlook in text, text
        assert f"{fmt_num(500)} از {fmt_num(1000)}" in text
    # The average since the start would say 60 days, not 35: that date is nowhere.
    since_start = jalali.format_day_month(today + timedelta(days=60))
    assert all(since_start not in text for text in (receipt, shown, digest))
    # The campaign's leaderboard ranks by the same count, in its unit.
    await reza.press(label("lookups-campaign-top", title=title))
    amount = label("stats-amount", value=done, measure="خدمت")
    assert f"۱. گروه امید (اراک) — {amount}" in (reza.last.text or "")


# --- issue 21 item 3: a slow pace ----------------------------------------------------------------


async def test_a_slow_pace_says_less_than_one_a_day_and_what_each_day_needs(
    harness: Harness,
) -> None:
    store = harness.store
    reza, group = await _leader(harness)
    title = "پویش اشتغال"
    ends = TODAY + timedelta(days=120)
    campaign = await store.campaigns.create(title, 500, "خدمت", TODAY - timedelta(days=60), ends)
    meal = (await _type(store, "hot-meal"))[0]
    await _insert(store, group, reza.id, meal, 1, TODAY - timedelta(days=3), campaign=campaign)
    await reza.send("/start")
    receipt = await _file(harness, reza, title, "hot-meal", 1)

    done = await _scalar(
        store, f"SELECT SUM(quantity) FROM reports WHERE campaign_id = ? AND {LIVE}", campaign
    )
    assert done == 2
    left = (ends - TODAY).days + 1  # today is still a day to work
    need = math.ceil((500 - done) / left)
    behind = label(
        "stats-outlook-short",
        span=label("stats-pace-weeks"),
        pace=label("stats-pace-slow", unit="خدمت"),
        end=jalali.format_day_month(ends),
        need=need,
        unit="خدمت",
    )
    await reza.send("/campaign")
    text = reza.last.text or ""
    for shown in (receipt, text):
        assert behind in shown, shown
        assert f"{fmt_num(2)} از {fmt_num(500)}" in shown and "(کمتر از ۱٪)" in shown
        assert "(۰٪)" not in shown
    assert "کمتر از یک خدمت در روز" in text and "حدود ۰" not in text
    # The pace of two in 28 days would finish 19 years out: no such date is named.
    far = TODAY + timedelta(days=math.ceil(498 * 28 / 2))
    assert fmt_num(jalali.to_jalali(far)[0]).replace("٬", "") not in text.replace("٬", "")


# --- issue 21 item 4: unlike units are never added up ------------------------------------------


async def test_totals_count_reports_and_give_each_unit_apart(harness: Harness) -> None:
    """299 پرس + 49 بسته + 9 واحد are not «۳۵۷ خدمت» on /stats, the group card, /top or the
    digest; nobody counted the people served, so no «۰ بهره‌مند» either."""
    harness.clock.time = FRIDAY
    today = jalali.today(harness.clock)
    store, admin = harness.store, harness.admin
    assert admin is not None
    reza, group = await _leader(harness)
    for slug, quantity in (("hot-meal", 299), ("food-package", 49), ("housing-repair", 9)):
        category = (await _type(store, slug))[0]
        await _insert(store, group, reza.id, category, quantity, today)
    week = jalali.week_of(today)
    rows = await store.db.fetchall(
        "SELECT c.unit, SUM(r.quantity) AS q FROM reports r JOIN categories c"
        f" ON c.id = r.category_id WHERE r.{LIVE} AND r.group_id = ? AND r.service_date"
        " BETWEEN ? AND ? GROUP BY c.unit ORDER BY q DESC",
        (group, week[0].isoformat(), week[1].isoformat()),
    )
    reports = await _scalar(store, f"SELECT COUNT(*) FROM reports WHERE {LIVE}")
    units = "، ".join(label("stats-unit-amount", quantity=int(q), unit=u) for u, q in rows)
    assert units == "۲۹۹ پرس، ۴۹ بسته، ۹ واحد" and reports == 3
    summed = fmt_num(299 + 49 + 9)

    await reza.send("/stats")
    stats = reza.last.text or ""
    assert label("stats-totals-groups", reports=reports) in stats
    await reza.press(label("menu-group"))
    card = reza.last.text or ""
    figures = label("stats-figures", reports=reports, units=units)
    assert label("lookups-card-week", figures=figures) in card
    await reza.send("/top")
    top = reza.last.text or ""
    measure = label("stats-measure-reports")
    assert label("stats-amount", value=reports, measure=measure) in top
    await reza.press(label("lookups-beneficiaries"))
    people = reza.last.text or ""
    assert label("stats-beneficiaries-unknown") in people
    digest = await _digest(admin)
    assert _plain(label("digest-totals", reports=reports, groups=1)) in digest
    for text in (stats, card, top, people, digest):
        assert summed not in text, text
        assert "۰ بهره‌مند" not in text


# --- issue 21 item 6: /stats in a month's first days --------------------------------------------


@pytest.mark.parametrize("settings", [{"report": {"review": True}}])
async def test_stats_opens_on_the_last_month_in_a_new_months_first_days(
    harness: Harness,
) -> None:
    store = harness.store
    dey_first = jalali.from_jalali(1405, 10, 1)
    harness.clock.time = datetime.combine(dey_first, datetime.min.time(), UTC) + timedelta(hours=8)
    assert jalali.today(harness.clock) == dey_first
    maryam, reza, zahra = [await harness.sim.user(n) for n in ("مریم", "رضا", "زهرا")]
    for user in (maryam, reza):
        await user.send("/start")
    await harness.coordinator(zahra, "مرکزی")
    group = await harness.group(reza, members=(maryam,))
    meal = (await _type(store, "hot-meal"))[0]
    for back, status in ((1, "submitted"), (4, "approved"), (9, "approved"), (12, "approved")):
        # Azar's reports, one still waiting for review; none in Dey yet.
        day = dey_first - timedelta(days=back)
        await _insert(store, group, reza.id, meal, 5, day, status=status)
    azar_first, azar_last = jalali.month_of(dey_first - timedelta(days=1))
    reports = await _scalar(  # only approved reports count while reports are reviewed
        store,
        "SELECT COUNT(*) FROM reports WHERE status = 'approved' AND group_id = ?"
        " AND service_date BETWEEN ? AND ?",
        group,
        azar_first.isoformat(),
        azar_last.isoformat(),
    )
    assert reports == 3

    await maryam.send("/stats")
    text = maryam.last.text or ""
    assert label("stats-period-month", month="آذر", year="۱۴۰۵") in text
    assert label("stats-totals-groups", reports=reports) in text
    assert label("lookups-fresh-month", month="دی") in text
    assert label("stats-empty") not in text
    chosen = label("lookups-chosen", name=label("lookups-last-month"))
    assert chosen in [name for row in maryam.last.buttons for name in row]
    await maryam.press(label("lookups-month"))  # the new month is one tap away
    assert label("stats-period-month", month="دی", year="۱۴۰۵") in (maryam.last.text or "")
    # The coordinator's view: the figures of Azar and what waits, not an empty month; the
    # province's whole queue is Azar's one report, said once.
    await zahra.send("/stats")
    coordinator = zahra.last.text or ""
    assert label("stats-empty") not in coordinator
    waiting = label("stats-waiting", amount=label("stats-amount", value=1, measure="گزارش"))
    assert coordinator.count("در انتظار بررسی") == 1 and waiting in coordinator
    assert label("counting-waiting-province", count=1) not in coordinator
    # From the month's eighth day on, /stats opens on the month itself.
    harness.clock.advance(days=7)
    await maryam.send("/stats")
    assert label("stats-period-month", month="دی", year="۱۴۰۵") in (maryam.last.text or "")
    assert label("lookups-fresh-month", month="دی") not in (maryam.last.text or "")


# --- issue 25 item 2: expected by today, on schedule or not -------------------------------------


async def test_expected_by_today_for_the_campaign_and_each_province_share(
    harness: Harness,
) -> None:
    store, admin = harness.store, harness.admin
    assert admin is not None
    zahra = await harness.sim.user("زهرا")
    markazi = await harness.coordinator(zahra, "مرکزی")
    ids = {
        name: (await store.places.search_provinces(name))[0].id
        for name in ("مرکزی", "تهران", "سمنان")
    }
    leaders: dict[str, tuple[int, int]] = {}  # a province's (group, leader)
    for name, county in (("مرکزی", "اراک"), ("تهران", "تهران"), ("سمنان", "سمنان")):
        leader = await harness.sim.user(f"سرگروه {name}")
        await leader.send("/start")
        leaders[name] = (await harness.group(leader, f"گروه {name}", county), leader.id)
    starts, days = TODAY - timedelta(days=39), 100  # today is its 40th day of 100
    title = "پویش ملی"
    campaign = await store.campaigns.create(
        title, 1000, "خدمت", starts, starts + timedelta(days=days - 1)
    )
    shares = {ids["مرکزی"]: 300, ids["تهران"]: 500, ids["سمنان"]: 200}
    await store.stats.set_shares(campaign, shares)
    own = await store.campaigns.create(
        "پویش زمستان مرکزی", 90, "خدمت", TODAY - timedelta(days=9), TODAY + timedelta(days=20),
        markazi,
    )  # fmt: skip
    meal = (await _type(store, "hot-meal"))[0]
    for name, quantity, back in (
        ("مرکزی", 150, 20),
        ("تهران", 100, 15),
        ("تهران", 60, 2),  # after the digest's week: not yet counted there
        ("سمنان", 30, 1),
    ):
        group, leader_id = leaders[name]
        day = TODAY - timedelta(days=back)
        await _insert(store, group, leader_id, meal, quantity, day, campaign=campaign)
    group, leader_id = leaders["مرکزی"]
    await _insert(store, group, leader_id, meal, 40, TODAY - timedelta(days=3), campaign=own)

    async def standing(as_of: date, *, over: bool = False) -> dict[int, tuple[int, int, int]]:
        """Each province's (target, done, expected), by the test's own SQL: expected counts the
        campaign's days already over, before as_of (and as_of itself when over)."""
        elapsed = (as_of - starts).days + over
        found = {}
        for province, target in shares.items():
            done = await _scalar(
                store,
                f"SELECT COALESCE(SUM(quantity), 0) FROM reports WHERE {LIVE} AND campaign_id = ?"
                " AND province_id = ? AND service_date <= ?",
                campaign,
                province,
                as_of.isoformat(),
            )
            found[province] = (target, done, target * elapsed // days)
        return found

    names = {v: k for k, v in ids.items()}
    now = await standing(TODAY)
    behind = [p for p, (_, done, due) in now.items() if done < due]
    assert len(behind) == 2  # Tehran and Semnan; Markazi is ahead of its share's schedule
    await admin.send("/campaign")
    text = admin.last.text or ""
    for province, (target, done, due) in now.items():
        mark = label("stats-mark-on" if done >= due else "stats-mark-behind")
        line = label(
            "stats-share-line",
            mark=mark,
            name=names[province],
            count=done,
            target=target,
            percent=percent_text(done, target),
            expected=due,
        )
        assert line in text, line
    assert label("stats-shares-behind", behind=len(behind), total=3) in text
    total = await _scalar(
        store, f"SELECT SUM(quantity) FROM reports WHERE {LIVE} AND campaign_id = ?", campaign
    )
    expected = 1000 * 39 // days  # 39 days over, today not yet
    key = "stats-schedule-on" if total >= expected else "stats-schedule-behind"
    today_word = label("stats-when-today")
    assert label(key, when=today_word, expected=expected, unit="خدمت") in text

    # The coordinator's /stats: Markazi's share of the national campaign, and its own campaign.
    await zahra.send("/stats")
    mine = zahra.last.text or ""
    target, done, due = now[markazi]
    share = label(
        "stats-share-province",
        title=title,
        name="مرکزی",
        count=done,
        target=target,
        unit="خدمت",
        percent=percent_text(done, target),
    )
    assert _plain(share) in mine
    schedule = label("stats-schedule-on", when=today_word, expected=due, unit="خدمت")
    assert label("stats-verdict-alone", schedule=schedule) in mine
    own_done = await _scalar(
        store, f"SELECT SUM(quantity) FROM reports WHERE {LIVE} AND campaign_id = ?", own
    )
    own_due = 90 * 9 // 30
    assert own_done >= own_due
    assert label("stats-schedule-on", when=today_word, expected=own_due, unit="خدمت") in mine
    assert f"{fmt_num(own_done)} از {fmt_num(90)}" in mine and progress_bar(own_done, 90) in mine

    # The digest of the last week ended: the provinces behind as of its Friday.
    friday = jalali.week_of(TODAY)[0] - timedelta(days=1)
    then = await standing(friday, over=True)  # by the week's end
    late = sum(1 for _, done, due in then.values() if done < due)
    assert then != now and late
    digest = await _digest(admin, title)
    assert label("stats-shares-behind", behind=late, total=3) in digest
