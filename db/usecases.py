"""Writes as use cases: one function per action, one transaction each, its audit row inside it.

Handlers decide who may act (bot.access); these functions re-check, inside the transaction,
whatever a race between two people could break (the invite still valid, the group still active,
the target still a member), so that the check and the write cannot be separated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from db.models import (
    County,
    Group,
    GroupRole,
    GroupStatus,
    Invite,
    Report,
    ReportInput,
    ReportStatus,
    Role,
)
from db.review import Verdict
from db.store import Store


@dataclass(frozen=True, slots=True)
class Joined:
    """What joining by an invite came to: the group (None if the invite is dead) and whether new."""

    group: Group | None
    joined: bool


async def join_group(store: Store, user_id: int, invite_id: int) -> Joined:
    """Adds a person to the group of a valid invite, counting the invite's use."""
    async with store.db.transaction():
        invite = await store.groups.invite(invite_id)
        group = await store.groups.get(invite.group_id) if invite else None
        if invite is None or group is None or not invite.valid:
            return Joined(None, False)
        if group.status is not GroupStatus.ACTIVE:
            return Joined(None, False)
        joined = await store.groups.add_member(group.id, user_id, GroupRole.MEMBER)
        if joined:
            await store.groups.use_invite(invite.id)
            await store.audit.record(user_id, "join", "group", group.id, invite=invite.id)
    return Joined(group, joined)


async def rename_group(store: Store, by: int, group: Group, name: str, key: str) -> None:
    """Renames a group."""
    async with store.db.transaction():
        await store.groups.rename(group.id, name, key)
        await store.audit.record(by, "group.rename", "group", group.id, old=group.name, new=name)


async def transfer_group(store: Store, by: int, group_id: int, to: int) -> bool:
    """Makes a member of the group its leader (the old leaders stay as members)."""
    async with store.db.transaction():
        if await store.groups.role_of(group_id, to) is None:
            return False
        await store.groups.transfer(group_id, to)
        await store.audit.record(by, "group.transfer", "group", group_id, leader=to)
    return True


async def merge_groups(store: Store, by: int, source: int, target: int) -> int:
    """Moves a group's members and reports into another; returns how many reports moved."""
    async with store.db.transaction():
        moved = await store.groups.merge(source, target)
        await store.audit.record(by, "group.merge", "group", source, into=target, reports=moved)
    return moved


async def grant_role(store: Store, by: int | None, user_id: int, role: Role) -> bool:
    """Grants a role without a province (admin); False when the person had it already."""
    async with store.db.transaction():
        changed = await store.roles.grant(user_id, role, None, by)
        if changed:
            await store.audit.record(by, "role.grant", "volunteer", user_id, role=role.value)
    return changed


def can_edit(report: Report, edit_hours: int, now: datetime) -> bool:
    """True while the reporter may still change a report: submitted and within the window, or
    returned to them by a reviewer (however long ago)."""
    if report.status is ReportStatus.RETURNED:
        return True
    if report.status is not ReportStatus.SUBMITTED:
        return False
    created = datetime.fromisoformat(report.created_at)
    return now - created <= timedelta(hours=edit_hours)


async def create_group(
    store: Store,
    by: int,
    name: str,
    key: str,
    county: County,
    specialty_id: int | None,
    *,
    active: bool,
    invite_days: int,
) -> tuple[int, Invite | None]:
    """Creates a group led by its creator: active with an invite, or pending approval."""
    status = GroupStatus.ACTIVE if active else GroupStatus.PENDING
    async with store.db.transaction():
        group_id = await store.groups.create(
            name, key, county.province_id, county.id, specialty_id, by, status
        )
        await store.audit.record(by, "group.create", "group", group_id, status=status.value)
        invite = await store.groups.new_invite(group_id, by, invite_days) if active else None
    return group_id, invite


async def decide_group(
    store: Store, by: int, group_id: int, *, approve: bool, invite_days: int
) -> tuple[bool, Invite | None]:
    """Approves or rejects a pending group once: a second reviewer finds it decided (False)."""
    status = GroupStatus.ACTIVE if approve else GroupStatus.REJECTED
    async with store.db.transaction():
        changed = await store.db.execute(
            "UPDATE groups SET status = ? WHERE id = ? AND status = 'pending'",
            (status.value, group_id),
        )
        if not changed:
            return False, None
        action = "group.approve" if approve else "group.reject"
        await store.audit.record(by, action, "group", group_id)
        invite = await store.groups.new_invite(group_id, by, invite_days) if approve else None
    return True, invite


async def save_report(
    store: Store,
    data: ReportInput,
    reporter_id: int,
    *,
    key: str,
    receipt_year: int,
    report_id: int | None,
    edit_hours: int,
) -> tuple[Report | None, bool]:
    """Saves a new report once per key, or an edit while the report is still editable; a
    returned report, once fixed, goes back to the review queue.

    Returns the report (None when an edit came too late) and whether it was an edit.
    """
    if report_id is None:
        report, _ = await store.reports.create(data, reporter_id, key, receipt_year)
        return report, False
    async with store.db.transaction():
        before = await store.reports.get(report_id)
        if (
            before is None
            or before.reporter_id != reporter_id
            or not can_edit(before, edit_hours, store.db.now())
        ):
            return None, True
        saved = await store.reports.update(report_id, data, reporter_id)
        if before.status is ReportStatus.RETURNED and await store.review.resubmit(report_id):
            await store.audit.record(reporter_id, "report.resubmit", "report", report_id)
            saved = await store.reports.get(report_id)
        return saved, True


async def remove_member(store: Store, by: int, group_id: int, member_id: int) -> bool:
    """Removes a member (or, by themselves, leaves); never the group's last leader."""
    async with store.db.transaction():
        removed = await store.groups.remove_member(group_id, member_id)
        if removed:
            action = "member.leave" if by == member_id else "member.remove"
            await store.audit.record(by, action, "group", group_id, member=member_id)
    return removed


async def set_member_role(
    store: Store, by: int, group_id: int, member_id: int, role: GroupRole
) -> bool:
    """Promotes a member to leader or steps a leader down; never the group's last leader."""
    async with store.db.transaction():
        changed = await store.groups.set_role(group_id, member_id, role)
        if changed:
            action = "member.promote" if role is GroupRole.LEADER else "member.demote"
            await store.audit.record(by, action, "group", group_id, member=member_id)
    return changed


async def renew_invite(store: Store, by: int, group_id: int, *, valid_days: int) -> Invite:
    """Revokes the group's invites and issues a fresh code."""
    async with store.db.transaction():
        invite = await store.groups.new_invite(group_id, by, valid_days)
        await store.audit.record(by, "invite.new", "group", group_id)
    return invite


async def revoke_invites(store: Store, by: int, group_id: int) -> None:
    """Revokes every open invite of the group."""
    async with store.db.transaction():
        await store.groups.revoke_invites(group_id)
        await store.audit.record(by, "invite.revoke", "group", group_id)


async def create_campaign(
    store: Store,
    by: int,
    title: str,
    target: int,
    unit: str,
    starts_on: date,
    ends_on: date,
    province_id: int | None,
    area_id: int | None = None,
) -> int:
    """Creates a campaign (national when province_id is None) that counts every service type,
    or only those of one area."""
    async with store.db.transaction():
        campaign_id = await store.campaigns.create(
            title, target, unit, starts_on, ends_on, province_id, by
        )
        if area_id is not None:
            await store.stats.set_counted_categories(campaign_id, [area_id])
        await store.audit.record(by, "campaign.create", "campaign", campaign_id, target=target)
    return campaign_id


async def close_campaign(store: Store, by: int, campaign_id: int) -> bool:
    """Ends a campaign early; False when it was already closed."""
    async with store.db.transaction():
        closed = await store.campaigns.close(campaign_id)
        if closed:
            await store.audit.record(by, "campaign.close", "campaign", campaign_id)
    return closed


@dataclass(frozen=True, slots=True)
class Decision:
    """What a reviewer's approve or return came to: whether this press decided it, and the
    report's review state now (who decided, how and when, for the one who came second)."""

    decided: bool
    verdict: Verdict | None


async def decide_report(
    store: Store, by: int, report_id: int, *, approve: bool, reason: str = "", field: str = ""
) -> Decision:
    """Approves or returns a pending report once: of two reviewers deciding at once, exactly
    one changes it; the other finds it decided. The decision and reason go to the audit log."""
    status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    async with store.db.transaction():
        decided = await store.review.decide(report_id, status, by, "" if approve else reason)
        if decided:
            action = "report.approve" if approve else "report.return"
            details = {} if approve else {"reason": reason, "field": field}
            await store.audit.record(by, action, "report", report_id, **details)
        verdict = await store.review.verdict(report_id)
    return Decision(decided, verdict)
