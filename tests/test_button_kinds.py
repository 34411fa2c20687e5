"""Buttons coloured by what they do (Bot API 10.0 `style`): every label shaped like a save, an
approval, a turning down or the yes of a confirmation has its colour, whatever its arguments,
and a screen has at most one main (blue) action."""

from __future__ import annotations

import re

from bot.core.i18n import label
from bot.kit.keyboards import KINDS, Kind, button, inline, share_button, url_button
from tests.conftest import Harness, locale_messages

# A label that saves, approves or accepts starts with one of these; one that turns a report or
# a request down with one of these; a confirmation's yes with «بله».
SAVES = ("✅", "💾")
TURNS_DOWN = ("↩️ بازگرداندن", "❌ رد", "✖️ نپذیرفتن")
YES = "بله"
# Labels shaped like those that are not: each with why.
NOT_SAVES = {
    "lookups-chosen": "a mark on the period chosen, not an action",
    "manage-type-on": "a mark on a service type chosen",
    "stats-mark-on": "a mark in a line of figures",
    "report-photos-done": "ends the photo step; nothing is saved yet",
    "stats-schedule-on": "a campaign's verdict in a line of figures, not a button",
}
NOT_CONFIRMATIONS = {
    "export-hxl-yes": "answers a question about the file; nothing is undone",
}
# A button's label is one short line: no sentence punctuation (messages end with some).
SENTENCE = re.compile(r"[.!؟?:؛\n]")


def _wanted(key: str, text: str) -> Kind | None:
    """The colour a label's shape asks for (None: no rule asks for one)."""
    if SENTENCE.search(text):
        return None
    if text.startswith(SAVES) and key not in NOT_SAVES:
        return Kind.SAVE
    if text.startswith(YES) and key not in NOT_CONFIRMATIONS:
        return Kind.DANGER
    words = text.split()[:2]
    return Kind.DANGER if " ".join(words) in TURNS_DOWN else None


def test_every_save_approve_turn_down_and_confirm_label_has_its_colour() -> None:
    """Walks every locale message: each button label shaped like a save or approval is green,
    each that turns down or confirms what cannot be undone is red (KINDS says so)."""
    wrong = []
    for key, text in locale_messages().items():
        wanted = _wanted(key, text.strip())
        if wanted is not None and KINDS.get(key) != wanted:
            wrong.append(f"{key} = {text.strip()}: {KINDS.get(key)}, wanted {wanted}")
    assert wrong == []
    named = ["report-save-changes", "review-together-yes", "joinreq-accept", "camp-create"]
    assert all(KINDS[key] is Kind.SAVE for key in [*named, "types-add-ok"])
    assert KINDS["flow-discard-yes"] is Kind.DANGER
    messages = locale_messages()
    assert [k for k in [*NOT_SAVES, *NOT_CONFIRMATIONS, *KINDS] if k not in messages] == []


def test_a_label_keeps_its_colour_whatever_its_arguments() -> None:
    """The colour follows the label's key, so «✅ بله، ۴ گزارش تأیید شود» is green like any
    count; text that only reads like a coloured label (a group named «بله») stays plain."""
    messages = locale_messages()
    for key, kind in KINDS.items():
        names = set(re.findall(r"\{\s*\$(\w+)", messages[key]))
        text = label(key, **dict.fromkeys(names, 4))
        assert button(text, "t:x").style == kind.value, key
        assert url_button(text, "https://t.me/x").style == kind.value, key
        assert share_button(text, "q").style == kind.value, key
    assert button(str(label("button-yes")), "t:x").style is None
    assert button(label("review-together-yes", count=4), "t:x").style == "success"


def test_a_screen_keeps_one_main_action() -> None:
    """Two buttons that would each be a screen's main action: the first stays blue, the other
    is shown plain (with all else it had)."""
    invite = url_button(label("group-share-invite"), "https://t.me/x")
    share = share_button(label("share-card"), "group:1")
    assert invite.style == share.style == "primary"
    markup = inline([[invite], [], [share], [button(label("report-save"), "t:x")]])
    styles = [b.style for row in markup.inline_keyboard for b in row]
    assert styles == ["primary", None, "success"]
    plain = markup.inline_keyboard[1][0]
    assert plain.text == share.text
    assert plain.switch_inline_query_chosen_chat == share.switch_inline_query_chosen_chat
    assert inline([[share]]).inline_keyboard[0][0].style == "primary"  # alone, it is the main


async def test_the_group_card_has_one_main_action(harness: Harness) -> None:
    """A leader's group card offers the invite and the card's share; only the invite is blue."""
    reza = await harness.sim.user("رضا")
    group_id = await harness.group(reza, "گروه امید")
    await harness.store.groups.new_invite(group_id, reza.id)
    await reza.send("/start")
    await reza.press(label("menu-group"))
    card = reza.last
    shown = [b.text for row in card.keyboard for b in row]
    assert label("group-share-invite") in shown and label("share-card") in shown
    main = [b.text for row in card.keyboard for b in row if b.style == "primary"]
    assert main == [label("group-share-invite")]
