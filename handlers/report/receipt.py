"""The receipt after saving: the report's number, its group's week and the campaign's progress,
and its buttons: copy the number, or report again the same way («🔁 تکرار گزارش قبلی»)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import jalali
from bot.buttons import Buttons, allow
from bot.i18n import Html, label, t
from bot.keyboards import Callback, copy_button, inline
from bot.principal import Principal
from bot.stats_text import outlook_text, percent_text, units_text
from bot.text import progress_bar, to_persian_digits
from db.models import Report, ReportStatus
from db.stats import Counting
from db.store import Store
from db.streaks import STREAK_FROM


async def leader_of_report_group(who: Principal, data: Callback, store: Store) -> bool:
    """A leader of the group of the report whose id comes first in the data."""
    report = await store.reports.get(data.id(0) or 0)
    return report is not None and who.leads(report.group_id)


# «🔁 تکرار گزارش قبلی»: a new report of the group, prefilled from the one on the receipt.
REPEAT = Buttons("rpt", allow(leader_of_report_group, "again", ids="report"))


def receipt_buttons(report: Report) -> InlineKeyboardMarkup:
    """Copy the receipt's number; report again the same way."""
    return inline(
        [
            [copy_button(label("report-copy-receipt"), report.receipt)],
            [REPEAT.button(label("report-repeat"), "again", report.id)],
        ]
    )


async def receipt_text(store: Store, report: Report, *, edited: bool) -> Html:
    """The receipt: report number, the group's week and run of weeks, the campaign's progress
    and outlook."""
    receipt = to_persian_digits(report.receipt)
    lines: list[str] = [t("report-updated" if edited else "report-saved", receipt=receipt)]
    today = jalali.today(store.db.clock)
    start, end = jalali.week_of(report.service_date)
    week = await store.reports.group_totals(report.group_id, start, end)
    units = units_text(week.units)
    if (start, end) == jalali.week_of(today):
        lines.append(t("report-week-totals", reports=week.reports, units=units))
    else:  # a back-dated report counts in its own week: say which, so it is not taken as lost
        days = jalali.format_range(start, end)
        lines.append(t("report-other-week-totals", week=days, reports=week.reports, units=units))
    streak = await store.streaks.of_group(report.group_id, today)
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
            progress = await store.stats.progress(campaign, today)  # [stats] counting
            lines.append(
                t(
                    "report-campaign-progress",
                    campaign=campaign.title,
                    done=progress.counted,
                    target=campaign.target,
                    percent=percent_text(progress.counted, campaign.target),
                    bar=progress_bar(progress.counted, campaign.target),
                )
            )
            lines.append(outlook_text(progress))
    if store.stats.counting is Counting.APPROVED and report.status is not ReportStatus.APPROVED:
        lines.append(t("counting-receipt-after-review"))
    return Html("\n".join(line for line in lines if line))
