"""/start, /help, /cancel and the command list, end to end through the simulator."""

from __future__ import annotations

from tests.conftest import Harness


async def test_start_welcomes_in_persian_with_menu(harness: Harness) -> None:
    maryam = await harness.sim.user("مریم")
    await maryam.send("/start")
    texts = [m.text for m in maryam.messages]
    assert "سلام مریم" in texts[0] and "خدمت‌یار" in texts[0]
    assert maryam.keyboard == [["👥 گروه من"], ["❓ راهنما"]]
    assert maryam.last.buttons == [["🔗 پیوستن با کد دعوت"], ["➕ ساختن گروه تازه"]]


async def test_help_and_cancel(harness: Harness) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/help")
    assert "/report" in reza.last.text
    await reza.press("❓ راهنما")
    assert "راهنمای خدمت‌یار" in reza.last.text
    await reza.send("/cancel")
    assert reza.last.text == "کار نیمه‌تمامی نداشتید."
    await reza.send("سلام")
    assert "متوجه نشدم" in reza.last.text


async def test_commands_registered_in_persian(harness: Harness) -> None:
    commands = await harness.app.bot.get_my_commands()  # type: ignore[union-attr]
    names = {c.command: c.description for c in commands}
    assert names["report"] == "ثبت گزارش خدمت"
    assert set(names) == {"start", "report", "myreports", "group", "join", "help", "cancel"}
