"""A property of every flow: whatever a person does, in any order, they are never stuck.

Hypothesis drives random sequences of presses (of whatever buttons are on screen), typed
answers, media, commands, menu buttons, restarts and the idle job through the report, group
creation, joining and the admin prompts. After every action: at most one flow is open, its step
exists, every press was answered, nothing failed, and the person has a way on (buttons on the
newest message, or the main menu).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import FLOWS as ALL_FLOWS
from bot.core.i18n import label, t
from bot.kit.engine import Draft
from db.models import Role
from simulator.testing import SimUser
from tests.conftest import Harness
from tests.test_report import leader_with_campaign

FLOWS = {f.kind: f for f in ALL_FLOWS}
TEXTS = [
    "120",
    "۴۵",
    "0",
    "-3",
    "صد",
    "خراسان",
    "كرمان",
    "اراک",
    "1405/08/20",
    "1405/08/01 تا 1405/08/30",
    "1405/13/01",
    "گروه آزمون",
    "<b>x</b>",
    "‍",
    "ا" * 600,
    "@nobody",
    "123456789012345678901",
]
COMMANDS = [
    "/report",
    "/cancel",
    "/help",
    "/start",
    "/newgroup",
    "/join",
    "/admin",
    "/group",
    "/myreports",
    "/join abc",
    "/stats",
    "/campaign",
    "/top",
    "/find",
    "/find اراک",
]
MENU = ["menu-report", "menu-my-reports", "menu-group", "menu-stats", "menu-help", "menu-admin"]

action = st.one_of(
    st.tuples(st.just("press"), st.integers(0, 40)),
    st.tuples(st.just("press"), st.integers(0, 40)),
    st.tuples(st.just("press"), st.integers(0, 40)),
    st.tuples(st.just("send"), st.sampled_from(TEXTS)),
    st.tuples(st.just("send"), st.sampled_from(TEXTS)),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("menu"), st.sampled_from(MENU)),
    st.tuples(st.just("photo"), st.just(0)),
    st.tuples(st.just("location"), st.just(0)),
    st.tuples(st.just("document"), st.just(0)),
    st.tuples(st.just("restart"), st.just(0)),
    st.tuples(st.just("idle"), st.sampled_from([31, 60 * 25])),
)


async def _act(harness: Harness, user: SimUser, kind: str, value: Any) -> None:
    """Does one thing a person (or time) can do; a press must be answered."""
    if kind == "press":
        buttons = [
            (m.message_id, b.callback_data)
            for m in sorted(user.messages, key=lambda m: m.message_id, reverse=True)[:2]
            for row in m.keyboard
            for b in row
            if b.callback_data
        ]
        if buttons:
            message_id, data = buttons[value % len(buttons)]
            sent = await user.press_data(message_id, data)
            assert user.last_answer_query == sent.callback_query_id, f"{data} unanswered"
    elif kind == "send" or kind == "command":
        await user.send(value)
    elif kind == "menu":
        await user.send(label(value))
    elif kind == "photo":
        await user.send_photo()
    elif kind == "location":
        await user.send_location(34.09, 49.70)
    elif kind == "document":
        await user.send_document()
    elif kind == "restart":
        await harness.restart()
    elif kind == "idle":
        assert harness.app is not None and harness.app.job_queue is not None
        harness.clock.advance(minutes=value)
        (job,) = harness.app.job_queue.get_jobs_by_name("idle-flows")
        await job.run(harness.app)
        await harness.sim.refresh()


async def _check(harness: Harness, user: SimUser) -> None:
    """The person is in at most one flow, at a real step, and has a way on."""
    drafts = await harness.store.state.drafts_of(user.id)
    assert len(drafts) <= 1, [d.kind for d in drafts]
    for stored in drafts:
        flow = FLOWS[stored.kind]
        draft: Draft = flow.draft.from_dict(stored.data)
        assert draft.step in flow.steps, draft.step
    newest = max(user.messages, key=lambda m: m.message_id)
    has_buttons = any(b for row in newest.keyboard for b in row)
    assert has_buttons or user.keyboard, f"stuck after: {newest.text!r}"
    assert not [m for m in user.messages if m.text == t("error-generic")]


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@pytest.mark.slow
@given(actions=st.lists(action, min_size=1, max_size=20))
async def test_no_sequence_of_actions_leaves_a_person_stuck(
    harness: Harness, actions: list[tuple[str, Any]]
) -> None:
    harness.sim.allow_violations(".*")
    user, _, _ = await leader_with_campaign(harness, f"آزمون{len(harness.handled)}")
    await harness.store.roles.grant(user.id, Role.COORDINATOR, 1, None)
    await user.send("/start")
    for kind, value in actions:
        await _act(harness, user, kind, value)
        await _check(harness, user)
