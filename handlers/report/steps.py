"""What each step of the report asks and how it takes its answers (the table is in flow.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from telegram import KeyboardButton, Message, ReplyKeyboardMarkup

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import NumberError, NumberReason, parse_count_with_words, truncate
from bot.kit.engine import Bounded, Done, Go, Hold, Result, Screen, Turn
from bot.kit.keyboards import Callback, Paging, grid
from bot.runtime.ratelimit import INTERACTIVE, send_priority
from db.models import Campaign, Membership, ReportStatus
from db.usecases import save_report
from handlers.group_view import place_text
from handlers.report.draft import ReportDraft
from handlers.report.receipt import receipt_buttons, receipt_text
from handlers.review_cards import announce_later, receipt, refresh_later

VILLAGE_MAX = 100
VILLAGE = Bounded(VILLAGE_MAX, "report-village-too-long", line=True, empty="report-text-empty")
PEOPLE_MAX = 10_000_000
QUANTITY_LIMIT = 10**9  # beyond this a number is a typo, not a report
GROUPS_PER_PAGE = 20

# The review's edit buttons: callback id → (first step of the field, button label key).
EDITS: dict[int, tuple[str, str]] = {
    1: ("campaign", "report-edit-campaign"),
    2: ("area", "report-edit-service"),
    3: ("quantity", "report-edit-quantity"),
    4: ("beneficiaries", "report-edit-people"),
    5: ("place", "report-edit-place"),
    6: ("date", "report-edit-date"),
    7: ("description", "report-edit-description"),
    8: ("photos", "report-edit-photos"),
}

Report = Turn[ReportDraft]


def led(turn: Report) -> tuple[Membership, ...]:
    """The active groups the person leads (and so may report for)."""
    return turn.who.reporting_groups


async def follow_merge(turn: Report) -> Html:
    """A group merged since the report began: the report goes on for the group it merged into."""
    draft = turn.draft
    group = await turn.store.groups.current(draft.group_id) if draft.group_id else None
    if group is None or group.id == draft.group_id:
        return Html("")
    draft.group_id = group.id
    return t("report-group-merged", group=group.name)


async def campaigns(turn: Report) -> list[Campaign]:
    """Campaigns running now where the draft's group is."""
    group = await turn.store.groups.get(turn.draft.group_id or 0)
    if group is None:
        return []
    return await turn.store.campaigns.running(group.province_id, turn.today())


def _now(value: str) -> str:
    """«الان: …», the current value of a field being edited."""
    return t("field-now", value=value)


def _with_now(turn: Report, question: Html, value: str) -> Html:
    """The question, and while editing from the review, the value it has now."""
    return Html(f"{question}\n{_now(value)}") if turn.draft.reviewing else question


def _skip_row(turn: Report) -> list[Any]:
    return [turn.button(label("button-skip"), "skip")]


# --- group and campaign -----------------------------------------------------------------------


async def ask_group(turn: Report) -> Screen:
    """Asks which group (only when the person leads several), a page at a time."""
    groups = led(turn)
    paging = Paging.of(len(groups), GROUPS_PER_PAGE, turn.draft.page)
    rows = [[turn.button(m.group_name, "grp", m.group_id)] for m in paging.shown(groups)]
    turn_row = paging.row(lambda text, to: turn.button(text, "gpage", to))
    return Screen(t("report-ask-group"), [*rows, turn_row, turn.nav(back=False)])


async def group_pressed(turn: Report, data: Callback) -> Result:
    """Takes the group (one the person leads, checked again)."""
    if not any(m.group_id == data.id() for m in led(turn)):
        return turn.again(label("not-allowed"))
    turn.draft.group_id = data.id()
    return Go("campaign")


async def group_page(turn: Report, data: Callback) -> Result:
    """Turns the page of groups."""
    turn.draft.page = data.id() or 0
    return turn.again()


async def ask_campaign(turn: Report) -> Screen | Go:
    """Asks which running campaign the report counts for (skipped when none runs)."""
    running = await campaigns(turn)
    if not running:
        turn.draft.campaign_id = None
        return turn.then("area")
    buttons = [turn.button(c.title, "camp", c.id) for c in running]
    buttons.append(turn.button(label("report-no-campaign"), "camp", 0))
    return Screen(t("report-ask-campaign"), [*grid(buttons, 2), turn.nav(back=len(led(turn)) > 1)])


async def campaign_pressed(turn: Report, data: Callback) -> Result:
    """Takes the campaign (or none), if it still runs; from the review, a service the new
    campaign does not count is said at once, with the services it does count."""
    chosen = data.id()
    if chosen and chosen not in {c.id for c in await campaigns(turn)}:
        return turn.again(label("stale-button"))
    turn.draft.campaign_id = chosen or None
    uncounted = await not_counted(turn)
    if turn.draft.reviewing and uncounted:
        return Go("area", uncounted)
    return turn.then("area")


async def counted_types(turn: Report) -> frozenset[int] | None:
    """The service types the chosen campaign counts (None: no campaign, or it counts them all)."""
    campaign = turn.draft.campaign_id
    return await turn.store.stats.counted_categories(campaign) if campaign else None


async def not_counted(turn: Report) -> Html:
    """«… is not counted in campaign …» when the chosen service does not count for the chosen
    campaign, else empty."""
    draft = turn.draft
    counted = await counted_types(turn)
    if counted is None or draft.category_id is None or draft.category_id in counted:
        return Html("")
    service = await turn.store.categories.get(draft.category_id)
    campaign = await turn.store.campaigns.get(draft.campaign_id or 0)
    if service is None or campaign is None:
        return Html("")
    return t("report-not-counted", service=service.name, campaign=campaign.title)


async def back_from_area(turn: Report) -> str:
    """Back from the service area: the campaign if one runs, else the group if there are several."""
    if await campaigns(turn):
        return "campaign"
    return "group" if len(led(turn)) > 1 else "area"


# --- the service and how much -----------------------------------------------------------------


async def ask_area(turn: Report) -> Screen:
    """Asks the service area: under a campaign that counts some services, only their areas."""
    areas = await turn.store.categories.areas()
    question = t("report-ask-area")
    counted = await counted_types(turn)
    if counted is not None:
        types = await turn.store.categories.all_types()
        kept = {s.parent_id for s in types if s.id in counted}
        campaign = await turn.store.campaigns.get(turn.draft.campaign_id or 0)
        if campaign is not None and any(a.id in kept for a in areas):
            areas = [a for a in areas if a.id in kept]
            several = "yes" if len(areas) > 1 else "no"
            only = t("report-campaign-counts-only", campaign=campaign.title, several=several)
            question = Html(f"{question}\n{only}")
    buttons = [turn.button(a.name, "area", a.id) for a in areas]
    first = not await campaigns(turn) and len(led(turn)) <= 1
    return Screen(question, [*grid(buttons, 2), turn.nav(back=not first)])


async def area_pressed(turn: Report, data: Callback) -> Result:
    """Takes the area."""
    area = await turn.store.categories.get(data.id() or 0)
    if area is None or area.parent_id is not None:
        return turn.again(label("stale-button"))
    turn.draft.area_id = area.id
    return Go("service")


async def ask_service(turn: Report) -> Screen | Go:
    """Asks the service type within the chosen area."""
    area = await turn.store.categories.get(turn.draft.area_id or 0)
    if area is None:
        return Go("area")
    types = await turn.store.categories.types(area.id)
    counted = await counted_types(turn)
    if counted is not None and any(s.id in counted for s in types):
        types = [s for s in types if s.id in counted]  # what the campaign counts
    buttons = [turn.button(s.name, "svc", s.id) for s in types]
    return Screen(t("report-ask-service", area=area.name), [*grid(buttons, 2), turn.nav()])


async def service_pressed(turn: Report, data: Callback) -> Result:
    """Takes the service; a service in another unit asks the quantity again."""
    draft = turn.draft
    service = await turn.store.categories.get(data.id() or 0)
    if service is None or service.parent_id != draft.area_id:
        return turn.again(label("stale-button"))
    if not service.active:  # retired since its button was shown
        return turn.again(label("report-service-retired", name=service.name))
    before = await turn.store.categories.get(draft.category_id or 0)
    draft.category_id = service.id
    same_unit = before is not None and before.unit == service.unit
    keeps = draft.quantity is not None and draft.quantity <= service.max_quantity
    if draft.reviewing and same_unit and keeps:
        return Go("review")
    if not same_unit:
        draft.quantity = None
    return Go("quantity", label("report-unit-changed") if draft.reviewing and not same_unit else "")


async def ask_quantity(turn: Report) -> Screen | Go:
    """Asks how many, in the service's unit."""
    service = await turn.store.categories.get(turn.draft.category_id or 0)
    if service is None:
        return Go("area")
    question = t("report-ask-quantity", unit=service.unit, done=service.done)
    if turn.draft.reviewing and turn.draft.quantity is not None:
        value = label("report-quantity-now", quantity=turn.draft.quantity, unit=service.unit)
        question = _with_now(turn, question, value)
    return Screen(question, [turn.nav()])


def number_hint(error: NumberError) -> str:
    """The one line that says what was wrong with a typed number."""
    if error.reason is NumberReason.NEGATIVE:
        return label("report-number-negative")
    if error.reason is NumberReason.FRACTION:
        return label("report-number-fraction")
    if error.reason is NumberReason.TOO_LARGE:
        return label("report-number-too-large")
    return label("report-number-hint")


async def quantity_typed(turn: Report, text: str) -> Result:
    """Takes the quantity; one far above the usual asks for a confirmation."""
    try:
        value = parse_count_with_words(text, maximum=QUANTITY_LIMIT)
    except NumberError as error:
        return Go("quantity", number_hint(error))
    if value == 0:
        return Go("quantity", label("report-quantity-zero"))
    service = await turn.store.categories.get(turn.draft.category_id or 0)
    if service is not None and value > service.max_quantity:
        turn.draft.pending_quantity = value
        return Go("large")
    turn.draft.quantity, turn.draft.pending_quantity = value, None
    return turn.then("beneficiaries")


async def ask_large(turn: Report) -> Screen | Go:
    """Asks to confirm a quantity above the service's usual bound."""
    service = await turn.store.categories.get(turn.draft.category_id or 0)
    if service is None or turn.draft.pending_quantity is None:
        return Go("quantity")
    rows = [
        [
            turn.button(label("report-large-yes"), "bigok"),
            turn.button(label("report-large-no"), "bigno"),
        ],
        turn.nav(),
    ]
    text = t("report-confirm-large", quantity=turn.draft.pending_quantity, unit=service.unit)
    return Screen(text, rows)


async def large_confirmed(turn: Report, data: Callback) -> Result:
    """Keeps the large quantity."""
    turn.draft.quantity, turn.draft.pending_quantity = turn.draft.pending_quantity, None
    return turn.then("beneficiaries")


async def large_refused(turn: Report, data: Callback) -> Result:
    """Asks the quantity again."""
    turn.draft.pending_quantity = None
    return Go("quantity")


# --- people -----------------------------------------------------------------------------------


def _people(value: int | None) -> str:
    if value is None:
        return label("report-review-people-unknown")
    return label("report-review-people-count", count=value)


async def ask_beneficiaries(turn: Report) -> Screen:
    """Asks how many people were served (skippable)."""
    question = _with_now(turn, t("report-ask-beneficiaries"), _people(turn.draft.beneficiaries))
    return Screen(question, [_skip_row(turn), turn.nav()])


async def ask_volunteers(turn: Report) -> Screen:
    """Asks how many members took part (skippable)."""
    question = _with_now(turn, t("report-ask-volunteers"), _people(turn.draft.volunteers))
    return Screen(question, [_skip_row(turn), turn.nav()])


async def beneficiaries_typed(turn: Report, text: str) -> Result:
    """Takes the number of people served."""
    try:
        turn.draft.beneficiaries = parse_count_with_words(text, maximum=PEOPLE_MAX)
    except NumberError as error:
        return turn.again(number_hint(error))
    return Go("volunteers")


async def beneficiaries_skipped(turn: Report) -> Result:
    """No number of people served."""
    turn.draft.beneficiaries = None
    return Go("volunteers")


async def volunteers_typed(turn: Report, text: str) -> Result:
    """Takes the number of members who took part."""
    try:
        turn.draft.volunteers = parse_count_with_words(text, maximum=PEOPLE_MAX)
    except NumberError as error:
        return turn.again(number_hint(error))
    return turn.then("place")


async def volunteers_skipped(turn: Report) -> Result:
    """No number of members."""
    turn.draft.volunteers = None
    return turn.then("place")


# --- place ------------------------------------------------------------------------------------


async def ask_place(turn: Report) -> Screen:
    """Offers the group's own place in one tap, a province and county, or a shared location."""
    group = await turn.store.groups.get(turn.draft.group_id or 0)
    here = place_text(group.county_name, group.province_name) if group else ""
    rows = [
        [turn.button(label("report-place-same", place=here), "same")],
        [
            turn.button(label("report-place-pick"), "pick"),
            turn.button(label("report-place-location"), "loc"),
        ],
        turn.nav(),
    ]
    return Screen(t("report-ask-place"), rows)


async def same_place(turn: Report, data: Callback) -> Result:
    """The group's own county."""
    group = await turn.store.groups.get(turn.draft.group_id or 0)
    if group is None:
        return turn.again(label("group-gone"))
    draft = turn.draft
    draft.province_id, draft.county_id = group.province_id, group.county_id
    draft.latitude = draft.longitude = None
    return Go("village")


async def pick_place(turn: Report, data: Callback) -> Result:
    """A province and county chosen by hand."""
    turn.draft.latitude = turn.draft.longitude = None
    return Go("province")


async def share_location(turn: Report, data: Callback) -> Result:
    """A location shared from the phone."""
    return Go("location")


async def ask_location(turn: Report) -> Screen:
    """Asks for a Telegram location through a reply-keyboard button (again after a location
    that was refused, since the phone hides that keyboard once it is used)."""
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(label("report-location-button"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    message = turn.update.effective_message if turn.update is not None else None
    refused = message is not None and message.location is not None
    shown = (label("report-location-keyboard"), keyboard) if turn.keyboard_due or refused else None
    return Screen(t("report-ask-location"), [turn.nav()], keyboard=shown)


async def location_shared(turn: Report, message: Message) -> Result:
    """Takes a shared location: the county nearest to the point is the place, the point is
    kept; a point outside Iran is refused and the location asked again."""
    draft = turn.draft
    assert message.location is not None
    point = (message.location.latitude, message.location.longitude)
    county = await turn.store.places.nearest_county(point)
    if county is None:
        return Go("location", label("report-location-outside"))
    draft.province_id, draft.county_id = county.province_id, county.id
    draft.latitude, draft.longitude = point
    where = place_text(county.name, county.province_name)
    await turn.context.bot.send_message(
        turn.chat_id, t("report-location-received", place=where), reply_markup=turn.menu()
    )
    return Go("village")


async def back_from_location(turn: Report) -> str:
    """Back to the place choice, with the main menu in place of the location button."""
    await turn.context.bot.send_message(
        turn.chat_id, t("report-location-skipped"), reply_markup=turn.menu()
    )
    return "place"


async def ask_village(turn: Report) -> Screen:
    """Asks the village or neighbourhood (optional)."""
    value = turn.draft.place or label("report-review-people-unknown")
    return Screen(_with_now(turn, t("report-ask-village"), value), [_skip_row(turn), turn.nav()])


async def village_typed(turn: Report, text: str) -> Result:
    """Takes the village or neighbourhood (one line: line breaks become spaces)."""
    village = turn.typed(text, VILLAGE)
    if isinstance(village, Go):
        return village
    turn.draft.place = village
    return turn.then("date")


async def village_skipped(turn: Report) -> Result:
    """No village."""
    turn.draft.place = ""
    return turn.then("date")


async def back_from_village(turn: Report) -> str:
    """Back to where the place was chosen."""
    return "place"


# --- date, description, photos ----------------------------------------------------------------


async def ask_date(turn: Report) -> Screen:
    """Offers today, yesterday and the day before, or a typed Jalali date."""
    today = turn.today()
    rows = [
        [turn.button(label("report-date-today", date=jalali.format_day_month(today)), "day", 0)],
        [
            turn.button(label("report-date-yesterday"), "day", 1),
            turn.button(label("report-date-before"), "day", 2),
        ],
        turn.nav(),
    ]
    question = t("report-ask-date", example=jalali.format_numeric(today))
    if turn.draft.date is not None:
        question = _with_now(turn, question, jalali.format_date(turn.draft.date))
    return Screen(question, rows)


async def _take_date(turn: Report, day: date) -> Result:
    today = turn.today()
    limit = turn.context.config.report.max_age_days
    if day > today:
        return turn.again(label("report-date-future"))
    if day < today - timedelta(days=limit):
        return turn.again(label("report-date-too-old", days=limit))
    draft = turn.draft
    campaign = await turn.store.campaigns.get(draft.campaign_id) if draft.campaign_id else None
    if campaign is not None and day < campaign.starts_on:
        start = jalali.format_date(campaign.starts_on, weekday=False)
        return turn.again(label("report-date-before-campaign", start=start))
    draft.service_date = day.isoformat()
    return turn.then("description")


async def date_typed(turn: Report, text: str) -> Result:
    """Takes a typed Jalali date."""
    try:
        day = jalali.parse_date(text)
    except jalali.DateError as error:
        spoken = jalali.parse_spoken_date(text, turn.today())
        if spoken is None:
            return turn.again(error.describe())
        day = spoken
    return await _take_date(turn, day)


async def day_pressed(turn: Report, data: Callback) -> Result:
    """Today, yesterday or the day before."""
    back = data.id() or 0
    if back not in (0, 1, 2):
        return turn.again(label("stale-button"))
    return await _take_date(turn, turn.today() - timedelta(days=back))


async def ask_description(turn: Report) -> Screen:
    """Asks for a short description (optional)."""
    limit = turn.context.config.report.description_max
    question = t("report-ask-description", max=limit)
    value = truncate(turn.draft.description, 60) or label("report-review-people-unknown")
    rows = [_skip_row(turn), turn.nav()]
    if turn.draft.pending_text:
        trim = label("report-description-trim", max=limit)
        rows.insert(0, [turn.button(trim, "trim")])
    return Screen(_with_now(turn, question, value), rows)


def _description(turn: Report) -> Bounded:
    """The description as typed: up to the configured length; one too long is offered cut."""
    limit = turn.context.config.report.description_max
    return Bounded(limit, "report-description-too-long", empty="report-text-empty", cuts=True)


async def description_typed(turn: Report, text: str) -> Result:
    """Takes the description; one too long is kept aside, for its first part to be offered."""
    description, refusal = _description(turn).read(text)
    if refusal:
        turn.draft.pending_text = description or turn.draft.pending_text
        return turn.again(refusal)
    turn.draft.description, turn.draft.pending_text = description, ""
    return turn.then("photos")


async def description_trimmed(turn: Report, data: Callback) -> Result:
    """Keeps the first part of a description that was too long."""
    if not turn.draft.pending_text:
        return turn.again()
    turn.draft.description = _description(turn).cut(turn.draft.pending_text)
    turn.draft.pending_text = ""
    return turn.then("photos")


async def description_skipped(turn: Report) -> Result:
    """No description."""
    turn.draft.description, turn.draft.pending_text = "", ""
    return turn.then("photos")


async def ask_photos(turn: Report) -> Screen:
    """Asks for up to the configured number of photos; editing adds to the ones there are."""
    limit = turn.context.config.report.photos_max
    count = len(turn.draft.photos)
    done = turn.button(label("report-photos-done"), "pdone")
    if not count:
        rows = [[done, turn.button(label("report-no-photos"), "nophoto")]]
        return Screen(t("report-ask-photos", max=limit), [*rows, turn.nav()])
    text = t("report-photos-received", count=count)
    if count >= limit:
        text = t("report-photos-full", max=limit, count=count)
    rows = [[done, turn.button(label("report-photos-clear"), "pclear")]]
    return Screen(text, [*rows, turn.nav()])


async def photo_sent(turn: Report, message: Message) -> Result:
    """Collects photos (single or albums); an album is answered once, when it is all in."""
    draft = turn.draft
    largest = message.photo[-1]
    limit = turn.context.config.report.photos_max
    known = {unique for _, unique in draft.photos}
    if largest.file_unique_id not in known and len(draft.photos) < limit:
        draft.photos.append([largest.file_id, largest.file_unique_id])
    if message.media_group_id is None:
        return turn.again()
    draft.album_seq = draft.seq  # kept with the draft: a restart still owes the answer
    schedule_album_answer(turn)
    return Hold()


PHOTO_FILE_MAX = 10 * 1024 * 1024  # a picture sent as a file is turned into a photo up to this


async def picture_file_sent(turn: Report, message: Message) -> Result:
    """A picture sent as a file: turned into a photo (shown to them) instead of refused."""
    document = message.document
    is_image = document is not None and (document.mime_type or "").startswith("image/")
    if document is None or not is_image or (document.file_size or 0) > PHOTO_FILE_MAX:
        return turn.again(label("report-photo-expected"))
    if len(turn.draft.photos) >= turn.context.config.report.photos_max:
        return turn.again()
    picture = await (await turn.context.bot.get_file(document.file_id)).download_as_bytearray()
    sent = await turn.context.bot.send_photo(
        turn.chat_id, bytes(picture), caption=label("report-photo-from-file")
    )
    largest = sent.photo[-1]
    turn.draft.photos.append([largest.file_id, largest.file_unique_id])
    return turn.again()


ALBUM_SETTLE_SECONDS = 1.0


def schedule_album_answer(turn: Report) -> None:
    """(Re)schedules the one answer to an album, after its last part has arrived."""
    jobs = turn.context.job_queue
    assert jobs is not None
    name = f"album-{turn.user_id}"
    for job in jobs.get_jobs_by_name(name):
        job.schedule_removal()
    jobs.run_once(
        cast(Any, _album_answer),
        ALBUM_SETTLE_SECONDS,
        name=name,
        user_id=turn.user_id,
        data=turn.draft.seq,
    )


async def resume_album_answers(context: Any) -> int:
    """Answers the albums whose answer a stop cut off (the job lives in memory only)."""
    owed = 0
    for stored in await context.store.state.idle_drafts(ReportDraft.KIND, timedelta(0)):
        seq, album = int(stored.data.get("seq", 0)), int(stored.data.get("album_seq") or 0)
        # Owed: the album came and nothing was shown since, or its answer was being shown
        # (the question's number taken) when the process stopped.
        cut = album == seq - 1 and not stored.data.get("shown", True)
        if album and (album == seq or cut):
            with send_priority(INTERACTIVE):  # a person is waiting for it
                await context.bot_data.engine.refresh(
                    context, stored.volunteer_id, ReportDraft.KIND, seq
                )
            owed += 1
    return owed


async def _album_answer(context: Any) -> None:
    """Shows how many photos came, unless the person moved on meanwhile."""
    job = context.job
    await context.bot_data.engine.refresh(context, job.user_id, ReportDraft.KIND, job.data)


async def photos_done(turn: Report, data: Callback) -> Result:
    """To the review."""
    return Go("review")


async def no_photos(turn: Report, data: Callback) -> Result:
    """No photos: to the review."""
    turn.draft.photos = []
    return Go("review")


async def photos_cleared(turn: Report, data: Callback) -> Result:
    """Removes every photo (its own choice: sending photos never replaces them)."""
    turn.draft.photos = []
    return turn.again(label("report-photos-cleared"))


# --- review and saving ------------------------------------------------------------------------


async def review_text(turn: Report) -> Html:
    """One message summarising every field of the draft."""
    store, draft = turn.store, turn.draft
    group = await store.groups.get(draft.group_id or 0)
    service = await store.categories.get(draft.category_id or 0)
    campaign = await store.campaigns.get(draft.campaign_id) if draft.campaign_id else None
    county = await store.places.county(draft.county_id or 0)
    saved = await store.reports.get(draft.report_id) if draft.report_id else None
    title = t("report-review-edit-title", receipt=receipt(saved.receipt)) if saved else None
    lines = [title or t("report-review-title")]
    if group is not None and len(led(turn)) > 1:
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
    uncounted = await not_counted(turn)
    if uncounted:
        lines.append(uncounted)
    lines.append(
        t(
            "report-review-people",
            beneficiaries=_people(draft.beneficiaries),
            volunteers=_people(draft.volunteers),
        )
    )
    where = place_text(county.name, county.province_name) if county else ""
    if draft.place:
        where = f"{draft.place}، {where}"
    located = draft.latitude is not None  # the county is the one nearest to the shared point
    lines.append(
        t("report-review-place-located" if located else "report-review-place", place=where)
    )
    if draft.date is not None:
        lines.append(t("report-review-date", date=jalali.format_date(draft.date)))
    if draft.description:
        lines.append(t("report-review-description", description=draft.description))
    photos = len(draft.photos)
    lines.append(t("report-review-photos", count=photos, any="yes" if photos else "no"))
    return Html("\n".join(lines))


async def ask_review(turn: Report) -> Screen | Go:
    """Shows the summary with an edit button per field, «ثبت گزارش» and «انصراف»."""
    draft = turn.draft
    if draft.as_input() is None:
        return Go("area")
    draft.reviewing = True
    running = bool(await campaigns(turn))
    buttons = [
        turn.button(label(key), "edit", number)
        for number, (step, key) in EDITS.items()
        if running or step != "campaign"
    ]
    save = label("report-save-changes" if draft.report_id else "report-save")
    rows = [*grid(buttons, 2), [turn.button(save, "save")], turn.nav()]
    text = await review_text(turn)
    warnings = await duplicate_warnings(turn)
    if warnings:
        text = Html("\n".join([*warnings, "", text]))
    return Screen(text, rows)


async def duplicate_warnings(turn: Report) -> list[str]:
    """Warns before saving a likely duplicate: a live report of the same group, service, date
    and quantity, or a photo already in another report (the reporter may still save)."""
    data = turn.draft.as_input()
    if data is None:
        return []
    review = turn.store.review
    exclude = turn.draft.report_id or 0
    same = await review.duplicates(
        data.group_id, data.category_id, data.service_date, data.quantity, exclude
    )
    photos = await review.reused_photos([p.file_unique_id for p in data.photos], exclude)
    lines: list[str] = [t("review-warn-duplicate", receipt=receipt(o.receipt)) for o in same[:1]]
    lines += [t("review-warn-photo", receipt=receipt(o.receipt)) for o in photos[:1]]
    return lines


async def edit_pressed(turn: Report, data: Callback) -> Result:
    """Opens a field from the review."""
    edit = EDITS.get(data.id() or 0)
    if edit is None:
        return turn.again(label("stale-button"))
    return Go(edit[0])


async def save_pressed(turn: Report, data: Callback) -> Result:
    """Saves the report once (idempotent by the draft's key) and shows the receipt."""
    draft = turn.draft
    report_input = draft.as_input()
    if report_input is None:
        return turn.again(label("use-buttons"))
    if not any(m.group_id == report_input.group_id for m in led(turn)):
        return turn.again(label("report-not-leader-anymore"))
    before = await turn.store.reports.get(draft.report_id) if draft.report_id else None
    report, edited = await save_report(
        turn.store,
        report_input,
        turn.who.user_id,
        key=draft.key,
        receipt_year=jalali.to_jalali(turn.today())[0],
        report_id=draft.report_id,
        edit_hours=turn.context.config.report.edit_hours,
    )
    if report is None:
        return Done(t("myreports-locked"))
    queued = turn.context.config.report.review and report.status is ReportStatus.SUBMITTED
    fixed = before is not None and before.status is ReportStatus.RETURNED
    if queued and (before is None or fixed):
        announce_later(turn.context, report.id)  # to the coordinators' groups
    elif queued:
        refresh_later(turn.context, report.id)  # its cards there show the edit
    text = await receipt_text(
        turn.store, report, edited=edited, queued=queued, resubmitted=queued and fixed
    )
    code = receipt(report.receipt)
    said = label("report-edit-done-already" if edited else "report-done-already", receipt=code)
    return Done(text, receipt_buttons(report), said=said)
