"""What the explorer shows before a benchmark is chosen: the benchmarks, one button each.

Nothing is loaded yet (a benchmark's results load once it is chosen), so the main area
offers the choice itself rather than empty plot and table controls.
"""

from __future__ import annotations

from html import escape

import panel as pn

from dashboard.state.explorer import EVERY_BENCHMARK
from dashboard.views.explore.filters import ExplorerView

#: Long image names wrap inside the button rather than run past its edge.
_WRAP = ".bk-btn { white-space: normal; overflow-wrap: anywhere; }"


class BenchmarkMenu(ExplorerView):
    """A button per benchmark (and one for all of them), with its description."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._entries = pn.Column(sizing_mode="stretch_width")
        self._layout = pn.Column(
            self._entries, sizing_mode="stretch_width", css_classes=["benchmark-menu"]
        )
        self._listed: tuple | None = None
        self.state.param.watch(self._list, ["benchmarks", "loading"])
        self._list()

    def _list(self, *_events) -> None:
        state = self.state
        none_yet = state.started and not state.loading and not state.problem
        benchmarks = tuple((b.id, b.name, b.description) for b in state.benchmarks)
        # The end of the load matters only to an empty list: buttons drawn again there
        # would swallow a click made on the first ones.
        listed = (benchmarks, none_yet or bool(benchmarks))
        if listed == self._listed:  # a load began or ended: the same buttons
            return
        self._listed = listed
        entries = [self._entry(b.name, b.description, b.id) for b in state.benchmarks]
        if entries:
            entries.append(
                self._entry(
                    "All benchmarks",
                    "Every result, with the columns all schemas share.",
                    EVERY_BENCHMARK,
                )
            )
        elif none_yet:
            # the list came back empty (a failed load says why in its own alert)
            entries = [pn.pane.HTML("The service holds no approved benchmarks yet.")]
        self._entries.objects = entries

    def _entry(self, name: str, description: str, benchmark_id: str) -> pn.Column:
        button = pn.widgets.Button(
            label=f"Explore {name}",
            color="primary",
            sizing_mode="stretch_width",
            max_width=560,
            stylesheets=[_WRAP],
        )
        button.on_click(lambda _event: setattr(self.state, "benchmark_id", benchmark_id))
        about = " ".join(description.split())
        text = pn.pane.HTML(escape(about), margin=(0, 10, 10, 10), sizing_mode="stretch_width")
        return pn.Column(button, text, sizing_mode="stretch_width")
