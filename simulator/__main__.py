"""Runs the simulator standalone: `python -m simulator --port 8081 [--token T]`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from simulator.limits import Limits
from simulator.server import SimulatorServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Reads the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="A local Telegram Bot API server with a web chat."
    )
    parser.add_argument("--port", type=int, default=8081, help="port on 127.0.0.1 (0 = any free)")
    parser.add_argument("--token", help="the bot token to accept (default: a random one)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault injector")
    parser.add_argument("--no-flood", action="store_true", help="switch flood control off")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="round trip of every Bot API call, in seconds"
    )
    parser.add_argument(
        "--no-privacy", action="store_true", help="the bot sees every group message"
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Starts the server, prints where it is and runs until interrupted."""
    limits = Limits(flood_control=not args.no_flood)
    server = SimulatorServer(
        token=args.token,
        port=args.port,
        limits=limits,
        seed=args.seed,
        privacy_mode=not args.no_privacy,
        latency=args.latency,
    )
    await server.open()
    print(f"Bot API:   {server.bot_api_url}  (base_url for python-telegram-bot)", flush=True)
    print(f"Files:     {server.file_url}", flush=True)
    print(f"Token:     {server.token}", flush=True)
    print(f"Web chat:  {server.web_url}", flush=True)
    print(f"Control:   {server.control_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await server.close()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
