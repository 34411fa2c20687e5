"""The main menu: the reply-keyboard buttons each feature declares beside its handlers (`MENU`).

An entry names its button (a locale key), its place (row, then place in the row), who sees it (an
audience of bot.kit.commands) and who may press it (a rule of bot.kit.access and the locale key of
the refusal; no rule: anyone). bot.app collects every feature's entries; a person's menu is the
entries their roles show, row by row. A press arrives as the button's text, so the entries also
tell which typed text is a menu button: never an answer to a question, and works in any flow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telegram import KeyboardButton, ReplyKeyboardMarkup

from bot.core.i18n import label
from bot.kit.buttons import Refusal, Rule
from bot.kit.commands import NOBODY, Audience
from bot.kit.keyboards import kind_of
from bot.kit.principal import Principal


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """One button of the main menu, where it sits, who sees it and who may press it."""

    key: str  # locale key of its label
    row: int  # rows from the top, lowest first
    place: int  # place in its row, lowest first (the right-most, in Persian)
    audience: Audience
    rule: Rule | None = None
    refusal: Refusal = "not-allowed-menu"


def main_menu(entries: Iterable[MenuEntry], who: Principal | None) -> ReplyKeyboardMarkup:
    """The main menu of a person's roles (None: a newcomer's) as a reply keyboard."""
    person = who or NOBODY
    rows: dict[int, list[KeyboardButton]] = {}
    for entry in sorted(entries, key=lambda e: (e.row, e.place)):
        if entry.audience(person):
            text = label(entry.key)
            kind = kind_of(text)
            button = KeyboardButton(text, style=kind.value if kind else None)
            rows.setdefault(entry.row, []).append(button)
    return ReplyKeyboardMarkup(
        [rows[row] for row in sorted(rows)],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=label("menu-placeholder"),
    )


def entry_of(entries: Iterable[MenuEntry], text: str | None) -> MenuEntry | None:
    """The entry whose button sends this text, if any."""
    return next((e for e in entries if text is not None and text == label(e.key)), None)
