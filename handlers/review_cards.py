"""How a report looks to its reviewers: the card, its flags and buttons, and the coordinators'
groups it is posted to (used by the review screens and by the report flow when it saves).

Every card with decision buttons is remembered (db.review.ReviewRepo.add_card), in a
reviewer's private chat as in a coordinators' group: an edit of the report shows on all of them
with buttons bound to the new version, and a decision settles them all.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import and_list, to_persian_digits, truncate
from bot.kit.context import Context
from bot.kit.keyboards import button, cb, choices, inline
from bot.kit.principal import Principal, load_principal
from bot.runtime.ratelimit import BULK, send_priority
from db.models import Report, ReportStatus
from db.review import Card, Flags, Verdict
from db.store import Store
from handlers.group_view import place_text

log = logging.getLogger(__name__)

PREFIX = "rv"  # the review buttons (callback data is built with the literal, for the access scan)
HISTORY_DAYS = 28  # the group's recent record on a card: the last four weeks
FLAG_BUTTONS = 3  # other reports a card links to, at most
ALBUM_MAX = 10  # photos in one album (Telegram's limit)

# Common reasons for returning a report: callback id → (locale key, report field step to open).
REASONS: dict[int, tuple[str, str]] = {
    1: ("review-reason-photo", "photos"),
    2: ("review-reason-quantity", "quantity"),
    3: ("review-reason-service", "area"),
    4: ("review-reason-date", "date"),
}


def receipt(report_receipt: str) -> str:
    """A receipt number as people read it (Persian digits)."""
    return to_persian_digits(report_receipt)


async def scope_words(store: Store, provinces: list[int | None]) -> str:
    """The provinces whose new reports a coordinators' group gets, as a sentence names them:
    «استان مرکزی», «استان‌های مرکزی و تهران», «همهٔ استان‌ها» (None: every province)."""
    if None in provinces:
        return label("review-chat-all")
    names = [p.name for p in [await store.places.province(i or 0) for i in provinces] if p]
    several = "yes" if len(names) > 1 else "no"
    return label("review-chat-provinces", names=and_list(names), several=several)


def scope_of(who: Principal) -> frozenset[int] | None:
    """The provinces whose reports a person reviews (None: every province, for admins)."""
    return None if who.admin else who.provinces


async def flags_of(store: Store, report: Report) -> Flags:
    """Every flag of a saved report."""
    return await store.review.flags(
        report.group_id,
        report.category_id,
        report.service_date,
        report.quantity,
        [p.file_unique_id for p in report.photos],
        report.id,
    )


def flag_lines(flags: Flags, unit: str) -> list[str]:
    """One line per flag (the unit is the report's, for the usual quantity)."""
    lines: list[str] = [
        t("review-flag-duplicate", receipt=receipt(o.receipt)) for o in flags.duplicates
    ]
    lines += [t("review-flag-photo", receipt=receipt(o.receipt)) for o in flags.reused_photos]
    if flags.usual is not None:
        lines.append(t("review-flag-outlier", usual=flags.usual, unit=unit))
    return lines


async def card_text(
    store: Store, report: Report, flags: Flags, position: tuple[int, int] | None = None
) -> Html:
    """The report as its reporter's review screen reads, with the group's record and flags."""
    title = t("review-card-title", receipt=receipt(report.receipt))
    if position is not None and position[0]:
        title = Html(
            f"{title} {t('review-card-position', position=position[0], total=position[1])}"
        )
    reporter = await store.volunteers.get(report.reporter_id)
    name = reporter.display_name if reporter else str(report.reporter_id)
    lines: list[str] = [title, t("review-card-group", group=report.group_name, reporter=name)]
    if report.campaign_title:
        lines.append(t("report-review-campaign", campaign=report.campaign_title))
    lines.append(
        t(
            "report-review-service",
            area=report.area_name,
            service=report.category_name,
            quantity=report.quantity,
            unit=report.unit,
        )
    )
    lines.append(
        t(
            "report-review-people",
            beneficiaries=_people(report.beneficiaries),
            volunteers=_people(report.volunteers),
        )
    )
    where = place_text(report.county_name, report.province_name)
    if report.place:
        where = f"{report.place}، {where}"
    if report.latitude is not None:
        where = f"{where} {label('report-review-location')}"
    lines.append(t("report-review-place", place=where))
    lines.append(t("report-review-date", date=jalali.format_date(report.service_date)))
    if report.description:
        lines.append(t("report-review-description", description=report.description))
    count = len(report.photos)
    lines.append(t("report-review-photos", count=count, any="yes" if count else "no"))
    saved = jalali.format_datetime(datetime.fromisoformat(report.created_at))
    lines.append(t("review-card-saved", when=saved))
    today = jalali.today(store.db.clock)
    record = await store.review.history(
        report.group_id, today - timedelta(days=HISTORY_DAYS - 1), today
    )
    lines.append(t("review-card-history", reports=record.reports, quantity=record.quantity))
    if record.returned:
        lines.append(t("review-card-returned", returned=record.returned))
    if report.review_note and report.status is ReportStatus.SUBMITTED:
        lines.append(t("review-card-note", note=report.review_note))
        lines.extend(await changes_since_return(store, report))
    extra = flag_lines(flags, report.unit)
    if extra:
        lines.append("")
        lines.extend(extra)
    return Html("\n".join(lines))


# Fields of a report edit (db.reports' audit rows) in the order a card shows them; its group
# and province follow from these, and the point on the map is named once, by its latitude.
CHANGE_FIELDS = (
    "campaign_id",
    "category_id",
    "quantity",
    "beneficiaries",
    "volunteers",
    "county_id",
    "place",
    "service_date",
    "description",
    "photos",
    "latitude",
)


async def changes_since_return(store: Store, report: Report) -> list[str]:
    """What the reporter changed since the report was last returned (the audit log's edits
    after the return): a line each, «تاریخ: ۱ آبان ← ۱۰ آذر», or that nothing changed."""
    entries = await store.audit.for_entity("report", report.id)
    returns = [i for i, e in enumerate(entries) if e.action == "report.return"]
    if not returns:
        return []
    changed: dict[str, list[str]] = {}
    for entry in entries[returns[-1] + 1 :]:
        if entry.action != "report.edit":
            continue
        for name, (old, new) in json.loads(entry.details).get("changed", {}).items():
            changed[name] = [changed.get(name, [old])[0], new]
    if "longitude" in changed:  # the point on the map: one change, named by its latitude
        changed.setdefault("latitude", changed.pop("longitude"))
    lines = []
    for name in CHANGE_FIELDS:
        if name not in changed:
            continue
        old, new = changed[name]
        if old == new and name != "photos":  # changed back (photos: other ones, as many)
            continue
        old, new = await _field_value(store, name, old), await _field_value(store, name, new)
        if old == new or name == "latitude":  # as many photos; a point; a long text's end
            lines.append(t("review-change-replaced", field=name))
        else:
            lines.append(t("review-change-line", field=name, old=old, new=new))
    return [t("review-changes-title"), *lines] if lines else [t("review-changes-none")]


async def _field_value(store: Store, name: str, value: str) -> str:
    """One value of an edited field as a reviewer reads it (the audit keeps them as text)."""
    if value in ("None", ""):
        return label(
            "report-no-campaign" if name == "campaign_id" else "report-review-people-unknown"
        )
    if name == "service_date":
        return jalali.format_date(date.fromisoformat(value))
    if name == "category_id":
        category = await store.categories.get(int(value))
        return category.name if category else value
    if name == "campaign_id":
        campaign = await store.campaigns.get(int(value))
        return campaign.title if campaign else value
    if name == "county_id":
        county = await store.places.county(int(value))
        return place_text(county.name, county.province_name) if county else value
    if name in ("place", "description"):
        return truncate(value, 40)
    return to_persian_digits(value)


def _people(value: int | None) -> str:
    if value is None:
        return label("report-review-people-unknown")
    return label("report-review-people-count", count=value)


def decision_rows(
    report: Report,
    flags: Flags,
    viewer: Principal | None,
    *,
    private: bool,
    together: int = 0,
    queued: int = 0,
) -> list[list[InlineKeyboardButton]]:
    """Approve, return, the flagged reports to look at, and (in a private chat) approving the
    group's reports together (when `together`, the group's pending reports, is two or more),
    previous and next (when `queued`, the reviewer's queue, holds another) and close. The
    decisions name the version of the report the card shows.

    In a group (viewer None) only reports of the same province are linked: whoever may decide
    this one may open those."""
    rows = [
        [
            button(label("review-approve"), cb("rv", "ok", report.id, report.version)),
            button(label("review-return"), cb("rv", "ret", report.id, report.version)),
        ]
    ]
    others = [
        o
        for o in flags.others
        if (viewer.oversees(o.province_id) if viewer else o.province_id == report.province_id)
    ]
    rows += choices(
        others[:FLAG_BUTTONS],
        lambda o: button(
            label("review-view-other", receipt=receipt(o.receipt)),
            cb("rv", "view", o.id, report.id),
        ),
    )
    if private:
        if together >= 2:
            rows.append([button(label("review-approve-group"), cb("rv", "all", report.id))])
        if report.photos:  # privately the photos come on request: skipping sends no albums
            count = len(report.photos)
            rows.append([button(label("review-photos", count=count), cb("rv", "pics", report.id))])
        if queued > 1:
            rows.append(
                [
                    button(label("review-previous"), cb("rv", "prev", report.id)),
                    button(label("review-next"), cb("rv", "next", report.id)),
                ]
            )
        rows.append([button(label("review-close"), cb("rv", "close"))])
    return rows


def reason_rows(report: Report, *, private: bool) -> list[list[InlineKeyboardButton]]:
    """The common reasons to return a report (and, privately, a typed one), and Back; each
    names the version of the report the card shows."""
    ids = (report.id, report.version)
    rows = choices(
        list(REASONS),
        lambda n: button(label(REASONS[n][0]), cb("rv", "why", report.id, n, report.version)),
    )
    if private:
        rows.append([button(label("review-reason-other"), cb("rv", "type", *ids))])
    rows.append([button(label("button-back"), cb("rv", "back", *ids))])
    return rows


async def private_card(
    store: Store, report: Report, who: Principal
) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """A pending report's card in a reviewer's private chat: where it stands in their queue,
    and its decision buttons."""
    scope = scope_of(who)
    flags = await flags_of(store, report)
    position = await store.review.position(scope, report.id)
    together = await store.review.pending_in_group(scope, report.group_id)
    text = await card_text(store, report, flags, position)
    rows = decision_rows(report, flags, who, private=True, together=together, queued=position[1])
    return text, rows


async def group_card(store: Store, report: Report) -> tuple[Html, InlineKeyboardMarkup]:
    """A pending report's card in a coordinators' group, with its decision buttons."""
    flags = await flags_of(store, report)
    text = await card_text(store, report, flags)
    return text, inline(decision_rows(report, flags, None, private=False))


async def send_photos(
    context: Context, chat_id: int, report: Report, caption: str | None = None
) -> None:
    """The report's photos in albums of up to ten (or one on its own), `caption` (by default,
    which report they are of) on the first.
    A photo Telegram no longer knows (its file_id refused, as after the bot's token changed)
    is left out and said to be gone; the others are sent (one by one, when the album they were
    in was refused for it)."""
    photos = report.photos  # beneficiaries' faces: protected, never forwarded or saved
    if caption is None:
        caption = t(
            "review-photos-caption", receipt=receipt(report.receipt), group=report.group_name
        )
    gone = 0
    for first in range(0, len(photos), ALBUM_MAX):
        chunk = photos[first : first + ALBUM_MAX]
        said = caption if first == 0 else None
        if len(chunk) > 1:
            album = [
                InputMediaPhoto(p.file_id, caption=None if i else said) for i, p in enumerate(chunk)
            ]
            try:
                await context.bot.send_media_group(chat_id, album, protect_content=True)
                continue
            except BadRequest as exc:
                log.info("an album of report %s refused (%s): photo by photo", report.id, exc)
        for photo in chunk:
            try:
                await context.bot.send_photo(
                    chat_id, photo.file_id, caption=said, protect_content=True
                )
                said = None
            except BadRequest as exc:
                log.info("a photo of report %s refused: %s", report.id, exc)
                gone += 1
    if gone:
        every = "yes" if gone == len(photos) else "no"
        await context.bot.send_message(chat_id, t("review-photos-gone", count=gone, all=every))


async def outcome(store: Store, verdict: Verdict | None) -> str:
    """One line saying how a report was decided (or that it is no longer pending)."""
    if verdict is None or verdict.status is ReportStatus.DELETED:
        return t("review-done-deleted")
    name = await reviewer_name(store, verdict.by)
    if verdict.status is ReportStatus.APPROVED:
        return t("review-done-approved", name=name)
    if verdict.status is ReportStatus.RETURNED:
        return t("review-done-returned", name=name, reason=verdict.note)
    return t("review-done-waiting")


async def late(store: Store, verdict: Verdict | None, viewer: int | None = None) -> str:
    """What the second of two reviewers is told: who decided, how and how long ago (or that
    the viewer did, pressing an old button)."""
    if verdict is None or verdict.status not in (ReportStatus.APPROVED, ReportStatus.RETURNED):
        return await outcome(store, verdict)
    ago = label("review-ago-moments")
    if verdict.at is not None:
        at = datetime.fromisoformat(verdict.at)
        minutes = int((store.db.now() - at).total_seconds() // 60)
        if minutes >= 24 * 60:
            ago = label("review-ago-long", when=jalali.format_datetime(at))
        elif minutes >= 60:
            ago = label("review-ago-hours", hours=minutes // 60)
        elif minutes >= 2:
            ago = label("review-ago-minutes", minutes=minutes)
    if viewer is not None and verdict.by == viewer:
        return label("review-late-self", status=verdict.status.value, ago=ago)
    name = await reviewer_name(store, verdict.by)
    return label("review-late", status=verdict.status.value, name=name, ago=ago)


async def reviewer_name(store: Store, user_id: int | None) -> str:
    """How a reviewer is named to others."""
    volunteer = await store.volunteers.get(user_id) if user_id is not None else None
    return volunteer.display_name if volunteer else label("review-someone")


async def announce(context: Context, report_id: int) -> None:
    """Posts a newly pending report to the coordinators' groups of its province, with the
    decision buttons; a group the bot can no longer post to is forgotten."""
    store = context.store
    report = await store.reports.get(report_id)
    if report is None or report.status is not ReportStatus.SUBMITTED:
        return
    chats = await store.review.chats_for(report.province_id)
    if not chats:
        return
    text, markup = await group_card(store, report)
    for chat_id in chats:
        try:
            with send_priority(BULK):
                await send_photos(context, chat_id, report)
                sent = await context.bot.send_message(chat_id, text, reply_markup=markup)
        except (Forbidden, BadRequest) as exc:
            log.info("review group %s is gone (%s): unlinked", chat_id, exc)
            await store.review.drop_chat(chat_id)
            continue
        except TelegramError as exc:
            log.warning("could not post report %s to review group %s: %s", report.id, chat_id, exc)
            continue
        await store.review.add_card(report.id, chat_id, sent.message_id)


def announce_later(context: Context, report_id: int) -> None:
    """Posts to the coordinators' groups in the background: the reporter never waits for it."""
    context.application.create_task(
        announce(context, report_id), name=f"review-announce-{report_id}"
    )


async def settle_cards(context: Context, report_id: int) -> None:
    """Edits every card of a decided report to show the decision, without its buttons (a
    reviewer's private card keeps «بعدی»); they are settled for good and forgotten."""
    store = context.store
    report = await store.reports.get(report_id)
    if report is None:
        return
    text = Html(
        f"{await card_text(store, report, Flags())}\n\n"
        f"{await outcome(store, await store.review.verdict(report_id))}"
    )
    onward = inline([[button(label("review-next"), cb("rv", "next", report_id))]])
    cards = await store.review.cards(report_id)
    await store.review.drop_cards(report_id)
    for card in cards:
        await _edit_card(context, card, text, onward if card.chat_id > 0 else None)


async def _edit_card(
    context: Context, card: Card, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Shows `text` (and `markup`) on one card; a card that is gone is no error."""
    try:
        with send_priority(BULK):
            await context.bot.edit_message_text(
                text, chat_id=card.chat_id, message_id=card.message_id, reply_markup=markup
            )
    except BadRequest as exc:
        if "not modified" not in str(exc):
            log.info("could not edit review card %s: %s", card, exc)
    except TelegramError as exc:
        log.info("could not edit review card %s: %s", card, exc)


async def refresh_cards(context: Context, report_id: int) -> None:
    """Shows a pending report's edit on every open card of it (reviewers' private chats and
    the coordinators' groups), with decision buttons bound to its new version."""
    store = context.store
    report = await store.reports.get(report_id)
    if report is None or report.status is not ReportStatus.SUBMITTED:
        return
    shared: tuple[Html, InlineKeyboardMarkup] | None = None
    for card in await store.review.cards(report_id):
        if card.chat_id > 0:  # a reviewer's private chat (user ids are positive, groups not)
            viewer = await load_principal(store, context.config, card.chat_id)
            if not viewer.oversees(report.province_id):  # no longer theirs to decide
                await store.review.drop_card(card.chat_id, card.message_id)
                continue
            text, rows = await private_card(store, report, viewer)
            await _edit_card(context, card, text, inline(rows))
            continue
        shared = shared or await group_card(store, report)
        await _edit_card(context, card, *shared)


def refresh_later(context: Context, report_id: int) -> None:
    """Refreshes the open cards of an edited report in the background."""
    context.application.create_task(
        refresh_cards(context, report_id), name=f"review-refresh-{report_id}"
    )
