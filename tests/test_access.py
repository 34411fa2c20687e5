"""Who may do what: every button × every role × forged ids, generated from the policy table.

The test knows, for each rule of bot.access, who holds it in a world of two groups in two
provinces; the matrix of presses is generated from bot.access.BUTTONS, so a new button kind is
pressed by every role the day its rule is added. A scan of the code finds every callback action
the bot can emit, and fails when one has no rule or no id template here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.access import BUTTONS
from bot.app import FLOWS as ALL_FLOWS
from bot.engine import ENGINE
from bot.i18n import label
from bot.keyboards import parse_cb
from bot.principal import load_principal
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
}
SCOPED = {k for k, (a, b) in HOLDERS.items() if a != b}
# The ids each action carries: {g} a group, {m} one of its members, {r} its report, {h} the
# other group (a merge target), {p} a province, {q} a request to join it; plain numbers are
# pages and catalogue ids.
IDS: dict[str, str] = {
    "flow:resume": "1",
    "flow:cancel": "1",
    "flow:discard": "1",
    "flow:switch": "1",
    "onb:join": "",
    "onb:create": "",
    "join:ok": "1",
    "join:no": "1",
    "join:back": "1",
    "join:cancel": "1",
    "ng:prov": "1:1",
    "ng:cpage": "1:1",
    "ng:county": "1:1",
    "ng:spec": "1:1",
    "ng:name": "1",
    "ng:place": "1",
    "ng:ok": "1",
    "ng:back": "1",
    "ng:cancel": "1",
    "apr:ok": "{g}",
    "apr:no": "{g}",
    "apr:noyes": "{g}",
    "apr:ask": "{g}",
    "grps:page": "1",
    "grp:card": "{g}",
    "grp:leave": "{g}",
    "grp:leaveok": "{g}",
    "grp:members": "{g}:0",
    "grp:member": "{g}:{m}",
    "grp:remove": "{g}:{m}",
    "grp:removeok": "{g}:{m}",
    "grp:promote": "{g}:{m}",
    "grp:demote": "{g}:{m}",
    "grp:invite": "{g}:0",
    "grp:inviteok": "{g}:0",
    "grp:revoke": "{g}",
    "grp:remind": "{g}:1",
    "rmd:report": "{g}",
    "rmd:off": "{g}",
    "adm:menu": "",
    "adm:groups": "0",
    "adm:pending": "",
    "adm:search": "",
    "adm:reviewchat": "",
    "adm:coords": "",
    "adm:coord": "{m}",
    "adm:addcoord": "",
    "adm:addprov": "{m}",
    "adm:cprov": "{m}:{p}",
    "adm:rmcoord": "{m}:{p}",
    "adm:admins": "",
    "adm:addadmin": "",
    "adm:rmadmin": "{m}",
    "adm:group": "{g}",
    "adm:rename": "{g}",
    "adm:merge": "{g}",
    "adm:transfer": "{g}",
    "adm:mergeto": "{g}:{h}",
    "adm:mergeok": "{g}:{h}",
    "adm:chans": "",
    "dig:post": "",
    "adm:addchan": "",
    "chn:card": "1",
    "chn:pause": "1",
    "chn:resume": "1",
    "chn:rm": "1",
    "chn:rmok": "1",
    "chn:sched": "1",
    "chs:day": "1:1",
    "chs:def": "1",
    "chs:at": "20:1",
    "chs:back": "1",
    "chs:cancel": "1",
    "chf:national": "1",
    "chf:prov": "1:1",
    "chf:camp": "1:1",
    "chf:back": "1",
    "chf:cancel": "1",
    "adf:pick": "{m}:1",
    "adf:ok": "1",
    "adf:back": "1",
    "adf:cancel": "1",
    "rep:grp": "{g}:1",
    "rep:gpage": "1:1",
    "rep:camp": "0:1",
    "rep:area": "1:1",
    "rep:svc": "1:1",
    "rep:bigok": "1",
    "rep:bigno": "1",
    "rep:skip": "1",
    "rep:same": "1",
    "rep:pick": "1",
    "rep:loc": "1",
    "rep:prov": "1:1",
    "rep:cpage": "1:1",
    "rep:county": "1:1",
    "rep:day": "0:1",
    "rep:pdone": "1",
    "rep:nophoto": "1",
    "rep:trim": "1",
    "rep:pclear": "1",
    "rep:edit": "1:1",
    "rep:save": "1",
    "rep:back": "1",
    "rep:cancel": "1",
    "myr:edit": "{r}",
    "myr:del": "{r}",
    "myr:delok": "{r}",
    "myr:keep": "{r}",
    "myr:fix": "{r}:3",
    "rv:ok": "{r}:1",
    "rv:ret": "{r}:1",
    "rv:why": "{r}:1:1",
    "rv:type": "{r}:1",
    "rv:back": "{r}:1",
    "rv:next": "{r}",
    "rv:view": "{r}:{r}",
    "rv:prev": "{r}",
    "rv:pics": "{r}",
    "rv:all": "{r}",
    "rv:allok": "{r}:1:1",
    "rv:list": "",
    "rv:close": "",
    "rvr:back": "1",
    "rvr:cancel": "1",
    "st:show": "1:0",
    "st:range": "",
    "st:silent": "{p}:0",
    "cmp:list": "",
    "cmp:map": "1",
    "top:show": "0:0:0:0",
    "fnd:new": "",
    "sr:back": "1",
    "sr:cancel": "1",
    "fnd:page": "1",
    "fnd:card": "{g}",
    "fnd:near": "",
    "jrq:ask": "{g}",
    "jrq:send": "{g}",
    "jrq:ok": "{q}",
    "jrq:no": "{q}",
    "jrq:noyes": "{q}",
    "jrq:back": "{q}",
    "cpn:new": "",
    "cpn:close": "1",
    "cpn:closeok": "1",
    "cpa:area": "1:1",
    "cpa:all": "1",
    "cpa:ok": "1",
    "cpa:sure": "1",
    "cpa:back": "1",
    "cpa:cancel": "1",
    "cpn:edit": "1",
    "cpa:pick": "1",
    "cpa:tog": "1:1",
    "cpa:tpage": "1:1",
    "cpa:tok": "1",
    "cpa:edit": "0:1",
    "cpa:shares": "1",
    "cpa:addshare": "1",
    "cpa:unshare": "{p}:1",
    "cpa:prov": "{p}:1",
    "typ:list": "",
    "typ:area": "1",
    "typ:card": "2",
    "typ:add": "1",
    "typ:name": "2",
    "typ:unit": "2",
    "typ:retire": "2",
    "typ:retireok": "2",
    "typ:restore": "2",
    "cty:ok": "1",
    "cty:edit": "0:1",
    "cty:back": "1",
    "cty:cancel": "1",
    "cty:card": "1",
    "cty:area": "1",
    "cty:sure": "1",
    "fq:back": "1",
    "fq:cancel": "1",
    "expn:new": "",
    "exp:period": "0:1",
    "exp:all": "1",
    "exp:pick": "1",
    "exp:prov": "{p}:1",
    "exp:camp": "1:1",
    "exp:any": "1",
    "exp:status": "0:1",
    "exp:fmt": "0:1",
    "exp:hxl": "1:1",
    "exp:build": "1",
    "exp:back": "1",
    "exp:cancel": "1",
}
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
    steps = set(re.findall(r'\.button\(\s*(?:label\([^)]*\)|[\w.]+),\s*"(\w+)"', code))
    taken = _flow_actions()
    untaken = {a for a in steps if not any(t.endswith(f":{a}") for t in taken)}
    assert not untaken, f"flow buttons no step takes: {untaken}"
    return found | taken


def test_every_emitted_action_has_a_rule_and_a_forgery_case() -> None:
    emitted = _emitted_actions()
    assert emitted, "the scan found no buttons"
    assert not emitted - set(BUTTONS), f"buttons without a rule: {emitted - set(BUTTONS)}"
    assert set(BUTTONS) == set(IDS), f"rules without ids here: {set(BUTTONS) ^ set(IDS)}"
    assert {rule.__name__ for rule in BUTTONS.values()} <= set(HOLDERS)


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
    assert users["member"].last.text == label("not-allowed")
    await users["member"].send("⚙️ مدیریت")
    assert users["member"].last.text == label("not-allowed")
    await users["outsider"].send("/report")  # no group yet: what to do instead
    assert users["outsider"].last.text == label("report-only-newcomers")
    await users["outsider"].send(label("menu-report"))
    assert users["outsider"].last.text == label("report-only-newcomers")
    await users["coord_here"].send("/admin")
    assert "مدیریت خدمت‌یار" in users["coord_here"].last.text
    assert users["coord_here"].last.buttons == [["👥 گروه‌ها", "⏳ درخواست‌های گروه"]]
