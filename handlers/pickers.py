"""Steps shared by the flows: a place (province, then county) and a person.

Buttons two to a row (three are cut off on a phone), counties a page at a time; a typed name is
searched by its search key: an exact match is taken at once, several matches are offered as
buttons, none gets a hint with the same question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram import Message, MessageOriginUser

from bot.core.i18n import Html, label, t
from bot.core.text import normalize, search_key, to_latin_digits, truncate
from bot.kit.engine import Ask, Back, Go, Result, Screen, Step, Turn
from bot.kit.keyboards import MAX_ID, PICK_PERSON, Callback, Paging, grid, people_picker
from db.models import County, Province, Volunteer

COUNTIES_PER_PAGE = 20
QUERY_SHOWN = 40  # characters of a typed search repeated in a hint


class Placed(Protocol):
    """A draft that holds a province and a county."""

    province_id: int | None
    county_id: int | None
    search: str
    page: int


def _best[P: (Province, County)](found: list[P], key: str) -> list[P]:
    """The exact match alone when there is one, else every match."""
    exact = [p for p in found if search_key(p.name) == key]
    return exact if len(exact) == 1 else found


def _shown(text: str) -> str:
    return truncate(normalize(text), QUERY_SHOWN)


def place_steps(
    after: str,
    *,
    back: Back,
    province: str = "province",
    county: str = "county",
    part_of_place: bool = False,
) -> dict[str, Step]:
    """The province and county steps; `after` is asked once a county is chosen.

    While editing from the review, a chosen county returns to the review, unless `after` is
    still part of the place (the report's village), which is then asked too.
    """

    def done(turn: Turn[Any]) -> Go:
        return Go(after) if part_of_place else turn.then(after)

    async def pick_province(turn: Turn[Any], chosen: Province) -> Result:
        draft: Placed = turn.draft
        draft.province_id, draft.county_id = chosen.id, None
        return Go(county)

    async def ask_county(turn: Turn[Any]) -> Screen | Go:
        draft: Placed = turn.draft
        chosen = await turn.store.places.province(draft.province_id or 0)
        if chosen is None:
            return Go(province)
        counties = await turn.store.places.counties(chosen.id)
        question = t("place-ask-county", province=chosen.name)
        if draft.search:
            key = search_key(draft.search)
            counties = _best(await turn.store.places.search_counties(key, chosen.id), key)
            question = t("search-many", query=_shown(draft.search))
        paging = Paging.of(len(counties), COUNTIES_PER_PAGE, draft.page)
        rows = grid([turn.button(c.name, "county", c.id) for c in paging.shown(counties)], 2)
        turn_row = paging.row(lambda text, to: turn.button(text, "cpage", to))
        return Screen(question, [*rows, turn_row, turn.nav()])

    async def county_typed(turn: Turn[Any], text: str) -> Result:
        draft: Placed = turn.draft
        key = search_key(normalize(text))
        found = await turn.store.places.search_counties(key, draft.province_id) if key else []
        found = _best(found, key)
        if len(found) == 1:
            draft.county_id = found[0].id
            return done(turn)
        if not found:
            draft.search = ""
            return turn.again(label("search-none", query=_shown(text)))
        draft.search, draft.page = text, 0
        return turn.again()

    async def county_pressed(turn: Turn[Any], data: Callback) -> Result:
        draft: Placed = turn.draft
        chosen = await turn.store.places.county(data.id() or 0)
        if chosen is None or chosen.province_id != draft.province_id:
            return turn.again(label("stale-button"))
        draft.county_id = chosen.id
        return done(turn)

    async def county_page(turn: Turn[Any], data: Callback) -> Result:
        turn.draft.page = data.id() or 0
        return turn.again()

    return {
        province: province_step(pick_province, back=back),
        county: Step(
            ask_county,
            text=county_typed,
            press={"county": county_pressed, "cpage": county_page},
            back=province,
            expects="place-use-buttons",
        ),
    }


PickProvince = Callable[[Turn[Any], Province], Awaitable[Result]]


def province_step(pick: PickProvince, *, back: Back, question: str = "place-ask-province") -> Step:
    """A step that picks a province from buttons or a typed name; `pick` takes the choice.

    `question` is the locale key of the question (a message without arguments).
    """

    async def ask_province(turn: Turn[Any]) -> Screen:
        provinces = await turn.store.places.provinces()
        text = t(question)
        if turn.draft.search:
            key = search_key(turn.draft.search)
            provinces = _best(await turn.store.places.search_provinces(key), key)
            text = t("search-many", query=_shown(turn.draft.search))
        buttons = [turn.button(p.name, "prov", p.id) for p in provinces]
        return Screen(text, [*grid(buttons, 2), turn.nav()])

    async def province_typed(turn: Turn[Any], text: str) -> Result:
        key = search_key(normalize(text))
        found = _best(await turn.store.places.search_provinces(key), key) if key else []
        if len(found) == 1:
            turn.draft.search = ""
            return await pick(turn, found[0])
        if not found:
            turn.draft.search = ""
            return turn.again(label("search-none", query=_shown(text)))
        turn.draft.search = text
        return turn.again()

    async def province_pressed(turn: Turn[Any], data: Callback) -> Result:
        chosen = await turn.store.places.province(data.id() or 0)
        if chosen is None:
            return turn.again(label("stale-button"))
        return await pick(turn, chosen)

    return Step(
        ask_province,
        text=province_typed,
        press={"prov": province_pressed},
        back=back,
        expects="place-use-buttons",
    )


Candidates = Callable[[Turn[Any]], Awaitable[list[Volunteer]]]
Pick = Callable[[Turn[Any], Volunteer], Awaitable[Result]]


def person_step(question: Ask, pick: Pick, candidates: Candidates | None = None) -> Step:
    """A step that picks a person: with Telegram's people picker (a keyboard button), from
    buttons (members, or the matches of a typed name), a forwarded message or a shared contact,
    or a typed @username or numeric id. Once someone is picked the main menu comes back."""

    async def chosen(turn: Turn[Any], volunteer: Volunteer) -> Result:
        await turn.context.bot.send_message(
            turn.chat_id, t("people-picked", name=volunteer.display_name), reply_markup=turn.menu()
        )
        return await pick(turn, volunteer)

    async def matches(turn: Turn[Any]) -> list[Volunteer]:
        if turn.draft.search:
            return await turn.store.volunteers.search_by_name(turn.draft.search)
        return await candidates(turn) if candidates is not None else []

    async def ask(turn: Turn[Any]) -> Screen | Go:
        screen = await question(turn)
        if isinstance(screen, Go):
            return screen
        people = await matches(turn)
        buttons = [turn.button(p.display_name, "pick", p.id) for p in people]
        text = t("people-matches", query=_shown(turn.draft.search)) if turn.draft.search else ""
        body = Html(f"{screen.text}\n\n{text}") if text else screen.text
        picker = people_picker(label("people-picker-button"))
        keyboard = (label("people-picker-keyboard"), picker) if turn.keyboard_due else None
        return Screen(body, [*grid(buttons, 2), *screen.rows], keyboard=keyboard)

    async def typed(turn: Turn[Any], text: str) -> Result:
        typed = to_latin_digits(text.strip())
        if typed.isdigit():
            found = await turn.store.volunteers.get(int(typed)) if int(typed) <= MAX_ID else None
            people = [found] if found else []
        elif typed.startswith("@"):
            found = await turn.store.volunteers.find_by_username(typed)
            people = [found] if found else []
        else:
            people = await turn.store.volunteers.search_by_name(normalize(text)) if typed else []
        if len(people) == 1:
            return await chosen(turn, people[0])
        turn.draft.search = normalize(text) if people else ""
        return turn.again("" if people else label("admin-user-unknown", query=_shown(text)))

    async def shared(turn: Turn[Any], message: Message) -> Result:
        origin = message.forward_origin
        user_id = message.contact.user_id if message.contact else None
        if isinstance(origin, MessageOriginUser):
            user_id = origin.sender_user.id
        picked = message.users_shared
        if picked is not None and picked.request_id == PICK_PERSON and picked.users:
            user_id = picked.users[0].user_id
        found = await turn.store.volunteers.get(user_id) if user_id else None
        if found is None and picked is not None and picked.users:
            name = picked.users[0].first_name or label("people-someone")
            return turn.again(label("people-not-started", name=name))
        if found is None:
            return turn.again(label("people-not-shared"))
        return await chosen(turn, found)

    async def pressed(turn: Turn[Any], data: Callback) -> Result:
        found = await turn.store.volunteers.get(data.id() or 0)
        if found is None or found.id not in {p.id for p in await matches(turn)}:
            return turn.again(label("stale-button"))
        return await chosen(turn, found)

    return Step(ask, text=typed, other=shared, press={"pick": pressed}, expects="admin-ask-user")
