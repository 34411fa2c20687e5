"""The crash soak of tests/test_soak_crash.py, longer: more leaders, more kills; prints figures.

    .venv/bin/python bench/bench_crash_soak.py [--leaders 50] [--kills 28] [--seed 15]

The bot runs as its own process against the simulator; 50 leaders report as people do (each
answers what the bot shows, thinking 0.5-1.5 s), at least 4 reports each, and go on until the
kills are over. The bot is killed with SIGKILL in the idle-flow job, in a digest to three
channels, right after albums, right before receipts and at seeded random moments, and started
again each time. Prints what was tried and what was lost (nothing, if all is well).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

from simulator.server import SimulatorServer
from simulator.testing import SimClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ is not installed
from tests.crashsoak import Plan, Soak


async def main(args: argparse.Namespace) -> None:
    """Runs one soak and prints its outcome."""
    plan = Plan(
        seed=args.seed, leaders=args.leaders, reports_each=args.reports, random_kills=args.kills
    )
    token = f"7000000001:{secrets.token_urlsafe(27)}"
    with tempfile.TemporaryDirectory() as tmp:
        async with (
            SimulatorServer(token=token) as server,
            SimClient(server.control_url, refresh_all=False, timeout=30) as sim,
        ):
            out = await Soak(server, Path(tmp), plan).run(sim)
    kinds: dict[str, int] = {}
    for why in out.kills:
        kinds[why] = kinds.get(why, 0) + 1
    doubled = sum(1 for n in out.reports.values() if n > 1)
    lost = sum(1 for q in out.receipts if out.reports.get(q, 0) == 0)
    unreceipted = len(set(out.reports) - set(out.receipts))
    print(f"seed {plan.seed}, {plan.leaders} leaders, run {out.seconds:.0f} s")
    print(f"kills {len(out.kills)}: {kinds}")
    print(
        f"conversations {out.conversations} ({out.abandoned} left unfinished),"
        f" actions {out.actions}"
    )
    print(f"receipts {len(out.receipts)}, reports stored {sum(out.reports.values())}")
    print(f"lost {lost}, doubled {doubled}, stored without a receipt {unreceipted}")
    print(
        f"people left without an answer {len(out.stuck)},"
        f" drafts not resumed {len(out.resumed_wrong)}"
    )
    print(f"integrity_check {out.integrity}")
    print(f"digest charts per channel {out.channel_charts}, texts {out.channel_texts}")
    print(
        f"ledger {out.ledger_states}; reminders {out.reminders},"
        f" expiry notices {out.expiry_notices}"
    )
    print(f"presses never answered {out.unanswered_presses}; rule violations {len(out.violations)}")
    if out.startups:
        print(
            f"start-up to polling: median {statistics.median(out.startups):.2f} s,"
            f" max {max(out.startups):.2f} s over {len(out.startups)} starts"
        )
    for line in out.stuck + out.resumed_wrong:
        print("  ", line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaders", type=int, default=50)
    parser.add_argument("--reports", type=int, default=4)
    parser.add_argument("--kills", type=int, default=28)
    parser.add_argument("--seed", type=int, default=15)
    asyncio.run(main(parser.parse_args()))
