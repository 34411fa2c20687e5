"""One engine for every step-by-step flow of the bot.

A flow is data: a `Flow` names its draft class and its steps; each `Step` says what it asks
(`ask`), which typed, pressed, photo or location answers it takes, where Back goes and what Skip
does. The engine is the only code that moves a person through a flow, and it keeps these rules:

- The draft (one row in SQLite) is the flow's only state; a person has at most one open flow.
- A question is saved before it is shown (`shown` false), and marked shown with the message that
  carries it; if the bot stops in between, the next update shows the question again instead of
  taking an answer for the wrong field.
- Every answer is bound to its question: buttons carry the question's number (`seq`, the last
  id of their data), a typed answer counts only if it was sent after the question appeared, and an
  edited message is never taken as an answer. Anything else changes nothing.
- A wrong kind of answer gets one short hint above the same question. Starting another flow while
  one is open offers to continue it or to start afresh; Cancel asks first when work would be lost.
- A flow's last word stays in its panel, and the engine remembers that panel: a press that reaches
  it later (the second tap of a double tap on «ثبت») is told what was done (`Done.said`), calmly,
  and changes nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Self

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import escape, normalize, one_line
from bot.kit.access import anyone
from bot.kit.buttons import Buttons, FlowRule, Rule, allow
from bot.kit.keyboards import Callback, button, cb, inline
from bot.kit.menu import entry_of
from bot.kit.principal import load_principal
from bot.runtime.ratelimit import LOW, send_priority
from bot.runtime.updates import person_lock
from db.outbox import Notice, NoticeButton

if TYPE_CHECKING:
    from bot.kit.context import Context
    from bot.kit.principal import Principal
    from db.store import Store

log = logging.getLogger(__name__)

CAP = 4  # typed text more than this many times a field's limit is refused before normalising

ENGINE = "flow"  # prefix of the engine's own buttons: resume, discard, switch
PERSON = "user"  # what the bot keeps of each person between updates: one dict, by topic
FINISHED = "finished"  # the topic of the person's last finished flow: its panel, what it did
# The engine's own buttons, on any flow's panel; each carries the question's number.
BUTTONS = (Buttons(ENGINE, allow(anyone, "resume", "cancel", "discard", "switch", ids="seq")),)


@dataclasses.dataclass
class Draft:
    """Base of every flow's draft: identity, current step and the message that shows it."""

    KIND: ClassVar[str] = ""

    key: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    step: str = ""
    seq: int = 0  # number of the question on screen; its buttons carry it
    panel: int | None = None  # the message showing the current question
    shown: bool = False  # the current question is known to have reached the person
    reviewing: bool = False  # the answers are complete; a changed field returns to the review
    switch: list[Any] | None = None  # what the person asked to start instead, while busy
    search: str = ""  # a typed search whose matches the current question offers
    page: int = 0  # the page of a long list the current question shows

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Builds a draft from stored JSON, ignoring fields a newer or older version had."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        """The draft as JSON-ready data."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Screen:
    """What a step shows: the question and its buttons (and, rarely, a reply keyboard first)."""

    text: str
    rows: list[list[InlineKeyboardButton]]
    keyboard: tuple[str, ReplyKeyboardMarkup] | None = None


@dataclasses.dataclass(frozen=True)
class Go:
    """Ask `step` next (with a hint above it, for a wrong answer)."""

    step: str
    hint: str = ""


@dataclasses.dataclass(frozen=True)
class Done:
    """The flow is over: show `text` in its panel, drop the draft, then run `then`."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    then: Callable[[], Awaitable[None]] | None = None
    menu: bool = False  # their roles may have changed: say it in a new message with their menu
    said: str = ""  # plain text a later press on the panel is told («این کار انجام شده است»)


@dataclasses.dataclass(frozen=True)
class Hold:
    """Keep the answer without showing anything yet (an album's photos, shown once it is in)."""


Result = Go | Done | Hold


@dataclasses.dataclass(frozen=True)
class Bounded:
    """A question's typed text: `least` to `most` characters once normalised (on one line when
    `line`), with a letter in it when `letters`. Text longer than Telegram allows never reaches
    a flow (the middleware refuses it), and text far longer than `most` is refused before the
    normaliser reads it. Anything else is answered with `hint`, and < or > with `markup` when set
    (else they are kept: every screen escapes what it shows); both are given min and max. Text
    with nothing left once normalised is answered with `empty` when set. A field that `cuts`
    reads text of any length, and one too long comes back whole beside `hint` (given its length
    too), for the question to offer to keep its `cut`."""

    most: int
    hint: str
    least: int = 1
    line: bool = False
    letters: bool = False
    markup: str | None = None
    empty: str | None = None
    cuts: bool = False

    def read(self, text: str) -> tuple[str, str]:
        """The text to keep and "", or "" and what to say instead (a locale label); or, where
        the field `cuts`, a text too long and what to say of it."""
        if len(text) > CAP * self.most and not self.cuts:
            return "", label(self.hint, min=self.least, max=self.most)
        value = one_line(text) if self.line else normalize(text)
        if not value and self.empty is not None:
            return "", label(self.empty)
        length = {"length": len(value)} if self.cuts else {}
        bounds = label(self.hint, min=self.least, max=self.most, **length)
        if not self.least <= len(value) <= self.most:
            return value if self.cuts and len(value) > self.most else "", bounds
        if self.letters and not any(ch.isalpha() for ch in value):
            return "", bounds
        if self.markup is not None and set("<>") & set(value):
            return "", label(self.markup, min=self.least, max=self.most)
        return value, ""

    def cut(self, text: str) -> str:
        """The first `most` characters of a text too long, as a field that `cuts` keeps them."""
        return text[: self.most].rstrip()


class Turn[D: Draft]:
    """One update's view of a flow: the draft, who is acting, and helpers to build screens."""

    def __init__(
        self, update: Update | None, context: Context, flow: Flow[D], draft: D, chat_id: int
    ) -> None:
        self.update = update
        self.context = context
        self.flow = flow
        self.draft = draft
        self.chat_id = chat_id
        self.user_id = chat_id  # flows run in private chats only
        self.entering = False  # the step being asked was not the one on screen before
        self.shown_again = False  # shown again after something else (its keyboard may be gone)
        self.notice = Html("")  # a line from the flow's `follow`, said above what is shown next

    @property
    def keyboard_due(self) -> bool:
        """Whether a question that brings its own reply keyboard (a picker, a location button)
        sends it now: when first asked, and when shown again after something replaced it."""
        return self.entering or self.shown_again

    def today(self) -> date:
        """Today in Tehran, by the application's one clock."""
        return jalali.today(self.store.db.clock)

    def menu(self) -> ReplyKeyboardMarkup:
        """The person's main menu (to put back after a step's own reply keyboard)."""
        engine: Engine = self.context.bot_data.engine
        return engine.menu(self.context, self.context.who)

    @property
    def query(self) -> Any:
        """The button press this turn answers, if any."""
        return self.update.callback_query if self.update is not None else None

    @property
    def store(self) -> Store:
        """The repositories."""
        return self.context.store

    @property
    def who(self) -> Principal:
        """The person acting (the middleware loaded their roles)."""
        assert self.context.who is not None
        return self.context.who

    def button(self, text: str, action: str, *ids: int) -> InlineKeyboardButton:
        """A button of the current question: its data ends with the question's number."""
        return button(text, cb(self.flow.prefix, action, *ids, self.draft.seq))

    def nav(self, *, back: bool = True) -> list[InlineKeyboardButton]:
        """Back (or «نگه داشتن» while editing from the review) and Cancel."""
        step = self.flow.steps.get(self.draft.step)
        row = []
        if back and step is not None and (step.back is not None or self.draft.reviewing):
            key = "button-keep" if self.draft.reviewing and step.edits else "button-back"
            row.append(self.button(label(key), "back"))
        row.append(self.button(label("button-cancel"), "cancel"))
        return row

    def then(self, step: str, hint: str = "") -> Go:
        """After a field is complete: back to the review when editing, else `step`."""
        if self.draft.reviewing and self.flow.review is not None:
            return Go(self.flow.review, hint)
        return Go(step, hint)

    def again(self, hint: str = "") -> Go:
        """The same question again, with a hint above it."""
        return Go(self.draft.step, hint)

    def typed(self, text: str, field: Bounded) -> str | Go:
        """A typed text within the field's bounds, or the same question again saying why not."""
        value, refusal = field.read(text)
        return self.again(refusal) if refusal else value


Ask = Callable[[Turn[Any]], Awaitable[Screen | Go]]
TakeText = Callable[[Turn[Any], str], Awaitable[Result]]
TakePress = Callable[[Turn[Any], Callback], Awaitable[Result]]
TakeMessage = Callable[[Turn[Any], Message], Awaitable[Result]]
Back = str | Callable[[Turn[Any]], Awaitable[str]]


@dataclasses.dataclass(frozen=True)
class Step:
    """One question of a flow and the answers it takes."""

    ask: Ask
    text: TakeText | None = None
    press: Mapping[str, TakePress] = dataclasses.field(default_factory=dict)
    photo: TakeMessage | None = None
    location: TakeMessage | None = None
    other: TakeMessage | None = None  # a forwarded message, a contact, a picked chat or person
    back: Back | None = None
    skip: Callable[[Turn[Any]], Awaitable[Result]] | None = None
    expects: str = "use-buttons"  # the hint for an answer of the wrong kind
    edits: bool = False  # a field the review can open: Back returns to the review


@dataclasses.dataclass(frozen=True)
class Flow[D: Draft]:
    """A flow: its draft, its steps, and how the engine names and ends it."""

    draft: type[D]
    prefix: str
    name: str  # locale key of the flow's name, for notices
    steps: Mapping[str, Step]
    entries: Mapping[str, Callable[[Turn[D], tuple[int, ...]], Awaitable[Result]]]
    rule: Rule  # who may press its buttons (bot.kit.access); the engine binds each to its question
    allowed: FlowRule  # who may go on with it, checked on every update of its person
    rules: Mapping[str, Rule] = dataclasses.field(default_factory=dict)  # actions held apart
    review: str | None = None
    must_confirm_cancel: Callable[[D], bool] = lambda draft: False
    cancelled: Callable[[D], str] = lambda draft: "cancel-done"  # locale key said after a cancel
    restarts_quietly: bool = False  # starting it again while open just starts afresh
    # Brings the draft up to date with the world before an answer is taken (a group merged
    # meanwhile); returns a line to tell the person, or "".
    follow: Callable[[Turn[D]], Awaitable[Html]] | None = None

    @property
    def kind(self) -> str:
        """The kind of the flow's draft."""
        return self.draft.KIND

    @property
    def actions(self) -> frozenset[str]:
        """Every action its buttons carry: its steps' presses, Skip, Back and Cancel."""
        found = {"back", "cancel"}
        for step in self.steps.values():
            found |= set(step.press)
            if step.skip is not None:
                found.add("skip")
        return frozenset(found)


Menu = Callable[["Context", "Principal | None"], ReplyKeyboardMarkup]
Send = Callable[["Context"], Awaitable[int]]  # sends the outbox's due notices (bot.kit.outbox)
# A panel shown (flow: still the flow's; else its last word, with or without buttons).
OnScreen = Callable[["Context", int, int, InlineKeyboardMarkup | None, bool], Awaitable[None]]
# The person's roles changed (they joined or made a group): their «/» menu follows.
RolesChanged = Callable[["Context", "Principal"], Awaitable[None]]
# Whether the person's menus differ from the ones they have (not for a second group).
MenusChanged = Callable[["Context", "Principal"], Awaitable[bool]]


class Engine:
    """Runs every flow: starts, routes answers, shows questions, cancels, reminds, expires."""

    def __init__(
        self,
        flows: list[Flow[Any]],
        menu: Menu,
        send: Send,
        *,
        on_screen: OnScreen | None = None,
        roles_changed: RolesChanged | None = None,
        menus_changed: MenusChanged | None = None,
    ) -> None:
        self.menu = menu
        self.send = send
        self.on_screen = on_screen
        self.roles_changed = roles_changed
        self.menus_changed = menus_changed
        self.flows = {flow.kind: flow for flow in flows}
        self.by_prefix = {flow.prefix: flow for flow in flows}

    @staticmethod
    def lock(context: Context, user_id: int) -> AbstractAsyncContextManager[None]:
        """Serialises everything that reads and writes one person's draft (updates and jobs):
        the person's lock of the update processor (bot.runtime.updates), the one registry of
        them."""
        return person_lock(context.application, user_id)

    async def open_flow(self, context: Context, user_id: int) -> tuple[Flow[Any], Draft] | None:
        """The person's open flow and its draft, if any."""
        for stored in await context.store.state.drafts_of(user_id):
            flow = self.flows.get(stored.kind)
            if flow is not None:
                return flow, flow.draft.from_dict(stored.data)
        return None

    # --- starting -----------------------------------------------------------------------------

    async def start(
        self, update: Update, context: Context, flow: Flow[Any] | str, entry: str, *ids: int
    ) -> None:
        """Starts a flow (or the flow of a kind) at one of its entries; if one is open, offers
        to go on or to switch."""
        if isinstance(flow, str):
            flow = self.flows[flow]
        user = update.effective_user
        assert user is not None and entry in flow.entries
        await answer(update)
        async with self.lock(context, user.id):
            current = await self.open_flow(context, user.id)
            if current is not None and current[0] is flow and flow.restarts_quietly:
                strip_later(context, user.id, current[1].panel)  # nothing to lose: afresh
                current = None
            if current is not None:
                other, draft = current
                draft.switch = [flow.kind, entry, *ids]
                turn = Turn(update, context, other, draft, user.id)
                hint = label("flow-busy", flow=label(other.name))
                await self._ask(turn, Go(draft.step, hint), busy=flow)
                return
            turn = Turn(update, context, flow, flow.draft(), user.id)
            await self._apply(turn, await flow.entries[entry](turn, ids))

    async def remind(self, update: Update, context: Context) -> None:
        """Shows the open flow's question again (after /help or /start in the middle of it)."""
        user = update.effective_user
        if user is None:
            return
        async with self.lock(context, user.id):
            current = await self.open_flow(context, user.id)
            if current is not None:
                flow, draft = current
                turn = Turn(update, context, flow, draft, user.id)
                turn.shown_again = True
                await self._ask(turn, Go(draft.step, label("flow-continue", flow=label(flow.name))))

    async def refresh(self, context: Context, user_id: int, kind: str, seq: int) -> None:
        """Shows the open question anew from a job (an album's count), unless answered since."""
        async with self.lock(context, user_id):
            current = await self.open_flow(context, user_id)
            if current is None or current[0].kind != kind or current[1].seq != seq:
                return
            flow, draft = current
            await self._ask(Turn(None, context, flow, draft, user_id), Go(draft.step))

    # --- routing ------------------------------------------------------------------------------

    async def route(self, update: Update, context: Context) -> None:
        """Takes an update that belongs to a flow and stops it there; lets the others through."""
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None or chat.type != "private":
            return
        query = update.callback_query
        if query is not None:
            data = context.press
            if data is None or (data.prefix != ENGINE and data.prefix not in self.by_prefix):
                return
            async with self.lock(context, user.id):
                await self._press(update, context, data, user.id)
            raise ApplicationHandlerStop
        message = update.effective_message
        if message is None or update.my_chat_member is not None:
            return
        if _is_command(message, "cancel"):
            async with self.lock(context, user.id):
                handled = await self._cancel(update, context, user.id)
            if handled:
                raise ApplicationHandlerStop
            return
        if _is_command_or_menu(context, message):
            return
        async with self.lock(context, user.id):
            current = await self.open_flow(context, user.id)
            if current is None:
                return
            await self._message(Turn(update, context, *current, user.id), message)
        raise ApplicationHandlerStop

    async def finished(self, update: Update, context: Context) -> bool:
        """Answers a press on the panel where the person's last flow finished with what it did
        (the access policy asks too, before it refuses a flow's button there); True if it was."""
        query = update.callback_query
        user = update.effective_user
        if query is None or query.message is None or user is None:
            return False
        done = await recall(context.store, user.id, FINISHED)
        if not isinstance(done, dict) or done.get("panel") != query.message.message_id:
            return False
        await answer(update, str(done.get("said") or label("flow-done-already")))
        return True

    async def _message(self, turn: Turn[Any], message: Message) -> None:
        """A typed answer, photo, location or anything else sent while a flow is open."""
        await self._follow(turn)
        draft = turn.draft
        step = turn.flow.steps.get(draft.step)
        if step is None:
            await self._ask(turn, Go(next(iter(turn.flow.steps))))
            return
        if turn.update is not None and turn.update.edited_message is not None:
            await self._ask(turn, turn.again(label("flow-edit-ignored")))
            return
        # Photos belong to a step that takes them until the person leaves it, whichever message
        # shows it now (an album's count may be on its way when the next photo is sent).
        for_photos = bool(message.photo) and step.photo is not None
        if not draft.shown and not for_photos:
            await self._ask(turn, turn.again())  # it may never have reached them: ask it again
            return
        if draft.panel is not None and message.message_id < draft.panel and not for_photos:
            return  # sent before this question appeared: it answered an earlier one
        shared = message.users_shared or message.chat_shared  # picked with Telegram's pickers
        if step.other is not None and (
            message.forward_origin or message.contact or message.document or shared
        ):
            result = await step.other(turn, message)
        elif message.text is not None and step.text is not None:
            result = await step.text(turn, message.text)
        elif message.photo and step.photo is not None:
            result = await step.photo(turn, message)
        elif message.location is not None and step.location is not None:
            result = await step.location(turn, message)
        else:
            result = turn.again(t(step.expects))  # HTML, as every hint
        await self._apply(turn, result)

    async def _press(self, update: Update, context: Context, data: Callback, user_id: int) -> None:
        """A button of a flow (or of the engine), bound to its question by its last id."""
        current = await self.open_flow(context, user_id)
        query = update.callback_query
        pressed = query.message.message_id if query is not None and query.message else None
        elsewhere = current is None or pressed != current[1].panel
        if elsewhere and await self.finished(update, context):
            return
        if current is None:
            await answer(update, label("stale-button"), alert=True)
            return
        flow, draft = current
        turn = Turn(update, context, flow, draft, user_id)
        await self._follow(turn)
        seq = data.ids[-1] if data.ids else None
        if data.prefix == ENGINE and data.action == "resume":
            await answer(update)
            draft.switch = None
            await self._ask(turn, turn.again())
            return
        if data.prefix == ENGINE:
            if seq != draft.seq:
                await answer(update, label("stale-step"), alert=True)
                return
            await answer(update)
            await self._engine_button(turn, data.action)
            return
        on_panel = pressed == draft.panel or not draft.shown
        if not draft.shown and seq != draft.seq and data.prefix == flow.prefix:
            # The current question may never have reached them: show it instead of a refusal.
            await answer(update)
            await self._ask(turn, turn.again())
            return
        if seq != draft.seq or data.prefix != flow.prefix or not on_panel:
            await answer(update, label("stale-step"), alert=True)
            return
        if not draft.shown and pressed is not None:
            # The question reached them after all (they pressed its button): adopt its message.
            draft.panel, draft.shown = pressed, True
        await answer(update)
        if data.action == "cancel":
            await self._cancel_turn(turn)
            return
        step = flow.steps.get(draft.step)
        if step is None:
            await self._ask(turn, Go(next(iter(flow.steps))))
        elif data.action == "back":
            if draft.reviewing and step.edits and flow.review is not None:
                await self._ask(turn, Go(flow.review))
            elif step.back is not None:
                target = step.back if isinstance(step.back, str) else await step.back(turn)
                await self._ask(turn, Go(target))
            else:
                await self._ask(turn, turn.again())
        elif data.action == "skip" and step.skip is not None:
            await self._apply(turn, await step.skip(turn))
        elif (take := step.press.get(data.action)) is not None:
            await self._apply(
                turn, await take(turn, Callback(data.prefix, data.action, data.ids[:-1]))
            )
        else:
            await self._ask(turn, turn.again(label("use-buttons")))

    @staticmethod
    async def _follow(turn: Turn[Any]) -> None:
        """Lets the flow bring its draft up to date; what it says comes above the next screen."""
        if turn.flow.follow is not None:
            turn.notice = await turn.flow.follow(turn)

    async def _engine_button(self, turn: Turn[Any], action: str) -> None:
        """The engine's own buttons: cancel, discard (once confirmed), switch to another flow."""
        draft, flow = turn.draft, turn.flow
        if action == "cancel":
            await self._cancel_turn(turn)
            return
        if action == "switch" and draft.switch and flow.must_confirm_cancel(draft):
            draft.switch = [*draft.switch]  # kept: «yes» below discards and then switches
            await self._confirm_discard(turn)
            return
        if action not in ("discard", "switch"):
            await self._ask(turn, turn.again())
            return
        switch = draft.switch
        if not switch:
            await self._end(turn, t(flow.cancelled(draft)), cancelled=True)
            return
        await self._end(turn, "")
        other = self.flows.get(str(switch[0]))
        if other is not None and str(switch[1]) in other.entries:
            new = Turn(turn.update, turn.context, other, other.draft(), turn.user_id)
            ids = tuple(int(i) for i in switch[2:])
            await self._apply(new, await other.entries[str(switch[1])](new, ids))

    async def _cancel(self, update: Update, context: Context, user_id: int) -> bool:
        """/cancel: ends the open flow (asking first when work would be lost)."""
        current = await self.open_flow(context, user_id)
        if current is None:
            return False
        await self._cancel_turn(Turn(update, context, *current, user_id))
        return True

    async def _cancel_turn(self, turn: Turn[Any]) -> None:
        """Cancel: at once, or after «are you sure?» when finished work would be lost."""
        if turn.flow.must_confirm_cancel(turn.draft):
            turn.draft.switch = None
            await self._confirm_discard(turn)
        else:
            await self._end(turn, t(turn.flow.cancelled(turn.draft)), cancelled=True)

    async def _confirm_discard(self, turn: Turn[Any]) -> None:
        """Asks whether to throw the unfinished work away; «no» shows the question again."""
        draft = turn.draft
        draft.seq += 1
        rows = [
            [
                button(label("flow-discard-yes"), cb(ENGINE, "discard", draft.seq)),
                button(label("flow-discard-no"), cb(ENGINE, "resume", draft.seq)),
            ]
        ]
        await self._show(turn, t("flow-confirm-discard", flow=label(turn.flow.name)), rows)

    # --- showing ------------------------------------------------------------------------------

    async def _apply(self, turn: Turn[Any], result: Result) -> None:
        """Carries out what a step decided."""
        if isinstance(result, Hold):
            await turn.store.state.save_draft(turn.user_id, turn.flow.kind, turn.draft.to_dict())
        elif isinstance(result, Done) and result.menu:
            panel = turn.draft.panel
            await self._end(turn, "")
            await self._finished(turn, panel, result.said)
            who = await load_principal(turn.store, turn.context.config, turn.user_id)
            turn.context.who = who
            text = result.text
            if self.menus_changed is not None and await self.menus_changed(turn.context, who):
                text = Html(f"{text}\n\n{t('menu-now-yours')}")
            await turn.context.bot.send_message(
                turn.chat_id, text, reply_markup=self.menu(turn.context, who)
            )
            if self.roles_changed is not None:
                await self.roles_changed(turn.context, who)
            if result.then is not None:
                await result.then()
        elif isinstance(result, Done):
            text = Html(f"{turn.notice}\n\n{result.text}") if turn.notice else result.text
            panel = await self._end(turn, text, result.markup)
            await self._finished(turn, panel, result.said)
            if result.then is not None:
                await result.then()
        else:
            await self._ask(turn, result)

    async def _ask(self, turn: Turn[Any], go: Go, *, busy: Flow[Any] | None = None) -> None:
        """Shows a step's question (following a step's hand-over), saved before it is sent."""
        flow, draft = turn.flow, turn.draft
        for _ in range(len(flow.steps) + 1):  # a step may hand over to another (no choice)
            step = flow.steps.get(go.step)
            if step is None:
                go = Go(next(iter(flow.steps)), go.hint)
                continue
            turn.entering = go.step != draft.step
            if turn.entering:
                draft.search, draft.page = "", 0
            draft.step = go.step
            draft.seq += 1
            screen = await step.ask(turn)
            if isinstance(screen, Go):
                go = Go(screen.step, screen.hint or go.hint)
                continue
            break
        else:
            raise RuntimeError(f"flow {flow.kind} hands over in a loop")
        text = screen.text
        if go.hint:
            safe = go.hint if isinstance(go.hint, Html) else escape(go.hint)
            text = Html(f"{safe}\n\n{text}")
        if turn.notice:  # said once, above the first screen after it
            text, turn.notice = Html(f"{turn.notice}\n\n{text}"), Html("")
        rows = list(screen.rows)
        if busy is not None:
            rows.append(
                [
                    button(
                        label("flow-resume", flow=label(flow.name)), cb(ENGINE, "resume", draft.seq)
                    ),
                    button(
                        label("flow-start-other", flow=label(busy.name)),
                        cb(ENGINE, "switch", draft.seq),
                    ),
                ]
            )
        if screen.keyboard is not None:
            await turn.context.bot.send_message(
                turn.chat_id, screen.keyboard[0], reply_markup=screen.keyboard[1]
            )
        await self._show(turn, text, rows)

    async def _show(
        self, turn: Turn[Any], text: str, rows: list[list[InlineKeyboardButton]]
    ) -> None:
        """Saves the draft, then puts the text in the panel (edited, or a new message)."""
        draft, store = turn.draft, turn.store
        draft.shown = False
        await store.state.save_draft(turn.user_id, turn.flow.kind, draft.to_dict())
        before, draft.panel = draft.panel, await _present(turn, text, inline(rows))
        draft.shown = True
        await store.state.save_draft(turn.user_id, turn.flow.kind, draft.to_dict())
        # The live screen now: the flow's first panel, or one a command or menu button brought
        # back (a typed answer's next panel follows the one on show already).
        message = turn.update.effective_message if turn.update is not None else None
        again = (
            message is not None
            and turn.query is None
            and _is_command_or_menu(turn.context, message)
        )
        if draft.panel != before and (before is None or again) and self.on_screen is not None:
            await self.on_screen(turn.context, turn.chat_id, draft.panel, None, True)

    async def _end(
        self,
        turn: Turn[Any],
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        cancelled: bool = False,
    ) -> int | None:
        """Shows the flow's last word (after a cancel, with the menu), then drops the draft;
        returns the panel that shows the last word (None: it went out in a message of its own).

        In this order a crash between the two costs a second receipt, never the only one: the
        update is handled again after the restart, on the draft still there (saving is
        idempotent by the draft's key).
        """
        if cancelled or not text:
            await turn.store.state.delete_draft(turn.user_id, turn.flow.kind)
            strip_later(turn.context, turn.chat_id, turn.draft.panel)
            if text:
                menu = self.menu(turn.context, turn.context.who)
                await turn.context.bot.send_message(turn.chat_id, text, reply_markup=menu)
            return None
        panel = await _present(turn, text, markup)
        await turn.store.state.delete_draft(turn.user_id, turn.flow.kind)
        if self.on_screen is not None:  # the panel is a screen like any other now
            await self.on_screen(turn.context, turn.chat_id, panel, markup, False)
        return panel

    @staticmethod
    async def _finished(turn: Turn[Any], panel: int | None, said: str) -> None:
        """Remembers the panel of a flow that finished, and what a later press on it is told."""
        if panel is not None:
            done = {"panel": panel, "said": said or label("flow-done-already")}
            await keep(turn.store, turn.user_id, {FINISHED: done})

    # --- idle flows -----------------------------------------------------------------------------

    async def tidy(
        self, context: Context, *, remind_after: timedelta, expire_after: timedelta
    ) -> None:
        """Reminds once about a flow left idle, and ends one idle too long, with a notice; the
        notices go to the outbox with the change of the draft, and out before this returns."""
        store = context.store
        for kind, flow in self.flows.items():
            named = {"flow": label(flow.name)}
            for stored in await store.state.idle_drafts(kind, expire_after):
                person = stored.volunteer_id
                async with self.lock(context, person):
                    fresh = await store.state.draft(person, kind)
                    if fresh is None or fresh.updated_at != stored.updated_at:
                        continue  # answered meanwhile
                    async with store.db.transaction():
                        await store.state.delete_draft(person, kind)
                        await store.outbox.add([Notice(person, "flow-expired-notice", named)])
                    strip_later(context, person, stored.data.get("panel"))
            for stored in await store.state.idle_drafts(kind, remind_after):
                if stored.reminded_at is not None:
                    continue
                person = stored.volunteer_id
                seq = int(stored.data.get("seq", 0))
                row = (
                    NoticeButton("flow-resume", cb(ENGINE, "resume", seq), named),
                    NoticeButton("button-cancel", cb(ENGINE, "cancel", seq)),
                )
                async with self.lock(context, person), store.db.transaction():
                    await store.state.mark_reminded(person, kind)
                    await store.outbox.add([Notice(person, "flow-reminder", named, (row,))])
        await self.send(context)


async def keep(store: Store, user_id: int, topics: Mapping[str, Any]) -> None:
    """Keeps topics of what the bot remembers of a person between updates (their last
    search, their last finished flow), beside the others."""
    kept = await store.state.datum(PERSON, user_id)
    data = dict(kept) if isinstance(kept, dict) else {}
    await store.state.set_data(PERSON, user_id, data | dict(topics))


async def recall(store: Store, user_id: int, topic: str) -> Any:
    """One topic of what the bot remembers of a person (None when nothing)."""
    kept = await store.state.datum(PERSON, user_id)
    return kept.get(topic) if isinstance(kept, dict) else None


async def answer(update: Update | None, text: str | None = None, *, alert: bool = False) -> None:
    """Answers a button press (every press must be answered), optionally with a toast."""
    if update is not None and update.callback_query is not None:
        try:
            await update.callback_query.answer(text, show_alert=alert)
        except TelegramError as exc:
            log.info("could not answer callback query: %s", exc)


async def _present(turn: Turn[Any], text: str, markup: InlineKeyboardMarkup | None) -> int:
    """Edits the panel when its button was pressed, else sends a new panel; returns its id."""
    panel = turn.draft.panel
    query = turn.query
    if query is not None and query.message is not None and query.message.message_id == panel:
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return int(panel)
        except BadRequest as exc:
            if "not modified" in str(exc):
                return int(panel)
            log.info("panel edit failed, sending a new one: %s", exc)
    sent = await turn.context.bot.send_message(turn.chat_id, text, reply_markup=markup)
    strip_later(turn.context, turn.chat_id, panel)
    return sent.message_id


def strip_later(context: Context, chat_id: int, message_id: int | None) -> None:
    """Takes the buttons off an older panel in the background, at low priority: the person never
    waits for it (a stale button is harmless anyway: the engine refuses it)."""
    if message_id is None:
        return

    async def strip() -> None:
        with send_priority(LOW):
            await strip_buttons(context, chat_id, message_id)

    context.application.create_task(strip(), name=f"strip-{chat_id}-{message_id}")


async def strip_buttons(context: Context, chat_id: int, message_id: int | None) -> None:
    """Removes the buttons of an older message, ignoring one that has none any more."""
    if message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest:
        pass  # already without buttons, or deleted by the person
    except TelegramError as exc:
        log.info("could not strip buttons of %s: %s", message_id, exc)


def _is_command(message: Message, name: str) -> bool:
    """True for /name (or /name@bot)."""
    words = (message.text or "").split(maxsplit=1)
    return bool(words) and words[0].split("@", 1)[0].lower() == f"/{name}"


def _is_command_or_menu(context: Context, message: Message) -> bool:
    """Commands and main-menu buttons are never answers to a question."""
    text = message.text or ""
    return text.startswith("/") or entry_of(context.bot_data.menu, text) is not None


async def stale(update: Update, context: Context) -> None:
    """Answers a button of something finished: politely, changing nothing."""
    await answer(update, label("stale-button"), alert=True)
