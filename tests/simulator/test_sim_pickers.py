"""Telegram's own pickers and buttons: request_chat, request_users, styles, copy_text,
protect_content, inline mode and the «/» menu of a chat's command scope."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from simhelp import RawBot, started_user

from simulator.server import SimulatorServer
from simulator.state import SimError, User

RIGHTS = {
    "is_anonymous": False,
    "can_manage_chat": False,
    "can_delete_messages": False,
    "can_manage_video_chats": False,
    "can_restrict_members": False,
    "can_promote_members": False,
    "can_change_info": False,
    "can_invite_users": False,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_post_messages": True,
}


def keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
    """A one-row reply keyboard."""
    return {"keyboard": [list(buttons)], "resize_keyboard": True}


async def control_get(server: SimulatorServer, path: str) -> Any:
    """Reads the control API."""
    async with aiohttp.ClientSession() as session, session.get(server.control_url + path) as got:
        return json.loads(await got.text())


async def updates_of(bot: RawBot, kind: str) -> list[dict[str, Any]]:
    """Every queued update of a kind (checked against the spec by RawBot.ok), confirmed."""
    batch = await bot.ok("getUpdates")
    if batch:
        await bot.ok("getUpdates", {"offset": batch[-1]["update_id"] + 1})
    return [u[kind] for u in batch if kind in u]


async def test_request_chat_adds_the_bot_as_admin_and_sends_chat_shared(
    bot: RawBot, server: SimulatorServer, maryam: User
) -> None:
    """A channel picked for a button asking post rights: the bot becomes its admin, then the
    bot gets chat_shared with the title it asked for; a group or a stranger's channel does not
    fit."""
    world = server.world
    channel, _ = world.create_channel("اخبار", maryam)
    channel.bot_status = "left"
    other, _ = world.create_channel("کانال دیگران", world.create_user("سارا"))
    group, _ = world.create_group("گروه", [maryam], supergroup=True, bot_admin=False)
    request = {
        "request_id": 7,
        "chat_is_channel": True,
        "user_administrator_rights": RIGHTS,
        "bot_administrator_rights": RIGHTS,
        "request_title": True,
    }
    await bot.ok(
        "sendMessage",
        {
            "chat_id": maryam.id,
            "text": "کانال را انتخاب کنید",
            "reply_markup": keyboard({"text": "📢 انتخاب کانال", "request_chat": request}),
        },
    )
    await updates_of(bot, "message")
    fitting = [c.id for c in world.chats.values() if world.chat_fits(maryam, c, request) is None]
    assert fitting == [channel.id]
    for wrong in (group, other):
        with pytest.raises(SimError):
            world.share_chat(maryam, 7, wrong.id)
    with pytest.raises(SimError):
        world.share_chat(maryam, 8, channel.id)  # no such button
    world.share_chat(maryam, 7, channel.id)
    assert channel.bot_status == "administrator"
    promoted = await bot.ok("getChatMember", {"chat_id": channel.id, "user_id": world.bot.id})
    assert promoted["status"] == "administrator" and promoted["can_post_messages"] is True
    batch = await bot.ok("getUpdates")
    kinds = [next(k for k in u if k != "update_id") for u in batch]
    assert kinds == ["my_chat_member", "message"]
    shared = batch[1]["message"]["chat_shared"]
    assert shared == {"request_id": 7, "chat_id": channel.id, "title": "اخبار"}
    assert batch[1]["message"]["from"]["id"] == maryam.id


async def test_request_chat_for_a_group_adds_the_bot_as_a_member(
    bot: RawBot, server: SimulatorServer, maryam: User
) -> None:
    """bot_is_member: a group without the bot gets it (a new_chat_members message there)."""
    world = server.world
    group, _ = world.create_group("هماهنگی", [maryam], supergroup=True, bot_admin=False)
    group.bot_status = "left"
    request = {"request_id": 1, "chat_is_channel": False, "bot_is_member": True}
    markup = keyboard({"text": "گروه", "request_chat": request})
    await bot.ok("sendMessage", {"chat_id": maryam.id, "text": "؟", "reply_markup": markup})
    await updates_of(bot, "message")
    world.share_chat(maryam, 1, group.id)
    assert group.bot_status == "member"
    messages = await updates_of(bot, "message")
    assert messages[0]["new_chat_members"][0]["id"] == world.bot.id
    assert messages[1]["chat_shared"] == {"request_id": 1, "chat_id": group.id}


async def test_request_users_sends_users_shared_within_max_quantity(
    bot: RawBot, server: SimulatorServer, maryam: User
) -> None:
    """Up to max_quantity people, with the names and usernames asked for; never oneself."""
    world = server.world
    reza = world.create_user("رضا", last_name="احمدی", username="reza")
    sara = world.create_user("سارا")
    request = {"request_id": 3, "max_quantity": 1, "request_name": True, "request_username": True}
    markup = keyboard({"text": "👤 انتخاب", "request_users": request})
    await bot.ok("sendMessage", {"chat_id": maryam.id, "text": "کی؟", "reply_markup": markup})
    await updates_of(bot, "message")
    for wrong in ([reza.id, sara.id], [maryam.id], []):
        with pytest.raises(SimError):
            world.share_users(maryam, 3, wrong)
    world.share_users(maryam, 3, [reza.id])
    [message] = await updates_of(bot, "message")
    assert message["users_shared"] == {
        "request_id": 3,
        "users": [
            {"user_id": reza.id, "first_name": "رضا", "last_name": "احمدی", "username": "reza"}
        ],
    }


async def test_picker_and_style_rules(bot: RawBot, server: SimulatorServer, maryam: User) -> None:
    """Styles are danger, success or primary; pickers are for private chats, with a request_id
    unique in the message and 1-10 people; copy_text is 1-256 characters."""
    group, _ = server.world.create_group("گروه", [maryam], supergroup=True, bot_admin=True)
    picker = {"text": "گروه", "request_chat": {"request_id": 1, "chat_is_channel": False}}
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (maryam.id, keyboard({"text": "ذخیره", "style": "green"}), "BUTTON_STYLE_INVALID"),
        (
            maryam.id,
            {"inline_keyboard": [[{"text": "x", "callback_data": "x", "style": "red"}]]},
            "BUTTON_STYLE_INVALID",
        ),
        (group.id, keyboard(picker), "BUTTON_TYPE_INVALID"),
        (maryam.id, keyboard(picker, picker), "REQUEST_PEER_INVALID"),
        (
            maryam.id,
            keyboard({"text": "x", "request_users": {"request_id": 2, "max_quantity": 11}}),
            "REQUEST_PEER_INVALID",
        ),
        (
            maryam.id,
            {"inline_keyboard": [[{"text": "کپی", "copy_text": {"text": "x" * 257}}]]},
            "COPY_TEXT_INVALID",
        ),
    ]
    for chat_id, markup, error in cases:
        params = {"chat_id": chat_id, "text": "؟", "reply_markup": markup}
        assert await bot.error("sendMessage", params) == (400, f"Bad Request: {error}")
    styled = [
        [{"text": "تأیید", "callback_data": "ok", "style": "success"}],
        [{"text": "برگشت", "callback_data": "no", "style": "danger"}],
        [{"text": "کپی", "copy_text": {"text": "1405-000042"}, "style": "primary"}],
    ]
    params = {"chat_id": maryam.id, "text": "؟", "reply_markup": {"inline_keyboard": styled}}
    sent = await bot.ok("sendMessage", params)
    assert [row[0].get("style") for row in sent["reply_markup"]["inline_keyboard"]] == [
        "success",
        "danger",
        "primary",
    ]
    server.world.violations.clear()


async def test_protected_content_cannot_be_forwarded_or_copied(
    bot: RawBot, server: SimulatorServer, maryam: User
) -> None:
    """protect_content marks the message; forwarding or copying it is refused."""
    sara = started_user(server, "سارا")
    sent = await bot.ok(
        "sendPhoto",
        {"chat_id": maryam.id, "photo": "https://example.org/a.jpg", "protect_content": True},
    )
    assert sent["has_protected_content"] is True
    for method in ("forwardMessage", "copyMessage"):
        params = {"chat_id": sara.id, "from_chat_id": maryam.id, "message_id": sent["message_id"]}
        code, description = await bot.error(method, params)
        assert (code, description) == (
            400,
            "Bad Request: message has protected content and can't be forwarded",
        )
    server.world.violations.clear()


async def test_inline_query_answer_and_chosen_result(
    bot: RawBot, server: SimulatorServer, maryam: User
) -> None:
    """An inline query reaches the bot; its answer is listed; the chosen article is sent into
    the chosen chat «via» the bot, and chosen_inline_result comes only with feedback on."""
    world = server.world
    me = await bot.ok("getMe")
    assert me["supports_inline_queries"] is True
    group, _ = world.create_group("دوستان", [maryam], supergroup=True, bot_admin=False)
    record = world.inline_query(maryam, "g:1", "supergroup")
    [query] = await updates_of(bot, "inline_query")
    assert query["query"] == "g:1" and query["chat_type"] == "supergroup"
    card = {
        "type": "article",
        "id": "g1",
        "title": "گروه امید",
        "description": "۱۲ خدمت این هفته",
        "input_message_content": {"message_text": "<b>گروه امید</b>", "parse_mode": "HTML"},
        "reply_markup": {"inline_keyboard": [[{"text": "ربات", "url": "https://t.me/x_bot"}]]},
    }
    twice = {"inline_query_id": record.id, "results": [card, card]}
    assert await bot.error("answerInlineQuery", twice) == (400, "Bad Request: RESULT_ID_DUPLICATE")
    await bot.ok("answerInlineQuery", {"inline_query_id": record.id, "results": [card]})
    again = {"inline_query_id": record.id, "results": [card]}
    code, _ = await bot.error("answerInlineQuery", again)
    assert code == 400
    msg, update_ids = world.choose_inline(maryam, record.id, "g1", group)
    assert update_ids == []  # privacy mode: a message via the bot is no command
    assert msg.text == "گروه امید" and msg.via_bot and msg.inline_message_id
    view = await control_get(server, f"/chats/{group.id}")
    assert view["messages"][-1]["via_bot"] == world.bot.username
    world.inline_feedback = True
    second = world.inline_query(maryam, "", "sender")
    await updates_of(bot, "inline_query")
    await bot.ok("answerInlineQuery", {"inline_query_id": second.id, "results": [card]})
    world.choose_inline(maryam, second.id, "g1", group)
    [chosen] = await updates_of(bot, "chosen_inline_result")
    assert chosen["result_id"] == "g1" and chosen["inline_message_id"]
    server.world.violations.clear()


async def test_menu_follows_the_command_scopes(
    bot: RawBot, server: SimulatorServer, maryam: User
) -> None:
    """The «/» menu of a chat is the first list set, in Telegram's order of scopes."""
    world = server.world
    group, _ = world.create_group("گروه", [maryam], supergroup=True, bot_admin=False)
    default = [{"command": "help", "description": "راهنما"}]
    mine = [{"command": "review", "description": "بررسی"}]
    await bot.ok("setMyCommands", {"commands": default})
    await bot.ok(
        "setMyCommands",
        {"commands": mine, "scope": {"type": "chat", "chat_id": maryam.id}, "language_code": "fa"},
    )
    groups = [{"command": "review", "description": "پیوند گروه"}]
    await bot.ok("setMyCommands", {"commands": groups, "scope": {"type": "all_group_chats"}})
    sara = world.create_user("سارا")
    assert world.menu_commands(maryam, world.private_chat(maryam))[1] == mine
    assert world.menu_commands(sara, world.private_chat(sara))[1] == default
    scope, commands = world.menu_commands(maryam, group)
    assert scope == {"type": "all_group_chats"} and commands == groups
    menu = await control_get(server, f"/menu?user_id={sara.id}&chat_id={sara.id}")
    assert menu["commands"] == default
