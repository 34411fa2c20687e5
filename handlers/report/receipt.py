"""The receipt after saving: the report's number, its group's week and the campaign's progress."""

from __future__ import annotations

import math
from datetime import date, timedelta

from bot import jalali
from bot.i18n import Html, t
from bot.text import fmt_percent, progress_bar, to_persian_digits
from db.models import Report, ReportStatus
from db.stats import Counting
from db.store import Store
from db.streaks import STREAK_FROM


async def receipt_text(store: Store, report: Report, *, edited: bool) -> Html:
    """The receipt: report number, the group's week and run of weeks, the campaign's progress
    and forecast."""
    receipt = to_persian_digits(report.receipt)
    lines: list[str] = [t("report-updated" if edited else "report-saved", receipt=receipt)]
    this_week = jalali.week_of(jalali.today(store.db.clock))
    start, end = jalali.week_of(report.service_date)
    week = await store.reports.group_totals(report.group_id, start, end)
    if (start, end) == this_week:
        lines.append(t("report-week-totals", reports=week.reports, quantity=week.quantity))
    else:  # a back-dated report counts in its own week: say which, so it is not taken as lost
        days = jalali.format_range(start, end)
        lines.append(
            t("report-other-week-totals", week=days, reports=week.reports, quantity=week.quantity)
        )
    streak = await store.streaks.of_group(report.group_id, jalali.today(store.db.clock))
    if streak.this_week and streak.weeks >= STREAK_FROM:
        lines.append(t("report-streak", weeks=streak.weeks))
    if report.campaign_id is not None:
        campaign = await store.campaigns.get(report.campaign_id)
        counted = await store.stats.counted_categories(report.campaign_id)
        if campaign is not None and counted is not None and report.category_id not in counted:
            # Not «۰ از ۵۰۰ (۰٪)» for a report its campaign does not count: say so instead.
            service = report.category_name
            lines.append(t("report-not-counted", service=service, campaign=campaign.title))
            campaign = None
        if campaign is not None:
            today = jalali.today(store.db.clock)
            done = (await store.stats.progress(campaign, today)).counted  # [stats] counting
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
            lines.append(
                forecast(today, campaign.starts_on, campaign.ends_on, done, campaign.target)
            )
    if store.stats.counting is Counting.APPROVED and report.status is not ReportStatus.APPROVED:
        lines.append(t("counting-receipt-after-review"))
    return Html("\n".join(line for line in lines if line))


def forecast(today: date, starts: date, ends: date, done: int, target: int) -> str:
    """When the campaign reaches its target at its pace so far."""
    if done >= target:
        return t("report-campaign-reached")
    days = (today - starts).days + 1
    if done <= 0 or days <= 0:
        return ""
    eta = today + timedelta(days=math.ceil((target - done) * days / done))
    end = jalali.format_date(ends, weekday=False)
    if eta <= ends:
        return t("report-campaign-forecast", eta=jalali.format_day_month(eta), end=end)
    left = max((ends - today).days + 1, 1)
    return t("report-campaign-behind", end=end, per_day=math.ceil((target - done) / left))
