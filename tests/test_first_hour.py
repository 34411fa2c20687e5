"""What a newcomer, a leader and an admin meet in their first hour (issue 14): Persian text that
reads right, forgiving answers, invites that work, and each role greeted for what it can do."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from bot.core import jalali
from bot.core.i18n import keys, label, t
from db.models import Role
from simulator.media import make_png
from simulator.testing import SimUser
from tests.conftest import SAME_PLACE, TODAY, Harness, locale_messages
from tests.test_report import leader_with_campaign, to_quantity

CODE_OR_LINK = re.compile(r"<code>.*?</code>|https?://\S+|/[a-z_]+|@\w+|\{[^}]*\}|--\w+")


TERMINAL = ("cli-", "config-", "export-")  # read in a terminal, where Latin digits are right


@pytest.mark.parametrize("key", sorted(k for k in keys() if not k.startswith(TERMINAL)))
def test_every_persian_string_is_clean(key: str) -> None:
    """Persian letters (ی ک, not Arabic ي ك), Persian digits, no stray spacing or Latin «?»."""
    lines = CODE_OR_LINK.sub("◌", locale_messages()[key]).split("\n")
    text = "\n".join(line.lstrip() for line in lines)
    assert not re.search("[يك]", text), f"{key}: Arabic ي or ك"
    assert not re.search("[0-9]", text), f"{key}: Latin digits where a person reads"
    assert "  " not in text.replace("\n    ", "\n"), f"{key}: double space"
    assert not re.search(r" [،؛.؟!:]", text), f"{key}: a space before punctuation"
    assert not re.search(r"[\u0600-\u06ff]\s*\?", text), f"{key}: Latin «?» after Persian"
    assert all(line == line.rstrip() for line in text.split("\n")), f"{key}: trailing space"


async def test_groups_are_listed_in_persian_order(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    for name in ("گروه مهندسان", "گروه پزشکی", "گروه ژاله"):
        await harness.group(reza, name)
    await admin.send("/admin")
    await admin.press(label("admin-groups"))
    names = [b.split(" — ")[0] for row in admin.last.buttons for b in row if "—" in b]
    assert names == ["گروه پزشکی", "گروه ژاله", "گروه مهندسان"]


async def test_predictable_answers_are_forgiven(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("۱۲۰ بسته")  # the unit after the number
    assert "بهره‌مند شدند" in reza.last.text
    await reza.send("۴۵ نفر")
    await reza.press(label("button-skip"))
    await reza.press(SAME_PLACE)
    await reza.press(label("button-skip"))
    await reza.send("دیروز")  # a word where a date is asked
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None
    assert stored.data["service_date"] == (TODAY - timedelta(days=1)).isoformat()
    assert (stored.data["quantity"], stored.data["beneficiaries"]) == (120, 45)
    await reza.press(label("button-back"))
    day = TODAY - timedelta(days=3)
    _, month, number = jalali.to_jalali(day)
    await reza.send(f"{number} {jalali.month_name(month)}")  # «۲۴ آبان»
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and stored.data["service_date"] == day.isoformat()
    await reza.send("ا" * 599)  # 99 characters too long
    assert label("report-description-trim", max=500) in str(reza.last.buttons)
    await reza.press(label("report-description-trim", max=500))
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and stored.data["description"] == "ا" * 500


async def test_a_back_dated_receipt_says_which_week_it_counted_in(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_village(reza)
    await reza.press(label("button-skip"))
    day = TODAY - timedelta(days=9)
    await reza.send(jalali.format_numeric(day))
    await reza.press(label("button-skip"))
    await reza.press(label("report-no-photos"))
    await reza.press(label("report-save"))
    start, end = jalali.week_of(day)
    unit = await harness.store.db.scalar(
        "SELECT c.unit FROM reports r JOIN categories c ON c.id = r.category_id"
    )
    units = t("stats-unit-amount", quantity=10, unit=str(unit))
    week = jalali.format_range(start, end)
    figures = t("stats-figures", reports=1, units=units)
    assert t("report-other-week-totals", week=week, figures=figures) in (reza.last.html or "")


async def test_a_leader_shares_the_invite_in_one_tap(harness: Harness) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    group = await harness.group(reza)
    invite = await harness.store.groups.new_invite(group, reza.id)
    await reza.press(label("menu-group"))
    share = next(b for row in reza.last.keyboard for b in row if b.url and "share" in b.url)
    assert share.text == label("group-share-invite")
    assert share.url is not None
    link = parse_qs(urlparse(share.url).query)["url"][0]
    assert link.endswith(f"?start=j-{invite.code}")


async def test_each_role_is_greeted_for_what_it_can_do(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    await admin.send("/start")
    assert admin.last.html == t("start-welcome-admin", name=admin.first_name, review="no")
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    await zahra.send("/start")
    welcome = t(
        "start-welcome-coordinator", name="زهرا", provinces="مرکزی", several="no", review="no"
    )
    assert zahra.last.html == welcome
    assert [g.role for g in await harness.store.roles.of(zahra.id)] == [Role.COORDINATOR]


async def test_a_wrong_code_keeps_the_question_and_a_pasted_link_then_works(
    harness: Harness,
) -> None:
    reza, maryam = await harness.sim.user("رضا"), await harness.sim.user("مریم")
    await reza.send("/start")
    group = await harness.group(reza)
    invite = await harness.store.groups.new_invite(group, reza.id)
    await maryam.send("/join")
    assert label("button-cancel") in str(maryam.last.buttons)  # the code prompt can be left
    await maryam.send("abcdefabcdef")  # the right shape, but no such invite
    assert label("join-unknown-code") in maryam.last.text
    await maryam.send(f"https://t.me/bot?start=j-{invite.code}")
    await maryam.press(label("join-yes"))
    assert [m.group_id for m in await harness.store.groups.memberships(maryam.id)] == [group]


async def test_a_picture_sent_as_a_file_becomes_a_photo(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_review_photos(reza)
    picture = make_png(64, 48, (200, 120, 40))
    await reza.send_document("picture.png", picture, mime_type="image/png")
    assert reza.messages[-2].caption == label("report-photo-from-file")
    assert t("report-photos-received", count=1) in reza.last.text
    await reza.send_document("notes.txt", b"text")  # not a picture: the same question again
    assert reza.last.text.startswith(label("report-photo-expected"))
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and len(stored.data["photos"]) == 1


async def to_village(reza: SimUser) -> None:
    """A short report (10, no people counted, the group's place) up to the village question."""
    await to_quantity(reza)
    await reza.send("10")
    await reza.press(label("button-skip"))
    await reza.press(label("button-skip"))
    await reza.press(SAME_PLACE)


async def to_review_photos(reza: SimUser) -> None:
    """A short report up to the photos question."""
    await to_village(reza)
    await reza.press(label("button-skip"))
    await reza.press(label("report-date-yesterday"))
    await reza.press(label("button-skip"))


async def test_invisible_text_is_no_answer(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_village(reza)
    await reza.send("\u200d\u200c")  # only joiners: nothing a person could read
    assert reza.last.text.startswith(label("report-text-empty"))
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and stored.data["place"] == "" and stored.data["step"] == "village"


async def test_a_place_or_description_too_long_is_said_so_and_a_long_description_cut(
    harness: Harness,
) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_village(reza)
    await reza.send("ب" * 101)
    assert reza.last.text.startswith(label("report-village-too-long", max=100))
    await reza.send("ب" * 100)
    await reza.press(label("report-date-yesterday"))
    await reza.send("\u200c")
    assert reza.last.text.startswith(label("report-text-empty"))
    # Far past the limit (four times 500): still offered its first 500 characters.
    await reza.send("ا" * 2600)
    assert reza.last.text.startswith(label("report-description-too-long", length=2600, max=500))
    await reza.send("\u200c")  # nothing typed: the long text is still offered
    await reza.press(label("report-description-trim", max=500))
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and stored.data["step"] == "photos"
    assert (stored.data["place"], stored.data["description"]) == ("ب" * 100, "ا" * 500)


async def test_a_location_sent_where_the_place_is_asked_is_taken(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("10")
    await reza.press(label("button-skip"))
    await reza.press(label("button-skip"))
    await reza.send_location(34.09, 49.70)  # without pressing «ارسال موقعیت» first
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and stored.data["step"] == "village"
    assert stored.data["latitude"] == 34.09
