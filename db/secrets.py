"""Repository of the bot's own secrets: random bytes made once per database, read by name."""

from __future__ import annotations

import secrets

from db.database import Database

SECRET_BYTES = 32


class SecretRepo:
    """Reads a named secret, creating it on first use (two callers at once get the same one)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, name: str) -> bytes:
        """Returns the secret called name, made from fresh random bytes the first time."""
        await self.db.execute(
            "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (name, secrets.token_bytes(SECRET_BYTES), self.db.stamp()),
        )
        value = await self.db.scalar("SELECT value FROM secrets WHERE name = ?", (name,))
        return bytes(value)
