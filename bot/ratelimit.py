"""One rate limiter with priorities: answers to people go before bulk sends, in Telegram's limits.

python-telegram-bot's AIORateLimiter (kept as the model: which requests count, retrying after a
429) lacks what a national peak needs: it has no priorities (a digest to 500 channels queues in
front of a leader's answer), no per-chat budget for private chats, and it pauses every request
for everyone when one chat gets a 429. This limiter adds those:

- Telegram's budget: about 30 messages a second overall (`overall_rate`), about one a second to
  one private chat (`private_rate`, short bursts allowed) and 20 a minute to a group or channel
  (`group_rate`). A conversation in a private chat follows the person's own pace, so only bulk
  sends wait for a private chat's budget (the conversation's messages still use it up).
  Sends, copies, forwards and edits count; answering a callback query, reading (getChat,
  getFile, ...), deleting and chat actions do not.
- Priorities: INTERACTIVE (the default: a person waits for it), BULK (digests, reminders,
  notices to many), LOW (cosmetic work such as taking the buttons off an old panel). The next
  overall slot always goes to the most urgent waiting request, first come first served within a
  priority. Callers choose with `rate_limit_args={"priority": "bulk"}` on a Bot method, or for a
  whole block of code with `with send_priority(BULK): ...`. Bulk and low sends also leave a
  reserve of the overall budget unused, for the next burst of answers.
- A 429 is obeyed: that chat pauses for `retry_after` and the request is retried (up to
  `max_retries` times: a storm of refusals at one chat does not make it give up), so nothing is
  lost; only when several chats are refused within a second
  (the overall limit, not one chat's) does everyone pause.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)


class Priority(IntEnum):
    """How urgent a request is; lower goes first."""

    INTERACTIVE = 0
    BULK = 1
    LOW = 2


INTERACTIVE, BULK, LOW = Priority.INTERACTIVE, Priority.BULK, Priority.LOW
_BY_NAME = {p.name.lower(): p for p in Priority}

_priority: contextvars.ContextVar[Priority] = contextvars.ContextVar(
    "khedmatyar_send_priority", default=INTERACTIVE
)

# Requests that do not count against Telegram's message limits although they carry a chat_id.
_FREE = frozenset(
    {
        "sendchataction",
        "deletemessage",
        "deletemessages",
        "answercallbackquery",
        "setmessagereaction",
    }
)
_COUNTED_PREFIXES = ("send", "copy", "forward", "edit", "stoppoll")


# Calls that may simply be made again after a transient failure (a 5xx, a time-out, a dropped
# connection): if the first one did take effect, the second is refused harmlessly («not modified»,
# «query is too old»). Sending a message is not among them: a retry could post it twice, so a
# send is tried again only after a 5xx Telegram answered (see _refused).
_REPEATABLE = frozenset(
    {
        "answercallbackquery",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
        "getfile",
        "getme",
        "setmycommands",
    }
)
TRANSIENT_RETRIES = (0.2, 0.6)  # seconds before each further try


def transient(exc: Exception) -> bool:
    """A failure of the network or of Telegram's side, not of the request itself."""
    return isinstance(exc, NetworkError) and not isinstance(
        exc, BadRequest | Forbidden | InvalidToken | RetryAfter
    )


def _refused(exc: Exception) -> bool:
    """A 5xx that Telegram answered: the request was refused, not carried out.

    python-telegram-bot raises NetworkError with the server's description for these, and with
    «httpx.…» (or «Unknown error…») when the connection failed, when nobody can tell whether
    the request took effect; a time-out is its own class.
    """
    text = str(exc)
    return (
        transient(exc)
        and not isinstance(exc, TimedOut)
        and not text.startswith(("httpx.", "Unknown error in HTTP implementation"))
    )


async def _call(
    endpoint: str,
    callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
    args: Any,
    kwargs: dict[str, Any],
) -> bool | JSONDict | list[JSONDict]:
    """Makes a request, trying it again after a transient failure: any repeatable one, and a
    send (which a retry could post twice) only when Telegram answered that it was refused."""
    repeatable = endpoint.lower() in _REPEATABLE
    for delay in TRANSIENT_RETRIES:
        try:
            return await callback(*args, **kwargs)
        except NetworkError as exc:
            if not (transient(exc) if repeatable else _refused(exc)):
                raise
            log.info("%s failed (%s); trying again in %.1f s", endpoint, exc, delay)
            await asyncio.sleep(delay)
    return await callback(*args, **kwargs)


@contextmanager
def send_priority(priority: Priority) -> Iterator[None]:
    """Sends made inside the block (and tasks it starts) use this priority unless told otherwise."""
    token = _priority.set(priority)
    try:
        yield
    finally:
        _priority.reset(token)


def current_priority() -> Priority:
    """The priority sends made here get by default."""
    return _priority.get()


def counted(endpoint: str) -> bool:
    """True when a Bot API method counts against Telegram's message limits."""
    name = endpoint.lower()
    return name not in _FREE and name.startswith(_COUNTED_PREFIXES)


def _parse_priority(args: Any) -> Priority:
    """The priority requested through rate_limit_args, else the block's default."""
    if isinstance(args, dict):
        value = args.get("priority")
        if isinstance(value, Priority):
            return value
        if isinstance(value, str) and value.lower() in _BY_NAME:
            return _BY_NAME[value.lower()]
    return current_priority()


class Bucket:
    """A token bucket that hands out reservations: callers learn how long to wait for their turn.

    Tokens may go negative: each reservation is one token, and a caller whose token is still
    owed waits until the bucket has earned it. `pause` stops handing out turns until a time.
    """

    __slots__ = ("capacity", "not_before", "rate", "stamp", "tokens")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now
        self.not_before = 0.0

    def _refill(self, now: float) -> None:
        """Adds what the bucket earned since it was last looked at."""
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait(self, now: float, count: float = 1) -> float:
        """Seconds until `count` tokens are there (0 when they are), without taking them."""
        self._refill(now)
        owed = count - self.tokens
        return max(0.0, owed / self.rate if owed > 1e-9 else 0.0, self.not_before - now)

    def take(self, now: float, count: float = 1) -> None:
        """Takes tokens (they may be owed)."""
        self._refill(now)
        self.tokens -= count

    def reserve(self, now: float, count: float = 1) -> float:
        """Takes tokens now and returns how long the caller must wait before using them."""
        self._refill(now)
        self.tokens -= count
        owed = -self.tokens
        return max(0.0, owed / self.rate if owed > 1e-9 else 0.0, self.not_before - now)

    def pause(self, until: float) -> None:
        """Hands out no turn before `until` (a 429's retry_after)."""
        self.not_before = max(self.not_before, until)

    def idle(self, now: float) -> bool:
        """True when the bucket is full again and not paused: it can be forgotten."""
        self._refill(now)
        return self.tokens >= self.capacity and now >= self.not_before


@dataclass(order=True)
class _Waiter:
    """A request waiting for an overall slot."""

    priority: int
    seq: int
    count: float = field(compare=False)
    future: asyncio.Future[None] = field(compare=False)


@dataclass
class LimiterStats:
    """What the limiter did, for benchmarks and logs."""

    sent: dict[str, int] = field(default_factory=lambda: {p.name.lower(): 0 for p in Priority})
    retries: int = 0
    gave_up: int = 0
    overall_pauses: int = 0
    max_wait: dict[str, float] = field(
        default_factory=lambda: {p.name.lower(): 0.0 for p in Priority}
    )


class PriorityRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Telegram's message budget shared by priority; per-chat budgets; 429s obeyed and retried."""

    def __init__(
        self,
        *,
        overall_rate: float = 30.0,
        overall_burst: float = 20.0,
        overall_reserve: float = 8.0,
        private_rate: float = 1.0,
        private_burst: float = 10.0,
        group_rate: float = 20 / 60,
        group_burst: float = 5.0,
        max_retries: int = 30,  # a 429 means Telegram did nothing: waiting it out loses nothing
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.overall_rate = overall_rate
        self.overall_burst = overall_burst
        self.overall_reserve = overall_reserve
        self.private = (private_rate, private_burst)
        self.group = (group_rate, group_burst)
        self.max_retries = max_retries
        self._clock = clock
        self._overall: Bucket | None = None
        self._chats: dict[int | str, Bucket] = {}
        self._waiting: list[_Waiter] = []
        self._seq = itertools.count()
        self._pump: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._refusals: list[tuple[float, int | str]] = []
        self.stats = LimiterStats()

    def now(self) -> float:
        """The limiter's clock (the event loop's monotonic time unless one was given)."""
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    async def initialize(self) -> None:
        """Starts with a full overall budget."""
        self._overall = Bucket(self.overall_rate, self.overall_burst, self.now())

    async def shutdown(self) -> None:
        """Stops handing out slots; requests still waiting are released to fail on their own."""
        if self._pump is not None:
            self._pump.cancel()
            self._pump = None
        for waiter in self._waiting:
            if not waiter.future.done():
                waiter.future.set_result(None)
        self._waiting.clear()

    @property
    def overall(self) -> Bucket:
        """The bot's overall budget."""
        if self._overall is None:
            self._overall = Bucket(self.overall_rate, self.overall_burst, self.now())
        return self._overall

    @property
    def queued(self) -> int:
        """Requests waiting for an overall slot now."""
        return sum(1 for w in self._waiting if not w.future.done())

    # -- per chat ----------------------------------------------------------------------------

    def _chat_bucket(self, chat: int | str, now: float) -> Bucket:
        """The budget of one chat (groups and channels, negative ids or @names, are slower)."""
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) > 4096:
                self._chats = {k: b for k, b in self._chats.items() if not b.idle(now)}
            group_like = isinstance(chat, str) or chat < 0
            rate, burst = self.group if group_like else self.private
            bucket = self._chats[chat] = Bucket(rate, burst, now)
        return bucket

    # -- overall, by priority ----------------------------------------------------------------

    async def _overall_slot(self, priority: Priority, count: float) -> None:
        """Waits until the overall budget gives this request a slot, most urgent first."""
        now = self.now()
        if not self._waiting and self.overall.wait(now, self._needs(priority, count)) == 0:
            self.overall.take(now, count)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, _Waiter(priority, next(self._seq), count, future))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.get_running_loop().create_task(self._hand_out())
        elif self._wake is not None:
            self._wake.set()
        await future

    def _needs(self, priority: Priority, count: float) -> float:
        """Tokens the overall budget must hold for a request: bulk and low leave a reserve.

        The reserve keeps room for a burst of answers to people: bulk and low sends use only
        what answers leave unused, so they never take the slot an answer would need next.
        """
        return count if priority is INTERACTIVE else count + self.overall_reserve

    async def _hand_out(self) -> None:
        """Gives overall slots to waiting requests as the budget refills."""
        self._wake = asyncio.Event()
        while self._waiting:
            head = self._waiting[0]
            if head.future.done():  # cancelled while waiting
                heapq.heappop(self._waiting)
                continue
            now = self.now()
            delay = self.overall.wait(now, self._needs(Priority(head.priority), head.count))
            if delay > 0:
                self._wake.clear()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)
                continue
            heapq.heappop(self._waiting)
            self.overall.take(now, head.count)
            head.future.set_result(None)

    # -- 429s --------------------------------------------------------------------------------

    def _refused(self, chat: int | str | None, retry_after: float) -> None:
        """Obeys a 429: the chat waits; if several chats were refused at once, everyone does."""
        now = self.now()
        until = now + retry_after
        if chat is None:
            self.overall.pause(until)
            self.stats.overall_pauses += 1
            return
        self._chat_bucket(chat, now).pause(until)
        self._refusals = [(t, c) for t, c in self._refusals if now - t < 1.0]
        self._refusals.append((now, chat))
        if len({c for _, c in self._refusals}) >= 3:
            self.overall.pause(until)
            self.stats.overall_pauses += 1

    # -- the BaseRateLimiter interface -------------------------------------------------------

    async def _free(
        self,
        endpoint: str,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> bool | JSONDict | list[JSONDict]:
        """A request outside the message budget (an answer to a press, a read): it waits for no
        slot, but a 429 is obeyed and the request made again, as for any other."""
        for attempt in range(self.max_retries + 1):
            try:
                return await _call(endpoint, callback, args, kwargs)
            except RetryAfter as exc:
                if attempt == self.max_retries:
                    self.stats.gave_up += 1
                    raise
                self.stats.retries += 1
                seconds = exc._retry_after.total_seconds()
                log.info("%s: 429, retrying after %.1f s", endpoint, seconds)
                await asyncio.sleep(seconds)
        raise AssertionError("unreachable")  # pragma: no cover

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Runs one Bot API request when its chat and the overall budget allow, by priority."""
        raw_chat = data.get("chat_id")
        if raw_chat is None or not counted(endpoint):
            return await self._free(endpoint, callback, args, kwargs)
        chat: int | str = raw_chat
        if isinstance(raw_chat, str) and raw_chat.lstrip("-").isdigit():
            chat = int(raw_chat)
        priority = _parse_priority(rate_limit_args)
        media = data.get("media")
        count = float(len(media)) if endpoint.lower() == "sendmediagroup" and media else 1.0
        name = priority.name.lower()
        began = self.now()
        for attempt in range(self.max_retries + 1):
            now = self.now()
            bucket = self._chat_bucket(chat, now)
            if priority is not BULK and isinstance(chat, int) and chat > 0:
                # A conversation with a person follows their pace: answers, and taking the
                # buttons off the panel they answered, only obey a 429's pause; they use up the
                # chat's budget so that bulk sends to that person back off.
                wait = max(0.0, bucket.not_before - now)
                bucket.take(now, count)
            else:
                wait = bucket.reserve(now, count)
            if wait > 0:
                await asyncio.sleep(wait)
            await self._overall_slot(priority, count)
            waited = self.now() - began
            self.stats.max_wait[name] = max(self.stats.max_wait[name], waited)
            try:
                result = await _call(endpoint, callback, args, kwargs)
            except RetryAfter as exc:
                seconds = exc._retry_after.total_seconds()
                self._refused(chat, seconds + 0.1)
                if attempt == self.max_retries:
                    self.stats.gave_up += 1
                    log.error("%s to %s refused %d times; giving up", endpoint, chat, attempt + 1)
                    raise
                self.stats.retries += 1
                log.info("%s to %s: 429, retrying after %.1f s", endpoint, chat, seconds)
                continue
            self.stats.sent[name] += 1
            return result
        raise AssertionError("unreachable")  # pragma: no cover
