"""Persian text helpers: digits, number formatting and parsing, normalisation, search keys."""

from __future__ import annotations

import html
import re
import unicodedata
from enum import StrEnum
from functools import cache
from typing import Final, Protocol

_LATIN = "0123456789"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_TO_PERSIAN = str.maketrans(_LATIN, _PERSIAN)
_TO_LATIN = str.maketrans(_PERSIAN + _ARABIC_INDIC, _LATIN * 2)

ZWNJ: Final = "\u200c"
ZWJ: Final = "\u200d"
ELLIPSIS: Final = "…"
# The longest text a Telegram message holds; more reaches the bot only through a webhook or
# another Bot API server, and is refused (see too_long).
TEXT_MAX: Final = 4096


def to_persian_digits(text: str) -> str:
    """Returns text with Latin digits replaced by Persian ones."""
    return text.translate(_TO_PERSIAN)


def to_latin_digits(text: str) -> str:
    """Returns text with Persian and Arabic-Indic digits replaced by Latin ones."""
    return text.translate(_TO_LATIN)


def fmt_num(value: int) -> str:
    """Formats an integer with Persian digits and ٬ thousands separators: 7842 -> ۷٬۸۴۲."""
    return to_persian_digits(f"{value:,}".replace(",", "٬"))


# --- normalisation -----------------------------------------------------------------------------

# Invisible characters users paste from other apps: bidi embeddings/overrides (U+202A-U+202E),
# isolates (U+2066-U+2069), LRM/RLM/ALM marks, zero-width space, word joiner, BOM, soft hyphen.
# ZWNJ (U+200C, part of Persian spelling) and ZWJ (U+200D, inside emoji sequences) are kept.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060\ufeff\u00ad]")
# C0/C1 control characters except tab and newline (tabs become spaces, newlines are kept).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile("\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_SPACE_RUN = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_AT_LINE_EDGE = re.compile(" *\n *")
_BLANK_LINES = re.compile("\n{3,}")
# A ZWNJ only belongs between two letters (a diacritic may sit on the letter before it).
_ZWNJ_RUN = re.compile(ZWNJ + "{2,}")
_ZWNJ_NOT_AFTER_LETTER = re.compile(r"(?<![^\W\d_])(?<![\u064b-\u065f\u0670])" + ZWNJ)
_ZWNJ_NOT_BEFORE_LETTER = re.compile(ZWNJ + r"(?![^\W\d_])")

_DIGIT = "0-9۰-۹٠-٩"
# Pieces of text that must come out exactly as typed; tried in this order at each position.
_PROTECTED = re.compile(
    "|".join(
        (
            r"(?:https?|tg|ftp)://\S+|www\.\S+",  # URLs
            r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mail addresses
            r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?",  # /commands, /start@bot
            r"(?<![\w@])@[A-Za-z0-9_]{3,32}",  # @mentions
            rf"[{_DIGIT}]+(?:[.,/:\-٫٬][{_DIGIT}]+)*",  # numbers, dates, times, phone numbers
        )
    )
)


class _Normalizer(Protocol):
    """The part of hazm's Normalizer we use."""

    def normalize(self, text: str) -> str: ...


@cache
def _hazm() -> _Normalizer:
    """Builds hazm's normaliser once, with only the cheap character-level steps switched on."""
    from hazm import Normalizer  # imported lazily: hazm takes ~0.2 s to import

    # hazm always applies its character table: Arabic ي ى ك and other Arabic-script variants and
    # presentation forms become Persian ی ک ه …, NBSP becomes a space, “ ” become ". On top:
    #   unicodes_replacement: ligatures such as ﷲ ﻻ are spelled out.  Cheap, safe.
    # Deliberately off:
    #   correct_spacing: ~1.3 s and ~200 MB (a tokenizer and lexicon) and it rewrites spacing
    #     inside names; we trim and collapse spaces ourselves.
    #   remove_diacritics, remove_specials_chars: they would delete tanwin (مثلاً), the hamza of
    #     «بستهٔ» and the superscript alef; names are stored as typed, search_key() folds them.
    #   decrease_repeated_chars, seperate_mi: load a lexicon / lemmatiser and change words.
    #   persian_style: rewrites quotes and decimal points; we keep the user's punctuation.
    #   persian_numbers: stored text keeps the digits the user typed (output converts them).
    return Normalizer(
        correct_spacing=False,
        remove_diacritics=False,
        remove_specials_chars=False,
        decrease_repeated_chars=False,
        persian_style=False,
        persian_numbers=False,
        unicodes_replacement=True,
        seperate_mi=False,
    )


def _normalize_words(text: str) -> str:
    """Normalises a stretch of text that holds no protected token."""
    text = _hazm().normalize(unicodedata.normalize("NFC", text))
    text = _ZWNJ_RUN.sub(ZWNJ, text)
    text = _ZWNJ_NOT_AFTER_LETTER.sub("", text)
    return _ZWNJ_NOT_BEFORE_LETTER.sub("", text)


def too_long(text: str) -> bool:
    """True for text longer than a Telegram message may be (more than TEXT_MAX characters)."""
    return len(text) > TEXT_MAX


def normalize(text: str) -> str:
    """Normalises a name or free text for storage; URLs, commands, mentions and numbers stay.

    hazm's normaliser takes time quadratic in a word's length (100,000 letters: 35 s), so no
    more than TEXT_MAX characters are ever handed to it; longer text is refused before it gets
    here (handlers/middleware.py)."""
    text = _LINE_BREAK.sub("\n", text[:TEXT_MAX])
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    pieces: list[str] = []
    start = 0
    for match in _PROTECTED.finditer(text):
        pieces.append(_normalize_words(text[start : match.start()]))
        pieces.append(match.group())
        start = match.end()
    pieces.append(_normalize_words(text[start:]))
    text = _SPACE_RUN.sub(" ", "".join(pieces))
    text = _SPACE_AT_LINE_EDGE.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    # Text made only of joiners, tatweel or marks shows as nothing: it is no text at all.
    visible = any(unicodedata.category(ch)[0] in "LNPS" and ch != "ـ" for ch in text)
    return text if visible else ""


# --- search keys and sorting -------------------------------------------------------------------

# Applied after NFKD and dropping combining marks (so آ أ إ are already ا, ئ is ي, ؤ is و, ۀ is ە).
_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ې": "ی",
        "ے": "ی",
        "ك": "ک",
        "ڪ": "ک",
        "ة": "ه",
        "ە": "ه",
        "ھ": "ه",
        "ہ": "ه",
        "ٱ": "ا",
        "ء": None,
        "ـ": None,
    }
    | {c: str(i) for i, c in enumerate(_PERSIAN)}
    | {c: str(i) for i, c in enumerate(_ARABIC_INDIC)}
)


def one_line(text: str) -> str:
    """Normalised text on one line: line breaks and runs of spaces become one space."""
    return " ".join(normalize(text).split())


def search_key(text: str) -> str:
    """Returns a key under which spellings of the same name compare equal.

    Folded: Arabic ي ى and ئ → ی; ك → ک; ة ە ۀ هٔ → ه; آ أ إ ٱ → ا; ؤ → و; standalone ء dropped;
    all diacritics (harakat, tanwin, shadda, sukun, superscript alef, madda, hamza marks);
    tatweel; ZWNJ, ZWJ and every other invisible format character; all whitespace; punctuation;
    Persian and Arabic-Indic digits → Latin; Latin letters case-folded and stripped of accents;
    compatibility forms (Arabic presentation forms, ligatures, full-width letters) spelled out.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        ch
        for ch in decomposed
        if unicodedata.category(ch)[0] not in "MZPC"  # marks, separators, punctuation, controls
    )
    return kept.translate(_FOLD).casefold()


_PERSIAN_ALPHABET: Final = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_SORT_RANK: Final = {ch: 100 + i for i, ch in enumerate(_PERSIAN_ALPHABET)}
# Before ranking: Arabic and variant letters take the place of their Persian equivalent.
_SORT_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ی", "ۀ": "ه", "ة": "ه"}
    | {c: str(i) for i, c in enumerate(_PERSIAN)}
    | {c: str(i) for i, c in enumerate(_ARABIC_INDIC)}
)


def persian_sort_key(text: str) -> tuple[tuple[int, ...], str]:
    """Returns a key that orders names in Persian alphabetical order (آ ا ب پ … ک گ … و ه ی).

    Word by word: a space sorts before any letter, so «سوادکوه» < «سوادکوه شمالی» < «سوادکوهی».
    ZWNJ, tatweel and diacritics are ignored; digits come before letters, other scripts after.
    """
    folded = unicodedata.normalize("NFC", text).translate(_SORT_FOLD).translate(_FOLD)
    ranks: list[int] = []
    for ch in folded:
        if ch.isspace():
            if ranks and ranks[-1] != 0:
                ranks.append(0)
        elif ch in _SORT_RANK:
            ranks.append(_SORT_RANK[ch])
        elif ch.isdigit():
            ranks.append(10 + int(ch))
        elif unicodedata.category(ch)[0] in "MC":  # diacritics, ZWNJ and other invisibles
            continue
        else:
            ranks.append(1000 + ord(ch.casefold()[0]))
    while ranks and ranks[-1] == 0:
        ranks.pop()
    return tuple(ranks), text


def persian_sort_text(text: str) -> str:
    """persian_sort_key as a string whose binary order is Persian order (SQLite's ORDER BY)."""
    chars = []
    for rank in persian_sort_key(text)[0]:
        code = min(rank + 1, 0x10FFFF)
        chars.append(chr(code + 0x800 if 0xD800 <= code <= 0xDFFF else code))
    return "".join(chars)


# --- numbers -----------------------------------------------------------------------------------


class NumberReason(StrEnum):
    """Why a typed count was not accepted."""

    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    FRACTION = "fraction"
    TOO_LARGE = "too_large"


class NumberError(ValueError):
    """A typed count could not be read; reason says why."""

    def __init__(self, reason: NumberReason, text: str, maximum: int) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text
        self.maximum = maximum


_MINUS = "-−–‐‑﹣－"  # hyphen-minus, minus sign, en dash, hyphens, small and full-width minus
_COUNT = re.compile(r"(?P<head>\d{1,3})(?P<groups>(?:[,٬]\d{3})+)|(?P<plain>\d+)", re.ASCII)
_FRACTION = re.compile(r"\d*(?:[.٫/]\d+|,\d{1,2})", re.ASCII)


def parse_count(text: str, *, maximum: int = 10**9) -> int:
    """Reads a non-negative whole number typed in Persian, Arabic-Indic or Latin digits."""
    cleaned = _INVISIBLE.sub("", text).translate(_TO_LATIN).strip()
    if not cleaned:
        raise NumberError(NumberReason.EMPTY, text, maximum)
    negative = cleaned[0] in _MINUS or cleaned[-1] in _MINUS  # «۵-» is -5 typed right to left
    body = cleaned.strip(_MINUS + "+ ") if negative else cleaned.removeprefix("+").lstrip()
    if any(unicodedata.numeric(ch, 0) % 1 for ch in body):  # ½ ¼ ¾ …
        raise NumberError(NumberReason.FRACTION, text, maximum)
    match = _COUNT.fullmatch(body)
    if match is None:
        if _FRACTION.fullmatch(body):
            reason = NumberReason.NEGATIVE if negative else NumberReason.FRACTION
            raise NumberError(reason, text, maximum)
        raise NumberError(NumberReason.NOT_A_NUMBER, text, maximum)
    if negative and body.strip("0,٬"):
        raise NumberError(NumberReason.NEGATIVE, text, maximum)
    digits = (match["plain"] or match["head"] + match["groups"]).translate({44: None, 0x66C: None})
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise NumberError(NumberReason.TOO_LARGE, text, maximum)
    return int(digits)


_NUMBER_AND_WORDS = re.compile(r"\s*([0-9۰-۹٠-٩][0-9۰-۹٠-٩٬,]*)\s+([^\W\d_][^\d]*)")


def parse_count_with_words(text: str, *, maximum: int = 10**9) -> int:
    """Like parse_count, but forgives a unit or words after the number: «۱۲۰ بسته», «۴۵ نفر»."""
    try:
        return parse_count(text, maximum=maximum)
    except NumberError:
        match = _NUMBER_AND_WORDS.fullmatch(text.strip())
        if match is None:
            raise
        return parse_count(match.group(1), maximum=maximum)


def fmt_percent(part: int, whole: int) -> str:
    """Formats part/whole as a whole percentage rounded down, in Persian digits: «۷۱٪»."""
    value = part * 100 // whole if whole else 0
    return fmt_num(value) + "٪"


def progress_bar(part: int, whole: int, width: int = 10) -> str:
    """Draws part/whole as a bar of width cells: «▓▓▓▓▓▓▓░░░»."""
    if width < 1:
        raise ValueError("width must be at least 1")
    filled = min(max(part * width // whole, 0), width) if whole > 0 else 0
    return "▓" * filled + "░" * (width - filled)


# --- Telegram-safe text ------------------------------------------------------------------------


def and_list(names: list[str]) -> str:
    """«الف»، «ب» و «پ»: names listed the Persian way."""
    return " و ".join(filter(None, ["، ".join(names[:-1]), names[-1]])) if names else ""


def escape(text: str) -> str:
    """Escapes & < > for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Returns the length of text in UTF-16 code units, as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int) -> str:
    """Shortens text to at most limit UTF-16 units, cutting at a word boundary and adding «…»."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if utf16_len(text) <= limit:
        return text
    budget = limit - 1  # room for the ellipsis
    end = 0
    used = 0
    while end < len(text):
        size = 2 if ord(text[end]) > 0xFFFF else 1
        if used + size > budget:
            break
        used += size
        end += 1
    head = text[:end]
    if not text[end].isspace():  # we are inside a word: go back to its start when that is sensible
        boundary = max(head.rfind(" "), head.rfind("\n"))
        if boundary >= end // 2:
            head = head[:boundary]
    head = head.rstrip().rstrip(ZWNJ + ZWJ + "،,؛;:")
    return head + ELLIPSIS


# Left-to-right runs that the bidi algorithm would scramble inside a Persian sentence: a /command
# (shown as «help/»), an @username, and numbers joined by a hyphen (a receipt «۱۴۰۵-۰۰۰۲۵۰» shows
# as «۰۰۰۲۵۰-۱۴۰۵»). Each is wrapped in a left-to-right isolate (U+2066 … U+2069).
LRI, PDI = "\u2066", "\u2069"
_LTR_RUN = re.compile(
    r"(?<![<;\w/:.@\u2066])/[A-Za-z][A-Za-z0-9_]*(?:@\w+)?"  # /command, not </b> or a URL
    r"|(?<![\w/@\u2066])@[A-Za-z][A-Za-z0-9_]{2,}"  # @username
    r"|(?<![\w\u2066])[0-9۰-۹]+(?:-[0-9۰-۹]+)+(?![\w-])"  # ۱۴۰۵-۰۰۰۲۵۰
)


def isolate_ltr(text: str) -> str:
    """Wraps commands, @usernames and hyphenated numbers in isolates so they read right in RTL."""
    return _LTR_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text)
