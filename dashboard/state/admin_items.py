"""What the review queue holds: submissions, claims with their results and standings, and
the actions an administrator took; each with what a reviewer reads of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from dashboard.api import Benchmark, Claim, Flavor, Result, Site
from dashboard.schema.fields import SchemaField
from dashboard.schema.flatten import flatten_schema

__all__ = [
    "KINDS",
    "Action",
    "ClaimCase",
    "Standing",
    "Submission",
    "compared_fields",
    "waited",
]

#: The kinds of submissions, in the order the queue groups them.
KINDS = ("benchmark", "site", "flavor")
#: How many numeric fields a claim's comparison looks at when the schema suggests none.
COMPARED_FIELDS = 3
#: What the service 1.2.3 does to the older claim of a result claimed twice.
UNNAMED_RESULT = (
    "The service no longer names the result of this claim: the result was claimed again "
    "since, and the newer claim holds it (EOSC Performance 1.2.3 answers so)."
)


@dataclass(frozen=True)
class Submission:
    """A benchmark, site or flavor awaiting review, with what a reviewer needs."""

    kind: str
    item: Benchmark | Site | Flavor
    submitted: datetime | None
    uploader: str
    site: Site | None = None  # a flavor's site

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def name(self) -> str:
        if isinstance(self.item, Flavor) and self.site is not None:
            return f"{self.item.name} (at {self.site.name})"
        return self.item.name

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def fields(self) -> list[SchemaField]:
        """A benchmark's fields, as its schema describes its results (none for the rest)."""
        return flatten_schema(self.item.json_schema) if self.kind == "benchmark" else []


@dataclass(frozen=True)
class Standing:
    """Where a claimed result's value sits among the other results of its benchmark."""

    path: str
    value: float
    lower: int
    others: int

    @property
    def percentile(self) -> float:
        return 100.0 * self.lower / self.others if self.others else float("nan")


@dataclass(frozen=True)
class ClaimCase:
    """A claim and the result it is about (None if the service no longer has it)."""

    claim: Claim
    result: Result | None
    standings: tuple[Standing, ...] = ()
    #: Why there is no comparison, when there is none.
    unstated: str = ""

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def label(self) -> str:
        if self.result is not None:
            r = self.result
            return f"the claim on {r.benchmark.name} at {r.site.name} / {r.flavor.name}"
        if self.claim.resource_id is None:
            return f"the claim {self.claim.id[:8]} (its result is not named)"
        return f"the claim on result {self.claim.resource_id}"


@dataclass(frozen=True)
class Action:
    """One thing an administrator did in this session, and how it went."""

    what: str
    ok: bool
    outcome: str
    when: datetime = field(default_factory=lambda: datetime.now(UTC))


def waited(since: datetime | None, now: datetime | None = None) -> str:
    """How long something has waited, in words: ``3 days``, ``5 hours``, ``just now``."""
    if since is None:
        return "unknown"
    seconds = ((now or datetime.now(UTC)) - since).total_seconds()
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "just now"


def compared_fields(benchmark: Benchmark) -> list[str]:
    """The numeric fields a claimed result is compared on: the suggested ones, else a few."""
    numeric = [f for f in flatten_schema(benchmark.json_schema) if f.numeric]
    suggested = [f.path for f in numeric if f.suggested]
    return suggested or [f.path for f in numeric[:COMPARED_FIELDS]]
