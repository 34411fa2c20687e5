"""Flows, screens, review and wording from the demo walk (notes/WALK1.md items 6-8, 11, 13-15):
each case through the simulator, buttons pressed by their locale keys."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from telegram import BotCommandScopeChat

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import to_persian_digits
from db.channels import ChannelScope
from db.models import Photo, Role
from simulator.testing import SimMessage, SimUser
from tests.conftest import TODAY, Harness, locale_messages, report_input
from tests.test_report import fill_report, leader_with_campaign

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings() -> dict[str, Any]:
    """Review is on for this module (the walk's coordinator reviewed reports)."""
    return {"report": {"review": True}}


def _sql(harness: Harness, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Runs a query straight on the bot's database file (not through the code under test)."""
    with closing(sqlite3.connect(harness.db_path)) as conn:
        return conn.execute(query, params).fetchall()


def _data(message: SimMessage, text: str) -> str:
    """The callback data of a message's button."""
    data = next(b.callback_data for row in message.keyboard for b in row if b.text == text)
    assert data is not None, text
    return data


def _message(user: SimUser, message_id: int) -> SimMessage:
    """One of the bot's messages to the person, as it is now."""
    return next(m for m in user.messages if m.message_id == message_id)


# --- item 6: a string with markup is never shown as raw HTML -------------------------------------


async def test_a_wrong_invite_code_shows_its_example_as_code_not_as_tags(harness: Harness) -> None:
    maryam = await harness.sim.user("مریم")
    await maryam.send("/join abc123")  # not a code: the hint above the question
    assert "<code>" not in maryam.last.text
    assert "<code>k7m2p9x4qabc</code>" in (maryam.last.html or "")
    await maryam.send("abc")  # typed where the code is asked: the same hint
    assert "<code>" not in maryam.last.text
    assert (maryam.last.html or "").startswith(t("join-bad-code"))


def test_no_string_with_markup_is_formatted_as_plain_text() -> None:
    """label() (plain text, escaped when sent as HTML) is never used for a string with tags."""
    marked = {
        key
        for key, text in locale_messages().items()
        if re.search(r"<(b|i|u|s|code|pre|a|blockquote|tg-spoiler)[ >]", text)
    }
    sources = [*ROOT.joinpath("bot").glob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]
    used = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'label\(\s*"([a-z0-9-]+)"', text))
    assert not marked & used


# --- item 7: saving from an older panel keeps the newer screen -----------------------------------


async def test_saving_on_an_older_panel_leaves_the_newer_screen_its_buttons(
    harness: Harness,
) -> None:
    reza, group_id, _ = await leader_with_campaign(harness)
    await fill_report(reza)
    review = reza.last
    save = _data(review, label("report-save"))
    await reza.press(label("menu-group"))  # the group card comes below the review
    card = reza.last
    members = _data(card, label("group-members"))
    await reza.press_data(review.message_id, save)  # then «ثبت» on the review above it
    assert _sql(harness, "SELECT COUNT(*) FROM reports WHERE group_id = ?", (group_id,)) == [(1,)]
    receipt = _message(reza, review.message_id)
    assert label("report-repeat") in [b for row in receipt.buttons for b in row]
    # The card below keeps its buttons, and they work (not «this message is old»).
    assert _message(reza, card.message_id).keyboard
    await reza.press_data(card.message_id, members)
    assert reza.last_answer != label("stale-screen")
    assert _message(reza, card.message_id).text != card.text  # the member list in its place
    # The receipt's own buttons work beside it: «🔁» starts a report from it.
    await reza.press_data(review.message_id, _data(receipt, label("report-repeat")))
    assert reza.last_answer != label("stale-screen")
    assert _sql(harness, "SELECT kind FROM drafts WHERE volunteer_id = ?", (reza.id,)) == [
        ("report",)
    ]


# --- item 8: a press on a finished flow's panel is told what was done ----------------------------


async def test_a_second_tap_on_save_is_told_the_report_was_saved(harness: Harness) -> None:
    reza, group_id, _ = await leader_with_campaign(harness)
    await fill_report(reza)
    panel = reza.last
    save = _data(panel, label("report-save"))
    first = await reza.press_data(panel.message_id, save, wait=False)
    second = await reza.press_data(panel.message_id, save, wait=False)
    await harness.wait_for(first, second)
    rows = _sql(harness, "SELECT receipt FROM reports WHERE group_id = ?", (group_id,))
    assert len(rows) == 1
    receipt = to_persian_digits(rows[0][0])
    assert reza.last_answer == label("report-done-already", receipt=receipt)
    # Any later press on the receipt's panel says the same; nothing else is saved.
    await reza.press_data(panel.message_id, save)
    assert reza.last_answer == label("report-done-already", receipt=receipt)
    assert _sql(harness, "SELECT COUNT(*) FROM reports") == [(1,)]


async def test_a_second_tap_on_joining_is_told_it_was_done(harness: Harness) -> None:
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    await reza.send("/start")
    group = await harness.group(reza)
    invite = await harness.store.groups.new_invite(group, reza.id)
    await maryam.send(f"/join {invite.code}")
    panel = maryam.last
    yes = _data(panel, label("join-yes"))
    await maryam.press_data(panel.message_id, yes)
    await maryam.press_data(panel.message_id, yes)  # a slow second tap
    assert maryam.last_answer == label("flow-done-already")
    member = "SELECT COUNT(*) FROM memberships WHERE group_id = ? AND volunteer_id = ?"
    assert _sql(harness, member, (group, maryam.id)) == [(1,)]


# --- item 11: an old «✏️ اصلاح گزارش» after the report moved on ----------------------------------


async def _returned(harness: Harness) -> tuple[SimUser, SimUser, int, SimMessage]:
    """Reza's report of 12, returned by Zahra for its quantity: its id and the notice he got."""
    reza, group_id, _ = await leader_with_campaign(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    data = await report_input(harness.store, group_id, quantity=12)
    report, _ = await harness.store.reports.create(data, reza.id, "k1", 1405)
    await zahra.send("/review")
    await zahra.press(label("review-return"))
    await zahra.press(label("review-reason-quantity"))
    await harness.delivered()
    code = to_persian_digits(report.receipt)
    fix = label("review-fix", receipt=code)
    notice = next(m for m in reza.messages if [fix] in m.buttons)
    return reza, zahra, report.id, notice


async def test_an_old_fix_button_after_resubmitting_and_approval_opens_nothing(
    harness: Harness,
) -> None:
    reza, zahra, report_id, notice = await _returned(harness)
    code = to_persian_digits(_sql(harness, "SELECT receipt FROM reports")[0][0])
    fix = _data(notice, label("review-fix", receipt=code))
    await reza.press_data(notice.message_id, fix)
    assert t("review-fix-reason", reason=label("review-reason-quantity")) in (reza.last.html or "")
    await reza.send("10")
    await reza.press(label("report-save-changes"))
    assert _sql(harness, "SELECT status FROM reports WHERE id = ?", (report_id,)) == [
        ("submitted",)
    ]
    await reza.press_data(notice.message_id, fix)  # the notice's button, once more
    assert reza.last_answer == label("review-fix-moot", status="submitted", receipt=code)
    assert _sql(harness, "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", (reza.id,)) == [(0,)]
    assert not _message(reza, notice.message_id).keyboard  # the notice offers it no more
    await zahra.send("/review")
    await zahra.press(label("review-approve"))
    await reza.press_data(notice.message_id, fix)
    assert reza.last_answer == label("review-fix-moot", status="approved", receipt=code)
    assert _sql(harness, "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", (reza.id,)) == [(0,)]


async def test_an_old_fix_button_of_a_deleted_report_says_so(harness: Harness) -> None:
    reza, _, report_id, notice = await _returned(harness)
    code = to_persian_digits(_sql(harness, "SELECT receipt FROM reports")[0][0])
    await reza.send("/myreports")
    await reza.press(label("myreports-delete", receipt=code))
    await reza.press(label("button-yes"))
    assert _sql(harness, "SELECT status FROM reports WHERE id = ?", (report_id,)) == [("deleted",)]
    await reza.press_data(notice.message_id, _data(notice, label("review-fix", receipt=code)))
    assert reza.last_answer == label("review-fix-moot", status="deleted", receipt=code)
    assert _sql(harness, "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", (reza.id,)) == [(0,)]


# --- item 13: wording ----------------------------------------------------------------------------


def _share_text(message: SimMessage) -> str:
    """The text a group card's «share the invite» button puts under the link."""
    url = next(b.url for row in message.keyboard for b in row if b.url and "share" in b.url)
    assert url is not None
    return parse_qs(urlparse(url).query)["text"][0]


async def test_a_name_that_starts_with_its_kind_is_not_doubled(harness: Harness) -> None:
    reza, sara = await harness.sim.user("رضا"), await harness.sim.user("سارا")
    for leader in (reza, sara):
        await leader.send("/start")
    for leader, name in ((reza, "گروه جهادی امید اراک"), (sara, "امید")):
        group = await harness.group(leader, name)
        await harness.store.groups.new_invite(group, leader.id)
        await leader.send("/group")
    assert _share_text(reza.last) == label("group-share-text", group="گروه جهادی امید اراک")
    assert "«گروه جهادی امید اراک»" in _share_text(reza.last)
    assert "گروه «گروه" not in _share_text(reza.last)
    assert "گروه «امید»" in _share_text(sara.last)  # a name without its kind gets it
    admin = harness.admin
    assert admin is not None
    title = "کانال خدمت‌یار استان مرکزی"
    channel = await harness.sim.channel(title, owner=admin)
    await admin.send("/admin")
    await admin.press(label("admin-channels"))
    await admin.press(label("channel-add"))
    await admin.share_chat(label("channel-picker-button"), channel)
    said = [m.text or "" for m in admin.messages[-2:]]
    assert label("channel-picked", channel=title) in said[0] and f"«{title}»" in said[0]
    assert all("کانال «کانال" not in text for text in said)


def test_the_skip_button_reads_as_moving_on() -> None:
    assert "بدون پاسخ" not in label("button-skip")


async def test_a_campaign_that_counts_one_area_says_this_area(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    store = harness.store
    area = next(a for a in await store.categories.areas() if a.name == "اشتغال")
    campaign = await store.campaigns.create(
        "پویش اشتغال", 500, "نفر", TODAY - timedelta(days=10), TODAY + timedelta(days=50)
    )
    await store.stats.set_counted_categories(campaign, [area.id])
    await reza.send("/report")
    await reza.press("پویش اشتغال")
    one = t("report-campaign-counts-only", campaign="پویش اشتغال", several="no")
    several = t("report-campaign-counts-only", campaign="پویش اشتغال", several="yes")
    assert one in (reza.last.html or "") and several not in (reza.last.html or "")


async def test_a_review_group_is_told_the_province_by_name(harness: Harness) -> None:
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    team = await harness.sim.group("هماهنگی مرکزی", members=[zahra])
    await zahra.send("/review", chat=team)
    scope = label("review-chat-provinces", names="مرکزی", several="no")
    assert team.last.html == t("review-chat-linked", scope=scope)
    assert "تازهٔ استان مرکزی" in (team.last.text or "")


async def test_a_members_own_reports_say_why_she_has_none(harness: Harness) -> None:
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    await harness.group(reza, members=(maryam,))
    await maryam.send("/myreports")
    assert maryam.last.html == f"{t('myreports-none-yours')} {t('report-only-leaders')}"
    assert maryam.keyboard is not None and [label("menu-group")] in maryam.keyboard


async def test_a_refused_command_comes_with_the_menu(harness: Harness) -> None:
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    await harness.group(reza, members=(maryam,))
    for command in ("/admin", "/review"):
        await maryam.send(command)
        assert maryam.last.text == label("not-allowed-menu")
        # She never sent /start: the menu under the text box came with the refusal.
        assert maryam.keyboard is not None and [label("menu-group")] in maryam.keyboard


async def _commands_of(harness: Harness, user: SimUser) -> dict[str, str]:
    """The person's «/» menu (their own list, else the default one): command → description."""
    assert harness.app is not None
    bot = harness.app.bot
    found = await bot.get_my_commands(scope=BotCommandScopeChat(user.id))
    found = found or await bot.get_my_commands()
    return {c.command: c.description for c in found}


async def test_help_and_the_command_menu_list_the_same_commands(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    reza, maryam, nima = [await harness.sim.user(n) for n in ("رضا", "مریم", "نیما")]
    await harness.group(reza, members=(maryam,))
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    for person in (admin, zahra, reza, maryam, nima):
        await person.send("/start")
        await person.send("/help")
        helped = set(re.findall(r"/([a-z_]+)", person.last.text or ""))
        menu = await _commands_of(harness, person)
        assert helped | {"start", "help"} == set(menu), person
    # Each described as /help describes it to them: the member's card has no invite link.
    member = await _commands_of(harness, maryam)
    assert member["group"] == label("command-group", role="member")
    assert (await _commands_of(harness, reza))["group"] == label("command-group", role="leader")


async def test_joining_a_second_group_says_nothing_about_a_new_role(harness: Harness) -> None:
    reza, sara = await harness.sim.user("رضا"), await harness.sim.user("سارا")
    for leader in (reza, sara):
        await leader.send("/start")
    await harness.group(reza, "گروه مهر", "تبریز")
    first = await harness.group(sara, "گروه نور", "اراک")
    nima = await harness.sim.user("نیما")
    await nima.send("/start")
    invite = await harness.store.groups.new_invite(first, sara.id)
    await nima.send(f"/join {invite.code}")
    await nima.press(label("join-yes"))  # a member now: the same menus as a newcomer's
    assert label("menu-now-yours") not in (nima.last.text or "")
    await nima.send("/find تبریز")
    await nima.press("گروه مهر")
    await nima.press(label("joinreq-ask"))
    await nima.press(label("joinreq-send"))
    await harness.delivered()
    await reza.press(label("joinreq-accept"))
    await harness.delivered()
    assert t("joinreq-you-accepted", group="گروه مهر") in (nima.last.html or "")
    assert label("menu-now-yours") not in (nima.last.text or "")  # still a member
    # Made a leader: his menus change, and he is told so.
    await reza.send("/group")
    await reza.press(label("group-members"))
    await reza.press("نیما")
    await reza.press(label("group-promote"))
    await harness.delivered()
    assert t("group-you-were-promoted", group="گروه مهر") in (nima.last.html or "")
    assert label("menu-now-yours") in (nima.last.text or "")


async def test_the_export_asks_about_hxl_in_plain_words(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    reza = await harness.sim.user("رضا")
    group = await harness.group(reza)
    await harness.store.reports.create(await report_input(harness.store, group), reza.id, "k", 1405)
    await admin.send("/export")
    await admin.send("۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۳۰")
    await admin.press(label("export-scope-country"))
    await admin.press(label("export-status-live"))
    await admin.press(label("export-format-csv"))
    assert admin.last.html == t("export-ask-hxl")
    question = (admin.last.text or "").split("\n")[0]
    assert not re.search("[A-Za-z]", question.split("(")[0]), question  # no jargon first
    assert "HXL" not in label("export-hxl-yes")


# --- item 14: admin lists that name everyone ------------------------------------------------------


async def test_the_admins_list_names_every_admin(harness: Harness) -> None:
    admin, store = harness.admin, harness.store
    assert admin is not None
    sara = await harness.sim.user("سارا")
    await sara.send("/start")
    await store.roles.grant(sara.id, Role.ADMIN, None, admin.id)
    await admin.send("/admin")
    await admin.press(label("admin-admins"))
    listed = admin.last.html or ""
    assert t("admin-admin-line", name="مدیر", config="yes") in listed  # named in the config
    assert t("admin-admin-line", name="سارا", config="no") in listed
    assert admin.last.buttons[0] == [label("admin-remove-admin", name="سارا")]


async def test_the_coordinators_list_names_their_provinces(harness: Harness) -> None:
    admin, store = harness.admin, harness.store
    assert admin is not None
    zahra = await harness.sim.user("زهرا")
    markazi = await harness.coordinator(zahra, "مرکزی")
    tehran = (await store.places.search_provinces("تهران"))[0].id
    await store.roles.grant(zahra.id, Role.COORDINATOR, tehran, admin.id)
    await admin.send("/admin")
    await admin.press(label("admin-coordinators"))
    rows = _sql(harness, "SELECT name FROM provinces WHERE id IN (?, ?)", (markazi, tehran))
    line = next(x for x in (admin.last.text or "").split("\n") if "زهرا" in x)
    assert all(name in line for (name,) in rows), line


async def test_the_channel_list_says_what_each_gets_and_when(harness: Harness) -> None:
    admin, store = harness.admin, harness.store
    assert admin is not None and harness.config is not None
    markazi = (await store.places.search_provinces("مرکزی"))[0].id
    news = await harness.sim.channel("اخبار مرکزی", owner=admin)
    await store.channels.add(news.id, "اخبار مرکزی", ChannelScope.province(markazi))
    await admin.send("/admin")
    await admin.press(label("admin-channels"))
    line = next(x for x in (admin.last.text or "").split("\n") if "اخبار مرکزی" in x)
    assert "مرکزی" in line.replace("اخبار مرکزی", "")  # what it gets
    assert to_persian_digits(harness.config.digest.time) in line  # when
    assert label("channel-active") in line


# --- item 15: smaller flow gaps -------------------------------------------------------------------

ARAK = (34.09, 49.70)  # a point in Arak, استان مرکزی


def _buttons(message: SimMessage) -> list[str]:
    return [b.text for row in message.keyboard for b in row]


async def test_finding_a_group_near_me_takes_a_location(harness: Harness) -> None:
    reza, nima = await harness.sim.user("رضا"), await harness.sim.user("نیما")
    await reza.send("/start")
    await harness.group(reza, "گروه جهادی امید اراک", "اراک")
    await nima.send("/start")
    await nima.press(label("onboarding-find"))
    assert nima.reply_button(label("lookups-find-location-button")).request_location
    await nima.send_location(*ARAK)
    place = "اراک، استان مرکزی"
    said = [m.html or "" for m in nima.messages[-2:]]
    assert said[0] == t("lookups-find-near", place=place)
    assert (
        nima.keyboard is not None and [label("lookups-find-location-button")] not in nima.keyboard
    )
    (count,) = _sql(
        harness,
        "SELECT COUNT(*) FROM groups g JOIN counties c ON c.id = g.county_id"
        " WHERE c.name = 'اراک' AND g.status = 'active'",
    )[0]
    assert t("lookups-find-county-title", county="اراک", count=count) in said[1]
    assert "گروه جهادی امید اراک" in _buttons(nima.last)
    assert await harness.store.state.drafts_of(nima.id) == []


async def test_a_typed_city_puts_the_menu_back_in_place_of_the_location_button(
    harness: Harness,
) -> None:
    reza, nima = await harness.sim.user("رضا"), await harness.sim.user("نیما")
    await reza.send("/start")
    await harness.group(reza, "گروه جهادی امید اراک", "اراک")
    await nima.send("/start")
    await nima.press(label("onboarding-find"))
    where = [label("lookups-find-location-button")]
    assert nima.keyboard is not None and where in nima.keyboard
    await nima.send("اراک")
    assert nima.messages[-2].html == t("lookups-find-typed", query="اراک")
    assert nima.keyboard is not None and where not in nima.keyboard
    assert [label("menu-stats"), label("menu-help")] in nima.keyboard
    assert "گروه جهادی امید اراک" in _buttons(nima.last)


async def test_a_location_where_a_name_is_asked_finds_the_groups_near_it(
    harness: Harness,
) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/find")
    await reza.send_location(*ARAK)
    assert (reza.messages[-2].html or "").startswith(
        t("lookups-find-near", place="اراک، استان مرکزی")
    )
    assert "گروه امید" in _buttons(reza.last)
    assert await harness.store.state.drafts_of(reza.id) == []


async def test_a_group_found_by_name_and_by_its_city_is_listed_once(harness: Harness) -> None:
    reza, nima = await harness.sim.user("رضا"), await harness.sim.user("نیما")
    await reza.send("/start")
    await harness.group(reza, "گروه جهادی امید اراک", "اراک")
    await nima.send("/find اراک")
    assert (nima.last.text or "").count("گروه جهادی امید اراک") == 1
    assert _buttons(nima.last).count("گروه جهادی امید اراک") == 1


async def test_a_queue_of_one_offers_no_previous_or_next(harness: Harness) -> None:
    reza, group_id, _ = await leader_with_campaign(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    data = await report_input(harness.store, group_id)
    await harness.store.reports.create(data, reza.id, "one", 1405)
    await zahra.send("/review")
    moves = {label("review-previous"), label("review-next")}
    assert not moves & set(_buttons(zahra.last))
    await harness.store.reports.create(data, reza.id, "two", 1405)
    await zahra.send("/review")
    assert moves <= set(_buttons(zahra.last))


async def test_the_review_album_says_which_report_it_is(harness: Harness) -> None:
    reza, group_id, _ = await leader_with_campaign(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    files = harness.server.world.files
    photos = tuple(
        Photo(f.file_id, f.file_unique_id)
        for f in (files.add_generated_photo(80, 60, n)[-1] for n in (1, 2))
    )
    data = dataclasses.replace(await report_input(harness.store, group_id), photos=photos)
    report, _ = await harness.store.reports.create(data, reza.id, "pics", 1405)
    await zahra.send("/review")
    await zahra.press(label("review-photos", count=2))
    album = [m for m in zahra.messages if m.photo]
    caption = t(
        "review-photos-caption", receipt=to_persian_digits(report.receipt), group=report.group_name
    )
    assert len(album) == 2 and album[0].html == caption


async def test_a_resubmitted_card_says_what_changed_since_the_return(harness: Harness) -> None:
    reza, zahra, report_id, notice = await _returned(harness)
    code = to_persian_digits(_sql(harness, "SELECT receipt FROM reports")[0][0])
    await reza.press_data(notice.message_id, _data(notice, label("review-fix", receipt=code)))
    before = date.fromisoformat(
        _sql(harness, "SELECT service_date FROM reports WHERE id = ?", (report_id,))[0][0]
    )
    await reza.send("10")
    await reza.press(label("report-edit-date"))  # and the date, as in the walk
    await reza.send(jalali.format_numeric(TODAY))
    await reza.press(label("report-save-changes"))
    await zahra.send("/review")
    card = zahra.last.html or ""
    row = _sql(harness, "SELECT quantity, service_date FROM reports WHERE id = ?", (report_id,))
    quantity, after = row[0][0], date.fromisoformat(row[0][1])
    assert t("review-changes-title") in card
    number = to_persian_digits(str(quantity))
    assert t("review-change-line", field="quantity", old="۱۲", new=number) in card
    dates = {"old": jalali.format_date(before), "new": jalali.format_date(after)}
    assert t("review-change-line", field="service_date", **dates) in card
    assert card.count("• ") == 2  # only what changed


async def test_a_resubmitted_card_says_other_photos_came_and_not_what_stayed(
    harness: Harness,
) -> None:
    reza, group_id, _ = await leader_with_campaign(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    made = harness.server.world.files.add_generated_photo(80, 60, 1)[-1]
    data = await report_input(harness.store, group_id, quantity=12)
    data = dataclasses.replace(data, photos=(Photo(made.file_id, made.file_unique_id),))
    report, _ = await harness.store.reports.create(data, reza.id, "k1", 1405)
    await zahra.send("/review")
    await zahra.press(label("review-return"))
    await zahra.press(label("review-reason-quantity"))
    await harness.delivered()
    fix = label("review-fix", receipt=to_persian_digits(report.receipt))
    notice = next(m for m in reza.messages if [fix] in m.buttons)
    await reza.press_data(notice.message_id, _data(notice, fix))
    await reza.send("12")  # the same quantity again
    await reza.press(label("report-edit-photos"))
    await reza.press(label("report-photos-clear"))
    await reza.send_photo()  # another photo in place of the one there
    await reza.press(label("report-photos-done"))
    await reza.press(label("report-save-changes"))
    query = "SELECT file_unique_id FROM report_photos WHERE report_id = ?"
    assert [r[0] for r in _sql(harness, query, (report.id,))] not in ([], [made.file_unique_id])
    await zahra.send("/review")
    card = zahra.last.html or ""
    assert t("review-changes-title") in card
    assert t("review-change-replaced", field="photos") in card
    assert card.count("• ") == 1  # not the quantity, typed as it was


async def test_approving_together_lists_the_reports_and_their_totals(harness: Harness) -> None:
    reza, group_id, _ = await leader_with_campaign(harness)
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    for n in (3, 4):
        data = await report_input(harness.store, group_id, quantity=n)
        await harness.store.reports.create(data, reza.id, f"k{n}", 1405)
    await zahra.send("/review")
    await zahra.press(label("review-approve-group"))
    asked = zahra.last.text or ""
    rows = _sql(harness, "SELECT receipt, quantity FROM reports WHERE status = 'submitted'")
    for receipt, quantity in rows:
        line = next(x for x in asked.split("\n") if to_persian_digits(receipt) in x)
        assert to_persian_digits(str(quantity)) in line
    total = (
        "SELECT SUM(r.quantity), MAX(c.unit) FROM reports r"
        " JOIN categories c ON c.id = r.category_id WHERE r.status = 'submitted'"
    )
    quantity, unit = _sql(harness, total)[0]
    units = f"{to_persian_digits(str(quantity))} {unit}"
    assert asked.split("\n")[-1] == label("review-together-total", units=units)


async def test_a_location_or_a_greeting_outside_a_flow_is_answered(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send_location(*ARAK)
    said = [m.html or "" for m in reza.messages[-2:]]
    assert said[0].startswith(t("lookups-find-near", place="اراک، استان مرکزی"))
    assert t("lookups-find-near-report") in said[0]  # a leader may have meant a report's place
    assert "اراک" in said[1] and "گروه امید" in _buttons(reza.last)
    await reza.send("سلام، وقت بخیر")
    assert reza.last.html == t("start-welcome-leader", name="رضا", groups=Html("«گروه امید»"))
    assert reza.keyboard is not None and [label("menu-report")] in reza.keyboard
    await reza.send("چه خبر؟")  # not a greeting: still «متوجه نشدم»
    assert reza.last.text == t("unknown-message")
