"""Telegram's limits as configuration, flood control with token buckets, and sliding windows.

The token buckets refuse what Telegram would refuse (a 429 with retry_after); they let a burst
through on top of the rate, as Telegram does for a moment. `SendWindows` measures what a bot
must stay under all the same: the counted calls in every sliding window (30 in any one second
overall, 20 in any minute to one group or channel, a burst's worth in any second to one person).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Limits:
    """Every limit the simulator enforces; change one with `dataclasses.replace` or `with_()`."""

    text_max: int = 4096
    caption_max: int = 1024
    callback_data_max_bytes: int = 64
    inline_buttons_max: int = 100
    inline_row_max: int = 8
    reply_buttons_max: int = 300
    reply_row_max: int = 12
    answer_text_max: int = 200
    media_group_min: int = 2
    media_group_max: int = 10
    commands_max: int = 100
    command_max_len: int = 32
    command_description_max: int = 256
    callback_answer_timeout: float = 15.0
    edit_window: float = 48 * 3600.0
    long_poll_max: float = 50.0
    photo_max_bytes: int = 10 * 1024 * 1024
    document_max_bytes: int = 50 * 1024 * 1024
    download_max_bytes: int = 20 * 1024 * 1024
    # Flood control (token buckets): rate per second and burst size.
    flood_control: bool = True
    private_rate: float = 1.0
    private_burst: int = 10
    group_rate: float = 20 / 60
    group_burst: int = 20
    global_rate: float = 30.0
    global_burst: int = 30
    # Sliding windows the simulator counts calls over (it refuses nothing for them): at most
    # `window_max` counted calls in any `window` seconds overall, `group_window_max` in any
    # `group_window` seconds to one group or channel, `private_window_max` in any `window`
    # seconds to one person (a burst: an album of ten is one call that counts ten).
    window: float = 1.0
    window_max: int = 30
    group_window: float = 60.0
    group_window_max: int = 20
    private_window_max: int = 10
    # Seconds of a human's pace credited to a chat's bucket for every action made through the
    # control API (tests act at machine speed; people take seconds between messages).
    think_time: float = 3.0

    def with_(self, **changes: Any) -> Limits:
        """Returns a copy with some limits changed."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """Returns the limits as a JSON-friendly dict."""
        return asdict(self)

    @classmethod
    def names(cls) -> set[str]:
        """Names of every configurable limit."""
        return {f.name for f in fields(cls)}


class TokenBucket:
    """A token bucket: `rate` tokens a second, holding at most `capacity`."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def refill(self, now: float) -> None:
        """Adds the tokens earned since the last update."""
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait_for(self, count: float, now: float) -> float:
        """Seconds until `count` tokens are available (0 when they are)."""
        self.refill(now)
        missing = count - self.tokens
        return 0.0 if missing <= 1e-9 else missing / self.rate

    def take(self, count: float) -> None:
        """Removes tokens (call after `wait_for` returned 0)."""
        self.tokens -= count

    def credit(self, seconds: float) -> None:
        """Adds the tokens `seconds` of waiting would have earned."""
        self.tokens = min(self.capacity, self.tokens + seconds * self.rate)


class FloodControl:
    """Per-chat and global buckets as Telegram applies them to sending methods."""

    def __init__(self, limits: Limits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self._chats: dict[int, TokenBucket] = {}
        self._global = TokenBucket(limits.global_rate, limits.global_burst, clock())

    def _bucket(self, chat_id: int, group_like: bool) -> TokenBucket:
        """Returns (creating it) the bucket of one chat."""
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if group_like:
                bucket = TokenBucket(self.limits.group_rate, self.limits.group_burst, self.clock())
            else:
                bucket = TokenBucket(
                    self.limits.private_rate, self.limits.private_burst, self.clock()
                )
            self._chats[chat_id] = bucket
        return bucket

    def acquire(self, chat_id: int, group_like: bool, count: int = 1) -> int | None:
        """Takes `count` messages' worth of tokens, or returns retry_after seconds when flooded."""
        if not self.limits.flood_control:
            return None
        now = self.clock()
        chat = self._bucket(chat_id, group_like)
        wait = max(chat.wait_for(count, now), self._global.wait_for(count, now))
        if wait > 0:
            return max(1, math.ceil(wait))
        chat.take(count)
        self._global.take(count)
        return None

    def think(self, chat_id: int, group_like: bool) -> None:
        """Credits a chat with a human's think time (called for every simulated user action)."""
        self._bucket(chat_id, group_like).credit(self.limits.think_time)

    def reset(self, limits: Limits | None = None) -> None:
        """Forgets every bucket (and optionally switches to new limits)."""
        if limits is not None:
            self.limits = limits
        self._chats.clear()
        self._global = TokenBucket(self.limits.global_rate, self.limits.global_burst, self.clock())


class _Window:
    """Counted calls inside one sliding window, oldest first."""

    __slots__ = ("calls", "total")

    def __init__(self) -> None:
        self.calls: deque[tuple[float, int]] = deque()
        self.total = 0

    def add(self, now: float, span: float, count: int) -> int:
        """Adds `count` calls at `now`; returns how many the window ending now holds."""
        while self.calls and self.calls[0][0] <= now - span:
            self.total -= self.calls.popleft()[1]
        self.calls.append((now, count))
        self.total += count
        return self.total


class SendWindows:
    """Counts the sliding windows that carry more counted calls than Telegram allows.

    Every counted call Telegram carried out (a send, copy, forward or edit; an album counts its
    items) is added at the real time it arrived, whatever the simulated clock says. A call that
    leaves more than the limit in the window ending with it is one window over: `over` overall,
    `chat_over` per chat. `peak` is the most calls any one-second window held.
    """

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.reset(limits)

    def reset(self, limits: Limits | None = None) -> None:
        """Forgets every call counted (and optionally switches to new limits)."""
        if limits is not None:
            self.limits = limits
        self._overall = _Window()
        self._chats: dict[int, _Window] = {}
        self.calls = 0
        self.over = 0
        self.peak = 0
        self.chat_over: dict[int, int] = {}

    def add(self, chat_id: int, group_like: bool, count: int = 1) -> None:
        """Counts one call carried out in a chat."""
        limits, now = self.limits, self.clock()
        self.calls += count
        held = self._overall.add(now, limits.window, count)
        self.peak = max(self.peak, held)
        if held > limits.window_max:
            self.over += 1
        if len(self._chats) > 4096:  # forget the chats whose window has emptied
            keep = max(limits.window, limits.group_window)
            self._chats = {
                c: w for c, w in self._chats.items() if w.calls and w.calls[-1][0] > now - keep
            }
        window = self._chats.setdefault(chat_id, _Window())
        span = limits.group_window if group_like else limits.window
        most = limits.group_window_max if group_like else limits.private_window_max
        if window.add(now, span, count) > most:
            self.chat_over[chat_id] = self.chat_over.get(chat_id, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        """The counts as JSON-friendly data."""
        return {
            "calls": self.calls,
            "over": self.over,
            "peak": self.peak,
            "chat_over": {str(c): n for c, n in self.chat_over.items()},
        }
