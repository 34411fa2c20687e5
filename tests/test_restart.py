"""Drafts and conversation state survive a restart, and a killed process, at the same step."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import aiohttp
import pytest

from bot.core.i18n import label
from bot.core.text import search_key
from db.database import Database
from db.models import GroupStatus
from db.store import Store
from simulator.server import SimulatorServer
from simulator.testing import SimClient, SimUser, assert_no_violations
from tests.conftest import SAME_PLACE, Harness, eventually, report_input
from tests.crashsoak import BotProcess


async def test_clean_restart_resumes_at_same_step(harness: Harness) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    await harness.group(reza)
    await reza.send("/report")
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")
    await reza.send("120")
    await harness.restart()
    await reza.send("۴۵")
    assert "چند نفر از اعضای گروه" in reza.last.text
    draft = await harness.store.state.draft(reza.id, "report")
    assert draft is not None and (draft.data["quantity"], draft.data["beneficiaries"]) == (120, 45)


@pytest.fixture
async def process_setup(
    sim_server: SimulatorServer, tmp_path: Path
) -> AsyncIterator[tuple[BotProcess, SimClient, Path]]:
    """`khedmatyar run --config` against the simulator, with a kit that waits by quiescence."""
    db_path = tmp_path / "bot.db"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{sim_server.token}"\nbase_url = "{sim_server.base_url}"\n'
        f'[database]\npath = "{db_path}"\n',
        encoding="utf-8",
    )
    bot = BotProcess(config, tmp_path / "bot.log")
    async with SimClient(sim_server.control_url, timeout=30) as client:
        yield bot, client, db_path
        await bot.stop()


async def test_run_with_config_answers_start_and_registers_commands(
    process_setup: tuple[BotProcess, SimClient, Path], sim_server: SimulatorServer
) -> None:
    bot, sim, _ = process_setup
    maryam = await sim.user("مریم")
    await bot.start()
    await maryam.send("/start")
    assert "به <b>خدمت‌یار</b> خوش آمدید" in maryam.messages[0].html
    async with aiohttp.ClientSession() as session:
        url = f"{sim_server.bot_api_url}{sim_server.token}/getMyCommands"
        async with session.post(url) as response:
            commands = (await response.json())["result"]
    assert {"command": "find", "description": label("command-find")} in commands
    assert "report" not in {c["command"] for c in commands}  # the default list: no reporting
    await sim.refresh()
    assert_no_violations(sim)


async def test_killed_process_resumes_at_same_step(
    process_setup: tuple[BotProcess, SimClient, Path],
) -> None:
    bot, sim, db_path = process_setup
    reza = await sim.user("رضا")
    store = Store(Database(db_path))
    await store.open()
    await store.volunteers.seen(reza.id, "رضا", "", "")
    place = (await store.places.search_counties(search_key("اراک")))[0]
    await store.groups.create(
        "گروه امید",
        search_key("گروه امید"),
        place.province_id,
        place.id,
        None,
        reza.id,
        GroupStatus.ACTIVE,
    )
    await store.close()

    await bot.start()
    await reza.send("/report")
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")
    await reza.send("120")
    await reza.send("45")
    assert "چند نفر از اعضای گروه" in reza.last.text
    bot.kill_now()  # SIGKILL: no shutdown, no flush
    await bot.wait()

    await bot.start()
    await reza.send("8")
    assert reza.last.text == "کجا انجام شد؟"
    await reza.press(SAME_PLACE)
    await reza.press(label("button-skip"))
    await reza.press(label("report-date-yesterday"))
    await reza.press(label("button-skip"))
    await reza.press(label("report-no-photos"))
    assert (
        "۱۲۰\u00a0بسته" in reza.last.text and "بهره‌مندان: ۴۵ نفر\nداوطلبان: ۸ نفر" in reza.last.text
    )
    await reza.press(label("report-save"))
    assert "ثبت شد" in reza.last.text
    await bot.stop()
    store = Store(Database(db_path))
    await store.open()
    reports = await store.reports.recent(reza.id)
    await store.close()
    assert [(r.quantity, r.beneficiaries, r.volunteers) for r in reports] == [(120, 45, 8)]
    await sim.refresh()
    assert_no_violations(sim)


def _shown(user: SimUser, text: str) -> bool:
    """Whether a button with this text is on the screen (the bot's process answers in its time)."""
    return any(b == text for m in user.messages for row in m.buttons for b in row)


async def test_an_export_cut_off_by_a_kill_is_built_again_and_sent_once(
    process_setup: tuple[BotProcess, SimClient, Path], sim_server: SimulatorServer
) -> None:
    bot, sim, db_path = process_setup
    admin = await sim.user("مدیر")
    config = db_path.parent / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + f"[bot]\nadmins = [{admin.id}]\n", encoding="utf-8"
    )
    store = Store(Database(db_path))
    await store.open()
    await store.volunteers.seen(admin.id, "مدیر", "", "")
    place = (await store.places.search_counties(search_key("اراک")))[0]
    group = await store.groups.create(
        "گروه امید",
        search_key("گروه امید"),
        place.province_id,
        place.id,
        None,
        admin.id,
        GroupStatus.ACTIVE,
    )
    for number in range(3):
        data = dataclasses.replace(await report_input(store, group), quantity=10 + number)
        await store.reports.create(data, admin.id, f"key-{number}", 1405)
    await store.close()

    await bot.start()
    await admin.send("/export")
    await admin.send("۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۳۰")  # report_input's reports are of 1405/08/26
    for step in (
        "export-scope-country",
        "export-format-csv",
        "export-hxl-no",
    ):
        await eventually(sim, partial(_shown, admin, label(step)), limit=10)
        await admin.press(label(step))
    await eventually(sim, lambda: _shown(admin, label("export-build")), limit=10)
    sim_server.faults.timeout(method="sendDocument")  # the upload never reaches Telegram
    await admin.press(label("export-build"), wait=False)
    for _ in range(500):  # until the bot is in the middle of sending the file
        if not sim_server.faults.rules:
            break
        await asyncio.sleep(0.02)
    assert not sim_server.faults.rules
    bot.kill_now()
    await bot.wait()
    await sim.refresh()
    assert not [m for m in admin.messages if m.document]

    await bot.start()  # the build starts again in the same status message
    await eventually(
        sim, lambda: any("✅ فایل خروجی" in (m.text or "") for m in admin.messages), limit=25
    )
    documents = [m for m in admin.messages if m.document]
    assert len(documents) == 1 and documents[0].caption == "📤 ۳ گزارش"
    status = [m for m in admin.messages if "✅ فایل خروجی" in (m.text or "")]
    assert len(status) == 1 and status[0].edited
    await bot.stop()
    store = Store(Database(db_path))
    await store.open()
    assert await store.db.scalar("SELECT COUNT(*) FROM export_jobs") == 0
    await store.close()
