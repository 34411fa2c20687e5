"""Private chats, groups, supergroups and channels, as the bot sees them."""

from __future__ import annotations

from typing import Any

from simhelp import RawBot

from simulator.server import SimulatorServer
from simulator.testing import SimClient


async def kinds(bot: RawBot) -> list[str]:
    """The kinds of the pending updates (and confirms them)."""
    got: list[dict[str, Any]] = await bot.ok("getUpdates")
    if got:
        await bot.ok("getUpdates", {"offset": got[-1]["update_id"] + 1})
    return [next(k for k in u if k != "update_id") for u in got]


async def test_private_chat(bot: RawBot, sim: SimClient) -> None:
    """getChat and getChatMember answer for a private chat; it has no administrators."""
    sim.allow_violations("no administrators in the private chat", "user not found")
    maryam = await sim.user("مریم", last_name="احمدی", username="maryam_a")
    chat = await bot.ok("getChat", {"chat_id": maryam.id})
    assert chat["type"] == "private" and chat["first_name"] == "مریم"
    assert chat["username"] == "maryam_a"
    member = await bot.ok("getChatMember", {"chat_id": maryam.id, "user_id": maryam.id})
    assert member["status"] == "member" and member["user"]["last_name"] == "احمدی"
    assert await bot.error("getChatAdministrators", {"chat_id": maryam.id}) == (
        400,
        "Bad Request: there are no administrators in the private chat",
    )
    assert await bot.error("getChatMember", {"chat_id": maryam.id, "user_id": 5}) == (
        400,
        "Bad Request: user not found",
    )


async def test_group_with_several_users(bot: RawBot, sim: SimClient) -> None:
    """The bot joins a supergroup; members, owner and admins answer correctly."""
    maryam, reza, sara = await sim.user("مریم"), await sim.user("رضا"), await sim.user("سارا")
    group = await sim.group("گروه امید", members=[maryam, reza], bot_admin=True, wait=False)
    assert await kinds(bot) == ["my_chat_member", "message"]
    info = await bot.ok("getChat", {"chat_id": group.id})
    assert info["type"] == "supergroup" and info["title"] == "گروه امید"
    assert str(group.id).startswith("-100")
    owner = await bot.ok("getChatMember", {"chat_id": group.id, "user_id": maryam.id})
    assert owner["status"] == "creator"
    assert (await bot.ok("getChatMember", {"chat_id": group.id, "user_id": reza.id}))[
        "status"
    ] == "member"
    assert (await bot.ok("getChatMember", {"chat_id": group.id, "user_id": sara.id}))[
        "status"
    ] == "left"
    admins = await bot.ok("getChatAdministrators", {"chat_id": group.id})
    assert [a["status"] for a in admins] == ["creator", "administrator"]
    assert admins[1]["user"]["is_bot"] is True
    assert await bot.ok("getChatMemberCount", {"chat_id": group.id}) == 3
    await group.add(sara, wait=False)
    [update] = (await bot.ok("getUpdates"))[-1:]
    assert update["message"]["new_chat_members"][0]["id"] == sara.id


async def test_privacy_mode_in_groups(bot: RawBot, sim: SimClient, server: SimulatorServer) -> None:
    """Without admin rights the bot sees commands and replies to itself, not chatter."""
    maryam, reza = await sim.user("مریم"), await sim.user("رضا")
    group = await sim.group("گروه", members=[maryam, reza], supergroup=False, wait=False)
    assert group.type == "group" and -(10**12) < group.id < 0
    await kinds(bot)
    chatter = await reza.send("سلام بچه‌ها", chat=group, wait=False)
    assert chatter.update_ids == []
    command = await reza.send("/start@khedmatyar_sim_bot", chat=group, wait=False)
    [update] = await bot.ok("getUpdates", {"offset": command.update_ids[0]})
    entity = update["message"]["entities"][0]
    assert entity == {"type": "bot_command", "offset": 0, "length": 25}
    sent = await bot.ok("sendMessage", {"chat_id": group.id, "text": "سلام"})
    reply = await maryam.send("جواب", chat=group, reply_to=sent["message_id"], wait=False)
    assert reply.update_ids
    server.world.privacy_mode = False
    assert (await reza.send("همه را می‌بینی", chat=group, wait=False)).update_ids


async def test_bot_removed_from_group(bot: RawBot, sim: SimClient) -> None:
    """After leaveChat the bot can no longer write to the group."""
    sim.allow_violations("bot is not a member")
    maryam = await sim.user("مریم")
    group = await sim.group("گروه", members=[maryam], wait=False)
    assert await bot.ok("leaveChat", {"chat_id": group.id}) is True
    assert await bot.error("sendMessage", {"chat_id": group.id, "text": "x"}) == (
        403,
        "Forbidden: bot is not a member of the supergroup chat",
    )


async def test_channel(bot: RawBot, sim: SimClient) -> None:
    """Owner posts become channel_post updates; the bot's posts are kept and listed."""
    sim.allow_violations("reply keyboards can't be sent to channels")
    channel = await sim.channel("اخبار خدمت", username="khedmat_news", wait=False)
    assert await kinds(bot) == ["my_chat_member"]
    await channel.post("پویش تازه آغاز شد", wait=False)
    [update] = await bot.ok("getUpdates")
    post = update["channel_post"]
    assert post["sender_chat"]["id"] == channel.id and "from" not in post
    by_name = await bot.ok(
        "sendMessage",
        {"chat_id": "@khedmat_news", "text": "<b>گزارش هفته</b>", "parse_mode": "HTML"},
    )
    assert by_name["chat"]["id"] == channel.id
    await bot.ok(
        "sendPhoto",
        {"chat_id": channel.id, "photo": "https://example.org/chart.png", "caption": "نمودار"},
    )
    await channel.refresh()
    assert [p.text for p in channel.posts] == ["پویش تازه آغاز شد", "گزارش هفته", "نمودار"]
    assert channel.posts[1].html == "<b>گزارش هفته</b>" and channel.posts[2].photo
    admins = await bot.ok("getChatAdministrators", {"chat_id": channel.id})
    assert [a["status"] for a in admins] == ["creator", "administrator"]
    assert admins[1]["can_post_messages"] is True
    assert await bot.error(
        "sendMessage", {"chat_id": channel.id, "text": "x", "reply_markup": {"keyboard": [["x"]]}}
    ) == (400, "Bad Request: reply keyboards can't be sent to channels")


async def test_block_unblock_and_rename(bot: RawBot, sim: SimClient) -> None:
    """Blocking sends my_chat_member (kicked); renaming shows in later updates."""
    sim.allow_violations("blocked by the user")
    maryam = await sim.user("مریم")
    await maryam.send("/start", wait=False)
    await kinds(bot)
    await maryam.block(wait=False)
    assert maryam.blocked
    [update] = await bot.ok("getUpdates")
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    assert await bot.error("sendMessage", {"chat_id": maryam.id, "text": "x"}) == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    await maryam.unblock(wait=False)
    await maryam.rename("مریم‌السادات", username="maryam_s")
    await maryam.send("سلام", wait=False)
    last = (await bot.ok("getUpdates"))[-1]["message"]
    assert last["from"]["first_name"] == "مریم‌السادات" and last["from"]["username"] == "maryam_s"
    assert maryam.first_name == "مریم‌السادات"
