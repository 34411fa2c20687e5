"""A 100,000-report export asked for in Telegram, and what a leader reporting meanwhile feels.

Fills a database as bench_export.py does, starts the bot against the simulator (in this process;
flood control off, as in bench_export.py, since the leader answers faster than a person), then an
admin asks for every report as XLSX through «📤 خروجی» while a leader files whole reports one
after another; the same leader's steps are timed alone first. Prints the time from «ساختن فایل»
to the document, the document's size, how many times the progress message was edited, and the
leader's step latencies with and without the export.

    .venv/bin/python bench/bench_export_telegram.py [--reports 100000] [--groups 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_export import file_report, fill

from bot.i18n import label


class ProgressEdits(logging.Handler):
    """Counts the progress edits handlers.export logs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Counts one edit."""
        if record.getMessage().startswith("export progress"):
            self.count += 1


def _stats(values: list[float]) -> str:
    """Median and p95 of latencies in seconds, shown in milliseconds."""
    ms = [v * 1000 for v in values]
    p95 = statistics.quantiles(ms, n=100)[94]
    return f"median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   ({len(ms)} steps)"


async def run(db: Path) -> None:
    """Runs the bot on the filled database and measures one export asked for in Telegram."""
    from bot.app import build_application
    from bot.config import parse_config
    from bot.runner import start_polling, stop
    from bot.text import search_key
    from db.models import GroupStatus
    from simulator.limits import Limits
    from simulator.server import SimulatorServer
    from simulator.testing import ProcessedTracker, SimClient

    tracker = ProcessedTracker()
    token = f"7000000001:{secrets.token_urlsafe(27)}"
    async with (
        SimulatorServer(token=token, limits=Limits(flood_control=False)) as server,
        SimClient(server.control_url, wait_processed=tracker.wait, timeout=120) as sim,
    ):
        admin = await sim.user("مدیر")
        config = parse_config(
            {
                "telegram": {"token": token, "base_url": server.base_url},
                "bot": {"admins": [admin.id]},
                "database": {"path": str(db)},
            }
        )
        app = build_application(config)
        tracker.track(app)
        edits = ProgressEdits()
        logging.getLogger("handlers.export").addHandler(edits)
        logging.getLogger("handlers.export").setLevel(logging.DEBUG)
        await start_polling(app, poll_timeout=1)
        try:
            store = app.bot_data.store
            place = (await store.places.search_counties(search_key("اراک")))[0]
            leader = await sim.user("سرگروه")
            await store.volunteers.seen(leader.id, leader.first_name, "", "")
            await store.groups.create(
                "گروه بنچ", "گروهبنچ", place.province_id, place.id, None, leader.id,
                GroupStatus.ACTIVE,
            )  # fmt: skip
            await admin.send("/start")
            alone: list[float] = []
            for _ in range(5):
                await file_report(leader, alone)

            await admin.send("/export")
            await admin.send("۱۴۰۴/۰۱/۰۱ تا ۱۴۰۵/۱۲/۲۹")
            await admin.press(label("export-scope-country"))
            await admin.press(label("export-campaign-any"))
            await admin.press(label("export-status-live"))
            await admin.press(label("export-format-xlsx"))
            await admin.press(label("export-hxl-no"))
            edits.count = 0
            started = time.perf_counter()
            await admin.press(label("export-build"))
            during: list[float] = []

            def arrived() -> bool:
                return any(m.document for m in admin.messages)

            while not arrived():
                await file_report(leader, during)
                await sim.refresh()
            took = time.perf_counter() - started
            document = next(m.document for m in admin.messages if m.document)
            assert document is not None
        finally:
            await stop(app)
    print(f"XLSX asked in Telegram → document   {took:.1f} s, {document['size'] / 1e6:.1f} MB")
    print(f"progress message edits              {edits.count} (besides the last two)")
    print(f"leader's report step, alone         {_stats(alone)}")
    print(f"leader's report step, during export {_stats(during)}")


def main(reports: int, groups: int) -> None:
    """Fills the database and prints the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        seconds = asyncio.run(fill(db, reports, groups))
        print(f"reports in database                 {reports:,} ({seconds:.0f} s to fill)")
        asyncio.run(run(db))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=3_000)
    args = parser.parse_args()
    main(args.reports, args.groups)
    sys.exit(0)
