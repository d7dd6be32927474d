"""Access to the EOSC Performance API v1 over HTTP (httpx only; no UI code here).

>>> from dashboard.api import SyncClient, json_path
>>> with SyncClient("https://performance.services.fedcloud.eu/api/v1") as client:
...     big = client.results.all(benchmark_id=..., filters=[json_path("machine.cpu.count") >= 8])
"""

from dashboard.api.auth import (
    Anonymous,
    BearerAuth,
    CallableToken,
    EnvToken,
    FileToken,
    StaticToken,
    TokenSource,
    as_token_source,
)
from dashboard.api.client import DEFAULT_TIMEOUT, PerfClient
from dashboard.api.errors import (
    APIError,
    BadRequest,
    Conflict,
    ConnectionFailed,
    ConnectionLost,
    FieldError,
    Forbidden,
    InvalidQuery,
    MalformedResponse,
    NotFound,
    RequestTimeout,
    ResponseError,
    ServerError,
    TransportError,
    Unauthorized,
    ValidationFailed,
)
from dashboard.api.query import OPERATORS, JsonFilter, json_path, sort_by
from dashboard.api.records import (
    Benchmark,
    Claim,
    Flavor,
    Items,
    Page,
    Result,
    Site,
    Submit,
    Tag,
    Unreadable,
    User,
)
from dashboard.api.sync import SyncClient

__all__ = [
    "DEFAULT_TIMEOUT",
    "OPERATORS",
    "APIError",
    "Anonymous",
    "BadRequest",
    "BearerAuth",
    "Benchmark",
    "CallableToken",
    "Claim",
    "Conflict",
    "ConnectionFailed",
    "ConnectionLost",
    "EnvToken",
    "FieldError",
    "FileToken",
    "Flavor",
    "Forbidden",
    "InvalidQuery",
    "Items",
    "JsonFilter",
    "MalformedResponse",
    "NotFound",
    "Page",
    "PerfClient",
    "RequestTimeout",
    "ResponseError",
    "Result",
    "ServerError",
    "Site",
    "StaticToken",
    "Submit",
    "SyncClient",
    "Tag",
    "TokenSource",
    "TransportError",
    "Unauthorized",
    "Unreadable",
    "User",
    "ValidationFailed",
    "as_token_source",
    "json_path",
    "sort_by",
]
