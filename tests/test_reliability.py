"""Regressions the crash and fault soaks found (tests/test_soak_crash.py, test_soak_faults.py)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from telegram.error import BadRequest, NetworkError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core.i18n import label, t
from bot.export.sheet import ExportFormat, export_in_background
from db.export import ExportFilter
from db.models import GroupRole, GroupStatus
from db.store import Store
from simulator.testing import SimUser
from tests.conftest import SAME_PLACE, TODAY, Harness, report_input
from tests.test_report import fill_report, leader_with_campaign, to_review

ROOT = Path(__file__).resolve().parent.parent


async def test_an_album_answer_cut_off_by_a_stop_comes_after_the_restart(
    harness: Harness,
) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/report")
    await reza.press(label("report-no-campaign"))
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")
    for answer in ("12", "40", "6"):
        await reza.send(answer)
    await reza.press(SAME_PLACE)
    await reza.press(label("button-skip"))
    await reza.press(label("report-date-yesterday"))
    await reza.press(label("button-skip"))
    await reza.send_album(2)  # handled; its one answer waits a second in an in-memory job
    await harness.stop()
    assert "عکس دارید" in reza.last.text
    await harness.start([harness.admin.id] if harness.admin else [])
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("album-resume")
    await job.run(harness.app)
    await harness.sim.refresh()
    assert t("report-photos-received", count=2) in reza.last.text
    await reza.press(label("report-photos-done"))
    assert "عکس: ۲" in reza.last.text


async def test_a_receipt_that_did_not_go_out_comes_with_the_next_press(harness: Harness) -> None:
    reza = await to_review(harness)
    harness.sim.allow_violations(".*")
    # The report is saved, then showing the receipt fails even after its retries.
    await harness.sim.add_fault("drop", method="editMessageText", count=3)
    await reza.press(label("report-save"))
    assert "ثبت شد" not in reza.last.text
    await reza.press(label("report-save"))  # the person tries again: the same report, its receipt
    assert "ثبت شد" in reza.last.text
    rows = await harness.store.db.scalar(
        "SELECT count(*) FROM reports WHERE reporter_id = ?", (reza.id,)
    )
    assert rows == 1


async def _double_tap_every_button(harness: Harness, user: SimUser, command: str) -> int:
    """Shows a screen with `command`, and double-taps each of its buttons in turn; returns how
    many buttons."""
    await user.send(command)
    panel = user.last
    buttons = [b for row in panel.keyboard for b in row if b.callback_data]
    for button in buttons:
        await user.send(command)
        panel = user.last
        assert button.callback_data is not None
        first = await user.press_data(panel.message_id, button.callback_data, wait=False)
        second = await user.press_data(panel.message_id, button.callback_data, wait=False)
        await harness.wait_for(first, second)
        await user.send("/cancel")
    return len(buttons)


async def test_a_double_tap_on_any_screen_is_no_error(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    sim, admin = harness.sim, harness.admin
    assert admin is not None
    sim.allow_violations("message is not modified", "query is too old")
    reza, maryam = await sim.user("رضا"), await sim.user("مریم")
    await harness.group(reza, members=(maryam,))
    await maryam.send("/start")
    await reza.send("/start")
    tapped = 0
    for user, command in (
        (reza, "/group"),
        (reza, label("menu-my-reports")),
        (maryam, "/group"),
        (admin, "/admin"),
    ):
        tapped += await _double_tap_every_button(harness, user, command)
    assert tapped >= 10
    await sim.refresh()
    for user in (reza, maryam, admin):
        assert not [m for m in user.messages if m.text == t("error-generic")], user
    assert [c for c in sim.unanswered_callbacks] == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_bad_request_reaches_the_admins_error_notice(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None and harness.app is not None
    reza = await harness.sim.user("رضا")
    harness.sim.allow_violations(".*")

    async def broken(update: object, context: object) -> None:
        raise BadRequest("Can't parse entities: unsupported start tag")

    harness.app.handlers[0].insert(0, CommandHandler("broken", broken))  # before the fallbacks
    await reza.send("/broken")
    await harness.sim.refresh()
    assert reza.last.text == t("error-generic")
    assert "BadRequest" in admin.last.text


@pytest.mark.parametrize("where", ["province", "county", "merge"])
async def test_a_thousand_letters_typed_in_a_search_is_asked_again(
    harness: Harness, where: str
) -> None:
    admin = harness.admin
    assert admin is not None
    long_text = "ا" * 1200
    if where == "merge":
        reza = await harness.sim.user("رضا")
        await harness.group(reza)
        await harness.group(reza, name="گروه دوم")
        await admin.send("/admin")
        await admin.press(label("admin-groups"))
        await admin.press("گروه امید — اراک")
        await admin.press(label("admin-group-merge"))
        await admin.send(long_text)
        assert "گروه" in admin.last.text and len(admin.last.text or "") < 1000
        await admin.send("دوم")
        assert "گروه دوم — اراک" in [b.text for row in admin.last.keyboard for b in row]
        return
    user = await harness.sim.user("سازنده")
    await user.send("/start")
    await user.send("/newgroup")
    await user.send("گروه تازه")
    if where == "county":
        await user.send("مرکزی")
    asked = await _step(harness, user)
    await user.send(long_text)
    assert user.last.text is not None
    assert len(user.last.text) < 1000 and user.last.text != t("error-generic")
    assert await _step(harness, user) == asked  # the same question again
    await user.send("اراک" if where == "county" else "مرکزی")
    assert await _step(harness, user) != asked


async def _step(harness: Harness, user: SimUser) -> str:
    """The step of the person's group-creation draft."""
    draft = await harness.store.state.draft(user.id, "group")
    assert draft is not None
    return str(draft.data["step"])


async def test_a_refused_send_is_tried_again_and_a_dropped_one_is_not(harness: Harness) -> None:
    harness.sim.allow_violations(".*")
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    help_title = t("help-title")
    harness.server.faults.fail_next(method="sendMessage", status=502)  # refused: not sent
    await reza.send("/help")
    assert help_title in (reza.last.html or "")
    assert not [m for m in reza.messages if m.text == t("error-generic")]
    # A dropped connection may have carried the message out: not sent twice; the person is told
    # the connection dropped (not that something went wrong).
    harness.server.faults.drop(method="sendMessage")
    await reza.send("/help")
    assert len([m for m in reza.messages if help_title in (m.html or "")]) == 1
    assert reza.last.text == t("error-network")


async def test_a_backup_taken_while_reports_are_written_and_exported_holds_them(
    store: Store, tmp_path: Path
) -> None:
    await store.volunteers.seen(1, "رضا", "", "")
    place = (await store.places.search_counties("اراک"))[0]
    group = await store.groups.create(
        "گروه امید", "گروهامید", place.province_id, place.id, None, 1, GroupStatus.ACTIVE
    )
    data = await report_input(store, group)
    for n in range(300):  # enough for the export to take a while
        await store.reports.create(dataclasses.replace(data, quantity=n + 1), 1, f"a{n}", 1405)
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\npath = "{store.db.path}"\n', encoding="utf-8")
    stop = asyncio.Event()

    async def writer() -> None:
        n = 0
        while not stop.is_set():
            await store.reports.create(dataclasses.replace(data, quantity=9), 1, f"b{n}", 1405)
            n += 1
            await asyncio.sleep(0.002)

    writing = asyncio.create_task(writer())
    everything = ExportFilter(TODAY - timedelta(days=30), TODAY)
    export = asyncio.create_task(
        export_in_background(store.db.path, everything, tmp_path / "all.xlsx", ExportFormat.XLSX)
    )
    await asyncio.sleep(0.3)
    confirmed = {r[0] for r in await store.db.fetchall("SELECT receipt FROM reports")}
    backup = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "db",
        "backup",
        str(tmp_path / "copy.db"),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await backup.communicate()
    stop.set()
    await writing
    exported = await export
    assert backup.returncode == 0, err.decode()
    with contextlib.closing(sqlite3.connect(tmp_path / "copy.db")) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        kept = {r[0] for r in copy.execute("SELECT receipt FROM reports")}
    assert len(confirmed) > 300 and confirmed <= kept
    assert exported.rows >= 300


async def test_a_press_whose_handling_fails_is_still_answered(harness: Harness) -> None:
    assert harness.app is not None
    harness.sim.allow_violations(".*")
    reza = await harness.sim.user("رضا")
    await reza.send("/start")

    async def failing(update: object, context: object) -> None:
        raise NetworkError("Bad Gateway")  # e.g. the edit failed even after its retries

    # In place of the groups list's page button (anyone may press it), before its own handler.
    harness.app.handlers[0].insert(0, CallbackQueryHandler(failing, pattern="^grps:"))
    sent = await reza.press_data(reza.last.message_id, "grps:page:1")
    await harness.sim.refresh()
    assert reza.last_answer_query == sent.callback_query_id
    assert harness.sim.unanswered_callbacks == []


async def test_a_429_on_answering_a_press_is_waited_out_and_the_press_answered(
    harness: Harness,
) -> None:
    harness.sim.allow_violations(".*")
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    harness.server.faults.flood(1, retry_after=1, method="answerCallbackQuery")
    sent = await reza.press_data(reza.last.message_id, "grps:page:1")
    await harness.sim.refresh()
    assert reza.last_answer_query == sent.callback_query_id


async def _edit(harness: Harness, user: SimUser, text: str) -> None:
    """The person edits their last message to `text` (Telegram sends an edited_message)."""
    world = harness.server.world
    chat = world.chats[user.chat.id]
    mine = max((m for m in chat.messages.values() if not m.from_bot), key=lambda m: m.message_id)
    payload = {
        "message_id": mine.message_id,
        "date": mine.date,
        "edit_date": mine.date + 5,
        "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
        "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
        "text": text,
    }
    update_id = world.push_update("edited_message", payload)
    assert update_id is not None
    await harness.sim.wait(update_id)
    await harness.sim.refresh()


async def test_an_edited_message_is_never_an_answer_at_any_typed_step(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/report")
    await reza.press(label("report-no-campaign"))
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")
    steps = [  # (what the step takes, an edit that would be a valid answer, the real answer)
        ("quantity", "999", "12"),
        ("beneficiaries", "999", "40"),
        ("volunteers", "999", "6"),
    ]
    for field, edit, answer in steps:
        before = await harness.store.state.draft(reza.id, "report")
        assert before is not None
        await _edit(harness, reza, edit)
        assert label("flow-edit-ignored") in reza.last.text
        after = await harness.store.state.draft(reza.id, "report")
        assert after is not None and after.data[field] == before.data[field]
        assert after.data["step"] == before.data["step"]
        await reza.send(answer)
    await reza.press(SAME_PLACE)
    await _edit(harness, reza, "روستای ویرایش")  # the village, by an edit
    assert label("flow-edit-ignored") in reza.last.text
    await reza.send("روستای خنداب")
    await _edit(harness, reza, "۱۴۰۵/۰۸/۰۱")  # a date typed at the date step, by an edit
    assert label("flow-edit-ignored") in reza.last.text
    await reza.press(label("report-date-yesterday"))
    await _edit(harness, reza, "توضیح ویرایش")
    assert label("flow-edit-ignored") in reza.last.text
    await reza.send("توضیح درست")
    await reza.press(label("report-no-photos"))
    await reza.press(label("report-save"))
    report = (await harness.store.reports.recent(reza.id))[0]
    assert (report.quantity, report.beneficiaries, report.volunteers) == (12, 40, 6)
    assert (report.place, report.description) == ("روستای خنداب", "توضیح درست")
    assert report.service_date == TODAY - timedelta(days=1)


async def test_two_leaders_save_while_an_admin_renames_their_group(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    reza, group_id, _ = await leader_with_campaign(harness)
    maryam = await harness.sim.user("مریم")
    await harness.store.volunteers.seen(maryam.id, "مریم", "", "")
    await harness.store.groups.add_member(group_id, maryam.id, GroupRole.LEADER)
    await maryam.send("/start")
    for leader in (reza, maryam):
        await fill_report(leader)
    await admin.send("/admin")
    await admin.press(label("admin-groups"))
    await admin.press("گروه امید — اراک")
    await admin.press(label("admin-group-rename"))
    # Both leaders save and the admin sends the new name, all at once.
    sent = []
    for leader in (reza, maryam):
        panel = leader.last
        data = next(
            b.callback_data for row in panel.keyboard for b in row if b.text == "✅ ثبت گزارش"
        )
        assert data is not None
        sent.append(await leader.press_data(panel.message_id, data, wait=False))
    sent.append(await admin.send("گروه امید نو", wait=False))
    await harness.wait_for(*sent)
    rows = await harness.store.db.fetchall(
        "SELECT reporter_id, group_id FROM reports ORDER BY reporter_id"
    )
    assert sorted((r[0], r[1]) for r in rows) == sorted(
        [(reza.id, group_id), (maryam.id, group_id)]
    )
    group = await harness.store.groups.get(group_id)
    assert group is not None and group.name == "گروه امید نو"
    for leader in (reza, maryam):
        assert "ثبت شد" in leader.last.text
    assert harness.sim.unanswered_callbacks == []


async def test_a_leader_saves_and_types_while_an_admin_merges_the_group(harness: Harness) -> None:
    """Three things at once: the save press, a typed line while it is in flight, the merge."""
    admin, store = harness.admin, harness.store
    assert admin is not None
    reza, source, _ = await leader_with_campaign(harness)
    ali = await harness.sim.user("علی")
    await ali.send("/start")
    target = await harness.group(ali, "گروه نور اراک")
    await fill_report(reza)
    await admin.send("/admin")
    await admin.press(label("admin-groups"))
    await admin.press("گروه امید — اراک")
    await admin.press(label("admin-group-merge"))
    await admin.send("نور اراک")
    await admin.press("گروه نور اراک — اراک")
    confirm = admin.last
    yes = next(b.callback_data for row in confirm.keyboard for b in row if b.text == "بله")
    panel = reza.last
    save = next(b.callback_data for row in panel.keyboard for b in row if b.text == "✅ ثبت گزارش")
    assert yes is not None and save is not None
    sent = [
        await reza.press_data(panel.message_id, save, wait=False),
        await reza.send("سلام؟", wait=False),  # typed while the press is in flight
        await admin.press_data(confirm.message_id, yes, wait=False),
    ]
    await harness.wait_for(*sent)
    rows = await store.db.fetchall("SELECT group_id, quantity FROM reports")
    assert [tuple(r) for r in rows] == [(target, 120)]  # saved once, and counted where it went
    merged = await store.groups.get(source)
    assert merged is not None and merged.status is GroupStatus.MERGED
    assert await store.db.scalar("SELECT COUNT(*) FROM drafts WHERE kind = 'report'") == 0
    assert any("ثبت شد" in (m.text or "") for m in reza.messages[-4:])
    assert harness.sim.unanswered_callbacks == []
    assert "مشکلی پیش آمد" not in " ".join(m.text or "" for m in reza.messages + admin.messages)


async def _double_tap(harness: Harness, user: SimUser, text: str) -> None:
    """Taps the newest inline button named `text` twice before the bot answers the first."""
    panel = next(
        m for m in reversed(user.messages) if any(b.text == text for row in m.keyboard for b in row)
    )
    data = next(b.callback_data for row in panel.keyboard for b in row if b.text == text)
    assert data is not None
    first = await user.press_data(panel.message_id, data, wait=False)
    second = await user.press_data(panel.message_id, data, wait=False)
    await harness.wait_for(first, second)


async def test_a_double_tap_at_every_button_step_of_a_report_moves_it_once(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Every pressed step of the report double-tapped, the save included: one step each time."""
    harness.sim.allow_violations("message is not modified", "query is too old")
    reza, _, _ = await leader_with_campaign(harness)
    await reza.press(label("menu-report"))
    await _double_tap(harness, reza, "پویش ۱۱ هزار خدمت")
    assert reza.last.text.startswith("حوزهٔ خدمت")
    await _double_tap(harness, reza, "معیشتی")
    assert "کدام خدمت" in reza.last.text
    await _double_tap(harness, reza, "بستهٔ معیشتی")
    assert reza.last.text == "چند بسته توزیع شد؟ (عدد را بنویسید)"
    await reza.send("120")
    await reza.send("۴۵")
    await reza.send("٨")
    await _double_tap(harness, reza, "📍 همان محل گروه: اراک، استان مرکزی")
    await reza.send("روستای خنداب")
    await _double_tap(harness, reza, "دیروز")
    assert "توضیح" in reza.last.text
    await reza.send("توزیع بسته بین خانواده‌ها")
    await _double_tap(harness, reza, "بدون عکس")
    assert "✅ ثبت گزارش" in str(reza.last.buttons)
    await _double_tap(harness, reza, "✅ ثبت گزارش")
    assert "ثبت شد" in reza.last.text
    rows = await harness.store.db.fetchall("SELECT quantity, place FROM reports")
    assert [tuple(r) for r in rows] == [(120, "روستای خنداب")]
    assert not [m for m in reza.messages if m.text == t("error-generic")]
    assert harness.sim.unanswered_callbacks == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
