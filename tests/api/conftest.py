"""Clients of the sandbox API for the API-layer tests, one per demo identity."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dashboard.api import PerfClient
from dashboard.sandbox.identities import identity_by_key

SPEC = Path(__file__).resolve().parents[2] / ".." / "shared" / "eosc-perf-api" / "openapi.json"


class OperationLog:
    """Which operations of the spec the tests' requests reached (method + path template)."""

    def __init__(self) -> None:
        spec = json.loads(SPEC.read_text()) if SPEC.exists() else {"paths": {}}
        self.operations: dict[tuple[str, str], re.Pattern] = {}
        for template, ops in spec["paths"].items():
            pattern = re.escape(template)
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/:]+", pattern)
            for method in ops:
                if method != "parameters":
                    self.operations[(method.upper(), template)] = re.compile(pattern + "$")
        self.reached: set[tuple[str, str]] = set()

    def record(self, method: str, path: str) -> None:
        for (op_method, template), pattern in self.operations.items():
            if op_method == method and pattern.match(path):
                self.reached.add((op_method, template))


@pytest.fixture(scope="session")
def operation_log() -> OperationLog:
    return OperationLog()


@pytest.fixture
async def make_client(sandbox_url, operation_log):
    """``make_client("alice")`` → a PerfClient acting as that demo identity (or anonymous)."""
    made: list[PerfClient] = []

    def make(who: str | None = None, url: str | None = None, **options) -> PerfClient:
        token = identity_by_key(who).token if who else None
        client = PerfClient(url or sandbox_url, token, **options)
        prefix = (url or sandbox_url).split("://", 1)[1].split("/", 1)[1]

        async def log_request(request):
            path = request.url.path.removeprefix("/" + prefix)
            operation_log.record(request.method, path)

        client._http.event_hooks["request"].append(log_request)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()
