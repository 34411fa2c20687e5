"""What each person is shown: the welcome and menu of their role, /help, their «/» menu (set per
chat, also for roles given in the bot), and screens a newer one replaced (issue 21, items 8–10).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from typing import Any

from telegram import BotCommandScopeChat

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.digest.render import last_ended_week
from db.channels import ChannelScope
from db.models import GroupRole, GroupStatus
from db.usecases import create_campaign
from simulator.testing import SimMessage, SimUser
from tests.conftest import TODAY, Harness, eventually, report_input
from tests.test_export_telegram import _answer_after_range_without_campaigns

ADMIN_ONLY = {"admin", "digest"}
REPORTING = {"report", "myreports"}


def _sql(harness: Harness, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Runs a query straight on the bot's database file (not through the code under test)."""
    with closing(sqlite3.connect(harness.db_path)) as conn:
        return conn.execute(query, params).fetchall()


async def _commands(harness: Harness, user: SimUser) -> list[str]:
    """The commands set for this person's chat ([] when they see the default list)."""
    assert harness.app is not None
    found = await harness.app.bot.get_my_commands(scope=BotCommandScopeChat(user.id))
    return [c.command for c in found]


async def _default(harness: Harness) -> list[str]:
    """The commands everyone without a list of their own sees."""
    assert harness.app is not None
    return [c.command for c in await harness.app.bot.get_my_commands()]


async def _commands_soon(
    harness: Harness, user: SimUser, check: Callable[[list[str]], bool]
) -> list[str]:
    """The person's commands, once they pass the check (bounded: a job sets them)."""
    found: list[str] = []

    async def probe() -> None:
        found[:] = await _commands(harness, user)

    deadline = asyncio.get_running_loop().time() + 5
    while True:
        await probe()
        if check(found) or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.05)


def _buttons(message: SimMessage) -> list[str]:
    return [b.text for row in message.keyboard for b in row]


# --- item 8: each role's welcome and menu ------------------------------------------------------


async def test_a_member_is_told_her_group_and_what_she_can_see(harness: Harness) -> None:
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    await harness.group(reza, "گروه امید", members=(maryam,))
    await maryam.send("/start")
    welcome = maryam.last
    expected = t("start-welcome-member", name="مریم", groups=Html("«گروه امید»"))
    assert welcome.html == expected
    assert "گروه امید" in (welcome.text or "")
    assert maryam.keyboard == [[label("menu-group")], [label("menu-stats"), label("menu-help")]]
    await harness.group(reza, "گروه مهر", "تبریز")
    await reza.send("/start")
    expected = t("start-welcome-leader", name="رضا", groups=Html("«گروه امید» و «گروه مهر»"))
    assert reza.last.html == expected


async def test_overseers_get_campaigns_and_no_group_of_their_own(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    await zahra.send("/start")
    assert "مرکزی" in (zahra.last.text or "")
    for person in (admin, zahra):
        await person.send("/start")
        keys = [b for row in person.keyboard or [] for b in row]
        assert label("menu-campaigns") in keys and label("menu-group") not in keys, keys
        await person.press(label("menu-campaigns"))
        assert label("camp-new") in _buttons(person.last)  # the campaigns, to manage
    # An admin who also belongs to a group keeps «👥 گروه من».
    reza = await harness.sim.user("رضا")
    await harness.group(reza, members=(admin,))
    await admin.send("/start")
    assert label("menu-group") in [b for row in admin.keyboard or [] for b in row]


async def test_report_refusals_say_what_fits_the_person(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    await admin.send("/report")
    assert admin.last.html == t("report-only-overseers")
    newcomer = await harness.sim.user("نیما")
    await newcomer.send("/report")
    assert newcomer.last.html == t("report-only-newcomers")
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    await harness.group(reza, members=(maryam,))
    await maryam.send("/report")
    assert maryam.last.html == t("report-only-leaders")


async def test_help_lists_only_what_this_person_can_do(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    newcomer = await harness.sim.user("نیما")
    await newcomer.send("/help")
    text = newcomer.last.html or ""
    assert t("help-join", role="newcomer") in text and t("help-newgroup") in text
    assert t("help-find", role="newcomer") in text
    for key in ("help-report", "help-myreports", "help-export", "help-digest"):
        assert t(key, role="newcomer") not in text, key
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    await harness.group(reza, members=(maryam,))
    await maryam.send("/help")
    text = maryam.last.html or ""
    assert t("help-group", role="member") in text and t("help-report") not in text
    assert t("help-newgroup") in text  # a member may start a group of her own
    await reza.send("/help")
    text = reza.last.html or ""
    assert t("help-report") in text and t("help-group", role="leader") in text
    await admin.send("/help")
    text = admin.last.html or ""
    for key in ("help-admin", "help-digest", "help-export", "help-stats", "help-campaign"):
        assert t(key, role="admin") in text, key
    for key in ("help-report", "help-myreports", "help-join", "help-newgroup", "help-review"):
        assert t(key, role="admin") not in text, key
    assert "/group" not in text  # an admin without a group is not sent to build one


# --- item 9: each person's «/» menu ----------------------------------------------------------


async def test_the_default_menu_is_a_newcomers_without_reporting(harness: Harness) -> None:
    default = await _default(harness)
    assert not REPORTING & set(default) and not ADMIN_ONLY & set(default)
    assert {"start", "group", "join", "find", "help", "cancel"} <= set(default)


async def test_admins_and_coordinators_granted_in_the_bot_get_their_commands(
    harness: Harness,
) -> None:
    admin = harness.admin
    assert admin is not None
    # The admin named in the config gets their list at start-up (a job, a second in).
    mine = await _commands_soon(harness, admin, lambda c: set(c) >= ADMIN_ONLY)
    assert "export" in mine and not REPORTING & set(mine)
    zahra = await harness.sim.user("زهرا", username="zahra_m")
    await zahra.send("/start")
    assert await _commands(harness, zahra) == []  # a newcomer: the default list
    # An admin granted in the bot.
    await admin.send("/admin")
    await admin.press(label("admin-admins"))
    await admin.press(label("admin-add-admin"))
    await admin.send("@zahra_m")
    assert _sql(
        harness, "SELECT 1 FROM roles WHERE volunteer_id = ? AND role = 'admin'", (zahra.id,)
    )
    await harness.delivered()  # the «/» menu follows the role notice, sent by the outbox
    granted = await _commands(harness, zahra)
    assert set(granted) >= ADMIN_ONLY and "export" in granted and not REPORTING & set(granted)
    # Taken back: the default list again.
    await admin.send("/admin")
    await admin.press(label("admin-admins"))
    await admin.press(label("admin-remove-admin", name="زهرا"))
    await harness.delivered()
    assert await _commands(harness, zahra) == []
    # A coordinator granted in the bot: exports and the province's work, no admin-only commands.
    await admin.send("/admin")
    await admin.press(label("admin-coordinators"))
    await admin.press(label("admin-add-coordinator"))
    await admin.send("@zahra_m")
    await admin.press("مرکزی")
    await harness.delivered()
    coordinator = await _commands(harness, zahra)
    assert {"admin", "export"} <= set(coordinator) and "digest" not in coordinator
    assert not REPORTING & set(coordinator)


async def test_leaders_get_reporting_and_lose_it_when_they_step_down(harness: Harness) -> None:
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    await reza.send("/start")
    await maryam.send("/start")
    await reza.send("/newgroup")
    await reza.send("گروه یاوران")
    await reza.press("مرکزی")
    await reza.press("اراک")
    await reza.press(label("newgroup-no-specialty"))
    await reza.press(label("newgroup-create"))
    assert set(await _commands(harness, reza)) >= REPORTING
    (group_id,) = _sql(harness, "SELECT id FROM groups WHERE name = 'گروه یاوران'")[0]
    await harness.store.groups.add_member(group_id, maryam.id, GroupRole.MEMBER)
    assert await _commands(harness, maryam) == []  # a member: the default list
    # Promoted in the bot: reporting in her «/» menu at once; stepping down takes it away.
    await reza.send("/group")
    await reza.press(label("group-members"))
    await reza.press("مریم")
    await reza.press(label("group-promote"))
    await harness.delivered()  # her notice (the outbox) brings the menus of her new role
    assert set(await _commands(harness, maryam)) >= REPORTING
    await maryam.send("/group")
    await maryam.press(label("group-members"))
    await maryam.press(label("group-member-leader", name="مریم"))
    await maryam.press(label("group-step-down"))
    assert await _commands(harness, maryam) == []


# --- item 10: a screen a newer one replaced ----------------------------------------------------


async def _no_buttons(harness: Harness, user: SimUser, message_id: int) -> None:
    """Waits until the bot has taken the buttons off one of the person's messages."""

    def stripped() -> bool:
        return not next(m for m in user.messages if m.message_id == message_id).keyboard

    await eventually(harness.sim, stripped)


def _data(message: SimMessage, text: str) -> str:
    """The callback data of a message's button."""
    data = next(b.callback_data for row in message.keyboard for b in row if b.text == text)
    assert data is not None
    return data


async def test_leaving_confirmed_after_another_command_is_old(harness: Harness) -> None:
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    group = await harness.group(reza, members=(maryam,))
    await maryam.send("/group")
    await maryam.press(label("group-leave"))
    confirm = maryam.last
    yes = _data(confirm, label("button-yes"))
    await maryam.send("/stats")
    await _no_buttons(harness, maryam, confirm.message_id)
    await maryam.press_data(confirm.message_id, yes)  # a slow client's press on the old screen
    assert maryam.last_answer == label("stale-screen")
    member = "SELECT COUNT(*) FROM memberships WHERE group_id = ? AND volunteer_id = ?"
    assert _sql(harness, member, (group, maryam.id)) == [(1,)]
    # The screen on show works as ever.
    await maryam.send("/group")
    await maryam.press(label("group-leave"))
    await maryam.press(label("button-yes"))
    assert _sql(harness, member, (group, maryam.id)) == [(0,)]


async def test_an_older_campaign_panel_loses_its_end_button(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    start = TODAY - timedelta(days=3)
    campaign = await create_campaign(
        harness.store, admin.id, "پویش زمستان", 500, "خدمت", start, start + timedelta(days=60), None
    )
    title = "پویش زمستان"
    await admin.send("/campaign")
    first = admin.last
    close = _data(first, label("camp-close", title=title))
    await admin.send("/campaign")
    await _no_buttons(harness, admin, first.message_id)
    await admin.press_data(first.message_id, close)
    assert admin.last_answer == label("stale-screen")
    active = "SELECT active FROM campaigns WHERE id = ?"
    assert _sql(harness, active, (campaign,)) == [(1,)]
    await admin.press(label("camp-close", title=title))  # the panel on show still ends it
    assert label("camp-close-confirm", title=title) == admin.last.text


async def test_cards_sent_together_keep_their_buttons(harness: Harness) -> None:
    admin, store = harness.admin, harness.store
    assert admin is not None
    place = (await store.places.search_counties("اراک"))[0]
    requests = []
    for name in ("گروه یک", "گروه دو"):
        asker = await harness.sim.user(name)
        await asker.send("/start")
        requests.append(
            await store.groups.create(
                name, name, place.province_id, place.id, None, asker.id, GroupStatus.PENDING
            )
        )
    await admin.send("/admin")
    await admin.press(label("admin-pending"))
    await admin.send("/start")  # a newer screen: the requests are cards to act on, not screens
    await harness.sim.refresh()
    cards = [m for m in admin.messages if label("approval-approve") in _buttons(m)]
    assert len(cards) == 2
    await admin.press_data(cards[0].message_id, _data(cards[0], label("approval-approve")))
    status = "SELECT status FROM groups WHERE id = ?"
    assert _sql(harness, status, (requests[0],)) == [("active",)]


async def test_a_used_post_now_is_old(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    admin = harness.admin
    assert admin is not None
    news = await sim.channel("اخبار خدمت", owner=admin)
    await store.channels.add(news.id, "اخبار خدمت", ChannelScope.national())
    await admin.send("/digest")
    preview = admin.last
    await admin.press(label("digest-post-now"))
    week = last_ended_week(jalali.today(harness.store.db.clock))
    range_text = jalali.format_range(week, week + timedelta(days=6))
    assert admin.last.text == label("digest-posted-now", count=1, week=range_text)
    await _no_buttons(harness, admin, preview.message_id)
    await admin.press_data(preview.message_id, "dig:post")
    assert admin.last_answer == label("stale-screen")
    assert len([p for p in news.posts if p.from_bot and p.photo]) == 1


async def test_exports_one_after_another_offer_another_only_once(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    admin = harness.admin
    assert admin is not None
    reza = await sim.user("رضا")
    group = await harness.group(reza)
    await store.reports.create(await report_input(store, group), reza.id, "k1", 1405)

    def offering() -> list[SimMessage]:
        return [m for m in admin.messages if label("export-again") in _buttons(m)]

    def documents() -> int:
        return len([m for m in admin.messages if m.document])

    for number in (1, 2):
        if number == 1:
            await admin.send("/export")
        else:
            await admin.press(label("export-again"))  # from the first export's last word
        await admin.send("۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۳۰")
        await _answer_after_range_without_campaigns(admin)
        await admin.press(label("export-build"))
        await eventually(sim, lambda: documents() == number, limit=30)  # noqa: B023
        await eventually(sim, lambda: bool(offering()), limit=30)
    (again,) = offering()  # not stacked: only the newest status offers another
    statuses = [m for m in admin.messages if label("export-ready", rows=1) in (m.text or "")]
    assert again.message_id == statuses[-1].message_id and len(statuses) == 2
