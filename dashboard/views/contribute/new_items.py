"""A form of a name, an address and a description, and one button per kind of item made
from them: a site, a flavor, a tag (the Submit tab and the upload form both offer it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import panel as pn

__all__ = ["NewItems"]

#: What a button does with the form's texts: ``(name, address, description) -> made?``.
Make = Callable[[str, str, str], Awaitable[object]]


class NewItems(pn.viewable.Viewer):
    """Name, address (sites only), description; a button per item kind. The texts are
    emptied once an item was made, kept when it was not."""

    def __init__(self, makers: list[tuple[str, Make]], *extra: pn.viewable.Viewable) -> None:
        super().__init__()
        self._name = pn.widgets.TextInput(label="Name")
        self._address = pn.widgets.TextInput(label="Address (sites only)")
        self._description = pn.widgets.TextInput(label="Description")
        buttons = []
        for label, make in makers:
            button = pn.widgets.Button(label=label)

            async def create(_event, make=make) -> None:
                if await make(self._name.value, self._address.value, self._description.value):
                    self._name.value = self._address.value = self._description.value = ""

            button.on_click(create)
            buttons.append(button)
        self._layout = pn.Column(
            pn.Row(self._name, self._address, self._description, *extra),
            pn.Row(*buttons),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        return self._layout
