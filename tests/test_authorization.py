"""The four holes an adversarial run found (issue 8), each closed and kept closed.

1. joining a group without its code; 2. a role revoked in the middle of a flow; 3. oversized ids;
4. the bot answering in channels and groups.
"""

from __future__ import annotations

from bot.core.i18n import label, t
from db.models import GroupRole, Role
from tests.conftest import Harness


async def test_a_join_button_without_an_offer_joins_nothing(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza, sara = await sim.user("رضا"), await sim.user("سارا")
    await reza.send("/start")
    groups = [await harness.group(reza, f"گروه {n}") for n in ("یک", "دو", "سه")]
    for group in groups:
        await store.groups.new_invite(group, reza.id)
    ali = await sim.user("علی")
    await ali.send("/start")
    for data in ("join:ok", "join:ok:1", "join:ok:2", "join:ok:3"):
        await ali.press_data(ali.last.message_id, data)
        assert ali.last_answer == label("not-allowed"), data
    assert await store.groups.memberships(ali.id) == []
    joined = [t("join-leader-notice", name="علی", group=f"گروه {n}") for n in ("یک", "دو", "سه")]
    assert not [m for m in reza.messages if m.html in joined]
    # Someone offered group one (by its code) gets group one, whatever id a forged press carries.
    invite = await store.groups.current_invite(groups[0])
    assert invite is not None
    await sara.send(f"/start j-{invite.code}")
    offer = sara.last.message_id
    await sara.press_data(offer, "join:ok:3")  # not the question's number: changes nothing
    assert await store.groups.memberships(sara.id) == []
    await sara.press(label("join-yes"))
    assert [m.group_id for m in await store.groups.memberships(sara.id)] == [groups[0]]
    await sara.press_data(offer, "join:ok:1")  # the offer was used up: told it is done
    assert sara.last_answer == label("flow-done-already")
    assert [m.group_id for m in await store.groups.memberships(sara.id)] == [groups[0]]


async def test_only_the_newest_offer_can_be_confirmed(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza = await sim.user("رضا")
    await reza.send("/start")
    first, second = await harness.group(reza, "گروه یک"), await harness.group(reza, "گروه دو")
    codes = [(await store.groups.new_invite(g, reza.id)).code for g in (first, second)]
    sara = await sim.user("سارا")
    await sara.send(f"/start j-{codes[0]}")
    old = sara.last.message_id
    await sara.send(f"/join {codes[1]}")
    await sara.press_data(old, "join:ok:1")
    assert sara.last_answer in (label("stale-button"), label("stale-step"))
    await sara.press(label("join-yes"))
    assert [m.group_id for m in await store.groups.memberships(sara.id)] == [second]


async def test_a_revoked_admin_cannot_finish_appointing_himself(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    ali = await sim.user("علی")
    await ali.send("/start")
    await store.roles.grant(ali.id, Role.ADMIN, None, None)
    await ali.send("/admin")
    await ali.press(label("admin-admins"))
    await ali.press(label("admin-add-admin"))
    await store.roles.revoke(ali.id, Role.ADMIN)
    await ali.send(str(ali.id))
    assert [g for g in await store.roles.of(ali.id) if g.role is Role.ADMIN] == []
    assert ali.last.text == t("flow-revoked", flow=label("flow-name-admin"))
    assert await store.state.draft(ali.id, "admin") is None
    await ali.send("چه خبر؟")  # the flow is over: plain text is no answer to anything now
    assert ali.last.text == t("unknown-message")


async def test_a_demoted_leader_is_told_at_the_next_step_and_can_go_on(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza, maryam = await sim.user("رضا"), await sim.user("مریم")
    group = await harness.group(reza, members=(maryam,))
    await reza.send("/report")
    await store.groups.set_role(group, maryam.id, GroupRole.LEADER)
    await store.groups.set_role(group, reza.id, GroupRole.MEMBER)
    await reza.press(reza.last.buttons[0][0])
    assert reza.last.text == t("flow-revoked", flow=label("flow-name-report"))
    assert label("menu-report") not in str(reza.keyboard)
    assert await store.state.draft(reza.id, "report") is None
    await reza.send("/help")  # commands work at once, in or out of a flow
    assert t("help-group", role="member") in reza.last.html
    assert t("help-report") not in reza.last.html


async def test_a_coordinator_removed_mid_rename_renames_nothing(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    zahra, reza = await sim.user("زهرا"), await sim.user("رضا")
    province = await harness.coordinator(zahra, "مرکزی")
    group = await harness.group(reza)
    await zahra.send("/admin")
    await zahra.press(label("admin-groups"))
    await zahra.press_data(zahra.last.message_id, f"adm:group:{group}")
    await zahra.press(label("admin-group-rename"))
    await store.roles.revoke(zahra.id, Role.COORDINATOR, province)
    await zahra.send("گروه تازه")
    found = await store.groups.get(group)
    assert found is not None and found.name == "گروه امید"
    assert zahra.last.text == t("flow-revoked", flow=label("flow-name-admin"))


async def test_oversized_ids_typed_or_pressed_crash_nothing(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    for data in ("myr:edit:9223372036854775808", "join:ok:99999999999999999999", "adm:group:-1"):
        await admin.press_data(admin.last.message_id, data)
        assert admin.last_answer == label("stale-button"), data
    await admin.send("/admin")
    await admin.press(label("admin-admins"))
    await admin.press(label("admin-add-admin"))
    await admin.send("9" * 30)
    assert "پیدا نشد" in admin.last.text or "نشناختم" in admin.last.text, admin.last.text
    assert not [m for m in admin.messages if "مشکلی پیش آمد" in (m.text or "")]
    assert not [m for m in admin.messages if "خطا در خدمت‌یار" in (m.text or "")]


async def test_the_bot_is_silent_in_channels_and_points_to_private_in_groups(
    harness: Harness,
) -> None:
    sim = harness.sim
    reza, maryam = await sim.user("رضا"), await sim.user("مریم")
    channel = await sim.channel("کانال خبری", owner=reza)
    for text in ("/report", "/admin", "/start", "سلام"):
        await channel.post(text)
    assert not [p for p in channel.posts if p.from_bot]
    team = await sim.group("گروه تلگرامی", members=[reza, maryam])
    for text in ("/admin", "/report@someone_else_bot", "سلام", "۱۲۰"):
        await maryam.send(text, chat=team)
    replies = [m for m in team.messages if m.from_bot]
    # One hello when added (with the way to the private chat), one pointer for /admin.
    assert [m.text for m in replies] == [t("group-chat-hello"), t("private-only")]
    (button,) = [b for row in replies[1].keyboard for b in row]
    assert button.text == label("open-private") and button.url and "t.me/" in button.url
    assert label("not-allowed") not in str([m.text for m in team.messages])


async def test_an_idle_admin_flow_expires_with_a_notice(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    admin, ali = harness.admin, await sim.user("علی")
    assert admin is not None and harness.app is not None and harness.app.job_queue is not None
    await ali.send("/start")
    await admin.send("/admin")
    await admin.press(label("admin-admins"))
    await admin.press(label("admin-add-admin"))
    harness.clock.advance(hours=25)
    (job,) = harness.app.job_queue.get_jobs_by_name("idle-flows")
    await job.run(harness.app)
    await sim.refresh()
    assert admin.last.text == t("flow-expired-notice", flow=label("flow-name-admin"))
    await admin.send(str(ali.id))
    assert admin.last.text == t("unknown-message")
    assert [g for g in await store.roles.of(ali.id) if g.role is Role.ADMIN] == []
