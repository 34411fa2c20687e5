"""Which week and which scope a digest is asked for, typed by an admin (/digest) or an operator
(`khedmatyar digest preview`, `khedmatyar channel`)."""

from __future__ import annotations

from datetime import date

from bot.core import jalali
from bot.core.config import ConfigError
from bot.core.i18n import label
from bot.core.text import search_key, to_latin_digits
from bot.digest.render import last_ended_week
from db.channels import ChannelScope
from db.database import Database


def parse_week(text: str | None, today: date) -> date:
    """The Saturday of the week holding a typed Jalali date; by default the last week ended."""
    if not text:
        return last_ended_week(today)
    try:
        return jalali.week_of(jalali.parse_date(text))[0]
    except jalali.DateError as exc:
        raise ConfigError(exc.describe(today)) from exc


async def parse_scope(db: Database, text: str) -> ChannelScope:
    """Reads national, province:<name> or campaign:<id> into a scope."""
    kind, _, value = text.partition(":")
    kind = kind.strip().lower()
    value = value.strip()
    if kind == "national" and not value:
        return ChannelScope.national()
    if kind == "province" and value:
        key = search_key(value)
        row = await db.fetchone(
            "SELECT id FROM provinces WHERE search_key = ? OR code = ?", (key, value.upper())
        )
        if row is None:
            raise ConfigError(label("cli-digest-no-province", name=value))
        return ChannelScope.province(int(row["id"]))
    if kind == "campaign" and to_latin_digits(value).isdigit():
        campaign_id = int(to_latin_digits(value))
        if await db.scalar("SELECT id FROM campaigns WHERE id = ?", (campaign_id,)) is None:
            raise ConfigError(label("cli-digest-no-campaign", id=str(campaign_id)))
        return ChannelScope.campaign(campaign_id)
    raise ConfigError(label("cli-digest-bad-scope", scope=text))
