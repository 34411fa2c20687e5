"""The simulated Telegram world: users, chats, messages, updates, callbacks and what went wrong."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from simulator.formatting import utf16_len
from simulator.limits import FloodControl, Limits, SendWindows
from simulator.media import FileStore, StoredFile

PRIVATE, GROUP, SUPERGROUP, CHANNEL = "private", "group", "supergroup", "channel"
# Update kinds a bot receives when it does not say otherwise (Telegram's default).
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![^\s])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")
_HASHTAG = re.compile(r"(?<![\w#])#\w+")
_URL = re.compile(r"\bhttps?://[^\s<>\"]+", re.IGNORECASE)


class SimClock:
    """Wall and monotonic time with a manual offset; tests can skip ahead or freeze time."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._frozen: tuple[float, float] | None = None

    def monotonic(self) -> float:
        """Monotonic seconds, including every `advance`."""
        base = self._frozen[0] if self._frozen else time.monotonic()
        return base + self.offset

    def time(self) -> float:
        """Unix time, including every `advance`."""
        base = self._frozen[1] if self._frozen else time.time()
        return base + self.offset

    def advance(self, seconds: float) -> None:
        """Moves simulated time forward."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.offset += seconds

    @property
    def frozen(self) -> bool:
        """Whether time stands still (apart from `advance`)."""
        return self._frozen is not None

    def freeze(self) -> None:
        """Stops time (flood buckets, callback ages) so only `advance` moves it."""
        if self._frozen is None:
            self._frozen = (time.monotonic(), time.time())

    def unfreeze(self) -> None:
        """Lets time run again from where it stood."""
        if self._frozen is not None:
            self.offset += self._frozen[0] - time.monotonic()
            self._frozen = None


class Signal:
    """A broadcast wake-up: `fire()` wakes everyone waiting at that moment."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wakes all current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """Waits for the next `fire()` for at most `seconds`; returns False when none came."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), max(0.0, seconds))
        except TimeoutError:
            return False
        return True


@dataclass
class User:
    """A simulated Telegram user."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "fa"
    is_bot: bool = False
    blocked: bool = False
    started: bool = False

    def api(self) -> dict[str, Any]:
        """Returns the User object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class Message:
    """A message in a chat, as Telegram stores it (text already parsed)."""

    chat_id: int
    message_id: int
    date: int
    sender_id: int | None
    sent_at: float
    seq: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = None
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    caption_source: str | None = None
    photo: list[StoredFile] | None = None
    document: StoredFile | None = None
    location: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None
    media: dict[str, Any] = field(default_factory=dict)  # sticker, voice, video, poll, ...: as sent
    reply_markup: dict[str, Any] | None = None
    sent_markup: dict[str, Any] | None = None
    media_group_id: str | None = None
    reply_to: int | None = None
    edit_date: int | None = None
    edit_hidden: bool = False  # Telegram's edit_hide: apps show no «edited» (see mark_edited)
    deleted: bool = False
    from_bot: bool = False
    service: dict[str, Any] = field(default_factory=dict)
    forward_origin: dict[str, Any] | None = None
    protected: bool = False  # protect_content: no forwarding, copying or saving
    via_bot: bool = False  # sent by a user through the bot's inline mode
    inline_message_id: str | None = None  # an inline message with buttons gets one


@dataclass
class Chat:
    """A private chat, group, supergroup or channel."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    user_id: int | None = None
    members: dict[int, str] = field(default_factory=dict)
    bot_status: str = "member"
    messages: dict[int, Message] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: dict[str, Any] | None = None
    menu_button: dict[str, Any] | None = None
    chat_action: str | None = None
    chat_action_at: float = 0.0
    description: str | None = None

    @property
    def group_like(self) -> bool:
        """Groups, supergroups and channels share the slower flood limit."""
        return self.type != PRIVATE


@dataclass
class CallbackRecord:
    """A callback query a user sent by pressing an inline button."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    sent_at: float
    sent_time: float
    update_id: int | None
    answered: bool = False
    answer: dict[str, Any] | None = None
    expired: bool = False


@dataclass
class InlineRecord:
    """An inline query a user typed, and the bot's answer to it."""

    id: str
    user_id: int
    query: str
    chat_type: str
    sent_at: float
    update_id: int | None
    answered: bool = False
    results: list[dict[str, Any]] = field(default_factory=list)
    expired: bool = False


@dataclass(frozen=True)
class Violation:
    """A request Telegram would have refused."""

    method: str
    params: dict[str, Any]
    description: str
    error_code: int
    time: float

    def as_dict(self) -> dict[str, Any]:
        """Returns a JSON-friendly dict."""
        return asdict(self)


@dataclass(frozen=True)
class FloodEvent:
    """A request refused by flood control."""

    method: str
    chat_id: int | None
    retry_after: int
    time: float

    def as_dict(self) -> dict[str, Any]:
        """Returns a JSON-friendly dict."""
        return asdict(self)


@dataclass(frozen=True)
class UnansweredCallback:
    """A callback query the bot did not answer in time."""

    callback_query_id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    time: float

    def as_dict(self) -> dict[str, Any]:
        """Returns a JSON-friendly dict."""
        return asdict(self)


@dataclass
class Update:
    """A queued update."""

    update_id: int
    kind: str
    payload: dict[str, Any]

    def api(self) -> dict[str, Any]:
        """Returns the Update object."""
        return {"update_id": self.update_id, self.kind: self.payload}


class SimError(Exception):
    """A control API request that makes no sense (unknown user, deleted message...)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def text_entities(text: str) -> list[dict[str, Any]]:
    """Finds the entities Telegram's clients mark in typed text (commands, mentions, URLs...)."""
    found: list[tuple[int, int, str]] = []
    for kind, pattern in (
        ("bot_command", _COMMAND),
        ("mention", _MENTION),
        ("hashtag", _HASHTAG),
        ("url", _URL),
    ):
        for match in pattern.finditer(text):
            found.append((match.start(), match.end(), kind))
    entities = []
    for start, end, kind in sorted(found):
        offset = utf16_len(text[:start])
        entities.append({"type": kind, "offset": offset, "length": utf16_len(text[start:end])})
    return entities


class World:
    """All simulated state; Bot API methods and control actions both act on it."""

    def __init__(
        self,
        *,
        bot_id: int,
        bot_name: str,
        bot_username: str,
        limits: Limits,
        clock: SimClock,
        privacy_mode: bool = True,
        inline_mode: bool = True,
    ) -> None:
        self.bot = User(bot_id, bot_name, username=bot_username, is_bot=True, language_code=None)
        self.limits = limits
        self.clock = clock
        self.privacy_mode = privacy_mode
        # Inline mode is switched on with @BotFather's /setinline; chosen results reach the bot
        # only after /setinlinefeedback (off, as for a new bot).
        self.inline_mode = inline_mode
        self.inline_feedback = False
        self.flood = FloodControl(limits, clock.monotonic)
        self.windows = SendWindows(limits)
        self.changed = Signal()
        self.new_update = Signal()
        self.delivered_signal = Signal()
        self.files = FileStore(salt=str(bot_id))
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forgets every user, chat, update, record and setting (the bot identity stays)."""
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.updates: list[Update] = []
        self.next_update_id = 100_000_001
        self.delivered: set[int] = set()
        self.highest_delivered = 0
        self.allowed_updates: list[str] = []
        self.webhook: dict[str, Any] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.default_menu_button: dict[str, Any] = {"type": "commands"}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.inline_queries: dict[str, InlineRecord] = {}
        self.violations: list[Violation] = []
        self.flood_events: list[FloodEvent] = []
        self.unanswered_callbacks: list[UnansweredCallback] = []
        self.seq = 0
        self.version = 0
        self._next_user_id = 1_000_001
        self._next_group_id = 4_000_001
        self._next_channel_id = 1_001_000_000_001
        self._next_callback = 1
        self._next_media_group = 1
        self._next_inline = 1
        self.files.clear()
        self.flood.reset(self.limits)
        self.windows.reset(self.limits)
        self.last_get_updates: float | None = None
        self.touch()

    def set_limits(self, limits: Limits) -> None:
        """Switches to new limits (flood buckets start over)."""
        self.limits = limits
        self.flood.reset(limits)
        self.windows.reset(limits)
        self.touch()

    def touch(self) -> None:
        """Records that something visible changed."""
        self.version += 1
        self.changed.fire()

    def now(self) -> int:
        """Unix time as Telegram dates are given."""
        return int(self.clock.time())

    def _next_seq(self) -> int:
        """Orders sends and edits."""
        self.seq += 1
        return self.seq

    # -- lookups -----------------------------------------------------------------------------

    def user(self, user_id: int) -> User:
        """Finds a user or raises SimError."""
        if user_id not in self.users:
            raise SimError(f"no user {user_id}", 404)
        return self.users[user_id]

    def chat(self, chat_id: int) -> Chat:
        """Finds a chat or raises SimError."""
        if chat_id not in self.chats:
            raise SimError(f"no chat {chat_id}", 404)
        return self.chats[chat_id]

    def chat_by_username(self, username: str) -> Chat | None:
        """Finds a chat by @username."""
        name = username.lstrip("@").lower()
        for chat in self.chats.values():
            if chat.username and chat.username.lower() == name:
                return chat
        return None

    def private_chat(self, user: User) -> Chat:
        """Returns (creating it) the private chat of a user with the bot."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(user.id, PRIVATE, user_id=user.id)
            self.chats[user.id] = chat
        return chat

    # -- serialisation -----------------------------------------------------------------------

    def chat_api(self, chat: Chat) -> dict[str, Any]:
        """Returns the short Chat object used inside messages."""
        data: dict[str, Any] = {"id": chat.id, "type": chat.type}
        if chat.type == PRIVATE and chat.user_id is not None:
            user = self.users[chat.user_id]
            data["first_name"] = user.first_name
            if user.last_name:
                data["last_name"] = user.last_name
            if user.username:
                data["username"] = user.username
        else:
            data["title"] = chat.title or ""
            if chat.username:
                data["username"] = chat.username
        return data

    def sender(self, user_id: int | None) -> dict[str, Any] | None:
        """Returns the User object of a sender (the bot or a user)."""
        if user_id is None:
            return None
        if user_id == self.bot.id:
            return self.bot.api()
        return self.users[user_id].api()

    def message_api(self, msg: Message, *, with_reply: bool = True) -> dict[str, Any]:
        """Returns the Message object."""
        chat = self.chats[msg.chat_id]
        data: dict[str, Any] = {"message_id": msg.message_id}
        sender = self.sender(msg.sender_id)
        if chat.type == CHANNEL:
            data["sender_chat"] = self.chat_api(chat)
        elif sender is not None:
            data["from"] = sender
        data["date"] = msg.date
        data["chat"] = self.chat_api(chat)
        if msg.forward_origin:
            data["forward_origin"] = msg.forward_origin
        if with_reply and msg.reply_to and msg.reply_to in chat.messages:
            data["reply_to_message"] = self.message_api(
                chat.messages[msg.reply_to], with_reply=False
            )
        if msg.via_bot:
            data["via_bot"] = self.bot.api()
        if msg.edit_date:
            data["edit_date"] = msg.edit_date
        if msg.protected:
            data["has_protected_content"] = True
        if msg.media_group_id:
            data["media_group_id"] = msg.media_group_id
        if msg.text is not None:
            data["text"] = msg.text
            if msg.entities:
                data["entities"] = msg.entities
        if msg.photo:
            data["photo"] = [p.photo_size() for p in msg.photo]
        if msg.document:
            doc: dict[str, Any] = {
                "file_id": msg.document.file_id,
                "file_unique_id": msg.document.file_unique_id,
                "mime_type": msg.document.mime_type,
                "file_size": msg.document.size,
            }
            if msg.document.file_name:
                doc["file_name"] = msg.document.file_name
            data["document"] = doc
        if msg.caption is not None and (msg.photo or msg.document):
            data["caption"] = msg.caption
            if msg.caption_entities:
                data["caption_entities"] = msg.caption_entities
        if msg.location:
            data["location"] = msg.location
        if msg.contact:
            data["contact"] = msg.contact
        data.update(msg.media)
        if msg.caption is not None and msg.media and "caption" not in data:
            data["caption"] = msg.caption
            if msg.caption_entities:
                data["caption_entities"] = msg.caption_entities
        data.update(msg.service)
        if msg.reply_markup and msg.reply_markup.get("inline_keyboard"):
            data["reply_markup"] = msg.reply_markup
        return data

    # -- updates -----------------------------------------------------------------------------

    def push_update(self, kind: str, payload: dict[str, Any]) -> int | None:
        """Queues an update unless the bot's allowed_updates exclude it; returns its id."""
        allowed = self.allowed_updates
        if (allowed and kind not in allowed) or (not allowed and kind in DEFAULT_EXCLUDED):
            return None
        update = Update(self.next_update_id, kind, payload)
        self.next_update_id += 1
        self.updates.append(update)
        self.new_update.fire()
        self.touch()
        return update.update_id

    def confirm(self, offset: int) -> list[Update]:
        """Forgets the updates an offset confirms; returns them."""
        if offset < 0:
            keep = -offset
            dropped = self.updates[:-keep] if keep < len(self.updates) else []
            self.updates = self.updates[len(dropped) :]
            return dropped
        dropped = [u for u in self.updates if u.update_id < offset]
        if dropped:
            self.updates = [u for u in self.updates if u.update_id >= offset]
        return dropped

    def mark_delivered(self, updates: list[Update]) -> None:
        """Records that the bot received these updates."""
        for update in updates:
            self.delivered.add(update.update_id)
            self.highest_delivered = max(self.highest_delivered, update.update_id)
        if updates:
            self.delivered_signal.fire()

    # -- records -----------------------------------------------------------------------------

    def record_violation(self, method: str, params: dict[str, Any], code: int, text: str) -> None:
        """Remembers a refused request."""
        self.violations.append(Violation(method, params, text, code, self.clock.time()))
        self.touch()

    def record_flood(self, method: str, chat_id: int | None, retry_after: int) -> None:
        """Remembers a flood-control refusal."""
        self.flood_events.append(FloodEvent(method, chat_id, retry_after, self.clock.time()))
        self.touch()

    def sweep_callbacks(self) -> None:
        """Records every callback query left unanswered past the answer timeout."""
        now = self.clock.monotonic()
        expired = [
            r
            for r in self.callbacks.values()
            if not r.answered
            and not r.expired
            and now - r.sent_at > self.limits.callback_answer_timeout
        ]
        for record in expired:
            record.expired = True
            self.unanswered_callbacks.append(
                UnansweredCallback(
                    record.id,
                    record.user_id,
                    record.chat_id,
                    record.message_id,
                    record.data,
                    record.sent_time,
                )
            )
            description = (
                f"callback query {record.id} (data {record.data!r}) was not answered within "
                f"{self.limits.callback_answer_timeout:g} s"
            )
            params = {"callback_query_id": record.id}
            self.violations.append(
                Violation("answerCallbackQuery", params, description, 0, self.clock.time())
            )
        if expired:
            self.touch()

    # -- messages ----------------------------------------------------------------------------

    def add_message(self, chat: Chat, sender_id: int | None, **content: Any) -> Message:
        """Appends a message to a chat."""
        msg = Message(
            chat_id=chat.id,
            message_id=chat.next_message_id,
            date=self.now(),
            sender_id=sender_id,
            sent_at=self.clock.monotonic(),
            seq=self._next_seq(),
            from_bot=sender_id == self.bot.id,
            **content,
        )
        chat.next_message_id += 1
        chat.messages[msg.message_id] = msg
        self.touch()
        return msg

    def mark_edited(self, msg: Message, *, panel: bool, reorder: bool = True) -> None:
        """Stamps an edit; `reorder=False` keeps its place in the order of the bot's words.

        A bot's edit of a panel (a message with buttons before or after the edit) is stamped as
        hidden, as Telegram's edit_hide: its apps show no «edited» on it, and the mark stays
        with the edit, also when the buttons are taken off later (that is no edit).
        """
        msg.edit_date = self.now()
        msg.edit_hidden = msg.from_bot and panel
        if reorder:
            msg.seq = self._next_seq()
        self.touch()

    def live_message(self, chat: Chat, message_id: int) -> Message | None:
        """Returns a message that exists and is not deleted."""
        msg = chat.messages.get(message_id)
        return None if msg is None or msg.deleted else msg

    # -- simulated people --------------------------------------------------------------------

    def create_user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "fa",
        started: bool = False,
    ) -> User:
        """Creates a user; the bot may write first only once they wrote to it (or `started`)."""
        user = User(self._next_user_id, first_name, last_name, username, language_code)
        user.started = started
        self._next_user_id += 1
        self.users[user.id] = user
        self.private_chat(user)
        self.touch()
        return user

    def rename(
        self, user: User, first_name: str | None, last_name: str | None, username: str | None
    ) -> None:
        """Changes a user's name or username (later updates carry the new values)."""
        if first_name is not None:
            user.first_name = first_name
        if last_name is not None:
            user.last_name = last_name or None
        if username is not None:
            user.username = username.lstrip("@") or None
        self.touch()

    def member_api(self, status: str, user: dict[str, Any], chat: Chat) -> dict[str, Any]:
        """Builds the ChatMember object of a status in a chat."""
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "administrator":
            rights = admin_rights(chat.type == CHANNEL)
            return {"status": "administrator", "user": user, **rights}
        if status == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        return {"status": status, "user": user}

    def _my_chat_member(self, chat: Chat, actor: User, old: str, new: str) -> int | None:
        """Queues the my_chat_member update that tells the bot its status changed."""
        bot = self.bot.api()
        payload = {
            "chat": self.chat_api(chat),
            "from": actor.api(),
            "date": self.now(),
            "old_chat_member": self.member_api(old, bot, chat),
            "new_chat_member": self.member_api(new, bot, chat),
        }
        return self.push_update("my_chat_member", payload)

    def set_blocked(self, user: User, blocked: bool) -> int | None:
        """Blocks or unblocks the bot; the bot hears about it through my_chat_member."""
        if user.blocked == blocked:
            return None
        user.blocked = blocked
        chat = self.private_chat(user)
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        update_id = self._my_chat_member(chat, user, old, new)
        self.touch()
        return update_id

    def create_group(
        self,
        title: str,
        members: list[User],
        *,
        supergroup: bool,
        bot_admin: bool,
        username: str | None = None,
    ) -> tuple[Chat, list[int]]:
        """Creates a group whose first member is its owner, and adds the bot."""
        if not members:
            raise SimError("a group needs at least one member (its owner)")
        base = 1_000_000_000_000 if supergroup else 0
        chat_id = -(base + self._next_group_id)
        self._next_group_id += 1
        chat = Chat(chat_id, SUPERGROUP if supergroup else GROUP, title=title, username=username)
        chat.members = {members[0].id: "creator"}
        for user in members[1:]:
            chat.members[user.id] = "member"
        chat.bot_status = "administrator" if bot_admin else "member"
        self.chats[chat_id] = chat
        owner = members[0]
        service: dict[str, Any] = {"new_chat_members": [self.bot.api()]}
        if not supergroup:
            service = {"group_chat_created": True}
        update_ids: list[int] = []
        msg = self.add_message(chat, owner.id, service=service)
        for update_id in (
            self._my_chat_member(chat, owner, "left", chat.bot_status),
            self.push_update("message", self.message_api(msg)),
        ):
            if update_id is not None:
                update_ids.append(update_id)
        return chat, update_ids

    def join(self, chat: Chat, user: User) -> int | None:
        """Adds a user to a group (the bot sees a new_chat_members message)."""
        if chat.type not in (GROUP, SUPERGROUP):
            raise SimError("users join groups; channel subscribers are not tracked")
        if chat.members.get(user.id) in ("creator", "administrator", "member"):
            return None
        chat.members[user.id] = "member"
        msg = self.add_message(chat, user.id, service={"new_chat_members": [user.api()]})
        return self.push_update("message", self.message_api(msg))

    def leave(self, chat: Chat, user: User) -> int | None:
        """Removes a user from a group (the bot sees a left_chat_member message)."""
        if chat.members.get(user.id) not in ("creator", "administrator", "member"):
            return None
        chat.members[user.id] = "left"
        msg = self.add_message(chat, user.id, service={"left_chat_member": user.api()})
        return self.push_update("message", self.message_api(msg))

    def create_channel(
        self, title: str, owner: User, *, username: str | None = None
    ) -> tuple[Chat, list[int]]:
        """Creates a channel owned by a user, with the bot as an administrator."""
        chat_id = -self._next_channel_id
        self._next_channel_id += 1
        chat = Chat(chat_id, CHANNEL, title=title, username=username)
        chat.members = {owner.id: "creator"}
        chat.bot_status = "administrator"
        self.chats[chat_id] = chat
        update_id = self._my_chat_member(chat, owner, "left", "administrator")
        self.touch()
        return chat, [update_id] if update_id is not None else []

    def _check_can_write(self, user: User, chat: Chat) -> None:
        """Refuses actions a real client would not allow."""
        if chat.type == PRIVATE:
            if chat.user_id != user.id:
                raise SimError("that is another user's private chat", 403)
            if user.blocked:
                raise SimError(f"{user.first_name} has blocked the bot; unblock first", 409)
        elif chat.type == CHANNEL:
            if chat.members.get(user.id) not in ("creator", "administrator"):
                raise SimError("only the channel's owner or admins post in a channel", 403)
        elif chat.members.get(user.id) not in ("creator", "administrator", "member"):
            raise SimError(f"{user.first_name} is not a member of {chat.title}", 403)

    def _reaches_bot(self, chat: Chat, msg: Message) -> bool:
        """Applies group privacy mode: which group messages the bot receives."""
        if chat.type not in (GROUP, SUPERGROUP) or not self.privacy_mode:
            return chat.bot_status not in ("left", "kicked")
        if chat.bot_status in ("left", "kicked"):
            return False
        if chat.bot_status == "administrator" or msg.service:
            return True
        body = msg.text if msg.text is not None else (msg.caption or "")
        if body.startswith("/"):
            return True
        replied = chat.messages.get(msg.reply_to or 0)
        return replied is not None and replied.from_bot

    def user_message(
        self, user: User, chat: Chat, *, reply_to: int | None = None, **content: Any
    ) -> tuple[Message, int | None]:
        """A user sends a message (text or media) into a chat; returns it and its update id."""
        self._check_can_write(user, chat)
        if reply_to is not None and self.live_message(chat, reply_to) is None:
            raise SimError(f"no message {reply_to} to reply to in chat {chat.id}", 404)
        if chat.type == PRIVATE:
            user.started = True
        if "text" in content:
            content.setdefault("entities", text_entities(content["text"]))
        if content.get("caption"):
            content.setdefault("caption_entities", text_entities(content["caption"]))
        sender = None if chat.type == CHANNEL else user.id
        msg = self.add_message(chat, sender, reply_to=reply_to, **content)
        self._answer_keyboard(chat)
        self.flood.think(chat.id, chat.group_like)
        if chat.type == CHANNEL:
            return msg, self.push_update("channel_post", self.message_api(msg))
        if not self._reaches_bot(chat, msg):
            return msg, None
        return msg, self.push_update("message", self.message_api(msg))

    def new_media_group_id(self) -> str:
        """Returns a fresh media_group_id."""
        value = f"{13_000_000_000_000_000 + self._next_media_group}"
        self._next_media_group += 1
        return value

    def press(self, user: User, chat: Chat, message_id: int, data: str) -> CallbackRecord:
        """A user presses an inline button (the data may be forged)."""
        if chat.type == PRIVATE:
            self._check_can_write(user, chat)
        elif chat.type in (GROUP, SUPERGROUP) and chat.members.get(user.id) not in (
            "creator",
            "administrator",
            "member",
        ):
            raise SimError(f"{user.first_name} is not a member of {chat.title}", 403)
        msg = self.live_message(chat, message_id)
        if msg is None:
            raise SimError(f"no message {message_id} in chat {chat.id}", 404)
        if chat.type == PRIVATE:
            user.started = True
        query_id = f"{self.bot.id % 10_000_000}{self._next_callback:09d}"
        self._next_callback += 1
        payload: dict[str, Any] = {"id": query_id, "from": user.api()}
        if msg.inline_message_id:  # a message sent through inline mode: the bot never sees it
            payload["inline_message_id"] = msg.inline_message_id
        else:
            payload["message"] = self.message_api(msg)
        payload.update(chat_instance=str(abs(chat.id) * 7919 % 10**18), data=data)
        self.flood.think(chat.id, chat.group_like)
        update_id = self.push_update("callback_query", payload)
        record = CallbackRecord(
            query_id,
            user.id,
            chat.id,
            message_id,
            data,
            self.clock.monotonic(),
            self.clock.time(),
            update_id,
        )
        self.callbacks[query_id] = record
        self.touch()
        return record

    # -- Telegram's pickers: a chat or users shared through a reply keyboard button ----------

    def picker(self, user: User, kind: str, request_id: int) -> dict[str, Any]:
        """The `request_chat` or `request_users` criteria of a button on the user's keyboard."""
        chat = self.private_chat(user)
        self._check_can_write(user, chat)
        board = chat.reply_keyboard or {}
        for row in board.get("keyboard", []):
            for button in row:
                found = button.get(kind) if isinstance(button, dict) else None
                if found is not None and found.get("request_id") == request_id:
                    return dict(found)
        raise SimError(f"no {kind} button with request_id {request_id} on the keyboard", 404)

    def _rights_of(self, chat: Chat, status: str) -> dict[str, Any]:
        """The administrator rights a member status carries (a creator has every right)."""
        if status == "creator":
            return {"creator": True}
        if status == "administrator":
            return admin_rights(chat.type == CHANNEL)
        return {}

    @staticmethod
    def _has_rights(held: dict[str, Any], wanted: dict[str, Any] | None) -> bool:
        """Whether held rights cover every right asked for (a creator's cover all)."""
        if not wanted or held.get("creator"):
            return True
        return all(held.get(name) for name, value in wanted.items() if value is True)

    def chat_fits(self, user: User, chat: Chat, wanted: dict[str, Any]) -> str | None:
        """Why a chat cannot be shared through a request_chat button (None: it can).

        As in Telegram's apps: the user must be in the chat (a channel's owner or admins only),
        the chat must match every criterion, and where the bot must be a member or hold rights
        the user must be able to add or promote it (then sharing does it).
        """
        status = chat.members.get(user.id, "left")
        if chat.type == PRIVATE or status not in ("creator", "administrator", "member"):
            return "not a chat of this user"
        if chat.type == CHANNEL and status == "member":
            return "subscribers cannot share a channel"
        if bool(wanted.get("chat_is_channel")) != (chat.type == CHANNEL):
            return "a channel was asked for" if wanted.get("chat_is_channel") else "a group"
        if wanted.get("chat_is_forum"):
            return "no forum supergroups in the simulator"
        if "chat_has_username" in wanted and bool(chat.username) != wanted["chat_has_username"]:
            return "username criterion"
        if wanted.get("chat_is_created") and status != "creator":
            return "the user does not own the chat"
        if not self._has_rights(
            self._rights_of(chat, status), wanted.get("user_administrator_rights")
        ):
            return "the user lacks the administrator rights asked for"
        bot_rights = wanted.get("bot_administrator_rights")
        if bot_rights:
            held = self._rights_of(chat, chat.bot_status)
            if not self._has_rights(held, bot_rights) and status != "creator":
                return "the user cannot make the bot an administrator"
        if wanted.get("bot_is_member") and chat.bot_status not in ("member", "administrator"):
            can_add = status in ("creator", "administrator") or chat.type != CHANNEL
            if not can_add:
                return "the user cannot add the bot"
        return None

    def _answer_keyboard(self, chat: Chat) -> None:
        """A one-time keyboard hides once the user has answered."""
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None

    def share_chat(self, user: User, request_id: int, chat_id: int) -> tuple[Message, list[int]]:
        """The user picks a chat for a request_chat button: the bot gets a chat_shared message
        (and, where the button asked for it, is added or promoted in that chat first)."""
        wanted = self.picker(user, "request_chat", request_id)
        target = self.chat(chat_id)
        reason = self.chat_fits(user, target, wanted)
        if reason is not None:
            raise SimError(f"that chat does not fit the button: {reason}", 409)
        update_ids: list[int | None] = []
        old = target.bot_status
        if wanted.get("bot_administrator_rights") and old != "administrator":
            target.bot_status = "administrator"
        elif wanted.get("bot_is_member") and old not in ("member", "administrator"):
            target.bot_status = "member"
        if target.bot_status != old:
            update_ids.append(self._my_chat_member(target, user, old, target.bot_status))
            if old in ("left", "kicked") and target.type != CHANNEL:
                joined = self.add_message(
                    target, user.id, service={"new_chat_members": [self.bot.api()]}
                )
                update_ids.append(self.push_update("message", self.message_api(joined)))
        shared: dict[str, Any] = {"request_id": request_id, "chat_id": target.id}
        if wanted.get("request_title") and target.title:
            shared["title"] = target.title
        if wanted.get("request_username") and target.username:
            shared["username"] = target.username
        private = self.private_chat(user)
        msg = self.add_message(private, user.id, service={"chat_shared": shared})
        self._answer_keyboard(private)
        self.flood.think(private.id, False)
        update_ids.append(self.push_update("message", self.message_api(msg)))
        return msg, [u for u in update_ids if u is not None]

    def share_users(
        self, user: User, request_id: int, user_ids: list[int]
    ) -> tuple[Message, list[int]]:
        """The user picks people for a request_users button: the bot gets users_shared."""
        wanted = self.picker(user, "request_users", request_id)
        most = int(wanted.get("max_quantity", 1))
        if not 1 <= len(user_ids) <= most:
            raise SimError(f"pick 1 to {most} users for this button", 409)
        people = [self.user(uid) for uid in user_ids]
        for person in people:
            if person.id == user.id:
                raise SimError("a user cannot share themselves", 409)
            if wanted.get("user_is_bot") or wanted.get("user_is_premium"):
                raise SimError("the simulator's users are neither bots nor premium", 409)
        shared_users = []
        for person in people:
            item: dict[str, Any] = {"user_id": person.id}
            if wanted.get("request_name"):
                item["first_name"] = person.first_name
                if person.last_name:
                    item["last_name"] = person.last_name
            if wanted.get("request_username") and person.username:
                item["username"] = person.username
            shared_users.append(item)
        private = self.private_chat(user)
        service = {"users_shared": {"request_id": request_id, "users": shared_users}}
        msg = self.add_message(private, user.id, service=service)
        self._answer_keyboard(private)
        self.flood.think(private.id, False)
        update_id = self.push_update("message", self.message_api(msg))
        return msg, [update_id] if update_id is not None else []

    # -- inline mode -------------------------------------------------------------------------

    def inline_query(self, user: User, query: str, chat_type: str) -> InlineRecord:
        """The user types `@bot query` in a chat of `chat_type`; the bot gets an inline_query."""
        if not self.inline_mode:
            raise SimError("the bot has no inline mode (@BotFather /setinline)", 409)
        if len(query) > 256:
            raise SimError("an inline query is at most 256 characters")
        query_id = f"{self.bot.id % 10_000_000}{self._next_inline:010d}"
        self._next_inline += 1
        payload = {
            "id": query_id,
            "from": user.api(),
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
        update_id = self.push_update("inline_query", payload)
        record = InlineRecord(
            query_id, user.id, query, chat_type, self.clock.monotonic(), update_id
        )
        self.inline_queries[query_id] = record
        self.touch()
        return record

    def choose_inline(
        self, user: User, query_id: str, result_id: str, chat: Chat
    ) -> tuple[Message, list[int]]:
        """The user taps one of the bot's inline results: it is sent into `chat` as the user's
        message «via @bot»; the bot hears of the choice only with inline feedback on."""
        record = self.inline_queries.get(query_id)
        if record is None or record.user_id != user.id or not record.answered:
            raise SimError("that inline query has no answer to choose from", 404)
        result = next((r for r in record.results if r["id"] == result_id), None)
        if result is None:
            raise SimError(f"no result {result_id!r} in the answer", 404)
        if result.get("text") is None:
            raise SimError("the simulator sends only article results with a text message")
        self._check_can_write(user, chat)
        if chat.type == PRIVATE and chat.user_id == user.id:
            user.started = True
        markup = result.get("reply_markup")
        msg = self.add_message(
            chat,
            None if chat.type == CHANNEL else user.id,
            text=result["text"],
            entities=result["entities"],
            source=result["source"],
            reply_markup=markup,
            sent_markup=markup,
            via_bot=True,
        )
        if markup:
            msg.inline_message_id = f"sim-{chat.id}-{msg.message_id}"
        update_ids: list[int | None] = []
        kind = "channel_post" if chat.type == CHANNEL else "message"
        if chat.type == PRIVATE or self._reaches_bot(chat, msg):
            update_ids.append(self.push_update(kind, self.message_api(msg)))
        if self.inline_feedback:
            chosen: dict[str, Any] = {
                "result_id": result_id,
                "from": user.api(),
                "query": record.query,
            }
            if msg.inline_message_id:
                chosen["inline_message_id"] = msg.inline_message_id
            update_ids.append(self.push_update("chosen_inline_result", chosen))
        self.flood.think(chat.id, chat.group_like)
        return msg, [u for u in update_ids if u is not None]

    # -- the «/» menu ------------------------------------------------------------------------

    def menu_commands(self, user: User, chat: Chat) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The command list a user sees in a chat's «/» menu, by Telegram's order of scopes."""
        lang = user.language_code or ""
        if chat.type == PRIVATE:
            scopes: list[dict[str, Any]] = [
                {"type": "chat", "chat_id": chat.id},
                {"type": "all_private_chats"},
            ]
        else:
            admin = chat.members.get(user.id) in ("creator", "administrator")
            scopes = [{"type": "chat_member", "chat_id": chat.id, "user_id": user.id}]
            if admin:
                scopes.append({"type": "chat_administrators", "chat_id": chat.id})
            scopes.append({"type": "chat", "chat_id": chat.id})
            if admin:
                scopes.append({"type": "all_chat_administrators"})
            scopes.append({"type": "all_group_chats"})
        scopes.append({"type": "default"})
        languages = [lang, ""] if lang else [""]
        for scope in scopes:
            key = json.dumps(scope, sort_keys=True)
            for language in languages:
                if (key, language) in self.commands:
                    return scope, self.commands[(key, language)]
        return {"type": "default"}, []


def admin_rights(channel: bool) -> dict[str, Any]:
    """The rights the simulated bot holds where it is an administrator."""
    rights: dict[str, Any] = {
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": True,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": True,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
        "can_pin_messages": True,
    }
    if channel:
        rights.update(can_post_messages=True, can_edit_messages=True)
        rights.pop("can_pin_messages")
    return rights
