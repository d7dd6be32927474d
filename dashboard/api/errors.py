"""What can go wrong when talking to the EOSC Performance API.

The whole family, so callers can catch exactly what they can handle::

    APIError                      anything this package raises about the API
    ├── TransportError            no answer came back; ``.sent``: may the service have it?
    │   ├── ConnectionFailed      not sent: the service could not be reached (refused, DNS)
    │   ├── ConnectionLost        sent, then the connection broke: it may have been carried out
    │   └── RequestTimeout        no answer in time (``.sent`` is False if never connected)
    ├── ResponseError             the service answered with an error status (``.status``)
    │   ├── BadRequest            400
    │   ├── Unauthorized          401: no valid sign-in (missing or expired token)
    │   ├── Forbidden             403: signed in, but not allowed (or not registered)
    │   ├── NotFound              404: no such item, or a page past the end
    │   ├── Conflict              409: it exists already (e.g. registering twice)
    │   ├── ValidationFailed      422: the request was refused; ``.field_errors`` says why
    │   └── ServerError           5xx: the service failed
    ├── MalformedResponse         a success status whose body is not what the API promises
    └── InvalidQuery              refused here, before anything was sent (also a ValueError)

``TransportError.sent`` is False only when the request failed before any byte of it
left (no connection, or none free in time): then the service cannot have it, and
sending it again is safe. True means the service may have received it, and carried it
out: a request that is not idempotent (a POST) must not be sent again before looking
whether it took effect.

Every message is a sentence for people. None ever contains a token: requests are
described by method and path only (the query string is dropped too).

The API answers errors in three shapes, all read by :func:`decipher_response`:

1. ``{"code": 422, "status": "...", "errors": {"query": {"field": ["msg"]}}}``
   (also ``errors.json``, and ``errors.error`` with ``errors.path`` for a result that
   fails its benchmark's schema);
2. ``{"code": 422, "status": "...", "message": {...}}`` (bad ``sort_by`` or filter);
3. ``{"error": "Unauthenticated", "error_description": "...", "error_details": ...}``
   from the auth layer, with no ``code``.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = [
    "APIError",
    "BadRequest",
    "Conflict",
    "ConnectionFailed",
    "ConnectionLost",
    "FieldError",
    "Forbidden",
    "InvalidQuery",
    "MalformedResponse",
    "NotFound",
    "RequestTimeout",
    "ResponseError",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "ValidationFailed",
    "decipher_response",
]


class APIError(Exception):
    """Base of everything this package raises about the API."""

    def __init__(self, message: str, *, request: str = "") -> None:
        super().__init__(message)
        self.message = message
        #: ``"GET /results"``: method and path, never the query string or headers.
        self.request = request

    def __str__(self) -> str:
        return self.message


class TransportError(APIError):
    """No answer came back from the service.

    ``sent`` says whether the service may have received the request (and carried it out).
    """

    #: False only when no byte of the request left; when in doubt, it may have arrived.
    sent: bool = True


class ConnectionFailed(TransportError):
    """The service could not be reached at all: the request was not sent."""

    sent = False


class ConnectionLost(TransportError):
    """The connection broke after the request was sent: the service may have carried it out."""

    sent = True


class RequestTimeout(TransportError):
    """The service did not answer in time.

    ``sent`` is False when it could not even be connected to in time (or no connection
    was free): then the request never left.
    """

    def __init__(self, message: str, *, request: str = "", sent: bool = True) -> None:
        super().__init__(message, request=request)
        self.sent = sent


class MalformedResponse(APIError):
    """The service answered success, but with a body that is not what the API promises."""


class InvalidQuery(APIError, ValueError):
    """A query the API would refuse, caught before any request was sent."""


@dataclass(frozen=True)
class FieldError:
    """One reason a request was refused: where (``location``/``field``) and why."""

    location: str
    field: str
    message: str

    def __str__(self) -> str:
        # the API's own sentences: a reason ("error") or shape 2's message and hint
        if (self.field == "error" and not self.location) or self.location == "message":
            return self.message
        where = ".".join(part for part in (self.location, self.field) if part)
        return f"{where}: {self.message}"


class ResponseError(APIError):
    """The service answered with an error status."""

    default_message = "The performance service refused the request"

    def __init__(
        self,
        message: str,
        *,
        status: int,
        request: str = "",
        body: Any = None,
        field_errors: tuple[FieldError, ...] = (),
    ) -> None:
        super().__init__(message, request=request)
        self.status = status
        self.body = body
        self.field_errors = field_errors


class BadRequest(ResponseError):
    default_message = "The performance service could not understand the request"


class Unauthorized(ResponseError):
    default_message = "You are not signed in, or your sign-in has expired"


class Forbidden(ResponseError):
    default_message = "You are not allowed to do this"


class NotFound(ResponseError):
    default_message = "Not found"


class Conflict(ResponseError):
    default_message = "This conflicts with something that exists already"


class ValidationFailed(ResponseError):
    """422: the service refused the request's content; ``field_errors`` says where and why."""

    default_message = "The performance service refused the request's content"

    @property
    def schema_path(self) -> tuple[str, ...] | None:
        """For a result refused by its benchmark's JSON Schema: the path that failed."""
        for error in self.field_errors:
            if error.field == "path":
                return _parse_deque_path(error.message)
        return None


class ServerError(ResponseError):
    default_message = "The performance service failed while answering"


_BY_STATUS: dict[int, type[ResponseError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
}


def error_class_for(status: int) -> type[ResponseError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ResponseError)


def loads(body: bytes) -> Any:
    """Decode a JSON body: orjson for speed (a page of results is ~300 kB), with the
    standard library as the fallback for what orjson refuses (NaN, Infinity)."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


def decipher_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    request: str = "",
    decode: Callable[[bytes], Any] | None = None,
) -> Any:
    """Turn an answer into data, or raise the exception that says what went wrong.

    Pure: no I/O, so every answer the API gives can be tested without a server.
    Returns ``None`` for an empty success (204), else the decoded JSON (decoded by
    ``decode`` if given, e.g. into typed records).
    """
    if 200 <= status < 300:
        if status == 204 or not body.strip():
            return None
        try:
            return (decode or loads)(body)
        except (ValueError, UnicodeDecodeError):
            content_type = headers.get("content-type", "unknown content")
            raise MalformedResponse(
                f"The performance service answered {request or 'the request'} with something "
                f"that is not JSON ({content_type}, {len(body)} bytes)",
                request=request,
            ) from None
    try:
        payload = loads(body) if body.strip() else None
    except (ValueError, UnicodeDecodeError):
        payload = None
    cls = error_class_for(status)
    detail, field_errors = _read_error_body(payload)
    message = f"{cls.default_message} (HTTP {status})"
    if detail:
        message = f"{message}: {detail}"
    raise cls(message, status=status, request=request, body=payload, field_errors=field_errors)


def _read_error_body(payload: Any) -> tuple[str, tuple[FieldError, ...]]:
    """Read any of the three error shapes into a sentence and field errors."""
    if not isinstance(payload, dict):
        return "", ()
    fields: list[FieldError] = []
    errors = payload.get("errors")
    if isinstance(errors, dict):
        fields.extend(_flatten_errors(errors))
    message = payload.get("message")
    if isinstance(message, dict):
        fields.extend(_flatten_errors({"message": message}))
    parts = [str(field) for field in fields if field.field != "path"]
    if isinstance(message, str) and message:
        parts.insert(0, message)
    if "error" in payload:  # shape 3, from the auth layer
        description = payload.get("error_description") or payload.get("error")
        parts.insert(0, str(description))
    path = next((f for f in fields if f.field == "path"), None)
    if path is not None:
        schema_path = _parse_deque_path(path.message)
        parts.append(f"at {'/'.join(schema_path) or 'the top level'} of the result")
    return "; ".join(parts), tuple(fields)


def _flatten_errors(errors: dict[str, Any], location: str = "") -> list[FieldError]:
    """``{"query": {"per_page": ["Must be..."]}}`` → ``[FieldError("query", "per_page", ...)]``."""
    found: list[FieldError] = []
    for key, value in errors.items():
        if isinstance(value, dict):
            found.extend(_flatten_errors(value, f"{location}.{key}" if location else key))
        elif isinstance(value, list):
            found.append(FieldError(location, key, "; ".join(str(item) for item in value)))
        else:
            found.append(FieldError(location, key, str(value)))
    return found


def _parse_deque_path(text: str) -> tuple[str, ...]:
    """``"deque(['machine', 'cpu', 0])"`` (how the API reports a schema path) → a tuple."""
    inner = text.strip().removeprefix("deque(").removesuffix(")")
    try:
        parts = ast.literal_eval(inner)  # the API sends a Python repr; read it as one
    except (ValueError, SyntaxError):
        return (inner,) if inner else ()
    if not isinstance(parts, list | tuple):
        return (str(parts),)
    return tuple(str(part) for part in parts)
