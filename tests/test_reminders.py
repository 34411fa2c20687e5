"""Once a week, leaders of groups with no report yet get one friendly reminder they can turn off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.i18n import label, t
from bot.kit.outbox import send_now
from simulator.testing import SimUser
from tests.conftest import Harness, report_input


async def _tick(harness: Harness) -> None:
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("reminder-tick")
    await job.run(harness.app)
    await harness.sim.refresh()


async def test_reminders_reach_exactly_the_leaders_without_a_report(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza, ali, sara = await sim.user("رضا"), await sim.user("علی"), await sim.user("سارا")
    for user in (reza, ali, sara):
        await user.send("/start")
    silent = await harness.group(reza, "گروه امید")
    active = await harness.group(ali, "گروه نور")
    muted = await harness.group(sara, "گروه مهر")
    await store.reports.create(await report_input(store, active), ali.id, "k1", 1405)
    await store.reminders.switch(sara.id, muted, on=False)
    await _tick(harness)  # Wednesday: not yet
    assert not [m for m in reza.messages if "هنوز گزارشی" in (m.text or "")]
    harness.clock.time = datetime(2026, 11, 19, 14, 31, tzinfo=UTC)  # Thursday 18:01 in Tehran
    await _tick(harness)
    await _tick(harness)  # once a week, not once a tick
    reminded = {
        u.first_name
        for u in (reza, ali, sara)
        for m in u.messages
        if m.text == t("reminder-text", group="گروه امید") or "هنوز گزارشی" in (m.text or "")
    }
    assert reminded == {"رضا"}
    assert len([m for m in reza.messages if "هنوز گزارشی" in (m.text or "")]) == 1
    expected = await store.db.fetchall(
        "SELECT g.id FROM groups g WHERE NOT EXISTS (SELECT 1 FROM reports r"
        " WHERE r.group_id = g.id AND r.service_date BETWEEN '2026-11-14' AND '2026-11-20')"
    )
    assert {r["id"] for r in expected} == {silent, muted}
    await reza.press(label("reminder-report"))  # the button starts the report
    assert reza.last.text == "حوزهٔ خدمت را انتخاب کنید:"


async def test_a_leader_turns_the_reminder_off_and_on_in_the_card(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza = await sim.user("رضا")
    await reza.send("/start")
    group = await harness.group(reza)
    await reza.press(label("menu-group"))
    await reza.press(label("group-reminders-on"))
    assert not await store.reminders.enabled(reza.id, group)
    assert label("group-reminders-off") in str(reza.last.buttons)
    await reza.press(label("group-reminders-off"))
    assert await store.reminders.enabled(reza.id, group)


async def test_the_reminder_of_one_group_reports_for_that_group(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza = await sim.user("رضا")
    await reza.send("/start")
    await harness.group(reza, "گروه امید")
    busy = await harness.group(reza, "گروه نور")
    await store.reports.create(await report_input(store, busy), reza.id, "k1", 1405)
    harness.clock.time = datetime(2026, 11, 19, 14, 31, tzinfo=UTC)  # Thursday 18:01 in Tehran
    await _tick(harness)
    await reza.press(label("reminder-report"))
    assert reza.last.text == "حوزهٔ خدمت را انتخاب کنید:"  # not «which group?»: it is that one


async def _ten_silent_groups(harness: Harness) -> list[SimUser]:
    """Reminders over a window of 101 minutes, and ten leaders of groups with no report."""
    harness.settings["reminders"] = {"window_minutes": 101}
    await harness.restart()
    leaders = [await harness.sim.user(f"سرگروه {n}") for n in range(10)]
    for n, leader in enumerate(leaders):
        await leader.send("/start")
        await harness.group(leader, f"گروه {n}")
    return leaders


async def test_reminders_are_spread_over_their_window(harness: Harness) -> None:
    """Ten silent groups, a window of 101 minutes from Thursday 18:00: a tenth of them every ten
    minutes, each leader once, the last at the window's last tick (a national network's 50,000
    would otherwise take Telegram's whole budget for half an hour)."""
    leaders = await _ten_silent_groups(harness)

    def reminded() -> int:
        return sum(1 for u in leaders for m in u.messages if "هنوز گزارشی" in (m.text or ""))

    for minute, expected in ((-1, 0), (10, 1), (50, 5), (50, 5), (95, 10), (130, 10)):
        harness.clock.time = datetime(2026, 11, 19, 14, 30, tzinfo=UTC) + timedelta(minutes=minute)
        await _tick(harness)
        sent = await harness.store.db.scalar(
            "SELECT COUNT(*) FROM reminders_sent WHERE week_start = '2026-11-14'"
        )
        assert (reminded(), sent) == (expected, expected), minute
    assert all(
        len([m for m in u.messages if "هنوز گزارشی" in (m.text or "")]) == 1 for u in leaders
    )


async def test_a_tick_whose_sending_outlasts_the_minute_goes_on_with_the_next_share(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sent one at a time, a share of thousands takes minutes and the tick's next runs are
    skipped; the tick claims the share due by the time one has gone out instead of leaving
    the sending idle until its next run (a 50,000-leader run delivered 15 a second, not 18).
    Here each share's sending takes 20 minutes of a 101-minute window: one tick sends all."""
    leaders = await _ten_silent_groups(harness)
    shares: list[int] = []

    async def slow_send_now(context: Any) -> int:
        shares.append(
            await harness.store.db.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
        )
        harness.clock.advance(minutes=20)
        return await send_now(context)

    monkeypatch.setattr("bot.reminders.send.send_now", slow_send_now)
    harness.clock.time = datetime(2026, 11, 19, 14, 40, tzinfo=UTC)  # 10 minutes in: a tenth
    await _tick(harness)
    assert shares == [1, 2, 2, 2, 2, 1]  # 10 %, then what 30, 50, 70, 90 and 110 minutes call for
    for leader in leaders:
        assert len([m for m in leader.messages if "هنوز گزارشی" in (m.text or "")]) == 1
