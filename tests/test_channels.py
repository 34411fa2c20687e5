"""Digest channels and the ledger that posts each channel's week exactly once."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import aiosqlite
import pytest

from db.channels import ChannelScope, PauseReason, PostState, ScopeKind
from db.database import Database, driver_errors, migrations
from db.store import Store

pytestmark = pytest.mark.both_engines

WEEK = date(2026, 11, 14)  # Saturday 23 Aban 1405
CHAT = -1001234567890


async def _province(store: Store, name: str = "مرکزی") -> int:
    return int(await store.db.scalar("SELECT id FROM provinces WHERE name = ?", (name,)))


async def test_add_list_and_scopes(store: Store) -> None:
    markazi = await _province(store)
    campaign = await store.campaigns.create("پویش <آزمایشی>", 100, "خدمت", WEEK, date(2027, 1, 1))
    national, created = await store.channels.add(CHAT, "خدمت‌یار", ChannelScope.national(), by=1)
    assert created and national.scope.kind is ScopeKind.NATIONAL and national.scope_name == ""
    provincial, _ = await store.channels.add(-1002, "مرکزی", ChannelScope.province(markazi))
    assert provincial.scope == ChannelScope.province(markazi)
    assert provincial.scope_name == "مرکزی"
    by_campaign, _ = await store.channels.add(-1003, "پویش", ChannelScope.campaign(campaign))
    assert by_campaign.scope_name == "پویش <آزمایشی>"
    assert [c.chat_id for c in await store.channels.all()] == [CHAT, -1002, -1003]
    assert national.weekday is None and national.post_time is None and not national.paused

    # Adding again changes scope and title of the same row; it is not a second subscription.
    again, created = await store.channels.add(CHAT, "نام تازه", ChannelScope.province(markazi))
    assert not created and again.id == national.id
    assert again.title == "نام تازه" and again.scope.province_id == markazi
    assert await store.db.scalar("SELECT COUNT(*) FROM channels") == 3


async def test_scope_needs_exactly_its_id() -> None:
    with pytest.raises(ValueError):
        ChannelScope(ScopeKind.PROVINCE)
    with pytest.raises(ValueError):
        ChannelScope(ScopeKind.NATIONAL, province_id=1)
    with pytest.raises(ValueError):
        ChannelScope(ScopeKind.CAMPAIGN, province_id=1)


async def test_database_refuses_inconsistent_scope(store: Store) -> None:
    with pytest.raises(driver_errors()):
        await store.db.execute(
            "INSERT INTO channels (chat_id, scope, added_at, updated_at)"
            " VALUES (1, 'province', 'x', 'x')"
        )
    with pytest.raises(driver_errors()):
        await store.db.execute(
            "INSERT INTO channels (chat_id, scope, paused, added_at, updated_at)"
            " VALUES (1, 'national', 1, 'x', 'x')"
        )


async def test_schedule_override(store: Store) -> None:
    await store.channels.add(CHAT, "", ChannelScope.national())
    assert await store.channels.set_schedule(CHAT, "thursday", "20:30")
    channel = await store.channels.by_chat(CHAT)
    assert channel is not None and (channel.weekday, channel.post_time) == ("thursday", "20:30")
    assert await store.channels.set_schedule(CHAT, None, None)  # back to the config's default
    channel = await store.channels.by_chat(CHAT)
    assert channel is not None and (channel.weekday, channel.post_time) == (None, None)
    for weekday, time in (("جمعه", None), ("Friday", None), (None, "24:00"), (None, "۲۰:۰۰")):
        with pytest.raises(ValueError):
            await store.channels.set_schedule(CHAT, weekday, time)
    assert not await store.channels.set_schedule(-1, "friday", "20:00")


async def test_pause_is_reported_once_and_resume(store: Store) -> None:
    await store.channels.add(CHAT, "", ChannelScope.national())
    await store.channels.add(-1002, "", ChannelScope.national())
    assert await store.channels.pause(CHAT, PauseReason.FAILED, "Forbidden: bot was kicked")
    assert not await store.channels.pause(CHAT, PauseReason.FAILED, "again")  # already paused
    channel = await store.channels.by_chat(CHAT)
    assert channel is not None and channel.paused
    assert channel.paused_reason is PauseReason.FAILED
    assert channel.paused_note == "Forbidden: bot was kicked" and channel.paused_at
    assert [c.chat_id for c in await store.channels.active()] == [-1002]
    assert await store.channels.resume(CHAT)
    assert not await store.channels.resume(CHAT)
    channel = await store.channels.by_chat(CHAT)
    assert channel is not None and not channel.paused and channel.paused_reason is None
    assert channel.paused_note == ""


async def test_remove_and_rename(store: Store) -> None:
    await store.channels.add(CHAT, "قدیم", ChannelScope.national())
    assert await store.channels.set_title(CHAT, "جدید")
    assert (await store.channels.by_chat(CHAT)) is not None
    assert await store.channels.remove(CHAT)
    assert not await store.channels.remove(CHAT)
    assert await store.channels.by_chat(CHAT) is None


async def test_claim_then_second_claim_fails(store: Store) -> None:
    ledger = store.digest_posts
    post = await ledger.claim(CHAT, WEEK, "hash-1", late=True)
    assert post is not None and post.state is PostState.SENDING and post.late
    assert post.message_ids == () and not post.anything_sent and post.posted_at is None
    assert await ledger.claim(CHAT, WEEK, "hash-2") is None
    # Another channel, or the next week, is a different post.
    assert await ledger.claim(-1002, WEEK, "hash-1") is not None
    assert await ledger.claim(CHAT, date(2026, 11, 21), "hash-1") is not None
    # The constraint itself, not only the repository, refuses a second row.
    with pytest.raises(driver_errors()):
        await store.db.execute(
            "INSERT INTO digest_posts (chat_id, week_start, claimed_at) VALUES (?, ?, 'x')",
            (CHAT, WEEK.isoformat()),
        )


async def test_concurrent_claims_have_one_winner(store: Store) -> None:
    claims = await asyncio.gather(*(store.digest_posts.claim(CHAT, WEEK, "h") for _ in range(20)))
    assert sum(c is not None for c in claims) == 1
    assert await store.db.scalar("SELECT COUNT(*) FROM digest_posts") == 1


async def test_week_must_start_on_saturday(store: Store) -> None:
    with pytest.raises(ValueError):
        await store.digest_posts.claim(CHAT, date(2026, 11, 15), "h")


async def test_progress_completion_and_edit(store: Store) -> None:
    ledger = store.digest_posts
    post = await ledger.claim(CHAT, WEEK, "h1")
    assert post is not None
    assert [p.id for p in await ledger.unfinished()] == [post.id]
    assert await ledger.record_sent(post.id, (), 501, "chart-file")  # the chart went first
    assert await ledger.record_sent(post.id, (502,), 501, "chart-file")
    midway = await ledger.get(CHAT, WEEK)
    assert midway is not None and midway.anything_sent and midway.state is PostState.SENDING
    assert not await ledger.release(post.id)  # something went out: never released
    assert await ledger.complete(post.id, (502, 503), 501, "chart-file")
    assert not await ledger.complete(post.id, (999,), None, "")  # only once
    assert not await ledger.record_sent(post.id, (999,))
    done = await ledger.get(CHAT, WEEK)
    assert done is not None and done.state is PostState.SENT
    assert done.message_ids == (502, 503) and done.chart_message_id == 501
    assert done.chart_file_id == "chart-file" and done.posted_at is not None
    assert await ledger.unfinished() == []
    assert await ledger.claim(CHAT, WEEK, "h1") is None

    assert [p.id for p in await ledger.sent_since(WEEK)] == [post.id]
    assert await ledger.sent_since(date(2026, 11, 21)) == []
    assert await ledger.record_edit(post.id, "h2", "chart-file-2")
    edited = await ledger.get_by_id(post.id)
    assert edited is not None and edited.content_hash == "h2" and edited.edited_at is not None
    assert edited.message_ids == (502, 503)


async def test_release_frees_a_claim_nothing_was_sent_for(store: Store) -> None:
    ledger = store.digest_posts
    post = await ledger.claim(CHAT, WEEK, "h")
    assert post is not None
    assert await ledger.release(post.id)
    assert await ledger.get(CHAT, WEEK) is None
    assert await ledger.claim(CHAT, WEEK, "h") is not None


async def test_claim_survives_restart_and_channel_removal(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    store = Store(Database(path))
    await store.open()
    await store.channels.add(CHAT, "", ChannelScope.national())
    post = await store.digest_posts.claim(CHAT, WEEK, "h")
    assert post is not None
    await store.digest_posts.complete(post.id, (7,), None, "")
    await store.channels.remove(CHAT)
    await store.close()

    store = Store(Database(path))
    await store.open()
    await store.channels.add(CHAT, "", ChannelScope.national())  # re-added the same week
    assert await store.digest_posts.claim(CHAT, WEEK, "h") is None
    await store.close()


async def test_upgrade_from_the_first_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    first = next(p for v, _, p in migrations() if v == 1)
    async with aiosqlite.connect(path) as conn:
        await conn.executescript(first.read_text(encoding="utf-8"))
        await conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL)"
        )
        await conn.execute("INSERT INTO schema_migrations VALUES (1, 'init', 'x')")
        await conn.commit()
    async with Database(path) as db:
        columns = {r["name"] for r in await db.fetchall("PRAGMA table_info(digest_posts)")}
        assert {"state", "message_ids", "chart_file_id", "content_hash", "late"} <= columns
        assert await db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'digests'") == 0
        assert 3 in {r[0] for r in await db.fetchall("SELECT version FROM schema_migrations")}
