"""Repository of the two-level service categories (areas and service types with units)."""

from __future__ import annotations

import aiosqlite

from db.database import Database
from db.models import Category

_SELECT = (
    "SELECT c.*, IFNULL(p.name, '') AS parent_name FROM categories c"
    " LEFT JOIN categories p ON p.id = c.parent_id"
)


def _category(row: aiosqlite.Row) -> Category:
    return Category(
        id=row["id"],
        parent_id=row["parent_id"],
        slug=row["slug"],
        name=row["name"],
        unit=row["unit"],
        done=row["done"],
        max_quantity=row["max_quantity"],
        parent_name=row["parent_name"],
    )


class CategoryRepo:
    """Reads service areas and types."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def areas(self) -> list[Category]:
        """Returns the active service areas in their set order."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE c.parent_id IS NULL AND c.active = 1 ORDER BY c.position, c.id"
        )
        return [_category(r) for r in rows]

    async def types(self, area_id: int) -> list[Category]:
        """Returns the active service types of an area."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE c.parent_id = ? AND c.active = 1 ORDER BY c.position, c.id",
            (area_id,),
        )
        return [_category(r) for r in rows]

    async def get(self, category_id: int) -> Category | None:
        """Returns one category (area or type)."""
        row = await self.db.fetchone(_SELECT + " WHERE c.id = ?", (category_id,))
        return None if row is None else _category(row)
