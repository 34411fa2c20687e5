"""Bot API methods with real state and Telegram's rules; every other method answers `true`."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from simulator.apispec import ApiSpec, Upload
from simulator.errors import ApiError, bad_request, forbidden, too_many_requests
from simulator.faults import FaultInjector
from simulator.formatting import FormattedText, check_length, format_text
from simulator.media import StoredFile
from simulator.state import (
    CHANNEL,
    GROUP,
    PRIVATE,
    SUPERGROUP,
    Chat,
    Message,
    Update,
    World,
)

Params = dict[str, Any]
Files = dict[str, Upload]
Handler = Callable[[Params, Files], Awaitable[Any]]

_COMMAND_NAME = re.compile(r"^[a-z0-9_]+$")
_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_BUTTON = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)
_CALLBACK_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


_STYLES = frozenset({"danger", "success", "primary"})
_REPLY_REQUESTS = (
    "request_users",
    "request_chat",
    "request_managed_bot",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)
_PROTECTED = "message has protected content and can't be forwarded"


def _check_style(button: dict[str, Any]) -> None:
    """A button's style is one of Telegram's three, or absent."""
    if "style" in button and button["style"] not in _STYLES:
        raise bad_request("BUTTON_STYLE_INVALID")  # "danger", "success" or "primary"


def _inline(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Keeps an inline keyboard only when it has buttons (an empty one means none)."""
    if markup and any(markup.get("inline_keyboard") or []):
        return markup
    return None


class BotApi:
    """Implements Bot API methods on a World."""

    def __init__(
        self, world: World, spec: ApiSpec, faults: FaultInjector, closing: asyncio.Event
    ) -> None:
        self.world = world
        self.spec = spec
        self.faults = faults
        self.closing = closing
        self._poller: object | None = None
        self.handlers: dict[str, Handler] = {
            "getme": self.get_me,
            "getupdates": self.get_updates,
            "setwebhook": self.set_webhook,
            "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "sendmessage": self.send_message,
            "forwardmessage": self.forward_message,
            "copymessage": self.copy_message,
            "sendphoto": self.send_photo,
            "senddocument": self.send_document,
            "sendmediagroup": self.send_media_group,
            "sendlocation": self.send_location,
            "sendcontact": self.send_contact,
            "sendchataction": self.send_chat_action,
            "getfile": self.get_file,
            "editmessagetext": self.edit_message_text,
            "editmessagecaption": self.edit_message_caption,
            "editmessagemedia": self.edit_message_media,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "deletemessage": self.delete_message,
            "deletemessages": self.delete_messages,
            "answercallbackquery": self.answer_callback_query,
            "answerinlinequery": self.answer_inline_query,
            "setmycommands": self.set_my_commands,
            "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands,
            "setchatmenubutton": self.set_chat_menu_button,
            "getchatmenubutton": self.get_chat_menu_button,
            "getchat": self.get_chat,
            "getchatmember": self.get_chat_member,
            "getchatmembercount": self.get_chat_member_count,
            "getchatadministrators": self.get_chat_administrators,
            "leavechat": self.leave_chat,
        }

    def implemented(self) -> list[str]:
        """Names (as in the spec) of the methods with real semantics."""
        return sorted(self.spec.methods[key].name for key in self.handlers)

    def generic(self) -> list[str]:
        """Names of the methods answered with a validated, generic `true`."""
        return sorted(m.name for key, m in self.spec.methods.items() if key not in self.handlers)

    async def call(self, method: str, params: Params, files: Files) -> Any:
        """Runs one validated method call."""
        handler = self.handlers.get(method.lower())
        if handler is None:
            return True
        return await handler(params, files)

    # -- helpers -----------------------------------------------------------------------------

    def _chat(self, chat_id: int | str) -> Chat:
        """Resolves chat_id (an id or @username) or fails like Telegram."""
        chat: Chat | None
        if isinstance(chat_id, str):
            chat = self.world.chat_by_username(chat_id) if chat_id.startswith("@") else None
        else:
            chat = self.world.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable(self, chat_id: int | str) -> Chat:
        """Resolves a chat the bot is about to write to, checking it may."""
        chat = self._chat(chat_id)
        if chat.type == PRIVATE:
            assert chat.user_id is not None
            user = self.world.users[chat.user_id]
            if user.blocked:
                raise forbidden("bot was blocked by the user")
            if not user.started:
                raise forbidden("bot can't initiate conversation with a user")
        elif chat.type == CHANNEL:
            if chat.bot_status != "administrator":
                raise bad_request("need administrator rights in the channel chat")
        elif chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        elif chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    def _message(self, chat: Chat, message_id: int, missing: str) -> Message:
        """Finds a live message or fails with Telegram's wording for the situation."""
        msg = self.world.live_message(chat, message_id)
        if msg is None:
            raise bad_request(missing)
        return msg

    def _format(
        self, text: str | None, parse_mode: str | None, entities: Any, *, caption: bool
    ) -> FormattedText | None:
        """Parses and length-checks a text or caption."""
        if text is None:
            return None
        formatted = format_text(text, parse_mode, entities, caption=caption)
        limit = self.world.limits.caption_max if caption else self.world.limits.text_max
        error = check_length(formatted.text, caption=caption, limit=limit)
        if error is not None:
            raise error
        entities_out = []
        for entity in formatted.entities:
            if entity["type"] == "text_mention":
                user = self.world.users.get(entity["user"]["id"])
                if user is None:
                    continue
                entity = {**entity, "user": user.api()}
            entities_out.append(entity)
        return FormattedText(formatted.text, entities_out, formatted.source)

    def _check_markup(self, markup: dict[str, Any] | None, chat: Chat | None) -> None:
        """Applies Telegram's keyboard rules."""
        if not markup:
            return
        limits = self.world.limits
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if sum(len(row) for row in rows) > limits.inline_buttons_max:
                raise bad_request("reply markup is too long")
            for row in rows:
                if len(row) > limits.inline_row_max:
                    raise bad_request("too many inline buttons in a row")
                for button in row:
                    self._check_inline_button(button)
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if chat is not None and chat.type == CHANNEL:
                raise bad_request("reply keyboards can't be sent to channels")
            if not any(rows):
                raise bad_request("keyboard must be non-empty")
            if sum(len(row) for row in rows) > limits.reply_buttons_max:
                raise bad_request("reply markup is too long")
            for row in rows:
                if len(row) > limits.reply_row_max:
                    raise bad_request("too many keyboard buttons in a row")
                for button in row:
                    self._check_reply_button(button, chat)
            self._check_request_ids(rows)

    def _check_reply_button(self, button: dict[str, Any] | str, chat: Chat | None) -> None:
        """Checks one reply keyboard button: text, style, at most one request, private only."""
        if isinstance(button, str):
            button = {"text": button}
        if not button.get("text", "").strip():
            raise bad_request("keyboard button text must be non-empty")
        _check_style(button)
        requests = [name for name in _REPLY_REQUESTS if button.get(name)]
        if len(requests) > 1:
            raise bad_request(
                "can't parse keyboard button: a button must have at most one request field"
            )
        if requests and chat is not None and chat.type != PRIVATE:
            raise bad_request("BUTTON_TYPE_INVALID")  # "Available in private chats only"
        users = button.get("request_users")
        if users is not None and not 1 <= users.get("max_quantity", 1) <= 10:
            raise bad_request("REQUEST_PEER_INVALID")  # max_quantity is 1-10

    @staticmethod
    def _check_request_ids(rows: list[list[Any]]) -> None:
        """A request_id must be unique within the message."""
        seen: set[int] = set()
        for button in (b for row in rows for b in row if isinstance(b, dict)):
            for name in ("request_chat", "request_users"):
                if name in button:
                    request_id = button[name]["request_id"]
                    if request_id in seen or not -(2**31) <= request_id < 2**31:
                        raise bad_request("REQUEST_PEER_INVALID")
                    seen.add(request_id)

    def _check_inline_button(self, button: dict[str, Any]) -> None:
        """Checks one inline button: text, exactly one action, style and each action's limits."""
        actions = [name for name in _BUTTON_ACTIONS if name in button]
        if not button.get("text", "").strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        _check_style(button)
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        if len(actions) > 1:
            raise bad_request(
                "can't parse inline keyboard button: a button must have exactly one action field"
            )
        if "callback_data" in button:
            size = len(button["callback_data"].encode("utf-8"))
            if size == 0 or size > self.world.limits.callback_data_max_bytes:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and not _URL_BUTTON.match(button["url"]):
            raise bad_request(
                f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
            )
        if "copy_text" in button and not 1 <= len(button["copy_text"]["text"]) <= 256:
            raise bad_request("COPY_TEXT_INVALID")  # the text to copy is 1-256 characters

    def _flood(self, method: str, chat: Chat, count: int = 1) -> None:
        """Applies flood control to a send, and counts it in the sliding windows if it passes."""
        retry_after = self.world.flood.acquire(chat.id, chat.group_like, count)
        if retry_after is not None:
            self.world.record_flood(method, chat.id, retry_after)
            raise too_many_requests(retry_after)
        self.world.windows.add(chat.id, chat.group_like, count)

    def _reply_to(self, chat: Chat, params: Params) -> int | None:
        """Resolves reply_parameters to a message id in the same chat."""
        reply = params.get("reply_parameters")
        if not reply:
            return None
        target = chat
        if reply.get("chat_id") is not None:
            target = self._chat(reply["chat_id"])
        if self.world.live_message(target, reply["message_id"]) is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return int(reply["message_id"]) if target is chat else None

    def _store(
        self, chat: Chat, params: Params, *, media_group_id: str | None = None, **content: Any
    ) -> Message:
        """Stores a message the bot sent and applies its reply markup to the chat."""
        markup = params.get("reply_markup")
        msg = self.world.add_message(
            chat,
            self.world.bot.id,
            reply_to=self._reply_to(chat, params),
            reply_markup=_inline(markup),
            sent_markup=markup,
            media_group_id=media_group_id,
            protected=bool(params.get("protect_content")),
            **content,
        )
        if markup and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        chat.chat_action = None
        return msg

    def _text_content(self, formatted: FormattedText) -> dict[str, Any]:
        """Message fields of a text."""
        return {"text": formatted.text, "entities": formatted.entities, "source": formatted.source}

    def _caption_content(self, formatted: FormattedText | None) -> dict[str, Any]:
        """Message fields of a caption."""
        if formatted is None or not formatted.text:
            return {}
        return {
            "caption": formatted.text,
            "caption_entities": formatted.entities,
            "caption_source": formatted.source,
        }

    # -- identity and updates ----------------------------------------------------------------

    async def get_me(self, p: Params, f: Files) -> Any:
        """Returns the bot's User object."""
        data = self.world.bot.api()
        data.update(
            can_join_groups=True,
            can_read_all_group_messages=not self.world.privacy_mode,
            supports_inline_queries=self.world.inline_mode,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return data

    async def get_updates(self, p: Params, f: Files) -> Any:
        """Long-polls the update queue; unconfirmed updates come again."""
        world = self.world
        if world.webhook.get("url"):
            raise ApiError(409, _CONFLICT_WEBHOOK)
        limit = min(100, max(1, p.get("limit", 100)))
        timeout = min(world.limits.long_poll_max, max(0, p.get("timeout", 0)))
        if "allowed_updates" in p:
            world.allowed_updates = list(p["allowed_updates"])
        again: list[Update] = []
        if "offset" in p:
            confirmed = world.confirm(p["offset"])
            if confirmed and self.faults.pick_redelivery(world.clock.time()):
                again = confirmed
        token = object()
        self._poller = token
        world.last_get_updates = asyncio.get_running_loop().time()
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            batch = again + world.updates[: max(0, limit - len(again))]
            remaining = deadline - asyncio.get_running_loop().time()
            if batch or remaining <= 0 or self.closing.is_set():
                break
            await world.new_update.wait(min(remaining, 0.5))
            if self._poller is not token:
                raise ApiError(409, _CONFLICT_POLL)
        if self._poller is token:
            self._poller = None
        return batch

    async def set_webhook(self, p: Params, f: Files) -> Any:
        """Sets the webhook the server posts updates to (HTTPS, or plain HTTP on this machine,
        as behind a proxy that ends TLS)."""
        url = p["url"]
        local = url.lower().startswith(("http://127.0.0.1:", "http://localhost:"))
        if url and not url.lower().startswith("https://") and not local:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if p.get("drop_pending_updates"):
            self.world.updates.clear()
        self.world.webhook = {
            "url": url,
            "max_connections": p.get("max_connections", 40),
            "allowed_updates": p.get("allowed_updates"),
            "has_secret_token": bool(p.get("secret_token")),
            "secret_token": p.get("secret_token") or "",
        }
        if "allowed_updates" in p:
            self.world.allowed_updates = list(p["allowed_updates"])
        self.world.touch()
        return True

    async def delete_webhook(self, p: Params, f: Files) -> Any:
        """Removes the webhook; optionally drops pending updates."""
        self.world.webhook = {}
        if p.get("drop_pending_updates"):
            self.world.updates.clear()
        self.world.touch()
        return True

    async def get_webhook_info(self, p: Params, f: Files) -> Any:
        """Describes the recorded webhook."""
        hook = self.world.webhook
        info: dict[str, Any] = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates),
        }
        if hook.get("url"):
            info["max_connections"] = hook.get("max_connections", 40)
            if hook.get("allowed_updates") is not None:
                info["allowed_updates"] = hook["allowed_updates"]
        return info

    # -- sending -----------------------------------------------------------------------------

    async def send_message(self, p: Params, f: Files) -> Any:
        """Sends a text message."""
        chat = self._writable(p["chat_id"])
        formatted = self._format(p["text"], p.get("parse_mode"), p.get("entities"), caption=False)
        assert formatted is not None
        self._check_markup(p.get("reply_markup"), chat)
        self._flood("sendMessage", chat)
        msg = self._store(chat, p, **self._text_content(formatted))
        return self.world.message_api(msg)

    def _resolve_file(self, value: Upload | str, kind: str, files: Files) -> list[StoredFile]:
        """Turns an upload, attach:// reference, file_id or URL into stored file(s)."""
        store = self.world.files
        limits = self.world.limits
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name not in files:
                raise bad_request(f'can\'t find attached file "{name}"')
            value = files[name]
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            if kind == "photo":
                if len(value.data) > limits.photo_max_bytes:
                    raise bad_request("PHOTO_SAVE_FILE_INVALID")
                sizes = store.add_photo(value.data)
                if sizes is None:
                    raise bad_request("IMAGE_PROCESS_FAILED")
                largest = sizes[-1]
                width, height = largest.width, largest.height
                if width + height > 10000 or max(width, height) > 20 * min(width, height):
                    raise bad_request("PHOTO_INVALID_DIMENSIONS")
                return sizes
            if len(value.data) > limits.document_max_bytes:
                raise ApiError(413, "Request Entity Too Large")
            return [store.add_document(value.data, value.filename or None, value.content_type)]
        existing = store.by_id.get(value)
        if existing is not None:
            is_photo = existing.width > 0
            if (kind == "photo") != is_photo:
                have = "Photo" if is_photo else "Document"
                want = "Photo" if kind == "photo" else "Document"
                raise bad_request(f"can't use file of type {have} as {want}")
            return existing.group
        if re.match(r"^https?://\S+$", value, re.IGNORECASE):
            # No network here: a URL stands for a generated picture or document.
            digest = int(hashlib.sha256(value.encode()).hexdigest()[:6], 16)
            if kind == "photo":
                return store.add_generated_photo(1280, 960, digest)
            name = value.rsplit("/", 1)[-1] or "file"
            return [store.add_document(value.encode(), name, "application/octet-stream")]
        raise bad_request("wrong file identifier/HTTP URL specified")

    async def send_photo(self, p: Params, f: Files) -> Any:
        """Sends a photo by upload, file_id or URL."""
        chat = self._writable(p["chat_id"])
        caption = self._format(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        self._check_markup(p.get("reply_markup"), chat)
        sizes = self._resolve_file(p["photo"], "photo", f)
        self._flood("sendPhoto", chat)
        msg = self._store(chat, p, photo=sizes, **self._caption_content(caption))
        return self.world.message_api(msg)

    async def send_document(self, p: Params, f: Files) -> Any:
        """Sends a document by upload, file_id or URL."""
        chat = self._writable(p["chat_id"])
        caption = self._format(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        self._check_markup(p.get("reply_markup"), chat)
        stored = self._resolve_file(p["document"], "document", f)[0]
        self._flood("sendDocument", chat)
        msg = self._store(chat, p, document=stored, **self._caption_content(caption))
        return self.world.message_api(msg)

    async def send_media_group(self, p: Params, f: Files) -> Any:
        """Sends an album of 2–10 photos (or documents) sharing a media_group_id."""
        chat = self._writable(p["chat_id"])
        media: list[dict[str, Any]] = p["media"]
        limits = self.world.limits
        if not limits.media_group_min <= len(media) <= limits.media_group_max:
            raise bad_request(
                f"media group must include {limits.media_group_min}-{limits.media_group_max} items"
            )
        kinds = {item["type"] for item in media}
        for lonely in ("document", "audio"):
            if lonely in kinds and len(kinds) > 1:
                raise bad_request(f"{lonely} can't be mixed with other media types")
        if kinds - {"photo", "document"}:
            raise bad_request("the simulator supports albums of photos or documents only")
        prepared: list[tuple[str, list[StoredFile], FormattedText | None]] = []
        for number, item in enumerate(media, start=1):
            caption = self._format(
                item.get("caption"),
                item.get("parse_mode"),
                item.get("caption_entities"),
                caption=True,
            )
            try:
                stored = self._resolve_file(item["media"], item["type"], f)
            except ApiError as exc:
                if "wrong file identifier" not in exc.description:
                    raise
                # Telegram names the item of the album it could not send, and sends none.
                raise bad_request(
                    f"failed to send message #{number} with the error message"
                    ' "Wrong file identifier/HTTP URL specified"'
                ) from None
            prepared.append((item["type"], stored, caption))
        self._flood("sendMediaGroup", chat, len(media))
        group_id = self.world.new_media_group_id()
        sent = []
        for kind, stored, caption in prepared:
            content: dict[str, Any] = (
                {"photo": stored} if kind == "photo" else {"document": stored[0]}
            )
            msg = self._store(
                chat, p, media_group_id=group_id, **content, **self._caption_content(caption)
            )
            sent.append(self.world.message_api(msg))
        return sent

    async def send_location(self, p: Params, f: Files) -> Any:
        """Sends a location."""
        chat = self._writable(p["chat_id"])
        if not -90 <= p["latitude"] <= 90 or not -180 <= p["longitude"] <= 180:
            raise bad_request("wrong latitude or longitude")
        self._check_markup(p.get("reply_markup"), chat)
        self._flood("sendLocation", chat)
        location = {"latitude": p["latitude"], "longitude": p["longitude"]}
        msg = self._store(chat, p, location=location)
        return self.world.message_api(msg)

    async def send_contact(self, p: Params, f: Files) -> Any:
        """Sends a contact."""
        chat = self._writable(p["chat_id"])
        self._check_markup(p.get("reply_markup"), chat)
        self._flood("sendContact", chat)
        contact = {"phone_number": p["phone_number"], "first_name": p["first_name"]}
        if p.get("last_name"):
            contact["last_name"] = p["last_name"]
        msg = self._store(chat, p, contact=contact)
        return self.world.message_api(msg)

    def _copy_content(self, msg: Message) -> dict[str, Any]:
        """The content fields a copy or forward of a message carries."""
        if msg.service:
            raise bad_request("message can't be copied")
        if msg.protected:
            raise bad_request(_PROTECTED)
        return {
            "text": msg.text,
            "entities": list(msg.entities),
            "source": msg.source,
            "caption": msg.caption,
            "caption_entities": list(msg.caption_entities),
            "caption_source": msg.caption_source,
            "photo": msg.photo,
            "document": msg.document,
            "location": msg.location,
            "contact": msg.contact,
        }

    async def forward_message(self, p: Params, f: Files) -> Any:
        """Forwards a message, keeping its origin."""
        source_chat = self._chat(p["from_chat_id"])
        original = self._message(source_chat, p["message_id"], "message to forward not found")
        chat = self._writable(p["chat_id"])
        content = self._copy_content(original)
        origin: dict[str, Any]
        if source_chat.type == CHANNEL:
            origin = {
                "type": "channel",
                "date": original.date,
                "chat": self.world.chat_api(source_chat),
                "message_id": original.message_id,
            }
        else:
            sender = self.world.sender(original.sender_id) or self.world.bot.api()
            origin = {"type": "user", "date": original.date, "sender_user": sender}
        self._flood("forwardMessage", chat)
        msg = self._store(chat, {}, forward_origin=origin, **content)
        return self.world.message_api(msg)

    async def copy_message(self, p: Params, f: Files) -> Any:
        """Copies a message without a link to the original; returns its MessageId."""
        source_chat = self._chat(p["from_chat_id"])
        original = self._message(source_chat, p["message_id"], "message to copy not found")
        chat = self._writable(p["chat_id"])
        content = self._copy_content(original)
        if "caption" in p and (original.photo or original.document):
            caption = self._format(
                p["caption"], p.get("parse_mode"), p.get("caption_entities"), caption=True
            )
            content.update(caption=None, caption_entities=[], caption_source=None)
            content.update(self._caption_content(caption))
        self._check_markup(p.get("reply_markup"), chat)
        self._flood("copyMessage", chat)
        msg = self._store(chat, p, **content)
        return {"message_id": msg.message_id}

    async def send_chat_action(self, p: Params, f: Files) -> Any:
        """Shows 'typing…' and friends (for about five seconds)."""
        chat = self._writable(p["chat_id"])
        if p["action"] not in _ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.chat_action = p["action"]
        chat.chat_action_at = self.world.clock.time()
        self.world.touch()
        return True

    async def get_file(self, p: Params, f: Files) -> Any:
        """Describes a file and gives the path it downloads from."""
        stored = self.world.files.by_id.get(p["file_id"])
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if stored.size > self.world.limits.download_max_bytes:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    # -- editing and deleting ----------------------------------------------------------------

    def _editable(self, p: Params, method: str) -> tuple[Chat, Message]:
        """Finds the message an edit method targets and checks the bot may edit it.

        Edits count against flood control like messages, as on Telegram.
        """
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        if p.get("chat_id") is None:
            raise bad_request("chat_id is empty")
        if p.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        chat = self._chat(p["chat_id"])
        msg = self._message(chat, p["message_id"], "message to edit not found")
        if not msg.from_bot or msg.service:
            raise bad_request("message can't be edited")
        self._flood(method, chat)
        return chat, msg

    async def edit_message_text(self, p: Params, f: Files) -> Any:
        """Edits a text message; an identical edit is refused as not modified."""
        chat, msg = self._editable(p, "editMessageText")
        if msg.text is None:
            raise bad_request("there is no text in the message to edit")
        formatted = self._format(p["text"], p.get("parse_mode"), p.get("entities"), caption=False)
        assert formatted is not None
        markup = p.get("reply_markup")
        self._check_markup(markup, chat)
        same_text = (formatted.text, formatted.entities) == (msg.text, msg.entities)
        if same_text and _inline(markup) == _inline(msg.reply_markup):
            raise bad_request(_NOT_MODIFIED)
        msg.text, msg.entities, msg.source = formatted.text, formatted.entities, formatted.source
        panel = _inline(msg.reply_markup) is not None or _inline(markup) is not None
        msg.reply_markup = _inline(markup)
        self.world.mark_edited(msg, panel=panel)
        return self.world.message_api(msg)

    async def edit_message_caption(self, p: Params, f: Files) -> Any:
        """Edits the caption of a photo or document message."""
        chat, msg = self._editable(p, "editMessageCaption")
        if not (msg.photo or msg.document):
            raise bad_request("there is no caption in the message to edit")
        caption = self._format(
            p.get("caption", ""), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        markup = p.get("reply_markup")
        self._check_markup(markup, chat)
        new = self._caption_content(caption)
        same = (new.get("caption"), new.get("caption_entities", [])) == (
            msg.caption,
            msg.caption_entities,
        )
        if same and _inline(markup) == _inline(msg.reply_markup):
            raise bad_request(_NOT_MODIFIED)
        msg.caption = new.get("caption")
        msg.caption_entities = new.get("caption_entities", [])
        msg.caption_source = new.get("caption_source")
        panel = _inline(msg.reply_markup) is not None or _inline(markup) is not None
        msg.reply_markup = _inline(markup)
        self.world.mark_edited(msg, panel=panel)
        return self.world.message_api(msg)

    async def edit_message_media(self, p: Params, f: Files) -> Any:
        """Replaces a photo's or document's file and caption (a message of an album too).

        As on Telegram: an album's photo becomes another photo, a document another document;
        the caption is the new media's (none given: the caption is removed).
        """
        chat, msg = self._editable(p, "editMessageMedia")
        media: dict[str, Any] = p["media"]
        kind = media["type"]
        if kind not in ("photo", "document"):
            raise bad_request("the simulator edits photos and documents only")
        if not (msg.photo or msg.document):
            raise bad_request("there is no media in the message to edit")
        if msg.media_group_id and (kind == "photo") != bool(msg.photo):
            raise bad_request("can't change the media type of an album's message")
        caption = self._format(
            media.get("caption"),
            media.get("parse_mode"),
            media.get("caption_entities"),
            caption=True,
        )
        markup = p.get("reply_markup")
        self._check_markup(markup, chat)
        stored = self._resolve_file(media["media"], kind, f)
        new = self._caption_content(caption)
        current = msg.photo[-1] if msg.photo else msg.document
        same_file = current is not None and current.file_unique_id == stored[-1].file_unique_id
        same_caption = (new.get("caption"), new.get("caption_entities", [])) == (
            msg.caption,
            msg.caption_entities,
        )
        if same_file and same_caption and _inline(markup) == _inline(msg.reply_markup):
            raise bad_request(_NOT_MODIFIED)
        msg.photo, msg.document = (stored, None) if kind == "photo" else (None, stored[0])
        msg.caption = new.get("caption")
        msg.caption_entities = new.get("caption_entities", [])
        msg.caption_source = new.get("caption_source")
        panel = _inline(msg.reply_markup) is not None or _inline(markup) is not None
        msg.reply_markup = _inline(markup)
        self.world.mark_edited(msg, panel=panel)
        return self.world.message_api(msg)

    async def edit_message_reply_markup(self, p: Params, f: Files) -> Any:
        """Replaces (or removes) a message's inline keyboard."""
        chat, msg = self._editable(p, "editMessageReplyMarkup")
        markup = p.get("reply_markup")
        self._check_markup(markup, chat)
        if _inline(markup) == _inline(msg.reply_markup):
            raise bad_request(_NOT_MODIFIED)
        msg.reply_markup = _inline(markup)
        # Telegram marks no edit (and a client shows no «edited») when only the buttons change.
        self.world.touch()
        return self.world.message_api(msg)

    def _deletable(self, chat: Chat, msg: Message) -> bool:
        """Tells whether the bot may delete a message."""
        age = self.world.clock.monotonic() - msg.sent_at
        if age > self.world.limits.edit_window:
            return False
        if chat.type == PRIVATE or msg.from_bot:
            return True
        return chat.bot_status == "administrator"

    async def delete_message(self, p: Params, f: Files) -> Any:
        """Deletes a message."""
        chat = self._chat(p["chat_id"])
        msg = self._message(chat, p["message_id"], "message to delete not found")
        if not self._deletable(chat, msg):
            raise bad_request("message can't be deleted")
        msg.deleted = True
        self.world.touch()
        return True

    async def delete_messages(self, p: Params, f: Files) -> Any:
        """Deletes several messages, skipping the ones that cannot be deleted."""
        chat = self._chat(p["chat_id"])
        ids = p["message_ids"]
        if not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must contain 1-100 items")
        for message_id in ids:
            msg = self.world.live_message(chat, message_id)
            if msg is not None and self._deletable(chat, msg):
                msg.deleted = True
        self.world.touch()
        return True

    # -- callback queries --------------------------------------------------------------------

    async def answer_callback_query(self, p: Params, f: Files) -> Any:
        """Answers a callback query once, within the answer timeout."""
        world = self.world
        world.sweep_callbacks()
        record = world.callbacks.get(p["callback_query_id"])
        if record is None or record.answered or record.expired:
            raise bad_request(_CALLBACK_TOO_OLD)
        if world.clock.monotonic() - record.sent_at > world.limits.callback_answer_timeout:
            raise bad_request(_CALLBACK_TOO_OLD)
        text = p.get("text")
        if text is not None and len(text) > world.limits.answer_text_max:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {
            "text": text,
            "show_alert": bool(p.get("show_alert", False)),
            "url": p.get("url"),
            "time": world.clock.time(),
        }
        world.touch()
        return True

    # -- inline mode -------------------------------------------------------------------------

    async def answer_inline_query(self, p: Params, f: Files) -> Any:
        """Answers an inline query once, in time, with at most 50 results of unique ids."""
        world = self.world
        record = world.inline_queries.get(p["inline_query_id"])
        age = world.clock.monotonic() - record.sent_at if record else 0.0
        if record is None or record.answered or age > world.limits.callback_answer_timeout:
            raise bad_request(_CALLBACK_TOO_OLD)
        results: list[dict[str, Any]] = p["results"]
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        stored: list[dict[str, Any]] = []
        for result in results:
            result_id = str(result["id"])
            if not 1 <= len(result_id.encode()) <= 64:
                raise bad_request("RESULT_ID_INVALID")
            if any(r["id"] == result_id for r in stored):
                raise bad_request("RESULT_ID_DUPLICATE")
            markup = result.get("reply_markup")
            self._check_markup(markup, None)
            item: dict[str, Any] = {
                "id": result_id,
                "type": result["type"],
                "title": result.get("title", ""),
                "description": result.get("description", ""),
                "reply_markup": _inline(markup),
                "text": None,
            }
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                formatted = self._format(
                    content["message_text"],
                    content.get("parse_mode"),
                    content.get("entities"),
                    caption=False,
                )
                assert formatted is not None
                item.update(self._text_content(formatted))
            stored.append(item)
        record.answered = True
        record.results = stored
        world.touch()
        return True

    # -- commands and menu -------------------------------------------------------------------

    def _scope_key(self, p: Params) -> tuple[str, str]:
        """Identifies a (scope, language) pair for command lists."""
        scope = dict(p.get("scope") or {"type": "default"})
        if "chat_id" in scope:
            scope["chat_id"] = self._chat(scope["chat_id"]).id
        return json.dumps(scope, sort_keys=True), p.get("language_code") or ""

    async def set_my_commands(self, p: Params, f: Files) -> Any:
        """Stores the command list of a scope and language."""
        limits = self.world.limits
        commands = p["commands"]
        if len(commands) > limits.commands_max:
            raise bad_request("too many commands specified")
        for command in commands:
            name = command["command"]
            if not 1 <= len(name) <= limits.command_max_len or not _COMMAND_NAME.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            description = command["description"]
            if not 1 <= len(description.strip()) <= limits.command_description_max:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_key(p)
        self.world.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        self.world.touch()
        return True

    async def get_my_commands(self, p: Params, f: Files) -> Any:
        """Returns the command list of exactly this scope and language."""
        return self.world.commands.get(self._scope_key(p), [])

    async def delete_my_commands(self, p: Params, f: Files) -> Any:
        """Deletes the command list of a scope and language."""
        self.world.commands.pop(self._scope_key(p), None)
        self.world.touch()
        return True

    async def set_chat_menu_button(self, p: Params, f: Files) -> Any:
        """Sets the menu button of one private chat or the default one."""
        button = p.get("menu_button") or {"type": "default"}
        if p.get("chat_id") is not None:
            chat = self._chat(p["chat_id"])
            if chat.type != PRIVATE:
                raise bad_request("chat_id must be a private chat")
            chat.menu_button = button
        else:
            self.world.default_menu_button = (
                {"type": "commands"} if button["type"] == "default" else button
            )
        self.world.touch()
        return True

    async def get_chat_menu_button(self, p: Params, f: Files) -> Any:
        """Returns the menu button of a private chat or the default one."""
        if p.get("chat_id") is not None:
            chat = self._chat(p["chat_id"])
            if chat.menu_button and chat.menu_button["type"] != "default":
                return chat.menu_button
        return self.world.default_menu_button

    # -- chats -------------------------------------------------------------------------------

    async def get_chat(self, p: Params, f: Files) -> Any:
        """Returns ChatFullInfo."""
        chat = self._chat(p["chat_id"])
        data = self.world.chat_api(chat)
        data.update(
            accent_color_id=abs(chat.id) % 7,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": chat.type == PRIVATE,
                "limited_gifts": chat.type == PRIVATE,
                "unique_gifts": chat.type == PRIVATE,
                "premium_subscription": chat.type == PRIVATE,
                "gifts_from_channels": chat.type == PRIVATE,
            },
        )
        if chat.type in (GROUP, SUPERGROUP):
            data["permissions"] = {
                "can_send_messages": True,
                "can_send_photos": True,
                "can_send_documents": True,
                "can_invite_users": True,
            }
        if chat.description:
            data["description"] = chat.description
        return data

    def _member(self, chat: Chat, user_id: int) -> dict[str, Any]:
        """Builds the ChatMember object of a user (or the bot) in a chat."""
        world = self.world
        if user_id == world.bot.id:
            status = chat.bot_status if chat.type != PRIVATE else "member"
            return world.member_api(status, world.bot.api(), chat)
        user = world.users.get(user_id)
        if user is None or (chat.type == PRIVATE and chat.user_id != user_id):
            raise bad_request("user not found")
        status = "member" if chat.type == PRIVATE else chat.members.get(user_id, "left")
        return world.member_api(status, user.api(), chat)

    async def get_chat_member(self, p: Params, f: Files) -> Any:
        """Returns one member's status."""
        chat = self._chat(p["chat_id"])
        return self._member(chat, p["user_id"])

    async def get_chat_member_count(self, p: Params, f: Files) -> Any:
        """Counts a chat's members (the bot included)."""
        chat = self._chat(p["chat_id"])
        if chat.type == PRIVATE:
            return 2
        active = [s for s in chat.members.values() if s in ("creator", "administrator", "member")]
        return len(active) + (0 if chat.bot_status in ("left", "kicked") else 1)

    async def get_chat_administrators(self, p: Params, f: Files) -> Any:
        """Lists a group's or channel's owner and administrators."""
        chat = self._chat(p["chat_id"])
        if chat.type == PRIVATE:
            raise bad_request("there are no administrators in the private chat")
        admins = [
            self._member(chat, uid)
            for uid, status in chat.members.items()
            if status in ("creator", "administrator")
        ]
        if chat.bot_status == "administrator":
            admins.append(self._member(chat, self.world.bot.id))
        return admins

    async def leave_chat(self, p: Params, f: Files) -> Any:
        """The bot leaves a group or channel."""
        chat = self._chat(p["chat_id"])
        if chat.type == PRIVATE:
            raise bad_request("chat member status can't be changed in private chats")
        chat.bot_status = "left"
        self.world.touch()
        return True
