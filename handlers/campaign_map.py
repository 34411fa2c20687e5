"""«🗺 نقشه» under /campaign: a national campaign's province map, for anyone who asks.

The press is answered at once; the figures are read (db.map_queries) and the map drawn in a worker
thread (matplotlib loads on the first map), then sent as a photo whose caption says what the
colours measure. A coordinator's provinces are outlined on it and their figures named.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import fmt_percent, truncate
from bot.digest.render import CAPTION_LIMIT, split_messages
from bot.kit.access import anyone
from bot.kit.buttons import Buttons, allow
from bot.kit.context import Context
from bot.kit.engine import answer
from bot.kit.keyboards import button, cb, inline
from db.map_queries import campaign_map
from db.models import Campaign
from db.province_map import MapBasis, ProvinceMap


def map_rows(campaigns: list[Campaign]) -> list[list[InlineKeyboardButton]]:
    """A «🗺 نقشه» button for each national campaign shown (named when there are several)."""
    national = [c for c in campaigns if c.province_id is None]
    if len(national) == 1:
        return [[button(label("lookups-campaign-map"), cb("cmp", "map", national[0].id))]]
    return [
        [
            button(
                label("lookups-campaign-map-named", title=truncate(c.title, 28)),
                cb("cmp", "map", c.id),
            )
        ]
        for c in national
    ]


def caption(data: ProvinceMap) -> Html:
    """The map's caption: the campaign, what the colours measure, the asker's provinces."""
    lines = [t("lookups-map-title", title=data.title)]
    shares = data.basis is MapBasis.SHARES
    lines.append(t("lookups-map-shares" if shares else "lookups-map-per-group"))
    for figure in data.provinces:
        if figure.code not in data.highlight:
            continue
        if shares and figure.base:
            line = t(
                "lookups-map-yours-share",
                province=figure.name,
                done=figure.done,
                share=figure.base,
                percent=fmt_percent(figure.done, figure.base),
            )
        elif shares:
            line = t("lookups-map-yours-no-share", province=figure.name, done=figure.done)
        else:
            line = t(
                "lookups-map-yours-groups",
                province=figure.name,
                done=figure.done,
                groups=figure.base,
            )
        lines.append(line)
    return split_messages("\n".join(lines), CAPTION_LIMIT)[0]  # whole lines that fit


async def show_map(update: Update, context: Context) -> None:
    """«🗺 نقشه»: the campaign's province map, the asker's provinces outlined for a coordinator."""
    await answer(update)
    data = context.press
    chat = update.effective_chat
    if data is None or chat is None:
        return
    store = context.store
    campaign = await store.campaigns.get(data.id() or 0)
    back = inline([[button(label("lookups-campaigns"), cb("cmp", "list"))]])
    if campaign is None or not campaign.active or campaign.province_id is not None:
        await chat.send_message(t("lookups-map-gone"), reply_markup=back)
        return
    await chat.send_action(ChatAction.UPLOAD_PHOTO)
    today = jalali.today(store.db.clock)
    figures = await campaign_map(store.db, campaign, today, store.stats.counting)
    who = context.who
    if who is not None and who.provinces:
        codes = {p.id: p.code for p in await store.places.provinces()}
        figures = figures.with_highlight(codes[p] for p in who.provinces if p in codes)
    from bot.maps.render import render_map_async  # matplotlib loads with the first map

    picture = await render_map_async(figures)
    await chat.send_photo(picture, caption=caption(figures), reply_markup=back)


# The buttons this feature makes, and who may press them (bot.kit.buttons).
BUTTONS = (Buttons("cmp", allow(anyone, "map", ids="campaign")),)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The map button of /campaign."""
    return [CallbackQueryHandler(show_map, pattern=r"^cmp:map:\d+$")]
