"""The principal of an update: a user's roles and memberships, loaded once per update."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.config import Config
from db.models import Campaign, GroupRole, Membership, Role
from db.store import Store


@dataclass(frozen=True, slots=True)
class Principal:
    """What one user is: admin, coordinator of some provinces, leader or member of groups."""

    user_id: int
    admin: bool = False
    config_admin: bool = False
    provinces: frozenset[int] = frozenset()
    memberships: tuple[Membership, ...] = field(default=())
    reviews: bool = False  # reviews reports: an admin or coordinator while review is on

    @property
    def coordinator(self) -> bool:
        """True when the user coordinates at least one province."""
        return bool(self.provinces)

    @property
    def led_groups(self) -> tuple[Membership, ...]:
        """The groups the user leads."""
        return tuple(m for m in self.memberships if m.role is GroupRole.LEADER)

    @property
    def reporting_groups(self) -> tuple[Membership, ...]:
        """The active groups the user leads: the groups they may report for."""
        return tuple(m for m in self.led_groups if m.active)

    def leads(self, group_id: int | None) -> bool:
        """True when the user leads this group."""
        return any(m.group_id == group_id for m in self.led_groups)

    def member_of(self, group_id: int | None) -> bool:
        """True when the user is in this group with any role."""
        return any(m.group_id == group_id for m in self.memberships)

    def oversees(self, province_id: int | None) -> bool:
        """True for admins, and for coordinators of this province."""
        return self.admin or province_id in self.provinces

    def manages(self, campaign: Campaign) -> bool:
        """True when the user may edit or close a campaign: admins any, a coordinator those of a
        province they oversee (a national campaign is the admins')."""
        return self.admin or (
            campaign.province_id is not None and campaign.province_id in self.provinces
        )


async def load_principal(store: Store, config: Config, user_id: int) -> Principal:
    """Reads a user's roles and memberships from the database (and admins from config)."""
    grants = await store.roles.of(user_id)
    config_admin = user_id in config.bot.admins
    admin = config_admin or any(g.role is Role.ADMIN for g in grants)
    provinces = frozenset(
        g.province_id for g in grants if g.role is Role.COORDINATOR and g.province_id
    )
    return Principal(
        user_id=user_id,
        admin=admin,
        config_admin=config_admin,
        provinces=provinces,
        memberships=tuple(await store.groups.memberships(user_id)),
        reviews=config.report.review and (admin or bool(provinces)),
    )
