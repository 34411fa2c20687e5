"""Pytest fixtures for the simulator: `sim_server` and `sim` (which fails on rule violations).

Use them from a conftest with `from simulator.pytest_plugin import *` (or list the module in
`pytest_plugins` of the root conftest) and override `sim_server_options`, `sim_wait_processed`
or `sim_allowed_violations` there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from simulator.server import SimulatorServer
from simulator.testing import SimClient, WaitProcessed, assert_no_violations

__all__ = [
    "sim",
    "sim_allowed_violations",
    "sim_server",
    "sim_server_options",
    "sim_wait_processed",
]


@pytest.fixture
def sim_server_options() -> dict[str, Any]:
    """Keyword arguments for SimulatorServer (override to change limits, token...)."""
    return {}


@pytest.fixture
def sim_wait_processed() -> WaitProcessed | None:
    """How the kit learns the bot finished an update (override when the bot runs in-process)."""
    return None


@pytest.fixture
def sim_allowed_violations() -> list[str]:
    """Regexes of violation descriptions a test accepts (override per test module)."""
    return []


@pytest.fixture
async def sim_server(sim_server_options: dict[str, Any]) -> AsyncIterator[SimulatorServer]:
    """A fresh simulator on an ephemeral port."""
    async with SimulatorServer(**sim_server_options) as server:
        yield server


@pytest.fixture
async def sim(
    sim_server: SimulatorServer,
    sim_wait_processed: WaitProcessed | None,
    sim_allowed_violations: list[str],
) -> AsyncIterator[SimClient]:
    """A SimClient on `sim_server`; the test fails if the bot broke a Telegram rule."""
    async with SimClient(sim_server.control_url, wait_processed=sim_wait_processed) as client:
        yield client
        await client.refresh()
        assert_no_violations(client, allow=sim_allowed_violations)
