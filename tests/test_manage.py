"""Managing campaigns (edit, province shares) and service types, end to end through the bot.

Every figure is checked against SQL written here over the reports table, never through
db/stats.py; refused attempts leave the tables as they were.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bot.core import jalali
from bot.core.i18n import label, t
from bot.core.text import fmt_num, progress_bar, truncate
from bot.figures.wording import percent_text
from db.models import GroupStatus, Role
from db.store import Store
from db.usecases import (
    CampaignChange,
    TypeChange,
    add_service_type,
    create_campaign,
    update_campaign,
)
from simulator.testing import SimUser
from tests.conftest import TODAY, Harness, report_input
from tests.test_lookups import _insert

LIVE = "status != 'deleted'"
TITLE = "پویش ۱۱ هزار خدمت"


async def _scalar(store: Store, sql: str, *params: object) -> int:
    """One number from the test's own SQL."""
    return int(await store.db.scalar(sql, params) or 0)


async def _world(harness: Harness) -> tuple[SimUser, SimUser, int, dict[str, int]]:
    """A national campaign with reports of two areas in Markazi and Tehran; a Markazi
    coordinator. Returns the coordinator, a Tehran leader, the campaign and the ids around."""
    store, sim = harness.store, harness.sim
    zahra, amir = await sim.user("زهرا"), await sim.user("امیر")
    await amir.send("/start")
    markazi = await harness.coordinator(zahra, "مرکزی")
    omid = await harness.group(amir, "گروه امید", "اراک")
    karimi = await harness.group(amir, "گروه علی‌کریمی", "تهران")
    tehran = await _scalar(store, "SELECT province_id FROM groups WHERE id = ?", karimi)
    campaign = await store.campaigns.create(
        TITLE, 500, "خدمت", TODAY - timedelta(days=40), TODAY + timedelta(days=40)
    )
    areas = await store.categories.areas()
    first = [c.id for c in await store.categories.types(areas[0].id)]
    second = [c.id for c in await store.categories.types(areas[1].id)]
    for group, category, quantity, days in (
        (omid, first[0], 40, 3),
        (omid, second[0], 25, 10),
        (karimi, first[1], 30, 2),
        (karimi, second[0], 12, 50),  # before the campaign's first day: it still counts
    ):
        day = TODAY - timedelta(days=days)
        await _insert(store, group, amir.id, category, quantity, day, campaign=campaign)
    ids = {"markazi": markazi, "tehran": tehran, "area": areas[0].id, "omid": omid}
    return zahra, amir, campaign, ids


async def _counted(store: Store, campaign: int, extra: str = "", *params: object) -> int:
    """The campaign's services by the test's own SQL: its live reports of counted types."""
    return await _scalar(
        store,
        f"SELECT COALESCE(SUM(r.quantity), 0) FROM reports r WHERE r.{LIVE} AND r.campaign_id = ?"
        " AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = ?)"
        " OR r.category_id IN (SELECT category_id FROM campaign_categories WHERE campaign_id = ?))"
        f"{extra}",
        campaign,
        campaign,
        campaign,
        *params,
    )


async def _in_area(store: Store, campaign: int, area: int) -> int:
    """The campaign's services of one area's types, by the test's own SQL."""
    return await _scalar(
        store,
        "SELECT COALESCE(SUM(r.quantity), 0) FROM reports r"
        f" JOIN categories c ON c.id = r.category_id WHERE r.{LIVE} AND r.campaign_id = ?"
        " AND c.parent_id = ?",
        campaign,
        area,
    )


def _progress(count: int, target: int, title: str = TITLE) -> str:
    """The progress line as the person reads it."""
    return (
        label(
            "stats-campaign-progress",
            title=title,
            count=count,
            target=target,
            unit="خدمت",
            percent=percent_text(count, target),
            bar=progress_bar(count, target),
        )
        .replace("<b>", "")
        .replace("</b>", "")
    )


async def test_an_admin_edits_target_dates_and_types_and_the_figures_follow(
    harness: Harness,
) -> None:
    _, _, campaign, ids = await _world(harness)
    store, admin = harness.store, harness.admin
    assert admin is not None
    await admin.send("/campaign")
    assert _progress(await _counted(store, campaign), 500) in admin.last.text
    await admin.press(label("camp-edit", title=TITLE))
    review = admin.last.text
    assert TITLE in review and "۵۰۰" in review and label("camp-all-types") in review
    await admin.press(label("manage-edit-target"))
    await admin.send("۸۰۰")
    await admin.press(label("manage-edit-end"))
    await admin.send(jalali.format_numeric(TODAY - timedelta(days=1)))
    assert label("camp-bad-end") in admin.last.text  # in the past: the same question again
    new_end = TODAY + timedelta(days=90)
    await admin.send(jalali.format_numeric(new_end))
    await admin.press(label("manage-edit-start"))
    await admin.send(jalali.format_numeric(TODAY - timedelta(days=5)))
    review = admin.last.text
    assert "۸۰۰" in review
    # Two reports now fall before the first day; they still count, and the review says so.
    assert t("manage-reports-outside", count=2) in review
    await admin.press(label("manage-edit-types"))
    area = await store.categories.get(ids["area"])
    assert area is not None
    await admin.press(area.name)
    assert area.name in admin.last.text
    # The review says what the new types do to the progress, by the test's own SQL.
    before = await _counted(store, campaign)
    after = await _in_area(store, campaign, ids["area"])
    assert (before, after) == (107, 70)
    assert t("manage-types-effect", before=before, after=after) in admin.last.text
    # Saving asks first; Back returns to the review with nothing saved.
    await admin.press(label("manage-save"))
    assert t("manage-types-confirm", before=before, after=after) in admin.last.text
    await admin.press(label("button-back"))
    assert label("manage-save") in str(admin.last.buttons)
    assert await _scalar(store, "SELECT target FROM campaigns WHERE id = ?", campaign) == 500
    await admin.press(label("manage-save"))
    await admin.press(label("manage-types-save-yes"))
    assert label("manage-saved", title=TITLE) in admin.last.text
    row = await store.db.fetchone(
        "SELECT target, starts_on, ends_on FROM campaigns WHERE id = ?", (campaign,)
    )
    assert row is not None
    first = TODAY - timedelta(days=5)
    assert tuple(row) == (800, first.isoformat(), new_end.isoformat())
    counted = await _in_area(store, campaign, ids["area"])
    assert counted == 70 == await _counted(store, campaign)  # the second area's left out
    await admin.send("/campaign")
    text = admin.last.text
    assert _progress(counted, 800) in text
    # Six days old now (its first day moved): the pace is taken over its six days so far.
    recent = await _counted(
        store,
        campaign,
        " AND r.service_date > ? AND r.service_date <= ?",
        (TODAY - timedelta(days=6)).isoformat(),
        TODAY.isoformat(),
    )
    pace = label("stats-pace-daily", daily=round(recent / 6), unit="خدمت")
    finish = TODAY + timedelta(days=-(-(800 - counted) * 6 // recent))
    assert finish < new_end
    span = label("stats-pace-days", days=6)
    day = jalali.format_day_month(finish)
    assert label("stats-outlook-by", span=span, pace=pace, date=day) in text
    audit = await store.db.fetchone(
        "SELECT actor_id, details FROM audit_log WHERE action = 'campaign.edit' AND entity_id = ?",
        (campaign,),
    )
    assert audit is not None and audit[0] == admin.id and '"target": [500, 800]' in audit[1]
    # Back to every type: the summaries are refilled from the reports, not left behind.
    await admin.press(label("camp-edit", title=TITLE))
    await admin.press(label("manage-edit-types"))
    await admin.press(label("camp-all-types"))
    await admin.press(label("manage-save"))
    await admin.press(label("manage-types-save-yes"))
    await admin.send("/campaign")
    everything = await _scalar(
        store, f"SELECT SUM(quantity) FROM reports WHERE {LIVE} AND campaign_id = ?", campaign
    )
    assert everything == 107 == await _counted(store, campaign)
    assert _progress(everything, 800) in admin.last.text


async def test_a_coordinator_edits_their_province_campaign_only(harness: Harness) -> None:
    zahra, _, national, ids = await _world(harness)
    store = harness.store
    mine = await store.campaigns.create(
        "پویش زمستان مرکزی", 200, "خدمت", TODAY, TODAY + timedelta(days=30), ids["markazi"]
    )
    theirs = await store.campaigns.create(
        "پویش تهران", 300, "خدمت", TODAY, TODAY + timedelta(days=30), ids["tehran"]
    )
    await zahra.send("/campaign")
    assert [label("camp-edit", title="پویش زمستان مرکزی")] in zahra.last.buttons
    assert [label("camp-edit", title=TITLE)] not in zahra.last.buttons  # national
    before = [tuple(r) for r in await store.db.fetchall("SELECT * FROM campaigns ORDER BY id")]
    for forged in (national, theirs):
        await zahra.press_data(zahra.last.message_id, f"cpn:edit:{forged}")
        assert zahra.last_answer == label("not-allowed")
    await zahra.press_data(zahra.last.message_id, "cpn:edit:999")
    assert zahra.last_answer == label("lookups-gone")
    assert [tuple(r) for r in await store.db.fetchall("SELECT * FROM campaigns ORDER BY id")] == (
        before
    )
    assert await _scalar(store, "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", zahra.id) == 0
    await zahra.press(label("camp-edit", title="پویش زمستان مرکزی"))
    assert label("manage-edit-shares") not in str(zahra.last.buttons)  # one province: no shares
    await zahra.press(label("manage-edit-title"))
    await zahra.send("پویش زمستان استان مرکزی")
    await zahra.press(label("manage-edit-target"))
    await zahra.send("۲۵۰")
    await zahra.press(label("manage-save"))
    row = await store.db.fetchone(
        "SELECT title, target, province_id FROM campaigns WHERE id = ?", (mine,)
    )
    assert row is not None and tuple(row) == ("پویش زمستان استان مرکزی", 250, ids["markazi"])
    # Her role taken away mid-edit: the flow ends at her next answer, nothing saved.
    await zahra.press(label("lookups-campaigns"))
    await zahra.press(label("camp-edit", title="پویش زمستان استان مرکزی"))
    await zahra.press(label("manage-edit-target"))
    await store.db.execute("DELETE FROM roles WHERE volunteer_id = ?", (zahra.id,))
    await zahra.send("۹۹۹")
    assert await _scalar(store, "SELECT target FROM campaigns WHERE id = ?", mine) == 250
    assert await _scalar(store, "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", zahra.id) == 0


async def test_province_shares_are_entered_and_shown_widest_gap_first(harness: Harness) -> None:
    _, _, campaign, ids = await _world(harness)
    store, admin = harness.store, harness.admin
    assert admin is not None
    await admin.send("/campaign")
    await admin.press(label("camp-edit", title=TITLE))
    await admin.press(label("manage-edit-shares"))
    assert label("manage-shares-none") in admin.last.text
    for province, share in (("مرکزی", "۶۰"), ("تهران", "100"), ("اصفهان", "۵۰")):
        await admin.press(label("manage-share-add"))
        if province == "تهران":
            await admin.send("تهران")  # typed rather than pressed
        else:
            await admin.press(province)
        await admin.send("صفر")
        assert label("manage-bad-share") in admin.last.text
        await admin.send(share)
    text = admin.last.text
    assert "• اصفهان: ۵۰" in text
    assert label("manage-shares-total", total=210, target=500) in text
    assert t("manage-shares-under", gap=fmt_num(290)) in text  # a warning, not a refusal
    # More than the target says «more», with the share typed before shown as its value now.
    await admin.press(label("manage-share-add"))
    await admin.press("اصفهان")
    assert t("field-now", value=50) in admin.last.text
    await admin.send("۴۰۰")
    assert label("manage-shares-total", total=560, target=500) in admin.last.text
    assert t("manage-shares-over", gap=fmt_num(60)) in admin.last.text
    await admin.press(label("manage-share-remove", name="اصفهان"))
    assert "اصفهان" not in admin.last.text
    assert label("manage-shares-total", total=160, target=500) in admin.last.text
    await admin.press(label("button-back"))
    await admin.press(label("manage-save"))
    shares = await store.db.fetchall(
        "SELECT province_id, target FROM campaign_shares WHERE campaign_id = ? ORDER BY target",
        (campaign,),
    )
    assert [tuple(r) for r in shares] == [(ids["markazi"], 60), (ids["tehran"], 100)]
    await admin.send("/campaign")
    text = admin.last.text
    markazi = await _counted(store, campaign, " AND r.province_id = ?", ids["markazi"])
    tehran = await _counted(store, campaign, " AND r.province_id = ?", ids["tehran"])
    order = ["تهران", "مرکزی"] if tehran / 100 < min(markazi / 60, 1) else ["مرکزی", "تهران"]
    shown = text.split(label("stats-shares-title").replace("<b>", "").replace("</b>", ""))[-1]
    assert shown.index(f" {order[0]}:") < shown.index(f" {order[1]}:")
    assert f" تهران: {fmt_num(tehran)} از {fmt_num(100)}" in shown
    assert f" مرکزی: {fmt_num(markazi)} از {fmt_num(60)}" in shown


async def _leader(harness: Harness) -> tuple[SimUser, int]:
    """A leader of a group in Arak, with one saved report of the first service type."""
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    group = await harness.group(reza)
    data = await report_input(harness.store, group)
    await harness.store.reports.create(data, reza.id, "key-old", 1405)
    await reza.send("/start")
    return reza, group


async def _types_of_area(admin: SimUser, area: str) -> None:
    """Opens «🗂 انواع خدمت» and one area."""
    await admin.send("/admin")
    await admin.press(label("types-menu"))
    await admin.press(area)


async def test_types_added_renamed_retired_and_old_reports_keep_their_name(
    harness: Harness,
) -> None:
    reza, _ = await _leader(harness)
    store, admin = harness.store, harness.admin
    assert admin is not None
    area = (await store.categories.areas())[0]
    old = (await store.categories.types(area.id))[0]
    await admin.send("/admin")
    await admin.press(label("types-menu"))
    listing = admin.last.text
    assert area.name in listing and f"• {old.name} — {old.unit}" in listing
    await admin.press(area.name)
    await admin.press(label("types-add"))
    await admin.send("توزيع  پتو")  # Arabic ي and a double space: stored normalised
    await admin.send("تخته")
    await admin.press(label("types-add-ok"))
    assert label("types-added", name="توزیع پتو") in admin.last.text
    added = await store.db.fetchone(
        "SELECT id, name, unit, parent_id, active FROM categories WHERE name = ?", ("توزیع پتو",)
    )
    assert added is not None and tuple(added)[1:] == ("توزیع پتو", "تخته", area.id, 1)
    # A duplicate within the area (another spelling of the same name) is refused.
    await admin.press(label("button-back"))
    await admin.press(label("types-add"))
    await admin.send("توزیع‌پتو")
    assert label("types-duplicate", name="توزیع‌پتو") in admin.last.text
    assert t("types-ask-name", area=area.name) in admin.last.text  # the same question again
    await admin.send("/cancel")
    assert await _scalar(store, "SELECT COUNT(*) FROM categories WHERE name LIKE 'توزیع%پتو'") == 1
    # Retire the type of the old report (after a confirmation); rename it first.
    await _types_of_area(admin, area.name)
    await admin.press(label("types-button", name=old.name))
    await admin.press(label("types-rename"))
    await admin.send("ساخت خانه")
    assert label("types-renamed", name="ساخت خانه") in admin.last.text
    await admin.press(label("types-change-unit"))
    await admin.send("باب")
    await admin.press(label("types-unit-yes"))  # it has a saved report: asked first
    await admin.press(label("types-retire"))
    assert label("types-retire-confirm", name="ساخت خانه") in admin.last.text
    await admin.press(label("button-yes"))
    assert label("types-retired", name="ساخت خانه") in admin.last.text
    assert await _scalar(store, "SELECT active FROM categories WHERE id = ?", old.id) == 0
    actions = await store.db.fetchall(
        "SELECT action FROM audit_log WHERE entity = 'category' ORDER BY id"
    )
    assert [r[0] for r in actions] == [
        "category.add",
        "category.edit",
        "category.edit",
        "category.retire",
    ]
    # The report flow offers the new type and not the retired one.
    await reza.send("/report")
    await reza.press(area.name)
    offered = str(reza.last.buttons)
    assert "توزیع پتو" in offered and "ساخت خانه" not in offered and old.name not in offered
    await reza.send("/cancel")
    # The old report keeps its type, under the new name and unit.
    await reza.send("/myreports")
    assert "ساخت خانه" in reza.last.text and "باب" in reza.last.text
    # Brought back, it is offered again.
    await admin.press(label("types-restore"))
    assert label("types-restored", name="ساخت خانه") in admin.last.text
    await reza.send("/report")
    await reza.press(area.name)
    assert "ساخت خانه" in str(reza.last.buttons)


async def test_bad_names_get_a_persian_answer_and_the_question_again(harness: Harness) -> None:
    store, admin = harness.store, harness.admin
    assert admin is not None
    area = (await store.categories.areas())[0]
    before = await _scalar(store, "SELECT COUNT(*) FROM categories")
    await _types_of_area(admin, area.name)
    await admin.press(label("types-add"))
    question = t("types-ask-name", area=area.name)
    for bad in ("ب" * 4000, "\u200c\u200d\u200c", "<b>پتو</b>", "پ"):
        await admin.send(bad)
        assert label("types-bad-name", min=2, max=60) in admin.last.text, bad
        assert question in admin.last.text
    await admin.send("پتو")
    for bad in ("واحد" * 20, "\u200c", "<i>"):
        await admin.send(bad)
        assert label("types-bad-unit", min=1, max=20) in admin.last.text, bad
        assert t("types-ask-unit", name="پتو") in admin.last.text
    await admin.send("/cancel")
    assert await _scalar(store, "SELECT COUNT(*) FROM categories") == before
    # A campaign's title: too long, invisible, markup.
    await admin.send("/campaign")
    await admin.press(label("camp-new"))
    for bad, hint in (
        ("ن" * 500, label("camp-bad-title", min=3, max=80)),
        ("\u200c\u200c\u200c\u200c", label("camp-bad-title", min=3, max=80)),
        ("<b>پویش</b>", label("manage-no-markup")),
    ):
        await admin.send(bad)
        assert hint in admin.last.text and t("camp-ask-title") in admin.last.text
    assert await _scalar(store, "SELECT COUNT(*) FROM campaigns") == 0
    assert not [m for m in admin.messages if "مشکلی پیش آمد" in (m.text or "")]


async def test_only_admins_reach_the_service_types(harness: Harness) -> None:
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    await zahra.send("/admin")
    assert label("types-menu") not in str(zahra.last.buttons)
    before = await _scalar(store := harness.store, "SELECT COUNT(*) FROM audit_log")
    for data in ("typ:list", "typ:retireok:2", "typ:add:1"):
        await zahra.press_data(zahra.last.message_id, data)
        assert zahra.last_answer == label("not-allowed")
    assert await _scalar(store, "SELECT active FROM categories WHERE id = 2") == 1
    assert await _scalar(store, "SELECT COUNT(*) FROM audit_log") == before
    await store.roles.grant(zahra.id, Role.ADMIN, None, None)
    await zahra.send("/admin")
    assert label("types-menu") in str(zahra.last.buttons)


async def _summaries(store: Store, campaign: int) -> dict[str, set[tuple[object, ...]]]:
    """The campaign's summary rows as the triggers and the recount left them (rows of n > 0)."""
    queries = {
        "place": "SELECT province_id, county_id, SUM(n), SUM(q) FROM stat_campaign_place"
        " WHERE campaign_id = ? AND n > 0 GROUP BY province_id, county_id",
        "day": "SELECT day, n, q FROM stat_campaign_day WHERE campaign_id = ? AND n > 0",
        "group": "SELECT group_id, n, q FROM stat_group_campaign WHERE campaign_id = ? AND n > 0",
    }
    return {
        name: {tuple(r) for r in await store.db.fetchall(sql, (campaign,))}
        for name, sql in queries.items()
    }


async def _expected(
    store: Store, campaign: int, types: list[int] | None
) -> dict[str, set[tuple[object, ...]]]:
    """The same figures by the test's own SQL over the reports table."""
    where = f"campaign_id = ? AND {LIVE}"
    params: list[object] = [campaign]
    if types is not None:
        where += f" AND category_id IN ({','.join('?' * len(types))})"
        params += types
    found: dict[str, set[tuple[object, ...]]] = {}
    levels = (
        "SELECT 0, 0, COUNT(*), SUM(quantity) FROM reports WHERE {w}",
        "SELECT province_id, 0, COUNT(*), SUM(quantity) FROM reports WHERE {w} GROUP BY 1",
        "SELECT province_id, county_id, COUNT(*), SUM(quantity) FROM reports WHERE {w}"
        " GROUP BY 1, 2",
    )
    found["place"] = {
        tuple(r)
        for sql in levels
        for r in await store.db.fetchall(sql.format(w=where), params)
        if r[2]
    }
    found["day"] = {
        tuple(r)
        for r in await store.db.fetchall(
            f"SELECT service_date, COUNT(*), SUM(quantity) FROM reports WHERE {where} GROUP BY 1",
            params,
        )
    }
    found["group"] = {
        tuple(r)
        for r in await store.db.fetchall(
            f"SELECT group_id, COUNT(*), SUM(quantity) FROM reports WHERE {where} GROUP BY 1",
            params,
        )
    }
    return found


async def test_editing_the_counted_types_keeps_every_summary_right(store: Store) -> None:
    arak = (await store.places.search_counties("اراک"))[0]
    tehran = (await store.places.search_counties("تهران"))[0]
    await store.volunteers.seen(1, "v", "", "")
    groups = []
    for name, county in (("گروه یک", arak), ("گروه دو", tehran)):
        groups.append(
            await store.groups.create(
                name, name, county.province_id, county.id, None, 1, GroupStatus.ACTIVE
            )
        )
    areas = await store.categories.areas()
    a = [c.id for c in await store.categories.types(areas[0].id)]
    b = [c.id for c in await store.categories.types(areas[1].id)]
    campaign = await store.campaigns.create(
        TITLE, 500, "خدمت", TODAY - timedelta(days=30), TODAY + timedelta(days=30)
    )
    rows = [
        (groups[0], a[0], 10, 1), (groups[0], a[1], 7, 2), (groups[0], b[0], 5, 2),
        (groups[1], a[0], 3, 40), (groups[1], b[1], 9, 5), (groups[1], b[0], 4, 1),
    ]  # fmt: skip
    for group, category, quantity, days in rows:
        await _insert(
            store, group, 1, category, quantity, TODAY - timedelta(days=days), campaign=campaign
        )
    await store.db.execute(
        "UPDATE reports SET status = 'deleted' WHERE quantity = 9 AND campaign_id = ?", (campaign,)
    )
    assert await _summaries(store, campaign) == await _expected(store, campaign, None)
    change = CampaignChange(
        TITLE,
        600,
        TODAY - timedelta(days=3),
        TODAY + timedelta(days=60),
        frozenset({a[0], areas[1].id}),
    )
    assert await update_campaign(store, 1, campaign, change)
    picked = [a[0], *[c.id for c in await store.categories.area_types(areas[1].id)]]
    assert await _summaries(store, campaign) == await _expected(store, campaign, picked)
    # Reports written after the edit go through the triggers with the new types.
    await _insert(store, groups[1], 1, a[1], 8, TODAY, campaign=campaign)
    await _insert(store, groups[1], 1, b[0], 6, TODAY, campaign=campaign)
    assert await _summaries(store, campaign) == await _expected(store, campaign, picked)
    back = dataclasses.replace(change, counted=frozenset())
    assert await update_campaign(store, 1, campaign, back)
    assert await _summaries(store, campaign) == await _expected(store, campaign, None)
    assert await _scalar(store, "SELECT target FROM campaigns WHERE id = ?", campaign) == 600
    await store.campaigns.close(campaign)
    assert not await update_campaign(store, 1, campaign, change)


async def test_a_new_campaign_counts_picked_types_and_has_shares(harness: Harness) -> None:
    store, admin = harness.store, harness.admin
    assert admin is not None
    types = await store.categories.all_types()
    chosen = [types[0], types[3], types[25]]  # the last one on the second page
    await admin.send("/campaign")
    await admin.press(label("camp-new"))
    await admin.send("پویش زمستان")
    await admin.send("1,000")
    await admin.send(jalali.format_numeric(TODAY))
    await admin.send(jalali.format_numeric(TODAY + timedelta(days=60)))
    await admin.press(label("manage-pick-types"))
    await admin.press(label("manage-pick-done"))
    assert label("manage-pick-none") in admin.last.text  # at least one
    for item in chosen[:2]:
        await admin.press(label("manage-type-off", name=truncate(item.name, 24)))
    await admin.press(label("manage-type-on", name=truncate(chosen[1].name, 24)))  # off again
    await admin.press(label("manage-type-off", name=truncate(chosen[1].name, 24)))
    await admin.press(label("button-next-page"))
    await admin.press(label("manage-type-off", name=truncate(chosen[2].name, 24)))
    assert t("manage-ask-pick", count=3) in admin.last.text
    await admin.press(label("manage-pick-done"))
    assert label("manage-types-picked", count=3, names="") in admin.last.text
    await admin.press(label("manage-edit-shares"))
    await admin.press(label("manage-share-add"))
    await admin.press("مرکزی")
    await admin.send("۱۰۰۰")
    await admin.press(label("button-back"))
    assert label("manage-shares-total", total=1000, target=1000) in admin.last.text
    assert "⚠️" not in admin.last.text  # equal: no warning
    await admin.press(label("camp-create"))
    assert label("camp-created", title="پویش زمستان") in admin.last.text
    assert "پویش «پویش" not in admin.last.text  # the title is not doubled
    campaign = await _scalar(store, "SELECT id FROM campaigns WHERE title = 'پویش زمستان'")
    counted = await store.db.fetchall(
        "SELECT category_id FROM campaign_categories WHERE campaign_id = ? ORDER BY 1",
        (campaign,),
    )
    assert [r[0] for r in counted] == sorted(c.id for c in chosen)
    assert (
        await _scalar(store, "SELECT target FROM campaign_shares WHERE campaign_id = ?", campaign)
        == 1000
    )
    # Editing it shows the same picked set.
    await admin.send("/campaign")
    await admin.press(label("camp-edit", title="پویش زمستان"))
    assert label("manage-types-picked", count=3, names="") in admin.last.text


async def test_a_type_added_to_an_area_counts_for_campaigns_of_that_area(store: Store) -> None:
    areas = await store.categories.areas()
    area = areas[2]
    types = [c.id for c in await store.categories.types(area.id)]
    start, end = TODAY, TODAY + timedelta(days=30)
    whole = await create_campaign(store, 1, "کل حوزه", 10, "خدمت", start, end, None, area.id)
    some = await create_campaign(
        store, 1, "یک خدمت", 10, "خدمت", start, end, None, counted=[types[0]]
    )
    every = await create_campaign(store, 1, "همه", 10, "خدمت", start, end, None)
    done, added = await add_service_type(store, 1, area.id, "خدمت تازه", "مورد", "انجام شد")
    assert done is TypeChange.DONE and added is not None
    rows = await store.db.fetchall(
        "SELECT campaign_id FROM campaign_categories WHERE category_id = ?", (added,)
    )
    assert [r[0] for r in rows] == [whole]
    assert await store.stats.counted_categories(some) == frozenset({types[0]})
    assert await store.stats.counted_categories(every) is None
    again, none = await add_service_type(store, 1, area.id, "خدمت  تازه", "مورد", "انجام شد")
    assert again is TypeChange.DUPLICATE and none is None


async def test_a_type_retired_while_its_button_is_on_screen_is_not_taken(
    harness: Harness,
) -> None:
    reza, _ = await _leader(harness)
    store, admin = harness.store, harness.admin
    assert admin is not None
    area = (await store.categories.areas())[0]
    kept, retired = (await store.categories.types(area.id))[:2]
    await reza.send("/report")
    await reza.press(area.name)
    await _types_of_area(admin, area.name)
    await admin.press(label("types-button", name=retired.name))
    await admin.press(label("types-retire"))
    await admin.press(label("button-yes"))
    await reza.press(retired.name)
    assert label("report-service-retired", name=retired.name) in reza.last.text
    assert retired.name not in str(reza.last.buttons) and kept.name in str(reza.last.buttons)
    taken = "SELECT json_extract(data, '$.category_id') FROM drafts WHERE kind = 'report'"
    assert await store.db.scalar(taken) is None


async def test_cancel_and_back_return_to_the_card_the_area_and_the_review(
    harness: Harness,
) -> None:
    _, _, campaign, _ = await _world(harness)
    store, admin = harness.store, harness.admin
    assert admin is not None
    area = (await store.categories.areas())[0]
    item = (await store.categories.types(area.id))[0]
    before = [tuple(r) for r in await store.db.fetchall("SELECT * FROM categories ORDER BY id")]
    # A one-field edit of a type: its current value is shown; Cancel returns to the type's card.
    await _types_of_area(admin, area.name)
    await admin.press(label("types-button", name=item.name))
    for edit, now in (("types-change-unit", item.unit), ("types-rename", item.name)):
        await admin.press(label(edit))
        assert t("field-now", value=now) in admin.last.text
        await admin.press(label("button-cancel"))
        assert f"🏷 {item.name}" in admin.last.text and label("types-retire") in str(
            admin.last.buttons
        )
        assert label("cancel-done") not in admin.last.text
    # A new type's first question has Back, to the area's screen.
    await admin.press(label("button-back"))
    await admin.press(label("types-add"))
    await admin.press(label("button-back"))
    count = len(await store.categories.area_types(area.id))
    title = label("types-area-title", name=area.name, count=count)
    assert title.replace("<b>", "").replace("</b>", "") in admin.last.text
    assert [
        tuple(r) for r in await store.db.fetchall("SELECT * FROM categories ORDER BY id")
    ] == before
    assert await _scalar(store, "SELECT COUNT(*) FROM drafts WHERE volunteer_id = ?", admin.id) == 0
    # Editing a campaign: every field shows its value now and can be kept.
    await admin.send("/campaign")
    await admin.press(label("camp-edit", title=TITLE))
    for edit, now in (
        ("manage-edit-title", TITLE),
        ("manage-edit-target", fmt_num(500)),
        ("manage-edit-end", jalali.format_date(TODAY + timedelta(days=40), weekday=False)),
        ("manage-edit-types", label("camp-all-types")),
    ):
        await admin.press(label(edit))
        assert label("field-now", value=now) in admin.last.text, edit
        await admin.press(label("button-keep"))
        assert label("manage-save") in str(admin.last.buttons)
    await admin.press(label("button-cancel"))
    assert label("flow-confirm-discard", flow=label("flow-name-campaign")) in admin.last.text
    await admin.press(label("flow-discard-yes"))
    row = await store.db.fetchone("SELECT title, target FROM campaigns WHERE id = ?", (campaign,))
    assert row is not None and tuple(row) == (TITLE, 500)


async def test_a_unit_needs_letters_and_a_change_over_saved_reports_is_confirmed(
    harness: Harness,
) -> None:
    await _leader(harness)
    store, admin = harness.store, harness.admin
    assert admin is not None
    type_id = await _scalar(store, "SELECT category_id FROM reports LIMIT 1")
    item = await store.categories.get(type_id)
    assert item is not None
    reports = await _scalar(store, "SELECT COUNT(*) FROM reports WHERE category_id = ?", type_id)
    assert reports == 1
    await _types_of_area(admin, item.parent_name)
    await admin.press(label("types-button", name=item.name))
    await admin.press(label("types-change-unit"))
    for digits in ("۱۲", "12", "۱۲ ۳"):
        await admin.send(digits)
        assert label("types-unit-letters") in admin.last.text, digits
    await admin.send("بسته")
    warning = t("types-unit-warning", name=item.name, old=item.unit, new="بسته", reports=reports)
    assert warning in admin.last.text
    assert (
        await _scalar(
            store, "SELECT COUNT(*) FROM categories WHERE unit = 'بسته' AND id = ?", type_id
        )
        == 0
    )
    await admin.press(label("button-cancel"))  # back to the card, unchanged
    assert f"واحد: {item.unit}" in admin.last.text
    await admin.press(label("types-change-unit"))
    await admin.send("بسته")
    await admin.press(label("types-unit-yes"))
    assert label("types-unit-changed", unit="بسته") in admin.last.text
    row = await store.db.fetchone("SELECT unit FROM categories WHERE id = ?", (type_id,))
    assert row is not None and row[0] == "بسته"
    # A new type's unit needs letters too.
    await admin.press(label("button-back"))
    await admin.press(label("types-add"))
    await admin.send("پتو")
    await admin.send("۳")
    assert label("types-unit-letters") in admin.last.text
    assert t("types-ask-unit", name="پتو") in admin.last.text
