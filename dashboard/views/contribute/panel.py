"""Contributing: registration, the contributor tab, and reporting a suspicious result."""

from __future__ import annotations

import panel as pn
import param

from dashboard.views.base import SessionView
from dashboard.views.contribute.submit import MinePanel, SubmitPanel
from dashboard.views.contribute.upload import UploadPanel

#: The place of "My results and reports" among the tab's own tabs.
MINE = 2


class ContributePanel(SessionView):
    """The contributor's tab: sign in, register, then upload."""

    upload = param.Parameter(doc="The upload form's state (an UploadState).")
    submit = param.Parameter(doc="The submission forms' state (a SubmitState).")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        session = self.state
        hint = self._hint = pn.pane.HTML("")
        submit = self.submit
        mine = MinePanel(submit, self.upload)
        tabs = pn.Tabs(
            ("Upload results", UploadPanel(self.upload)),
            ("Submit", SubmitPanel(submit, self.upload)),
            ("My results and reports", mine),
            dynamic=True,
            sizing_mode="stretch_width",
        )
        tabs.param.watch(self._moved_on, "active")
        self._tabs = pn.Column(tabs, sizing_mode="stretch_width")
        self._layout = pn.Column(hint, self._tabs, sizing_mode="stretch_width")
        session.param.watch(self._show, ["signed_in", "registered"])
        self._show()
        # each check of who is signed in (another identity, registering): their own data
        session.param.watch(self._checked, "checks")
        # What one identity put in the form is not another's (demo identities switch).
        session.param.watch(self._forget, "identity")

    def _show(self, *_events) -> None:
        session = self.state
        self._hint.object = (
            "Register first (above) to upload results and submit benchmarks."
            if session.signed_in
            else (
                "Choose a demo identity (in the sidebar) to contribute: results, benchmarks, "
                "sites, flavors and tags."
                if session.sandbox
                else "Sign in to contribute: results, benchmarks, sites, flavors and tags."
            )
        )
        self._hint.visible = not session.registered
        self._tabs.visible = session.registered

    def _forget(self, _event) -> None:
        self.upload.reset()
        self.submit.reset()

    async def _checked(self, _event) -> None:
        if self.state.registered:
            await self.load()

    async def _moved_on(self, event) -> None:
        """Another of the tabs: what the last one said goes; what this one lists is fresh."""
        self.upload.message = ""
        self.submit.moved_on()
        if event.new == MINE:
            await self.submit.load_mine()
        else:  # sites, flavors and tags may have been approved or added since
            await self.submit.load_pending()
            await self.upload.start()

    async def load(self) -> None:
        """Load what a registered contributor's forms and lists need."""
        await self.upload.start()
        await self.submit.load_mine()
        await self.submit.load_pending()
