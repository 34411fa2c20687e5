"""Repositories of digest channels and of the ledger that makes each weekly post happen once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from db.database import Database, Row
from db.models import ScopeKind as ScopeKind  # the one kind of scope; imported from here too

WEEKDAY_NAMES = ("saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday")


@dataclass(frozen=True, slots=True)
class ChannelScope:
    """A digest scope: the whole country, one province, or one campaign."""

    kind: ScopeKind
    province_id: int | None = None
    campaign_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in (ScopeKind.NATIONAL, ScopeKind.PROVINCE, ScopeKind.CAMPAIGN):
            raise ValueError(f"a digest covers a country, province or campaign, not {self.kind}")
        if (self.kind is ScopeKind.PROVINCE) != (self.province_id is not None):
            raise ValueError("a province scope needs a province id, and only it")
        if (self.kind is ScopeKind.CAMPAIGN) != (self.campaign_id is not None):
            raise ValueError("a campaign scope needs a campaign id, and only it")

    @classmethod
    def national(cls) -> ChannelScope:
        """The national scope."""
        return cls(ScopeKind.NATIONAL)

    @classmethod
    def province(cls, province_id: int) -> ChannelScope:
        """The scope of one province."""
        return cls(ScopeKind.PROVINCE, province_id=province_id)

    @classmethod
    def campaign(cls, campaign_id: int) -> ChannelScope:
        """The scope of one campaign."""
        return cls(ScopeKind.CAMPAIGN, campaign_id=campaign_id)


class PauseReason(StrEnum):
    """Why a channel gets no digests for now."""

    ADMIN = "admin"  # paused by an admin
    FAILED = "failed"  # delivery failed (bot removed, rights taken, channel deleted)


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel that receives the weekly digest."""

    id: int
    chat_id: int
    title: str
    scope: ChannelScope
    scope_name: str  # the province's name or the campaign's title; '' for national
    weekday: str | None  # override of [digest] weekday ('friday' …); None: the default
    post_time: str | None  # override of [digest] time ('20:00'); None: the default
    paused: bool
    paused_reason: PauseReason | None
    paused_note: str
    paused_at: str | None
    schedule_since: datetime | None = None  # when its day and time were last set; None: long ago


class PostState(StrEnum):
    """Where a digest post is in its sending."""

    SENDING = "sending"
    SENT = "sent"


@dataclass(frozen=True, slots=True)
class DigestPost:
    """One channel's digest of one Jalali week, as recorded in the ledger."""

    id: int
    chat_id: int
    week_start: date
    state: PostState
    message_ids: tuple[int, ...]
    chart_message_id: int | None
    chart_file_id: str
    content_hash: str
    late: bool
    claimed_at: str
    posted_at: str | None
    edited_at: str | None
    map_message_id: int | None = None  # the map, sent with the chart as one album
    map_file_id: str = ""

    @property
    def anything_sent(self) -> bool:
        """True when at least one message of this post is known to have gone out."""
        return bool(self.message_ids) or self.chart_message_id is not None


_CHANNEL_SELECT = """
SELECT ch.*, COALESCE(p.name, COALESCE(k.title, '')) AS scope_name
FROM channels ch
LEFT JOIN provinces p ON p.id = ch.province_id
LEFT JOIN campaigns k ON k.id = ch.campaign_id
"""


def _channel(row: Row) -> Channel:
    reason = row["paused_reason"]
    since = row["schedule_since"]
    return Channel(
        id=row["id"],
        chat_id=row["chat_id"],
        title=row["title"],
        scope=ChannelScope(ScopeKind(row["scope"]), row["province_id"], row["campaign_id"]),
        scope_name=row["scope_name"],
        weekday=row["weekday"],
        post_time=row["post_time"],
        paused=bool(row["paused"]),
        paused_reason=None if reason is None else PauseReason(reason),
        paused_note=row["paused_note"],
        paused_at=row["paused_at"],
        schedule_since=None if since is None else datetime.fromisoformat(since),
    )


def _check_schedule(weekday: str | None, post_time: str | None) -> None:
    if weekday is not None and weekday not in WEEKDAY_NAMES:
        raise ValueError(f"weekday must be one of {WEEKDAY_NAMES}, not {weekday!r}")
    if post_time is not None:
        hour, _, minute = post_time.partition(":")
        if not (
            len(hour) == 2
            and len(minute) == 2
            and hour.isascii()
            and minute.isascii()
            and hour.isdigit()
            and minute.isdigit()
            and int(hour) < 24
            and int(minute) < 60
        ):
            raise ValueError(f"post_time must be HH:MM, not {post_time!r}")


class ChannelRepo:
    """Adds, lists, schedules, pauses and removes digest channels."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, chat_id: int, title: str, scope: ChannelScope, by: int | None = None
    ) -> tuple[Channel, bool]:
        """Subscribes a channel (or changes the scope and title of one already there).

        Returns the channel and True when it was new. Adding again also resumes it.
        """
        now = self.db.stamp()
        async with self.db.transaction():
            existed = await self.db.scalar("SELECT id FROM channels WHERE chat_id = ?", (chat_id,))
            await self.db.execute(
                "INSERT INTO channels (chat_id, title, scope, province_id, campaign_id, added_by,"
                " added_at, updated_at, schedule_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title,"
                " scope = excluded.scope, province_id = excluded.province_id,"
                " campaign_id = excluded.campaign_id, paused = 0, paused_reason = NULL,"
                " paused_note = '', paused_at = NULL, updated_at = excluded.updated_at",
                (
                    chat_id,
                    title,
                    scope.kind.value,
                    scope.province_id,
                    scope.campaign_id,
                    by,
                    now,
                    now,
                    now,
                ),
            )
        channel = await self.by_chat(chat_id)
        assert channel is not None
        return channel, existed is None

    async def get(self, channel_id: int) -> Channel | None:
        """Returns a channel by its row id."""
        row = await self.db.fetchone(_CHANNEL_SELECT + " WHERE ch.id = ?", (channel_id,))
        return None if row is None else _channel(row)

    async def by_chat(self, chat_id: int) -> Channel | None:
        """Returns a channel by its Telegram chat id."""
        row = await self.db.fetchone(_CHANNEL_SELECT + " WHERE ch.chat_id = ?", (chat_id,))
        return None if row is None else _channel(row)

    async def all(self) -> list[Channel]:
        """Returns every channel, paused ones too, in the order they were added."""
        rows = await self.db.fetchall(_CHANNEL_SELECT + " ORDER BY ch.id")
        return [_channel(r) for r in rows]

    async def active(self) -> list[Channel]:
        """Returns the channels that are not paused."""
        rows = await self.db.fetchall(_CHANNEL_SELECT + " WHERE ch.paused = 0 ORDER BY ch.id")
        return [_channel(r) for r in rows]

    async def set_title(self, chat_id: int, title: str) -> bool:
        """Records a channel's new title; False if there is no such channel."""
        changed = await self.db.execute(
            "UPDATE channels SET title = ?, updated_at = ? WHERE chat_id = ?",
            (title, self.db.stamp(), chat_id),
        )
        return bool(changed)

    async def set_schedule(self, chat_id: int, weekday: str | None, post_time: str | None) -> bool:
        """Sets a channel's own day and time (None: the config default); False if unknown."""
        _check_schedule(weekday, post_time)
        now = self.db.stamp()
        changed = await self.db.execute(
            "UPDATE channels SET weekday = ?, post_time = ?, updated_at = ?, schedule_since = ?"
            " WHERE chat_id = ?",
            (weekday, post_time, now, now, chat_id),
        )
        return bool(changed)

    async def pause(self, chat_id: int, reason: PauseReason, note: str = "") -> bool:
        """Pauses a channel; True only if it was running, so a failure is reported once."""
        now = self.db.stamp()
        changed = await self.db.execute(
            "UPDATE channels SET paused = 1, paused_reason = ?, paused_note = ?, paused_at = ?,"
            " updated_at = ? WHERE chat_id = ? AND paused = 0",
            (reason.value, note, now, now, chat_id),
        )
        return bool(changed)

    async def resume(self, chat_id: int) -> bool:
        """Resumes a paused channel; True only if it was paused."""
        changed = await self.db.execute(
            "UPDATE channels SET paused = 0, paused_reason = NULL, paused_note = '',"
            " paused_at = NULL, updated_at = ? WHERE chat_id = ? AND paused = 1",
            (self.db.stamp(), chat_id),
        )
        return bool(changed)

    async def remove(self, chat_id: int) -> bool:
        """Unsubscribes a channel; its ledger rows stay, so a week is never posted twice."""
        return bool(await self.db.execute("DELETE FROM channels WHERE chat_id = ?", (chat_id,)))


_POST_SELECT = "SELECT * FROM digest_posts"


def _post(row: Row) -> DigestPost:
    return DigestPost(
        id=row["id"],
        chat_id=row["chat_id"],
        week_start=date.fromisoformat(row["week_start"]),
        state=PostState(row["state"]),
        message_ids=tuple(int(i) for i in json.loads(row["message_ids"])),
        chart_message_id=row["chart_message_id"],
        chart_file_id=row["chart_file_id"],
        content_hash=row["content_hash"],
        late=bool(row["late"]),
        claimed_at=row["claimed_at"],
        posted_at=row["posted_at"],
        edited_at=row["edited_at"],
        map_message_id=row["map_message_id"],
        map_file_id=row["map_file_id"],
    )


class DigestLedger:
    """The record of digests posted: claimed before sending, completed after, edited later.

    The unique (chat_id, week_start) row is the lock: whoever inserts it posts the week, and
    nobody else ever can, across restarts and concurrent jobs.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(
        self, chat_id: int, week_start: date, content_hash: str, *, late: bool = False
    ) -> DigestPost | None:
        """Claims a channel's week before sending; None if it was claimed already."""
        if week_start.weekday() != 5:  # Python's Monday-based weekday: 5 is Saturday
            raise ValueError(f"a Jalali week starts on a Saturday, not on {week_start}")
        # The claimed row comes back with the claim: no read after it, in which another task
        # could find the post "sending" before this one marks it as its own (bot.digest.post).
        row = await self.db.fetchone_write(
            "INSERT INTO digest_posts (chat_id, week_start, content_hash, late, claimed_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, week_start) DO NOTHING RETURNING *",
            (chat_id, week_start.isoformat(), content_hash, int(late), self.db.stamp()),
        )
        return None if row is None else _post(row)

    async def get_by_id(self, post_id: int) -> DigestPost | None:
        """Returns a ledger row by id."""
        row = await self.db.fetchone(_POST_SELECT + " WHERE id = ?", (post_id,))
        return None if row is None else _post(row)

    async def newest_week(self, chat_id: int) -> date | None:
        """The newest week a channel has a post of (sent or being sent), if any."""
        week = await self.db.scalar(
            "SELECT MAX(week_start) FROM digest_posts WHERE chat_id = ?", (chat_id,)
        )
        return None if week is None else date.fromisoformat(week)

    async def get(self, chat_id: int, week_start: date) -> DigestPost | None:
        """Returns a channel's ledger row for a week."""
        row = await self.db.fetchone(
            _POST_SELECT + " WHERE chat_id = ? AND week_start = ?",
            (chat_id, week_start.isoformat()),
        )
        return None if row is None else _post(row)

    async def record_sent(
        self,
        post_id: int,
        message_ids: tuple[int, ...],
        chart_message_id: int | None = None,
        chart_file_id: str = "",
    ) -> bool:
        """Records the messages sent so far, while still sending; False unless it is sending."""
        changed = await self.db.execute(
            "UPDATE digest_posts SET message_ids = ?, chart_message_id = ?, chart_file_id = ?"
            " WHERE id = ? AND state = 'sending'",
            (json.dumps(list(message_ids)), chart_message_id, chart_file_id, post_id),
        )
        return bool(changed)

    async def complete(
        self,
        post_id: int,
        message_ids: tuple[int, ...],
        chart_message_id: int | None,
        chart_file_id: str,
        map_message_id: int | None = None,
        map_file_id: str = "",
    ) -> bool:
        """Marks a post sent with all its message ids; False unless it was sending."""
        changed = await self.db.execute(
            "UPDATE digest_posts SET state = 'sent', message_ids = ?, chart_message_id = ?,"
            " chart_file_id = ?, map_message_id = ?, map_file_id = ?, posted_at = ?"
            " WHERE id = ? AND state = 'sending'",
            (
                json.dumps(list(message_ids)),
                chart_message_id,
                chart_file_id,
                map_message_id,
                map_file_id,
                self.db.stamp(),
                post_id,
            ),
        )
        return bool(changed)

    async def release(self, post_id: int) -> bool:
        """Drops a claim nothing of which was sent (a send that failed at once), to retry later."""
        changed = await self.db.execute(
            "DELETE FROM digest_posts WHERE id = ? AND state = 'sending'"
            " AND message_ids = '[]' AND chart_message_id IS NULL",
            (post_id,),
        )
        return bool(changed)

    async def record_edit(
        self, post_id: int, content_hash: str, chart_file_id: str, map_file_id: str = ""
    ) -> bool:
        """Records that a sent post was edited in place to new content; False unless sent."""
        changed = await self.db.execute(
            "UPDATE digest_posts SET content_hash = ?, chart_file_id = ?, map_file_id = ?,"
            " edited_at = ? WHERE id = ? AND state = 'sent'",
            (content_hash, chart_file_id, map_file_id, self.db.stamp(), post_id),
        )
        return bool(changed)

    async def unfinished(self) -> list[DigestPost]:
        """Returns posts left in 'sending' (the process stopped mid-send), oldest first."""
        rows = await self.db.fetchall(_POST_SELECT + " WHERE state = 'sending' ORDER BY id")
        return [_post(r) for r in rows]

    async def sent_since(self, week_start: date) -> list[DigestPost]:
        """Returns sent posts of weeks starting on or after a Saturday (candidates for edits)."""
        rows = await self.db.fetchall(
            _POST_SELECT + " WHERE state = 'sent' AND week_start >= ? ORDER BY week_start, id",
            (week_start.isoformat(),),
        )
        return [_post(r) for r in rows]
