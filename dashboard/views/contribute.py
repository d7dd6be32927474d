"""Contributing: registration first, then uploads and submissions (issue 4)."""

from __future__ import annotations

from html import escape

import panel as pn

from .shell import SessionView

#: What registering means accepting (the API's description of ``POST /users:register``).
PRIVACY_POLICY_URL = "https://performance.services.fedcloud.eu/privacy_policy"


class RegistrationPanel(SessionView):
    """For a signed-in user who has not registered: the terms, an explicit yes, register."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        terms = pn.pane.Markdown(
            "**Register to contribute.** You are signed in but not registered yet. "
            "Registering keeps your e-mail address with what you upload and submit, and "
            "means you accept the [terms of use and the privacy policy]"
            f"({PRIVACY_POLICY_URL}) of EOSC Performance.",
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
        problem = pn.pane.Alert(
            state.param.registration_problem.rx.pipe(escape),
            alert_type="danger",
            visible=state.param.registration_problem.rx.bool(),
        )
        self._layout = pn.Column(
            terms,
            accept,
            button,
            problem,
            visible=state.param.signed_in.rx() & state.param.registered.rx.not_(),
            sizing_mode="stretch_width",
        )
