"""An update received but not yet handled when the process stops is handled after the restart."""

from __future__ import annotations

import json

from bot.core.i18n import t
from tests.conftest import Harness


async def test_handled_updates_leave_the_inbox(harness: Harness) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/help")
    assert await harness.store.db.scalar("SELECT count(*) FROM inbox") == 0
    assert await harness.store.state.was_processed(harness.handled[-1])


async def test_an_update_received_before_a_stop_is_handled_after_the_restart(
    harness: Harness,
) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    assert harness.app is not None
    # The update as the bot received it: copy the last one, as if a new /help had been taken from
    # Telegram (and so confirmed) but the process died before handling it.
    last = await harness.store.db.fetchone(
        "SELECT update_id FROM processed_updates ORDER BY update_id DESC LIMIT 1"
    )
    assert last is not None
    help_update = {
        "update_id": last["update_id"] + 1000,
        "message": {
            "message_id": 999,
            "date": 1763456400,
            "chat": {"id": reza.id, "type": "private", "first_name": "رضا"},
            "from": {"id": reza.id, "is_bot": False, "first_name": "رضا"},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    await harness.stop()
    await harness.start([harness.admin.id] if harness.admin else [])
    await harness.store.db.execute(
        "INSERT INTO inbox (update_id, data, received_at) VALUES (?, ?, '2026-11-18T08:30:00')",
        (help_update["update_id"], json.dumps(help_update)),
    )
    await harness.restart()
    await harness.tracker.wait(help_update["update_id"])
    await harness.sim.refresh()
    assert t("help-title") in (reza.last.html or "")
    assert await harness.store.db.scalar("SELECT count(*) FROM inbox") == 0
    assert await harness.store.state.was_processed(help_update["update_id"])
