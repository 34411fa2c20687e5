"""A small test kit: simulated people talk to the bot through the control API over HTTP."""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp

from simulator.server import SimulatorServer
from simulator.state import FloodEvent, UnansweredCallback, Violation

WaitProcessed = Callable[[int], Awaitable[None]]

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "Button",
    "InlineAnswer",
    "ProcessedTracker",
    "Sent",
    "SimChannel",
    "SimChat",
    "SimClient",
    "SimGroup",
    "SimMessage",
    "SimTimeout",
    "SimUser",
    "SimulatorError",
    "SimulatorServer",
    "WaitProcessed",
    "assert_no_violations",
]


# Debian's chromium, as browser tests start it here (no `playwright install`: no internet).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class SimulatorError(RuntimeError):
    """The control API refused a request."""


class SimTimeout(AssertionError):
    """The bot did not receive or finish an update in time."""


@dataclass(frozen=True)
class Button:
    """An inline or reply keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    request_contact: bool = False
    request_location: bool = False
    style: str | None = None
    copy_text: str | None = None
    request_chat: dict[str, Any] | None = None
    request_users: dict[str, Any] | None = None
    switch_inline: dict[str, Any] | None = None  # switch_inline_query_chosen_chat

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> Button:
        """Builds a Button from the control API's description."""
        return cls(
            view["text"],
            view.get("callback_data"),
            view.get("url"),
            bool(view.get("request_contact")),
            bool(view.get("request_location")),
            view.get("style"),
            (view.get("copy_text") or {}).get("text"),
            view.get("request_chat"),
            view.get("request_users"),
            view.get("switch_inline_query_chosen_chat"),
        )


@dataclass(frozen=True)
class InlineAnswer:
    """The bot's answer to an inline query: its id and results (id, title, description, text)."""

    query_id: str
    results: list[dict[str, Any]]

    @property
    def ids(self) -> list[str]:
        """The results' ids, in order."""
        return [r["id"] for r in self.results]


@dataclass(frozen=True)
class SimMessage:
    """A message as the user sees it (edits applied)."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str | None
    html: str | None
    caption: str | None
    keyboard: list[list[Button]]
    edited: bool
    seq: int
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> SimMessage:
        """Builds a SimMessage from the control API's description."""
        text = view["text"] if view["text"] is not None else view.get("caption")
        html = view["html"] if view["text"] is not None else view.get("caption_html")
        keyboard = [[Button.from_view(b) for b in row] for row in view.get("buttons", [])]
        return cls(
            view["message_id"],
            view["chat_id"],
            view["from_bot"],
            text,
            html,
            view.get("caption"),
            keyboard,
            view["edited"],
            view["seq"],
            view,
        )

    @property
    def buttons(self) -> list[list[str]]:
        """Inline keyboard labels, row by row."""
        return [[b.text for b in row] for row in self.keyboard]

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        """The photo sizes, when the message is a photo."""
        photo: list[dict[str, Any]] | None = self.raw.get("photo")
        return photo

    @property
    def document(self) -> dict[str, Any] | None:
        """The document, when the message is one."""
        document: dict[str, Any] | None = self.raw.get("document")
        return document

    @property
    def media_group_id(self) -> str | None:
        """The album this message belongs to."""
        group: str | None = self.raw.get("media_group_id")
        return group


@dataclass(frozen=True)
class Sent:
    """What a simulated action produced."""

    chat_id: int
    message_ids: list[int]
    update_ids: list[int]
    callback_query_id: str | None = None  # set for a button press

    @property
    def update_id(self) -> int | None:
        """The (last) update the bot received for the action, if any."""
        return self.update_ids[-1] if self.update_ids else None


class ProcessedTracker:
    """Lets an in-process bot report finished updates; pass `tracker.wait` as `wait_processed`."""

    def __init__(self) -> None:
        self._done: set[int] = set()
        self._event = asyncio.Event()

    def done(self, update_id: int) -> None:
        """Marks an update as fully handled (call it after Application.process_update)."""
        self._done.add(update_id)
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, update_id: int) -> None:
        """Returns once `done(update_id)` was called."""
        while update_id not in self._done:
            await self._event.wait()

    def track(self, app: Any, handled: list[int] | None = None) -> None:
        """Wraps a python-telegram-bot Application's process_update so that every finished
        update is reported here (and its id appended to `handled`, in the order finished)."""
        original = app.process_update

        async def tracked(update: object) -> None:
            try:
                await original(update)
            finally:
                update_id = getattr(update, "update_id", None)
                if isinstance(update_id, int):
                    if handled is not None:
                        handled.append(update_id)
                    self.done(update_id)

        app.process_update = tracked


class SimChat:
    """A chat as seen through the control API (refreshed after every action)."""

    def __init__(self, client: SimClient, view: dict[str, Any]) -> None:
        self.client = client
        self.id: int = view["id"]
        self.type: str = view["type"]
        self._view = view

    @property
    def title(self) -> str | None:
        """The chat's title (a user's first name for private chats)."""
        title: str | None = self._view.get("title")
        return title

    def _update(self, view: dict[str, Any]) -> None:
        """Takes a fresh description from the server."""
        self._view = view

    @property
    def history(self) -> list[SimMessage]:
        """Every message in the chat, users' included, oldest first."""
        return [SimMessage.from_view(m) for m in self._view.get("messages", [])]

    @property
    def messages(self) -> list[SimMessage]:
        """The bot's messages in order, edits applied, deleted ones gone."""
        return [m for m in self.history if m.from_bot]

    @property
    def last(self) -> SimMessage:
        """The bot's message sent or edited most recently."""
        messages = self.messages
        if not messages:
            raise AssertionError(f"the bot has sent nothing in chat {self.title!r}")
        return max(messages, key=lambda m: m.seq)

    @property
    def keyboard(self) -> list[list[str]] | None:
        """Labels of the chat's current reply keyboard, or None."""
        board = self._view.get("reply_keyboard")
        if not board:
            return None
        return [[b["text"] for b in row] for row in board["rows"]]

    def _reply_buttons(self) -> list[Button]:
        """The reply keyboard's buttons."""
        board = self._view.get("reply_keyboard") or {"rows": []}
        return [Button.from_view(b) for row in board["rows"] for b in row]

    async def refresh(self) -> None:
        """Fetches the chat's current state."""
        await self.client.refresh()


class SimGroup(SimChat):
    """A group or supergroup with the bot in it."""

    async def add(self, user: SimUser, *, wait: bool = True) -> Sent:
        """A user joins the group."""
        data = await self.client.request("POST", f"/groups/{self.id}/members", {"user_id": user.id})
        return await self.client.settle(data, wait=wait)

    async def remove(self, user: SimUser, *, wait: bool = True) -> Sent:
        """A user leaves the group."""
        data = await self.client.request("DELETE", f"/groups/{self.id}/members/{user.id}")
        return await self.client.settle(data, wait=wait)


class SimChannel(SimChat):
    """A channel where the bot is an administrator."""

    @property
    def posts(self) -> list[SimMessage]:
        """Every post in the channel (the bot's and its admins'), oldest first."""
        return self.history

    async def post(self, text: str, *, by: SimUser | None = None, wait: bool = True) -> Sent:
        """The owner (or `by`, an admin) posts in the channel; the bot gets a channel_post."""
        body: dict[str, Any] = {"text": text}
        if by is not None:
            body["user_id"] = by.id
        data = await self.client.request("POST", f"/channels/{self.id}/posts", body)
        return await self.client.settle(data, wait=wait)


class SimUser:
    """A simulated person with a private chat with the bot."""

    def __init__(self, client: SimClient, view: dict[str, Any], chat: SimChat) -> None:
        self.client = client
        self.id: int = view["id"]
        self.chat = chat
        self._view = view

    def __repr__(self) -> str:
        return f"SimUser({self.id}, {self.first_name!r})"

    def _update(self, view: dict[str, Any]) -> None:
        """Takes a fresh description from the server."""
        self._view = view

    @property
    def first_name(self) -> str:
        """The user's first name."""
        name: str = self._view["first_name"]
        return name

    @property
    def username(self) -> str | None:
        """The user's @username, without @."""
        name: str | None = self._view.get("username")
        return name

    # -- what the user sees ------------------------------------------------------------------

    @property
    def last(self) -> SimMessage:
        """The bot's latest message (sent or edited) in the private chat."""
        return self.chat.last

    @property
    def messages(self) -> list[SimMessage]:
        """The bot's messages in the private chat, in order, edits applied."""
        return self.chat.messages

    @property
    def keyboard(self) -> list[list[str]] | None:
        """The private chat's current reply keyboard labels, or None."""
        return self.chat.keyboard

    @property
    def last_answer(self) -> str | None:
        """Text of the latest answerCallbackQuery given to this user."""
        answer = self._view.get("last_answer")
        return answer.get("text") if answer else None

    @property
    def last_answer_query(self) -> str | None:
        """Id of the latest callback query the bot answered for this user."""
        query: str | None = self._view.get("last_answer_query")
        return query

    @property
    def blocked(self) -> bool:
        """Whether the user has blocked the bot."""
        return bool(self._view.get("blocked"))

    # -- what the user does ------------------------------------------------------------------

    def _where(self, chat: SimChat | None) -> SimChat:
        """The chat an action happens in."""
        return chat or self.chat

    async def _act(self, path: str, body: dict[str, Any], chat: SimChat | None, wait: bool) -> Sent:
        """Posts an action and waits for the bot to handle it."""
        body = {**body, "chat_id": self._where(chat).id}
        data = await self.client.request("POST", f"/users/{self.id}/{path}", body)
        return await self.client.settle(data, wait=wait)

    async def send(
        self,
        text: str,
        *,
        chat: SimChat | None = None,
        reply_to: int | None = None,
        wait: bool = True,
    ) -> Sent:
        """Sends a text message (to the bot, or into `chat`)."""
        return await self._act("messages", {"text": text, "reply_to": reply_to}, chat, wait)

    async def press(self, label: str, *, chat: SimChat | None = None, wait: bool = True) -> Sent:
        """Presses a button by its label: the newest inline one, else a reply keyboard one."""
        where = self._where(chat)
        for msg in sorted(where.messages, key=lambda m: m.message_id, reverse=True):
            for button in (b for row in msg.keyboard for b in row):
                if button.text != label:
                    continue
                if button.callback_data is None:
                    raise AssertionError(f"button {label!r} is not a callback button: {button}")
                return await self.press_data(
                    msg.message_id, button.callback_data, chat=chat, wait=wait
                )
        for button in where._reply_buttons():
            if button.text == label:
                if button.request_contact:
                    return await self.send_contact(chat=chat, wait=wait)
                if button.request_location:
                    return await self.send_location(34.0954, 49.7013, chat=chat, wait=wait)
                return await self.send(label, chat=chat, wait=wait)
        inline = [b.text for m in where.messages for row in m.keyboard for b in row]
        reply = [b.text for b in where._reply_buttons()]
        raise AssertionError(
            f"no button {label!r} in chat {where.title!r}; inline buttons: {inline}; "
            f"reply keyboard: {reply}"
        )

    def reply_button(self, label: str) -> Button:
        """The button of the private chat's reply keyboard with this label."""
        for button in self.chat._reply_buttons():
            if button.text == label:
                return button
        shown = [b.text for b in self.chat._reply_buttons()]
        raise AssertionError(f"no keyboard button {label!r}; the keyboard has {shown}")

    def inline_button(self, label: str, chat: SimChat | None = None) -> Button:
        """The newest inline button with this label (in the private chat, or `chat`)."""
        where = self._where(chat)
        for msg in sorted(where.history, key=lambda m: m.message_id, reverse=True):
            for button in (b for row in msg.keyboard for b in row):
                if button.text == label:
                    return button
        raise AssertionError(f"no inline button {label!r} in chat {where.title!r}")

    async def share_chat(self, label: str, shared: SimChat, *, wait: bool = True) -> Sent:
        """Presses a request_chat keyboard button and picks `shared` (a group or channel)."""
        button = self.reply_button(label)
        if button.request_chat is None:
            raise AssertionError(f"{label!r} does not ask for a chat: {button}")
        body = {"request_id": button.request_chat["request_id"], "shared_chat_id": shared.id}
        return await self._act("share_chat", body, None, wait)

    async def share_users(self, label: str, *people: SimUser, wait: bool = True) -> Sent:
        """Presses a request_users keyboard button and picks `people`."""
        button = self.reply_button(label)
        if button.request_users is None:
            raise AssertionError(f"{label!r} does not ask for people: {button}")
        body = {
            "request_id": button.request_users["request_id"],
            "user_ids": [p.id for p in people],
        }
        return await self._act("share_users", body, None, wait)

    async def inline(self, query: str, *, chat: SimChat | None = None) -> InlineAnswer:
        """Types `@bot query` in a chat and waits for the bot's answer (its results)."""
        data = await self.client.request(
            "POST", f"/users/{self.id}/inline", {"query": query, "chat_id": self._where(chat).id}
        )
        await self.client.settle(data)
        answer = await self.client.request("GET", f"/inline/{data['inline_query_id']}")
        if not answer["answered"]:
            raise AssertionError(f"the bot did not answer the inline query {query!r}")
        return InlineAnswer(data["inline_query_id"], answer["results"])

    async def choose(
        self, answer: InlineAnswer, result_id: str, *, chat: SimChat | None = None
    ) -> Sent:
        """Taps one of an inline answer's results: it is sent into `chat` via the bot."""
        body = {"inline_query_id": answer.query_id, "result_id": result_id}
        return await self._act("inline/choose", body, chat, True)

    async def press_data(
        self, message_id: int, data: str, *, chat: SimChat | None = None, wait: bool = True
    ) -> Sent:
        """Presses an inline button of a message with any callback data (forged data too)."""
        return await self._act("press", {"message_id": message_id, "data": data}, chat, wait)

    async def send_photo(
        self,
        *,
        caption: str | None = None,
        image: bytes | None = None,
        chat: SimChat | None = None,
        wait: bool = True,
    ) -> Sent:
        """Sends one photo (a generated picture unless `image` bytes are given)."""
        body: dict[str, Any] = {"count": 1, "caption": caption}
        if image is not None:
            body["images_b64"] = [base64.b64encode(image).decode()]
        return await self._act("photos", body, chat, wait)

    async def send_album(
        self,
        count: int,
        *,
        caption: str | None = None,
        chat: SimChat | None = None,
        wait: bool = True,
    ) -> Sent:
        """Sends an album of `count` photos: separate updates sharing a media_group_id."""
        return await self._act("photos", {"count": count, "caption": caption}, chat, wait)

    async def send_document(
        self,
        file_name: str = "report.txt",
        content: bytes = b"sample",
        *,
        mime_type: str = "text/plain",
        caption: str | None = None,
        chat: SimChat | None = None,
        wait: bool = True,
    ) -> Sent:
        """Sends a document."""
        body = {
            "file_name": file_name,
            "content_b64": base64.b64encode(content).decode(),
            "mime_type": mime_type,
            "caption": caption,
        }
        return await self._act("documents", body, chat, wait)

    async def send_media(
        self,
        kind: str,
        *,
        caption: str | None = None,
        chat: SimChat | None = None,
        wait: bool = True,
        **fields: Any,
    ) -> Sent:
        """Sends a sticker, voice, video, video_note, animation or poll (fields: emoji,
        duration, size, question, options)."""
        return await self._act("media", {"kind": kind, "caption": caption, **fields}, chat, wait)

    async def send_sticker(
        self, emoji: str = "👍", *, chat: SimChat | None = None, wait: bool = True
    ) -> Sent:
        """Sends a sticker."""
        return await self.send_media("sticker", emoji=emoji, chat=chat, wait=wait)

    async def send_voice(
        self, duration: int = 3, *, chat: SimChat | None = None, wait: bool = True
    ) -> Sent:
        """Sends a voice note."""
        return await self.send_media("voice", duration=duration, chat=chat, wait=wait)

    async def send_video(
        self, *, caption: str | None = None, chat: SimChat | None = None, wait: bool = True
    ) -> Sent:
        """Sends a video."""
        return await self.send_media("video", caption=caption, chat=chat, wait=wait)

    async def send_video_note(self, *, chat: SimChat | None = None, wait: bool = True) -> Sent:
        """Sends a round video note."""
        return await self.send_media("video_note", chat=chat, wait=wait)

    async def send_animation(
        self, *, caption: str | None = None, chat: SimChat | None = None, wait: bool = True
    ) -> Sent:
        """Sends an animation (a GIF, which Telegram also describes as a document)."""
        return await self.send_media("animation", caption=caption, chat=chat, wait=wait)

    async def send_poll(
        self,
        question: str = "نظرسنجی",
        options: tuple[str, ...] = ("بله", "خیر"),
        *,
        chat: SimChat | None = None,
        wait: bool = True,
    ) -> Sent:
        """Sends a regular poll."""
        return await self.send_media(
            "poll", question=question, options=list(options), chat=chat, wait=wait
        )

    async def send_location(
        self, latitude: float, longitude: float, *, chat: SimChat | None = None, wait: bool = True
    ) -> Sent:
        """Shares a location."""
        return await self._act(
            "location", {"latitude": latitude, "longitude": longitude}, chat, wait
        )

    async def send_contact(
        self, phone_number: str | None = None, *, chat: SimChat | None = None, wait: bool = True
    ) -> Sent:
        """Shares the user's own contact."""
        return await self._act("contact", {"phone_number": phone_number}, chat, wait)

    async def block(self, *, wait: bool = True) -> Sent:
        """Blocks the bot (the bot gets a my_chat_member update)."""
        data = await self.client.request("POST", f"/users/{self.id}/block")
        return await self.client.settle(data, wait=wait)

    async def unblock(self, *, wait: bool = True) -> Sent:
        """Unblocks the bot."""
        data = await self.client.request("POST", f"/users/{self.id}/unblock")
        return await self.client.settle(data, wait=wait)

    async def refresh(self) -> None:
        """Fetches what the user sees now (e.g. after the bot wrote on its own)."""
        await self.client.refresh()

    async def rename(
        self,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
    ) -> None:
        """Changes the user's names (later updates carry them)."""
        body = {"first_name": first_name, "last_name": last_name, "username": username}
        await self.client.request("PATCH", f"/users/{self.id}", body)
        await self.client.refresh()


class SimClient:
    """Drives the simulator's control API; every action waits until the bot has handled it."""

    def __init__(
        self,
        control_url: str,
        *,
        wait_processed: WaitProcessed | None = None,
        quiet: float = 0.15,
        timeout: float = 10.0,
        refresh_all: bool = True,
    ) -> None:
        self.control_url = control_url.rstrip("/")
        # False: after an action, fetch only the chat it happened in (hundreds of simulated
        # people acting at once, as in the benchmarks).
        self.refresh_all = refresh_all
        self.wait_processed = wait_processed
        self.quiet = quiet
        self.timeout = timeout
        self.violations: list[Violation] = []
        self.flood_events: list[FloodEvent] = []
        self.unanswered_callbacks: list[UnansweredCallback] = []
        # Sliding windows over Telegram's limits (simulator.limits.SendWindows.as_dict).
        self.windows: dict[str, Any] = {}
        self.users: list[SimUser] = []
        self.chats: list[SimChat] = []
        self.allowed_violations: list[str] = []
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SimClient:
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Closes the HTTP session (if the client was used as a context manager)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- plumbing ----------------------------------------------------------------------------

    async def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Calls the control API; raises SimulatorError (or SimTimeout) on failure."""
        url = f"{self.control_url}{path}"
        client_timeout = aiohttp.ClientTimeout(total=self.timeout + 10)
        if self._session is not None:
            return await self._call(self._session, method, url, body, client_timeout)
        async with aiohttp.ClientSession() as session:
            return await self._call(session, method, url, body, client_timeout)

    async def _call(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: str,
        body: dict[str, Any] | None,
        client_timeout: aiohttp.ClientTimeout,
    ) -> Any:
        """Performs one HTTP call."""
        async with session.request(method, url, json=body, timeout=client_timeout) as response:
            data = await response.json()
            if response.status == 504:
                raise SimTimeout(data.get("error", "timed out"))
            if response.status >= 400:
                raise SimulatorError(f"{method} {url}: {data.get('error', data)}")
            return data

    async def wait(self, update_id: int | None) -> None:
        """Waits until the bot received an update and finished with it."""
        if self.wait_processed is None:
            body = {"update_id": update_id, "quiet": self.quiet, "timeout": self.timeout}
            await self.request("POST", "/wait", body)
            return
        if update_id is None:
            return
        await self.request(
            "POST", "/wait", {"update_id": update_id, "quiet": 0, "timeout": self.timeout}
        )
        try:
            await asyncio.wait_for(self.wait_processed(update_id), self.timeout)
        except TimeoutError:
            raise SimTimeout(
                f"the bot received update {update_id} but did not finish it within "
                f"{self.timeout:g} s"
            ) from None

    async def settle(self, data: dict[str, Any], *, wait: bool = True) -> Sent:
        """Waits for the updates an action produced, then refreshes what tests read."""
        sent = Sent(
            data.get("chat_id", 0),
            data.get("message_ids", []),
            data.get("update_ids", []),
            data.get("callback_query_id"),
        )
        if wait and sent.update_ids:
            if self.wait_processed is None:
                await self.wait(max(sent.update_ids))
            else:
                for update_id in sorted(sent.update_ids):
                    await self.wait(update_id)
        if self.refresh_all:
            await self.refresh()
        else:
            await self.refresh_chat(sent.chat_id)
        return sent

    async def refresh_chat(self, chat_id: int) -> None:
        """Fetches one chat (and its user, for a private chat) without the others."""
        chats = [c for c in self.chats if c.id == chat_id]
        users = [u for u in self.users if u.chat.id == chat_id]
        body = {"chats": [c.id for c in chats], "users": [u.id for u in users]}
        data = await self.request("POST", "/snapshot", body)
        for chat in chats:
            chat._update(data["chats"][str(chat.id)])
        for user in users:
            user._update(data["users"][str(user.id)])

    async def refresh(self) -> None:
        """Fetches every known chat and user, the violations and the flood events."""
        body = {"chats": [c.id for c in self.chats], "users": [u.id for u in self.users]}
        data = await self.request("POST", "/snapshot", body)
        for chat in self.chats:
            chat._update(data["chats"][str(chat.id)])
        for user in self.users:
            user._update(data["users"][str(user.id)])
        self.violations = [Violation(**v) for v in data["violations"]]
        self.flood_events = [FloodEvent(**f) for f in data["flood"]]
        self.unanswered_callbacks = [UnansweredCallback(**u) for u in data["unanswered"]]
        self.windows = data["windows"]

    # -- creating people and chats -----------------------------------------------------------

    async def user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "fa",
    ) -> SimUser:
        """Creates a user with an (empty) private chat with the bot."""
        view = await self.request(
            "POST",
            "/users",
            {
                "first_name": first_name,
                "last_name": last_name,
                "username": username,
                "language_code": language_code,
            },
        )
        chat_view = await self.request("GET", f"/chats/{view['id']}")
        chat = SimChat(self, chat_view)
        user = SimUser(self, view, chat)
        self.users.append(user)
        self.chats.append(chat)
        return user

    async def group(
        self,
        title: str,
        *,
        members: Iterable[SimUser],
        supergroup: bool = True,
        bot_admin: bool = False,
        username: str | None = None,
        wait: bool = True,
    ) -> SimGroup:
        """Creates a group (the first member owns it) and adds the bot."""
        view = await self.request(
            "POST",
            "/groups",
            {
                "title": title,
                "members": [m.id for m in members],
                "supergroup": supergroup,
                "bot_admin": bot_admin,
                "username": username,
            },
        )
        group = SimGroup(self, view)
        self.chats.append(group)
        await self.settle({"chat_id": group.id, "update_ids": view["update_ids"]}, wait=wait)
        return group

    async def channel(
        self,
        title: str,
        *,
        owner: SimUser | None = None,
        username: str | None = None,
        wait: bool = True,
    ) -> SimChannel:
        """Creates a channel with the bot as an administrator."""
        body = {"title": title, "owner_id": owner.id if owner else None, "username": username}
        view = await self.request("POST", "/channels", body)
        channel = SimChannel(self, view)
        self.chats.append(channel)
        await self.settle({"chat_id": channel.id, "update_ids": view["update_ids"]}, wait=wait)
        return channel

    # -- settings and records ----------------------------------------------------------------

    def allow_violations(self, *patterns: str) -> None:
        """Accepts violations whose description matches these regexes (tests that provoke them)."""
        self.allowed_violations.extend(patterns)

    async def configure(self, **settings: Any) -> dict[str, Any]:
        """Changes limits (any `Limits` field) or `privacy_mode`."""
        config: dict[str, Any] = await self.request("PATCH", "/config", settings)
        return config

    async def add_fault(self, kind: str, **options: Any) -> dict[str, Any]:
        """Activates a fault (see FaultRule): e.g. `add_fault("error", method="sendMessage")`."""
        rule: dict[str, Any] = await self.request("POST", "/faults", {"kind": kind, **options})
        return rule

    async def clear_faults(self) -> None:
        """Removes every fault rule."""
        await self.request("DELETE", "/faults")

    async def advance(self, seconds: float) -> None:
        """Moves simulated time forward (callback timeouts, flood buckets, dates)."""
        await self.request("POST", "/clock/advance", {"seconds": seconds})
        await self.refresh()

    async def clear_records(self) -> None:
        """Forgets recorded violations and flood events."""
        await self.request("DELETE", "/records")
        await self.refresh()

    async def reset(self) -> None:
        """Forgets every user, chat and record on the server."""
        await self.request("POST", "/reset")
        self.users.clear()
        self.chats.clear()
        self.violations = []
        self.flood_events = []
        self.unanswered_callbacks = []


def assert_no_violations(
    sim: SimClient | Iterable[Violation], *, allow: Iterable[str] = ()
) -> None:
    """Fails when the bot broke a Telegram rule (descriptions matching `allow` regexes pass)."""
    allowed = list(allow)
    if isinstance(sim, SimClient):
        records = sim.violations
        allowed += sim.allowed_violations
    else:
        records = list(sim)
    patterns = [re.compile(p) for p in allowed]
    bad = [v for v in records if not any(p.search(v.description) for p in patterns)]
    if bad:
        lines = [f"  {v.method}: {v.description} (params {v.params})" for v in bad]
        raise AssertionError("the bot broke Telegram's rules:\n" + "\n".join(lines))
