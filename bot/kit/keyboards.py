"""Every keyboard the bot shows, and the one place callback data is built and parsed.

Callback data is `prefix:action[:id...]` with ASCII ids only (Telegram allows 1–64 bytes, and a
Persian label would not fit); it is client input, so handlers re-check every id on the server.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from telegram import (
    ChatAdministratorRights,
    CopyTextButton,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    KeyboardButtonRequestChat,
    KeyboardButtonRequestUsers,
    ReplyKeyboardMarkup,
    SwitchInlineQueryChosenChat,
)

from bot.core.i18n import Label, label

_PART = re.compile(r"^[a-z0-9_]{1,16}$")
_ID = re.compile(r"\d{1,16}")
MAX_CALLBACK_BYTES = 64
# Ids in callback data are row ids, page numbers and Telegram user ids (at most 52 bits): all
# non-negative and far below SQLite's 64-bit limit. Anything else is forged and refused here.
MAX_ID = 2**53 - 1


@dataclass(frozen=True, slots=True)
class Callback:
    """Parsed callback data."""

    prefix: str
    action: str
    ids: tuple[int, ...]

    def id(self, index: int = 0) -> int | None:
        """Returns the index-th id, or None when the data carried fewer."""
        return self.ids[index] if index < len(self.ids) else None


def cb(prefix: str, action: str, *ids: int) -> str:
    """Builds callback data; raises ValueError if it would break Telegram's 64-byte limit."""
    if not (_PART.match(prefix) and _PART.match(action)):
        raise ValueError(f"bad callback part: {prefix}:{action}")
    if any(not 0 <= int(i) <= MAX_ID for i in ids):
        raise ValueError(f"callback id out of range: {ids}")
    data = ":".join([prefix, action, *(str(int(i)) for i in ids)])
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data too long: {data}")
    return data


def parse_cb(data: str | None) -> Callback | None:
    """Parses callback data; returns None for anything malformed (forged or from old versions)."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or not (_PART.match(parts[0]) and _PART.match(parts[1])):
        return None
    ids: list[int] = []
    for part in parts[2:]:
        if not _ID.fullmatch(part) or int(part) > MAX_ID:
            return None
        ids.append(int(part))
    return Callback(parts[0], parts[1], tuple(ids))


class Kind(StrEnum):
    """What a button is; Telegram's apps colour it by its `style` (Bot API 10.0)."""

    SAVE = "success"  # saves or approves: green
    DANGER = "danger"  # returns a report, or confirms what cannot be undone: red
    MAIN = "primary"  # the main action of its screen: blue


# Buttons whose locale key says what they are, wherever a feature shows them (a label made by
# label() carries its key). Green: what saves, approves or accepts (its label starts with ✅ or
# 💾); red: what returns or turns down, and the yes of a confirmation of what cannot be undone
# («بله…»); blue: the main action of a screen (one a screen: see `inline`). tests/test_button_kinds
# walks every locale label shaped like these and fails on one left out.
KINDS: Mapping[str, Kind] = MappingProxyType(
    {
        "report-save": Kind.SAVE,
        "report-save-changes": Kind.SAVE,
        "report-large-yes": Kind.SAVE,
        "manage-save": Kind.SAVE,
        "manage-types-save-yes": Kind.SAVE,
        "types-add-ok": Kind.SAVE,
        "types-unit-yes": Kind.SAVE,
        "camp-create": Kind.SAVE,
        "newgroup-create": Kind.SAVE,
        "newgroup-request": Kind.SAVE,
        "join-yes": Kind.SAVE,
        "joinreq-send": Kind.SAVE,
        "joinreq-accept": Kind.SAVE,
        "review-approve": Kind.SAVE,
        "review-approve-group": Kind.SAVE,
        "review-together-yes": Kind.SAVE,
        "approval-approve": Kind.SAVE,
        "review-return": Kind.DANGER,
        "approval-reject": Kind.DANGER,
        "joinreq-decline": Kind.DANGER,
        "button-yes": Kind.DANGER,
        "flow-discard-yes": Kind.DANGER,
        "approval-reject-yes": Kind.DANGER,
        "joinreq-decline-yes": Kind.DANGER,
        "menu-report": Kind.MAIN,
        "channel-add": Kind.MAIN,
        "admin-add-coordinator": Kind.MAIN,
        "admin-add-admin": Kind.MAIN,
        "group-share-invite": Kind.MAIN,
        "share-card": Kind.MAIN,
    }
)


def kind_of(text: str) -> Kind | None:
    """The kind of a button by the locale key of its label (none for text not from label())."""
    return KINDS.get(text.key) if isinstance(text, Label) else None


def _style(text: str) -> str | None:
    found = kind_of(text)
    return found.value if found else None


def button(text: str, data: str) -> InlineKeyboardButton:
    """One inline button with callback data (coloured by its kind, when its label has one)."""
    return InlineKeyboardButton(text, callback_data=data, style=_style(text))


def url_button(text: str, url: str) -> InlineKeyboardButton:
    """One inline button that opens a link."""
    return InlineKeyboardButton(text, url=url, style=_style(text))


def copy_button(text: str, copied: str) -> InlineKeyboardButton:
    """A button that copies `copied` (1-256 characters) to the clipboard."""
    return InlineKeyboardButton(text, copy_text=CopyTextButton(copied[:256]))


def share_button(text: str, query: str) -> InlineKeyboardButton:
    """A button that opens a chat picker and writes `@bot query` there (inline mode)."""
    chosen = SwitchInlineQueryChosenChat(
        query, allow_user_chats=True, allow_group_chats=True, allow_channel_chats=True
    )
    return InlineKeyboardButton(text, switch_inline_query_chosen_chat=chosen, style=_style(text))


# Request ids of the pickers' keyboard buttons; a shared chat or person names the one it answers.
PICK_CHANNEL = 1
PICK_REVIEW_CHAT = 2
PICK_PERSON = 3


def _post_rights() -> ChatAdministratorRights:
    """Administrator rights with only posting in a channel on."""
    off = ChatAdministratorRights.no_rights().to_dict()
    off["can_post_messages"] = True
    return ChatAdministratorRights.de_json(off, None)


def _picker(picker: KeyboardButton) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup([[picker]], resize_keyboard=True)


def channel_picker(text: str) -> ReplyKeyboardMarkup:
    """A keyboard button that lists the person's channels and makes the bot an admin of the one
    chosen, with the one right a digest needs: posting (the person must hold it too)."""
    rights = _post_rights()
    request = KeyboardButtonRequestChat(
        PICK_CHANNEL,
        chat_is_channel=True,
        user_administrator_rights=rights,
        bot_administrator_rights=rights,
        request_title=True,
    )
    return _picker(KeyboardButton(text, request_chat=request))


def review_chat_picker(text: str) -> ReplyKeyboardMarkup:
    """A keyboard button that lists the person's groups and adds the bot to the one chosen.

    Review cards need no admin right: a member bot may post them, it receives /review and
    replies to its own messages in privacy mode, and its cards' buttons come to it anyway.
    """
    request = KeyboardButtonRequestChat(
        PICK_REVIEW_CHAT, chat_is_channel=False, bot_is_member=True, request_title=True
    )
    return _picker(KeyboardButton(text, request_chat=request))


def people_picker(text: str) -> ReplyKeyboardMarkup:
    """A keyboard button that lists the person's contacts and chats to pick one person."""
    request = KeyboardButtonRequestUsers(
        PICK_PERSON, user_is_bot=False, max_quantity=1, request_name=True, request_username=True
    )
    return _picker(KeyboardButton(text, request_users=request))


def inline(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows, dropping empty rows. A screen has one main action: the
    first button coloured as one keeps its colour, any later one is shown plain."""
    kept: list[list[InlineKeyboardButton]] = []
    main = False
    for row in rows:
        if not row:
            continue
        kept.append([])
        for each in row:
            if each.style == Kind.MAIN and main:
                plain = each.to_dict(recursive=False)
                del plain["style"]
                each = InlineKeyboardButton(**plain)
            main = main or each.style == Kind.MAIN
            kept[-1].append(each)
    return InlineKeyboardMarkup(kept)


def confirm(yes: str, no: str) -> list[list[InlineKeyboardButton]]:
    """The confirmation of what cannot be undone: «بله» (coloured as danger) and «خیر», with the
    callback data of each (the «خیر» goes back to where the person came from)."""
    return [[button(label("button-yes"), yes), button(label("button-no"), no)]]


def grid(buttons: Sequence[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    """Arranges buttons in rows of per_row (Telegram allows at most 8 a row)."""
    per_row = max(1, min(per_row, 8))
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def nav_row(prefix: str, *, back: bool = True) -> list[InlineKeyboardButton]:
    """The Back and Cancel buttons every step of a conversation has."""
    row = [button(label("button-back"), cb(prefix, "back"))] if back else []
    row.append(button(label("button-cancel"), cb(prefix, "cancel")))
    return row


@dataclass(frozen=True, slots=True)
class Paging:
    """Where a list shown a page at a time stands: the page (kept within the list) and how many
    pages it has. Every paged screen pages with it, its turn buttons built by `row`."""

    page: int
    pages: int
    per_page: int

    @classmethod
    def of(cls, total: int, per_page: int, page: int) -> Paging:
        """The paging of `total` items, at `page` (brought within the list)."""
        pages = max(1, -(-total // per_page))
        return cls(min(max(page, 0), pages - 1), pages, per_page)

    def shown[T](self, items: Sequence[T]) -> Sequence[T]:
        """The items of the page."""
        return items[self.page * self.per_page : (self.page + 1) * self.per_page]

    def row(self, to: Callable[[str, int], InlineKeyboardButton]) -> list[InlineKeyboardButton]:
        """The previous and next page buttons (none for one page); `to(label, page)` makes each,
        as a flow's question (turn.button) or a screen's (button with callback data) does."""
        turn = []
        if self.page > 0:
            turn.append(to(label("button-prev-page"), self.page - 1))
        if self.page < self.pages - 1:
            turn.append(to(label("button-next-page"), self.page + 1))
        return turn


# A turn button of a paged list: (its label, the page it turns to) → the button.
PageTurn = Callable[[str, int], InlineKeyboardButton]


def choices[T](
    items: Sequence[T],
    opens: Callable[[T], InlineKeyboardButton],
    *,
    per_row: int = 1,
    paging: Paging | None = None,
    turn: PageTurn | None = None,
) -> list[list[InlineKeyboardButton]]:
    """A list to choose from: a button per item (`opens(item)`, which opens it), per_row a row;
    paged, the page's items and below them the turn buttons (`turn(label, page)` makes each).
    Paged, `items` is the whole list when it is longer than a page (its page is shown), else
    the page's items (fetched already) or a list that fits on one page."""
    if paging is not None and len(items) > paging.per_page:
        items = paging.shown(items)
    rows = grid([opens(item) for item in items], per_row)
    if paging is not None and turn is not None and (row := paging.row(turn)):
        rows.append(row)
    return rows
