"""«📤 خروجی» / /export: a spreadsheet of reports sent in Telegram, and the photo links in it.

A small engine flow asks for the Jalali range, the scope, a campaign, the statuses, the format
and the HXL row, then shows a summary with «ساختن فایل». The build runs as a task of its own
(bot.export.sheet.export_in_background, through a read-only connection) so the person keeps using
the bot meanwhile: the summary's status line is edited as it goes, at low priority, and ends with
the last word; the file arrives as a document named with the range (and the province), its
caption naming every filter. A range (or province) with no report is said at once. One export
at a time per person. Who may export what is checked three times: by the button policy
(bot.kit.access), by the flow's rule on every update, and again, from the database, when
«ساختن فایل» is pressed.

The XLSX links each report's photo count (the CSV has a link column) to
https://t.me/BOT?start=ph_ID_MAC; /start with that payload sends the report's photos as an album
to an admin or a coordinator of its province, and politely refuses anyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import shutil
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ExtBot, MessageHandler
from telegram.ext import filters as tg_filters

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import fmt_percent, normalize, progress_bar, to_persian_digits
from bot.export.photo_links import PREFIX, SECRET_NAME, PhotoLinks, report_of
from bot.kit.access import admin, overseer, overseer_of_first_province
from bot.kit.buttons import Buttons, allow
from bot.kit.commands import Command, overseers
from bot.kit.context import Context
from bot.kit.engine import Done, Draft, Flow, Go, Result, Screen, Step, Turn
from bot.kit.keyboards import Callback, button, cb, grid, inline
from bot.kit.menu import MenuEntry
from bot.kit.principal import Principal, load_principal
from bot.runtime.ratelimit import LOW, send_priority
from db.export import LIVE_STATUSES, ExportFilter, ExportReader
from db.export_jobs import ExportJobRepo
from db.models import Campaign, ReportStatus
from db.screens import BUTTONS as WITH_BUTTONS
from db.screens import ScreenRepo
from db.store import Store
from handlers.common import PRIVATE, menu_for, menu_text, reply
from handlers.pickers import place_steps
from handlers.review_cards import send_photos

log = logging.getLogger(__name__)

# Exports up to this many rows are written in a worker thread (it starts at once); larger ones
# in a child process, which keeps openpyxl's work off the bot's own interpreter
# (bench/RESULTS.md, bench_export.py: a save's p95 grows tenfold beside a 100,000-row export in
# a thread). A few thousand rows take a second or two either way.
THREAD_ROWS = 5_000
MAX_UPLOAD = 50 * 1000 * 1000  # bytes a bot may send as a document
UPLOAD_SECONDS = 120.0  # a 12 MB file on a slow link takes longer than PTB's default 20 s
CAMPAIGNS_SHOWN = 12
PROGRESS_MIN_GAP = 1.0  # seconds: never edit the progress message more often
PROGRESS_MAX_GAP = 2.0  # seconds: edit at least this often while rows come, tenth or not
RESUME_ATTEMPTS = 3  # builds of one export begun (the first and after restarts) before giving up

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


@dataclasses.dataclass(frozen=True)
class Plan:
    """An export the person may have, checked against their roles at the build."""

    flt: ExportFilter
    fmt: str
    hxl: bool
    scope: str  # the scope in words, for the caption
    campaign: str = ""  # the campaign filter in words
    status: str = ""  # the status filter in words


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-friendly data, kept while its build runs (db.export_jobs)."""
    flt = plan.flt
    return {
        "start": flt.start.isoformat(),
        "end": flt.end.isoformat(),
        "provinces": list(flt.province_ids),
        "campaign_id": flt.campaign_id,
        "statuses": [s.value for s in flt.statuses],
        "fmt": plan.fmt,
        "hxl": plan.hxl,
        "scope": plan.scope,
        "campaign": plan.campaign,
        "status": plan.status,
    }


def plan_from(data: dict[str, Any]) -> Plan:
    """A kept plan back (see plan_data)."""
    flt = ExportFilter(
        date.fromisoformat(data["start"]),
        date.fromisoformat(data["end"]),
        tuple(int(p) for p in data["provinces"]),
        data["campaign_id"],
        tuple(ReportStatus(s) for s in data["statuses"]),
    )
    return Plan(
        flt, data["fmt"], bool(data["hxl"]), data["scope"], data["campaign"], data["status"]
    )


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
    return await asyncio.to_thread(_count, turn.context.config.database.target, flt)


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


def may_export(who: Principal, provinces: tuple[int, ...], campaign: Campaign | None) -> bool:
    """Whether a person may have an export of these provinces (() for the whole country) and
    campaign: an admin anything; a coordinator their provinces, with a national campaign or one
    of theirs."""
    if who.admin:
        return True
    if not who.coordinator or not provinces or not all(who.oversees(p) for p in provinces):
        return False
    return campaign is None or campaign.province_id is None or who.oversees(campaign.province_id)


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


async def begin_build(
    context: Context,
    chat_id: int,
    plan: Plan,
    *,
    summary: str = "",
    message_id: int | None = None,
    seen: int | None = None,
) -> None:
    """Starts the build as a task of its own; its progress and last word replace the status
    line under the summary (the message the summary is in, or a new one). seen: a kept build's
    attempts as read, when it is begun again (not at all, if another process began it since)."""
    exports = context.bot_data.exports
    if chat_id in exports:
        await context.bot.send_message(chat_id, t("export-busy"))
        return
    exports.add(chat_id)  # before any await: a second build cannot slip in between
    try:
        if message_id is None:
            message_id = (
                await context.bot.send_message(chat_id, t("export-progress-start"))
            ).message_id
        links = PhotoLinks(context.bot.username, await context.store.secrets.get(SECRET_NAME))
        # Kept until the build ends: a crash meanwhile costs a restart of the build, not the file.
        if not await context.store.export_jobs.start(
            chat_id, message_id, plan_data(plan), summary, seen=seen
        ):
            exports.discard(chat_id)
            return
    except BaseException:
        exports.discard(chat_id)
        raise
    job = Build(
        context.bot,
        context.config.database.target,
        chat_id,
        message_id,
        plan,
        links,
        head=summary,
        jobs=context.store.export_jobs,
        screens=context.store.screens,
        review=context.config.report.review,
    )
    context.application.create_task(job.run(exports), name=f"export-{chat_id}")


async def resume_exports(context: Context) -> int:
    """Builds again the exports a stop cut off, in their status messages, for those who may
    still have them; one that was begun RESUME_ATTEMPTS times is given up. Returns how many."""
    store, resumed = context.store, 0
    for kept in await store.export_jobs.unfinished():
        last: str | None = None
        try:
            plan = plan_from(kept.plan)
            who = await load_principal(store, context.config, kept.chat_id)
            campaign = await store.campaigns.get(plan.flt.campaign_id or 0)
            if not may_export(who, plan.flt.province_ids, campaign):
                last = t("export-not-allowed")
            elif kept.attempts >= RESUME_ATTEMPTS:
                last = t("export-failed")
            else:
                log.info("resuming the export of %s cut off by a stop", kept.chat_id)
                await begin_build(
                    context,
                    kept.chat_id,
                    plan,
                    summary=kept.head,
                    message_id=kept.message_id,
                    seen=kept.attempts,
                )
                resumed += 1
        except Exception:  # one kept build that cannot be read must not hold up the others
            log.exception("could not resume the export of %s", kept.chat_id)
            last = t("export-failed")
        if last is not None:
            await store.export_jobs.end(kept.chat_id, kept.message_id)
            with contextlib.suppress(TelegramError):
                await context.bot.edit_message_text(
                    last, chat_id=kept.chat_id, message_id=kept.message_id
                )
    return resumed


class ProgressPacer:
    """Decides when the progress message is worth editing: at each new tenth of the rows, or
    every PROGRESS_MAX_GAP seconds while rows come, never within PROGRESS_MIN_GAP of the last."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.at = clock()
        self.tenth = 0
        self.done = 0

    def due(self, done: int, total: int) -> bool:
        """True when (done, total) should be shown now; remembers it as shown."""
        if total <= 0 or done >= total or done <= self.done:
            return False
        now = self.clock()
        tenth = done * 10 // total
        gap = now - self.at
        if gap < PROGRESS_MIN_GAP or (tenth <= self.tenth and gap < PROGRESS_MAX_GAP):
            return False
        self.at, self.tenth, self.done = now, tenth, done
        return True


class Build:
    """One export being built for one person, from the count to the document."""

    def __init__(
        self,
        bot: ExtBot[None],
        db_path: str | Path,
        chat_id: int,
        message_id: int,
        plan: Plan,
        links: PhotoLinks,
        *,
        head: str = "",
        jobs: ExportJobRepo | None = None,
        screens: ScreenRepo | None = None,
        review: bool = False,
    ) -> None:
        self.bot = bot
        self.db_path = db_path
        self.chat_id = chat_id
        self.message_id = message_id
        self.plan = plan
        self.links = links
        self.edit: asyncio.Task[None] | None = None
        self.folder: Path | None = None  # the temporary folder, once made
        self.pacer = ProgressPacer(asyncio.get_running_loop().time)
        self.head = head  # the summary the status line is shown under
        self.jobs = jobs  # where the build is kept until it ends
        self.screens = screens  # the person's screens: «خروجی دیگر» only on the live one
        self.review = review  # names a report not yet reviewed as waiting for review

    async def _show(self, text: str, *, again: bool = False) -> None:
        """Edits the progress message at low priority; a failed edit is only logged."""
        markup = inline([[button(label("export-again"), cb("expn", "new"))]]) if again else None
        if self.head:
            text = Html(f"{self.head}\n\n{text}")
        try:
            with send_priority(LOW):
                await self.bot.edit_message_text(
                    text, chat_id=self.chat_id, message_id=self.message_id, reply_markup=markup
                )
        except TelegramError as exc:
            log.info("could not edit export progress of %s: %s", self.chat_id, exc)

    def progress(self, done: int, total: int) -> None:
        """Called (on the event loop) as rows are written: edits the message now and then."""
        if (self.edit is None or self.edit.done()) and self.pacer.due(done, total):
            text = t(
                "export-tg-progress",
                bar=progress_bar(done, total),
                percent=fmt_percent(done, total),
                done=done,
                total=total,
            )
            self.edit = asyncio.get_running_loop().create_task(self._show(text))
            log.debug("export progress %d/%d shown to %s", done, total, self.chat_id)

    async def _settle(self) -> None:
        """Waits for a progress edit under way, so no late edit overwrites the last word."""
        if self.edit is not None:
            with contextlib.suppress(Exception):
                await self.edit

    async def run(self, exports: set[int]) -> None:
        """Counts, builds, sends; frees the person's slot and removes the temporary folder before
        the last word, so that whatever it says is already true."""
        try:
            last = await self._build_and_send()
        except Exception:
            log.exception("export for %s failed", self.chat_id)
            last = t("export-failed")
        finally:
            exports.discard(self.chat_id)
            if self.folder is not None:
                await asyncio.to_thread(shutil.rmtree, self.folder, True)
        await self._forget()  # ended (not cancelled by a stop): nothing to resume
        await self._settle()
        await self._show(last, again=await self._still_shown())

    async def _still_shown(self) -> bool:
        """True when the status message is still the person's live screen (then it gets
        «📤 خروجی دیگر», and loses it once replaced); a status another screen has replaced
        since gets no button, so old ones never stack up."""
        if self.screens is None:
            return True
        if not await self.screens.live(self.chat_id, self.message_id):
            return False
        await self.screens.show(self.chat_id, self.message_id, WITH_BUTTONS)
        return True

    async def _forget(self) -> None:
        """Drops the kept build: it ended, or its document is out."""
        if self.jobs is not None:
            await self.jobs.end(self.chat_id, self.message_id)

    async def _build_and_send(self) -> Html:
        """Writes the file off the event loop and sends it as a document; returns the last word."""
        from bot.export.sheet import (  # openpyxl loads on first use
            ExportFormat,
            export_in_background,
        )

        plan, flt = self.plan, self.plan.flt
        rows = await asyncio.to_thread(_count, self.db_path, flt)
        if rows == 0:
            return t("export-empty-range")
        self.folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="khedmatyar-export-"))
        out = self.folder / f"export.{plan.fmt}"
        result = await export_in_background(
            self.db_path,
            flt,
            out,
            ExportFormat(plan.fmt),
            hxl=plan.hxl,
            progress=self.progress,
            process=rows > THREAD_ROWS,
            links=self.links,
            review=self.review,
        )
        if result.rows == 0:
            return t("export-empty-range")
        data = await asyncio.to_thread(out.read_bytes)
        if len(data) > MAX_UPLOAD:
            return t("export-too-big")
        await self._settle()
        await self._show(t("export-sending"))
        period = jalali.format_range(flt.start, flt.end)
        caption = t("export-caption", rows=result.rows)  # the summary is just above it
        place = plan.scope if len(flt.province_ids) == 1 else ""
        title = label("export-file-place", range=period, place=place) if place else ""
        name = f"{title or label('export-file', range=period)}.{plan.fmt}"
        await self.bot.send_document(
            self.chat_id, data, filename=name, caption=caption, write_timeout=UPLOAD_SECONDS
        )
        await self._forget()  # at once: a crash from here on does not send it again
        return t("export-ready", rows=result.rows)


def _count(db_path: str | Path, flt: ExportFilter) -> int:
    """How many reports the export holds (blocking: run in a thread)."""
    with ExportReader(db_path) as reader:
        return reader.count(flt)


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
