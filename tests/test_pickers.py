"""Telegram's own pickers and buttons, end to end through the simulator: a channel and the
coordinators' review group picked with request_chat, people with request_users, coloured
buttons, copy buttons, protected photos, and cards shared through inline mode."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import aiosqlite
import pytest

from bot.core.i18n import label
from db.models import Photo
from simulator.testing import SimUser
from tests.conftest import SAME_PLACE, TODAY, Harness, report_input


async def rows(harness: Harness, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Reads the bot's database with a connection of the test's own."""
    async with aiosqlite.connect(harness.db_path) as db:
        cursor = await db.execute(sql, args)
        return [tuple(r) for r in await cursor.fetchall()]


async def started(harness: Harness, name: str, username: str | None = None) -> SimUser:
    """A person who has opened the bot."""
    user = await harness.sim.user(name, username=username)
    await user.send("/start")
    return user


async def test_admin_adds_a_channel_with_the_channel_picker(harness: Harness) -> None:
    """The channel picker lists the admin's channels and makes the bot their admin with the right
    to post; the channel then gets its scope; the main menu comes back."""
    admin = harness.admin
    assert admin is not None
    channel = await harness.sim.channel("اخبار داوطلبان", owner=admin)
    world = harness.server.world
    world.chats[channel.id].bot_status = "left"  # the bot is not in it yet
    await admin.send("/admin")
    await admin.press(label("admin-channels"))
    await admin.press(label("channel-add"))
    picker = admin.reply_button(label("channel-picker-button"))
    assert picker.request_chat is not None
    assert picker.request_chat["chat_is_channel"] is True
    assert picker.request_chat["bot_administrator_rights"]["can_post_messages"] is True
    assert picker.request_chat["user_administrator_rights"]["can_post_messages"] is True
    await admin.share_chat(label("channel-picker-button"), channel)
    assert world.chats[channel.id].bot_status == "administrator"
    assert label("channel-scope-national") in [b for row in admin.last.buttons for b in row]
    assert label("menu-admin") in [b for row in admin.keyboard or [] for b in row]
    await admin.press(label("channel-scope-national"))
    assert await rows(harness, "SELECT chat_id, title FROM channels") == [
        (channel.id, "اخبار داوطلبان")
    ]


@pytest.mark.parametrize("settings", [{"report": {"review": True}}])
async def test_coordinator_links_the_review_group_with_the_group_picker(
    harness: Harness, settings: dict[str, Any]
) -> None:
    """The group picker adds the bot to the coordinators' group and links it to her province;
    the group is told so."""
    zahra = await started(harness, "زهرا")
    province = await harness.coordinator(zahra, "مرکزی")
    await zahra.send("/start")
    team = await harness.sim.group("هماهنگی مرکزی", members=[zahra])
    harness.server.world.chats[team.id].bot_status = "left"
    await zahra.send("/admin")
    await zahra.press(label("admin-review-chat"))
    picker = zahra.reply_button(label("admin-review-chat-button"))
    assert picker.request_chat == {
        "request_id": 2,
        "chat_is_channel": False,
        "bot_is_member": True,
        "request_title": True,
    }
    await zahra.share_chat(label("admin-review-chat-button"), team)
    assert harness.server.world.chats[team.id].bot_status == "member"
    linked = await rows(harness, "SELECT chat_id, province_id, linked_by FROM review_chats")
    assert linked == [(team.id, province, zahra.id)]
    await harness.sim.refresh()
    assert "مرکزی" in team.last.text and "/review_off" in team.last.text
    assert "هماهنگی مرکزی" in zahra.last.text


async def test_admins_and_coordinators_are_appointed_with_the_people_picker(
    harness: Harness,
) -> None:
    """request_users picks the new admin and the new coordinator; someone who never opened the
    bot is named in the answer and the question stays."""
    admin = harness.admin
    assert admin is not None
    sara = await started(harness, "سارا", "sara")
    nima = await harness.sim.user("نیما")  # never opened the bot
    await admin.send("/admin")
    await admin.press(label("admin-admins"))
    await admin.press(label("admin-add-admin"))
    picker = admin.reply_button(label("people-picker-button"))
    assert picker.request_users is not None and picker.request_users["max_quantity"] == 1
    await admin.share_users(label("people-picker-button"), nima)
    assert label("people-not-started", name="نیما") in admin.last.text
    await admin.share_users(label("people-picker-button"), sara)
    assert await rows(harness, "SELECT volunteer_id FROM roles WHERE role = 'admin'") == [
        (sara.id,)
    ]
    assert label("menu-admin") in [b for row in admin.keyboard or [] for b in row]
    await admin.send("/admin")
    await admin.press(label("admin-coordinators"))
    await admin.press(label("admin-add-coordinator"))
    reza = await started(harness, "رضا")
    await admin.share_users(label("people-picker-button"), reza)
    await admin.press("مرکزی")
    coordinators = await rows(
        harness,
        "SELECT r.volunteer_id, p.name FROM roles r JOIN provinces p ON p.id = r.province_id"
        " WHERE r.role = 'coordinator'",
    )
    assert coordinators == [(reza.id, "مرکزی")]


async def test_leadership_is_transferred_with_the_people_picker(harness: Harness) -> None:
    """An admin hands a group to a member picked with request_users, after a red «بله»."""
    admin = harness.admin
    assert admin is not None
    reza = await started(harness, "رضا")
    maryam = await started(harness, "مریم")
    group_id = await harness.group(reza, "گروه امید", members=(maryam,))
    await admin.send("/admin")
    await admin.press(label("admin-groups"))
    await admin.press("گروه امید — اراک")
    await admin.press(label("admin-group-transfer"))
    await admin.share_users(label("people-picker-button"), maryam)
    yes = admin.inline_button(label("button-yes"))
    assert yes.style == "danger"
    await admin.press(label("button-yes"))
    leaders = await rows(
        harness,
        "SELECT volunteer_id FROM memberships WHERE group_id = ? AND role = 'leader'",
        group_id,
    )
    assert leaders == [(maryam.id,)]


async def test_buttons_say_what_they_are_by_colour(harness: Harness) -> None:
    """Save green, a destructive yes red, the main action of a screen blue (reply keyboard too)."""
    reza = await started(harness, "رضا")
    await harness.group(reza, "گروه امید")
    await reza.send("/start")
    assert reza.reply_button(label("menu-report")).style == "primary"
    admin = harness.admin
    assert admin is not None
    await admin.send("/admin")
    await admin.press(label("admin-admins"))
    assert admin.inline_button(label("admin-add-admin")).style == "primary"
    assert admin.inline_button(label("admin-back")).style is None


async def test_invite_and_receipt_have_copy_buttons(harness: Harness) -> None:
    """The leader's card copies the invite link; a receipt copies the report's number."""
    reza = await started(harness, "رضا")
    group_id = await harness.group(reza, "گروه امید")
    await harness.store.groups.new_invite(group_id, reza.id)
    await reza.send("/start")
    await reza.press(label("menu-group"))
    [(code,)] = await rows(harness, "SELECT code FROM invites WHERE group_id = ?", group_id)
    copy = reza.inline_button(label("group-copy-invite"))
    assert copy.copy_text == f"https://t.me/{harness.server.world.bot.username}?start=j-{code}"
    area = (await harness.store.categories.areas())[0]
    service = (await harness.store.categories.types(area.id))[0]
    await reza.send("/report")
    await reza.press(area.name)
    await reza.press(service.name)
    await reza.send("3")
    await reza.press(label("button-skip"))
    await reza.press(label("button-skip"))
    await reza.press(SAME_PLACE)
    await reza.press(label("button-skip"))
    await reza.press(label("report-date-yesterday"))
    await reza.press(label("button-skip"))
    await reza.press(label("report-no-photos"))
    save = reza.inline_button(label("report-save"))
    assert save.style == "success"
    await reza.press(label("report-save"))
    [(receipt,)] = await rows(harness, "SELECT receipt FROM reports")
    assert reza.inline_button(label("report-copy-receipt")).copy_text == receipt


@pytest.mark.parametrize("settings", [{"report": {"review": True}}])
async def test_reviewers_get_beneficiaries_photos_protected(
    harness: Harness, settings: dict[str, Any]
) -> None:
    """Photos of a report reach its reviewer with protect_content: no forwarding or saving."""
    reza = await started(harness, "رضا")
    group_id = await harness.group(reza, "گروه امید")
    zahra = await started(harness, "زهرا")
    await harness.coordinator(zahra, "مرکزی")
    await zahra.send("/start")
    sent = await harness.app.bot.send_photo(reza.id, "https://example.org/family.jpg")
    data = await report_input(harness.store, group_id)
    photo = Photo(sent.photo[-1].file_id, sent.photo[-1].file_unique_id)
    data = dataclasses.replace(data, photos=(photo,))
    await harness.store.reports.create(data, reza.id, "protected", 1405)
    await zahra.send("/review")
    await zahra.press(label("review-photos", count=1))
    await harness.sim.refresh()
    photos = [m for m in zahra.messages if m.photo]
    assert photos and all(m.raw["protected"] for m in photos)


async def test_a_leader_shares_the_group_card_and_campaign_progress_inline(
    harness: Harness,
) -> None:
    """The share button opens inline mode with `group:<id>`; the card chosen goes into another
    chat, read-only, with a link back to the bot. Nobody else gets that card."""
    reza = await started(harness, "رضا")
    maryam = await started(harness, "مریم")
    group_id = await harness.group(reza, "گروه امید", members=(maryam,))
    await reza.send("/start")
    await reza.press(label("menu-group"))
    share = reza.inline_button(label("share-card"))
    assert share.switch_inline == {
        "query": f"group:{group_id}",
        "allow_user_chats": True,
        "allow_group_chats": True,
        "allow_channel_chats": True,
    }
    friends = await harness.sim.group("دوستان", members=[reza, maryam])
    answer = await reza.inline(f"group:{group_id}", chat=friends)
    assert answer.ids == [f"group-{group_id}"]
    await reza.choose(answer, f"group-{group_id}", chat=friends)
    card = friends.history[-1]
    assert card.raw["via_bot"] == harness.server.world.bot.username
    assert "گروه امید" in (card.text or "")
    assert [(b.text, b.url) for row in card.keyboard for b in row] == [
        (label("share-open-bot"), f"https://t.me/{harness.server.world.bot.username}")
    ]
    assert (await maryam.inline(f"group:{group_id}", chat=friends)).ids == []  # not her group
    assert (await reza.inline("group:999999", chat=friends)).ids == []
    campaign_id = await harness.store.campaigns.create(
        "پویش زمستان", 500, "خدمت", TODAY - timedelta(days=3), TODAY + timedelta(days=30)
    )
    await reza.send("/campaign")
    share = reza.inline_button(label("campaign-share", title="پویش زمستان"))
    assert share.switch_inline is not None
    assert share.switch_inline["query"] == f"campaign:{campaign_id}"
    answer = await reza.inline(share.switch_inline["query"], chat=friends)
    assert answer.ids == [f"campaign-{campaign_id}"]
    assert "۵۰۰" in (answer.results[0]["text"] or "")
    assert (await maryam.inline(f"campaign:{campaign_id}", chat=friends)).ids == []


async def test_a_pick_after_its_question_closed_says_so_with_the_menu(harness: Harness) -> None:
    """The picker still on screen after its flow ended (expired): a pick changes nothing and
    is answered, with the main menu back."""
    admin = harness.admin
    assert admin is not None
    sara = await started(harness, "سارا")
    await admin.send("/admin")
    await admin.press(label("admin-admins"))
    await admin.press(label("admin-add-admin"))
    await harness.store.state.delete_draft(admin.id, "admin")  # as when an idle flow expires
    await admin.share_users(label("people-picker-button"), sara)
    assert admin.last.text == label("picker-closed")
    assert label("menu-admin") in [b for row in admin.keyboard or [] for b in row]
    assert await rows(harness, "SELECT volunteer_id FROM roles WHERE role = 'admin'") == []
