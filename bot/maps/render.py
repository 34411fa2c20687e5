"""The province map: a PNG of Iran's 31 provinces coloured by each one's figure (db.province_map).

Drawn like the chart (bot/digest/chart.py): matplotlib's Agg canvas, no pyplot, the shipped
Vazirmatn font, Persian text as typed (matplotlib >= 3.11 shapes it), Persian digits. The outlines
are Natural Earth's (bot/maps/geo/README.md), projected plate carrée with longitudes shrunk by the
cosine of Iran's middle latitude, so that the country keeps its shape. Rendering is CPU work: async
code calls render_map_async(), which runs it in a worker thread.
"""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as GeoPath
from matplotlib.patheffects import withStroke
from matplotlib.text import Text

from bot.core import jalali
from bot.core.i18n import label
from bot.core.text import fmt_num, to_persian_digits
from bot.digest.chart import BACKGROUND, DPI, INK, MUTED, SIDE_MARGIN, WIDTH_PX, _fit, _font, _y
from db.province_map import MapBasis, ProvinceFigure, ProvinceMap

GEO_DIR: Final = Path(__file__).resolve().parent / "geo"
MIDDLE_LATITUDE: Final = 32.5
SHRINK: Final = math.cos(math.radians(MIDDLE_LATITUDE))

# Layout in pixels from the top.
HEIGHT_PX: Final = 1240
TITLE_Y: Final = 58
SUBTITLE_Y: Final = 108
MAP_TOP: Final = 150
MAP_HEIGHT: Final = 890
LEGEND_Y: Final = 1100
NOTE_Y: Final = 1200

# Colours: light to dark green as a province does more; grey where there is no yardstick.
SHADES: Final = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")
NONE_SHADE: Final = "#dfe3e8"
EDGE: Final = "#ffffff"
HIGHLIGHT: Final = "#d9480f"
HALO: Final = (withStroke(linewidth=3.5, foreground="#ffffff"),)
SHARE_STEPS: Final = (0.25, 0.5, 0.75, 1.0)  # fractions of a share: five classes
LONG_NAME: Final = 10  # letters: a longer province name is written on two lines


@dataclass(frozen=True, slots=True)
class Outline:
    """A province's rings in map units (shrunk longitude, latitude), a point well inside it, and
    where its label goes (the inner point, or a place outside joined to it by a line)."""

    code: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    anchor: tuple[float, float]
    label_at: tuple[float, float]

    @property
    def leader(self) -> bool:
        """True when the label is away from the province, joined to it by a thin line."""
        return self.label_at != self.anchor


def _inner_point(rings: tuple[tuple[tuple[float, float], ...], ...]) -> tuple[float, float]:
    """The point of a province farthest from its border (on a 40 x 40 grid of its largest ring's
    box): a label there stays inside a crescent, where a centroid would fall outside."""
    ring = np.array(max(rings, key=len))
    (left, bottom), (right, top) = ring.min(axis=0), ring.max(axis=0)
    xs, ys = np.meshgrid(np.linspace(left, right, 40), np.linspace(bottom, top, 40))
    points = np.column_stack([xs.ravel(), ys.ravel()])
    points = points[GeoPath(ring).contains_points(points)]
    starts, ends = ring, np.roll(ring, -1, axis=0)
    edge = ends - starts
    length = np.maximum((edge**2).sum(axis=1), 1e-12)
    along = ((points[:, None, :] - starts) * edge).sum(axis=2) / length
    nearest = starts + np.clip(along, 0, 1)[:, :, None] * edge
    distance = np.sqrt(((points[:, None, :] - nearest) ** 2).sum(axis=2)).min(axis=1)
    x, y = points[int(distance.argmax())]
    return float(x), float(y)


@cache
def outlines() -> tuple[Outline, ...]:
    """The 31 provinces' outlines, keyed by the project's province codes (read once)."""
    with (GEO_DIR / "provinces.csv").open(encoding="utf-8") as table:
        codes = {row["natural_earth_name"]: row["province_code"] for row in csv.DictReader(table)}
    data = json.loads((GEO_DIR / "iran_provinces.json").read_text(encoding="utf-8"))
    found = []
    for province in data["provinces"]:
        rings = tuple(tuple((x * SHRINK, y) for x, y in ring) for ring in province["rings"])
        code = codes[province["name"]]
        anchor = _inner_point(rings)
        away = LABEL_AWAY.get(code)
        label_at = anchor if away is None else (away[0] * SHRINK, away[1])
        found.append(Outline(code, rings, anchor, label_at))
    return tuple(found)


# Provinces too narrow or too small for their name, labelled outside the country (longitude,
# latitude: in the sea or across the border) and joined to it by a line.
LABEL_AWAY: Final[dict[str, tuple[float, float]]] = {
    "IR-04": (43.2, 38.2),  # West Azerbaijan: Natural Earth's outline is a thin strip
    "IR-30": (50.9, 37.7),  # Alborz: in the Caspian Sea
    "IR-17": (49.3, 29.2),  # Kohgiluyeh and Boyer-Ahmad: in the Persian Gulf
    "IR-24": (49.8, 38.9),  # Ardabil: in the Caspian Sea
}


def _shade(figure: ProvinceFigure, steps: tuple[float, ...]) -> str:
    """A province's colour: its class among the steps, grey without a base."""
    value = figure.value
    if value is None:
        return NONE_SHADE
    return SHADES[sum(value >= step for step in steps)]


def _nice(value: float) -> float:
    """The nice number (1, 2, 2.5 or 5 times a power of ten) at or above value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


def steps_for(data: ProvinceMap) -> tuple[float, ...]:
    """The four class boundaries: a share's quarters, or nice steps up to the best province."""
    if data.basis is MapBasis.SHARES:
        return SHARE_STEPS
    top = max((p.value or 0.0) for p in data.provinces)
    step = _nice(top / 5)
    return tuple(step * i for i in range(1, 5))


def _number(value: float) -> str:
    """A figure as a person reads it: whole from ten on, else with one decimal («۲٫۵»)."""
    if value >= 10 or value == int(value):
        return fmt_num(round(value))
    return to_persian_digits(f"{value:.1f}").replace(".", "٫")


def value_text(data: ProvinceMap, figure: ProvinceFigure) -> str:
    """What is written on a province: «۴۵٪» of its share, or services per group."""
    value = figure.value
    if value is None:
        return ""
    if data.basis is MapBasis.SHARES:
        # An Arabic letter mark first: the sign goes where it does in the messages' Persian
        # lines, after the number as read from the right.
        return "\u061c" + label("map-percent", percent=fmt_num(math.floor(value * 100)))
    return _number(value)


def legend_labels(data: ProvinceMap, steps: tuple[float, ...]) -> list[str]:
    """The five classes' labels, lowest first, then the grey one's."""
    shares = data.basis is MapBasis.SHARES
    unit = "٪" if shares else ""
    bounds = [fmt_num(round(s * 100)) if shares else _number(s) for s in steps]
    labels = [label("map-legend-below", value=bounds[0], unit=unit)]
    labels += [
        label("map-legend-range", low=low, high=high, unit=unit)
        for low, high in itertools.pairwise(bounds)
    ]
    if shares:
        return [*labels, label("map-legend-reached"), label("map-legend-no-share")]
    return [*labels, label("map-legend-above", value=bounds[-1]), label("map-legend-no-group")]


def _titles(fig: Figure, data: ProvinceMap) -> None:
    """The title (what is measured) and the subtitle (over which days)."""
    if data.basis is MapBasis.SHARES:
        title = label("map-title-shares", campaign=data.title)
        subtitle = label("map-subtitle-shares", date=jalali.format_date(data.last, weekday=False))
    elif data.title:
        title = label("map-title-campaign-per-group", campaign=data.title)
        subtitle = label("map-subtitle-campaign", date=jalali.format_date(data.last, weekday=False))
    else:
        title = label("map-title-week-per-group")
        subtitle = label("map-subtitle-week", week=jalali.format_range(data.first, data.last))
    heading = _centred(fig, TITLE_Y, title, INK, _font(26, bold=True))
    _fit(fig, heading, WIDTH_PX - 2 * SIDE_MARGIN)
    _centred(fig, SUBTITLE_Y, subtitle, MUTED, _font(18))


def _centred(fig: Figure, y_px: float, text: str, colour: str, font: FontProperties) -> Text:
    """A line of text centred across the picture, y_px from its top."""
    return fig.text(
        0.5, _y(fig, y_px), text, ha="center", va="center", color=colour, fontproperties=font
    )


def _name(name: str) -> str:
    """A long name on two lines, broken at its middle-most space."""
    if len(name) <= LONG_NAME or " " not in name:
        return name
    # Not before «و»: «چهارمحال و / بختیاری», never «چهارمحال / و بختیاری».
    spaces = [i for i, ch in enumerate(name) if ch == " " and name[i + 1 : i + 3] != "و "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return name[:cut] + "\n" + name[cut + 1 :]


def _map(fig: Figure, data: ProvinceMap, steps: tuple[float, ...]) -> None:
    """The provinces, their names and figures, the asker's provinces outlined."""
    shapes = outlines()
    xs = [x for o in shapes for ring in o.rings for x, _ in ring] + [o.label_at[0] for o in shapes]
    ys = [y for o in shapes for ring in o.rings for _, y in ring] + [o.label_at[1] for o in shapes]
    left, right, bottom, top = min(xs) - 0.4, max(xs) + 0.1, min(ys) - 0.1, max(ys) + 0.1
    fig_height = fig.get_figheight() * DPI
    ax_height = MAP_HEIGHT / fig_height
    ax_width = min(ax_height * fig_height / WIDTH_PX * (right - left) / (top - bottom), 0.98)
    ax = fig.add_axes(((1 - ax_width) / 2, _y(fig, MAP_TOP) - ax_height, ax_width, ax_height))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal")
    ax.axis("off")
    figures = {p.code: p for p in data.provinces}
    highlighted = []
    for outline in shapes:
        figure = figures.get(outline.code)
        colour = NONE_SHADE if figure is None else _shade(figure, steps)
        path = _path(outline)
        ax.add_patch(PathPatch(path, facecolor=colour, edgecolor=EDGE, linewidth=1.2))
        if outline.code in data.highlight:
            highlighted.append(path)
        if figure is None:
            continue
        text = _name(figure.name)
        if figure.value is not None:
            text += "\n" + value_text(data, figure)
        if outline.leader:
            ax.plot(*zip(outline.label_at, outline.anchor, strict=True), color=MUTED, lw=0.9)
        ax.text(
            *outline.label_at,
            text,
            ha="center",
            va="center",
            linespacing=1.0,
            color=INK,
            fontproperties=_font(12, bold=True),
            path_effects=HALO,  # legible on every shade and across a border
        )
    for path in highlighted:
        ax.add_patch(PathPatch(path, facecolor="none", edgecolor=HIGHLIGHT, linewidth=3.5))


def _path(outline: Outline) -> GeoPath:
    """One matplotlib path of a province's rings (each closed, as GeoJSON's are)."""
    return GeoPath.make_compound_path(*(GeoPath(ring, closed=True) for ring in outline.rings))


def _legend(fig: Figure, data: ProvinceMap, steps: tuple[float, ...]) -> None:
    """The classes in a row read from the right, as Persian is: swatch, then its label."""
    labels = legend_labels(data, steps)
    colours = [*SHADES, NONE_SHADE]
    slot = (WIDTH_PX - 2 * SIDE_MARGIN) / len(labels)
    height = fig.get_figheight() * DPI
    for i, (text, colour) in enumerate(zip(labels, colours, strict=True)):
        right = WIDTH_PX - SIDE_MARGIN - i * slot
        fig.add_artist(
            Rectangle(
                ((right - 30) / WIDTH_PX, _y(fig, LEGEND_Y + 13)),
                28 / WIDTH_PX,
                26 / height,
                facecolor=colour,
                edgecolor=MUTED,
                linewidth=0.6,
                transform=fig.transFigure,
            )
        )
        name = fig.text(
            (right - 38) / WIDTH_PX,
            _y(fig, LEGEND_Y),
            text,
            ha="right",
            va="center",
            color=INK,
            fontproperties=_font(15),
        )
        _fit(fig, name, slot - 44)
    if data.basis is MapBasis.SHARES:
        note = label("map-note-shares")
    else:
        note = label("map-note-per-group" if data.title else "map-note-week-per-group")
    _centred(fig, NOTE_Y, note, MUTED, _font(14))


def render_map(data: ProvinceMap) -> bytes:
    """Draws the map and returns it as PNG bytes (blocking: run it off the loop)."""
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(fig)
    steps = steps_for(data)
    _titles(fig, data)
    _map(fig, data, steps)
    _legend(fig, data, steps)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND)
    return buffer.getvalue()


async def render_map_async(data: ProvinceMap) -> bytes:
    """Draws the map in a worker thread, so that the event loop keeps serving people."""
    return await asyncio.to_thread(render_map, data)
