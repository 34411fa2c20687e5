"""A local Telegram Bot API server for tests, benchmarks and the demo (the bot never imports it)."""

from simulator.errors import WaitTimeout
from simulator.faults import FaultInjector, FaultKind, FaultRule
from simulator.limits import Limits
from simulator.server import SimulatorServer

__all__ = ["FaultInjector", "FaultKind", "FaultRule", "Limits", "SimulatorServer", "WaitTimeout"]
