"""The receipt after saving: the report's number, its group's week, the campaign's progress and
where the report waits for review; and its buttons: copy the number, or report again the same
way («🔁 تکرار گزارش قبلی»)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import to_persian_digits
from bot.figures.wording import campaign_line, verdict_text
from bot.kit.buttons import Buttons, allow
from bot.kit.keyboards import Callback, copy_button, inline
from bot.kit.principal import Principal
from db.models import Report, Role
from db.stats import Counting, Period
from db.store import Store
from db.streaks import STREAK_FROM
from handlers.group_view import group_figures


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


async def review_line(store: Store, report: Report, *, resubmitted: bool) -> Html:
    """The receipt's one line for a report waiting for review: whose queue it is in (its
    province's coordinators, or the admins when the province has none) and, when only approved
    reports count, that it counts once approved."""
    coordinators = await store.roles.holders(Role.COORDINATOR, report.province_id)
    queue = (
        t("review-queue-coordinators", province=report.province_name)
        if coordinators
        else t("review-queue-admins")
    )
    keys = {  # (resubmitted, counted once approved): the line
        (False, False): "review-pending-line",
        (False, True): "review-pending-line-counted",
        (True, False): "review-resubmitted",
        (True, True): "review-resubmitted-counted",
    }
    return t(keys[resubmitted, store.stats.counting is Counting.APPROVED], queue=queue)


async def receipt_text(
    store: Store, report: Report, *, edited: bool, queued: bool = False, resubmitted: bool = False
) -> Html:
    """The receipt: report number, the group's figures of the report's week (as its card says
    them: what counts and what waits for review) and run of weeks, the campaign's bar and
    verdict, and (queued: it waits for review) whose queue it is in."""
    receipt = to_persian_digits(report.receipt)
    lines: list[str] = [t("report-updated" if edited else "report-saved", receipt=receipt)]
    today = jalali.today(store.db.clock)
    week = Period.week(report.service_date)
    figures = await group_figures(store, report.group_id, week) or t("stats-figures-none")
    if week == Period.week(today):
        lines.append(t("report-week-totals", figures=figures))
    else:  # a back-dated report belongs to its own week: say which, so it is not taken as lost
        days = jalali.format_range(week.start, week.last)
        lines.append(t("report-other-week-totals", week=days, figures=figures))
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
            lines += [campaign_line(progress), verdict_text(progress)]
    if queued:
        lines.append(await review_line(store, report, resubmitted=resubmitted))
    return Html("\n".join(line for line in lines if line))
