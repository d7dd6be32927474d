"""Patterns in a schema match in bounded time, and still as the draft says."""

from __future__ import annotations

import time

import pytest

from dashboard.schema.checks import check_result


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param(
            {"properties": {"name": {"type": "string", "pattern": "^(a|a)*$"}}}, id="pattern"
        ),
        pytest.param(
            {"patternProperties": {"^(a|a)*$": {"type": "integer"}}}, id="patternProperties"
        ),
        pytest.param(
            {"patternProperties": {"^(a|a)*$": {}}, "additionalProperties": False},
            id="additionalProperties",
        ),
    ],
)
def test_a_pattern_that_backtracks_without_end_is_stopped_and_named(schema):
    """Python's re would take hours on these (and hold every session of the server)."""
    document = {"name": "a" * 40 + "!", "a" * 40 + "!": 1}
    started = time.monotonic()
    (problem,) = check_result(document, schema)
    assert time.monotonic() - started < 1
    assert problem.where == "the benchmark's schema"
    assert "its pattern '^(a|a)*$' takes too long to match" in problem.message


def test_patterns_that_match_still_check_as_the_draft_says():
    schema = {
        "properties": {"resolution": {"type": "string", "pattern": "^[0-9]+x[0-9]+$"}},
        "patternProperties": {"^run_[0-9]+$": {"type": "number"}},
        "additionalProperties": False,
    }
    assert check_result({"resolution": "1920x1080", "run_1": 2.5}, schema) == []
    problems = [str(p) for p in check_result({"resolution": "big", "run_1": "x", "z": 1}, schema)]
    assert len(problems) == 3, problems
    assert any("'big' does not match" in p for p in problems)
    assert any("'z' was unexpected" in p for p in problems)
