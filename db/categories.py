"""Repository of the two-level service categories (areas and service types with units)."""

from __future__ import annotations

from collections.abc import Collection

from db.database import Database, Row
from db.models import Category

_SELECT = (
    "SELECT c.*, COALESCE(p.name, '') AS parent_name FROM categories c"
    " LEFT JOIN categories p ON p.id = c.parent_id"
)


def _category(row: Row) -> Category:
    return Category(
        id=row["id"],
        parent_id=row["parent_id"],
        slug=row["slug"],
        name=row["name"],
        unit=row["unit"],
        done=row["done"],
        max_quantity=row["max_quantity"],
        parent_name=row["parent_name"],
        active=bool(row["active"]),
    )


class CategoryRepo:
    """Reads service areas and types."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def areas(self) -> list[Category]:
        """Returns the active service areas that offer at least one active type, in set order."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE c.parent_id IS NULL AND c.active = 1 AND EXISTS (SELECT 1 FROM"
            " categories t WHERE t.parent_id = c.id AND t.active = 1) ORDER BY c.position, c.id"
        )
        return [_category(r) for r in rows]

    async def all_areas(self) -> list[Category]:
        """Returns every service area in set order (for managing them), empty ones too."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE c.parent_id IS NULL ORDER BY c.position, c.id"
        )
        return [_category(r) for r in rows]

    async def area_types(self, area_id: int) -> list[Category]:
        """Returns every service type of an area, retired ones too, in set order."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE c.parent_id = ? ORDER BY c.position, c.id", (area_id,)
        )
        return [_category(r) for r in rows]

    async def expand(self, ids: Collection[int]) -> frozenset[int]:
        """The service types that areas and types stand for (an area: all its types)."""
        wanted = sorted(set(ids))
        if not wanted:
            return frozenset()
        marks = ",".join("?" * len(wanted))
        rows = await self.db.fetchall(
            "SELECT id FROM categories WHERE parent_id IS NOT NULL"
            f" AND (id IN ({marks}) OR parent_id IN ({marks}))",
            [*wanted, *wanted],
        )
        return frozenset(int(r[0]) for r in rows)

    async def reports_of(self, category_id: int) -> int:
        """How many reports (deleted ones too) name a service type."""
        return int(
            await self.db.scalar(
                "SELECT COUNT(*) FROM reports WHERE category_id = ?", (category_id,)
            )
        )

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

    async def all_types(self, *, retired: bool = False) -> list[Category]:
        """Returns every service type in area order; retired ones too when asked."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE c.parent_id IS NOT NULL AND (c.active = 1 OR ? = 1)"
            " ORDER BY p.position, c.position, c.id",
            (int(retired),),
        )
        return [_category(r) for r in rows]

    async def add_type(
        self, area_id: int, slug: str, name: str, unit: str, done: str, max_quantity: int
    ) -> int:
        """Adds a service type at the end of an area; returns its id."""
        return await self.db.insert(
            "INSERT INTO categories (parent_id, slug, name, unit, done, max_quantity, position)"
            " VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM categories"
            " WHERE parent_id = ?))",
            (area_id, slug, name, unit, done, max_quantity, area_id),
        )

    async def rename(
        self, category_id: int, name: str | None = None, unit: str | None = None
    ) -> bool:
        """Renames a category (and its unit); old reports show the new name, their counts stay."""
        return bool(
            await self.db.execute(
                "UPDATE categories SET name = COALESCE(?, name), unit = COALESCE(?, unit)"
                " WHERE id = ?",
                (name, unit, category_id),
            )
        )

    async def retire(self, category_id: int) -> bool:
        """Hides a category from new reports; old reports keep it and still count."""
        return bool(
            await self.db.execute(
                "UPDATE categories SET active = 0, retired_at = ? WHERE id = ? AND active = 1",
                (self.db.stamp(), category_id),
            )
        )

    async def restore(self, category_id: int) -> bool:
        """Offers a retired category for new reports again."""
        return bool(
            await self.db.execute(
                "UPDATE categories SET active = 1, retired_at = NULL WHERE id = ? AND active = 0",
                (category_id,),
            )
        )
