"""What a shared link may ask of the explorer: each value read and checked as a click is.

A link is text anyone can write and send, so none of its values is trusted. Each is
first read as the type of the parameter it sets (:func:`read_link`: a list of ids, a
day, one of a selector's choices); then, once the benchmark's results are loaded,
checked against what the explorer's widgets could have offered
(:func:`unoffered_choices`: an id among the loaded results, a field of this
benchmark, an operator that field takes, a value of the field's kind). Whatever
fails is left out and said in words, never applied and never shown as markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import param

from dashboard.api import InvalidQuery, JsonFilter
from dashboard.results import facets as summaries
from dashboard.results import filters
from dashboard.schema.fields import SchemaField, field_labels

__all__ = ["condition_problem", "link_query", "read_link", "unoffered_choices"]

#: Columns of the explorer's table other than the JSON fields.
BASE_SORTS = frozenset({"benchmark", "site", "flavor", "tags", "execution_datetime"})
_SORT = re.compile(r"^[+-](.+)$")
_SHORTEST = 60


def quoted(value: Any) -> str:
    """A value of a link as a reader sees it, cut short: links can be long."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return repr(text if len(text) <= _SHORTEST else text[: _SHORTEST - 1] + "…")


def _read(parameter: param.Parameter, raw: str) -> Any:
    """``raw`` as the value ``parameter`` takes; ValueError when it cannot be one."""
    if isinstance(parameter, param.List):
        value = json.loads(raw)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError("not a list of names")
        return value
    if isinstance(parameter, param.CalendarDate):
        return date.fromisoformat(raw)
    if isinstance(parameter, param.Boolean):
        if raw not in ("true", "false"):
            raise ValueError("neither true nor false")
        return raw == "true"
    if isinstance(parameter, param.Selector):
        if raw not in parameter.objects:
            raise ValueError(f"not one of {', '.join(map(str, parameter.objects))}")
        return raw
    return raw


def read_link(
    parameters: param.parameterized.Parameters, query: Mapping[str, str], names: Iterable[str]
) -> tuple[dict[str, Any], list[str]]:
    """The values a link gives for ``names``, each read as its parameter's type, and
    what could not be read, in words."""
    values: dict[str, Any] = {}
    refused: list[str] = []
    for name in names:
        if name not in query:
            continue
        raw = query[name]
        try:
            value = _read(parameters[name], raw)
        except (ValueError, TypeError, RecursionError) as error:
            refused.append(f"{name} {quoted(raw)} ({error})")
            continue
        values[name] = value
    return values, refused


def link_query(parameterized: param.Parameterized, names: Iterable[str]) -> dict[str, str]:
    """The query of a link to a view: each of ``names`` that differs from its default, as
    text :func:`read_link` reads back."""
    query = {}
    for name in names:
        value = getattr(parameterized, name)
        if value == parameterized.param[name].default or value is None:
            continue
        if isinstance(value, date):
            query[name] = value.isoformat()
        elif isinstance(value, bool | list):
            query[name] = json.dumps(value)
        else:
            query[name] = str(value)
    return query


def _texts_of(value: Any) -> str:
    """How a filter value reads in a condition's text (the API compares the text)."""
    return str(JsonFilter("x", "==", value)).split(" ", 2)[2]


def condition_problem(field: SchemaField | None, path: str, op: str, value: Any) -> str:
    """Why ``path op value`` is not a condition the explorer offers; "" when it is."""
    if field is None:
        return f"{path!r} is not a field of this benchmark's results"
    if op not in field.operators:
        allowed = " ".join(field.operators) or "none"
        return f"{field.label} ({field.kind}) takes only: {allowed}"
    try:
        text = _texts_of(value)
        allowed_values = (
            {_texts_of(option) for option in field.enum} if field.enum is not None else None
        )
    except InvalidQuery as error:
        return str(error)
    if allowed_values is not None:
        return "" if text in allowed_values else f"{field.label} is never {text}"
    if field.kind == "boolean" and not isinstance(value, bool):
        return f"{field.label} is true or false, not {text}"
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if field.kind == "integer" and not (numeric and float(value).is_integer()):
        return f"{field.label} is a whole number, not {text}"
    if field.kind == "number" and not numeric:
        return f"{field.label} is a number, not {text}"
    if field.kind == "datetime" and not _is_day_or_moment(value):
        return f"{field.label} is a date (YYYY-MM-DD), not {text}"
    return ""


def _is_day_or_moment(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _kept(chosen: list[str], offered: Collection[str], what: str, dropped: list[str]) -> list[str]:
    kept = [item for item in chosen if item in offered]
    dropped.extend(
        f"the {what} {quoted(item)} (not among these results)"
        for item in chosen
        if item not in kept
    )
    return kept


def unoffered_choices(
    choices: Mapping[str, Any],
    fields: list[SchemaField],
    population: pd.DataFrame,
    *,
    from_link: Collection[str] = (),
    switched: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """The choices no widget could have made for these results, replaced, and why.

    ``choices`` holds the explorer's current values by parameter name. Columns, the
    order and plot axes that do not fit are replaced silently when they are left from
    another benchmark, and said when ``from_link`` names them (a link asked for them).
    ``switched``: the user chose another benchmark, and conditions made for the
    previous one that no result here meets are left out too.
    """
    changes: dict[str, Any] = {}
    dropped: list[str] = []
    by_path = {f.path: f for f in fields}
    if len(population):
        _check_ids(choices, population, changes, dropped)
    unmet = population if switched and "json_filters" not in from_link else None
    _check_conditions(choices, by_path, changes, dropped, unmet)
    columns = _check_columns(choices, by_path, "columns" in from_link, changes, dropped)
    unsortable = _check_sort(choices["sort"], columns, changes)
    if unsortable and "sort" in from_link:
        dropped.append(unsortable)
    dropped.extend(_check_reference(choices, population, changes))
    labels = field_labels(fields)
    for name, axis in (("plot_x", "x"), ("plot_y", "y")):
        value = choices[name]
        if not value or value == "execution_datetime":
            continue
        field = by_path.get(value)
        if (field is None or not field.numeric) and name in from_link:
            dropped.append(
                f"the plot's {axis} {quoted(labels.get(value, value))} (not a number field)"
            )
    return changes, dropped


def _check_ids(choices: Mapping[str, Any], population: pd.DataFrame, changes, dropped) -> None:
    """Sites, flavors, tags and results: only those among the results loaded."""
    for facet, what in (("site", "site"), ("flavor", "flavor"), ("tags", "tag")):
        name = "tag_ids" if facet == "tags" else f"{facet}_ids"
        offered = {key for key, _ in summaries.options(population, facet)}
        kept = _kept(list(choices[name]), offered, what, dropped)
        if kept != list(choices[name]):
            changes[name] = kept
    results = set(population["id"][population["id"].isin(choices["result_ids"])])
    kept = _kept(list(choices["result_ids"]), results, "result", dropped)
    if kept != list(choices["result_ids"]):
        changes["result_ids"] = kept


def _check_conditions(
    choices: Mapping[str, Any], by_path, changes, dropped, unmet: pd.DataFrame | None = None
) -> None:
    """Conditions a field of these results takes, with an operator and value it offers
    (and, given ``unmet``, that some of its rows meet)."""
    conditions = []
    for text in choices["json_filters"]:
        try:
            condition = JsonFilter.parse(text)
        except InvalidQuery as error:
            dropped.append(f"the condition {quoted(text)} ({error})")
            continue
        problem = condition_problem(
            by_path.get(condition.path), condition.path, condition.op, condition.value
        )
        if not problem and _meets_none(unmet, condition):
            problem = "no result of this benchmark meets it"
        if problem:
            dropped.append(f"the condition {quoted(text)} ({problem})")
        else:
            conditions.append(text)
    if conditions != list(choices["json_filters"]):
        changes["json_filters"] = conditions


def _meets_none(rows: pd.DataFrame | None, condition: JsonFilter) -> bool:
    """Whether ``rows`` (when given, and some) hold none that meets ``condition``."""
    if rows is None or not len(rows):
        return False
    return not filters.mask(rows, filters.Filters(json_filters=(condition,))).any()


def _check_columns(choices, by_path, asked: bool, changes, dropped) -> list[str]:
    """The columns of these results' fields; the benchmark's own when none is left."""
    columns = [path for path in choices["columns"] if path in by_path]
    if columns != list(choices["columns"]):
        if asked:  # a link asked for them: keep what there is, say what there is not
            dropped.extend(
                f"the column {quoted(path)} (no such field)"
                for path in choices["columns"]
                if path not in by_path
            )
        else:  # another benchmark's columns: this one's own instead
            columns = []
        changes["columns"] = columns
    return columns


def _check_sort(sort: str, columns: list[str], changes: dict) -> str:
    if not sort:
        return ""
    match = _SORT.match(sort)
    # the table sorts on its base columns and the JSON columns shown
    sortable = BASE_SORTS | {f"json.{path}" for path in columns}
    if match and match.group(1) in sortable:
        return ""
    changes["sort"] = ""
    return f"the order {quoted(sort)} (no such column)"


def _check_reference(
    choices: Mapping[str, Any], population: pd.DataFrame, changes: dict
) -> list[str]:
    reference = choices["reference"]
    if not reference or not len(population):
        return []
    # The summary names groups among the filtered rows: a flavor is "standard.large" at one
    # site, "standard.large (CESNET)" among several. Any such form of a group's name does.
    names = summaries.group_names(population, choices["plot_group"])
    raw = {name.split(" (", 1)[0] for name in names.values()}
    if reference in names or reference in set(names.values()) or reference in raw:
        return []
    if reference.split(" (", 1)[0] in raw and reference.endswith(")"):
        return []
    changes["reference"] = ""
    return [f"the reference group {quoted(reference)} (no such group)"]
