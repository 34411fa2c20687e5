"""Flows, screens, review and wording from the demo walk (notes/WALK1.md items 6-8, 11, 13-15):
each case through the simulator, buttons pressed by their locale keys."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import label, t
from bot.text import to_persian_digits
from simulator.testing import SimMessage, SimUser
from tests.conftest import Harness, locale_messages, report_input
from tests.test_report import fill_report, leader_with_campaign

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings() -> dict[str, Any]:
    """Review is on for this module (the walk's coordinator reviewed reports)."""
    return {"report": {"review": True}}


def _sql(harness: Harness, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Runs a query straight on the bot's database file (not through the code under test)."""
    with closing(sqlite3.connect(harness.db_path)) as conn:
        return conn.execute(query, params).fetchall()


def _data(message: SimMessage, text: str) -> str:
    """The callback data of a message's button."""
    data = next(b.callback_data for row in message.keyboard for b in row if b.text == text)
    assert data is not None, text
    return data


def _message(user: SimUser, message_id: int) -> SimMessage:
    """One of the bot's messages to the person, as it is now."""
    return next(m for m in user.messages if m.message_id == message_id)


# --- item 6: a string with markup is never shown as raw HTML -------------------------------------


async def test_a_wrong_invite_code_shows_its_example_as_code_not_as_tags(harness: Harness) -> None:
    maryam = await harness.sim.user("مریم")
    await maryam.send("/join abc123")  # not a code: the hint above the question
    assert "<code>" not in maryam.last.text
    assert "<code>k7m2p9x4qabc</code>" in (maryam.last.html or "")
    await maryam.send("abc")  # typed where the code is asked: the same hint
    assert "<code>" not in maryam.last.text
    assert (maryam.last.html or "").startswith(t("join-bad-code"))


def test_no_string_with_markup_is_formatted_as_plain_text() -> None:
    """label() (plain text, escaped when sent as HTML) is never used for a string with tags, and
    neither is a step's `expects` hint."""
    marked = {
        key
        for key, text in locale_messages().items()
        if re.search(r"<(b|i|u|s|code|pre|a|blockquote|tg-spoiler)[ >]", text)
    }
    sources = [*ROOT.joinpath("bot").glob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]
    used = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:label\(\s*|expects=)"([a-z0-9-]+)"', text))
    assert not marked & used


# --- item 7: saving from an older panel keeps the newer screen -----------------------------------


async def test_saving_on_an_older_panel_leaves_the_newer_screen_its_buttons(
    harness: Harness,
) -> None:
    reza, group_id, _ = await leader_with_campaign(harness)
    await fill_report(reza)
    review = reza.last
    save = _data(review, label("report-save"))
    await reza.press(label("menu-group"))  # the group card comes below the review
    card = reza.last
    members = _data(card, label("group-members"))
    await reza.press_data(review.message_id, save)  # then «ثبت» on the review above it
    assert _sql(harness, "SELECT COUNT(*) FROM reports WHERE group_id = ?", (group_id,)) == [(1,)]
    receipt = _message(reza, review.message_id)
    assert label("report-repeat") in [b for row in receipt.buttons for b in row]
    # The card below keeps its buttons, and they work (not «this message is old»).
    assert _message(reza, card.message_id).keyboard
    await reza.press_data(card.message_id, members)
    assert reza.last_answer != label("stale-screen")
    assert _message(reza, card.message_id).text != card.text  # the member list in its place
    # The receipt's own buttons work beside it: «🔁» starts a report from it.
    await reza.press_data(review.message_id, _data(receipt, label("report-repeat")))
    assert reza.last_answer != label("stale-screen")
    assert _sql(harness, "SELECT kind FROM drafts WHERE volunteer_id = ?", (reza.id,)) == [
        ("report",)
    ]


# --- item 8: a press on a finished flow's panel is told what was done ----------------------------


async def test_a_second_tap_on_save_is_told_the_report_was_saved(harness: Harness) -> None:
    reza, group_id, _ = await leader_with_campaign(harness)
    await fill_report(reza)
    panel = reza.last
    save = _data(panel, label("report-save"))
    first = await reza.press_data(panel.message_id, save, wait=False)
    second = await reza.press_data(panel.message_id, save, wait=False)
    await harness.wait_for(first, second)
    rows = _sql(harness, "SELECT receipt FROM reports WHERE group_id = ?", (group_id,))
    assert len(rows) == 1
    receipt = to_persian_digits(rows[0][0])
    assert reza.last_answer == label("report-done-already", receipt=receipt)
    # Any later press on the receipt's panel says the same; nothing else is saved.
    await reza.press_data(panel.message_id, save)
    assert reza.last_answer == label("report-done-already", receipt=receipt)
    assert _sql(harness, "SELECT COUNT(*) FROM reports") == [(1,)]


async def test_a_second_tap_on_joining_is_told_it_was_done(harness: Harness) -> None:
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    await reza.send("/start")
    group = await harness.group(reza)
    invite = await harness.store.groups.new_invite(group, reza.id)
    await maryam.send(f"/join {invite.code}")
    panel = maryam.last
    yes = _data(panel, label("join-yes"))
    await maryam.press_data(panel.message_id, yes)
    await maryam.press_data(panel.message_id, yes)  # a slow second tap
    assert maryam.last_answer == label("flow-done-already")
    member = "SELECT COUNT(*) FROM memberships WHERE group_id = ? AND volunteer_id = ?"
    assert _sql(harness, member, (group, maryam.id)) == [(1,)]


# --- item 11: an old «✏️ اصلاح گزارش» after the report moved on ----------------------------------


async def _returned(harness: Harness) -> tuple[SimUser, SimUser, int, SimMessage]:
    """Reza's report of 12, returned by Zahra for its quantity: its id and the notice he got."""
    reza, group_id, _ = await leader_with_campaign(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    data = await report_input(harness.store, group_id, quantity=12)
    report, _ = await harness.store.reports.create(data, reza.id, "k1", 1405)
    await zahra.send("/review")
    await zahra.press(label("review-return"))
    await zahra.press(label("review-reason-quantity"))
    await harness.delivered()
    code = to_persian_digits(report.receipt)
    fix = label("review-fix", receipt=code)
    notice = next(m for m in reza.messages if [fix] in m.buttons)
    return reza, zahra, report.id, notice


async def test_an_old_fix_button_after_resubmitting_and_approval_opens_nothing(
    harness: Harness,
) -> None:
    reza, zahra, report_id, notice = await _returned(harness)
    code = to_persian_digits(_sql(harness, "SELECT receipt FROM reports")[0][0])
    fix = _data(notice, label("review-fix", receipt=code))
    await reza.press_data(notice.message_id, fix)
    assert t("review-fix-reason", reason=label("review-reason-quantity")) in (reza.last.html or "")
    await reza.send("10")
    await reza.press(label("report-save-changes"))
    assert _sql(harness, "SELECT status FROM reports WHERE id = ?", (report_id,)) == [
        ("submitted",)
    ]
    await reza.press_data(notice.message_id, fix)  # the notice's button, once more
    assert reza.last_answer == label("review-fix-moot", status="submitted", receipt=code)
    assert _sql(harness, "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", (reza.id,)) == [(0,)]
    assert not _message(reza, notice.message_id).keyboard  # the notice offers it no more
    await zahra.send("/review")
    await zahra.press(label("review-approve"))
    await reza.press_data(notice.message_id, fix)
    assert reza.last_answer == label("review-fix-moot", status="approved", receipt=code)
    assert _sql(harness, "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", (reza.id,)) == [(0,)]


async def test_an_old_fix_button_of_a_deleted_report_says_so(harness: Harness) -> None:
    reza, _, report_id, notice = await _returned(harness)
    code = to_persian_digits(_sql(harness, "SELECT receipt FROM reports")[0][0])
    await reza.send("/myreports")
    await reza.press(label("myreports-delete", receipt=code))
    await reza.press(label("button-yes"))
    assert _sql(harness, "SELECT status FROM reports WHERE id = ?", (report_id,)) == [("deleted",)]
    await reza.press_data(notice.message_id, _data(notice, label("review-fix", receipt=code)))
    assert reza.last_answer == label("review-fix-moot", status="deleted", receipt=code)
    assert _sql(harness, "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", (reza.id,)) == [(0,)]
