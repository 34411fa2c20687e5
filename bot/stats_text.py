"""Persian HTML text of the figures of db/stats.py: pure functions, no Telegram, no database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot import jalali
from bot.i18n import Html, label, t
from bot.text import escape, fmt_percent, progress_bar, to_persian_digits
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
UNITS_SHOWN = 4  # units named on one line; the rest are «…»


def _lines(*parts: str) -> Html:
    """Joins the non-empty parts with line breaks."""
    return Html("\n".join(p for p in parts if p))


def percent_text(part: int, whole: int) -> Html:
    """part of whole as a whole percentage: «۷۱٪», and «کمتر از ۱٪» rather than a «۰٪» that is
    not nothing."""
    if part > 0 and whole > 0 and part * 100 < whole:
        return t("stats-percent-under-one")
    return Html(fmt_percent(part, whole))


def units_text(units: Sequence[UnitTotal], most: int = UNITS_SHOWN) -> Html:
    """Quantities per unit, never added across units: «۲۹۹ پرس، ۴۹ بسته، ۹ واحد»."""
    parts = [t("stats-unit-amount", quantity=u.quantity, unit=u.unit) for u in units[:most]]
    if len(units) > most:
        parts.append(t("stats-units-more"))
    return Html("، ".join(parts))


def figures_text(figures: Figures, units: Sequence[UnitTotal]) -> Html:
    """A count of reports with its quantities per unit and the people served, when known:
    «۵۱ گزارش (۲۹۹ پرس، ۴۹ بسته، ۹ واحد) · ۴۵۰ بهره‌مند», or that there is none yet."""
    if not figures.reports:
        return t("stats-figures-none")
    text = t("stats-figures", reports=figures.reports, units=units_text(units))
    if figures.beneficiaries:
        text = t("stats-figures-people", figures=text, beneficiaries=figures.beneficiaries)
    return text


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
    """«۸٬۹۰۳ بهره‌مند · ۴۲۰ داوطلب», leaving out a count nobody gave (zero); empty if both."""
    if figures.beneficiaries and figures.volunteers:
        return t(
            "stats-people",
            beneficiaries=figures.beneficiaries,
            volunteers=figures.volunteers,
        )
    if figures.beneficiaries:
        return t("stats-people-beneficiaries", beneficiaries=figures.beneficiaries)
    if figures.volunteers:
        return t("stats-people-volunteers", volunteers=figures.volunteers)
    return Html("")


def _totals(figures: Figures, groups: bool) -> Html:
    """Reports (and groups): a total across service types counts reports, never quantities."""
    if groups:
        return t("stats-totals", reports=figures.reports, groups=figures.groups)
    return t("stats-totals-groups", reports=figures.reports)


def render_overview(
    overview: Overview, scope_name: str = "", *, campaign_title: str = "", top: int = 8
) -> Html:
    """The stats screen: heading, totals and change, people, pending, by type and by place."""
    counted = overview.tally.counted
    heading = t(
        "stats-heading",
        scope=scope_label(overview.scope.kind, scope_name),
        period=period_label(overview.period, campaign_title),
    )
    if not counted.reports and not overview.tally.pending.reports:
        return _lines(heading, t("stats-empty"))
    totals = _totals(counted, overview.scope.kind is not ScopeKind.GROUPS)
    if overview.previous is not None:
        change = change_text(
            counted.reports,
            overview.previous.reports,
            overview.period.kind,
            partial=overview.partial,
        )
        if change:
            totals = Html(f"{totals} ({change})")
    people = people_text(counted)
    pending = overview.tally.pending
    waiting = t("stats-pending", reports=pending.reports) if pending.reports else ""
    types = [
        t(
            "stats-type-line",
            name=t("stats-type-retired", name=line.name) if line.retired else line.name,
            services=line.services,
            unit=line.unit,
        )
        for line in overview.by_type[:top]
    ]
    if len(overview.by_type) > top:
        types.append(t("stats-more", count=len(overview.by_type) - top))
    places = [
        t("stats-place-line", rank=line.rank, name=line.name, reports=line.reports)
        for line in overview.by_place[:top]
        if line.reports
    ]
    place_title = (
        t("stats-by-province-title")
        if overview.scope.kind is ScopeKind.NATIONAL
        else t("stats-by-county-title")
    )
    return _lines(
        heading,
        totals,
        people,
        waiting,
        "\n" + t("stats-by-type-title") if types else "",
        *types,
        "\n" + place_title if places else "",
        *places,
    )


def short_date(day: date, reference: date) -> str:
    """«۱۸ دی» in the reference's Jalali year, «۲ فروردین ۱۴۰۶» in another."""
    if jalali.to_jalali(day)[0] == jalali.to_jalali(reference)[0]:
        return jalali.format_day_month(day)
    return jalali.format_date(day, weekday=False)


def campaign_unit(campaign: Campaign) -> str:
    """What a campaign counts in: its unit, «خدمت» when none was given."""
    return campaign.unit or label("stats-unit-default")


def pace_text(progress: CampaignProgress) -> Html:
    """The campaign's pace: «در چهار هفتهٔ گذشته ۴۰۰ خدمت؛ روزانه حدود ۱۴.», never «حدود ۰»."""
    span = t("stats-pace-weeks") if progress.pace_days == PACE_DAYS else t("stats-pace-start")
    if not progress.recent:
        return t("stats-campaign-pace-none", span=span)
    unit = campaign_unit(progress.campaign)
    if progress.recent < progress.pace_days:  # under one a day: «حدود ۰» would be untrue
        return t("stats-campaign-pace-slow", span=span, count=progress.recent, unit=unit)
    daily = round(progress.pace_per_day)
    return t("stats-campaign-pace", span=span, count=progress.recent, unit=unit, daily=daily)


def outlook_text(progress: CampaignProgress) -> Html:
    """Where the campaign is heading at its pace: the day it reaches its target, or (when that is
    after its end, or there is no pace) the count per day it needs to finish on time."""
    end = short_date(progress.campaign.ends_on, progress.as_of)
    projected = progress.projected
    if progress.reached:
        return t("stats-campaign-reached")
    if progress.ended:
        return t("stats-campaign-ended", end=end)
    if progress.on_track and projected is not None:
        return t("stats-campaign-projection", date=short_date(projected, progress.as_of), end=end)
    need = progress.needed_per_day or progress.remaining
    return t("stats-campaign-behind", end=end, need=need, unit=campaign_unit(progress.campaign))


def schedule_text(done: int, expected: int, unit: str, when: Html) -> Html:
    """On schedule or not: what an even spread of the target would have done by `when`."""
    key = "stats-schedule-on" if done >= expected else "stats-schedule-behind"
    return t(key, when=when, expected=expected, unit=unit)


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
    """A campaign's bar, schedule, pace, outlook, pending count, the asker's province and group."""
    unit = campaign_unit(progress.campaign)
    schedule = schedule_text(progress.counted, progress.expected, unit, t("stats-when-today"))
    pending = (
        t("stats-campaign-pending", count=progress.pending, unit=unit) if progress.pending else ""
    )
    shares = []
    if progress.province_count is not None and province_name:
        shares.append(
            t(
                "stats-campaign-province-share",
                name=province_name,
                count=progress.province_count,
                unit=unit,
                percent=percent_text(progress.province_count, progress.counted),
            )
        )
    if progress.group_count is not None and group_name:
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
        schedule,
        pace_text(progress),
        outlook_text(progress),
        pending,
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
        for line in lines[:top]
    ]
    if len(lines) > top:
        rows.append(t("stats-more", count=len(lines) - top))
    return _lines(t("stats-shares-title"), shares_summary(lines), *rows)


def render_schedule(progress: CampaignProgress) -> Html:
    """A campaign's bar and whether it is on schedule today (a coordinator's own campaign)."""
    unit = campaign_unit(progress.campaign)
    schedule = schedule_text(progress.counted, progress.expected, unit, t("stats-when-today"))
    return _lines(campaign_line(progress), schedule)


def share_schedule(campaign: Campaign, province: str, line: ShareLine) -> Html:
    """A province's share of a campaign and whether it is on schedule today (a coordinator)."""
    unit = campaign_unit(campaign)
    head = t(
        "stats-share-province",
        title=campaign.title,
        name=province,
        count=line.counted,
        target=line.target,
        unit=unit,
        percent=percent_text(line.counted, line.target),
    )
    schedule = schedule_text(line.counted, line.expected, unit, t("stats-when-today"))
    return _lines(head, schedule)


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


def _own_text(mine: GroupLine, name: str, total: int, measure: Measure, unit: str) -> Html:
    """The asker's own group's rank, when it is not among the leaders."""
    if mine.rank is None:
        return t("stats-top-own-none", name=name)
    return t(
        "stats-top-own",
        name=name,
        rank=mine.rank,
        total=total,
        amount=amount_text(mine.value, measure, unit),
    )


def render_ranking(
    ranking: Ranking, period: Html, measure: Measure, own_name: str = "", unit: str = ""
) -> Html:
    """The leading groups and the asker's own group's rank when it is not among them.

    unit: a campaign's unit, when measure is SERVICES (its own count).
    """
    title = t("stats-top-groups-title", period=period)
    if not ranking.lines:
        return _lines(title, t("stats-top-empty"))
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
    if mine is not None and all(line.group_id != mine.group_id for line in ranking.lines):
        own = _own_text(mine, own_name or mine.name, ranking.ranked, measure, unit)
    return _lines(title, *rows, "\n" + own if own else "")


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
