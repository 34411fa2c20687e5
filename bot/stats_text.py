"""Persian HTML text of the figures of db/stats.py: pure functions, no Telegram, no database."""

from __future__ import annotations

from datetime import date

from bot import jalali
from bot.i18n import Html, t
from bot.text import escape, fmt_num, fmt_percent, progress_bar, to_persian_digits
from db.stats import (
    CampaignProgress,
    Figures,
    GroupHit,
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
    Measure.SERVICES: "stats-measure-services",
    Measure.BENEFICIARIES: "stats-measure-beneficiaries",
}


def _lines(*parts: str) -> Html:
    """Joins the non-empty parts with line breaks."""
    return Html("\n".join(p for p in parts if p))


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
    """The change of services against the previous period: «۱۲٪ بیشتر از هفتهٔ قبل».

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
    if groups:
        return t(
            "stats-totals",
            services=figures.services,
            reports=figures.reports,
            groups=figures.groups,
        )
    return t("stats-totals-groups", services=figures.services, reports=figures.reports)


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
            counted.services,
            overview.previous.services,
            overview.period.kind,
            partial=overview.partial,
        )
        if change:
            totals = Html(f"{totals} ({change})")
    people = people_text(counted)
    pending = overview.tally.pending
    waiting = (
        t("stats-pending", services=pending.services, reports=pending.reports)
        if pending.reports
        else ""
    )
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
        t("stats-place-line", rank=line.rank, name=line.name, services=line.services)
        for line in overview.by_place[:top]
        if line.services
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


def _when(day: date, end: date) -> str:
    """A projected date: day and month in the end's Jalali year, the full date otherwise."""
    if jalali.to_jalali(day)[0] == jalali.to_jalali(end)[0]:
        return jalali.format_day_month(day)
    return jalali.format_date(day, weekday=False)


def render_progress(
    progress: CampaignProgress, *, province_name: str = "", group_name: str = ""
) -> Html:
    """A campaign's bar, pace, projection, pending count, the asker's province and group share."""
    campaign = progress.campaign
    head = t(
        "stats-campaign-progress",
        title=campaign.title,
        count=progress.counted,
        target=campaign.target,
        percent=fmt_percent(progress.counted, campaign.target),
        bar=progress_bar(progress.counted, campaign.target),
    )
    end = jalali.format_day_month(campaign.ends_on)
    if progress.reached:
        outlook = t("stats-campaign-reached")
    elif progress.projected is None:
        outlook = t("stats-campaign-stalled", end=end)
    else:
        key = "stats-campaign-projection" if progress.on_track else "stats-campaign-behind"
        outlook = t(key, date=_when(progress.projected, campaign.ends_on), end=end)
    pace = (
        t(
            "stats-campaign-pace",
            count=progress.last_weeks,
            unit=campaign.unit,
            daily=fmt_num(round(progress.pace_per_day)),
        )
        if progress.last_weeks
        else ""
    )
    pending = (
        t("stats-campaign-pending", count=progress.pending, unit=campaign.unit)
        if progress.pending
        else ""
    )
    shares = []
    if progress.province_count is not None and province_name:
        shares.append(
            t(
                "stats-campaign-province-share",
                name=province_name,
                count=progress.province_count,
                unit=campaign.unit,
                percent=fmt_percent(progress.province_count, progress.counted),
            )
        )
    if progress.group_count is not None and group_name:
        shares.append(
            t(
                "stats-campaign-group-share",
                name=group_name,
                count=progress.group_count,
                unit=campaign.unit,
                percent=fmt_percent(progress.group_count, progress.counted),
            )
        )
    return _lines(head, pace, outlook, pending, *shares)


def render_shares(lines: list[ShareLine], top: int = 10) -> Html:
    """Each province's progress against its share of the target, widest gaps first."""
    if not lines:
        return Html("")
    rows = [
        t(
            "stats-share-line",
            name=line.name,
            count=line.counted,
            target=line.target,
            percent=fmt_percent(line.counted, line.target),
            bar=progress_bar(line.counted, line.target),
        )
        for line in lines[:top]
    ]
    if len(lines) > top:
        rows.append(t("stats-more", count=len(lines) - top))
    return _lines(t("stats-shares-title"), *rows)


def render_ranking(ranking: Ranking, period: Html, measure: Measure, own_name: str = "") -> Html:
    """The leading groups and the asker's own group's rank when it is not among them."""
    title = t("stats-top-groups-title", period=period)
    unit = t(_MEASURE[measure])
    if not ranking.lines:
        return _lines(title, t("stats-top-empty"))
    rows = [
        t(
            "stats-top-line",
            rank=line.rank or 0,
            name=line.name,
            place=line.county_name,
            value=line.value,
            measure=unit,
        )
        for line in ranking.lines
    ]
    own = ""
    mine = ranking.own
    if mine is not None and all(line.group_id != mine.group_id for line in ranking.lines):
        if mine.rank is None:
            own = t("stats-top-own-none", name=own_name or mine.name)
        else:
            own = t(
                "stats-top-own",
                name=own_name or mine.name,
                rank=mine.rank,
                total=ranking.ranked,
                value=mine.value,
                measure=unit,
            )
    return _lines(title, *rows, "\n" + own if own else "")


def render_places(
    lines: list[PlaceLine], period: Html, measure: Measure, *, counties: bool = False, top: int = 10
) -> Html:
    """The leading provinces (or counties of a province)."""
    key = "stats-top-counties-title" if counties else "stats-top-provinces-title"
    unit = t(_MEASURE[measure])
    shown = [line for line in lines if line.services or line.beneficiaries][:top]
    if not shown:
        return _lines(t(key, period=period), t("stats-top-empty"))
    rows = [
        t(
            "stats-top-place-line",
            rank=line.rank,
            name=line.name,
            value=line.services if measure is Measure.SERVICES else line.beneficiaries,
            measure=unit,
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
        if not place.figures.reports:  # not «۰ خدمت در ۰ گزارش»
            key = (
                "stats-find-province-none" if place.county_id is None else "stats-find-county-none"
            )
            rows.append(t(key, name=place.name, province=place.province_name))
        elif place.county_id is None:
            rows.append(
                t(
                    "stats-find-province",
                    name=place.name,
                    services=place.figures.services,
                    reports=place.figures.reports,
                )
            )
        else:
            rows.append(
                t(
                    "stats-find-county",
                    name=place.name,
                    province=place.province_name,
                    services=place.figures.services,
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
