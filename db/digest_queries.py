"""Computes one week's digest for a scope straight from the reports table.

A deliberately small query layer: the statistics repository may replace it later, as long as it
fills in the same db.digest_week.WeekDigest. What counts follows [stats] counting: every live
report (not deleted), or approved ones only, with the week's reports waiting for review counted
apart; a report belongs to the week of its service date.
"""

from __future__ import annotations

from datetime import date, timedelta

from db.campaigns import _campaign
from db.channels import ChannelScope
from db.counting import PENDING, Counting, columns, counted, in_campaign, pending
from db.database import Database
from db.digest_week import CampaignWeek, PlaceLevel, Ranked, Run, ServiceTotal, WeekDigest
from db.map_queries import week_map
from db.models import ScopeKind
from db.stats import Figures, campaign_progress, campaign_shares
from db.streaks import StreakRepo

TOP_GROUPS = 5
TOP_PLACES = 3
TOP_STREAKS = 3


class UnknownScope(LookupError):
    """The province or campaign of a scope does not exist."""


async def _scope(db: Database, scope: ChannelScope) -> tuple[str, list[object], str, PlaceLevel]:
    """The scope's filter on reports r, its parameters, its display name and its place level."""
    if scope.kind is ScopeKind.PROVINCE:
        name = await db.scalar("SELECT name FROM provinces WHERE id = ?", (scope.province_id,))
        if name is None:
            raise UnknownScope(f"no province {scope.province_id}")
        return "r.province_id = ?", [scope.province_id], str(name), PlaceLevel.COUNTY
    if scope.kind is ScopeKind.CAMPAIGN:
        row = await db.fetchone(
            "SELECT title, province_id FROM campaigns WHERE id = ?", (scope.campaign_id,)
        )
        if row is None:
            raise UnknownScope(f"no campaign {scope.campaign_id}")
        level = PlaceLevel.PROVINCE if row["province_id"] is None else PlaceLevel.COUNTY
        where = f"r.campaign_id = ? AND {in_campaign()}"
        return where, [scope.campaign_id], str(row["title"]), level
    return "1 = 1", [], "", PlaceLevel.PROVINCE


async def _figures(
    db: Database, where: str, params: list[object], start: date, counts: str
) -> Figures:
    row = await db.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(r.quantity), 0), COALESCE(SUM(r.beneficiaries), 0),"
        " COALESCE(SUM(r.volunteers), 0), COUNT(DISTINCT r.group_id) FROM reports r"
        f" WHERE {where} AND {counts} AND r.service_date BETWEEN ? AND ?",
        [*params, start.isoformat(), (start + timedelta(days=6)).isoformat()],
    )
    assert row is not None
    return Figures(int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]))


async def _campaigns(
    db: Database, scope: ChannelScope, start: date, counting: Counting
) -> list[CampaignWeek]:
    """The campaigns a digest shows: running during the week and within the scope, as of the
    week's end (its Friday over); a province's digest holds only its own share of each."""
    end = start + timedelta(days=6)
    sql = "SELECT * FROM campaigns WHERE active = 1 AND starts_on <= ? AND ends_on >= ?"
    params: list[object] = [end.isoformat(), start.isoformat()]
    if scope.kind is ScopeKind.NATIONAL:
        sql += " AND province_id IS NULL"
    elif scope.kind is ScopeKind.PROVINCE:
        sql += " AND (province_id IS NULL OR province_id = ?)"
        params.append(scope.province_id)
    else:
        sql = "SELECT * FROM campaigns WHERE id = ?"
        params = [scope.campaign_id]
    rows = await db.fetchall(sql + " ORDER BY province_id IS NOT NULL, starts_on, id", params)
    found = []
    col = columns(counting)[1]
    for row in rows:
        campaign = _campaign(row)
        week = await db.scalar(
            f"SELECT COALESCE(SUM({col}), 0) FROM stat_campaign_day WHERE campaign_id = ?"
            " AND day BETWEEN ? AND ?",
            (campaign.id, start.isoformat(), end.isoformat()),
        )
        shares = await campaign_shares(db, campaign, end, counting, day_over=True)
        if scope.kind is ScopeKind.PROVINCE:  # a province's channel: its own share
            shares = [s for s in shares if s.province_id == scope.province_id]
        found.append(
            CampaignWeek(
                progress=await campaign_progress(db, campaign, end, counting, day_over=True),
                week=int(week),
                shares=tuple(shares),
            )
        )
    return found


async def week_digest(
    db: Database,
    scope: ChannelScope,
    week_start: date,
    *,
    late: bool = False,
    top_groups: int = TOP_GROUPS,
    top_places: int = TOP_PLACES,
    counting: Counting = Counting.ALL,
) -> WeekDigest:
    """Computes the digest of the Jalali week starting on week_start (a Saturday) for a scope.

    With Counting.APPROVED the figures, chart and campaigns count approved reports only, and
    pending holds the week's reports of the scope still waiting for review.
    """
    if week_start.weekday() != 5:  # Python's Monday-based weekday: 5 is Saturday
        raise ValueError(f"a Jalali week starts on a Saturday, not on {week_start}")
    where, params, scope_name, level = await _scope(db, scope)
    start = week_start
    end = start + timedelta(days=6)
    week = [*params, start.isoformat(), end.isoformat()]
    counted_sql = counted(counting)
    in_week = f"{where} AND {counted_sql} AND r.service_date BETWEEN ? AND ?"

    services = await db.fetchall(
        "SELECT c.name, COALESCE(a.name, ''), c.unit, SUM(r.quantity) AS total, COUNT(*)"
        " FROM reports r JOIN categories c ON c.id = r.category_id"
        " LEFT JOIN categories a ON a.id = c.parent_id"
        f" WHERE {in_week} GROUP BY c.id, a.id ORDER BY total DESC, a.position, c.position, c.id",
        week,
    )
    areas = await db.fetchall(
        "SELECT COALESCE(a.name, c.name), COUNT(*) AS total"
        " FROM reports r JOIN categories c ON c.id = r.category_id"
        " LEFT JOIN categories a ON a.id = c.parent_id"
        f" WHERE {in_week} GROUP BY COALESCE(a.id, c.id), COALESCE(a.name, c.name)"
        " ORDER BY total DESC, MIN(COALESCE(a.position, c.position)), COALESCE(a.id, c.id)",
        week,
    )
    by_day = await db.fetchall(
        f"SELECT r.service_date, COUNT(*) FROM reports r WHERE {in_week} GROUP BY r.service_date",
        week,
    )
    groups = await db.fetchall(
        "SELECT g.name, COUNT(*) AS total FROM reports r JOIN groups g ON g.id = r.group_id"
        f" WHERE {in_week} GROUP BY g.id ORDER BY total DESC, g.id LIMIT ?",
        [*week, top_groups],
    )
    place_table, place_column = (
        ("provinces", "province_id") if level is PlaceLevel.PROVINCE else ("counties", "county_id")
    )
    places = await db.fetchall(
        f"SELECT p.name, COUNT(*) AS total FROM reports r"
        f" JOIN {place_table} p ON p.id = r.{place_column}"
        f" WHERE {in_week} GROUP BY p.id ORDER BY total DESC, p.position, p.id LIMIT ?",
        [*week, top_places],
    )
    days = [0] * 7
    for row in by_day:
        days[(date.fromisoformat(row[0]) - start).days] = int(row[1])
    return WeekDigest(
        scope=scope.kind,
        scope_name=scope_name,
        week_start=start,
        current=await _figures(db, where, params, start, counted_sql),
        previous=await _figures(db, where, params, start - timedelta(days=7), counted_sql),
        services=tuple(ServiceTotal(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in services),
        areas=tuple(Ranked(r[0], int(r[1])) for r in areas),
        days=(days[0], days[1], days[2], days[3], days[4], days[5], days[6]),
        top_groups=tuple(Ranked(r[0], int(r[1])) for r in groups),
        top_places=tuple(Ranked(r[0], int(r[1])) for r in places),
        place_level=level,
        campaigns=tuple(await _campaigns(db, scope, start, counting)),
        late=late,
        pending=await _pending(db, where, params, start, counting),
        previous_pending=await _pending(db, where, params, start - timedelta(days=7), counting),
        map=await week_map(db, start, counting) if scope.kind is ScopeKind.NATIONAL else None,
        streaks=await _streaks(db, scope, start, counting),
    )


async def _streaks(
    db: Database, scope: ChannelScope, start: date, counting: Counting
) -> tuple[Run, ...]:
    """The groups (of the country or the province) with the longest runs of weeks with a
    report up to this week; none in a campaign's digest, which is about the campaign only."""
    if scope.kind is ScopeKind.CAMPAIGN:
        return ()
    found = await StreakRepo(db, counting).longest(
        start, province_id=scope.province_id, limit=TOP_STREAKS
    )
    return tuple(Run(g.name, g.weeks) for g in found)


async def _pending(
    db: Database, where: str, params: list[object], start: date, counting: Counting
) -> int:
    """The week's reports of the scope shown apart as pending (waiting for review)."""
    if not PENDING[counting]:
        return 0
    return int(
        await db.scalar(
            f"SELECT COUNT(*) FROM reports r WHERE {where} AND {pending(counting)}"
            " AND r.service_date BETWEEN ? AND ?",
            [*params, start.isoformat(), (start + timedelta(days=6)).isoformat()],
        )
    )
