"""The digest's chart: a PNG of the week's services per day and per service area.

Drawn with matplotlib's Agg canvas (no pyplot, no global figure state) in the Vazirmatn font
shipped in bot/fonts, so it looks the same on every machine. matplotlib >= 3.11 shapes and orders
Persian itself: text goes in as typed, never reshaped. Digits are converted to Persian before
drawing. Rendering is CPU work of a few hundred milliseconds: async code calls render_chart_async(),
which runs it in a worker thread.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Final

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from bot.core import jalali
from bot.core.i18n import label
from bot.core.text import fmt_num, truncate
from bot.digest.render import week_range
from db.digest_week import Ranked, WeekDigest
from db.models import ScopeKind

FONT_DIR: Final = Path(__file__).resolve().parents[1] / "fonts"
DPI: Final = 100
WIDTH_PX: Final = 1080
# The layout in pixels from the top; the height follows the number of area rows, at most
# 1080 x 1348 (about 4:5, the tallest shape Telegram shows uncropped in a channel).
TITLE_Y: Final = 60
SUBTITLE_Y: Final = 115
DAYS_HEADING_Y: Final = 190
DAYS_TOP: Final = 250
DAYS_HEIGHT: Final = 330
AREAS_HEADING_Y: Final = 730
AREAS_TOP: Final = 780
AREA_ROW: Final = 66
BOTTOM_MARGIN: Final = 40
EMPTY_HEIGHT: Final = 460
SIDE_MARGIN: Final = 40
MAX_AREAS: Final = 8

INK: Final = "#1f2933"
MUTED: Final = "#616e7c"
GRID: Final = "#e4e7eb"
DAY_BAR: Final = "#2f9e6e"
AREA_BAR: Final = "#3a7bd5"
BACKGROUND: Final = "#ffffff"


@cache
def _font_path(bold: bool) -> str:
    """The path of the shipped Vazirmatn file of a weight."""
    path = FONT_DIR / ("Vazirmatn-Bold.ttf" if bold else "Vazirmatn-Regular.ttf")
    if not path.is_file():
        raise FileNotFoundError(f"the chart font is missing: {path}")
    return str(path)


def _font(size: float, *, bold: bool = False) -> FontProperties:
    """Vazirmatn at a size in points (a fresh object: FontProperties is mutable)."""
    return FontProperties(fname=_font_path(bold), size=size)


def _ticks(top: int) -> list[int]:
    """Whole-number ticks from 0 to at least top."""
    values = MaxNLocator(nbins=4, integer=True, min_n_ticks=2).tick_values(0, max(top, 1))
    return [int(v) for v in values if v >= 0]


def _fit(
    fig: Figure, text: Text, max_px: float, compose: Callable[[str], str] | None = None
) -> None:
    """Shortens a drawn text with «…» until it is at most max_px wide.

    With compose, only the name inside the text is shortened: compose(name) gives the whole text
    and the name is the text first drawn, so numbers beside a long name stay whole.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    name = text.get_text()
    build = compose or (lambda part: part)
    text.set_text(build(name))
    if text.get_window_extent(renderer).width <= max_px:
        return
    low, high = 1, len(name)  # the longest prefix that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        text.set_text(build(truncate(name, middle)))
        if text.get_window_extent(renderer).width <= max_px:
            low = middle
        else:
            high = middle - 1
    text.set_text(build(truncate(name, low)))


def _y(fig: Figure, px: float) -> float:
    """A height in pixels from the top as a figure fraction from the bottom."""
    return 1 - px / (fig.get_figheight() * DPI)


def _rect(
    fig: Figure, left: float, top_px: float, width: float, height_px: float
) -> tuple[float, float, float, float]:
    """An axes rectangle: left and width as fractions, top and height in pixels."""
    height = height_px / (fig.get_figheight() * DPI)
    return (left, _y(fig, top_px) - height, width, height)


def _title(fig: Figure, digest: WeekDigest) -> None:
    """The title (the Jalali week) and a subtitle naming the scope and the totals."""
    fig.text(
        0.5,
        _y(fig, TITLE_Y),
        label("chart-title", week=week_range(digest)),
        ha="center",
        va="center",
        color=INK,
        fontproperties=_font(27, bold=True),
    )
    if digest.scope is ScopeKind.PROVINCE:
        scope = label("chart-scope-province", province=digest.scope_name)
    elif digest.scope is ScopeKind.CAMPAIGN:
        scope = digest.scope_name
    else:
        scope = label("chart-scope-national")
    numbers = {"reports": digest.current.reports, "groups": digest.current.groups}

    def compose(name: str) -> str:
        return name if digest.empty else label("chart-subtitle", scope=name, **numbers)

    text = fig.text(
        0.5,
        _y(fig, SUBTITLE_Y),
        scope,
        ha="center",
        va="center",
        color=MUTED,
        fontproperties=_font(19),
    )
    _fit(fig, text, WIDTH_PX - 2 * SIDE_MARGIN, compose)


def _heading(fig: Figure, y_px: float, text: str) -> None:
    """A panel's heading, right-aligned as Persian text is."""
    fig.text(
        0.94,
        _y(fig, y_px),
        text,
        ha="right",
        va="center",
        color=INK,
        fontproperties=_font(21, bold=True),
    )


def _plain_axes(ax: Axes) -> None:
    """Removes the frame and tick marks; keeps a light grid drawn behind the bars."""
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    ax.set_axisbelow(True)
    ax.set_facecolor(BACKGROUND)


def _days(fig: Figure, digest: WeekDigest) -> None:
    """Reports per day, Saturday at the right and Friday at the left, as a Persian reads."""
    _heading(fig, DAYS_HEADING_Y, label("chart-by-day"))
    ax = fig.add_axes(_rect(fig, 0.05, DAYS_TOP, 0.83, DAYS_HEIGHT))
    _plain_axes(ax)
    positions = [6 - i for i in range(7)]  # Saturday (index 0) is drawn rightmost
    values = list(digest.days)
    bars = ax.bar(positions, values, width=0.62, color=DAY_BAR)
    top = max(values)
    ticks = _ticks(top)
    ax.set_ylim(0, max(ticks[-1], top) * 1.18)
    ax.set_xlim(-0.6, 6.6)
    ax.yaxis.tick_right()
    ax.set_yticks(ticks, labels=[fmt_num(v) for v in ticks], fontproperties=_font(15))
    ax.tick_params(axis="y", colors=MUTED, pad=8)
    ax.grid(axis="y", color=GRID, linewidth=1.2)
    labels = []
    for i in range(7):
        day = digest.week_start + timedelta(days=i)
        labels.append(
            label("chart-day", weekday=jalali.weekday_name(day), date=jalali.format_day_month(day))
        )
    ax.set_xticks(positions, labels=labels, fontproperties=_font(15), color=INK)
    ax.tick_params(axis="x", pad=8)
    for bar, value in zip(bars, values, strict=True):
        if value:
            ax.annotate(
                fmt_num(value),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                va="bottom",
                color=INK,
                fontproperties=_font(16, bold=True),
            )


def _areas(fig: Figure, digest: WeekDigest) -> None:
    """Reports per area as horizontal bars growing leftwards from the names on the right."""
    _heading(fig, AREAS_HEADING_Y, label("chart-by-area"))
    areas = shown_areas(digest)
    ax = fig.add_axes(_rect(fig, 0.05, AREAS_TOP, 0.6, AREA_ROW * len(areas)))
    _plain_axes(ax)
    rows = list(range(len(areas)))
    values = [a.reports for a in areas]
    bars = ax.barh(rows, values, height=0.62, color=AREA_BAR)
    ax.set_xlim(max(values) * 1.22, 0)  # inverted: bars grow from right to left
    ax.set_ylim(len(areas) - 0.5, -0.5)  # the largest on top
    ax.set_yticks([])
    ax.set_xticks([])
    left, _, width, _ = ax.get_position().bounds
    names_start = (left + width) * WIDTH_PX + 12
    for row, area in zip(rows, areas, strict=True):
        name = ax.text(
            1,
            row,
            area.name,
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            color=INK,
            fontproperties=_font(17),
        )
        name.set_x(1 + 12 / (width * WIDTH_PX))  # a small gap after the bar's start
        _fit(fig, name, WIDTH_PX - SIDE_MARGIN - names_start)
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(
            fmt_num(value),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(-8, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            color=INK,
            fontproperties=_font(16, bold=True),
        )


def shown_areas(digest: WeekDigest) -> list[Ranked]:
    """The area bars: the largest ones, and the rest summed in one «other» bar if too many."""
    if len(digest.areas) <= MAX_AREAS:
        return list(digest.areas)
    kept, rest = digest.areas[: MAX_AREAS - 1], digest.areas[MAX_AREAS - 1 :]
    return [*kept, Ranked(label("chart-other-areas"), sum(a.reports for a in rest))]


def _empty(fig: Figure) -> None:
    """The body of a week without reports: one friendly line instead of empty axes."""
    fig.text(
        0.5,
        _y(fig, (SUBTITLE_Y + EMPTY_HEIGHT) / 2 + 20),
        label("chart-empty"),
        ha="center",
        va="center",
        color=MUTED,
        fontproperties=_font(26),
    )


def chart_height(digest: WeekDigest) -> int:
    """The chart's height in pixels: shorter for an empty week and for few service areas."""
    if digest.empty or not digest.areas:
        return EMPTY_HEIGHT if digest.empty else AREAS_HEADING_Y - 20
    return AREAS_TOP + len(shown_areas(digest)) * AREA_ROW + BOTTOM_MARGIN


def render_chart(digest: WeekDigest) -> bytes:
    """Draws the digest's chart and returns it as PNG bytes (blocking: run it off the loop)."""
    fig = Figure(
        figsize=(WIDTH_PX / DPI, chart_height(digest) / DPI), dpi=DPI, facecolor=BACKGROUND
    )
    FigureCanvasAgg(fig)
    _title(fig, digest)
    if digest.empty:
        _empty(fig)
    else:
        _days(fig, digest)
        if digest.areas:
            _areas(fig, digest)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND)
    return buffer.getvalue()


async def render_chart_async(digest: WeekDigest) -> bytes:
    """Draws the chart in a worker thread, so that the event loop keeps serving people."""
    return await asyncio.to_thread(render_chart, digest)
