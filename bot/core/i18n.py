"""Persian strings from locales/fa/*.ftl, looked up by key with t() (HTML) or label() (plain)."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any, cast

from fluent.runtime import FluentBundle, FluentResource

from bot.core.text import ZWNJ, fmt_num, isolate_ltr

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locales" / "fa"


class Html(str):
    """A string that is already safe HTML; t() inserts it without escaping."""

    __slots__ = ()


class Label(str):
    """A plain-text string from label(), which remembers its locale key (a button's colour
    follows its key: bot.kit.keyboards.KINDS)."""

    key: str

    def __new__(cls, text: str, key: str = "") -> Label:
        made = super().__new__(cls, text)
        made.key = key
        return made


def named(kind: object, name: object) -> str:
    """NAMED("گروه", $group) in a locale string: «گروه امید» for a name that starts with its kind
    already, else گروه «امید»: a name is never doubled («گروه «گروه امید»»)."""
    kind_text, name_text = str(kind), str(name)
    words = name_text.replace(ZWNJ, " ").split()
    if words and words[0] == kind_text:
        return f"«{name_text}»"
    return f"{kind_text} «{name_text}»"


@cache
def _bundle() -> FluentBundle:
    bundle = FluentBundle(["fa"], use_isolating=False, functions={"NAMED": cast(Any, named)})
    for path in sorted(LOCALE_DIR.glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


def keys() -> frozenset[str]:
    """Returns every message id the locale files define."""
    ids: set[str] = set()
    for path in LOCALE_DIR.glob("*.ftl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line[:1].isalpha() and "=" in line:
                ids.add(line.split("=", 1)[0].strip())
    return frozenset(ids)


def _format(key: str, args: dict[str, object], escape: bool) -> str:
    bundle = _bundle()
    if not bundle.has_message(key):
        raise KeyError(f"locale key missing: {key}")
    message = bundle.get_message(key)
    if message.value is None:
        raise KeyError(f"locale key has no value: {key}")
    prepared: dict[str, object] = {}
    for name, value in args.items():
        if isinstance(value, bool):
            raise TypeError(f"{key}: pass booleans as a selector string, not {name}={value}")
        if isinstance(value, int):
            prepared[name] = fmt_num(value)
        elif isinstance(value, Html) or not escape:
            prepared[name] = str(value)
        else:
            prepared[name] = html.escape(str(value), quote=False)
    text, errors = bundle.format_pattern(message.value, prepared)
    if errors:
        raise ValueError(f"{key}: {errors}")
    # Right-to-left is decided here, once, for every string a person reads in Telegram; terminal
    # messages (cli-*) are left alone: terminals do not lay out bidi text the same way.
    return str(text) if key.startswith("cli-") else isolate_ltr(str(text))


def t(key: str, /, **args: object) -> Html:
    """Formats a message for HTML parse mode: str args are escaped, ints get Persian digits."""
    return Html(_format(key, args, escape=True))


def label(key: str, /, **args: object) -> str:
    """Formats a plain-text string (button labels, command descriptions): nothing is escaped.
    It is a Label, which keeps its key (typed as str, so that callers may mix it with text)."""
    return Label(_format(key, args, escape=False), key)
