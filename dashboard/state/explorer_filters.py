"""The explorer's filters as conditions on the results, and the JSON conditions the user
adds and removes (each checked against its field as the widgets would).

A part of :class:`~dashboard.state.explorer.ExplorerState` (a mixin: it reads and sets
the state's parameters), kept apart from loading.
"""

from __future__ import annotations

from datetime import date

from dashboard.api import InvalidQuery, JsonFilter
from dashboard.results.filters import Filters
from dashboard.state.links import condition_problem

__all__ = ["FilterChoices"]


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
