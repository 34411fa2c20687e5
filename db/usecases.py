"""Writes as use cases: one function per action, one transaction each, its audit row inside it.

Handlers decide who may act (bot.kit.access); these functions re-check, inside the transaction,
whatever a race between two people could break (the invite still valid, the group still active,
the target still a member), so that the check and the write cannot be separated. A change
that someone else must hear of takes its notices (db.outbox) and writes them in the same
transaction, only when the change happened: the outbox job sends them after the commit.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.text import search_key
from db.join_requests import JoinRequest, RequestStatus
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
from db.outbox import Notice
from db.review import Verdict
from db.store import Store


@dataclass(frozen=True, slots=True)
class Joined:
    """What joining by an invite came to: the group (None if the invite is dead) and whether new."""

    group: Group | None
    joined: bool


async def join_group(
    store: Store, user_id: int, invite_id: int, notices: Sequence[Notice] = ()
) -> Joined:
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
            await store.outbox.add(notices)
    return Joined(group, joined)


async def link_review_chat(
    store: Store, by: int, chat_id: int, provinces: Collection[int | None]
) -> None:
    """Links a Telegram group to provinces (None: every province) for review cards."""
    async with store.db.transaction():
        for province_id in provinces:
            await store.review.link_chat(chat_id, province_id, by)
        await store.audit.record(
            by, "review.link", "chat", chat_id, provinces=[p or 0 for p in provinces]
        )


class Asked(enum.Enum):
    """What asking to join a group came to."""

    SENT = "sent"
    OPEN = "open"  # a request of theirs to this group waits already
    MEMBER = "member"  # they are in the group
    DECLINED = "declined"  # the group declined them lately
    TOO_MANY = "too_many"  # too many of their requests wait for an answer
    GONE = "gone"  # the group is not active


async def ask_to_join(
    store: Store,
    user_id: int,
    group_id: int,
    *,
    open_max: int,
    open_days: int,
    declined_days: int,
    notices: Callable[[int], Sequence[Notice]] = lambda request_id: (),
) -> tuple[Asked, int | None]:
    """Opens a request to join an active group (with the new request's id): one open request per
    person and group, at most `open_max` open at once, none for `declined_days` after a no. A
    request nobody answered in `open_days` is dropped, so unanswered ones never lock anyone out.
    `notices` words the request to the group's leaders, given its id."""
    async with store.db.transaction():
        group = await store.groups.get(group_id)
        if group is None or group.status is not GroupStatus.ACTIVE:
            return Asked.GONE, None
        if await store.groups.role_of(group_id, user_id) is not None:
            return Asked.MEMBER, None
        requests = store.join_requests
        now = store.db.now()
        fresh = now - timedelta(days=open_days)
        latest = await requests.latest(group_id, user_id)
        if latest is not None and latest.waiting(fresh):
            return Asked.OPEN, latest.id
        if latest is not None and latest.status is RequestStatus.OPEN:  # lapsed: gives way
            await requests.decide(latest.id, RequestStatus.DROPPED, None)
        if await requests.declined_since(group_id, user_id, now - timedelta(days=declined_days)):
            return Asked.DECLINED, None
        if await requests.open_count(user_id, fresh) >= open_max:
            return Asked.TOO_MANY, None
        request_id = await requests.open(group_id, user_id)
        if request_id is None:
            return Asked.OPEN, None
        await store.audit.record(user_id, "join.request", "group", group_id, request=request_id)
        await store.outbox.add(notices(request_id))
    return Asked.SENT, request_id


@dataclass(frozen=True, slots=True)
class Answered:
    """A request to join after a leader's answer: changed False when it was answered already
    (the outcome is then the earlier answer), or dropped because the group closed."""

    request: JoinRequest
    group: Group | None
    changed: bool


async def answer_join_request(
    store: Store, by: int, request_id: int, *, accept: bool, notices: Sequence[Notice] = ()
) -> Answered | None:
    """A leader's yes (the person becomes a member) or no to an open request, with its notices
    (to the person who asked) when it is the answer; None when there is no such request."""
    requests = store.join_requests
    async with store.db.transaction():
        request = await requests.get(request_id)
        if request is None:
            return None
        group = await store.groups.get(request.group_id)
        if request.status is not RequestStatus.OPEN:
            return Answered(request, group, False)
        if group is None or group.status is not GroupStatus.ACTIVE:
            await requests.decide(request_id, RequestStatus.DROPPED, None)
            return Answered(await requests.get(request_id) or request, group, False)
        status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        await requests.decide(request_id, status, by)
        if accept:
            await store.groups.add_member(group.id, request.volunteer_id, GroupRole.MEMBER)
        action = "join.accept" if accept else "join.decline"
        await store.audit.record(
            by, action, "group", group.id, request=request_id, volunteer=request.volunteer_id
        )
        await store.outbox.add(notices)
        decided = await requests.get(request_id)
    return Answered(decided or request, group, True)


async def rename_group(store: Store, by: int, group: Group, name: str, key: str) -> None:
    """Renames a group."""
    async with store.db.transaction():
        await store.groups.rename(group.id, name, key)
        await store.audit.record(by, "group.rename", "group", group.id, old=group.name, new=name)


async def transfer_group(
    store: Store, by: int, group_id: int, to: int, notices: Sequence[Notice] = ()
) -> bool:
    """Makes a member of the group its leader (the old leaders stay as members)."""
    async with store.db.transaction():
        if await store.groups.role_of(group_id, to) is None:
            return False
        await store.groups.transfer(group_id, to)
        await store.audit.record(by, "group.transfer", "group", group_id, leader=to)
        await store.outbox.add(notices)
    return True


async def merge_groups(
    store: Store, by: int, source: int, target: int, notices: Sequence[Notice] = ()
) -> int:
    """Moves a group's members and reports into another; returns how many reports moved."""
    async with store.db.transaction():
        moved = await store.groups.merge(source, target)
        await store.audit.record(by, "group.merge", "group", source, into=target, reports=moved)
        await store.outbox.add(notices)
    return moved


async def grant_role(
    store: Store, by: int | None, user_id: int, role: Role, notices: Sequence[Notice] = ()
) -> bool:
    """Grants a role without a province (admin); False when the person had it already."""
    async with store.db.transaction():
        changed = await store.roles.grant(user_id, role, None, by)
        if changed:
            await store.audit.record(by, "role.grant", "volunteer", user_id, role=role.value)
            await store.outbox.add(notices)
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
    notices: Callable[[int], Sequence[Notice]] = lambda group_id: (),
) -> tuple[int, Invite | None]:
    """Creates a group led by its creator: active with an invite, or pending approval (then
    `notices` words the requests to its reviewers, given the new group's id)."""
    status = GroupStatus.ACTIVE if active else GroupStatus.PENDING
    async with store.db.transaction():
        group_id = await store.groups.create(
            name, key, county.province_id, county.id, specialty_id, by, status
        )
        await store.audit.record(by, "group.create", "group", group_id, status=status.value)
        invite = await store.groups.new_invite(group_id, by, invite_days) if active else None
        if not active:
            await store.outbox.add(notices(group_id))
    return group_id, invite


async def decide_group(
    store: Store,
    by: int,
    group_id: int,
    *,
    approve: bool,
    invite_days: int,
    notices: Callable[[Invite | None], Sequence[Notice]] = lambda invite: (),
) -> tuple[bool, Invite | None]:
    """Approves or rejects a pending group once: a second reviewer finds it decided (False).
    `notices` words what its creator is told, with the new invite of an approved group."""
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
        await store.outbox.add(notices(invite))
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


async def remove_member(
    store: Store, by: int, group_id: int, member_id: int, notices: Sequence[Notice] = ()
) -> bool:
    """Removes a member (or, by themselves, leaves); never the group's last leader."""
    async with store.db.transaction():
        removed = await store.groups.remove_member(group_id, member_id)
        if removed:
            action = "member.leave" if by == member_id else "member.remove"
            await store.audit.record(by, action, "group", group_id, member=member_id)
            await store.outbox.add(notices)
    return removed


async def set_member_role(
    store: Store,
    by: int,
    group_id: int,
    member_id: int,
    role: GroupRole,
    notices: Sequence[Notice] = (),
) -> bool:
    """Promotes a member to leader or steps a leader down; never the group's last leader."""
    async with store.db.transaction():
        changed = await store.groups.set_role(group_id, member_id, role)
        if changed:
            action = "member.promote" if role is GroupRole.LEADER else "member.demote"
            await store.audit.record(by, action, "group", group_id, member=member_id)
            await store.outbox.add(notices)
    return changed


async def renew_invite(
    store: Store, by: int, group_id: int, *, valid_days: int, replaces: int | None = None
) -> Invite | None:
    """Revokes the group's invites and issues a fresh code. With `replaces` (the newest invite
    the person saw), None when that one was replaced already: by their own first tap, or by
    another leader."""
    async with store.db.transaction():
        if replaces is not None and await store.groups.newest_invite_id(group_id) != replaces:
            return None
        invite = await store.groups.new_invite(group_id, by, valid_days)
        await store.audit.record(by, "invite.new", "group", group_id)
    return invite


async def revoke_invites(store: Store, by: int, group_id: int) -> int:
    """Revokes every open invite of the group (recorded only when there was one)."""
    async with store.db.transaction():
        revoked = await store.groups.revoke_invites(group_id)
        if revoked:
            await store.audit.record(by, "invite.revoke", "group", group_id)
    return revoked


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
    *,
    counted: Collection[int] | None = None,
    shares: Mapping[int, int] | None = None,
) -> int:
    """Creates a campaign (national when province_id is None) that counts every service type,
    or only those of one area, or the areas and types in `counted`; a national one may split
    its target into province shares."""
    ids = sorted({*(counted or ()), *([area_id] if area_id is not None else [])})
    async with store.db.transaction():
        campaign_id = await store.campaigns.create(
            title, target, unit, starts_on, ends_on, province_id, by
        )
        if ids:
            await store.stats.set_counted_categories(campaign_id, ids)
        if shares and province_id is None:
            await store.stats.set_shares(campaign_id, dict(shares))
        await store.audit.record(by, "campaign.create", "campaign", campaign_id, target=target)
    return campaign_id


@dataclass(frozen=True, slots=True)
class CampaignChange:
    """A campaign's settings as an edit leaves them.

    counted: the areas and types it counts (empty: every type); shares: province shares of a
    national campaign (None leaves them as they are, empty removes them).
    """

    title: str
    target: int
    starts_on: date
    ends_on: date
    counted: frozenset[int]
    shares: Mapping[int, int] | None = None


async def update_campaign(store: Store, by: int, campaign_id: int, change: CampaignChange) -> bool:
    """Saves an edited campaign; False when it was closed or removed meanwhile.

    The campaign's figures are summaries of the reports filed under it; a change of the counted
    types refills them from those reports (in this transaction), a change of dates or target
    needs none: the reports keep their campaign, whatever the dates.
    """
    if change.ends_on < change.starts_on or change.target <= 0:
        raise ValueError("a campaign ends on or after its first day and has a positive target")
    async with store.db.transaction():
        before = await store.campaigns.get(campaign_id)
        if before is None or not before.active:
            return False
        await store.campaigns.update(
            campaign_id, change.title, change.target, change.starts_on, change.ends_on
        )
        counted_before = await store.stats.counted_categories(campaign_id) or frozenset()
        counted_after = await store.categories.expand(change.counted)
        if counted_after != counted_before:
            await store.stats.set_counted_categories(campaign_id, sorted(change.counted))
        if change.shares is not None and before.province_id is None:
            await store.stats.set_shares(campaign_id, dict(change.shares))
        details: dict[str, object] = {}
        for name, old, new in (
            ("title", before.title, change.title),
            ("target", before.target, change.target),
            ("starts_on", before.starts_on.isoformat(), change.starts_on.isoformat()),
            ("ends_on", before.ends_on.isoformat(), change.ends_on.isoformat()),
        ):
            if old != new:
                details[name] = [old, new]
        if counted_after != counted_before:
            details["types"] = [sorted(counted_before), sorted(counted_after)]
        if change.shares is not None and before.province_id is None:
            details["shares"] = {str(k): v for k, v in sorted(change.shares.items())}
        await store.audit.record(by, "campaign.edit", "campaign", campaign_id, **details)
    return True


async def close_campaign(store: Store, by: int, campaign_id: int) -> bool:
    """Ends a campaign early; False when it was already closed."""
    async with store.db.transaction():
        closed = await store.campaigns.close(campaign_id)
        if closed:
            await store.audit.record(by, "campaign.close", "campaign", campaign_id)
    return closed


# --- service types ------------------------------------------------------------------------------

NEW_TYPE_MAX = 100_000  # the usual bound of a new type's quantity (a guard against typos)


class TypeChange(enum.Enum):
    """What an edit of a service type came to."""

    DONE = "done"
    DUPLICATE = "duplicate"  # another type of the same area already has this name
    GONE = "gone"  # no such type (or it is an area)
    UNCHANGED = "unchanged"  # retired already, or back already


async def _name_taken(store: Store, area_id: int, name: str, keep: int | None = None) -> bool:
    """True when another type of the area (retired ones too) has the same name, by search key."""
    key = search_key(name)
    return any(
        search_key(c.name) == key and c.id != keep
        for c in await store.categories.area_types(area_id)
    )


async def add_service_type(
    store: Store, by: int, area_id: int, name: str, unit: str, done: str
) -> tuple[TypeChange, int | None]:
    """Adds a service type at the end of an area (counted by the campaigns that count the whole
    area); refuses a name the area already has."""
    async with store.db.transaction():
        area = await store.categories.get(area_id)
        if area is None or area.parent_id is not None:
            return TypeChange.GONE, None
        if await _name_taken(store, area_id, name):
            return TypeChange.DUPLICATE, None
        slug = f"custom-{secrets.token_hex(6)}"
        type_id = await store.categories.add_type(area_id, slug, name, unit, done, NEW_TYPE_MAX)
        campaigns = await store.campaigns.count_new_type(area_id, type_id)
        await store.audit.record(
            by,
            "category.add",
            "category",
            type_id,
            area=area_id,
            name=name,
            unit=unit,
            campaigns=campaigns,
        )
    return TypeChange.DONE, type_id


async def change_service_type(
    store: Store, by: int, type_id: int, *, name: str | None = None, unit: str | None = None
) -> TypeChange:
    """Renames a service type or changes its unit; old reports show the new name and unit."""
    async with store.db.transaction():
        before = await store.categories.get(type_id)
        if before is None or before.parent_id is None:
            return TypeChange.GONE
        if name is not None and await _name_taken(store, before.parent_id, name, keep=type_id):
            return TypeChange.DUPLICATE
        await store.categories.rename(type_id, name, unit)
        details: dict[str, object] = {}
        if name is not None:
            details["name"] = [before.name, name]
        if unit is not None:
            details["unit"] = [before.unit, unit]
        await store.audit.record(by, "category.edit", "category", type_id, **details)
    return TypeChange.DONE


async def retire_service_type(store: Store, by: int, type_id: int, *, retire: bool) -> TypeChange:
    """Retires a service type (no longer offered in new reports) or brings it back."""
    async with store.db.transaction():
        before = await store.categories.get(type_id)
        if before is None or before.parent_id is None:
            return TypeChange.GONE
        if retire:
            changed = await store.categories.retire(type_id)
        else:
            changed = await store.categories.restore(type_id)
        if not changed:
            return TypeChange.UNCHANGED
        action = "category.retire" if retire else "category.restore"
        await store.audit.record(by, action, "category", type_id)
    return TypeChange.DONE


@dataclass(frozen=True, slots=True)
class Decision:
    """What a reviewer's approve or return came to: whether this press decided it, the report's
    review state now (who decided, how and when, for the one who came second), and whether it
    is still pending but was edited since the version the reviewer saw (stale)."""

    decided: bool
    verdict: Verdict | None
    stale: bool = False


async def decide_report(
    store: Store,
    by: int,
    report_id: int,
    *,
    version: int,
    approve: bool,
    reason: str = "",
    field: str = "",
    notices: Sequence[Notice] = (),
) -> Decision:
    """Approves or returns a pending report once, as it was at `version` (the version the
    reviewer saw): of two reviewers deciding at once, exactly one changes it; the other finds
    it decided, and a reviewer who saw an older version finds it stale. The decision and reason
    go to the audit log, the notices (to its reporter) to the outbox."""
    status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    async with store.db.transaction():
        note = "" if approve else reason
        decided = await store.review.decide(report_id, status, by, note, version)
        if decided:
            action = "report.approve" if approve else "report.return"
            details = {} if approve else {"reason": reason, "field": field}
            await store.audit.record(by, action, "report", report_id, **details)
            await store.outbox.add(notices)
        verdict = await store.review.verdict(report_id)
    stale = not decided and verdict is not None and verdict.status is ReportStatus.SUBMITTED
    return Decision(decided, verdict, stale)


class _Changed(Exception):
    """One report of a batch was decided or edited meanwhile: the batch is rolled back."""


async def approve_reports(
    store: Store, by: int, versions: Mapping[int, int], notices: Sequence[Notice] = ()
) -> bool:
    """Approves pending reports together, each as it was at its version (report id → version),
    all or none: False, with nothing changed, when any was decided or edited meanwhile. Each
    approval has its audit row; the notices (one per reporter) go to the outbox."""
    try:
        async with store.db.transaction():
            for report_id, version in versions.items():
                approved = ReportStatus.APPROVED
                if not await store.review.decide(report_id, approved, by, "", version):
                    raise _Changed
                await store.audit.record(
                    by, "report.approve", "report", report_id, together=len(versions)
                )
            await store.outbox.add(notices)
    except _Changed:
        return False
    return True
