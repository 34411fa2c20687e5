"""Repository of what each person sees: their screens and the command list set for their chat."""

from __future__ import annotations

from dataclasses import dataclass

from db.database import Database

KEPT = 20  # screens remembered per person: a press on one older than these is not refused
# What a screen holds: no inline buttons; inline buttons (taken off once replaced); a flow's
# panel (the engine takes its buttons off itself).
TEXT, BUTTONS, FLOW = "text", "buttons", "flow"


@dataclass(frozen=True, slots=True)
class Shown:
    """A message shown to a person as a screen, and what is on it."""

    message_id: int
    kind: str  # TEXT, BUTTONS or FLOW


class ScreenRepo:
    """The screens shown to each person, newest last, and their command lists."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def show(self, volunteer_id: int, message_id: int, kind: str) -> list[Shown]:
        """Records a message as one of the person's screens; returns the screens whose buttons
        are now the caller's to take off (kept as TEXT from now on, so never twice).

        Message ids grow within a chat. A message newer than the live screen becomes the live
        screen: every other screen with buttons is replaced (the live one shown again replaces
        nothing). An older
        message edited in place (a flow's last word under a screen shown since) replaces
        nothing: it stays beside the live one, its buttons working, until the next screen."""
        async with self.db.transaction():
            row = await self.db.fetchone(
                "SELECT message_id, shown FROM screens WHERE volunteer_id = ?"
                " ORDER BY shown DESC, message_id DESC LIMIT 1",
                (volunteer_id,),
            )
            top = row["shown"] if row else 0
            behind = row is not None and message_id < row["message_id"]
            await self.db.execute(
                "INSERT INTO screens (volunteer_id, message_id, shown, kind) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (volunteer_id, message_id)"
                " DO UPDATE SET shown = excluded.shown, kind = excluded.kind",
                (volunteer_id, message_id, top if behind else top + 1, kind),
            )
            replaced: list[Shown] = []
            if row is None or row["message_id"] < message_id:
                rows = await self.db.fetchall(
                    "SELECT message_id FROM screens WHERE volunteer_id = ? AND kind = ?"
                    " AND message_id != ?",
                    (volunteer_id, BUTTONS, message_id),
                )
                replaced = [Shown(r["message_id"], BUTTONS) for r in rows]
                await self.db.execute(  # their buttons are being taken off: never twice
                    "UPDATE screens SET kind = ? WHERE volunteer_id = ? AND kind = ?"
                    " AND message_id != ?",
                    (TEXT, volunteer_id, BUTTONS, message_id),
                )
            if top > KEPT:
                await self.db.execute(
                    "DELETE FROM screens WHERE volunteer_id = ? AND shown <= ?",
                    (volunteer_id, top - KEPT),
                )
        return replaced

    async def forget(self, volunteer_id: int, message_id: int) -> None:
        """Forgets a screen that is gone (deleted)."""
        await self.db.execute(
            "DELETE FROM screens WHERE volunteer_id = ? AND message_id = ?",
            (volunteer_id, message_id),
        )

    async def replaced(self, volunteer_id: int, message_id: int) -> Shown | None:
        """The screen this message was, when a newer one has replaced it (else None)."""
        row = await self.db.fetchone(
            "SELECT s.message_id, s.kind FROM screens s WHERE s.volunteer_id = ?"
            " AND s.message_id = ? AND s.shown < (SELECT MAX(shown) FROM screens"
            " WHERE volunteer_id = s.volunteer_id)",
            (volunteer_id, message_id),
        )
        return None if row is None else Shown(row["message_id"], row["kind"])

    async def live(self, volunteer_id: int, message_id: int) -> bool:
        """True when this message is the person's live screen."""
        shown = await self.db.scalar(
            "SELECT message_id FROM screens WHERE volunteer_id = ?"
            " ORDER BY shown DESC, message_id DESC LIMIT 1",
            (volunteer_id,),
        )
        return shown == message_id

    async def commands(self, volunteer_id: int) -> str | None:
        """The command list last set for the person's chat, or None (the default list)."""
        found = await self.db.scalar(
            "SELECT commands FROM command_menus WHERE volunteer_id = ?", (volunteer_id,)
        )
        return None if found is None else str(found)

    async def set_commands(self, volunteer_id: int, commands: str | None) -> None:
        """Remembers the command list set for the person's chat (None: back on the default)."""
        if commands is None:
            await self.db.execute(
                "DELETE FROM command_menus WHERE volunteer_id = ?", (volunteer_id,)
            )
            return
        await self.db.execute(
            "INSERT INTO command_menus (volunteer_id, commands, set_at) VALUES (?, ?, ?)"
            " ON CONFLICT (volunteer_id) DO UPDATE SET commands = excluded.commands,"
            " set_at = excluded.set_at",
            (volunteer_id, commands, self.db.stamp()),
        )

    async def with_own_commands(self, config_admins: tuple[int, ...] = ()) -> list[int]:
        """Whoever has a command list of their own now, and the admins and coordinators (granted
        in the bot, or named in the config and known to the bot) who may need one."""
        marks = ",".join("?" * len(config_admins)) or "NULL"
        rows = await self.db.fetchall(
            "SELECT volunteer_id FROM command_menus UNION SELECT volunteer_id FROM roles"
            f" UNION SELECT id FROM volunteers WHERE id IN ({marks})",
            config_admins,
        )
        return sorted(int(r[0]) for r in rows)
