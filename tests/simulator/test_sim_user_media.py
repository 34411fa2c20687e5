"""Stickers, voice notes, videos, video notes, animations and polls sent by users."""

from __future__ import annotations

from typing import Any

from simhelp import RawBot
from telegram import Bot, Update

from simulator.testing import SimClient


async def _one_message(bot: RawBot) -> dict[str, Any]:
    """The message of the only pending update, which is then confirmed."""
    [update] = await bot.ok("getUpdates")
    await bot.ok("getUpdates", {"offset": update["update_id"] + 1, "timeout": 0})
    message: dict[str, Any] = update["message"]
    return message


async def _parsed(bot: RawBot, message: dict[str, Any]) -> Update:
    """The message as python-telegram-bot reads it."""
    update = Update.de_json({"update_id": 1, "message": message}, Bot(bot.server.token))
    assert update is not None
    return update


async def test_each_media_kind_arrives_as_telegram_sends_it(bot: RawBot, sim: SimClient) -> None:
    """Every kind carries its Bot API object, which downloads and parses as its type."""
    maryam = await sim.user("مریم")
    for kind in ("sticker", "voice", "video", "video_note", "animation"):
        await maryam.send_media(kind, wait=False)
        message = await _one_message(bot)
        obj = message[kind]
        assert "text" not in message
        info = await bot.ok("getFile", {"file_id": obj["file_id"]})
        assert info["file_size"] == obj["file_size"] == 2048
        update = await _parsed(bot, message)
        assert update.message is not None and getattr(update.message, kind) is not None


async def test_sticker_voice_and_animation_details(bot: RawBot, sim: SimClient) -> None:
    """A sticker has its emoji, a voice note its duration, a GIF is also a document."""
    maryam = await sim.user("مریم")
    await maryam.send_sticker("🌹", wait=False)
    await maryam.send_voice(7, wait=False)
    await maryam.send_animation(caption="<b>گیف</b>", wait=False)
    got = [u["message"] for u in await bot.ok("getUpdates")]
    assert got[0]["sticker"]["emoji"] == "🌹" and got[0]["sticker"]["type"] == "regular"
    assert got[1]["voice"]["duration"] == 7 and got[1]["voice"]["mime_type"] == "audio/ogg"
    assert got[2]["animation"]["file_id"] == got[2]["document"]["file_id"]
    assert got[2]["caption"] == "<b>گیف</b>"  # sent as typed: no formatting by users


async def test_a_poll_and_the_kit_view(bot: RawBot, sim: SimClient) -> None:
    """A poll arrives with its options; the test kit sees what the user sent."""
    maryam = await sim.user("مریم")
    sent = await maryam.send_poll("کدام روز؟", ("شنبه", "یکشنبه", "دوشنبه"), wait=False)
    message = await _one_message(bot)
    poll = message["poll"]
    assert poll["question"] == "کدام روز؟" and [o["text"] for o in poll["options"]] == [
        "شنبه",
        "یکشنبه",
        "دوشنبه",
    ]
    update = await _parsed(bot, message)
    assert update.message is not None and update.message.poll is not None
    await maryam.refresh()
    mine = next(m for m in maryam.chat.history if m.message_id == sent.message_ids[0])
    assert "poll" in mine.raw["media"]


async def test_unknown_kind_is_refused(sim: SimClient) -> None:
    """A kind the simulator does not know is a 400 from the control API, not an update."""
    maryam = await sim.user("مریم")
    try:
        await maryam.send_media("hologram", wait=False)
    except Exception as exc:  # the kit raises on a control API error
        assert "kind must be" in str(exc)
    else:
        raise AssertionError("an unknown media kind was accepted")
