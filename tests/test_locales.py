"""Every locale key the code uses exists, and every key in locales/fa is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.i18n import Html, keys, label, t

ROOT = Path(__file__).resolve().parent.parent
CODE = [p for d in ("bot", "handlers", "db") for p in (ROOT / d).rglob("*.py")]
CALL = re.compile(r"""\b(?:t|label|menu_text)\(\s*["']([a-z0-9-]+)["']""")
LITERAL = re.compile(r"""["']([a-z][a-z0-9]*(?:-[a-z0-9]+)*)["']""")


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in CODE)


def test_every_used_key_exists() -> None:
    missing = sorted(set(CALL.findall(_sources())) - keys())
    assert not missing, f"keys used in code but missing from locales/fa: {missing}"


def test_every_key_is_used() -> None:
    unused = sorted(keys() - set(LITERAL.findall(_sources())))
    assert not unused, f"keys in locales/fa that no code uses: {unused}"


def test_html_args_are_escaped_and_numbers_are_persian() -> None:
    text = t("start-welcome", name="<b>x</b> & y")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in text
    assert "<b>ok</b>" in t("cli-migrated", path=Html("<b>ok</b>"))
    assert "۷٬۸۴۲" in label("cli-migrated", path=7842)


def test_unknown_key_raises() -> None:
    with pytest.raises(KeyError):
        t("no-such-key")
