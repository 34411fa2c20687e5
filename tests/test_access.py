"""Who may do what: every button × every role × forged ids, generated from the policy table.

The test knows, for each rule of bot.kit.access, who holds it in a world of two groups in two
provinces; the matrix of presses is generated from what the features declare (bot.app.policy:
each feature's BUTTONS and each flow's rules), so a new button is pressed by every role the day
it is declared. A scan of the code finds every callback action the bot can emit, and fails when
one was not declared with a rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import FLOWS as ALL_FLOWS
from bot.app import policy
from bot.core.i18n import label
from bot.kit.engine import ENGINE
from bot.kit.keyboards import parse_cb
from bot.kit.principal import load_principal
from db.models import Role
from simulator.testing import SimUser
from tests.conftest import Harness, report_input

ROOT = Path(__file__).resolve().parent.parent
ROLES = (
    "head_admin",
    "admin",
    "coord_here",
    "coord_there",
    "leader",
    "member",
    "other_leader",
    "other_member",
    "outsider",
)
# Who holds each rule when the ids in the data are those of group A (Markazi: «leader» leads it,
# «member» is in it, its report is the leader's) or of group B (Tehran: the «other_» people).
HOLDERS: dict[str, tuple[set[str], set[str]]] = {
    "anyone": (set(ROLES), set(ROLES)),
    "admin": ({"head_admin", "admin"}, {"head_admin", "admin"}),
    "overseer": (
        {"head_admin", "admin", "coord_here", "coord_there"},
        {"head_admin", "admin", "coord_here", "coord_there"},
    ),
    "reporter": ({"leader", "other_leader"}, {"leader", "other_leader"}),
    "offered_to_join": (set(), set()),  # nobody here was shown an invite
    "leader_of_first": ({"leader"}, {"other_leader"}),
    "member_of_first": ({"leader", "member"}, {"other_leader", "other_member"}),
    "overseer_of_first_group": (
        {"head_admin", "admin", "coord_here"},
        {"head_admin", "admin", "coord_there"},
    ),
    "reporter_of_first_report": ({"leader"}, {"other_leader"}),
    "overseer_of_first_report": (
        {"head_admin", "admin", "coord_here"},
        {"head_admin", "admin", "coord_there"},
    ),
    "overseer_of_first_province": (
        {"head_admin", "admin", "coord_here"},
        {"head_admin", "admin", "coord_there"},
    ),
    "overseer_of_report_and_origin": (
        {"head_admin", "admin", "coord_here"},
        {"head_admin", "admin", "coord_there"},
    ),
    "leader_of_first_request": ({"leader"}, {"other_leader"}),
    "leader_of_report_group": ({"leader"}, {"other_leader"}),
}
SCOPED = {k for k, (a, b) in HOLDERS.items() if a != b}
DECLARED = {d.key: d for d in policy().declared()}
# The ids a button carries, by the names its feature declares: {g} a group, {m} one of its
# members, {r} its report, {h} the other group (a merge target), {p} a province, {q} a request to
# join it; any other name (pages, catalogue ids, numbers of a question) is 1.
NAMED = {
    "group": "{g}",
    "member": "{m}",
    "report": "{r}",
    "origin": "{r}",
    "into": "{h}",
    "province": "{p}",
    "request": "{q}",
}
# A flow's button carries its question's number last; a rule of its own reads the id before it.
FLOW_FIRST = {"leader_of_first": "{g}", "overseer_of_first_province": "{p}"}


def _ids(key: str) -> str:
    """The id template of a declared button."""
    declared = DECLARED[key]
    if declared.flow:
        first = FLOW_FIRST.get(declared.rule.__name__)
        return f"{first}:1" if first else "1"
    return ":".join(NAMED.get(name, "1") for name in declared.ids)


IDS = {key: _ids(key) for key in DECLARED}
BUTTONS = {key: declared.rule for key, declared in DECLARED.items()}
# Ids no button ever carries: each replaces the ids of an action (or is added to one without).
BAD_IDS = ("99999999999999999999", "9223372036854775808", "-1", "x", "1.5", "")
MALFORMED = ("", ":", "rep", "rep:", ":area:1", "REP:AREA:1", "rep:area:1:" + "1" * 60, "رپ:ناحیه")
TABLES = (
    "memberships",
    "roles",
    "groups",
    "invites",
    "reports",
    "report_photos",
    "audit_log",
    "categories",
    "campaigns",
    "campaign_shares",
    "join_requests",
)


def _flow_actions() -> set[str]:
    """Every prefix:action the flows of the engine take (and the engine's own)."""
    found = {f"{ENGINE}:{a}" for a in ("resume", "cancel", "discard", "switch")}
    for flow in ALL_FLOWS:
        found |= {f"{flow.prefix}:back", f"{flow.prefix}:cancel"}
        for step in flow.steps.values():
            found |= {f"{flow.prefix}:{action}" for action in step.press}
            if step.skip is not None:
                found.add(f"{flow.prefix}:skip")
    return found


def _emitted_actions() -> set[str]:
    """Every prefix:action the code can put in a button."""
    code = "\n".join(
        p.read_text("utf-8") for d in ("bot", "handlers") for p in (ROOT / d).rglob("*.py")
    )
    found = {f"{p}:{a}" for p, a in re.findall(r'\bcb\(\s*"(\w+)",\s*"(\w+)"', code)}
    # Buttons of a flow's question: turn.button(text, "action", ...) under the flow's prefix.
    steps = set(
        re.findall(r'\b(?:turn|self)\.button\(\s*(?:label\([^)]*\)|[\w.]+),\s*"(\w+)"', code)
    )
    taken = _flow_actions()
    untaken = {a for a in steps if not any(t.endswith(f":{a}") for t in taken)}
    assert not untaken, f"flow buttons no step takes: {untaken}"
    return found | taken


def test_every_emitted_action_has_a_rule_and_a_forgery_case() -> None:
    emitted = _emitted_actions()
    assert emitted, "the scan found no buttons"
    assert not emitted - set(BUTTONS), f"buttons without a rule: {emitted - set(BUTTONS)}"
    assert {rule.__name__ for rule in BUTTONS.values()} <= set(HOLDERS)
    # Every rule that reads an id reads one the test can place.
    for key, declared in DECLARED.items():
        scoped = declared.rule.__name__ in SCOPED
        assert not scoped or "{" in IDS[key], f"{key}: its rule reads an id not declared"


class World:
    """Two groups in two provinces, the people around them, and one report of each."""

    def __init__(self, users: dict[str, SimUser], ids: tuple[dict[str, int], dict[str, int]]):
        self.users = users
        self.ids = ids

    def data(self, action: str, side: int) -> str:
        """Callback data for an action with the ids of group A (side 0) or B (side 1)."""
        ids = IDS[action].format(**self.ids[side])
        return f"{action}:{ids}" if ids else action


async def _world(harness: Harness) -> World:
    sim, store = harness.sim, harness.store
    assert harness.admin is not None
    users = {"head_admin": harness.admin}
    for role in ROLES[1:]:
        users[role] = await sim.user(role)
        await users[role].send("/start")
    await store.roles.grant(users["admin"].id, Role.ADMIN, None, None)
    here = await harness.coordinator(users["coord_here"], "مرکزی")
    there = await harness.coordinator(users["coord_there"], "تهران")
    group_a = await harness.group(users["leader"], "گروه امید", "اراک", (users["member"],))
    group_b = await harness.group(
        users["other_leader"], "گروه مهر", "تهران", (users["other_member"],)
    )
    reports = []
    for leader, group, county in (("leader", group_a, "اراک"), ("other_leader", group_b, "تهران")):
        data = await report_input(store, group, county, photo=leader)
        report, _ = await store.reports.create(data, users[leader].id, f"key-{leader}", 1405)
        reports.append(report.id)
    asks = [await store.join_requests.open(g, users["outsider"].id) for g in (group_a, group_b)]
    a = {"g": group_a, "h": group_b, "m": users["member"].id, "r": reports[0], "p": here}
    b = {"g": group_b, "h": group_a, "m": users["other_member"].id, "r": reports[1], "p": there}
    a["q"], b["q"] = (q or 0 for q in asks)
    return World(users, (a, b))


async def _snapshot(harness: Harness) -> list[object]:
    return [
        [tuple(row) for row in await harness.store.db.fetchall(f"SELECT * FROM {table}")]
        for table in (*TABLES, "drafts")
    ]


async def _press(user: SimUser, data: str) -> str | None:
    """Presses forged data on the user's latest message; the press must be answered."""
    sent = await user.press_data(user.last.message_id, data)
    assert sent.callback_query_id is not None
    assert user.last_answer_query == sent.callback_query_id, f"{data!r} was not answered"
    return user.last_answer


@pytest.mark.slow
async def test_forged_buttons_are_refused_and_change_nothing(harness: Harness) -> None:
    world = await _world(harness)
    refusals = {label("not-allowed"), label("stale-button")}
    pressed = 0
    for action, rule in BUTTONS.items():
        sides = (0, 1) if rule.__name__ in SCOPED else (0,)
        for side in sides:
            data = world.data(action, side)
            for role, user in world.users.items():
                if role in HOLDERS[rule.__name__][side]:
                    continue
                before = await _snapshot(harness)
                assert await _press(user, data) in refusals, (role, data)
                assert await _snapshot(harness) == before, (role, data)
                pressed += 1
    assert pressed > 400
    assert not [m for u in world.users.values() for m in u.messages if "مشکلی پیش آمد" in m.text]


@pytest.mark.slow
async def test_bad_ids_are_refused_where_callback_data_is_parsed(harness: Harness) -> None:
    world = await _world(harness)
    before = await _snapshot(harness)
    for action, rule in BUTTONS.items():
        holders = HOLDERS[rule.__name__][0]
        user = world.users[next((r for r in ROLES if r in holders), "outsider")]
        slots = IDS[action].count(":") + 1 if IDS[action] else 1
        for bad in BAD_IDS:
            for slot in range(slots):
                ids = world.data(action, 0).split(":")[2:] or [""]
                ids[slot] = bad
                data = ":".join([action, *ids]) if bad or IDS[action] else f"{action}:"
                assert parse_cb(data) is None, data
                assert await _press(user, data) == label("stale-button"), data
    for data in MALFORMED:
        assert await _press(world.users["head_admin"], data) == label("stale-button"), data
    assert await _snapshot(harness) == before
    assert not [m for u in world.users.values() for m in u.messages if "مشکلی پیش آمد" in m.text]


async def test_rules_grant_exactly_their_holders(harness: Harness) -> None:
    world = await _world(harness)
    assert harness.config is not None
    for role, user in world.users.items():
        who = await load_principal(harness.store, harness.config, user.id)
        for action, rule in BUTTONS.items():
            for side in (0, 1):
                data = parse_cb(world.data(action, side))
                assert data is not None
                allowed = await rule(who, data, harness.store)
                assert allowed == (role in HOLDERS[rule.__name__][side]), (role, action, side)


async def test_commands_and_menu_buttons_are_checked(harness: Harness) -> None:
    users = (await _world(harness)).users
    await users["member"].send("/admin")
    assert users["member"].last.text == label("not-allowed-menu")
    await users["member"].send("⚙️ مدیریت")
    assert users["member"].last.text == label("not-allowed-menu")
    await users["outsider"].send("/report")  # no group yet: what to do instead
    assert users["outsider"].last.text == label("report-only-newcomers")
    await users["outsider"].send(label("menu-report"))
    assert users["outsider"].last.text == label("report-only-newcomers")
    await users["coord_here"].send("/admin")
    assert "مدیریت خدمت‌یار" in users["coord_here"].last.text
    assert users["coord_here"].last.buttons == [["👥 گروه‌ها", "⏳ درخواست‌های گروه"]]
