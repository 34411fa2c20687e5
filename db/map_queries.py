"""The province map's figures (db.province_map): a campaign's now, or a digest week's.

A campaign whose target is split into province shares is measured by shares: each province's
counted services against its share, from StatsRepo.shares() (what /campaign lists). Otherwise
services per active group. What counts follows [stats] counting, as every other figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from bot.core import jalali
from db.campaigns import CampaignRepo
from db.counting import Counting, counted
from db.database import Database
from db.models import Campaign
from db.province_map import ProvinceMap, per_group_map, share_map
from db.stats import Period, Scope, StatsRepo, campaign_shares


async def _provinces(db: Database) -> list[tuple[int, str, str]]:
    """Every province's id, code and name, in the list's order."""
    rows = await db.fetchall("SELECT id, code, name FROM provinces ORDER BY position")
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


async def _groups(db: Database, before: str | None = None) -> dict[int, int]:
    """Active groups per province (those created before a time stamp, when given)."""
    since = "" if before is None else " AND created_at < ?"
    rows = await db.fetchall(
        "SELECT province_id, COUNT(*) FROM groups WHERE status = 'active'"
        f"{since} GROUP BY province_id",
        () if before is None else (before,),
    )
    return {int(r[0]): int(r[1]) for r in rows}


def _by_code(provinces: list[tuple[int, str, str]], values: Mapping[int, int]) -> dict[str, int]:
    """Values keyed by province id, keyed by code instead."""
    return {code: values[pid] for pid, code, _ in provinces if pid in values}


async def _share_figures(
    db: Database, campaign: Campaign, counting: Counting, as_of: date
) -> dict[int, tuple[int, int]] | None:
    """Each province's (counted up to as_of, share) of a campaign; None when it has no shares."""
    shares = await campaign_shares(db, campaign, as_of, counting)
    if not shares:
        return None
    return {s.province_id: (s.counted, s.target) for s in shares}


async def campaign_map(
    db: Database, campaign: Campaign, today: date, counting: Counting
) -> ProvinceMap:
    """A campaign's map as it stands today: by shares when it has them, else per group."""
    provinces = await _provinces(db)
    names = [(code, name) for _, code, name in provinces]
    last = min(today, campaign.ends_on)
    shares = await _share_figures(db, campaign, counting, today)
    if shares is not None:
        by_code = {code: shares[pid] for pid, code, _ in provinces if pid in shares}
        return share_map(campaign.title, campaign.starts_on, last, names, by_code)
    stats = StatsRepo(db, counting)
    places = await stats.by_place(Scope.national(), Period.of_campaign(campaign))
    services = {p.place_id: p.services for p in places}
    return per_group_map(
        campaign.title,
        campaign.starts_on,
        last,
        names,
        _by_code(provinces, services),
        _by_code(provinces, await _groups(db)),
    )


async def week_map(db: Database, week_start: date, counting: Counting) -> ProvinceMap | None:
    """The national digest's map of a Jalali week, as it stood at the week's end.

    The first national campaign running that week with province shares is measured by shares
    (counted up to the Friday); without one, the week's reports per group (reports, not summed
    quantities: a week's services are of unlike units) (groups active and
    created by the week's end). None when there is nothing to colour.
    """
    end = week_start + timedelta(days=6)
    provinces = await _provinces(db)
    names = [(code, name) for _, code, name in provinces]
    row = await db.fetchone(
        "SELECT c.id FROM campaigns c WHERE c.active = 1 AND c.province_id IS NULL"
        " AND c.starts_on <= ? AND c.ends_on >= ?"
        " AND EXISTS (SELECT 1 FROM campaign_shares h WHERE h.campaign_id = c.id)"
        " ORDER BY c.starts_on, c.id LIMIT 1",
        (end.isoformat(), week_start.isoformat()),
    )
    if row is not None:
        campaign = await CampaignRepo(db).get(int(row[0]))
        assert campaign is not None
        shares = await _share_figures(db, campaign, counting, end)
        assert shares is not None
        by_code = {code: shares[pid] for pid, code, _ in provinces if pid in shares}
        found = share_map(campaign.title, campaign.starts_on, end, names, by_code)
    else:
        rows = await db.fetchall(
            "SELECT r.province_id, COUNT(*) FROM reports r"
            f" WHERE {counted(counting)} AND r.service_date BETWEEN ? AND ?"
            " GROUP BY r.province_id",
            (week_start.isoformat(), end.isoformat()),
        )
        services = {int(r[0]): int(r[1]) for r in rows}
        week_over = datetime.combine(end + timedelta(days=1), time(), jalali.TEHRAN)
        groups = await _groups(db, week_over.astimezone(UTC).isoformat(timespec="seconds"))
        found = per_group_map(
            "",
            week_start,
            end,
            names,
            _by_code(provinces, services),
            _by_code(provinces, groups),
        )
    return None if found.empty else found
