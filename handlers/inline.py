"""Inline mode: a leader shares the group's card, or a campaign's progress, into any chat.

The share buttons (`switch_inline_query_chosen_chat`) write `@bot group:12` or `@bot campaign:3`
in the chat the person picks; the answer is one read-only card: its text and a single button
back to the bot. An empty query offers the person's own groups and the running campaigns. Who may
share what is checked here, on every query: the query text is client input like callback data.
"""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import BaseHandler, InlineQueryHandler

from bot.core import jalali
from bot.core.i18n import label, t
from bot.figures.wording import render_progress
from bot.kit.context import Context
from bot.kit.keyboards import inline, url_button
from bot.kit.principal import Principal
from db.models import Campaign, Group, GroupStatus
from handlers.group_view import group_card, place_text

GROUP_CARD = "group"
CAMPAIGN_CARD = "campaign"
RESULTS_MAX = 10  # an empty query's offer: the person's groups, then running campaigns


def inline_query(kind: str, item_id: int) -> str:
    """What a share button writes after the bot's name: `group:12`, `campaign:3`."""
    return f"{kind}:{item_id}"


def _parse(query: str) -> tuple[str, int] | None:
    kind, _, number = query.strip().partition(":")
    if kind not in (GROUP_CARD, CAMPAIGN_CARD) or not number.isdigit() or len(number) > 16:
        return None
    return kind, int(number)


def _shares_campaigns(who: Principal) -> bool:
    """Leaders share campaigns' progress; so do those who run campaigns."""
    return bool(who.led_groups) or who.admin or who.coordinator


def _back_to_bot(context: Context) -> InlineKeyboardMarkup:
    """The card's one button: the bot itself, for whoever reads the card."""
    link = f"https://t.me/{context.bot.username}"
    return inline([[url_button(label("share-open-bot"), link)]])


async def _group_result(context: Context, group: Group) -> InlineQueryResultArticle:
    text = await group_card(
        context.store, group, invite=None, bot_username=context.bot.username, show_invite=False
    )
    return InlineQueryResultArticle(
        f"{GROUP_CARD}-{group.id}",
        group.name,
        InputTextMessageContent(f"{text}\n\n{t('share-card-footer')}"),
        reply_markup=_back_to_bot(context),
        description=place_text(group.county_name, group.province_name),
    )


async def _campaign_result(context: Context, campaign: Campaign) -> InlineQueryResultArticle:
    store = context.store
    progress = await store.stats.progress(campaign, jalali.today(store.db.clock))
    text = render_progress(progress)
    return InlineQueryResultArticle(
        f"{CAMPAIGN_CARD}-{campaign.id}",
        campaign.title,
        InputTextMessageContent(f"{text}\n\n{t('share-card-footer')}"),
        reply_markup=_back_to_bot(context),
        description=label("share-campaign-description"),
    )


async def _shareable_group(context: Context, who: Principal, group_id: int) -> Group | None:
    group = await context.store.groups.get(group_id)
    if group is None or group.status is not GroupStatus.ACTIVE or not who.leads(group.id):
        return None
    return group


async def _running(context: Context) -> list[Campaign]:
    store = context.store
    return list(await store.campaigns.running_anywhere(jalali.today(store.db.clock)))


async def answer_query(update: Update, context: Context) -> None:
    """Answers an inline query with the cards this person may share (none for anyone else)."""
    query = update.inline_query
    who = context.who
    if query is None:
        return
    results: list[InlineQueryResultArticle] = []
    asked = _parse(query.query)
    if who is not None and asked is not None and asked[0] == GROUP_CARD:
        group = await _shareable_group(context, who, asked[1])
        if group is not None:
            results.append(await _group_result(context, group))
    elif who is not None and asked is not None and _shares_campaigns(who):
        found = [c for c in await _running(context) if c.id == asked[1]]
        results += [await _campaign_result(context, c) for c in found]
    elif who is not None and not query.query.strip():
        for membership in who.led_groups:
            group = await _shareable_group(context, who, membership.group_id)
            if group is not None:
                results.append(await _group_result(context, group))
        if _shares_campaigns(who):
            results += [await _campaign_result(context, c) for c in await _running(context)]
    await query.answer(results[:RESULTS_MAX], cache_time=0, is_personal=True)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The inline query handler."""
    return [InlineQueryHandler(answer_query)]
