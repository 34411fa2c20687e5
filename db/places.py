"""Repository of provinces and counties (seeded from locales/fa/divisions.csv)."""

from __future__ import annotations

from db.database import Database
from db.models import County, Province

_COUNTY_SELECT = (
    "SELECT c.id, c.province_id, c.name, p.name AS province_name"
    " FROM counties c JOIN provinces p ON p.id = c.province_id"
)


class PlaceRepo:
    """Looks up provinces and counties."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def provinces(self) -> list[Province]:
        """Returns the 31 provinces in Persian alphabetical order."""
        rows = await self.db.fetchall("SELECT id, code, name FROM provinces ORDER BY position")
        return [Province(r["id"], r["code"], r["name"]) for r in rows]

    async def province(self, province_id: int) -> Province | None:
        """Returns one province."""
        row = await self.db.fetchone(
            "SELECT id, code, name FROM provinces WHERE id = ?", (province_id,)
        )
        return None if row is None else Province(row["id"], row["code"], row["name"])

    async def counties(self, province_id: int) -> list[County]:
        """Returns the counties of a province in Persian alphabetical order."""
        rows = await self.db.fetchall(
            _COUNTY_SELECT + " WHERE c.province_id = ? ORDER BY c.position", (province_id,)
        )
        return [County(r["id"], r["province_id"], r["name"], r["province_name"]) for r in rows]

    async def county(self, county_id: int) -> County | None:
        """Returns one county with its province's name."""
        row = await self.db.fetchone(_COUNTY_SELECT + " WHERE c.id = ?", (county_id,))
        return (
            None
            if row is None
            else County(row["id"], row["province_id"], row["name"], row["province_name"])
        )

    async def search_provinces(self, key: str) -> list[Province]:
        """Returns provinces whose search key contains key (exact matches first)."""
        rows = await self.db.fetchall(
            "SELECT id, code, name FROM provinces WHERE instr(search_key, ?) > 0"
            " ORDER BY search_key != ?, position",
            (key, key),
        )
        return [Province(r["id"], r["code"], r["name"]) for r in rows]

    async def search_counties(self, key: str, province_id: int | None = None) -> list[County]:
        """Returns counties whose search key contains key, optionally within one province."""
        sql = _COUNTY_SELECT + " WHERE instr(c.search_key, ?) > 0"
        params: list[object] = [key]
        if province_id is not None:
            sql += " AND c.province_id = ?"
            params.append(province_id)
        rows = await self.db.fetchall(
            sql + " ORDER BY c.search_key != ?, p.position, c.position LIMIT 40", [*params, key]
        )
        return [County(r["id"], r["province_id"], r["name"], r["province_name"]) for r in rows]
