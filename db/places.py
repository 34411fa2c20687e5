"""Repository of provinces and counties (seeded from locales/fa/divisions.csv)."""

from __future__ import annotations

import math

from db.database import Database
from db.models import County, Province
from db.seed import Point, load_outline

_COUNTY_SELECT = (
    "SELECT c.id, c.province_id, c.name, p.name AS province_name"
    " FROM counties c JOIN provinces p ON p.id = c.province_id"
)


# Natural Earth's 1:10m outline strays up to about 2 km from the coast and the borders (the seats
# of بندرعباس, عسلویه, بیله‌سوار and هیرمند fall just outside it): a point this close still counts.
BORDER_MARGIN_KM = 5.0
KM_PER_DEGREE = 111.2


def in_iran(latitude: float, longitude: float) -> bool:
    """True for a point inside Iran's outline (mainland or island), or within the margin of it."""
    inside = False
    edges = [
        (a, b) for ring in load_outline() for a, b in zip(ring, ring[1:] + ring[:1], strict=True)
    ]
    for (lat1, lon1), (lat2, lon2) in edges:
        if (lat1 > latitude) != (lat2 > latitude) and longitude < lon1 + (latitude - lat1) * (
            lon2 - lon1
        ) / (lat2 - lat1):
            inside = not inside
    if inside:
        return True
    shrink = math.cos(math.radians(latitude))  # a degree of longitude, in degrees of latitude
    nearest = min(_to_segment(latitude, longitude, *a, *b, shrink) for a, b in edges)
    return nearest * KM_PER_DEGREE <= BORDER_MARGIN_KM


def _to_segment(
    lat: float, lon: float, lat1: float, lon1: float, lat2: float, lon2: float, shrink: float
) -> float:
    """Distance in degrees (of latitude) from a point to a short segment, on a flat local map."""
    x, y = (lon - lon1) * shrink, lat - lat1
    dx, dy = (lon2 - lon1) * shrink, lat2 - lat1
    length = dx * dx + dy * dy
    share = 0.0 if length == 0 else max(0.0, min(1.0, (x * dx + y * dy) / length))
    return math.hypot(x - share * dx, y - share * dy)


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

    async def nearest_county(self, point: Point) -> County | None:
        """The county whose seat is nearest to a point in Iran; None for a point outside Iran."""
        latitude, longitude = point
        if not in_iran(latitude, longitude):
            return None
        # Degrees of longitude shrink with the cosine of the latitude; across one country the
        # flat distance orders seats as the great-circle one does.
        shrink = math.cos(math.radians(latitude))
        row = await self.db.fetchone(
            _COUNTY_SELECT + " WHERE c.latitude IS NOT NULL ORDER BY"
            " (c.latitude - ?) * (c.latitude - ?)"
            " + (c.longitude - ?) * (c.longitude - ?) * ? LIMIT 1",
            (latitude, latitude, longitude, longitude, shrink * shrink),
        )
        if row is None:
            return None
        return County(row["id"], row["province_id"], row["name"], row["province_name"])

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
