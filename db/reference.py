"""Writes the shipped reference data (provinces, counties, default categories) into the database."""

from __future__ import annotations

from bot.core.text import search_key
from db.database import Database
from db.seed import load_categories, load_county_points, load_divisions


async def seed_reference_data(db: Database) -> None:
    """Inserts provinces, counties and default categories that are missing; safe to run every start.

    Place names are refreshed from the shipped file; categories are only added, never changed,
    because admins edit them.
    """
    provinces = load_divisions()
    async with db.transaction():
        for position, province in enumerate(provinces):
            await db.execute(
                "INSERT INTO provinces (code, name, name_en, search_key, position)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                " name_en = excluded.name_en, search_key = excluded.search_key,"
                " position = excluded.position",
                (
                    province.code,
                    province.name,
                    province.name_en,
                    search_key(province.name),
                    position,
                ),
            )
            province_id = await db.scalar(
                "SELECT id FROM provinces WHERE code = ?", (province.code,)
            )
            await db.executemany(
                "INSERT INTO counties (province_id, code, name, name_en, search_key, position,"
                " osm_relation, wikidata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (province_id, code) DO UPDATE SET name = excluded.name,"
                " name_en = excluded.name_en, search_key = excluded.search_key,"
                " position = excluded.position",
                [
                    (
                        province_id,
                        c.code,
                        c.name,
                        c.name_en,
                        search_key(c.name),
                        i,
                        str(c.osm_relation or ""),
                        c.wikidata or "",
                    )
                    for i, c in enumerate(province.counties)
                ],
            )
        # Points need 0012; a database migrated only so far (a test of an old schema) gets
        # them at the next start, after its migrations ran.
        if "latitude" in await db.columns("counties"):
            await db.executemany(
                "UPDATE counties SET latitude = ?, longitude = ? WHERE code = ?",
                [(lat, lon, code) for code, (lat, lon) in load_county_points().items()],
            )
        for position, area in enumerate(load_categories()):
            await db.execute(
                "INSERT INTO categories (slug, name, position) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (area.slug, area.name, position),
            )
            area_id = await db.scalar("SELECT id FROM categories WHERE slug = ?", (area.slug,))
            await db.executemany(
                "INSERT INTO categories (parent_id, slug, name, unit, done, max_quantity,"
                " position) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    (area_id, s.slug, s.name, s.unit, s.done, s.max_quantity, i)
                    for i, s in enumerate(area.types)
                ],
            )
