"""Figures for lookups, campaigns and leaderboards, read from the summaries of 0002_stats.sql.

A scope is one group, a set of groups, a county, a province or the country; a period is a Jalali
week (Saturday-Friday), month or year, a campaign, or a typed range, always [start, end) in dates.
Place figures count reports by where the service was done; "active groups" counts the groups
based in the scope (their home county) with a counted report in the period. A campaign counts the
reports filed under it whose service type it counts. Counting.ALL counts every live report
(submitted, approved and returned: everything not deleted); Counting.APPROVED counts approved
reports only and returns the submitted ones, waiting for review, as pending (reports and services;
a returned report waits for its reporter and is neither).

A campaign's figures are computed here once, as of a day, for every surface that shows them:
campaign_progress (count, pace, projected finish, expected by the day) and campaign_shares (each
province's share, its count and what is due). Quantities add up only within a unit (per_unit):
a total across service types counts reports.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.core import jalali
from bot.core.text import search_key
from db.campaigns import _campaign
from db.counting import (
    PENDING,
    Counting,
    columns,
    counted,
    in_campaign,
    live,
    pending,
    refill_campaign,
    report_sums,
    summary_sums,
    waiting,
)
from db.database import Database, Row
from db.models import Campaign, ScopeKind, UnitTotal

if TYPE_CHECKING:
    from db.stat_columns import ReportColumns

DAY = timedelta(days=1)
PACE_DAYS = 28
SILENT_WEEKS = 4
# A search key tolerates one typo from this many letters (shorter words match too many names).
TYPO_FROM = 5
# A trigram held by more groups than this is too common to narrow a typo search.
GRAM_CAP = 3000
FUZZY_CANDIDATES = 100
# At most this many exact matches are listed (a search for a common word stops there).
SEARCH_CAP = 300


class Measure(StrEnum):
    """What a leaderboard ranks by: reports, or people served; in a campaign, its own count.

    SERVICES (summed quantities) ranks only within one unit: a campaign's count, in its unit.
    """

    REPORTS = "reports"
    SERVICES = "services"
    BENEFICIARIES = "beneficiaries"


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose figures: some groups, a county, a province or the whole country."""

    kind: ScopeKind
    ids: tuple[int, ...] = ()

    @classmethod
    def group(cls, group_id: int) -> Scope:
        """One group."""
        return cls(ScopeKind.GROUPS, (group_id,))

    @classmethod
    def groups(cls, group_ids: Collection[int]) -> Scope:
        """A set of groups (e.g. every group a volunteer belongs to)."""
        return cls(ScopeKind.GROUPS, tuple(sorted(set(group_ids))))

    @classmethod
    def county(cls, county_id: int) -> Scope:
        """One county."""
        return cls(ScopeKind.COUNTY, (county_id,))

    @classmethod
    def province(cls, province_id: int) -> Scope:
        """One province (a coordinator's view)."""
        return cls(ScopeKind.PROVINCE, (province_id,))

    @classmethod
    def national(cls) -> Scope:
        """The whole country."""
        return cls(ScopeKind.NATIONAL)


class PeriodKind(StrEnum):
    """The kinds of period: Jalali week, month, year, a campaign, a typed range, since joining."""

    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    CAMPAIGN = "campaign"
    RANGE = "range"
    JOINED = "joined"


@dataclass(frozen=True, slots=True)
class Period:
    """Service dates from start (inclusive) to end (exclusive); a campaign period also filters."""

    kind: PeriodKind
    start: date
    end: date
    campaign_id: int | None = None

    @property
    def last(self) -> date:
        """The last day inside the period."""
        return self.end - DAY

    @classmethod
    def week(cls, day: date) -> Period:
        """The Saturday-Friday week containing day."""
        first, last = jalali.week_of(day)
        return cls(PeriodKind.WEEK, first, last + DAY)

    @classmethod
    def month(cls, day: date) -> Period:
        """The Jalali month containing day."""
        first, last = jalali.month_of(day)
        return cls(PeriodKind.MONTH, first, last + DAY)

    @classmethod
    def year(cls, day: date) -> Period:
        """The Jalali year containing day."""
        first, last = jalali.year_of(day)
        return cls(PeriodKind.YEAR, first, last + DAY)

    @classmethod
    def typed(cls, first: date, last: date) -> Period:
        """A range a person typed, both days included."""
        if last < first:
            raise ValueError(f"range ends before it starts: {first} > {last}")
        return cls(PeriodKind.RANGE, first, last + DAY)

    @classmethod
    def since(cls, first: date, today: date) -> Period:
        """From the day a volunteer joined a group to today, both included."""
        return cls(PeriodKind.JOINED, min(first, today), today + DAY)

    @classmethod
    def of_campaign(cls, campaign: Campaign) -> Period:
        """A campaign: its reports (whatever their dates), shown with its start and end."""
        return cls(PeriodKind.CAMPAIGN, campaign.starts_on, campaign.ends_on + DAY, campaign.id)

    @classmethod
    def current(cls, kind: PeriodKind, clock: jalali.Clock | None = None) -> Period:
        """This week, month or year in Tehran."""
        day = jalali.today(clock)
        makers = {PeriodKind.WEEK: cls.week, PeriodKind.MONTH: cls.month, PeriodKind.YEAR: cls.year}
        if kind not in makers:
            raise ValueError(f"no current period of kind {kind}")
        return makers[kind](day)

    def running(self, today: date) -> bool:
        """True while the period is under way: today is inside it but not its last day."""
        return self.start <= today < self.last

    def previous(self, today: date | None = None) -> Period | None:
        """The period of the same kind just before (None for a campaign or since joining).

        While the period is running (today given and inside it), only the same number of days
        from the start of the one before, so a part-period is not compared with a whole one.
        """
        whole: Period | None = None
        if self.kind is PeriodKind.WEEK:
            whole = Period.week(self.start - DAY)
        elif self.kind is PeriodKind.MONTH:
            whole = Period.month(self.start - DAY)
        elif self.kind is PeriodKind.YEAR:
            whole = Period.year(self.start - DAY)
        elif self.kind is PeriodKind.RANGE:
            whole = Period(PeriodKind.RANGE, self.start - (self.end - self.start), self.start)
        if whole is None or today is None or not self.running(today):
            return whole
        elapsed = today - self.start + DAY
        return Period(PeriodKind.RANGE, whole.start, min(whole.start + elapsed, whole.end))


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts over a set of reports."""

    reports: int = 0
    services: int = 0
    beneficiaries: int = 0
    volunteers: int = 0
    groups: int = 0


@dataclass(frozen=True, slots=True)
class Tally:
    """What counts, and (when only approved reports count) what waits for review.

    pending holds reports and services only (beneficiaries and volunteers are not summed apart).
    """

    counted: Figures
    pending: Figures


@dataclass(frozen=True, slots=True)
class TypeLine:
    """One service type's figures, with its unit; retired types still show for old reports."""

    category_id: int
    name: str
    area_name: str
    unit: str
    retired: bool
    reports: int
    services: int
    beneficiaries: int


@dataclass(frozen=True, slots=True)
class PlaceLine:
    """A province's or county's figures, ranked."""

    place_id: int
    name: str
    rank: int
    reports: int
    services: int
    beneficiaries: int


@dataclass(frozen=True, slots=True)
class Overview:
    """A scope's figures for a period, the previous period's, by service type and by place."""

    scope: Scope
    period: Period
    tally: Tally
    previous: Figures | None
    by_type: list[TypeLine]
    by_place: list[PlaceLine]
    partial: bool = False  # the period is running: previous covers the same first days only
    previous_waiting: int = 0  # the previous period's reports waiting for review


@dataclass(frozen=True, slots=True)
class GroupLine:
    """A group's place in a ranking (rank None: nothing counted)."""

    group_id: int
    name: str
    province_name: str
    county_name: str
    rank: int | None
    value: int
    reports: int


@dataclass(frozen=True, slots=True)
class Ranking:
    """The top groups, how many were ranked, and the asker's own group wherever it stands."""

    lines: list[GroupLine]
    ranked: int
    own: GroupLine | None


@dataclass(frozen=True, slots=True)
class SilentGroup:
    """An active group with no report for weeks, and its last report's service date."""

    group_id: int
    name: str
    county_name: str
    last_report: date | None


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of a longer list."""

    items: list[T]
    total: int
    offset: int
    limit: int
    capped: bool = False  # total stopped at a cap: there were more

    @property
    def has_more(self) -> bool:
        """True when later pages exist."""
        return self.offset + len(self.items) < self.total


def campaign_days(campaign: Campaign) -> int:
    """How many days a campaign runs, its first and last included."""
    return (campaign.ends_on - campaign.starts_on).days + 1


def days_elapsed(campaign: Campaign, as_of: date) -> int:
    """The campaign's days gone by on as_of, as_of included: none before it starts, all after."""
    return min(max((as_of - campaign.starts_on).days + 1, 0), campaign_days(campaign))


def pace_window(campaign: Campaign, as_of: date) -> int:
    """The days a campaign's pace is taken over on as_of: the last PACE_DAYS days, or its days
    so far while it is younger (at least one)."""
    return max(min(PACE_DAYS, days_elapsed(campaign, as_of)), 1)


def expected_by(target: int, campaign: Campaign, as_of: date, *, day_over: bool = False) -> int:
    """What should be done by as_of if target were spread evenly over the campaign's days.

    Only the days already over count: the days before as_of, and as_of itself when day_over (a
    week's digest, on its Friday). So nothing is due on a campaign's first day. Whole services,
    rounded down: on schedule means done >= expected_by(...).
    """
    over = as_of if day_over else as_of - DAY
    return target * days_elapsed(campaign, over) // campaign_days(campaign)


@dataclass(frozen=True, slots=True)
class CampaignProgress:
    """A campaign's count against its target on a day (as_of), and every figure drawn from it.

    The one definition the receipt, /stats, /campaign, the group card and the digest read:
    counted is what counts ([stats] counting) with service dates up to as_of; the pace is the
    count of the last PACE_DAYS days up to as_of (fewer in a campaign's first weeks) per day;
    the projected finish is the day the rest is done at that pace; expected is what an even
    spread of the target over the campaign's days has done on its days already over (before
    as_of; as_of too when day_over). Whether the pace reaches the target is bot.figures.wording's
    verdict.
    """

    campaign: Campaign
    as_of: date
    counted: int
    recent: int  # counted with service dates in the pace window (the last pace_days days)
    pending: int = 0  # waiting for review, when only approved reports count
    province_count: int | None = None
    group_count: int | None = None
    day_over: bool = False  # as_of is over too (a week's digest, on its Friday)

    @property
    def target(self) -> int:
        """The campaign's target."""
        return self.campaign.target

    @property
    def remaining(self) -> int:
        """What is still to be done (0 once the target is reached)."""
        return max(self.target - self.counted, 0)

    @property
    def reached(self) -> bool:
        """True when the target has been met."""
        return self.counted >= self.target

    @property
    def ended(self) -> bool:
        """True when as_of is after the campaign's last day."""
        return self.as_of > self.campaign.ends_on

    @property
    def pace_days(self) -> int:
        """The days the pace is taken over (pace_window)."""
        return pace_window(self.campaign, self.as_of)

    @property
    def pace_per_day(self) -> float:
        """The count per day over the pace window."""
        return self.recent / self.pace_days

    @property
    def projected(self) -> date | None:
        """The day the target is reached at the pace; None when reached or with no pace."""
        if self.reached or self.recent <= 0:
            return None
        return self.as_of + timedelta(days=math.ceil(self.remaining * self.pace_days / self.recent))

    @property
    def expected(self) -> int:
        """What an even spread of the target has done on the days already over (expected_by)."""
        return expected_by(self.target, self.campaign, self.as_of, day_over=self.day_over)

    @property
    def on_schedule(self) -> bool:
        """True when the count is at least what an even spread would have done by as_of."""
        return self.counted >= self.expected

    @property
    def days_left(self) -> int:
        """The campaign's days still to work: from as_of (the day after, when it is over) to its
        last day, both included (0 once it ended)."""
        return max((self.campaign.ends_on - self.as_of).days + (0 if self.day_over else 1), 0)

    @property
    def needed_per_day(self) -> int | None:
        """The count per day that reaches the target on the last day; None if reached or over."""
        if self.reached or not self.days_left:
            return None
        return math.ceil(self.remaining / self.days_left)


@dataclass(frozen=True, slots=True)
class ShareLine:
    """A province's share of a campaign's target, its count and what is due by as_of."""

    province_id: int
    name: str
    target: int
    counted: int
    expected: int  # what an even spread of the share has done on the days over (expected_by)

    @property
    def gap(self) -> int:
        """How much of its share is still missing."""
        return max(self.target - self.counted, 0)

    @property
    def fraction(self) -> float:
        """The part of its share done, from 0 to 1 (a map's colour)."""
        return min(self.counted / self.target, 1.0) if self.target > 0 else 1.0

    @property
    def on_schedule(self) -> bool:
        """True when the count is at least what is due by as_of."""
        return self.counted >= self.expected


def per_unit(items: Iterable[tuple[str, int]]) -> tuple[UnitTotal, ...]:
    """The one honest total of quantities across service types: one sum per unit.

    Quantities are added only within the same unit (299 پرس and 49 بسته are never 348 of
    anything); the largest first, ties by unit. items are (unit, quantity) pairs.
    """
    sums: dict[str, int] = {}
    for unit, quantity in items:
        sums[unit] = sums.get(unit, 0) + quantity
    ordered = sorted(sums.items(), key=lambda item: (-item[1], item[0]))
    return tuple(UnitTotal(unit, quantity) for unit, quantity in ordered if quantity)


def one_unit_total(items: Iterable[tuple[str, int]]) -> int | None:
    """The sum of the quantities when they share one unit; None when units differ (no total)."""
    units = per_unit(items)
    if len(units) > 1:
        return None
    return units[0].quantity if units else 0


@dataclass(frozen=True, slots=True)
class GroupHit:
    """A group found by name; exact False when found despite a typo."""

    group_id: int
    name: str
    province_name: str
    county_name: str
    exact: bool


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A province (county_id None) or county found by name, with its figures."""

    province_id: int
    county_id: int | None
    name: str
    province_name: str
    figures: Figures


# --- SQL pieces --------------------------------------------------------------------------------

# A measure's place among the summary columns (reports, services, beneficiaries).
_MEASURE_COLUMN = {Measure.REPORTS: 0, Measure.SERVICES: 1, Measure.BENEFICIARIES: 2}


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values)) or "NULL"


def _pieces(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """Splits [start, end) into whole Jalali months (first and last month start) and day ranges."""
    months: list[date] = []
    days: list[tuple[date, date]] = []
    cur = start
    while cur < end:
        first, last = jalali.month_of(cur)
        following = last + DAY
        if cur == first and following <= end:
            months.append(first)
            cur = following
        else:
            stop = min(following, end)
            if days and days[-1][1] == cur:
                days[-1] = (days[-1][0], stop)
            else:
                days.append((cur, stop))
            cur = stop
    return ((months[0], months[-1]) if months else None), days


def _place_ranges(period: Period) -> tuple[str, list[object]]:
    """A condition on stat_place (aliased s) selecting the rows that make up a period."""
    months, days = _pieces(period.start, period.end)
    conds: list[str] = []
    params: list[object] = []
    if months is not None:
        conds.append("(s.kind = 'm' AND s.start BETWEEN ? AND ?)")
        params += [months[0].isoformat(), months[1].isoformat()]
    for lo, hi in days:
        conds.append("(s.kind = 'd' AND s.start >= ? AND s.start < ?)")
        params += [lo.isoformat(), hi.isoformat()]
    return "(" + (" OR ".join(conds) or "1 = 0") + ")", params


def _group_period(period: Period) -> tuple[str, str] | None:
    """The stat_group_period key (kind, start) that is exactly this period, if one is."""
    codes = {PeriodKind.WEEK: "w", PeriodKind.MONTH: "m", PeriodKind.YEAR: "y"}
    code = codes.get(period.kind)
    return None if code is None else (code, period.start.isoformat())


def _figures(row: Row, offset: int = 0, groups: int = 0) -> Figures:
    values = [int(row[offset + i] or 0) for i in range(4)]
    return Figures(values[0], values[1], values[2], values[3], groups)


def _rank(values: Sequence[int]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) of values sorted from largest to smallest."""
    ranks: list[int] = []
    for i, value in enumerate(values):
        ranks.append(ranks[-1] if i and values[i - 1] == value else i + 1)
    return ranks


def fuzzy_distance(pattern: str, text: str) -> int:
    """The fewest single-letter edits that make pattern appear somewhere inside text."""
    previous = [0] * (len(text) + 1)
    for i, p in enumerate(pattern, 1):
        current = [i] + [0] * len(text)
        for j, c in enumerate(text, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (p != c))
        previous = current
    return min(previous)


def typo_allowance(key: str) -> int:
    """How many typos a search key tolerates: none under TYPO_FROM letters, one from there."""
    return 0 if len(key) < TYPO_FROM else 1


_HIT_SELECT = (
    "SELECT g.id, g.name, p.name, c.name, g.search_key FROM groups g"
    " JOIN provinces p ON p.id = g.province_id JOIN counties c ON c.id = g.county_id"
)


class StatsRepo:
    """Reads figures for scopes and periods, rankings, campaign progress; searches by name."""

    def __init__(self, db: Database, counting: Counting = Counting.ALL) -> None:
        self.db = db
        self.counting = counting  # what counts when a caller does not say ([stats] counting)
        self._columns: ReportColumns | None = None

    @property
    def columns(self) -> ReportColumns:
        """The in-memory report columns for national typed ranges, made on first use.

        numpy loads with them, not when the bot starts: most lookups never need it.
        """
        if self._columns is None:
            from db.stat_columns import ReportColumns

            self._columns = ReportColumns(self.db)
        return self._columns

    # --- scopes ---------------------------------------------------------------------------------

    async def _place_key(self, scope: Scope) -> tuple[int, int]:
        """The (province_id, county_id) of a place scope's summary rows."""
        if scope.kind is ScopeKind.NATIONAL:
            return 0, 0
        if scope.kind is ScopeKind.PROVINCE:
            return scope.ids[0], 0
        if scope.kind is ScopeKind.COUNTY:
            province = await self.db.scalar(
                "SELECT province_id FROM counties WHERE id = ?", (scope.ids[0],)
            )
            return int(province or -1), scope.ids[0]
        raise ValueError(f"not a place scope: {scope.kind}")

    def _group_filter(self, scope: Scope) -> tuple[str, list[object]]:
        """A condition on groups g for the groups based in a scope."""
        if scope.kind is ScopeKind.NATIONAL:
            return "1 = 1", []
        if scope.kind is ScopeKind.PROVINCE:
            return "g.province_id = ?", [scope.ids[0]]
        if scope.kind is ScopeKind.COUNTY:
            return (
                "g.province_id = (SELECT province_id FROM counties WHERE id = ?)"
                " AND g.county_id = ?",
                [scope.ids[0], scope.ids[0]],
            )
        return f"g.id IN ({_marks(scope.ids)})", list(scope.ids)

    @staticmethod
    def _types(categories: Collection[int] | None) -> tuple[str, list[object]]:
        if categories is None:
            return "", []
        ids = sorted(categories)
        return f" AND s.category_id IN ({_marks(ids)})", list(ids)

    # --- the asker ---------------------------------------------------------------------------

    async def joined_on(self, volunteer_id: int, group_id: int) -> date | None:
        """The day (in Tehran) a volunteer joined a group; None when they are not in it."""
        stamp = await self.db.scalar(
            "SELECT joined_at FROM memberships WHERE volunteer_id = ? AND group_id = ?",
            (volunteer_id, group_id),
        )
        if stamp is None:
            return None
        return datetime.fromisoformat(str(stamp)).astimezone(jalali.TEHRAN).date()

    async def waiting(self, province_id: int | None = None) -> int:
        """Reports waiting for review (status 'submitted'): of a province, or of the country."""
        if province_id is None:
            return int(await self.db.scalar(f"SELECT COUNT(*) FROM reports r WHERE {waiting()}"))
        return int(
            await self.db.scalar(
                f"SELECT COUNT(*) FROM reports r WHERE {waiting()} AND r.province_id = ?",
                (province_id,),
            )
        )

    # --- totals ---------------------------------------------------------------------------------

    async def totals(
        self,
        scope: Scope,
        period: Period,
        *,
        categories: Collection[int] | None = None,
        counting: Counting | None = None,
    ) -> Tally:
        """Reports, services, beneficiaries, volunteers and active groups of a scope in a period."""
        counting = self.counting if counting is None else counting
        if scope.kind is ScopeKind.GROUPS:
            return await self._group_totals(scope, period, categories, counting)
        province, county = await self._place_key(scope)
        types, type_params = self._types(categories)
        if period.kind is PeriodKind.CAMPAIGN:
            row = await self.db.fetchone(
                f"SELECT {summary_sums(counting, 's.')} FROM stat_campaign_place s"
                f" WHERE s.campaign_id = ? AND s.province_id = ? AND s.county_id = ?{types}",
                [period.campaign_id, province, county, *type_params],
            )
        else:
            ranges, params = _place_ranges(period)
            row = await self.db.fetchone(
                f"SELECT {summary_sums(counting, 's.')} FROM stat_place s"
                f" WHERE s.province_id = ? AND s.county_id = ? AND {ranges}{types}",
                [province, county, *params, *type_params],
            )
        assert row is not None
        groups, pending_groups = await self._active_groups(scope, period, categories, counting)
        return Tally(_figures(row, 0, groups), _figures(row, 4, pending_groups))

    async def _group_totals(
        self,
        scope: Scope,
        period: Period,
        categories: Collection[int] | None,
        counting: Counting,
    ) -> Tally:
        where, params = self._report_filter(scope, period, categories)
        ok = counted(counting)
        row = await self.db.fetchone(
            f"SELECT {report_sums(counting)},"
            f" COUNT(DISTINCT CASE WHEN {ok} THEN r.group_id END),"
            f" COUNT(DISTINCT CASE WHEN {pending(counting)} THEN r.group_id END)"
            f" FROM reports r WHERE {where} AND {live()}",
            params,
        )
        assert row is not None
        return Tally(_figures(row, 0, int(row[8])), _figures(row, 4, int(row[9])))

    async def reporter_totals(
        self, reporter_id: int, period: Period, *, counting: Counting | None = None
    ) -> Tally:
        """The reports a person filed themself (a leader's own part); groups: how many groups."""
        counting = self.counting if counting is None else counting
        if period.kind is PeriodKind.CAMPAIGN:
            when = f"r.campaign_id = ? AND {in_campaign()}"
            params: list[object] = [reporter_id, period.campaign_id]
        else:
            when = "r.service_date >= ? AND r.service_date < ?"
            params = [reporter_id, period.start.isoformat(), period.end.isoformat()]
        ok = counted(counting)
        row = await self.db.fetchone(
            f"SELECT {report_sums(counting)}, COUNT(DISTINCT CASE WHEN {ok} THEN r.group_id END)"
            f" FROM reports r WHERE r.reporter_id = ? AND {when} AND {live()}",
            params,
        )
        assert row is not None
        return Tally(_figures(row, 0, int(row[8])), _figures(row, 4))

    def _report_filter(
        self, scope: Scope, period: Period, categories: Collection[int] | None
    ) -> tuple[str, list[object]]:
        """A condition on reports r for a groups scope and a period."""
        sql = f"r.group_id IN ({_marks(scope.ids)})"
        params: list[object] = list(scope.ids)
        if period.kind is PeriodKind.CAMPAIGN:
            sql += f" AND r.campaign_id = ? AND {in_campaign()}"
            params.append(period.campaign_id)
        else:
            sql += " AND r.service_date >= ? AND r.service_date < ?"
            params += [period.start.isoformat(), period.end.isoformat()]
        if categories is not None:
            ids = sorted(categories)
            sql += f" AND r.category_id IN ({_marks(ids)})"
            params += ids
        return sql, params

    async def _active_groups(
        self,
        scope: Scope,
        period: Period,
        categories: Collection[int] | None,
        counting: Counting,
    ) -> tuple[int, int]:
        """Groups of a place scope with a counted report in the period (and with pending ones)."""
        where, params = self._group_filter(scope)
        key = _group_period(period)
        ok = f"CASE WHEN s.{columns(counting)[0]} > 0 THEN 1 ELSE 0 END"
        wait = "CASE WHEN s.ns > 0 THEN 1 ELSE 0 END" if PENDING[counting] else "0"
        if categories is None and (key is not None or period.kind is PeriodKind.CAMPAIGN):
            if key is not None:
                source = "stat_group_period s"
                on = "s.kind = ? AND s.start = ?"
                on_params: list[object] = list(key)
            else:
                source = "stat_group_campaign s"
                on = "s.campaign_id = ?"
                on_params = [period.campaign_id]
            if scope.kind is ScopeKind.NATIONAL:
                sql = (
                    f"SELECT COALESCE(SUM({ok}), 0), COALESCE(SUM({wait}), 0)"
                    f" FROM {source} WHERE {on}"
                )
                row = await self.db.fetchone(sql, on_params)
            else:
                sql = (
                    f"SELECT COALESCE(SUM({ok}), 0), COALESCE(SUM({wait}), 0) FROM groups g"
                    f" {self.db.ordered_join} {source} ON s.group_id = g.id AND {on}"
                    f" WHERE {where}"
                )
                row = await self.db.fetchone(sql, [*on_params, *params])
        elif scope.kind is ScopeKind.NATIONAL and period.kind is not PeriodKind.CAMPAIGN:
            found = await self.columns.group_values(
                period.start,
                period.end,
                counting=counting,
                categories=None if categories is None else sorted(categories),
            )
            return len(found.group_ids), found.waiting_groups
        else:
            period_sql: str
            if period.kind is PeriodKind.CAMPAIGN:
                period_sql = f"r.campaign_id = ? AND {in_campaign()}"
                period_params: list[object] = [period.campaign_id]
            else:
                period_sql = "r.service_date >= ? AND r.service_date < ?"
                period_params = [period.start.isoformat(), period.end.isoformat()]
            if categories is not None:
                ids = sorted(categories)
                period_sql += f" AND r.category_id IN ({_marks(ids)})"
                period_params += ids
            exists = (
                "CASE WHEN EXISTS (SELECT 1 FROM reports r WHERE r.group_id = g.id AND {status}"
                f" AND {period_sql}) THEN 1 ELSE 0 END"
            )
            active = exists.format(status=counted(counting))
            waits = exists.format(status=pending(counting)) if PENDING[counting] else "0"
            wait_params = period_params if PENDING[counting] else []
            row = await self.db.fetchone(
                f"SELECT COALESCE(SUM({active}), 0), COALESCE(SUM({waits}), 0)"
                f" FROM groups g WHERE {where}",
                [*period_params, *wait_params, *params],
            )
        assert row is not None
        return int(row[0]), int(row[1])

    # --- breakdowns -----------------------------------------------------------------------------

    async def by_type(
        self,
        scope: Scope,
        period: Period,
        *,
        categories: Collection[int] | None = None,
        counting: Counting | None = None,
    ) -> list[TypeLine]:
        """A scope's counted figures per service type with its unit, most services first."""
        counting = self.counting if counting is None else counting
        cols = columns(counting)
        if scope.kind is ScopeKind.GROUPS:
            where, params = self._report_filter(scope, period, categories)
            inner = (
                f"SELECT r.category_id AS category_id, COUNT(*) AS n, SUM(r.quantity) AS q,"
                f" SUM(COALESCE(r.beneficiaries, 0)) AS b FROM reports r"
                f" WHERE {where} AND {counted(counting)} GROUP BY r.category_id"
            )
        else:
            province, county = await self._place_key(scope)
            types, type_params = self._types(categories)
            if period.kind is PeriodKind.CAMPAIGN:
                table, cond = "stat_campaign_place", "s.campaign_id = ?"
                params = [period.campaign_id]
            else:
                ranges, range_params = _place_ranges(period)
                table, cond, params = "stat_place", ranges, range_params
            inner = (
                f"SELECT s.category_id AS category_id, SUM(s.{cols[0]}) AS n,"
                f" SUM(s.{cols[1]}) AS q, SUM(s.{cols[2]}) AS b FROM {table} s"
                f" WHERE s.province_id = ? AND s.county_id = ? AND {cond}{types}"
                " GROUP BY s.category_id"
            )
            params = [province, county, *params, *type_params]
        rows = await self.db.fetchall(
            "SELECT x.category_id, x.n, x.q, x.b, c.name, c.unit, COALESCE(a.name, '') AS area,"
            " c.active FROM (" + inner + ") x JOIN categories c ON c.id = x.category_id"
            " LEFT JOIN categories a ON a.id = c.parent_id WHERE x.n > 0"
            " ORDER BY x.q DESC, c.position, c.id",
            params,
        )
        return [
            TypeLine(
                category_id=r[0],
                name=r[4],
                area_name=r[6],
                unit=r[5],
                retired=not r[7],
                reports=int(r[1]),
                services=int(r[2]),
                beneficiaries=int(r[3]),
            )
            for r in rows
        ]

    async def by_place(
        self,
        scope: Scope,
        period: Period,
        *,
        categories: Collection[int] | None = None,
        counting: Counting | None = None,
        measure: Measure = Measure.SERVICES,
    ) -> list[PlaceLine]:
        """The provinces of the country or the counties of a province, ranked (all of them)."""
        counting = self.counting if counting is None else counting
        cols = columns(counting)
        types, type_params = self._types(categories)
        params: list[object]
        if period.kind is PeriodKind.CAMPAIGN:
            table, cond, params = "stat_campaign_place", "s.campaign_id = ?", [period.campaign_id]
        else:
            table = "stat_place"
            cond, params = _place_ranges(period)
        # Each place's summary rows by their key (the country's provinces: county 0), so that
        # either engine looks them up place by place rather than reading the whole summary.
        if scope.kind is ScopeKind.NATIONAL:
            places, key, where = "provinces p", "s.province_id = p.id AND s.county_id = 0", ""
            where_params: list[object] = []
        elif scope.kind is ScopeKind.PROVINCE:
            places, key = "counties p", "s.province_id = p.province_id AND s.county_id = p.id"
            where, where_params = " WHERE p.province_id = ?", [scope.ids[0]]
        else:
            return []
        rows = await self.db.fetchall(
            f"SELECT p.id, p.name, COALESCE(SUM(s.{cols[0]}), 0), COALESCE(SUM(s.{cols[1]}), 0),"
            f" COALESCE(SUM(s.{cols[2]}), 0) FROM {places} LEFT JOIN {table} s"
            f" ON {key} AND {cond}{types}{where}"
            " GROUP BY p.id, p.name, p.position ORDER BY p.position",
            [*params, *type_params, *where_params],
        )
        index = 2 + _MEASURE_COLUMN[measure]
        ordered = sorted(rows, key=lambda r: -int(r[index]))  # stable: ties keep place order
        ranks = _rank([int(r[index]) for r in ordered])
        return [
            PlaceLine(int(r[0]), r[1], rank, int(r[2]), int(r[3]), int(r[4]))
            for r, rank in zip(ordered, ranks, strict=True)
        ]

    async def overview(
        self,
        scope: Scope,
        period: Period,
        *,
        categories: Collection[int] | None = None,
        counting: Counting | None = None,
        today: date | None = None,
    ) -> Overview:
        """Everything the stats screen shows for a scope and period, with the previous period.

        A running period is compared with the same first days of the one before (today: Tehran's
        today by the database's clock unless given).
        """
        counting = self.counting if counting is None else counting
        today = jalali.today(self.db.clock) if today is None else today
        tally = await self.totals(scope, period, categories=categories, counting=counting)
        before = period.previous(today)
        earlier = (
            None
            if before is None
            else await self.totals(scope, before, categories=categories, counting=counting)
        )
        by_type = await self.by_type(scope, period, categories=categories, counting=counting)
        by_place = await self.by_place(
            scope, period, categories=categories, counting=counting, measure=Measure.REPORTS
        )
        partial = before is not None and period.running(today)
        previous = None if earlier is None else earlier.counted
        waiting = 0 if earlier is None else earlier.pending.reports
        return Overview(scope, period, tally, previous, by_type, by_place, partial, waiting)

    # --- groups ---------------------------------------------------------------------------------

    def _group_values(
        self, period: Period, counting: Counting, measure: Measure, scope: Scope | None = None
    ) -> tuple[str, list[object]]:
        """A subquery of (group_id, value, reports) for a period, only groups with counted work."""
        cols = columns(counting)
        value = cols[_MEASURE_COLUMN[measure]]
        key = _group_period(period)
        if key is not None:
            return (
                f"SELECT group_id, {value} AS value, {cols[0]} AS reports FROM stat_group_period"
                f" WHERE kind = ? AND start = ? AND {cols[0]} > 0",
                list(key),
            )
        if period.kind is PeriodKind.CAMPAIGN:
            return (
                f"SELECT group_id, {value} AS value, {cols[0]} AS reports FROM stat_group_campaign"
                f" WHERE campaign_id = ? AND {cols[0]} > 0",
                [period.campaign_id],
            )
        column = {
            Measure.REPORTS: "1",
            Measure.SERVICES: "r.quantity",
            Measure.BENEFICIARIES: "COALESCE(r.beneficiaries, 0)",
        }[measure]
        params: list[object] = [period.start.isoformat(), period.end.isoformat()]
        home = ""
        if scope is not None and scope.kind is not ScopeKind.NATIONAL:
            where, where_params = self._group_filter(scope)
            home = f" AND r.group_id IN (SELECT g.id FROM groups g WHERE {where})"
            params += where_params
        return (
            f"SELECT r.group_id AS group_id, SUM({column}) AS value, COUNT(*) AS reports"
            f" FROM reports r{self.db.indexed_by('reports_by_date_group')}"
            f" WHERE r.service_date >= ? AND r.service_date < ?"
            f" AND {counted(counting)}{home} GROUP BY r.group_id",
            params,
        )

    async def top_groups(
        self,
        period: Period,
        *,
        scope: Scope | None = None,
        measure: Measure = Measure.SERVICES,
        limit: int = 10,
        own_group_id: int | None = None,
        counting: Counting | None = None,
    ) -> Ranking:
        """The leading groups of the country, a province or a county, and the asker's group."""
        counting = self.counting if counting is None else counting
        scope = scope or Scope.national()
        if (
            scope.kind is ScopeKind.NATIONAL
            and period.kind is not PeriodKind.CAMPAIGN
            and _group_period(period) is None
        ):
            return await self._top_in_memory(period, measure, limit, own_group_id, counting)
        values, params = self._group_values(period, counting, measure, scope)
        where, where_params = self._group_filter(scope)
        if scope.kind is ScopeKind.NATIONAL:  # no join: the summary alone answers
            source, source_params = f"FROM ({values}) v WHERE 1 = 1", params
        else:
            # In order: start from the scope's groups, not from every group's summary row.
            join = self.db.ordered_join
            source = f"FROM groups g {join} ({values}) v ON v.group_id = g.id WHERE {where}"
            source_params = [*params, *where_params]
        top = await self.db.fetchall(
            f"SELECT v.group_id, v.value, v.reports {source}"
            " ORDER BY v.value DESC, v.group_id LIMIT ?",
            [*source_params, limit],
        )
        names = await self._names([r[0] for r in top])
        ranks = _rank([int(r[1]) for r in top])
        lines = [
            GroupLine(r[0], *names[r[0]], rank, int(r[1]), int(r[2]))
            for r, rank in zip(top, ranks, strict=True)
        ]
        own = None
        if own_group_id is not None:
            own = next((line for line in lines if line.group_id == own_group_id), None)
        if own_group_id is not None and own is None:
            own, ranked = await self._own_rank(
                own_group_id, scope, values, params, source, source_params
            )
        else:
            ranked = int(await self.db.scalar(f"SELECT COUNT(*) {source}", source_params))
        return Ranking(lines, ranked, own)

    async def _top_in_memory(
        self,
        period: Period,
        measure: Measure,
        limit: int,
        own_group_id: int | None,
        counting: Counting,
    ) -> Ranking:
        """The national leaderboard of a typed range, from the in-memory report columns."""
        import numpy as np  # loaded with the columns, on first use

        found = await self.columns.group_values(
            period.start,
            period.end,
            counting=counting,
            beneficiaries=measure is Measure.BENEFICIARIES,
        )
        ids, values, reports = found.group_ids, found.values, found.reports
        if measure is Measure.REPORTS:
            values = reports
        order = np.lexsort((ids, -values))[:limit]  # largest first, ties by group id
        top = [(int(ids[i]), int(values[i]), int(reports[i])) for i in order]
        own = None
        own_row: tuple[int, int, int, int | None] | None = None
        if own_group_id is not None:
            at = np.flatnonzero(ids == own_group_id)
            if at.size:
                value = int(values[at[0]])
                rank = int(np.count_nonzero(values > value)) + 1
                own_row = (own_group_id, value, int(reports[at[0]]), rank)
            elif await self.db.scalar("SELECT 1 FROM groups WHERE id = ?", (own_group_id,)):
                own_row = (own_group_id, 0, 0, None)
        names = await self._names(
            [r[0] for r in top] + ([own_group_id] if own_group_id is not None else [])
        )
        ranks = _rank([r[1] for r in top])
        lines = [
            GroupLine(r[0], *names[r[0]], rank, r[1], r[2])
            for r, rank in zip(top, ranks, strict=True)
        ]
        if own_group_id is not None:
            own = next((line for line in lines if line.group_id == own_group_id), None)
            if own is None and own_row is not None:
                gid, value, count, rank_or_none = own_row
                own = GroupLine(gid, *names[gid], rank_or_none, value, count)
        return Ranking(lines, len(ids), own)

    async def _names(self, group_ids: list[int]) -> dict[int, tuple[str, str, str]]:
        """Each group's name, province and county names."""
        rows = await self.db.fetchall(
            "SELECT g.id, g.name, p.name, c.name FROM groups g"
            " JOIN provinces p ON p.id = g.province_id JOIN counties c ON c.id = g.county_id"
            f" WHERE g.id IN ({_marks(group_ids)})",
            group_ids,
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    async def _own_rank(
        self,
        group_id: int,
        scope: Scope,
        values: str,
        params: list[object],
        source: str,
        source_params: list[object],
    ) -> tuple[GroupLine | None, int]:
        """A group's line (rank None: no counted work; None: not in the scope) and how many rank.

        One pass over the ranked groups counts them and those above the group.
        """
        where, where_params = self._group_filter(scope)
        known = await self.db.scalar(
            f"SELECT COUNT(*) FROM groups g WHERE g.id = ? AND {where}", [group_id, *where_params]
        )
        row = await self.db.fetchone(
            f"SELECT v.value, v.reports FROM ({values}) v WHERE v.group_id = ?",
            [*params, group_id],
        )
        value = None if row is None or not known else int(row[0])
        counts = await self.db.fetchone(
            f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN v.value > ? THEN 1 ELSE 0 END), 0) {source}",
            [value, *source_params],
        )
        assert counts is not None
        if not known:
            return None, int(counts[0])
        names = await self._names([group_id])
        if row is None:
            return GroupLine(group_id, *names[group_id], None, 0, 0), int(counts[0])
        line = GroupLine(group_id, *names[group_id], int(counts[1]) + 1, int(row[0]), int(row[1]))
        return line, int(counts[0])

    async def group_activity(
        self,
        province_id: int,
        period: Period,
        *,
        least: bool = False,
        limit: int = 5,
        measure: Measure = Measure.SERVICES,
        counting: Counting | None = None,
    ) -> list[GroupLine]:
        """The most (or least) active groups of a province, among those with counted work.

        Groups with nothing counted in the period are neither (silent_groups lists those).
        """
        counting = self.counting if counting is None else counting
        values, params = self._group_values(period, counting, measure, Scope.province(province_id))
        order = "ASC" if least else "DESC"
        rows = await self.db.fetchall(
            "SELECT g.id, g.name, p.name, c.name, v.value, v.reports"
            f" FROM groups g JOIN provinces p ON p.id = g.province_id"
            f" JOIN counties c ON c.id = g.county_id JOIN ({values}) v ON v.group_id = g.id"
            f" WHERE g.province_id = ? AND g.status = 'active' AND v.value > 0"
            f" ORDER BY v.value {order}, v.reports {order}, g.id LIMIT ?",
            [*params, province_id, limit],
        )
        return [GroupLine(r[0], r[1], r[2], r[3], None, int(r[4]), int(r[5])) for r in rows]

    async def silent_groups(
        self,
        scope: Scope,
        today: date,
        *,
        weeks: int = SILENT_WEEKS,
        limit: int = 20,
        offset: int = 0,
    ) -> Page[SilentGroup]:
        """Active groups of a scope (older than the window) with no live report for some weeks.

        Longest silent first: groups that never reported, then by their last service date.
        """
        since = (today - timedelta(weeks=weeks) + DAY).isoformat()
        where, params = self._group_filter(scope)
        base = (
            "FROM stat_group_last l JOIN groups g ON g.id = l.group_id"
            " JOIN counties c ON c.id = g.county_id"
            f" WHERE l.last_day < ? AND g.status = 'active' AND g.created_at < ? AND {where}"
        )
        base_params = [since, since, *params]
        total = int(await self.db.scalar(f"SELECT COUNT(*) {base}", base_params))
        rows = await self.db.fetchall(
            f"SELECT g.id, g.name, c.name, l.last_day {base}"
            " ORDER BY l.last_day, g.id LIMIT ? OFFSET ?",
            [*base_params, limit, offset],
        )
        items = [
            SilentGroup(r[0], r[1], r[2], date.fromisoformat(r[3]) if r[3] else None) for r in rows
        ]
        return Page(items, total, offset, limit)

    # --- campaigns ------------------------------------------------------------------------------

    async def counted_categories(self, campaign_id: int) -> frozenset[int] | None:
        """The service types a campaign counts; None when it counts every type."""
        rows = await self.db.fetchall(
            "SELECT category_id FROM campaign_categories WHERE campaign_id = ?", (campaign_id,)
        )
        return frozenset(r[0] for r in rows) or None

    async def set_counted_categories(
        self, campaign_id: int, category_ids: Collection[int] | None
    ) -> None:
        """Sets which service types a campaign counts (None or empty: all) and recounts it.

        An area among the ids stands for every service type in it (retired ones included).
        """
        ids = sorted(set(category_ids or ()))
        async with self.db.transaction():
            await self.db.execute(
                "DELETE FROM campaign_categories WHERE campaign_id = ?", (campaign_id,)
            )
            await self.db.execute(
                "INSERT INTO campaign_categories (campaign_id, category_id) SELECT ?, id"
                f" FROM categories WHERE parent_id IS NOT NULL AND (id IN ({_marks(ids)})"
                f" OR parent_id IN ({_marks(ids)}))",
                [campaign_id, *ids, *ids],
            )
            await refill_campaign(self.db, campaign_id)

    async def campaigns_counting(
        self, category_id: int, province_id: int, on: date
    ) -> list[Campaign]:
        """Running campaigns of a place (national or its province) that count a service type."""
        rows = await self.db.fetchall(
            "SELECT c.* FROM campaigns c WHERE c.active = 1"
            " AND (c.province_id IS NULL OR c.province_id = ?) AND c.starts_on <= ?"
            " AND c.ends_on >= ? AND (NOT EXISTS (SELECT 1 FROM campaign_categories k"
            " WHERE k.campaign_id = c.id) OR EXISTS (SELECT 1 FROM campaign_categories k"
            " WHERE k.campaign_id = c.id AND k.category_id = ?))"
            " ORDER BY c.province_id IS NOT NULL, c.starts_on, c.id",
            (province_id, on.isoformat(), on.isoformat(), category_id),
        )
        return [_campaign(r) for r in rows]

    async def progress(
        self,
        campaign: Campaign,
        as_of: date,
        *,
        province_id: int | None = None,
        group_id: int | None = None,
        counting: Counting | None = None,
    ) -> CampaignProgress:
        """A campaign's progress on as_of (what counts: [stats] counting unless given), with a
        province's and a group's part when asked."""
        counting = self.counting if counting is None else counting
        return await campaign_progress(
            self.db, campaign, as_of, counting, province_id=province_id, group_id=group_id
        )

    async def set_shares(self, campaign_id: int, shares: dict[int, int]) -> None:
        """Splits a campaign's target into province shares (an empty dict removes the split)."""
        async with self.db.transaction():
            await self.db.execute(
                "DELETE FROM campaign_shares WHERE campaign_id = ?", (campaign_id,)
            )
            await self.db.executemany(
                "INSERT INTO campaign_shares (campaign_id, province_id, target) VALUES (?, ?, ?)",
                [(campaign_id, p, target) for p, target in sorted(shares.items())],
            )

    async def shares(
        self, campaign: Campaign, as_of: date, *, counting: Counting | None = None
    ) -> list[ShareLine]:
        """Each province's share of a campaign, its count and what is due by as_of."""
        counting = self.counting if counting is None else counting
        return await campaign_shares(self.db, campaign, as_of, counting)

    # --- search ---------------------------------------------------------------------------------

    async def search_groups(
        self,
        text: str,
        *,
        province_id: int | None = None,
        limit: int = 10,
        offset: int = 0,
        typos: bool = True,
    ) -> Page[GroupHit]:
        """Active groups by name: those containing the search key, or (none) within a typo.

        Exact matches come first (the whole name, then names starting with it, then shorter
        names); at most SEARCH_CAP of them are listed (the page says when there were more).
        Names within a typo are tried only when no name contains the key, and typos allows it.
        """
        key = search_key(text)
        if not key:
            return Page([], 0, offset, limit)
        place = "" if province_id is None else " AND g.province_id = ?"
        place_params: list[object] = [] if province_id is None else [province_id]
        grams = sorted({key[i : i + 3] for i in range(len(key) - 2)})
        counts = await self._gram_counts(grams)
        exact = await self._exact_groups(key, counts, place, place_params)
        capped = len(exact) > SEARCH_CAP
        exact = sorted(
            exact[:SEARCH_CAP],
            key=lambda r: (r[4] != key, not r[4].startswith(key), len(r[4]), r[0]),
        )
        hits = [GroupHit(r[0], r[1], r[2], r[3], True) for r in exact]
        if not hits and typos:
            hits = await self._fuzzy_groups(key, counts, place, place_params)
        return Page(hits[offset : offset + limit], len(hits), offset, limit, capped)

    async def _gram_counts(self, grams: list[str]) -> dict[str, int]:
        """How many groups hold each trigram, counted up to GRAM_CAP + 1."""
        counts = {}
        for gram in grams:
            counts[gram] = int(
                await self.db.scalar(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM group_grams WHERE gram = ? LIMIT ?) AS m",
                    (gram, GRAM_CAP + 1),
                )
            )
        return counts

    async def _exact_groups(
        self, key: str, counts: dict[str, int], place: str, place_params: list[object]
    ) -> list[Row]:
        """Up to SEARCH_CAP + 1 active groups whose search key contains key."""
        where = f" WHERE g.status = 'active' AND instr(g.search_key, ?) > 0{place} LIMIT ?"
        params = [key, *place_params, SEARCH_CAP + 1]
        if counts and min(counts.values()) == 0:
            return []
        if counts and min(counts.values()) <= GRAM_CAP:
            rarest = min(counts, key=lambda gram: counts[gram])
            return await self.db.fetchall(
                _HIT_SELECT + " JOIN group_grams m ON m.group_id = g.id AND m.gram = ?" + where,
                [rarest, *params],
            )
        return await self.db.fetchall(_HIT_SELECT + where, params)

    async def _fuzzy_groups(
        self, key: str, counts: dict[str, int], place: str, place_params: list[object]
    ) -> list[GroupHit]:
        """Groups whose search key holds the key with one typo (not exactly)."""
        allowed = typo_allowance(key)
        useful = [gram for gram, count in counts.items() if 0 < count <= GRAM_CAP]
        if not allowed or not useful:
            return []
        # One typo changes at most three trigrams of the key; the others must be in the name.
        need = max(len(counts) - 3 * allowed - (len(counts) - len(useful)), 1)
        rows = await self.db.fetchall(
            _HIT_SELECT + " JOIN (SELECT group_id, COUNT(*) AS shared FROM group_grams"
            f" WHERE gram IN ({_marks(useful)}) GROUP BY group_id HAVING COUNT(*) >= ?"
            " ORDER BY shared DESC, group_id LIMIT ?) m ON m.group_id = g.id"
            f" WHERE g.status = 'active' AND instr(g.search_key, ?) = 0{place}",
            [*useful, need, FUZZY_CANDIDATES, key, *place_params],
        )
        scored = []
        for row in rows:
            distance = fuzzy_distance(key, row[4])
            if distance <= allowed:
                scored.append((distance, len(row[4]), row[0], row))
        scored.sort()
        return [GroupHit(r[0], r[1], r[2], r[3], False) for *_, r in scored]

    async def search_places(
        self,
        text: str,
        period: Period,
        *,
        limit: int = 10,
        offset: int = 0,
        counting: Counting | None = None,
        typos: bool = True,
    ) -> Page[PlaceHit]:
        """Provinces and counties by name, with their figures; within a typo only when no name
        contains the key (and typos allows it)."""
        counting = self.counting if counting is None else counting
        key = search_key(text)
        if not key:
            return Page([], 0, offset, limit)
        rows = await self.db.fetchall(
            "SELECT p.id, NULL, p.name, p.name, p.search_key, p.position, -1 FROM provinces p"
            " UNION ALL SELECT c.province_id, c.id, c.name, p.name, c.search_key, p.position,"
            " c.position FROM counties c JOIN provinces p ON p.id = c.province_id"
        )
        found = [((0, r[4] != key, r[1] is not None, r[5], r[6]), r) for r in rows if key in r[4]]
        allowed = typo_allowance(key) if typos and not found else 0
        for row in rows if allowed else ():
            distance = fuzzy_distance(key, row[4])
            if distance <= allowed:
                found.append(((distance, True, row[1] is not None, row[5], row[6]), row))
        found.sort(key=lambda item: item[0])
        hits = []
        for _, row in found[offset : offset + limit]:
            scope = Scope.province(row[0]) if row[1] is None else Scope.county(row[1])
            tally = await self.totals(scope, period, counting=counting)
            hits.append(PlaceHit(row[0], row[1], row[2], row[3], tally.counted))
        return Page(hits, len(found), offset, limit)


# --- campaigns: the one computation of their figures -------------------------------------------


async def campaign_progress(
    db: Database,
    campaign: Campaign,
    as_of: date,
    counting: Counting,
    *,
    province_id: int | None = None,
    group_id: int | None = None,
    day_over: bool = False,
) -> CampaignProgress:
    """A campaign's progress on as_of: what counts with service dates up to that day, the pace
    window's count, what waits for review, and a province's and a group's part when asked.

    day_over: as_of is over (a week's digest, on its Friday): its share of the target is due.
    """
    col = columns(counting)[1]
    window = as_of - timedelta(days=pace_window(campaign, as_of))
    row = await db.fetchone(
        f"SELECT COALESCE(SUM({col}), 0), COALESCE(SUM(CASE WHEN day > ? THEN {col} END), 0),"
        " COALESCE(SUM(qs), 0) FROM stat_campaign_day WHERE campaign_id = ? AND day <= ?",
        (window.isoformat(), campaign.id, as_of.isoformat()),
    )
    assert row is not None
    province_count = group_count = None
    if province_id is not None:
        province_count = await _part(db, campaign, as_of, counting, "province_id", province_id)
    if group_id is not None:
        group_count = await _part(db, campaign, as_of, counting, "group_id", group_id)
    return CampaignProgress(
        campaign=campaign,
        as_of=as_of,
        counted=int(row[0]),
        recent=int(row[1]),
        pending=int(row[2]) if PENDING[counting] else 0,
        province_count=province_count,
        group_count=group_count,
        day_over=day_over,
    )


async def _counts_upto(
    db: Database,
    campaign: Campaign,
    as_of: date,
    counting: Counting,
    column: str,
    value: int | None = None,
) -> dict[int, int]:
    """What each province or group (column: province_id or group_id; value: only that one)
    counts for a campaign with service dates up to as_of.

    The campaign's summaries hold every day, so a count up to a day is the summary less the
    reports after it: none for today, a week's for last week's digest (the index on campaign
    and service date finds them).
    """
    col = columns(counting)[1]
    table = "stat_group_campaign" if column == "group_id" else "stat_campaign_place"
    where = "" if column == "group_id" else " AND r.county_id = 0"
    only = "" if value is None else f" AND r.{column} = ?"
    params = [] if value is None else [value]
    summary = await db.fetchall(
        f"SELECT r.{column}, SUM(r.{col}) FROM {table} r WHERE r.campaign_id = ?{where}{only}"
        f" GROUP BY r.{column}",
        [campaign.id, *params],
    )
    later = await db.fetchall(
        f"SELECT r.{column}, SUM(r.quantity) FROM reports r WHERE r.campaign_id = ?"
        f" AND r.service_date > ? AND {counted(counting)} AND {in_campaign()}{only}"
        f" GROUP BY r.{column}",
        [campaign.id, as_of.isoformat(), *params],
    )
    after = {int(r[0]): int(r[1]) for r in later}
    return {int(r[0]): int(r[1]) - after.get(int(r[0]), 0) for r in summary}


async def _part(
    db: Database, campaign: Campaign, as_of: date, counting: Counting, column: str, value: int
) -> int:
    """What one province or group (column: province_id or group_id) counts for a campaign up
    to as_of."""
    counts = await _counts_upto(db, campaign, as_of, counting, column, value)
    return counts.get(value, 0)


async def campaign_shares(
    db: Database, campaign: Campaign, as_of: date, counting: Counting, *, day_over: bool = False
) -> list[ShareLine]:
    """Each province's share of a campaign's target (none: no split), its count up to as_of and
    what an even spread of the share has done on the days over (expected_by); the widest gaps
    first.

    Widest gap: the smallest part of its share done; ties by the most still missing.
    """
    rows = await db.fetchall(
        "SELECT p.id, p.name, h.target FROM campaign_shares h"
        " JOIN provinces p ON p.id = h.province_id WHERE h.campaign_id = ?",
        (campaign.id,),
    )
    if not rows:
        return []
    counts = await _counts_upto(db, campaign, as_of, counting, "province_id")
    lines = [
        ShareLine(
            r[0],
            r[1],
            int(r[2]),
            counts.get(r[0], 0),
            expected_by(int(r[2]), campaign, as_of, day_over=day_over),
        )
        for r in rows
    ]
    return sorted(lines, key=lambda s: (s.fraction, -s.gap, s.province_id))
