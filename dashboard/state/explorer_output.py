"""What the results explorer shows of its state: the plot's spec, the per-group summary,
the table's rows, a comparison, the exports and the code, and reporting a ticked result.

A part of :class:`~dashboard.state.explorer.ExplorerState` (a mixin: it reads the
state's parameters), kept apart from choosing and loading.
"""

from __future__ import annotations

import pandas as pd

from dashboard.api import APIError
from dashboard.plots.spec import DATE_COLUMN, PlotSpec
from dashboard.results.compare import compare
from dashboard.results.export import query_snippets, to_csv, to_json
from dashboard.results.stats import group_summary, relative_to
from dashboard.schema.fields import field_labels

__all__ = ["ExplorerOutput"]


class ExplorerOutput:
    """What the explorer's views show, derived from its state's parameters."""

    def plot_spec(self) -> PlotSpec:
        """The plot the current settings ask for."""
        labels = {f"json.{path}": label for path, label in self.labels.items()}
        x = DATE_COLUMN if self.plot_x in ("", None, DATE_COLUMN) else f"json.{self.plot_x}"
        return PlotSpec(
            kind=self.plot_kind,
            x=x,
            y=f"json.{self.plot_y}" if self.plot_y else "",
            group=self.plot_group,
            logx=self.logx,
            logy=self.logy,
            labels=labels,
        )

    def lower_is_better(self) -> bool:
        """The direction for comparisons: the user's choice, else the schema's, else lower."""
        if self.direction != "auto":
            return self.direction == "lower"
        field = self.field(self.plot_y) if self.plot_y else None
        known = field.lower_is_better if field else None
        return True if known is None else known

    def summary(self) -> pd.DataFrame:
        """Per group of the plot: n, median, IQR, min, max of the plotted value; and, with
        a reference group, every group's speed-up or slow-down against it."""
        column = f"json.{self.plot_y}"
        if not self.plot_y or self.filtered.empty or column not in self.filtered.columns:
            return pd.DataFrame()
        summary = group_summary(self.filtered, column, self.plot_group)
        if self.reference and self.reference in set(summary.index):
            return relative_to(summary, self.reference, self.lower_is_better())
        return summary

    def query_code(self) -> tuple[str, str]:
        """A Python snippet giving the filtered results' DataFrame, and a curl line asking
        the API for them, against the API this explorer reads."""
        return query_snippets(
            self.client.base_url, self.api_benchmark_id, self.filters(), sandbox=self.sandbox
        )

    # -- exports, comparison, the table -----------------------------------------------

    def export_csv(self) -> str:
        """The filtered results as CSV."""
        return to_csv(self.filtered)

    def export_json(self) -> str:
        """The filtered results as JSON, shaped as the API's."""
        return to_json(self.filtered)

    def comparison(self, ids: list[str]) -> pd.DataFrame:
        """These results side by side, a row per field (``differs`` marks differences),
        times as text in UTC."""
        table = compare(self.filtered, ids)
        dates = table.index.isin(["execution_datetime", "upload_datetime"])
        table.loc[dates] = table.loc[dates].map(
            lambda value: (
                value.strftime("%Y-%m-%d %H:%M:%S UTC") if hasattr(value, "strftime") else value
            )
        )
        return table

    def table_rows(self) -> pd.DataFrame:
        """The table's rows: the filtered results (only those picked in the plot, if
        any), display-ready."""
        table = self._display.rows(
            self.population, self.filtered, self.columns, bool(self.api_benchmark_id)
        )
        return table if self.picked is None else table[table["id"].isin(self.picked)]

    @property
    def labels(self) -> dict[str, str]:
        """Each field's label, by path (the full path where labels would clash)."""
        return field_labels(self.fields)

    # -- a ticked result, reported --------------------------------------------------

    async def report(self, message: str, *, registered: bool) -> tuple[str, str]:
        """Report the one ticked result as suspicious; (kind, words) of what happened.

        The service hides a reported result from everyone at once: so does the explorer.
        """
        message = message.strip()
        if not registered:
            return "warning", "Sign in and register to report a result."
        if len(self.ticked) != 1:
            return "warning", f"Tick exactly one row to report it ({len(self.ticked)} ticked)."
        if not message:
            return "warning", "Say what is wrong with the result: the message is required."
        reported = self.ticked[0]
        try:
            await self.client.results.claim(reported, message)
        except APIError as error:
            return "danger", f"The report was not sent: {error}"
        self.forget([reported])
        return "info", "Reported: the result is hidden until an administrator reviews it."
