"""Tests for bot.core.text: normalisation, search keys, sorting, counts and Telegram-safe text."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.text import (
    NumberError,
    NumberReason,
    _hazm,
    escape,
    fmt_num,
    fmt_percent,
    normalize,
    parse_count,
    persian_sort_key,
    progress_bar,
    search_key,
    to_latin_digits,
    to_persian_digits,
    truncate,
    utf16_len,
)

ZWNJ = "\u200c"
PERSIAN_LETTERS = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
persian_words = st.text(alphabet=PERSIAN_LETTERS, min_size=1, max_size=8)
persian_text = st.lists(persian_words, min_size=1, max_size=6).map(" ".join)


# --- digits ------------------------------------------------------------------------------------


def test_digits_and_fmt_num_keep_their_behaviour() -> None:
    assert to_persian_digits("1405/09/01") == "۱۴۰۵/۰۹/۰۱"
    assert to_latin_digits("۱۲۳ ١٢٣") == "123 123"
    assert fmt_num(7842) == "۷٬۸۴۲"
    assert fmt_num(0) == "۰"
    assert fmt_num(11000) == "۱۱٬۰۰۰"


# --- normalize ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي", "علی"),
        ("كتاب", "کتاب"),
        ("  گروه   امید  ", "گروه امید"),
        ("گروه\tامید", "گروه امید"),
        ("گروه\u00a0امید", "گروه امید"),
        ("\u202bگروه امید\u202c", "گروه امید"),
        ("\u2067اراک\u2069", "اراک"),
        ("\u202eاراک\u202d", "اراک"),
        ("\u200fاراک\u200e", "اراک"),
        ("\ufeffاراک", "اراک"),
        ("ارا\x00ک\x07", "اراک"),
        ("خط یک\r\nخط دو", "خط یک\nخط دو"),
        ("یک\n\n\n\n\nدو", "یک\n\nدو"),
        ("یک  \n   دو", "یک\nدو"),
        ("ﷲ", "الله"),
    ],
)
def test_normalize_cleans(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("خانواده\u200cها", "خانواده\u200cها"),  # kept between letters
        ("می\u200cروم", "می\u200cروم"),
        ("خانواده\u200c\u200c\u200cها", "خانواده\u200cها"),  # runs collapse
        ("\u200cسلام\u200c", "سلام"),  # at the edges of a word it is noise
        ("سلام\u200c دنیا", "سلام دنیا"),
        ("سلام \u200cدنیا", "سلام دنیا"),
        ("۱۲۰\u200cتا", "۱۲۰تا"),
    ],
)
def test_normalize_keeps_zwnj_only_between_letters(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "kept",
    ["بستهٔ معیشتی", "مثلاً", "مُحَمَّد", "موسیٰ", "«نقل قول»", "و ...", "👨\u200d👩\u200d👧 خانواده"],
)
def test_normalize_does_not_respell_words(kept: str) -> None:
    assert normalize(kept) == kept


@pytest.mark.parametrize(
    "token",
    [
        "https://example.com/a_b?x=1&y=ي",
        "http://fa.wikipedia.org/wiki/اراك",
        "www.example.ir/ك...",
        "tg://resolve?domain=khedmat_bot",
        "/start",
        "/report@KhedmatyarBot",
        "@ali_reza",
        "name.family+tag@example.co.ir",
        "1404.9.10",
        "۱۴۰۴/۰۹/۱۰",
        "١٤٠٤-٩-١٠",
        "1.5",
        "۱۲٬۳۴۵",
        "14:30",
        "0912-123-4567",
    ],
)
def test_normalize_protects_tokens(token: str) -> None:
    assert normalize(f"كتاب  {token}  علي") == f"کتاب {token} علی"


def test_normalize_uses_light_hazm_options_only() -> None:
    normalizer = _hazm()
    assert normalizer is _hazm()  # built once
    assert normalizer._correct_spacing is False  # type: ignore[attr-defined]
    assert normalizer._tokenizer is None  # type: ignore[attr-defined]  # no lexicon loaded
    assert normalizer._verbs is None  # type: ignore[attr-defined]
    assert normalizer._persian_number is False  # type: ignore[attr-defined]


@given(persian_text, st.sampled_from(["https://x.ir/ي?a=1", "/start", "@ali_r", "1.5", "۱۴۰۴/۹/۱"]))
def test_normalize_keeps_protected_tokens_inside_random_text(text: str, token: str) -> None:
    assert token in normalize(f"{text} {token} {text}").split()


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert "\n\n\n" not in once
    for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\r\x00":
        assert ch not in once


# --- search_key --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("علی", "علي"),
        ("علی", "على"),
        ("کرج", "كرج"),
        ("خانه", "خانة"),
        ("خانهٔ امید", "خانه امید"),
        ("خانۀ امید", "خانه امید"),
        ("کتاب‌ها", "کتاب ها"),
        ("کتاب‌ها", "کتابها"),
        ("بستهٔ معیشتی", "بسته معیشتی"),
        ("مُحَمَّد", "محمد"),
        ("مثلاً", "مثلا"),
        ("موسیٰ", "موسی"),
        ("ســلام", "سلام"),
        ("آباده", "اباده"),
        ("أمید", "امید"),
        ("إیران", "ایران"),
        ("قائم‌شهر", "قایمشهر"),
        ("مؤمن", "مومن"),
        ("اجزاء", "اجزا"),
        ("گروه ۱۲", "گروه 12"),
        ("گروه ١٢", "گروه12"),
        ("Team Omid", "team omid"),
        ("Café", "cafe"),
        ("ﷲ", "الله"),
        ("امید-اراک", "امید اراک"),
        ("\u202bاراک\u202c", "اراک"),
        ("  اراک\t", "اراک"),
    ],
)
def test_search_key_folds_variants(a: str, b: str) -> None:
    assert search_key(a) == search_key(b)


@pytest.mark.parametrize(
    ("a", "b"), [("اراک", "اراکی"), ("سمنان", "سنمان"), ("ده", "دو"), ("12", "21")]
)
def test_search_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert search_key(a) != search_key(b)


@given(st.text())
def test_search_key_is_idempotent(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key
    assert not any(ch.isspace() for ch in key)


# --- persian_sort_key --------------------------------------------------------------------------


def test_persian_sort_orders_the_alphabet() -> None:
    letters = list("آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی")
    shuffled = letters[:]
    random.Random(4).shuffle(shuffled)
    assert sorted(shuffled, key=persian_sort_key) == letters


def test_persian_sort_orders_names_like_a_persian_reader() -> None:
    names = ["یزد", "گرگان", "کرج", "چابهار", "پارس‌آباد", "ژیان", "زابل", "آباده", "اراک", "بم"]
    assert sorted(names, key=persian_sort_key) == [
        "آباده",
        "اراک",
        "بم",
        "پارس‌آباد",
        "چابهار",
        "زابل",
        "ژیان",
        "کرج",
        "گرگان",
        "یزد",
    ]
    assert sorted(names) != sorted(names, key=persian_sort_key)  # code-point order is wrong


def test_persian_sort_goes_word_by_word_and_ignores_zwnj() -> None:
    names = ["سوادکوهی", "سوادکوه شمالی", "سوادکوه"]
    assert sorted(names, key=persian_sort_key) == ["سوادکوه", "سوادکوه شمالی", "سوادکوهی"]
    assert persian_sort_key("خرم‌آباد")[0] == persian_sort_key("خرمآباد")[0]
    assert persian_sort_key("علي")[0] == persian_sort_key("علی")[0]
    assert persian_sort_key("کرج")[0] == persian_sort_key("كرج")[0]


# --- parse_count -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("120", 120),
        ("۱۲۰", 120),
        ("١٢٠", 120),
        ("  ۴۵ ", 45),
        ("0", 0),
        ("۰", 0),
        ("007", 7),
        ("1,200", 1200),
        ("۱٬۲۰۰", 1200),
        ("١٬٢٠٠", 1200),
        ("۱,۲۰۰,۰۰۰", 1200000),
        ("\u200f۱۲۰\u200e", 120),
        ("+5", 5),
        ("1000000000", 10**9),
    ],
)
def test_parse_count_accepts(text: str, value: int) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", NumberReason.EMPTY),
        ("   ", NumberReason.EMPTY),
        ("\u200f", NumberReason.EMPTY),
        ("صد و بیست", NumberReason.NOT_A_NUMBER),
        ("😀", NumberReason.NOT_A_NUMBER),
        ("۱۲۰ بسته", NumberReason.NOT_A_NUMBER),
        ("12a", NumberReason.NOT_A_NUMBER),
        ("1e5", NumberReason.NOT_A_NUMBER),
        ("1,2345", NumberReason.NOT_A_NUMBER),
        ("12,34,567", NumberReason.NOT_A_NUMBER),
        ("1 200", NumberReason.NOT_A_NUMBER),
        ("-5", NumberReason.NEGATIVE),
        ("−5", NumberReason.NEGATIVE),
        ("۵-", NumberReason.NEGATIVE),
        ("- ۵", NumberReason.NEGATIVE),
        ("-1.5", NumberReason.NEGATIVE),
        ("1.5", NumberReason.FRACTION),
        ("۱٫۵", NumberReason.FRACTION),
        ("1/2", NumberReason.FRACTION),
        ("۱/۲", NumberReason.FRACTION),
        (".5", NumberReason.FRACTION),
        ("½", NumberReason.FRACTION),
        ("12,5", NumberReason.FRACTION),
        ("1000000001", NumberReason.TOO_LARGE),
        ("9" * 5000, NumberReason.TOO_LARGE),  # rejected before int() would refuse it
    ],
)
def test_parse_count_rejects(text: str, reason: NumberReason) -> None:
    with pytest.raises(NumberError) as caught:
        parse_count(text)
    assert caught.value.reason is reason
    assert caught.value.text == text
    assert isinstance(caught.value, ValueError)


def test_parse_count_respects_maximum() -> None:
    assert parse_count("۵۰", maximum=50) == 50
    with pytest.raises(NumberError) as caught:
        parse_count("۵۱", maximum=50)
    assert caught.value.reason is NumberReason.TOO_LARGE
    assert caught.value.maximum == 50
    assert parse_count("0000000000000050", maximum=50) == 50


@given(st.integers(min_value=0, max_value=10**9))
def test_parse_count_reads_every_written_form(n: int) -> None:
    assert parse_count(str(n)) == n
    assert parse_count(fmt_num(n)) == n
    assert parse_count(to_persian_digits(str(n))) == n
    assert parse_count(f"{n:,}") == n
    assert parse_count(str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))) == n


# --- percentages and bars ----------------------------------------------------------------------


def test_fmt_percent() -> None:
    assert fmt_percent(7842, 11000) == "۷۱٪"
    assert fmt_percent(0, 10) == "۰٪"
    assert fmt_percent(10, 10) == "۱۰۰٪"
    assert fmt_percent(1999, 1000) == "۱۹۹٪"
    assert fmt_percent(5, 0) == "۰٪"


def test_progress_bar() -> None:
    assert progress_bar(7842, 11000) == "▓▓▓▓▓▓▓░░░"
    assert progress_bar(0, 100) == "░" * 10
    assert progress_bar(100, 100) == "▓" * 10
    assert progress_bar(500, 100) == "▓" * 10
    assert progress_bar(5, 0) == "░" * 10
    assert progress_bar(1, 2, width=4) == "▓▓░░"
    with pytest.raises(ValueError):
        progress_bar(1, 2, width=0)


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1, 40))
def test_progress_bar_has_width_cells(part: int, whole: int, width: int) -> None:
    bar = progress_bar(part, whole, width)
    assert len(bar) == width
    assert bar == "▓" * bar.count("▓") + "░" * bar.count("░")


# --- Telegram-safe text ------------------------------------------------------------------------


def test_escape() -> None:
    assert escape('<b>علی & "رضا"</b>') == '&lt;b&gt;علی &amp; "رضا"&lt;/b&gt;'


def test_utf16_len_counts_like_telegram() -> None:
    assert utf16_len("سلام") == 4
    assert utf16_len("😀") == 2
    assert utf16_len("👨\u200d👩\u200d👧") == 8
    assert utf16_len("") == 0


def test_truncate() -> None:
    text = "توزیع بسته بین خانواده‌های کم‌برخوردار با کمک خیرین محل"
    assert truncate(text, 200) == text
    assert truncate(text, utf16_len(text)) == text
    assert truncate(text, 30) == "توزیع بسته بین خانواده‌های…"
    assert truncate("یکدوسهچهارپنجششهفت", 10) == "یکدوسهچها…"  # one long word: a hard cut
    assert truncate("😀😀😀😀", 4) == "😀…"  # never half an emoji
    assert truncate("سلام دنیا", 1) == "…"
    with pytest.raises(ValueError):
        truncate("سلام", 0)


@given(st.text(), st.integers(1, 300))
def test_truncate_never_exceeds_the_limit(text: str, limit: int) -> None:
    short = truncate(text, limit)
    assert utf16_len(short) <= limit
    if utf16_len(text) <= limit:
        assert short == text
    else:
        assert short.endswith("…")


def test_invisible_only_text_is_empty() -> None:
    for text in ("\u200d", "\u200c\u200d ", "ـــ", "\u200d\u064b"):
        assert normalize(text) == "", repr(text)
    assert normalize("👍") == "👍"
