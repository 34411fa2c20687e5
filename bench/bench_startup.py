"""What starting the bot costs: import time, building the application, opening the database.

Each figure is the median of several fresh interpreter runs (imports are cached per process).
Peak RSS is the process's maximum resident memory after the store is open and hazm's
normaliser has run once. Idle RSS is that of the real process (`python -m bot run` against the
simulator) 3 s after its first getUpdates, with nothing to do: no chart or map drawn yet, so
matplotlib, numpy and Pillow are not loaded (they come with the first picture).

    .venv/bin/python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from simulator.server import SimulatorServer

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import asyncio, json, resource, tempfile, time
t0 = time.perf_counter()
from bot.app import build_application
from bot.core.config import parse_config
from bot.core.text import normalize
t1 = time.perf_counter()
tmp = tempfile.mkdtemp()
app = build_application(parse_config({"database": {"path": tmp + "/s.db"},
    "telegram": {"token": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"}}))
t2 = time.perf_counter()
store = app.bot_data.store
asyncio.run(store.open())
t3 = time.perf_counter()
normalize("گروه جهادي امید اراك")
t4 = time.perf_counter()
asyncio.run(store.close())  # aiosqlite's thread would keep the interpreter alive
print(json.dumps({"import": t1 - t0, "build": t2 - t1, "open": t3 - t2, "hazm": t4 - t3,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def idle_rss(folder: Path) -> float:
    """RSS of the bot process, idle, 3 s after its first getUpdates (in MB)."""
    token = f"7000000001:{secrets.token_urlsafe(27)}"
    async with SimulatorServer(token=token) as server:
        config = folder / "idle.toml"
        config.write_text(
            f'[telegram]\ntoken = "{token}"\nbase_url = "{server.base_url}"\n'
            f'[database]\npath = "{folder / "idle.db"}"\n[bot]\nlog_level = "WARNING"\n',
            encoding="utf-8",
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(config),
            "run",
            cwd=str(ROOT),  # this checkout's code, whatever the venv's editable install names
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            env={**os.environ, "KHEDMATYAR_TOKEN": token},
        )
        try:
            for _ in range(6000):
                if server.world.last_get_updates is not None or proc.returncode is not None:
                    break
                await asyncio.sleep(0.01)
            if server.world.last_get_updates is None:
                raise RuntimeError("the bot did not start")
            await asyncio.sleep(3)  # settle: post_init, the first jobs
            return rss_mb(proc.pid)
        finally:
            proc.terminate()
            await proc.wait()


def main(runs: int) -> None:
    samples = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", PROBE],
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            ).stdout
        )
        for _ in range(runs)
    ]

    idle = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            idle.append(asyncio.run(idle_rss(Path(folder))))

    def median(key: str) -> float:
        return statistics.median(s[key] for s in samples)

    print(f"runs                                       {runs}")
    print(f"import bot.app (PTB, aiosqlite, fluent)    {median('import') * 1000:6.0f} ms")
    print(f"build_application                          {median('build') * 1000:6.0f} ms")
    print(f"open store (migrate + seed 479 counties)   {median('open') * 1000:6.0f} ms")
    print(f"first normalize (hazm light options)       {median('hazm') * 1000:6.0f} ms")
    print(f"peak RSS                                   {median('rss'):6.1f} MB")
    print(f"idle RSS of `python -m bot run` (3 s)      {statistics.median(idle):6.1f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    main(parser.parse_args().runs)
