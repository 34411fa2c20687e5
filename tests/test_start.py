"""/start, /help, /cancel and the command list, end to end through the simulator."""

from __future__ import annotations

import asyncio

from bot.core.i18n import label
from tests.conftest import Harness, eventually


async def test_start_welcomes_in_persian_with_menu(harness: Harness) -> None:
    maryam = await harness.sim.user("مریم")
    await maryam.send("/start")
    texts = [m.text for m in maryam.messages]
    assert "سلام مریم" in texts[0] and "خدمت‌یار" in texts[0]
    assert maryam.keyboard == [[label("menu-group")], [label("menu-stats"), label("menu-help")]]
    assert maryam.last.buttons == [
        [label("onboarding-find")],
        [label("onboarding-join")],
        [label("onboarding-create")],
    ]


async def test_help_and_cancel(harness: Harness) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/help")  # a newcomer: what a member can do, not reporting
    assert "/join" in reza.last.text and "/report" not in reza.last.text
    await reza.press(label("menu-help"))
    assert "راهنمای خدمت‌یار" in reza.last.text
    await reza.send("/cancel")
    assert reza.last.text == label("cancel-nothing")
    await reza.send("چه خبر؟")  # not a greeting («سلام» is answered as /start is)
    assert "متوجه نشدم" in reza.last.text


async def test_commands_registered_in_persian(harness: Harness) -> None:
    commands = await harness.app.bot.get_my_commands()
    names = {c.command: c.description for c in commands}
    assert names["find"] == "جستجوی گروه یا شهر"
    # The default list is a newcomer's (and a member's): reporting is for leaders only.
    assert list(names) == [
        "start",
        "group",
        "join",
        "newgroup",
        "stats",
        "campaign",
        "top",
        "find",
        "help",
        "cancel",
    ]


async def test_blocked_renamed_and_group_chats(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza = await sim.user("رضا")
    maryam = await sim.user("مریم", username="maryam")
    await reza.send("/start")
    await maryam.send("/start")
    group_id = await harness.group(reza, members=(maryam,))
    await maryam.block()
    volunteer = await store.volunteers.get(maryam.id)
    assert volunteer is not None and volunteer.blocked
    # The leader removes her: the notice is not sent to someone who blocked the bot.
    await reza.send("/group")
    await reza.press(label("group-members"))
    await reza.press("مریم")
    await reza.press(label("group-remove"))
    await reza.press(label("button-yes"))
    assert await store.groups.role_of(group_id, maryam.id) is None
    await maryam.unblock()
    await maryam.rename("مریم‌السادات", username="maryam_s")
    await maryam.send("/start")
    volunteer = await store.volunteers.get(maryam.id)
    assert volunteer is not None and not volunteer.blocked
    assert (volunteer.first_name, volunteer.username) == ("مریم‌السادات", "maryam_s")
    assert "سلام مریم‌السادات" in maryam.messages[-2].text
    team = await sim.group("گروه تلگرامی امید", members=[reza, maryam])
    await reza.send("/report", chat=team)
    assert team.last.text == "برای این کار لطفاً در گفت‌وگوی خصوصی با من پیام بدهید."


async def test_errors_are_answered_and_reported_to_admins_once(harness: Harness) -> None:
    sim = harness.sim
    assert harness.app is not None and harness.admin is not None
    reza = await sim.user("رضا")
    await reza.send("/start")

    async def broken(update: object, context: object) -> None:
        raise RuntimeError("boom")

    from telegram.ext import CommandHandler

    harness.app.handlers[0].insert(0, CommandHandler("boom", broken))
    await reza.send("/boom")
    assert reza.last.text.startswith("ببخشید، مشکلی پیش آمد")
    await reza.send("/boom")
    notices = [m for m in harness.admin.messages if "خطا در خدمت‌یار" in m.text]
    assert len(notices) == 1 and "RuntimeError" in notices[0].text


async def test_a_failing_job_is_logged_and_told_to_admins_once(harness: Harness) -> None:
    assert harness.app is not None and harness.app.job_queue is not None
    admin = harness.admin
    assert admin is not None

    async def broken(context: object) -> None:
        raise RuntimeError("job boom")

    harness.app.job_queue.run_once(broken, 0, name="broken-job")
    harness.app.job_queue.run_once(broken, 0.05, name="broken-job")
    await eventually(harness.sim, lambda: any("RuntimeError" in m.text for m in admin.messages))
    await asyncio.sleep(0.3)
    await harness.sim.refresh()
    assert len([m for m in admin.messages if "RuntimeError" in m.text]) == 1
