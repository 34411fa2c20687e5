"""Frozen dataclasses that repositories return; handlers never see rows or SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Role(StrEnum):
    """Bot-wide roles held in the roles table."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"


class GroupRole(StrEnum):
    """A volunteer's role inside one group."""

    LEADER = "leader"
    MEMBER = "member"


class GroupStatus(StrEnum):
    """Life cycle of a group."""

    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    MERGED = "merged"


class ReportStatus(StrEnum):
    """Life cycle of a service report."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    DELETED = "deleted"


class ScopeKind(StrEnum):
    """Whose figures: some groups, a county, a province, the country, or one campaign.

    Statistics take the first four (db.stats.Scope); a digest channel covers the country, a
    province or a campaign (db.channels.ChannelScope), and stores the value as text.
    """

    GROUPS = "groups"
    COUNTY = "county"
    PROVINCE = "province"
    NATIONAL = "national"
    CAMPAIGN = "campaign"


@dataclass(frozen=True, slots=True)
class Volunteer:
    """A Telegram user who has talked to the bot."""

    id: int
    first_name: str
    last_name: str
    username: str
    blocked: bool

    @property
    def display_name(self) -> str:
        """First and last name as Telegram shows them."""
        return " ".join(p for p in (self.first_name, self.last_name) if p) or str(self.id)


@dataclass(frozen=True, slots=True)
class Province:
    """One of Iran's 31 provinces."""

    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class County:
    """A county (شهرستان) of a province."""

    id: int
    province_id: int
    name: str
    province_name: str


@dataclass(frozen=True, slots=True)
class Category:
    """A service area (parent_id None) or a service type with its unit."""

    id: int
    parent_id: int | None
    slug: str
    name: str
    unit: str
    done: str
    max_quantity: int
    parent_name: str
    active: bool = True  # False: retired (kept for old reports, not offered in new ones)


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """A bot-wide role of a volunteer; coordinators carry a province."""

    volunteer_id: int
    role: Role
    province_id: int | None
    province_name: str


@dataclass(frozen=True, slots=True)
class Group:
    """A volunteer group and its place."""

    id: int
    name: str
    province_id: int
    province_name: str
    county_id: int
    county_name: str
    specialty_id: int | None
    specialty_name: str
    status: GroupStatus
    merged_into: int | None
    created_by: int | None
    member_count: int


@dataclass(frozen=True, slots=True)
class Membership:
    """A volunteer's place in a group."""

    group_id: int
    group_name: str
    volunteer_id: int
    role: GroupRole
    active: bool


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a group as the group card lists them."""

    volunteer_id: int
    name: str
    username: str
    role: GroupRole


@dataclass(frozen=True, slots=True)
class Invite:
    """An invite code of a group."""

    id: int
    group_id: int
    code: str
    expires_at: str | None
    revoked: bool
    uses: int
    valid: bool  # neither revoked nor expired when it was read


@dataclass(frozen=True, slots=True)
class Campaign:
    """A campaign with a target, national (province_id None) or for one province."""

    id: int
    title: str
    target: int
    unit: str
    province_id: int | None
    starts_on: date
    ends_on: date
    active: bool


@dataclass(frozen=True, slots=True)
class Photo:
    """A report photo as Telegram identifies it."""

    file_id: str
    file_unique_id: str


@dataclass(frozen=True, slots=True)
class Report:
    """A saved service report."""

    id: int
    receipt: str
    group_id: int
    group_name: str
    reporter_id: int
    campaign_id: int | None
    campaign_title: str
    category_id: int
    category_name: str
    area_name: str
    unit: str
    quantity: int
    beneficiaries: int | None
    volunteers: int | None
    province_id: int
    province_name: str
    county_id: int
    county_name: str
    place: str
    latitude: float | None
    longitude: float | None
    service_date: date
    description: str
    status: ReportStatus
    review_note: str
    created_at: str
    photos: tuple[Photo, ...]
    version: int = 1  # one more at each edit: a review decision names the version it saw


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the audit log."""

    id: int
    at: str
    actor_id: int | None
    action: str
    entity: str
    entity_id: int | None
    details: str


@dataclass(frozen=True, slots=True)
class ReportInput:
    """The fields of a report as the reporter gave them (for creating or editing one)."""

    group_id: int
    campaign_id: int | None
    category_id: int
    quantity: int
    beneficiaries: int | None
    volunteers: int | None
    province_id: int
    county_id: int
    place: str
    latitude: float | None
    longitude: float | None
    service_date: date
    description: str
    photos: tuple[Photo, ...]


@dataclass(frozen=True, slots=True)
class UnitTotal:
    """Quantities of one unit added up: «۲۹۹ پرس»."""

    unit: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Totals:
    """Counts over a set of reports: how many, and their quantities per unit (db.stats.per_unit)."""

    reports: int
    units: tuple[UnitTotal, ...]
