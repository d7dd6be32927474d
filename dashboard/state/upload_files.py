"""A file of the upload form, and what its JSON says about when it ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dashboard.schema.checks import Problem
from dashboard.schema.flatten import flatten_schema
from dashboard.schema.jsonpath import value_at

__all__ = ["Upload", "prefilled_time"]


@dataclass(frozen=True)
class Upload:
    """One file of the form: its JSON, what is wrong with it, and what sending it did."""

    name: str
    document: dict[str, Any] | None
    problems: tuple[Problem, ...] = ()
    outcome: str = ""
    result_id: str = ""
    #: An answer to sending it was lost: the service may have stored it (look before resending).
    maybe_stored: bool = False

    @property
    def ready(self) -> bool:
        """Valid and not sent yet."""
        return self.document is not None and not self.problems and not self.result_id


def prefilled_time(document: dict[str, Any] | None, schema: Any) -> datetime | None:
    """The first date-time the schema names that the result holds, timezone-aware."""
    if document is None:
        return None
    for field in flatten_schema(schema):
        if field.kind != "datetime":
            continue
        value = value_at(document, field.path)
        if not isinstance(value, str):
            continue
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None
