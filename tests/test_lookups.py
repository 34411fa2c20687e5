"""«📊 آمار», /campaign, /top, /find and the group card end to end, on seeded reports.

Every figure the bot shows is checked against SQL written here over the reports table, never
through db/stats.py: the test's own sums, counts and ranks, formatted with the locale strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bot.core import jalali
from bot.core.i18n import label
from bot.core.text import fmt_num, fmt_percent, progress_bar
from bot.figures.wording import percent_text
from db.models import Role
from db.store import Store
from simulator.testing import SimUser
from tests.conftest import TODAY, Harness

WEEK_START = TODAY - timedelta(days=(TODAY.weekday() + 2) % 7)  # Saturday
MONTH_START, MONTH_LAST = jalali.month_of(TODAY)
LIVE = "status != 'deleted'"


@dataclass
class World:
    """The people, groups, places and campaign of the seeded data."""

    reza: SimUser  # leads «گروه امید» (Arak, Markazi)
    maryam: SimUser  # member of «گروه امید»
    zahra: SimUser  # coordinator of Markazi
    amir: SimUser  # leads «گروه علی‌کریمی» (Tehran)
    omid: int
    mehr: int  # another Markazi group, in Saveh
    karimi: int
    silent: int  # a Markazi group that has not reported for weeks
    markazi: int
    tehran: int
    campaign: int
    types: list[int]


async def _scalar(store: Store, sql: str, *params: object) -> int:
    """One number from the test's own SQL."""
    return int(await store.db.scalar(sql, params) or 0)


async def _insert(
    store: Store,
    group: int,
    reporter: int,
    category: int,
    quantity: int,
    day: date,
    *,
    campaign: int | None = None,
    beneficiaries: int | None = None,
    volunteers: int | None = None,
    status: str = "submitted",
) -> None:
    """A report written straight into the table, at the group's own place."""
    row = await store.db.fetchone(
        "SELECT province_id, county_id FROM groups WHERE id = ?", (group,)
    )
    assert row is not None
    key = await _scalar(store, "SELECT COUNT(*) FROM reports") + 1
    await store.db.execute(
        "INSERT INTO reports (receipt, idempotency_key, group_id, reporter_id, campaign_id,"
        " category_id, quantity, beneficiaries, volunteers, province_id, county_id, service_date,"
        " status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'x', 'x')",
        (
            f"t{key}",
            f"t{key}",
            group,
            reporter,
            campaign,
            category,
            quantity,
            beneficiaries,
            volunteers,
            row[0],
            row[1],
            day.isoformat(),
            status,
        ),
    )


async def _world(harness: Harness) -> World:
    """Four groups in two provinces, a campaign and reports over two months."""
    store, sim = harness.store, harness.sim
    reza, maryam = await sim.user("رضا"), await sim.user("مریم")
    zahra, amir = await sim.user("زهرا"), await sim.user("امیر")
    for user in (reza, maryam, amir):
        await user.send("/start")
    markazi = await harness.coordinator(zahra, "مرکزی")
    omid = await harness.group(reza, "گروه امید", "اراک", (maryam,))
    mehr = await harness.group(amir, "گروه مهر", "ساوه")
    silent = await harness.group(amir, "گروه خاموش", "اراک")
    karimi = await harness.group(amir, "گروه علی‌کریمی", "تهران")
    tehran = await _scalar(store, "SELECT province_id FROM groups WHERE id = ?", karimi)
    await store.db.execute(
        "UPDATE groups SET created_at = ? WHERE id = ?",
        ((TODAY - timedelta(days=90)).isoformat() + "T00:00:00+00:00", silent),
    )
    area = (await store.categories.areas())[0]
    types = [c.id for c in (await store.categories.types(area.id))[:2]]
    campaign = await store.campaigns.create(
        "پویش ۱۱ هزار خدمت", 500, "خدمت", TODAY - timedelta(days=40), TODAY + timedelta(days=40)
    )
    a, b = types
    friday, saturday = WEEK_START - timedelta(days=1), WEEK_START
    seeds = [
        (omid, reza.id, a, 12, saturday, campaign, 30, 4, "submitted"),
        (omid, reza.id, b, 7, friday, campaign, 10, 2, "approved"),
        (omid, maryam.id, a, 5, TODAY, None, None, None, "submitted"),
        (omid, reza.id, a, 40, TODAY - timedelta(days=35), campaign, 50, 6, "approved"),
        (omid, reza.id, b, 99, TODAY - timedelta(days=2), None, 5, 1, "deleted"),
        (mehr, amir.id, a, 20, TODAY - timedelta(days=1), campaign, 15, 3, "submitted"),
        (mehr, amir.id, b, 3, MONTH_START, None, 9, None, "returned"),
        (silent, amir.id, a, 4, TODAY - timedelta(days=60), None, None, None, "submitted"),
        (karimi, amir.id, a, 25, TODAY - timedelta(days=3), campaign, 60, 5, "approved"),
        (karimi, amir.id, b, 8, TODAY - timedelta(days=20), campaign, 12, 2, "submitted"),
    ]
    for group, reporter, category, quantity, day, camp, people, helpers, status in seeds:
        await _insert(
            store,
            group,
            reporter,
            category,
            quantity,
            day,
            campaign=camp,
            beneficiaries=people,
            volunteers=helpers,
            status=status,
        )
    await reza.send("/start")
    await amir.send("/start")
    return World(
        reza, maryam, zahra, amir, omid, mehr, karimi, silent, markazi, tehran, campaign, types
    )


def _joined(*figures: str) -> str:
    """Figures side by side, as the bot joins them (with its one separator)."""
    return label("stats-join").join(figures)


def _people(beneficiaries: int, volunteers: int) -> str:
    """«۸٬۹۰۳ بهره‌مند، ۴۲۰ داوطلب»."""
    return _joined(
        label("stats-people-beneficiaries", beneficiaries=beneficiaries),
        label("stats-people-volunteers", volunteers=volunteers),
    )


def _plain(text: str) -> str:
    """A locale string as the person reads it (HTML tags removed)."""
    return re.sub("<[^>]+>", "", text)


def _persian_only(text: str | None) -> None:
    """No Latin digit where a person reads."""
    assert text is not None and not re.search("[0-9]", text), text


async def _sums(store: Store, where: str, *params: object) -> tuple[int, int, int, int]:
    """(services, reports, beneficiaries, volunteers) of live reports matching the condition."""
    row = await store.db.fetchone(
        "SELECT COALESCE(SUM(quantity), 0), COUNT(*), COALESCE(SUM(beneficiaries), 0),"
        f" COALESCE(SUM(volunteers), 0) FROM reports WHERE {LIVE} AND {where}",
        params,
    )
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


async def _units(store: Store, where: str, *params: object) -> str:
    """Quantities per unit of the live reports matching where, largest first, as shown."""
    rows = await store.db.fetchall(
        "SELECT c.unit, SUM(r.quantity) AS q FROM reports r JOIN categories c"
        f" ON c.id = r.category_id WHERE r.{LIVE} AND {where} GROUP BY c.unit"
        " ORDER BY q DESC, c.unit",
        params,
    )
    return "، ".join(label("stats-unit-amount", quantity=int(q), unit=u) for u, q in rows)


async def _card_line(store: Store, key: str, where: str, *params: object) -> str:
    """A group card's week or month line: reports, quantities per unit, people when known."""
    _, reports, people, _ = await _sums(store, where, *params)
    if not reports:
        return label(key, figures=label("stats-figures-none"))
    figures = label("stats-figures", reports=reports, units=await _units(store, where, *params))
    if people:
        figures = _joined(figures, label("stats-people-beneficiaries", beneficiaries=people))
    return label(key, figures=figures)


def _rank(values: list[int], value: int) -> int:
    """A competition rank (1, 2, 2, 4): one more than how many are larger."""
    return 1 + sum(1 for v in values if v > value)


def _between(start: date, end: date) -> tuple[str, str]:
    """[start, end) as ISO strings."""
    return start.isoformat(), end.isoformat()


async def test_a_member_sees_their_group_for_each_period(harness: Harness) -> None:
    w = await _world(harness)
    store, maryam = harness.store, w.maryam
    assert maryam.keyboard is not None and label("menu-stats") in str(maryam.keyboard)
    await maryam.press(label("menu-stats"))
    text = maryam.last.text
    _persian_only(text)
    month = _between(MONTH_START, MONTH_LAST + timedelta(days=1))
    _, reports, people, helpers = await _sums(
        store, "group_id = ? AND service_date >= ? AND service_date < ?", w.omid, *month
    )
    assert label("stats-totals-groups", reports=reports) in text
    assert _people(people, helpers) in text
    # The month is running: it is compared with the same first days of the month before.
    before_start = jalali.month_of(MONTH_START - timedelta(days=1))[0]
    elapsed = TODAY - MONTH_START + timedelta(days=1)
    before = _between(before_start, before_start + elapsed)
    previous = (
        await _sums(
            store, "group_id = ? AND service_date >= ? AND service_date < ?", w.omid, *before
        )
    )[1]
    assert previous != reports
    key = "stats-change-up" if reports > previous else "stats-change-down"
    percent = fmt_percent(abs(reports - previous), previous)
    same_days = label("stats-previous-month-part")
    assert previous and label(key, percent=percent, previous=same_days) in text
    rows = await store.db.fetchall(
        "SELECT c.name, SUM(r.quantity), c.unit FROM reports r JOIN categories c"
        f" ON c.id = r.category_id WHERE r.{LIVE} AND r.group_id = ? AND r.service_date >= ?"
        " AND r.service_date < ? GROUP BY c.id",
        (w.omid, *month),
    )
    for name, quantity, unit in rows:
        assert label("stats-type-line", name=name, services=int(quantity), unit=unit) in text
    assert "گروه امید" in text and "گروه مهر" not in text
    assert label("lookups-own-reports", reports=0)[:10] not in text  # not a leader

    await maryam.press(label("lookups-week"))
    week = _between(WEEK_START, WEEK_START + timedelta(days=7))
    services, reports, _, _ = await _sums(
        store, "group_id = ? AND service_date >= ? AND service_date < ?", w.omid, *week
    )
    assert (services, reports) == (17, 2)  # Saturday's report counts, Friday's does not
    assert label("stats-totals-groups", reports=reports) in maryam.last.text
    # Saturday to today against Saturday to the same weekday of last week, not the whole week.
    before = _between(WEEK_START - timedelta(days=7), TODAY - timedelta(days=6))
    previous = (
        await _sums(
            store, "group_id = ? AND service_date >= ? AND service_date < ?", w.omid, *before
        )
    )[0]
    assert previous == 0  # Friday's report is outside Saturday-Wednesday of last week
    assert f"({label('stats-change-new', previous=label('stats-previous-week-part'))})" in (
        maryam.last.text
    )
    assert maryam.last.buttons[0][0] == label("lookups-chosen", name=label("lookups-week"))

    await maryam.press(label("lookups-campaign-period", title="پویش ۱۱ هزار خدمت"))
    _, reports, _, _ = await _sums(store, "group_id = ? AND campaign_id = ?", w.omid, w.campaign)
    assert label("stats-totals-groups", reports=reports) in maryam.last.text
    _fits_a_phone(maryam.last.buttons)
    await maryam.press(label("lookups-top"))
    _fits_a_phone(maryam.last.buttons)
    assert [label("lookups-week"), label("lookups-month")] in [
        [name.removeprefix("✅ ") for name in row] for row in maryam.last.buttons
    ]


def _fits_a_phone(rows: list[list[str]]) -> None:
    """A campaign's button has a row to itself; others are at most three short ones a row."""
    campaigns = [row for row in rows if any("پویش ۱۱ هزار خدمت" in name for name in row)]
    assert campaigns and all(len(row) == 1 for row in campaigns), rows
    assert all(len(row) <= 3 for row in rows), rows


async def test_a_leader_also_sees_their_own_reports(harness: Harness) -> None:
    w = await _world(harness)
    await w.reza.send("/stats")
    month = _between(MONTH_START, MONTH_LAST + timedelta(days=1))
    _, reports, _, _ = await _sums(
        harness.store,
        "reporter_id = ? AND service_date >= ? AND service_date < ?",
        w.reza.id,
        *month,
    )
    assert label("lookups-own-reports", reports=reports) in w.reza.last.text


async def test_a_typed_range_in_one_line_or_two(harness: Harness) -> None:
    w = await _world(harness)
    maryam, store = w.maryam, harness.store
    await maryam.send("/stats")
    await maryam.press(label("lookups-range"))
    first, last = MONTH_START - timedelta(days=10), TODAY - timedelta(days=1)
    typed = f"{jalali.format_numeric(first)} تا {jalali.format_numeric(last)}"
    await maryam.send(typed)
    _, reports, _, _ = await _sums(
        store,
        "group_id = ? AND service_date >= ? AND service_date < ?",
        w.omid,
        *_between(first, last + timedelta(days=1)),
    )
    text = maryam.last.text
    assert jalali.format_range(first, last) in text
    assert label("stats-totals-groups", reports=reports) in text
    assert await store.state.drafts_of(maryam.id) == []

    # The range on screen is ticked (its emoji gives way to the tick); pressed again, it asks.
    ticked = label("lookups-chosen", name=re.sub(r"^\W+", "", label("lookups-range")))
    await maryam.press(ticked)
    await maryam.send("۱۴۰۵/۱۳/۰۱")
    assert "ماه" in maryam.last.text and label("button-cancel") in str(maryam.last.buttons)
    await maryam.send(jalali.format_numeric(first))
    assert jalali.format_date(first, weekday=False) in maryam.last.text
    await maryam.send(jalali.format_numeric(first - timedelta(days=1)))
    assert label("lookups-range-reversed") in maryam.last.text
    await maryam.send(jalali.format_numeric(last))
    assert label("stats-totals-groups", reports=reports) in maryam.last.text


async def test_a_coordinator_sees_only_their_province(harness: Harness) -> None:
    w = await _world(harness)
    zahra, store = w.zahra, harness.store
    await zahra.send("/start")
    assert label("menu-stats") in str(zahra.keyboard)
    await zahra.press(label("menu-stats"))
    text = zahra.last.text
    _persian_only(text)
    month = _between(MONTH_START, MONTH_LAST + timedelta(days=1))
    _, reports, _, _ = await _sums(
        store, "province_id = ? AND service_date >= ? AND service_date < ?", w.markazi, *month
    )
    groups = await _scalar(
        store,
        "SELECT COUNT(DISTINCT r.group_id) FROM reports r JOIN groups g ON g.id = r.group_id"
        f" WHERE r.{LIVE} AND g.province_id = ? AND r.service_date >= ? AND r.service_date < ?",
        w.markazi,
        *month,
    )
    assert label("stats-totals", reports=reports, groups=groups) in text
    counties = await store.db.fetchall(
        "SELECT c.name, COUNT(*) AS n FROM reports r JOIN counties c ON c.id = r.county_id"
        f" WHERE r.{LIVE} AND r.province_id = ? AND r.service_date >= ? AND r.service_date < ?"
        " GROUP BY c.id ORDER BY n DESC",
        (w.markazi, *month),
    )
    counts = [int(r[1]) for r in counties]
    for name, count in counties:
        rank = _rank(counts, count)
        assert label("stats-place-line", rank=rank, name=name, reports=int(count)) in text
    assert "گروه علی‌کریمی" not in text and "تهران" not in text
    most = await store.db.fetchall(
        "SELECT g.name, c.name, COUNT(r.id) AS q FROM groups g"
        " JOIN counties c ON c.id = g.county_id LEFT JOIN reports r ON r.group_id = g.id"
        f" AND r.{LIVE} AND r.service_date >= ? AND r.service_date < ?"
        " WHERE g.province_id = ? GROUP BY g.id ORDER BY q DESC, g.id",
        (*month, w.markazi),
    )
    section = text.split(_plain(label("lookups-most-active")))[-1]
    section = section.split(_plain(label("stats-silent-title", weeks=4, count=1)))[0]
    assert most[0][2] > 0 and most[-1][2] == 0  # «گروه خاموش» did nothing this month
    for name, county, count in most:
        line = label("lookups-activity-line", name=name, county=county, reports=int(count))
        assert (line in section) is (count > 0)  # a group with no work is not «most active»
    assert "گروه خاموش" not in section  # it is listed with the silent groups instead
    assert _plain(label("lookups-least-active")) not in text  # two groups: all shown once
    silent_since = (TODAY - timedelta(weeks=4) + timedelta(days=1)).isoformat()
    silent = await store.db.fetchall(
        "SELECT g.name FROM groups g WHERE g.province_id = ? AND NOT EXISTS (SELECT 1 FROM"
        f" reports r WHERE r.group_id = g.id AND r.{LIVE} AND r.service_date >= ?)"
        " AND g.created_at < ?",
        (w.markazi, silent_since, silent_since),
    )
    assert [r[0] for r in silent] == ["گروه خاموش"]
    assert "گروه خاموش (اراک) — آخرین خدمت" in text

    await zahra.press(label("lookups-top"))
    ranked = await store.db.fetchall(
        "SELECT g.name, COUNT(*) AS q FROM reports r JOIN groups g ON g.id = r.group_id"
        f" WHERE r.{LIVE} AND g.province_id = ? AND r.service_date >= ? GROUP BY g.id"
        " ORDER BY q DESC",
        (w.markazi, WEEK_START.isoformat()),
    )
    top = zahra.last.text
    for name, _ in ranked:
        assert name in top
    assert "گروه علی‌کریمی" not in top
    await zahra.press(label("lookups-counties"))
    assert _plain(label("stats-top-counties-title", period="x")).split("—")[0] in zahra.last.text
    assert "تهران" not in zahra.last.text


async def test_an_admin_sees_the_country_by_province(harness: Harness) -> None:
    w = await _world(harness)
    admin, store = harness.admin, harness.store
    assert admin is not None
    await admin.send("/stats")
    await admin.press(label("lookups-year"))
    year_start, year_last = jalali.year_of(TODAY)
    year = _between(year_start, year_last + timedelta(days=1))
    services, reports, people, helpers = await _sums(
        store, "service_date >= ? AND service_date < ?", *year
    )
    text = admin.last.text
    _persian_only(text)
    assert label("stats-scope-national") in text
    assert _people(people, helpers) in text
    assert f"{fmt_num(reports)} گزارش از" in text and fmt_num(services) not in text
    provinces = await store.db.fetchall(
        "SELECT p.name, COUNT(*) AS q FROM reports r JOIN provinces p"
        f" ON p.id = r.province_id WHERE r.{LIVE} AND r.service_date >= ? AND r.service_date < ?"
        " GROUP BY p.id ORDER BY q DESC",
        year,
    )
    counts = [int(r[1]) for r in provinces]
    for name, count in provinces:
        rank = _rank(counts, count)
        assert label("stats-place-line", rank=rank, name=name, reports=int(count)) in text
    assert w.karimi and "تهران" in text


async def test_campaign_progress_shares_and_pace(harness: Harness) -> None:
    w = await _world(harness)
    store, maryam = harness.store, w.maryam
    await store.stats.set_shares(w.campaign, {w.markazi: 60, w.tehran: 100})
    await maryam.send("/campaign")
    text = maryam.last.text
    _persian_only(text)
    count = (await _sums(store, "campaign_id = ?", w.campaign))[0]
    progress = label(
        "stats-campaign-progress",
        title="پویش ۱۱ هزار خدمت",
        count=count,
        target=500,
        unit="خدمت",
        percent=percent_text(count, 500),
        bar=progress_bar(count, 500),
    )
    assert _plain(progress) in text
    recent = (
        await _sums(
            store,
            "campaign_id = ? AND service_date > ? AND service_date <= ?",
            w.campaign,
            (TODAY - timedelta(days=28)).isoformat(),
            TODAY.isoformat(),
        )
    )[0]
    pace = (
        label("stats-pace-daily", daily=round(recent / 28), unit="خدمت")
        if recent >= 28
        else label("stats-pace-slow", unit="خدمت")
    )
    assert f"{label('stats-pace-weeks')} ({pace})" in text
    province = (await _sums(store, "campaign_id = ? AND province_id = ?", w.campaign, w.markazi))[0]
    group = (await _sums(store, "campaign_id = ? AND group_id = ?", w.campaign, w.omid))[0]
    assert (
        label(
            "stats-campaign-province-share",
            name="مرکزی",
            count=province,
            unit="خدمت",
            percent=percent_text(province, count),
        )
        in text
    )
    assert (
        label(
            "stats-campaign-group-share",
            name="گروه امید",
            count=group,
            unit="خدمت",
            percent=percent_text(group, count),
        )
        in text
    )
    tehran = (await _sums(store, "campaign_id = ? AND province_id = ?", w.campaign, w.tehran))[0]
    # Widest gap first: the smaller fraction of its share done.
    order = ["تهران", "مرکزی"] if tehran / 100 < min(province / 60, 1) else ["مرکزی", "تهران"]
    shares = text.split(_plain(label("stats-shares-title")))[-1]
    assert shares.index(f" {order[0]}:") < shares.index(f" {order[1]}:")
    assert f" تهران: {fmt_num(tehran)} از {fmt_num(100)}" in shares
    assert [label("lookups-campaign-top", title="پویش ۱۱ هزار خدمت")] in maryam.last.buttons
    await maryam.press(label("lookups-campaign-top", title="پویش ۱۱ هزار خدمت"))
    best = await store.db.fetchone(
        "SELECT g.name, SUM(r.quantity) AS q FROM reports r JOIN groups g ON g.id = r.group_id"
        f" WHERE r.{LIVE} AND r.campaign_id = ? GROUP BY g.id ORDER BY q DESC LIMIT 1",
        (w.campaign,),
    )
    assert best is not None
    assert f"۱. {best[0]}" in maryam.last.text and f"{fmt_num(int(best[1]))} خدمت" in (
        maryam.last.text
    )


async def test_top_groups_with_the_askers_own_rank(harness: Harness) -> None:
    w = await _world(harness)
    store, maryam = harness.store, w.maryam
    for i in range(10):  # ten busier groups push «گروه امید» out of the list
        group = await harness.group(w.amir, f"گروه پرکار {fmt_num(i + 1)}", "تهران")
        for _ in range(3 + i % 2):
            await _insert(store, group, w.amir.id, w.types[0], 30 + i, TODAY, beneficiaries=i)
    await maryam.send("/top")
    text = maryam.last.text
    _persian_only(text)
    ranked = await store.db.fetchall(
        "SELECT r.group_id, g.name, c.name, COUNT(*) AS q FROM reports r"
        " JOIN groups g ON g.id = r.group_id JOIN counties c ON c.id = g.county_id"
        f" WHERE r.{LIVE} AND r.service_date >= ? AND r.service_date < ?"
        " GROUP BY r.group_id ORDER BY q DESC, r.group_id",
        _between(WEEK_START, WEEK_START + timedelta(days=7)),
    )
    counts = [int(row[3]) for row in ranked]
    reports = label("stats-measure-reports")  # groups rank by reports, not summed quantities
    for _, name, county, count in ranked[:10]:
        amount = label("stats-amount", value=int(count), measure=reports)
        rank = _rank(counts, int(count))
        assert label("stats-top-line", rank=rank, name=name, place=county, amount=amount) in text
    own = next(i for i, row in enumerate(ranked) if row[0] == w.omid)
    value = int(ranked[own][3])
    assert own >= 10
    amount = label("stats-amount", value=value, measure=reports)
    assert (
        label(
            "stats-top-own",
            name="گروه امید",
            rank=_rank(counts, value),
            total=len(ranked),
            amount=amount,
        )
        in text
    )

    await maryam.press(label("lookups-beneficiaries"))
    best = await store.db.fetchone(
        "SELECT g.name, SUM(COALESCE(r.beneficiaries, 0)) AS b FROM reports r JOIN groups g"
        f" ON g.id = r.group_id WHERE r.{LIVE} AND r.service_date >= ? GROUP BY g.id"
        " ORDER BY b DESC LIMIT 1",
        (WEEK_START.isoformat(),),
    )
    assert best is not None
    assert f"۱. {best[0]}" in maryam.last.text and f"{fmt_num(int(best[1]))} بهره‌مند" in (
        maryam.last.text
    )
    await maryam.press(label("lookups-provinces"))
    provinces = await store.db.fetchall(
        "SELECT p.name, SUM(COALESCE(r.beneficiaries, 0)) AS b FROM reports r JOIN provinces p"
        f" ON p.id = r.province_id WHERE r.{LIVE} AND r.service_date >= ? GROUP BY p.id"
        " ORDER BY b DESC",
        (WEEK_START.isoformat(),),
    )
    for rank, (name, people) in enumerate(provinces, 1):
        amount = label(
            "stats-amount", value=int(people), measure=label("stats-measure-beneficiaries")
        )
        if not people:  # nobody counted them: unknown, not «۰»
            amount = label("stats-beneficiaries-unknown")
        line = label("stats-top-place-line", rank=rank, name=name, amount=amount)
        assert line in maryam.last.text


async def test_find_groups_and_places_and_open_a_card(harness: Harness) -> None:
    w = await _world(harness)
    store, maryam = harness.store, w.maryam
    await maryam.send("/find")
    assert label("lookups-find-ask") in maryam.last.text
    await maryam.send("علي كريمي")  # Arabic letters, a space for the half-space
    assert "گروه علی‌کریمی" in maryam.last.text
    await maryam.press(label("lookups-find-again"))
    await maryam.send("اراک")
    month = _between(MONTH_START, MONTH_LAST + timedelta(days=1))
    arak = await _scalar(store, "SELECT county_id FROM groups WHERE id = ?", w.omid)
    _, reports, _, _ = await _sums(
        store, "county_id = ? AND service_date >= ? AND service_date < ?", arak, *month
    )
    line = label("stats-find-county", name="اراک", province="مرکزی", reports=reports)
    assert line in maryam.last.text
    await maryam.send("/find کریمى")  # one letter off
    await maryam.press("گروه علی‌کریمی")
    card = maryam.last.text
    _persian_only(card)
    week = _between(WEEK_START, WEEK_START + timedelta(days=7))
    where = "group_id = ? AND service_date >= ? AND service_date < ?"
    assert await _card_line(store, "lookups-card-week", where, w.karimi, *week) in card
    share = (await _sums(store, "campaign_id = ? AND group_id = ?", w.campaign, w.karimi))[0]
    total = (await _sums(store, "campaign_id = ?", w.campaign))[0]
    assert (
        label(
            "lookups-card-campaign",
            title="پویش ۱۱ هزار خدمت",
            count=share,
            total=total,
            unit="خدمت",
            percent=percent_text(share, total),
        )
        in card
    )
    assert "امیر" not in card  # the public card names no one
    assert await store.state.drafts_of(maryam.id) == []
    assert label("lookups-find-again") in str(maryam.last.buttons)


async def test_find_pages_through_many_groups(harness: Harness) -> None:
    w = await _world(harness)
    for i in range(9):
        await harness.group(w.amir, f"گروه نمونه {fmt_num(i + 1)}", "قم")
    await w.maryam.send("/find گروه نمونه")
    first = w.maryam.last.text
    assert label("lookups-page", page=1, pages=2) in first
    await w.maryam.press(label("button-next-page"))
    second = w.maryam.last.text
    assert label("lookups-page", page=2, pages=2) in second
    shown = {n for n in re.findall(r"گروه نمونه [۰-۹]+", first + second)}
    assert len(shown) == 9
    await w.maryam.press(label("button-prev-page"))
    assert w.maryam.last.text == first
    assert await harness.store.state.drafts_of(w.maryam.id) == []


async def test_the_group_card_shows_week_month_and_campaign_share(harness: Harness) -> None:
    w = await _world(harness)
    store = harness.store
    empty = await store.campaigns.create(
        "پویش زمستان مهربانی", 900, "خدمت", TODAY - timedelta(days=2), TODAY + timedelta(days=9)
    )
    await w.maryam.press(label("menu-group"))
    card = w.maryam.last.text
    where = "group_id = ? AND service_date >= ? AND service_date < ?"
    for start, end, key in (
        (WEEK_START, WEEK_START + timedelta(days=7), "lookups-card-week"),
        (MONTH_START, MONTH_LAST + timedelta(days=1), "lookups-card-month"),
    ):
        assert await _card_line(store, key, where, w.omid, *_between(start, end)) in card
    share = (await _sums(store, "campaign_id = ? AND group_id = ?", w.campaign, w.omid))[0]
    total = (await _sums(store, "campaign_id = ?", w.campaign))[0]
    assert (
        label(
            "lookups-card-campaign",
            title="پویش ۱۱ هزار خدمت",
            count=share,
            total=total,
            unit="خدمت",
            percent=percent_text(share, total),
        )
        in card
    )
    assert not await _scalar(store, "SELECT COUNT(*) FROM reports WHERE campaign_id = ?", empty)
    assert "پویش زمستان مهربانی" not in card  # «۰ از ۰ (۰٪)» says nothing


async def test_unknown_periods_and_campaigns_are_refused_politely(harness: Harness) -> None:
    w = await _world(harness)
    maryam = w.maryam
    await maryam.send("/stats")
    before = maryam.last.text
    for data in ("st:show:9:0", "st:show:3:999", "top:show:2:0:0:0", "top:show:0:0:5:0"):
        await maryam.press_data(maryam.last.message_id, data)
        assert maryam.last_answer == label("lookups-gone"), data
    assert maryam.last.text == before
    await harness.store.roles.grant(w.maryam.id, Role.ADMIN, None, None)
    await maryam.press_data(maryam.last.message_id, "st:show:0:0")
    assert label("stats-scope-national") in maryam.last.text


async def test_a_page_of_no_search_and_a_group_gone_are_refused_politely(
    harness: Harness,
) -> None:
    stranger = await harness.sim.user("ناشناس")
    await stranger.send("/start")
    for data in ("fnd:page:1", "fnd:card:999:0", "fnd:card:999"):
        await stranger.press_data(stranger.last.message_id, data)
        assert stranger.last_answer == label("lookups-gone"), data


async def test_a_coordinator_pages_through_silent_groups_of_their_province_only(
    harness: Harness,
) -> None:
    w = await _world(harness)
    store, zahra = harness.store, w.zahra
    for i in range(22):
        group = await harness.group(w.amir, f"گروه ساکت {fmt_num(i + 1)}", "اراک")
        await store.db.execute(
            "UPDATE groups SET created_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", (group,)
        )
    since = (TODAY - timedelta(weeks=4) + timedelta(days=1)).isoformat()
    total = await _scalar(
        store,
        "SELECT COUNT(*) FROM groups g WHERE g.province_id = ? AND g.status = 'active'"
        " AND g.created_at < ? AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.group_id = g.id"
        f" AND r.{LIVE} AND r.service_date >= ?)",
        w.markazi,
        since,
        since,
    )
    assert total == 23
    await zahra.send("/stats")
    await zahra.press(label("lookups-silent-all", count=total))
    first = zahra.last.text
    assert label("lookups-page", page=1, pages=2) in first
    await zahra.press(label("button-next-page"))
    second = zahra.last.text
    assert label("lookups-page", page=2, pages=2) in second
    names = set(re.findall(r"گروه ساکت [۰-۹]+|گروه خاموش", first + second))
    assert len(names) == total
    tehran_coordinator = await harness.sim.user("کاوه")
    await harness.coordinator(tehran_coordinator, "تهران")
    await tehran_coordinator.send("/stats")
    await tehran_coordinator.press_data(
        tehran_coordinator.last.message_id, f"st:silent:{w.markazi}:0"
    )
    assert tehran_coordinator.last_answer == label("not-allowed")
    assert "گروه ساکت" not in tehran_coordinator.last.text


async def test_admins_and_coordinators_create_and_close_campaigns(harness: Harness) -> None:
    w = await _world(harness)
    store, zahra, admin = harness.store, w.zahra, harness.admin
    assert admin is not None
    await w.maryam.send("/campaign")
    assert label("camp-new") not in str(w.maryam.last.buttons)
    await zahra.send("/campaign")
    assert [label("camp-new")] in zahra.last.buttons
    assert not any(b.startswith("⏹") for row in zahra.last.buttons for b in row)  # national
    await zahra.press(label("camp-new"))
    await zahra.send("پویش زمستان مرکزی")
    await zahra.send("صفر")
    assert label("camp-bad-target") in zahra.last.text
    await zahra.send("۲۵۰")
    await zahra.send(jalali.format_numeric(TODAY))
    await zahra.send(jalali.format_numeric(TODAY - timedelta(days=1)))
    assert label("camp-bad-end") in zahra.last.text
    await zahra.send(jalali.format_numeric(TODAY + timedelta(days=30)))
    area = (await store.categories.areas())[1]
    await zahra.press(area.name)
    summary = zahra.last.text
    assert "استان مرکزی" in summary and area.name in summary and "۲۵۰" in summary
    await zahra.press(label("camp-create"))
    row = await store.db.fetchone(
        "SELECT id, target, province_id, starts_on, ends_on, active FROM campaigns WHERE title = ?",
        ("پویش زمستان مرکزی",),
    )
    assert row is not None
    assert tuple(row)[1:] == (
        250,
        w.markazi,
        TODAY.isoformat(),
        (TODAY + timedelta(days=30)).isoformat(),
        1,
    )
    counted = await store.db.fetchall(
        "SELECT category_id FROM campaign_categories WHERE campaign_id = ? ORDER BY 1", (row[0],)
    )
    types = await store.db.fetchall(
        "SELECT id FROM categories WHERE parent_id = ? ORDER BY 1", (area.id,)
    )
    assert [r[0] for r in counted] == [r[0] for r in types] and types
    await admin.send("/campaign")
    assert "پویش زمستان مرکزی" in admin.last.text  # an admin sees every province's campaigns
    assert [label("camp-close", title="پویش زمستان مرکزی")] in admin.last.buttons
    await zahra.press(label("lookups-campaigns"))
    assert "پویش زمستان مرکزی" in zahra.last.text
    await zahra.press(label("camp-close", title="پویش زمستان مرکزی"))
    await zahra.press(label("button-yes"))
    assert label("camp-closed", title="پویش زمستان مرکزی") in zahra.last.text
    assert await _scalar(store, "SELECT active FROM campaigns WHERE id = ?", row[0]) == 0
    assert (
        await _scalar(store, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'campaign.%'") == 2
    )
    tehran_coordinator = await harness.sim.user("کاوه")
    await harness.coordinator(tehran_coordinator, "تهران")
    await tehran_coordinator.send("/campaign")
    await tehran_coordinator.press_data(
        tehran_coordinator.last.message_id, f"cpn:close:{w.campaign}"
    )
    assert tehran_coordinator.last_answer == label("not-allowed")
    assert await _scalar(store, "SELECT active FROM campaigns WHERE id = ?", w.campaign) == 1


async def test_since_joining_for_a_member_who_joined_mid_month(harness: Harness) -> None:
    w = await _world(harness)
    store, maryam = harness.store, w.maryam
    joined = MONTH_START + timedelta(days=9)  # mid-month, in Tehran
    await store.db.execute(
        "UPDATE memberships SET joined_at = ? WHERE volunteer_id = ? AND group_id = ?",
        (f"{joined.isoformat()}T08:00:00+03:30", maryam.id, w.omid),
    )
    await maryam.send("/stats")
    await maryam.press(label("counting-joined"))
    text = maryam.last.text
    _persian_only(text)
    services, reports, people, helpers = await _sums(
        store,
        "group_id = ? AND service_date >= ? AND service_date <= ?",
        w.omid,
        joined.isoformat(),
        TODAY.isoformat(),
    )
    assert reports and (services, reports) != await _sums(store, "group_id = ?", w.omid)
    assert label("counting-period-joined", since=jalali.format_date(joined, weekday=False)) in (
        text
    )
    assert label("stats-totals-groups", reports=reports) in text
    assert _people(people, helpers) in text
    assert label("stats-previous-month") not in text  # no "previous period" since joining
    chosen = label("lookups-chosen", name=label("counting-joined"))
    assert chosen in [name for row in maryam.last.buttons for name in row]
    # A person in no group has no such button, and a forged one is refused.
    stranger = await harness.sim.user("ناشناس")
    await stranger.send("/start")
    await stranger.send("/stats")
    assert label("counting-joined") not in str(stranger.last.buttons)
    await stranger.press_data(stranger.last.message_id, "st:show:4:0")
    assert stranger.last_answer == label("lookups-gone")
    await maryam.press_data(maryam.last.message_id, "top:show:4:0:0:0")  # not a leaderboard
    assert maryam.last_answer == label("lookups-gone")


@pytest.mark.parametrize("settings", [{"report": {"review": True}}])
async def test_a_coordinator_sees_the_waiting_reports_whatever_counts(harness: Harness) -> None:
    w = await _world(harness)
    await w.zahra.send("/start")
    await w.zahra.send("/stats")
    waiting = await _scalar(
        harness.store,
        "SELECT COUNT(*) FROM reports WHERE status = 'submitted' AND province_id = ?",
        w.markazi,
    )
    assert waiting and label("counting-waiting-province", count=waiting) in w.zahra.last.text
    await harness.store.db.execute(
        "UPDATE reports SET status = 'approved' WHERE status = 'submitted'"
    )
    await w.zahra.send("/stats")
    tail = label("counting-waiting-province", count=0).split("۰", 1)[1]
    assert tail.strip() and tail not in w.zahra.last.text


async def test_without_review_nothing_is_said_to_wait(harness: Harness) -> None:
    w = await _world(harness)  # submitted reports, but nobody reviews them: nothing waits
    await w.zahra.send("/start")
    await w.zahra.send("/stats")
    tail = label("counting-waiting-province", count=0).split("۰", 1)[1]
    assert tail.strip() and tail not in w.zahra.last.text


async def test_people_are_shown_only_when_given(harness: Harness) -> None:
    store = harness.store
    sara = await harness.sim.user("سارا")
    await sara.send("/start")
    group = await harness.group(sara, "گروه شفا", "اراک")
    area = (await store.categories.areas())[0]
    category = (await store.categories.types(area.id))[0].id
    await _insert(store, group, sara.id, category, 6, TODAY)  # both questions skipped
    await sara.send("/stats")
    month = _between(MONTH_START, MONTH_LAST + timedelta(days=1))
    where = "group_id = ? AND service_date >= ? AND service_date < ?"
    _, reports, people, helpers = await _sums(store, where, group, *month)
    assert (people, helpers) == (0, 0)
    text = sara.last.text
    assert label("stats-totals-groups", reports=reports) in text
    assert "بهره‌مند" not in text and "داوطلب" not in text
    await sara.press(label("menu-group"))
    card = sara.last.text
    assert await _card_line(store, "lookups-card-month", where, group, *month) in card
    assert "بهره‌مند" not in card and "۰" not in card
    await _insert(store, group, sara.id, category, 2, TODAY, beneficiaries=7)
    await sara.send("/stats")  # the card replaced the figures: they are asked for again
    await sara.press(label("lookups-week"))
    week = _between(WEEK_START, WEEK_START + timedelta(days=7))
    _, _, people, helpers = await _sums(store, where, group, *week)
    assert (people, helpers) == (7, 0)
    text = sara.last.text
    assert label("stats-people-beneficiaries", beneficiaries=people) in text.splitlines()
    assert "داوطلب" not in text


async def test_find_short_words_allow_no_typo_and_places_name_the_month(harness: Harness) -> None:
    w = await _world(harness)
    store, maryam = harness.store, w.maryam
    await harness.group(w.amir, "گروه یاران زاهدان", "زاهدان")  # «یارا» is one letter off «اراک»
    await maryam.send("/find اراک")
    text = maryam.last.text
    places = await _scalar(
        store,
        "SELECT (SELECT COUNT(*) FROM provinces WHERE instr(search_key, 'اراک') > 0)"
        " + (SELECT COUNT(*) FROM counties WHERE instr(search_key, 'اراک') > 0)",
    )
    assert places >= 1
    assert text.splitlines()[0] == label("stats-find-title-places", query="اراک", places=places)
    assert "زاهدان" not in text and "چاراویماق" not in text and "(نام نزدیک)" not in text
    month = _between(MONTH_START, MONTH_LAST + timedelta(days=1))
    _, reports, _, _ = await _sums(
        store, "county_id = (SELECT county_id FROM groups WHERE id = ?) AND service_date >= ?"
        " AND service_date < ?", w.omid, *month,
    )  # fmt: skip
    assert "این ماه: " + label("stats-totals-groups", reports=reports) in text
    await maryam.send("/find اميد")  # Arabic ye: the same four letters as «امید»
    text = maryam.last.text
    places = await _scalar(
        store,
        "SELECT (SELECT COUNT(*) FROM provinces WHERE instr(search_key, 'امید') > 0)"
        " + (SELECT COUNT(*) FROM counties WHERE instr(search_key, 'امید') > 0)",
    )
    title = label("stats-find-title", query="امید", groups=1, places=places)
    assert text.splitlines()[0] == title  # «امیدیه» holds the word; no typo hits
    assert "گروه امید" in text and "ورامین" not in text and "حمیدیه" not in text
    await maryam.send("/find یاران زاهدانن")  # a long name keeps its one typo
    assert "گروه یاران زاهدان" in maryam.last.text and "(نام نزدیک)" in maryam.last.text
