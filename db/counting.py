"""What counts: the one definition of which reports count, for a campaign, a period and a scope.

Every figure of the bot comes from here, on either engine:
- the summary tables (stat_*, migrations 0002 and 0008), kept current by triggers on reports and
  groups that install() makes from the definition below, and refilled from the reports whenever
  the definition changes (`khedmatyar db migrate`: Database.migrate calls install());
- the queries that read reports themselves (lookups of a few groups, digests, maps, shares):
  counted(), waiting(), in_campaign();
- the in-memory columns of national typed ranges (db.stat_columns): status_case(), codes().

So a change of a counting rule is one edit here: the triggers, the summaries, the queries and the
columns follow it. The rule today:
- a report is live unless deleted; Counting.ALL counts every live report, Counting.APPROVED the
  approved ones only, and then the submitted ones (waiting for review) are shown as pending;
- a campaign counts the reports filed under it whose service type it counts (all types when it
  names none);
- a report belongs to the day of its service date, its Saturday-Friday week, its Jalali month and
  Jalali year, its county, its province and the country.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from db.database import Trigger

if TYPE_CHECKING:
    from db.database import Database


class Counting(StrEnum):
    """Which reports count: every live (not deleted) report, or approved ones only."""

    ALL = "all"
    APPROVED = "approved"


STATUSES = ("submitted", "approved", "returned", "deleted")
LIVE = frozenset({"submitted", "approved", "returned"})
COUNTED: Mapping[Counting, frozenset[str]] = {
    Counting.ALL: LIVE,
    Counting.APPROVED: frozenset({"approved"}),
}
WAITING = frozenset({"submitted"})  # waits for review
# What is shown apart as pending: when only approved reports count, those waiting for review.
PENDING: Mapping[Counting, frozenset[str]] = {
    Counting.ALL: frozenset(),
    Counting.APPROVED: WAITING,
}

# What a summary row sums, per report: its count, services (quantity), beneficiaries, volunteers.
_VALUES = {
    "n": "1",
    "q": "{r}.quantity",
    "b": "COALESCE({r}.beneficiaries, 0)",
    "v": "COALESCE({r}.volunteers, 0)",
}
_SUFFIX = {Counting.ALL: "", Counting.APPROVED: "a"}


def columns(counting: Counting) -> tuple[str, str, str, str]:
    """The summary columns of what counts: (reports, services, beneficiaries, volunteers)."""
    n, q, b, v = (name + _SUFFIX[counting] for name in "nqbv")
    return n, q, b, v


WAITING_COLUMNS = ("ns", "qs")  # reports waiting for review and their services


@dataclass(frozen=True, slots=True)
class Measure:
    """One summary column: the value a report adds to it when its status is one of statuses."""

    column: str
    statuses: frozenset[str]
    value: str  # SQL over the report {r}


def measures() -> tuple[Measure, ...]:
    """Every summary column: what counts in each way of counting, and what waits for review."""
    return (
        *(
            Measure(columns(c)[i], COUNTED[c], _VALUES[k])
            for c in Counting
            for i, k in enumerate("nqbv")
        ),
        Measure("ns", WAITING, "1"),
        Measure("qs", WAITING, "{r}.quantity"),
    )


def status_in(statuses: frozenset[str], alias: str = "r") -> str:
    """SQL: the report's status is one of these (written as SQLite's indexes expect it)."""
    if not statuses:
        return "1 = 0"
    if statuses == frozenset(STATUSES) - {"deleted"}:
        return f"{alias}.status != 'deleted'"
    if len(statuses) == 1:
        return f"{alias}.status = '{next(iter(statuses))}'"
    listed = ", ".join(f"'{s}'" for s in STATUSES if s in statuses)
    return f"{alias}.status IN ({listed})"


def live(alias: str = "r") -> str:
    """SQL: the report is live (not deleted)."""
    return status_in(LIVE, alias)


def counted(counting: Counting, alias: str = "r") -> str:
    """SQL: the report counts."""
    return status_in(COUNTED[counting], alias)


def waiting(alias: str = "r") -> str:
    """SQL: the report waits for review."""
    return status_in(WAITING, alias)


def pending(counting: Counting, alias: str = "r") -> str:
    """SQL: the report is shown apart as pending (never, when every live report counts)."""
    return status_in(PENDING[counting], alias)


def in_campaign(alias: str = "r") -> str:
    """SQL: a report filed under a campaign counts for it (the campaign counts its type)."""
    return (
        "(NOT EXISTS (SELECT 1 FROM campaign_categories k"
        f" WHERE k.campaign_id = {alias}.campaign_id)"
        f" OR {alias}.category_id IN (SELECT k.category_id FROM campaign_categories k"
        f" WHERE k.campaign_id = {alias}.campaign_id))"
    )


def codes(statuses: frozenset[str]) -> tuple[int, ...]:
    """The in-memory columns' codes of some statuses (status_case's numbers)."""
    return tuple(i + 1 for i, s in enumerate(STATUSES) if s in statuses and s in LIVE)


def status_case(alias: str = "") -> str:
    """SQL: a live report's status as a small number (0: deleted), for the in-memory columns."""
    column = f"{alias}.status" if alias else "status"
    whens = " ".join(f"WHEN '{s}' THEN {i + 1}" for i, s in enumerate(STATUSES) if s in LIVE)
    return f"CASE {column} {whens} ELSE 0 END"


# --- the summary tables -----------------------------------------------------------------------

# Periods a report belongs to, by its service date: in a trigger computed from the report, in a
# refill read from a table of every service date's periods made first (stat_days).
_MONTH = (
    "COALESCE((SELECT MAX(start) FROM jalali_months WHERE start <= {r}.service_date),"
    " {r}.service_date)"
)
_YEAR = (
    "COALESCE((SELECT year_start FROM jalali_months WHERE start <= {r}.service_date"
    " ORDER BY start DESC LIMIT 1), {r}.service_date)"
)
_PLACES = (
    {"province_id": "0", "county_id": "0"},
    {"province_id": "{r}.province_id", "county_id": "0"},
    {"province_id": "{r}.province_id", "county_id": "{r}.county_id"},
)


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary table: its key columns, and the rows a report adds to (one per combination of
    the axes' alternatives, each giving some key columns; `fixed` gives the rest)."""

    table: str
    key: tuple[str, ...]
    fixed: Mapping[str, str] = field(default_factory=dict)
    axes: tuple[tuple[Mapping[str, str], ...], ...] = ()
    campaign: bool = False  # only reports that count for their campaign


SUMMARIES: tuple[Summary, ...] = (
    # Places by day ('d') and Jalali month ('m'): counties, provinces (county 0), country (0, 0).
    Summary(
        "stat_place",
        ("province_id", "county_id", "kind", "start", "category_id"),
        {"category_id": "{r}.category_id"},
        (
            _PLACES,
            (
                {"kind": "'d'", "start": "{r}.service_date"},
                {"kind": "'m'", "start": "{month}"},
            ),
        ),
    ),
    # Groups by Saturday-Friday week ('w'), Jalali month ('m') and year ('y').
    Summary(
        "stat_group_period",
        ("kind", "start", "group_id"),
        {"group_id": "{r}.group_id"},
        (
            (
                {"kind": "'w'", "start": "{week}"},
                {"kind": "'m'", "start": "{month}"},
                {"kind": "'y'", "start": "{year}"},
            ),
        ),
    ),
    # A campaign's counted reports by place and type, by service date, and by group.
    Summary(
        "stat_campaign_place",
        ("campaign_id", "province_id", "county_id", "category_id"),
        {"campaign_id": "{r}.campaign_id", "category_id": "{r}.category_id"},
        (_PLACES,),
        campaign=True,
    ),
    Summary(
        "stat_campaign_day",
        ("campaign_id", "day"),
        {"campaign_id": "{r}.campaign_id", "day": "{r}.service_date"},
        campaign=True,
    ),
    Summary(
        "stat_group_campaign",
        ("campaign_id", "group_id"),
        {"campaign_id": "{r}.campaign_id", "group_id": "{r}.group_id"},
        campaign=True,
    ),
)
CAMPAIGN_SUMMARIES = tuple(s for s in SUMMARIES if s.campaign)

# What the in-memory columns (db.stat_columns) hold of a report: a change of one of these is
# logged in stat_changes for them to read again.
COLUMN_SOURCES = ("service_date", "group_id", "category_id", "quantity", "beneficiaries", "status")


def _rows(summary: Summary) -> list[dict[str, str]]:
    """Every combination of the axes' alternatives, with the fixed columns: one key per row."""
    found = []
    for combination in itertools.product(*summary.axes):
        row = dict(summary.fixed)
        for part in combination:
            row.update(part)
        found.append({column: row[column] for column in summary.key})
    return found


def _render(template: str, report: str, periods: Mapping[str, str]) -> str:
    """A key or value expression for one report alias and one way of finding its periods."""
    text = template
    for name, sql in periods.items():
        text = text.replace("{" + name + "}", sql)
    return text.replace("{r}", report)


def _measure(measure: Measure, report: str, sign: str = "") -> str:
    """What one report adds to a measure (sign "-": takes away), as a SQL expression."""
    value = _render(measure.value, report, {})
    return f"CASE WHEN {status_in(measure.statuses, report)} THEN {sign}{value} ELSE 0 END"


def report_sums(counting: Counting, alias: str = "r") -> str:
    """SQL SELECT list over reports: what counts (reports, services, beneficiaries, volunteers),
    then what is pending (reports, services, 0, 0), as the summaries' measures add them up."""
    measure = {m.column: m for m in measures()}
    shown = WAITING_COLUMNS if PENDING[counting] else ()
    sums = [f"COALESCE(SUM({_measure(measure[c], alias)}), 0)" for c in columns(counting)]
    sums += [f"COALESCE(SUM({_measure(measure[c], alias)}), 0)" for c in shown]
    return ", ".join([*sums, *["0"] * (8 - len(sums))])


def summary_sums(counting: Counting, prefix: str = "") -> str:
    """SQL SELECT list over summary rows: what counts, then what is pending (as report_sums)."""
    shown = WAITING_COLUMNS if PENDING[counting] else ()
    sums = [f"COALESCE(SUM({prefix}{c}), 0)" for c in (*columns(counting), *shown)]
    return ", ".join([*sums, *["0"] * (8 - len(sums))])


def _belongs(summary: Summary, report: str) -> str:
    """SQL: a live report belongs in the summary."""
    if not summary.campaign:
        return "1 = 1"
    return f"{report}.campaign_id IS NOT NULL AND {in_campaign(report)}"


def _periods(db: Database, report: str) -> dict[str, str]:
    """The periods of a report, computed from its service date (in a trigger)."""
    return {"week": db.week_start(f"{report}.service_date"), "month": _MONTH, "year": _YEAR}


def _add(db: Database, summary: Summary, report: str, sign: str) -> str:
    """One statement of a trigger: a report's rows added to a summary (sign "-": taken away)."""
    periods = _periods(db, report)
    sources = []
    picked: dict[str, str] = {}
    for i, axis in enumerate(summary.axes):
        names = list(axis[0])
        selects = [
            ", ".join(
                _render(alt[name], report, periods) + (f" AS {name}" if first else "")
                for name in names
            )
            for first, alt in zip((True, *([False] * (len(axis) - 1))), axis, strict=True)
        ]
        sources.append("(SELECT " + " UNION ALL SELECT ".join(selects) + f") AS a{i}")
        picked.update({name: f"a{i}.{name}" for name in names})
    keys = [picked.get(c) or _render(summary.fixed[c], report, periods) for c in summary.key]
    names = [m.column for m in measures()]
    values = [_measure(m, report, sign) for m in measures()]
    source = f" FROM {', '.join(sources)}" if sources else ""
    sums = ", ".join(f"{c} = {summary.table}.{c} + excluded.{c}" for c in names)
    return (
        f"INSERT INTO {summary.table} ({', '.join((*summary.key, *names))})"
        f" SELECT {', '.join((*keys, *values))}{source} WHERE {_belongs(summary, report)}"
        f" ON CONFLICT ({', '.join(summary.key)}) DO UPDATE SET {sums}"
    )


def _last_day_added(report: str) -> str:
    """A group's latest live service date, moved on by a report."""
    return (
        f"INSERT INTO stat_group_last (group_id, last_day) VALUES ({report}.group_id,"
        f" {report}.service_date) ON CONFLICT (group_id) DO UPDATE SET last_day = CASE WHEN"
        " excluded.last_day > stat_group_last.last_day THEN excluded.last_day"
        " ELSE stat_group_last.last_day END"
    )


def _last_day_again(report: str) -> str:
    """A group's latest live service date, found again after a report left it."""
    return (
        "INSERT INTO stat_group_last (group_id, last_day)"
        f" SELECT {report}.group_id, COALESCE(MAX(r.service_date), '') FROM reports r"
        f" WHERE r.group_id = {report}.group_id AND {live('r')}"
        " ON CONFLICT (group_id) DO UPDATE SET last_day = excluded.last_day"
    )


def _changed(report: str) -> str:
    """Logs a changed or deleted report for the in-memory columns to read again."""
    return (
        "INSERT INTO stat_changes (report_id, seq)"
        f" VALUES ({report}.id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM stat_changes))"
        " ON CONFLICT (report_id) DO UPDATE SET seq = excluded.seq"
    )


def _watched() -> tuple[str, ...]:
    """The report columns the summaries read: a change of any of them moves the report."""
    templates = [m.value for m in measures()] + [in_campaign("{r}"), _MONTH, _YEAR]
    for summary in SUMMARIES:
        templates += summary.fixed.values()
        templates += [value for axis in summary.axes for alt in axis for value in alt.values()]
    found = {"status", "service_date"}  # the status picks the measures; the date, the periods
    for template in templates:
        found.update(re.findall(r"\{r\}\.(\w+)", template))
    return tuple(sorted(found))


def triggers(db: Database) -> list[Trigger]:
    """The triggers that keep every summary current, as the definition above says."""
    watched = _watched()
    leaving = [_last_day_again("OLD"), *(_add(db, s, "OLD", "-") for s in SUMMARIES)]
    arriving = [_last_day_added("NEW"), *(_add(db, s, "NEW", "") for s in SUMMARIES)]
    return [
        Trigger("counting_insert", "reports", "INSERT", (), live("NEW"), arriving),
        Trigger("counting_delete", "reports", "DELETE", (), live("OLD"), leaving),
        Trigger("counting_update_old", "reports", "UPDATE", watched, live("OLD"), leaving),
        Trigger("counting_update_new", "reports", "UPDATE", watched, live("NEW"), arriving),
        Trigger(
            "counting_group",
            "groups",
            "INSERT",
            (),
            "",
            [
                "INSERT INTO stat_group_last (group_id, last_day) VALUES (NEW.id, '')"
                " ON CONFLICT (group_id) DO NOTHING"
            ],
        ),
        Trigger(
            "counting_changes_update", "reports", "UPDATE", COLUMN_SOURCES, "", [_changed("NEW")]
        ),
        Trigger("counting_changes_delete", "reports", "DELETE", (), "", [_changed("OLD")]),
    ]


def _constant(sql: str) -> bool:
    return re.fullmatch(r"'[^']*'|\d+", sql) is not None


def _fill(summary: Summary, where: str = "") -> list[str]:
    """Statements that fill a summary from the reports (after its rows were deleted): one per
    combination of its axes, reading periods from stat_days (see refill)."""
    periods = {"week": "d.week", "month": "d.month", "year": "d.year"}
    statements = []
    names = [m.column for m in measures()]
    for row in _rows(summary):
        keys = [_render(expr, "r", periods) for expr in row.values()]
        groups = [str(i + 1) for i, key in enumerate(keys) if not _constant(key)]
        dated = any("d." in key for key in keys)
        source = "reports r JOIN stat_days d ON d.day = r.service_date" if dated else "reports r"
        sums = [f"SUM({_measure(m, 'r')})" for m in measures()]
        statements.append(
            f"INSERT INTO {summary.table} ({', '.join((*summary.key, *names))})"
            f" SELECT {', '.join((*keys, *sums))} FROM {source}"
            f" WHERE {live('r')} AND {_belongs(summary, 'r')}{where}"
            f" GROUP BY {', '.join(groups)}"
        )
    return statements


def _days(db: Database) -> list[str]:
    """Statements that make stat_days: every service date with its week, month and year."""
    periods = _periods(db, "x")
    return [
        "DROP TABLE IF EXISTS stat_days",
        "CREATE TEMP TABLE stat_days AS SELECT x.service_date AS day,"
        f" {_render('{week}', 'x', periods)} AS week, {_render(_MONTH, 'x', {})} AS month,"
        f" {_render(_YEAR, 'x', {})} AS year"
        " FROM (SELECT DISTINCT service_date FROM reports) x",
    ]


def refill_all(db: Database) -> list[str]:
    """Statements that refill every summary from the reports."""
    statements = _days(db)
    for summary in SUMMARIES:
        statements.append(f"DELETE FROM {summary.table}")
        statements += _fill(summary)
    statements += [
        "DELETE FROM stat_group_last",
        "INSERT INTO stat_group_last (group_id, last_day)"
        " SELECT g.id, COALESCE(MAX(r.service_date), '') FROM groups g"
        f" LEFT JOIN reports r ON r.group_id = g.id AND {live('r')} GROUP BY g.id",
        "DROP TABLE stat_days",
    ]
    return statements


async def refill_campaign(db: Database, campaign_id: int) -> None:
    """Refills one campaign's summaries from its reports (inside the caller's transaction):
    what it counts changed."""
    for summary in CAMPAIGN_SUMMARIES:
        await db.execute(f"DELETE FROM {summary.table} WHERE campaign_id = ?", (campaign_id,))
        for statement in _fill(summary, " AND r.campaign_id = ?"):
            await db.execute(statement, (campaign_id,))


@dataclass(frozen=True, slots=True)
class Plan:
    """What install() runs on one engine: the triggers made again, every summary refilled."""

    drop: tuple[str, ...]
    create: tuple[str, ...]
    fill: tuple[str, ...]

    @property
    def fingerprint(self) -> str:
        """A hash of the triggers and fills: another one means another rule (or SQL for it)."""
        return hashlib.sha256("\n".join((*self.create, *self.fill)).encode()).hexdigest()


def plan(db: Database) -> Plan:
    """The triggers and fills of the definition on one engine."""
    made = triggers(db)
    return Plan(
        tuple(db.drop_trigger(t) for t in made),
        tuple(statement for t in made for statement in db.create_trigger(t)),
        tuple(refill_all(db)),
    )


async def current(db: Database) -> bool:
    """True when the database's triggers and summaries follow this definition."""
    if "counting_rule" not in await db.tables():
        return False
    installed = await db.scalar("SELECT fingerprint FROM counting_rule WHERE id = 1")
    return installed == plan(db).fingerprint


async def uninstall(db: Database) -> None:
    """Drops the triggers and forgets the installed rule, for a bulk load of reports (the
    benchmarks'): the next install() makes them again and refills every summary."""
    for trigger in triggers(db):
        await db.execute(db.drop_trigger(trigger))
    await db.execute("DELETE FROM counting_rule")


async def install(db: Database) -> bool:
    """Makes the triggers from the definition and refills every summary, unless they follow it
    already; True when it did. One transaction: figures never show half a change."""
    if await current(db):
        return False
    made = plan(db)
    async with db.transaction():
        for statement in (*made.drop, *made.create, *made.fill):
            await db.execute(statement)
        await db.execute(
            "INSERT INTO counting_rule (id, fingerprint, installed_at) VALUES (1, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint,"
            " installed_at = excluded.installed_at",
            (made.fingerprint, db.stamp()),
        )
    return True
