"""/admin end to end: appointing coordinators and admins, renaming, merging, transferring."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.i18n import label, t
from db.models import GroupRole, GroupStatus, Role
from handlers.group_view import NAME_MAX, NAME_MIN
from tests.conftest import Harness, report_input


async def test_admin_appoints_a_coordinator_and_an_admin(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    zahra = await harness.sim.user("زهرا", username="zahra_m")
    await zahra.send("/start")
    await admin.press(label("menu-admin"))
    await admin.press(label("admin-coordinators"))
    assert "هنوز هماهنگ‌کننده‌ای" in admin.last.text
    await admin.press(label("admin-add-coordinator"))
    await admin.send("@nobody_here")
    assert t("admin-user-unknown", query="@nobody_here") in admin.last.html
    await admin.send("@Zahra_M")
    assert "زهرا هماهنگ‌کنندهٔ کدام استان باشد؟" in admin.last.text
    await admin.press("مرکزی")
    assert "استان‌ها: مرکزی" in admin.last.text
    await harness.delivered()
    assert "هماهنگ‌کنندهٔ استان مرکزی" in zahra.last.text
    await admin.press(label("admin-add-province"))
    await admin.press("قم")
    grants = await harness.store.roles.of(zahra.id)
    assert sorted(g.province_name for g in grants) == ["قم", "مرکزی"]
    await admin.press(label("admin-remove-province", province="قم"))
    assert [g.province_name for g in await harness.store.roles.of(zahra.id)] == ["مرکزی"]
    await zahra.send("/start")
    assert zahra.keyboard is not None and ["⚙️ مدیریت", "📊 آمار", "❓ راهنما"] in zahra.keyboard

    await admin.send("/admin")
    await admin.press(label("admin-admins"))
    await admin.press(label("admin-add-admin"))
    await admin.send(str(zahra.id).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    assert "زهرا مدیر شد" in admin.last.text
    assert Role.ADMIN in {g.role for g in await harness.store.roles.of(zahra.id)}
    audit = [(e.action, e.entity_id) for e in await harness.store.audit.latest()]
    assert ("role.grant", zahra.id) in audit and ("role.revoke", zahra.id) in audit


async def test_merge_keeps_every_report(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    store = harness.store
    ali = await harness.sim.user("علی")
    reza = await harness.sim.user("رضا")
    for user in (ali, reza):
        await user.send("/start")
    first = await harness.group(ali, "گروه امید اراک")
    second = await harness.group(reza, "گروه اميد")
    for number, (group, user) in enumerate([(first, ali), (second, reza), (second, reza)]):
        data = await report_input(store, group, quantity=10 + number)
        await store.reports.create(data, user.id, f"key-{number}", 1405)

    await admin.send("/admin")
    await admin.press(label("admin-groups"))
    await admin.press("گروه امید — اراک")
    await admin.press(label("admin-group-merge"))
    await admin.send("امید اراک")
    await admin.press("گروه امید اراک — اراک")
    assert "ادامه می‌دهید؟" in admin.last.text
    await admin.press(label("button-yes"))
    assert "۲ گزارش آن منتقل شد" in admin.last.text
    merged = await store.groups.get(second)
    assert merged is not None and merged.status is GroupStatus.MERGED
    counts = await store.db.fetchall("SELECT group_id, COUNT(*) FROM reports GROUP BY group_id")
    assert [tuple(r) for r in counts] == [(first, 3)]
    assert await store.groups.role_of(first, reza.id) is GroupRole.LEADER
    assert [m.group_id for m in await store.groups.memberships(reza.id)] == [first]


async def test_rename_and_transfer(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    ali = await harness.sim.user("علی")
    sara = await harness.sim.user("سارا", username="sara")
    for user in (ali, sara):
        await user.send("/start")
    group = await harness.group(ali, "گروه نور")
    await admin.send("/admin")
    await admin.press(label("admin-groups"))
    await admin.press("گروه نور — اراک")
    await admin.press(label("admin-group-rename"))
    await admin.send("ن")
    assert label("newgroup-bad-name", min=NAME_MIN, max=NAME_MAX) in admin.last.text
    await admin.send("گروه  نورِ اراک")
    assert "«گروه نورِ اراک»" in admin.last.text  # spaces collapsed, the kasra kept
    await admin.send("/admin")
    await admin.press(label("admin-groups"))
    await admin.press("گروه نورِ اراک — اراک")
    await admin.press(label("admin-group-transfer"))
    await admin.send("@sara")  # not a member: leadership goes to members only
    assert "عضو این گروه نیست" in admin.last.text
    assert await harness.store.groups.role_of(group, sara.id) is None
    await harness.store.groups.add_member(group, sara.id, GroupRole.MEMBER)
    await admin.send("سارا")  # a name is enough when it matches one person
    assert "سپرده شود؟" in admin.last.text
    await admin.press(label("button-yes"))
    assert await harness.store.groups.role_of(group, sara.id) is GroupRole.LEADER
    assert await harness.store.groups.role_of(group, ali.id) is GroupRole.MEMBER
    await harness.delivered()
    assert "شما سرگروه «گروه نورِ اراک» شدید" in sara.last.text
    assert sara.keyboard is not None and ["📝 ثبت گزارش خدمت"] in sara.keyboard


async def test_coordinator_sees_only_their_province(harness: Harness) -> None:
    zahra = await harness.sim.user("زهرا")
    await harness.coordinator(zahra, "مرکزی")
    ali = await harness.sim.user("علی")
    reza = await harness.sim.user("رضا")
    for user in (ali, reza):
        await user.send("/start")
    await harness.group(ali, "گروه اراک", "اراک")
    await harness.group(reza, "گروه تهران", "تهران")
    await zahra.send("/admin")
    await zahra.press(label("admin-groups"))
    labels = [b for row in zahra.last.buttons for b in row]
    assert "گروه اراک — اراک" in labels
    assert not any("تهران" in b for b in labels)


@pytest.mark.parametrize("settings", [{"groups": {"creation": "approval"}}])
async def test_pending_requests_in_admin(harness: Harness, settings: dict[str, Any]) -> None:
    admin = harness.admin
    assert admin is not None
    reza = await harness.sim.user("رضا")
    await reza.send("/newgroup")
    await reza.send("گروه باران")
    await reza.press("قم")
    await reza.press("قم")
    await reza.press(label("newgroup-no-specialty"))
    await reza.press(label("newgroup-request"))
    await admin.send("/admin")
    await admin.press(label("admin-pending"))
    request = admin.last
    assert "نام: گروه باران" in request.text and "درخواست‌دهنده: رضا" in request.text
    await admin.press(label("approval-reject"))
    assert "این کار برگشت ندارد" in admin.last.text  # rejecting is confirmed first
    await admin.press(label("approval-reject-yes"))
    assert "رد شد" in admin.last.text
    await harness.delivered()
    assert "تأیید نشد" in reza.last.text
    group = await harness.store.groups.listing(None, "", 10)
    assert group == []
