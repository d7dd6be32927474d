"""The error answers of the sandbox API, in the shapes the real service uses.

The real service (Flask + flask-smorest + flaat) answers errors in three shapes,
and the dashboard's API layer reads all three, so the sandbox reproduces them:

1. ``{"code": 422, "status": "Unprocessable Entity", "errors": {...}}`` for argument
   and body errors (``errors.query`` / ``errors.json``) and for explicit refusals
   (``errors.error``, with ``errors.path`` for a result failing its schema);
2. ``{"code": 422, "status": "...", "message": {...}}`` for a bad ``sort_by`` or
   filter operator;
3. ``{"error": "Unauthenticated" | "Forbidden", "error_description": ..., "error_details": ...}``
   from the auth layer, with no ``code``.

Some refusals carry nothing but ``{"code": ..., "status": ...}`` (a page past the
end, a malformed id in the path, a tag update by someone else).
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """An error answer: its status and its JSON body, ready to be sent."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}


def _coded(status: int, **extra: Any) -> ApiError:
    return ApiError(status, {"code": status, "status": HTTPStatus(status).phrase, **extra})


def plain(status: int) -> ApiError:
    """An answer with nothing but its code and status name."""
    return _coded(status)


def not_found(message: str | None = None) -> ApiError:
    """404; without a message it is the bare answer Flask gives for unknown routes and pages."""
    return _coded(404) if message is None else _coded(404, errors={"error": message})


def refused(status: int, message: str) -> ApiError:
    """An explicit refusal, ``errors.error`` carrying the reason (409, 422, ...)."""
    return _coded(status, errors={"error": message})


def invalid(errors: dict[str, Any]) -> ApiError:
    """422, shape 1: argument errors by location, e.g. ``{"query": {"page": ["..."]}}``."""
    return _coded(422, errors=errors)


def invalid_message(message: dict[str, Any]) -> ApiError:
    """422, shape 2: the ``message`` object used for bad sorts and filter operators."""
    return _coded(422, message=message)


def unauthenticated(description: str, details: str | None = None) -> ApiError:
    """401, shape 3: no usable access token."""
    return ApiError(
        401,
        {"error": "Unauthenticated", "error_description": description, "error_details": details},
        headers={"WWW-Authenticate": "Bearer"},
    )


def forbidden(description: str, details: str | None = None) -> ApiError:
    """403, shape 3: the token is fine but its user may not do this."""
    return ApiError(
        403, {"error": "Forbidden", "error_description": description, "error_details": details}
    )


def compact(body: dict[str, Any]) -> str:
    """An error body as JSON text."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)
