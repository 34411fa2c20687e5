"""One rate limiter with priorities: answers to people go before bulk sends, in Telegram's limits.

python-telegram-bot's AIORateLimiter (kept as the model: which requests count, retrying after a
429) lacks what a national peak needs: it has no priorities (a digest to 500 channels queues in
front of a leader's answer), no per-chat budget for private chats, and it pauses every request
for everyone when one chat gets a 429. This limiter adds those:

- Telegram's limits as sliding windows, not token buckets: a bucket of 30 a second with a burst
  on top lets one second carry up to 50 calls, and Telegram answers that with 429s that make
  everyone wait. Here no second (`overall_span`) carries more than `overall_max` counted calls as
  Telegram sees them, no minute (`group_span`) more than `group_max` to one group or channel, no
  second (`private_span`) more than `private_max` to one person (an album of ten is one burst).
  A call holds its place in a window from the moment it leaves until a span after its answer
  came back: Telegram saw it somewhere in between, so calls that travel unevenly (a burst leaves
  one by one; a busy event loop holds some back) cannot bunch up into one of Telegram's windows.
  Bulk sends to a person also keep to about one a second (`private_rate`); a conversation
  follows the person's own pace, so its answers only keep to the window.
  Sends, copies, forwards and edits count; answering a callback query, reading (getChat,
  getFile, ...), deleting and chat actions do not.
- Priorities: INTERACTIVE (the default: a person waits for it), BULK (digests, reminders,
  notices to many), LOW (cosmetic work such as taking the buttons off an old panel). The next
  overall slot always goes to the most urgent waiting request, first come first served within a
  priority. Callers choose with `rate_limit_args={"priority": "bulk"}` on a Bot method, or for a
  whole block of code with `with send_priority(BULK): ...`.
- Bulk and low sends spend what answers leave: they go out evenly (never faster than
  `overall_max` a window, so a slot frees every few tens of milliseconds for the next answer)
  and leave a slot free beside them, one more for every ten answers of the last window (at most
  `overall_reserve`). When nobody writes they use all but that slot; the moment a person writes,
  the answer takes the free slot, or the next one to free, ahead of every bulk send.
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
import math
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Iterator
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


async def at_most[T](jobs: Iterable[Awaitable[T]], at_once: int) -> list[T]:
    """Runs jobs (sends to many chats), at most `at_once` at a time; returns their results.

    One at a time, each send waits its round trip to Telegram and most of the budget goes
    unused (20 messages a second at 50 ms); all at once, thousands of tasks would wait in the
    limiter. A few dozen keep the budget full whatever the round trip, and the limiter paces them.
    """
    gate = asyncio.Semaphore(at_once)

    async def one(job: Awaitable[T]) -> T:
        async with gate:
            return await job

    return list(await asyncio.gather(*(one(job) for job in jobs)))


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
    """A token bucket: `rate` tokens a second, at most `capacity`; tokens may be owed."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def _refill(self, now: float) -> None:
        """Adds what the bucket earned since it was last looked at."""
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait(self, now: float, count: float = 1) -> float:
        """Seconds until `count` tokens are there (0 when they are), without taking them."""
        self._refill(now)
        owed = count - self.tokens
        return owed / self.rate if owed > 1e-9 else 0.0

    def take(self, now: float, count: float = 1) -> None:
        """Takes tokens (they may be owed)."""
        self._refill(now)
        self.tokens -= count

    def idle(self, now: float) -> bool:
        """True when the bucket is full again: it can be forgotten."""
        self._refill(now)
        return self.tokens >= self.capacity


class Window:
    """A sliding window: at most `limit` calls in any `span` seconds; `pause` stops it until then.

    A call holds its place from the moment it is let through (`take`) until `span` seconds after
    it has come back (`done`): Telegram saw it at some moment in between, so however unevenly the
    calls travel (a burst leaves one by one, a busy event loop delays some), no window as
    Telegram counts them holds more than `limit`.
    """

    __slots__ = ("calls", "limit", "not_before", "span", "total")

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.calls: deque[tuple[float, float]] = deque()  # (came back, count), oldest first
        self.total = 0.0  # calls in flight and those come back within the last span
        self.not_before = 0.0

    def _forget(self, now: float) -> None:
        """Drops the calls that came back a whole span ago."""
        while self.calls and self.calls[0][0] <= now - self.span:
            self.total -= self.calls.popleft()[1]

    def held(self, now: float) -> float:
        """Calls in flight or within the last span."""
        self._forget(now)
        return self.total

    def wait(self, now: float, count: float = 1) -> float:
        """Seconds until `count` more calls fit (0 when they do now; inf until a call in
        flight comes back)."""
        self._forget(now)
        start = max(now, self.not_before)
        excess = self.total + count - self.limit
        if excess <= 1e-9:
            return start - now
        leaving = 0.0
        for moment, calls in self.calls:  # the window must slide past enough of the oldest
            leaving += calls
            if leaving >= excess - 1e-9:
                return max(start, moment + self.span) - now
        return math.inf

    def take(self, count: float = 1) -> None:
        """Lets `count` calls through now: they hold their place until they are done."""
        self.total += count

    def release(self, count: float = 1) -> None:
        """Gives back places taken for calls that were not made after all."""
        self.total -= count

    def done(self, now: float, count: float = 1) -> None:
        """`count` calls let through have come back now: they leave the window a span later."""
        self.calls.append((now, count))

    def pause(self, until: float) -> None:
        """Lets no call through before `until` (a 429's retry_after)."""
        self.not_before = max(self.not_before, until)

    def idle(self, now: float) -> bool:
        """True when no call is in flight or within the span and none is paused."""
        return self.held(now) == 0 and now >= self.not_before


@dataclass(slots=True)
class _Chat:
    """One chat's limits: its window, and for a person the pace of bulk sends."""

    window: Window
    pace: Bucket | None  # private chats only

    def wait(self, now: float, count: float, paced: bool) -> float:
        """Seconds until the chat takes `count` more calls (paced: also at bulk's pace)."""
        wait = self.window.wait(now, count)
        if paced and self.pace is not None:
            wait = max(wait, self.pace.wait(now, count))
        return wait

    def take(self, now: float, count: float) -> None:
        """Lets calls through now."""
        self.window.take(count)
        if self.pace is not None:
            self.pace.take(now, count)

    def idle(self, now: float) -> bool:
        """True when nothing is remembered that limits the chat."""
        return self.window.idle(now) and (self.pace is None or self.pace.idle(now))


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
        overall_max: int = 30,
        overall_span: float = 1.0,
        overall_reserve: int = 4,
        private_max: int = 10,
        private_span: float = 1.0,
        private_rate: float = 1.0,
        group_max: int = 20,
        group_span: float = 60.0,
        max_retries: int = 30,  # a 429 means Telegram did nothing: waiting it out loses nothing
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.overall_max = overall_max
        self.overall_span = overall_span
        self.overall_reserve = overall_reserve
        self.private = (private_max, private_span, private_rate)
        self.group = (group_max, group_span)
        self.max_retries = max_retries
        self._clock = clock
        self._overall: Window | None = None
        self._answers: Window | None = None  # interactive calls, to size bulk's reserve
        self._bulk_next = 0.0  # bulk and low go out evenly: not before this moment
        self._chats: dict[int | str, _Chat] = {}
        self._waiting: list[_Waiter] = []
        self._seq = itertools.count()
        self._pump: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._came_back = asyncio.Event()  # set (and replaced) whenever a call comes back
        self._refusals: list[tuple[float, int | str]] = []
        self.stats = LimiterStats()

    def now(self) -> float:
        """The limiter's clock (the event loop's monotonic time unless one was given)."""
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    async def initialize(self) -> None:
        """Starts with the whole budget free."""
        self._overall = Window(self.overall_max, self.overall_span)

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
    def overall(self) -> Window:
        """The bot's overall budget."""
        if self._overall is None:
            self._overall = Window(self.overall_max, self.overall_span)
        return self._overall

    @property
    def answers(self) -> Window:
        """The interactive calls of the last window (never limiting: only counted)."""
        if self._answers is None:
            self._answers = Window(self.overall_max, self.overall_span)
        return self._answers

    @property
    def queued(self) -> int:
        """Requests waiting for an overall slot now."""
        return sum(1 for w in self._waiting if not w.future.done())

    # -- per chat ----------------------------------------------------------------------------

    def _chat(self, chat: int | str, now: float) -> _Chat:
        """The limits of one chat (groups and channels, negative ids or @names, are slower)."""
        found = self._chats.get(chat)
        if found is None:
            if len(self._chats) > 4096:
                self._chats = {k: c for k, c in self._chats.items() if not c.idle(now)}
            if isinstance(chat, str) or chat < 0:
                found = _Chat(Window(*self.group), None)
            else:
                most, span, rate = self.private
                found = _Chat(Window(most, span), Bucket(rate, most, now))
            self._chats[chat] = found
        return found

    # -- overall, by priority ----------------------------------------------------------------

    def _overall_wait(self, priority: Priority, now: float, count: float) -> float:
        """Seconds until the overall budget gives this request a slot.

        An answer needs room in the window. Bulk and low leave room beside them for the next
        answers (a slot, and one more for every ten answers of the last window, at most
        overall_reserve), and go out evenly, one every span / overall_max seconds: they use
        what answers leave, never in a burst, so a slot frees every few tens of milliseconds.
        """
        if priority is INTERACTIVE:
            return self.overall.wait(now, count)
        reserve = min(self.overall_reserve, 1 + math.ceil(self.answers.held(now) / 10))
        return max(self.overall.wait(now, count + reserve), self._bulk_next - now)

    def _grant(self, priority: Priority, now: float, count: float) -> None:
        """Records an overall slot given."""
        self.overall.take(count)
        if priority is INTERACTIVE:
            self.answers.take(count)
            self.answers.done(now, count)
        else:
            self._bulk_next = now + count * self.overall_span / self.overall_max

    def _done(self, chat: _Chat, count: float) -> None:
        """A call let through came back: its places leave the windows a span from now."""
        now = self.now()
        self.overall.done(now, count)
        chat.window.done(now, count)
        self._came_back.set()
        self._came_back = asyncio.Event()
        self._wake_pump()

    def _wake_pump(self) -> None:
        """Tells the pump that the budget changed."""
        if self._wake is not None:
            self._wake.set()

    async def _sleep(self, delay: float) -> None:
        """Waits `delay` seconds, or (inf) until a call in flight comes back."""
        if delay < math.inf:
            await asyncio.sleep(delay)
            return
        with suppress(TimeoutError):
            await asyncio.wait_for(self._came_back.wait(), self.overall_span)

    async def _overall_slot(self, priority: Priority, count: float) -> None:
        """Waits until the overall budget gives this request a slot, most urgent first."""
        now = self.now()
        if not self._waiting and self._overall_wait(priority, now, count) <= 0:
            self._grant(priority, now, count)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, _Waiter(priority, next(self._seq), count, future))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.get_running_loop().create_task(self._hand_out())
        else:
            self._wake_pump()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # given, then cancelled: unused
                self.overall.release(count)
                self._wake_pump()
            raise

    async def _hand_out(self) -> None:
        """Gives overall slots to waiting requests as the budget frees up."""
        self._wake = asyncio.Event()
        while self._waiting:
            head = self._waiting[0]
            if head.future.done():  # cancelled while waiting
                heapq.heappop(self._waiting)
                continue
            now = self.now()
            delay = self._overall_wait(Priority(head.priority), now, head.count)
            if delay > 0:
                self._wake.clear()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), None if delay == math.inf else delay)
                continue
            heapq.heappop(self._waiting)
            self._grant(Priority(head.priority), now, head.count)
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
        self._chat(chat, now).window.pause(until)
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
        # A conversation with a person follows their pace: answers, and taking the buttons off
        # the panel they answered, keep only to the chat's window; bulk sends to a person also
        # keep to about one a second, and so back off while the person is in a conversation.
        paced = priority is BULK
        for attempt in range(self.max_retries + 1):
            while True:  # the chat first, then the overall slot; the chat again, as it was held
                await self._sleep(self._chat(chat, self.now()).wait(self.now(), count, paced))
                await self._overall_slot(priority, count)
                now = self.now()
                target = self._chat(chat, now)
                if target.wait(now, count, paced) <= 0:
                    target.take(now, count)
                    break
                self.overall.release(count)  # another call to the chat came first: the
                self._wake_pump()  # overall slot goes back unused
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
            finally:
                self._done(target, count)
            self.stats.sent[name] += 1
            return result
        raise AssertionError("unreachable")  # pragma: no cover
