"""Read-only queries behind exports: report rows streamed in order, and their summaries.

An export may read a hundred thousand rows while the bot keeps writing, so it does not go
through the application's database (on SQLite, its one connection's lock would make every user
wait).
It opens its own read-only connection (SQLite: URI mode=ro; PostgreSQL: a read-only repeatable
read transaction); in SQLite's WAL mode a reader and the writer do not block each other.
Everything an export reads happens inside one read transaction, so the rows and the summaries
come from the same snapshot even if reports are saved meanwhile. The connection blocks (sqlite3,
or psycopg's blocking one) because exports run in a worker thread or process, off the event loop.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from bot.core.config import is_postgresql
from db.database import Row
from db.models import Province, ReportStatus

LIVE_STATUSES: tuple[ReportStatus, ...] = (
    ReportStatus.SUBMITTED,
    ReportStatus.APPROVED,
    ReportStatus.RETURNED,
)
"""What an export holds unless deleted reports are asked for."""

_ROWS = """
SELECT r.id, r.receipt, g.name AS group_name, COALESCE(k.title, '') AS campaign, p.name AS province,
       n.name AS county, r.place, COALESCE(a.name, '') AS area, c.name AS service, c.unit,
       r.quantity, r.beneficiaries, r.volunteers, r.service_date, r.status,
       COALESCE(NULLIF(TRIM(v.first_name || ' ' || v.last_name), ''), CAST(r.reporter_id AS TEXT))
           AS reporter,
       r.created_at, r.description,
       (SELECT COUNT(*) FROM report_photos f WHERE f.report_id = r.id) AS photos
FROM reports r
JOIN groups g ON g.id = r.group_id
LEFT JOIN campaigns k ON k.id = r.campaign_id
JOIN categories c ON c.id = r.category_id
LEFT JOIN categories a ON a.id = c.parent_id
JOIN provinces p ON p.id = r.province_id
JOIN counties n ON n.id = r.county_id
LEFT JOIN volunteers v ON v.id = r.reporter_id
"""

_BY_SERVICE = """
SELECT COALESCE(a.name, '') AS area, c.name AS service, c.unit, COUNT(*) AS reports,
       SUM(r.quantity) AS quantity, COALESCE(SUM(r.beneficiaries), 0) AS beneficiaries,
       COALESCE(SUM(r.volunteers), 0) AS volunteers
FROM reports r
JOIN categories c ON c.id = r.category_id
LEFT JOIN categories a ON a.id = c.parent_id
"""

_BY_PROVINCE = """
SELECT p.name AS province, c.unit, COUNT(*) AS reports, SUM(r.quantity) AS quantity,
       COALESCE(SUM(r.beneficiaries), 0) AS beneficiaries,
       COALESCE(SUM(r.volunteers), 0) AS volunteers
FROM reports r
JOIN provinces p ON p.id = r.province_id
JOIN categories c ON c.id = r.category_id
"""

_FETCH = 500  # rows fetched from SQLite at a time


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which reports an export holds: service dates (inclusive), scope and statuses.

    No provinces means every province; a campaign narrows to its reports.
    """

    start: date
    end: date
    province_ids: tuple[int, ...] = ()
    campaign_id: int | None = None
    statuses: tuple[ReportStatus, ...] = LIVE_STATUSES

    def where(self) -> tuple[str, list[object]]:
        """Returns the WHERE clause (on reports aliased r) and its parameters."""
        statuses = tuple(dict.fromkeys(self.statuses)) or LIVE_STATUSES
        clauses = [
            "r.service_date BETWEEN ? AND ?",
            f"r.status IN ({', '.join('?' * len(statuses))})",
        ]
        params: list[object] = [self.start.isoformat(), self.end.isoformat(), *statuses]
        if self.province_ids:
            clauses.append(f"r.province_id IN ({', '.join('?' * len(self.province_ids))})")
            params.extend(self.province_ids)
        if self.campaign_id is not None:
            clauses.append("r.campaign_id = ?")
            params.append(self.campaign_id)
        return " WHERE " + " AND ".join(clauses), params


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One report as an export writes it."""

    id: int
    receipt: str
    group: str
    campaign: str
    province: str
    county: str
    place: str
    area: str
    service: str
    unit: str
    quantity: int
    beneficiaries: int | None
    volunteers: int | None
    service_date: date
    status: ReportStatus
    reporter: str
    created_at: datetime
    description: str
    photos: int


@dataclass(frozen=True, slots=True)
class ServiceSum:
    """Totals of one service type (with its area and unit) over the exported reports."""

    area: str
    service: str
    unit: str
    reports: int
    quantity: int
    beneficiaries: int
    volunteers: int


@dataclass(frozen=True, slots=True)
class ProvinceSum:
    """Totals of one province over the exported reports; quantities by unit, as unlike units
    do not add up («۲۹۹ پرس + ۴۹ بسته» is not «۳۴۸»)."""

    province: str
    reports: int
    quantities: dict[str, int]  # unit -> quantity
    beneficiaries: int
    volunteers: int


def _created(text: str) -> datetime:
    """Reads a stored *_at value (ISO UTC) as an aware datetime."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _row(r: Row) -> ExportRow:
    return ExportRow(
        id=r["id"],
        receipt=r["receipt"],
        group=r["group_name"],
        campaign=r["campaign"],
        province=r["province"],
        county=r["county"],
        place=r["place"],
        area=r["area"],
        service=r["service"],
        unit=r["unit"],
        quantity=r["quantity"],
        beneficiaries=r["beneficiaries"],
        volunteers=r["volunteers"],
        service_date=date.fromisoformat(r["service_date"]),
        status=ReportStatus(r["status"]),
        reporter=r["reporter"],
        created_at=_created(r["created_at"]),
        description=r["description"],
        photos=r["photos"],
    )


class ExportReader:
    """A read-only connection to the bot's database for one export (use it in one thread)."""

    def __init__(self, path: str | Path) -> None:
        self._conn: Any
        self._postgresql = is_postgresql(path)
        if self._postgresql:  # a blocking psycopg connection, rows and statements as SQLite's
            from db.engines.postgresql import blocking_connection, placeholders

            self._conn = blocking_connection(str(path))
            self._sql: Callable[[str], str] = placeholders
            return
        if not Path(path).is_file():
            raise FileNotFoundError(errno.ENOENT, "no such database", str(path))
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA busy_timeout = 5000")
        self._sql = str

    def _execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        """Runs a query on the reader's connection; its cursor."""
        return self._conn.execute(self._sql(sql), params)

    def close(self) -> None:
        """Closes the connection."""
        self._conn.close()

    def __enter__(self) -> ExportReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Holds one read transaction: every query inside sees the same state of the database."""
        begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if self._postgresql else "BEGIN"
        self._conn.execute(begin)
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def count(self, flt: ExportFilter) -> int:
        """Returns how many reports the filter selects."""
        where, params = flt.where()
        row = self._execute("SELECT COUNT(*) FROM reports r" + where, params).fetchone()
        return int(row[0])

    def rows(self, flt: ExportFilter) -> Iterator[ExportRow]:
        """Yields the selected reports by service date, then receipt order, a few at a time."""
        where, params = flt.where()
        cursor = self._execute(_ROWS + where + " ORDER BY r.service_date, r.id", params)
        try:
            while batch := cursor.fetchmany(_FETCH):
                for r in batch:
                    yield _row(r)
        finally:
            cursor.close()

    def by_service(self, flt: ExportFilter) -> list[ServiceSum]:
        """Returns totals per service type, in the order of the category tree."""
        where, params = flt.where()
        rows = self._execute(
            _BY_SERVICE
            + where
            + " GROUP BY c.id, a.id ORDER BY a.position, a.id, c.position, c.id",
            params,
        ).fetchall()
        return [ServiceSum(*tuple(r)) for r in rows]

    def by_province(self, flt: ExportFilter) -> list[ProvinceSum]:
        """Returns totals per province (quantities by unit), in the provinces' alphabetical
        order."""
        where, params = flt.where()
        rows = self._execute(
            _BY_PROVINCE + where + " GROUP BY p.id, c.unit ORDER BY p.position, p.id", params
        ).fetchall()
        found: dict[str, ProvinceSum] = {}
        for r in rows:
            name = r["province"]
            last = found.get(name) or ProvinceSum(name, 0, {}, 0, 0)
            found[name] = ProvinceSum(
                name,
                last.reports + r["reports"],
                {**last.quantities, r["unit"]: r["quantity"]},
                last.beneficiaries + r["beneficiaries"],
                last.volunteers + r["volunteers"],
            )
        return list(found.values())

    def provinces_matching(self, key: str) -> list[Province]:
        """Returns the province whose search key is key, else those whose key contains it."""
        rows = self._execute(
            "SELECT id, code, name, search_key FROM provinces WHERE instr(search_key, ?) > 0"
            " ORDER BY position",
            (key,),
        ).fetchall()
        exact = [r for r in rows if r["search_key"] == key]
        return [Province(r["id"], r["code"], r["name"]) for r in (exact or rows)]

    def campaign_title(self, campaign_id: int) -> str | None:
        """Returns a campaign's title, or None if there is no such campaign."""
        row = self._execute("SELECT title FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()
        return None if row is None else str(row["title"])
