"""What every view shares: one base for a region of the screen, and choice widgets whose
options never drop what the state has chosen."""

from __future__ import annotations

from collections.abc import Collection
from html import escape
from urllib.parse import parse_qsl, urlencode

import panel as pn
import param

from dashboard.state import SessionState

__all__ = [
    "SessionView",
    "StateView",
    "choice",
    "html_label",
    "keep_in_address",
    "offer",
    "with_counts",
]


class StateView(pn.viewable.Viewer):
    """A region of the screen showing part of a state; built once, driven by the state.

    Subclasses name the state's class (``state = param.ClassSelector(...)``) and set
    ``_layout`` in their ``__init__``.
    """

    state = param.Parameter(doc="The state this region shows.")

    _layout: pn.viewable.Viewable

    def __panel__(self):
        return self._layout


class SessionView(StateView):
    """A region of the screen showing part of the session's state."""

    state = param.ClassSelector(class_=SessionState, doc="The session's state.")


def html_label(text: str) -> str:
    """A label for widgets that render labels as HTML (MultiChoice, table headers).

    Names come from the API and anyone can submit one: they must stay text.
    """
    return escape(str(text), quote=False)


def _as_dict(options: list | dict) -> dict:
    return options if isinstance(options, dict) else {str(option): option for option in options}


def _unlisted(widget, options: list | dict, chosen) -> dict:
    """Options for chosen values that `options` lacks, labelled by the value."""
    values = chosen if isinstance(chosen, list) else [chosen]
    listed = set(_as_dict(options).values())
    label = html_label if isinstance(widget, pn.widgets.MultiChoice) else str
    return {
        label(f"{value} (unknown)"): value
        for value in values
        if value not in listed and value not in ("", None)
    }


def choice(kind: type[pn.widgets.Select | pn.widgets.MultiChoice], state, name: str, **params):
    """A select or multi-choice for the state's ``name`` whose options list the choice.

    The options arrive after the choice when a shared link names it before anything is
    loaded, and a rendered select drops (and writes back) a value it does not list. So
    a watcher registered before the widget's own link lists the choice first.
    """
    widgets = []

    def list_choice(event) -> None:
        missing = _unlisted(widgets[0], widgets[0].options, event.new)
        if missing:
            widgets[0].options = {**_as_dict(widgets[0].options), **missing}

    state.param.watch(list_choice, name)
    # Linked by hand rather than `from_param`, whose parameter pane walks every
    # parameter of the state: several times the cost, for a dozen of these a session.
    if "label" not in params and "name" not in params:
        params["label"] = state.param[name].label
    value = getattr(state, name)
    widget = kind(value=list(value) if isinstance(value, list) else value, **params)
    widget.link(state, value=name, bidirectional=True)
    widgets.append(widget)
    return widget


def offer(widget, options: list | dict, chosen) -> None:
    """New options for a :func:`choice` widget, still listing what the state has chosen.

    Within a batch of state changes the widget may not have the choice yet: options and
    value then go together (a widget that got only the options would pick its first one
    and write it back to the state). A multi-choice shows its value by label, so when
    only the labels change (counts do) its value is sent again.
    """
    options = _as_dict(options)
    if chosen:
        options = {**options, **_unlisted(widget, options, chosen)}
    multiple = isinstance(widget, pn.widgets.MultiChoice)
    value = list(chosen) if multiple else chosen
    if widget.value != value:
        widget.param.update(options=options, value=value)
        return
    widget.options = options
    if multiple:
        widget.param.trigger("value")


def with_counts(options: list[tuple[str, str]], counts: dict[str, int]) -> dict[str, str]:
    """Label → id, each label saying how many results choosing it would leave."""
    return {
        html_label(f"{name} ({counts.get(option_id, 0):,})"): option_id
        for option_id, name in options
    }


def keep_in_address(state, keys: Collection[str], watched: list[str]) -> bool:
    """Restore ``state``'s choices from the page's address (through its own checks, the
    same as a click's: ``state.restore``), then write them back at every change of the
    ``watched`` parameters, under their ``keys`` (``state.url_query``), leaving the
    other views' keys as they are. False where the page has no address (a notebook)."""
    location = pn.state.location
    if location is None:
        return False
    state.restore(dict(parse_qsl(location.search.lstrip("?"))))

    def write(*_events) -> None:
        others = [
            (name, value)
            for name, value in parse_qsl(location.search.lstrip("?"))
            if name not in keys
        ]
        query = urlencode([*others, *state.url_query().items()])
        location.search = f"?{query}" if query else ""

    state.param.watch(write, list(watched))
    write()
    return True
