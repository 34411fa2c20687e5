"""Telegram's HTML parse mode: parsing to text + entities, lengths in UTF-16, and back to HTML."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from simulator.errors import ApiError, bad_request

_TAG_ENTITY = MappingProxyType(
    {
        "b": "bold",
        "strong": "bold",
        "i": "italic",
        "em": "italic",
        "u": "underline",
        "ins": "underline",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "span": "spoiler",
        "tg-spoiler": "spoiler",
        "a": "text_link",
        "code": "code",
        "pre": "pre",
        "blockquote": "blockquote",
        "tg-emoji": "custom_emoji",
        "tg-time": "date_time",
    }
)
_NAMED = MappingProxyType({"lt": "<", "gt": ">", "amp": "&", "quot": '"'})
_URL = re.compile(r"^(https?|tg|ftp|mailto)://?\S+$|^[\w.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
_TG_USER = re.compile(r"^tg://user\?id=(\d+)$", re.IGNORECASE)
_VERBATIM = frozenset({"code", "pre"})


class EntityParseError(Exception):
    """Unparsable HTML; the message is Telegram's wording after `can't parse entities:`."""


@dataclass
class _Open:
    """A start tag waiting for its end tag."""

    tag: str
    argument: str
    offset: int
    entity_count: int


def utf16_len(text: str) -> int:
    """Counts UTF-16 code units, the unit Telegram measures text and entity offsets in."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _byte_offset(source: str, index: int) -> int:
    """Converts a character index to the UTF-8 byte offset Telegram reports."""
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, index: int) -> tuple[str, int] | None:
    """Decodes `&lt;` `&gt;` `&amp;` `&quot;` or a numeric entity at index; others stay literal."""
    end = source.find(";", index + 1)
    if end == -1 or end - index > 12:
        return None
    body = source[index + 1 : end]
    if body in _NAMED:
        return _NAMED[body], end + 1
    code: int | None = None
    if re.fullmatch(r"#\d+", body):
        code = int(body[1:])
    elif re.fullmatch(r"#[xX][0-9a-fA-F]+", body):
        code = int(body[2:], 16)
    if code is None or code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), end + 1


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parses Telegram HTML into plain text and MessageEntity dicts (UTF-16 offsets)."""
    out: list[str] = []
    u16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    n = len(source)
    i = 0
    while i < n:
        ch = source[i]
        if ch == "&":
            decoded = _decode_entity(source, i)
            if decoded is not None:
                out.append(decoded[0])
                u16 += utf16_len(decoded[0])
                i = decoded[1]
                continue
        if ch != "<":
            out.append(ch)
            u16 += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        i += 1
        if i < n and source[i] == "/":
            i = _end_tag(source, begin, stack, entities, u16)
        else:
            i = _start_tag(source, begin, stack, u16, len(entities))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _start_tag(source: str, begin: int, stack: list[_Open], u16: int, count: int) -> int:
    """Reads a start tag with its attributes and pushes it; returns the index after `>`."""
    n = len(source)
    i = begin + 1
    end = i
    while end < n and not source[end].isspace() and source[end] != ">":
        end += 1
    if end >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
    tag = source[i:end].lower()
    if tag not in _TAG_ENTITY:
        raise EntityParseError(
            f'Unsupported start tag "{tag}" at byte offset {_byte_offset(source, begin)}'
        )
    argument = ""
    i = end
    while True:
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Unclosed start tag at byte offset {_byte_offset(source, begin)}"
            )
        if source[i] == ">":
            break
        name_start = i
        while i < n and not source[i].isspace() and source[i] not in "=>":
            i += 1
        attribute = source[name_start:i].lower()
        if not attribute:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset '
                f"{_byte_offset(source, begin)}"
            )
        while i < n and source[i].isspace():
            i += 1
        if i >= n or source[i] != "=":
            if tag == "blockquote" and attribute == "expandable":
                argument = "expandable"
                continue
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte '
                f"offset {_byte_offset(source, begin)}"
            )
        i += 1
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Unclosed start tag at byte offset {_byte_offset(source, begin)}"
            )
        value, i = _attribute_value(source, begin, i)
        argument = _tag_argument(tag, attribute, value, argument)
    if tag == "span" and argument != "spoiler":
        raise EntityParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, begin)}'
        )
    stack.append(_Open(tag, argument, u16, count))
    return i + 1


def _attribute_value(source: str, begin: int, i: int) -> tuple[str, int]:
    """Reads a quoted or bare attribute value starting at i; returns it and the next index."""
    n = len(source)
    if source[i] not in "'\"":
        start = i
        while i < n and (source[i].isalnum() or source[i] in ".-"):
            i += 1
        if i >= n or (not source[i].isspace() and source[i] != ">"):
            raise EntityParseError(
                f"Unexpected end of name token at byte offset {_byte_offset(source, start)}"
            )
        return source[start:i].lower(), i
    quote = source[i]
    i += 1
    chars: list[str] = []
    while i < n and source[i] != quote:
        if source[i] == "&":
            decoded = _decode_entity(source, i)
            if decoded is not None:
                chars.append(decoded[0])
                i = decoded[1]
                continue
        chars.append(source[i])
        i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
    return "".join(chars), i + 1


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    """Keeps the one attribute each tag understands; Telegram ignores the others."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if (tag == "tg-emoji" and attribute == "emoji-id") or (
        tag == "tg-time" and attribute == "unix"
    ):
        return value
    return current


def _end_tag(
    source: str, begin: int, stack: list[_Open], entities: list[dict[str, Any]], u16: int
) -> int:
    """Reads an end tag, closes the innermost open tag and records its entity."""
    n = len(source)
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(source, begin)}")
    i = begin + 2
    while i < n and not source[i].isspace() and source[i] != ">":
        i += 1
    name = source[begin + 2 : i].lower()
    while i < n and source[i].isspace():
        i += 1
    if i >= n or source[i] != ">":
        raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(source, begin)}")
    opened = stack.pop()
    if name and name != opened.tag:
        raise EntityParseError(
            f"Unmatched end tag at byte offset {_byte_offset(source, begin)}, "
            f'expected "</{opened.tag}>", found "</{name}>"'
        )
    length = u16 - opened.offset
    if length > 0:
        entity = _entity(opened, length)
        if opened.tag in _VERBATIM:
            # Telegram drops formatting nested inside code and pre blocks.
            inner = entities[opened.entity_count :]
            del entities[opened.entity_count :]
            if opened.tag == "pre":
                for code in inner:
                    same = code["offset"] == opened.offset and code["length"] == length
                    if entity and code["type"] == "code" and same and code.get("language"):
                        entity["language"] = code["language"]
        if entity is not None:
            entities.append(entity)
    return i + 1


def _entity(opened: _Open, length: int) -> dict[str, Any] | None:
    """Builds the MessageEntity for a closed tag (None when Telegram drops it)."""
    kind = _TAG_ENTITY[opened.tag]
    entity: dict[str, Any] = {"type": kind, "offset": opened.offset, "length": length}
    if kind == "text_link":
        url = opened.argument.strip()
        user = _TG_USER.match(url)
        if user:
            return {**entity, "type": "text_mention", "user": {"id": int(user.group(1))}}
        if not url or not _URL.match(url):
            return None
        entity["url"] = url if "://" in url or url.startswith("mailto:") else f"http://{url}/"
    elif kind == "code" and opened.argument:
        entity["language"] = opened.argument
    elif kind == "blockquote" and opened.argument == "expandable":
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        if not opened.argument:
            return None
        entity["custom_emoji_id"] = opened.argument
    elif kind == "date_time":
        if not opened.argument.isdigit():
            return None
        entity["unix_time"] = int(opened.argument)
    return entity


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trims surrounding whitespace the way Telegram does, moving and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    left = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(0, entity["offset"] - left)
        end = min(size, entity["offset"] + entity["length"] - left)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


@dataclass(frozen=True)
class FormattedText:
    """Text as stored by Telegram: plain text, its entities, and the source the bot sent."""

    text: str
    entities: list[dict[str, Any]]
    source: str


def format_text(
    raw: str, parse_mode: str | None, entities: list[dict[str, Any]] | None, *, caption: bool
) -> FormattedText:
    """Applies a parse mode (or explicit entities) the way Telegram does before storing text."""
    mode = (parse_mode or "").strip()
    if mode and mode.lower() not in ("html", "markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    if mode.lower() == "html":
        try:
            text, parsed = parse_html(raw)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    else:
        # Markdown modes are not modelled: the text is kept as sent (see simulator/README.md).
        text, parsed = raw, _clip_entities(raw, list(entities or []), caption=caption)
    text, parsed = strip_text(text, parsed)
    source = raw if mode.lower() == "html" else to_html(text, parsed)
    return FormattedText(text, parsed, source)


def _clip_entities(
    text: str, entities: list[dict[str, Any]], *, caption: bool
) -> list[dict[str, Any]]:
    """Checks explicit entities against the text they describe."""
    size = utf16_len(text)
    for entity in entities:
        if (
            entity["offset"] < 0
            or entity["length"] <= 0
            or entity["offset"] + entity["length"] > size
        ):
            what = "caption" if caption else "text"
            raise bad_request(f"can't parse entities: entity beyond the end of the {what}")
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def check_length(text: str, *, caption: bool, limit: int) -> ApiError | None:
    """Returns Telegram's error for an empty or too long text (None when it fits)."""
    size = utf16_len(text)
    if caption:
        return bad_request("message caption is too long") if size > limit else None
    if size == 0:
        return bad_request("message text is empty")
    if size > limit:
        return bad_request("message is too long")
    return None


_OPEN_TAGS = MappingProxyType(
    {
        "bold": "<b>",
        "italic": "<i>",
        "underline": "<u>",
        "strikethrough": "<s>",
        "spoiler": "<tg-spoiler>",
        "code": "<code>",
        "pre": "<pre>",
        "blockquote": "<blockquote>",
        "expandable_blockquote": "<blockquote expandable>",
    }
)
_CLOSE_TAGS = MappingProxyType(
    {
        "bold": "</b>",
        "italic": "</i>",
        "underline": "</u>",
        "strikethrough": "</s>",
        "spoiler": "</tg-spoiler>",
        "code": "</code>",
        "pre": "</pre>",
        "blockquote": "</blockquote>",
        "expandable_blockquote": "</blockquote>",
        "text_link": "</a>",
        "text_mention": "</a>",
        "custom_emoji": "</tg-emoji>",
        "date_time": "</tg-time>",
    }
)


def _open_tag(entity: dict[str, Any]) -> str:
    """Returns the HTML start tag for an entity ('' for entities that have none)."""
    kind = entity["type"]
    if kind == "text_link":
        return f'<a href="{html.escape(entity.get("url", ""), quote=True)}">'
    if kind == "text_mention":
        return f'<a href="tg://user?id={entity.get("user", {}).get("id", 0)}">'
    if kind == "custom_emoji":
        return f'<tg-emoji emoji-id="{html.escape(str(entity.get("custom_emoji_id", "")))}">'
    if kind == "date_time":
        return f'<tg-time unix="{entity.get("unix_time", 0)}">'
    if kind == "pre" and entity.get("language"):
        return f'<pre><code class="language-{html.escape(entity["language"])}">'
    return _OPEN_TAGS.get(kind, "")


def _close_tag(entity: dict[str, Any]) -> str:
    """Returns the HTML end tag for an entity."""
    if entity["type"] == "pre" and entity.get("language"):
        return "</code></pre>"
    return _CLOSE_TAGS.get(entity["type"], "")


def to_html(text: str, entities: list[dict[str, Any]]) -> str:
    """Renders text with entities as Telegram HTML (escaping the text)."""
    units = text.encode("utf-16-le")
    events: dict[int, list[tuple[int, int, str]]] = {}
    for index, entity in enumerate(entities):
        start, end = entity["offset"], entity["offset"] + entity["length"]
        events.setdefault(start, []).append((1, -end, _open_tag(entity)))
        events.setdefault(end, []).append((0, -index, _close_tag(entity)))
    out: list[str] = []
    positions = sorted(set(events) | {0, len(units) // 2})
    previous = 0
    for position in positions:
        chunk = units[previous * 2 : position * 2].decode("utf-16-le", errors="replace")
        out.append(html.escape(chunk, quote=False))
        for _, _, tag in sorted(events.get(position, [])):
            out.append(tag)
        previous = position
    return "".join(out)
