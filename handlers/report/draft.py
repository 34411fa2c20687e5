"""The report's draft: every answer of one report (or of an edit of a saved one)."""

from __future__ import annotations

import dataclasses
from datetime import date

from bot.kit.engine import Draft
from db.models import Photo, Report, ReportInput


@dataclasses.dataclass
class ReportDraft(Draft):
    """Every answer of one report conversation (or of editing one saved report)."""

    KIND = "report"

    report_id: int | None = None
    group_id: int | None = None
    campaign_id: int | None = None
    area_id: int | None = None
    category_id: int | None = None
    quantity: int | None = None
    pending_quantity: int | None = None
    beneficiaries: int | None = None
    volunteers: int | None = None
    province_id: int | None = None
    county_id: int | None = None
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    service_date: str | None = None
    description: str = ""
    pending_text: str = ""  # a description too long, kept to offer its first part
    photos: list[list[str]] = dataclasses.field(default_factory=list)
    album_seq: int = 0  # the question an album came in for, answered once it is all in

    @property
    def date(self) -> date | None:
        """The service date, if chosen."""
        return date.fromisoformat(self.service_date) if self.service_date else None

    def as_input(self) -> ReportInput | None:
        """The report to save, or None while a required answer is missing."""
        required = (self.group_id, self.category_id, self.quantity, self.county_id, self.date)
        if any(value is None for value in required) or self.province_id is None:
            return None
        assert self.date is not None
        return ReportInput(
            group_id=self.group_id or 0,
            campaign_id=self.campaign_id,
            category_id=self.category_id or 0,
            quantity=self.quantity or 0,
            beneficiaries=self.beneficiaries,
            volunteers=self.volunteers,
            province_id=self.province_id,
            county_id=self.county_id or 0,
            place=self.place,
            latitude=self.latitude,
            longitude=self.longitude,
            service_date=self.date,
            description=self.description,
            photos=tuple(Photo(file_id, unique) for file_id, unique in self.photos),
        )

    @classmethod
    def of_report(cls, report: Report, area_id: int | None) -> ReportDraft:
        """A draft holding a saved report's fields, for editing it from the review."""
        return cls(
            reviewing=True,
            report_id=report.id,
            group_id=report.group_id,
            campaign_id=report.campaign_id,
            area_id=area_id,
            category_id=report.category_id,
            quantity=report.quantity,
            beneficiaries=report.beneficiaries,
            volunteers=report.volunteers,
            province_id=report.province_id,
            county_id=report.county_id,
            place=report.place,
            latitude=report.latitude,
            longitude=report.longitude,
            service_date=report.service_date.isoformat(),
            description=report.description,
            photos=[[p.file_id, p.file_unique_id] for p in report.photos],
        )
