"""Repository of campaigns (national or for one province); their figures are db.stats's."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from db.counting import Counting, counted
from db.database import Database, Row
from db.models import Campaign

_SELECT = "SELECT * FROM campaigns"


def _campaign(row: Row) -> Campaign:
    return Campaign(
        id=row["id"],
        title=row["title"],
        target=row["target"],
        unit=row["unit"],
        province_id=row["province_id"],
        starts_on=date.fromisoformat(row["starts_on"]),
        ends_on=date.fromisoformat(row["ends_on"]),
        active=bool(row["active"]),
    )


class CampaignRepo:
    """Creates, changes, closes and reads campaigns."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        title: str,
        target: int,
        unit: str,
        starts_on: date,
        ends_on: date,
        province_id: int | None = None,
        by: int | None = None,
    ) -> int:
        """Creates an active campaign; returns its id."""
        return await self.db.insert(
            "INSERT INTO campaigns (title, target, unit, province_id, starts_on, ends_on,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                title,
                target,
                unit,
                province_id,
                starts_on.isoformat(),
                ends_on.isoformat(),
                by,
                self.db.stamp(),
            ),
        )

    async def get(self, campaign_id: int) -> Campaign | None:
        """Returns a campaign by id."""
        row = await self.db.fetchone(_SELECT + " WHERE id = ?", (campaign_id,))
        return None if row is None else _campaign(row)

    async def update(
        self, campaign_id: int, title: str, target: int, starts_on: date, ends_on: date
    ) -> bool:
        """Changes an active campaign's title, target and dates; False when it is gone or closed."""
        changed = await self.db.execute(
            "UPDATE campaigns SET title = ?, target = ?, starts_on = ?, ends_on = ?"
            " WHERE id = ? AND active = 1",
            (title, target, starts_on.isoformat(), ends_on.isoformat(), campaign_id),
        )
        return changed > 0

    async def reports_outside(self, campaign_id: int, starts_on: date, ends_on: date) -> int:
        """Live reports filed under a campaign whose service date falls outside the given days."""
        return int(
            await self.db.scalar(
                "SELECT COUNT(*) FROM reports WHERE campaign_id = ? AND status != 'deleted'"
                " AND (service_date < ? OR service_date > ?)",
                (campaign_id, starts_on.isoformat(), ends_on.isoformat()),
            )
        )

    async def services_of_types(
        self, campaign_id: int, type_ids: Collection[int], *, approved_only: bool
    ) -> int:
        """The quantities of a campaign's live reports of the given types (empty: every type).

        What the campaign's progress would be if it counted those types (approved reports only
        when `approved_only`); used to show the effect of changing them before it is saved.
        """
        ids = sorted(set(type_ids))
        counting = Counting.APPROVED if approved_only else Counting.ALL
        where = f"campaign_id = ? AND {counted(counting, 'reports')}"
        if ids:
            where += f" AND category_id IN ({','.join('?' * len(ids))})"
        return int(
            await self.db.scalar(
                f"SELECT COALESCE(SUM(quantity), 0) FROM reports WHERE {where}", (campaign_id, *ids)
            )
        )

    async def count_new_type(self, area_id: int, type_id: int) -> int:
        """Makes open campaigns that count every other type of an area count its new type too.

        A campaign counting «an area» holds that area's types one by one; a type added later
        would otherwise be left out. Returns how many campaigns now count it. A new type has no
        reports yet, so no summary changes.
        """
        await self.db.execute(
            "INSERT INTO campaign_categories (campaign_id, category_id)"
            " SELECT k.campaign_id, ? FROM campaign_categories k"
            " JOIN categories c ON c.id = k.category_id"
            " JOIN campaigns m ON m.id = k.campaign_id AND m.active = 1"
            " WHERE c.parent_id = ? AND c.id != ? GROUP BY k.campaign_id"
            " HAVING COUNT(*) = (SELECT COUNT(*) FROM categories WHERE parent_id = ? AND id != ?)"
            " ON CONFLICT DO NOTHING",
            (type_id, area_id, type_id, area_id, type_id),
        )
        return int(
            await self.db.scalar(
                "SELECT COUNT(*) FROM campaign_categories WHERE category_id = ?", (type_id,)
            )
        )

    async def close(self, campaign_id: int) -> bool:
        """Ends a campaign early (its reports keep it); False when it was already closed."""
        changed = await self.db.execute(
            "UPDATE campaigns SET active = 0 WHERE id = ? AND active = 1", (campaign_id,)
        )
        return changed > 0

    async def running_anywhere(self, on: date) -> list[Campaign]:
        """Every active campaign running on a date, national ones first (an admin's view)."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE active = 1 AND starts_on <= ? AND ends_on >= ?"
            " ORDER BY province_id IS NOT NULL, starts_on, id",
            (on.isoformat(), on.isoformat()),
        )
        return [_campaign(r) for r in rows]

    async def upcoming(self, on: date) -> list[Campaign]:
        """Every active campaign that begins after a date, the soonest first."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE active = 1 AND starts_on > ? ORDER BY starts_on, id",
            (on.isoformat(),),
        )
        return [_campaign(r) for r in rows]

    async def running(self, province_id: int, on: date) -> list[Campaign]:
        """Returns the active campaigns for a place (national or its province) running on a date."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE active = 1 AND (province_id IS NULL OR province_id = ?)"
            " AND starts_on <= ? AND ends_on >= ? ORDER BY province_id IS NOT NULL, starts_on, id",
            (province_id, on.isoformat(), on.isoformat()),
        )
        return [_campaign(r) for r in rows]

    async def overlapping(self, start: date, end: date) -> list[Campaign]:
        """Every campaign, running or closed, whose dates meet a period; the latest first."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE starts_on <= ? AND ends_on >= ? ORDER BY starts_on DESC, id DESC",
            (end.isoformat(), start.isoformat()),
        )
        return [_campaign(r) for r in rows]
