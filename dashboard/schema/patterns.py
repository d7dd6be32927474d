"""A schema's patterns, matched with a time limit.

Python's ``re`` has no time limit, and a pattern such as ``^(a|a)*$`` backtracks for
hours on some texts while holding the interpreter (every session of the server waits).
jsonschema matches ``pattern`` and ``patternProperties`` (and finds additional
properties) with ``re``: :data:`BOUNDED` holds those keywords again, written here on the
``regex`` library, which takes a timeout; :mod:`dashboard.schema.offline` puts them in
its validators. A pattern that takes longer than :data:`PATTERN_SECONDS` on one text, or
is no regular expression, is an :class:`UnusablePattern` naming it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import regex
from jsonschema.protocols import Validator

__all__ = ["BOUNDED", "PATTERN_SECONDS", "UnusablePattern"]

#: Time one pattern may take on one text (real ones match in microseconds).
PATTERN_SECONDS = 0.05
_LONGEST = 80


class UnusablePattern(Exception):
    """A schema's ``pattern`` that is no regular expression, or took longer than
    :data:`PATTERN_SECONDS` on one text; ``str()`` says which, naming it."""

    def __init__(self, pattern: str, why: str) -> None:
        shown = pattern if len(pattern) <= _LONGEST else pattern[: _LONGEST - 1] + "…"
        super().__init__(f"its pattern {shown!r} {why}")


def _matches(pattern: str, text: str) -> bool:
    try:
        return regex.search(pattern, text, timeout=PATTERN_SECONDS) is not None
    except TimeoutError:
        why = "takes too long to match (it backtracks without end on some texts)"
        raise UnusablePattern(pattern, why) from None
    except regex.error as error:
        raise UnusablePattern(pattern, f"is not a regular expression ({error})") from None


def _pattern(validator: Validator, pattern: str, instance: Any, schema: Any) -> Iterator:
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Validator, patterns: Any, instance: Any, schema: Any):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            if _matches(pattern, name):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


def _additional_properties(validator: Validator, allowed: Any, instance: Any, schema: Any):
    if not validator.is_type(instance, "object"):
        return
    named = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = sorted(
        (
            name
            for name in instance
            if name not in named and not any(_matches(p, name) for p in patterns)
        ),
        key=str,
    )
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif not allowed and extras:
        listed = ", ".join(repr(extra) for extra in extras)
        yield jsonschema.ValidationError(
            f"Additional properties are not allowed ({listed} "
            f"{'was' if len(extras) == 1 else 'were'} unexpected)"
        )


#: jsonschema's keywords that match patterns with ``re``, matched with a time limit here.
BOUNDED = {
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
}
