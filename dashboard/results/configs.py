"""Comparable runs only: the configurations a benchmark's results were run with.

A result's JSON mixes what was measured (``result.*``), the machine (``machine*``), and
how the run was set up: the model trained, its batch size, the precision, the
arguments. Results of different set-ups are not comparable (ResNet-50's images per
second are not VGG16's), so before ranking machines the population is split by its
configuration, and when it mixes several the caller asks which one (by default the
most common).

A configuration field is a field of the schema outside the measurement and the machine
that is a choice: one with a fixed set of values (``enum``/``const``), a string, a
boolean, or a whole number named as a size of the run (``batch``). Fields with more
distinct values than :data:`MOST_CHOICES` are names or notes, not set-ups.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.schema.fields import SchemaField

__all__ = ["configuration_fields", "configurations"]

MOST_CHOICES = 20
_NOT_SETUP = ("result", "machine", "machine_config", "start_datetime", "end_datetime")


def configuration_fields(fields: Sequence[SchemaField]) -> list[SchemaField]:
    """The fields that describe how a run was set up rather than what it measured."""
    chosen = []
    for field in fields:
        if field.path.split(".", 1)[0] in _NOT_SETUP or field.kind == "datetime":
            continue
        named_size = field.kind == "integer" and "batch" in field.path.rsplit(".", 1)[-1]
        if field.enum is not None or field.kind in ("string", "boolean") or named_size:
            chosen.append(field)
    return chosen


def configurations(frame: pd.DataFrame, fields: Sequence[SchemaField]) -> pd.DataFrame:
    """The configurations the results of ``frame`` were run with, most common first:
    one row each, a column per configuration field that varies, and ``n``. One row
    (with only ``n``) when the population does not mix set-ups."""
    columns = []
    for field in configuration_fields(fields):
        column = f"json.{field.path}"
        if column in frame.columns:
            distinct = frame[column].nunique(dropna=False)
            if 1 < distinct <= MOST_CHOICES:
                columns.append(column)
    if not columns or not len(frame):
        return pd.DataFrame({"n": [len(frame)]})
    counted = frame[columns].astype("string").fillna("(none)").value_counts(sort=True)
    table = counted.rename("n").reset_index()
    table.columns = [c.removeprefix("json.") if c != "n" else c for c in table.columns]
    return table
