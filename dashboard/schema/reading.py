"""Reading the JSON a user gives (a result file, pasted text, a benchmark's schema), bounded.

The first step of an upload's checks, apart from :mod:`dashboard.schema.checks` along the data
flow: bytes or text become a JSON value, or a :class:`Problem` saying where and what is
wrong. Files come from anyone, so reading is bounded (size, nesting, number of values)
and refuses what would break later on: numbers beyond a float's range (or so small they
would become 0), text no UTF-8 can carry (a lone surrogate), the NUL character the
service's database cannot store, and keys given twice (JSON keeps only the last).
"""

from __future__ import annotations

import json
import logging
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.schema.offline import MAX_SCHEMA_DEPTH

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_RESULT_DEPTH",
    "MAX_SCHEMA_BYTES",
    "MAX_VALUES",
    "RESULT",
    "SCHEMA",
    "Kind",
    "Problem",
    "ReadFile",
    "encoded",
    "json_path",
    "read_json",
    "shorter",
    "unexpected",
    "value_flaw",
]

log = logging.getLogger(__name__)

#: Results are a few kilobytes of JSON; a file this large is not one.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Benchmark schemas are a few kilobytes, and each result listed carries its
#: benchmark's schema: a hundred times the largest real one is plenty.
MAX_SCHEMA_BYTES = 256 * 1024
#: Real results nest about six levels; checking costs a few Python frames per level.
MAX_RESULT_DEPTH = 32
#: Real results hold tens to thousands of values; checking a million takes seconds,
#: during which every session of the server waits.
MAX_VALUES = 50_000
_BOM = b"\xef\xbb\xbf"
_CONSTANT = re.compile(r"-?Infinity|NaN")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LONGEST_VALUE = 80
_LONGEST_NAME = 40
_LARGEST = sys.float_info.max


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload: where, what, and what the schema says there."""

    where: str
    message: str
    description: str = ""

    def __str__(self) -> str:
        described = f" ({self.description})" if self.description else ""
        return f"{self.where}: {self.message}{described}"


@dataclass(frozen=True)
class ReadFile:
    """A file as read: its JSON object, or the problems that stop it being a result."""

    name: str
    document: dict[str, Any] | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Kind:
    """What is being read, for the words and the bounds."""

    noun: str
    a: str
    max_bytes: int
    max_depth: int


RESULT = Kind("file", "a result", MAX_FILE_BYTES, MAX_RESULT_DEPTH)
SCHEMA = Kind("schema", "a benchmark's schema", MAX_SCHEMA_BYTES, MAX_SCHEMA_DEPTH)


class _Unfit:
    """A number as written that no float holds (json's hooks cannot say where it is)."""

    def __init__(self, text: str, too_small: bool = False) -> None:
        self.text = text
        self.too_small = too_small


class _Repeated(dict):
    """An object whose text gives one key twice (json keeps only the last value)."""

    repeated = ""


def unexpected(where: str, error: Exception) -> Problem:
    """The last resort: an error nobody foresaw, said in the form (no traceback anywhere)."""
    log.warning("checking %s failed unexpectedly: %s", where, type(error).__name__)
    return Problem(
        where,
        f"could not be checked: the dashboard met an unexpected {type(error).__name__} "
        f"({shorter(str(error), _LONGEST_VALUE)}); please tell the dashboard's maintainers",
    )


def shorter(text: str, longest: int = _LONGEST_VALUE) -> str:
    """`text` cut to `longest` characters, printable (a lone surrogate as its escape)."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= longest else text[: longest - 1] + "…"


def _size(count: int) -> str:
    """A size in kB or MB, rounded up (a file just over a bound is not "at" it)."""
    unit, scale = ("MB", 1024 * 1024) if count >= 1024 * 1024 else ("kB", 1024)
    tenths = math.ceil(count * 10 / scale)
    return f"{tenths // 10} {unit}" if tenths % 10 == 0 else f"{tenths / 10:.1f} {unit}"


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def _constant_outside_strings(text: str) -> re.Match[str] | None:
    """The first NaN/Infinity that is a value, not text inside a string."""
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "-IN":
            match = _CONSTANT.match(text, index)
            if match:
                return match
    return None


def _number(text: str) -> float | _Unfit:
    value = float(text)
    if math.isinf(value):
        return _Unfit(text)
    if value == 0 and re.split("[eE]", text)[0].strip("-+0."):
        return _Unfit(text, too_small=True)
    return value


def _integer(text: str) -> int | _Unfit:
    if len(text.lstrip("-")) > 400:  # int() itself refuses past 4,300 digits
        return _Unfit(text)
    value = int(text)
    return value if abs(value) <= _LARGEST else _Unfit(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) == len(pairs):
        return document
    repeated = _Repeated(document)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            repeated.repeated = key
            break
        seen.add(key)
    return repeated


def _unfit_words(number: _Unfit) -> str:
    digits = len(number.text.lstrip("-"))
    shown = number.text if digits <= 30 else f"a number of {digits:,} digits"
    if number.too_small:
        return f"{shown} is too small for JSON results to carry: it would become 0"
    return f"{shown} is beyond the largest number JSON results can carry (about 1.8e308)"


def _text_flaw(text: str) -> str:
    """Why `text` cannot be stored or sent, or ""."""
    half = _SURROGATE.search(text)
    if half:
        return (
            f"holds \\u{ord(half.group()):04x}, half of a UTF-16 surrogate pair without its "
            "other half, which is no character: write the character itself, or both halves"
        )
    if "\x00" in text:
        return "holds the NUL character (\\u0000), which the service's database cannot store"
    return ""


def value_flaw(document: Any, kind: Kind) -> tuple[tuple, str] | None:
    """The first thing in a parsed value that cannot be in `kind`: (its path, what)."""
    stack: list[tuple[Any, tuple]] = [(document, ())]
    count = 0
    while stack:  # a stack, not recursion: the value may nest deeper than Python allows
        value, path = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return (), (
                f"holds more than {MAX_VALUES:,} values (numbers, texts, lists and objects); "
                f"{kind.a} may hold at most {MAX_VALUES:,}"
            )
        if isinstance(value, _Unfit):
            return path, _unfit_words(value)
        if isinstance(value, float) and not math.isfinite(value):
            return path, f"{value} is not a number JSON can carry"
        if isinstance(value, str) and _text_flaw(value):
            return path, f"the text {_text_flaw(value)}"
        if not isinstance(value, Mapping | list):
            continue
        if len(path) >= kind.max_depth:
            return path, (
                f"lists and objects are nested more than {kind.max_depth} levels deep here; "
                f"{kind.a} may nest at most {kind.max_depth}"
            )
        if isinstance(value, _Repeated):
            return path, (
                f'the key "{shorter(value.repeated)}" is given twice: JSON keeps only the '
                "last value, so the first would be lost"
            )
        items = list(value.items() if isinstance(value, Mapping) else enumerate(value))
        for key, _ in items:
            if isinstance(key, str) and _text_flaw(key):
                return path, f'the key "{shorter(key)}" {_text_flaw(key)}'
        stack.extend((child, (*path, key)) for key, child in reversed(items))
    return None


def read_json(name: str, data: bytes, kind: Kind) -> ReadFile:
    """UTF-8 JSON text holding one object, within `kind`'s bounds."""

    def refused(where: str, message: str) -> ReadFile:
        return ReadFile(name, None, (Problem(where, message),))

    this = f"the {kind.noun}"
    if not data.strip():
        return refused(name, f"{this} is empty: {kind.a} is a JSON object")
    if len(data) > kind.max_bytes:
        return refused(
            name,
            f"{this} is {_size(len(data))}; {kind.a} may be at most {_size(kind.max_bytes)}",
        )
    if data.startswith(_BOM):
        return refused(
            name,
            f"{this} starts with a byte order mark (BOM), which JSON does not allow: "
            "save it as UTF-8 without BOM",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return refused(name, f"{this} is not UTF-8 text (byte {error.start + 1} is not)")
    constant = _constant_outside_strings(text) if _CONSTANT.search(text) else None
    if constant:
        return refused(
            f"{name}, {_position(text, constant.start())}",
            f"{constant.group()} is not a JSON value: use a number, or null",
        )
    try:
        document = json.loads(
            text, parse_float=_number, parse_int=_integer, object_pairs_hook=_object
        )
    except json.JSONDecodeError as error:
        return refused(
            f"{name}, line {error.lineno}, column {error.colno}", f"not JSON: {error.msg}"
        )
    except RecursionError:  # nested deeper than the parser goes: far beyond the bound
        return refused(
            name,
            f"lists and objects are nested more than {kind.max_depth} levels deep; "
            f"{kind.a} may nest at most {kind.max_depth}",
        )
    if not isinstance(document, dict):
        held = {list: "a list", str: "a string", bool: "true or false"}.get(
            type(document), "null" if document is None else "a number"
        )
        return refused(
            name, f"{kind.a} is a JSON object ({{...}}), but this {kind.noun} holds {held}"
        )
    flaw = value_flaw(document, kind)
    if flaw is not None:
        path, message = flaw
        return refused(f"{name}, at {json_path(path)}" if path else name, message)
    return ReadFile(name, document)


def encoded(name: str, text: str) -> bytes | Problem:
    """Pasted text as UTF-8, or why it cannot be (a lone surrogate from the browser)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        return Problem(
            f"{name}, {_position(text, error.start)}",
            f"holds \\u{ord(text[error.start]):04x}, half of a UTF-16 surrogate pair without "
            "its other half, which is no character",
        )


def json_path(parts, whole: str = "(the whole result)") -> str:
    """A path in a JSON value as a user reads it (``result.runs[2]``); `whole` for none."""
    parts = list(parts)
    if len(parts) > 8:  # a path nested too deep says where it starts and where it ends
        parts = [*parts[:3], "…", *parts[-3:]]
    path = ""
    for part in parts:
        name = shorter(str(part), _LONGEST_NAME)
        path += f"[{part}]" if isinstance(part, int) else f".{name}" if path else name
    return path or whole
