"""A newcomer looking for a group: /find by city lists its groups, a public card asks to join,
a leader accepts or declines, and asking is kept from spam (issue 21, item 13)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from bot.core.i18n import label, t
from db.models import GroupRole
from handlers.join_requests import OPEN_DAYS, OPEN_MAX
from simulator.testing import SimMessage, SimUser
from tests.conftest import Harness


def _sql(harness: Harness, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Runs a query straight on the bot's database file (not through the code under test)."""
    with closing(sqlite3.connect(harness.db_path)) as conn:
        return conn.execute(query, params).fetchall()


def _buttons(message: SimMessage) -> list[str]:
    return [b.text for row in message.keyboard for b in row]


def _data(message: SimMessage, text: str) -> str:
    data = next(b.callback_data for row in message.keyboard for b in row if b.text == text)
    assert data is not None
    return data


async def _ask(harness: Harness, user: SimUser, city: str, group: str) -> None:
    """Finds a group by city, opens its card and asks to join it; its leaders are told."""
    await user.send(f"/find {city}")
    await user.press(group)
    await user.press(label("joinreq-ask"))
    await user.press(label("joinreq-send"))
    await harness.delivered()


async def test_find_by_city_lists_the_groups_there(harness: Harness) -> None:
    reza, ali, sara = [await harness.sim.user(n) for n in ("رضا", "علی", "سارا")]
    await harness.group(reza, "گروه مهر", "تبریز")
    await harness.group(ali, "گروه نور", "تبریز")
    await harness.group(sara, "گروه امید", "اراک")
    nima = await harness.sim.user("نیما")
    await nima.send("/start")
    assert label("onboarding-find") in _buttons(nima.last)
    await nima.press(label("onboarding-find"))
    assert nima.last.text == label("lookups-find-ask-city")
    await nima.send("تبریز")
    (count,) = _sql(
        harness,
        "SELECT COUNT(*) FROM groups g JOIN counties c ON c.id = g.county_id"
        " WHERE c.name = 'تبریز' AND g.status = 'active'",
    )[0]
    assert count == 2
    assert t("lookups-find-county-title", county="تبریز", count=count) in (nima.last.html or "")
    names = _buttons(nima.last)
    assert "گروه مهر" in names and "گروه نور" in names and "گروه امید" not in names
    # A county with no group yet says so and offers to start the first.
    await nima.send("/find مرند")
    assert label("lookups-find-county-none", county="مرند") in (nima.last.text or "")
    assert label("onboarding-create") in _buttons(nima.last)


async def test_a_leader_accepts_a_request_once(harness: Harness) -> None:
    reza, ali = await harness.sim.user("رضا"), await harness.sim.user("علی")
    for leader in (reza, ali):
        await leader.send("/start")
    group = await harness.group(reza, "گروه مهر", "تبریز")
    await harness.store.groups.add_member(group, ali.id, GroupRole.LEADER)
    nima = await harness.sim.user("نیما", username="nima_t")
    await nima.send("/start")
    await nima.send("/find تبریز")
    await nima.press("گروه مهر")
    card = nima.last
    assert "گروه مهر" in (card.text or "") and label("joinreq-ask") in _buttons(card)
    await nima.press(label("joinreq-ask"))
    assert nima.last.html == t("joinreq-confirm", group="گروه مهر")
    await nima.press(label("joinreq-send"))
    assert nima.last.html == t("joinreq-sent", group="گروه مهر")
    await harness.delivered()  # the leaders' notices go through the outbox
    notice = t("joinreq-notice", name="نیما", handle=" (@nima_t)", group="گروه مهر")
    assert reza.last.html == notice and ali.last.html == notice
    # Asking again (the card, or a forged press) opens no second request.
    await nima.send("/find تبریز")
    await nima.press("گروه مهر")
    assert label("lookups-card-request-open") in (nima.last.text or "")
    assert label("joinreq-ask") not in _buttons(nima.last)
    await nima.press_data(nima.last.message_id, f"jrq:send:{group}")
    assert nima.last.html == t("joinreq-open", group="گروه مهر")
    requests = "SELECT status FROM join_requests WHERE group_id = ? AND volunteer_id = ?"
    assert _sql(harness, requests, (group, nima.id)) == [("open",)]
    # Someone who does not lead the group cannot answer it.
    (request_id,) = _sql(harness, "SELECT id FROM join_requests")[0]
    await nima.press_data(nima.last.message_id, f"jrq:ok:{request_id}")
    assert nima.last_answer == label("not-allowed")
    # The first leader's yes counts; the second's finds it answered.
    await reza.press(label("joinreq-accept"))
    assert reza.last.html == t("joinreq-accepted", name="نیما", group="گروه مهر")
    member = "SELECT role FROM memberships WHERE group_id = ? AND volunteer_id = ?"
    assert _sql(harness, member, (group, nima.id)) == [("member",)]
    await harness.delivered()
    assert t("joinreq-you-accepted", group="گروه مهر") in (nima.last.html or "")
    assert label("menu-group") in str(nima.keyboard)
    await ali.press(label("joinreq-accept"))
    assert ali.last_answer == label("approval-already")
    assert _sql(harness, requests, (group, nima.id)) == [("accepted",)]
    assert len(_sql(harness, member, (group, nima.id))) == 1


async def test_a_declined_request_is_not_asked_again_soon(harness: Harness) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    group = await harness.group(reza, "گروه مهر", "تبریز")
    nima = await harness.sim.user("نیما")
    await nima.send("/start")
    await _ask(harness, nima, "تبریز", "گروه مهر")
    await reza.press(label("joinreq-decline"))  # asked first
    assert reza.last.html == t("joinreq-decline-confirm", name="نیما", group="گروه مهر")
    await reza.press(label("button-back"))
    assert label("joinreq-accept") in _buttons(reza.last)
    await reza.press(label("joinreq-decline"))
    await reza.press(label("joinreq-decline-yes"))
    assert reza.last.html == t("joinreq-declined", name="نیما", group="گروه مهر")
    await harness.delivered()
    assert nima.last.html == t("joinreq-you-declined", group="گروه مهر")
    assert label("onboarding-find") in _buttons(nima.last)
    await _ask(harness, nima, "تبریز", "گروه مهر")
    assert nima.last.html == t("joinreq-declined-lately", group="گروه مهر")
    statuses = _sql(harness, "SELECT status FROM join_requests WHERE group_id = ?", (group,))
    assert statuses == [("declined",)]
    memberships = "SELECT COUNT(*) FROM memberships WHERE volunteer_id = ?"
    assert _sql(harness, memberships, (nima.id,)) == [(0,)]


async def test_a_person_has_only_a_few_requests_open(harness: Harness) -> None:
    names = [f"گروه شماره {n}" for n in ("یک", "دو", "سه", "چهار")]
    for number, name in enumerate(names):
        leader = await harness.sim.user(f"سرگروه {number}")
        await leader.send("/start")
        await harness.group(leader, name, "تبریز")
    nima = await harness.sim.user("نیما")
    await nima.send("/start")
    for name in names:
        await _ask(harness, nima, "تبریز", name)
    open_ = "SELECT COUNT(*) FROM join_requests WHERE volunteer_id = ? AND status = 'open'"
    assert _sql(harness, open_, (nima.id,)) == [(OPEN_MAX,)]
    assert nima.last.html == t("joinreq-too-many", group=names[-1], max=OPEN_MAX)
    # Groups that never answer do not lock her out: after OPEN_DAYS her old requests lapse.
    harness.clock.advance(days=OPEN_DAYS + 1)
    await _ask(harness, nima, "تبریز", names[-1])
    assert nima.last.html == t("joinreq-sent", group=names[-1])
    await _ask(
        harness, nima, "تبریز", names[0]
    )  # asked again: the lapsed request gives way to a new one
    assert nima.last.html == t("joinreq-sent", group=names[0])
    rows = "SELECT status, COUNT(*) FROM join_requests WHERE volunteer_id = ? GROUP BY status"
    assert dict(_sql(harness, rows, (nima.id,))) == {"open": 4, "dropped": 1}  # two lapsed
