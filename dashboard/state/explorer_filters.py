"""The explorer's filters as conditions on the results, and the JSON conditions the user
adds and removes (each checked against its field as the widgets would).

A part of :class:`~dashboard.state.explorer.ExplorerState` (a mixin: it reads and sets
the state's parameters), kept apart from loading.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import param

from dashboard.api import InvalidQuery, JsonFilter
from dashboard.results.blame import culprits
from dashboard.results.filters import Filters
from dashboard.state.links import condition_problem

__all__ = ["FILTER_PARAMETERS", "FilterChoices", "nothing_matches"]

#: The parameters that narrow the results (a link carries them; "Clear all" resets them).
FILTER_PARAMETERS = (
    "site_ids",
    "flavor_ids",
    "tag_ids",
    "execution_after",
    "execution_before",
    "upload_after",
    "upload_before",
    "text",
    "json_filters",
    "result_ids",
)


def nothing_matches(frame: pd.DataFrame, filters: Filters) -> str:
    """Why no result is left, naming the filters responsible ("" when some are left or
    nothing was loaded)."""
    if not len(frame):
        return ""
    found, every = culprits(frame, filters)
    if found:
        named = "; ".join(
            f"without {words}: {left:,} result{'' if left == 1 else 's'}" for words, left in found
        )
        return f"No result matches every filter. {named[0].upper()}{named[1:]}."
    if len(every) > 1:
        return "No result matches these filters together: " + "; ".join(every) + "."
    return "No result matches: " + "".join(every) + "." if every else ""


class FilterChoices:
    """What the user chose to see of the results, as conditions."""

    def filters(self) -> Filters:
        """The current filters (JSON filters that no longer parse are left out)."""
        parsed = []
        for text in self.json_filters:
            try:
                parsed.append(JsonFilter.parse(text))
            except InvalidQuery:
                continue
        return Filters(
            site_ids=frozenset(self.site_ids),
            flavor_ids=frozenset(self.flavor_ids),
            tag_ids=frozenset(self.tag_ids),
            execution_after=self.execution_after,
            execution_before=self.execution_before,
            upload_after=self.upload_after,
            upload_before=self.upload_before,
            json_filters=tuple(parsed),
            text=self.text,
            result_ids=frozenset(self.result_ids),
        )

    @property
    def narrowed(self) -> bool:
        """Whether any filter is set (something for "Clear all filters" to clear)."""
        return any(getattr(self, name) != self.param[name].default for name in FILTER_PARAMETERS)

    def clear_filters(self) -> None:
        """Every filter back to none: all the benchmark's results."""
        defaults = {name: self.param[name].default for name in FILTER_PARAMETERS}
        with param.parameterized.batch_call_watchers(self):
            self.param.update(**defaults, filter_problem="")

    def _switching(self, event) -> None:
        """The choices as they were before another benchmark was chosen (to undo it)."""
        self.undo = {}
        before = {**self.url_query(), "benchmark_id": event.old}
        self._before = before if event.old else None

    def undo_switch(self) -> None:
        """Back to the benchmark before the last switch, with every choice it had."""
        query, self.undo = self.undo, {}
        if not query:
            return
        reset = {name: self.param[name].default for name in self._linked if name not in query}
        with param.parameterized.batch_call_watchers(self):
            self.param.update(**reset)
            self.restore(query)

    def add_json_filter(self, path: str, op: str, value) -> bool:
        """Add a JSON filter if it fits the field; else say why in ``filter_problem``."""
        if isinstance(value, date):
            value = value.isoformat()
        problem = condition_problem(self.field(path), path, op, value)
        if problem:
            return self._refuse(problem)
        try:
            condition = JsonFilter(path, op, value)
        except InvalidQuery as error:
            return self._refuse(str(error))
        text = str(condition)
        if text not in self.json_filters:
            self.json_filters = [*self.json_filters, text]
        self.filter_problem = ""
        return True

    def _refuse(self, message: str) -> bool:
        self.filter_problem = message
        return False

    def remove_json_filter(self, text: str) -> None:
        """Drop one JSON filter."""
        self.json_filters = [existing for existing in self.json_filters if existing != text]
