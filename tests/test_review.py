"""Review of reports end to end: the queue, returning and fixing, races, provinces, flags and the
coordinators' Telegram group."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest

from bot.core.config import ConfigError, parse_config
from bot.core.i18n import label, t
from bot.core.text import to_persian_digits
from db.models import GroupRole, Photo, Report, ReportStatus
from db.stats import Counting, Period, Scope
from simulator.testing import SimChat, SimMessage, SimUser
from tests.conftest import TODAY, Harness, eventually, report_input

# A notice to the reporter is a bulk send: it waits for the budget their own report flow used up.
NOTICE_WAIT = 30.0

SAME_PLACE = "📍 همان محل گروه: اراک، استان مرکزی"


@pytest.fixture
def settings() -> dict[str, Any]:
    """Review is on for this module."""
    return {"report": {"review": True}}


async def leader(harness: Harness, name: str = "رضا", county: str = "اراک") -> tuple[SimUser, int]:
    """A leader of a group who has started the bot (and so has the reporting menu)."""
    user = await harness.sim.user(name)
    await user.send("/start")
    group_id = await harness.group(user, f"گروه {name}", county)
    await user.send("/start")
    return user, group_id


async def service_names(harness: Harness) -> tuple[str, str]:
    """The area and service type report_input() uses, as the buttons show them."""
    area = (await harness.store.categories.areas())[0]
    service = (await harness.store.categories.types(area.id))[0]
    return area.name, service.name


async def to_review_screen(harness: Harness, user: SimUser, quantity: str, photo: bool) -> None:
    """Walks the report flow (no campaign runs) up to its review screen, for yesterday."""
    area, service = await service_names(harness)
    await user.send("/report")
    await user.press(area)
    await user.press(service)
    await user.send(quantity)
    await user.press(label("button-skip"))
    await user.press(label("button-skip"))
    await user.press(SAME_PLACE)
    await user.press(label("button-skip"))
    await user.press(label("report-date-yesterday"))
    await user.press(label("button-skip"))
    if photo:
        await user.send_photo()
        await user.press(label("report-photos-done"))
    else:
        await user.press(label("report-no-photos"))
    assert label("report-save") in [b for row in user.last.buttons for b in row]


async def stored(harness: Harness, group_id: int, user: SimUser, key: str, **kw: Any) -> Report:
    """A report saved straight into the database (as the flow would)."""
    data = await report_input(harness.store, group_id, **kw)
    report, _ = await harness.store.reports.create(data, user.id, key, 1405)
    return report


async def status(harness: Harness, report_id: int) -> str:
    """A report's status, read with SQL of the test's own."""
    return str(
        await harness.store.db.scalar("SELECT status FROM reports WHERE id = ?", (report_id,))
    )


async def decisions(harness: Harness, report_id: int) -> list[tuple[str, int, dict[str, Any]]]:
    """The review decisions in the audit log, read with SQL of the test's own."""
    rows = await harness.store.db.fetchall(
        "SELECT action, actor_id, details FROM audit_log WHERE entity = 'report'"
        " AND entity_id = ? AND action IN ('report.approve', 'report.return') ORDER BY id",
        (report_id,),
    )
    return [(r[0], r[1], json.loads(r[2])) for r in rows]


def code(report: Report) -> str:
    """A receipt as the bot writes it."""
    return to_persian_digits(report.receipt)


@pytest.mark.slow
async def test_returned_fixed_and_approved_counts_only_on_approval(harness: Harness) -> None:
    reza, group_id = await leader(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    await zahra.send("/start")
    assert [label("menu-review")] in (zahra.keyboard or [])

    await to_review_screen(harness, reza, "12", photo=False)
    await reza.press(label("report-save"))
    # One line on the review: whose queue (Zahra's province has her) and that it counts once
    # approved; the week's figures say «⏳ … در انتظار بررسی» once.
    queue = label("review-queue-coordinators", province="مرکزی")
    assert label("review-pending-line-counted", queue=queue) in reza.last.text
    assert reza.last.text.count("⏳") == 1 and reza.last.text.count("بررسی") == 2
    report = (await harness.store.reports.recent(reza.id))[0]
    await reza.send("/myreports")
    assert label("myreports-status-pending") in reza.last.text
    assert await status(harness, report.id) == "submitted"

    stats = harness.store.stats
    period = Period.week(report.service_date)

    async def approved_totals() -> tuple[int, int]:
        tally = await stats.totals(Scope.group(group_id), period, counting=Counting.APPROVED)
        return tally.counted.reports, tally.counted.services

    async def approved_sql() -> tuple[int, int]:
        row = await harness.store.db.fetchone(
            "SELECT COUNT(*), COALESCE(SUM(quantity), 0) FROM reports WHERE group_id = ?"
            " AND status = 'approved'",
            (group_id,),
        )
        assert row is not None
        return int(row[0]), int(row[1])

    assert await approved_totals() == await approved_sql() == (0, 0)

    await zahra.press(label("menu-review"))
    card = zahra.last.text
    assert code(report) in card and "۱ از ۱ در صف" in card and "— ۱۲\xa0" in card
    await zahra.press(label("review-return"))
    title = label("review-reasons-title", receipt=code(report))
    assert title in zahra.last.text
    await zahra.press(label("review-reason-quantity"))
    assert await status(harness, report.id) == "returned"
    assert await approved_totals() == await approved_sql() == (0, 0)
    [(action, actor, details)] = await decisions(harness, report.id)
    assert (action, actor) == ("report.return", zahra.id)
    assert details == {"reason": label("review-reason-quantity"), "field": "quantity"}
    assert label("review-empty") in zahra.last.text  # the queue moved on, and is empty
    stale = await zahra.press_data(zahra.last.message_id, f"rv:ok:{report.id}")
    assert stale is not None
    assert zahra.last_answer is not None and zahra.last_answer.startswith("این گزارش را شما ")

    await eventually(
        harness.sim,
        lambda: any("برای اصلاح برگشت خورد" in m.text for m in reza.messages),
        limit=NOTICE_WAIT,
    )
    notice = next(m for m in reza.messages if "برای اصلاح برگشت خورد" in m.text)
    assert label("review-reason-quantity") in notice.text
    assert "بازگرداننده: زهرا" in notice.text
    fix = label("review-fix", receipt=code(report))
    assert notice.buttons == [[fix]]

    await reza.send("/myreports")
    assert f"↩️ دلیل: {label('review-reason-quantity')}" in reza.last.text

    harness.clock.advance(hours=72)  # far past the edit window: a returned report stays editable
    await reza.press(fix)
    assert "چند" in reza.last.text and label("field-now", value="") in reza.last.text  # quantity
    assert label("review-fix-reason", reason=label("review-reason-quantity")) in reza.last.text
    await reza.send("10")
    await reza.press(label("report-save-changes"))
    assert label("review-resubmitted-counted", queue=queue) in reza.last.text
    assert await status(harness, report.id) == "submitted"
    quantity = await harness.store.db.scalar(
        "SELECT quantity FROM reports WHERE id = ?", (report.id,)
    )
    assert quantity == 10

    await zahra.send("/review")
    assert code(report) in zahra.last.text and "— ۱۰\xa0" in zahra.last.text
    assert label("review-reason-quantity") in zahra.last.text  # the earlier reason is shown
    assert "تاکنون ۱ گزارش از این گروه برگشت خورده است" in zahra.last.text
    await zahra.press(label("review-approve"))
    assert zahra.last_answer == label("review-approved-toast")
    assert await status(harness, report.id) == "approved"
    assert await approved_totals() == await approved_sql() == (1, 10)
    assert [a for a, _, _ in await decisions(harness, report.id)] == [
        "report.return",
        "report.approve",
    ]
    await harness.sim.refresh()
    decided = next(m for m in zahra.messages if code(report) in m.text and "تأیید کرد" in m.text)
    assert decided.buttons == []
    approved = "تأیید شد. سپاس از زحمتتان."
    await eventually(
        harness.sim,
        lambda: any(code(report) in m.text and approved in m.text for m in reza.messages),
        limit=NOTICE_WAIT,
    )
    await reza.send("/myreports")
    assert label("myreports-status-approved") in reza.last.text


async def test_two_coordinators_at_once_make_one_decision(harness: Harness) -> None:
    reza, group_id = await leader(harness)
    zahra, sara = await harness.sim.user("زهرا"), await harness.sim.user("سارا")
    for person in (zahra, sara):
        await harness.coordinator(person, "مرکزی")
    report = await stored(harness, group_id, reza, "race")
    for person in (zahra, sara):
        await person.send("/review")
        assert code(report) in person.last.text
    await sara.press(label("review-return"))
    approve = next(
        b.callback_data
        for row in zahra.last.keyboard
        for b in row
        if b.text == label("review-approve")
    )
    why = next(
        b.callback_data
        for row in sara.last.keyboard
        for b in row
        if b.text == label("review-reason-photo")
    )
    assert approve is not None and why is not None
    presses = await asyncio.gather(
        zahra.press_data(zahra.last.message_id, approve, wait=False),
        sara.press_data(sara.last.message_id, why, wait=False),
    )
    for sent in presses:
        await harness.sim.wait(sent.update_id)
    await harness.sim.refresh()
    made = await decisions(harness, report.id)
    assert len(made) == 1
    action, actor, _ = made[0]
    final = await status(harness, report.id)
    assert final == ("approved" if action == "report.approve" else "returned")
    winner, loser = (zahra, sara) if actor == zahra.id else (sara, zahra)
    assert loser.last_answer is not None
    assert loser.last_answer.startswith(f"این گزارش را {winner.first_name} ")
    assert "چند لحظه پیش" in loser.last_answer
    # The loser's card shows what happened, and offers only «بعدی».
    loser_card = next(m for m in loser.messages if code(report) in m.text and m.edited)
    assert loser_card.buttons == [[label("review-next")]]
    if final == "returned":
        await eventually(
            harness.sim,
            lambda: any("برگشت خورد" in m.text for m in reza.messages),
            limit=NOTICE_WAIT,
        )
    assert len([m for m in reza.messages if "برگشت خورد" in m.text]) == (final == "returned")


async def test_another_province_cannot_see_or_decide(harness: Harness) -> None:
    reza, group_id = await leader(harness)
    other_leader, _ = await leader(harness, "مهدی", "تهران")
    tehran = await harness.sim.user("نرگس")
    await harness.coordinator(tehran, "تهران")
    report = await stored(harness, group_id, reza, "markazi")

    await tehran.send("/review")
    assert label("review-empty") in tehran.last.text
    assert code(report) not in tehran.last.text
    before = await harness.store.db.fetchall("SELECT * FROM reports")
    audit = await harness.store.db.scalar("SELECT COUNT(*) FROM audit_log")
    message = tehran.last.message_id
    for data in (
        f"rv:ok:{report.id}",
        f"rv:why:{report.id}:1",
        f"rv:ret:{report.id}",
        f"rv:type:{report.id}",
        f"rv:view:{report.id}",
        f"rv:next:{report.id}",
    ):
        await tehran.press_data(message, data)
        assert tehran.last_answer == label("not-allowed"), data
    # A leader (not a coordinator) cannot decide, nor open someone else's returned report.
    await other_leader.press_data(other_leader.last.message_id, f"rv:ok:{report.id}")
    assert other_leader.last_answer == label("not-allowed")
    await other_leader.press_data(other_leader.last.message_id, f"myr:fix:{report.id}:3")
    assert other_leader.last_answer == label("not-allowed")
    assert [tuple(r) for r in await harness.store.db.fetchall("SELECT * FROM reports")] == [
        tuple(r) for r in before
    ]
    assert await harness.store.db.scalar("SELECT COUNT(*) FROM audit_log") == audit
    # Nor may a leader open the queue.
    await other_leader.send("/review")
    assert other_leader.last.text == label("not-allowed-menu")


async def test_reused_photo_and_repeated_report_are_flagged(harness: Harness) -> None:
    reza, group_id = await leader(harness)
    neighbour, neighbour_group = await leader(harness, "علی", "اراک")
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    earlier = await stored(harness, group_id, reza, "earlier", quantity=7)

    # The reporter is warned at the review screen: same group, service, date and quantity, and a
    # photo that is in another report (another group's, saved meanwhile).
    await to_review_screen(harness, reza, "7", photo=True)
    draft = await harness.store.state.draft(reza.id, "report")
    assert draft is not None
    [[file_id, unique]] = draft.data["photos"]
    data = await report_input(harness.store, neighbour_group, quantity=3)
    data = dataclasses.replace(data, photos=(Photo(file_id, unique),))
    photo_owner, _ = await harness.store.reports.create(data, neighbour.id, "photo", 1405)
    await reza.press(label("report-edit-description"))
    await reza.press(label("button-skip"))  # back to the review screen, which checks again
    screen = reza.last.text
    assert "قبلاً ثبت شده است" in screen and code(earlier) in screen
    assert "عکسی از این گزارش" in screen and code(photo_owner) in screen
    await reza.press(label("report-save"))  # saving anyway is allowed
    saved = (await harness.store.reports.recent(reza.id))[0]
    assert saved.id != earlier.id and saved.quantity == 7

    await zahra.send("/review")  # the oldest first: the earlier report, flagged as well
    assert code(earlier) in zahra.last.text and code(saved) in zahra.last.text
    await zahra.press(label("review-next"))
    await zahra.press(label("review-next"))
    card = zahra.last.text
    assert code(saved) in card.splitlines()[0]
    assert label("review-flag-duplicate", receipt=code(earlier)) in card
    assert label("review-flag-photo", receipt=code(photo_owner)) in card
    links = [b for row in zahra.last.buttons for b in row if b.startswith("🔎")]
    assert links == [
        label("review-view-other", receipt=code(earlier)),
        label("review-view-other", receipt=code(photo_owner)),
    ]
    await zahra.press(label("review-view-other", receipt=code(earlier)))
    assert code(earlier) in zahra.last.text.splitlines()[0]  # pending: it may be decided here
    assert zahra.last.buttons[0] == [label("review-approve"), label("review-return")]
    back = label("review-back-to", receipt=code(saved))
    assert [back] in zahra.last.buttons
    await zahra.press(back)
    assert code(saved) in zahra.last.text.splitlines()[0]
    # «قبلی» from the oldest wraps round to the newest in one tap.
    await zahra.send("/review")
    assert code(earlier) in zahra.last.text.splitlines()[0]
    await zahra.press(label("review-previous"))
    assert code(saved) in zahra.last.text.splitlines()[0]
    # The photos come on request, not with every card.
    photos_before = len([m for m in zahra.messages if m.photo])
    await zahra.press(label("review-next"))
    await zahra.press(label("review-next"))
    await zahra.press(label("review-next"))
    assert code(saved) in zahra.last.text.splitlines()[0]
    assert len([m for m in zahra.messages if m.photo]) == photos_before
    await zahra.press(label("review-photos", count=1))
    await harness.sim.refresh()
    assert len([m for m in zahra.messages if m.photo]) == photos_before + 1


async def test_outlier_is_flagged(harness: Harness) -> None:
    reza, group_id = await leader(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    for n, quantity in enumerate((4, 6, 5)):
        report = await stored(harness, group_id, reza, f"usual-{n}", quantity=quantity)
        await harness.store.review.decide(report.id, ReportStatus.APPROVED, zahra.id, "", 1)
    big = await stored(harness, group_id, reza, "big", quantity=100)
    await zahra.send("/review")
    assert code(big) in zahra.last.text
    assert label("review-flag-outlier", usual=5, unit=big.unit) in zahra.last.text
    small = await stored(harness, group_id, reza, "small", quantity=24)  # under 5× the usual
    flags = await harness.store.review.flags(
        group_id, small.category_id, small.service_date, 24, [], small.id
    )
    assert flags.usual is None


@pytest.mark.slow
async def test_coordinators_group_card(harness: Harness) -> None:
    reza, _ = await leader(harness)
    zahra, stranger = await harness.sim.user("زهرا"), await harness.sim.user("غریبه")
    tehran = await harness.sim.user("نرگس")
    await harness.coordinator(zahra, "مرکزی")
    await harness.coordinator(tehran, "تهران")
    await stranger.send("/start")
    chat = await harness.sim.group("هماهنگی مرکزی", members=[zahra, stranger, tehran])
    await zahra.send("/review", chat=chat)
    assert "گزارش‌های تازهٔ استان مرکزی" in chat.last.text

    await to_review_screen(harness, reza, "9", photo=True)
    await reza.press(label("report-save"))
    report = (await harness.store.reports.recent(reza.id))[0]
    # the card, after the album (whose caption names the report too)
    await eventually(
        harness.sim, lambda: code(report) in (chat.last.text or "") and bool(chat.last.buttons)
    )
    card = chat.last
    assert card.buttons[0] == [label("review-approve"), label("review-return")]
    assert any(m.photo for m in chat.messages)  # the photo went before the card

    # An edit while it waits shows on the posted card.
    await reza.send("/myreports")
    await reza.press(label("myreports-edit", receipt=code(report)))
    await reza.press(label("report-edit-quantity"))
    await reza.send("11")
    await reza.press(label("report-save-changes"))
    await eventually(
        harness.sim,
        lambda: any(m.message_id == card.message_id and "— ۱۱" in m.text for m in chat.messages),
        limit=NOTICE_WAIT,
    )

    # The private queue's own buttons are no screen of a group's card (forged, they are stale).
    shown = await harness.store.reports.get(report.id)
    assert shown is not None
    ids = f"{report.id}:{shown.version}"
    for data in (f"rv:next:{report.id}", f"rv:type:{ids}", f"rv:all:{report.id}", "rv:list"):
        await zahra.press_data(card.message_id, data, chat=chat)
        assert zahra.last_answer == label("stale-button")
    assert await harness.store.state.draft(zahra.id, "review_reason") is None

    for person in (stranger, tehran):
        await person.press(label("review-approve"), chat=chat)
        assert person.last_answer == label("not-allowed")
    await stranger.press(label("review-return"), chat=chat)
    assert stranger.last_answer == label("not-allowed")
    assert await status(harness, report.id) == "submitted"
    assert await decisions(harness, report.id) == []

    await zahra.press(label("review-approve"), chat=chat)
    assert zahra.last_answer == label("review-approved-toast")
    assert await status(harness, report.id) == "approved"
    done = label("review-done-approved", name="زهرا")
    await eventually(
        harness.sim,
        lambda: any(m.message_id == card.message_id and done in m.text for m in chat.messages),
    )
    edited = next(m for m in chat.messages if m.message_id == card.message_id)
    assert edited.buttons == []

    # A report decided privately edits its group card too.
    ali, _ = await leader(harness, "علی")
    await to_review_screen(harness, ali, "8", photo=False)
    await ali.press(label("report-save"))
    second = (await harness.store.reports.recent(ali.id))[0]
    await eventually(harness.sim, lambda: code(second) in (chat.last.text or ""))
    posted = chat.last.message_id
    await zahra.send("/review")
    await zahra.press(label("review-return"))
    await zahra.press(label("review-reason-date"))
    assert await status(harness, second.id) == "returned"
    await eventually(
        harness.sim,
        lambda: any(
            m.message_id == posted and label("review-reason-date") in m.text for m in chat.messages
        ),
    )
    # /review off stops the posts.
    assert "/review_off" in label("review-chat-linked", scope="مرکزی")
    await zahra.send("/review_off", chat=chat)
    assert await harness.store.review.chats_for(second.province_id) == []


async def test_typed_reason_opens_the_review_screen(harness: Harness) -> None:
    reza, group_id = await leader(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    report = await stored(harness, group_id, reza, "typed")
    await zahra.send("/review")
    await zahra.press(label("review-return"))
    await zahra.press(label("review-reason-other"))
    assert code(report) in zahra.last.text
    await harness.sim.refresh()
    card = next(
        m
        for m in zahra.messages
        if label("review-card-history", reports=1, quantity=report.quantity)[:10] in m.text
    )
    assert card.buttons == []  # the reason picker is gone from the card
    await zahra.send("\u200c")
    assert zahra.last.text.startswith(label("report-text-empty"))
    await zahra.send("ب" * 301)
    assert zahra.last.text.startswith(label("review-reason-too-long", max=300))
    assert await status(harness, report.id) == "submitted"
    await zahra.send("محل خدمت را دقیق‌تر بنویسید")
    assert await status(harness, report.id) == "returned"
    [(_, _, details)] = await decisions(harness, report.id)
    assert details["reason"] == "محل خدمت را دقیق‌تر بنویسید"
    await eventually(
        harness.sim, lambda: any("برگشت خورد" in m.text for m in reza.messages), limit=NOTICE_WAIT
    )
    assert label("review-empty") in zahra.last.text
    notice = next(m for m in reza.messages if "برگشت خورد" in m.text)
    assert "محل خدمت را دقیق‌تر بنویسید" in notice.text
    await reza.press(label("review-fix", receipt=code(report)))
    assert label("report-save-changes") in [b for row in reza.last.buttons for b in row]
    assert TODAY - timedelta(days=1) == report.service_date


def test_review_is_a_boolean_in_config() -> None:
    assert parse_config({}).report.review is False
    assert parse_config({"report": {"review": True}}).report.review is True
    with pytest.raises(ConfigError, match=r"report\.review"):
        parse_config({"report": {"review": "yes"}})


def _data(message: SimMessage, text: str) -> str:
    """The callback data of a button of a message, by its label."""
    found = next(b.callback_data for row in message.keyboard for b in row if b.text == text)
    assert found is not None
    return found


async def _edit_quantity(reza: SimUser, report: Report, quantity: str) -> None:
    """The reporter changes a pending report's quantity and saves it."""
    await reza.send("/myreports")
    await reza.press(label("myreports-edit", receipt=code(report)))
    await reza.press(label("report-edit-quantity"))
    await reza.send(quantity)
    await reza.press(label("report-save-changes"))


async def test_a_decision_is_bound_to_the_version_its_card_showed(harness: Harness) -> None:
    harness.sim.allow_violations("message is not modified")  # old presses on a refreshed card
    reza, _ = await leader(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    chat = await harness.sim.group("هماهنگی مرکزی", members=[zahra])
    await zahra.send("/review", chat=chat)
    await to_review_screen(harness, reza, "12", photo=False)
    await reza.press(label("report-save"))
    report = (await harness.store.reports.recent(reza.id))[0]
    # the card, after the album (whose caption names the report too)
    await eventually(
        harness.sim, lambda: code(report) in (chat.last.text or "") and bool(chat.last.buttons)
    )
    posted = chat.last
    await zahra.send("/review")
    card = zahra.last
    assert "— ۱۲\xa0" in card.text
    old_approve = _data(card, label("review-approve"))
    await zahra.press(label("review-return"))  # she is choosing a reason when the edit comes
    old_reason = _data(zahra.last, label("review-reason-quantity"))

    await _edit_quantity(reza, report, "40")
    version = await harness.store.db.scalar(
        "SELECT version FROM reports WHERE id = ?", (report.id,)
    )
    assert version == 2

    def shows_edit(message_id: int, where: SimChat) -> bool:
        now = next(m for m in where.messages if m.message_id == message_id)
        return "— ۴۰\xa0" in now.text and label("review-approve") in str(now.buttons)

    # The open cards show the edit, with buttons for the new version: hers and the group's.
    await eventually(harness.sim, lambda: shows_edit(card.message_id, zahra.chat), NOTICE_WAIT)
    await eventually(harness.sim, lambda: shows_edit(posted.message_id, chat), NOTICE_WAIT)
    fresh = next(m for m in zahra.messages if m.message_id == card.message_id)
    assert _data(fresh, label("review-approve")) == f"rv:ok:{report.id}:2"

    # A press on what the cards showed before the edit decides nothing, and says why.
    for data in (old_approve, old_reason, f"rv:ok:{report.id}"):  # the last: before versions
        await zahra.press_data(card.message_id, data)
        assert zahra.last_answer == label("review-stale"), data
        assert await status(harness, report.id) == "submitted"
        assert await decisions(harness, report.id) == []
        now = next(m for m in zahra.messages if m.message_id == card.message_id)
        assert "— ۴۰\xa0" in now.text and label("review-stale-line") in now.text
    await zahra.press_data(posted.message_id, _data(posted, label("review-approve")), chat=chat)
    assert zahra.last_answer == label("review-stale")
    assert await status(harness, report.id) == "submitted"

    # Deciding on the new card works, and approves what it showed.
    await zahra.press_data(card.message_id, f"rv:ok:{report.id}:2")
    assert zahra.last_answer == label("review-approved-toast")
    row = await harness.store.db.fetchone(
        "SELECT status, quantity FROM reports WHERE id = ?", (report.id,)
    )
    assert row is not None and tuple(row) == ("approved", 40)
    done = label("review-done-approved", name="زهرا")
    await eventually(
        harness.sim,
        lambda: any(m.message_id == posted.message_id and done in m.text for m in chat.messages),
    )


async def test_a_typed_reason_for_an_edited_report_is_refused_with_its_new_card(
    harness: Harness,
) -> None:
    reza, _ = await leader(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    await to_review_screen(harness, reza, "12", photo=False)
    await reza.press(label("report-save"))
    report = (await harness.store.reports.recent(reza.id))[0]
    await zahra.send("/review")
    await zahra.press(label("review-return"))
    await zahra.press(label("review-reason-other"))
    await _edit_quantity(reza, report, "40")
    await zahra.send("عکس‌ها واضح نیست")
    assert await status(harness, report.id) == "submitted"
    assert await decisions(harness, report.id) == []
    texts = [m.text for m in zahra.messages[-2:]]
    assert texts[0] == label("review-stale")
    assert code(report) in texts[1] and "— ۴۰\xa0" in texts[1]
    assert _data(zahra.last, label("review-approve")) == f"rv:ok:{report.id}:2"


async def test_a_back_button_never_names_another_provinces_report(harness: Harness) -> None:
    reza, group_id = await leader(harness)
    mahdi, tehran_group = await leader(harness, "مهدی", "تهران")
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    own = await stored(harness, group_id, reza, "own")
    other = await stored(harness, tehran_group, mahdi, "other", county="تهران")
    await zahra.send("/review")
    before = len(zahra.messages)
    await zahra.press_data(zahra.last.message_id, f"rv:view:{own.id}:{other.id}")
    assert zahra.last_answer == label("not-allowed")
    assert len(zahra.messages) == before
    assert not [m for m in zahra.messages if code(other) in m.text or code(other) in str(m.buttons)]
    # Her own reports still link to each other.
    second = await stored(harness, group_id, reza, "own2", quantity=6)
    await zahra.press_data(zahra.last.message_id, f"rv:view:{own.id}:{second.id}")
    assert [label("review-back-to", receipt=code(second))] in zahra.last.buttons


async def test_a_photo_telegram_no_longer_knows_is_said_to_be_gone(harness: Harness) -> None:
    harness.sim.allow_violations("(?i)wrong file identifier")  # Telegram of a lost photo
    reza, group_id = await leader(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    known = harness.server.world.files.add_generated_photo(800, 600, 1)[-1]
    data = await report_input(harness.store, group_id)
    photos = (Photo(known.file_id, known.file_unique_id), Photo("AgForgotten", "lost-1"))
    report, _ = await harness.store.reports.create(
        dataclasses.replace(data, photos=photos), reza.id, "pictures", 1405
    )
    await zahra.send("/review")
    await zahra.press(label("review-photos", count=2))
    sent = [m.photo for m in zahra.messages if m.photo]
    assert [photo[-1]["file_id"] for photo in sent] == [known.file_id]
    assert zahra.last.text == label("review-photos-gone", count=1, all="no")
    # Only one, and gone: said so, nothing else.
    alone = dataclasses.replace(data, photos=(Photo("AgForgotten", "lost-1"),), quantity=6)
    lonely, _ = await harness.store.reports.create(alone, reza.id, "picture", 1405)
    await zahra.send("/review")  # a queue of one had no «next»: two now
    await zahra.press(label("review-next"))
    assert code(lonely) in zahra.last.text
    await zahra.press(label("review-photos", count=1))
    assert zahra.last.text == label("review-photos-gone", count=1, all="yes")
    assert len([m for m in zahra.messages if m.photo]) == 1
    assert not [m for m in zahra.messages if m.text == t("error-generic")]
    assert report.id != lonely.id


async def test_a_groups_unflagged_reports_are_approved_together(harness: Harness) -> None:
    reza, group_id = await leader(harness)
    ali = await harness.sim.user("علی")
    await ali.send("/start")
    await harness.store.groups.add_member(group_id, ali.id, GroupRole.LEADER)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    for n in range(3):  # the group's usual: about 5
        usual = await stored(harness, group_id, reza, f"usual-{n}", quantity=5)
        await harness.store.review.decide(usual.id, ReportStatus.APPROVED, zahra.id, "", 1)
    mine = [await stored(harness, group_id, reza, f"r{n}", quantity=6 + n) for n in range(3)]
    flagged = await stored(harness, group_id, reza, "big", quantity=100)  # an outlier
    alis = await stored(harness, group_id, ali, "a1", quantity=4)
    clear = [*mine, alis]

    await zahra.send("/review")
    await zahra.press(label("review-approve-group"))
    ask = zahra.last.text
    assert label("review-together-ask", count=4, group="گروه رضا") in ask
    assert label("review-together-flagged", flagged=1) in ask
    # Meanwhile Reza edits one of them: the count stands, but not the versions confirmed.
    await _edit_quantity(reza, mine[0], "10")
    await zahra.press(label("review-together-yes", count=4))
    assert zahra.last_answer == label("review-together-changed")
    assert [await status(harness, r.id) for r in (*clear, flagged)] == ["submitted"] * 5
    await zahra.press(label("review-together-yes", count=4))
    assert zahra.last_answer == label("review-together-toast", count=4)

    rows = await harness.store.db.fetchall(
        "SELECT id, status FROM reports WHERE id IN (?, ?, ?, ?, ?) ORDER BY id",
        [r.id for r in (*clear, flagged)],
    )
    assert {r[0]: r[1] for r in rows} == {
        **{r.id: "approved" for r in clear},
        flagged.id: "submitted",
    }
    audited = await harness.store.db.fetchall(
        "SELECT entity_id, actor_id FROM audit_log WHERE action = 'report.approve'"
        " AND entity = 'report' ORDER BY entity_id"
    )
    assert [tuple(r) for r in audited] == [(r.id, zahra.id) for r in clear]
    done = next(
        m
        for m in zahra.messages
        if label("review-together-done", count=4, group="گروه رضا")[:5] in m.text
    )
    assert label("review-together-flagged", flagged=1) in done.text
    assert code(flagged) in zahra.last.text  # the flagged one is next, one by one

    await harness.delivered()
    many = [m for m in reza.messages if "گزارش شما تأیید شد" in m.text]
    assert len(many) == 1 and all(code(r) in many[0].text for r in mine)
    assert label("review-approved-many-notice", count=3, receipts="")[:8] in many[0].text
    single = [m for m in ali.messages if code(alis) in m.text and "تأیید شد" in m.text]
    assert len(single) == 1
    notices = await harness.store.db.fetchall("SELECT chat_id FROM outbox ORDER BY chat_id")
    assert sorted(r[0] for r in notices) == sorted([reza.id, ali.id])
