"""Default seed data read from locales/fa: Iran's provinces and counties, and service categories."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from bot.core.i18n import LOCALE_DIR
from bot.core.text import persian_sort_key

DIVISIONS_FILE: Final = LOCALE_DIR / "divisions.csv"
CATEGORIES_FILE: Final = LOCALE_DIR / "categories.toml"
COUNTY_POINTS_FILE: Final = LOCALE_DIR / "county_points.csv"
OUTLINE_FILE: Final = LOCALE_DIR / "iran_outline.json"

Point = tuple[float, float]  # (latitude, longitude) in degrees

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SLUG_MAX = 32  # slugs travel in callback data (64 bytes) next to a prefix and other ids


class SeedError(ValueError):
    """A seed file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class County:
    """A county (شهرستان)."""

    code: str  # opaque: the SCI 1399 code, or "osm-<relation>" for counties created since
    name: str
    name_en: str
    province_code: str
    osm_relation: int | None
    wikidata: str | None


@dataclass(frozen=True, slots=True)
class Province:
    """A province (استان) with its counties in Persian alphabetical order."""

    code: str  # ISO 3166-2:IR, e.g. "IR-00" for Markazi
    name: str
    name_en: str
    counties: tuple[County, ...]


@dataclass(frozen=True, slots=True)
class ServiceType:
    """A service type inside an area, with the unit its quantity is counted in."""

    slug: str
    name: str
    unit: str  # «بسته»: «چند بسته توزیع شد؟»
    done: str  # «توزیع شد»
    max_quantity: int


@dataclass(frozen=True, slots=True)
class CategoryArea:
    """A service area (حوزهٔ خدمت) with its service types in file order."""

    slug: str
    name: str
    types: tuple[ServiceType, ...]


def load_divisions(path: Path = DIVISIONS_FILE) -> list[Province]:
    """Returns the 31 provinces with their counties, both sorted by Persian name."""
    return list(_divisions(path))


def load_county_points(path: Path = COUNTY_POINTS_FILE) -> dict[str, Point]:
    """Returns each county's point (its seat), by county code; a few counties have none."""
    return dict(_county_points(path))


def load_outline(path: Path = OUTLINE_FILE) -> tuple[tuple[Point, ...], ...]:
    """Returns Iran's outline: polygons (the mainland and islands) of (latitude, longitude)."""
    return _outline(path)


@cache
def _county_points(path: Path) -> tuple[tuple[str, Point], ...]:
    """Reads and checks county_points.csv once."""
    points: dict[str, Point] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name}:{line}"
            try:
                code = _required(row, "county_code")
                point = (float(_required(row, "latitude")), float(_required(row, "longitude")))
            except (KeyError, ValueError) as exc:
                raise SeedError(f"{where}: {exc}") from exc
            if not (24 <= point[0] <= 40 and 44 <= point[1] <= 64):
                raise SeedError(f"{where}: {point} is not in Iran")
            if points.setdefault(code, point) != point:
                raise SeedError(f"{where}: duplicate county code {code}")
    return tuple(points.items())


@cache
def _outline(path: Path) -> tuple[tuple[Point, ...], ...]:
    """Reads the outline once; the file holds [longitude, latitude] pairs, as GeoJSON does."""
    rings = json.loads(path.read_text(encoding="utf-8"))["rings"]
    return tuple(tuple((float(lat), float(lon)) for lon, lat in ring) for ring in rings)


def load_categories(path: Path = CATEGORIES_FILE) -> list[CategoryArea]:
    """Returns the default service areas and their types, in file order."""
    return list(_categories(path))


@cache
def _divisions(path: Path) -> tuple[Province, ...]:
    """Reads and checks divisions.csv once."""
    names: dict[str, tuple[str, str]] = {}
    counties: dict[str, list[County]] = {}
    codes: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name}:{line}"
            try:
                province = (row["province_fa"], row["province_en"])
                county = County(
                    code=_required(row, "county_code"),
                    name=_required(row, "county_fa"),
                    name_en=_required(row, "county_en"),
                    province_code=_required(row, "province_code"),
                    osm_relation=int(row["osm_relation"]) if row["osm_relation"] else None,
                    wikidata=row["wikidata"] or None,
                )
            except (KeyError, ValueError) as exc:
                raise SeedError(f"{where}: {exc}") from exc
            if names.setdefault(county.province_code, province) != province:
                raise SeedError(f"{where}: province {county.province_code} is named differently")
            if county.code in codes:
                raise SeedError(f"{where}: duplicate county code {county.code}")
            codes.add(county.code)
            counties.setdefault(county.province_code, []).append(county)
    provinces = (
        Province(
            code=code,
            name=names[code][0],
            name_en=names[code][1],
            counties=tuple(sorted(items, key=lambda c: persian_sort_key(c.name))),
        )
        for code, items in counties.items()
    )
    return tuple(sorted(provinces, key=lambda p: persian_sort_key(p.name)))


@cache
def _categories(path: Path) -> tuple[CategoryArea, ...]:
    """Reads and checks categories.toml once."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{path.name}: {exc}") from exc
    slugs: set[str] = set()
    areas: list[CategoryArea] = []
    for area in data.get("area", []):
        where = f"{path.name}: area {area.get('slug')!r}"
        types: list[ServiceType] = []
        for item in area.get("type", []):
            item_where = f"{where}, type {item.get('slug')!r}"
            maximum = item.get("max")
            if not isinstance(maximum, int) or isinstance(maximum, bool) or maximum < 1:
                raise SeedError(f"{item_where}: max must be a positive integer")
            types.append(
                ServiceType(
                    slug=_slug(item, slugs, item_where),
                    name=_text(item, "name", item_where),
                    unit=_text(item, "unit", item_where),
                    done=_text(item, "done", item_where),
                    max_quantity=maximum,
                )
            )
        if not types:
            raise SeedError(f"{where}: an area needs at least one type")
        areas.append(
            CategoryArea(
                slug=_slug(area, slugs, where), name=_text(area, "name", where), types=tuple(types)
            )
        )
    if not areas:
        raise SeedError(f"{path.name}: no [[area]] entries")
    return tuple(areas)


def _required(row: dict[str, str], column: str) -> str:
    """Returns a non-empty CSV cell or raises ValueError."""
    value = (row.get(column) or "").strip()
    if not value:
        raise ValueError(f"{column} is empty")
    return value


def _text(entry: dict[str, object], key: str, where: str) -> str:
    """Returns a non-empty string field of a TOML table or raises SeedError."""
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SeedError(f"{where}: {key} must be a non-empty string")
    return value.strip()


def _slug(entry: dict[str, object], seen: set[str], where: str) -> str:
    """Returns a valid, not yet used slug of a TOML table or raises SeedError."""
    value = entry.get("slug")
    if not isinstance(value, str) or not _SLUG.fullmatch(value) or len(value) > _SLUG_MAX:
        raise SeedError(f"{where}: slug must be lowercase ASCII words joined by '-'")
    if value in seen:
        raise SeedError(f"{where}: duplicate slug {value}")
    seen.add(value)
    return value
