"""Dotted paths into results' JSON, split on their dots as the API splits them."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.schema.jsonpath import MISSING
from dashboard.schema.jsonpath import value_at as lookup


@pytest.mark.parametrize(
    ("document", "path", "value"),
    [
        ({"a": {"b": {"c": 1}}}, "a.b.c", 1),
        ({"a": {"b": None}}, "a.b", None),
        ({"a": {"b": 1}}, "a.c", MISSING),
        ({"a": 1}, "a.b", MISSING),
        ({"a": [1, 2]}, "a.0", MISSING),
        # a path is split on its dots, as the API splits it: a key holding a dot is
        # out of every path's reach, and filters, columns and summaries agree on that
        ({"a.b": 1}, "a.b", MISSING),
        ({"a": {"b.c": {"d": 2}}}, "a.b.c.d", MISSING),
        ({"a": {"b": {}}, "a.b": {"c": 3}}, "a.b.c", MISSING),
        ({"a": {"b": {"c": 3}}, "a.b": {"c": 4}}, "a.b.c", 3),
        ({"wall time": 4}, "wall time", 4),
    ],
    ids=["nested", "null", "absent", "through-scalar", "into-list", "dotted-name-unreachable",
         "dotted-inner-name-unreachable", "no-backtracking", "nested-not-dotted", "space"],
)  # fmt: skip
def test_lookup(document: dict[str, Any], path: str, value: Any) -> None:
    assert lookup(document, path) is value or lookup(document, path) == value
