"""The figures a demo walk found wrong (WALK1.md items 2, 3, 9, 10 and the counting part of 13),
end to end through the simulator. Every figure is the test's own SQL over the reports table,
written with the locale strings.

- item 2: one verdict per campaign line, never contradicting itself; nothing judged on a
  campaign's first day; a pace that reaches the target within rounding reaches it.
- item 3: with only approved reports counting, every count says what waits for review.
- item 9: a province's channel gets that province's share line of each national campaign.
- item 10: the receipt names the review queue truthfully, once; the coordinator's /stats says
  what waits once.
- item 13: one separator between figures, one ranking rule for ties, no province or unit left
  out silently.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core import jalali
from bot.core.i18n import label
from bot.core.text import fmt_percent, progress_bar
from bot.digest.render import last_ended_week
from bot.figures.wording import percent_text
from db.channels import ChannelScope
from simulator.testing import SimUser
from tests.conftest import TODAY, Harness
from tests.test_figures import _campaign_sums, _file, _plain, _scalar, _type
from tests.test_lookups import _insert

LIVE = "status != 'deleted'"
APPROVED = "status = 'approved'"
WAITING = "status = 'submitted'"
REVIEWED = {"report": {"review": True}, "stats": {"counting": "approved"}}
WEEK_START = jalali.week_of(TODAY)[0]
FRIDAY = WEEK_START - timedelta(days=1)  # the last week ended: its digest's day
UNIT = "خدمت"


async def _leader(harness: Harness, name: str, group: str, county: str) -> tuple[SimUser, int]:
    """A leader who has started the bot, and their group."""
    user = await harness.sim.user(name)
    await user.send("/start")
    group_id = await harness.group(user, group, county)
    await user.send("/start")  # the menu now offers reporting
    return user, group_id


def _block(text: str, title: str) -> str:
    """The part of a screen (blank-line separated) about one campaign."""
    found = [part for part in _plain(text).split("\n\n") if f"🎯 {title}:" in part]
    assert len(found) == 1, text
    return found[0]


def _marks(text: str) -> int:
    """How many verdicts on schedule (✅ or ⚠️) a text gives."""
    return len(re.findall("(✅|⚠️) (طبق برنامه|از برنامه)", text))


def _waiting(count: int, unit: str = "گزارش") -> str:
    """What a count leaves out while it waits for review, as every surface says it."""
    return label("stats-waiting", amount=label("stats-amount", value=count, measure=unit))


async def _digest(admin: SimUser, scope: str = "") -> str:
    """What /digest shows an admin of the last week ended, as read."""
    before = len(admin.messages)
    await admin.send(f"/digest {scope}".strip())
    return "\n".join(_plain(m.text or "") for m in admin.messages[before:])


# --- item 2: one verdict ------------------------------------------------------------------------


async def test_a_pace_within_rounding_reaches_and_a_first_day_is_not_judged(
    harness: Harness,
) -> None:
    """The walk's /campaign: «✅ طبق برنامه است» and «روزانه حدود ۸۹» beside «نمی‌رسد؛ روزی ۸۹
    لازم است»; and a campaign made today «⚠️ از برنامه عقب» on its first day."""
    store, admin = harness.store, harness.admin
    assert admin is not None
    reza, group = await _leader(harness, "رضا", "گروه امید", "اراک")
    meal = (await _type(store, "hot-meal"))[0]
    title, days, target = "پویش زمستان", 100, 10000
    starts = TODAY - timedelta(days=80)  # today is its 81st day: 80 days are over
    ends = starts + timedelta(days=days - 1)
    campaign = await store.campaigns.create(title, target, UNIT, starts, ends)
    for quantity, back in ((5750, 60), (2479, 10)):
        await _insert(store, group, reza.id, meal, quantity, TODAY - timedelta(days=back),
                      campaign=campaign, status="approved")  # fmt: skip
    fresh_title, fresh_target = "پویش تازه", 300
    fresh = await store.campaigns.create(
        fresh_title, fresh_target, UNIT, TODAY, TODAY + timedelta(days=29)
    )
    markazi = await _scalar(store, "SELECT province_id FROM groups WHERE id = ?", group)
    await store.stats.set_shares(fresh, {markazi: fresh_target})
    receipt = await _file(harness, reza, title, "hot-meal", 1)

    # By SQL: 8,230 done, 2,480 of them in the last 28 days; 1,770 left in 20 days.
    done, recent = await _campaign_sums(store, campaign, TODAY, 28)
    left_days = (ends - TODAY).days + 1
    need = math.ceil((target - done) / left_days)
    daily = round(recent / 28)
    projected = TODAY + timedelta(days=math.ceil((target - done) * 28 / recent))
    assert (done, recent, left_days, need, daily) == (8230, 2480, 20, 89, 89)
    assert projected > ends  # exactly, a day late: within rounding of the pace as said
    expected = target * 80 // days
    schedule = label("stats-schedule-on", when=label("stats-when-today"), expected=expected,
                     unit=UNIT)  # fmt: skip
    pace = label("stats-pace-daily", daily=daily, unit=UNIT)
    outlook = label("stats-outlook-at-end", span=label("stats-pace-weeks"), pace=pace,
                    end=jalali.format_day_month(ends))  # fmt: skip
    verdict = label("stats-verdict-and", schedule=schedule, outlook=outlook)
    bar = label("stats-campaign-progress", title=title, count=done, target=target, unit=UNIT,
                percent=percent_text(done, target), bar=progress_bar(done, target))  # fmt: skip

    await reza.send("/campaign")
    shown = _block(reza.last.text or "", title)
    for text in (shown, _plain(receipt)):
        assert _plain(bar) in text and verdict in text, text
        assert "نمی‌رسد" not in text and "کمتر از روزی" not in text
        assert _marks(text) == 1  # one verdict

    # The campaign made today: nothing was due yet, so no verdict on schedule, no «۰٪ از کل».
    first = _block(reza.last.text or "", fresh_title)
    need_fresh = math.ceil(fresh_target / 30)
    assert label("stats-campaign-first-day", end=jalali.format_day_month(TODAY +
                 timedelta(days=29)), need=need_fresh, unit=UNIT) in first  # fmt: skip
    assert "⚠️" not in first and "✅" not in first and "نمی‌رسد" not in first
    assert "کار استان" not in first and "کار گروه" not in first
    share = label(
        "stats-share-line",
        mark=label("stats-mark-on"),
        name="مرکزی",
        count=0,
        target=fresh_target,
        percent=percent_text(0, fresh_target),
        expected=0,
    )
    assert share in (reza.last.text or "")  # fmt: skip
    assert label("stats-shares-behind", behind=1, total=1) not in (reza.last.text or "")

    # The digest of the last week ended: as of its Friday, the Friday over.
    done, recent = await _campaign_sums(store, campaign, FRIDAY, 28)
    over = (FRIDAY - starts).days + 1
    left_days = (ends - FRIDAY).days
    need = math.ceil((target - done) / left_days)
    daily = round(recent / 28)
    finish = FRIDAY + timedelta(days=math.ceil((target - done) * 28 / recent))
    assert finish < ends and daily >= need
    schedule = label("stats-schedule-on", when=label("digest-when-week-end"),
                     expected=target * over // days, unit=UNIT)  # fmt: skip
    pace = label("stats-pace-daily", daily=daily, unit=UNIT)
    outlook = label("stats-outlook-by", span=label("stats-pace-weeks"), pace=pace,
                    date=jalali.format_day_month(finish))  # fmt: skip
    digest = _block(await _digest(admin), title)
    assert label("stats-verdict-and", schedule=schedule, outlook=outlook) in digest, digest
    assert _marks(digest) == 1


async def test_on_schedule_with_a_short_pace_says_both_in_one_sentence(harness: Harness) -> None:
    """The same sentence on /campaign, the receipt and the coordinator's /stats."""
    store = harness.store
    zahra = await harness.sim.user("زهرا")
    markazi = await harness.coordinator(zahra, "مرکزی")
    reza, group = await _leader(harness, "رضا", "گروه امید", "اراک")
    meal = (await _type(store, "hot-meal"))[0]
    title, days, target = "پویش کند مرکزی", 100, 1000
    starts = TODAY - timedelta(days=50)
    ends = starts + timedelta(days=days - 1)
    campaign = await store.campaigns.create(title, target, UNIT, starts, ends, markazi)
    await _insert(store, group, reza.id, meal, 530, starts + timedelta(days=3),
                  campaign=campaign)  # fmt: skip
    for back in range(1, 28, 2):  # 14 reports of 5 in the last four weeks
        await _insert(store, group, reza.id, meal, 5, TODAY - timedelta(days=back),
                      campaign=campaign)  # fmt: skip
    receipt = await _file(harness, reza, title, "hot-meal", 4)

    done, recent = await _campaign_sums(store, campaign, TODAY, 28)
    expected = target * 50 // days
    need = math.ceil((target - done) / ((ends - TODAY).days + 1))
    daily = round(recent / 28)
    assert done >= expected and 0 < daily < need  # ahead of the schedule, too slow to finish
    schedule = label("stats-schedule-on", when=label("stats-when-today"), expected=expected,
                     unit=UNIT)  # fmt: skip
    outlook = label("stats-outlook-short", span=label("stats-pace-weeks"),
                    pace=label("stats-pace-daily", daily=daily, unit=UNIT), need=need,
                    unit=UNIT, end=jalali.format_day_month(ends))  # fmt: skip
    verdict = label("stats-verdict-but", schedule=schedule, outlook=outlook)
    await reza.send("/campaign")
    await zahra.send("/stats")
    for text in (_block(reza.last.text or "", title), _plain(receipt),
                 _block(zahra.last.text or "", title)):  # fmt: skip
        assert verdict in text, text
        assert _marks(text) == 1 and "نمی‌رسد" not in text


# --- item 3: what waits, on every count -----------------------------------------------------------


@pytest.mark.parametrize("settings", [REVIEWED])
async def test_with_review_every_count_says_what_waits(harness: Harness) -> None:
    """The walk's leader: his receipt counted his report, his card and /top said he had none,
    a back-dated receipt added a waiting 120 into «شمرده شد», and /stats compared approved
    reports alone with last month («۸۷٪ کمتر»)."""
    store = harness.store
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    reza, group = await _leader(harness, "رضا", "گروه امید", "اراک")
    meal, _, _, meal_unit = await _type(store, "hot-meal")
    package, _, _, package_unit = await _type(store, "food-package")
    last_week = WEEK_START - timedelta(days=5)  # a Monday
    await _insert(store, group, reza.id, package, 17, last_week, status="approved")
    await _insert(store, group, reza.id, package, 120, last_week)  # waiting for review
    month_start = jalali.month_of(TODAY)[0]
    before = jalali.month_of(month_start - timedelta(days=1))[0]
    for day in range(8):  # last month's same days: eight reports, approved long ago
        await _insert(store, group, reza.id, meal, 10, before + timedelta(days=day),
                      status="approved")  # fmt: skip

    async def figures(first: date, last: date) -> str:
        """A group's figures of some days as the card and receipt say them, by SQL."""
        where = "r.group_id = ? AND r.service_date BETWEEN ? AND ?"
        params = (group, first.isoformat(), last.isoformat())
        rows = await store.db.fetchall(
            "SELECT c.unit, SUM(r.quantity) AS q, COUNT(*) FROM reports r JOIN categories c"
            f" ON c.id = r.category_id WHERE r.{APPROVED} AND {where} GROUP BY c.unit"
            " ORDER BY q DESC",
            params,
        )
        waiting = await _scalar(store, f"SELECT COUNT(*) FROM reports r WHERE r.{WAITING}"
                                f" AND {where}", *params)  # fmt: skip
        parts = []
        if rows:
            units = label("stats-join").join(
                label("stats-unit-amount", quantity=int(q), unit=u) for u, q, _ in rows
            )
            parts.append(label("stats-figures", reports=sum(int(r[2]) for r in rows),
                               units=units))  # fmt: skip
        if waiting:
            parts.append(_waiting(waiting))
        return label("stats-join").join(parts)

    # Today's report waits: the receipt, the card and /top all say so, and nobody says «none».
    receipt = await _file(harness, reza, "", "hot-meal", 5)
    week = await figures(WEEK_START, WEEK_START + timedelta(days=6))
    assert week == _waiting(1)
    assert label("report-week-totals", figures=week) in _plain(receipt)
    await reza.press(label("menu-group"))
    card = _plain(reza.last.text or "")
    assert label("lookups-card-week", figures=week) in card
    assert label("lookups-card-week-none") not in card
    await reza.send("/top")
    top = _plain(reza.last.text or "")
    assert label("stats-top-own-waiting", name="گروه امید", waiting=_waiting(1)) in top
    assert label("stats-top-own-none", name="گروه امید") not in top
    assert "ثبت نشده" not in top  # nothing counts yet, but one report was filed and waits

    # A back-dated report: its week's figures count the approved 17 and say two wait (the
    # walk's receipt said «شمرده شد» over 137 بسته, the waiting 120 inside).
    receipt = await _file(harness, reza, "", "food-package", 9, day=last_week)
    then = await figures(WEEK_START - timedelta(days=7), WEEK_START - timedelta(days=1))
    assert then == label("stats-join").join(
        [label("stats-figures", reports=1, units=f"۱۷ {package_unit}"), _waiting(2)]
    )
    week_name = jalali.format_range(WEEK_START - timedelta(days=7), FRIDAY)
    assert label("report-other-week-totals", week=week_name, figures=then) in _plain(receipt)
    assert meal_unit != package_unit

    # /stats: approved reports, what waits on the same line, and the change of reports filed.
    await reza.send("/stats")
    stats = _plain(reza.last.text or "")
    month = (month_start.isoformat(), TODAY.isoformat())
    counted = await _scalar(store, f"SELECT COUNT(*) FROM reports WHERE {APPROVED} AND"
                            " service_date BETWEEN ? AND ?", *month)  # fmt: skip
    waiting = await _scalar(store, f"SELECT COUNT(*) FROM reports WHERE {WAITING} AND"
                            " service_date BETWEEN ? AND ?", *month)  # fmt: skip
    same_days = (before.isoformat(), (before + (TODAY - month_start)).isoformat())
    previous = await _scalar(store, "SELECT COUNT(*) FROM reports WHERE status IN"
                             " ('approved', 'submitted') AND service_date BETWEEN ? AND ?",
                             *same_days)  # fmt: skip
    assert (counted, waiting, previous) == (1, 3, 8)
    change = label("stats-change-down", percent=fmt_percent(previous - counted - waiting,
                   previous), previous=label("stats-previous-month-part"))  # fmt: skip
    totals = label("stats-join").join(
        [label("stats-totals-groups", reports=counted), _waiting(waiting)]
    )
    assert f"{totals} ({change})" in stats, stats
    assert stats.count("در انتظار بررسی") == 1


# --- item 10: the queue named truthfully, once ------------------------------------------------


@pytest.mark.parametrize("settings", [REVIEWED])
async def test_the_receipt_names_the_queue_and_the_coordinator_reads_it_once(
    harness: Harness,
) -> None:
    store = harness.store
    zahra = await harness.sim.user("زهرا")
    markazi = await harness.coordinator(zahra, "مرکزی")
    reza, _ = await _leader(harness, "رضا", "گروه امید", "اراک")
    amir, _ = await _leader(harness, "امیر", "گروه مهر", "سمنان")
    semnan_coordinators = await _scalar(
        store, "SELECT COUNT(*) FROM roles r JOIN provinces p ON p.id = r.province_id"
        " WHERE r.role = 'coordinator' AND p.name = 'سمنان'"
    )  # fmt: skip
    assert semnan_coordinators == 0  # only the admins review Semnan's reports
    semnan = await _file(harness, amir, "", "hot-meal", 6, county="سمنان", province="سمنان")
    queue = label("review-queue-admins")
    assert label("review-pending-line-counted", queue=queue) in semnan
    assert "هماهنگ‌کننده" not in semnan
    arak = await _file(harness, reza, "", "hot-meal", 7)
    queue = label("review-queue-coordinators", province="مرکزی")
    assert label("review-pending-line-counted", queue=queue) in arak
    for receipt in (semnan, arak):  # one line on the review; «⏳ … در انتظار» once, the week's
        assert receipt.count("⏳") == 1 and receipt.count("صف بررسی") == 1

    # The coordinator: the month's waiting report on the figures, not again as the queue.
    await zahra.send("/stats")
    text = _plain(zahra.last.text or "")
    sql = f"SELECT COUNT(*) FROM reports WHERE {WAITING} AND province_id = ?"
    assert await _scalar(store, sql, markazi) == 1
    assert _waiting(1) in text and text.count("در انتظار بررسی") == 1
    assert label("counting-waiting-province", count=1) not in text
    # One more waits from last month: the queue (every date) is said apart, with its own count.
    old = jalali.month_of(jalali.month_of(TODAY)[0] - timedelta(days=1))[0]
    group = await _scalar(store, "SELECT id FROM groups WHERE name = 'گروه امید'")
    await _insert(store, group, reza.id, (await _type(store, "hot-meal"))[0], 3, old)
    await zahra.send("/stats")
    text = _plain(zahra.last.text or "")
    queued = await _scalar(store, sql, markazi)
    assert queued == 2 and _waiting(1) in text
    assert label("counting-waiting-province", count=queued) in text


# --- item 9: a province's channel gets its own share --------------------------------------------


async def test_a_province_channel_gets_its_share_of_each_national_campaign(
    harness: Harness,
) -> None:
    store, sim, admin = harness.store, harness.sim, harness.admin
    assert admin is not None
    reza, group = await _leader(harness, "رضا", "گروه امید", "اراک")
    amir, tehran_group = await _leader(harness, "امیر", "گروه مهر", "تهران")
    meal = (await _type(store, "hot-meal"))[0]
    title, days = "پویش ملی", 100
    starts = TODAY - timedelta(days=39)
    campaign = await store.campaigns.create(title, 1000, UNIT, starts,
                                            starts + timedelta(days=days - 1))  # fmt: skip
    markazi = await _scalar(store, "SELECT province_id FROM groups WHERE id = ?", group)
    tehran = await _scalar(store, "SELECT province_id FROM groups WHERE id = ?", tehran_group)
    shares = {markazi: 300, tehran: 700}
    await store.stats.set_shares(campaign, shares)
    await _insert(store, group, reza.id, meal, 150, TODAY - timedelta(days=7), campaign=campaign)
    await _insert(store, tehran_group, amir.id, meal, 90, TODAY, campaign=campaign)

    owner = await sim.user("مدیر کانال")
    channel = await sim.channel("کانال خدمت‌یار استان مرکزی", owner=owner)
    await store.channels.add(channel.id, "کانال استان", ChannelScope.province(markazi))
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)  # Friday 20:01 in Tehran
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("digest-tick")
    await job.run(harness.app)
    await sim.refresh()
    friday = last_ended_week(jalali.today(harness.clock)) + timedelta(days=6)
    assert friday == jalali.today(harness.clock)  # a Friday ends its own week
    posted = "\n".join(_plain(p.text or "") for p in channel.posts if p.from_bot)
    assert jalali.format_range(friday - timedelta(days=6), friday) in posted

    over = (friday - starts).days + 1  # the week's Friday over
    done = await _scalar(store, f"SELECT IFNULL(SUM(quantity), 0) FROM reports WHERE {LIVE}"
                         " AND campaign_id = ? AND province_id = ? AND service_date <= ?",
                         campaign, markazi, friday.isoformat())  # fmt: skip
    due = shares[markazi] * over // days
    head = label(
        "stats-share-province",
        title=title,
        name="مرکزی",
        count=done,
        target=shares[markazi],
        unit=UNIT,
        percent=percent_text(done, shares[markazi]),
    )
    key = "stats-schedule-on" if done >= due else "stats-schedule-behind"
    schedule = label(key, when=label("digest-when-week-end"), expected=due, unit=UNIT)
    block = _block(posted, title)
    assert _plain(head) in block and label("stats-verdict-alone", schedule=schedule) in block
    assert "استان از" not in block and "همهٔ" not in block  # not the national count of provinces

    # The national preview says what the national channels get, and what the others get.
    national = await _digest(admin)
    assert label("stats-shares-behind", behind=1, total=2) in national or label(
        "stats-shares-on", total=2) in national  # fmt: skip
    assert label("digest-preview-post") in national and "سراسری" in label("digest-preview-post")
    province = await _digest(admin, "province:مرکزی")
    assert label("digest-preview-post") not in province  # no map, no album: no such note


# --- item 13: one separator, one ranking rule, nothing left out silently -----------------------


async def test_figures_join_one_way_ties_share_a_rank_and_nothing_is_dropped(
    harness: Harness,
) -> None:
    store, admin = harness.store, harness.admin
    assert admin is not None
    counties = ["اراک", "تهران", "سمنان", "کرمان", "شیراز", "تبریز", "مشهد", "اصفهان", "قم"]
    leaders = []
    for i, county in enumerate(counties):
        leaders.append(await _leader(harness, f"سرگروه {i}", f"گروه {county}", county))
    provinces = await _scalar(store, "SELECT COUNT(DISTINCT province_id) FROM groups")
    assert provinces == 9
    reza, group = leaders[0]
    slugs = ["hot-meal", "food-package", "housing-repair", "dowry", "clothing"]
    for n, slug in enumerate(slugs):  # five units: each named, none hidden behind «…»
        category = (await _type(store, slug))[0]
        await _insert(store, group, reza.id, category, 50 - n, TODAY, beneficiaries=10)
    for user, other in leaders[1:4]:  # three groups tied at two reports each, the rest one
        for _ in range(2):
            await _insert(store, other, user.id, (await _type(store, "hot-meal"))[0], 1,
                          FRIDAY - timedelta(days=1))  # fmt: skip
    for user, other in leaders[4:]:
        await _insert(store, other, user.id, (await _type(store, "hot-meal"))[0], 1, TODAY)

    # The card: five units, all named; the people served joined by the one separator.
    await reza.press(label("menu-group"))
    card = _plain(reza.last.text or "")
    rows = await store.db.fetchall(
        "SELECT c.unit, SUM(r.quantity) AS q FROM reports r JOIN categories c ON"
        f" c.id = r.category_id WHERE r.{LIVE} AND r.group_id = ? GROUP BY c.unit"
        " ORDER BY q DESC",
        (group,),
    )
    assert len(rows) == 5
    units = label("stats-join").join(
        label("stats-unit-amount", quantity=int(q), unit=u) for u, q in rows
    )
    people = label("stats-people-beneficiaries", beneficiaries=50)
    figures = label("stats-join").join([label("stats-figures", reports=5, units=units), people])
    assert label("lookups-card-week", figures=figures) in card and "…" not in card

    # The admin's /stats: every province with a report, none dropped.
    await admin.send("/stats")
    stats = _plain(admin.last.text or "")
    reported = await store.db.fetchall(
        f"SELECT p.name, COUNT(*) FROM reports r JOIN provinces p ON p.id = r.province_id"
        f" WHERE r.{LIVE} AND r.service_date >= ? GROUP BY p.id",
        (jalali.month_of(TODAY)[0].isoformat(),),
    )
    assert len(reported) == 9
    for name, _count in reported:
        assert re.search(rf"^[۰-۹]+\. {name} — ", stats, re.M), name

    # Ties: the digest of last week ranks as /top does (1, 1, 1 for three equal counts).
    digest = await _digest(admin)
    week = (FRIDAY - timedelta(days=6)).isoformat(), FRIDAY.isoformat()
    counts = await store.db.fetchall(
        "SELECT g.name, COUNT(*) AS n FROM reports r JOIN groups g ON g.id = r.group_id"
        f" WHERE r.{LIVE} AND r.service_date BETWEEN ? AND ? GROUP BY g.id ORDER BY n DESC",
        week,
    )
    assert [int(r[1]) for r in counts] == [2, 2, 2]
    for name, n in counts:
        line = label("digest-rank-line", rank=1, name=name, reports=int(n))
        assert line in digest, digest
    await admin.send("/top")
    top = _plain(admin.last.text or "")
    today_counts = [int(r[0]) for r in await store.db.fetchall(
        f"SELECT COUNT(*) AS n FROM reports WHERE {LIVE} AND service_date >= ?"
        " GROUP BY group_id ORDER BY n DESC", (WEEK_START.isoformat(),))]  # fmt: skip
    ranks = [1 + sum(1 for c in today_counts if c > n) for n in today_counts]
    assert [int(m) for m in re.findall(r"^([0-9]+)\. ", top.translate(
        str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")), re.M)] == ranks  # fmt: skip
    # No «·» beside Persian digits anywhere a figure is joined.
    for text in (card, stats, digest, top):
        assert "·" not in text
