"""Every read-then-write use case raced on two connections of one database, on both engines.

Two Stores, each with a Database (a connection, on PostgreSQL a few) of its own, run the same
use case at once, as two processes would. SQLite's one writer and PostgreSQL's write lock
(db/engines/postgresql.py) must give the same outcome: exactly one of two saves, decisions,
claims or answers wins, and what was counted is counted once. Each outcome is read back with
the test's own SQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest

from db.database import Database
from db.join_requests import RequestStatus
from db.models import GroupRole, GroupStatus
from db.outbox import Notice
from db.reminders import DueReminder
from db.store import Store
from db.usecases import (
    Asked,
    answer_join_request,
    approve_reports,
    ask_to_join,
    decide_report,
    join_group,
    merge_groups,
    save_report,
)
from tests.conftest import TODAY, report_input

pytestmark = pytest.mark.both_engines

ROUNDS = 3  # each race is run this many times: an interleaving that breaks shows at once


@pytest.fixture
async def stores(database: str) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one database, each with its own connection(s)."""
    first, second = Store(Database(database)), Store(Database(database))
    await first.open()
    await second.open()
    yield first, second
    await first.close()
    await second.close()


async def both[T, *Ts](
    stores: tuple[Store, Store], action: Callable[[Store, *Ts], Awaitable[T]], *args: *Ts
) -> tuple[T, T]:
    """The same action on both stores at once (and the same arguments after the store)."""
    first, second = await asyncio.gather(action(stores[0], *args), action(stores[1], *args))
    return first, second


async def _group(store: Store, leader: int, name: str = "گروه امید") -> int:
    await store.volunteers.seen(leader, f"v{leader}", "", "")
    county = (await store.places.search_counties("اراک"))[0]
    return await store.groups.create(
        name, name, county.province_id, county.id, None, leader, GroupStatus.ACTIVE
    )


async def _report(store: Store, group: int, key: str, quantity: int = 5) -> int:
    data = await report_input(store, group, quantity=quantity)
    report, _ = await store.reports.create(data, 1, key, 1405)
    return report.id


async def test_saving_a_report_twice_with_one_key(stores: tuple[Store, Store]) -> None:
    store = stores[0]
    group = await _group(store, 1)
    data = await report_input(store, group)
    for n in range(ROUNDS):
        saved = await both(
            stores,
            lambda s, key: save_report(
                s, data, 1, key=key, receipt_year=1405, report_id=None, edit_hours=48
            ),
            f"k{n}",
        )
        assert saved[0][0] is not None and saved[1][0] is not None
        assert saved[0][0].id == saved[1][0].id
        rows = await store.db.fetchall(
            "SELECT id, quantity FROM reports WHERE idempotency_key = ?", (f"k{n}",)
        )
        assert [tuple(r) for r in rows] == [(saved[0][0].id, 5)]
    created = await store.db.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'report.create'")
    assert created == ROUNDS
    assert (
        await store.db.scalar(
            "SELECT n FROM stat_place WHERE province_id = 0 AND kind = 'd' AND start = ?",
            ((TODAY - timedelta(days=1)).isoformat(),),
        )
        == ROUNDS
    )


async def test_approving_and_returning_one_version(stores: tuple[Store, Store]) -> None:
    store = stores[0]
    group = await _group(store, 1)
    for n in range(ROUNDS):
        report = await _report(store, group, f"d{n}")
        decisions = await asyncio.gather(
            decide_report(stores[0], 2, report, version=1, approve=True),
            decide_report(stores[1], 3, report, version=1, approve=False, reason="x"),
        )
        assert sorted(d.decided for d in decisions) == [False, True]
        winner = next(d for d in decisions if d.decided)
        row = await store.db.fetchone(
            "SELECT status, reviewed_by FROM reports WHERE id = ?", (report,)
        )
        assert row is not None
        assert (row[0], row[1]) == (winner.verdict.status.value, winner.verdict.by)
        decided = await store.db.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE entity_id = ? AND action IN"
            " ('report.approve', 'report.return')",
            (report,),
        )
        assert decided == 1


async def test_approving_together_against_an_edit(stores: tuple[Store, Store]) -> None:
    """A batch approval racing the reporter's edit: either the edit comes first (the batch
    finds a newer version and changes nothing) or the approval does (the edit is refused)."""
    store = stores[0]
    group = await _group(store, 1)
    for n in range(ROUNDS):
        report = await _report(store, group, f"e{n}")
        edited = await report_input(store, group, quantity=9)
        approved, (saved, _) = await asyncio.gather(
            approve_reports(stores[0], 2, {report: 1}),
            save_report(
                stores[1], edited, 1, key="", receipt_year=1405, report_id=report, edit_hours=48
            ),
        )
        row = await store.db.fetchone(
            "SELECT status, quantity, version FROM reports WHERE id = ?", (report,)
        )
        assert row is not None
        if approved:
            assert saved is None and tuple(row) == ("approved", 5, 1)
        else:
            assert saved is not None and tuple(row) == ("submitted", 9, 2)


async def test_joining_by_one_invite(stores: tuple[Store, Store]) -> None:
    store = stores[0]
    group = await _group(store, 1)
    invite = await store.groups.new_invite(group, 1)
    for person in range(10, 10 + ROUNDS):
        await store.volunteers.seen(person, "x", "", "")
        joined = await both(stores, lambda s, p: join_group(s, p, invite.id), person)
        assert sorted(j.joined for j in joined) == [False, True]
    assert await store.db.scalar("SELECT uses FROM invites WHERE id = ?", (invite.id,)) == ROUNDS
    members = await store.db.scalar(
        "SELECT COUNT(*) FROM memberships WHERE group_id = ? AND role = 'member'", (group,)
    )
    assert members == ROUNDS


async def test_merging_one_group_twice(stores: tuple[Store, Store]) -> None:
    store = stores[0]
    target = await _group(store, 1, "گروه مقصد")
    for n in range(ROUNDS):
        source = await _group(store, 20 + n, f"گروه {n}")
        for i in range(3):
            await _report(store, source, f"m{n}-{i}")
        moved = await both(stores, lambda s, src: merge_groups(s, 1, src, target), source)
        assert sorted(moved) == [0, 3]
        assert (
            await store.db.scalar("SELECT COUNT(*) FROM reports WHERE group_id = ?", (source,)) == 0
        )
    assert (
        await store.db.scalar(
            "SELECT n FROM stat_group_period WHERE kind = 'y' AND group_id = ?", (target,)
        )
        == 3 * ROUNDS
    )


async def test_claiming_a_digest_week_and_a_reminder(stores: tuple[Store, Store]) -> None:
    store = stores[0]
    group = await _group(store, 1)
    saturday = TODAY - timedelta(days=(TODAY.weekday() + 2) % 7)
    for n in range(ROUNDS):
        week = saturday - timedelta(weeks=n)
        posts = await both(stores, lambda s, w: s.digest_posts.claim(-100, w, "h"), week)
        assert sorted(p is not None for p in posts) == [False, True]
        due = [DueReminder(1, group, "")]
        reminded = await both(stores, lambda s, w, d: s.reminders.claim_all(d, w), week, due)
        assert sorted(len(r) for r in reminded) == [0, 1]
    assert await store.db.scalar("SELECT COUNT(*) FROM digest_posts") == ROUNDS
    assert await store.db.scalar("SELECT COUNT(*) FROM reminders_sent") == ROUNDS


async def test_claiming_a_kept_export_and_a_notice(stores: tuple[Store, Store]) -> None:
    """Two processes resuming one kept export, or sending one notice: one takes it."""
    store = stores[0]
    for n in range(ROUNDS):
        await store.export_jobs.start(500 + n, 7, {"n": n}, "")
        kept = next(j for j in await store.export_jobs.unfinished() if j.chat_id == 500 + n)
        began = await both(
            stores,
            lambda s, k: s.export_jobs.start(k.chat_id, 7, k.plan, "", seen=k.attempts),
            kept,
        )
        assert sorted(began) == [False, True]
        assert (await store.export_jobs.unfinished())[n].attempts == 2
        await store.outbox.add([Notice(600 + n, "x")])
        due = next(o for o in await store.outbox.due() if o.notice.chat_id == 600 + n)
        claimed = await both(stores, lambda s, o: s.outbox.claim(o), due)
        assert sorted(claimed) == [False, True]
        marked = await both(stores, lambda s, o: s.outbox.sent(o.id, 9), due)
        assert sorted(marked) == [False, True]
        row = await store.db.fetchone("SELECT state, attempts FROM outbox WHERE id = ?", (due.id,))
        assert row is not None and tuple(row) == ("sent", 1)


async def test_asking_to_join_within_the_limit(stores: tuple[Store, Store]) -> None:
    """A person may have one open request at a time here: asking two groups at once on two
    connections opens one request, not two."""
    store = stores[0]
    groups = [await _group(store, 1 + i, f"گروه {i}") for i in range(2 * ROUNDS)]
    for n in range(ROUNDS):
        person = 50 + n
        await store.volunteers.seen(person, "x", "", "")
        pair = groups[2 * n : 2 * n + 2]
        asked = await asyncio.gather(
            *(
                ask_to_join(s, person, g, open_max=1, open_days=14, declined_days=30)
                for s, g in zip(stores, pair, strict=True)
            )
        )
        assert sorted(a[0].value for a in asked) == sorted([Asked.SENT.value, Asked.TOO_MANY.value])
        assert (
            await store.db.scalar(
                "SELECT COUNT(*) FROM join_requests WHERE volunteer_id = ? AND status = 'open'",
                (person,),
            )
            == 1
        )


async def test_two_leaders_answering_one_request(stores: tuple[Store, Store]) -> None:
    store = stores[0]
    group = await _group(store, 1)
    await store.volunteers.seen(2, "x", "", "")
    await store.groups.add_member(group, 2, GroupRole.LEADER)
    for n in range(ROUNDS):
        person = 70 + n
        await store.volunteers.seen(person, "x", "", "")
        _, request = await ask_to_join(
            store, person, group, open_max=3, open_days=14, declined_days=30
        )
        assert request is not None
        answers = await asyncio.gather(
            answer_join_request(stores[0], 1, request, accept=True),
            answer_join_request(stores[1], 2, request, accept=False),
        )
        assert sorted(a.changed for a in answers if a is not None) == [False, True]
        status = await store.db.scalar("SELECT status FROM join_requests WHERE id = ?", (request,))
        member = await store.db.scalar(
            "SELECT COUNT(*) FROM memberships WHERE group_id = ? AND volunteer_id = ?",
            (group, person),
        )
        assert (status, member) in (
            (RequestStatus.ACCEPTED.value, 1),
            (RequestStatus.DECLINED.value, 0),
        )
