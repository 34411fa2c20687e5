"""Telegram's rules: keyboards, edits, deletions, callback queries, chats, commands."""

from __future__ import annotations

from typing import Any

import pytest
from simhelp import RawBot, started_user

from simulator.server import SimulatorServer
from simulator.state import User

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def inline(*rows: list[tuple[str, str]]) -> dict[str, Any]:
    """Builds an inline keyboard of callback buttons."""
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in rows]}


@pytest.mark.parametrize(
    ("data", "ok"),
    [("a" * 64, True), ("ب" * 32, True), ("a" * 65, False), ("ب" * 33, False), ("", False)],
)
async def test_callback_data_is_1_to_64_bytes(
    bot: RawBot, maryam: User, data: str, ok: bool
) -> None:
    """callback_data is measured in UTF-8 bytes: 32 Persian letters fit, 33 do not."""
    params = {"chat_id": maryam.id, "text": "x", "reply_markup": inline([("دکمه", data)])}
    if ok:
        await bot.ok("sendMessage", params)
    else:
        assert await bot.error("sendMessage", params) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_inline_keyboard_size_limits(bot: RawBot, maryam: User) -> None:
    """At most 8 buttons a row and 100 in all."""
    row8 = [(str(i), str(i)) for i in range(8)]
    await bot.ok(
        "sendMessage",
        {"chat_id": maryam.id, "text": "x", "reply_markup": inline(*[row8] * 12, row8[:4])},
    )
    assert await bot.error(
        "sendMessage",
        {"chat_id": maryam.id, "text": "x", "reply_markup": inline([*row8, ("9", "9")])},
    ) == (400, "Bad Request: too many inline buttons in a row")
    assert await bot.error(
        "sendMessage",
        {"chat_id": maryam.id, "text": "x", "reply_markup": inline(*[row8] * 12, row8[:5])},
    ) == (400, "Bad Request: reply markup is too long")


async def test_inline_buttons_need_exactly_one_action(bot: RawBot, maryam: User) -> None:
    """A text-only inline button, a bad URL or an empty label are refused."""
    base = {"chat_id": maryam.id, "text": "x"}
    code, text = await bot.error(
        "sendMessage", {**base, "reply_markup": {"inline_keyboard": [[{"text": "فقط متن"}]]}}
    )
    assert code == 400 and text.endswith("Text buttons are unallowed in the inline keyboard")
    code, text = await bot.error(
        "sendMessage",
        {**base, "reply_markup": {"inline_keyboard": [[{"text": "پیوند", "url": "not a url"}]]}},
    )
    assert text == "Bad Request: inline keyboard button URL 'not a url' is invalid: Wrong HTTP URL"
    assert await bot.error("sendMessage", {**base, "reply_markup": inline([(" ", "x")])}) == (
        400,
        "Bad Request: BUTTON_TEXT_INVALID",
    )
    await bot.ok(
        "sendMessage",
        {
            **base,
            "reply_markup": {
                "inline_keyboard": [
                    [{"text": "پیوند", "url": "https://t.me/khedmatyar_sim_bot?start=x"}]
                ]
            },
        },
    )


async def test_reply_keyboard_sanity(bot: RawBot, maryam: User, server: SimulatorServer) -> None:
    """Reply keyboards need labels; they become the chat's keyboard until removed."""
    base = {"chat_id": maryam.id, "text": "x"}
    assert await bot.error("sendMessage", {**base, "reply_markup": {"keyboard": [[]]}}) == (
        400,
        "Bad Request: keyboard must be non-empty",
    )
    assert await bot.error("sendMessage", {**base, "reply_markup": {"keyboard": [[""]]}}) == (
        400,
        "Bad Request: keyboard button text must be non-empty",
    )
    await bot.ok("sendMessage", {**base, "reply_markup": {"keyboard": [["ثبت", {"text": "آمار"}]]}})
    assert server.world.chats[maryam.id].reply_keyboard is not None
    await bot.ok("sendMessage", {**base, "reply_markup": {"remove_keyboard": True}})
    assert server.world.chats[maryam.id].reply_keyboard is None


async def test_edit_rules(bot: RawBot, maryam: User, server: SimulatorServer) -> None:
    """Identical edits, missing messages and other people's messages are refused."""
    markup = inline([("الف", "a")])
    sent = await bot.ok(
        "sendMessage",
        {"chat_id": maryam.id, "text": "<b>x</b>", "parse_mode": "HTML", "reply_markup": markup},
    )
    target = {"chat_id": maryam.id, "message_id": sent["message_id"]}
    assert await bot.error(
        "editMessageText",
        {**target, "text": "<b>x</b>", "parse_mode": "HTML", "reply_markup": markup},
    ) == (400, NOT_MODIFIED)
    # The same text without the keyboard removes it: that is a modification.
    edited = await bot.ok("editMessageText", {**target, "text": "<b>x</b>", "parse_mode": "HTML"})
    assert "reply_markup" not in edited and edited["edit_date"] >= edited["date"]
    assert await bot.error("editMessageReplyMarkup", target) == (400, NOT_MODIFIED)
    await bot.ok("editMessageReplyMarkup", {**target, "reply_markup": markup})
    assert await bot.error(
        "editMessageText", {"chat_id": maryam.id, "message_id": 999, "text": "y"}
    ) == (400, "Bad Request: message to edit not found")
    user_message = next(iter(server.world.chats[maryam.id].messages))
    assert await bot.error(
        "editMessageText", {"chat_id": maryam.id, "message_id": user_message, "text": "y"}
    ) == (400, "Bad Request: message can't be edited")
    assert await bot.error("editMessageCaption", {**target, "caption": "y"}) == (
        400,
        "Bad Request: there is no caption in the message to edit",
    )


async def test_delete_rules(bot: RawBot, maryam: User, server: SimulatorServer) -> None:
    """Deleted messages are gone; unknown ones and 48-hour-old ones cannot be deleted."""
    sent = await bot.ok("sendMessage", {"chat_id": maryam.id, "text": "x"})
    target = {"chat_id": maryam.id, "message_id": sent["message_id"]}
    assert await bot.ok("deleteMessage", target) is True
    assert await bot.error("deleteMessage", target) == (
        400,
        "Bad Request: message to delete not found",
    )
    assert await bot.error("editMessageText", {**target, "text": "y"}) == (
        400,
        "Bad Request: message to edit not found",
    )
    old = await bot.ok("sendMessage", {"chat_id": maryam.id, "text": "old"})
    server.clock.advance(48 * 3600 + 1)
    assert await bot.error(
        "deleteMessage", {"chat_id": maryam.id, "message_id": old["message_id"]}
    ) == (400, "Bad Request: message can't be deleted")


async def test_callback_queries_are_answered_once_within_15_s(
    bot: RawBot, maryam: User, server: SimulatorServer
) -> None:
    """A second answer, an unknown id and a late answer are all `query is too old`."""
    world = server.world
    sent = await bot.ok(
        "sendMessage", {"chat_id": maryam.id, "text": "x", "reply_markup": inline([("الف", "a")])}
    )
    chat = world.chats[maryam.id]
    first = world.press(maryam, chat, sent["message_id"], "a")
    assert await bot.ok("answerCallbackQuery", {"callback_query_id": first.id, "text": "ثبت شد"})
    assert await bot.error("answerCallbackQuery", {"callback_query_id": first.id}) == (400, TOO_OLD)
    assert await bot.error("answerCallbackQuery", {"callback_query_id": "42"}) == (400, TOO_OLD)
    assert await bot.error(
        "answerCallbackQuery",
        {
            "callback_query_id": world.press(maryam, chat, sent["message_id"], "a").id,
            "text": "ب" * 201,
        },
    ) == (400, "Bad Request: MESSAGE_TOO_LONG")
    late = world.press(maryam, chat, sent["message_id"], "a")
    server.clock.advance(15.5)
    assert await bot.error("answerCallbackQuery", {"callback_query_id": late.id}) == (400, TOO_OLD)
    unanswered = {u.callback_query_id for u in world.unanswered_callbacks}
    assert late.id in unanswered and first.id not in unanswered
    assert any("was not answered within 15 s" in v.description for v in server.violations)


async def test_chat_errors(bot: RawBot, server: SimulatorServer) -> None:
    """Unknown chats, blocked users and users who never wrote are refused."""
    assert await bot.error("sendMessage", {"chat_id": 12345, "text": "x"}) == (
        400,
        "Bad Request: chat not found",
    )
    assert await bot.error("sendMessage", {"chat_id": "@nobody", "text": "x"}) == (
        400,
        "Bad Request: chat not found",
    )
    stranger = server.world.create_user("غریبه")
    assert await bot.error("sendMessage", {"chat_id": stranger.id, "text": "x"}) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    reza = started_user(server, "رضا")
    server.world.set_blocked(reza, True)
    assert await bot.error("sendMessage", {"chat_id": reza.id, "text": "x"}) == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    server.world.set_blocked(reza, False)
    await bot.ok("sendMessage", {"chat_id": reza.id, "text": "x"})


@pytest.mark.parametrize(
    ("command", "description", "error"),
    [
        ("start", "شروع", None),
        ("a" * 32, "d" * 256, None),
        ("Start", "شروع", "BOT_COMMAND_INVALID"),
        ("a" * 33, "x", "BOT_COMMAND_INVALID"),
        ("گزارش", "x", "BOT_COMMAND_INVALID"),
        ("", "x", "BOT_COMMAND_INVALID"),
        ("report", "", "BOT_COMMAND_DESCRIPTION_INVALID"),
        ("report", "d" * 257, "BOT_COMMAND_DESCRIPTION_INVALID"),
    ],
)
async def test_set_my_commands_rules(
    bot: RawBot, command: str, description: str, error: str | None
) -> None:
    """Commands are 1–32 of [a-z0-9_]; descriptions 1–256 characters."""
    params = {"commands": [{"command": command, "description": description}]}
    if error is None:
        assert await bot.ok("setMyCommands", params) is True
    else:
        assert await bot.error("setMyCommands", params) == (400, f"Bad Request: {error}")


async def test_commands_are_kept_per_scope_and_language(bot: RawBot, maryam: User) -> None:
    """getMyCommands returns exactly what was set for a scope and language; delete clears it."""
    fa = [{"command": "start", "description": "شروع"}]
    private = [{"command": "report", "description": "ثبت گزارش"}]
    await bot.ok("setMyCommands", {"commands": fa, "language_code": "fa"})
    scope = {"type": "all_private_chats"}
    await bot.ok("setMyCommands", {"commands": private, "scope": scope})
    assert await bot.ok("getMyCommands", {"language_code": "fa"}) == fa
    assert await bot.ok("getMyCommands") == []
    assert await bot.ok("getMyCommands", {"scope": scope}) == private
    await bot.ok("deleteMyCommands", {"scope": scope})
    assert await bot.ok("getMyCommands", {"scope": scope}) == []
    chat_scope = {"type": "chat", "chat_id": maryam.id}
    await bot.ok("setMyCommands", {"commands": fa, "scope": chat_scope})
    assert await bot.ok("getMyCommands", {"scope": chat_scope}) == fa


async def test_menu_button(bot: RawBot, maryam: User) -> None:
    """setChatMenuButton is stored per chat and as the default."""
    assert await bot.ok("getChatMenuButton") == {"type": "commands"}
    button = {"type": "web_app", "text": "پنل", "web_app": {"url": "https://example.org"}}
    await bot.ok("setChatMenuButton", {"chat_id": maryam.id, "menu_button": button})
    assert await bot.ok("getChatMenuButton", {"chat_id": maryam.id}) == button
    assert await bot.ok("getChatMenuButton") == {"type": "commands"}


async def test_chat_action(bot: RawBot, maryam: User, server: SimulatorServer) -> None:
    """sendChatAction accepts Telegram's actions only."""
    assert await bot.ok("sendChatAction", {"chat_id": maryam.id, "action": "typing"}) is True
    assert server.world.chats[maryam.id].chat_action == "typing"
    assert await bot.error("sendChatAction", {"chat_id": maryam.id, "action": "dancing"}) == (
        400,
        "Bad Request: wrong parameter action in request",
    )


async def test_copy_and_forward(bot: RawBot, maryam: User, server: SimulatorServer) -> None:
    """copyMessage returns a MessageId; forwardMessage keeps the origin."""
    reza = started_user(server, "رضا")
    sent = await bot.ok(
        "sendMessage", {"chat_id": maryam.id, "text": "<i>خبر</i>", "parse_mode": "HTML"}
    )
    copied = await bot.ok(
        "copyMessage",
        {"chat_id": reza.id, "from_chat_id": maryam.id, "message_id": sent["message_id"]},
    )
    stored = server.world.chats[reza.id].messages[copied["message_id"]]
    assert stored.text == "خبر" and stored.entities[0]["type"] == "italic"
    forwarded = await bot.ok(
        "forwardMessage",
        {"chat_id": reza.id, "from_chat_id": maryam.id, "message_id": sent["message_id"]},
    )
    assert forwarded["forward_origin"]["type"] == "user"
    assert await bot.error(
        "forwardMessage", {"chat_id": reza.id, "from_chat_id": maryam.id, "message_id": 999}
    ) == (400, "Bad Request: message to forward not found")


async def test_reply_parameters(bot: RawBot, maryam: User) -> None:
    """Replies need an existing message unless allow_sending_without_reply is set."""
    sent = await bot.ok("sendMessage", {"chat_id": maryam.id, "text": "x"})
    reply = await bot.ok(
        "sendMessage",
        {"chat_id": maryam.id, "text": "y", "reply_parameters": {"message_id": sent["message_id"]}},
    )
    assert reply["reply_to_message"]["message_id"] == sent["message_id"]
    assert await bot.error(
        "sendMessage", {"chat_id": maryam.id, "text": "y", "reply_parameters": {"message_id": 999}}
    ) == (400, "Bad Request: message to be replied not found")
    await bot.ok(
        "sendMessage",
        {
            "chat_id": maryam.id,
            "text": "y",
            "reply_parameters": {"message_id": 999, "allow_sending_without_reply": True},
        },
    )
