"""One small form per kind of item a contributor adds: a site, a flavor of a site, a tag
(the Submit tab and the upload form both offer them), each titled and with its own message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import panel as pn

from dashboard.views.alerts import alert

__all__ = ["NewItemForm", "form_message"]

#: What the form's button does with its texts: ``(name, address, description) -> made?``.
Make = Callable[[str, str, str], Awaitable[object]]


def form_message(state, form: str) -> pn.pane.HTML:
    """The submission state's message, shown only in the form ``form`` it is about."""
    text = pn.rx(lambda message, about: message if about == form else "")(
        state.param.message, state.param.message_for
    )
    return alert(text, "info")


class NewItemForm(pn.viewable.Viewer):
    """A titled form: name, an address for sites, a description, one button. The texts
    are emptied once the item was made, kept when it was not."""

    def __init__(
        self,
        title: str,
        button: str,
        make: Make,
        *above: pn.viewable.Viewable,
        address: bool = False,
        below: tuple[pn.viewable.Viewable, ...] = (),
        **card,
    ) -> None:
        super().__init__()
        self._name = pn.widgets.TextInput(label="Name")
        self._address = pn.widgets.TextInput(label="Address", visible=address)
        self._description = pn.widgets.TextInput(label="Description")
        send = pn.widgets.Button(label=button, color="primary")

        async def create(_event) -> None:
            texts = (self._name.value, self._address.value, self._description.value)
            if await make(*texts):
                self._name.value = self._address.value = self._description.value = ""

        send.on_click(create)
        self._layout = pn.Card(
            *above,
            pn.FlexBox(self._name, self._address, self._description),
            send,
            *below,
            title=title,
            sizing_mode="stretch_width",
            **card,
        )

    def __panel__(self):
        return self._layout
