"""Results read straight into columns, for loading a whole benchmark at once.

A page of results is about 300 kB, two thirds of it the benchmark that every result
embeds (its JSON Schema included). Read as Python objects, a page makes some 40,000 of
them, almost all copies of the same benchmark, site and flavor, thrown away at once: at
100,000 results the decoding alone took longer than the transfer. msgspec decodes a page
into typed structs in which each embedded record is only its id (the rest of it is
skipped without making objects); the first page that names a record not seen before is
read whole, once, to learn it (:class:`~dashboard.api.records.Result` reads it, with the
checks of any other read). Each page becomes a :class:`ResultChunk` of plain lists, and
:class:`ResultColumns` joins them in page order: no per-result objects are kept but each
result's own JSON document.

orjson has no typed decoding and the standard library's is slower still; msgspec's is
the well-kept one that skips what is not asked for.
"""

from __future__ import annotations

import functools
import operator
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import msgspec

from dashboard.api.errors import loads
from dashboard.api.records import Benchmark, Flavor, Page, Result, Site, Tag, parse_datetime

__all__ = [
    "ResultChunk",
    "ResultColumns",
    "decode_results_columns",
    "decode_results_page",
    "document",
    "documents",
    "read_results",
    "read_results_page",
]

Records = dict  # (record class, id) -> the record, shared by every page of one load


class _Ref(msgspec.Struct):
    id: str


class _Item(msgspec.Struct):
    id: str
    execution_datetime: str
    upload_datetime: str
    benchmark: _Ref
    site: _Ref
    flavor: _Ref
    tags: list[_Ref] = []
    json: Any = None


class _Page(msgspec.Struct):
    items: list[_Item]
    total: int
    page: int
    pages: int
    per_page: int
    has_next: bool = False
    has_prev: bool = False


class _RawItem(_Item):
    json: msgspec.Raw = msgspec.Raw(b"{}")  # the document's JSON text, not decoded here


class _RawPage(_Page):
    items: list[_RawItem]


_DECODER = msgspec.json.Decoder(_Page)
_RAW_DECODER = msgspec.json.Decoder(_RawPage)
_DOCUMENTS = msgspec.json.Decoder(list)


def document(value: Any) -> Any:
    """A result's JSON document, from a bulk load's text of it (or as it is)."""
    return documents([value])[0]


def documents(values: Iterable[Any], step: int = 10_000) -> list[Any]:
    """The JSON documents of many results, from a bulk load's texts of them (or as they
    are). Texts are decoded as one JSON array a few thousand at a time: three times
    faster than one by one."""
    values = list(values)
    found: list[Any] = []
    for start in range(0, len(values), step):
        part = values[start : start + step]
        texts = [value for value in part if isinstance(value, bytes)]
        try:
            decoded = iter(_DOCUMENTS.decode(b"[" + b",".join(texts) + b"]") if texts else ())
        except msgspec.DecodeError:  # e.g. 1e400, beyond a float: read as the API's answers
            decoded = iter([loads(text) for text in texts])
        # a null document reads as {}, as Result reads it
        found.extend((next(decoded) or {}) if isinstance(v, bytes) else v for v in part)
    return found


@dataclass
class ResultChunk:
    """The results of one page, a list per column, and the records they name."""

    records: Records
    ids: list[str] = field(default_factory=list)
    benchmark_ids: list[str] = field(default_factory=list)
    site_ids: list[str] = field(default_factory=list)
    flavor_ids: list[str] = field(default_factory=list)
    tag_ids: list[tuple[str, ...]] = field(default_factory=list)
    executed: list[Any] = field(default_factory=list)  # ISO 8601 text or datetimes
    uploaded: list[Any] = field(default_factory=list)
    #: each result's JSON document: its JSON text (bytes) from a typed page, else as read
    docs: list[Any] = field(default_factory=list)

    def add(self, result: Result) -> None:
        self.ids.append(result.id)
        self.benchmark_ids.append(result.benchmark.id)
        self.site_ids.append(result.site.id)
        self.flavor_ids.append(result.flavor.id)
        self.tag_ids.append(tuple([tag.id for tag in result.tags]))
        self.executed.append(result.execution_datetime)
        self.uploaded.append(result.upload_datetime)
        self.docs.append(result.json)
        for record in (result.benchmark, result.site, result.flavor, *result.tags):
            self.records.setdefault((type(record), record.id), record)


@dataclass(frozen=True, slots=True)
class _Decoded:
    page: _Page
    body: bytes  # read whole again if the page names a record not seen before


def decode_results_page(body: bytes) -> Any:
    """A page of results as typed structs, or as plain JSON data when it does not fit
    them (then :func:`read_results` reads it result by result, as any list)."""
    return _decoded(_DECODER, body)


def decode_results_columns(body: bytes) -> Any:
    """As :func:`decode_results_page`, each result's document kept as its JSON text: a
    bulk load keeps 100,000 of them, as many small byte strings instead of millions of
    small objects (which, once freed, leave the process's memory in pieces)."""
    return _decoded(_RAW_DECODER, body)


def _decoded(decoder: msgspec.json.Decoder, body: bytes) -> Any:
    try:
        return _Decoded(decoder.decode(body), body)
    except msgspec.DecodeError:  # not this shape (or not JSON): the general reading says
        return loads(body)


def read_results_page(data: Any, records: Records) -> Page[ResultChunk]:
    """The page as one chunk; the results that cannot be read are set apart, as usual."""
    if isinstance(data, _Decoded):
        typed = data.page
        chunk = _typed_chunk(typed.items, records) if _knows(typed.items, records) else None
        if chunk is not None:
            return _typed_page(typed, (chunk,))
        data = loads(data.body)  # new records, or a datetime to refuse: result by result
    return _general_page(data, records)


def read_results(data: Any, records: Records) -> Page[Result]:
    """The page's results, sharing the load's records: from the typed structs where every
    record they name is known (the embedded copies are never made), else result by result."""
    if isinstance(data, _Decoded):
        typed = data.page
        if _knows(typed.items, records):
            try:
                return _typed_page(typed, tuple([_typed_result(i, records) for i in typed.items]))
            except ValueError:  # a datetime to refuse: the general reading sets it apart
                pass
        data = loads(data.body)
    return Page.from_api(data, lambda item: Result.from_api(item, records))


def _typed_page(typed: _Page, items: tuple) -> Page:
    where = {name: getattr(typed, name) for name in typed.__struct_fields__}
    return Page(**{**where, "items": items})


def _typed_result(item: _Item, records: Records) -> Result:
    return Result(
        id=item.id,
        execution_datetime=parse_datetime(item.execution_datetime),
        upload_datetime=parse_datetime(item.upload_datetime),
        benchmark=records[(Benchmark, item.benchmark.id)],
        site=records[(Site, item.site.id)],
        flavor=records[(Flavor, item.flavor.id)],
        tags=tuple([records[(Tag, tag.id)] for tag in item.tags]),
        json=item.json or {},
    )


def _knows(items: Sequence[_Item], records: Records) -> bool:
    # each record once: a page names a few, each many times
    named = {(Benchmark, item.benchmark.id) for item in items}
    named |= {(Site, item.site.id) for item in items}
    named |= {(Flavor, item.flavor.id) for item in items}
    named |= {(Tag, tag.id) for item in items for tag in item.tags}
    return all(key in records for key in named)


def _typed_chunk(items: Sequence[_Item], records: Records) -> ResultChunk | None:
    chunk = ResultChunk(records)
    for item in items:
        try:  # as Result.from_api reads them, without keeping the datetimes made
            datetime.fromisoformat(item.execution_datetime)
            datetime.fromisoformat(item.upload_datetime)
        except ValueError:
            return None
    chunk.ids = [item.id for item in items]
    # A few records, each named by many results: one string (and tuple) per record, not
    # one per result (three million strings at a million results, kept to the load's end).
    chunk.benchmark_ids = [sys.intern(item.benchmark.id) for item in items]
    chunk.site_ids = [sys.intern(item.site.id) for item in items]
    chunk.flavor_ids = [sys.intern(item.flavor.id) for item in items]
    combos: dict[tuple[str, ...], tuple[str, ...]] = {}
    for item in items:
        combo = tuple([sys.intern(tag.id) for tag in item.tags])
        chunk.tag_ids.append(combos.setdefault(combo, combo))
    chunk.executed = [item.execution_datetime for item in items]
    chunk.uploaded = [item.upload_datetime for item in items]
    chunk.docs = [bytes(item.json) for item in items]
    return chunk


def _general_page(data: Mapping[str, Any], records: Records) -> Page[ResultChunk]:
    """Result by result, with the records read whole: the embedded ones, seen first."""
    page = Page.from_api(data, lambda item: Result.from_api(item, records))
    chunk = ResultChunk(records)
    for result in page.items:
        chunk.add(result)
    return replace(page, items=(chunk,))


class ResultColumns:
    """Many results as columns (lists in result order), with the records they name once.

    ``unreadable`` holds the results that could not be read, apart.
    """

    def __init__(self, chunks: Iterable[ResultChunk] = (), unreadable: Iterable = ()) -> None:
        chunks = list(chunks)
        self.records: Records = {}
        self.unreadable = list(unreadable)
        for name in ResultChunk.__dataclass_fields__:
            if name != "records":
                setattr(self, name, [value for chunk in chunks for value in getattr(chunk, name)])
        for chunk in chunks:
            self.records.update(chunk.records)

    @classmethod
    def of(cls, results: Iterable[Result]) -> ResultColumns:
        chunk = ResultChunk({})
        for result in results:
            chunk.add(result)
        return cls([chunk])

    def __len__(self) -> int:
        return len(self.ids)

    def record(self, cls: type, record_id: str) -> Any:
        return self.records[(cls, record_id)]


def values_in_texts(texts: Sequence[bytes], paths: Sequence[str]) -> dict[str, list] | None:
    """For each dotted path, its value in each document text (None where absent or null),
    decoding only what the paths reach (a third of the time of reading them whole); None
    if a document does not fit them (a path passes through something that is not an
    object, or null), or if one path holds another: the caller reads those documents
    whole."""
    reading = _path_reading(tuple(dict.fromkeys(paths)))
    if reading is None:
        return None
    decoder, getters, empty = reading
    try:
        roots = decoder.decode(b"[" + b",".join(texts) + b"]")
    except msgspec.ValidationError:
        return None
    if any(root is None for root in roots):  # a null document reads as {}
        roots = [empty if root is None else root for root in roots]
    # each path in one pass of C (attrgetter follows the dots): a level a document lacks
    # is an empty one, so no step meets a None
    return {path: list(map(get, roots)) for path, get in getters.items()}


def clear_caches() -> None:
    """Forget the decoders made for the paths of past loads."""
    _path_reading.cache_clear()


@functools.lru_cache(maxsize=64)
def _path_reading(paths: tuple[str, ...]) -> tuple[msgspec.json.Decoder, dict, Any] | None:
    """A decoder of a list of documents into structs holding only what ``paths`` reach
    (an object per inner key, an empty one where a document has none; any JSON value at
    the ends), a getter per path, and the empty document."""
    tree: dict = {}
    for path in paths:
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
    getters: dict[str, operator.attrgetter] = {}
    for path in paths:
        node, steps = tree, []
        for part in path.split("."):
            steps.append(f"f{list(node).index(part)}")
            node = node[part]
        if node:  # another path goes on below this one
            return None
        getters[path] = operator.attrgetter(".".join(steps))
    root = _struct(tree)
    return msgspec.json.Decoder(list[root | None]), getters, root()


def _struct(tree: dict, depth: int = 0) -> type:
    fields = []
    for number, below in enumerate(tree.values()):
        if below:
            level = _struct(below, depth + 1)
            fields.append((f"f{number}", level, msgspec.field(default_factory=level)))
        else:
            fields.append((f"f{number}", Any, None))
    rename = {f"f{number}": key for number, key in enumerate(tree)}
    return msgspec.defstruct(f"Level{depth}", fields, rename=rename)
