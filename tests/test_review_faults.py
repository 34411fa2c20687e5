"""Review and everyday commands over a bad network: 15 % of the bot's sends, edits and answers
dropped or timed out (simulator faults, seeded).

A coordinator works through the queue (approving most, returning some with a reason) while
leaders and members use ordinary commands. Afterwards, with the network healthy again: every
decision's notice reached its reporter once, nothing was logged with a traceback, and nobody got
the generic apology. The figures (faults, tracebacks, notices missing) are printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from typing import Any

import pytest

from bot.core.i18n import label, t
from bot.core.text import to_persian_digits
from db.models import Report
from simulator.testing import SimTimeout, SimUser
from tests.conftest import Harness, report_input

SEED = 22
FAULTS = (("drop", 0.12), ("timeout", 0.03))  # of each method below: 15 % in all
METHODS = ("sendMessage", "editMessageText", "answerCallbackQuery", "editMessageReplyMarkup")
COMMANDS = ("/start", "/help", "/stats", "/group", "/myreports", "/top", "/campaign")
APPROVED = "تأیید شد. سپاس"  # review-approved-notice
RETURNED = "برای اصلاح برگشت خورد"  # review-returned-notice


@pytest.fixture
def settings() -> dict[str, Any]:
    """Review is on."""
    return {"report": {"review": True}}


async def _try(action: Any) -> None:
    """One thing a person does; a screen lost to the network is not an error of the test."""
    with contextlib.suppress(AssertionError, SimTimeout):
        await action


async def _reviewer(harness: Harness, zahra: SimUser, rng: random.Random) -> int:
    """Works through the queue as a person would, from what the screen shows; returns presses."""
    presses = 0
    for _ in range(300):
        left = await harness.store.db.scalar(
            "SELECT COUNT(*) FROM reports WHERE status = 'submitted'"
        )
        if not left:
            break
        await harness.sim.refresh_chat(zahra.chat.id)
        live = [
            m
            for m in zahra.messages
            if any(b == label("review-approve") for row in m.buttons for b in row)
        ]
        if not live:
            await _try(zahra.send("/review"))
            continue
        presses += 1
        if rng.random() < 0.7:
            await _try(zahra.press(label("review-approve")))
        else:
            await _try(zahra.press(label("review-return")))
            await _try(zahra.press(label("review-reason-quantity")))
        await asyncio.sleep(rng.uniform(0.0, 0.1))
    return presses


async def _everyday(person: SimUser, rng: random.Random) -> None:
    """Ordinary commands, one after another."""
    for command in rng.sample(COMMANDS, len(COMMANDS)):
        await _try(person.send(command))


def _notices(user: SimUser, receipt: str) -> int:
    """How many decision notices about one report reached its reporter."""
    return sum(
        1
        for m in user.messages
        if m.text is not None and receipt in m.text and (APPROVED in m.text or RETURNED in m.text)
    )


@pytest.mark.slow
async def test_review_and_commands_under_dropped_connections(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    sim, server, store = harness.sim, harness.server, harness.store
    sim.timeout = 90
    sim.allow_violations(".*")  # retried edits and answers may repeat harmlessly
    leaders = [await sim.user(f"سرگروه{n}") for n in range(3)]
    members = [await sim.user(f"عضو{n}") for n in range(3)]
    reports = []
    for n, leader in enumerate(leaders):
        group = await harness.group(leader, name=f"گروه نمونه {n}", members=(members[n],))
        data = await report_input(store, group)
        for k in range(6):
            quantity = 5 + (n * 6 + k) % 4  # no outliers, no duplicates (distinct keys/dates)
            changed = dataclasses.replace(data, quantity=quantity, description=f"گزارش {k}")
            report, _ = await store.reports.create(changed, leader.id, f"k{n}-{k}", 1405)
            reports.append((report, leader))
    for person in (*leaders, *members):
        await person.send("/start")
    zahra = await sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    caplog.set_level(logging.INFO)
    server.faults.reseed(SEED)
    for method in METHODS:
        for kind, fraction in FAULTS:
            await sim.add_fault(kind, fraction=fraction, method=method)

    rng = random.Random(SEED)
    presses, *_ = await asyncio.gather(
        _reviewer(harness, zahra, rng),
        *(_everyday(p, random.Random(SEED + n)) for n, p in enumerate((*leaders, *members))),
    )
    injected = len(server.faults.events)
    server.faults.clear()

    decided = {
        row[0]: row[1]
        for row in await store.db.fetchall(
            "SELECT id, status FROM reports WHERE status IN ('approved', 'returned')"
        )
    }
    missing: list[str] = []
    for _ in range(120):  # the notices that failed are tried again (the clock moves on)
        harness.clock.advance(minutes=10)
        await asyncio.sleep(0.25)
        await sim.refresh()
        missing = [
            report.receipt
            for report, leader in reports
            if report.id in decided and _notices(leader, _code(report)) == 0
        ]
        if not missing:
            break
    doubled = [
        report.receipt
        for report, leader in reports
        if report.id in decided and _notices(leader, _code(report)) > 1
    ]
    tracebacks = [r for r in caplog.records if r.exc_info]
    people = (zahra, *leaders, *members)
    apologies = sum(1 for p in people for m in p.messages if m.text == t("error-generic"))
    told = sum(1 for p in people for m in p.messages if m.text == t("error-network"))
    retried = await store.db.scalar("SELECT COUNT(*) FROM outbox WHERE attempts > 1")
    print(
        f"faults injected {injected}; review presses {presses}; decisions {len(decided)} of"
        f" {len(reports)}; notices missing {len(missing)}, doubled {len(doubled)}, sent again"
        f" after a failure {retried}; tracebacks {len(tracebacks)}; apologies {apologies};"
        f" told the network failed {told}"
    )
    for record in tracebacks:
        error = record.exc_info[1] if record.exc_info else None
        print("TRACEBACK", record.name, record.getMessage()[:200], repr(error)[:200])
    assert len(decided) == len(reports)
    assert missing == []
    assert tracebacks == [], [r.getMessage() for r in tracebacks]
    assert apologies == 0


def _code(report: Report) -> str:
    """A receipt as the bot writes it."""
    return to_persian_digits(report.receipt)
