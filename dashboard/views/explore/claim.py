"""Reporting a result of the explorer's table as suspicious (it is hidden until reviewed)."""

from __future__ import annotations

from html import escape

import panel as pn
import param

from dashboard.state import SessionState
from dashboard.views.alerts import alert, styles
from dashboard.views.explore.filters import ExplorerView


class ClaimPanel(ExplorerView):
    """Say what is wrong with the ticked result; the explorer's state reports it."""

    session = param.ClassSelector(class_=SessionState, doc="Who reports (registered or not).")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._message = pn.widgets.TextAreaInput(
            label="What is wrong with it?", height=80, sizing_mode="stretch_width"
        )
        button = pn.widgets.Button(label="Report the ticked result")
        button.on_click(self._report)
        self._said = alert("", "info")
        self._layout = pn.Card(
            pn.pane.Markdown(
                "Tick the row of a result that looks wrong and say why. The result is hidden "
                "from everyone until an administrator reviews your report."
            ),
            self._message,
            button,
            self._said,
            title="Report a suspicious result",
            collapsed=True,
            sizing_mode="stretch_width",
        )

    async def _report(self, _event) -> None:
        kind, said = await self.state.report(
            self._message.value, registered=self.session.registered
        )
        if kind == "info":  # reported: the message has done its work
            self._message.value = ""
        self._said.param.update(object=escape(said), styles=styles(kind), visible=True)
