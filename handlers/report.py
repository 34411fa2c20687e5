"""The service report conversation: step by step, Back and Cancel everywhere, a review screen.

Every answer goes into one typed ReportDraft stored in SQLite as soon as it changes, so a
restart resumes at the same step. The draft's `step` is the truth; every state of the
conversation shares the same handlers, which dispatch on it. Saving is idempotent: the draft's
key is the report's idempotency key.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from enum import IntEnum
from typing import Any, cast

from telegram import InlineKeyboardButton, KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import jalali
from bot.context import Context
from bot.flow import (
    END,
    Draft,
    answer,
    earlier_step,
    finish,
    load_draft,
    on_panel,
    resume_draft,
    save_draft,
    show,
    strip_buttons,
)
from bot.i18n import Html, label, t
from bot.keyboards import Callback, button, cb, grid, inline, nav_row, pager, parse_cb
from bot.text import (
    NumberError,
    NumberReason,
    escape,
    fmt_percent,
    normalize,
    parse_count,
    progress_bar,
    search_key,
    to_persian_digits,
)
from db.models import Campaign, Membership, Photo, Report, ReportInput
from handlers.common import (
    FREE_TEXT,
    PRIVATE,
    canceller,
    conversation,
    menu_for,
    menu_text,
    notify,
    reply,
)
from handlers.group_view import place_text
from handlers.my_reports import editable

log = logging.getLogger(__name__)

COUNTIES_PER_PAGE = 24
GROUPS_PER_PAGE = 20
VILLAGE_MAX = 100
PEOPLE_MAX = 10_000_000
QUANTITY_LIMIT = 10**9  # beyond this a number is a typo, not a report


class Step(IntEnum):
    """Steps of the report conversation, in order."""

    GROUP = 1
    CAMPAIGN = 2
    AREA = 3
    SERVICE = 4
    QUANTITY = 5
    LARGE = 6
    BENEFICIARIES = 7
    VOLUNTEERS = 8
    PLACE = 9
    LOCATION = 10
    PROVINCE = 11
    COUNTY = 12
    VILLAGE = 13
    DATE = 14
    DESCRIPTION = 15
    PHOTOS = 16
    REVIEW = 17


# The step Back returns to; steps that open an edit from the review return to the review.
PREVIOUS = {
    Step.SERVICE: Step.AREA,
    Step.QUANTITY: Step.SERVICE,
    Step.LARGE: Step.QUANTITY,
    Step.BENEFICIARIES: Step.QUANTITY,
    Step.VOLUNTEERS: Step.BENEFICIARIES,
    Step.PLACE: Step.VOLUNTEERS,
    Step.LOCATION: Step.PLACE,
    Step.PROVINCE: Step.PLACE,
    Step.COUNTY: Step.PROVINCE,
    Step.VILLAGE: Step.PLACE,
    Step.DATE: Step.VILLAGE,
    Step.DESCRIPTION: Step.DATE,
    Step.PHOTOS: Step.DESCRIPTION,
    Step.REVIEW: Step.PHOTOS,
}
# The review's edit buttons: callback id → (first step of the field, button label key).
EDITS: dict[int, tuple[Step, str]] = {
    1: (Step.CAMPAIGN, "report-edit-campaign"),
    2: (Step.AREA, "report-edit-service"),
    3: (Step.QUANTITY, "report-edit-quantity"),
    4: (Step.BENEFICIARIES, "report-edit-people"),
    5: (Step.PLACE, "report-edit-place"),
    6: (Step.DATE, "report-edit-date"),
    7: (Step.DESCRIPTION, "report-edit-description"),
    8: (Step.PHOTOS, "report-edit-photos"),
}
EDIT_ENTRIES = {step for step, _ in EDITS.values()}


@dataclasses.dataclass
class ReportDraft(Draft):
    """Every answer of one report conversation (or of editing one saved report)."""

    KIND = "report"

    step: int = Step.GROUP
    reviewing: bool = False
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
    photos: list[list[str]] = dataclasses.field(default_factory=list)

    @property
    def date(self) -> date | None:
        """The service date, if chosen."""
        return date.fromisoformat(self.service_date) if self.service_date else None


Asker = Callable[[Update, Context, ReportDraft, str], Awaitable[int]]


# --- asking --------------------------------------------------------------------------------


def _nav(draft: ReportDraft, *, has_previous: bool = True) -> list[InlineKeyboardButton]:
    """Back and Cancel; Back is hidden on the first step (unless editing from the review)."""
    return nav_row("rep", back=has_previous or draft.reviewing)


async def _show(
    update: Update,
    context: Context,
    draft: ReportDraft,
    step: Step,
    text: str,
    rows: list[list[InlineKeyboardButton]],
) -> int:
    draft.step = step
    await show(update, context, draft, text, inline(rows))
    return step


def _with_hint(hint: str, question: str) -> Html:
    """A hint line above the question; plain-text hints (from label()) are escaped here."""
    if not hint:
        return Html(question)
    safe = hint if isinstance(hint, Html) else escape(hint)
    return Html(f"{safe}\n\n{question}")


async def ask_group(
    update: Update, context: Context, draft: ReportDraft, hint: str = "", page: int = 0
) -> int:
    """Asks which group (only when the user leads several), a page of them at a time."""
    buttons = [button(m.group_name, cb("rep", "grp", m.group_id)) for m in _led(context)]
    rows = pager(buttons, page, GROUPS_PER_PAGE, 1, cb("rep", "gpage"))
    rows.append(_nav(draft, has_previous=False))
    return await _show(
        update, context, draft, Step.GROUP, _with_hint(hint, t("report-ask-group")), rows
    )


async def _campaigns(context: Context, draft: ReportDraft) -> list[Campaign]:
    group = await context.store.groups.get(draft.group_id or 0)
    if group is None:
        return []
    return await context.store.campaigns.running(group.province_id, jalali.today())


async def ask_campaign(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Asks which running campaign the report counts for (skipped when none runs)."""
    campaigns = await _campaigns(context, draft)
    if not campaigns:
        draft.campaign_id = None
        return await (ask_review if draft.reviewing else ask_area)(update, context, draft, hint)
    buttons = [button(c.title, cb("rep", "camp", c.id)) for c in campaigns]
    buttons.append(button(label("report-no-campaign"), cb("rep", "camp", 0)))
    rows = [*grid(buttons, 2), _nav(draft, has_previous=len(_led(context)) > 1)]
    return await _show(
        update, context, draft, Step.CAMPAIGN, _with_hint(hint, t("report-ask-campaign")), rows
    )


def _led(context: Context) -> tuple[Membership, ...]:
    return context.who.reporting_groups if context.who else ()


async def ask_area(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Asks the service area."""
    areas = await context.store.categories.areas()
    buttons = [button(a.name, cb("rep", "area", a.id)) for a in areas]
    first = not (await _campaigns(context, draft)) and len(_led(context)) <= 1
    rows = [*grid(buttons, 2), _nav(draft, has_previous=not first)]
    return await _show(
        update, context, draft, Step.AREA, _with_hint(hint, t("report-ask-area")), rows
    )


async def ask_service(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Asks the service type within the chosen area."""
    area = await context.store.categories.get(draft.area_id or 0)
    if area is None:
        return await ask_area(update, context, draft, hint)
    types = await context.store.categories.types(area.id)
    buttons = [button(s.name, cb("rep", "svc", s.id)) for s in types]
    rows = [*grid(buttons, 2), _nav(draft)]
    text = _with_hint(hint, t("report-ask-service", area=area.name))
    return await _show(update, context, draft, Step.SERVICE, text, rows)


async def ask_quantity(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Asks how many, in the service's unit."""
    service = await context.store.categories.get(draft.category_id or 0)
    if service is None:
        return await ask_area(update, context, draft, hint)
    text = _with_hint(hint, t("report-ask-quantity", unit=service.unit, done=service.done))
    return await _show(update, context, draft, Step.QUANTITY, text, [_nav(draft)])


async def ask_large(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Asks to confirm a quantity above the service's usual bound."""
    service = await context.store.categories.get(draft.category_id or 0)
    unit = service.unit if service else ""
    rows = [
        [
            button(label("report-large-yes"), cb("rep", "bigok")),
            button(label("report-large-no"), cb("rep", "bigno")),
        ],
        _nav(draft),
    ]
    text = _with_hint(
        hint, t("report-confirm-large", quantity=draft.pending_quantity or 0, unit=unit)
    )
    return await _show(update, context, draft, Step.LARGE, text, rows)


async def ask_beneficiaries(
    update: Update, context: Context, draft: ReportDraft, hint: str = ""
) -> int:
    """Asks how many people were served (skippable)."""
    rows = [[button(label("button-skip"), cb("rep", "skip"))], _nav(draft)]
    text = _with_hint(hint, t("report-ask-beneficiaries"))
    return await _show(update, context, draft, Step.BENEFICIARIES, text, rows)


async def ask_volunteers(
    update: Update, context: Context, draft: ReportDraft, hint: str = ""
) -> int:
    """Asks how many members took part (skippable)."""
    rows = [[button(label("button-skip"), cb("rep", "skip"))], _nav(draft)]
    text = _with_hint(hint, t("report-ask-volunteers"))
    return await _show(update, context, draft, Step.VOLUNTEERS, text, rows)


async def ask_place(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Offers the group's own place in one tap, a province and county, or a shared location."""
    group = await context.store.groups.get(draft.group_id or 0)
    here = place_text(group.county_name, group.province_name) if group else ""
    rows = [
        [button(label("report-place-same", place=here), cb("rep", "same"))],
        [
            button(label("report-place-pick"), cb("rep", "pick")),
            button(label("report-place-location"), cb("rep", "loc")),
        ],
        _nav(draft),
    ]
    return await _show(
        update, context, draft, Step.PLACE, _with_hint(hint, t("report-ask-place")), rows
    )


async def ask_location(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Asks for a Telegram location through a reply-keyboard button."""
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(label("report-location-button"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    if draft.step != Step.LOCATION:
        await reply(update, t("report-location-keyboard"), keyboard)
    text = _with_hint(hint, t("report-ask-location"))
    return await _show(update, context, draft, Step.LOCATION, text, [_nav(draft)])


async def ask_province(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Shows the 31 provinces; a typed name searches them."""
    provinces = await context.store.places.provinces()
    buttons = [button(p.name, cb("rep", "prov", p.id)) for p in provinces]
    rows = [*grid(buttons, 3), _nav(draft)]
    text = _with_hint(hint, t("report-ask-province"))
    return await _show(update, context, draft, Step.PROVINCE, text, rows)


async def ask_county(
    update: Update, context: Context, draft: ReportDraft, hint: str = "", page: int = 0
) -> int:
    """Shows a page of the chosen province's counties; a typed name searches them."""
    province = await context.store.places.province(draft.province_id or 0)
    if province is None:
        return await ask_province(update, context, draft, hint)
    counties = await context.store.places.counties(province.id)
    buttons = [button(c.name, cb("rep", "county", c.id)) for c in counties]
    rows = [*pager(buttons, page, COUNTIES_PER_PAGE, 3, cb("rep", "cpage")), _nav(draft)]
    text = _with_hint(hint, t("report-ask-county", province=province.name))
    return await _show(update, context, draft, Step.COUNTY, text, rows)


async def ask_village(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Asks the village or neighbourhood (optional)."""
    rows = [[button(label("button-skip"), cb("rep", "skip"))], _nav(draft)]
    return await _show(
        update, context, draft, Step.VILLAGE, _with_hint(hint, t("report-ask-village")), rows
    )


async def ask_date(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Offers today, yesterday and the day before, or a typed Jalali date."""
    today = jalali.today()
    rows = [
        [
            button(
                label("report-date-today", date=jalali.format_day_month(today)), cb("rep", "day", 0)
            )
        ],
        [
            button(label("report-date-yesterday"), cb("rep", "day", 1)),
            button(label("report-date-before"), cb("rep", "day", 2)),
        ],
        _nav(draft),
    ]
    text = _with_hint(hint, t("report-ask-date", example=jalali.format_numeric(today)))
    return await _show(update, context, draft, Step.DATE, text, rows)


async def ask_description(
    update: Update, context: Context, draft: ReportDraft, hint: str = ""
) -> int:
    """Asks for a short description (optional)."""
    rows = [[button(label("button-skip"), cb("rep", "skip"))], _nav(draft)]
    text = _with_hint(hint, t("report-ask-description", max=context.config.report.description_max))
    return await _show(update, context, draft, Step.DESCRIPTION, text, rows)


async def ask_photos(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Asks for up to the configured number of photos, then «تمام»."""
    limit = context.config.report.photos_max
    if draft.photos:
        text = t("report-photos-received", count=len(draft.photos))
        if len(draft.photos) >= limit:
            text = t("report-photos-full", max=limit, count=len(draft.photos))
        first = [button(label("report-photos-done"), cb("rep", "pdone"))]
    else:
        text = t("report-ask-photos", max=limit)
        first = [
            button(label("report-photos-done"), cb("rep", "pdone")),
            button(label("report-no-photos"), cb("rep", "nophoto")),
        ]
    rows = [first, _nav(draft)]
    return await _show(update, context, draft, Step.PHOTOS, _with_hint(hint, text), rows)


async def review_text(context: Context, draft: ReportDraft) -> Html:
    """One message summarising every field of the draft."""
    store = context.store
    group = await store.groups.get(draft.group_id or 0)
    service = await store.categories.get(draft.category_id or 0)
    campaign = await store.campaigns.get(draft.campaign_id) if draft.campaign_id else None
    county = await store.places.county(draft.county_id or 0)
    lines = [t("report-review-title")]
    if group is not None and len(_led(context)) > 1:
        lines.append(t("report-review-group", group=group.name))
    lines.append(
        t(
            "report-review-campaign",
            campaign=campaign.title if campaign else label("report-no-campaign"),
        )
    )
    if service is not None:
        lines.append(
            t(
                "report-review-service",
                area=service.parent_name,
                service=service.name,
                quantity=draft.quantity or 0,
                unit=service.unit,
            )
        )

    def people(value: int | None) -> str:
        if value is None:
            return label("report-review-people-unknown")
        return label("report-review-people-count", count=value)

    lines.append(
        t(
            "report-review-people",
            beneficiaries=people(draft.beneficiaries),
            volunteers=people(draft.volunteers),
        )
    )
    where = place_text(county.name, county.province_name) if county else ""
    if draft.place:
        where = f"{draft.place}، {where}"
    if draft.latitude is not None:
        where = f"{where} {label('report-review-location')}"
    lines.append(t("report-review-place", place=where))
    if draft.date is not None:
        lines.append(t("report-review-date", date=jalali.format_date(draft.date)))
    if draft.description:
        lines.append(t("report-review-description", description=draft.description))
    lines.append(t("report-review-photos", count=len(draft.photos)))
    return Html("\n".join(lines))


async def ask_review(update: Update, context: Context, draft: ReportDraft, hint: str = "") -> int:
    """Shows the summary with an edit button per field, «ثبت گزارش» and «انصراف»."""
    draft.reviewing = True
    campaigns = bool(await _campaigns(context, draft))
    buttons = [
        button(label(key), cb("rep", "edit", number))
        for number, (step, key) in EDITS.items()
        if campaigns or step is not Step.CAMPAIGN
    ]
    rows = [*grid(buttons, 3), [button(label("report-save"), cb("rep", "save"))], _nav(draft)]
    text = _with_hint(hint, await review_text(context, draft))
    return await _show(update, context, draft, Step.REVIEW, text, rows)


ASK: dict[Step, Asker] = {
    Step.GROUP: ask_group,
    Step.CAMPAIGN: ask_campaign,
    Step.AREA: ask_area,
    Step.SERVICE: ask_service,
    Step.QUANTITY: ask_quantity,
    Step.LARGE: ask_large,
    Step.BENEFICIARIES: ask_beneficiaries,
    Step.VOLUNTEERS: ask_volunteers,
    Step.PLACE: ask_place,
    Step.LOCATION: ask_location,
    Step.PROVINCE: ask_province,
    Step.COUNTY: ask_county,
    Step.VILLAGE: ask_village,
    Step.DATE: ask_date,
    Step.DESCRIPTION: ask_description,
    Step.PHOTOS: ask_photos,
    Step.REVIEW: ask_review,
}


async def then(update: Update, context: Context, draft: ReportDraft, next_step: Step) -> int:
    """After a field is complete: back to the review when editing, else the next step."""
    return await ASK[Step.REVIEW if draft.reviewing else next_step](update, context, draft, "")


async def _back(update: Update, context: Context, draft: ReportDraft) -> int:
    step = Step(draft.step)
    if step is Step.LOCATION:  # put the main menu back in place of the location button
        await reply(update, t("report-location-skipped"), menu_for(context.who))
    if draft.reviewing and step in EDIT_ENTRIES:
        return await ask_review(update, context, draft)
    if step is Step.AREA:
        target = Step.CAMPAIGN if await _campaigns(context, draft) else Step.GROUP
    elif step is Step.CAMPAIGN:
        target = Step.GROUP
    else:
        target = PREVIOUS.get(step, step)
    if target is Step.GROUP and len(_led(context)) <= 1:
        target = step  # nothing before the first step
    return await ASK[target](update, context, draft, "")


# --- the entry points ----------------------------------------------------------------------


async def begin(update: Update, context: Context) -> int:
    """Starts a new report: asks the group if the user leads several, else the campaign."""
    await answer(update)
    draft = ReportDraft()
    groups = _led(context)
    if len(groups) == 1:
        draft.group_id = groups[0].group_id
        return await ask_campaign(update, context, draft)
    return await ask_group(update, context, draft)


def draft_from_report(report: Report) -> ReportDraft:
    """A draft holding a saved report's fields, for editing it through the review screen."""
    return ReportDraft(
        step=Step.REVIEW,
        reviewing=True,
        report_id=report.id,
        group_id=report.group_id,
        campaign_id=report.campaign_id,
        area_id=None,
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


async def begin_edit(update: Update, context: Context) -> int:
    """Opens a saved report on the review screen, if it may still be edited."""
    data = parse_cb(update.callback_query.data if update.callback_query else None)
    report = await context.store.reports.get((data.id() if data else None) or 0)
    if report is None or not editable(report, context):
        await answer(update, label("myreports-locked"), alert=True)
        return END
    await answer(update)
    draft = draft_from_report(report)
    service = await context.store.categories.get(report.category_id)
    draft.area_id = service.parent_id if service else None
    return await ask_review(update, context, draft)


# --- answers -------------------------------------------------------------------------------


def _number_hint(error: NumberError) -> str:
    if error.reason is NumberReason.NEGATIVE:
        return label("report-number-negative")
    if error.reason is NumberReason.FRACTION:
        return label("report-number-fraction")
    if error.reason is NumberReason.TOO_LARGE:
        return label("report-number-too-large")
    return label("report-number-hint")


async def _take_quantity(update: Update, context: Context, draft: ReportDraft, text: str) -> int:
    try:
        value = parse_count(text, maximum=QUANTITY_LIMIT)
    except NumberError as error:
        return await ask_quantity(update, context, draft, _number_hint(error))
    if value == 0:
        return await ask_quantity(update, context, draft, label("report-quantity-zero"))
    service = await context.store.categories.get(draft.category_id or 0)
    if service is not None and value > service.max_quantity:
        draft.pending_quantity = value
        return await ask_large(update, context, draft)
    draft.quantity, draft.pending_quantity = value, None
    return await then(update, context, draft, Step.BENEFICIARIES)


async def _take_people(update: Update, context: Context, draft: ReportDraft, text: str) -> int:
    step = Step(draft.step)
    asker = ask_beneficiaries if step is Step.BENEFICIARIES else ask_volunteers
    try:
        value = parse_count(text, maximum=PEOPLE_MAX)
    except NumberError as error:
        return await asker(update, context, draft, _number_hint(error))
    if step is Step.BENEFICIARIES:
        draft.beneficiaries = value
        return await ask_volunteers(update, context, draft)
    draft.volunteers = value
    return await then(update, context, draft, Step.PLACE)


async def _take_date(update: Update, context: Context, draft: ReportDraft, day: date) -> int:
    today = jalali.today()
    limit = context.config.report.max_age_days
    if day > today:
        return await ask_date(update, context, draft, label("report-date-future"))
    if day < today - timedelta(days=limit):
        return await ask_date(update, context, draft, label("report-date-too-old", days=limit))
    campaign = await context.store.campaigns.get(draft.campaign_id) if draft.campaign_id else None
    if campaign is not None and day < campaign.starts_on:
        start = jalali.format_date(campaign.starts_on, weekday=False)
        return await ask_date(
            update, context, draft, label("report-date-before-campaign", start=start)
        )
    draft.service_date = day.isoformat()
    return await then(update, context, draft, Step.DESCRIPTION)


async def on_text(update: Update, context: Context) -> int:
    """Takes a typed answer for the current step; where a button is expected, gives a hint."""
    draft = await resume_draft(update, context, ReportDraft)
    message = update.effective_message
    if draft is None or message is None or message.text is None:
        return END
    text = message.text
    step = Step(draft.step)
    if step in (Step.QUANTITY, Step.LARGE):
        return await _take_quantity(update, context, draft, text)
    if step in (Step.BENEFICIARIES, Step.VOLUNTEERS):
        return await _take_people(update, context, draft, text)
    if step is Step.PROVINCE:
        found = await context.store.places.search_provinces(search_key(normalize(text)))
        if len(found) == 1:
            draft.province_id = found[0].id
            return await ask_county(update, context, draft)
        return await ask_province(
            update, context, draft, label("search-none", query=normalize(text)[:40])
        )
    if step is Step.COUNTY:
        found_counties = await context.store.places.search_counties(
            search_key(normalize(text)), draft.province_id
        )
        if len(found_counties) == 1:
            draft.county_id = found_counties[0].id
            return await ask_village(update, context, draft)
        return await ask_county(
            update, context, draft, label("search-none", query=normalize(text)[:40])
        )
    if step is Step.VILLAGE:
        village = normalize(text)
        if len(village) > VILLAGE_MAX:
            return await ask_village(
                update, context, draft, label("report-village-too-long", max=VILLAGE_MAX)
            )
        draft.place = village
        return await then(update, context, draft, Step.DATE)
    if step is Step.DATE:
        try:
            day = jalali.parse_date(text)
        except jalali.DateError as error:
            return await ask_date(update, context, draft, error.describe())
        return await _take_date(update, context, draft, day)
    if step is Step.DESCRIPTION:
        description = normalize(text)
        limit = context.config.report.description_max
        if len(description) > limit:
            hint = label("report-description-too-long", length=len(description), max=limit)
            return await ask_description(update, context, draft, hint)
        draft.description = description
        return await then(update, context, draft, Step.PHOTOS)
    if step is Step.LOCATION:
        return await ask_location(update, context, draft, label("report-location-expected"))
    if step is Step.PHOTOS:
        return await ask_photos(update, context, draft, label("report-photo-expected"))
    return await ASK[step](update, context, draft, label("use-buttons"))


async def on_other(update: Update, context: Context) -> int:
    """Answers a sticker, file or other message the current step did not ask for."""
    draft = await resume_draft(update, context, ReportDraft)
    if draft is None:
        return END
    step = Step(draft.step)
    if step in (Step.QUANTITY, Step.LARGE, Step.BENEFICIARIES, Step.VOLUNTEERS):
        hint = label("report-number-hint")
    elif step is Step.PHOTOS:
        hint = label("report-photo-expected")
    elif step is Step.LOCATION:
        hint = label("report-location-expected")
    else:
        hint = label("use-buttons")
    return await ASK[step](update, context, draft, hint)


async def on_location(update: Update, context: Context) -> int:
    """Takes a shared location: the group's county is the place, the point is kept."""
    draft = await resume_draft(update, context, ReportDraft)
    message = update.effective_message
    if draft is None or message is None or message.location is None:
        return END
    if draft.step != Step.LOCATION:
        return await on_other(update, context)
    group = await context.store.groups.get(draft.group_id or 0)
    if group is not None and draft.county_id is None:
        draft.province_id, draft.county_id = group.province_id, group.county_id
    draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
    await reply(update, t("report-location-received"), menu_for(context.who))
    return await ask_village(update, context, draft)


async def on_photo(update: Update, context: Context) -> int:
    """Collects photos (single or albums); the panel shows the count once a batch is in."""
    draft = await resume_draft(update, context, ReportDraft)
    message = update.effective_message
    if draft is None or message is None or not message.photo:
        return END
    if draft.step != Step.PHOTOS:
        return await on_other(update, context)
    largest = message.photo[-1]
    limit = context.config.report.photos_max
    known = {unique for _, unique in draft.photos}
    if largest.file_unique_id not in known and len(draft.photos) < limit:
        draft.photos.append([largest.file_id, largest.file_unique_id])
    if message.media_group_id is None:
        return await ask_photos(update, context, draft)
    # An album arrives as one update per photo: save now, answer once when the album is in.
    await save_draft(context, draft)
    _schedule_album_ack(context, update)
    return Step.PHOTOS


ALBUM_SETTLE_SECONDS = 1.0


def _schedule_album_ack(context: Context, update: Update) -> None:
    """(Re)schedules the one answer to an album, after its last part has arrived."""
    assert context.job_queue is not None and context.user_id is not None
    name = f"album-ack-{context.user_id}"
    for job in context.job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    chat = update.effective_chat
    context.job_queue.run_once(
        cast(Any, _album_ack),
        ALBUM_SETTLE_SECONDS,
        name=name,
        user_id=context.user_id,
        chat_id=chat.id if chat else None,
    )


async def _album_ack(context: Context) -> None:
    """Shows how many photos were received, after an album finished arriving."""
    draft = await load_draft(context, ReportDraft)
    if (
        draft is None
        or draft.step != Step.PHOTOS
        or context.job is None
        or context.job.chat_id is None
    ):
        return
    await strip_buttons(context, context.job.chat_id, draft.panel)
    limit = context.config.report.photos_max
    text = t("report-photos-received", count=len(draft.photos))
    if len(draft.photos) >= limit:
        text = t("report-photos-full", max=limit, count=len(draft.photos))
    rows = [[button(label("report-photos-done"), cb("rep", "pdone"))], _nav(draft)]
    sent = await context.bot.send_message(context.job.chat_id, text, reply_markup=inline(rows))
    draft.panel = sent.message_id
    await save_draft(context, draft)


async def on_button(update: Update, context: Context) -> int:
    """Handles the flow's buttons; ids are re-checked against the database."""
    draft = await resume_draft(update, context, ReportDraft)
    data = parse_cb(update.callback_query.data if update.callback_query else None)
    if draft is None or data is None:
        return END
    if data.action == "resume":  # from the idle reminder, which is not the panel
        await answer(update)
        return await ASK[Step(draft.step)](update, context, draft, "")
    if not on_panel(update, draft):
        await earlier_step(update)
        return Step(draft.step)
    await answer(update)
    action = _BUTTONS.get(data.action)
    if action is None:
        return Step(draft.step)
    return await action(update, context, draft, data)


ButtonAction = Callable[[Update, Context, ReportDraft, Callback], Awaitable[int]]


async def _b_back(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    return await _back(update, context, draft)


async def _b_group(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    if not any(m.group_id == data.id() for m in _led(context)):
        return await ask_group(update, context, draft, label("not-allowed"))
    draft.group_id = data.id()
    return await ask_campaign(update, context, draft)


async def _b_group_page(
    update: Update, context: Context, draft: ReportDraft, data: Callback
) -> int:
    return await ask_group(update, context, draft, page=data.id() or 0)


async def _b_campaign(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    running = {c.id for c in await _campaigns(context, draft)}
    chosen = data.id()
    if chosen != 0 and chosen not in running:
        return await ask_campaign(update, context, draft, label("stale-button"))
    draft.campaign_id = chosen or None
    return await then(update, context, draft, Step.AREA)


async def _b_area(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    area = await context.store.categories.get(data.id() or 0)
    if area is None or area.parent_id is not None:
        return await ask_area(update, context, draft, label("stale-button"))
    draft.area_id = area.id
    return await ask_service(update, context, draft)


async def _b_service(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    service = await context.store.categories.get(data.id() or 0)
    if service is None or service.parent_id != draft.area_id:
        return await ask_service(update, context, draft, label("stale-button"))
    draft.category_id = service.id
    if draft.reviewing and draft.quantity is not None and draft.quantity <= service.max_quantity:
        return await ask_review(update, context, draft)
    return await ask_quantity(update, context, draft)


async def _b_large(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    if data.action == "bigok" and draft.pending_quantity:
        draft.quantity, draft.pending_quantity = draft.pending_quantity, None
        return await then(update, context, draft, Step.BENEFICIARIES)
    draft.pending_quantity = None
    return await ask_quantity(update, context, draft)


async def _b_skip(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    step = Step(draft.step)
    if step is Step.BENEFICIARIES:
        draft.beneficiaries = None
        return await ask_volunteers(update, context, draft)
    if step is Step.VOLUNTEERS:
        draft.volunteers = None
        return await then(update, context, draft, Step.PLACE)
    if step is Step.VILLAGE:
        draft.place = ""
        return await then(update, context, draft, Step.DATE)
    if step is Step.DESCRIPTION:
        draft.description = ""
        return await then(update, context, draft, Step.PHOTOS)
    return step


async def _b_place(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    if data.action == "same":
        group = await context.store.groups.get(draft.group_id or 0)
        if group is None:
            return await ask_place(update, context, draft, label("group-gone"))
        draft.province_id, draft.county_id = group.province_id, group.county_id
        draft.latitude = draft.longitude = None
        return await ask_village(update, context, draft)
    if data.action == "pick":
        draft.latitude = draft.longitude = None
        return await ask_province(update, context, draft)
    draft.county_id = None
    return await ask_location(update, context, draft)


async def _b_province(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    province = await context.store.places.province(data.id() or 0)
    if province is None:
        return await ask_province(update, context, draft, label("stale-button"))
    draft.province_id, draft.county_id = province.id, None
    return await ask_county(update, context, draft)


async def _b_county_page(
    update: Update, context: Context, draft: ReportDraft, data: Callback
) -> int:
    return await ask_county(update, context, draft, page=data.id() or 0)


async def _b_county(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    county = await context.store.places.county(data.id() or 0)
    if county is None or county.province_id != draft.province_id:
        return await ask_county(update, context, draft, label("stale-button"))
    draft.county_id = county.id
    return await ask_village(update, context, draft)


async def _b_day(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    back = data.id() or 0
    if back not in (0, 1, 2):
        return await ask_date(update, context, draft, label("stale-button"))
    return await _take_date(update, context, draft, jalali.today() - timedelta(days=back))


async def _b_photos(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    if data.action == "nophoto":
        draft.photos = []
    return await ask_review(update, context, draft)


async def _b_edit(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    edit = EDITS.get(data.id() or 0)
    if edit is None:
        return await ask_review(update, context, draft, label("stale-button"))
    step = edit[0]
    draft.reviewing = True
    if step is Step.PHOTOS:
        draft.photos = []  # a new set replaces the old one
    return await ASK[step](update, context, draft, "")


async def _b_save(update: Update, context: Context, draft: ReportDraft, data: Callback) -> int:
    return await save(update, context, draft)


_BUTTONS: dict[str, ButtonAction] = {
    "back": _b_back,
    "grp": _b_group,
    "gpage": _b_group_page,
    "camp": _b_campaign,
    "area": _b_area,
    "svc": _b_service,
    "bigok": _b_large,
    "bigno": _b_large,
    "skip": _b_skip,
    "same": _b_place,
    "pick": _b_place,
    "loc": _b_place,
    "prov": _b_province,
    "cpage": _b_county_page,
    "county": _b_county,
    "day": _b_day,
    "pdone": _b_photos,
    "nophoto": _b_photos,
    "edit": _b_edit,
    "save": _b_save,
}


# --- saving --------------------------------------------------------------------------------


def _input(draft: ReportDraft) -> ReportInput | None:
    """The report to save, or None if a required answer is missing."""
    required = (
        draft.group_id,
        draft.category_id,
        draft.quantity,
        draft.province_id,
        draft.county_id,
        draft.date,
    )
    if any(value is None for value in required):
        return None
    assert draft.date is not None
    return ReportInput(
        group_id=draft.group_id or 0,
        campaign_id=draft.campaign_id,
        category_id=draft.category_id or 0,
        quantity=draft.quantity or 0,
        beneficiaries=draft.beneficiaries,
        volunteers=draft.volunteers,
        province_id=draft.province_id or 0,
        county_id=draft.county_id or 0,
        place=draft.place,
        latitude=draft.latitude,
        longitude=draft.longitude,
        service_date=draft.date,
        description=draft.description,
        photos=tuple(Photo(file_id, unique) for file_id, unique in draft.photos),
    )


async def receipt_text(context: Context, report: Report, *, edited: bool) -> Html:
    """The receipt: report number, the group's week, the campaign's progress and forecast."""
    store = context.store
    receipt = to_persian_digits(report.receipt)
    lines: list[str] = [t("report-updated" if edited else "report-saved", receipt=receipt)]
    start, end = jalali.week_of(jalali.today())
    week = await store.reports.group_totals(report.group_id, start, end)
    lines.append(t("report-week-totals", reports=week.reports, quantity=week.quantity))
    if report.campaign_id is not None:
        campaign = await store.campaigns.get(report.campaign_id)
        if campaign is not None:
            done = await store.campaigns.progress(campaign.id)
            lines.append(
                t(
                    "report-campaign-progress",
                    campaign=campaign.title,
                    done=done,
                    target=campaign.target,
                    percent=fmt_percent(done, campaign.target),
                    bar=progress_bar(done, campaign.target),
                )
            )
            lines.append(_forecast(campaign.starts_on, campaign.ends_on, done, campaign.target))
    return Html("\n".join(line for line in lines if line))


def _forecast(starts: date, ends: date, done: int, target: int) -> str:
    """When the campaign reaches its target at its pace so far."""
    if done >= target:
        return t("report-campaign-reached")
    today = jalali.today()
    days = (today - starts).days + 1
    if done <= 0 or days <= 0:
        return ""
    eta = today + timedelta(days=math.ceil((target - done) * days / done))
    end = jalali.format_date(ends, weekday=False)
    if eta <= ends:
        return t("report-campaign-forecast", eta=jalali.format_day_month(eta), end=end)
    left = max((ends - today).days + 1, 1)
    return t("report-campaign-behind", end=end, per_day=math.ceil((target - done) / left))


async def save(update: Update, context: Context, draft: ReportDraft) -> int:
    """Saves the report once (idempotent by the draft's key) and shows the receipt."""
    data = _input(draft)
    user = update.effective_user
    if data is None or user is None:
        return await ask_review(update, context, draft, label("use-buttons"))
    if not any(m.group_id == data.group_id for m in _led(context)):
        return await ask_review(update, context, draft, label("report-not-leader-anymore"))
    store = context.store
    if draft.report_id is not None:
        before = await store.reports.get(draft.report_id)
        if before is None or before.reporter_id != user.id or not editable(before, context):
            await finish(update, context, draft, t("myreports-locked"))
            return END
        report = await store.reports.update(draft.report_id, data, user.id)
        edited = True
    else:
        year = jalali.to_jalali(jalali.today())[0]
        report, _ = await store.reports.create(data, user.id, draft.key, year)
        edited = False
    if report is None:
        await finish(update, context, draft, t("myreports-locked"))
        return END
    await finish(update, context, draft, await receipt_text(context, report, edited=edited))
    return END


# --- idle drafts ---------------------------------------------------------------------------


async def remind_idle_drafts(context: Context) -> None:
    """Reminds once about a report draft left idle, and expires old ones with a notice."""
    store = context.store
    settings = context.config.report
    for stored in await store.state.idle_drafts(
        ReportDraft.KIND, timedelta(hours=settings.expiry_hours)
    ):
        await store.state.delete_draft(stored.volunteer_id, stored.kind)
        await strip_buttons(context, stored.volunteer_id, stored.data.get("panel"))
        await notify(context, stored.volunteer_id, t("report-expired"))
    for stored in await store.state.idle_drafts(
        ReportDraft.KIND, timedelta(minutes=settings.reminder_minutes)
    ):
        if stored.reminded_at is not None:
            continue
        await store.state.mark_reminded(stored.volunteer_id, stored.kind)
        markup = inline(
            [
                [
                    button(label("report-resume"), cb("rep", "resume")),
                    button(label("button-cancel"), cb("rep", "cancel")),
                ]
            ]
        )
        await notify(context, stored.volunteer_id, t("report-reminder"), markup)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The report conversation, fresh for each application (it holds conversation state)."""
    common: list[BaseHandler[Update, Context, object]] = [
        CallbackQueryHandler(on_button, pattern=r"^rep:(?!cancel$)"),
        MessageHandler(FREE_TEXT, on_text),
        MessageHandler(PRIVATE & filters.PHOTO, on_photo),
        MessageHandler(PRIVATE & filters.LOCATION, on_location),
        MessageHandler(PRIVATE & ~filters.COMMAND & ~filters.TEXT, on_other),
    ]
    return [
        conversation(
            "report",
            entry_points=[
                CommandHandler("report", begin, filters=PRIVATE),
                MessageHandler(PRIVATE & menu_text("menu-report"), begin),
                CallbackQueryHandler(begin_edit, pattern=r"^myr:edit:\d+$"),
            ],
            states={step: common for step in Step},
            kind=ReportDraft.KIND,
            cancel=canceller(ReportDraft.KIND),
            prefix="rep",
        ),
    ]
