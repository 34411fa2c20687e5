"""The kit alone: the engine, the access policy, the menu and the screen helpers (a table of
screens, the list to choose from, the pager, the bounded typed text) with a toy feature.

As python-telegram-bot tests ConversationHandler with made-up states, these run the bot's kit
(build_application with its middleware, engine and policy) on a made-up feature and flow, not on
the real ones, through the simulator over real HTTP and a real SQLite file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.core.i18n import label, t
from bot.kit.access import Policy, admin, anyone, anyone_goes_on
from bot.kit.buttons import Buttons, allow
from bot.kit.commands import Command, everyone, overseers
from bot.kit.context import Context
from bot.kit.engine import Bounded, Done, Draft, Flow, Go, Result, Screen, Step, Turn
from bot.kit.keyboards import Callback, Paging, choices, inline
from bot.kit.menu import MenuEntry
from simulator.server import SimulatorServer
from simulator.testing import ProcessedTracker, SimClient
from tests.conftest import Harness

# --- a toy flow: a name typed, a size pressed, a review --------------------------------------


@dataclasses.dataclass
class ToyDraft(Draft):
    """The toy's answers."""

    KIND = "toy"

    name: str = ""
    size: int | None = None


Toy = Turn[ToyDraft]
NAME_MAX = 12
NAME = Bounded(NAME_MAX, "types-bad-name", least=2, markup="manage-no-markup")


async def ask_name(turn: Toy) -> Screen:
    """Asks for a name."""
    return Screen(t("lookups-find-ask"), [turn.nav(back=False)])


async def name_typed(turn: Toy, text: str) -> Result:
    """Takes a short name."""
    name = turn.typed(text, NAME)
    if isinstance(name, Go):
        return name
    turn.draft.name = name
    return turn.then("size")


async def ask_size(turn: Toy) -> Screen:
    """Offers three sizes."""
    sizes = [turn.button(str(n), "size", n) for n in (1, 2, 3)]
    return Screen(t("report-ask-group"), [sizes, turn.nav()])


async def size_pressed(turn: Toy, data: Callback) -> Result:
    """Takes a size."""
    turn.draft.size = data.id()
    return Go("review")


async def ask_review(turn: Toy) -> Screen:
    """The answers, to save."""
    return Screen(t("report-review-title"), [[turn.button(label("button-yes"), "ok")], turn.nav()])


async def saved(turn: Toy, data: Callback) -> Result:
    """The end."""
    return Done(t("cancel-done"))


async def begin(turn: Toy, ids: tuple[int, ...]) -> Result:
    """The first question."""
    return Go("name")


TOY_FLOW = Flow(
    draft=ToyDraft,
    prefix="toyf",
    name="flow-name-find",
    steps={
        "name": Step(ask_name, text=name_typed, expects="lookups-find-ask"),
        "size": Step(ask_size, press={"size": size_pressed}, back="name"),
        "review": Step(ask_review, press={"ok": saved}, back="size"),
    },
    entries={"new": begin},
    rule=anyone,
    allowed=anyone_goes_on,
    review="review",
    must_confirm_cancel=lambda draft: bool(draft.name),
)

# --- a toy feature: a command into the flow, an admins' paged list, a menu button -------------

TOY = Buttons("toy", allow(admin, "page", ids="page"), allow(admin, "item", ids="item"))
ITEMS = [str(n) for n in range(1, 26)]


async def start_toy(update: Update, context: Context) -> None:
    """/toy: the toy flow."""
    await context.bot_data.engine.start(update, context, TOY_FLOW, "new")


def _list(page: int) -> tuple[str, Any]:
    """A page of the items, a button each that opens it, five a row."""
    paging = Paging.of(len(ITEMS), 10, page)
    rows = choices(
        range(len(ITEMS)),
        lambda i: TOY.button(ITEMS[i], "item", i),
        per_row=5,
        paging=paging,
        turn=lambda text, to: TOY.button(text, "page", to),
    )
    return ", ".join(paging.shown(ITEMS)), inline(rows)


async def show_list(update: Update, context: Context) -> None:
    """/toylist: the first page of the items (admins only: the command's rule)."""
    chat = update.effective_chat
    assert chat is not None
    text, markup = _list(0)
    await chat.send_message(text, reply_markup=markup)


async def on_page(update: Update, context: Context, data: Callback) -> None:
    """Another page of the items."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    text, markup = _list(data.id() or 0)
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def on_item(update: Update, context: Context, data: Callback) -> None:
    """An item opened: its name, alone."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(f"#{ITEMS[data.id() or 0]}")


class ToyFeature:
    """A made-up feature, declared as the real ones are."""

    BUTTONS = (TOY,)
    COMMANDS = (
        Command("toy", "command-find", "", 50),
        Command("toylist", "command-admin", "", 51, overseers, admin),
    )
    MENU = (
        MenuEntry("menu-help", 2, 0, everyone),
        MenuEntry("menu-admin", 1, 0, overseers, admin),
    )

    def handlers(self) -> list[BaseHandler[Update, Context, Any]]:
        """The toy's command, list and pages."""
        return [
            CommandHandler("toy", start_toy),
            CommandHandler("toylist", show_list),
            TOY.screens({"page": on_page, "item": on_item}),
        ]


@pytest.fixture
async def kit(
    sim_server: SimulatorServer, sim: SimClient, tracker: ProcessedTracker, tmp_path: Path
) -> AsyncIterator[Harness]:
    """The kit running the toy feature and flow only, with one configured admin."""
    h = Harness(sim_server, sim, tracker, tmp_path / "bot.db", {})
    h.features, h.flows = (ToyFeature(),), (TOY_FLOW,)
    h.admin = await sim.user("مدیر")
    await h.start([h.admin.id])
    yield h
    await h.stop()


async def _draft(kit: Harness, user_id: int) -> dict[str, Any] | None:
    stored = await kit.store.state.draft(user_id, "toy")
    return stored.data if stored is not None else None


# --- the engine -------------------------------------------------------------------------------


async def test_a_flow_walks_its_steps_and_its_draft_survives_a_restart(kit: Harness) -> None:
    ali = await kit.sim.user("علی")
    await ali.send("/toy")
    assert ali.last.text == t("lookups-find-ask")
    await ali.send("x" * (NAME_MAX + 1))  # a typed answer of the wrong size: the same question
    bounds = label("types-bad-name", min=2, max=NAME_MAX)
    assert ali.last.text == f"{bounds}\n\n{t('lookups-find-ask')}"
    await ali.send("<b>")  # markup: said so, nothing kept
    assert ali.last.text == f"{label('manage-no-markup')}\n\n{t('lookups-find-ask')}"
    await ali.send("سیب")
    assert ali.last.text == t("report-ask-group")
    rows = await kit.store.db.fetchall(
        "SELECT json_extract(data, '$.name'), json_extract(data, '$.step') FROM drafts"
        " WHERE volunteer_id = ? AND kind = 'toy'",
        (ali.id,),
    )
    assert [tuple(r) for r in rows] == [("سیب", "size")]
    await kit.restart()  # the draft is the flow's only state
    await ali.press("2")
    assert ali.last.text == t("report-review-title")
    await ali.press(label("button-back"))
    assert ali.last.text == t("report-ask-group")
    await ali.press("3")
    await ali.press(label("button-yes"))
    assert ali.last.text == t("cancel-done")
    assert await _draft(kit, ali.id) is None


async def test_a_button_of_an_earlier_question_changes_nothing(kit: Harness) -> None:
    ali = await kit.sim.user("علی")
    await ali.send("/toy")
    await ali.send("سیب")
    size = ali.last.message_id
    before = await _draft(kit, ali.id)
    assert before is not None
    await ali.press_data(size, f"toyf:size:2:{before['seq'] - 1}")  # a question ago
    assert ali.last_answer == label("stale-step")
    assert await _draft(kit, ali.id) == before
    await ali.press_data(size, "toyf:nothing:1")  # no step takes it: the policy refuses it
    assert ali.last_answer == label("stale-button")
    assert await _draft(kit, ali.id) == before


async def test_cancel_asks_first_when_an_answer_would_be_lost(kit: Harness) -> None:
    ali = await kit.sim.user("علی")
    await ali.send("/toy")
    await ali.send("/cancel")  # nothing answered yet: at once
    assert ali.last.text == t("cancel-done") and await _draft(kit, ali.id) is None
    await ali.send("/toy")
    await ali.send("سیب")
    await ali.send("/cancel")
    assert ali.last.text == t("flow-confirm-discard", flow=label("flow-name-find"))
    await ali.press(label("flow-discard-no"))
    assert ali.last.text == t("report-ask-group")
    await ali.send("/cancel")
    await ali.press(label("flow-discard-yes"))
    assert ali.last.text == t("cancel-done") and await _draft(kit, ali.id) is None


# --- the policy, the commands and the menu ----------------------------------------------------


async def test_declared_rules_are_checked_and_anything_else_is_refused(kit: Harness) -> None:
    admin_user, ali = kit.admin, await kit.sim.user("علی")
    assert admin_user is not None
    await ali.send("/start")
    await ali.send("/toylist")  # the command's rule: admins only
    assert ali.last.text == t("not-allowed-menu")
    # Declared: its rule refuses him. Not declared, or more ids than declared: no such button.
    for data, refusal in (
        ("toy:page:1", "not-allowed"),
        ("toy:nothing", "stale-button"),
        ("toy:page:1:2", "stale-button"),
    ):
        await ali.press_data(ali.last.message_id, data)
        assert ali.last_answer == label(refusal), data
    await admin_user.send("/toylist")
    assert admin_user.last.text == ", ".join(ITEMS[:10])
    assert admin_user.last.buttons[-1] == [label("button-next-page")]
    await admin_user.press(label("button-next-page"))
    assert admin_user.last.text == ", ".join(ITEMS[10:20])
    assert admin_user.last.buttons[-1] == [label("button-prev-page"), label("button-next-page")]
    await admin_user.press(label("button-next-page"))
    assert admin_user.last.text == ", ".join(ITEMS[20:])
    assert admin_user.last.buttons[-1] == [label("button-prev-page")]
    assert admin_user.last.buttons[:-1] == [ITEMS[20:25]]  # the page's items, five a row
    await admin_user.press("23")  # the table shows the screen its action names: the item
    assert admin_user.last.text == "#23"


async def test_the_menu_is_what_the_features_declare_for_each_person(kit: Harness) -> None:
    admin_user, ali = kit.admin, await kit.sim.user("علی")
    assert admin_user is not None
    await ali.send("/start")
    assert ali.keyboard == [[label("menu-help")]]
    await admin_user.send("/start")
    assert admin_user.keyboard == [[label("menu-admin")], [label("menu-help")]]


# --- the pieces alone -------------------------------------------------------------------------


def test_paging_keeps_within_the_list_and_offers_only_the_pages_there_are() -> None:
    to: Any = lambda text, page: (text, page)  # noqa: E731
    assert Paging.of(0, 10, 3) == Paging(0, 1, 10)
    assert Paging.of(0, 10, 3).row(to) == []
    middle = Paging.of(25, 10, 1)
    assert middle.shown(ITEMS) == ITEMS[10:20]
    assert middle.row(to) == [(label("button-prev-page"), 0), (label("button-next-page"), 2)]
    assert Paging.of(25, 10, 99).shown(ITEMS) == ITEMS[20:]
    assert Paging.of(25, 10, -5).row(to) == [(label("button-next-page"), 1)]


def test_a_list_to_choose_from_shows_a_page_of_a_whole_list_or_a_page_fetched() -> None:
    opens: Any = lambda item: item  # noqa: E731
    to: Any = lambda text, page: page  # noqa: E731
    assert choices(ITEMS[:5], opens, per_row=2) == [["1", "2"], ["3", "4"], ["5"]]
    whole = choices(ITEMS, opens, per_row=5, paging=Paging.of(25, 10, 2), turn=to)
    assert whole == [ITEMS[20:], [1]]
    fetched = choices(ITEMS[10:20], opens, per_row=5, paging=Paging.of(25, 10, 1), turn=to)
    assert fetched == [ITEMS[10:15], ITEMS[15:20], [0, 2]]
    assert choices(ITEMS[:3], opens, paging=Paging.of(3, 10, 0), turn=to) == [["1"], ["2"], ["3"]]


def test_a_bounded_text_is_normalised_within_its_bounds_or_refused_saying_why() -> None:
    bounds = label("types-bad-name", min=2, max=NAME_MAX)
    assert NAME.read("  سیب ‌ ") == ("سیب", "")
    assert NAME.read("") == ("", bounds)
    assert NAME.read(" ​ ") == ("", bounds)  # nothing left once normalised: empty
    assert NAME.read("x" * (NAME_MAX + 1)) == ("", bounds)
    assert NAME.read(" " * 1000 + "سیب") == ("", bounds)  # never handed to the normaliser
    assert NAME.read("a<b") == ("", label("manage-no-markup"))
    line = Bounded(20, "newgroup-bad-name", least=3, line=True, letters=True)
    assert line.read("گروه\nسبز") == ("گروه سبز", "")
    assert line.read("۱۲۳۴") == ("", label("newgroup-bad-name", min=3, max=20))
    assert Bounded(20, "newgroup-bad-name").read("<i>") == ("<i>", "")  # kept: shown escaped


def test_a_bounded_text_may_say_it_is_empty_and_give_back_a_text_too_long_to_cut() -> None:
    field = Bounded(5, "report-description-too-long", empty="report-text-empty", cuts=True)
    assert field.read(" \u200c ") == ("", label("report-text-empty"))
    assert field.read("ابپ") == ("ابپ", "")
    whole = "اااا " + "ب" * 40  # past four times the limit: read whole all the same
    too_long = label("report-description-too-long", min=1, max=5, length=45)
    assert field.read(whole) == (whole, too_long)
    assert field.cut(whole) == "اااا"
    assert NAME.read(" \u200c ") == ("", label("types-bad-name", min=2, max=NAME_MAX))


def test_buttons_are_made_only_as_declared_and_declared_once() -> None:
    assert TOY.cb("page", 3) == "toy:page:3"
    with pytest.raises(ValueError):
        TOY.cb("nothing")
    with pytest.raises(ValueError):
        TOY.cb("page", 1, 2)  # more ids than it carries
    with pytest.raises(ValueError):
        Buttons("toy", allow(admin, "page"), allow(anyone, "page"))
    with pytest.raises(ValueError):
        Policy([TOY, Buttons("toy", allow(anyone, "page"))], [])
    with pytest.raises(ValueError):
        Policy([Buttons("toyf", allow(anyone, "x"))], [TOY_FLOW])  # a flow's prefix is its own
    policy = Policy([TOY], [TOY_FLOW])
    assert policy.rule(Callback("toy", "page", (1,))) is admin
    assert policy.rule(Callback("toy", "page", (1, 2))) is None
    assert policy.rule(Callback("toyf", "size", (2, 5))) is anyone
    assert policy.rule(Callback("toyf", "skip", (5,))) is None  # no step of it skips
