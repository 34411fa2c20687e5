"""Streaks: a group's run of Saturday–Friday weeks with a report, on the receipt, the group card,
the digest and the weekly reminder; every run checked against the test's own count, on both
engines."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.core.i18n import label, t
from bot.digest.render import render_html, to_plain
from db.channels import ChannelScope
from db.digest_queries import week_digest
from db.models import ReportStatus
from db.stats import Counting
from db.store import Store
from simulator.testing import SimUser
from tests.conftest import Harness, report_input
from tests.test_report import fill_report, leader_with_campaign

WEEK = date(2026, 11, 14)  # the Saturday of the tests' today (Wednesday 1405/08/27)
THURSDAY_EVENING = datetime(2026, 11, 19, 14, 31, tzinfo=UTC)  # 18:01 in Tehran
# A run is read by a recursive query each engine plans its own way (PostgreSQL once hashed the
# whole weekly table on every step of it): both engines count alike.
pytestmark = pytest.mark.both_engines


async def _run(
    store: Store, group: int, saturday: date, counted: str = "status != 'deleted'"
) -> int:
    """The test's own count: weeks in a row with a counted report, ending with this Saturday's
    (the week's Saturday found in Python: Monday is 0, Saturday 5)."""
    rows = await store.db.fetchall(
        f"SELECT DISTINCT service_date FROM reports WHERE group_id = ? AND {counted}", (group,)
    )
    days = [date.fromisoformat(r[0]) for r in rows]
    weeks = {day - timedelta(days=(day.weekday() + 2) % 7) for day in days}
    run = 0
    while saturday - timedelta(weeks=run) in weeks:
        run += 1
    return run


async def _report_weeks_ago(
    store: Store, group: int, leader: SimUser, *weeks_ago: int, county: str = "اراک"
) -> list[int]:
    """One report on the Monday of each of these weeks before this one; their ids."""
    ids = []
    for weeks in weeks_ago:
        data = await report_input(store, group, county)
        day = WEEK - timedelta(weeks=weeks) + timedelta(days=2)
        data = dataclasses.replace(data, service_date=day)
        report, _ = await store.reports.create(data, leader.id, f"w{group}-{weeks}", 1405)
        ids.append(report.id)
    return ids


async def test_the_receipt_and_the_card_count_the_weeks_in_a_row(harness: Harness) -> None:
    store = harness.store
    reza, group, _ = await leader_with_campaign(harness)
    await _report_weeks_ago(store, group, reza, 1, 2, 3, 4, 5, 7)
    (gone,) = await _report_weeks_ago(store, group, reza, 6)
    assert await store.reports.delete(gone, reza.id)  # a deleted report breaks the run
    await reza.press(label("menu-group"))
    open_run = await _run(store, group, WEEK - timedelta(weeks=1))
    assert open_run == 5 and await _run(store, group, WEEK) == 0
    assert t("group-card-streak-open", weeks=open_run) in (reza.last.html or "")
    await fill_report(reza)  # «دیروز»: this week
    await reza.press(label("report-save"))
    weeks = await _run(store, group, WEEK)
    assert weeks == 6 and t("report-streak", weeks=weeks) in (reza.last.html or "")
    await reza.send("/start")
    await reza.press(label("menu-group"))
    card = reza.last.html or ""
    assert t("group-card-streak", weeks=weeks) in card and "۶ هفتهٔ پیاپی گزارش داده‌اید" in card


async def test_one_week_is_no_streak(harness: Harness) -> None:
    store = harness.store
    reza, group, _ = await leader_with_campaign(harness)
    await fill_report(reza)
    await reza.press(label("report-save"))
    assert await _run(store, group, WEEK) == 1
    assert "هفتهٔ پیاپی" not in (reza.last.text or "")


async def _tick_reminders(harness: Harness) -> None:
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("reminder-tick")
    await job.run(harness.app)
    await harness.sim.refresh()


async def test_the_reminder_asks_to_keep_a_run_going(harness: Harness) -> None:
    store, sim = harness.store, harness.sim
    reza, ali = await sim.user("رضا"), await sim.user("علی")
    for user in (reza, ali):
        await user.send("/start")
    steady = await harness.group(reza, "گروه امید")
    new = await harness.group(ali, "گروه نور")
    await _report_weeks_ago(store, steady, reza, *range(1, 9))
    await _report_weeks_ago(store, new, ali, 1)
    harness.clock.time = THURSDAY_EVENING + timedelta(hours=3)  # the window over: all are due
    await _tick_reminders(harness)
    weeks = await _run(store, steady, WEEK - timedelta(weeks=1))
    assert weeks == 8 and await _run(store, steady, WEEK) == 0
    kept = t("reminder-text-streak", group="گروه امید", weeks=weeks)
    assert [m.html for m in reza.messages if "هفتهٔ پیاپی" in (m.text or "")] == [kept]
    assert "۸ هفتهٔ پیاپی را نگه دارید" in (reza.last.text or "")
    assert await _run(store, new, WEEK - timedelta(weeks=1)) == 1
    assert ali.last.html == t("reminder-text", group="گروه نور")  # one week: no run to keep


@pytest.mark.parametrize(
    "settings", [{"report": {"review": True}, "stats": {"counting": "approved"}}]
)
async def test_a_report_waiting_for_review_keeps_the_run(
    harness: Harness, settings: dict[str, Any]
) -> None:
    """Only approved reports count, but a run is about the group reporting, not about how fast
    its reports are reviewed: a week whose report waits keeps it; one whose report was returned
    (back with the group to fix) does not."""
    store = harness.store
    assert store.streaks.counting is Counting.APPROVED
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    group = await harness.group(reza)
    ids = await _report_weeks_ago(store, group, reza, 1, 2, 3, 4, 5, 6)
    for report in (ids[0], ids[1], ids[3], ids[5]):  # three weeks ago stays waiting for review
        assert await store.review.decide(report, ReportStatus.APPROVED, reza.id, "", 1)
    assert await store.review.decide(ids[4], ReportStatus.RETURNED, reza.id, "عکس نیست", 1)
    last_week = WEEK - timedelta(weeks=1)
    approved = await _run(store, group, last_week, "status = 'approved'")
    kept = await _run(store, group, last_week, "status IN ('approved', 'submitted')")
    assert (approved, kept) == (2, 4)  # five weeks ago was returned: the run stops there
    await reza.send("/start")
    await reza.press(label("menu-group"))
    assert t("group-card-streak-open", weeks=kept) in (reza.last.html or "")


async def test_the_digest_names_the_longest_runs(harness: Harness) -> None:
    store, sim = harness.store, harness.sim
    people = [await sim.user(name) for name in ("رضا", "علی", "سارا", "امیر")]
    for user in people:
        await user.send("/start")
    arak = await harness.group(people[0], "گروه امید")
    saveh = await harness.group(people[1], "گروه نور", county="ساوه")
    tehran = await harness.group(people[2], "گروه مهر", county="تهران")
    lone = await harness.group(people[3], "گروه تنها", county="تهران")
    await _report_weeks_ago(store, arak, people[0], 0, 1, 2, 3)
    await _report_weeks_ago(store, saveh, people[1], 0, 1, 3, 4, 5)
    await _report_weeks_ago(store, tehran, people[2], 0, 1, 2, 3, 4, 5, county="تهران")
    await _report_weeks_ago(store, lone, people[3], 0, county="تهران")
    runs = {g: await _run(store, g, WEEK) for g in (arak, saveh, tehran, lone)}
    assert runs == {arak: 4, saveh: 2, tehran: 6, lone: 1}
    owner = await sim.user("مدیر کانال")
    news = await sim.channel("کانال خبری", owner=owner)
    await store.channels.add(news.id, "کانال خبری", ChannelScope.national())
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)  # Friday 20:01 in Tehran
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("digest-tick")
    await job.run(harness.app)
    await sim.refresh()
    text = next(p for p in news.posts if p.from_bot).text or ""
    section = text.split(to_plain(t("digest-streaks-title")))[1].split("\n\n")[0]
    expected = [("گروه مهر", 6), ("گروه امید", 4), ("گروه نور", 2)]  # the SQL runs, longest first
    for rank, (name, weeks) in enumerate(expected, 1):
        assert f"{label('digest-streak-line', rank=rank, name=name, weeks=weeks)}" in (
            section.replace("\u2068", "").replace("\u2069", "")
        )
    assert "گروه تنها" not in section  # one week is no run
    markazi = (await store.places.search_provinces("مرکزی"))[0].id
    province = await week_digest(store.db, ChannelScope.province(markazi), WEEK)
    assert [(s.name, s.weeks) for s in province.streaks] == [("گروه امید", 4), ("گروه نور", 2)]
    assert "پیوسته‌ترین" in to_plain(render_html(province))
