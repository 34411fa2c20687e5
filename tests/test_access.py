"""Who may do what: every button × every role, with forged callback data, end to end.

The expected rights are written here independently of bot.access, so that a change of the
policy (or a new button without a rule) shows up as a failing test.
"""

from __future__ import annotations

from datetime import timedelta

from bot import jalali
from bot.access import BUTTONS
from bot.keyboards import parse_cb
from bot.principal import load_principal
from db.models import Photo, ReportInput, Role
from simulator.testing import SimUser
from tests.conftest import Harness

ROLES = (
    "head_admin",
    "admin",
    "coord_here",
    "coord_there",
    "leader",
    "other_leader",
    "member",
    "outsider",
)
WHO = {
    "anyone": set(ROLES),
    "admin": {"head_admin", "admin"},
    "overseer": {"head_admin", "admin", "coord_here", "coord_there"},
    "overseer_of_group": {"head_admin", "admin", "coord_here"},
    "leader_of_group": {"leader"},
    "member_of_group": {"leader", "member"},
    "reporter": {"leader", "other_leader"},
    "reporter_of_report": {"leader"},
}
# Every button of the bot and who may press it. {g} is the group, {m} the member, {r} the report.
ACTIONS = {
    "onb:join": "anyone",
    "onb:create": "anyone",
    "join:ok:1": "anyone",
    "join:no:1": "anyone",
    "ng:prov:1": "anyone",
    "ng:cpage:1": "anyone",
    "ng:county:1": "anyone",
    "ng:spec:1": "anyone",
    "ng:name": "anyone",
    "ng:ok": "anyone",
    "ng:back": "anyone",
    "ng:cancel": "anyone",
    "apr:ok:{g}": "overseer_of_group",
    "apr:no:{g}": "overseer_of_group",
    "grps:page:1": "anyone",
    "grp:card:{g}": "member_of_group",
    "grp:leave:{g}": "member_of_group",
    "grp:leaveok:{g}": "member_of_group",
    "grp:members:{g}:0": "leader_of_group",
    "grp:member:{g}:{m}": "leader_of_group",
    "grp:remove:{g}:{m}": "leader_of_group",
    "grp:removeok:{g}:{m}": "leader_of_group",
    "grp:promote:{g}:{m}": "leader_of_group",
    "grp:demote:{g}:{m}": "leader_of_group",
    "grp:invite:{g}": "leader_of_group",
    "grp:revoke:{g}": "leader_of_group",
    "adm:menu": "overseer",
    "adm:groups:0": "overseer",
    "adm:pending": "overseer",
    "adm:cancel": "overseer",
    "adm:coords": "admin",
    "adm:coord:{m}": "admin",
    "adm:addcoord": "admin",
    "adm:addprov:{m}": "admin",
    "adm:cprov:{m}:1": "admin",
    "adm:rmcoord:{m}:1": "admin",
    "adm:admins": "admin",
    "adm:addadmin": "admin",
    "adm:rmadmin:{m}": "admin",
    "adm:group:{g}": "overseer_of_group",
    "adm:rename:{g}": "overseer_of_group",
    "adm:merge:{g}": "overseer_of_group",
    "adm:transfer:{g}": "overseer_of_group",
    "adm:mergeto:{g}:{h}": "overseer_of_group",
    "adm:mergeok:{g}:{h}": "overseer_of_group",
    "rep:grp:{g}": "leader_of_group",
    **{
        f"rep:{a}": "reporter"
        for a in (
            "gpage:1",
            "camp:0",
            "area:1",
            "svc:1",
            "bigok",
            "bigno",
            "skip",
            "same",
            "pick",
            "loc",
            "prov:1",
            "cpage:1",
            "county:1",
            "day:0",
            "pdone",
            "nophoto",
            "edit:1",
            "save",
            "back",
            "cancel",
            "resume",
        )
    },
    "myr:edit:{r}": "reporter_of_report",
    "myr:del:{r}": "reporter_of_report",
    "myr:delok:{r}": "reporter_of_report",
    "myr:keep:{r}": "reporter_of_report",
}


def test_every_button_of_the_policy_is_in_the_matrix() -> None:
    keys = set()
    for data in ACTIONS:
        parsed = parse_cb(data.format(g=1, m=1, r=1, h=1))
        assert parsed is not None, data
        keys.add(f"{parsed.prefix}:{parsed.action}")
    assert keys == set(BUTTONS)


async def _snapshot(harness: Harness) -> list[object]:
    tables = ["memberships", "roles", "groups", "invites", "reports", "report_photos", "audit_log"]
    return [
        [tuple(row) for row in await harness.store.db.fetchall(f"SELECT * FROM {table}")]
        for table in tables
    ]


async def _people(harness: Harness) -> tuple[dict[str, SimUser], int, int, int, int]:
    sim, store = harness.sim, harness.store
    assert harness.admin is not None
    users = {"head_admin": harness.admin}
    for role in ROLES[1:]:
        users[role] = await sim.user(role)
        await users[role].send("/start")
    await store.roles.grant(users["admin"].id, Role.ADMIN, None, None)
    await harness.coordinator(users["coord_here"], "مرکزی")
    await harness.coordinator(users["coord_there"], "تهران")
    group = await harness.group(users["leader"], members=(users["member"],))
    other = await harness.group(users["other_leader"], "گروه دیگر", "اراک")
    county = (await store.places.search_counties("اراک"))[0]
    service = (await store.categories.types((await store.categories.areas())[0].id))[0]
    yesterday = jalali.today() - timedelta(days=1)
    data = ReportInput(
        group,
        None,
        service.id,
        5,
        None,
        None,
        county.province_id,
        county.id,
        "",
        None,
        None,
        yesterday,
        "",
        (Photo("file", "unique"),),
    )
    report, _ = await store.reports.create(data, users["leader"].id, "key-1", 1405)
    return users, group, other, users["member"].id, report.id


async def test_forged_buttons_are_refused_and_change_nothing(harness: Harness) -> None:
    users, group, other, member, report = await _people(harness)
    refused = 0
    for role, user in users.items():
        for template, kind in ACTIONS.items():
            if role in WHO[kind]:
                continue
            data = template.format(g=group, m=member, r=report, h=other)
            before = await _snapshot(harness)
            await user.press_data(user.last.message_id, data)
            assert user.last_answer == "اجازهٔ این کار را ندارید.", (role, data, user.last_answer)
            assert await _snapshot(harness) == before, (role, data)
            refused += 1
    assert refused > 150


async def test_rightful_users_pass_the_policy(harness: Harness) -> None:
    users, group, other, member, report = await _people(harness)
    assert harness.config is not None
    for role, user in users.items():
        who = await load_principal(harness.store, harness.config, user.id)
        for template, kind in ACTIONS.items():
            data = parse_cb(template.format(g=group, m=member, r=report, h=other))
            assert data is not None
            allowed = await BUTTONS[f"{data.prefix}:{data.action}"](who, data, harness.store)
            assert allowed == (role in WHO[kind]), (role, template)


async def test_commands_and_menu_buttons_are_checked(harness: Harness) -> None:
    users, *_ = await _people(harness)
    await users["member"].send("/admin")
    assert users["member"].last.text == "اجازهٔ این کار را ندارید."
    await users["member"].send("⚙️ مدیریت")
    assert users["member"].last.text == "اجازهٔ این کار را ندارید."
    await users["outsider"].send("/report")
    assert "ویژهٔ سرگروه‌هاست" in users["outsider"].last.text
    await users["outsider"].send("📝 ثبت گزارش خدمت")
    assert "ویژهٔ سرگروه‌هاست" in users["outsider"].last.text
    await users["coord_here"].send("/admin")
    assert "مدیریت خدمت‌یار" in users["coord_here"].last.text
    assert users["coord_here"].last.buttons == [["👥 گروه‌ها", "⏳ درخواست‌های گروه"]]
