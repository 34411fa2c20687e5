"""Persian HTML text of the figures of db/stats.py: pure functions, no Telegram, no database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import escape, fmt_percent, progress_bar, to_persian_digits
from db.models import Campaign
from db.stats import (
    PACE_DAYS,
    CampaignProgress,
    Figures,
    GroupHit,
    GroupLine,
    Measure,
    Overview,
    Page,
    Period,
    PeriodKind,
    PlaceHit,
    PlaceLine,
    Ranking,
    ScopeKind,
    ShareLine,
    SilentGroup,
    UnitTotal,
)

_PREVIOUS = {
    PeriodKind.WEEK: "stats-previous-week",
    PeriodKind.MONTH: "stats-previous-month",
    PeriodKind.YEAR: "stats-previous-year",
    PeriodKind.RANGE: "stats-previous-range",
}
# A running period is compared with the same first days of the one before.
_PREVIOUS_PART = {
    PeriodKind.WEEK: "stats-previous-week-part",
    PeriodKind.MONTH: "stats-previous-month-part",
    PeriodKind.YEAR: "stats-previous-year-part",
    PeriodKind.RANGE: "stats-previous-range-part",
}
_MEASURE = {
    Measure.REPORTS: "stats-measure-reports",
    Measure.SERVICES: "stats-measure-services",
    Measure.BENEFICIARIES: "stats-measure-beneficiaries",
}
UNITS_SHOWN = 4  # units named on one line; the rest are counted («و ۲ مورد دیگر»)
PLACES_SHOWN = 8  # places listed on the stats screen


def _lines(*parts: str) -> Html:
    """Joins the non-empty parts with line breaks."""
    return Html("\n".join(p for p in parts if p))


def join_figures(*parts: str) -> Html:
    """Figures side by side, with the one separator the bot puts between figures
    (stats-join, «، »; never «·», which reads as a Persian zero beside Persian digits)."""
    return Html(t("stats-join").join(p for p in parts if p))


def shown[T](items: Sequence[T], most: int) -> tuple[Sequence[T], int]:
    """The items a list names and how many it leaves out: never just one, since saying «و ۱
    مورد دیگر» takes the room that naming it would."""
    if len(items) <= most + 1:
        return items, 0
    return items[:most], len(items) - most


def waiting_text(count: int, unit: str = "") -> Html:
    """What a count leaves out while it waits for review, said the one way everywhere: «⏳ ۲
    گزارش در انتظار بررسی» (a campaign's quantity in its unit); empty when nothing waits."""
    if not count:
        return Html("")
    measure = unit or t("stats-measure-reports")
    return t("stats-waiting", amount=t("stats-amount", value=count, measure=measure))


def percent_text(part: int, whole: int) -> Html:
    """part of whole as a whole percentage: «۷۱٪», and «کمتر از ۱٪» rather than a «۰٪» that is
    not nothing."""
    if part > 0 and whole > 0 and part * 100 < whole:
        return t("stats-percent-under-one")
    return Html(fmt_percent(part, whole))


def units_text(units: Sequence[UnitTotal], most: int = UNITS_SHOWN) -> Html:
    """Quantities per unit, never added across units: «۲۹۹ پرس، ۴۹ بسته، ۹ واحد»."""
    kept, rest = shown(units, most)
    text = join_figures(*(t("stats-unit-amount", quantity=u.quantity, unit=u.unit) for u in kept))
    return t("stats-units-more", units=text, count=rest) if rest else text


def figures_text(figures: Figures, units: Sequence[UnitTotal], waiting: int = 0) -> Html:
    """A count of reports with its quantities per unit, the people served when known, and what
    waits for review: «۵۱ گزارش (۲۹۹ پرس، ۴۹ بسته، ۹ واحد)، ۴۵۰ بهره‌مند، ⏳ ۲ گزارش در
    انتظار بررسی», or that there is none yet."""
    if not figures.reports:
        return waiting_text(waiting) or t("stats-figures-none")
    return join_figures(
        t("stats-figures", reports=figures.reports, units=units_text(units)),
        people_text(Figures(beneficiaries=figures.beneficiaries)),
        waiting_text(waiting),
    )


def period_label(period: Period, campaign_title: str = "") -> Html:
    """Names a period: «هفتهٔ ۲۳ تا ۲۹ آبان ۱۴۰۵», «آبان ۱۴۰۵», «سال ۱۴۰۵», a campaign, a range,
    «از زمان پیوستن شما (۱۴ آبان ۱۴۰۵)»."""
    year, month, _ = jalali.to_jalali(period.start)
    if period.kind is PeriodKind.WEEK:
        return t("stats-period-week", range=jalali.format_range(period.start, period.last))
    if period.kind is PeriodKind.MONTH:
        return t("stats-period-month", month=jalali.month_name(month), year=_year(year))
    if period.kind is PeriodKind.YEAR:
        return t("stats-period-year", year=_year(year))
    if period.kind is PeriodKind.JOINED:
        return t("counting-period-joined", since=jalali.format_date(period.start, weekday=False))
    if period.kind is PeriodKind.CAMPAIGN and campaign_title:
        return t("stats-period-campaign", title=campaign_title)
    return t("stats-period-range", range=jalali.format_range(period.start, period.last))


def _year(year: int) -> Html:
    """A year in Persian digits without a thousands separator."""
    return Html(to_persian_digits(str(year)))


def scope_label(kind: ScopeKind, name: str = "") -> Html:
    """Names a scope: the country, «استان مرکزی», «شهرستان اراک», or a group's own name."""
    if kind is ScopeKind.NATIONAL:
        return t("stats-scope-national")
    if kind is ScopeKind.PROVINCE:
        return t("stats-scope-province", name=name)
    if kind is ScopeKind.COUNTY:
        return t("stats-scope-county", name=name)
    return Html(escape(name))  # a group's (or groups') own name


def change_text(current: int, previous: int, kind: PeriodKind, *, partial: bool = False) -> Html:
    """The change of reports against the previous period: «۱۲٪ بیشتر از هفتهٔ قبل».

    partial: the period is running, so the same first days of the one before are compared.
    """
    key = (_PREVIOUS_PART if partial else _PREVIOUS).get(kind)
    if key is None:
        return Html("")
    before = t(key)
    if previous == 0:
        return t("stats-change-new", previous=before) if current else Html("")
    if current == previous:
        return t("stats-change-same", previous=before)
    percent = fmt_percent(abs(current - previous), previous)
    change = "stats-change-up" if current > previous else "stats-change-down"
    return t(change, percent=percent, previous=before)


def people_text(figures: Figures) -> Html:
    """«۸٬۹۰۳ بهره‌مند، ۴۲۰ داوطلب», leaving out a count nobody gave (zero); empty if both."""
    return join_figures(
        t("stats-people-beneficiaries", beneficiaries=figures.beneficiaries)
        if figures.beneficiaries
        else "",
        t("stats-people-volunteers", volunteers=figures.volunteers) if figures.volunteers else "",
    )


def _totals(figures: Figures, groups: bool) -> Html:
    """Reports (and groups): a total across service types counts reports, never quantities."""
    if groups:
        return t("stats-totals", reports=figures.reports, groups=figures.groups)
    return t("stats-totals-groups", reports=figures.reports)


def _more(lines: list[Html], left_out: int) -> list[Html]:
    """A list's lines, and a last one saying how many more there are, if any."""
    return [*lines, t("stats-more", count=left_out)] if left_out else lines


def render_overview(
    overview: Overview,
    scope_name: str = "",
    *,
    campaign_title: str = "",
    top: int = PLACES_SHOWN,
    queue: int | None = None,
) -> Html:
    """The stats screen: heading, totals with what waits for review and the change, people, by
    type and by place (every place with a report, or how many more).

    queue: a reviewer's whole review queue of the scope (every period), said only when it is not
    the period's own waiting count already on the totals line.
    """
    counted, pending = overview.tally.counted, overview.tally.pending
    heading = t(
        "stats-heading",
        scope=scope_label(overview.scope.kind, scope_name),
        period=period_label(overview.period, campaign_title),
    )
    queued = ""
    if queue and queue != pending.reports:
        queued = t("counting-waiting-province", count=queue)
    if not counted.reports and not pending.reports:
        return _lines(heading, t("stats-empty"), queued)
    totals = join_figures(
        _totals(counted, overview.scope.kind is not ScopeKind.GROUPS) if counted.reports else "",
        waiting_text(pending.reports),
    )
    if overview.previous is not None:
        # Reports filed (counted and waiting) against those of the period before: how fast
        # they are reviewed is no change in the work.
        change = change_text(
            counted.reports + pending.reports,
            overview.previous.reports + overview.previous_waiting,
            overview.period.kind,
            partial=overview.partial,
        )
        if change:
            totals = Html(f"{totals} ({change})")
    kinds, more_kinds = shown(overview.by_type, top)
    types = [
        t(
            "stats-type-line",
            name=t("stats-type-retired", name=line.name) if line.retired else line.name,
            services=line.services,
            unit=line.unit,
        )
        for line in kinds
    ]
    reported, more_places = shown([line for line in overview.by_place if line.reports], top)
    places = [
        t("stats-place-line", rank=line.rank, name=line.name, reports=line.reports)
        for line in reported
    ]
    place_title = (
        t("stats-by-province-title")
        if overview.scope.kind is ScopeKind.NATIONAL
        else t("stats-by-county-title")
    )
    return _lines(
        heading,
        totals,
        people_text(counted),
        queued,
        "\n" + t("stats-by-type-title") if types else "",
        *_more(types, more_kinds),
        "\n" + place_title if places else "",
        *_more(places, more_places),
    )


def short_date(day: date, reference: date) -> str:
    """«۱۸ دی» in the reference's Jalali year, «۲ فروردین ۱۴۰۶» in another."""
    if jalali.to_jalali(day)[0] == jalali.to_jalali(reference)[0]:
        return jalali.format_day_month(day)
    return jalali.format_date(day, weekday=False)


def campaign_unit(campaign: Campaign) -> str:
    """What a campaign counts in: its unit, «خدمت» when none was given."""
    return campaign.unit or label("stats-unit-default")


# --- a campaign: its one verdict ---------------------------------------------------------------
#
# The rules, written once (every surface reads them: /campaign, the receipt, the coordinator's
# /stats, the inline campaign card and the digest):
# - expected by a day is what an even spread of the target has done on the campaign's days
#   already over (db.stats.expected_by): "by today" leaves today out, so nothing is due on a
#   campaign's first day, and that day is not judged at all; a digest counts its week's Friday.
# - the pace is the count of the last four weeks (fewer in a campaign's first weeks) per day, said
#   as «روزانه حدود ۸۹» (rounded) or «کمتر از یک … در روز».
# - the pace reaches the target when its projected finish is by the last day, or when the pace as
#   said is at least what each day still needs: within rounding is never «نمی‌رسد».
# - one sentence: on schedule or behind (✅/⚠️) by the count, then where the pace leads, joined
#   by «اما» when the two point different ways.


def pace_span(progress: CampaignProgress) -> Html:
    """The days the pace is taken over: «چهار هفتهٔ گذشته», or «۱۰ روز گذشته» while younger."""
    if progress.pace_days == PACE_DAYS:
        return t("stats-pace-weeks")
    return t("stats-pace-days", days=progress.pace_days)


def daily_pace(progress: CampaignProgress) -> int:
    """The count per day as said: rounded, and 0 under one a day («حدود ۰» would be untrue)."""
    if progress.recent < progress.pace_days:
        return 0
    return round(progress.pace_per_day)


def pace_amount(progress: CampaignProgress) -> Html:
    """«روزانه حدود ۸۹ خدمت», or «کمتر از یک خدمت در روز»."""
    unit = campaign_unit(progress.campaign)
    daily = daily_pace(progress)
    if not daily:
        return t("stats-pace-slow", unit=unit)
    return t("stats-pace-daily", daily=daily, unit=unit)


def reaches(progress: CampaignProgress) -> bool:
    """Whether the pace reaches the target by the campaign's last day: its projected finish is
    by then, or the pace as said is at least what each day still needs."""
    if progress.reached:
        return True
    need, projected = progress.needed_per_day, progress.projected
    if need is None or projected is None:
        return False
    return projected <= progress.campaign.ends_on or daily_pace(progress) >= need


def schedule_text(done: int, expected: int, unit: str, when: Html) -> Html:
    """On schedule or not, by the count: «✅ طبق برنامه است (باید تا امروز ۵٬۵۴۵ خدمت انجام
    می‌شد)» (a clause; when: «امروز», «پایان این هفته»)."""
    key = "stats-schedule-on" if done >= expected else "stats-schedule-behind"
    return t(key, when=when, expected=expected, unit=unit)


def outlook_text(progress: CampaignProgress) -> Html:
    """Where the pace leads (a clause): the day it reaches the target (at latest the last day,
    when it does within rounding), or what each day needs that the pace falls short of."""
    span, unit = pace_span(progress), campaign_unit(progress.campaign)
    end = short_date(progress.campaign.ends_on, progress.as_of)
    projected = progress.projected
    if reaches(progress):
        pace = pace_amount(progress)
        if projected is not None and projected < progress.campaign.ends_on:
            day = short_date(projected, progress.as_of)
            return t("stats-outlook-by", span=span, pace=pace, date=day)
        return t("stats-outlook-at-end", span=span, pace=pace, end=end)
    need = progress.needed_per_day or progress.remaining
    if not progress.recent:
        return t("stats-outlook-none", span=span, end=end, need=need, unit=unit)
    pace = pace_amount(progress)
    return t("stats-outlook-short", span=span, pace=pace, end=end, need=need, unit=unit)


def verdict_text(progress: CampaignProgress, when: Html | None = None) -> Html:
    """A campaign's one verdict, one sentence: reached, over, its first day, or on schedule (or
    behind) by `when` (default today) and where its pace leads."""
    end = short_date(progress.campaign.ends_on, progress.as_of)
    if progress.reached:
        return t("stats-campaign-reached")
    if not progress.days_left:
        return t("stats-campaign-ended", end=end)
    unit = campaign_unit(progress.campaign)
    if not progress.day_over and progress.as_of == progress.campaign.starts_on:
        need = progress.needed_per_day or progress.remaining
        return t("stats-campaign-first-day", end=end, need=need, unit=unit)
    when = when or t("stats-when-today")
    schedule = schedule_text(progress.counted, progress.expected, unit, when)
    on = progress.counted >= progress.expected
    key = "stats-verdict-and" if on == reaches(progress) else "stats-verdict-but"
    return t(key, schedule=schedule, outlook=outlook_text(progress))


def campaign_line(progress: CampaignProgress, title: str = "") -> Html:
    """«🎯 پویش ۱۱ هزار خدمت: ۷٬۸۴۲ از ۱۱٬۰۰۰ خدمت (۷۱٪) ▓▓▓▓▓▓▓░░░» (title: the campaign's
    own, unless given as it should read, e.g. in a bidi isolate)."""
    return t(
        "stats-campaign-progress",
        title=title or progress.campaign.title,
        count=progress.counted,
        target=progress.target,
        unit=campaign_unit(progress.campaign),
        percent=percent_text(progress.counted, progress.target),
        bar=progress_bar(progress.counted, progress.target),
    )


def render_progress(
    progress: CampaignProgress, *, province_name: str = "", group_name: str = ""
) -> Html:
    """A campaign's bar and verdict, what waits for review, the asker's province and group."""
    unit = campaign_unit(progress.campaign)
    shares = []
    if progress.province_count is not None and province_name and progress.counted:
        shares.append(
            t(
                "stats-campaign-province-share",
                name=province_name,
                count=progress.province_count,
                unit=unit,
                percent=percent_text(progress.province_count, progress.counted),
            )
        )
    if progress.group_count is not None and group_name and progress.counted:
        shares.append(
            t(
                "stats-campaign-group-share",
                name=group_name,
                count=progress.group_count,
                unit=unit,
                percent=percent_text(progress.group_count, progress.counted),
            )
        )
    return _lines(
        campaign_line(progress),
        verdict_text(progress),
        waiting_text(progress.pending, unit),
        *shares,
    )


def shares_summary(lines: Sequence[ShareLine]) -> Html:
    """How many provinces are behind the schedule of their share: «۷ استان از ۱۲ از برنامه
    عقب‌اند», or that all are on it."""
    if not lines:
        return Html("")
    behind = sum(1 for line in lines if not line.on_schedule)
    if behind:
        return t("stats-shares-behind", behind=behind, total=len(lines))
    return t("stats-shares-on", total=len(lines))


def render_shares(lines: list[ShareLine], top: int = 10) -> Html:
    """Each province against its share of the target and what is due by today, widest gaps
    first, and how many are behind."""
    if not lines:
        return Html("")
    listed, left_out = shown(lines, top)
    rows = [
        t(
            "stats-share-line",
            mark=t("stats-mark-on" if line.on_schedule else "stats-mark-behind"),
            name=line.name,
            count=line.counted,
            target=line.target,
            percent=percent_text(line.counted, line.target),
            expected=line.expected,
        )
        for line in listed
    ]
    return _lines(t("stats-shares-title"), shares_summary(lines), *_more(rows, left_out))


def render_schedule(progress: CampaignProgress) -> Html:
    """A campaign's bar and verdict (a coordinator's own campaign)."""
    return _lines(campaign_line(progress), verdict_text(progress))


def share_schedule(
    campaign: Campaign,
    province: str,
    line: ShareLine,
    when: Html | None = None,
    *,
    title: str = "",
) -> Html:
    """A province's share of a campaign and whether it is on schedule by `when` (default today:
    a coordinator; a province's digest: its week's end). title: the campaign's, as it should
    read (e.g. in a bidi isolate)."""
    unit = campaign_unit(campaign)
    head = t(
        "stats-share-province",
        title=title or campaign.title,
        name=province,
        count=line.counted,
        target=line.target,
        unit=unit,
        percent=percent_text(line.counted, line.target),
    )
    schedule = schedule_text(line.counted, line.expected, unit, when or t("stats-when-today"))
    return _lines(head, t("stats-verdict-alone", schedule=schedule))


def amount_text(value: int, measure: Measure, unit: str = "") -> Html:
    """A ranked value with its measure: «۱۲ گزارش», «۴۵ بهره‌مند», «۱۸۵ خدمت» (a campaign's
    count, in its unit); people nobody counted are «نامشخص», not «۰»."""
    if measure is Measure.BENEFICIARIES and not value:
        return t("stats-beneficiaries-unknown")
    name = unit if measure is Measure.SERVICES and unit else t(_MEASURE[measure])
    return t("stats-amount", value=value, measure=name)


def _ranked_value(line: PlaceLine, measure: Measure) -> int:
    """A place's value by a measure."""
    if measure is Measure.REPORTS:
        return line.reports
    return line.services if measure is Measure.SERVICES else line.beneficiaries


def _own_text(
    mine: GroupLine,
    name: str,
    total: int,
    measure: Measure,
    unit: str,
    *,
    listed: bool,
    waiting: int,
) -> Html:
    """The asker's own group: its rank when it is not among the leaders, and what of it waits
    for review (it has not «ثبت نکرده» what it filed and waits)."""
    waits = Html("")
    if waiting:
        waits = t("stats-top-own-waiting", name=name, waiting=waiting_text(waiting))
    if mine.rank is None:
        return waits or t("stats-top-own-none", name=name)
    if listed:
        return waits
    rank = t(
        "stats-top-own",
        name=name,
        rank=mine.rank,
        total=total,
        amount=amount_text(mine.value, measure, unit),
    )
    return join_figures(rank, waiting_text(waiting))


def render_ranking(
    ranking: Ranking,
    period: Html,
    measure: Measure,
    own_name: str = "",
    unit: str = "",
    *,
    own_waiting: int = 0,
) -> Html:
    """The leading groups and the asker's own group: its rank when it is not among them, and
    its reports waiting for review (own_waiting).

    unit: a campaign's unit, when measure is SERVICES (its own count).
    """
    title = t("stats-top-groups-title", period=period)
    rows = [
        t(
            "stats-top-line",
            rank=line.rank or 0,
            name=line.name,
            place=line.county_name,
            amount=amount_text(line.value, measure, unit),
        )
        for line in ranking.lines
    ]
    own = ""
    mine = ranking.own
    if mine is not None and (ranking.lines or own_waiting):
        listed = any(line.group_id == mine.group_id for line in ranking.lines)
        name = own_name or mine.name
        own = _own_text(
            mine, name, ranking.ranked, measure, unit, listed=listed, waiting=own_waiting
        )
    return _lines(title, *(rows or [t("stats-top-empty")]), "\n" + own if own else "")


def render_places(
    lines: list[PlaceLine],
    period: Html,
    measure: Measure,
    *,
    counties: bool = False,
    top: int = 10,
    unit: str = "",
) -> Html:
    """The leading provinces (or counties of a province)."""
    key = "stats-top-counties-title" if counties else "stats-top-provinces-title"
    shown = [line for line in lines if line.reports][:top]
    if not shown:
        return _lines(t(key, period=period), t("stats-top-empty"))
    rows = [
        t(
            "stats-top-place-line",
            rank=line.rank,
            name=line.name,
            amount=amount_text(_ranked_value(line, measure), measure, unit),
        )
        for line in shown
    ]
    return _lines(t(key, period=period), *rows)


def render_silent(page: Page[SilentGroup], weeks: int) -> Html:
    """Groups with no report for some weeks, longest silent first."""
    if not page.total:
        return t("stats-silent-none", weeks=weeks)
    rows = [
        t(
            "stats-silent-line",
            name=group.name,
            county=group.county_name,
            date=jalali.format_date(group.last_report, weekday=False),
        )
        if group.last_report is not None
        else t("stats-silent-never", name=group.name, county=group.county_name)
        for group in page.items
    ]
    return _lines(t("stats-silent-title", weeks=weeks, count=page.total), *rows)


def render_search(query: str, groups: Page[GroupHit], places: Page[PlaceHit]) -> Html:
    """Groups and places found by name, places with their figures."""
    if not groups.total and not places.total:
        return t("stats-find-none", query=query)
    rows = [
        t(
            "stats-find-group" if hit.exact else "stats-find-group-typo",
            name=hit.name,
            county=hit.county_name,
            province=hit.province_name,
        )
        for hit in groups.items
    ]
    for place in places.items:
        if not place.figures.reports:  # not «۰ گزارش»
            key = (
                "stats-find-province-none" if place.county_id is None else "stats-find-county-none"
            )
            rows.append(t(key, name=place.name, province=place.province_name))
        elif place.county_id is None:
            rows.append(t("stats-find-province", name=place.name, reports=place.figures.reports))
        else:
            rows.append(
                t(
                    "stats-find-county",
                    name=place.name,
                    province=place.province_name,
                    reports=place.figures.reports,
                )
            )
    if not places.total:
        title = t("stats-find-title-groups", query=query, groups=groups.total)
    elif not groups.total:
        title = t("stats-find-title-places", query=query, places=places.total)
    else:
        title = t("stats-find-title", query=query, groups=groups.total, places=places.total)
    return _lines(title, *rows)
