"""The aiohttp application: Bot API endpoints, file downloads, control API and web chat."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Mapping
from functools import partial
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote

import aiohttp
from aiohttp import BodyPartReader, web

from simulator.apispec import ApiSpec, Upload
from simulator.botapi import BotApi
from simulator.control import add_control_routes, load_web_files
from simulator.errors import ApiError, WaitTimeout
from simulator.faults import FaultInjector, FaultKind, FaultRule
from simulator.limits import Limits
from simulator.state import SimClock, Update, Violation, World

log = logging.getLogger(__name__)
_dumps = partial(json.dumps, ensure_ascii=False)
DEFAULT_BOT_ID = 7_000_000_001


def _json_response(payload: Any, status: int = 200) -> web.Response:
    """Answers JSON the way the Bot API does."""
    return web.json_response(payload, status=status, dumps=_dumps)


def _safe_params(raw: Mapping[str, Any], files: Mapping[str, Upload]) -> dict[str, Any]:
    """Makes request parameters JSON-friendly for the violation record."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            try:
                decoded = json.loads(value)
            except ValueError:
                decoded = value
            params[key] = decoded if isinstance(decoded, dict | list) else value
        else:
            params[key] = value
    for key, upload in files.items():
        params[key] = f"<file {upload.filename or key}, {len(upload.data)} bytes>"
    return params


class SimulatorServer:
    """A local Telegram Bot API server with a control API and a web chat, on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str | None = None,
        port: int = 0,
        limits: Limits | None = None,
        seed: int = 0,
        bot_name: str = "خدمت‌یار",
        bot_username: str = "khedmatyar_sim_bot",
        privacy_mode: bool = True,
        strict_params: bool = True,
        spec: ApiSpec | None = None,
        latency: float = 0.0,
    ) -> None:
        self.host = "127.0.0.1"
        # A network round trip to Telegram, in seconds: half before a Bot API call is served,
        # half before its answer leaves (getUpdates included), as a distant server would feel.
        self.latency = latency
        self.port = port
        self.token = token or f"{DEFAULT_BOT_ID}:SIM-{secrets.token_hex(12)}"
        prefix = self.token.split(":", 1)[0]
        bot_id = int(prefix) if prefix.isdigit() else DEFAULT_BOT_ID  # tokens are `<bot id>:...`
        self.clock = SimClock()
        self._spec = spec
        self.world = World(
            bot_id=bot_id,
            bot_name=bot_name,
            bot_username=bot_username,
            limits=limits or Limits(),
            clock=self.clock,
            privacy_mode=privacy_mode,
        )
        self.faults = FaultInjector(seed)
        self.strict_params = strict_params
        # What the web chat's person picker shows beside a name (the demo's roles); by user id.
        self.user_titles: dict[int, str] = {}
        self.user_about: dict[int, str] = {}  # and one line on who each one is
        self.closing = asyncio.Event()
        self._api: BotApi | None = None
        self.inflight = 0
        self.last_activity = 0.0
        self._runner: web.AppRunner | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._hook: asyncio.Task[None] | None = None
        # Every webhook delivery attempt: (update_id, HTTP status, or 0 when it did not connect).
        self.webhook_log: list[tuple[int, int]] = []

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    async def start(cls, **options: Any) -> SimulatorServer:
        """Creates and starts a server (`server = await SimulatorServer.start()`)."""
        server = cls(**options)
        await server.open()
        return server

    async def open(self) -> None:
        """Starts listening (on an ephemeral port unless one was given)."""
        if self._spec is None:
            self._spec = await asyncio.to_thread(ApiSpec.load)
        self._api = BotApi(self.world, self._spec, self.faults, self.closing)
        web_files = await asyncio.to_thread(load_web_files)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._bot_endpoint)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file_endpoint)
        add_control_routes(app, self, web_files)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.last_activity = asyncio.get_running_loop().time()
        self._sweeper = asyncio.create_task(self._sweep_loop())
        self._hook = asyncio.create_task(self._webhook_loop())

    async def close(self) -> None:
        """Stops the server, releasing pending long polls and hanging requests."""
        self.closing.set()
        self.world.new_update.fire()
        self.world.changed.fire()
        for task in (self._sweeper, self._hook):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._sweeper = self._hook = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SimulatorServer:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _sweep_loop(self) -> None:
        """Records callback queries left unanswered past the timeout."""
        while True:
            await asyncio.sleep(0.25)
            self.world.sweep_callbacks()

    async def _webhook_loop(self) -> None:
        """Posts each pending update to the webhook, in order, as Telegram does; an update not
        answered 200 stays first in line and is posted again. A `redeliver` fault posts an
        update once more after its 200 (the answer lost on its way back to Telegram)."""
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not self.closing.is_set():
                hook = self.world.webhook
                if not hook.get("url") or not self.world.updates:
                    await self.world.new_update.wait(0.1)
                    continue
                update = self.world.updates[0]
                if not await self._post_update(session, hook, update):
                    await asyncio.sleep(0.1)
                    continue
                self.world.confirm(update.update_id + 1)
                self.world.mark_delivered([update])
                if self.faults.pick_redelivery(self.clock.time()):
                    await self._post_update(session, hook, update)

    async def _post_update(
        self, session: aiohttp.ClientSession, hook: dict[str, Any], update: Update
    ) -> bool:
        """Posts one update to the webhook; whether it was answered 200."""
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        body = _dumps(update.api())
        try:
            async with session.post(hook["url"], data=body.encode(), headers=headers) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        self.webhook_log.append((update.update_id, status))
        return status == 200

    @property
    def spec(self) -> ApiSpec:
        """The Bot API specification (loaded when the server opens)."""
        if self._spec is None:
            raise RuntimeError("the simulator is not started yet")
        return self._spec

    @property
    def api(self) -> BotApi:
        """The Bot API method implementations (available once the server is open)."""
        if self._api is None:
            raise RuntimeError("the simulator is not started yet")
        return self._api

    # -- addresses ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://{self.host}:{self.port}"

    @property
    def bot_api_url(self) -> str:
        """What python-telegram-bot takes as `base_url` (it appends the token)."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        """What python-telegram-bot takes as `base_file_url`."""
        return f"{self.base_url}/file/bot"

    @property
    def control_url(self) -> str:
        """Root of the control API."""
        return f"{self.base_url}/_sim"

    @property
    def web_url(self) -> str:
        """The web chat."""
        return f"{self.base_url}/"

    # -- records and settings ----------------------------------------------------------------

    @property
    def limits(self) -> Limits:
        """The limits in force."""
        return self.world.limits

    def configure(self, limits: Limits) -> None:
        """Switches to other limits (e.g. `limits.with_(flood_control=False)`)."""
        self.world.set_limits(limits)

    @property
    def violations(self) -> list[Violation]:
        """Every request Telegram would have refused, oldest first."""
        self.world.sweep_callbacks()
        return list(self.world.violations)

    def reset(self) -> None:
        """Forgets all users, chats, updates, records and fault rules."""
        self.world.reset()
        self.faults.clear()
        self.faults.events.clear()

    # -- waiting -----------------------------------------------------------------------------

    async def wait_delivered(self, update_id: int, max_wait: float = 10.0) -> None:
        """Waits until the bot received an update through getUpdates."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        world = self.world
        while update_id not in world.delivered:
            queued = any(u.update_id == update_id for u in world.updates)
            if not queued and update_id < world.next_update_id:
                raise WaitTimeout(
                    f"update {update_id} was dropped before the bot received it "
                    "(drop_pending_updates or a negative offset)"
                )
            if update_id >= world.next_update_id:
                raise WaitTimeout(f"there is no update {update_id}")
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise WaitTimeout(self._not_delivered(update_id, max_wait))
            await world.delivered_signal.wait(min(remaining, 0.25))

    def _not_delivered(self, update_id: int, max_wait: float) -> str:
        """Explains why an update is still waiting."""
        reason = "the bot never called getUpdates"
        if self.world.webhook.get("url"):
            reason = "a webhook is set, so getUpdates is refused"
        elif self.world.last_get_updates is not None:
            ago = asyncio.get_running_loop().time() - self.world.last_get_updates
            reason = f"the bot last called getUpdates {ago:.1f} s ago"
        return (
            f"update {update_id} was not delivered to the bot within {max_wait:g} s ({reason}); "
            f"is the bot polling {self.bot_api_url}<token>/getUpdates?"
        )

    async def wait_quiet(self, quiet: float = 0.15, max_wait: float = 10.0) -> None:
        """Waits until the bot has made no Bot API request (besides getUpdates) for `quiet` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        while True:
            idle = loop.time() - self.last_activity
            if self.inflight == 0 and idle >= quiet:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise WaitTimeout(
                    f"the bot kept making requests for {max_wait:g} s without a {quiet:g} s pause"
                )
            pause = quiet - idle if self.inflight == 0 else 0.01
            await asyncio.sleep(max(0.002, min(remaining, pause)))

    async def wait_processed(
        self, update_id: int | None, quiet: float = 0.15, max_wait: float = 10.0
    ) -> None:
        """Waits until an update was delivered and the bot then went quiet."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        if update_id is not None:
            await self.wait_delivered(update_id, max_wait)
        if quiet > 0:
            await self.wait_quiet(quiet, max(0.0, max_wait - (loop.time() - started)))

    # -- Bot API endpoint --------------------------------------------------------------------

    async def _bot_endpoint(self, request: web.Request) -> web.StreamResponse:
        """Serves /bot<token>/<method>, tracking activity for `wait_quiet`."""
        method = request.match_info["method"]
        counted = method.lower() != "getupdates"
        loop = asyncio.get_running_loop()
        if counted:
            self.inflight += 1
            self.last_activity = loop.time()
        try:
            if self.latency > 0:
                await asyncio.sleep(self.latency / 2)
            response = await self._serve(request, request.match_info["token"], method)
            if self.latency > 0:
                await asyncio.sleep(self.latency / 2)
            return response
        finally:
            if counted:
                self.inflight -= 1
                self.last_activity = loop.time()

    def _fail(
        self, method: str, raw: Mapping[str, Any], files: Mapping[str, Upload], error: ApiError
    ) -> web.Response:
        """Answers an error and records it as a violation (flood 429s are recorded apart)."""
        if error.code != 429:
            self.world.record_violation(
                method, _safe_params(raw, files), error.code, error.description
            )
        return _json_response(error.payload(), error.code)

    async def _serve(self, request: web.Request, token: str, method: str) -> web.StreamResponse:
        """Authenticates, injects faults, parses, validates and runs one Bot API call."""
        if token != self.token:
            return self._fail(method, {}, {}, ApiError(401, "Unauthorized"))
        spec = self.spec.method(method)
        if spec is None:
            return self._fail(method, {}, {}, ApiError(404, "Not Found"))
        fault = self.faults.pick(spec.name, self.clock.time())
        if fault is not None:
            early = await self._apply_fault(request, fault)
            if early is not None:
                return early
        try:
            raw, files = await self._read_params(request)
        except ApiError as exc:
            return self._fail(spec.name, {}, {}, exc)
        try:
            params = self.spec.coerce_params(spec, raw, files, strict=self.strict_params)
            result = await self.api.call(spec.name, params, files)
        except ApiError as exc:
            if exc.code == 409 and self._client_gone(request):
                # An abandoned long poll (e.g. a bot that restarted) is not a second instance.
                return web.Response(status=499)
            return self._fail(spec.name, raw, files, exc)
        if fault is not None and fault.kind is FaultKind.LOST:
            if request.transport is not None:
                request.transport.abort()  # it happened, but the bot never hears so
            return web.Response(status=499)
        if spec.name == "getUpdates":
            if self._client_gone(request):
                return web.Response(status=499)
            self.world.mark_delivered(result)
            self.last_activity = asyncio.get_running_loop().time()
            result = [update.api() for update in result]
        return _json_response({"ok": True, "result": result})

    @staticmethod
    def _client_gone(request: web.Request) -> bool:
        """Tells whether the client closed the connection while the request was pending."""
        return request.transport is None or request.transport.is_closing()

    async def _apply_fault(self, request: web.Request, fault: FaultRule) -> web.Response | None:
        """Carries out a fault; returns the response to give, or None to serve normally."""
        if fault.kind is FaultKind.ERROR:
            text = {
                500: "Internal Server Error",
                502: "Bad Gateway",
                503: "Service Unavailable",
                504: "Gateway Timeout",
            }[fault.status]
            return _json_response(
                {"ok": False, "error_code": fault.status, "description": text}, fault.status
            )
        if fault.kind is FaultKind.FLOOD:
            error = ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                retry_after=fault.retry_after,
            )
            return _json_response(error.payload(), 429)
        if fault.kind is FaultKind.LOST:
            return None  # served normally; the answer is lost afterwards
        if fault.kind is FaultKind.SLOW:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.closing.wait(), fault.delay)
            return None
        if fault.kind is FaultKind.TIMEOUT:
            await self.closing.wait()
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=499)

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        """Reads parameters from the query string and a JSON, form or multipart body."""
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, Upload] = {}
        if not request.can_read_body:
            return raw, files
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = json.loads(await request.text() or "{}")
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON-encoded request must be an object")
            raw.update({k: v for k, v in body.items() if v is not None})
        elif ctype == "multipart/form-data":
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                data = await part.read(decode=True)
                if part.filename is not None:
                    content_type = part.headers.get("Content-Type", "application/octet-stream")
                    name = unquote(part.filename)
                    files[part.name] = Upload(part.name, name, content_type, bytes(data))
                else:
                    raw[part.name] = bytes(data).decode("utf-8", errors="replace")
        else:
            body_text = await request.text()
            raw.update(dict(parse_qsl(body_text, keep_blank_values=True)))
        return raw, files

    async def _file_endpoint(self, request: web.Request) -> web.StreamResponse:
        """Serves /file/bot<token>/<file_path>."""
        if request.match_info["token"] != self.token:
            return _json_response(ApiError(401, "Unauthorized").payload(), 401)
        fault = self.faults.pick("file", self.clock.time())
        if fault is not None:
            early = await self._apply_fault(request, fault)
            if early is not None:
                return early
        stored = self.world.files.by_path.get(request.match_info["path"])
        if stored is None:
            return _json_response(ApiError(404, "Not Found").payload(), 404)
        return web.Response(body=stored.data, content_type=stored.mime_type)
