"""Campaigns for admins and coordinators: create or edit one (one engine flow) and close one.

An admin's new campaign is national; a coordinator's is for their province. Creating asks each
field in turn and ends at a review screen; editing opens the same review screen with the
campaign's current values. From the review any field can be changed: the title, the target,
which service types count (every type, one area, or a picked set of types), the Jalali first
and last day, and, for a national campaign, its target split into province shares. Closing is a
button on the campaigns screen with a confirmation. Who may manage a campaign (admins any,
a coordinator their province's) is checked when the flow starts, on every update while it is
open (may_go_on, the flow's own rule) and again when it is saved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import NumberError, fmt_num, parse_count, truncate
from bot.kit.access import overseer
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.context import Context
from bot.kit.engine import Bounded, Done, Draft, Flow, Go, Result, Screen, Step, Turn, answer
from bot.kit.keyboards import Callback, Paging, button, cb, confirm, grid, inline
from bot.kit.principal import Principal
from db.models import Campaign, Province
from db.stats import Counting
from db.store import Store
from db.usecases import CampaignChange, close_campaign, create_campaign, update_campaign
from handlers.common import edit_or_keep
from handlers.lookups import campaigns_screen
from handlers.pickers import province_step

TITLE_MIN, TITLE_MAX = 3, 80
TITLE = Bounded(TITLE_MAX, "camp-bad-title", least=TITLE_MIN, markup="manage-no-markup")
TARGET_MAX = 10**8
AHEAD_DAYS = 366  # a campaign may begin up to a year from today
TYPES_PER_PAGE = 20
TYPES_SHOWN = 160  # characters of the picked types' names on the review screen
BUTTON_TEXT = 28  # characters of a type's name on a button
# What the review's ✏️ buttons open: (step, button's locale key).
FIELDS = (
    ("title", "manage-edit-title"),
    ("target", "manage-edit-target"),
    ("start", "manage-edit-start"),
    ("end", "manage-edit-end"),
    ("types", "manage-edit-types"),
)


@dataclasses.dataclass
class CampaignDraft(Draft):
    """A campaign being created, or edited (campaign_id set)."""

    KIND = "campaign_admin"

    title: str = ""
    target: int = 0
    starts: str = ""
    ends: str = ""
    area: int = 0  # the service area whose types count; 0: every type (or the picked ones)
    picked: list[int] = dataclasses.field(default_factory=list)  # the service types that count
    shares: list[list[int]] = dataclasses.field(default_factory=list)  # [province id, share]
    share_province: int = 0  # the province whose share is being typed
    campaign_id: int = 0  # the campaign being edited; 0 while creating one


def _province(who: Principal) -> int | None:
    """Where a new campaign runs: the country for an admin, else the coordinator's province."""
    return None if who.admin else min(who.provinces)


async def _editing(turn: Turn[CampaignDraft]) -> Campaign | None:
    """The campaign being edited, if it is still open (None while creating one)."""
    if not turn.draft.campaign_id:
        return None
    campaign = await turn.store.campaigns.get(turn.draft.campaign_id)
    return campaign if campaign is not None and campaign.active else None


async def _scope(turn: Turn[CampaignDraft]) -> int | None:
    """The campaign's province (None: national)."""
    campaign = await _editing(turn)
    if campaign is not None:
        return campaign.province_id
    return _province(turn.who)


def _counted(draft: CampaignDraft) -> frozenset[int]:
    """The areas and types the campaign counts (empty: every type)."""
    if draft.picked:
        return frozenset(draft.picked)
    return frozenset({draft.area}) if draft.area else frozenset()


async def _types_change(turn: Turn[CampaignDraft], campaign: Campaign) -> tuple[int, int] | None:
    """The campaign's progress now and with the draft's types, when those differ from the saved."""
    store = turn.store
    saved = await store.stats.counted_categories(campaign.id) or frozenset()
    wanted = await store.categories.expand(_counted(turn.draft))
    if wanted == saved:
        return None
    approved = store.stats.counting is Counting.APPROVED
    before = await store.campaigns.services_of_types(campaign.id, saved, approved_only=approved)
    after = await store.campaigns.services_of_types(campaign.id, wanted, approved_only=approved)
    return before, after


def _shares(draft: CampaignDraft) -> dict[int, int]:
    """The province shares typed so far."""
    return {int(p): int(n) for p, n in draft.shares}


# --- title, target, dates ------------------------------------------------------------------------


def _with_now(turn: Turn[CampaignDraft], question: Html, value: str | int) -> Html:
    """The question, and while editing from the review, the value it has now («الان: …»)."""
    if not turn.draft.reviewing:
        return question
    return Html(f"{question}\n{t('field-now', value=value)}")


def _day(iso: str) -> str:
    """A stored day as the person reads it (nothing while it is not typed yet)."""
    return jalali.format_date(date.fromisoformat(iso), weekday=False) if iso else ""


async def ask_title(turn: Turn[CampaignDraft]) -> Screen:
    """Asks for the campaign's title («نگه داشتن» and the current one while editing)."""
    return Screen(_with_now(turn, t("camp-ask-title"), turn.draft.title), [turn.nav()])


async def title_typed(turn: Turn[CampaignDraft], text: str) -> Result:
    """Takes the title."""
    title = turn.typed(text, TITLE)
    if isinstance(title, Go):
        return title
    turn.draft.title = title
    return turn.then("target")


async def ask_target(turn: Turn[CampaignDraft]) -> Screen:
    """Asks for the target."""
    question = t("camp-ask-target")
    return Screen(_with_now(turn, question, turn.draft.target), [turn.nav()])


def _positive(text: str) -> int:
    """A typed whole number up to TARGET_MAX (a target or a share), or 0 when it is not one."""
    try:
        return parse_count(text, maximum=TARGET_MAX)
    except NumberError:
        return 0


async def target_typed(turn: Turn[CampaignDraft], text: str) -> Result:
    """Takes the target: a whole number above zero."""
    target = _positive(text)
    if target <= 0:
        return turn.again(label("camp-bad-target"))
    turn.draft.target = target
    return turn.then("start")


async def ask_start(turn: Turn[CampaignDraft]) -> Screen:
    """Asks for the first day."""
    example = jalali.format_numeric(turn.today())
    question = t("camp-ask-start", example=example)
    return Screen(_with_now(turn, question, _day(turn.draft.starts)), [turn.nav()])


def _typed_date(turn: Turn[Any], text: str) -> date | str:
    """A typed Jalali date, or what is wrong with it."""
    try:
        return jalali.parse_date(text)
    except jalali.DateError as exc:
        return exc.describe(turn.today())


async def start_typed(turn: Turn[CampaignDraft], text: str) -> Result:
    """Takes the first day (a campaign may be prepared ahead, up to a year: a later one is a
    mistyped year); while editing, a last day now before it is asked again."""
    day = _typed_date(turn, text)
    if isinstance(day, str):
        return turn.again(day)
    if day > turn.today() + timedelta(days=AHEAD_DAYS):
        return turn.again(label("camp-start-future"))
    draft = turn.draft
    draft.starts = day.isoformat()
    if draft.reviewing and draft.ends and date.fromisoformat(draft.ends) < day:
        return Go("end", label("manage-end-before-start"))
    return turn.then("end")


async def ask_end(turn: Turn[CampaignDraft]) -> Screen:
    """Asks for the last day."""
    question = t("camp-ask-end", start=_day(turn.draft.starts))
    return Screen(_with_now(turn, question, _day(turn.draft.ends)), [turn.nav()])


async def end_typed(turn: Turn[CampaignDraft], text: str) -> Result:
    """Takes the last day: not before the first, not already past."""
    day = _typed_date(turn, text)
    if isinstance(day, str):
        return turn.again(day)
    if day < date.fromisoformat(turn.draft.starts) or day < turn.today():
        return turn.again(label("camp-bad-end"))
    turn.draft.ends = day.isoformat()
    return turn.then("types")


# --- which service types count -------------------------------------------------------------------


async def ask_types(turn: Turn[CampaignDraft]) -> Screen:
    """Asks which services count: every type, those of one area, or a picked set."""
    areas = await turn.store.categories.areas()
    rows = grid([turn.button(a.name, "area", a.id) for a in areas], 2)
    rows.append(
        [
            turn.button(label("camp-all-types"), "all"),
            turn.button(label("manage-pick-types"), "pick"),
        ]
    )
    question = _with_now(turn, t("camp-ask-types"), await _types_text(turn))
    return Screen(question, [*rows, turn.nav()])


async def area_picked(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Counts the types of one area."""
    areas = {a.id for a in await turn.store.categories.areas()}
    if data.id(0) not in areas:
        return turn.again(label("use-buttons"))
    turn.draft.area, turn.draft.picked = data.id(0) or 0, []
    return Go("confirm")


async def all_picked(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Counts every type."""
    turn.draft.area, turn.draft.picked = 0, []
    return Go("confirm")


async def pick_chosen(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Goes on to pick types one by one (starting from those of the chosen area, if any)."""
    draft = turn.draft
    if draft.area and not draft.picked:
        draft.picked = sorted(await turn.store.categories.expand({draft.area}))
    return Go("pick")


async def _pickable(turn: Turn[CampaignDraft]) -> list[tuple[int, str]]:
    """The types offered for picking: every active one, and retired ones already picked."""
    chosen = set(turn.draft.picked)
    return [
        (c.id, c.name)
        for c in await turn.store.categories.all_types(retired=True)
        if c.active or c.id in chosen
    ]


async def ask_pick(turn: Turn[CampaignDraft]) -> Screen:
    """Lists the types, a page at a time, each a toggle; «done» once one or more is picked."""
    draft = turn.draft
    types = await _pickable(turn)
    paging = Paging.of(len(types), TYPES_PER_PAGE, draft.page)
    chosen = set(draft.picked)
    shown = paging.shown(types)
    buttons = [
        turn.button(
            label("manage-type-on" if i in chosen else "manage-type-off", name=truncate(n, 24)),
            "tog",
            i,
        )
        for i, n in shown
    ]
    turn_row = paging.row(lambda text, to: turn.button(text, "tpage", to))
    rows = [
        *grid(buttons, 2),
        turn_row,
        [turn.button(label("manage-pick-done"), "tok")],
        turn.nav(),
    ]
    return Screen(t("manage-ask-pick", count=len(chosen)), rows)


async def type_toggled(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Adds a type to the picked ones, or takes it out."""
    type_id = data.id(0) or 0
    if type_id not in {i for i, _ in await _pickable(turn)}:
        return turn.again(label("stale-button"))
    picked = set(turn.draft.picked) ^ {type_id}
    turn.draft.picked = sorted(picked)
    return turn.again()


async def types_page(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Turns the page of types."""
    turn.draft.page = data.id(0) or 0
    return turn.again()


async def pick_done(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Counts the picked types (at least one)."""
    if not turn.draft.picked:
        return turn.again(label("manage-pick-none"))
    turn.draft.area = 0
    return Go("confirm")


# --- province shares ----------------------------------------------------------------------------


async def _share_lines(turn: Turn[CampaignDraft]) -> tuple[list[tuple[Province, int]], int]:
    """The shares typed so far with their provinces (in the provinces' order), and their total."""
    shares = _shares(turn.draft)
    provinces = [p for p in await turn.store.places.provinces() if p.id in shares]
    return [(p, shares[p.id]) for p in provinces], sum(shares.values())


def _share_total(total: int, target: int) -> Html:
    """The shares' total against the target, with a warning when they differ."""
    line = t("manage-shares-total", total=total, target=target)
    if total != target:
        key = "manage-shares-over" if total > target else "manage-shares-under"
        line = Html(f"{line}\n{t(key, gap=fmt_num(abs(target - total)))}")
    return line


async def ask_shares(turn: Turn[CampaignDraft]) -> Screen | Go:
    """Lists the province shares with their total against the target; add or remove one."""
    if await _scope(turn) is not None:
        return Go("confirm")  # shares split a national campaign only
    lines, total = await _share_lines(turn)
    parts: list[str] = [t("manage-shares-title", title=turn.draft.title)]
    if lines:
        parts += [t("manage-share-line", name=p.name, share=n) for p, n in lines]
        parts.append(_share_total(total, turn.draft.target))
    else:
        parts.append(t("manage-shares-none"))
    rows = [[turn.button(label("manage-share-add"), "addshare")]]
    rows += grid(
        [turn.button(label("manage-share-remove", name=p.name), "unshare", p.id) for p, _ in lines],
        2,
    )
    return Screen(Html("\n".join(parts)), [*rows, turn.nav()])


async def add_share(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Asks which province gets a share."""
    return Go("share_province")


async def remove_share(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Removes one province's share."""
    province_id = data.id(0) or 0
    turn.draft.shares = [[p, n] for p, n in turn.draft.shares if p != province_id]
    return turn.again()


async def share_province_picked(turn: Turn[CampaignDraft], province: Province) -> Result:
    """Takes the province whose share comes next."""
    turn.draft.share_province = province.id
    return Go("share_amount")


async def ask_share_amount(turn: Turn[CampaignDraft]) -> Screen | Go:
    """Asks the chosen province's share of the target."""
    province = await turn.store.places.province(turn.draft.share_province)
    if province is None:
        return Go("share_province")
    text = t("manage-ask-share", name=province.name, target=turn.draft.target)
    now = _shares(turn.draft).get(province.id)
    if now is not None:
        text = Html(f"{text}\n{t('field-now', value=now)}")
    return Screen(text, [turn.nav()])


async def share_amount_typed(turn: Turn[CampaignDraft], text: str) -> Result:
    """Takes the share: a whole number above zero."""
    share = _positive(text)
    if share <= 0:
        return turn.again(label("manage-bad-share"))
    draft = turn.draft
    draft.shares = [[p, n] for p, n in draft.shares if p != draft.share_province]
    draft.shares.append([draft.share_province, share])
    draft.share_province = 0
    return Go("shares")


# --- the review -----------------------------------------------------------------------------------


async def _types_text(turn: Turn[CampaignDraft]) -> str:
    """Which services count, in words."""
    draft = turn.draft
    if draft.picked:
        chosen = set(draft.picked)
        types = await turn.store.categories.all_types(retired=True)
        names = [c.name for c in types if c.id in chosen]
        text = truncate("، ".join(names), TYPES_SHOWN)
        return label("manage-types-picked", count=len(names), names=text)
    if draft.area:
        area = await turn.store.categories.get(draft.area)
        if area is not None:
            return area.name
    return label("camp-all-types")


async def ask_confirm(turn: Turn[CampaignDraft]) -> Screen:
    """Shows the campaign as it will be saved, with a ✏️ button for each field."""
    draft = turn.draft
    draft.reviewing = True
    campaign = await _editing(turn)
    if draft.campaign_id and campaign is None:  # closed meanwhile: nothing left to save
        return Screen(t("manage-campaign-gone"), [turn.nav(back=False)])
    province_id = await _scope(turn)
    province = await turn.store.places.province(province_id) if province_id else None
    starts, ends = date.fromisoformat(draft.starts), date.fromisoformat(draft.ends)
    parts: list[str] = [
        t(
            "camp-confirm",
            title=draft.title,
            target=draft.target,
            range=jalali.format_range(starts, ends),
            scope=t("stats-scope-province", name=province.name)
            if province
            else label("camp-national"),
            types=await _types_text(turn),
        )
    ]
    if province_id is None and draft.shares:
        lines, total = await _share_lines(turn)
        parts.append(t("manage-shares-brief", count=len(lines)))
        parts.append(_share_total(total, draft.target))
    if campaign is not None:
        outside = await turn.store.campaigns.reports_outside(campaign.id, starts, ends)
        if outside:
            parts.append(t("manage-reports-outside", count=outside))
        change = await _types_change(turn, campaign)
        if change is not None:
            parts.append(t("manage-types-effect", before=change[0], after=change[1]))
    edits = [turn.button(label(key), "edit", i) for i, (_, key) in enumerate(FIELDS)]
    rows = grid(edits, 2)
    if province_id is None:
        rows[-1].append(turn.button(label("manage-edit-shares"), "shares"))
    save = label("manage-save") if campaign is not None else label("camp-create")
    rows.append([turn.button(save, "ok")])
    rows.append(turn.nav(back=campaign is None))
    return Screen(Html("\n\n".join(parts)), rows)


async def edit_pressed(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Opens one field from the review."""
    index = data.id(0)
    if index is None or index >= len(FIELDS):
        return turn.again(label("use-buttons"))
    return Go(FIELDS[index][0])


async def shares_pressed(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Opens the province shares from the review."""
    return Go("shares")


async def confirmed(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Creates the campaign, or saves the edit; a change of the counted types is confirmed first."""
    campaign = await _editing(turn)
    if campaign is not None and await _types_change(turn, campaign) is not None:
        return Go("save_types")
    return await _save(turn)


async def ask_save_types(turn: Turn[CampaignDraft]) -> Screen | Go:
    """Asks before saving counted types that change the campaign's progress for everyone."""
    campaign = await _editing(turn)
    change = await _types_change(turn, campaign) if campaign is not None else None
    if change is None:
        return Go("confirm")
    rows = [
        [turn.button(label("manage-types-save-yes"), "sure")],
        [turn.button(label("button-back"), "back")],
    ]
    return Screen(t("manage-types-confirm", before=change[0], after=change[1]), rows)


async def save_sure(turn: Turn[CampaignDraft], data: Callback) -> Result:
    """Saves the edit once the change of counted types is confirmed."""
    return await _save(turn)


async def _save(turn: Turn[CampaignDraft]) -> Result:
    """Creates the campaign, or saves the edit (if the person may still manage it)."""
    draft = turn.draft
    starts, ends = date.fromisoformat(draft.starts), date.fromisoformat(draft.ends)
    rows = [[button(label("lookups-campaigns"), cb("cmp", "list"))]]
    if not draft.campaign_id:
        await create_campaign(
            turn.store,
            turn.who.user_id,
            draft.title,
            draft.target,
            label("camp-unit"),
            starts,
            ends,
            _province(turn.who),
            counted=_counted(draft),
            shares=_shares(draft),
        )
        if starts > turn.today():  # prepared ahead: listed apart until its first day
            when = jalali.format_date(starts, weekday=False)
            return Done(t("camp-created-ahead", title=draft.title, start=when), inline(rows))
        return Done(t("camp-created", title=draft.title), inline(rows))
    campaign = await _editing(turn)
    if campaign is None or not turn.who.manages(campaign):
        return Done(t("manage-campaign-gone"), inline(rows))
    change = CampaignChange(
        title=draft.title,
        target=draft.target,
        starts_on=starts,
        ends_on=ends,
        counted=_counted(draft),
        shares=_shares(draft) if campaign.province_id is None else None,
    )
    if not await update_campaign(turn.store, turn.who.user_id, campaign.id, change):
        return Done(t("manage-campaign-gone"), inline(rows))
    return Done(t("manage-saved", title=draft.title), inline(rows))


# --- entries ------------------------------------------------------------------------------------


async def _start(turn: Turn[CampaignDraft], ids: tuple[int, ...]) -> Result:
    """Creating starts with the title."""
    return Go("title")


async def _start_edit(turn: Turn[CampaignDraft], ids: tuple[int, ...]) -> Result:
    """Editing starts at the review, with the campaign's current values."""
    campaign = await turn.store.campaigns.get(ids[0] if ids else 0)
    if campaign is None or not campaign.active or not turn.who.manages(campaign):
        return Done(t("manage-campaign-gone"))
    draft = turn.draft
    draft.campaign_id, draft.title, draft.target = campaign.id, campaign.title, campaign.target
    draft.starts, draft.ends = campaign.starts_on.isoformat(), campaign.ends_on.isoformat()
    counted = await turn.store.stats.counted_categories(campaign.id)
    if counted:
        for area in await turn.store.categories.all_areas():
            if await turn.store.categories.expand({area.id}) == counted:
                draft.area = area.id
                break
        else:
            draft.picked = sorted(counted)
    if campaign.province_id is None:
        draft.shares = [
            [s.province_id, s.target] for s in await turn.store.stats.shares(campaign, turn.today())
        ]
    draft.reviewing = True
    return Go("confirm")


async def may_go_on(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Creating a campaign: while the person is still an admin or a coordinator; editing one:
    while they still manage it (admins any, a coordinator their province's)."""
    campaign_id = draft.get("campaign_id")
    if campaign_id:
        campaign = await store.campaigns.get(int(campaign_id))
        return campaign is not None and who.manages(campaign)
    return who.admin or who.coordinator


FLOW = Flow(
    draft=CampaignDraft,
    prefix="cpa",
    rule=overseer,
    allowed=may_go_on,
    name="flow-name-campaign",
    steps={
        "title": Step(ask=ask_title, text=title_typed, expects="camp-expects-text", edits=True),
        "target": Step(
            ask=ask_target, text=target_typed, back="title", expects="camp-bad-target", edits=True
        ),
        "start": Step(
            ask=ask_start, text=start_typed, back="target", expects="lookups-range-hint", edits=True
        ),
        "end": Step(
            ask=ask_end, text=end_typed, back="start", expects="lookups-range-hint", edits=True
        ),
        "types": Step(
            ask=ask_types,
            press={"area": area_picked, "all": all_picked, "pick": pick_chosen},
            back="end",
            edits=True,
        ),
        "pick": Step(
            ask=ask_pick,
            press={"tog": type_toggled, "tpage": types_page, "tok": pick_done},
            back="types",
        ),
        "confirm": Step(
            ask=ask_confirm,
            press={"ok": confirmed, "edit": edit_pressed, "shares": shares_pressed},
            back="types",
        ),
        "save_types": Step(ask=ask_save_types, press={"sure": save_sure}, back="confirm"),
        "shares": Step(
            ask=ask_shares, press={"addshare": add_share, "unshare": remove_share}, back="confirm"
        ),
        "share_province": province_step(
            share_province_picked, back="shares", question="manage-ask-share-province"
        ),
        "share_amount": Step(
            ask=ask_share_amount,
            text=share_amount_typed,
            back="share_province",
            expects="manage-bad-share",
        ),
    },
    entries={"new": _start, "edit": _start_edit},
    review="confirm",
    must_confirm_cancel=lambda draft: bool(draft.ends),
)


async def begin(update: Update, context: Context, data: Callback) -> None:
    """«➕ پویش تازه»."""
    await context.bot_data.engine.start(update, context, FLOW, "new")


def _on_campaign(act: Callable[[Update, Context, Campaign], Awaitable[None]]) -> Show:
    """A button on a running campaign, only for who may manage it (re-checked here: ids are
    client input; a coordinator manages only their province's)."""

    async def show(update: Update, context: Context, data: Callback) -> None:
        """Finds the campaign, then acts on it."""
        campaign = await context.store.campaigns.get(data.id(0) or 0)
        if update.callback_query is None or campaign is None or not campaign.active:
            await answer(update, label("lookups-gone"), alert=True)
            return
        if context.who is None or not context.who.manages(campaign):
            await answer(update, label("not-allowed"), alert=True)
            return
        await act(update, context, campaign)

    return show


async def _edit(update: Update, context: Context, campaign: Campaign) -> None:
    """«✏️ ویرایش»."""
    await context.bot_data.engine.start(update, context, FLOW, "edit", campaign.id)


def _ahead(context: Context, campaign: Campaign) -> bool:
    """Not begun yet: closing it calls it off."""
    return campaign.starts_on > jalali.today(context.store.db.clock)


async def _close_asked(update: Update, context: Context, campaign: Campaign) -> None:
    """Asks before closing a campaign."""
    assert update.callback_query is not None
    await answer(update)
    rows = confirm(cb("cpn", "closeok", campaign.id), cb("cmp", "list"))
    ask = "camp-cancel-confirm" if _ahead(context, campaign) else "camp-close-confirm"
    await edit_or_keep(update.callback_query, t(ask, title=campaign.title), inline(rows))


async def _closed(update: Update, context: Context, campaign: Campaign) -> None:
    """Closes the campaign (asked first) and shows the campaigns again."""
    assert update.callback_query is not None and context.who is not None
    await answer(update)
    ahead = _ahead(context, campaign)
    await close_campaign(context.store, context.who.user_id, campaign.id)
    text, rows = await campaigns_screen(context.store, context.who)
    done = t("camp-cancelled" if ahead else "camp-closed", title=campaign.title)
    await edit_or_keep(update.callback_query, f"{done}\n\n{text}", inline(rows))


# The buttons this feature makes outside its flow, and who may press them (bot.kit.buttons):
# overseers (the handler checks a coordinator closes only their province's), and what each shows.
CAMPAIGN = Buttons(
    "cpn",
    allow(overseer, "new"),
    allow(overseer, "close", "closeok", "edit", ids="campaign"),
)
BUTTONS = (CAMPAIGN,)
SCREENS: dict[str, Show] = {
    "new": begin,
    "edit": _on_campaign(_edit),
    "close": _on_campaign(_close_asked),
    "closeok": _on_campaign(_closed),
}


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The ways into campaign management."""
    return [CAMPAIGN.screens(SCREENS)]
