"""What starting the bot costs: import time, building the application, opening the database.

Each figure is the median of several fresh interpreter runs (imports are cached per process).
Peak RSS is the process's maximum resident memory after the store is open and hazm's
normaliser has run once.

    .venv/bin/python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

PROBE = r"""
import asyncio, json, resource, tempfile, time
t0 = time.perf_counter()
from bot.app import build_application
from bot.config import parse_config
from bot.text import normalize
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

    def median(key: str) -> float:
        return statistics.median(s[key] for s in samples)

    print(f"runs                                       {runs}")
    print(f"import bot.app (PTB, aiosqlite, fluent)    {median('import') * 1000:6.0f} ms")
    print(f"build_application                          {median('build') * 1000:6.0f} ms")
    print(f"open store (migrate + seed 479 counties)   {median('open') * 1000:6.0f} ms")
    print(f"first normalize (hazm light options)       {median('hazm') * 1000:6.0f} ms")
    print(f"peak RSS                                   {median('rss'):6.1f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    main(parser.parse_args().runs)
