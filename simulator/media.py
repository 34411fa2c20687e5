"""Files: generated pictures, image size sniffing, and the store behind getFile and downloads."""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from dataclasses import dataclass, field

# Telegram's photo size ladder: the longest side of each variant it keeps.
PHOTO_LADDER = (90, 320, 800, 1280)
PALETTE = (
    (0x4F, 0x9D, 0xE0),
    (0x7A, 0xB9, 0x5C),
    (0xE0, 0x8E, 0x4F),
    (0xB5, 0x6F, 0xD1),
    (0xD9, 0x5B, 0x6E),
    (0x3F, 0xB3, 0xA8),
    (0xC9, 0xA2, 0x3C),
    (0x5C, 0x6B, 0xC0),
)

# What a user can send besides photos and documents: file_id prefix, folder and file suffix as
# Telegram's own file paths look (stickers/file_1.webp, voice/file_2.oga, ...).
MEDIA_PREFIX = {
    "sticker": "CA",
    "voice": "Aw",
    "video": "BA",
    "video_note": "DQ",
    "animation": "Cg",
}
MEDIA_FOLDER = {
    "sticker": "stickers",
    "voice": "voice",
    "video": "videos",
    "video_note": "video_notes",
    "animation": "animations",
}
MEDIA_SUFFIX = {
    "sticker": "webp",
    "voice": "oga",
    "video": "mp4",
    "video_note": "mp4",
    "animation": "mp4",
}
MEDIA_MIME = {
    "sticker": "image/webp",
    "voice": "audio/ogg",
    "video": "video/mp4",
    "video_note": "video/mp4",
    "animation": "video/mp4",
}


def make_png(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    """Draws a simple picture (a coloured card with a light band and a dark stripe) as PNG."""
    r, g, b = color
    light = (min(255, r + 60), min(255, g + 60), min(255, b + 60))
    dark = (r // 2, g // 2, b // 2)
    stripe_from, stripe_to = width // 3, width // 3 + max(1, width // 12)
    plain = bytes([0]) + bytes(color) * stripe_from
    plain += bytes(dark) * (stripe_to - stripe_from) + bytes(color) * (width - stripe_to)
    band = bytes([0]) + bytes(light) * width
    band_from, band_to = height // 2, height // 2 + max(1, height // 8)
    raw = b"".join(band if band_from <= y < band_to else plain for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        """Builds one PNG chunk."""
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def image_size(data: bytes) -> tuple[int, int, str] | None:
    """Reads width, height and MIME type from PNG, JPEG, GIF or WebP bytes (None if unknown)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height, "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height, "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        return _webp_size(data)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int, str] | None:
    """Reads a WebP header."""
    kind = data[12:16]
    if kind == b"VP8X":
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height, "image/webp"
    if kind == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF, "image/webp"
    if kind == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "image/webp"
    return None


def _jpeg_size(data: bytes) -> tuple[int, int, str] | None:
    """Walks JPEG markers up to the frame header."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height, "image/jpeg"
        i += 2 + length
    return None


def ladder(width: int, height: int) -> list[tuple[int, int]]:
    """Returns the sizes Telegram keeps for a photo of this size, smallest first."""
    longest = max(width, height)
    sizes: list[tuple[int, int]] = []
    for side in PHOTO_LADDER:
        scale = min(1.0, side / longest)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if size not in sizes:
            sizes.append(size)
        if scale >= 1.0:
            break
    return sizes


@dataclass
class StoredFile:
    """One file Telegram knows: what getFile answers and what a download returns."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    mime_type: str
    file_name: str | None = None
    width: int = 0
    height: int = 0
    group: list[StoredFile] = field(default_factory=list, repr=False)

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def photo_size(self) -> dict[str, object]:
        """Returns the PhotoSize object of this file."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "width": self.width,
            "height": self.height,
        }


class FileStore:
    """Every file sent by users or uploaded by the bot, by file_id and by file_path."""

    def __init__(self, salt: str) -> None:
        self._salt = salt
        self._counter = 0
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._png_cache: dict[tuple[int, int, int], bytes] = {}

    def _ids(self, prefix: str) -> tuple[str, str]:
        """Makes a new, deterministic file_id and file_unique_id pair."""
        self._counter += 1
        digest = hashlib.sha256(f"{self._salt}:{self._counter}".encode()).digest()
        body = base64.urlsafe_b64encode(digest).decode().rstrip("=")
        unique = base64.urlsafe_b64encode(digest[:9]).decode().rstrip("=")
        return f"{prefix}ACAgIAAxkBAAI{body}", f"AQAD{unique}"

    def _add(self, stored: StoredFile) -> StoredFile:
        """Indexes a file."""
        self.by_id[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored

    def generated_png(self, width: int, height: int, color_index: int) -> bytes:
        """Returns a generated picture, drawing each size and colour only once."""
        key = (width, height, color_index % len(PALETTE))
        if key not in self._png_cache:
            self._png_cache[key] = make_png(width, height, PALETTE[key[2]])
        return self._png_cache[key]

    def add_generated_photo(self, width: int, height: int, color_index: int) -> list[StoredFile]:
        """Stores a generated photo in every size of Telegram's ladder."""
        sizes: list[StoredFile] = []
        for w, h in ladder(width, height):
            file_id, unique = self._ids("Ag")
            path = f"photos/file_{self._counter}.png"
            data = self.generated_png(w, h, color_index)
            sizes.append(
                self._add(StoredFile(file_id, unique, path, data, "image/png", None, w, h))
            )
        for item in sizes:
            item.group = sizes
        return sizes

    def add_photo(self, data: bytes) -> list[StoredFile] | None:
        """Stores an uploaded photo (None when the bytes are no picture Telegram could read)."""
        found = image_size(data)
        if found is None:
            return None
        width, height, mime = found
        sizes: list[StoredFile] = []
        extension = mime.split("/")[1].replace("jpeg", "jpg")
        for w, h in ladder(width, height):
            file_id, unique = self._ids("Ag")
            path = f"photos/file_{self._counter}.{extension}"
            # Variants keep the original bytes: the simulator does not resample pictures.
            sizes.append(self._add(StoredFile(file_id, unique, path, data, mime, None, w, h)))
        for item in sizes:
            item.group = sizes
        return sizes

    def add_document(self, data: bytes, file_name: str | None, mime_type: str) -> StoredFile:
        """Stores a document."""
        file_id, unique = self._ids("BQ")
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1][:8]
        path = f"documents/file_{self._counter}{suffix}"
        stored = StoredFile(file_id, unique, path, data, mime_type or "application/octet-stream")
        stored.file_name = file_name
        stored.group = [stored]
        return self._add(stored)

    def add_media(self, kind: str, data: bytes, mime_type: str) -> StoredFile:
        """Stores a sticker, voice note, video, video note or animation (GIF) file."""
        file_id, unique = self._ids(MEDIA_PREFIX[kind])
        path = f"{MEDIA_FOLDER[kind]}/file_{self._counter}.{MEDIA_SUFFIX[kind]}"
        stored = StoredFile(file_id, unique, path, data, mime_type)
        stored.group = [stored]
        return self._add(stored)

    def clear(self) -> None:
        """Forgets every file."""
        self.by_id.clear()
        self.by_path.clear()
