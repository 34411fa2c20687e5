"""The weekly digest: one week's figures for a scope, and how they read as Persian HTML messages.

`WeekDigest` is the input (db.digest_week: storage fills it in, db.digest_queries);
`render_messages()` turns it into messages that each fit Telegram's limit, `render_caption()` gives
the chart's caption, `content_hash()` tells whether a posted digest needs an edit. Every name is
HTML-escaped and wrapped in a bidi isolate, numbers are Persian, dates Jalali.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
from datetime import date, timedelta
from typing import Final

from bot.core import jalali
from bot.core.i18n import Html, t
from bot.core.text import escape, utf16_len
from bot.figures.wording import (
    campaign_line,
    campaign_unit,
    join_figures,
    people_text,
    share_schedule,
    shares_summary,
    verdict_text,
    waiting_text,
)
from db.digest_week import CampaignWeek, PlaceLevel, Ranked, Run, WeekDigest
from db.models import ScopeKind
from db.stats import Figures, _rank

MESSAGE_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024
MAX_SERVICES: Final = 8  # service types listed by name; the rest are summed in one line

# First-strong isolate and its pop: a name in Latin letters (or starting with digits) keeps its
# own direction without turning the Persian line around it; the paragraph stays right-to-left.
_FSI: Final = "\u2068"
_PDI: Final = "\u2069"
_TAG: Final = re.compile(r"<[^>]+>")


def last_ended_week(day: date) -> date:
    """The Saturday of the latest week that has ended by day (a Friday ends its own week)."""
    return jalali.week_of(day - timedelta(days=6))[0]


def isolate(name: str) -> str:
    """Wraps a name in a first-strong isolate so that it cannot reorder the line around it.

    Line breaks inside a name become spaces: a digest line (and its tags) stays one line.
    """
    return _FSI + " ".join(name.splitlines()) + _PDI


def week_range(digest: WeekDigest) -> str:
    """The week's Jalali range: «۲۳ تا ۲۹ آبان ۱۴۰۵»."""
    return jalali.format_range(digest.week_start, digest.week_end)


def _title(digest: WeekDigest) -> Html:
    week = week_range(digest)
    if digest.scope is ScopeKind.PROVINCE:
        return t("digest-title-province", province=isolate(digest.scope_name), week=week)
    if digest.scope is ScopeKind.CAMPAIGN:
        return t("digest-title-campaign", campaign=isolate(digest.scope_name), week=week)
    return t("digest-title-national", week=week)


def _change(current: int, previous: int) -> Html:
    if previous == 0:
        return t("digest-change-new")
    percent = round(abs(current - previous) * 100 / previous)
    if percent == 0:
        return t("digest-change-same")
    key = "digest-change-up" if current > previous else "digest-change-down"
    return t(key, percent=percent)


def _totals(digest: WeekDigest) -> list[Html]:
    """The week's reports and groups (a total across service types counts reports), people
    served when anyone counted them, what waits for review, and the change against the week
    before."""
    now, before = digest.current, digest.previous
    if digest.empty and not digest.pending:
        lines = [t("digest-empty")]
        if before.reports:
            lines.append(t("digest-empty-previous", reports=before.reports))
        return lines
    line = join_figures(
        t("digest-totals", reports=now.reports, groups=now.groups) if now.reports else "",
        people_text(Figures(beneficiaries=now.beneficiaries)),
        waiting_text(digest.pending),
    )
    # Reports filed (counted and waiting) against the week before's: a slow review is no change.
    change = _change(now.reports + digest.pending, before.reports + digest.previous_pending)
    return [Html(line + " " + change)]


def _services(digest: WeekDigest, most: int) -> list[Html]:
    lines = [t("digest-services-title")]
    shown, rest = digest.services[:most], digest.services[most:]
    for item in shown:
        if item.unit:
            lines.append(
                t(
                    "digest-service-line",
                    name=isolate(item.name),
                    quantity=item.quantity,
                    unit=item.unit,
                )
            )
        else:
            lines.append(
                t("digest-service-line-no-unit", name=isolate(item.name), quantity=item.quantity)
            )
    if rest:  # unlike units: counted in reports, not summed
        reports = sum(item.reports for item in rest)
        lines.append(t("digest-services-more", count=len(rest), reports=reports))
    return lines


def _ranking(title: Html, items: tuple[Ranked, ...]) -> list[Html]:
    """A leading list; equal counts share a rank (1, 2, 2, 4), as on /top (db.stats's rule)."""
    ranks = _rank([item.reports for item in items])
    return [title] + [
        t("digest-rank-line", rank=rank, name=isolate(item.name), reports=item.reports)
        for item, rank in zip(items, ranks, strict=True)
    ]


def _streaks(items: tuple[Run, ...]) -> list[Html]:
    """The groups with the longest runs of weeks with a report (equal runs share a rank)."""
    ranks = _rank([item.weeks for item in items])
    return [t("digest-streaks-title")] + [
        t("digest-streak-line", rank=rank, name=isolate(item.name), weeks=item.weeks)
        for item, rank in zip(items, ranks, strict=True)
    ]


def _campaign(digest: WeekDigest, item: CampaignWeek) -> list[Html]:
    """A campaign at the week's end: its bar and verdict as /campaign says them (one
    computation, one wording), the week's count, and its province shares: a province's own
    share line in its digest, else how many provinces are behind their share's schedule."""
    progress = item.progress
    campaign = progress.campaign
    when = t("digest-when-week-end")
    lines = [
        campaign_line(progress, isolate(campaign.title)),
        t("digest-campaign-week", week=item.week, unit=campaign_unit(campaign))
        if item.week
        else t("digest-campaign-week-none"),
        verdict_text(progress, when),
    ]
    if digest.scope is ScopeKind.PROVINCE:
        name, title = isolate(digest.scope_name), isolate(campaign.title)
        lines += [share_schedule(campaign, name, s, when, title=title) for s in item.shares]
    elif item.shares:
        lines.append(shares_summary(item.shares))
    return lines


def render_sections(digest: WeekDigest, *, most_services: int = MAX_SERVICES) -> list[Html]:
    """The digest as sections (blank-line separated in a message), each of whole lines."""
    sections: list[list[Html]] = [[_title(digest), *_totals(digest)]]
    if digest.services:
        sections.append(_services(digest, most_services))
    if digest.top_groups:
        sections.append(_ranking(t("digest-groups-title"), digest.top_groups))
    if digest.streaks:
        sections.append(_streaks(digest.streaks))
    if digest.top_places:
        key = (
            "digest-counties-title"
            if digest.place_level is PlaceLevel.COUNTY
            else "digest-provinces-title"
        )
        sections.append(_ranking(t(key), digest.top_places))
    for campaign in digest.campaigns:
        sections.append(_campaign(digest, campaign))
    closing = [t("digest-late")] if digest.late else []
    closing.append(t("digest-thanks-empty") if digest.empty else t("digest-thanks"))
    sections.append(closing)
    return [Html("\n".join(lines)) for lines in sections]


def render_html(digest: WeekDigest, *, most_services: int = MAX_SERVICES) -> Html:
    """The whole digest as one HTML text (it may be longer than one message)."""
    return Html("\n\n".join(render_sections(digest, most_services=most_services)))


def render_messages(
    digest: WeekDigest, limit: int = MESSAGE_LIMIT, *, most_services: int = MAX_SERVICES
) -> list[Html]:
    """The digest as HTML messages, each at most limit UTF-16 units, split between sections."""
    return split_messages(render_html(digest, most_services=most_services), limit)


def render_caption(digest: WeekDigest) -> Html:
    """The chart's caption: the title and the week's totals, within Telegram's caption limit."""
    return split_messages(render_sections(digest)[0], CAPTION_LIMIT)[0]


def render_plain(digest: WeekDigest) -> str:
    """The digest as plain text (no tags, no entities), for files and logs."""
    return to_plain(render_html(digest))


def to_plain(text: str) -> str:
    """Strips the tags of Telegram HTML and unescapes its entities."""
    return html.unescape(_TAG.sub("", text))


def content_hash(digest: WeekDigest) -> str:
    """A fingerprint of the digest's figures; a posted digest is edited when it changes.

    The late flag is left out: an edit of a late post is not a change of content.
    """
    fields = dataclasses.asdict(digest)
    del fields["late"]
    # Fields added later count only when set: digests posted before them keep their hash.
    for added in ("pending", "map", "streaks", "previous_pending"):
        if not fields[added]:
            del fields[added]
    data = json.dumps(fields, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# --- splitting -------------------------------------------------------------------------------


def _cut_line(line: str, limit: int) -> list[str]:
    """Cuts one line longer than limit into pieces that fit (tags dropped, text kept)."""
    if utf16_len(line) <= limit:
        return [line]
    pieces: list[str] = []
    current = ""
    for ch in to_plain(line):
        if utf16_len(escape(current + ch)) > limit:
            boundary = current.rfind(" ")
            if boundary > len(current) // 2:
                pieces.append(escape(current[:boundary]))
                current = current[boundary + 1 :]
            else:
                pieces.append(escape(current))
                current = ""
        current += ch
    if current.strip():
        pieces.append(escape(current))
    return pieces


def split_messages(text: str, limit: int = MESSAGE_LIMIT) -> list[Html]:
    """Splits HTML into messages of at most limit UTF-16 units.

    Cuts between sections (blank lines) where it can, between lines where a section is too long,
    and inside a line only if one line alone is too long. Tags never span lines in a digest, so
    every message stays well-formed.
    """
    if limit < 16:
        raise ValueError("limit is too small for a message")
    pieces: list[tuple[str, str]] = []  # (separator before it, piece)
    for section in text.split("\n\n"):
        if utf16_len(section) <= limit:
            pieces.append(("\n\n", section))
            continue
        separator = "\n\n"
        for line in section.split("\n"):
            for part in _cut_line(line, limit):
                pieces.append((separator, part))
                separator = "\n"
    messages: list[str] = []
    current = ""
    for separator, piece in pieces:
        if not piece.strip():
            continue
        if not current:
            current = piece
        elif utf16_len(current) + utf16_len(separator) + utf16_len(piece) <= limit:
            current += separator + piece
        else:
            messages.append(current)
            current = piece
    if current:
        messages.append(current)
    return [Html(m) for m in messages]
