"""The report flow as a table: each step, what it takes, where Back goes, what Skip does."""

from __future__ import annotations

from typing import Any

import handlers.report.steps as s
from bot.core.i18n import t
from bot.kit.access import leader_of_first, reporter
from bot.kit.engine import Flow, Go, Result, Step
from bot.kit.principal import Principal
from db.models import ReportStatus
from db.store import Store
from handlers.pickers import place_steps
from handlers.report.draft import ReportDraft
from handlers.review_cards import receipt


async def new_report(turn: s.Report, ids: tuple[int, ...]) -> Result:
    """A new report: the group first when the person leads several, else the campaign.

    A group id (from the weekly reminder of that group) picks it when the person still leads it.
    """
    groups = [group.group_id for group in s.led(turn)]
    chosen = [group for group in groups if group in ids] or groups
    if len(chosen) == 1:
        turn.draft.group_id = chosen[0]
        return Go("campaign")
    return Go("group")


async def edit_report(turn: s.Report, ids: tuple[int, ...]) -> Result:
    """A saved report opened on the review (the access policy checked whose it is)."""
    report = await turn.store.reports.get(ids[0] if ids else 0)
    if report is None:
        return Go("area")
    service = await turn.store.categories.get(report.category_id)
    turn.draft = ReportDraft.of_report(report, service.parent_id if service else None)
    return Go("review")


async def fix_report(turn: s.Report, ids: tuple[int, ...]) -> Result:
    """A returned report opened at the field its reviewer named (or at the review)."""
    result = await edit_report(turn, ids[:1])
    report = await turn.store.reports.get(turn.draft.report_id or 0)
    hint = (
        t("review-fix-reason", reason=report.review_note) if report and report.review_note else ""
    )
    field = s.EDITS.get(ids[1] if len(ids) > 1 else 0)
    if field is not None and turn.draft.report_id is not None:
        return Go(field[0], hint)
    return Go(result.step, hint) if isinstance(result, Go) else result


async def repeat_report(turn: s.Report, ids: tuple[int, ...]) -> Result:
    """«🔁 تکرار گزارش قبلی» on a receipt: a new report prefilled from that one (its group,
    campaign while it runs, service, quantity, people and place); the date is asked again, then
    the description and photos, which are not copied (the access policy checked the group)."""
    report = await turn.store.reports.get(ids[0] if ids else 0)
    if report is None or report.status is ReportStatus.DELETED:
        return Go("group" if len(s.led(turn)) > 1 else "campaign")
    draft = turn.draft
    draft.group_id = report.group_id
    running = {c.id for c in await s.campaigns(turn)}
    draft.campaign_id = report.campaign_id if report.campaign_id in running else None
    service = await turn.store.categories.get(report.category_id)
    if service is None:
        return Go("campaign")
    draft.area_id, draft.category_id = service.parent_id, report.category_id
    draft.quantity = report.quantity
    draft.beneficiaries, draft.volunteers = report.beneficiaries, report.volunteers
    draft.province_id, draft.county_id, draft.place = (
        report.province_id,
        report.county_id,
        report.place,
    )
    draft.latitude, draft.longitude = report.latitude, report.longitude
    return Go("date", t("report-repeat-started", receipt=receipt(report.receipt)))


def _must_confirm(draft: ReportDraft) -> bool:
    """Discarding asks first once a new report holds real answers (an edit loses nothing)."""
    return draft.report_id is None and (draft.quantity is not None or draft.reviewing)


def _cancelled(draft: ReportDraft) -> str:
    """What a cancel says: a discarded draft, or an edit that left the saved report as it was."""
    return "report-edit-cancelled" if draft.report_id is not None else "cancel-done"


async def may_go_on(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """A report (or an edit of one) only while its writer still leads the group it is for (or the
    group that one merged into)."""
    report_id = draft.get("report_id")
    if report_id is not None:
        report = await store.reports.get(int(report_id))
        if report is None or report.reporter_id != who.user_id:
            return False
    group_id = draft.get("group_id")
    if group_id is None:
        return bool(who.reporting_groups)
    # A group merged meanwhile: the report goes on for the group it merged into.
    group = await store.groups.current(int(group_id))
    return group is not None and any(m.group_id == group.id for m in who.reporting_groups)


FLOW = Flow(
    draft=ReportDraft,
    prefix="rep",
    name="flow-name-report",
    rule=reporter,
    rules={"grp": leader_of_first},
    allowed=may_go_on,
    steps={
        "group": Step(s.ask_group, press={"grp": s.group_pressed, "gpage": s.group_page}),
        "campaign": Step(
            s.ask_campaign, press={"camp": s.campaign_pressed}, back="group", edits=True
        ),
        "area": Step(s.ask_area, press={"area": s.area_pressed}, back=s.back_from_area, edits=True),
        "service": Step(s.ask_service, press={"svc": s.service_pressed}, back="area", edits=True),
        "quantity": Step(
            s.ask_quantity,
            text=s.quantity_typed,
            back="service",
            expects="report-number-hint",
            edits=True,
        ),
        "large": Step(
            s.ask_large,
            text=s.quantity_typed,
            press={"bigok": s.large_confirmed, "bigno": s.large_refused},
            back="quantity",
            expects="report-number-hint",
        ),
        "beneficiaries": Step(
            s.ask_beneficiaries,
            text=s.beneficiaries_typed,
            skip=s.beneficiaries_skipped,
            back="quantity",
            expects="report-number-hint",
            edits=True,
        ),
        "volunteers": Step(
            s.ask_volunteers,
            text=s.volunteers_typed,
            skip=s.volunteers_skipped,
            back="beneficiaries",
            expects="report-number-hint",
            edits=True,
        ),
        "place": Step(
            s.ask_place,
            press={"same": s.same_place, "pick": s.pick_place, "loc": s.share_location},
            location=s.location_shared,  # a location sent at once, without the button first
            back="volunteers",
            edits=True,
        ),
        "location": Step(
            s.ask_location,
            location=s.location_shared,
            back=s.back_from_location,
            expects="report-location-expected",
        ),
        **place_steps("village", back="place", part_of_place=True),
        "village": Step(
            s.ask_village,
            text=s.village_typed,
            skip=s.village_skipped,
            back=s.back_from_village,
            edits=True,
        ),
        "date": Step(
            s.ask_date,
            text=s.date_typed,
            press={"day": s.day_pressed},
            back="village",
            expects="report-date-hint",
            edits=True,
        ),
        "description": Step(
            s.ask_description,
            text=s.description_typed,
            press={"trim": s.description_trimmed},
            skip=s.description_skipped,
            back="date",
            edits=True,
        ),
        "photos": Step(
            s.ask_photos,
            photo=s.photo_sent,
            other=s.picture_file_sent,
            press={"pdone": s.photos_done, "nophoto": s.no_photos, "pclear": s.photos_cleared},
            back="description",
            expects="report-photo-expected",
            edits=True,
        ),
        "review": Step(
            s.ask_review, press={"edit": s.edit_pressed, "save": s.save_pressed}, back="photos"
        ),
    },
    entries={"new": new_report, "edit": edit_report, "fix": fix_report, "repeat": repeat_report},
    review="review",
    must_confirm_cancel=_must_confirm,
    cancelled=_cancelled,
    follow=s.follow_merge,
)
