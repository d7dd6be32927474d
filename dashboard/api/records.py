"""Typed records for what the API returns, read from its JSON.

The API sends datetimes naive, in UTC (it drops the offset); every record here
carries timezone-aware UTC datetimes instead, so they compare and display right.

Records read what the spec marks required and accept what it does not (a missing
description is ""); where the real service leaves out even a required field (an older
claim of a result claimed twice has no ``resource_id``), the record says None. An item
of a list that still cannot be read is kept apart as :class:`Unreadable`, with what is
known of it, so that it never hides the items beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from dashboard.api.errors import MalformedResponse

__all__ = [
    "Benchmark",
    "Claim",
    "Flavor",
    "Items",
    "Page",
    "Result",
    "Site",
    "Submit",
    "Tag",
    "Unreadable",
    "User",
    "parse_datetime",
]

T = TypeVar("T")


def parse_datetime(value: str | None) -> datetime | None:
    """An API datetime (naive means UTC) as an aware UTC datetime."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class User:
    """A registered user, identified by OIDC subject and issuer."""

    sub: str
    iss: str
    email: str
    registration_datetime: datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> User:
        return cls(
            sub=data["sub"],
            iss=data["iss"],
            email=data.get("email", ""),
            registration_datetime=parse_datetime(data.get("registration_datetime")),
        )


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A container image and the JSON Schema its results follow."""

    id: str
    docker_image: str
    docker_tag: str
    url: str
    json_schema: dict[str, Any]
    description: str = ""
    upload_datetime: datetime | None = None

    @property
    def name(self) -> str:
        """``image:tag``, as people refer to a benchmark."""
        return f"{self.docker_image}:{self.docker_tag}"

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Benchmark:
        return cls(
            id=data["id"],
            docker_image=data["docker_image"],
            docker_tag=data["docker_tag"],
            url=data.get("url", ""),
            json_schema=data.get("json_schema") or {},
            description=data.get("description") or "",
            upload_datetime=parse_datetime(data.get("upload_datetime")),
        )


@dataclass(frozen=True, slots=True)
class Site:
    """A resource provider's site."""

    id: str
    name: str
    address: str
    description: str = ""
    upload_datetime: datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Site:
        return cls(
            id=data["id"],
            name=data["name"],
            address=data.get("address", ""),
            description=data.get("description") or "",
            upload_datetime=parse_datetime(data.get("upload_datetime")),
        )


@dataclass(frozen=True, slots=True)
class Flavor:
    """A machine type of a site."""

    id: str
    name: str
    description: str = ""
    upload_datetime: datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Flavor:
        return cls(
            id=data["id"],
            name=data["name"],
            description=data.get("description") or "",
            upload_datetime=parse_datetime(data.get("upload_datetime")),
        )


@dataclass(frozen=True, slots=True)
class Tag:
    """A label on results."""

    id: str
    name: str
    description: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Tag:
        return cls(id=data["id"], name=data["name"], description=data.get("description") or "")


@dataclass(frozen=True, slots=True)
class Result:
    """One run of a benchmark on a site's flavor: the benchmark's JSON output and context."""

    id: str
    execution_datetime: datetime
    upload_datetime: datetime
    benchmark: Benchmark
    site: Site
    flavor: Flavor
    tags: tuple[Tag, ...]
    json: dict[str, Any]

    @classmethod
    def from_api(cls, data: Mapping[str, Any], shared: dict | None = None) -> Result:
        """Read a result; ``shared`` lets many results share one Benchmark/Site/Flavor/Tag.

        A bulk load of 100,000 results otherwise holds 100,000 copies of the same
        benchmark and its JSON Schema.
        """
        shared = {} if shared is None else shared
        return cls(
            id=data["id"],
            execution_datetime=parse_datetime(data["execution_datetime"]),
            upload_datetime=parse_datetime(data["upload_datetime"]),
            benchmark=_shared(shared, Benchmark, data["benchmark"]),
            site=_shared(shared, Site, data["site"]),
            flavor=_shared(shared, Flavor, data["flavor"]),
            tags=tuple(_shared(shared, Tag, tag) for tag in data.get("tags", ())),
            json=data.get("json") or {},
        )


def _shared(shared: dict, cls: type[T], data: Mapping[str, Any]) -> T:
    key = (cls, data["id"])
    record = shared.get(key)
    if record is None:
        record = shared[key] = cls.from_api(data)  # type: ignore[attr-defined]
    return record


@dataclass(frozen=True, slots=True)
class Claim:
    """A user's report that a result looks wrong.

    ``resource_id`` is None when the service no longer names the result: it answers so
    for the older claim of a result claimed twice (the result holds one claim).
    """

    id: str
    message: str
    resource_type: str
    resource_id: str | None
    upload_datetime: datetime | None
    uploader: User | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Claim:
        uploader = data.get("uploader")
        return cls(
            id=data["id"],
            message=data.get("message", ""),
            resource_type=data.get("resource_type", "result"),
            resource_id=data.get("resource_id"),
            upload_datetime=parse_datetime(data.get("upload_datetime")),
            uploader=User.from_api(uploader) if uploader else None,
        )


@dataclass(frozen=True, slots=True)
class Submit:
    """An item waiting for an administrator's review (a benchmark, site, flavor or claim)."""

    resource_type: str
    resource_id: str
    upload_datetime: datetime | None
    uploader: User | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Submit:
        uploader = data.get("uploader")
        return cls(
            resource_type=data["resource_type"],
            resource_id=data["resource_id"],
            upload_datetime=parse_datetime(data.get("upload_datetime")),
            uploader=User.from_api(uploader) if uploader else None,
        )


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An item of a list this client could not read: what is known of it, and why not."""

    data: Any
    reason: str

    @property
    def id(self) -> str | None:
        known = self.data.get("id") if isinstance(self.data, Mapping) else None
        return known if isinstance(known, str) else None

    def __str__(self) -> str:
        fields = sorted(self.data) if isinstance(self.data, Mapping) else []
        named = f"item {self.id}" if self.id else "an item without an id"
        return f"{named} ({self.reason}; it has {', '.join(map(str, fields)) or 'no fields'})"


class Items(list, Generic[T]):
    """Every item of a list (a ``list``), and apart, the ones that could not be read."""

    def __init__(self, items=(), unreadable=()) -> None:
        super().__init__(items)
        self.unreadable: list[Unreadable] = list(unreadable)


def _read_each(items: Any, read: Callable[[Any], T]) -> tuple[list[T], list[Unreadable]]:
    read_items: list[T] = []
    unreadable: list[Unreadable] = []
    for item in items:
        try:
            read_items.append(read(item))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            reason = f"missing {error}" if isinstance(error, KeyError) else str(error)
            unreadable.append(Unreadable(item, reason))
    return read_items, unreadable


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, and where it sits in the whole.

    ``unreadable`` holds the items this client could not read, apart from ``items``.
    """

    items: tuple[T, ...]
    total: int
    page: int
    pages: int
    per_page: int
    has_next: bool = False
    has_prev: bool = False
    unreadable: tuple[Unreadable, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any], read: Callable[[Any], T]) -> Page[T]:
        try:
            items, unreadable = _read_each(data["items"], read)
            return cls(
                items=tuple(items),
                unreadable=tuple(unreadable),
                total=int(data["total"]),
                page=int(data["page"]),
                pages=int(data["pages"]),
                per_page=int(data["per_page"]),
                has_next=bool(data.get("has_next", False)),
                has_prev=bool(data.get("has_prev", False)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise MalformedResponse(
                f"The performance service sent a list this client cannot read "
                f"({type(error).__name__}: {error})"
            ) from None
