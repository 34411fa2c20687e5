"""Repository of groups, memberships and invite codes."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.core.text import persian_sort_text
from db.database import Database, Row
from db.models import Group, GroupRole, GroupStatus, Invite, Member, Membership

_GROUP_SELECT = """
SELECT g.*, p.name AS province_name, c.name AS county_name,
       COALESCE(s.name, '') AS specialty_name,
       (SELECT COUNT(*) FROM memberships m WHERE m.group_id = g.id) AS member_count
FROM groups g
JOIN provinces p ON p.id = g.province_id
JOIN counties c ON c.id = g.county_id
LEFT JOIN categories s ON s.id = g.specialty_id
"""
# Invite codes: lower-case letters and digits without look-alikes (0/o, 1/l/i), easy to type on a
# phone; 12 characters give 31^12 ≈ 8e17 codes, far beyond guessing.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 12


def _group(row: Row) -> Group:
    return Group(
        id=row["id"],
        name=row["name"],
        province_id=row["province_id"],
        province_name=row["province_name"],
        county_id=row["county_id"],
        county_name=row["county_name"],
        specialty_id=row["specialty_id"],
        specialty_name=row["specialty_name"],
        status=GroupStatus(row["status"]),
        merged_into=row["merged_into"],
        created_by=row["created_by"],
        member_count=row["member_count"],
    )


def _filter(
    statuses: tuple[str, ...], province_ids: list[int] | None, key: str
) -> tuple[str, list[object]]:
    """The WHERE clause for groups of some statuses, provinces (None: all) and a search key."""
    sql = f"WHERE g.status IN ({','.join('?' * len(statuses))})"
    params: list[object] = list(statuses)
    if province_ids is not None:
        sql += f" AND g.province_id IN ({','.join('?' * len(province_ids)) or 'NULL'})"
        params.extend(province_ids)
    if key:
        sql += " AND instr(g.search_key, ?) > 0"
        params.append(key)
    return sql, params


def _invite(row: Row, now: str) -> Invite:
    revoked = row["revoked_at"] is not None
    expires = row["expires_at"]
    return Invite(
        id=row["id"],
        group_id=row["group_id"],
        code=row["code"],
        expires_at=expires,
        revoked=revoked,
        uses=row["uses"],
        valid=not revoked and (expires is None or expires > now),
    )


class GroupRepo:
    """Creates and changes groups, their members and their invite codes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        name: str,
        search_key: str,
        province_id: int,
        county_id: int,
        specialty_id: int | None,
        creator_id: int,
        status: GroupStatus,
    ) -> int:
        """Creates a group led by its creator; returns its id."""
        now = self.db.stamp()
        async with self.db.transaction():
            group_id = await self.db.insert(
                "INSERT INTO groups (name, search_key, sort_key, province_id, county_id,"
                " specialty_id, status, created_by, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    search_key,
                    persian_sort_text(name),
                    province_id,
                    county_id,
                    specialty_id,
                    status.value,
                    creator_id,
                    now,
                    now,
                ),
            )
            await self.add_member(group_id, creator_id, GroupRole.LEADER)
        return group_id

    async def get(self, group_id: int) -> Group | None:
        """Returns a group by id."""
        row = await self.db.fetchone(_GROUP_SELECT + " WHERE g.id = ?", (group_id,))
        return None if row is None else _group(row)

    async def current(self, group_id: int) -> Group | None:
        """The group as it is now: itself, or (through merges of merges) the one it merged into."""
        group = await self.get(group_id)
        seen = {group_id}
        while group is not None and group.merged_into is not None and group.merged_into not in seen:
            seen.add(group.merged_into)
            group = await self.get(group.merged_into)
        return group

    async def in_county(self, county_id: int) -> list[Group]:
        """Returns the active and pending groups of a county."""
        rows = await self.db.fetchall(
            _GROUP_SELECT + " WHERE g.county_id = ? AND g.status IN ('active', 'pending')"
            " ORDER BY g.sort_key, g.id",
            (county_id,),
        )
        return [_group(r) for r in rows]

    async def listing(
        self, province_ids: list[int] | None, key: str = "", limit: int = 50, offset: int = 0
    ) -> list[Group]:
        """Lists active and pending groups, optionally of some provinces and matching a key."""
        where, params = _filter(("active", "pending"), province_ids, key)
        rows = await self.db.fetchall(
            f"{_GROUP_SELECT} {where} ORDER BY g.sort_key, g.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_group(r) for r in rows]

    async def count(self, province_ids: list[int] | None, key: str = "") -> int:
        """Counts what listing() would list without paging."""
        where, params = _filter(("active", "pending"), province_ids, key)
        return int(await self.db.scalar(f"SELECT COUNT(*) FROM groups g {where}", params))

    async def pending(self, province_ids: list[int] | None) -> list[Group]:
        """Returns groups waiting for approval, optionally of some provinces."""
        where, params = _filter(("pending",), province_ids, "")
        return [
            _group(r)
            for r in await self.db.fetchall(f"{_GROUP_SELECT} {where} ORDER BY g.id", params)
        ]

    async def transfer(self, group_id: int, volunteer_id: int) -> None:
        """Makes one volunteer the group's only leader; former leaders stay as members."""
        async with self.db.transaction():
            await self.db.execute(
                "UPDATE memberships SET role = 'member' WHERE group_id = ? AND role = 'leader'",
                (group_id,),
            )
            await self.db.execute(
                "INSERT INTO memberships (group_id, volunteer_id, role, joined_at)"
                " VALUES (?, ?, 'leader', ?) ON CONFLICT (group_id, volunteer_id)"
                " DO UPDATE SET role = 'leader'",
                (group_id, volunteer_id, self.db.stamp()),
            )

    async def set_status(self, group_id: int, status: GroupStatus) -> None:
        """Changes a group's status (approval or rejection)."""
        await self.db.execute(
            "UPDATE groups SET status = ?, updated_at = ? WHERE id = ?",
            (status.value, self.db.stamp(), group_id),
        )

    async def rename(self, group_id: int, name: str, search_key: str) -> None:
        """Renames a group."""
        await self.db.execute(
            "UPDATE groups SET name = ?, search_key = ?, sort_key = ?, updated_at = ? WHERE id = ?",
            (name, search_key, persian_sort_text(name), self.db.stamp(), group_id),
        )

    async def merge(self, source_id: int, target_id: int) -> int:
        """Moves reports, members and invites of source into target; returns reports moved."""
        async with self.db.transaction():
            moved = await self.db.execute(
                "UPDATE reports SET group_id = ? WHERE group_id = ?", (target_id, source_id)
            )
            # A member of both keeps the stronger role in the target.
            await self.db.execute(
                "UPDATE memberships SET role = 'leader' WHERE group_id = ? AND role = 'member'"
                " AND volunteer_id IN (SELECT volunteer_id FROM memberships"
                " WHERE group_id = ? AND role = 'leader')",
                (target_id, source_id),
            )
            await self.db.execute(
                "INSERT INTO memberships (group_id, volunteer_id, role, joined_at)"
                " SELECT ?, volunteer_id, role, joined_at FROM memberships WHERE group_id = ?"
                " ON CONFLICT DO NOTHING",
                (target_id, source_id),
            )
            await self.db.execute("DELETE FROM memberships WHERE group_id = ?", (source_id,))
            await self.db.execute(
                "UPDATE invites SET revoked_at = ? WHERE group_id = ? AND revoked_at IS NULL",
                (self.db.stamp(), source_id),
            )
            await self.db.execute(
                "UPDATE groups SET status = 'merged', merged_into = ?, updated_at = ? WHERE id = ?",
                (target_id, self.db.stamp(), source_id),
            )
        return moved

    async def memberships(self, volunteer_id: int) -> list[Membership]:
        """Returns the groups a volunteer belongs to (merged and rejected groups excluded)."""
        rows = await self.db.fetchall(
            "SELECT m.group_id, g.name AS group_name, m.volunteer_id, m.role, g.status"
            " FROM memberships m"
            " JOIN groups g ON g.id = m.group_id"
            " WHERE m.volunteer_id = ? AND g.status IN ('active', 'pending')"
            " ORDER BY m.role = 'member', g.sort_key, g.id",
            (volunteer_id,),
        )
        return [
            Membership(
                r["group_id"],
                r["group_name"],
                r["volunteer_id"],
                GroupRole(r["role"]),
                r["status"] == GroupStatus.ACTIVE.value,
            )
            for r in rows
        ]

    async def members(self, group_id: int) -> list[Member]:
        """Returns a group's members, leaders first."""
        rows = await self.db.fetchall(
            "SELECT m.volunteer_id, m.role, v.first_name, v.last_name, v.username"
            " FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id"
            " WHERE m.group_id = ? ORDER BY m.role = 'member', m.joined_at, v.id",
            (group_id,),
        )
        return [
            Member(
                r["volunteer_id"],
                " ".join(p for p in (r["first_name"], r["last_name"]) if p)
                or str(r["volunteer_id"]),
                r["username"],
                GroupRole(r["role"]),
            )
            for r in rows
        ]

    async def role_of(self, group_id: int, volunteer_id: int) -> GroupRole | None:
        """Returns a volunteer's role in a group, or None."""
        role = await self.db.scalar(
            "SELECT role FROM memberships WHERE group_id = ? AND volunteer_id = ?",
            (group_id, volunteer_id),
        )
        return None if role is None else GroupRole(role)

    async def add_member(self, group_id: int, volunteer_id: int, role: GroupRole) -> bool:
        """Adds a member; returns False when they were in the group already."""
        return bool(
            await self.db.execute(
                "INSERT INTO memberships (group_id, volunteer_id, role, joined_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (group_id, volunteer_id, role.value, self.db.stamp()),
            )
        )

    async def set_role(self, group_id: int, volunteer_id: int, role: GroupRole) -> bool:
        """Changes a member's role; False when they already have it, and when it would demote
        the last leader."""
        async with self.db.transaction():
            if role is GroupRole.MEMBER and await self._is_last_leader(group_id, volunteer_id):
                return False
            changed = await self.db.execute(
                "UPDATE memberships SET role = ? WHERE group_id = ? AND volunteer_id = ?"
                " AND role <> ?",
                (role.value, group_id, volunteer_id, role.value),
            )
        return bool(changed)

    async def remove_member(self, group_id: int, volunteer_id: int) -> bool:
        """Removes a member; refuses (False) to remove the last leader."""
        async with self.db.transaction():
            if await self._is_last_leader(group_id, volunteer_id):
                return False
            removed = await self.db.execute(
                "DELETE FROM memberships WHERE group_id = ? AND volunteer_id = ?",
                (group_id, volunteer_id),
            )
        return bool(removed)

    async def _is_last_leader(self, group_id: int, volunteer_id: int) -> bool:
        leaders = await self.db.fetchall(
            "SELECT volunteer_id FROM memberships WHERE group_id = ? AND role = 'leader'",
            (group_id,),
        )
        return [r["volunteer_id"] for r in leaders] == [volunteer_id]

    async def new_invite(self, group_id: int, by: int, valid_days: int = 0) -> Invite:
        """Revokes the group's open invites and issues a fresh unguessable code."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = self.db.now()
        expires = (
            (now + timedelta(days=valid_days)).isoformat(timespec="seconds") if valid_days else None
        )
        async with self.db.transaction():
            await self.revoke_invites(group_id)
            invite_id = await self.db.insert(
                "INSERT INTO invites (group_id, code, created_by, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (group_id, code, by, now.isoformat(timespec="seconds"), expires),
            )
        return Invite(invite_id, group_id, code, expires, False, 0, True)

    async def revoke_invites(self, group_id: int) -> int:
        """Revokes every open invite of a group; returns how many."""
        return await self.db.execute(
            "UPDATE invites SET revoked_at = ? WHERE group_id = ? AND revoked_at IS NULL",
            (self.db.stamp(), group_id),
        )

    async def newest_invite_id(self, group_id: int) -> int:
        """The id of the group's newest invite, open or not (0 when it never had one)."""
        newest = await self.db.scalar(
            "SELECT COALESCE(MAX(id), 0) FROM invites WHERE group_id = ?", (group_id,)
        )
        return int(newest or 0)

    async def current_invite(self, group_id: int) -> Invite | None:
        """Returns the group's open, unexpired invite."""
        row = await self.db.fetchone(
            "SELECT * FROM invites WHERE group_id = ? AND revoked_at IS NULL"
            " AND (expires_at IS NULL OR expires_at > ?) ORDER BY id DESC LIMIT 1",
            (group_id, self.db.stamp()),
        )
        return None if row is None else _invite(row, self.db.stamp())

    async def invite_by_code(self, code: str) -> Invite | None:
        """Returns the invite with this code whether or not it is still valid."""
        row = await self.db.fetchone("SELECT * FROM invites WHERE code = ?", (code,))
        return None if row is None else _invite(row, self.db.stamp())

    async def invite(self, invite_id: int) -> Invite | None:
        """Returns an invite by id whether or not it is still valid."""
        row = await self.db.fetchone("SELECT * FROM invites WHERE id = ?", (invite_id,))
        return None if row is None else _invite(row, self.db.stamp())

    async def use_invite(self, invite_id: int) -> None:
        """Counts one use of an invite."""
        await self.db.execute("UPDATE invites SET uses = uses + 1 WHERE id = ?", (invite_id,))
