"""One week's digest as storage computes it (db.digest_queries) and the digest renders it
(handlers.digest): the figures of a scope for a week, names raw (rendering escapes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.core import jalali
from db.models import ScopeKind
from db.province_map import ProvinceMap
from db.stats import CampaignProgress, Figures, ShareLine


class PlaceLevel(StrEnum):
    """Which places the «leading places» list names."""

    PROVINCE = "province"
    COUNTY = "county"


@dataclass(frozen=True, slots=True)
class ServiceTotal:
    """A service type's summed quantity in its unit: «بستهٔ معیشتی — ۶۴۰ بسته»."""

    name: str
    area: str
    unit: str
    quantity: int
    reports: int


@dataclass(frozen=True, slots=True)
class Ranked:
    """A named count of reports: a group, a province or county, or a service area.

    Reports, not summed quantities: quantities of unlike units do not add up.
    """

    name: str
    reports: int


@dataclass(frozen=True)
class Run:
    """A group's run of consecutive Jalali weeks with a report."""

    name: str
    weeks: int


@dataclass(frozen=True, slots=True)
class CampaignWeek:
    """A campaign in a week's digest: its progress at the week's end (db.stats's one
    computation), what it counted during the week, and its province shares (in a province's
    digest, that province's own)."""

    progress: CampaignProgress
    week: int
    shares: tuple[ShareLine, ...] = ()


@dataclass(frozen=True, slots=True)
class WeekDigest:
    """Everything one week's digest shows, for one scope; names are raw (rendering escapes)."""

    scope: ScopeKind
    scope_name: str  # the province's name or the campaign's title; '' for national
    week_start: date  # a Saturday; the week runs to the Friday after
    current: Figures  # reports, people and groups (its summed quantities mix units: unshown)
    previous: Figures  # the week before, for the change
    services: tuple[ServiceTotal, ...]  # by service type, largest first
    areas: tuple[Ranked, ...]  # reports by service area, most first (the chart's bars)
    days: tuple[int, int, int, int, int, int, int]  # reports per day, Saturday first
    top_groups: tuple[Ranked, ...]
    top_places: tuple[Ranked, ...]
    place_level: PlaceLevel  # provinces for a national digest, counties for a provincial one
    campaigns: tuple[CampaignWeek, ...]  # the campaigns running during the week
    late: bool = False  # posted after its time (the bot was down)
    pending: int = 0  # reports of the week waiting for review, when only approved ones count
    map: ProvinceMap | None = None  # the national digest's second picture, beside the chart
    streaks: tuple[Run, ...] = ()  # the groups with the longest runs of weeks
    previous_pending: int = 0  # the week before's reports waiting for review (for the change)

    def __post_init__(self) -> None:
        if jalali.weekday(self.week_start) != 0:
            raise ValueError(f"a digest week starts on a Saturday, not on {self.week_start}")
        if len(self.days) != 7:
            raise ValueError("days must hold seven totals, Saturday first")

    @property
    def week_end(self) -> date:
        """The Friday that ends the week."""
        return self.week_start + timedelta(days=6)

    @property
    def empty(self) -> bool:
        """True when no report was filed during the week."""
        return self.current.reports == 0
