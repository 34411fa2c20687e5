"""Repository of bot-wide roles: admins and province coordinators."""

from __future__ import annotations

from db.database import Database
from db.models import Role, RoleGrant


class RoleRepo:
    """Grants, revokes and lists admins and coordinators."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def of(self, volunteer_id: int) -> list[RoleGrant]:
        """Returns every role a volunteer holds."""
        rows = await self.db.fetchall(
            "SELECT r.volunteer_id, r.role, r.province_id, COALESCE(p.name, '') AS province_name"
            " FROM roles r LEFT JOIN provinces p ON p.id = r.province_id"
            " WHERE r.volunteer_id = ? ORDER BY r.role, p.position",
            (volunteer_id,),
        )
        return [
            RoleGrant(
                row["volunteer_id"], Role(row["role"]), row["province_id"], row["province_name"]
            )
            for row in rows
        ]

    async def holders(self, role: Role, province_id: int | None = None) -> list[RoleGrant]:
        """Returns who holds a role (coordinators optionally of one province)."""
        sql = (
            "SELECT r.volunteer_id, r.role, r.province_id, COALESCE(p.name, '') AS province_name"
            " FROM roles r LEFT JOIN provinces p ON p.id = r.province_id WHERE r.role = ?"
        )
        params: list[object] = [role.value]
        if province_id is not None:
            sql += " AND r.province_id = ?"
            params.append(province_id)
        rows = await self.db.fetchall(sql + " ORDER BY r.volunteer_id, p.position", params)
        return [
            RoleGrant(
                row["volunteer_id"], Role(row["role"]), row["province_id"], row["province_name"]
            )
            for row in rows
        ]

    async def grant(
        self, volunteer_id: int, role: Role, province_id: int | None, by: int | None
    ) -> bool:
        """Grants a role; returns False when it was held already."""
        return bool(
            await self.db.execute(
                "INSERT INTO roles (volunteer_id, role, province_id, granted_by, granted_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (volunteer_id, role.value, province_id, by, self.db.stamp()),
            )
        )

    async def revoke(self, volunteer_id: int, role: Role, province_id: int | None = None) -> int:
        """Revokes a role (for coordinators one province, or all when province_id is None)."""
        sql = "DELETE FROM roles WHERE volunteer_id = ? AND role = ?"
        params: list[object] = [volunteer_id, role.value]
        if province_id is not None:
            sql += " AND province_id = ?"
            params.append(province_id)
        return await self.db.execute(sql, params)
