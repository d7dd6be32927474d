"""The Admin tab: the review queues, the catalog editors and this session's actions.

It is built only for a session whose identity the service accepts as an
administrator (:class:`~dashboard.views.shell.AppShell` decides); every action says
what it will do and runs only once confirmed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

import pandas as pd
import panel as pn
from bokeh.models.widgets.tables import DateFormatter

from dashboard.state.admin import AdminQueue
from dashboard.state.admin_items import KINDS, ClaimCase, Submission
from dashboard.views.admin.details import (
    actions_frame,
    claim_html,
    claims_frame,
    pretty_json,
    submission_html,
    submissions_frame,
)
from dashboard.views.admin.edit import CatalogEditor
from dashboard.views.alerts import alert

DATE = DateFormatter(format="%Y-%m-%d %H:%M", nan_format="")
#: The confirmation's border, in its button's colour (Bootstrap's primary and danger).
BORDERS = {"primary": "#0d6efd", "danger": "#b02a37"}


def _table(frame: pd.DataFrame, **params) -> pn.widgets.Tabulator:
    defaults = {
        "disabled": True,
        "show_index": False,
        "hidden_columns": ["id"],
        "formatters": {c: DATE for c in frame.columns if c.endswith("(UTC)")},
        "layout": "fit_data_stretch",
        "sizing_mode": "stretch_width",
    }
    return pn.widgets.Tabulator(frame, **{**defaults, **params})


def _ticked(table: pn.widgets.Tabulator, items: list) -> list:
    by_id = {item.id: item for item in items}
    value = table.value
    ids = [value.iloc[i]["id"] for i in table.selection if i < len(value)]
    return [by_id[i] for i in ids if i in by_id]


class Confirmation(pn.viewable.Viewer):
    """Says what an action will do, and runs it only once confirmed.

    The confirming button names the action ("Approve site X", "Reject and delete …"),
    and is red only for one that deletes: the service deletes what is rejected.
    """

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._text = pn.pane.HTML("", sizing_mode="stretch_width")
        self.confirm = pn.widgets.Button(label="Confirm", color="primary")
        self.cancel = pn.widgets.Button(label="Cancel")
        self.confirm.on_click(self._confirmed)
        self.cancel.on_click(lambda _event: self._close())
        self._action: Callable[[], Awaitable[None]] | None = None
        self._layout = pn.Column(
            self._text,
            pn.Row(self.confirm, self.cancel),
            visible=False,
            sizing_mode="stretch_width",
            css_classes=["admin-confirmation"],
        )

    def __panel__(self):
        return self._layout

    @property
    def asking(self) -> str:
        """The question shown (HTML), empty when nothing is asked."""
        return self._text.object if self._layout.visible else ""

    def ask(
        self,
        question_html: str,
        action: Callable[[], Awaitable[None]],
        *,
        confirm: str,
        deletes: bool,
    ) -> None:
        """Show ``question_html`` and a button labelled ``confirm`` that runs ``action``:
        red if the action deletes something, the primary colour otherwise."""
        colour = "danger" if deletes else "primary"
        self._text.object = question_html
        self._action = action
        self.confirm.param.update(label=confirm, color=colour)
        self._layout.styles = {
            "border": f"2px solid {BORDERS[colour]}",
            "border-radius": "6px",
            "padding": "4px",
        }
        self._layout.visible = True

    def _close(self) -> None:
        self._action = None
        self._layout.visible = False

    async def _confirmed(self, _event=None) -> None:
        action = self._action
        self._close()
        if action is not None:
            await action()


def plural(count: int, noun: str) -> str:
    """``1 claim``, ``2 claims``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _listing(label: str, names: list[str]) -> str:
    items = "".join(f"<li>{escape(name)}</li>" for name in names)
    return f"<p><b>{escape(label)}</b></p><ul>{items}</ul>"


class AdminPanel(pn.viewable.Viewer):
    """The administrators' tab: what awaits review, the catalog, what was done."""

    def __init__(self, queue: AdminQueue, **params) -> None:
        super().__init__(**params)
        self.queue = queue
        self.confirmation = Confirmation()
        self._problem = alert(queue.param.problem, "danger")
        self._message = alert(queue.param.message, "info")
        self._unreadable = alert(
            queue.param.unreadable.rx.pipe(
                lambda items: (
                    f"{plural(len(items), 'item')} of the queue could not be read, and "
                    "cannot be reviewed here: " + "; ".join(items)
                    if items
                    else ""
                )
            ),
            "warning",
        )
        reload = pn.widgets.Button(label="Reload the queue", disabled=queue.param.loading)
        reload.on_click(self._reload)
        self.editor = CatalogEditor(queue)
        queue.param.watch(self._submissions_loaded, "submissions")
        queue.param.watch(self._claims_loaded, "claims")
        queue.param.watch(self._handled_loaded, "handled")
        queue.param.watch(self._actions_done, "actions")
        self.sections = pn.Tabs(
            ("Submissions", self._submissions_section()),
            ("Claims", self._claims_section()),
            ("Handled claims", self._handled_section()),
            ("Edit sites and tags", self.editor),
            ("Actions", self._actions_section()),
            dynamic=True,
            sizing_mode="stretch_width",
        )
        self._layout = pn.Column(
            pn.Row(reload, pn.indicators.LoadingSpinner(value=queue.param.loading, size=20)),
            self._problem,
            self._message,
            self._unreadable,
            self.confirmation,
            self.sections,
            sizing_mode="stretch_width",
        )
        self._submissions_loaded()
        self._claims_loaded()

    def __panel__(self):
        return self._layout

    # ----------------------------------------------------------------- the sections

    def _submissions_section(self) -> pn.Column:
        self.submissions = _table(
            submissions_frame([]),
            groupby=["Kind"],
            selectable="checkbox",
            row_content=self._submission_detail,
            embed_content=False,
            css_classes=["admin-submissions"],
        )
        self._submissions_heading = pn.pane.HTML("")
        approve = pn.widgets.Button(label="Approve the ticked submissions", color="primary")
        reject = pn.widgets.Button(label="Reject the ticked submissions", color="danger")
        approve.on_click(lambda _event: self.ask_review(self.ticked_submissions, approve=True))
        reject.on_click(lambda _event: self.ask_review(self.ticked_submissions, approve=False))
        return pn.Column(
            self._submissions_heading,
            self.submissions,
            pn.Row(approve, reject),
            sizing_mode="stretch_width",
        )

    def _claims_section(self) -> pn.Column:
        self.claims = _table(
            claims_frame([]),
            selectable="checkbox",
            row_content=self._claim_detail,
            embed_content=False,
        )
        self._claims_heading = pn.pane.HTML("")
        uphold = pn.widgets.Button(label="Approve the ticked claims", color="primary")
        drop = pn.widgets.Button(label="Reject the ticked claims", color="danger")
        uphold.on_click(lambda _event: self.ask_decide(self.ticked_claims, uphold=True))
        drop.on_click(lambda _event: self.ask_decide(self.ticked_claims, uphold=False))
        return pn.Column(
            self._claims_heading, self.claims, pn.Row(uphold, drop), sizing_mode="stretch_width"
        )

    def _handled_section(self) -> pn.Column:
        self.handled = _table(claims_frame([]), row_content=self._claim_detail)
        show_handled = pn.widgets.Button(label="Load the handled claims")
        show_handled.on_click(self._load_handled)
        return pn.Column(
            pn.pane.Markdown("Claims an administrator approved: their results stay hidden."),
            show_handled,
            self.handled,
            sizing_mode="stretch_width",
        )

    def _actions_section(self) -> pn.widgets.Tabulator:
        self.actions = _table(actions_frame([]), hidden_columns=[])
        return self.actions

    # ----------------------------------------------------------------- the tables

    def _submissions_loaded(self, *_events) -> None:
        items = self.queue.submissions
        self.submissions.selection = []
        self.submissions.value = submissions_frame(items)
        counts = {kind: sum(s.kind == kind for s in items) for kind in KINDS}
        said = ", ".join(plural(n, kind) for kind, n in counts.items() if n)
        self._submissions_heading.object = (
            f"<b>{plural(len(items), 'submission')} {'await' if len(items) != 1 else 'awaits'} "
            f"review</b> ({escape(said)}), oldest first. "
            "Expand a row (►) for its details."
            if items
            else "<b>Nothing awaits review.</b>"
        )

    def _claims_loaded(self, *_events) -> None:
        cases = self.queue.claims
        self.claims.selection = []
        self.claims.value = claims_frame(cases)
        self._claims_heading.object = (
            f"<b>{plural(len(cases), 'claim')} {'await' if len(cases) != 1 else 'awaits'} "
            "review</b>, oldest first. Their results are hidden "
            "from everyone until you decide. Expand a row (►) for the result."
            if cases
            else "<b>No claim awaits review.</b>"
        )

    def _handled_loaded(self, *_events) -> None:
        self.handled.value = claims_frame(self.queue.handled)

    def _actions_done(self, *_events) -> None:
        self.actions.value = actions_frame(self.queue.actions)

    def _submission_detail(self, row: pd.Series):
        item = next((s for s in self.queue.submissions if s.id == row["id"]), None)
        if item is None:
            return pn.pane.Markdown("This submission was reviewed meanwhile.")
        approve = pn.widgets.Button(label=f"Approve this {item.kind}", color="primary")
        reject = pn.widgets.Button(label=f"Reject this {item.kind}", color="danger")
        approve.on_click(lambda _event: self.ask_review([item], approve=True))
        reject.on_click(lambda _event: self.ask_review([item], approve=False))
        parts = [pn.pane.HTML(submission_html(item), sizing_mode="stretch_width")]
        if item.kind == "benchmark":
            schema = pretty_json(item.item.json_schema)
            parts.append(pn.Card(pn.pane.HTML(schema), title="JSON Schema", collapsed=True))
        return pn.Column(*parts, pn.Row(approve, reject), sizing_mode="stretch_width")

    def _claim_detail(self, row: pd.Series):
        cases = [*self.queue.claims, *self.queue.handled]
        case = next((c for c in cases if c.id == row["id"]), None)
        if case is None:
            return pn.pane.Markdown("This claim was decided meanwhile.")
        parts = [pn.pane.HTML(claim_html(case), sizing_mode="stretch_width")]
        if case.result is not None:
            parts.append(pn.pane.HTML(pretty_json(case.result.json), sizing_mode="stretch_width"))
        if case in self.queue.claims:
            uphold = pn.widgets.Button(label="Approve this claim", color="primary")
            drop = pn.widgets.Button(label="Reject this claim", color="danger")
            uphold.on_click(lambda _event: self.ask_decide([case], uphold=True))
            drop.on_click(lambda _event: self.ask_decide([case], uphold=False))
            parts.append(pn.Row(uphold, drop))
        return pn.Column(*parts, sizing_mode="stretch_width")

    @property
    def ticked_submissions(self) -> list[Submission]:
        return _ticked(self.submissions, self.queue.submissions)

    @property
    def ticked_claims(self) -> list[ClaimCase]:
        return _ticked(self.claims, self.queue.claims)

    # ----------------------------------------------------------------- actions

    def ask_review(self, items: list[Submission], *, approve: bool) -> None:
        """Ask to confirm approving or rejecting submissions, saying what will happen."""
        if not items:
            self.queue.message = "Tick one or more submissions first."
            return
        named = items[0].label if len(items) == 1 else plural(len(items), "submission")
        if approve:
            what = f"Approve {named}"
            then = "They become public: listed for everyone and usable for uploads."
        else:
            what = f"Reject and delete {named}"
            then = "The service deletes them; this cannot be undone."
        question = _listing(f"{what}?", [s.label for s in items]) + f"<p>{escape(then)}</p>"
        self.confirmation.ask(
            question,
            lambda: self.queue.review(items, approve=approve),
            confirm=what,
            deletes=not approve,
        )

    def ask_decide(self, cases: list[ClaimCase], *, uphold: bool) -> None:
        """Ask to confirm approving or rejecting claims, saying what happens to the results."""
        if not cases:
            self.queue.message = "Tick one or more claims first."
            return
        named = cases[0].label if len(cases) == 1 else plural(len(cases), "claim")
        if uphold:
            what = f"Approve {named}"
            then = "The claimed results stay hidden from every list and search."
        else:
            what = f"Reject and delete {named}"
            then = (
                "The claims are deleted. The service is meant to show their results again, "
                "but EOSC Performance 1.2.3 keeps them hidden: what it did is checked and "
                "said afterwards."
            )
        question = _listing(f"{what}?", [c.label for c in cases]) + f"<p>{escape(then)}</p>"
        self.confirmation.ask(
            question,
            lambda: self.queue.decide(cases, uphold=uphold),
            confirm=what,
            deletes=not uphold,
        )

    async def _reload(self, _event=None) -> None:
        self.queue.message = ""
        await self.queue.load()

    async def _load_handled(self, _event=None) -> None:
        await self.queue.load_handled()
