"""How groups are shown: the place line, the card and the invite link (used by several features)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.figures.wording import campaign_unit, figures_text, percent_text
from bot.kit.context import Context
from bot.kit.engine import Bounded
from bot.kit.keyboards import button, cb, inline
from db.models import Group, GroupRole, GroupStatus, Invite, Member
from db.stats import Period, Scope, per_unit
from db.store import Store
from db.streaks import STREAK_FROM
from handlers.common import reply

INVITE_PREFIX = "j-"
NAME_MIN, NAME_MAX = 3, 60
# A group's name as typed: one line, with a letter in it.
GROUP_NAME = Bounded(NAME_MAX, "newgroup-bad-name", least=NAME_MIN, line=True, letters=True)
CARD_CAMPAIGNS = 3  # campaigns whose share the group card shows, at most


def place_text(county: str, province: str) -> str:
    """«اراک، استان مرکزی»."""
    return label("place", county=county, province=province)


def invite_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot and offers to join: https://t.me/<bot>?start=j-<code>."""
    return f"https://t.me/{bot_username}?start={INVITE_PREFIX}{code}"


def specialty_text(group: Group) -> str:
    """The group's specialty, or «چندحوزه‌ای»."""
    return group.specialty_name or label("newgroup-no-specialty")


def card_text(group: Group, members: list[Member]) -> Html:
    """The group's name, place, specialty, leader(s) and member count."""
    leaders = [m.name for m in members if m.role is GroupRole.LEADER]
    return t(
        "group-card",
        group=group.name,
        place=place_text(group.county_name, group.province_name),
        specialty=specialty_text(group),
        leaders="، ".join(leaders) or "—",
        several="yes" if len(leaders) > 1 else "no",
        members=len(members),
    )


async def group_figures(store: Store, group_id: int, period: Period) -> Html | None:
    """A group's figures in a period as the card and the receipt say them: reports with their
    quantities per unit (never added across units), the people served when anyone counted
    them, and what waits for review ([stats] counting); None when it has none of these."""
    scope = Scope.group(group_id)
    tally = await store.stats.totals(scope, period)
    if not tally.counted.reports and not tally.pending.reports:  # not «۰ گزارش»
        return None
    types = await store.stats.by_type(scope, period)
    units = per_unit((line.unit, line.services) for line in types)
    return figures_text(tally.counted, units, tally.pending.reports)


async def figure_lines(store: Store, group: Group) -> list[str]:
    """A group's figures this week and month (group_figures) and its part of each running
    campaign."""
    today = jalali.today(store.db.clock)
    lines: list[str] = []
    for period, key, none in (
        (Period.week(today), "lookups-card-week", "lookups-card-week-none"),
        (Period.month(today), "lookups-card-month", "lookups-card-month-none"),
    ):
        figures = await group_figures(store, group.id, period)
        lines.append(t(none) if figures is None else t(key, figures=figures))
    for campaign in (await store.campaigns.running(group.province_id, today))[:CARD_CAMPAIGNS]:
        progress = await store.stats.progress(campaign, today, group_id=group.id)
        share = progress.group_count or 0
        if not progress.counted:  # «۰ از ۰» says nothing
            continue
        lines.append(
            t(
                "lookups-card-campaign",
                title=campaign.title,
                count=share,
                total=progress.counted,
                unit=campaign_unit(campaign),
                percent=percent_text(share, progress.counted),
            )
        )
    return lines


async def group_card(
    store: Store, group: Group, *, invite: Invite | None, bot_username: str, show_invite: bool
) -> Html:
    """The group card: name, place, specialty, leaders, member count, figures and run of weeks
    with reports, and the invite for leaders."""
    members = await store.groups.members(group.id)
    lines = [card_text(group, members)]
    if group.status is GroupStatus.PENDING:
        lines.append(t("group-card-pending"))
    else:
        figures = await figure_lines(store, group)
        streak = await store.streaks.of_group(group.id, jalali.today(store.db.clock))
        if streak.weeks >= STREAK_FROM:
            key = "group-card-streak" if streak.this_week else "group-card-streak-open"
            figures.append(t(key, weeks=streak.weeks))
        lines.append(Html("\n".join(figures)))
    if show_invite:
        if invite is not None and invite.valid:
            lines.append(
                t(
                    "group-card-invite",
                    link=invite_link(bot_username, invite.code),
                    code=invite.code,
                )
            )
        else:
            lines.append(t("group-card-no-invite"))
    return Html("\n\n".join(lines))


async def approval_request(store: Store, group: Group) -> tuple[Html, InlineKeyboardMarkup]:
    """A pending group as reviewers see it, with approve and reject buttons."""
    requester = await store.volunteers.get(group.created_by or 0)
    text = t(
        "newgroup-pending-notice",
        group=group.name,
        place=place_text(group.county_name, group.province_name),
        name=requester.display_name if requester else "—",
    )
    markup = inline(
        [
            [
                button(label("approval-approve"), cb("apr", "ok", group.id)),
                button(label("approval-reject"), cb("apr", "no", group.id)),
            ]
        ]
    )
    return text, markup


async def offer_onboarding(update: Update, context: Context) -> None:
    """Offers a user without a group to find one nearby, to join one by invite, or to create
    one."""
    creation = context.config.groups.creation
    rows = [
        [button(label("onboarding-find"), cb("fnd", "near"))],
        [button(label("onboarding-join"), cb("onb", "join"))],
    ]
    create_key = "onboarding-create" if creation == "open" else "onboarding-request"
    rows.append([button(label(create_key), cb("onb", "create"))])
    await reply(update, t("onboarding-choose"), inline(rows))
