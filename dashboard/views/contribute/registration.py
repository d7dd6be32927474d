"""Registration: a signed-in user who has not registered reads the terms and says yes."""

from __future__ import annotations

from html import escape

import panel as pn

from dashboard.views.alerts import alert
from dashboard.views.base import SessionView

__all__ = ["PRIVACY_POLICY_URL", "RegistrationPanel"]

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
