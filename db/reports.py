"""Repository of service reports and their photos."""

from __future__ import annotations

import dataclasses
from datetime import date

from db.audit import AuditRepo
from db.database import Database, Row
from db.models import Photo, Report, ReportInput, ReportStatus, Totals
from db.stats import per_unit

_SELECT = """
SELECT r.*, g.name AS group_name, COALESCE(k.title, '') AS campaign_title,
       c.name AS category_name, COALESCE(a.name, '') AS area_name, c.unit AS unit,
       p.name AS province_name, n.name AS county_name
FROM reports r
JOIN groups g ON g.id = r.group_id
LEFT JOIN campaigns k ON k.id = r.campaign_id
JOIN categories c ON c.id = r.category_id
LEFT JOIN categories a ON a.id = c.parent_id
JOIN provinces p ON p.id = r.province_id
JOIN counties n ON n.id = r.county_id
"""
_FIELDS = [f.name for f in dataclasses.fields(ReportInput) if f.name != "photos"]


def _values(data: ReportInput) -> list[object]:
    return [
        data.service_date.isoformat() if name == "service_date" else getattr(data, name)
        for name in _FIELDS
    ]


class ReportRepo:
    """Saves reports idempotently and atomically, edits and deletes them with an audit trail."""

    def __init__(self, db: Database, audit: AuditRepo) -> None:
        self.db = db
        self.audit = audit

    async def _report(self, row: Row) -> Report:
        photos = await self.db.fetchall(
            "SELECT file_id, file_unique_id FROM report_photos WHERE report_id = ?"
            " ORDER BY position",
            (row["id"],),
        )
        return Report(
            id=row["id"],
            receipt=row["receipt"],
            group_id=row["group_id"],
            group_name=row["group_name"],
            reporter_id=row["reporter_id"],
            campaign_id=row["campaign_id"],
            campaign_title=row["campaign_title"],
            category_id=row["category_id"],
            category_name=row["category_name"],
            area_name=row["area_name"],
            unit=row["unit"],
            quantity=row["quantity"],
            beneficiaries=row["beneficiaries"],
            volunteers=row["volunteers"],
            province_id=row["province_id"],
            province_name=row["province_name"],
            county_id=row["county_id"],
            county_name=row["county_name"],
            place=row["place"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            service_date=date.fromisoformat(row["service_date"]),
            description=row["description"],
            status=ReportStatus(row["status"]),
            review_note=row["review_note"],
            created_at=row["created_at"],
            photos=tuple(Photo(p["file_id"], p["file_unique_id"]) for p in photos),
            version=row["version"],
        )

    async def get(self, report_id: int) -> Report | None:
        """Returns a report by id (deleted ones too)."""
        row = await self.db.fetchone(_SELECT + " WHERE r.id = ?", (report_id,))
        return None if row is None else await self._report(row)

    async def by_key(self, key: str) -> Report | None:
        """Returns the report saved under an idempotency key."""
        row = await self.db.fetchone(_SELECT + " WHERE r.idempotency_key = ?", (key,))
        return None if row is None else await self._report(row)

    async def create(
        self, data: ReportInput, reporter_id: int, key: str, receipt_year: int
    ) -> tuple[Report, bool]:
        """Saves a report with its photos and audit row in one transaction.

        The key makes it idempotent: saving the same draft again returns the first report and
        False, whatever the number of taps, retries or redeliveries.
        """
        async with self.db.transaction():
            now = self.db.stamp()
            columns = ", ".join(_FIELDS)
            marks = ", ".join("?" * len(_FIELDS))
            report_id = await self.db.insert(
                f"INSERT INTO reports (receipt, idempotency_key, reporter_id, {columns},"
                f" created_at, updated_at) VALUES (?, ?, ?, {marks}, ?, ?)"
                " ON CONFLICT (idempotency_key) DO NOTHING",
                [key, key, reporter_id, *_values(data), now, now],
            )
            if report_id:
                await self.db.execute(
                    "UPDATE reports SET receipt = ? WHERE id = ?",
                    (f"{receipt_year}-{report_id:06d}", report_id),
                )
                await self._save_photos(report_id, data.photos)
                await self.audit.record(reporter_id, "report.create", "report", report_id)
        report = await self.by_key(key)
        assert report is not None
        return report, bool(report_id)

    async def _save_photos(self, report_id: int, photos: tuple[Photo, ...]) -> None:
        await self.db.execute("DELETE FROM report_photos WHERE report_id = ?", (report_id,))
        await self.db.executemany(
            "INSERT INTO report_photos (report_id, position, file_id, file_unique_id)"
            " VALUES (?, ?, ?, ?)",
            [(report_id, i, p.file_id, p.file_unique_id) for i, p in enumerate(photos)],
        )

    async def update(self, report_id: int, data: ReportInput, actor_id: int) -> Report | None:
        """Changes a report's fields and photos; the audit row lists what changed."""
        async with self.db.transaction():
            before = await self.get(report_id)
            if before is None or before.status is ReportStatus.DELETED:
                return None
            assignments = ", ".join(f"{name} = ?" for name in _FIELDS)
            await self.db.execute(
                f"UPDATE reports SET {assignments}, updated_at = ?, version = version + 1"
                " WHERE id = ?",
                [*_values(data), self.db.stamp(), report_id],
            )
            await self._save_photos(report_id, data.photos)
            changed = {
                name: [str(getattr(before, name)), str(getattr(data, name))]
                for name in _FIELDS
                if getattr(before, name) != getattr(data, name)
            }
            if before.photos != data.photos:
                changed["photos"] = [str(len(before.photos)), str(len(data.photos))]
            await self.audit.record(actor_id, "report.edit", "report", report_id, changed=changed)
        return await self.get(report_id)

    async def delete(self, report_id: int, actor_id: int) -> bool:
        """Marks a report deleted (kept for the audit trail); False if it was already."""
        async with self.db.transaction():
            changed = await self.db.execute(
                "UPDATE reports SET status = 'deleted', updated_at = ? WHERE id = ?"
                " AND status != 'deleted'",
                (self.db.stamp(), report_id),
            )
            if changed:
                await self.audit.record(actor_id, "report.delete", "report", report_id)
        return bool(changed)

    async def recent(self, reporter_id: int, limit: int = 10) -> list[Report]:
        """Returns a reporter's latest live reports, newest first."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE r.reporter_id = ? AND r.status != 'deleted'"
            " ORDER BY r.id DESC LIMIT ?",
            (reporter_id, limit),
        )
        return [await self._report(r) for r in rows]

    async def group_totals(self, group_id: int, start: date, end: date) -> Totals:
        """How many live reports a group has with service dates in a range, and their
        quantities per unit (never added across units)."""
        rows = await self.db.fetchall(
            "SELECT c.unit, COUNT(*), SUM(r.quantity) FROM reports r"
            " JOIN categories c ON c.id = r.category_id WHERE r.group_id = ?"
            " AND r.status != 'deleted' AND r.service_date BETWEEN ? AND ? GROUP BY c.unit",
            (group_id, start.isoformat(), end.isoformat()),
        )
        units = per_unit((str(r[0]), int(r[2])) for r in rows)
        return Totals(sum(int(r[1]) for r in rows), units)

    async def count(self) -> int:
        """Number of reports stored (deleted included)."""
        return int(await self.db.scalar("SELECT COUNT(*) FROM reports"))
