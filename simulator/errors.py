"""The error a Bot API method answers with, in Telegram's shape."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A failed Bot API call: HTTP status, Telegram's description, optional retry_after."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """Returns the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class WaitTimeout(Exception):
    """The bot did not receive or finish an update in time."""


def bad_request(text: str) -> ApiError:
    """Builds a 400 `Bad Request: ...` error."""
    return ApiError(400, f"Bad Request: {text}")


def forbidden(text: str) -> ApiError:
    """Builds a 403 `Forbidden: ...` error."""
    return ApiError(403, f"Forbidden: {text}")


def too_many_requests(retry_after: int) -> ApiError:
    """Builds a 429 flood-control error."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
