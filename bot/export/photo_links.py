"""Links in exports that open a report's photos in the bot: https://t.me/BOT?start=ph_ID_MAC.

A spreadsheet travels: it is mailed, shared and kept for years, so its links must not let
anyone who edits one reach other reports. The payload carries the report's id and an HMAC of it
(SHA-256, keyed with a random secret this database made for itself, see db/secrets.py), cut to
16 hex digits (64 bits): a link cannot be made up or changed into another report's without the
secret, while the bot checks one with no lookup table and no row per link. A sequential id alone
would let anyone walk through every report; a random token per report would need a migration of
the reports table and a write for each one. Even a good link serves the photos only to those
who may see that report (an admin, or a coordinator of its province): the link is not a key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

SECRET_NAME = "photo-links"
PREFIX = "ph_"
_MAC_DIGITS = 16
_PAYLOAD = re.compile(rf"^{PREFIX}(\d{{1,15}})_([0-9a-f]{{{_MAC_DIGITS}}})$")


def _mac(secret: bytes, report_id: int) -> str:
    """The first 16 hex digits of the HMAC of a report id."""
    digest = hmac.new(secret, f"photos:{report_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:_MAC_DIGITS]


@dataclass(frozen=True, slots=True)
class PhotoLinks:
    """Makes the photo links of one bot (by its @username) and one database (by its secret)."""

    username: str
    secret: bytes

    def payload(self, report_id: int) -> str:
        """The /start payload of a report's photos: ph_ID_MAC (at most 35 of Telegram's 64)."""
        return f"{PREFIX}{report_id}_{_mac(self.secret, report_id)}"

    def url(self, report_id: int) -> str:
        """The deep link that opens a report's photos in the bot."""
        return f"https://t.me/{self.username}?start={self.payload(report_id)}"


def report_of(payload: str, secret: bytes) -> int | None:
    """The report id a /start payload names, or None when it is malformed or its MAC is wrong."""
    found = _PAYLOAD.match(payload)
    if found is None:
        return None
    report_id = int(found.group(1))
    if not hmac.compare_digest(found.group(2), _mac(secret, report_id)):
        return None
    return report_id
