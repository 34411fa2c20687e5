"""Photos, albums, documents, locations and contacts, both ways; getFile and downloads."""

from __future__ import annotations

from typing import Any

from simhelp import RawBot

from simulator.media import image_size, make_png
from simulator.server import SimulatorServer
from simulator.state import User
from simulator.testing import SimClient


async def download(bot: RawBot, file_id: str) -> bytes:
    """getFile, then fetch the bytes from /file/bot<token>/<file_path>."""
    info = await bot.ok("getFile", {"file_id": file_id})
    async with bot.session.get(f"{bot.server.file_url}{bot.server.token}/{info['file_path']}") as r:
        assert r.status == 200
        return await r.read()


async def updates(bot: RawBot) -> list[dict[str, Any]]:
    """Every pending update."""
    result: list[dict[str, Any]] = await bot.ok("getUpdates")
    return result


async def test_user_photo_has_realistic_sizes(bot: RawBot, sim: SimClient) -> None:
    """A photo arrives with PhotoSize variants whose bytes download and match their size."""
    maryam = await sim.user("مریم")
    await maryam.send_photo(caption="گزارش امروز", wait=False)
    [update] = await updates(bot)
    message = update["message"]
    assert message["caption"] == "گزارش امروز"
    sizes = message["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [
        (90, 68),
        (320, 240),
        (800, 600),
        (1280, 960),
    ]
    assert (
        len({s["file_id"] for s in sizes}) == 4 and len({s["file_unique_id"] for s in sizes}) == 4
    )
    data = await download(bot, sizes[-1]["file_id"])
    assert image_size(data) == (1280, 960, "image/png") and len(data) == sizes[-1]["file_size"]


async def test_album_arrives_as_separate_updates(bot: RawBot, sim: SimClient) -> None:
    """An album of 3 is three updates sharing one media_group_id; only the first has a caption."""
    maryam = await sim.user("مریم")
    sent = await maryam.send_album(3, caption="سه عکس", wait=False)
    got = await updates(bot)
    assert [u["update_id"] for u in got] == sent.update_ids
    groups = {u["message"]["media_group_id"] for u in got}
    assert len(groups) == 1 and None not in groups
    assert [u["message"].get("caption") for u in got] == ["سه عکس", None, None]


async def test_document_location_contact(bot: RawBot, sim: SimClient) -> None:
    """Users send documents, locations and contacts."""
    maryam = await sim.user("مریم")
    await maryam.send_document(
        "فهرست.csv", "نام,تعداد\n".encode(), mime_type="text/csv", wait=False
    )
    await maryam.send_location(34.0954, 49.7013, wait=False)
    await maryam.send_contact("+989121234567", wait=False)
    doc, loc, contact = (u["message"] for u in await updates(bot))
    assert doc["document"]["file_name"] == "فهرست.csv"
    assert await download(bot, doc["document"]["file_id"]) == "نام,تعداد\n".encode()
    assert loc["location"] == {"latitude": 34.0954, "longitude": 49.7013}
    assert contact["contact"]["user_id"] == maryam.id
    assert contact["contact"]["phone_number"] == "+989121234567"


async def test_bot_uploads_and_resends_photos(
    bot: RawBot, maryam: User, server: SimulatorServer
) -> None:
    """sendPhoto by multipart upload, then by file_id; the upload can be downloaded again."""
    picture = make_png(640, 480, (10, 120, 200))
    sent = await bot.ok(
        "sendPhoto",
        {"chat_id": maryam.id, "caption": "<b>نمودار</b>", "parse_mode": "HTML"},
        how="multipart",
        files={"photo": ("chart.png", picture, "image/png")},
    )
    assert [(s["width"], s["height"]) for s in sent["photo"]] == [(90, 68), (320, 240), (640, 480)]
    assert sent["caption"] == "نمودار" and sent["caption_entities"][0]["type"] == "bold"
    assert await download(bot, sent["photo"][-1]["file_id"]) == picture
    again = await bot.ok("sendPhoto", {"chat_id": maryam.id, "photo": sent["photo"][-1]["file_id"]})
    assert again["photo"] == sent["photo"]
    assert await bot.error("sendPhoto", {"chat_id": maryam.id, "photo": "no-such-file"}) == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    _, text = await bot.error(
        "sendPhoto",
        {"chat_id": maryam.id},
        how="multipart",
        files={"photo": ("x.png", b"not a picture", "image/png")},
    )
    assert text == "Bad Request: IMAGE_PROCESS_FAILED"
    by_url = await bot.ok("sendPhoto", {"chat_id": maryam.id, "photo": "https://example.org/a.jpg"})
    assert by_url["photo"][-1]["width"] == 1280


async def test_send_media_group_with_attach(
    bot: RawBot, maryam: User, server: SimulatorServer
) -> None:
    """sendMediaGroup mixes attach:// uploads and file_ids; items share a media_group_id."""
    known = server.world.files.add_generated_photo(800, 600, 3)[-1].file_id
    media = [
        {"type": "photo", "media": "attach://one", "caption": "<i>اول</i>", "parse_mode": "HTML"},
        {"type": "photo", "media": known},
    ]
    sent = await bot.ok(
        "sendMediaGroup",
        {"chat_id": maryam.id, "media": media},
        how="multipart",
        files={"one": ("one.png", make_png(200, 100, (1, 2, 3)), "image/png")},
    )
    assert len(sent) == 2 and sent[0]["media_group_id"] == sent[1]["media_group_id"]
    assert sent[0]["caption"] == "اول"
    assert await bot.error("sendMediaGroup", {"chat_id": maryam.id, "media": media[:1]}) == (
        400,
        "Bad Request: media group must include 2-10 items",
    )
    assert await bot.error("sendMediaGroup", {"chat_id": maryam.id, "media": [media[1]] * 11}) == (
        400,
        "Bad Request: media group must include 2-10 items",
    )
    mixed = [media[1], {"type": "document", "media": "https://example.org/a.pdf"}]
    assert await bot.error("sendMediaGroup", {"chat_id": maryam.id, "media": mixed}) == (
        400,
        "Bad Request: document can't be mixed with other media types",
    )
    missing = [{"type": "photo", "media": "attach://nothing"}, media[1]]
    assert await bot.error("sendMediaGroup", {"chat_id": maryam.id, "media": missing}) == (
        400,
        'Bad Request: can\'t find attached file "nothing"',
    )
    # A file_id Telegram does not know (as after a token change) refuses the whole album,
    # naming the item.
    forgotten = [media[1], {"type": "photo", "media": "AgForgottenPhoto"}]
    assert await bot.error("sendMediaGroup", {"chat_id": maryam.id, "media": forgotten}) == (
        400,
        "Bad Request: failed to send message #2 with the error message"
        ' "Wrong file identifier/HTTP URL specified"',
    )


async def test_edit_message_media_replaces_an_albums_photo(
    bot: RawBot, maryam: User, server: SimulatorServer
) -> None:
    """editMessageMedia swaps a photo of an album for another and sets its caption; the same
    file and caption again is «not modified»; an album's photo cannot become a document."""
    known = server.world.files.add_generated_photo(800, 600, 3)[-1].file_id
    album = [{"type": "photo", "media": known, "caption": "قبل"}, {"type": "photo", "media": known}]
    first, _ = await bot.ok("sendMediaGroup", {"chat_id": maryam.id, "media": album})
    target = {"chat_id": maryam.id, "message_id": first["message_id"]}
    edited = await bot.ok(
        "editMessageMedia",
        {**target, "media": {"type": "photo", "media": "attach://new", "caption": "بعد"}},
        how="multipart",
        files={"new": ("new.png", make_png(300, 200, (9, 8, 7)), "image/png")},
    )
    assert edited["caption"] == "بعد" and edited["edit_date"]
    assert edited["media_group_id"] == first["media_group_id"]
    size = image_size(await download(bot, edited["photo"][-1]["file_id"]))
    assert size is not None and size[:2] == (300, 200)
    same = {"type": "photo", "media": edited["photo"][-1]["file_id"], "caption": "بعد"}
    assert await bot.error("editMessageMedia", {**target, "media": same}) == (
        400,
        "Bad Request: message is not modified: specified new message content and reply markup"
        " are exactly the same as a current content and reply markup of the message",
    )
    document = {"type": "document", "media": "https://example.org/a.pdf"}
    assert await bot.error("editMessageMedia", {**target, "media": document}) == (
        400,
        "Bad Request: can't change the media type of an album's message",
    )
    uncaptioned = await bot.ok(
        "editMessageMedia", {**target, "media": {"type": "photo", "media": known}}
    )
    assert "caption" not in uncaptioned


async def test_send_document(bot: RawBot, maryam: User) -> None:
    """sendDocument by upload keeps name, type and bytes; a photo file_id is not a document."""
    sent = await bot.ok(
        "sendDocument",
        {"chat_id": maryam.id, "caption": "خروجی"},
        how="multipart",
        files={"document": ("گزارش.xlsx", b"PK\x03\x04data", "application/zip")},
    )
    assert sent["document"]["file_name"] == "گزارش.xlsx"
    assert await download(bot, sent["document"]["file_id"]) == b"PK\x03\x04data"
    photo = await bot.ok("sendPhoto", {"chat_id": maryam.id, "photo": "https://example.org/p.png"})
    assert await bot.error(
        "sendDocument", {"chat_id": maryam.id, "document": photo["photo"][0]["file_id"]}
    ) == (400, "Bad Request: can't use file of type Photo as Document")


async def test_get_file_errors(bot: RawBot, server: SimulatorServer) -> None:
    """Unknown file_ids and paths are refused."""
    assert await bot.error("getFile", {"file_id": "nope"}) == (
        400,
        "Bad Request: wrong file_id or the file is temporarily unavailable",
    )
    async with bot.session.get(f"{server.file_url}{server.token}/photos/none.png") as response:
        assert response.status == 404


def test_image_size_sniffing() -> None:
    """PNG, GIF, JPEG and WebP headers give their dimensions."""
    assert image_size(make_png(3, 2, (0, 0, 0))) == (3, 2, "image/png")
    assert image_size(b"GIF89a\x05\x00\x07\x00" + b"\x00" * 10) == (5, 7, "image/gif")
    jpeg = b"\xff\xd8\xff\xe0\x00\x10" + b"\x00" * 14 + b"\xff\xc0\x00\x11\x08\x00\x1e\x00\x28"
    assert image_size(jpeg + b"\x00" * 20) == (40, 30, "image/jpeg")
    webp = (
        b"RIFF\x00\x00\x00\x00WEBPVP8X"
        + b"\x00" * 8
        + (99).to_bytes(3, "little")
        + (49).to_bytes(3, "little")
    )
    assert image_size(webp) == (100, 50, "image/webp")
    assert image_size(b"plain text") is None
