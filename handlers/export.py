"""«📤 خروجی» / /export: a spreadsheet of reports sent in Telegram, and the photo links in it.

A small engine flow asks for the Jalali range, the scope, a campaign, the statuses, the format
and the HXL row, then shows a summary with «ساختن فایل». The build runs as a task of its own
(bot/export/build.py) so the person keeps using the bot meanwhile: the summary's status line is
edited as it goes, at low priority, and ends with the last word; the file arrives as a document
named with the range (and the province), its caption naming every filter. A range (or province) with
no report is said at once. One export at a time per person. Who may export what is checked three
times: by the button policy (bot.kit.access), by the flow's rule on every update, and again, from
the database, when «ساختن فایل» is pressed.

The XLSX links each report's photo count (the CSV has a link column) to
https://t.me/BOT?start=ph_ID_MAC; /start with that payload sends the report's photos as an album
to an admin or a coordinator of its province, and politely refuses anyone else.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler
from telegram.ext import filters as tg_filters

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import normalize, to_persian_digits
from bot.export.build import Plan, begin_build, count_rows, may_export
from bot.export.photo_links import PREFIX, SECRET_NAME, report_of
from bot.kit.access import admin, overseer, overseer_of_first_province
from bot.kit.buttons import Buttons, allow
from bot.kit.commands import Command, overseers
from bot.kit.context import Context
from bot.kit.engine import Done, Draft, Flow, Go, Result, Screen, Step, Turn
from bot.kit.keyboards import Callback, grid
from bot.kit.menu import MenuEntry
from bot.kit.principal import Principal, load_principal
from db.export import LIVE_STATUSES, ExportFilter
from db.models import Campaign, ReportStatus
from db.store import Store
from handlers.common import PRIVATE, menu_for, menu_text, reply
from handlers.pickers import place_steps
from handlers.review_cards import send_photos

log = logging.getLogger(__name__)

CAMPAIGNS_SHOWN = 12

# The status choices, by the index their button carries.
STATUSES: tuple[tuple[str, tuple[ReportStatus, ...]], ...] = (
    ("export-status-live", LIVE_STATUSES),
    ("export-status-approved-only", (ReportStatus.APPROVED,)),
    ("export-status-pending", (ReportStatus.SUBMITTED,)),
    ("export-status-returned-only", (ReportStatus.RETURNED,)),
)
FORMATS = ("xlsx", "csv")
FORMAT_KEYS = {"xlsx": "export-format-xlsx", "csv": "export-format-csv"}
THIS_MONTH, LAST_MONTH, THIS_YEAR = 0, 1, 2


@dataclasses.dataclass
class ExportDraft(Draft):
    """An export being set up."""

    KIND = "export"

    start: str = ""
    end: str = ""
    scope: str = ""  # "all": the country (admin) or all of a coordinator's; "one": province_id
    province_id: int | None = None
    county_id: int | None = None  # the place picker's; an export has no county
    campaign_id: int = 0  # 0: every report, with or without a campaign
    status: int = 0  # index in STATUSES
    fmt: str = "xlsx"
    hxl: bool = False


# --- the range ---------------------------------------------------------------------------------


def _month_words(first: date) -> str:
    """«آبان ۱۴۰۵»: a Jalali month by name."""
    year, month, _ = jalali.to_jalali(first)
    return f"{jalali.month_name(month)} {to_persian_digits(str(year))}"


def _year(today: date) -> str:
    """«۱۴۰۵»: the Jalali year, without a thousands separator."""
    return to_persian_digits(str(jalali.to_jalali(today)[0]))


def _periods(today: date) -> list[tuple[date, date]]:
    """This month, last month and this Jalali year, by the index their button carries."""
    month = jalali.month_of(today)
    last = jalali.month_of(month[0] - timedelta(days=1))
    return [month, last, jalali.year_of(today)]


def _example(today: date) -> str:
    """«۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۳۰»: last month as a typed range."""
    first, last = _periods(today)[LAST_MONTH]
    return f"{jalali.format_numeric(first)} تا {jalali.format_numeric(last)}"


async def ask_range(turn: Turn[ExportDraft]) -> Screen:
    """Asks for the period: this month, last month, this year, or a typed range."""
    today = turn.today()
    month, last, _ = _periods(today)
    rows = [
        [
            turn.button(label("export-this-month", month=_month_words(month[0])), "period", 0),
            turn.button(label("export-last-month", month=_month_words(last[0])), "period", 1),
        ],
        [turn.button(label("export-this-year", year=_year(today)), "period", 2)],
        turn.nav(back=False),
    ]
    return Screen(t("export-ask-range", example=_example(today)), rows)


async def period_picked(turn: Turn[ExportDraft], data: Callback) -> Result:
    """Takes one of the offered periods."""
    periods = _periods(turn.today())
    index = data.id(0)
    if index is None or index >= len(periods):
        return turn.again(label("use-buttons"))
    first, last = periods[index]
    turn.draft.start, turn.draft.end = first.isoformat(), last.isoformat()
    return await _after_range(turn)


async def _reports_in(turn: Turn[ExportDraft], provinces: tuple[int, ...]) -> int:
    """How many live reports the draft's range holds in these provinces (() : everywhere)."""
    draft = turn.draft
    flt = ExportFilter(date.fromisoformat(draft.start), date.fromisoformat(draft.end), provinces)
    return await asyncio.to_thread(count_rows, turn.context.config.database.target, flt)


async def _after_range(turn: Turn[ExportDraft]) -> Result:
    """On to the scope, unless nothing the person may export falls in the range: then says so
    at once, above the range question (no five questions for an empty file)."""
    who = turn.who
    everywhere: tuple[int, ...] = () if who.admin else tuple(sorted(who.provinces))
    if await _reports_in(turn, everywhere) == 0:
        return Go("range", label("export-empty-early"))
    return Go("scope")


def parse_range(text: str, today: date) -> tuple[date, date] | str:
    """Reads «۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۳۰» (any digits); else the one line that says what is wrong."""
    parts = [p for p in normalize(text).replace("الی", "تا").split("تا") if p.strip()]
    if len(parts) != 2:
        return label("export-range-hint", example=_example(today))
    days: list[date] = []
    for part in parts:
        try:
            days.append(jalali.parse_date(part))
        except jalali.DateError as exc:
            return exc.describe(today)
    first, last = days
    if last < first:
        return label("export-range-reversed")
    return first, last


async def range_typed(turn: Turn[ExportDraft], text: str) -> Result:
    """Takes a typed range; a bad one gets a clear line and the same question."""
    found = parse_range(text, turn.today())
    if isinstance(found, str):
        return turn.again(found)
    turn.draft.start, turn.draft.end = found[0].isoformat(), found[1].isoformat()
    return await _after_range(turn)


# --- the scope ---------------------------------------------------------------------------------


async def _province_names(turn: Turn[ExportDraft], ids: list[int]) -> list[tuple[int, str]]:
    """The names of provinces, by id, in the order given."""
    found = []
    for province_id in ids:
        province = await turn.store.places.province(province_id)
        if province is not None:
            found.append((province.id, province.name))
    return found


async def ask_scope(turn: Turn[ExportDraft]) -> Screen | Go:
    """Admins: the country or one province; coordinators: one of theirs, or all of them (a
    coordinator of one province is not asked)."""
    who = turn.who
    if who.admin:
        rows = [
            [turn.button(label("export-scope-country"), "all")],
            [turn.button(label("export-scope-pick"), "pick")],
        ]
    else:
        mine = await _province_names(turn, sorted(who.provinces))
        if len(mine) == 1:
            turn.draft.scope, turn.draft.province_id = "one", mine[0][0]
            return Go("campaign")
        rows = grid([turn.button(name, "prov", pid) for pid, name in mine], 2)
        if len(mine) > 1:
            rows.append([turn.button(label("export-scope-mine"), "all")])
    return Screen(t("export-ask-scope"), [*rows, turn.nav()])


async def all_picked(turn: Turn[ExportDraft], data: Callback) -> Result:
    """The whole country (an admin) or every province of a coordinator."""
    turn.draft.scope, turn.draft.province_id = "all", None
    return Go("campaign")


async def pick_picked(turn: Turn[ExportDraft], data: Callback) -> Result:
    """An admin chooses one province with the place picker."""
    if not turn.who.admin:
        return turn.again(label("not-allowed"))
    return Go("province")


async def own_province_picked(turn: Turn[ExportDraft], data: Callback) -> Result:
    """A coordinator picks one of their provinces (re-checked: callback data is client input)."""
    province_id = data.id(0)
    if province_id is None or not turn.who.oversees(province_id):
        return turn.again(label("not-allowed"))
    turn.draft.scope, turn.draft.province_id = "one", province_id
    return Go("campaign")


def _province_step() -> Step:
    """The place picker's province question, for admins; a chosen province goes to the campaign."""
    step = place_steps("campaign", back="scope", county="campaign")["province"]
    picked = step.press["prov"]

    async def ask(turn: Turn[ExportDraft]) -> Screen | Go:
        if not turn.who.admin:
            return Go("scope")
        return await step.ask(turn)

    async def pressed(turn: Turn[ExportDraft], data: Callback) -> Result:
        if not turn.who.admin:
            return turn.again(label("not-allowed"))
        result = await picked(turn, data)
        if turn.draft.province_id is not None:
            turn.draft.scope = "one"
        return result

    async def typed(turn: Turn[ExportDraft], text: str) -> Result:
        assert step.text is not None
        result = await step.text(turn, text)
        if turn.draft.province_id is not None:
            turn.draft.scope = "one"
        return result

    return dataclasses.replace(step, ask=ask, press={"prov": pressed}, text=typed)


def _provinces_of(who: Principal, draft: ExportDraft) -> tuple[int, ...] | None:
    """The provinces the export covers (() for the whole country), or None if not theirs."""
    if draft.scope == "one" and draft.province_id is not None:
        return (draft.province_id,) if who.oversees(draft.province_id) else None
    if draft.scope == "all":
        return () if who.admin else tuple(sorted(who.provinces)) or None
    return None


# --- the campaign, status, format and HXL row --------------------------------------------------


async def _campaigns(turn: Turn[ExportDraft]) -> list[Campaign]:
    """The campaigns that meet the range and the scope (national ones, or the scope's)."""
    draft = turn.draft
    provinces = _provinces_of(turn.who, draft)
    if provinces is None or not draft.start:
        return []
    found = await turn.store.campaigns.overlapping(
        date.fromisoformat(draft.start), date.fromisoformat(draft.end)
    )
    return [
        c for c in found if c.province_id is None or not provinces or c.province_id in provinces
    ][:CAMPAIGNS_SHOWN]


async def ask_campaign(turn: Turn[ExportDraft]) -> Screen | Go:
    """Offers the campaigns of the range; with none, goes straight on to the statuses."""
    provinces = _provinces_of(turn.who, turn.draft)
    if turn.draft.scope == "one" and provinces and await _reports_in(turn, provinces) == 0:
        scope = await _scope_words(turn, turn.who, turn.draft)
        return Go("range", label("export-empty-scope", scope=scope))
    campaigns = await _campaigns(turn)
    if not campaigns:
        turn.draft.campaign_id = 0
        return Go("status")
    rows = [[turn.button(c.title, "camp", c.id)] for c in campaigns]
    rows.append([turn.button(label("export-campaign-any"), "any")])
    return Screen(t("export-ask-campaign"), [*rows, turn.nav()])


async def campaign_picked(turn: Turn[ExportDraft], data: Callback) -> Result:
    """Only the reports of one campaign (one of those offered)."""
    chosen = data.id(0)
    if chosen is None or chosen not in {c.id for c in await _campaigns(turn)}:
        return turn.again(label("stale-button"))
    turn.draft.campaign_id = chosen
    return Go("status")


async def any_campaign(turn: Turn[ExportDraft], data: Callback) -> Result:
    """Every report, with a campaign or without."""
    turn.draft.campaign_id = 0
    return Go("status")


async def _before_status(turn: Turn[ExportDraft]) -> str:
    """Back from the statuses: to the campaigns when there were any, else to the scope."""
    if await _campaigns(turn):
        return "campaign"
    return await _before_campaign(turn)


async def _before_campaign(turn: Turn[ExportDraft]) -> str:
    """Back from the campaigns: to the province picker (an admin's one province), the scope, or
    the range (a coordinator of one province is never asked the scope)."""
    if not turn.who.admin and len(turn.who.provinces) == 1:
        return "range"
    return "province" if turn.who.admin and turn.draft.scope == "one" else "scope"


async def ask_status(turn: Turn[ExportDraft]) -> Screen | Go:
    """Asks which statuses: every live report, or only approved, pending or returned ones;
    without review (nothing is approved, pending or returned) every live report, unasked."""
    if not turn.context.config.report.review:
        turn.draft.status = 0
        return Go("format")
    rows = [[turn.button(label(key), "status", i)] for i, (key, _) in enumerate(STATUSES)]
    return Screen(t("export-ask-status"), [*rows, turn.nav()])


async def _before_format(turn: Turn[ExportDraft]) -> str:
    """Back from the format: to the statuses when they were asked, else before them."""
    if turn.context.config.report.review:
        return "status"
    return await _before_status(turn)


async def status_picked(turn: Turn[ExportDraft], data: Callback) -> Result:
    """Takes the statuses."""
    index = data.id(0)
    if index is None or index >= len(STATUSES):
        return turn.again(label("use-buttons"))
    turn.draft.status = index
    return Go("format")


async def ask_format(turn: Turn[ExportDraft]) -> Screen:
    """Asks for XLSX or CSV."""
    row = [turn.button(label(FORMAT_KEYS[f]), "fmt", i) for i, f in enumerate(FORMATS)]
    return Screen(t("export-ask-format"), [row, turn.nav()])


async def format_picked(turn: Turn[ExportDraft], data: Callback) -> Result:
    """Takes the format."""
    index = data.id(0)
    if index is None or index >= len(FORMATS):
        return turn.again(label("use-buttons"))
    turn.draft.fmt = FORMATS[index]
    return Go("hxl")


async def ask_hxl(turn: Turn[ExportDraft]) -> Screen:
    """Asks whether to add the row of HXL hashtags."""
    row = [
        turn.button(label("export-hxl-yes"), "hxl", 1),
        turn.button(label("export-hxl-no"), "hxl", 0),
    ]
    return Screen(t("export-ask-hxl"), [row, turn.nav()])


async def hxl_picked(turn: Turn[ExportDraft], data: Callback) -> Result:
    """Takes the HXL choice."""
    turn.draft.hxl = data.id(0) == 1
    return Go("confirm")


# --- the summary and the build -----------------------------------------------------------------


async def _scope_words(turn: Turn[Any], who: Principal, draft: ExportDraft) -> str:
    """The scope in words: the country, one province, or a coordinator's provinces."""
    provinces = _provinces_of(who, draft) or ()
    if not provinces:
        return label("export-scope-country")
    names = [name for _, name in await _province_names(turn, list(provinces))]
    if len(names) == 1:
        return label("export-scope-province", name=names[0])
    return label("export-scope-provinces", names="، ".join(names))


async def _summary(turn: Turn[ExportDraft]) -> Html:
    """What the export will hold, in words."""
    draft = turn.draft
    campaign = await turn.store.campaigns.get(draft.campaign_id) if draft.campaign_id else None
    return t(
        "export-confirm",
        range=jalali.format_range(date.fromisoformat(draft.start), date.fromisoformat(draft.end)),
        scope=await _scope_words(turn, turn.who, draft),
        campaign=campaign.title if campaign else label("export-campaign-none"),
        status=label(STATUSES[draft.status][0]),
        format=label(FORMAT_KEYS[draft.fmt]),
        hxl=label("export-confirm-hxl") if draft.hxl else "",
    )


async def ask_confirm(turn: Turn[ExportDraft]) -> Screen:
    """Shows the export as it will be built, with «ساختن فایل»."""
    rows = [[turn.button(label("export-build"), "build")], turn.nav()]
    return Screen(await _summary(turn), rows)


async def _plan(turn: Turn[ExportDraft], who: Principal) -> Plan | None:
    """The export the draft asks for, if this person may have it now (None if not)."""
    draft = turn.draft
    provinces = _provinces_of(who, draft)
    campaign = await turn.store.campaigns.get(draft.campaign_id) if draft.campaign_id else None
    if provinces is None or (draft.campaign_id and campaign is None):
        return None
    if not may_export(who, provinces, campaign):
        return None
    if not 0 <= draft.status < len(STATUSES) or draft.fmt not in FORMATS:
        return None
    flt = ExportFilter(
        date.fromisoformat(draft.start),
        date.fromisoformat(draft.end),
        provinces,
        draft.campaign_id or None,
        STATUSES[draft.status][1],
    )
    return Plan(
        flt,
        draft.fmt,
        draft.hxl,
        await _scope_words(turn, who, draft),
        campaign.title if campaign else label("export-campaign-none"),
        label(STATUSES[draft.status][0]),
    )


async def build_pressed(turn: Turn[ExportDraft], data: Callback) -> Result:
    """«ساختن فایل»: checks who may have it (afresh, from the database), then starts the build."""
    context = turn.context
    if turn.user_id in context.bot_data.exports:
        return turn.again(label("export-busy"))
    who = await load_principal(turn.store, context.config, turn.user_id)
    plan = await _plan(turn, who)
    if plan is None:
        log.warning("export refused at the build for user %s", turn.user_id)
        return Done(t("export-not-allowed"))
    summary = await _summary(turn)
    chat_id = turn.chat_id
    panel = turn.query.message.message_id if turn.query and turn.query.message else None

    async def start() -> None:
        await begin_build(context, chat_id, plan, summary=summary, message_id=panel)

    return Done(t("export-requested", summary=summary), then=start)


# --- the flow and its ways in ------------------------------------------------------------------


async def _start(turn: Turn[ExportDraft], ids: tuple[int, ...]) -> Result:
    """The flow starts with the range."""
    return Go("range")


async def may_go_on(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """An export: an admin, or a coordinator while the province chosen (if any) is theirs."""
    if who.admin:
        return True
    province_id = draft.get("province_id")
    return who.coordinator and (province_id is None or int(province_id) in who.provinces)


FLOW = Flow(
    draft=ExportDraft,
    prefix="exp",
    rule=overseer,
    rules={"pick": admin, "prov": overseer_of_first_province},
    allowed=may_go_on,
    name="flow-name-export",
    steps={
        "range": Step(
            ask=ask_range,
            text=range_typed,
            press={"period": period_picked},
            expects="export-range-expects",
        ),
        "scope": Step(
            ask=ask_scope,
            press={"all": all_picked, "pick": pick_picked, "prov": own_province_picked},
            back="range",
        ),
        "province": _province_step(),
        "campaign": Step(
            ask=ask_campaign,
            press={"camp": campaign_picked, "any": any_campaign},
            back=_before_campaign,
        ),
        "status": Step(ask=ask_status, press={"status": status_picked}, back=_before_status),
        "format": Step(ask=ask_format, press={"fmt": format_picked}, back=_before_format),
        "hxl": Step(ask=ask_hxl, press={"hxl": hxl_picked}, back="format"),
        "confirm": Step(ask=ask_confirm, press={"build": build_pressed}, back="hxl"),
    },
    entries={"new": _start},
    restarts_quietly=True,
)


async def begin(update: Update, context: Context) -> None:
    """/export, «📤 خروجی» or «خروجی دیگر»: starts the flow, unless an export is still running."""
    user = update.effective_user
    if user is not None and user.id in context.bot_data.exports:
        if update.callback_query is not None:
            await update.callback_query.answer(label("export-busy"), show_alert=True)
        else:
            await reply(update, t("export-busy"), menu_for(context, context.who))
        return
    await context.bot_data.engine.start(update, context, FLOW, "new")


async def photos(update: Update, context: Context) -> None:
    """/start ph_ID_MAC (a photo link of an export): the report's photos, to those who may see
    them (an admin, or a coordinator of the report's province); a polite refusal to others."""
    who = context.who
    menu = menu_for(context, who)
    if who is None or not (who.admin or who.coordinator):
        await reply(update, t("export-photos-refused"), menu)
        return
    payload = context.args[0] if context.args else ""
    report_id = report_of(payload, await context.store.secrets.get(SECRET_NAME))
    report = await context.store.reports.get(report_id) if report_id is not None else None
    if report is None or report.status is ReportStatus.DELETED:
        await reply(update, t("export-photos-gone"), menu)
        return
    if not who.oversees(report.province_id):
        await reply(update, t("export-photos-refused"), menu)
        return
    if not report.photos:
        await reply(update, t("export-photos-none"), menu)
        return
    caption = t(
        "export-photos-caption",
        receipt=to_persian_digits(report.receipt),
        group=report.group_name,
        date=jalali.format_date(report.service_date, weekday=False),
    )
    await send_photos(context, who.user_id, report, caption)


# The buttons this feature makes outside its flow, and who may press them (bot.kit.buttons); the
# flow's own rule and the build re-check the scope against the person's roles.
BUTTONS = (Buttons("expn", allow(overseer, "new")),)


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (Command("export", "command-export", "help-export", 21, overseers, overseer),)
# Its main-menu button (bot.kit.menu): beside «🎯 پویش‌ها», for the admins and coordinators.
MENU = (MenuEntry("menu-export", 4, 1, overseers, overseer),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The ways into exports, and the photo links' deep link."""
    photo_link = tg_filters.Regex(rf"^/start {PREFIX}")
    return [
        CommandHandler("start", photos, filters=PRIVATE & photo_link),
        CommandHandler("export", begin, filters=PRIVATE),
        MessageHandler(PRIVATE & menu_text("menu-export"), begin),
        CallbackQueryHandler(begin, pattern=r"^expn:new$"),
    ]
