"""Onboarding, group creation, invites and group management, end to end."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.core.i18n import label, t
from db.models import GroupRole, GroupStatus
from tests.conftest import Harness


def invite_code(text: str) -> str:
    match = re.search(r"start=j-([a-z0-9]+)", text)
    assert match, text
    return match.group(1)


async def test_leader_creates_group_and_invites_by_link_and_code(harness: Harness) -> None:
    sim = harness.sim
    reza = await sim.user("رضا", username="reza")
    await reza.send("/start")
    await reza.press(label("onboarding-create"))
    assert "نام گروه" in reza.last.text
    await reza.send("  گروه  جهادی امید ")
    assert "کدام استان" in reza.last.text
    await reza.send("مركزي")  # Arabic ي/ك typed: found through the search key
    assert "کدام شهرستانِ استان مرکزی" in reza.last.text
    await reza.press("اراک")
    assert "تخصص" in reza.last.text
    await reza.press("معیشتی")
    assert "نام: گروه جهادی امید" in reza.last.text
    assert "اراک، استان مرکزی" in reza.last.text
    await reza.press(label("newgroup-create"))
    created = reza.last.text
    assert "ساخته شد" in created
    code = invite_code(created or "")
    assert len(code) == 12
    assert reza.keyboard is not None and ["📝 ثبت گزارش خدمت"] in reza.keyboard

    # Maryam opens the deep link; Sara types the code.
    maryam = await sim.user("مریم")
    await maryam.send(f"/start j-{code}")
    assert "دعوت به گروه جهادی امید" in maryam.last.text
    await maryam.press(label("join-yes"))
    assert "به «گروه جهادی امید» خوش آمدید" in maryam.last.text
    await harness.delivered()
    assert "مریم با لینک دعوت" in reza.last.text

    sara = await sim.user("سارا")
    await sara.send("/join")
    await sara.send(code.upper())
    await sara.press(label("join-yes"))
    store = harness.store
    groups = await store.groups.memberships(sara.id)
    assert [g.group_name for g in groups] == ["گروه جهادی امید"]
    members = await store.groups.members(groups[0].group_id)
    assert [(m.name, m.role) for m in members] == [
        ("رضا", GroupRole.LEADER),
        ("مریم", GroupRole.MEMBER),
        ("سارا", GroupRole.MEMBER),
    ]
    actions = [e.action for e in await store.audit.for_entity("group", groups[0].group_id)]
    assert actions == ["group.create", "join", "join"]


async def test_similar_name_in_same_county_warns(harness: Harness) -> None:
    sim = harness.sim
    leader = await sim.user("علی")
    await harness.group(leader, "گروه جهادی امید", "اراک")
    reza = await sim.user("رضا")
    await reza.send("/newgroup")
    await reza.send("گروه جهادي اميد")
    await reza.press("مرکزی")
    await reza.press("اراک")
    await reza.press(label("newgroup-no-specialty"))
    assert "نام مشابه «گروه جهادی امید»" in reza.last.text


async def test_back_and_cancel_in_group_creation(harness: Harness) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/newgroup")
    await reza.send("گروه نور")
    await reza.press("تهران")
    await reza.press(label("button-back"))
    assert "کدام استان" in reza.last.text
    await reza.send("اصفهان")
    assert "اصفهان" in reza.last.text
    await reza.send("نام نامعلوم")
    assert "پیدا نشد" in reza.last.text
    await reza.press(label("button-cancel"))
    assert reza.last.text.startswith("لغو شد")
    assert await harness.store.state.draft(reza.id, "group") is None


async def test_bad_and_revoked_codes(harness: Harness) -> None:
    sim = harness.sim
    reza = await sim.user("رضا")
    group_id = await harness.group(reza)
    invite = await harness.store.groups.new_invite(group_id, reza.id)
    maryam = await sim.user("مریم")
    await maryam.send("/join abc")
    assert "درست نیست" in maryam.last.text
    await maryam.send("/cancel")
    await harness.store.groups.revoke_invites(group_id)
    await maryam.send(f"/join {invite.code}")
    assert "دیگر معتبر نیست" in maryam.last.text


async def test_confirming_a_revoked_invite_changes_nothing(harness: Harness) -> None:
    sim = harness.sim
    reza = await sim.user("رضا")
    group_id = await harness.group(reza)
    invite = await harness.store.groups.new_invite(group_id, reza.id)
    maryam = await sim.user("مریم")
    await maryam.send(f"/start j-{invite.code}")
    await harness.store.groups.revoke_invites(group_id)
    await maryam.press(label("join-yes"))
    assert "دیگر معتبر نیست" in maryam.last.text
    assert await harness.store.groups.role_of(group_id, maryam.id) is None


async def test_group_card_members_and_leadership(harness: Harness) -> None:
    sim = harness.sim
    reza = await sim.user("رضا")
    maryam = await sim.user("مریم")
    group_id = await harness.group(reza, members=(maryam,))
    await maryam.send("/start")
    await reza.send("/group")
    assert "گروه امید" in reza.last.text and "تعداد اعضا: ۲" in reza.last.text
    await reza.press(label("group-new-invite"))
    assert "start=j-" in reza.last.text
    await reza.press(label("group-members"))
    await reza.press("مریم")
    await reza.press(label("group-promote"))
    assert await harness.store.groups.role_of(group_id, maryam.id) is GroupRole.LEADER
    await harness.delivered()
    assert "شما سرگروه «گروه امید» شدید" in maryam.last.text
    # Reza steps down; now Maryam is the only leader and cannot leave.
    await reza.press(label("group-member-leader", name="رضا"))
    await reza.press(label("group-step-down"))
    assert await harness.store.groups.role_of(group_id, reza.id) is GroupRole.MEMBER
    await maryam.send("/group")
    await maryam.press(label("group-leave"))
    await maryam.press(label("button-yes"))
    assert "بدون سرگروه" in (maryam.last_answer or "")
    assert await harness.store.groups.role_of(group_id, maryam.id) is GroupRole.LEADER
    # Maryam removes Reza.
    await maryam.send("/group")
    await maryam.press(label("group-members"))
    await maryam.press("رضا")
    await maryam.press(label("group-remove"))
    await maryam.press(label("button-yes"))
    assert await harness.store.groups.role_of(group_id, reza.id) is None
    await harness.delivered()
    assert "شما دیگر عضو «گروه امید» نیستید." in reza.last.text


async def test_a_new_invite_link_is_confirmed_before_the_shared_one_stops(
    harness: Harness,
) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    group_id = await harness.group(reza)
    store = harness.store
    await reza.send("/group")
    await reza.press(label("group-new-invite"))  # no link yet: made at once, nothing to stop
    first = await store.groups.current_invite(group_id)
    assert first is not None and first.valid
    await reza.press(label("group-new-invite"))
    assert reza.last.text == t("group-invite-confirm", group="گروه امید")
    again = await store.groups.current_invite(group_id)
    assert again is not None and again.code == first.code and again.valid  # not yet
    await reza.press(label("button-no"))
    assert f"start=j-{first.code}" in reza.last.text  # the card, with the same link
    await reza.press(label("group-new-invite"))
    await reza.press(label("button-yes"))
    assert reza.last_answer == label("group-invite-new")
    second = await store.groups.current_invite(group_id)
    assert second is not None and second.code != first.code
    assert f"start=j-{second.code}" in reza.last.text
    old = await store.db.scalar("SELECT revoked_at FROM invites WHERE id = ?", (first.id,))
    assert old is not None


@pytest.mark.parametrize("settings", [{"groups": {"creation": "approval"}}])
async def test_approval_mode(harness: Harness, settings: dict[str, Any]) -> None:
    sim = harness.sim
    zahra = await sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    reza = await sim.user("رضا")
    await reza.send("/start")
    await reza.press(label("onboarding-request"))
    await reza.send("گروه مهر")
    await reza.press("مرکزی")
    await reza.press("اراک")
    await reza.press(label("newgroup-no-specialty"))
    await reza.press(label("newgroup-request"))
    assert "پس از تأیید" in reza.last.text
    await harness.delivered()
    assert "درخواست ساختن گروه تازه" in zahra.last.text
    await zahra.press(label("approval-approve"))
    assert "تأیید شد" in zahra.last.text
    await harness.delivered()
    assert "start=j-" in reza.last.text
    group = (await harness.store.groups.memberships(reza.id))[0]
    assert (await harness.store.groups.get(group.group_id)).status is GroupStatus.ACTIVE


async def test_buttons_from_before_an_update_still_work(harness: Harness) -> None:
    """The reminder and new-link buttons now carry the state they set and the link they
    replace; the older ones, still on people's screens, keep working as before."""
    reza = await harness.sim.user("رضا")
    group = await harness.group(reza)
    await reza.send("/group")
    store = harness.store
    assert await store.reminders.enabled(reza.id, group)
    await reza.press_data(reza.last.message_id, f"grp:remind:{group}")  # switched: now off
    assert not await store.reminders.enabled(reza.id, group)
    before = await store.groups.newest_invite_id(group)
    await reza.press_data(reza.last.message_id, f"grp:invite:{group}")  # a new link, as asked
    assert await store.groups.newest_invite_id(group) > before
    assert "start=j-" in reza.last.text
