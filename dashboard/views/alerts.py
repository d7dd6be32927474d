"""Message boxes whose text stays text.

Panel's ``Alert`` pane reads Markdown: escaping HTML is not enough there, a site named
``[Free GPUs](https://evil.example)`` would become a link. Messages quote names and
answers from the API, so they are shown as escaped HTML in a box styled like an alert.
"""

from __future__ import annotations

from html import escape

import panel as pn

#: text, background and border colours per kind of message
COLOURS = {
    "info": ("#055160", "#cff4fc", "#9eeaf9"),
    "warning": ("#664d03", "#fff3cd", "#ffe69c"),
    "danger": ("#58151c", "#f8d7da", "#f1aeb5"),
    "success": ("#0a3622", "#d1e7dd", "#a3cfbb"),
}


def styles(kind: str) -> dict[str, str]:
    colour, background, border = COLOURS[kind]
    return {
        "color": colour,
        "background-color": background,
        "border": f"1px solid {border}",
        "border-radius": "6px",
        "padding": "0 12px",
    }


def alert(source, kind: str = "info", **params) -> pn.pane.HTML:
    """A message box showing ``source`` (a string, or a string parameter it follows)."""
    params.setdefault("sizing_mode", "stretch_width")
    if isinstance(source, str):
        return pn.pane.HTML(escape(source), visible=bool(source), styles=styles(kind), **params)
    return pn.pane.HTML(
        source.rx.pipe(escape), visible=source.rx.bool(), styles=styles(kind), **params
    )
