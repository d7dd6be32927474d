"""Reporting a result of the explorer's table as suspicious (it is hidden until reviewed)."""

from __future__ import annotations

from html import escape

import panel as pn
import param

from dashboard.state import SessionState
from dashboard.views.alerts import alert, styles
from dashboard.views.explore.filters import ExplorerView


class ClaimPanel(ExplorerView):
    """Say what is wrong with the ticked result; the explorer's state reports it.

    Opened from the bar of actions above the table (:meth:`open`), right where the row
    was ticked.
    """

    session = param.ClassSelector(class_=SessionState, doc="Who reports (registered or not).")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._message = pn.widgets.TextAreaInput(
            label="What is wrong with it?", height=80, sizing_mode="stretch_width"
        )
        button = pn.widgets.Button(label="Report the ticked result", color="warning")
        button.on_click(self._report)
        cancel = pn.widgets.Button(label="Close", color="light")
        cancel.on_click(lambda _event: setattr(self._layout, "visible", False))
        self._said = alert("", "info")
        self._layout = pn.Column(
            pn.pane.HTML(
                "<b>Report a suspicious result.</b> Say what looks wrong with the ticked "
                "result. It is hidden from everyone until an administrator reviews your "
                "report."
            ),
            self._message,
            pn.Row(button, cancel),
            self._said,
            visible=False,
            sizing_mode="stretch_width",
            css_classes=["claim-form"],
            styles={"border-left": "4px solid #ffc107", "padding-left": "8px"},
        )

    def open(self) -> None:
        """Show the form (what was typed in it before is kept)."""
        self._said.visible = False
        self._layout.visible = True

    async def _report(self, _event) -> None:
        kind, said = await self.state.report(
            self._message.value, registered=self.session.registered
        )
        if kind == "info":  # reported: the message has done its work
            self._message.value = ""
        self._said.param.update(object=escape(said), styles=styles(kind), visible=True)
