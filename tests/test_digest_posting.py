"""The weekly digest reaches channels at its moment, once per channel and week, late if missed."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, time

import pytest

from bot.core.i18n import label, t
from bot.core.jalali import TEHRAN, format_date, format_range, weekday_names
from bot.digest.post import due_at
from bot.digest.render import content_hash, render_messages
from bot.runtime.ratelimit import PriorityRateLimiter
from db.channels import ChannelScope
from db.digest_queries import week_digest
from tests.conftest import Harness, report_input


def test_friday_twenty_hundred_in_tehran_is_pinned() -> None:
    week = date(2026, 11, 14)  # Saturday 1405/08/24
    friday = due_at(week, "friday", time(20, 0), TEHRAN)
    assert friday == datetime(2026, 11, 20, 20, 0, tzinfo=TEHRAN)
    assert friday.astimezone(UTC) == datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    assert due_at(week, "saturday", time(9, 0), TEHRAN).date() == date(2026, 11, 21)
    assert due_at(week, "thursday", time(9, 0), TEHRAN).date() == date(2026, 11, 26)


async def _tick(harness: Harness) -> None:
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("digest-tick")
    await job.run(harness.app)
    await harness.sim.refresh()


async def test_the_digest_posts_once_at_its_moment_and_never_again(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza = await sim.user("رضا")
    await reza.send("/start")
    channel = await sim.channel("کانال خدمت‌یار", owner=reza)
    await store.channels.add(channel.id, "کانال خدمت‌یار", ChannelScope.national())
    group = await harness.group(reza)
    for quantity in (120, 30):
        data = await report_input(store, group, quantity=quantity)
        await store.reports.create(data, reza.id, f"k{quantity}", 1405)
    await _tick(harness)  # Wednesday noon: this week's digest is not due yet
    assert not [p for p in channel.posts if p.from_bot]
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)  # Friday 20:01 in Tehran
    await _tick(harness)
    posts = [p for p in channel.posts if p.from_bot]
    assert posts and posts[-1].photo is not None  # the text, then the chart
    expected = await store.db.scalar(
        "SELECT sum(quantity) FROM reports WHERE status != 'deleted'"
        " AND service_date BETWEEN '2026-11-14' AND '2026-11-20'"
    )
    assert expected == 150 and "۱۵۰" in posts[0].text
    await _tick(harness)
    await harness.restart()
    await _tick(harness)
    assert len([p for p in channel.posts if p.from_bot]) == len(posts)
    ledger = await harness.store.digest_posts.get(channel.id, date(2026, 11, 14))
    assert ledger is not None and ledger.state.value == "sent" and not ledger.late


async def test_a_week_missed_while_down_is_posted_late(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    owner = await sim.user("مدیر کانال")
    channel = await sim.channel("کانال استان", owner=owner)
    await store.channels.add(channel.id, "کانال استان", ChannelScope.national())
    await harness.stop()
    harness.clock.time = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)  # Saturday 10:00: 14 h late
    await harness.start([harness.admin.id] if harness.admin else [])
    await _tick(harness)
    ledger = await harness.store.digest_posts.get(channel.id, date(2026, 11, 14))
    assert ledger is not None and ledger.late
    assert [p for p in channel.posts if p.from_bot]


async def test_a_failing_channel_is_paused_and_told_once_the_others_go_on(
    harness: Harness,
) -> None:
    sim, store = harness.sim, harness.store
    harness.sim.allow_violations(".*")
    owner = await sim.user("مدیر کانال")
    good = await sim.channel("کانال خوب", owner=owner)
    await store.channels.add(-1009999999999, "کانال حذف‌شده", ChannelScope.national())
    await store.channels.add(good.id, "کانال خوب", ChannelScope.national())
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)
    await _tick(harness)
    await _tick(harness)
    gone = await store.channels.by_chat(-1009999999999)
    assert gone is not None and gone.paused
    assert [p for p in good.posts if p.from_bot]
    admin = harness.admin
    assert admin is not None
    assert len([m for m in admin.messages if "کانال حذف‌شده" in (m.text or "")]) == 1


async def test_digest_preview_is_for_admins_only(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    maryam = await harness.sim.user("مریم")
    await maryam.send("/digest")
    assert maryam.last.text == label("not-allowed-menu")
    await admin.send("/digest")
    assert admin.last.photo is not None and "گزارش هفتگی" in admin.messages[-2].text


async def test_a_late_report_updates_the_posted_digest_in_place(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza = await sim.user("رضا")
    await reza.send("/start")
    channel = await sim.channel("کانال خدمت‌یار", owner=reza)
    await store.channels.add(channel.id, "کانال خدمت‌یار", ChannelScope.national())
    group = await harness.group(reza)
    await store.reports.create(await report_input(store, group, quantity=120), reza.id, "a", 1405)
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)  # Friday 20:01 in Tehran
    await _tick(harness)
    posts = [p for p in channel.posts if p.from_bot]
    assert "۱۲۰" in posts[0].text
    late = await report_input(store, group, quantity=30)  # yesterday: Thursday of that week
    await store.reports.create(late, reza.id, "b", 1405)
    harness.clock.time = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)
    await _tick(harness)
    after = [p for p in channel.posts if p.from_bot]
    assert len(after) == len(posts)  # edited, never posted again
    assert "۱۵۰" in after[0].text and after[0].edited
    ledger = await store.digest_posts.get(channel.id, date(2026, 11, 14))
    assert ledger is not None and ledger.edited_at is not None


async def test_an_admin_adds_pauses_and_removes_a_channel_in_the_bot(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    admin = harness.admin
    assert admin is not None
    sim.allow_violations("chat not found")  # a mistyped name, on purpose
    news = await sim.channel("اخبار خدمت", owner=admin, username="khedmat_news")
    await admin.send("/admin")
    await admin.press(label("admin-channels"))
    assert admin.last.text == t("channel-list-empty")
    await admin.press(label("channel-add"))
    await admin.send("@no_such_channel")
    assert label("channel-not-found") in admin.last.text
    await admin.send("@khedmat_news")
    assert t("channel-ask-scope", channel="اخبار خدمت") in (admin.last.html or "")
    await admin.press("مرکزی")
    channel = await store.channels.by_chat(news.id)
    assert channel is not None and channel.scope_name == "مرکزی" and not channel.paused
    await admin.press(label("channel-list-back"))
    await admin.press("📢 اخبار خدمت")
    await admin.press(label("channel-pause"))
    assert (await store.channels.by_chat(news.id)).paused
    await admin.press(label("channel-remove"))
    await admin.press(label("button-yes"))
    assert await store.channels.by_chat(news.id) is None
    maryam = await sim.user("مریم")
    await maryam.send("/start")
    await maryam.press_data(maryam.last.message_id, "adm:chans")
    assert maryam.last_answer == label("not-allowed")


async def test_an_admin_posts_the_last_week_now_once(harness: Harness) -> None:
    """«Post now» says what happened: with no channel, where to add one; then the channels it
    reached; pressed again, that they had it (not «sent to 0 channels»)."""
    sim, store = harness.sim, harness.store
    admin = harness.admin
    assert admin is not None
    week = {"week": format_range(date(2026, 11, 7), date(2026, 11, 13))}  # the last week ended
    await admin.send("/digest")
    await admin.press(label("digest-post-now"))
    assert admin.last.text == label("digest-posted-no-channels")
    assert admin.last.buttons == [[label("admin-channels")]]
    news = await sim.channel("اخبار خدمت", owner=admin)
    await store.channels.add(news.id, "اخبار خدمت", ChannelScope.national())
    await admin.send("/digest")
    await admin.press(label("digest-post-now"))
    assert admin.last.text == label("digest-posted-now", count=1, **week)
    first = [p for p in news.posts if p.from_bot]
    assert first and first[-1].photo is not None
    await admin.send("/digest")  # the used button is gone: a new preview offers it again
    await admin.press(label("digest-post-now"))
    assert admin.last.text == label("digest-posted-had", count=1, **week)
    assert "۰" not in (admin.last.text or "")
    assert len([p for p in news.posts if p.from_bot]) == len(first)


async def test_a_changed_day_never_posts_an_older_week_and_starts_the_next_week(
    harness: Harness,
) -> None:
    """Issue 21: moved from Friday 20:00 to Thursday 21:30 after Friday's post, the channel got
    the week before, late, under the week it had. Now the week it has stays the newest, the
    reply says the new day and time and when the next digest comes, and that one comes then."""
    sim, store = harness.sim, harness.store
    admin = harness.admin
    assert admin is not None
    news = await sim.channel("کانال خبری خدمت‌یار", owner=admin)
    await store.channels.add(news.id, "کانال خبری خدمت‌یار", ChannelScope.national())
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)  # Friday 20:01 in Tehran
    await _tick(harness)
    posted = [p for p in news.posts if p.from_bot]
    assert posted

    harness.clock.time = datetime(2026, 11, 20, 16, 35, tzinfo=UTC)  # Friday 20:05
    await admin.send("/admin")
    await admin.press(label("admin-channels"))
    await admin.press("📢 کانال خبری خدمت‌یار")
    default = label("channel-when-default", when=label("channel-when", day="جمعه", time="۲۰:۰۰"))
    assert default in (admin.last.text or "")  # the default, named: Fridays at 20:00
    await admin.press(label("channel-schedule"))
    assert [
        label("channel-schedule-default", when=label("channel-when", day="جمعه", time="۲۰:۰۰"))
    ] in admin.last.buttons
    await admin.press(weekday_names()[5])  # Thursday
    await admin.send("۲۱:۳۰")
    thursday = label("channel-when", day=weekday_names()[5], time="۲۱:۳۰")
    upcoming = label("channel-next-at", date=format_date(date(2026, 12, 3)), time="۲۱:۳۰")
    assert admin.last.text == label(
        "channel-schedule-saved", channel="کانال خبری خدمت‌یار", when=thursday, next=upcoming
    )

    for moment in (
        datetime(2026, 11, 20, 16, 40, tzinfo=UTC),  # Friday 20:10: last Thursday 21:30 passed
        datetime(2026, 11, 26, 18, 1, tzinfo=UTC),  # Thursday 21:31: the week it already has
    ):
        harness.clock.time = moment
        await _tick(harness)
        assert [p for p in news.posts if p.from_bot] == posted
    weeks = await store.db.fetchall(
        "SELECT week_start, late FROM digest_posts WHERE chat_id = ? ORDER BY id", (news.id,)
    )
    assert [tuple(w) for w in weeks] == [("2026-11-14", 0)]

    harness.clock.time = datetime(2026, 12, 3, 18, 1, tzinfo=UTC)  # Thursday 21:31, a week on
    await _tick(harness)
    weeks = await store.db.fetchall(
        "SELECT week_start, late FROM digest_posts WHERE chat_id = ? ORDER BY id", (news.id,)
    )
    assert [tuple(w) for w in weeks] == [("2026-11-14", 0), ("2026-11-21", 0)]
    assert len([p for p in news.posts if p.from_bot]) > len(posted)


async def test_a_new_channels_first_post_does_not_apologise(harness: Harness) -> None:
    """Added on Saturday, a channel gets the week that ended on Friday: it was not waiting for
    it, so the post is not marked late (the demo's channel apologised on its first post)."""
    sim, store = harness.sim, harness.store
    owner = await sim.user("مدیر کانال")
    harness.clock.time = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)  # Saturday 10:00
    channel = await sim.channel("کانال تازه", owner=owner)
    await store.channels.add(channel.id, "کانال تازه", ChannelScope.national())
    await _tick(harness)
    ledger = await store.digest_posts.get(channel.id, date(2026, 11, 14))
    assert ledger is not None and not ledger.late
    posts = [p.text or p.caption or "" for p in channel.posts if p.from_bot]
    assert posts and not any(label("digest-late") in text for text in posts)


async def test_an_admin_gives_a_channel_its_own_day_and_time(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    admin = harness.admin
    assert admin is not None
    news = await sim.channel("اخبار خدمت", owner=admin)
    await store.channels.add(news.id, "اخبار خدمت", ChannelScope.national())
    await admin.send("/admin")
    await admin.press(label("admin-channels"))
    await admin.press("📢 اخبار خدمت")
    await admin.press(label("channel-schedule"))
    await admin.press(weekday_names()[5])  # Thursday
    await admin.send("۲۱:۳۰")
    channel = await store.channels.by_chat(news.id)
    assert channel is not None and (channel.weekday, channel.post_time) == ("thursday", "21:30")
    harness.clock.time = datetime(2026, 11, 19, 18, 1, tzinfo=UTC)  # Thursday 21:31 in Tehran
    await _tick(harness)
    assert [p for p in news.posts if p.from_bot]  # its own moment, not Friday's


@pytest.mark.xdist_group("soaks")  # one after another with the crash soak
@pytest.mark.slow
async def test_three_hundred_channels_while_a_leader_reports(harness: Harness) -> None:
    """300 channels get the digest with flood control on; no 429 reaches the bot's logic, nothing
    fails, and a leader reporting meanwhile is answered at every step."""
    sim, store = harness.sim, harness.store
    owner = await sim.user("مدیر کانال‌ها")
    reza = await sim.user("رضا")
    await reza.send("/start")
    group = await harness.group(reza)
    await store.reports.create(await report_input(store, group, quantity=40), reza.id, "k", 1405)
    await reza.send("/start")
    ids = []
    for number in range(300):
        channel = await sim.channel(f"کانال {number}", owner=owner, wait=False)
        await store.channels.add(channel.id, f"کانال {number}", ChannelScope.national())
        ids.append(channel.id)
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)  # Friday 20:01 in Tehran
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("digest-tick")
    sending = asyncio.create_task(job.run(harness.app))
    await reza.send("/report")  # a leader in conversation meanwhile: answered first
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")
    await reza.send("12")
    assert "بهره‌مند شدند" in reza.last.text
    await asyncio.wait_for(sending, 120)
    # The scheduled tick may have started meanwhile too: the ledger shares the channels out
    # between the two runs, never twice; wait (bounded) until both are done.
    sent = 0
    for _ in range(600):
        sent = await store.db.scalar(
            "SELECT count(*) FROM digest_posts WHERE state = 'sent' AND week_start = '2026-11-14'"
        )
        if sent == 300:
            break
        await asyncio.sleep(0.1)
    assert sent == 300  # a 429 reaching post_digest would have released a claim
    await sim.refresh()
    posts = [m for c in sim.chats if c.id in ids for m in c.history if m.from_bot]
    assert len(posts) == 900  # the text, then the chart and the map as one album, once each
    limiter = harness.app.bot.rate_limiter
    assert isinstance(limiter, PriorityRateLimiter) and limiter.stats.gave_up == 0
    assert not [c for c in ids if (await store.channels.by_chat(c)).paused]


async def test_three_scopes_post_their_own_figures(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    reza, ali = await sim.user("رضا"), await sim.user("علی")
    for user in (reza, ali):
        await user.send("/start")
    arak = await harness.group(reza, "گروه اراک", "اراک")
    tehran = await harness.group(ali, "گروه تهران", "تهران")
    campaign = await store.campaigns.create(
        "پویش زمستان", 1000, "خدمت", date(2026, 11, 1), date(2027, 1, 1)
    )
    data = await report_input(store, arak, "اراک", quantity=70)
    data = dataclasses.replace(data, campaign_id=campaign)
    await store.reports.create(data, reza.id, "a", 1405)
    await store.reports.create(await report_input(store, tehran, "تهران", 5), ali.id, "b", 1405)
    markazi = (await store.places.search_provinces("مرکزی"))[0].id
    owner = await sim.user("مالک")
    chans = {name: await sim.channel(name, owner=owner) for name in ("ملی", "مرکزی", "پویش")}
    await store.channels.add(chans["ملی"].id, "ملی", ChannelScope.national())
    await store.channels.add(chans["مرکزی"].id, "مرکزی", ChannelScope.province(markazi))
    await store.channels.add(chans["پویش"].id, "پویش", ChannelScope.campaign(campaign))
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)
    await _tick(harness)
    week = "service_date BETWEEN '2026-11-14' AND '2026-11-20' AND status != 'deleted'"
    national = await store.db.scalar(f"SELECT COUNT(*) FROM reports WHERE {week}")
    province = await store.db.scalar(
        f"SELECT COUNT(*) FROM reports WHERE {week} AND province_id = ?", (markazi,)
    )
    in_campaign = await store.db.scalar(
        f"SELECT COUNT(*) FROM reports WHERE {week} AND campaign_id = ?", (campaign,)
    )
    assert (national, province, in_campaign) == (2, 1, 1)
    for name, total in (("ملی", national), ("مرکزی", province), ("پویش", in_campaign)):
        first = next(p for p in chans[name].posts if p.from_bot)
        totals = label("digest-totals", reports=total, groups=total).replace("<b>", "")
        assert totals.replace("</b>", "") in first.text, (name, first.text)


async def test_a_post_cut_short_by_a_crash_is_completed_not_repeated(harness: Harness) -> None:
    sim, store = harness.sim, harness.store
    owner = await sim.user("مالک")
    news = await sim.channel("اخبار", owner=owner)
    await store.channels.add(news.id, "اخبار", ChannelScope.national())
    # The process died after the first message went out and was recorded, before the chart.
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)
    week = date(2026, 11, 14)
    digest = await week_digest(store.db, ChannelScope.national(), week)
    post = await store.digest_posts.claim(news.id, week, content_hash(digest))
    assert post is not None and harness.app is not None
    first = await harness.app.bot.send_message(news.id, render_messages(digest)[0])
    await store.digest_posts.record_sent(post.id, (first.message_id,))
    await harness.restart()
    assert harness.app is not None and harness.app.job_queue is not None
    (resume,) = harness.app.job_queue.get_jobs_by_name("digest-resume")
    await resume.run(harness.app)
    await _tick(harness)
    await harness.restart()
    await _tick(harness)
    posts = [p for p in news.posts if p.from_bot]
    assert [p.photo is not None for p in posts] == [False, True]  # the text once, the chart
    done = await harness.store.db.fetchone(
        "SELECT state, message_ids, chart_message_id FROM digest_posts WHERE chat_id = ?",
        (news.id,),
    )
    assert done is not None and (done["state"], done["message_ids"]) == (
        "sent",
        f"[{first.message_id}]",
    )
    assert done["chart_message_id"] == posts[1].message_id


async def test_a_post_cut_short_by_the_network_is_completed_at_the_next_tick(
    harness: Harness,
) -> None:
    sim, store = harness.sim, harness.store
    owner = await sim.user("مالک")
    news = await sim.channel("اخبار", owner=owner)
    await store.channels.add(news.id, "اخبار", ChannelScope.national())
    harness.clock.time = datetime(2026, 11, 20, 16, 31, tzinfo=UTC)
    await sim.add_fault("error", method="sendPhoto", count=10, status=502)
    await _tick(harness)  # the text goes out, the chart fails even after retries
    texts = [p.message_id for p in news.posts if p.from_bot]
    assert len(texts) == 1 and news.posts[-1].photo is None
    await sim.clear_faults()
    await _tick(harness)
    await _tick(harness)
    posts = [p for p in news.posts if p.from_bot]
    assert [p.message_id for p in posts][:1] == texts
    assert [p.photo is not None for p in posts] == [False, True]
    state = await store.db.scalar("SELECT state FROM digest_posts WHERE chat_id = ?", (news.id,))
    assert state == "sent"


async def test_digest_preview_of_any_scope_and_week(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    await admin.send("/digest province:مرکزی ۱۴۰۵/۰۸/۱۰")
    assert "مرکزی" in admin.messages[-2].text and "۹ تا ۱۵ آبان" in admin.messages[-2].text
    await admin.send("/digest province:ناکجا")
    assert "/digest" in admin.last.text  # says why, with an example
