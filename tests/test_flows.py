"""The flow engine against the defects issue 9 observed: each has its regression test here.

Buttons are found by their locale key where the wording may change.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.i18n import label, t
from db.models import GroupRole, Role
from db.usecases import save_report
from simulator.testing import SimUser
from tests.conftest import SAME_PLACE, TODAY, Harness, eventually, report_input
from tests.test_report import (
    ASK_DATE,
    QUANTITY,
    fill_report,
    leader_with_campaign,
    to_quantity,
    to_review,
)

REPORT = label("flow-name-report")
# A receipt's words after its number: «✅ گزارش شمارهٔ … ثبت شد. دست مریزاد!».
SAVED = t("report-saved", receipt="…").split("…")[-1]


async def _drafts(harness: Harness, user_id: int) -> list[str]:
    return [d.kind for d in await harness.store.state.drafts_of(user_id)]


async def test_flows_do_not_leak_into_each_other(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/join")
    await reza.send("/report")  # the join is open: go on with it, or leave it for the report
    assert label("flow-busy", flow=label("flow-name-join")) in reza.last.text
    await reza.send("/cancel")
    assert await _drafts(harness, reza.id) == []
    await reza.send("چه خبر؟")
    assert reza.last.text == t("unknown-message")  # not «این کد دعوت درست نیست»


async def test_busy_offers_to_go_on_or_start_afresh(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("/help")
    assert t("help-report") in (reza.messages[-2].html or "")  # /help lists what a leader does
    assert reza.last.text.startswith(label("flow-continue", flow=REPORT))
    assert QUANTITY in reza.last.text
    await reza.send("/start")
    assert QUANTITY in reza.last.text
    await reza.press(label("menu-report"))
    buttons = [b for row in reza.last.buttons for b in row]
    assert label("flow-resume", flow=REPORT) in buttons
    await reza.press(label("flow-resume", flow=REPORT))
    await reza.send("12")  # the pending question still takes its answer
    assert t("report-ask-beneficiaries") in reza.last.text
    await reza.press(label("menu-report"))
    await reza.press(label("flow-start-other", flow=REPORT))  # a quantity is there: ask first
    assert reza.last.text == t("flow-confirm-discard", flow=REPORT)
    await reza.press(label("flow-discard-yes"))
    assert reza.last.text == t("report-ask-campaign")  # a new report, from its start
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and stored.data["quantity"] is None


async def test_a_finished_report_is_not_thrown_away_with_one_tap(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("button-cancel"))
    assert reza.last.text == t("flow-confirm-discard", flow=REPORT)
    await reza.press(label("flow-discard-no"))
    assert reza.last.text.startswith(t("report-review-title"))
    await reza.send("/cancel")
    await reza.press(label("flow-discard-yes"))
    assert reza.last.text == t("cancel-done")
    assert await harness.store.reports.count() == 0 and await _drafts(harness, reza.id) == []


async def test_cancelling_an_edit_says_the_report_stayed(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("report-save"))
    await reza.press(label("menu-my-reports"))
    await reza.press(reza.last.buttons[0][0])  # «ویرایش …»
    await reza.press(label("button-cancel"))  # nothing would be lost: no question asked
    assert reza.last.text == t("report-edit-cancelled")


async def test_editing_photos_adds_them_and_clearing_is_its_own_choice(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("report-edit-photos"))
    await reza.send_photo()
    await reza.press(label("report-photos-done"))
    await reza.press(label("report-edit-photos"))
    await reza.send_photo()
    assert t("report-photos-received", count=2) in reza.last.text
    await reza.press(label("button-keep"))
    assert t("report-review-photos", count=2, any="yes") in reza.last.text
    await reza.press(label("report-edit-photos"))
    await reza.press(label("report-photos-clear"))
    assert label("report-photos-cleared") in reza.last.text
    await reza.press(label("report-no-photos"))
    assert t("report-review-photos", count=0, any="no") in reza.last.text


async def test_typed_places_take_an_exact_match_and_offer_several(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("report-edit-place"))
    await reza.press(label("report-place-pick"))
    await reza.send("خراسان")  # three provinces: offered as buttons
    assert t("search-many", query="خراسان") in reza.last.text
    assert [b for row in reza.last.buttons for b in row][:3] == [
        "خراسان جنوبی",
        "خراسان رضوی",
        "خراسان شمالی",
    ]
    await reza.send("كرمان")  # Kerman exactly (not Kermanshah), typed with an Arabic kaf
    assert t("place-ask-county", province="کرمان") in reza.last.text
    await reza.send("بم")
    assert t("report-ask-village") in reza.last.text


async def test_admin_group_search_answers_typed_names(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    await harness.group(reza, "گروه علی‌کریمی")
    await admin.send("/admin")
    await admin.press(label("admin-groups"))
    await admin.press(label("admin-group-search"))
    await admin.send("علي كريمي")
    assert next(b for row in admin.last.buttons for b in row) == "گروه علی‌کریمی — اراک"


async def test_a_double_tap_answers_one_question(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("120")
    panel, skip = reza.last.message_id, _skip_data(reza)
    await reza.press_data(panel, skip)
    await reza.press_data(panel, skip)  # the second tap
    assert reza.last_answer == label("stale-step")
    assert t("report-ask-volunteers") in reza.last.text  # volunteers: asked, not skipped


async def test_an_answer_sent_twice_fills_one_field(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    first = await reza.send("120", wait=False)  # sent again before the next question came
    await reza.send("120")
    await harness.sim.wait(first.update_id)
    await reza.send("45")
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None
    assert (stored.data["quantity"], stored.data["beneficiaries"]) == (120, 45)


async def test_a_lost_reply_never_puts_an_answer_in_the_wrong_field(harness: Harness) -> None:
    harness.sim.allow_violations(".*")
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    harness.server.faults.lose(method="sendMessage")  # the question arrives; the bot never knows
    await reza.send("120")
    assert t("report-ask-beneficiaries") in " ".join(m.text or "" for m in reza.messages[-3:])
    await reza.send("45")  # the answer to what they see: asked again, not taken for a quantity
    assert t("report-ask-beneficiaries") in reza.last.text
    await reza.send("45")
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None
    assert (stored.data["quantity"], stored.data["beneficiaries"]) == (120, 45)


async def test_a_lost_edit_still_leaves_every_visible_button_working(harness: Harness) -> None:
    harness.sim.allow_violations(".*")
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("120")
    harness.server.faults.lose(method="editMessageText")
    await reza.press(label("button-skip"))  # beneficiaries skipped; the edit's answer is lost
    await reza.press(label("button-skip"))  # the button they see (volunteers) works
    assert reza.last.text == t("report-ask-place")


async def test_a_restart_resumes_and_binds_the_next_answer(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("120")
    await harness.restart()
    await reza.send("45")
    await reza.press(label("button-skip"))
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and stored.data["step"] == "place"
    assert (stored.data["beneficiaries"], stored.data["volunteers"]) == (45, None)


async def test_a_photo_during_an_album_answer_is_kept(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("report-edit-photos"))
    await reza.send_album(3)
    await reza.send_photo()
    await eventually(harness.sim, lambda: t("report-photos-received", count=4) in reza.last.text)
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and len(stored.data["photos"]) == 4


async def test_a_photo_sent_while_the_album_answer_is_slow_is_kept(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await fill_report(reza, photos=False)
    assert reza.last.text == t("report-ask-photos", max=10)
    await reza.send_album(3)
    harness.server.faults.slow(2.0, count=1, method="sendMessage")  # «۳ عکس دریافت شد.»
    await eventually(harness.sim, lambda: bool(harness.server.faults.events))  # on its way
    fourth = await reza.send_photo(wait=False)  # sent before the answer's message exists
    await harness.wait_for(fourth)
    await eventually(harness.sim, lambda: t("report-photos-received", count=4) in reza.last.text)
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and len(stored.data["photos"]) == 4


async def _merge(harness: Harness, source: int, target: int) -> None:
    """The admin merges one group into another (the button of the confirmation)."""
    admin = harness.admin
    assert admin is not None
    await admin.press_data(admin.last.message_id, f"adm:mergeok:{source}:{target}")


async def test_a_group_merged_at_the_review_keeps_the_report(harness: Harness) -> None:
    reza, group, _ = await leader_with_campaign(harness)
    ali = await harness.sim.user("علی")
    await ali.send("/start")
    target = await harness.group(ali, "گروه امید اراک")
    await fill_report(reza)  # complete, on the review
    await _merge(harness, group, target)
    await reza.press(label("report-save"))
    merged = t("report-group-merged", group="گروه امید اراک")
    assert merged in reza.last.text and SAVED in reza.last.text
    assert t("flow-revoked", flow=REPORT) not in [m.text for m in reza.messages]
    rows = await harness.store.db.fetchall("SELECT group_id, quantity, reporter_id FROM reports")
    assert [tuple(r) for r in rows] == [(target, 120, reza.id)]


async def test_a_group_merged_mid_report_goes_on_for_the_merged_group(harness: Harness) -> None:
    reza, group, _ = await leader_with_campaign(harness)
    ali = await harness.sim.user("علی")
    await ali.send("/start")
    target = await harness.group(ali, "گروه امید اراک")
    await to_quantity(reza)
    await _merge(harness, group, target)
    await reza.send("120")  # the typed answer is taken, with one line about the merge above
    assert reza.last.text.startswith(t("report-group-merged", group="گروه امید اراک"))
    assert t("report-ask-beneficiaries") in reza.last.text
    await reza.press(label("button-skip"))  # said once
    assert t("report-group-merged", group="گروه امید اراک") not in reza.last.text
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None
    assert (stored.data["group_id"], stored.data["quantity"]) == (target, 120)


async def test_roles_come_with_their_menu(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza, maryam, zahra = await sim.user("رضا"), await sim.user("مریم"), await sim.user("زهرا")
    for user in (reza, maryam, zahra):
        await user.send("/start")
    group = await harness.group(reza)
    invite = await store.groups.new_invite(group, reza.id)
    await maryam.send(f"/start j-{invite.code}")
    await maryam.press(label("join-yes"))
    assert maryam.keyboard is not None and [label("menu-group")] in maryam.keyboard
    admin = harness.admin
    assert admin is not None
    province = (await store.places.search_provinces("مرکزی"))[0]
    await admin.press_data(admin.last.message_id, "adm:menu")
    await admin.press_data(admin.last.message_id, f"adm:cprov:{zahra.id}:{province.id}")
    await harness.delivered()
    assert any(label("menu-admin") in row for row in zahra.keyboard or [])
    await reza.press(label("menu-group"))
    await store.groups.add_member(group, maryam.id, GroupRole.MEMBER)
    await store.groups.set_role(group, maryam.id, GroupRole.LEADER)
    await reza.press_data(reza.last.message_id, f"grp:demote:{group}:{reza.id}")
    await maryam.press(label("menu-group"))
    await maryam.press_data(maryam.last.message_id, f"grp:demote:{group}:{reza.id}")
    await harness.delivered()
    assert t("group-you-were-demoted", group="گروه امید") in reza.last.text
    assert reza.keyboard is not None and [label("menu-report")] not in reza.keyboard
    # Zahra was made a coordinator of Markazi above (the admin's own menu: test_authorization).
    assert [(g.role, g.province_id) for g in await store.roles.of(zahra.id)] == [
        (Role.COORDINATOR, province.id)
    ]


async def test_saving_twice_with_one_key_stores_one_report(harness: Harness) -> None:
    reza, group, _ = await leader_with_campaign(harness)
    store = harness.store
    data = await report_input(store, group, photo="u")
    kwargs = {"key": "one-key", "receipt_year": 1405, "report_id": None, "edit_hours": 48}
    first, _ = await save_report(store, data, reza.id, **kwargs)  # type: ignore[arg-type]
    second, _ = await save_report(store, data, reza.id, **kwargs)  # type: ignore[arg-type]
    assert first is not None and second is not None and first.id == second.id
    assert await store.db.scalar("SELECT count(*) FROM reports") == 1


# The report as a person answers it: the question they see (by its start) → what they do.
ANSWERS: list[tuple[str, str, str]] = [
    (t("report-ask-campaign"), "press", "پویش ۱۱ هزار خدمت"),
    (t("report-ask-area"), "press", "معیشتی"),
    (t("report-ask-service", area="معیشتی"), "press", "بستهٔ معیشتی"),
    (QUANTITY, "send", "120"),
    (t("report-ask-beneficiaries"), "send", "45"),
    (t("report-ask-volunteers"), "send", "8"),
    (t("report-ask-place"), "press", SAME_PLACE),
    (t("report-ask-village"), "send", "روستای خنداب"),
    (ASK_DATE, "press", label("report-date-yesterday")),
    (t("report-ask-description", max=500), "skip", ""),
    (t("report-ask-photos", max=10), "press", label("report-no-photos")),
    (t("report-review-title"), "press", label("report-save")),
]
CALLS = ("sendMessage", "editMessageText", "answerCallbackQuery")


async def _answer_what_is_seen(harness: Harness, reza: SimUser) -> bool:
    """Does what the newest question asks; False once the receipt is there."""
    for message in sorted(reza.messages, key=lambda m: m.message_id, reverse=True):
        text = message.text or ""
        if SAVED in text:
            return False
        lines = text.split("\n")
        found = next((a for a in ANSWERS for line in lines if line.startswith(a[0])), None)
        if found is None:
            continue
        _, how, value = found
        if how == "send":
            await reza.send(value)
        else:
            await reza.press(value or label("button-skip"))
        return True
    await reza.send("/report")  # nothing to answer on screen: the way back in
    return True


@pytest.mark.slow
@pytest.mark.slow
@pytest.mark.timeout(300)  # 12 steps × 2 kinds for one call, each with a restart: 20-45 s
@pytest.mark.parametrize("method", CALLS)
async def test_a_fault_at_any_call_of_a_report_loses_or_misplaces_nothing(
    harness: Harness, method: str
) -> None:
    """At each step, one Bot API call (one method a test, so the three share the workers) fails
    before it takes effect (drop) or after (lost), then the bot restarts; the person answers
    whatever question they see, and the saved report holds exactly the answers they meant."""
    harness.sim.allow_violations(".*")
    runs = 0
    cases = [(step, kind) for step in range(len(ANSWERS)) for kind in ("drop", "lost")]
    for step, kind in cases:
        reza, _, _ = await leader_with_campaign(harness, f"رضا{runs}")
        await reza.send("/report")
        for _ in range(step):
            await _answer_what_is_seen(harness, reza)
        if kind == "drop":
            harness.server.faults.drop(method=method)
        else:
            harness.server.faults.lose(method=method)
        await _answer_what_is_seen(harness, reza)
        harness.server.faults.clear()
        await harness.restart()
        for _ in range(40):
            if not await _answer_what_is_seen(harness, reza):
                break
        reports = await harness.store.reports.recent(reza.id)
        assert len(reports) == 1, (step, kind, method)
        got = reports[0]
        assert (got.quantity, got.beneficiaries, got.volunteers) == (120, 45, 8), (step, kind)
        assert got.place == "روستای خنداب" and got.description == "", (step, kind)
        assert got.service_date == TODAY - timedelta(days=1)
        assert await harness.store.state.draft(reza.id, "report") is None
        runs += 1
    assert runs == len(cases) == 24


async def test_a_transient_failure_of_an_answer_or_edit_is_tried_again(harness: Harness) -> None:
    harness.sim.allow_violations(".*")
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("120")
    harness.server.faults.fail_next(method="answerCallbackQuery")
    harness.server.faults.fail_next(method="editMessageText")
    sent = await reza.press_data(reza.last.message_id, _skip_data(reza))
    assert reza.last_answer_query == sent.callback_query_id  # answered, on the second try
    assert t("report-ask-volunteers") in reza.last.text  # and the next question is shown
    assert not [m for m in reza.messages if m.text == t("error-generic")]


def _skip_data(user: SimUser) -> str:
    """The callback data of the skip button (button-skip) on the newest question."""
    skip = next(b for row in user.last.keyboard for b in row if b.text == label("button-skip"))
    assert skip.callback_data is not None
    return skip.callback_data
