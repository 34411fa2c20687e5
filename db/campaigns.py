"""Repository of campaigns (national or for one province) and their progress."""

from __future__ import annotations

from datetime import date

import aiosqlite

from db.database import Database
from db.models import Campaign

_SELECT = "SELECT * FROM campaigns"


def _campaign(row: aiosqlite.Row) -> Campaign:
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
    """Creates campaigns and reads them with their progress."""

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
        return await self.db.execute(
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

    async def progress(self, campaign_id: int) -> int:
        """Sum of the quantities of the campaign's live (not deleted) reports of counted types.

        Read from the campaign's summary row (migration 0002), kept by triggers on reports.
        """
        total = await self.db.scalar(
            "SELECT IFNULL(SUM(q), 0) FROM stat_campaign_place"
            " WHERE campaign_id = ? AND province_id = 0 AND county_id = 0",
            (campaign_id,),
        )
        return int(total)
