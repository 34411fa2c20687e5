"""HTML parse mode and text lengths, as Telegram applies them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from simhelp import RawBot

from simulator.formatting import EntityParseError, parse_html, to_html, utf16_len
from simulator.server import SimulatorServer
from simulator.state import User


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("سلام <foo>", 'Unsupported start tag "foo" at byte offset 9'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        (
            "<a href>y</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<h1>x</h1>", 'Unsupported start tag "h1" at byte offset 0'),
    ],
)
def test_parse_errors_use_telegram_wording(source: str, error: str) -> None:
    """Malformed HTML fails with Telegram's messages and UTF-8 byte offsets."""
    with pytest.raises(EntityParseError) as caught:
        parse_html(source)
    assert str(caught.value) == error


def test_every_allowed_tag_becomes_an_entity() -> None:
    """The whitelisted tags become MessageEntity objects with UTF-16 offsets."""
    text, entities = parse_html(
        "😀<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        "<strike>k</strike><del>d</del><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><a href="https://t.me/x">l</a><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote>q</blockquote><blockquote expandable>w</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert text.startswith("😀bsieunskdpqlc")
    kinds = [e["type"] for e in entities]
    assert kinds == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "text_link",
        "code",
        "pre",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert entities[0]["offset"] == 2  # the emoji before it is two UTF-16 units
    pre = next(e for e in entities if e["type"] == "pre")
    assert pre["language"] == "python" and pre["length"] == 5


def test_entities_are_decoded_and_others_kept() -> None:
    """Only &lt; &gt; &amp; &quot; and numeric entities are decoded."""
    text, _ = parse_html("&lt;b&gt; &amp; &quot;x&quot; &#1587;&#x644; &nbsp; &copy")
    assert text == '<b> & "x" سل &nbsp; &copy'


def test_formatting_inside_code_is_dropped_and_empty_tags_vanish() -> None:
    """Nested tags in code/pre are ignored; tags around nothing make no entity."""
    text, entities = parse_html("<code><b>x</b></code><i></i>")
    assert (text, entities) == ("x", [{"type": "code", "offset": 0, "length": 1}])


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))
def test_escaped_text_round_trips(text: str) -> None:
    """Any text, escaped and wrapped in tags, parses back to itself."""
    import html

    parsed, entities = parse_html(f"<b>{html.escape(text, quote=False)}</b>")
    assert parsed == text
    if text:
        assert entities == [{"type": "bold", "offset": 0, "length": utf16_len(text)}]
        assert parse_html(to_html(parsed, entities)) == (parsed, entities)


async def test_html_errors_over_http(bot: RawBot, maryam: User, server: SimulatorServer) -> None:
    """A bad tag is refused as `can't parse entities` and recorded as a violation."""
    code, text = await bot.error(
        "sendMessage", {"chat_id": maryam.id, "text": "۳ < ۴", "parse_mode": "HTML"}
    )
    assert (code, text) == (
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 3',
    )
    violation = server.violations[-1]
    assert violation.method == "sendMessage" and violation.params["text"] == "۳ < ۴"
    assert violation.error_code == 400 and violation.time > 0


async def test_parsed_text_is_stored_and_html_kept(
    bot: RawBot, maryam: User, server: SimulatorServer
) -> None:
    """The stored text has tags removed and entities decoded; the source HTML is kept."""
    result = await bot.ok(
        "sendMessage",
        {"chat_id": maryam.id, "text": "  <b>گزارش</b> &amp; آمار\n", "parse_mode": "HTML"},
    )
    assert result["text"] == "گزارش & آمار"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    stored = server.world.chats[maryam.id].messages[result["message_id"]]
    assert stored.source == "  <b>گزارش</b> &amp; آمار\n"


async def test_text_length_counts_utf16_after_parsing(bot: RawBot, maryam: User) -> None:
    """4096 UTF-16 units pass, 4097 fail; tags do not count, emoji count twice."""
    await bot.ok("sendMessage", {"chat_id": maryam.id, "text": "ب" * 4096})
    await bot.ok(
        "sendMessage",
        {"chat_id": maryam.id, "text": "<b>" + "ب" * 4096 + "</b>", "parse_mode": "HTML"},
    )
    assert await bot.error("sendMessage", {"chat_id": maryam.id, "text": "ب" * 4097}) == (
        400,
        "Bad Request: message is too long",
    )
    assert await bot.error("sendMessage", {"chat_id": maryam.id, "text": "😀" * 2049}) == (
        400,
        "Bad Request: message is too long",
    )
    assert await bot.error(
        "sendMessage", {"chat_id": maryam.id, "text": "<b> </b>", "parse_mode": "HTML"}
    ) == (400, "Bad Request: message text is empty")


async def test_caption_length(bot: RawBot, maryam: User, server: SimulatorServer) -> None:
    """Captions allow 1024 UTF-16 units."""
    photo = server.world.files.add_generated_photo(320, 240, 1)[-1].file_id
    await bot.ok("sendPhoto", {"chat_id": maryam.id, "photo": photo, "caption": "ع" * 1024})
    assert await bot.error(
        "sendPhoto", {"chat_id": maryam.id, "photo": photo, "caption": "ع" * 1025}
    ) == (400, "Bad Request: message caption is too long")


async def test_unknown_parse_mode(bot: RawBot, maryam: User) -> None:
    """A parse mode Telegram does not know is refused."""
    assert await bot.error(
        "sendMessage", {"chat_id": maryam.id, "text": "x", "parse_mode": "Textile"}
    ) == (400, "Bad Request: unsupported parse_mode")
