"""[stats] counting = "approved": only approved reports count; the ones waiting are shown apart.

End to end through the simulator on the seeded world of tests/test_lookups.py: a submitted report
moves no figure of /stats, /campaign, /top or the weekly digest but shows as waiting; approving it
(a direct status update, as the review queue will do) moves them. Every number is the test's own
SQL over the reports table.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from bot.core.i18n import label
from bot.core.text import progress_bar
from bot.digest.render import render_html
from bot.figures.wording import percent_text
from db.channels import ChannelScope
from db.digest_queries import week_digest
from db.stats import Counting
from db.store import Store
from tests.conftest import TODAY, Harness
from tests.test_lookups import MONTH_LAST, MONTH_START, WEEK_START, World, _insert, _world

APPROVED = "status = 'approved'"
WAITING = "status = 'submitted'"


def waiting_line(count: int, unit: str = "گزارش") -> str:
    """What a count leaves out while it waits for review, as every surface says it."""
    return label("stats-waiting", amount=label("stats-amount", value=count, measure=unit))


@pytest.fixture
def settings() -> dict[str, Any]:
    """Only approved reports count in this module."""
    return {"stats": {"counting": "approved"}, "report": {"review": True}}


async def _sums(store: Store, status: str, where: str, *params: object) -> tuple[int, int]:
    """(services, reports) of the reports with a status matching the condition."""
    row = await store.db.fetchone(
        f"SELECT COALESCE(SUM(quantity), 0), COUNT(*) FROM reports WHERE {status} AND {where}",
        params,
    )
    assert row is not None
    return int(row[0]), int(row[1])


async def _month_of_omid(store: Store, w: World, status: str) -> tuple[int, int]:
    """Services and reports of «گروه امید» this Jalali month with a status."""
    return await _sums(
        store,
        status,
        "group_id = ? AND service_date >= ? AND service_date <= ?",
        w.omid,
        MONTH_START.isoformat(),
        MONTH_LAST.isoformat(),
    )


async def _check_stats(harness: Harness, w: World) -> None:
    """Maryam's /stats: approved figures, and the waiting ones apart."""
    store = harness.store
    await w.maryam.send("/stats")
    text = w.maryam.last.text
    _, reports = await _month_of_omid(store, w, APPROVED)
    assert label("stats-totals-groups", reports=reports) in text
    _, waiting = await _month_of_omid(store, w, WAITING)
    assert waiting > 0
    assert waiting_line(waiting) in text


async def _check_campaign(harness: Harness, w: World) -> None:
    """/campaign: the bar counts approved reports, the waiting quantity apart."""
    store = harness.store
    await w.maryam.send("/campaign")
    text = w.maryam.last.text
    done, _ = await _sums(store, APPROVED, "campaign_id = ?", w.campaign)
    target = 500
    bar = label(
        "stats-campaign-progress",
        title="پویش ۱۱ هزار خدمت",
        count=done,
        target=target,
        unit="خدمت",
        percent=percent_text(done, target),
        bar=progress_bar(done, target),
    )
    assert bar.replace("<b>", "").replace("</b>", "") in text
    waiting, _ = await _sums(store, WAITING, "campaign_id = ?", w.campaign)
    assert waiting_line(waiting, "خدمت") in text


async def _check_top(harness: Harness, w: World) -> None:
    """/top: this week's groups ranked by approved reports only."""
    store = harness.store
    await w.maryam.send("/top")
    text = w.maryam.last.text
    rows = await store.db.fetchall(
        "SELECT g.name, c.name, COUNT(*) AS q FROM reports r"
        " JOIN groups g ON g.id = r.group_id JOIN counties c ON c.id = g.county_id"
        f" WHERE r.{APPROVED} AND r.service_date >= ? AND r.service_date < ?"
        " GROUP BY g.id ORDER BY q DESC, g.id",
        (WEEK_START.isoformat(), (WEEK_START + timedelta(days=7)).isoformat()),
    )
    assert rows
    measure = label("stats-measure-reports")
    for name, county, count in rows:
        rank = 1 + sum(1 for row in rows if row[2] > count)  # ties share a rank
        amount = label("stats-amount", value=count, measure=measure)
        line = label("stats-top-line", rank=rank, name=name, place=county, amount=amount)
        assert line in text
    ranked = [line for line in text.split("\n") if re.match("^[۰-۹]+\\. ", line)]
    assert len(ranked) == len(rows)
    # Maryam's own group: what of it waits this week, not «هنوز خدمتی ثبت نکرده است».
    _, waiting = await _sums(
        store,
        WAITING,
        "group_id = ? AND service_date >= ? AND service_date < ?",
        w.omid,
        WEEK_START.isoformat(),
        (WEEK_START + timedelta(days=7)).isoformat(),
    )
    if waiting:
        own = label("stats-top-own-waiting", name="گروه امید", waiting=waiting_line(waiting))
        assert own in text
    if all(r[0] != "گروه امید" for r in rows):
        none = label("stats-top-own-none", name="گروه امید")
        assert (none in text) is not bool(waiting)


async def _check_digest(harness: Harness) -> None:
    """The national digest of this week: approved figures and the waiting count."""
    store = harness.store
    assert store.stats.counting is Counting.APPROVED
    digest = await week_digest(
        store.db, ChannelScope.national(), WEEK_START, counting=store.stats.counting
    )
    week = (WEEK_START.isoformat(), (WEEK_START + timedelta(days=6)).isoformat())
    services, reports = await _sums(store, APPROVED, "service_date BETWEEN ? AND ?", *week)
    assert (digest.current.services, digest.current.reports) == (services, reports)
    _, waiting = await _sums(store, WAITING, "service_date BETWEEN ? AND ?", *week)
    assert digest.pending == waiting
    if waiting:
        assert waiting_line(waiting) in render_html(digest)
    groups = await store.db.fetchall(
        f"SELECT group_id, COUNT(*) AS q FROM reports WHERE {APPROVED}"
        " AND service_date BETWEEN ? AND ? GROUP BY group_id ORDER BY q DESC",
        week,
    )
    assert [item.reports for item in digest.top_groups] == [int(r[1]) for r in groups][:5]
    assert sum(digest.days) == reports


async def test_a_waiting_report_moves_nothing_until_approved(harness: Harness) -> None:
    w = await _world(harness)
    store = harness.store
    before = await _month_of_omid(store, w, APPROVED)
    await _check_stats(harness, w)
    await _check_campaign(harness, w)
    await _check_top(harness, w)
    await _check_digest(harness)

    # A new report waits for review: the figures stay, the waiting ones grow.
    await _insert(store, w.omid, w.reza.id, w.types[0], 30, TODAY, campaign=w.campaign)
    new_id = int(await store.db.scalar("SELECT MAX(id) FROM reports"))
    assert await _month_of_omid(store, w, APPROVED) == before
    await _check_stats(harness, w)
    await _check_campaign(harness, w)
    await _check_top(harness, w)
    await _check_digest(harness)

    # Approved (as the review queue will do it): now it counts.
    await store.db.execute("UPDATE reports SET status = 'approved' WHERE id = ?", (new_id,))
    after = await _month_of_omid(store, w, APPROVED)
    assert after == (before[0] + 30, before[1] + 1)
    await _check_stats(harness, w)
    await _check_campaign(harness, w)
    await _check_top(harness, w)
    await _check_digest(harness)


async def test_the_receipt_says_a_report_counts_after_review(harness: Harness) -> None:
    from handlers.report.receipt import receipt_text

    w = await _world(harness)
    store = harness.store
    await _insert(store, w.omid, w.reza.id, w.types[0], 30, TODAY, campaign=w.campaign)
    report = await store.reports.get(int(await store.db.scalar("SELECT MAX(id) FROM reports")))
    assert report is not None
    text = await receipt_text(store, report, edited=False, queued=True)
    queue = label("review-queue-coordinators", province="مرکزی")  # Zahra's province
    assert label("review-pending-line-counted", queue=queue) in text
    done, _ = await _sums(store, APPROVED, "campaign_id = ?", w.campaign)
    assert progress_bar(done, 500) in text


async def test_a_coordinator_sees_the_waiting_reports_of_their_province(
    harness: Harness,
) -> None:
    w = await _world(harness)
    await w.zahra.send("/start")
    await w.zahra.send("/stats")
    waiting = await harness.store.db.scalar(
        f"SELECT COUNT(*) FROM reports WHERE {WAITING} AND province_id = ?", (w.markazi,)
    )
    assert waiting
    assert label("counting-waiting-province", count=waiting) in w.zahra.last.text
