"""The control API under /_sim/: simulated people act, tests read what the bot did."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from simulator.errors import WaitTimeout
from simulator.faults import FaultRule
from simulator.limits import Limits
from simulator.media import MEDIA_MIME, MEDIA_PREFIX
from simulator.state import CHANNEL, PRIVATE, Chat, Message, SimError, User, World

if TYPE_CHECKING:
    from simulator.server import SimulatorServer

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]
CHAT_ACTION_SECONDS = 5.0
_WEB_TYPES = MappingProxyType(
    {
        ".html": "text/html",
        ".js": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".woff2": "font/woff2",
    }
)
_BINARY = frozenset({".png", ".woff2"})
# What the web chat and the test kit see of a button (its kind, its style, what it asks for).
_BUTTON_FIELDS = (
    "callback_data",
    "url",
    "style",
    "copy_text",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "request_contact",
    "request_location",
    "request_chat",
    "request_users",
)


def _ok(payload: Any, status: int = 200) -> web.Response:
    """Answers JSON."""
    return web.json_response(
        payload, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False)
    )


def _error(message: str, status: int = 400) -> web.Response:
    """Answers a control API error."""
    return _ok({"ok": False, "error": message}, status)


def file_url(file_id: str) -> str:
    """Where the web chat and tests can view a stored file."""
    return f"/_sim/files/{file_id}"


def button_view(button: dict[str, Any]) -> dict[str, Any]:
    """Describes an inline or reply keyboard button."""
    view = {"text": button.get("text", "")}
    for key in _BUTTON_FIELDS:
        if key in button:
            view[key] = button[key]
    return view


def message_view(world: World, msg: Message) -> dict[str, Any]:
    """Describes a message for tests and the web chat."""
    sender = None
    if msg.sender_id is not None and msg.sender_id != world.bot.id:
        user = world.users[msg.sender_id]
        sender = {"id": user.id, "first_name": user.first_name, "username": user.username}
    view: dict[str, Any] = {
        "message_id": msg.message_id,
        "chat_id": msg.chat_id,
        "from_bot": msg.from_bot,
        "sender": sender,
        "date": msg.date,
        "seq": msg.seq,
        "edited": msg.edit_date is not None,
        "edit_hidden": msg.edit_hidden,  # Telegram's apps show no «edited» on this edit
        "text": msg.text,
        "entities": msg.entities,
        "html": msg.source,
        "caption": msg.caption,
        "caption_entities": msg.caption_entities,
        "caption_html": msg.caption_source,
        "media_group_id": msg.media_group_id,
        "reply_to": msg.reply_to,
        "location": msg.location,
        "contact": msg.contact,
        "service": msg.service,
        "forwarded": msg.forward_origin is not None,
        "protected": msg.protected,
        "via_bot": world.bot.username if msg.via_bot else None,
        "buttons": [
            [button_view(b) for b in row]
            for row in (msg.reply_markup or {}).get("inline_keyboard", [])
        ],
        "photo": None,
        "document": None,
        "media": msg.media,
    }
    if msg.photo:
        view["photo"] = [
            {"file_id": p.file_id, "width": p.width, "height": p.height, "url": file_url(p.file_id)}
            for p in msg.photo
        ]
    if msg.document:
        view["document"] = {
            "file_id": msg.document.file_id,
            "file_name": msg.document.file_name,
            "mime_type": msg.document.mime_type,
            "size": msg.document.size,
            "url": file_url(msg.document.file_id),
        }
    return view


def chat_view(world: World, chat: Chat, *, messages: bool) -> dict[str, Any]:
    """Describes a chat (optionally with its messages, oldest first)."""
    view: dict[str, Any] = {
        "id": chat.id,
        "type": chat.type,
        "title": chat.title,
        "username": chat.username,
        "user_id": chat.user_id,
        "bot_status": chat.bot_status,
        "members": [{"user_id": uid, "status": status} for uid, status in chat.members.items()],
        "reply_keyboard": None,
        "chat_action": None,
    }
    if chat.type == PRIVATE and chat.user_id is not None:
        view["title"] = world.users[chat.user_id].first_name
    if chat.reply_keyboard:
        view["reply_keyboard"] = {
            "rows": [[button_view(b) for b in row] for row in chat.reply_keyboard["keyboard"]],
            "placeholder": chat.reply_keyboard.get("input_field_placeholder"),
            "one_time": bool(chat.reply_keyboard.get("one_time_keyboard")),
        }
    if chat.chat_action and world.clock.time() - chat.chat_action_at < CHAT_ACTION_SECONDS:
        view["chat_action"] = chat.chat_action
    if messages:
        view["messages"] = [message_view(world, m) for m in chat.messages.values() if not m.deleted]
    return view


def user_view(
    world: World, user: User, title: str | None = None, about: str | None = None
) -> dict[str, Any]:
    """Describes a user with the answer to their latest callback query.

    title is what the web chat's person picker shows beside the name (a demo role, say), and
    about one line on who the person is.
    """
    answers = [c for c in world.callbacks.values() if c.user_id == user.id and c.answered]
    latest = max(answers, key=lambda c: c.answer["time"] if c.answer else 0, default=None)
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "language_code": user.language_code,
        "blocked": user.blocked,
        "started": user.started,
        "last_answer": latest.answer if latest else None,
        "last_answer_query": latest.id if latest else None,
        "title": title,
        "about": about,
    }


class Control:
    """Route handlers of the control API."""

    def __init__(self, server: SimulatorServer, web_files: dict[str, bytes]) -> None:
        self.server = server
        self.world = server.world
        self.web_files = web_files

    # -- helpers -----------------------------------------------------------------------------

    async def _body(self, request: web.Request) -> dict[str, Any]:
        """Reads a JSON object body (empty body = {})."""
        if not request.can_read_body:
            return {}
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            raise SimError("the body must be JSON") from None
        if not isinstance(body, dict):
            raise SimError("the body must be a JSON object")
        return body

    def _user_view(self, user: User) -> dict[str, Any]:
        """Describes a user with the title the server keeps for them."""
        server = self.server
        return user_view(
            self.world, user, server.user_titles.get(user.id), server.user_about.get(user.id)
        )

    def _user(self, request: web.Request) -> User:
        """The user named in the path."""
        return self.world.user(int(request.match_info["user_id"]))

    def _target(self, user: User, body: dict[str, Any]) -> Chat:
        """The chat an action happens in: `chat_id` or the user's private chat."""
        if body.get("chat_id") is None:
            return self.world.private_chat(user)
        return self.world.chat(int(body["chat_id"]))

    def _result(
        self, chat: Chat, msgs: list[Message], update_ids: list[int | None]
    ) -> web.Response:
        """Describes what an action produced."""
        return _ok(
            {
                "ok": True,
                "chat_id": chat.id,
                "message_ids": [m.message_id for m in msgs],
                "update_ids": [u for u in update_ids if u is not None],
            }
        )

    # -- info and settings -------------------------------------------------------------------

    async def info(self, request: web.Request) -> web.Response:
        """Addresses, token and bot identity."""
        server = self.server
        return _ok(
            {
                "base_url": server.base_url,
                "bot_api_url": server.bot_api_url,
                "file_url": server.file_url,
                "control_url": server.control_url,
                "web_url": server.web_url,
                "token": server.token,
                "bot": self.world.bot.api(),
                "version": self.world.version,
                "spec_version": server.spec.version,
            }
        )

    async def reset(self, request: web.Request) -> web.Response:
        """Forgets everything."""
        self.server.reset()
        return _ok({"ok": True})

    async def get_config(self, request: web.Request) -> web.Response:
        """The limits and switches in force."""
        return _ok(
            {
                "limits": self.world.limits.as_dict(),
                "privacy_mode": self.world.privacy_mode,
                "inline_mode": self.world.inline_mode,
                "inline_feedback": self.world.inline_feedback,
                "strict_params": self.server.strict_params,
            }
        )

    async def set_config(self, request: web.Request) -> web.Response:
        """Changes limits (any Limits field) and switches."""
        body = await self._body(request)
        if "privacy_mode" in body:
            self.world.privacy_mode = bool(body.pop("privacy_mode"))
        for switch in ("inline_mode", "inline_feedback"):
            if switch in body:
                setattr(self.world, switch, bool(body.pop(switch)))
        if "strict_params" in body:
            self.server.strict_params = bool(body.pop("strict_params"))
        unknown = set(body) - Limits.names()
        if unknown:
            return _error(f"unknown settings: {sorted(unknown)}")
        if body:
            self.server.configure(self.world.limits.with_(**body))
        return await self.get_config(request)

    async def advance_clock(self, request: web.Request) -> web.Response:
        """Moves simulated time forward (callback timeouts, flood buckets, message dates)."""
        body = await self._body(request)
        self.server.clock.advance(float(body.get("seconds", 0)))
        self.world.sweep_callbacks()
        return _ok({"ok": True, "offset": self.server.clock.offset})

    async def set_clock(self, request: web.Request) -> web.Response:
        """Freezes (`{"frozen": true}`) or releases simulated time."""
        body = await self._body(request)
        if body.get("frozen"):
            self.server.clock.freeze()
        else:
            self.server.clock.unfreeze()
        return _ok({"ok": True, "frozen": self.server.clock.frozen})

    async def changes(self, request: web.Request) -> web.Response:
        """Long-polls until the state version moves past `since`."""
        since = int(request.query.get("since", "0"))
        timeout = min(30.0, float(request.query.get("timeout", "25")))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.world.version <= since and not self.server.closing.is_set():
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self.world.changed.wait(min(remaining, 1.0))
        return _ok({"version": self.world.version})

    # -- people and chats --------------------------------------------------------------------

    async def list_users(self, request: web.Request) -> web.Response:
        """Every user."""
        return _ok([self._user_view(u) for u in self.world.users.values()])

    async def create_user(self, request: web.Request) -> web.Response:
        """Creates a user."""
        body = await self._body(request)
        if not str(body.get("first_name", "")).strip():
            return _error("first_name is required")
        user = self.world.create_user(
            str(body["first_name"]).strip(),
            last_name=body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code", "fa"),
            started=bool(body.get("started", False)),
        )
        return _ok(self._user_view(user))

    async def get_user(self, request: web.Request) -> web.Response:
        """One user."""
        return _ok(self._user_view(self._user(request)))

    async def rename_user(self, request: web.Request) -> web.Response:
        """Changes a user's names."""
        body = await self._body(request)
        user = self._user(request)
        self.world.rename(user, body.get("first_name"), body.get("last_name"), body.get("username"))
        return _ok(self._user_view(user))

    async def block(self, request: web.Request) -> web.Response:
        """The user blocks the bot."""
        user = self._user(request)
        update_id = self.world.set_blocked(user, True)
        return self._result(self.world.private_chat(user), [], [update_id])

    async def unblock(self, request: web.Request) -> web.Response:
        """The user unblocks the bot."""
        user = self._user(request)
        update_id = self.world.set_blocked(user, False)
        return self._result(self.world.private_chat(user), [], [update_id])

    async def list_chats(self, request: web.Request) -> web.Response:
        """Every chat (without messages); `?user_id=` keeps the ones that user sees."""
        chats = list(self.world.chats.values())
        if "user_id" in request.query:
            uid = int(request.query["user_id"])
            chats = [
                c
                for c in chats
                if c.user_id == uid
                or c.type == CHANNEL
                or c.members.get(uid) in ("creator", "administrator", "member")
            ]
        return _ok([chat_view(self.world, c, messages=False) for c in chats])

    async def get_chat(self, request: web.Request) -> web.Response:
        """One chat with its messages."""
        chat = self.world.chat(int(request.match_info["chat_id"]))
        return _ok(chat_view(self.world, chat, messages=True))

    async def create_group(self, request: web.Request) -> web.Response:
        """Creates a group (first member = owner) with the bot in it."""
        body = await self._body(request)
        members = [self.world.user(int(uid)) for uid in body.get("members", [])]
        chat, update_ids = self.world.create_group(
            str(body.get("title") or "گروه"),
            members,
            supergroup=bool(body.get("supergroup", True)),
            bot_admin=bool(body.get("bot_admin", False)),
            username=body.get("username"),
        )
        view = chat_view(self.world, chat, messages=False)
        return _ok({**view, "update_ids": update_ids})

    async def add_member(self, request: web.Request) -> web.Response:
        """A user joins a group."""
        body = await self._body(request)
        chat = self.world.chat(int(request.match_info["chat_id"]))
        update_id = self.world.join(chat, self.world.user(int(body["user_id"])))
        return self._result(chat, [], [update_id])

    async def remove_member(self, request: web.Request) -> web.Response:
        """A user leaves a group."""
        chat = self.world.chat(int(request.match_info["chat_id"]))
        update_id = self.world.leave(chat, self.world.user(int(request.match_info["user_id"])))
        return self._result(chat, [], [update_id])

    async def create_channel(self, request: web.Request) -> web.Response:
        """Creates a channel with the bot as an administrator."""
        body = await self._body(request)
        title = str(body.get("title") or "کانال")
        if body.get("owner_id") is not None:
            owner = self.world.user(int(body["owner_id"]))
        else:
            owner = self.world.create_user(f"مدیر {title}")
        chat, update_ids = self.world.create_channel(title, owner, username=body.get("username"))
        return _ok({**chat_view(self.world, chat, messages=False), "update_ids": update_ids})

    async def channel_post(self, request: web.Request) -> web.Response:
        """The channel's owner (or `user_id`, an admin) posts text in the channel."""
        body = await self._body(request)
        chat = self.world.chat(int(request.match_info["chat_id"]))
        if chat.type != CHANNEL:
            return _error("not a channel")
        uid = body.get("user_id")
        if uid is None:
            uid = next(u for u, s in chat.members.items() if s == "creator")
        msg, update_id = self.world.user_message(
            self.world.user(int(uid)), chat, text=str(body.get("text", ""))
        )
        return self._result(chat, [msg], [update_id])

    # -- actions -----------------------------------------------------------------------------

    async def send_text(self, request: web.Request) -> web.Response:
        """The user sends a text message."""
        body = await self._body(request)
        user = self._user(request)
        chat = self._target(user, body)
        text = str(body.get("text", ""))
        if not text.strip():
            return _error("a message needs text")
        reply_to = body.get("reply_to")
        msg, update_id = self.world.user_message(
            user, chat, text=text, reply_to=int(reply_to) if reply_to else None
        )
        return self._result(chat, [msg], [update_id])

    async def send_photos(self, request: web.Request) -> web.Response:
        """The user sends one photo or an album (generated pictures or uploaded files)."""
        user = self._user(request)
        pictures: list[bytes | None] = []
        body: dict[str, Any]
        if request.content_type == "multipart/form-data":
            body, uploads = await self._multipart(request)
            pictures = [data for _, data, _ in uploads]
        else:
            body = await self._body(request)
            pictures = [None] * int(body.get("count", 1))
            for index, encoded in enumerate(body.get("images_b64") or []):
                if index < len(pictures):
                    pictures[index] = base64.b64decode(encoded)
                else:
                    pictures.append(base64.b64decode(encoded))
        if not 1 <= len(pictures) <= self.world.limits.media_group_max:
            return _error(f"send 1 to {self.world.limits.media_group_max} photos")
        chat = self._target(user, body)
        width, height = int(body.get("width", 1280)), int(body.get("height", 960))
        group_id = self.world.new_media_group_id() if len(pictures) > 1 else None
        msgs, update_ids = [], []
        for index, data in enumerate(pictures):
            if data is None:
                color = len(self.world.files.by_id) + index
                sizes = self.world.files.add_generated_photo(width, height, color)
            else:
                found = self.world.files.add_photo(data)
                if found is None:
                    return _error("that file is not a picture")
                sizes = found
            caption = str(body.get("caption") or "") if index == 0 else ""
            content: dict[str, Any] = {"photo": sizes, "media_group_id": group_id}
            if caption:
                content["caption"] = caption
            msg, update_id = self.world.user_message(user, chat, **content)
            msgs.append(msg)
            update_ids.append(update_id)
        return self._result(chat, msgs, update_ids)

    async def send_document(self, request: web.Request) -> web.Response:
        """The user sends a document."""
        user = self._user(request)
        if request.content_type == "multipart/form-data":
            body, uploads = await self._multipart(request)
            if not uploads:
                return _error("attach a file")
            name, data, mime = uploads[0]
        else:
            body = await self._body(request)
            name = str(body.get("file_name") or "report.txt")
            if body.get("content_b64"):
                data = base64.b64decode(body["content_b64"])
            else:
                data = str(body.get("text", "سند آزمایشی")).encode("utf-8")
            mime = str(body.get("mime_type") or "application/octet-stream")
        chat = self._target(user, body)
        stored = self.world.files.add_document(data, name, mime)
        content: dict[str, Any] = {"document": stored}
        if body.get("caption"):
            content["caption"] = str(body["caption"])
        msg, update_id = self.world.user_message(user, chat, **content)
        return self._result(chat, [msg], [update_id])

    async def send_media(self, request: web.Request) -> web.Response:
        """The user sends a sticker, voice note, video, video note, animation (GIF) or poll."""
        body = await self._body(request)
        user = self._user(request)
        chat = self._target(user, body)
        kind = str(body.get("kind", ""))
        if kind == "poll":
            media = {"poll": self._poll(body)}
        elif kind in MEDIA_PREFIX:
            media = self._media_object(kind, body)
        else:
            return _error(f"kind must be one of {', '.join([*MEDIA_PREFIX, 'poll'])}")
        content: dict[str, Any] = {"media": media}
        caption = str(body.get("caption") or "")
        if caption and kind in ("video", "animation", "voice"):
            content["caption"] = caption
        msg, update_id = self.world.user_message(user, chat, **content)
        return self._result(chat, [msg], [update_id])

    def _media_object(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Stores a media file and returns the message fields Telegram sends for it."""
        size = max(0, int(body.get("size", 2048)))
        data = bytes(i % 251 for i in range(size))
        stored = self.world.files.add_media(kind, data, MEDIA_MIME[kind])
        obj: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        duration = int(body.get("duration", 3))
        if kind == "sticker":
            obj.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
            obj["emoji"] = str(body.get("emoji") or "👍")
            return {"sticker": obj}
        if kind == "video_note":
            obj.update(length=240, duration=duration)
            return {"video_note": obj}
        obj.update(duration=duration, mime_type=stored.mime_type)
        if kind == "voice":
            return {"voice": obj}
        obj.update(width=640, height=360)
        if kind == "video":
            return {"video": obj}
        obj["file_name"] = "animation.mp4"
        document = {k: obj[k] for k in ("file_id", "file_unique_id", "file_size", "mime_type")}
        return {"animation": obj, "document": {**document, "file_name": "animation.mp4"}}

    def _poll(self, body: dict[str, Any]) -> dict[str, Any]:
        """A regular, open poll as the Poll object of a message."""
        options = [str(o) for o in body.get("options") or ["بله", "خیر"]]
        return {
            "id": f"{5_000_000_000_000_000_000 + len(self.world.files.by_id)}",
            "question": str(body.get("question") or "نظرسنجی"),
            "options": [
                {"persistent_id": f"{i}", "text": o, "voter_count": 0}
                for i, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": bool(body.get("is_anonymous", True)),
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }

    async def send_location(self, request: web.Request) -> web.Response:
        """The user shares a location."""
        body = await self._body(request)
        user = self._user(request)
        chat = self._target(user, body)
        latitude, longitude = float(body["latitude"]), float(body["longitude"])
        if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
            return _error("latitude must be within ±90 and longitude within ±180")
        msg, update_id = self.world.user_message(
            user, chat, location={"latitude": latitude, "longitude": longitude}
        )
        return self._result(chat, [msg], [update_id])

    async def send_contact(self, request: web.Request) -> web.Response:
        """The user shares a contact (their own unless told otherwise)."""
        body = await self._body(request)
        user = self._user(request)
        chat = self._target(user, body)
        contact: dict[str, Any] = {
            "phone_number": str(body.get("phone_number") or f"+98912{user.id % 10_000_000:07d}"),
            "first_name": str(body.get("first_name") or user.first_name),
        }
        if body.get("first_name") is None:
            contact["user_id"] = user.id
            if user.last_name:
                contact["last_name"] = user.last_name
        msg, update_id = self.world.user_message(user, chat, contact=contact)
        return self._result(chat, [msg], [update_id])

    async def press(self, request: web.Request) -> web.Response:
        """The user presses an inline button: message_id and callback data (may be forged)."""
        body = await self._body(request)
        user = self._user(request)
        chat = self._target(user, body)
        record = self.world.press(user, chat, int(body["message_id"]), str(body["data"]))
        return _ok(
            {
                "ok": True,
                "chat_id": chat.id,
                "callback_query_id": record.id,
                "update_ids": [record.update_id] if record.update_id is not None else [],
            }
        )

    # -- Telegram's pickers and inline mode --------------------------------------------------

    async def pickable(self, request: web.Request) -> web.Response:
        """What a picker button on the user's keyboard offers: the chats that fit a request_chat
        button, or the other people for a request_users one."""
        user = self._user(request)
        request_id = int(request.query["request_id"])
        kind = request.query.get("kind", "request_chat")
        if kind == "request_users":
            wanted = self.world.picker(user, kind, request_id)
            people = [u for u in self.world.users.values() if u.id != user.id and not u.is_bot]
            return _ok({"criteria": wanted, "users": [self._user_view(u) for u in people]})
        wanted = self.world.picker(user, "request_chat", request_id)
        chats = [
            chat_view(self.world, c, messages=False)
            for c in self.world.chats.values()
            if self.world.chat_fits(user, c, wanted) is None
        ]
        return _ok({"criteria": wanted, "chats": chats})

    async def share_chat(self, request: web.Request) -> web.Response:
        """The user shares a chat through a request_chat button (`request_id`, `shared_chat_id`)."""
        body = await self._body(request)
        user = self._user(request)
        msg, update_ids = self.world.share_chat(
            user, int(body["request_id"]), int(body["shared_chat_id"])
        )
        return self._result(self.world.private_chat(user), [msg], list(update_ids))

    async def share_users(self, request: web.Request) -> web.Response:
        """The user shares people through a request_users button (`request_id`, `user_ids`)."""
        body = await self._body(request)
        user = self._user(request)
        ids = [int(u) for u in body["user_ids"]]
        msg, update_ids = self.world.share_users(user, int(body["request_id"]), ids)
        return self._result(self.world.private_chat(user), [msg], list(update_ids))

    async def inline_query(self, request: web.Request) -> web.Response:
        """The user types `@bot query` in a chat (`chat_id`; absent: their chat with the bot)."""
        body = await self._body(request)
        user = self._user(request)
        chat = self._target(user, body)
        if chat.type == PRIVATE:
            chat_type = "sender" if chat.user_id == user.id else "private"
        else:
            chat_type = chat.type
        record = self.world.inline_query(user, str(body.get("query", "")), chat_type)
        return _ok(
            {
                "ok": True,
                "chat_id": chat.id,
                "inline_query_id": record.id,
                "update_ids": [record.update_id] if record.update_id is not None else [],
            }
        )

    async def inline_answer(self, request: web.Request) -> web.Response:
        """The bot's answer to an inline query, as the user's app lists it."""
        self.world.sweep_callbacks()
        record = self.world.inline_queries.get(request.match_info["query_id"])
        if record is None:
            return _error("no such inline query", 404)
        results = [
            {
                "id": r["id"],
                "type": r["type"],
                "title": r["title"],
                "description": r["description"],
                "text": r["text"],
            }
            for r in record.results
        ]
        return _ok({"answered": record.answered, "query": record.query, "results": results})

    async def choose_inline(self, request: web.Request) -> web.Response:
        """The user taps an inline result (`inline_query_id`, `result_id`, `chat_id`)."""
        body = await self._body(request)
        user = self._user(request)
        chat = self._target(user, body)
        msg, update_ids = self.world.choose_inline(
            user, str(body["inline_query_id"]), str(body["result_id"]), chat
        )
        return self._result(chat, [msg], list(update_ids))

    async def menu(self, request: web.Request) -> web.Response:
        """The commands a user's «/» menu shows in a chat, with the scope they come from."""
        user = self.world.user(int(request.query["user_id"]))
        chat = self.world.chat(int(request.query["chat_id"]))
        scope, commands = self.world.menu_commands(user, chat)
        return _ok({"scope": scope, "commands": commands})

    async def _multipart(
        self, request: web.Request
    ) -> tuple[dict[str, Any], list[tuple[str, bytes, str]]]:
        """Reads form fields and files of a multipart action."""
        fields: dict[str, Any] = {}
        uploads: list[tuple[str, bytes, str]] = []
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            data = bytes(await part.read(decode=True))
            if part.filename is not None:
                mime = part.headers.get("Content-Type", "application/octet-stream")
                uploads.append((unquote(part.filename), data, mime))
            elif part.name:
                fields[part.name] = data.decode("utf-8", errors="replace")
        return fields, uploads

    # -- reading records ---------------------------------------------------------------------

    async def snapshot(self, request: web.Request) -> web.Response:
        """Several chats (with messages) and users at once, for the test kit."""
        body = await self._body(request)
        self.world.sweep_callbacks()
        chats = {
            str(cid): chat_view(self.world, self.world.chat(int(cid)), messages=True)
            for cid in body.get("chats", [])
        }
        users = {
            str(uid): user_view(self.world, self.world.user(int(uid)))
            for uid in body.get("users", [])
        }
        return _ok(
            {
                "chats": chats,
                "users": users,
                "violations": [v.as_dict() for v in self.world.violations],
                "flood": [f.as_dict() for f in self.world.flood_events],
                "unanswered": [u.as_dict() for u in self.world.unanswered_callbacks],
                "windows": self.world.windows.as_dict(),
                "version": self.world.version,
            }
        )

    async def violations(self, request: web.Request) -> web.Response:
        """Every recorded rule violation."""
        self.world.sweep_callbacks()
        return _ok([v.as_dict() for v in self.world.violations])

    async def clear_records(self, request: web.Request) -> web.Response:
        """Forgets recorded violations, flood events, unanswered callbacks and counted windows."""
        self.world.violations.clear()
        self.world.flood_events.clear()
        self.world.windows.reset()
        self.world.unanswered_callbacks.clear()
        self.world.touch()
        return _ok({"ok": True})

    async def flood(self, request: web.Request) -> web.Response:
        """Every flood-control refusal."""
        return _ok([f.as_dict() for f in self.world.flood_events])

    async def windows(self, request: web.Request) -> web.Response:
        """The sliding windows that carried more counted calls than Telegram allows."""
        return _ok(self.world.windows.as_dict())

    async def unanswered(self, request: web.Request) -> web.Response:
        """Callback queries the bot did not answer in time."""
        self.world.sweep_callbacks()
        return _ok([u.as_dict() for u in self.world.unanswered_callbacks])

    async def callbacks(self, request: web.Request) -> web.Response:
        """Every callback query and its answer."""
        return _ok(
            [
                {
                    "id": c.id,
                    "user_id": c.user_id,
                    "chat_id": c.chat_id,
                    "message_id": c.message_id,
                    "data": c.data,
                    "answered": c.answered,
                    "answer": c.answer,
                    "expired": c.expired,
                }
                for c in self.world.callbacks.values()
            ]
        )

    async def commands(self, request: web.Request) -> web.Response:
        """The bot's command lists by scope and language."""
        return _ok(
            [
                {"scope": json.loads(scope), "language_code": lang, "commands": cmds}
                for (scope, lang), cmds in self.world.commands.items()
            ]
        )

    async def get_faults(self, request: web.Request) -> web.Response:
        """Active fault rules and the faults that fired."""
        faults = self.server.faults
        return _ok(
            {
                "seed": faults.seed,
                "rules": [r.as_dict() for r in faults.rules],
                "events": [
                    {"kind": e.kind, "method": e.method, "time": e.time, "rule_id": e.rule_id}
                    for e in faults.events
                ],
            }
        )

    async def add_fault(self, request: web.Request) -> web.Response:
        """Activates a fault rule (kind, method, count, fraction, status, delay, retry_after)."""
        body = await self._body(request)
        try:
            rule = self.server.faults.add(FaultRule.from_dict(body))
        except (KeyError, TypeError, ValueError) as exc:
            return _error(f"bad fault rule: {exc}")
        return _ok(rule.as_dict())

    async def clear_faults(self, request: web.Request) -> web.Response:
        """Removes every fault rule."""
        self.server.faults.clear()
        return _ok({"ok": True})

    async def seed_faults(self, request: web.Request) -> web.Response:
        """Restarts the fault RNG with a seed."""
        body = await self._body(request)
        self.server.faults.reseed(int(body.get("seed", 0)))
        return _ok({"ok": True, "seed": self.server.faults.seed})

    async def wait(self, request: web.Request) -> web.Response:
        """Waits until an update was delivered and the bot went quiet (504 on timeout)."""
        body = await self._body(request)
        update_id = body.get("update_id")
        try:
            await self.server.wait_processed(
                int(update_id) if update_id is not None else None,
                quiet=float(body.get("quiet", 0.15)),
                max_wait=float(body.get("timeout", 10.0)),
            )
        except WaitTimeout as exc:
            return _error(str(exc), 504)
        return _ok({"ok": True})

    async def file(self, request: web.Request) -> web.StreamResponse:
        """Serves a stored file for viewing."""
        stored = self.world.files.by_id.get(request.match_info["file_id"])
        if stored is None:
            return _error("no such file", 404)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    # -- web chat ----------------------------------------------------------------------------

    async def web_file(self, request: web.Request) -> web.StreamResponse:
        """Serves the web chat's static files (fonts under fonts/, cached: they never change)."""
        name = request.match_info.get("name") or "index.html"
        if request.match_info.get("folder"):
            name = f"{request.match_info['folder']}/{name}"
        if name not in self.web_files:
            return web.Response(status=404)
        suffix = name[name.rindex(".") :]
        cache = "max-age=86400" if suffix == ".woff2" else "no-store"
        return web.Response(
            body=self.web_files[name],
            content_type=_WEB_TYPES[suffix],
            charset=None if suffix in _BINARY else "utf-8",
            headers={"Cache-Control": cache},
        )


def load_web_files() -> dict[str, bytes]:
    """Reads the web chat's static files (and its fonts/ folder) once, when the server is set up."""
    folder = resources.files("simulator").joinpath("web")
    files: dict[str, bytes] = {}
    for prefix, place in (("", folder), ("fonts/", folder.joinpath("fonts"))):
        if not place.is_dir():
            continue
        for entry in place.iterdir():
            suffix = entry.name[entry.name.rfind(".") :]
            if entry.is_file() and suffix in _WEB_TYPES:
                files[prefix + entry.name] = entry.read_bytes()
    return files


def _guard(handler: Route) -> Route:
    """Turns SimError and bad input into JSON errors."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        """Runs the handler."""
        try:
            return await handler(request)
        except SimError as exc:
            return _error(str(exc), exc.status)
        except (KeyError, ValueError, TypeError) as exc:
            return _error(f"bad request: {exc!r}")

    return wrapped


def add_control_routes(
    app: web.Application, server: SimulatorServer, web_files: dict[str, bytes]
) -> None:
    """Registers the control API and the web chat (its files read beforehand)."""
    c = Control(server, web_files)
    routes: list[tuple[str, str, Route]] = [
        ("GET", "/_sim/info", c.info),
        ("POST", "/_sim/reset", c.reset),
        ("GET", "/_sim/config", c.get_config),
        ("PATCH", "/_sim/config", c.set_config),
        ("POST", "/_sim/clock/advance", c.advance_clock),
        ("PUT", "/_sim/clock", c.set_clock),
        ("GET", "/_sim/changes", c.changes),
        ("GET", "/_sim/users", c.list_users),
        ("POST", "/_sim/users", c.create_user),
        ("GET", "/_sim/users/{user_id}", c.get_user),
        ("PATCH", "/_sim/users/{user_id}", c.rename_user),
        ("POST", "/_sim/users/{user_id}/block", c.block),
        ("POST", "/_sim/users/{user_id}/unblock", c.unblock),
        ("POST", "/_sim/users/{user_id}/messages", c.send_text),
        ("POST", "/_sim/users/{user_id}/photos", c.send_photos),
        ("POST", "/_sim/users/{user_id}/documents", c.send_document),
        ("POST", "/_sim/users/{user_id}/location", c.send_location),
        ("POST", "/_sim/users/{user_id}/media", c.send_media),
        ("POST", "/_sim/users/{user_id}/contact", c.send_contact),
        ("POST", "/_sim/users/{user_id}/press", c.press),
        ("GET", "/_sim/users/{user_id}/pickable", c.pickable),
        ("POST", "/_sim/users/{user_id}/share_chat", c.share_chat),
        ("POST", "/_sim/users/{user_id}/share_users", c.share_users),
        ("POST", "/_sim/users/{user_id}/inline", c.inline_query),
        ("POST", "/_sim/users/{user_id}/inline/choose", c.choose_inline),
        ("GET", "/_sim/inline/{query_id}", c.inline_answer),
        ("GET", "/_sim/menu", c.menu),
        ("GET", "/_sim/chats", c.list_chats),
        ("GET", "/_sim/chats/{chat_id}", c.get_chat),
        ("POST", "/_sim/groups", c.create_group),
        ("POST", "/_sim/groups/{chat_id}/members", c.add_member),
        ("DELETE", "/_sim/groups/{chat_id}/members/{user_id}", c.remove_member),
        ("POST", "/_sim/channels", c.create_channel),
        ("POST", "/_sim/channels/{chat_id}/posts", c.channel_post),
        ("POST", "/_sim/snapshot", c.snapshot),
        ("GET", "/_sim/violations", c.violations),
        ("DELETE", "/_sim/records", c.clear_records),
        ("GET", "/_sim/flood", c.flood),
        ("GET", "/_sim/windows", c.windows),
        ("GET", "/_sim/unanswered", c.unanswered),
        ("GET", "/_sim/callbacks", c.callbacks),
        ("GET", "/_sim/commands", c.commands),
        ("GET", "/_sim/faults", c.get_faults),
        ("POST", "/_sim/faults", c.add_fault),
        ("DELETE", "/_sim/faults", c.clear_faults),
        ("POST", "/_sim/faults/seed", c.seed_faults),
        ("POST", "/_sim/wait", c.wait),
        ("GET", "/_sim/files/{file_id}", c.file),
        ("GET", "/", c.web_file),
        ("GET", "/web/{name}", c.web_file),
        ("GET", "/web/{folder:fonts}/{name}", c.web_file),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, _guard(handler))
