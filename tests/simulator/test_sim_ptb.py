"""A real python-telegram-bot Application talks to the simulator; the kit plays the users."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from simhelp import EchoBot

from simulator.server import SimulatorServer
from simulator.testing import (
    ProcessedTracker,
    SimClient,
    SimTimeout,
    WaitProcessed,
    assert_no_violations,
)


@pytest.fixture
def tracker() -> ProcessedTracker:
    """Collects the updates the in-process bot finished."""
    return ProcessedTracker()


@pytest.fixture
async def echo(sim_server: SimulatorServer, tracker: ProcessedTracker) -> AsyncIterator[EchoBot]:
    """The echo bot, polling the simulator."""
    bot = EchoBot(sim_server, tracker)
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
def sim_wait_processed(echo: EchoBot, tracker: ProcessedTracker) -> WaitProcessed:
    """The kit waits for the in-process bot to finish each update (overrides the plugin's)."""
    return tracker.wait


async def test_echo_conversation_with_inline_buttons(sim: SimClient) -> None:
    """/start, an inline button with its answer, an echo and a reply keyboard, rule-abiding."""
    maryam = await sim.user("مریم")
    await maryam.send("/start")
    assert maryam.last.text == "سلام! به خدمت‌یار خوش آمدید.\nچه کاری انجام دهیم؟"
    assert maryam.last.html is not None and maryam.last.html.startswith("<b>سلام!</b>")
    assert maryam.last.buttons == [["ثبت گزارش", "آمار من"], ["راهنما"]]
    await maryam.press("ثبت گزارش")
    assert maryam.last_answer == "گزارش تازه آغاز شد"
    assert maryam.last.text == "گزارش تازه: چند نفر خدمت گرفتند؟"
    assert len(maryam.messages) == 1 and maryam.messages[0].edited
    await maryam.send("۱۲ نفر")
    assert maryam.last.text == "۱۲ نفر"
    await maryam.send("/menu")
    assert maryam.keyboard == [["ثبت خدمت", "آمار"], ["موقعیت من"]]
    await maryam.press("آمار")
    assert maryam.last.text == "آمار"
    await maryam.press("موقعیت من")
    assert maryam.last.text == "موقعیت: 34.0954"
    await maryam.send_photo()
    assert maryam.last.text is not None and maryam.last.text.endswith("بایتی رسید")
    await maryam.press_data(maryam.messages[0].message_id, "g:del:99")
    assert maryam.last_answer == "داده: g:del:99"
    with pytest.raises(AssertionError, match=r"no button 'حذف'.*ثبت گزارش"):
        await maryam.press("حذف")
    with pytest.raises(AssertionError, match="not a callback button"):
        await maryam.press("راهنما")
    assert_no_violations(sim)


async def test_group_conversation(sim: SimClient) -> None:
    """Several users in a group: commands reach the bot, its answers land in the group."""
    maryam, reza = await sim.user("مریم"), await sim.user("رضا")
    group = await sim.group("گروه امید", members=[maryam, reza])
    await reza.send("/start", chat=group)
    assert group.last.buttons[0] == ["ثبت گزارش", "آمار من"]
    await maryam.press("آمار من", chat=group)
    assert maryam.last_answer == "داده: s:me"
    assert [m.text for m in group.history if not m.from_bot][-1] == "/start"


async def test_album_reaches_the_bot_as_separate_updates(sim: SimClient) -> None:
    """The bot handles each photo of an album on its own."""
    maryam = await sim.user("مریم")
    sent = await maryam.send_album(3)
    assert len(sent.update_ids) == 3
    replies = [m.text or "" for m in maryam.messages]
    assert len(replies) == 3 and all(r.endswith("بایتی رسید") for r in replies)


async def test_default_waiting_without_a_hook(sim_server: SimulatorServer, echo: EchoBot) -> None:
    """Without wait_processed the kit waits for delivery, then for the bot to go quiet."""
    async with SimClient(sim_server.control_url) as sim:
        maryam = await sim.user("مریم")
        await maryam.send("/start")
        assert maryam.last.buttons[0][0] == "ثبت گزارش"
        await maryam.press("ثبت گزارش")
        assert maryam.last_answer == "گزارش تازه آغاز شد"
        assert_no_violations(sim)


async def test_violations_fail_the_check(sim: SimClient) -> None:
    """assert_no_violations lists what the bot did wrong (here: an identical edit)."""
    maryam = await sim.user("مریم")
    await maryam.send("/start")
    await maryam.press("ثبت گزارش")
    await maryam.press("ثبت گزارش")
    with pytest.raises(AssertionError, match="editMessageText: Bad Request: message is not mod"):
        assert_no_violations(sim)
    assert_no_violations(sim, allow=["message is not modified"])
    sim.allow_violations("message is not modified")


async def test_a_silent_bot_times_out_with_a_clear_message(sim_server: SimulatorServer) -> None:
    """When nobody polls, waiting fails and says why."""
    async with SimClient(sim_server.control_url, timeout=0.3) as sim:
        maryam = await sim.user("مریم")
        with pytest.raises(SimTimeout, match="never called getUpdates"):
            await maryam.send("/start")
