"""Checks the real service makes on what users upload: images, schemas, results.

The real service asks its container registry whether a benchmark's image exists;
the sandbox cannot reach one, so it accepts any well-formed image reference. A
benchmark's JSON Schema must be valid for its own meta-schema, and a result must
pass its benchmark's schema, under the draft the schema's ``$schema`` names (the
real service's defaults: draft-07 to check schemas, the latest draft to validate
results). Failures answer 422 with ``errors.error`` and ``errors.path``.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator

from dashboard.sandbox import errors

_IMAGE = re.compile(
    r"^(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?"  # optional registry host[:port]
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$"
)
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def check_image(image: str, tag: str) -> None:
    """422 unless `image`:`tag` is a well-formed container image reference."""
    if not (_IMAGE.match(image) and _TAG.match(tag)):
        raise errors.refused(422, f"Image {image}:{tag} not found in dockerhub")


def _validator_class(schema: dict[str, Any], default: type[Validator]) -> type[Validator]:
    # An unknown `$schema` falls back to the default draft, as on the real service;
    # jsonschema warns about that fallback, which is expected here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return jsonschema.validators.validator_for(schema, default=default)


def check_schema(schema: dict[str, Any]) -> None:
    """422 unless `schema` is valid for its meta-schema."""
    try:
        _validator_class(schema, jsonschema.Draft7Validator).check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise errors.invalid({"error": exc.message, "path": f"{exc.path}"}) from None
    except Exception as exc:  # e.g. a `$schema` that is not even a string
        raise errors.invalid({"error": str(exc), "path": "deque([])"}) from None


def result_validator(schema: dict[str, Any]) -> Validator:
    """A validator for results of a benchmark with `schema`."""
    cls = _validator_class(schema, jsonschema.validators._LATEST_VERSION)
    return cls(schema)


def validate_result(validator: Validator, document: Any) -> None:
    """422 unless `document` passes; the error names the most relevant failure and its path."""
    try:
        error = best_match(validator.iter_errors(document))
    except Exception as exc:  # a user's schema can fail in many ways (unresolvable $ref, bad regex)
        raise errors.invalid({"error": str(exc), "path": "deque([])"}) from None
    if error is not None:
        raise errors.invalid({"error": error.message, "path": f"{error.path}"})
