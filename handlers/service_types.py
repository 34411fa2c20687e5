"""«🗂 انواع خدمت» for admins: service areas and their types with units; add, rename, retire.

The screens (the list, an area, a type's card, retiring with a confirmation, bringing back) are
plain buttons; typing a name or a unit is a small engine flow. Names are normalised and bounded,
and a name another type of the same area already has (compared by search key) is refused. A
retired type is no longer offered in new reports (db.categories) but old reports keep it: every
receipt, lookup, digest and export reads the type's name from the categories table, so a
renamed type shows its new name everywhere and a retired one its last name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler

from bot.core.i18n import Html, label, t
from bot.core.text import search_key, truncate
from bot.kit.access import admin, admins_go_on
from bot.kit.buttons import Buttons, Show, allow
from bot.kit.context import Context
from bot.kit.engine import Bounded, Done, Draft, Flow, Go, Result, Screen, Step, Turn, answer
from bot.kit.keyboards import Callback, button, cb, choices, confirm, inline
from db.models import Category
from db.store import Store
from db.usecases import (
    TypeChange,
    add_service_type,
    change_service_type,
    retire_service_type,
)
from handlers.common import edit_or_keep
from handlers.lookups import fit

# A type's name and its unit; markup-looking ones are refused rather than stored.
NAME_MIN, NAME_MAX = 2, 60
UNIT_MIN, UNIT_MAX = 1, 20
NAME = Bounded(NAME_MAX, "types-bad-name", least=NAME_MIN, markup="types-bad-name")
UNIT = Bounded(UNIT_MAX, "types-bad-unit", least=UNIT_MIN, markup="types-bad-unit")
BUTTON_TEXT = 30  # characters of a name on a button


def _back_to_menu() -> list[InlineKeyboardButton]:
    """The way back to the admin menu."""
    return [button(label("admin-back"), cb("adm", "menu"))]


def _type_line(item: Category) -> Html:
    """One type in a list: its name and unit, marked when retired."""
    key = "types-line-retired" if not item.active else "types-line"
    return t(key, name=item.name, unit=item.unit)


async def list_screen(store: Store) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """Every area with its types and units, and a button for each area."""
    areas = await store.categories.all_areas()
    parts = [t("types-title")]
    for area in areas:
        lines = [t("types-area", name=area.name)]
        lines += [_type_line(c) for c in await store.categories.area_types(area.id)]
        parts.append(Html("\n".join(lines)))
    opens = choices(
        areas, lambda a: button(truncate(a.name, BUTTON_TEXT), cb("typ", "area", a.id)), per_row=2
    )
    return fit(parts), [*opens, _back_to_menu()]


def _type_button(item: Category) -> InlineKeyboardButton:
    """A type to open, marked when retired."""
    key = "types-button-retired" if not item.active else "types-button"
    return button(label(key, name=truncate(item.name, BUTTON_TEXT)), cb("typ", "card", item.id))


async def area_screen(
    store: Store, area: Category
) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """An area's types as buttons, and a way to add one."""
    types = await store.categories.area_types(area.id)
    rows = [
        *choices(types, _type_button, per_row=2),
        [button(label("types-add"), cb("typ", "add", area.id))],
        [button(label("button-back"), cb("typ", "list"))],
    ]
    return t("types-area-title", name=area.name, count=len(types)), rows


async def card_screen(
    store: Store, item: Category, notice: str = ""
) -> tuple[Html, list[list[InlineKeyboardButton]]]:
    """A type's card: area, name, unit, whether retired, how many reports name it."""
    text = t(
        "types-card",
        area=item.parent_name,
        name=item.name,
        unit=item.unit,
        reports=await store.categories.reports_of(item.id),
    )
    if not item.active:
        text = Html(f"{text}\n{t('types-card-retired')}")
    if notice:
        text = Html(f"{notice}\n\n{text}")
    status = (
        button(label("types-retire"), cb("typ", "retire", item.id))
        if item.active
        else button(label("types-restore"), cb("typ", "restore", item.id))
    )
    rows = [
        [
            button(label("types-rename"), cb("typ", "name", item.id)),
            button(label("types-change-unit"), cb("typ", "unit", item.id)),
        ],
        [status],
        [button(label("button-back"), cb("typ", "area", item.parent_id or 0))],
    ]
    return text, rows


async def _type(store: Store, type_id: int | None) -> Category | None:
    """A service type (not an area) by id."""
    item = await store.categories.get(type_id or 0)
    return item if item is not None and item.parent_id is not None else None


async def _list(update: Update, context: Context, data: Callback) -> None:
    """Every area with its types."""
    await answer(update)
    await _show(update, await list_screen(context.store))


async def _area(update: Update, context: Context, data: Callback) -> None:
    """An area's types."""
    area = await context.store.categories.get(data.id(0) or 0)
    if area is None or area.parent_id is not None:
        await answer(update, label("lookups-gone"), alert=True)
        return
    await answer(update)
    await _show(update, await area_screen(context.store, area))


def _on_type(
    act: Callable[[Update, Context, Category], Awaitable[None]],
) -> Show:
    """A screen of one type: its id is checked first (gone: said so)."""

    async def show(update: Update, context: Context, data: Callback) -> None:
        """Finds the type, then shows the screen."""
        item = await _type(context.store, data.id(0))
        if item is None:
            await answer(update, label("lookups-gone"), alert=True)
            return
        await answer(update)
        await act(update, context, item)

    return show


async def _card_of(update: Update, context: Context, item: Category) -> None:
    """A type's card."""
    await _show(update, await card_screen(context.store, item))


async def _retire_asked(update: Update, context: Context, item: Category) -> None:
    """Asks before retiring a type (a retired one: its card)."""
    if not item.active:
        await _card_of(update, context, item)
        return
    rows = confirm(cb("typ", "retireok", item.id), cb("typ", "card", item.id))
    await _show(update, (t("types-retire-confirm", name=item.name), rows))


async def _retired(update: Update, context: Context, item: Category, *, retire: bool) -> None:
    """Retires a type (asked first) or brings it back, and shows its card saying so."""
    assert context.who is not None
    store = context.store
    notice = ""
    done = await retire_service_type(store, context.who.user_id, item.id, retire=retire)
    if done is TypeChange.DONE:
        notice = t("types-retired" if retire else "types-restored", name=item.name)
    item = await _type(store, item.id) or item
    await _show(update, await card_screen(store, item, notice))


async def _show(update: Update, screen: tuple[Html, list[list[InlineKeyboardButton]]]) -> None:
    """Puts a screen in the pressed message."""
    assert update.callback_query is not None
    await edit_or_keep(update.callback_query, screen[0], inline(screen[1]))


# --- typing a name or a unit: a small flow --------------------------------------------------------


@dataclasses.dataclass
class TypeDraft(Draft):
    """A new service type, or a new name or unit for one."""

    KIND = "service_type"

    field: str = "add"  # add, name or unit
    area_id: int = 0
    type_id: int = 0
    name: str = ""
    unit: str = ""


async def _card(turn: Turn[TypeDraft], notice: str) -> Result:
    """Ends the flow on the type's card."""
    item = await _type(turn.store, turn.draft.type_id)
    if item is None:
        return Done(t("types-gone"))
    text, rows = await card_screen(turn.store, item, notice)
    return Done(text, inline(rows))


def _to_card(turn: Turn[TypeDraft]) -> list[InlineKeyboardButton]:
    """Cancel of a one-field edit: back to the type's card rather than out of everything."""
    return [turn.button(label("button-cancel"), "card")]


async def to_card(turn: Turn[TypeDraft], data: Callback) -> Result:
    """Leaves a one-field edit unchanged and shows the type's card again."""
    return await _card(turn, "")


async def to_area(turn: Turn[TypeDraft], data: Callback) -> Result:
    """Back from a new type's first question: the area's screen, nothing added."""
    area = await turn.store.categories.get(turn.draft.area_id)
    if area is None or area.parent_id is not None:
        return Done(t("types-gone"))
    text, rows = await area_screen(turn.store, area)
    return Done(text, inline(rows))


async def ask_name(turn: Turn[TypeDraft]) -> Screen:
    """Asks the type's name (the current one shown when renaming)."""
    draft = turn.draft
    if draft.field == "name":
        item = await _type(turn.store, draft.type_id)
        text = Html(f"{t('types-ask-rename')}\n{t('field-now', value=item.name if item else '')}")
        return Screen(text, [_to_card(turn)])
    area = await turn.store.categories.get(draft.area_id)
    text = t("types-ask-name", area=area.name if area else "")
    if draft.reviewing:
        text = Html(f"{text}\n{t('field-now', value=draft.name)}")
        return Screen(text, [turn.nav()])
    return Screen(text, [[turn.button(label("button-back"), "area"), *turn.nav()]])


async def name_typed(turn: Turn[TypeDraft], text: str) -> Result:
    """Takes the name: renames at once, or goes on to the unit of a new type."""
    name = turn.typed(text, NAME)
    if isinstance(name, Go):
        return name
    draft = turn.draft
    if draft.field == "name":
        done = await change_service_type(turn.store, turn.who.user_id, draft.type_id, name=name)
        if done is TypeChange.DUPLICATE:
            return turn.again(label("types-duplicate", name=name))
        return await _card(turn, t("types-renamed", name=name))
    area = await turn.store.categories.get(draft.area_id)
    others = await turn.store.categories.area_types(draft.area_id) if area else []
    if any(_same(c.name, name) for c in others):
        return turn.again(label("types-duplicate", name=name))
    draft.name = name
    return turn.then("unit")


def _same(a: str, b: str) -> bool:
    """Two names that read the same (by search key)."""
    return search_key(a) == search_key(b)


async def ask_unit(turn: Turn[TypeDraft]) -> Screen:
    """Asks the unit the type is counted in."""
    draft = turn.draft
    if draft.field == "unit":
        item = await _type(turn.store, draft.type_id)
        text = t("types-ask-new-unit", name=item.name if item else "")
        text = Html(f"{text}\n{t('field-now', value=item.unit if item else '')}")
        return Screen(text, [_to_card(turn)])
    text = t("types-ask-unit", name=draft.name)
    if draft.reviewing:
        text = Html(f"{text}\n{t('field-now', value=draft.unit)}")
    return Screen(text, [turn.nav()])


async def unit_typed(turn: Turn[TypeDraft], text: str) -> Result:
    """Takes the unit: changes it at once, or goes on to the new type's review."""
    unit = turn.typed(text, UNIT)
    if isinstance(unit, Go):
        return unit
    if not any(ch.isalpha() for ch in unit):
        return turn.again(label("types-unit-letters"))
    draft = turn.draft
    draft.unit = unit
    if draft.field == "unit":
        item = await _type(turn.store, draft.type_id)
        if (
            item is not None
            and item.unit != unit
            and await turn.store.categories.reports_of(item.id)
        ):
            return Go("unit_sure")
        return await _change_unit(turn)
    return Go("confirm")


async def _change_unit(turn: Turn[TypeDraft]) -> Result:
    """Saves the typed unit of an existing type and shows its card."""
    draft = turn.draft
    await change_service_type(turn.store, turn.who.user_id, draft.type_id, unit=draft.unit)
    return await _card(turn, t("types-unit-changed", unit=draft.unit))


async def ask_unit_sure(turn: Turn[TypeDraft]) -> Screen | Go:
    """Warns that saved reports keep their numbers but will read in the new unit; asks first."""
    draft = turn.draft
    item = await _type(turn.store, draft.type_id)
    if item is None:
        return Go("unit")
    text = t(
        "types-unit-warning",
        name=item.name,
        old=item.unit,
        new=draft.unit,
        reports=await turn.store.categories.reports_of(item.id),
    )
    rows = [
        [turn.button(label("types-unit-yes"), "sure")],
        [turn.button(label("button-back"), "back"), *_to_card(turn)],
    ]
    return Screen(text, rows)


async def unit_sure(turn: Turn[TypeDraft], data: Callback) -> Result:
    """Changes the unit once the warning was confirmed."""
    return await _change_unit(turn)


async def ask_confirm(turn: Turn[TypeDraft]) -> Screen:
    """Shows the new type before adding it."""
    draft = turn.draft
    draft.reviewing = True
    area = await turn.store.categories.get(draft.area_id)
    text = t("types-confirm", area=area.name if area else "", name=draft.name, unit=draft.unit)
    rows = [
        [
            turn.button(label("types-edit-name"), "edit", 0),
            turn.button(label("types-edit-unit"), "edit", 1),
        ],
        [turn.button(label("types-add-ok"), "ok")],
        turn.nav(),
    ]
    return Screen(text, rows)


async def edit_pressed(turn: Turn[TypeDraft], data: Callback) -> Result:
    """Opens the name or the unit from the review."""
    return Go("unit" if data.id(0) == 1 else "name")


async def confirmed(turn: Turn[TypeDraft], data: Callback) -> Result:
    """Adds the type (refused when its name was taken meanwhile)."""
    draft = turn.draft
    done, type_id = await add_service_type(
        turn.store, turn.who.user_id, draft.area_id, draft.name, draft.unit, label("types-done")
    )
    if done is TypeChange.DUPLICATE:
        return Go("name", label("types-duplicate", name=draft.name))
    if type_id is None:
        return Done(t("types-gone"))
    draft.type_id = type_id
    return await _card(turn, t("types-added", name=draft.name))


async def _start(turn: Turn[TypeDraft], ids: tuple[int, ...]) -> Result:
    """Adding asks the name; the other entries ask the one field they change."""
    return Go("name")


async def _start_name(turn: Turn[TypeDraft], ids: tuple[int, ...]) -> Result:
    """Renaming a type."""
    turn.draft.field, turn.draft.type_id = "name", ids[0]
    return Go("name")


async def _start_unit(turn: Turn[TypeDraft], ids: tuple[int, ...]) -> Result:
    """Changing a type's unit."""
    turn.draft.field, turn.draft.type_id = "unit", ids[0]
    return Go("unit")


async def _start_add(turn: Turn[TypeDraft], ids: tuple[int, ...]) -> Result:
    """Adding a type to an area."""
    turn.draft.field, turn.draft.area_id = "add", ids[0]
    return Go("name")


FLOW = Flow(
    draft=TypeDraft,
    prefix="cty",
    rule=admin,
    allowed=admins_go_on,
    name="flow-name-service-type",
    steps={
        "name": Step(
            ask=ask_name,
            text=name_typed,
            press={"card": to_card, "area": to_area},
            expects="types-expects-text",
            edits=True,
        ),
        "unit": Step(
            ask=ask_unit,
            text=unit_typed,
            press={"card": to_card},
            back="name",
            expects="types-expects-text",
            edits=True,
        ),
        "unit_sure": Step(
            ask=ask_unit_sure, press={"sure": unit_sure, "card": to_card}, back="unit"
        ),
        "confirm": Step(
            ask=ask_confirm, press={"ok": confirmed, "edit": edit_pressed}, back="unit"
        ),
    },
    entries={"add": _start_add, "name": _start_name, "unit": _start_unit},
    review="confirm",
    must_confirm_cancel=lambda draft: bool(draft.unit) and draft.field == "add",
)


async def _add(update: Update, context: Context, data: Callback) -> None:
    """«➕ نوع تازه»: the area is checked before the flow starts."""
    area = await context.store.categories.get(data.id(0) or 0)
    if area is None or area.parent_id is not None:
        await answer(update, label("lookups-gone"), alert=True)
        return
    await context.bot_data.engine.start(update, context, FLOW, "add", area.id)


async def _edit(update: Update, context: Context, data: Callback) -> None:
    """«✏️ نام», «✏️ واحد»: the type is checked before the flow starts."""
    item = await _type(context.store, data.id(0))
    if item is None:
        await answer(update, label("lookups-gone"), alert=True)
        return
    await context.bot_data.engine.start(update, context, FLOW, data.action, item.id)


# The buttons this feature makes outside its flow, and who may press them (bot.kit.buttons), and the
# screen each shows.
TYPES = Buttons(
    "typ",
    allow(admin, "list"),
    allow(admin, "area", "add", ids="area"),
    allow(admin, "card", "name", "unit", "retire", "retireok", "restore", ids="type"),
)
BUTTONS = (TYPES,)
SCREENS: dict[str, Show] = {
    "list": _list,
    "area": _area,
    "card": _on_type(_card_of),
    "retire": _on_type(_retire_asked),
    "retireok": _on_type(partial(_retired, retire=True)),
    "restore": _on_type(partial(_retired, retire=False)),
    "add": _add,
    "name": _edit,
    "unit": _edit,
}


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    """The service types screens and the ways into the flow."""
    return [TYPES.screens(SCREENS)]
