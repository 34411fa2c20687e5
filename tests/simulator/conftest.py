"""Fixtures for the simulator's own tests: a server, a raw Bot API client, a started user."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from simhelp import RawBot, started_user

# The plugin's fixtures, imported so they override the project-wide ones in tests/conftest.py.
from simulator.pytest_plugin import (  # noqa: F401
    sim,
    sim_allowed_violations,
    sim_server,
    sim_server_options,
    sim_wait_processed,
)
from simulator.server import SimulatorServer
from simulator.state import User


@pytest.fixture
def server(sim_server: SimulatorServer) -> SimulatorServer:  # noqa: F811
    """The simulator of this test (the same one the `sim` kit fixture talks to)."""
    return sim_server


@pytest.fixture
async def bot(server: SimulatorServer) -> AsyncIterator[RawBot]:
    """A raw Bot API client for `server`."""
    async with aiohttp.ClientSession() as session:
        yield RawBot(server, session)


@pytest.fixture
def maryam(server: SimulatorServer) -> User:
    """A user who started the bot."""
    return started_user(server)
