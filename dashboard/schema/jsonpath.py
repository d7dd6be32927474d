"""Dotted paths into a result's JSON (``machine.cpu.count``), walked by one rule: the API's.

The API splits a path on dots and follows object keys: ``filters=machine.cpu.count >= 8``
reads ``json["machine"]["cpu"]["count"]``. Every part of the dashboard walks paths the
same way, so that a column, a filter, a summary and an upload's prefilled time all mean
the same value; a key that itself holds a dot cannot be reached by any path, and
:func:`leaves` leaves it out. Lists and empty objects are leaves.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

__all__ = ["MISSING", "leaves", "value_at", "values_at"]


class _Missing(enum.Enum):
    MISSING = "MISSING"


MISSING = _Missing.MISSING
"""What :func:`value_at` gives for a path a document does not have (JSON null is None)."""


def value_at(document: Any, path: str) -> Any:
    """The value at ``path`` of ``document``, or :data:`MISSING` if it has none."""
    node = document
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return MISSING
        node = node[key]
    return node


def values_at(documents: Iterable[Any], paths: Iterable[str]) -> dict[str, list[Any]]:
    """For each path, the value in each document (None where absent or null).

    Paths sharing a prefix walk it once: 100,000 results with ten ``machine.*`` columns
    look ``machine`` up 100,000 times, not a million.
    """
    levels: dict[tuple[str, ...], list[Any]] = {(): list(documents)}
    return {path: _level(levels, tuple(path.split("."))) for path in dict.fromkeys(paths)}


def _level(levels: dict[tuple[str, ...], list[Any]], parts: tuple[str, ...]) -> list[Any]:
    found = levels.get(parts)
    if found is None:
        parent, key = _level(levels, parts[:-1]), parts[-1]
        found = levels[parts] = [node.get(key) if type(node) is dict else None for node in parent]
    return found


def leaves(document: Any) -> Iterator[tuple[str, Any]]:
    """``(path, value)`` of every leaf a path reaches, depth first, in document order."""
    if not isinstance(document, Mapping):
        return
    stack = [("", iter(document.items()))]  # no recursion: documents may nest deep
    while stack:
        prefix, items = stack[-1]
        for key, value in items:
            if "." in str(key):
                continue  # no dotted path reaches it
            path = f"{prefix}{key}"
            if isinstance(value, Mapping) and value:
                stack.append((f"{path}.", iter(value.items())))
                break
            yield path, value
        else:
            stack.pop()
