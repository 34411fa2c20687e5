"""«📊 آمار», /campaign, /top and /find: what the work adds up to, for whoever asks.

Every figure comes from db/stats.py and is rendered by bot/figures/wording.py; this module decides
whose figures a person sees (their groups, a coordinator's provinces, the country for an admin)
and offers the buttons that choose the period. A typed Jalali range and a typed search are two
tiny engine flows. Buttons outside the flows carry a period code (0 week, 1 month, 2 year,
3 campaign, 4 since joining) and a campaign id (0 for none); handlers re-check every id.
What counts (every live report, or approved ones only with the rest shown as waiting) is the
store's ([stats] counting): every figure read through store.stats follows it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardButton, KeyboardButton, Message, ReplyKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import normalize, search_key, truncate, utf16_len
from bot.figures.wording import (
    campaign_unit,
    period_label,
    render_overview,
    render_places,
    render_progress,
    render_ranking,
    render_schedule,
    render_search,
    render_shares,
    render_silent,
    share_schedule,
)
from bot.kit.access import anyone, anyone_goes_on, overseer
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.commands import Command, everyone, overseers
from bot.kit.context import Context
from bot.kit.engine import Done, Draft, Flow, Go, Result, Screen, Step, Turn, answer, keep, recall
from bot.kit.keyboards import Callback, Paging, button, cb, choices, grid, inline, share_button
from bot.kit.menu import MenuEntry
from bot.kit.principal import Principal
from db.models import Campaign, County, Group, GroupStatus
from db.stats import SILENT_WEEKS, Counting, Measure, Period, PeriodKind, Scope, ScopeKind
from db.store import Store
from handlers.campaign_map import map_rows
from handlers.common import PRIVATE, edit_or_keep, menu_text, reply
from handlers.group_view import figure_lines, place_text, specialty_text
from handlers.inline import CAMPAIGN_CARD, inline_query
from handlers.join_requests import waiting

WEEK, MONTH, YEAR, CAMPAIGN, JOINED, LAST_MONTH = 0, 1, 2, 3, 4, 5
KINDS = {WEEK: PeriodKind.WEEK, MONTH: PeriodKind.MONTH, YEAR: PeriodKind.YEAR}
PERIOD_KEYS = {
    WEEK: "lookups-week",
    MONTH: "lookups-month",
    LAST_MONTH: "lookups-last-month",
    YEAR: "lookups-year",
}
# In a month's first days /stats opens on the month just ended: the new one is all but empty
# (reports are filed days after the work), and the last one's figures are whole by then.
FRESH_MONTH_DAYS = 7
MEASURES = (Measure.REPORTS, Measure.BENEFICIARIES)  # a campaign ranks by its own count
CAMPAIGN_BUTTONS = 2  # campaigns offered as a period, at most
TOP = 10
ACTIVITY = 5
SILENT_SHOWN = 10
SILENT_PER_PAGE = 20
GROUPS_PER_PAGE = 6
PLACES_PER_PAGE = 4
LONGEST_RANGE = timedelta(days=3 * 366)
CAMPAIGNS_SHOWN = 3
_LEADING_SYMBOLS = re.compile(r"^\W+")  # an emoji and its space before a label's first word
MESSAGE_LIMIT = 3800  # Telegram's limit is 4096 UTF-16 units; buttons and hints need room


def fit(parts: Sequence[str]) -> Html:
    """Joins the parts that fit in one message; a last line says how many were left out."""
    kept: list[str] = []
    size = 0
    for part in (p for p in parts if p):
        size += utf16_len(part) + 2
        if size > MESSAGE_LIMIT:
            break
        kept.append(part)
    dropped = len([p for p in parts if p]) - len(kept)
    if dropped:
        kept.append(t("stats-more", count=dropped))
    return Html("\n\n".join(kept))


def _today(store: Store) -> date:
    """Today in Tehran by the application's clock."""
    return jalali.today(store.db.clock)


async def home_province(store: Store, who: Principal | None) -> int:
    """The province a person belongs to: the one they oversee, else their first group's (or 0)."""
    if who is None:
        return 0
    if who.provinces:
        return min(who.provinces)
    for membership in who.memberships:
        group = await store.groups.get(membership.group_id)
        if group is not None:
            return group.province_id
    return 0


async def campaigns_for(store: Store, who: Principal | None) -> list[Campaign]:
    """The running campaigns that concern a person: national ones and their province's (all of
    them for an admin)."""
    if who is not None and who.admin:
        return await store.campaigns.running_anywhere(_today(store))
    return await store.campaigns.running(await home_province(store, who), _today(store))


async def _period(store: Store, code: int, campaign_id: int) -> tuple[Period, str] | None:
    """The period a button names (with a campaign's title), or None for an unknown one.

    Since joining is named by today alone here; each group's own start is read when shown.
    """
    if code in KINDS:
        return Period.current(KINDS[code], store.db.clock), ""
    if code == LAST_MONTH:
        return last_month(_today(store)), ""
    if code == JOINED:
        return Period.since(_today(store), _today(store)), ""
    if code == CAMPAIGN:
        campaign = await store.campaigns.get(campaign_id)
        if campaign is not None and campaign.active:
            return Period.of_campaign(campaign), campaign.title
    return None


async def _show(
    update: Update, text: str, rows: list[list[InlineKeyboardButton]], *, edit: bool
) -> None:
    """Edits the pressed message, or sends a new one (a command, a menu button, or a button
    under a picture, which has no text to edit)."""
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message) and query.message.text:
        await edit_or_keep(query, text, inline(rows))
    else:
        await reply(update, text, inline(rows))


# --- 📊 stats ----------------------------------------------------------------------------------


def _chosen(text: str, chosen: bool) -> str:
    """A button label, ticked when it is the one on screen (the tick takes the place of the
    label's own emoji: never two in a row)."""
    return label("lookups-chosen", name=_LEADING_SYMBOLS.sub("", text)) if chosen else text


def last_month(today: date) -> Period:
    """The Jalali month before today's."""
    return Period.month(Period.month(today).start - timedelta(days=1))


def opening_period(today: date) -> Period:
    """The month /stats opens on: today's, or in its first FRESH_MONTH_DAYS the one before."""
    month = Period.month(today)
    return last_month(today) if (today - month.start).days < FRESH_MONTH_DAYS else month


def period_rows(
    campaigns: list[Campaign], shown: Period | None, today: date, *, joined: bool = False
) -> list[list[InlineKeyboardButton]]:
    """The period buttons under the figures, then the ways to campaigns and leaderboards.

    joined: the asker belongs to a group, so «since joining» is offered too.
    """
    kind = shown.kind if shown is not None else None
    named = {
        WEEK: Period.week(today),
        MONTH: Period.month(today),
        LAST_MONTH: last_month(today),
        YEAR: Period.year(today),
    }
    first = [
        button(_chosen(label(PERIOD_KEYS[code]), shown == named[code]), cb("st", "show", code, 0))
        for code in (WEEK, MONTH, LAST_MONTH, YEAR)
    ]
    if joined:
        first.append(
            button(
                _chosen(label("counting-joined"), kind is PeriodKind.JOINED),
                cb("st", "show", JOINED, 0),
            )
        )
    first.append(
        button(_chosen(label("lookups-range"), kind is PeriodKind.RANGE), cb("st", "range"))
    )
    campaign_rows = [  # a campaign's title is long: one to a row, to fit a phone
        [
            button(
                _chosen(
                    label("lookups-campaign-period", title=truncate(c.title, 28)),
                    shown is not None and shown.campaign_id == c.id,
                ),
                cb("st", "show", CAMPAIGN, c.id),
            )
        ]
        for c in campaigns[:CAMPAIGN_BUTTONS]
    ]
    ways = [
        button(label("lookups-campaigns"), cb("cmp", "list")),
        button(label("lookups-top"), cb("top", "show", WEEK, 0, 0, 0)),
        button(label("lookups-find"), cb("fnd", "new")),
    ]
    return [*grid(first, 2), *campaign_rows, ways]


async def _group_stats(store: Store, who: Principal, period: Period, title: str) -> list[str]:
    """A member's or leader's groups together, and a leader's own reports."""
    ids = [m.group_id for m in who.memberships]
    names = "، ".join(m.group_name for m in who.memberships)
    overview = await store.stats.overview(Scope.groups(ids), period)
    parts: list[str] = [render_overview(overview, names, campaign_title=title)]
    return parts + await _own_reports(store, who, period)


async def _own_reports(store: Store, who: Principal, period: Period) -> list[str]:
    """A leader's own part: the reports they filed themself in the period."""
    if not who.led_groups:
        return []
    own = (await store.stats.reporter_totals(who.user_id, period)).counted
    if not own.reports:
        return []
    return [t("lookups-own-reports", reports=own.reports)]


async def _joined_stats(store: Store, who: Principal) -> list[str]:
    """Each of a member's groups since the day they joined it, and a leader's own reports."""
    today = _today(store)
    parts: list[str] = []
    first = today
    for membership in who.memberships:
        joined = await store.stats.joined_on(who.user_id, membership.group_id) or today
        first = min(first, joined)
        period = Period.since(joined, today)
        overview = await store.stats.overview(Scope.group(membership.group_id), period)
        parts.append(render_overview(overview, membership.group_name))
    return parts + await _own_reports(store, who, Period.since(first, today))


async def _province_stats(
    store: Store, province_id: int, period: Period, title: str, reviews: bool
) -> list[str]:
    """A coordinator's province: by county and type, most and least active and silent groups,
    and (while reports are reviewed) how many wait for review."""
    province = await store.places.province(province_id)
    if province is None:
        return []
    overview = await store.stats.overview(Scope.province(province_id), period)
    queue = await store.stats.waiting(province_id) if reviews else None  # whatever the period
    parts: list[str] = [render_overview(overview, province.name, campaign_title=title, queue=queue)]
    parts += await _province_campaigns(store, province_id, province.name)
    shown: set[int] = set()
    for least, key in ((False, "lookups-most-active"), (True, "lookups-least-active")):
        found = await store.stats.group_activity(
            province_id, period, least=least, limit=ACTIVITY, measure=Measure.REPORTS
        )
        lines = [g for g in found if g.group_id not in shown]  # a small province: not twice
        shown |= {g.group_id for g in found}
        if lines:
            rows = [
                t("lookups-activity-line", name=g.name, county=g.county_name, reports=g.value)
                for g in lines
            ]
            parts.append("\n".join([t(key), *rows]))
    silent = await store.stats.silent_groups(
        Scope.province(province_id), _today(store), limit=SILENT_SHOWN
    )
    parts.append(render_silent(silent, SILENT_WEEKS))
    return parts


async def _province_campaigns(store: Store, province_id: int, name: str) -> list[str]:
    """Whether the province is on schedule today in each running campaign that gives it a
    target: its own campaigns, and its share of national ones (whatever the period shown)."""
    today = _today(store)
    parts: list[str] = []
    for campaign in (await store.campaigns.running(province_id, today))[:CAMPAIGNS_SHOWN]:
        if campaign.province_id == province_id:
            parts.append(render_schedule(await store.stats.progress(campaign, today)))
            continue
        shares = await store.stats.shares(campaign, today)
        share = next((s for s in shares if s.province_id == province_id), None)
        if share is not None:
            parts.append(share_schedule(campaign, name, share))
    return parts


async def stats_text(store: Store, who: Principal | None, period: Period, title: str) -> Html:
    """The figures for the asker: the country (admin), their provinces, their groups.

    Since joining (PeriodKind.JOINED) is a member's view: each group from their own join day.
    """
    parts: list[str]
    if period.kind is PeriodKind.JOINED and who is not None and who.memberships:
        parts = await _joined_stats(store, who)
    elif who is not None and who.admin:
        overview = await store.stats.overview(Scope.national(), period)
        parts = [render_overview(overview, campaign_title=title)]
    elif who is not None and who.coordinator:
        parts = []
        for province_id in sorted(who.provinces):
            parts += await _province_stats(store, province_id, period, title, who.reviews)
    elif who is not None and who.memberships:
        parts = await _group_stats(store, who, period, title)
    else:
        overview = await store.stats.overview(Scope.national(), period)
        parts = [render_overview(overview, campaign_title=title), t("lookups-no-group")]
    return fit(parts)


async def _stats_screen(
    store: Store, who: Principal | None, period: Period, title: str
) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """The stats text and its buttons (a coordinator's long list of silent groups has pages)."""
    text = await stats_text(store, who, period, title)
    joined = who is not None and bool(who.memberships)
    rows = period_rows(await campaigns_for(store, who), period, _today(store), joined=joined)
    if who is not None and who.coordinator and not who.admin:
        for province_id in sorted(who.provinces):
            silent = await store.stats.silent_groups(
                Scope.province(province_id), _today(store), limit=0
            )
            if silent.total > SILENT_SHOWN:
                name = label("lookups-silent-all", count=silent.total)
                rows.insert(-1, [button(name, cb("st", "silent", province_id, 0))])
    return text, rows


async def show_stats(update: Update, context: Context) -> None:
    """«📊 آمار» and /stats: this month's figures (in its first days, last month's), with
    buttons for other periods."""
    today = _today(context.store)
    period = opening_period(today)
    text, rows = await _stats_screen(context.store, context.who, period, "")
    if period != Period.month(today):  # say why it is not this month
        month = jalali.month_name(jalali.to_jalali(today)[1])
        text = Html(f"{t('lookups-fresh-month', month=month)}\n\n{text}")
    await reply(update, text, inline(rows))


async def on_stats(update: Update, context: Context) -> None:
    """A period button: the same figures for another period, in the same message."""
    data, who = context.press, context.who
    found = await _period(context.store, data.id(0) or 0, data.id(1) or 0) if data else None
    if found is not None and found[0].kind is PeriodKind.JOINED and not (who and who.memberships):
        found = None  # since joining is a member's view
    if found is None:
        await answer(update, label("lookups-gone"), alert=True)
        return
    await answer(update)
    text, rows = await _stats_screen(context.store, context.who, *found)
    await _show(update, text, rows, edit=True)


async def on_silent(update: Update, context: Context) -> None:
    """A page of a province's silent groups, for those who oversee it."""
    data, who = context.press, context.who
    province_id = data.id(0) if data is not None else None
    if data is None or who is None or not who.oversees(province_id):
        await answer(update, label("not-allowed"), alert=True)
        return
    await answer(update)
    page, province = data.id(1) or 0, province_id or 0
    silent = await context.store.stats.silent_groups(
        Scope.province(province),
        _today(context.store),
        limit=SILENT_PER_PAGE,
        offset=page * SILENT_PER_PAGE,
    )
    paging = Paging.of(silent.total, SILENT_PER_PAGE, page)  # the page is fetched already
    text = render_silent(silent, SILENT_WEEKS)
    if paging.pages > 1:
        text = Html(f"{text}\n\n{t('lookups-page', page=page + 1, pages=paging.pages)}")
    turn_row = paging.row(lambda text, to: button(text, cb("st", "silent", province, to)))
    rows = [turn_row, [button(label("lookups-stats"), cb("st", "show", MONTH, 0))]]
    await _show(update, text, rows, edit=True)


# --- the typed range: a tiny flow ----------------------------------------------------------------


@dataclasses.dataclass
class RangeDraft(Draft):
    """A typed Jalali range: its first day, once given alone."""

    KIND = "stats_range"

    first: str = ""


def _example(turn: Turn[Any]) -> str:
    """«۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۳۰»: this month as a typed range."""
    first, last = jalali.month_of(turn.today())
    return f"{jalali.format_numeric(first)} تا {jalali.format_numeric(last)}"


async def ask_range(turn: Turn[RangeDraft]) -> Screen:
    """Asks for a range, or its first day."""
    return Screen(t("lookups-range-ask", example=_example(turn)), [turn.nav(back=False)])


async def ask_end(turn: Turn[RangeDraft]) -> Screen:
    """Asks for the last day of the range."""
    first = date.fromisoformat(turn.draft.first)
    example = jalali.format_numeric(turn.today())
    text = t(
        "lookups-range-ask-end", start=jalali.format_date(first, weekday=False), example=example
    )
    return Screen(text, [turn.nav()])


def _parse(turn: Turn[Any], text: str) -> date | str:
    """A typed Jalali date, or the one line that says what is wrong with it."""
    try:
        return jalali.parse_date(text)
    except jalali.DateError as exc:
        return exc.describe(turn.today())


async def _range_done(turn: Turn[RangeDraft], first: date, last: date) -> Result:
    """The figures of a complete range, or a hint when it is backwards or too long."""
    if last < first:
        return turn.again(label("lookups-range-reversed"))
    if last - first > LONGEST_RANGE:
        return turn.again(label("lookups-range-too-long"))
    text, rows = await _stats_screen(turn.store, turn.who, Period.typed(first, last), "")
    return Done(text, inline(rows))


async def range_typed(turn: Turn[RangeDraft], text: str) -> Result:
    """Takes «A تا B» at once, or a first day and then asks for the last."""
    parts = [p for p in normalize(text).replace("الی", "تا").split("تا") if p.strip()]
    if len(parts) > 2 or not parts:
        return turn.again(jalali.DateError(jalali.DateReason.FORMAT, text).describe(turn.today()))
    days = [_parse(turn, part) for part in parts]
    for day in days:
        if isinstance(day, str):
            return turn.again(day)
    if len(days) == 1:
        assert isinstance(days[0], date)
        turn.draft.first = days[0].isoformat()
        return Go("end")
    first, last = days
    assert isinstance(first, date) and isinstance(last, date)
    return await _range_done(turn, first, last)


async def end_typed(turn: Turn[RangeDraft], text: str) -> Result:
    """Takes the last day of the range."""
    day = _parse(turn, text)
    if isinstance(day, str):
        return turn.again(day)
    return await _range_done(turn, date.fromisoformat(turn.draft.first), day)


async def _start_range(turn: Turn[RangeDraft], ids: tuple[int, ...]) -> Result:
    """The range flow starts with its one question."""
    return Go("range")


RANGE_FLOW = Flow(
    draft=RangeDraft,
    prefix="sr",
    rule=anyone,
    allowed=anyone_goes_on,
    name="flow-name-stats-range",
    steps={
        "range": Step(ask=ask_range, text=range_typed, expects="lookups-range-hint"),
        "end": Step(ask=ask_end, text=end_typed, back="range", expects="lookups-range-hint"),
    },
    entries={"new": _start_range},
    restarts_quietly=True,
)


async def begin_range(update: Update, context: Context) -> None:
    """«📅 بازهٔ دلخواه»: starts the typed-range flow."""
    await context.bot_data.engine.start(update, context, RANGE_FLOW, "new")


# --- 🎯 campaigns --------------------------------------------------------------------------------


async def campaigns_text(
    store: Store, who: Principal | None, ahead: Sequence[Campaign] = ()
) -> tuple[Html, list[Campaign]]:
    """Each running campaign's progress, the asker's province and group share, province shares;
    then the campaigns prepared `ahead` (for those who manage them)."""
    campaigns = await campaigns_for(store, who)
    later = _ahead_text(ahead)
    if not campaigns:
        return fit([t("lookups-campaign-none"), *later]), []
    province_id = await home_province(store, who)
    province = await store.places.province(province_id) if province_id else None
    first = who.memberships[0] if who is not None and who.memberships else None
    parts = []
    today = _today(store)
    for campaign in campaigns[:CAMPAIGNS_SHOWN]:
        progress = await store.stats.progress(
            campaign,
            today,
            province_id=province.id if province else None,
            group_id=first.group_id if first else None,
        )
        parts.append(
            render_progress(
                progress,
                province_name=province.name if province else "",
                group_name=first.group_name if first else "",
            )
        )
        shares = render_shares(await store.stats.shares(campaign, today))
        if shares:
            parts.append(shares)
    if len(campaigns) > CAMPAIGNS_SHOWN:
        parts.append(t("stats-more", count=len(campaigns) - CAMPAIGNS_SHOWN))
    return fit([*parts, *later]), campaigns[:CAMPAIGNS_SHOWN]


def _ahead_text(ahead: Sequence[Campaign]) -> list[str]:
    """«پویش‌های پیش‌رو»: campaigns that begin later, one line each (none: no part)."""
    if not ahead:
        return []
    lines = [
        t(
            "camp-ahead-line",
            title=c.title,
            range=jalali.format_range(c.starts_on, c.ends_on),
            target=c.target,
            unit=c.unit,
        )
        for c in ahead[:CAMPAIGNS_SHOWN]
    ]
    if len(ahead) > CAMPAIGNS_SHOWN:
        lines.append(t("stats-more", count=len(ahead) - CAMPAIGNS_SHOWN))
    return [Html("\n".join([t("camp-ahead-title"), *lines]))]


async def campaigns_screen(
    store: Store, who: Principal | None
) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """The campaigns text, a leaderboard button for each, and the way back to the figures; for
    those who manage campaigns, the ones prepared ahead too (to edit or close before they begin)."""
    manager = who is not None and (who.admin or who.coordinator)
    upcoming = await store.campaigns.upcoming(_today(store)) if manager else []
    ahead = [c for c in upcoming if who is not None and who.manages(c)]
    text, campaigns = await campaigns_text(store, who, ahead)
    rows = [
        [
            button(
                label("lookups-campaign-top", title=truncate(c.title, 28)),
                cb("top", "show", CAMPAIGN, c.id, 0, 0),
            )
        ]
        for c in campaigns
    ]
    if who is not None and (who.led_groups or manager):  # a leader shares the progress anywhere
        rows += [
            [
                share_button(
                    label("campaign-share", title=truncate(c.title, 28)),
                    inline_query(CAMPAIGN_CARD, c.id),
                )
            ]
            for c in campaigns
        ]
    rows += map_rows(campaigns)
    if manager:
        managed = [c for c in campaigns if who is not None and who.manages(c)]
        managed += ahead[:CAMPAIGNS_SHOWN]
        rows += [
            [
                button(
                    label(
                        "camp-cancel" if c in ahead else "camp-close", title=truncate(c.title, 28)
                    ),
                    cb("cpn", "close", c.id),
                )
            ]
            for c in managed
        ]
        rows += [
            [button(label("camp-edit", title=truncate(c.title, 28)), cb("cpn", "edit", c.id))]
            for c in managed
        ]
        rows.append([button(label("camp-new"), cb("cpn", "new"))])
    rows.append([button(label("lookups-stats"), cb("st", "show", MONTH, 0))])
    return text, rows


async def show_campaigns(update: Update, context: Context) -> None:
    """«🎯 پویش‌ها» (a button of the figures, and of admins' and coordinators' menu) and
    /campaign."""
    await answer(update)
    text, rows = await campaigns_screen(context.store, context.who)
    await _show(update, text, rows, edit=update.callback_query is not None)


# --- 🏆 leaderboards -----------------------------------------------------------------------------


def _top_rows(
    code: int, campaign_id: int, measure: int, level: int, campaigns: list[Campaign], counties: bool
) -> list[list[InlineKeyboardButton]]:
    """Buttons that change the leaderboard's period, measure and level."""

    def go(c: int, cid: int, m: int, lv: int) -> str:
        return cb("top", "show", c, cid, m, lv)

    periods = [
        button(_chosen(label(PERIOD_KEYS[c]), code == c), go(c, 0, measure, level))
        for c in (WEEK, MONTH)
    ]
    campaign_rows = [  # a campaign's title is long: one to a row, to fit a phone
        [
            button(
                _chosen(
                    label("lookups-campaign-period", title=truncate(c.title, 28)),
                    code == CAMPAIGN and campaign_id == c.id,
                ),
                go(CAMPAIGN, c.id, measure, level),
            )
        ]
        for c in campaigns[:CAMPAIGN_BUTTONS]
    ]
    first = "lookups-by-campaign" if code == CAMPAIGN else "lookups-by-reports"
    measures = [
        button(_chosen(label(key), measure == m), go(code, campaign_id, m, level))
        for m, key in enumerate((first, "lookups-beneficiaries"))
    ]
    places = "lookups-counties" if counties else "lookups-provinces"
    levels = [
        button(_chosen(label(key), level == lv), go(code, campaign_id, measure, lv))
        for lv, key in enumerate(("lookups-groups", places))
    ]
    ways = [
        button(label("lookups-stats"), cb("st", "show", MONTH, 0)),
        button(label("lookups-campaigns"), cb("cmp", "list")),
    ]
    return [periods, *campaign_rows, measures, levels, ways]


async def top_text(
    store: Store, who: Principal | None, period: Period, title: str, measure: Measure, level: int
) -> Html:
    """The leading groups or places: of a coordinator's province, else of the country.

    Reports rank groups in a week or month (quantities of unlike units do not add up); in a
    campaign, its own count (in its unit) does, as on /campaign.
    """
    scope = Scope.national()
    if who is not None and not who.admin and who.coordinator:
        scope = Scope.province(min(who.provinces))
    name = period_label(period, title)
    unit = ""
    campaign = await store.campaigns.get(period.campaign_id or 0)
    if campaign is not None and measure is Measure.REPORTS:
        measure, unit = Measure.SERVICES, campaign_unit(campaign)
    if level == 0:
        own = who.memberships[0].group_id if who is not None and who.memberships else None
        ranking = await store.stats.top_groups(
            period, scope=scope, measure=measure, limit=TOP, own_group_id=own
        )
        own_waiting = 0  # the asker's group's reports waiting for review, said apart
        if own is not None and store.stats.counting is Counting.APPROVED:
            own_waiting = (await store.stats.totals(Scope.group(own), period)).pending.reports
        return render_ranking(ranking, name, measure, unit=unit, own_waiting=own_waiting)
    lines = await store.stats.by_place(scope, period, measure=measure)
    counties = scope.kind is ScopeKind.PROVINCE
    return render_places(lines, name, measure, counties=counties, unit=unit)


async def _top(update: Update, context: Context, ids: tuple[int, ...], *, edit: bool) -> None:
    """Shows a leaderboard for the ids (period code, campaign, measure, level)."""
    code, campaign_id, measure, level = [*ids, 0, 0, 0, 0][:4]
    found = (
        await _period(context.store, code, campaign_id) if code in (WEEK, MONTH, CAMPAIGN) else None
    )
    if found is None or measure >= len(MEASURES) or level > 1:
        await answer(update, label("lookups-gone"), alert=True)
        return
    await answer(update)
    who = context.who
    text = await top_text(context.store, who, *found, MEASURES[measure], level)
    counties = who is not None and not who.admin and who.coordinator
    campaigns = await campaigns_for(context.store, who)
    rows = _top_rows(code, campaign_id, measure, level, campaigns, counties)
    await _show(update, text, rows, edit=edit)


async def show_top(update: Update, context: Context) -> None:
    """«🏆 برترین‌ها» and /top: this week's leading groups by services."""
    await _top(update, context, (WEEK, 0, 0, 0), edit=False)


async def on_top(update: Update, context: Context) -> None:
    """A leaderboard button: another period, measure or level, in the same message."""
    data = context.press
    if data is not None:
        await _top(update, context, data.ids, edit=True)


# --- 🔎 find: a tiny flow with one question; the results page without it --------------------------

# The last search of each person, kept with what the bot remembers of them: its pages read it
# (and the county of a search by location, whose groups it lists whatever its name matches).
FIND_KEY, NEAR_KEY = "find", "near"


@dataclasses.dataclass
class FindDraft(Draft):
    """A search waiting for its name."""

    KIND = "find"


async def public_card(store: Store, group: Group) -> Html:
    """A group as anyone may see it: name, place, specialty, size and figures (no names)."""
    head = t(
        "lookups-public-card",
        group=group.name,
        place=place_text(group.county_name, group.province_name),
        specialty=specialty_text(group),
        members=group.member_count,
    )
    return Html("\n\n".join([head, "\n".join(await figure_lines(store, group))]))


def _after_find() -> list[list[InlineKeyboardButton]]:
    """The ways on after a search: another search, or the figures."""
    return [
        [
            button(label("lookups-find-again"), cb("fnd", "new")),
            button(label("lookups-stats"), cb("st", "show", MONTH, 0)),
        ]
    ]


async def _county_groups(
    store: Store, query: str, county: County | None = None
) -> tuple[County, list[Group]] | None:
    """The county a search names (its whole name, or the only county it matches; or the one
    given, found by location) and its active groups: a newcomer looks for a group by city."""
    if county is None:
        key = search_key(query)
        counties = await store.places.search_counties(key)
        named = [c for c in counties if search_key(c.name) == key] or counties
        if len(named) != 1:
            return None
        county = named[0]
    groups = await store.groups.in_county(county.id)
    return county, [g for g in groups if g.status is GroupStatus.ACTIVE]


def _county_text(county: County, groups: Sequence[Group], page: int) -> str:
    """The groups of the county searched, one page of them (or that it has none yet)."""
    if not groups:
        return t("lookups-find-county-none", county=county.name)
    lines = [
        t(
            "lookups-find-county-group",
            name=g.name,
            specialty=specialty_text(g),
            members=g.member_count,
        )
        for g in groups[page * GROUPS_PER_PAGE : (page + 1) * GROUPS_PER_PAGE]
    ]
    return "\n".join(
        [t("lookups-find-county-title", county=county.name, count=len(groups)), *lines]
    )


async def find_screen(
    store: Store, query: str, page: int, near: County | None = None
) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """One page of the groups and places found, the groups of the county it names (or of the
    county `near` a shared location), a button for each group, and the pages. A group of that
    county is listed there, not again among the names found."""
    period = Period.current(PeriodKind.MONTH, store.db.clock)
    for typos in (False, True):  # names within a typo only when no name holds the words
        groups = await store.stats.search_groups(
            query, limit=GROUPS_PER_PAGE, offset=page * GROUPS_PER_PAGE, typos=typos
        )
        places = await store.stats.search_places(
            query, period, limit=PLACES_PER_PAGE, offset=page * PLACES_PER_PAGE, typos=typos
        )
        if groups.total or places.total:
            break
    county = await _county_groups(store, query, near) if places.total or near else None
    in_county = county[1] if county is not None else []
    if in_county:  # the county's groups are listed below: not among the names as well
        listed = {g.id for g in in_county}
        kept = [hit for hit in groups.items if hit.group_id not in listed]
        dropped = len(groups.items) - len(kept)
        groups = dataclasses.replace(groups, items=kept, total=groups.total - dropped)
    pages = max(
        -(-groups.total // GROUPS_PER_PAGE),
        -(-places.total // PLACES_PER_PAGE),
        -(-len(in_county) // GROUPS_PER_PAGE),
        1,
    )
    text = render_search(query, groups, places)
    if county is not None:
        text = Html(f"{text}\n\n{_county_text(county[0], in_county, page)}")
    if pages > 1:
        text = Html(f"{text}\n\n{t('lookups-page', page=page + 1, pages=pages)}")
    shown = {hit.group_id: hit.name for hit in groups.items}
    for g in in_county[page * GROUPS_PER_PAGE : (page + 1) * GROUPS_PER_PAGE]:
        shown.setdefault(g.id, g.name)  # a group found by its name too is listed once
    # The groups found by name and those of the county, fetched for this page: together they
    # may be more than a page holds, so the list is not cut again, only its turn buttons added.
    rows = choices(list(shown), lambda g: button(shown[g], cb("fnd", "card", g, page)))
    paging = Paging(page, pages, GROUPS_PER_PAGE)
    rows.append(paging.row(lambda text, to: button(text, cb("fnd", "page", to))))
    if county is not None and not in_county:  # nobody there yet: they may start the first
        rows.append([button(label("onboarding-create"), cb("onb", "create"))])
    return text, [*rows, *_after_find()]


async def ask_query(turn: Turn[FindDraft]) -> Screen:
    """Asks for a name."""
    return Screen(t("lookups-find-ask"), [turn.nav(back=False)])


async def ask_city(turn: Turn[FindDraft]) -> Screen:
    """Asks a newcomer for their city, to show the groups there, or for their location (a
    button above their menu, put there as the question first shows)."""
    keyboard = None
    if turn.keyboard_due:
        menu = turn.menu()
        where = [KeyboardButton(label("lookups-find-location-button"), request_location=True)]
        board = ReplyKeyboardMarkup(
            [where, *menu.keyboard],
            resize_keyboard=True,
            is_persistent=True,
            input_field_placeholder=menu.input_field_placeholder,
        )
        keyboard = (label("lookups-find-location-keyboard"), board)
    return Screen(t("lookups-find-ask-city"), [turn.nav(back=False)], keyboard=keyboard)


async def query_typed(turn: Turn[FindDraft], text: str) -> Result:
    """Takes a name and shows the first page of what was found; the flow ends there."""
    query = truncate(normalize(text), 40)
    if len(search_key(query)) < 2:
        return turn.again(label("lookups-find-short"))
    found, rows = await search(turn.store, turn.user_id, query)
    return Done(found, inline(rows))


async def city_typed(turn: Turn[FindDraft], text: str) -> Result:
    """Takes a typed city where a location was offered too: the menu comes back in place of
    the location button (with the words searched), then the groups there."""
    query = truncate(normalize(text), 40)
    if len(search_key(query)) >= 2:
        said = t("lookups-find-typed", query=query)
        await turn.context.bot.send_message(turn.chat_id, said, reply_markup=turn.menu())
    return await query_typed(turn, text)


async def search(
    store: Store, user_id: int, query: str, near: County | None = None
) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """The first page of a search (by name, or of the county near a location), kept for its
    pages."""
    await keep(store, user_id, {FIND_KEY: query, NEAR_KEY: near.id if near else None})
    return await find_screen(store, query, 0, near)


async def located(
    context: Context, chat_id: int, who: Principal | None, message: Message
) -> tuple[Html, list[list[InlineKeyboardButton]]] | None:
    """A shared location: says which county is nearest (with the person's menu, in place of
    the location button) and returns the groups there; None for a point outside Iran."""
    assert message.location is not None
    point = (message.location.latitude, message.location.longitude)
    county = await context.store.places.nearest_county(point)
    if county is None:
        return None
    said = t("lookups-find-near", place=place_text(county.name, county.province_name))
    if who is not None and who.reporting_groups:  # a leader may have meant a report's place
        said = Html(f"{said}\n{t('lookups-find-near-report')}")
    menu = context.bot_data.engine.menu(context, who)
    await context.bot.send_message(chat_id, said, reply_markup=menu)
    return await search(context.store, chat_id, county.name, county)


async def location_shared(turn: Turn[FindDraft], message: Message) -> Result:
    """Takes a location where a name or city is asked: the groups of the nearest county."""
    found = await located(turn.context, turn.chat_id, turn.who, message)
    if found is None:
        return turn.again(label("lookups-find-location-outside"))
    return Done(found[0], inline(found[1]))


async def location_anywhere(update: Update, context: Context) -> None:
    """A location sent outside any flow: the groups near it, with the menu."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.location is None:
        return
    found = await located(context, chat.id, context.who, message)
    if found is None:
        menu = context.bot_data.engine.menu(context, context.who)
        await reply(update, t("lookups-find-location-outside"), menu)
        return
    await reply(update, found[0], inline(found[1]))


def _command_query(turn: Turn[FindDraft]) -> str:
    """The words typed after /find, if this turn is that command."""
    message = turn.update.effective_message if turn.update is not None else None
    text = message.text if message is not None and message.text else ""
    if not text.startswith("/"):
        return ""
    words = text.split(maxsplit=1)
    return words[1] if len(words) > 1 else ""


async def _start_find(turn: Turn[FindDraft], ids: tuple[int, ...]) -> Result:
    """Starts with the words after /find, or asks for a name."""
    typed = _command_query(turn)
    if typed:
        return await query_typed(turn, typed)
    return Go("query")


async def _start_near(turn: Turn[FindDraft], ids: tuple[int, ...]) -> Result:
    """«🔎 پیدا کردن گروهی نزدیک من»: asks for the city."""
    return Go("city")


FIND_FLOW = Flow(
    draft=FindDraft,
    prefix="fq",
    rule=anyone,
    allowed=anyone_goes_on,
    name="flow-name-find",
    steps={
        "query": Step(
            ask=ask_query,
            text=query_typed,
            location=location_shared,
            expects="lookups-find-ask",
        ),
        "city": Step(
            ask=ask_city,
            text=city_typed,
            location=location_shared,
            expects="lookups-find-ask-city",
        ),
    },
    entries={"new": _start_find, "near": _start_near},
    restarts_quietly=True,
)


async def begin_find(update: Update, context: Context) -> None:
    """/find (with or without a name) and «🔎 جستجوی دیگر»."""
    await context.bot_data.engine.start(update, context, FIND_FLOW, "new")


async def begin_near(update: Update, context: Context) -> None:
    """«🔎 پیدا کردن گروهی نزدیک من» (a newcomer's welcome): the search by city."""
    await context.bot_data.engine.start(update, context, FIND_FLOW, "near")


async def _last_search(context: Context) -> str | None:
    """The words of the person's last search (None: none is kept)."""
    who = context.who
    stored = await recall(context.store, who.user_id, FIND_KEY) if who else None
    return stored if isinstance(stored, str) else None


async def on_find_page(update: Update, context: Context, data: Callback) -> None:
    """A page of the last search."""
    query, who = await _last_search(context), context.who
    if query is None or who is None:
        await answer(update, label("lookups-gone"), alert=True)
        return
    await answer(update)
    near = await recall(context.store, who.user_id, NEAR_KEY)
    county = await context.store.places.county(near) if isinstance(near, int) else None
    text, rows = await find_screen(context.store, query, data.id(0) or 0, county)
    await _show(update, text, rows, edit=True)


async def on_found_card(update: Update, context: Context, data: Callback) -> None:
    """A group's public card in place of the page it was found on."""
    group = await context.store.groups.get(data.id(0) or 0)
    if group is None or group.status is not GroupStatus.ACTIVE:
        await answer(update, label("lookups-gone"), alert=True)
        return
    await answer(update)
    page = data.id(1) if await _last_search(context) is not None else None
    text, rows = await card_screen(context, group, page)
    await _show(update, text, rows, edit=True)


async def card_screen(
    context: Context, group: Group, page: int | None
) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """A group's public card with the way to ask to join it (or where the person's request
    stands), back to the page of results it came from (page None: none), and the ways on."""
    text = await public_card(context.store, group)
    rows: list[list[InlineKeyboardButton]] = []
    who = context.who
    if who is not None and who.member_of(group.id):
        text = Html(f"{text}\n\n{t('lookups-card-member')}")
    elif who is not None and await waiting(context.store, group.id, who.user_id):
        text = Html(f"{text}\n\n{t('lookups-card-request-open')}")
    else:
        rows.append([button(label("joinreq-ask"), cb("jrq", "ask", group.id))])
    if page is not None:
        rows.append([button(label("lookups-find-back"), cb("fnd", "page", page))])
    return text, [*rows, *_after_find()]


# The search's buttons: another search, a page of one, a group found.
FIND = Buttons(
    "fnd",
    allow(anyone, "new", "near"),
    allow(anyone, "page", ids="page"),
    allow(anyone, "card", ids="group page"),
)
# The buttons this feature makes outside its flows, and who may press them (bot.kit.buttons):
# aggregate figures anyone may see (the handlers re-check periods and campaigns).
BUTTONS = (
    Buttons(
        "st",
        allow(anyone, "show", ids="period campaign"),
        allow(anyone, "range"),
        # The silent groups of a province: the handler checks the province is theirs.
        allow(overseer, "silent", ids="province page"),
    ),
    Buttons("cmp", allow(anyone, "list")),
    Buttons("top", allow(anyone, "show", ids="period campaign measure level")),
    FIND,
)
# What the search's pages and cards show.
FOUND: dict[str, Show] = {"page": on_find_page, "card": on_found_card}


# The commands this feature answers: its «/» menu entries and /help lines (bot.kit.commands).
COMMANDS = (
    Command("stats", "command-stats", "help-stats", 40),
    Command("campaign", "command-campaign", "help-campaign", 41),
    Command("top", "command-top", "help-top", 42),
    Command("find", "command-find", "help-find", 43),
)
# Its main-menu buttons (bot.kit.menu): the figures for everyone, the campaigns for the overseers.
MENU = (
    MenuEntry("menu-campaigns", 4, 0, overseers),
    MenuEntry("menu-stats", 5, 1, everyone),
)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The lookups' commands, menu button and buttons."""
    return [
        CommandHandler("stats", show_stats, filters=PRIVATE),
        MessageHandler(PRIVATE & menu_text("menu-stats"), show_stats),
        CallbackQueryHandler(on_stats, pattern=r"^st:show:\d+:\d+$"),
        CallbackQueryHandler(begin_range, pattern=r"^st:range$"),
        CallbackQueryHandler(on_silent, pattern=r"^st:silent:\d+:\d+$"),
        CommandHandler("campaign", show_campaigns, filters=PRIVATE),
        MessageHandler(PRIVATE & menu_text("menu-campaigns"), show_campaigns),
        CallbackQueryHandler(show_campaigns, pattern=r"^cmp:list$"),
        CommandHandler("top", show_top, filters=PRIVATE),
        CallbackQueryHandler(on_top, pattern=r"^top:show:\d+:\d+:\d+:\d+$"),
        CommandHandler("find", begin_find, filters=PRIVATE),
        CallbackQueryHandler(begin_find, pattern=r"^fnd:new$"),
        CallbackQueryHandler(begin_near, pattern=r"^fnd:near$"),
        FIND.screens(FOUND),
    ]


def fallbacks() -> list[BaseHandler[Update, Context, Any]]:
    """A location no feature took (none asked for it): the groups near it. Registered after
    every feature, so a question waiting for something else answers it first."""
    return [MessageHandler(PRIVATE & filters.LOCATION, location_anywhere)]
