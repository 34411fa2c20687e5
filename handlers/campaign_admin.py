"""Campaigns for admins and coordinators: create one (a small engine flow) and close one.

An admin's campaign is national; a coordinator's is for their province. Closing is a button on
the campaigns screen with a confirmation; the handler re-checks who may close which campaign.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import jalali
from bot.context import Context
from bot.engine import Done, Draft, Flow, Go, Result, Screen, Step, Turn, answer
from bot.i18n import label, t
from bot.keyboards import Callback, button, cb, grid, inline
from bot.principal import Principal
from bot.text import NumberError, normalize, parse_count
from db.usecases import close_campaign, create_campaign
from handlers.common import edit_or_keep
from handlers.lookups import campaigns_screen, may_close, pressed

TITLE_MIN, TITLE_MAX = 3, 80
TARGET_MAX = 10**8


@dataclasses.dataclass
class CampaignDraft(Draft):
    """A campaign being created."""

    KIND = "campaign_admin"

    title: str = ""
    target: int = 0
    starts: str = ""
    ends: str = ""
    area: int = 0  # the service area whose types count; 0: every type


def _province(who: Principal) -> int | None:
    """Where the new campaign runs: the country for an admin, else the coordinator's province."""
    return None if who.admin else min(who.provinces)


async def ask_title(turn: Turn[CampaignDraft]) -> Screen:
    """Asks for the campaign's title."""
    return Screen(t("camp-ask-title"), [turn.nav(back=False)])


async def title_typed(turn: Turn[CampaignDraft], text: str) -> Result:
    """Takes the title."""
    title = normalize(text)
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        return turn.again(label("camp-bad-title", min=TITLE_MIN, max=TITLE_MAX))
    turn.draft.title = title
    return Go("target")


async def ask_target(turn: Turn[CampaignDraft]) -> Screen:
    """Asks for the target."""
    return Screen(t("camp-ask-target"), [turn.nav()])


async def target_typed(turn: Turn[CampaignDraft], text: str) -> Result:
    """Takes the target: a whole number above zero."""
    try:
        target = parse_count(text, maximum=TARGET_MAX)
    except NumberError:
        target = 0
    if target <= 0:
        return turn.again(label("camp-bad-target"))
    turn.draft.target = target
    return Go("start")


async def ask_start(turn: Turn[CampaignDraft]) -> Screen:
    """Asks for the first day."""
    example = jalali.format_numeric(turn.today())
    return Screen(t("camp-ask-start", example=example), [turn.nav()])


def _typed_date(turn: Turn[Any], text: str) -> date | str:
    """A typed Jalali date, or what is wrong with it."""
    try:
        return jalali.parse_date(text)
    except jalali.DateError as exc:
        return exc.describe(turn.today())


async def start_typed(turn: Turn[CampaignDraft], text: str) -> Result:
    """Takes the first day."""
    day = _typed_date(turn, text)
    if isinstance(day, str):
        return turn.again(day)
    turn.draft.starts = day.isoformat()
    return Go("end")


async def ask_end(turn: Turn[CampaignDraft]) -> Screen:
    """Asks for the last day."""
    start = jalali.format_date(date.fromisoformat(turn.draft.starts), weekday=False)
    return Screen(t("camp-ask-end", start=start), [turn.nav()])


async def end_typed(turn: Turn[CampaignDraft], text: str) -> Result:
    """Takes the last day: not before the first, not already past."""
    day = _typed_date(turn, text)
    if isinstance(day, str):
        return turn.again(day)
    if day < date.fromisoformat(turn.draft.starts) or day < turn.today():
        return turn.again(label("camp-bad-end"))
    turn.draft.ends = day.isoformat()
    return Go("types")


async def ask_types(turn: Turn[CampaignDraft]) -> Screen:
    """Asks which services count: every type, or those of one area."""
    areas = await turn.store.categories.areas()
    rows = grid([turn.button(a.name, "area", a.id) for a in areas], 2)
    rows.append([turn.button(label("camp-all-types"), "all")])
    return Screen(t("camp-ask-types"), [*rows, turn.nav()])


async def area_picked(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Counts the types of one area."""
    areas = {a.id for a in await turn.store.categories.areas()}
    if data.id(0) not in areas:
        return turn.again(label("use-buttons"))
    turn.draft.area = data.id(0) or 0
    return Go("confirm")


async def all_picked(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Counts every type."""
    turn.draft.area = 0
    return Go("confirm")


async def ask_confirm(turn: Turn[CampaignDraft]) -> Screen:
    """Shows the campaign as it will be created."""
    draft = turn.draft
    province_id = _province(turn.who)
    province = await turn.store.places.province(province_id) if province_id else None
    areas = {a.id: a.name for a in await turn.store.categories.areas()}
    text = t(
        "camp-confirm",
        title=draft.title,
        target=draft.target,
        range=jalali.format_range(date.fromisoformat(draft.starts), date.fromisoformat(draft.ends)),
        scope=t("stats-scope-province", name=province.name) if province else label("camp-national"),
        types=areas.get(draft.area, label("camp-all-types")),
    )
    return Screen(text, [[turn.button(label("camp-create"), "ok")], turn.nav()])


async def confirmed(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Creates the campaign."""
    draft = turn.draft
    await create_campaign(
        turn.store,
        turn.who.user_id,
        draft.title,
        draft.target,
        label("camp-unit"),
        date.fromisoformat(draft.starts),
        date.fromisoformat(draft.ends),
        _province(turn.who),
        draft.area or None,
    )
    rows = [[button(label("lookups-campaigns"), cb("cmp", "list"))]]
    return Done(t("camp-created", title=draft.title), inline(rows))


async def _start(turn: Turn[CampaignDraft], ids: tuple[int, ...]) -> Result:
    """The flow starts with the title."""
    return Go("title")


FLOW = Flow(
    draft=CampaignDraft,
    prefix="cpa",
    name="flow-name-campaign",
    steps={
        "title": Step(ask=ask_title, text=title_typed, expects="camp-expects-text"),
        "target": Step(ask=ask_target, text=target_typed, back="title", expects="camp-bad-target"),
        "start": Step(ask=ask_start, text=start_typed, back="target", expects="lookups-range-hint"),
        "end": Step(ask=ask_end, text=end_typed, back="start", expects="lookups-range-hint"),
        "types": Step(ask=ask_types, press={"area": area_picked, "all": all_picked}, back="end"),
        "confirm": Step(ask=ask_confirm, press={"ok": confirmed}, back="types"),
    },
    entries={"new": _start},
    must_confirm_cancel=lambda draft: bool(draft.ends),
)


async def begin(update: Update, context: Context) -> None:
    """«➕ پویش تازه»."""
    await context.bot_data.engine.start(update, context, FLOW, "new")


async def on_close(update: Update, context: Context) -> None:
    """Asks before closing a campaign, then closes it and shows the campaigns again."""
    data = pressed(update)
    query = update.callback_query
    campaign = await context.store.campaigns.get(data.id(0) or 0) if data else None
    if data is None or query is None or campaign is None or not campaign.active:
        await answer(update, label("lookups-gone"), alert=True)
        return
    if not may_close(context.who, campaign):
        await answer(update, label("not-allowed"), alert=True)
        return
    await answer(update)
    if data.action == "close":
        rows = [
            [
                button(label("button-yes"), cb("cpn", "closeok", campaign.id)),
                button(label("button-no"), cb("cmp", "list")),
            ]
        ]
        await edit_or_keep(query, t("camp-close-confirm", title=campaign.title), inline(rows))
        return
    assert context.who is not None
    await close_campaign(context.store, context.who.user_id, campaign.id)
    text, rows = await campaigns_screen(context.store, context.who)
    await edit_or_keep(query, f"{t('camp-closed', title=campaign.title)}\n\n{text}", inline(rows))


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The ways into campaign management."""
    return [
        CallbackQueryHandler(begin, pattern=r"^cpn:new$"),
        CallbackQueryHandler(on_close, pattern=r"^cpn:(close|closeok):\d+$"),
    ]
