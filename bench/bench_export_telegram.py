"""A 100,000-report export asked for in Telegram, and what a leader reporting meanwhile feels.

Fills a database as bench_export.py does (0-3 photos a report: about 75,000 photo links), starts
the bot against the simulator in this process (a 50 ms round trip, `--latency`, and flood
control on), then an admin asks for every report as XLSX through «📤 خروجی» while a leader files
whole reports one after another; the same leader's steps are timed alone first. Prints the time
from «ساختن فایل» to the document, the build's peak memory (the child process's VmHWM, as it
reports it), the document's size and its =HYPERLINK formulas and hyperlinks, whether openpyxl
and LibreOffice (`soffice --headless --convert-to csv`, if installed) read every row, how many
times the progress message was edited, the leader's step latencies with and without the export,
and the sliding windows over Telegram's limits as the simulator counted them.

    PYTHONPATH=. .venv/bin/python bench/bench_export_telegram.py [--reports 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from bench_export import file_report, fill
from bench_export_writers import count_links
from stats import summary

from bot.core.i18n import label


class ProgressEdits(logging.Handler):
    """Counts the progress edits bot.export.build logs, and keeps the build's peak memory that
    bot.export.sheet logs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0
        self.peak_kb = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Counts one edit, or notes the peak."""
        if record.getMessage().startswith("export progress"):
            self.count += 1
        elif record.name == "bot.export.sheet" and "peak memory" in record.getMessage():
            assert isinstance(record.args, tuple) and isinstance(record.args[-1], int)
            self.peak_kb = record.args[-1]


def _reads(path: Path) -> tuple[int, float]:
    """Rows openpyxl reads from the reports sheet (read-only, in a fresh interpreter), and the
    seconds it took."""
    check = (
        "import sys; from openpyxl import load_workbook\n"
        "ws = load_workbook(sys.argv[1], read_only=True).worksheets[0]\n"
        "print(sum(1 for _ in ws.iter_rows(values_only=True)))"
    )
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", check, str(path)], capture_output=True, text=True, timeout=1800
    )
    return (int(done.stdout) if done.returncode == 0 else -1), time.perf_counter() - began


def _libreoffice(path: Path) -> str:
    """Whether LibreOffice reads the file: its reports sheet converted to CSV, rows and links."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return "not installed (apt-get install libreoffice-calc-nogui)"
    out = path.parent / "lo"
    began = time.perf_counter()
    utf8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"  # comma, double quote, UTF-8 (76)
    done = subprocess.run(
        [soffice, "--headless", "--convert-to", utf8, "--outdir", str(out), str(path)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    took = time.perf_counter() - began
    converted = out / (path.stem + ".csv")
    if done.returncode != 0 or not converted.exists():
        return f"FAILED ({done.stderr.strip()[-200:]})"
    with converted.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = list(csv.reader(handle))
    photos = rows[0].index(label("export-col-photos"))
    shown = sum(1 for r in rows[1:] if r[photos] not in ("", "0"))
    return f"yes: {len(rows) - 1:,} rows, {shown:,} photo counts shown, in {took:.0f} s"


def _stats(values: list[float]) -> str:
    """Median and p95 of latencies in seconds, shown in milliseconds."""
    return summary(values, scale=1000).text(digits=1)


async def run(db: Path, latency: float) -> None:
    """Runs the bot on the filled database and measures one export asked for in Telegram."""
    from bot.app import build_application
    from bot.core.config import parse_config
    from bot.core.text import search_key
    from bot.runner import start_polling, stop
    from db.models import GroupStatus
    from simulator.limits import Limits
    from simulator.server import SimulatorServer
    from simulator.testing import ProcessedTracker, SimClient

    tracker = ProcessedTracker()
    token = f"7000000001:{secrets.token_urlsafe(27)}"
    async with (
        SimulatorServer(token=token, limits=Limits(), latency=latency) as server,
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
        shift = datetime(2026, 11, 22, 8, 30, tzinfo=UTC) - datetime.now(UTC)

        def clock() -> datetime:  # the day bench_export.fill's campaign runs to
            return datetime.now(UTC) + shift

        app = build_application(config, clock=clock)
        tracker.track(app)
        edits = ProgressEdits()
        for name in ("bot.export.build", "bot.export.sheet"):
            logging.getLogger(name).addHandler(edits)
            logging.getLogger(name).setLevel(logging.DEBUG)
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
            await admin.press(label("export-format-xlsx"))  # review is off: no status asked
            await admin.press(label("export-hxl-no"))
            edits.count = 0
            await sim.clear_records()
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
            await sim.refresh()
            windows = sim.windows
            url = f"{sim.control_url}/files/{document['file_id']}"
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                data = await response.read()
        finally:
            await stop(app)
    out = db.parent / "export.xlsx"
    out.write_bytes(data)
    formulas, links = count_links(out)
    rows, reading = _reads(out)
    print(f"XLSX asked in Telegram → document   {took:.1f} s, {document['size'] / 1e6:.1f} MB")
    print(f"build's peak memory (child VmHWM)   {edits.peak_kb / 1024:.1f} MB")
    print(f"photo links in the file             {formulas:,} =HYPERLINK formulas, {links} links")
    print(f"openpyxl reads it                   {rows - 1:,} data rows in {reading:.0f} s")
    print(f"LibreOffice reads it                {_libreoffice(out)}")
    print(f"progress message edits              {edits.count} (besides the last two)")
    print(f"leader's report step, alone         {_stats(alone)}")
    print(f"leader's report step, during export {_stats(during)}")
    print(
        f"sliding windows during the export   {windows['calls']:,} counted calls,"
        f" {windows['over']} seconds over 30 (busiest {windows['peak']}),"
        f" {len(windows['chat_over'])} chats over their own limits"
    )


def main(reports: int, groups: int, latency: float) -> None:
    """Fills the database and prints the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        seconds = asyncio.run(fill(db, reports, groups))
        print(f"reports in database                 {reports:,} ({seconds:.0f} s to fill)")
        print(f"round trip {latency * 1000:.0f} ms, flood control on")
        asyncio.run(run(db, latency))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=3_000)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    main(args.reports, args.groups, args.latency)
    sys.exit(0)
