"""Double taps, and typing while a press is in flight, in every flow: one outcome each.

Each walk runs twice with the same people, each time on a new database: first every button is
pressed once and answered before the next step; then every inline button is tapped twice before
the bot answers, and a line («؟», never an answer) is typed while those presses are in flight; a
button of the keyboard under the text box is sent twice. Both runs must leave the same rows in
every table and the same words with everybody else; the second must answer every press, apologise
to nobody and log no error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.i18n import label, t
from bot.core.text import to_persian_digits
from db.channels import ChannelScope
from simulator.testing import SimChannel, SimUser
from tests.conftest import TODAY, Harness, every_row, report_input

TYPED = "؟"  # typed while a press is in flight: no step takes it as its answer
CAMPAIGN = "پویش زمستان"
CHANNEL = "اخبار خدمت"

# Rows that differ between two runs for reasons other than what people did: bookkeeping of
# updates, conversations and screens (update and message ids differ), of the «/» menus set at
# Telegram (a start-up job also sets them, for roles the worlds grant in the database), random
# invite codes, slugs and secrets, and ids Telegram gives to messages and files (the second run's
# extra answers take numbers).
SKIPPED_TABLES = {
    "processed_updates",
    "screens",
    "command_menus",
    "inbox",
    "conversations",
    "persisted_data",
    "sqlite_sequence",
    "secrets",
    "schema_migrations",
}
SKIPPED_COLUMNS = {"code", "slug", "data", "idempotency_key", "body"}  # a notice's body: a code
TELEGRAMS = ("message_id", "message_ids", "file_id")  # ids Telegram gives (columns ending so)

Step = tuple[str, str, str]  # who, "press" or "send", text ({name} filled from the world)


@dataclass(frozen=True)
class Cast:
    """The same people and channel in both runs."""

    people: dict[str, SimUser]
    channel: SimChannel


@dataclass(frozen=True)
class Walk:
    """A flow as a person goes through it, on a world made fresh for each run."""

    name: str
    world: Callable[[Harness, Cast], Awaitable[dict[str, str]]]
    steps: tuple[Step, ...]
    settings: dict[str, Any] = field(default_factory=dict)


def press(who: str, text: str) -> Step:
    """A button pressed (inline or under the text box)."""
    return (who, "press", text)


def send(who: str, text: str) -> Step:
    """A line typed."""
    return (who, "send", text)


async def _known(cast: Cast, *names: str) -> None:
    """The people have started the bot (so it knows them and shows their menus)."""
    for name in names:
        await cast.people[name].send("/start")


async def _leader_and_member(harness: Harness, cast: Cast) -> dict[str, str]:
    """Reza leads «گروه امید» in Arak, Maryam is a member."""
    group = await harness.group(cast.people["reza"], members=(cast.people["maryam"],))
    await _known(cast, "reza", "maryam")
    return {"group": str(group)}


async def _invite(harness: Harness, cast: Cast) -> dict[str, str]:
    """Reza's group and an invite code for Maryam, who has not joined."""
    group = await harness.group(cast.people["reza"])
    await _known(cast, "reza")
    invite = await harness.store.groups.new_invite(group, cast.people["reza"].id)
    return {"code": invite.code}


async def _two_groups(harness: Harness, cast: Cast) -> dict[str, str]:
    """Reza's group with Maryam, Ali's «گروه نور اراک», and Zahra known to the bot."""
    await _leader_and_member(harness, cast)
    await harness.group(cast.people["ali"], "گروه نور اراک")
    await _known(cast, "ali", "zahra")
    return {}


async def _a_report(harness: Harness, cast: Cast) -> dict[str, str]:
    """Reza's group and one report of his from yesterday."""
    await _leader_and_member(harness, cast)
    group = await harness.store.groups.memberships(cast.people["reza"].id)
    data = await report_input(harness.store, group[0].group_id, quantity=12)
    report, _ = await harness.store.reports.create(data, cast.people["reza"].id, "walk", 1405)
    return {"delete": label("myreports-delete", receipt=to_persian_digits(report.receipt))}


async def _to_review(harness: Harness, cast: Cast) -> dict[str, str]:
    """Two reports of Reza's waiting for review, and Zahra coordinator of Markazi."""
    await _leader_and_member(harness, cast)
    group = (await harness.store.groups.memberships(cast.people["reza"].id))[0].group_id
    for number in (1, 2):
        data = await report_input(harness.store, group, quantity=10 + number)
        await harness.store.reports.create(data, cast.people["reza"].id, f"walk-{number}", 1405)
    await harness.coordinator(cast.people["zahra"], "مرکزی")
    await _known(cast, "zahra")
    return {}


async def _campaign(harness: Harness, cast: Cast) -> dict[str, str]:
    """A national campaign with reports of two areas."""
    values = await _a_report(harness, cast)
    store = harness.store
    campaign = await store.campaigns.create(
        CAMPAIGN, 500, "خدمت", TODAY - timedelta(days=10), TODAY + timedelta(days=30), None
    )
    await store.db.execute("UPDATE reports SET campaign_id = ?", (campaign,))
    area = (await store.categories.areas())[0]
    kind = (await store.categories.types(area.id))[0]
    return {**values, "type": label("manage-type-off", name=kind.name)}


async def _coordinator(harness: Harness, cast: Cast) -> dict[str, str]:
    """Zahra coordinates Markazi; Reza has started the bot and has no group."""
    await harness.coordinator(cast.people["zahra"], "مرکزی")
    await _known(cast, "reza")
    return {}


async def _channel(harness: Harness, cast: Cast) -> dict[str, str]:
    """The channel exists at Telegram, with the bot as one of its admins."""
    assert cast.channel.title is not None
    return {"channel": cast.channel.title}


async def _registered_channel(harness: Harness, cast: Cast) -> dict[str, str]:
    """The channel takes the national digest; last week had a report."""
    await _a_report(harness, cast)
    await harness.store.channels.add(cast.channel.id, CHANNEL, ChannelScope.national())
    return {}


async def _area(harness: Harness, cast: Cast) -> dict[str, str]:
    """The first area of services, by name."""
    area = (await harness.store.categories.areas())[0]
    return {"area": area.name}


async def _newcomer(harness: Harness, cast: Cast) -> dict[str, str]:
    """Ali has started the bot and belongs to no group."""
    await _known(cast, "ali")
    return await _area(harness, cast)


WALKS = (
    Walk(
        "new group",
        _newcomer,
        (
            press("ali", "➕ ساختن گروه تازه"),
            send("ali", "گروه جهادی نور"),
            send("ali", "مرکزی"),
            press("ali", "اراک"),
            press("ali", "{area}"),
            press("ali", label("newgroup-create")),
        ),
    ),
    Walk(
        "join",
        _invite,
        (send("maryam", "/start j-{code}"), press("maryam", label("join-yes"))),
    ),
    Walk(
        "group card",
        _leader_and_member,
        (
            send("reza", "/group"),
            press("reza", label("group-reminders-on")),
            press("reza", label("group-new-invite")),
            press("reza", label("group-revoke-invite")),
            press("reza", label("group-new-invite")),
            press("reza", label("group-members")),
            press("reza", "مریم"),
            press("reza", label("group-promote")),
            press("reza", "⭐️ رضا"),
            press("reza", label("group-step-down")),
            send("maryam", "/group"),
            press("maryam", label("group-members")),
            press("maryam", "رضا"),
            press("maryam", label("group-remove")),
            press("maryam", label("button-yes")),
        ),
    ),
    Walk(
        "my reports",
        _a_report,
        (
            press("reza", label("menu-my-reports")),
            press("reza", "{delete}"),
            press("reza", label("button-yes")),
        ),
    ),
    Walk(
        "coordinators",
        _two_groups,
        (
            send("admin", "/admin"),
            press("admin", label("admin-coordinators")),
            press("admin", label("admin-add-coordinator")),
            send("admin", "@zahra_m"),
            press("admin", "مرکزی"),
            press("admin", label("admin-add-province")),
            press("admin", "قم"),
            press("admin", "❌ قم"),
        ),
    ),
    Walk(
        "rename and transfer",
        _two_groups,
        (
            send("admin", "/admin"),
            press("admin", label("admin-groups")),
            press("admin", "گروه امید — اراک"),
            press("admin", label("admin-group-rename")),
            send("admin", "گروه امید نو"),
            send("admin", "/admin"),
            press("admin", label("admin-groups")),
            press("admin", "گروه امید نو — اراک"),
            press("admin", label("admin-group-transfer")),
            send("admin", "مریم"),
            press("admin", label("button-yes")),
        ),
    ),
    Walk(
        "merge",
        _two_groups,
        (
            send("admin", "/admin"),
            press("admin", label("admin-groups")),
            press("admin", "گروه امید — اراک"),
            press("admin", label("admin-group-merge")),
            send("admin", "نور اراک"),
            press("admin", "گروه نور اراک — اراک"),
            press("admin", label("button-yes")),
        ),
    ),
    Walk(
        "campaign edit",
        _campaign,
        (
            send("admin", "/campaign"),
            press("admin", label("camp-edit", title=CAMPAIGN)),
            press("admin", label("manage-edit-target")),
            send("admin", "۸۰۰"),
            press("admin", label("manage-edit-types")),
            press("admin", label("manage-pick-types")),
            press("admin", "{type}"),
            press("admin", label("manage-pick-done")),
            press("admin", label("manage-save")),
            press("admin", label("manage-types-save-yes")),
        ),
    ),
    Walk(
        "service types",
        _area,
        (
            send("admin", "/admin"),
            press("admin", label("types-menu")),
            press("admin", "{area}"),
            press("admin", label("types-add")),
            send("admin", "کلاس خیاطی"),
            send("admin", "جلسه"),
            press("admin", label("types-add-ok")),
            press("admin", label("button-back")),
            press("admin", label("types-button", name="کلاس خیاطی")),
            press("admin", label("types-retire")),
            press("admin", label("button-yes")),
        ),
    ),
    Walk(
        "export",
        _a_report,
        (
            press("admin", label("menu-export")),
            send("admin", "۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۳۰"),
            press("admin", label("export-scope-country")),
            press("admin", label("export-format-csv")),
            press("admin", label("export-hxl-no")),
            press("admin", label("export-build")),
        ),
    ),
    Walk(
        "review",
        _to_review,
        (
            press("zahra", label("menu-review")),
            press("zahra", label("review-approve")),
            press("zahra", label("review-return")),
            press("zahra", label("review-reason-quantity")),
        ),
        {"report": {"review": True}},
    ),
    Walk(
        "review with a typed reason",
        _to_review,
        (
            press("zahra", label("menu-review")),
            press("zahra", label("review-return")),
            press("zahra", label("review-reason-other")),
            send("zahra", "عکس مربوط به این خدمت نیست"),
        ),
        {"report": {"review": True}},
    ),
    Walk(
        "group approval",
        _coordinator,
        (
            press("reza", "➕ درخواست ساختن گروه"),
            send("reza", "گروه مهر"),
            press("reza", "مرکزی"),
            press("reza", "اراک"),
            press("reza", label("newgroup-no-specialty")),
            press("reza", label("newgroup-request")),
            press("zahra", "✅ تأیید"),
        ),
        {"groups": {"creation": "approval"}},
    ),
    Walk(
        "admins",
        _two_groups,
        (
            send("admin", "/admin"),
            press("admin", label("admin-admins")),
            press("admin", label("admin-add-admin")),
            send("admin", "@zahra_m"),
            send("admin", "/admin"),
            press("admin", label("admin-admins")),
            press("admin", label("admin-remove-admin", name="زهرا")),
        ),
    ),
    Walk(
        "channels",
        _channel,
        (
            send("admin", "/admin"),
            press("admin", label("admin-channels")),
            press("admin", label("channel-add")),
            send("admin", "@khedmat_news"),
            press("admin", "مرکزی"),
            press("admin", label("channel-list-back")),
            press("admin", "📢 {channel}"),
            press("admin", label("channel-pause")),
            press("admin", label("channel-schedule")),
            press("admin", "پنج‌شنبه"),
            send("admin", "۲۱:۳۰"),
            press("admin", label("channel-list-back")),  # the card before the schedule is old
            press("admin", "⏸ {channel}"),
            press("admin", label("channel-remove")),
            press("admin", label("button-yes")),
        ),
    ),
    Walk(
        "digest posted now",
        _registered_channel,
        (send("admin", "/digest"), press("admin", label("digest-post-now"))),
    ),
)


def _newest_button(user: SimUser, text: str, since: int) -> tuple[int, str] | None:
    """The newest inline button named `text` in a message of this run: (message, data)."""
    for message in sorted(user.messages, key=lambda m: m.seq, reverse=True):
        if message.seq <= since:
            break
        for button in (b for row in message.keyboard for b in row):
            if button.text == text and button.callback_data is not None:
                return message.message_id, button.callback_data
    return None


async def _press(harness: Harness, user: SimUser, text: str, since: int, doubled: bool) -> bool:
    """Presses a button once, or twice with a line typed while the presses are in flight;
    True for an inline button."""
    found = _newest_button(user, text, since)
    if found is None:  # a button under the text box: it sends its words
        assert user.keyboard is not None and any(text in row for row in user.keyboard), text
        for _ in range(2 if doubled else 1):
            await user.send(text)
        return False
    message_id, data = found
    if not doubled:
        await user.press_data(message_id, data)
        return True
    await harness.wait_for(
        await user.press_data(message_id, data, wait=False),
        await user.press_data(message_id, data, wait=False),
        await user.send(TYPED, wait=False),
    )
    return True


async def _settle(harness: Harness, cast: Cast) -> None:
    """Waits (bounded) until the bot has nothing left to send: notices, exports, answers."""
    assert harness.app is not None
    limiter = harness.app.bot.rate_limiter
    seen: tuple[int, ...] = ()
    calm = 0
    for _ in range(200):
        await harness.sim.refresh()
        chats = [u.messages for u in cast.people.values()] + [cast.channel.posts]
        now = tuple(max((m.seq for m in messages), default=0) for messages in chats)
        busy = bool(getattr(limiter, "queued", 0)) or bool(harness.app.bot_data.exports)
        calm = calm + 1 if now == seen and not busy else 0
        if calm >= 3:
            return
        seen = now
        await asyncio.sleep(0.2)
    raise AssertionError("the bot kept sending")


@dataclass
class Run:
    """What one run left: the rows, and the words everybody but the actors got."""

    rows: dict[str, list[tuple[Any, ...]]]
    heard: dict[str, list[str]]
    documents: int
    posts: list[str]  # in the channel
    taps: int  # inline buttons pressed (twice each in the second run)
    errors: list[str]  # logged while the walk ran (not while the bot stopped)


async def _run(
    harness: Harness, walk: Walk, cast: Cast, doubled: bool, caplog: pytest.LogCaptureFixture
) -> Run:
    """Makes the walk's world on the running bot's fresh database and walks it."""
    await harness.sim.refresh()
    people = cast.people
    marks = {name: max((m.seq for m in u.messages), default=0) for name, u in people.items()}
    posted = max((m.seq for m in cast.channel.posts), default=0)
    values = await walk.world(harness, cast)
    taps = 0
    for who, how, text in walk.steps:
        user, text = people[who], text.format(**values)
        if how == "send":
            await user.send(text)
        else:
            taps += await _press(harness, user, text, marks[who], doubled)
        await harness.delivered()  # the notices to others are out before anybody acts on them
    await _settle(harness, cast)
    actors = {who for who, _, _ in walk.steps}
    heard = {
        name: [m.text or m.caption or "" for m in u.messages if m.seq > marks[name]]
        for name, u in people.items()
        if name not in actors
    }
    documents = sum(
        1 for name, u in people.items() for m in u.messages if m.seq > marks[name] and m.document
    )
    posts = [m.text or m.caption or "" for m in cast.channel.posts if m.seq > posted]
    errors = [
        f"{r.name}: {r.getMessage()[:300]}" for r in caplog.records if r.levelno >= logging.ERROR
    ]
    await harness.stop()
    rows = every_row(
        harness.db_path, SKIPPED_TABLES, lambda c: c in SKIPPED_COLUMNS or c.endswith(TELEGRAMS)
    )
    return Run(rows, heard, documents, posts, taps, errors)


@pytest.mark.parametrize(
    ("walk", "settings"), [(w, w.settings) for w in WALKS], ids=[w.name for w in WALKS]
)
async def test_double_taps_and_typing_during_presses_change_nothing(
    harness: Harness,
    walk: Walk,
    settings: dict[str, Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim, admin = harness.sim, harness.admin
    assert admin is not None
    sim.allow_violations("message is not modified", "query is too old")
    people = {"admin": admin}
    for name, first, username in (
        ("reza", "رضا", None),
        ("maryam", "مریم", None),
        ("ali", "علی", None),
        ("zahra", "زهرا", "zahra_m"),
    ):
        people[name] = await sim.user(first, username=username)
    cast = Cast(people, await sim.channel(CHANNEL, owner=admin, username="khedmat_news"))
    once = await _run(harness, walk, cast, doubled=False, caplog=caplog)

    harness.db_path = tmp_path / "doubled.db"
    await harness.start([admin.id])
    await admin.send("/start")
    caplog.clear()
    twice = await _run(harness, walk, cast, doubled=True, caplog=caplog)

    assert twice.taps == once.taps > 0
    for table, rows in once.rows.items():
        if twice.rows[table] != rows:
            print("ONCE", table, *[r for r in rows if r not in twice.rows[table]], sep="\n")
            print("TWICE", *[r for r in twice.rows[table] if r not in rows], sep="\n")
        assert twice.rows[table] == rows, table
    assert twice.heard == once.heard
    assert twice.documents == once.documents
    assert twice.posts == once.posts
    assert sim.unanswered_callbacks == []
    for user in people.values():
        assert not [m for m in user.messages if m.text == t("error-generic")], user.first_name
    assert once.errors == twice.errors == []
