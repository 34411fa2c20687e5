"""Repository of requests to join a group, asked from its public card and answered by a leader."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from db.database import Database, Row


class RequestStatus(enum.StrEnum):
    """Where a request stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DROPPED = "dropped"  # the group closed before anyone answered, or nobody did for long


@dataclass(frozen=True, slots=True)
class JoinRequest:
    """One person's request to join one group."""

    id: int
    group_id: int
    volunteer_id: int
    status: RequestStatus
    created_at: str
    decided_by: int | None
    decided_at: str | None

    def waiting(self, lapsed: datetime) -> bool:
        """True while it is open and was made after `lapsed` (an older open one has lapsed)."""
        return (
            self.status is RequestStatus.OPEN and datetime.fromisoformat(self.created_at) > lapsed
        )


def _request(row: Row) -> JoinRequest:
    return JoinRequest(
        row["id"],
        row["group_id"],
        row["volunteer_id"],
        RequestStatus(row["status"]),
        row["created_at"],
        row["decided_by"],
        row["decided_at"],
    )


class JoinRequestRepo:
    """Opens, answers and looks up requests to join groups."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, request_id: int) -> JoinRequest | None:
        """Returns a request by id."""
        row = await self.db.fetchone("SELECT * FROM join_requests WHERE id = ?", (request_id,))
        return None if row is None else _request(row)

    async def latest(self, group_id: int, volunteer_id: int) -> JoinRequest | None:
        """The person's newest request to this group, if any."""
        row = await self.db.fetchone(
            "SELECT * FROM join_requests WHERE group_id = ? AND volunteer_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (group_id, volunteer_id),
        )
        return None if row is None else _request(row)

    async def open_count(self, volunteer_id: int, since: datetime) -> int:
        """How many of the person's requests, made after `since`, wait for an answer."""
        return int(
            await self.db.scalar(
                "SELECT COUNT(*) FROM join_requests WHERE volunteer_id = ? AND status = 'open'"
                " AND created_at > ?",
                (volunteer_id, since.isoformat(timespec="seconds")),
            )
        )

    async def open(self, group_id: int, volunteer_id: int) -> int | None:
        """Opens a request; None when one is open already (the unique index keeps it one)."""
        request_id = await self.db.insert(
            "INSERT INTO join_requests (group_id, volunteer_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (group_id, volunteer_id) WHERE status = 'open' DO NOTHING",
            (group_id, volunteer_id, self.db.stamp()),
        )
        return request_id or None

    async def decide(self, request_id: int, status: RequestStatus, by: int | None) -> bool:
        """Answers an open request; False when it was answered already (the other leader was
        quicker, or a double tap)."""
        changed = await self.db.execute(
            "UPDATE join_requests SET status = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND status = 'open'",
            (status.value, by, self.db.stamp(), request_id),
        )
        return bool(changed)

    async def declined_since(self, group_id: int, volunteer_id: int, since: datetime) -> bool:
        """True when the group declined the person's request after `since`."""
        found = await self.db.scalar(
            "SELECT 1 FROM join_requests WHERE group_id = ? AND volunteer_id = ?"
            " AND status = 'declined' AND decided_at > ? LIMIT 1",
            (group_id, volunteer_id, since.isoformat(timespec="seconds")),
        )
        return found is not None
