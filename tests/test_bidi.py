"""Right-to-left: every Persian string that holds a command, an @username or a hyphenated code
reads right when laid out by the Unicode bidi algorithm (python-bidi), as a phone would."""

from __future__ import annotations

import re

import pytest
from bidi import get_display

from bot.core.i18n import keys, label
from bot.core.text import isolate_ltr
from tests.conftest import locale_messages

VARIABLE = re.compile(r"\{\s*\$(\w+)")
TOKEN = re.compile(r"/[a-z][a-z0-9_]*|@[A-Za-z]\w{2,}|[0-9۰-۹]+(?:-[0-9۰-۹]+)+")
TAG = re.compile(r"<[^>]+>")
SAMPLES = {"receipt": "۱۴۰۵-۰۰۰۲۵۰", "query": "@maryam", "code": "k7m2p9x4qabc"}


def _rendered(key: str, source: str) -> str:
    """The message with sample values, as the person reads it (HTML tags removed)."""
    args: dict[str, object] = {}
    for name in set(VARIABLE.findall(source)):
        args[name] = SAMPLES.get(name, 3 if name in ("count", "max", "min", "days") else "نمونه")
    try:
        text = label(key, **args)
    except (TypeError, ValueError):
        args = {name: 3 for name in args}
        text = label(key, **args)
    return TAG.sub("", text)


CASES = [
    (key, source)
    for key, source in locale_messages().items()
    if not key.startswith("cli-") and (TOKEN.search(source) or "receipt" in source)
]


def test_the_cases_cover_commands_and_codes() -> None:
    assert len(CASES) >= 8
    assert {"unknown-message", "report-saved", "help-footer"} <= {k for k, _ in CASES}
    assert {k for k, _ in CASES} <= keys()


@pytest.mark.parametrize(("key", "source"), CASES, ids=[k for k, _ in CASES])
def test_commands_and_codes_read_in_order(key: str, source: str) -> None:
    text = _rendered(key, source)
    for line in text.split("\n"):
        shown = get_display(line, base_dir="R")
        for token in TOKEN.findall(line):
            assert token in shown, f"{key}: {token!r} shows scrambled in {shown!r}"


def test_without_isolates_the_same_lines_would_scramble() -> None:
    line = "گزارش شمارهٔ ۱۴۰۵-۰۰۰۲۵۰ ثبت شد؛ یا /help را بفرستید."
    assert "/help" not in get_display(line, base_dir="R")
    assert "۱۴۰۵-۰۰۰۲۵۰" not in get_display(line, base_dir="R")
    fixed = get_display(isolate_ltr(line), base_dir="R")
    assert "/help" in fixed and "۱۴۰۵-۰۰۰۲۵۰" in fixed


def test_html_and_links_are_left_whole() -> None:
    text = '<b>x</b> &lt;/b&gt; <a href="https://t.me/bot?start=j-abc">لینک</a> ۱۴۰۵/۰۹/۰۱'
    assert isolate_ltr(text) == text
