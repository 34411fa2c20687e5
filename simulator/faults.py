"""Seeded, deterministic fault injection for Bot API requests."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class FaultKind(StrEnum):
    """What goes wrong."""

    ERROR = "error"  # a 5xx answer in Telegram's shape (status 500 or 502)
    SLOW = "slow"  # the answer comes after `delay` seconds
    TIMEOUT = "timeout"  # no answer at all until the client gives up
    DROP = "drop"  # the connection is closed without an answer
    LOST = "lost"  # the call takes effect, then the connection is closed: the answer is lost
    FLOOD = "flood"  # a 429 Too Many Requests with retry_after
    REDELIVER = "redeliver"  # getUpdates hands out the updates it just confirmed once more


@dataclass
class FaultRule:
    """One fault: which requests it hits (method, next `count`, `fraction`) and its details."""

    kind: FaultKind
    method: str | None = None
    count: int | None = None
    fraction: float = 1.0
    status: int = 500
    delay: float = 1.0
    retry_after: int = 3
    id: int = 0

    def matches(self, method: str) -> bool:
        """Tells whether this rule applies to a method (case-insensitive, None = every method)."""
        if self.kind is FaultKind.REDELIVER:
            return method.lower() == "getupdates"
        if self.method is None:
            # Telegram's flood control limits what a bot does, not its long poll: a storm of 429s
            # with no method named leaves getUpdates alone (name it to refuse it anyway).
            return not (self.kind is FaultKind.FLOOD and method.lower() == "getupdates")
        return self.method.lower() == method.lower()

    def as_dict(self) -> dict[str, Any]:
        """Returns the rule as a JSON-friendly dict."""
        data = asdict(self)
        data["kind"] = str(self.kind)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        """Builds a rule from the control API's JSON."""
        allowed = {"kind", "method", "count", "fraction", "status", "delay", "retry_after"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        rule = cls(**{k: v for k, v in data.items() if k != "kind"}, kind=FaultKind(data["kind"]))
        rule.validate()
        return rule

    def validate(self) -> None:
        """Rejects nonsensical rules early."""
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1")
        if self.kind is FaultKind.ERROR and self.status not in (500, 502, 503, 504):
            raise ValueError("status must be 500, 502, 503 or 504")


@dataclass(frozen=True)
class FaultEvent:
    """A fault that fired."""

    kind: str
    method: str
    time: float
    rule_id: int


class FaultInjector:
    """Holds the active rules and decides, with a seeded RNG, which request gets which fault."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.rules: list[FaultRule] = []
        self.events: list[FaultEvent] = []
        self._next_id = 1

    def reseed(self, seed: int) -> None:
        """Restarts the random sequence."""
        self.seed = seed
        self.rng = random.Random(seed)

    def add(self, rule: FaultRule) -> FaultRule:
        """Activates a rule."""
        rule.validate()
        rule.id = self._next_id
        self._next_id += 1
        self.rules.append(rule)
        return rule

    def fail_next(
        self, count: int = 1, *, method: str | None = None, status: int = 500
    ) -> FaultRule:
        """The next `count` matching requests get a 5xx."""
        return self.add(FaultRule(FaultKind.ERROR, method=method, count=count, status=status))

    def fail_fraction(
        self, fraction: float, *, method: str | None = None, status: int = 500
    ) -> FaultRule:
        """A seeded fraction of matching requests get a 5xx."""
        return self.add(FaultRule(FaultKind.ERROR, method=method, fraction=fraction, status=status))

    def slow(self, delay: float, *, count: int | None = 1, method: str | None = None) -> FaultRule:
        """Matching requests are answered after `delay` seconds."""
        return self.add(FaultRule(FaultKind.SLOW, method=method, count=count, delay=delay))

    def timeout(self, *, count: int | None = 1, method: str | None = None) -> FaultRule:
        """Matching requests are never answered (until the client gives up)."""
        return self.add(FaultRule(FaultKind.TIMEOUT, method=method, count=count))

    def drop(self, *, count: int | None = 1, method: str | None = None) -> FaultRule:
        """Matching requests have their connection closed without an answer."""
        return self.add(FaultRule(FaultKind.DROP, method=method, count=count))

    def lose(self, *, count: int | None = 1, method: str | None = None) -> FaultRule:
        """Matching requests take effect, but their answer never reaches the bot."""
        return self.add(FaultRule(FaultKind.LOST, method=method, count=count))

    def flood(
        self, count: int = 1, *, retry_after: int = 3, method: str | None = None
    ) -> FaultRule:
        """A 429 storm: matching requests get Too Many Requests."""
        return self.add(
            FaultRule(FaultKind.FLOOD, method=method, count=count, retry_after=retry_after)
        )

    def redeliver(self, count: int = 1) -> FaultRule:
        """The next `count` getUpdates calls hand out the updates they confirm once more."""
        return self.add(FaultRule(FaultKind.REDELIVER, count=count))

    def clear(self) -> None:
        """Removes every rule."""
        self.rules.clear()

    def pick(self, method: str, now: float) -> FaultRule | None:
        """Returns the fault that hits this request, if any, consuming one use of its rule."""
        for rule in list(self.rules):
            if rule.kind is FaultKind.REDELIVER or not rule.matches(method):
                continue
            if rule.fraction < 1.0 and self.rng.random() >= rule.fraction:
                continue
            self._consume(rule, method, now)
            return rule
        return None

    def pick_redelivery(self, now: float) -> bool:
        """Tells whether a getUpdates call that confirms updates should hand them out again."""
        for rule in list(self.rules):
            if rule.kind is not FaultKind.REDELIVER:
                continue
            if rule.fraction < 1.0 and self.rng.random() >= rule.fraction:
                continue
            self._consume(rule, "getUpdates", now)
            return True
        return False

    def _consume(self, rule: FaultRule, method: str, now: float) -> None:
        """Uses up one application of a rule and records the event."""
        if rule.count is not None:
            rule.count -= 1
            if rule.count <= 0:
                self.rules.remove(rule)
        self.events.append(FaultEvent(str(rule.kind), method, now, rule.id))
