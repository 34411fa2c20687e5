"""Bad input at every step of every flow: the bot never fails, always answers, stores nothing wrong.

Hypothesis draws what a careless or hostile person sends (arbitrary and huge text, emoji,
direction marks and zero-width characters, HTML and SQL fragments, stickers, voice, video, video
notes, GIFs, polls, files, contacts, locations, commands and menu buttons mid-flow, messages in a
group and in a channel). A walk moves a person through a flow by the step stored in their draft;
at each step it first sends one drawn bad input, checks, and only then answers the step properly.
After every bad input: no apology for an error and nothing logged as an error, a Persian answer
with a way on (buttons on the newest message, or the main menu), and every draft field valid.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bot.i18n import label, t
from db.models import Role
from handlers import admin, new_group, onboarding, report
from handlers.report.steps import PEOPLE_MAX, QUANTITY_LIMIT, VILLAGE_MAX
from simulator.testing import SimChannel, SimGroup, SimUser
from tests.conftest import TODAY, Harness
from tests.test_report import leader_with_campaign

# On one worker: the last test checks what the walks of this module reached.
pytestmark = pytest.mark.xdist_group("test_bad_input")

SEED = 0  # hypothesis runs derandomized: the examples are the same on every run
EXAMPLES = 6  # per walk; each example sends one bad input at every step of the walk
FLOWS = {f.kind: f for f in (report.FLOW, new_group.FLOW, admin.FLOW, onboarding.FLOW)}
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
# The second report walk: a large number confirmed, and the place as a shared location.
REPORT_LARGE = {
    **REPORT_STEPS,
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
    for key in ("province_id", "county_id", "group_id", "target_id", "invite_id"):
        _count(data.get(key), 1, 10**12)


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


async def _walk(
    harness: Harness,
    seen: Seen,
    user: SimUser,
    start: str | None,
    answers: dict[str, tuple[str, str]],
    inputs: list[tuple[str, str]],
) -> None:
    """Moves a person through a flow, one bad input before each proper answer."""
    await _unhurried(harness)
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
        how, answer = answers[current[1]]
        if how == "send":
            await user.send(answer)
        elif how == "press":
            await _press_any(user, answer.split("|"))
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


async def test_one_line_fields_take_no_line_breaks(harness: Harness) -> None:
    """Found by the walks: a form feed (or a line break) typed in a village was stored in it."""
    user, _, _ = await leader_with_campaign(harness)
    await user.send("/report")
    for step in ("campaign", "area", "service", "quantity", "beneficiaries", "volunteers"):
        how, answer = REPORT_STEPS[step]
        await (user.send(answer) if how == "send" else user.press(answer))
    await user.press("📍 همان محل گروه: اراک، استان مرکزی")
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


def test_every_step_got_bad_input(seen: Seen) -> None:
    """The walks above reached every step they answer (run with the module)."""
    if not seen.steps:
        pytest.skip("runs after the walks of this module")
    steps = {step for _, step in seen.steps}
    for answers in (REPORT_LARGE, REPORT_STEPS, GROUP_STEPS, JOIN_STEPS, ADMIN_STEPS):
        assert set(answers) - {"code"} <= steps | {"code"}, set(answers) - steps
    assert set(seen.kinds) >= {"text", "command", "menu", "media", "document", "contact"}
    total = sum(seen.steps.values())
    flows: Counter[str] = Counter()
    for (flow, _), n in seen.steps.items():
        flows[flow] += n
    print(f"bad inputs: {total}; by flow: {dict(flows)}; by kind: {dict(seen.kinds)}")
    print(f"steps: {len(seen.steps)}; errors logged: {len(seen.errors)}")
