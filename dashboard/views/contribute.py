"""Contributing: registration, the contributor tab, and reporting a suspicious result."""

from __future__ import annotations

from html import escape

import panel as pn
import param

from ..api import APIError
from .alerts import alert, styles
from .shell import SessionView
from .submit_form import MinePanel, SubmitPanel
from .upload_form import UploadPanel

#: What registering means accepting (the API's description of ``POST /users:register``).
PRIVACY_POLICY_URL = "https://performance.services.fedcloud.eu/privacy_policy"


class RegistrationPanel(SessionView):
    """For a signed-in user who has not registered: the terms, an explicit yes, register."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        terms = pn.pane.HTML(
            "<b>Register to contribute.</b> You are signed in but not registered yet. "
            "Registering keeps your e-mail address with what you upload and submit, and "
            f'means you accept the <a href="{escape(PRIVACY_POLICY_URL)}" target="_blank">'
            "terms of use and the privacy policy</a> of EOSC Performance.",
            margin=(5, 10),
        )
        accept = pn.widgets.Checkbox.from_param(
            state.param.terms_accepted,
            label="I have read and accept the terms of use and the privacy policy",
        )
        button = pn.widgets.Button(
            label="Register",
            color="primary",
            disabled=state.param.terms_accepted.rx.not_(),
            loading=state.param.loading,
        )

        async def register(_event) -> None:
            await state.register()

        button.on_click(register)
        problem = alert(state.param.registration_problem, "danger")
        self._layout = pn.Column(terms, accept, button, problem, sizing_mode="stretch_width")
        state.param.watch(self._show, ["signed_in", "registered"])
        self._show()

    def _show(self, *_events) -> None:
        self._layout.visible = self.state.signed_in and not self.state.registered


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
            dynamic=False,
            sizing_mode="stretch_width",
        )
        self._tabs = pn.Column(tabs, sizing_mode="stretch_width")
        self._layout = pn.Column(hint, self._tabs, sizing_mode="stretch_width")
        session.param.watch(self._show, ["signed_in", "registered"])
        self._show()
        session.param.watch(self._registered, "registered")
        # What one identity put in the form is not another's (demo identities switch).
        session.param.watch(self._forget, "identity")

    def _show(self, *_events) -> None:
        session = self.state
        self._hint.object = (
            "Register first (above) to upload results and submit benchmarks."
            if session.signed_in
            else "Sign in to contribute: results, benchmarks, sites, flavors and tags."
        )
        self._hint.visible = not session.registered
        self._tabs.visible = session.registered

    def _forget(self, _event) -> None:
        self.upload.reset()
        self.submit.param.update(
            message="",
            problems=[],
            tried="",
            my_results=[],
            my_claims=[],
            submitted=[],
            reports_on=[],
        )

    async def _registered(self, event) -> None:
        if event.new:
            await self.upload.start()
            await self.submit.load_mine()
            await self.submit.load_pending()


class ClaimPanel(SessionView):
    """Report a result of the explorer's table as suspicious (it is hidden until reviewed)."""

    explorer = param.Parameter(doc="The results explorer whose ticked row is reported.")

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

    def _say(self, text: str, kind: str = "info") -> None:
        self._said.param.update(object=escape(text), styles=styles(kind), visible=True)

    async def _report(self, _event) -> None:
        ticked = self.explorer.table.ticked
        message = self._message.value.strip()
        if not self.state.registered:
            self._say("Sign in and register to report a result.", "warning")
        elif len(ticked) != 1:
            self._say(f"Tick exactly one row to report it ({len(ticked)} ticked).", "warning")
        elif not message:
            self._say("Say what is wrong with the result: the message is required.", "warning")
        else:
            try:
                await self.state.client.results.claim(ticked[0], message)
            except APIError as error:
                self._say(f"The report was not sent: {error}", "danger")
                return
            self.explorer.state.forget(ticked)
            self._message.value = ""
            self._say("Reported: the result is hidden until an administrator reviews it.")
