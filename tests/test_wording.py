"""What an editor's read found (issue 21, item 15): as people meet it, and over every string."""

from __future__ import annotations

import re

import pytest

from bot.core.i18n import label, t
from simulator.testing import SimMessage
from tests.conftest import Harness, locale_messages
from tests.test_report import leader_with_campaign, to_quantity

TWO_EMOJI = re.compile(r"^\W*[^\w\s]\W*\s[^\w\s]")  # «✅ 📅 بازه…»: two symbols before the words


def _buttons(message: SimMessage) -> list[str]:
    return [b.text for row in message.keyboard for b in row]


async def test_what_a_leader_reads_in_a_report_and_the_figures(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("120")
    skip = _buttons(reza.last)[0]
    assert skip == label("button-skip") and "رد شدن" not in skip  # not «being rejected»
    await reza.press(skip)
    await reza.press(skip)
    await reza.press(_buttons(reza.last)[0])  # the group's own place
    await reza.press(skip)
    question = reza.last.text or ""
    assert question.startswith("چه روزی انجام شد؟") and "؟ یا " not in question  # no dangling «یا»
    # A chosen period button: the tick stands for the label's own emoji, never two in a row.
    maryam = await harness.sim.user("مریم")
    await maryam.send("/stats")
    await maryam.press(label("lookups-range"))
    await maryam.send("۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۲۰")
    chosen = [b for b in _buttons(maryam.last) if b.startswith("✅")]
    assert chosen and not [b for b in chosen if TWO_EMOJI.match(b)], chosen


async def test_nothing_reads_as_zero_or_leads_nowhere(harness: Harness) -> None:
    admin = harness.admin
    assert admin is not None
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    await harness.group(reza, "گروه مهر", "تبریز")
    await reza.send("/group")  # no report yet: said so, not «۰ خدمت در ۰ گزارش»
    assert "۰ خدمت" not in (reza.last.text or "")
    assert t("lookups-card-week-none") in (reza.last.html or "")
    await reza.send("/find تبریز")
    assert "۰ خدمت" not in (reza.last.text or "")
    await admin.send("/review")  # review is off: the answer says where the reports are
    text = admin.last.text or ""
    assert label("menu-stats") in text and label("menu-export") in text
    assert admin.keyboard is not None  # with the menu that holds them
    # «خیر» is the one word for no, wherever a no is a button.
    maryam = await harness.sim.user("مریم")
    await harness.group(reza, "گروه نور", "تبریز", members=(maryam,))
    await maryam.send("/group")
    await maryam.press(label("group-leave"))
    assert _buttons(maryam.last) == [label("button-yes"), label("button-no")]
    nos = {label(k) for k in ("button-no", "join-no", "flow-discard-no", "export-hxl-no")}
    assert all("خیر" in no and "نه" not in no.split() for no in nos), nos


@pytest.mark.parametrize(
    ("found", "why"),
    [
        (re.compile(r"(?<![\w\u200c])بات(?![\w\u200c])"), "Telegram says «ربات»"),
        (re.compile("بر پایهٔ"), "«بر اساس»"),
        (re.compile("الان:"), "«مقدار فعلی:»"),
        (re.compile("رد شدن"), "reads «being rejected»"),
        (re.compile(r"(?<![\w\u200c])مثل (?=[\d۰-۹@<\[«A-Za-z])"), "an example is «مثلاً …»"),
        (re.compile(r"^\s*یا ", re.MULTILINE), "a line that begins with a dangling «یا»"),
    ],
)
def test_no_string_reads_wrong(found: re.Pattern[str], why: str) -> None:
    wrong = {key: text for key, text in locale_messages().items() if found.search(text)}
    assert not wrong, f"{why}: {wrong}"
