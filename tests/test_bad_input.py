"""Bad input at every step of every flow: the bot never fails, always answers, stores nothing wrong.

Hypothesis draws what a careless or hostile person sends (arbitrary and huge text, emoji,
direction marks and zero-width characters, HTML and SQL fragments, stickers, voice, video, video
notes, GIFs, polls, files, contacts, locations, commands and menu buttons mid-flow, messages in a
group and in a channel). A walk moves a person through a flow by the step stored in their draft;
at each step it first sends one drawn bad input, checks, and only then answers the step properly.
After every bad input: no apology for an error and nothing logged as an error, a Persian answer
with a way on (buttons on the newest message, or the main menu), and every draft field valid.
The walks cover every flow listed in bot.app.FLOWS; the last test fails if any step of any of
them got no bad input.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bot.app import FLOWS as APP_FLOWS
from bot.core import jalali
from bot.core.config import WEEKDAYS
from bot.core.i18n import label, t
from bot.core.text import truncate
from db.channels import ChannelScope
from db.models import Role
from handlers import campaign_admin, export, review, service_types
from handlers.report.steps import PEOPLE_MAX, QUANTITY_LIMIT, VILLAGE_MAX
from simulator.testing import SimChannel, SimGroup, SimUser
from tests.conftest import SAME_PLACE, TODAY, Harness, report_input
from tests.test_report import leader_with_campaign

# On one worker, in order (the last test checks what the walks reached), and started early: the
# walks take about a minute.
pytestmark = [pytest.mark.xdist_group("test_bad_input"), pytest.mark.slow]

SEED = 0  # hypothesis runs derandomized: the examples are the same on every run
EXAMPLES = 6  # per walk; each example sends one bad input at every step of the walk
LATEST_START = TODAY + timedelta(days=campaign_admin.AHEAD_DAYS)  # a campaign a year ahead
FEW = 3  # drawn examples of the walks through the shorter admin and lookup flows
FLOWS = {f.kind: f for f in APP_FLOWS}  # every flow of the bot: each step must get bad input
INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}
PERSIAN = re.compile("[\u0600-\u06ff]")

NASTY = [
    "\u200d",
    "\u200c\u200d\u200e\u200f",
    "\u202eگزارش\u202c",
    "\u2066۱۲۰\u2069",
    "\ufeff۱۲۰",
    "12\u200c0",
    "<b>۱۲۰</b>",
    "<script>alert(1)</script>",
    "&lt;i&gt;&amp;",
    "'; DROP TABLE reports; --",
    "1 OR 1=1",
    '" UNION SELECT * FROM volunteers --',
    "{ $name }",
    "{",
    "}}{{",
    "-5",
    "0",
    "1e9",
    "99999999999999999999999999",
    "١٢٠",
    "۱۴۰۵/۱۳/۴۰",
    "1405/02/31",
    "1500/01/01",
    "🙂🙂🙂",
    "👨‍👩‍👧‍👦",
    "\x00\x01\x1b[31m",
    "ا" * 4096,
    "😀" * 2048,
    "\u200d" * 4096,
    "<" * 4000,
    "{" * 3000,
    "خراسان" * 600,
]
# The nastiest texts, mixed (huge, SQL, Fluent, HTML, invisible), for the fixed examples of the
# short flows, which take only the first few inputs of a list.
NASTIEST = [NASTY[i] for i in (26, 9, 12, 28, 6, 29, 0, 30, 7, 27, 2, 31)]


def _nastiest(first: int) -> list[tuple[str, str]]:
    """24 of the nastiest texts, starting at the first-th."""
    return [("text", NASTIEST[(first + i) % len(NASTIEST)]) for i in range(24)]


COMMANDS = [
    "/report",
    "/newgroup",
    "/join",
    "/admin",
    "/help",
    "/start",
    "/myreports",
    "/group",
    "/nosuchcommand",
    "/start <b>x</b>",
    "/join ' OR 1=1 --",
    "/report@khedmatyar_sim_bot",
    "/join " + "j" * 4000,
]
MENU = ["menu-report", "menu-my-reports", "menu-group", "menu-help", "menu-admin"]
MEDIA = ["sticker", "voice", "video", "video_note", "animation", "poll"]

text = st.text(min_size=1, max_size=4096).filter(lambda s: bool(s.strip()))
bad_input = st.one_of(
    st.tuples(st.just("text"), text),
    st.tuples(st.just("text"), st.sampled_from(NASTY)),
    st.tuples(st.just("text"), st.sampled_from(NASTY)),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("menu"), st.sampled_from(MENU)),
    st.tuples(st.just("media"), st.sampled_from(MEDIA)),
    st.tuples(st.just("media"), st.sampled_from(MEDIA)),
    st.tuples(st.just("document"), st.sampled_from(["report.pdf", "<b>x</b>.exe", "ا" * 200])),
    st.tuples(st.just("contact"), st.just("")),
    st.tuples(st.just("location"), st.just("")),
    st.tuples(st.just("group"), st.sampled_from(["/report", "سلام", "/start", "<b>x</b>"])),
    st.tuples(st.just("channel"), st.sampled_from(["/report", "سلام", "\u200d"])),
)

# What a person does to answer each step properly, by the step stored in their draft:
# ("send", text), ("press", "label|or another label") or ("location", "").
REPORT_STEPS: dict[str, tuple[str, str]] = {
    "campaign": ("press", "پویش ۱۱ هزار خدمت"),
    "area": ("press", "معیشتی"),
    "service": ("press", "بستهٔ معیشتی"),
    "quantity": ("send", "120"),
    "large": ("press", label("report-large-yes")),
    "beneficiaries": ("send", "45"),
    "volunteers": ("send", "8"),
    "place": ("press", label("report-place-pick")),
    "province": ("send", "کرمان"),
    "county": ("send", "بم"),
    "location": ("location", ""),
    "village": ("send", "روستای خنداب"),
    "date": ("press", "دیروز"),
    "description": ("send", "توضیح کوتاه"),
    "photos": ("press", label("report-no-photos")),
    "review": ("press", label("report-save")),
}
# The second report walk: a leader of two groups, a large number confirmed, and the place as a
# shared location.
REPORT_LARGE = {
    **REPORT_STEPS,
    "group": ("press", "گروه امید"),
    "quantity": ("send", "60000"),
    "place": ("press", label("report-place-location")),
}
GROUP_STEPS: dict[str, tuple[str, str]] = {
    "name": ("send", "گروه آزمون پایداری"),
    "province": ("send", "مرکزی"),
    "county": ("send", "اراک"),
    "specialty": ("press", label("newgroup-no-specialty")),
    "confirm": ("press", f"{label('newgroup-create')}|{label('newgroup-request')}"),
}
JOIN_STEPS: dict[str, tuple[str, str]] = {
    "confirm": ("press", label("join-yes")),
}
ADMIN_STEPS: dict[str, tuple[str, str]] = {
    "person": ("send", "@walk_target"),
    "search": ("send", "امید"),
}


class Seen:
    """What the walks did: bad inputs by flow step and kind, and the errors logged."""

    def __init__(self) -> None:
        self.steps: Counter[tuple[str, str]] = Counter()
        self.walks: Counter[str] = Counter()  # by test
        self.by_test: Counter[tuple[str, str, str]] = Counter()  # (test, flow, step)
        self.kinds: Counter[str] = Counter()
        self.errors: list[logging.LogRecord] = []
        self.group: SimGroup | None = None
        self.in_group: set[int] = set()
        self.channel: SimChannel | None = None


class _Errors(logging.Handler):
    """Keeps every record logged at ERROR or above."""

    def __init__(self, seen: Seen) -> None:
        super().__init__(logging.ERROR)
        self.seen = seen

    def emit(self, record: logging.LogRecord) -> None:
        """Keeps the record."""
        self.seen.errors.append(record)


@pytest.fixture(scope="module")
def seen() -> Seen:
    """Shared by the walks of this module, and checked for coverage by the last test."""
    return Seen()


@pytest.fixture
def errors_logged(seen: Seen) -> Iterator[Seen]:
    """Records errors logged by any part of the bot while a walk runs."""
    seen.group, seen.channel, seen.in_group = None, None, set()  # each test has its simulator
    handler = _Errors(seen)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield seen
    finally:
        root.removeHandler(handler)


def _visible(value: str) -> bool:
    """Whether a stored text has something a person can see."""
    return any(unicodedata.category(c) not in INVISIBLE for c in value)


def _clean_text(value: Any, limit: int, *, newlines: bool = False) -> None:
    """A stored free text: a string without control characters, visible if not empty."""
    assert isinstance(value, str), value
    allowed = "\n" if newlines else ""
    assert not [c for c in value if unicodedata.category(c) == "Cc" and c not in allowed], value
    assert value == "" or _visible(value), repr(value)
    assert len(value) <= limit, len(value)


def _count(value: Any, low: int, high: int) -> None:
    """A stored number: None, or an int within limits."""
    assert value is None or (type(value) is int and low <= value <= high), value


def _valid_draft(kind: str, data: dict[str, Any]) -> None:
    """Every field of a stored draft holds a valid value."""
    flow = FLOWS[kind]
    assert data["step"] in flow.steps, data["step"]
    if kind == "report":
        _count(data["quantity"], 1, QUANTITY_LIMIT)
        _count(data["pending_quantity"], 1, QUANTITY_LIMIT)
        _count(data["beneficiaries"], 0, PEOPLE_MAX)
        _count(data["volunteers"], 0, PEOPLE_MAX)
        _clean_text(data["place"], VILLAGE_MAX)
        _clean_text(data["description"], 4096, newlines=True)
        if data["service_date"] is not None:
            served = date.fromisoformat(data["service_date"])
            assert TODAY - timedelta(days=400) <= served <= TODAY, served
        for pair in data["photos"]:
            assert len(pair) == 2 and all(isinstance(p, str) and p for p in pair), pair
    elif kind == "group":
        _clean_text(data["name"], 200)
    elif kind == "campaign_admin":
        _title(data["title"], empty=True)
        assert data["target"] == 0 or 1 <= data["target"] <= campaign_admin.TARGET_MAX
        starts, ends = _day_or_none(data["starts"]), _day_or_none(data["ends"])
        assert starts is None or starts <= LATEST_START, starts
        assert starts is None or ends is None or starts <= ends, (starts, ends)
        for province, share in data["shares"]:
            _count(province, 1, 10**6)
            _count(share, 1, campaign_admin.TARGET_MAX)
        assert all(type(i) is int for i in data["picked"]), data["picked"]
    elif kind == "service_type":
        _type_name(data["name"], empty=True)
        _unit(data["unit"], empty=True)
    elif kind == "export":
        first, last = _day_or_none(data["start"]), _day_or_none(data["end"])
        assert (first is None) == (last is None) and (
            first is None or last is None or first <= last
        )
        assert data["scope"] in ("", "all", "one") and data["fmt"] in export.FORMATS
        assert 0 <= data["status"] < len(export.STATUSES)
    elif kind == "chsched":
        assert data["weekday"] is None or data["weekday"] in WEEKDAYS
    elif kind == "stats_range":
        _day_or_none(data["first"])
    for key in ("province_id", "county_id", "group_id", "target_id", "invite_id", "report_id"):
        _count(data.get(key), 1, 10**12)
    for key in ("campaign_id", "area_id", "type_id", "channel_id", "share_province"):
        _count(data.get(key), 0, 10**12)


def _day_or_none(value: Any) -> date | None:
    """A stored day: empty, or an ISO date of a Jalali year the bot reads (1300 to 1500)."""
    if not value:
        return None
    day = date.fromisoformat(value)
    assert jalali.MIN_YEAR <= jalali.to_jalali(day)[0] <= jalali.MAX_YEAR, day
    return day


def _title(value: Any, *, empty: bool = False) -> None:
    """A campaign's title: bounded, visible, without markup (or empty, in a draft)."""
    _clean_text(value, campaign_admin.TITLE_MAX)
    if value or not empty:
        assert len(value) >= campaign_admin.TITLE_MIN and not set("<>") & set(value), value


def _type_name(value: Any, *, empty: bool = False) -> None:
    """A service type's name: bounded, visible, without markup (or empty, in a draft)."""
    _clean_text(value, service_types.NAME_MAX)
    if value or not empty:
        assert len(value) >= service_types.NAME_MIN and not set("<>") & set(value), value


def _unit(value: Any, *, empty: bool = False) -> None:
    """A service type's unit: short, with a letter, without markup (or empty, in a draft)."""
    _clean_text(value, service_types.UNIT_MAX)
    if value or not empty:
        assert any(c.isalpha() for c in value) and not set("<>") & set(value), value


async def _saved_rows_valid(harness: Harness) -> None:
    """Reports and groups in the database hold only valid values (independent SQL)."""
    rows = await harness.store.db.fetchall(
        "SELECT quantity, beneficiaries, volunteers, place, description, service_date FROM reports"
    )
    for quantity, beneficiaries, volunteers, place, description, served in rows:
        _count(quantity, 1, QUANTITY_LIMIT)
        _count(beneficiaries, 0, PEOPLE_MAX)
        _count(volunteers, 0, PEOPLE_MAX)
        _clean_text(place, VILLAGE_MAX)
        _clean_text(description, 4096, newlines=True)
        assert date.fromisoformat(served) <= TODAY
    for (name,) in await harness.store.db.fetchall("SELECT name FROM groups"):
        _clean_text(name, 200)
    for (note,) in await harness.store.db.fetchall("SELECT COALESCE(review_note, '') FROM reports"):
        _clean_text(note, review.REASON_MAX)
    for title, target, starts, ends in await harness.store.db.fetchall(
        "SELECT title, target, starts_on, ends_on FROM campaigns"
    ):
        _title(title)
        _count(target, 1, campaign_admin.TARGET_MAX)
        assert starts <= ends and _day_or_none(starts) and _day_or_none(ends)
        assert date.fromisoformat(starts) <= LATEST_START, starts
    for (share,) in await harness.store.db.fetchall("SELECT target FROM campaign_shares"):
        _count(share, 1, campaign_admin.TARGET_MAX)
    for name, unit in await harness.store.db.fetchall(
        "SELECT name, unit FROM categories WHERE parent_id IS NOT NULL"
    ):
        _type_name(name)
        _unit(unit)
    for title, weekday, at in await harness.store.db.fetchall(
        "SELECT title, weekday, post_time FROM channels"
    ):
        _clean_text(title, 255)
        assert weekday is None or weekday in WEEKDAYS, weekday
        assert at is None or re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at), at


async def _step(harness: Harness, user: SimUser) -> tuple[str, str] | None:
    """The open flow and its step, or None."""
    drafts = await harness.store.state.drafts_of(user.id)
    assert len(drafts) <= 1, [d.kind for d in drafts]
    for stored in drafts:
        _valid_draft(stored.kind, stored.data)
        return stored.kind, str(stored.data["step"])
    return None


def _newest_seq(user: SimUser) -> int:
    """The sequence number of the bot's newest message (sent or edited) in the private chat."""
    return max((m.seq for m in user.messages), default=0)


async def _bad(harness: Harness, seen: Seen, user: SimUser, kind: str, value: str) -> bool:
    """Sends one bad input; returns whether it went to the private chat."""
    seen.kinds[kind] += 1
    if kind == "text" or kind == "command":
        await user.send(value)
    elif kind == "menu":
        await user.send(label(value))
    elif kind == "media":
        await user.send_media(value)
    elif kind == "document":
        await user.send_document(value, b"%PDF-1.4", mime_type="application/pdf")
    elif kind == "contact":
        await user.send_contact()
    elif kind == "location":
        await user.send_location(35.6892, 51.3890)
    elif kind == "group":
        if seen.group is None:
            seen.group = await harness.sim.group("گروه تلگرامی", members=[user])
        elif user.id not in seen.in_group:
            await seen.group.add(user)
        seen.in_group.add(user.id)
        await user.send(value, chat=seen.group)
        assert not [m for m in seen.group.messages if m.text == t("error-generic")]
        return False
    elif kind == "channel":
        if seen.channel is None:
            seen.channel = await harness.sim.channel("کانال آزمون")
        await seen.channel.post(value)
        return False
    return True


def _check_answer(user: SimUser, before: int) -> None:
    """The bot answered in Persian, with a way on, and did not apologise for an error."""
    assert not [m for m in user.messages if m.text == t("error-generic")]
    newest = max(user.messages, key=lambda m: m.seq)
    assert newest.seq > before, "no answer"
    assert PERSIAN.search(newest.text or ""), newest.text
    has_buttons = any(b for row in newest.keyboard for b in row)
    assert has_buttons or user.keyboard, f"stuck after: {newest.text!r}"


async def _resume_if_offered(user: SimUser) -> None:
    """Presses «go on with …» when a command mid-flow asked whether to."""
    newest = max(user.messages, key=lambda m: m.seq)
    for flow in FLOWS.values():
        resume = label("flow-resume", flow=label(flow.name))
        if any(b.text == resume for row in newest.keyboard for b in row):
            await user.press(resume)
            return


async def _unhurried(harness: Harness) -> None:
    """Turns the simulator's flood control off: every hint leaves an old panel whose buttons are
    taken off in the background, hundreds in a few seconds here, and stopping the bot would wait
    out the 429s. These tests are about answers, not pacing (test_concurrency covers that)."""
    await harness.sim.configure(flood_control=False)


async def _press_any(user: SimUser, labels: list[str]) -> None:
    """Presses the first of these buttons on the screen."""
    shown = {b.text for m in user.messages for row in m.keyboard for b in row}
    await user.press(next((x for x in labels if x in shown), labels[0]))


Answer = tuple[str, str]  # ("send", text), ("press", "label|or another") or ("location", "")
Answers = dict[str, Answer | list[Answer]]  # a list: the answers of the step's 1st, 2nd … visit


async def _walk(
    harness: Harness,
    seen: Seen,
    user: SimUser,
    start: str | None,
    answers: Mapping[str, Answer | list[Answer]],
    inputs: list[tuple[str, str]],
) -> None:
    """Moves a person through a flow, one bad input before each proper answer."""
    await _unhurried(harness)
    answered: Counter[str] = Counter()
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]
    seen.walks[test] += 1
    if start is not None:
        await user.send(start)
    first = await _step(harness, user)
    assert first is not None, user.last.text
    kind = first[0]
    for bad_kind, value in inputs:
        current = await _step(harness, user)
        if current is None or current[0] != kind:
            break  # the flow is over (or a command started another, which the person chose)
        seen.steps[current] += 1
        seen.by_test[(test, *current)] += 1
        before = _newest_seq(user)
        private = await _bad(harness, seen, user, bad_kind, value)
        if private:
            _check_answer(user, before)
        else:
            assert await _step(harness, user) == current  # other chats change nothing here
        assert not seen.errors, [r.getMessage()[:300] for r in seen.errors]
        await _resume_if_offered(user)
        after = await _step(harness, user)
        if after != current:
            continue  # the input answered the step (free text can); the next step gets one too
        planned = answers[current[1]]
        visits = planned if isinstance(planned, list) else [planned]
        how, answer = visits[min(answered[current[1]], len(visits) - 1)]
        answered[current[1]] += 1
        if how == "send":
            await user.send(answer)
        elif how == "press":
            await _press_any(user, answer.split("|"))
        elif how == "chat":  # Telegram's chat picker: «button label|chat id»
            picker, chat_id = answer.split("|")
            shared = next(c for c in harness.sim.chats if c.id == int(chat_id))
            await user.share_chat(picker, shared)
        else:
            await user.send_location(34.09, 49.70)
    await _saved_rows_valid(harness)


walk_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, not shrunk
)
few_settings = settings(walk_settings, max_examples=FEW)
inputs = st.lists(bad_input, min_size=24, max_size=24)


@walk_settings
@given(bad=inputs, large=st.booleans())
@example(bad=[("text", n) for n in NASTY[:24]], large=False)
@example(bad=[("text", n) for n in NASTY[8:32]], large=True)
@example(bad=[("media", MEDIA[i % len(MEDIA)]) for i in range(24)], large=False)
async def test_bad_input_at_every_report_step(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]], large: bool
) -> None:
    harness.sim.allow_violations(".*")
    user, _, _ = await leader_with_campaign(harness, f"گزارشگر{len(harness.handled)}")
    if large:  # a leader of two groups is asked which one first
        await harness.group(user, "گروه دوم", "بم")
        await user.send("/start")
    await _walk(
        harness, errors_logged, user, "/report", REPORT_LARGE if large else REPORT_STEPS, bad
    )


@walk_settings
@given(bad=inputs)
@example(bad=[("text", n) for n in NASTY[-6:] * 4])
async def test_bad_input_at_every_group_creation_step(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]]
) -> None:
    harness.sim.allow_violations(".*")
    user = await harness.sim.user(f"سازنده{len(harness.handled)}")
    await user.send("/start")
    await _walk(harness, errors_logged, user, "/newgroup", GROUP_STEPS, bad)


@walk_settings
@given(bad=inputs)
async def test_bad_input_while_joining(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]]
) -> None:
    harness.sim.allow_violations(".*")
    leader = await harness.sim.user(f"سرگروه{len(harness.handled)}")
    user = await harness.sim.user(f"عضو{len(harness.handled)}")
    await leader.send("/start")
    await user.send("/start")
    group = await harness.group(leader)
    invite = await harness.store.groups.new_invite(group, leader.id)
    answers = {**JOIN_STEPS, "code": ("send", invite.code)}
    await _walk(harness, errors_logged, user, "/join", answers, bad)


@walk_settings
@given(bad=inputs, search=st.booleans())
@example(bad=[("text", n) for n in NASTY[-6:] * 4], search=True)
async def test_bad_input_in_admin_prompts(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]], search: bool
) -> None:
    harness.sim.allow_violations(".*")
    user = await harness.sim.user(f"مدیر{len(harness.handled)}")
    await user.send("/start")
    await harness.store.roles.grant(user.id, Role.ADMIN, None, None)
    known = "SELECT count(*) FROM volunteers WHERE username = 'walk_target'"
    if await harness.store.db.scalar(known) == 0:
        target = await harness.sim.user("هدف", username="walk_target")
        await target.send("/start")
    await user.send("/admin")
    if search:
        await user.press(label("admin-groups"))
        await user.press(label("admin-group-search"))
    else:
        await user.press(label("admin-coordinators"))
        await user.press(label("admin-add-coordinator"))
    await _walk(harness, errors_logged, user, None, ADMIN_STEPS, bad)


def _numbered(n: int) -> str:
    """A few Persian letters that differ for every n (names and units that must not repeat)."""
    letters = "بپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
    word = ""
    while True:
        n, rest = divmod(n, len(letters))
        word += letters[rest]
        if not n:
            return word


async def _new_admin(harness: Harness, name: str) -> SimUser:
    """A person made an admin for one walk (each walk starts without a draft)."""
    user = await harness.sim.user(f"{name}{len(harness.handled)}")
    await user.send("/start")
    await harness.store.roles.grant(user.id, Role.ADMIN, None, None)
    await user.send("/start")
    return user


def _day(days: int) -> str:
    """A day relative to today, as a person types it («۱۴۰۵/۰۸/۲۷»)."""
    return jalali.format_numeric(TODAY + timedelta(days=days))


@few_settings
@given(bad=inputs, action=st.sampled_from(["transfer", "rename", "merge", "gone"]))
@example(bad=[("text", n) for n in NASTY[:24]], action="transfer")
@example(bad=_nastiest(0), action="rename")
@example(bad=_nastiest(4), action="merge")
@example(bad=[("media", MEDIA[i % len(MEDIA)]) for i in range(24)], action="gone")
async def test_bad_input_in_the_admin_group_prompts(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]], action: str
) -> None:
    harness.sim.allow_violations(".*")
    word = _numbered(len(harness.handled))
    leader = await harness.sim.user(f"سرگروه{word}")
    member = await harness.sim.user(f"عضو{word}", username=f"walk_member_{len(harness.handled)}")
    for person in (leader, member):
        await person.send("/start")
    group = await harness.group(leader, f"گروه {word}", "اراک", members=(member,))
    if await harness.store.db.scalar("SELECT COUNT(*) FROM groups WHERE name = 'گروه مقصد'") == 0:
        await harness.group(leader, "گروه مقصد", "اراک")
    user = await _new_admin(harness, "مدیر گروه")
    await user.send("/admin")
    start = "rename" if action == "gone" else action
    await user.press_data(user.last.message_id, f"adm:{start}:{group}")
    if action == "gone":  # rejected by another admin while the question is open
        await harness.store.db.execute(
            "UPDATE groups SET status = 'rejected' WHERE id = ?", (group,)
        )
    answers: Answers = {
        "person": ("send", f"@{member.username}"),
        "transfer": ("press", label("button-yes")),
        "name": ("send", f"گروه نو {word}"),
        "merge": ("send", "مقصد"),
        "gone": ("press", label("button-cancel")),
    }
    await _walk(harness, errors_logged, user, None, answers, bad)


@few_settings
@given(bad=inputs, editing=st.booleans())
@example(bad=[("text", n) for n in NASTY[:24]], editing=False)
@example(bad=[("text", n) for n in NASTY[8:32]], editing=True)
@example(bad=[("media", MEDIA[i % len(MEDIA)]) for i in range(24)], editing=False)
async def test_bad_input_while_creating_or_editing_a_campaign(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]], editing: bool
) -> None:
    harness.sim.allow_violations(".*")
    user = await _new_admin(harness, "مدیر پویش")
    first = (await harness.store.categories.all_types())[0]
    area = (await harness.store.categories.areas())[1]
    answers: Answers = {
        "title": ("send", "پویش زمستان آزمون"),
        "target": ("send", "1,000"),
        "start": ("send", _day(0)),
        "end": ("send", _day(60)),
        "types": ("press", label("manage-pick-types")),
        "pick": [
            ("press", label("manage-type-off", name=truncate(first.name, 24))),
            ("press", label("manage-pick-done")),
        ],
        "confirm": [("press", label("manage-edit-shares")), ("press", label("camp-create"))],
        "shares": [("press", label("manage-share-add")), ("press", label("button-back"))],
        "share_province": ("send", "مرکزی"),
        "share_amount": ("send", "600"),
    }
    await harness.store.db.execute("UPDATE campaigns SET active = 0")  # one on the screen
    if editing:
        title = f"پویش ویرایش {_numbered(len(harness.handled))}"
        await harness.store.campaigns.create(title, 500, "خدمت", TODAY - timedelta(days=5), TODAY)
        await user.send("/campaign")
        await user.press(label("camp-edit", title=title))
        answers |= {
            "types": ("press", area.name),
            "confirm": [("press", label("manage-edit-types")), ("press", label("manage-save"))],
            "save_types": ("press", label("manage-types-save-yes")),
        }
    else:
        await user.send("/campaign")
        await user.press(label("camp-new"))
    await _walk(harness, errors_logged, user, None, answers, bad)


@few_settings
@given(bad=inputs, adding=st.booleans())
@example(bad=_nastiest(0), adding=True)
@example(bad=_nastiest(4), adding=False)
async def test_bad_input_while_adding_a_service_type_or_changing_its_unit(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]], adding: bool
) -> None:
    harness.sim.allow_violations(".*")
    store = harness.store
    user = await _new_admin(harness, "مدیر خدمت")
    area = (await store.categories.areas())[0]
    item = (await store.categories.types(area.id))[0]
    if not await store.db.scalar("SELECT COUNT(*) FROM reports WHERE category_id = ?", (item.id,)):
        leader = await harness.sim.user("سرگروه خدمت")
        group = await harness.group(leader, "گروه خدمت", "اراک")
        data = await report_input(store, group)  # a saved report: a new unit is asked about
        await store.reports.create(data, leader.id, "bad-input-type", 1405)
    word = _numbered(len(harness.handled))
    await user.send("/admin")
    await user.press(label("types-menu"))
    await user.press(area.name)
    if adding:
        await user.press(label("types-add"))
    else:
        await user.press(label("types-button", name=item.name))
        await user.press(label("types-change-unit"))
    answers: Answers = {
        "name": ("send", f"نوع آزمون {word}"),
        "unit": ("send", f"بسته {word}"),
        "unit_sure": ("press", label("types-unit-yes")),
        "confirm": ("press", label("types-add-ok")),
    }
    await _walk(harness, errors_logged, user, None, answers, bad)


@pytest.mark.parametrize("settings", [{"report": {"review": True}}])
@few_settings
@given(bad=inputs)
@example(bad=_nastiest(0))
@example(bad=_nastiest(2))
async def test_bad_input_while_typing_a_return_reason(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]]
) -> None:
    harness.sim.allow_violations(".*")
    store = harness.store
    leader = await harness.sim.user(f"گزارشگر{len(harness.handled)}")
    await leader.send("/start")
    group = await harness.group(leader, f"گروه {_numbered(len(harness.handled))}")
    await store.reports.create(await report_input(store, group), leader.id, str(leader.id), 1405)
    user = await harness.sim.user(f"هماهنگ‌کننده{len(harness.handled)}")
    await harness.coordinator(user, "مرکزی")
    await user.send("/review")
    await user.press(label("review-return"))
    await user.press(label("review-reason-other"))
    answers: Answers = {"reason": ("send", "محل خدمت را دقیق‌تر بنویسید")}
    await _walk(harness, errors_logged, user, None, answers, bad)


@pytest.mark.parametrize("settings", [{"report": {"review": True}}])
@few_settings
@given(bad=inputs)
@example(bad=[("text", n) for n in NASTY[:24]])
@example(bad=_nastiest(2))
@example(bad=[("menu", "menu-report")])  # a refusal's menu must not take the group picker away
async def test_bad_input_while_linking_the_review_group(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]]
) -> None:
    harness.sim.allow_violations(".*")
    user = await _new_admin(harness, "مدیر بررسی")
    team = await harness.sim.group(f"بررسی {_numbered(len(harness.handled))}", members=[user])
    await user.send("/admin")
    await user.press(label("admin-review-chat"))
    answers: Answers = {"reviewchat": ("chat", f"{label('admin-review-chat-button')}|{team.id}")}
    await _walk(harness, errors_logged, user, None, answers, bad)


@pytest.mark.parametrize("settings", [{"report": {"review": True}}])  # statuses are asked
@few_settings
@given(bad=inputs)
@example(bad=[("text", n) for n in NASTY[:24]])
@example(bad=_nastiest(0))
async def test_bad_input_while_setting_up_an_export(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]]
) -> None:
    harness.sim.allow_violations(".*")
    store = harness.store
    if not await store.db.scalar("SELECT COUNT(*) FROM reports"):
        leader = await harness.sim.user("سرگروه خروجی")
        group = await harness.group(leader, "گروه خروجی", "اراک")
        await store.reports.create(await report_input(store, group), leader.id, "export", 1405)
        await store.campaigns.create(
            "پویش خروجی", 100, "خدمت", TODAY - timedelta(days=30), TODAY + timedelta(days=30)
        )
    user = await _new_admin(harness, "مدیر خروجی")
    answers: Answers = {
        "range": ("send", f"{_day(-10)} تا {_day(0)}"),
        "scope": ("press", label("export-scope-pick")),
        "province": ("send", "مرکزی"),
        "campaign": ("press", label("export-campaign-any")),
        "status": ("press", label("export-status-live")),
        "format": ("press", label("export-format-csv")),
        "hxl": ("press", label("export-hxl-no")),
        "confirm": ("press", label("export-build")),
    }
    await _walk(harness, errors_logged, user, "/export", answers, bad)


@few_settings
@given(bad=inputs, adding=st.booleans())
@example(bad=_nastiest(0), adding=True)
@example(bad=_nastiest(4), adding=False)
@example(bad=[("contact", "")] * 24, adding=True)
async def test_bad_input_while_adding_a_channel_or_changing_its_schedule(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]], adding: bool
) -> None:
    harness.sim.allow_violations(".*")
    store = harness.store
    title = "اخبار آزمون"
    if await store.db.scalar("SELECT COUNT(*) FROM channels WHERE title = ?", (title,)) == 0:
        news = await harness.sim.channel(title, username="walk_news")
        await store.channels.add(news.id, title, ChannelScope.national())
    user = await _new_admin(harness, "مدیر کانال")
    await user.send("/admin")
    await user.press(label("admin-channels"))
    if adding:
        await user.press(label("channel-add"))
    else:
        await user.press(f"📢 {title}")
        await user.press(label("channel-schedule"))
    answers: Answers = {
        "chat": ("send", "@walk_news"),
        "scope": ("press", "مرکزی"),
        "day": ("press", "پنج‌شنبه"),
        "time": ("send", "۲۱:۳۰"),
    }
    await _walk(harness, errors_logged, user, None, answers, bad)


@few_settings
@given(bad=inputs, finding=st.booleans())
@example(bad=[("text", n) for n in NASTY[:24]], finding=False)
@example(bad=_nastiest(0), finding=False)
@example(bad=_nastiest(4), finding=True)
async def test_bad_input_in_a_typed_period_and_a_search(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]], finding: bool
) -> None:
    harness.sim.allow_violations(".*")
    user = await harness.sim.user(f"جستجوگر{len(harness.handled)}")
    await user.send("/start")
    answers: Answers = {
        "range": ("send", _day(-20)),
        "end": ("send", _day(0)),
        "query": ("send", "امید"),
    }
    if finding:
        await _walk(harness, errors_logged, user, "/find", answers, bad)
        return
    await user.send("/stats")
    await user.press(label("lookups-range"))
    await _walk(harness, errors_logged, user, None, answers, bad)


@few_settings
@given(bad=inputs)
@example(bad=_nastiest(0))
async def test_bad_input_when_a_newcomer_looks_for_a_group_nearby(
    harness: Harness, errors_logged: Seen, bad: list[tuple[str, str]]
) -> None:
    harness.sim.allow_violations(".*")
    user = await harness.sim.user(f"تازه‌وارد{len(harness.handled)}")
    await user.send("/start")
    await user.press(label("onboarding-find"))
    await _walk(harness, errors_logged, user, None, {"city": ("send", "تبریز")}, bad)


async def test_one_line_fields_take_no_line_breaks(harness: Harness) -> None:
    """Found by the walks: a form feed (or a line break) typed in a village was stored in it."""
    user, _, _ = await leader_with_campaign(harness)
    await user.send("/report")
    for step in ("campaign", "area", "service", "quantity", "beneficiaries", "volunteers"):
        how, answer = REPORT_STEPS[step]
        await (user.send(answer) if how == "send" else user.press(answer))
    await user.press(SAME_PLACE)
    await user.send("روستای\x0cخنداب\n\nپایین")
    place = await harness.store.db.scalar(
        "SELECT json_extract(data, '$.place') FROM drafts "
        "WHERE volunteer_id = ? AND kind = 'report'",
        (user.id,),
    )
    assert place == "روستای خنداب پایین"
    await user.send("/cancel")
    await user.press(label("flow-discard-yes"))
    await user.send("/newgroup")
    await user.send("گروه\nجهادی\r\nامید")
    name = await harness.store.db.scalar(
        "SELECT json_extract(data, '$.name') FROM drafts WHERE volunteer_id = ? AND kind = 'group'",
        (user.id,),
    )
    assert name == "گروه جهادی امید"


async def test_a_campaign_prepared_ahead_is_listed_apart_and_a_year_typo_is_refused(
    harness: Harness,
) -> None:
    """Found by the walks' dates: a campaign typed to start later (next week, or in ۱۵۰۰) was
    created «for reports from now on» and then on no screen, so it could be neither edited nor
    closed. Now a start up to a year ahead is taken and the campaign listed apart till then; a
    start further ahead (a mistyped year) is asked again."""
    admin, store = harness.admin, harness.store
    assert admin is not None
    await admin.send("/campaign")
    await admin.press(label("camp-new"))
    await admin.send("پویش آینده")
    await admin.send("100")
    await admin.send("۱۵۰۰/۰۱/۰۱")
    assert label("camp-start-future") in admin.last.text
    assert t("camp-ask-start", example=_day(0)) in admin.last.text
    await admin.send(_day(7))
    await admin.send(_day(30))
    await admin.press(label("camp-all-types"))
    await admin.press(label("camp-create"))
    start = jalali.format_date(TODAY + timedelta(days=7), weekday=False)
    assert admin.last.text == label("camp-created-ahead", title="پویش آینده", start=start)
    # Listed apart, with its buttons; not offered in a report before its first day.
    await admin.send("/campaign")
    days = jalali.format_range(TODAY + timedelta(days=7), TODAY + timedelta(days=30))
    line = label("camp-ahead-line", title="پویش آینده", range=days, target=100, unit="خدمت")
    assert line in admin.last.text
    assert label("camp-cancel", title="پویش آینده") in str(admin.last.buttons)  # not «پایان»
    assert label("camp-edit", title="پویش آینده") in str(admin.last.buttons)
    await admin.press(label("camp-edit", title="پویش آینده"))
    await admin.press(label("manage-edit-start"))
    await admin.send(_day(3))
    await admin.press(label("manage-save"))
    row = await store.db.fetchone("SELECT starts_on, ends_on FROM campaigns")
    assert row is not None and tuple(row) == (
        (TODAY + timedelta(days=3)).isoformat(),
        (TODAY + timedelta(days=30)).isoformat(),
    )
    assert await store.campaigns.running_anywhere(TODAY) == []
    reza, _, _ = await leader_with_campaign(harness, "رضا")
    await reza.send("/report")
    assert "پویش آینده" not in str(reza.last.buttons)
    # Called off before it begins: asked as a cancellation, not as ending it.
    await admin.send("/campaign")
    await admin.press(label("camp-cancel", title="پویش آینده"))
    assert admin.last.text == label("camp-cancel-confirm", title="پویش آینده")
    await admin.press(label("button-yes"))
    assert admin.last.text.startswith(label("camp-cancelled", title="پویش آینده"))
    assert await store.db.scalar("SELECT active FROM campaigns WHERE title = 'پویش آینده'") == 0


@pytest.mark.parametrize("kind", sorted(FLOWS))
def test_every_wrong_kind_hint_needs_no_arguments(kind: str) -> None:
    """Found by the walks: a sticker or a contact at the export's range question ended in an
    apology, its hint (`Step.expects`, which the engine formats without arguments) needing one."""
    for name, step in FLOWS[kind].steps.items():
        assert PERSIAN.search(label(step.expects)), (kind, name)


def test_every_step_got_bad_input(seen: Seen, request: pytest.FixtureRequest) -> None:
    """The walks above reached every step of every flow of the bot (run with the module)."""
    walks = {n for n in vars(request.module) if n.startswith("test_bad_input")}
    ran = {
        i.originalname
        for i in request.session.items
        if isinstance(i, pytest.Function) and i.module is request.module
    }
    if not walks <= ran:
        pytest.skip("runs after all the walks of this module")
    every = {(kind, step) for kind, flow in FLOWS.items() for step in flow.steps}
    assert not every - set(seen.steps), sorted(every - set(seen.steps))
    assert set(seen.kinds) >= {"text", "command", "menu", "media", "document", "contact"}
    total = sum(seen.steps.values())
    flows: Counter[str] = Counter()
    for (flow, _), n in seen.steps.items():
        flows[flow] += n
    print(f"bad inputs: {total}; by flow: {dict(flows)}; by kind: {dict(seen.kinds)}")
    print(f"steps: {len(seen.steps)}; errors logged: {len(seen.errors)}")
    for test, count in seen.walks.items():
        mine = {(flow, step): n for (name, flow, step), n in seen.by_test.items() if name == test}
        print(f"{test}: {count} walks, {sum(mine.values())} bad inputs, {len(mine)} steps")
