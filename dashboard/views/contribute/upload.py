"""The upload form's view: files or pasted JSON, where and when they ran, then send."""

from __future__ import annotations

import json
import re
from datetime import UTC
from html import escape
from io import BytesIO

import panel as pn

from dashboard.views.alerts import alert
from dashboard.views.base import choice, html_label, offer
from dashboard.views.contribute.new_items import NewItemForm

#: The fields' table scrolls sideways in a narrow window rather than widen the page.
EXPECTED_CSS = """
.expected { overflow-x: auto; max-width: 100%; }
.expected table { border-collapse: collapse; }
.expected th { text-align: left; }
.expected th, .expected td { padding: 2px 12px 2px 0; vertical-align: top; }
"""
_KINDS = {"datetime": "date-time text", "any": "any value"}


def expected_html(fields) -> str:
    """What a result of the chosen benchmark holds: each field's path, whether it is
    required, its type and unit, and its schema's description; all escaped."""
    if not fields:
        return (
            "<p><b>What to upload:</b> this benchmark accepts any JSON object as a result "
            "(its schema names no fields).</p>"
        )
    rows = []
    for field in fields:
        kind = _KINDS.get(field.kind, field.kind)
        if field.enum is not None:
            kind += ": " + " or ".join(json.dumps(value) for value in field.enum[:6])
        rows.append(
            f"<tr><td><code>{escape(field.path)}</code></td>"
            f"<td>{'required' if field.required else 'optional'}</td>"
            f"<td>{escape(kind)}</td><td>{escape(field.unit or '')}</td>"
            f"<td>{escape(field.description)}</td></tr>"
        )
    return (
        "<p><b>What to upload:</b> one JSON file per run, an object with these fields "
        "(a dot means a field inside another).</p><div class='expected'><table><thead><tr>"
        "<th>Field</th><th>Needed</th><th>Type</th><th>Unit</th><th>Description</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def example_name(benchmark) -> str:
    """A file name for the example result of ``benchmark`` (its name may hold anything)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", benchmark.name if benchmark else "").strip("-.")
    return f"{stem[:60] or 'result'}-example.json"


def uploads_html(uploads) -> str:
    """The files of the form as a table: file, ready or not, problems, what sending did."""
    if not uploads:
        return "<p>No file yet: choose or drop result files, or paste one.</p>"
    rows = []
    for upload in uploads:
        if upload.result_id:
            state = "uploaded"
        elif upload.problems:
            state = f"{len(upload.problems)} problem{'s' * (len(upload.problems) > 1)}"
        else:
            state = "ready"
        problems = "<br>".join(escape(str(problem)) for problem in upload.problems)
        rows.append(
            f"<tr><td>{escape(upload.name)}</td><td>{state}</td>"
            f"<td>{problems}</td><td>{escape(upload.outcome)}</td></tr>"
        )
    return (
        "<table class='uploads'><thead><tr><th>File</th><th>State</th><th>Problems</th>"
        f"<th>Outcome</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


class UploadPanel(pn.viewable.Viewer):
    """Result files (one or many, or pasted JSON), where they ran, when; checked, then sent."""

    def __init__(self, state, **params) -> None:
        super().__init__(**params)
        self.state = state
        self._benchmark = choice(pn.widgets.Select, state, "benchmark_id", label="Benchmark")
        self._site = choice(pn.widgets.Select, state, "site_id", label="Site")
        self._flavor = choice(pn.widgets.Select, state, "flavor_id", label="Flavor")
        self._tags = choice(pn.widgets.MultiChoice, state, "tag_ids", label="Tags")
        state.param.watch(self._options, ["benchmarks", "sites", "flavors", "tags"])
        self._options()
        self._when = pn.widgets.DatetimePicker(label="Executed at (UTC)", enable_seconds=True)
        state.param.watch(self._show_time, "execution_datetime")
        self._when.param.watch(self._take_time, "value")
        self._show_time()
        self._files = pn.widgets.FileInput(multiple=True, accept=".json,application/json")
        self._files.param.watch(self._take_files, "value")
        pasted = pn.widgets.TextAreaInput(
            label="Or paste a result's JSON", height=120, sizing_mode="stretch_width"
        )
        check = pn.widgets.Button(label="Check pasted JSON")
        check.on_click(lambda _event: state.add_text(pasted.value) if pasted.value else None)
        send = pn.widgets.Button(label="Upload the ready files", color="primary")
        send.loading = state.param.sending
        send.on_click(self._send)
        self._preview = pn.pane.HTML("", sizing_mode="stretch_width")
        state.param.watch(
            self._show_preview,
            ["uploads", "benchmark_id", "site_id", "flavor_id", "tag_ids", "execution_datetime"],
        )
        self._layout = pn.Column(
            pn.FlexBox(self._benchmark, self._site, self._flavor),
            self._guide(),
            pn.FlexBox(self._tags, self._when),
            *self._new_items(),
            self._files,
            pasted,
            check,
            pn.pane.HTML(state.param.uploads.rx.pipe(uploads_html), sizing_mode="stretch_width"),
            self._preview,
            send,
            alert(state.param.message, "info"),
            pn.pane.HTML(
                state.param.explorer_link.rx.pipe(explorer_link_html),
                visible=state.param.explorer_link.rx.bool(),
            ),
            sizing_mode="stretch_width",
        )

    def _options(self, *_events) -> None:
        state = self.state
        offer(
            self._benchmark,
            {"Choose a benchmark": "", **named(state.benchmarks)},
            state.benchmark_id,
        )
        review = state.awaiting_review
        offer(self._site, {"Choose a site": "", **named(state.sites, review)}, state.site_id)
        offer(
            self._flavor,
            {"Choose a flavor": "", **named(state.flavors, review)},
            state.flavor_id,
        )
        offer(self._tags, {html_label(t.name): t.id for t in state.tags}, state.tag_ids)

    def _show_time(self, *_events) -> None:
        moment = self.state.execution_datetime
        self._when.value = moment.astimezone(UTC).replace(tzinfo=None) if moment else None

    def _take_time(self, event) -> None:
        if event.new is not None:
            self.state.execution_datetime = event.new.replace(tzinfo=UTC)

    def _take_files(self, event) -> None:
        if event.new:
            filename = self._files.filename
            names = filename if isinstance(filename, list) else [filename]
            values = event.new if isinstance(event.new, list) else [event.new]
            self.state.add_files(dict(zip(names, values, strict=True)))

    async def _send(self, _event) -> None:
        await self.state.send()

    def _show_preview(self, *_events) -> None:
        row = self.state.preview()
        self._preview.object = (
            "<p>How the explorer will show it:</p>"
            + row.to_html(index=False, escape=True, na_rep="", border=0)
            if row is not None
            else ""
        )

    def _guide(self) -> pn.Column:
        """The chosen benchmark's fields, and an example file of one of its results."""
        state = self.state
        download = pn.widgets.FileDownload(
            callback=lambda: BytesIO(state.example.encode()),
            filename="result-example.json",
            label="Download an example result file",
            color="light",
            visible=state.param.example.rx.bool(),
        )

        def name_it(*_events) -> None:
            chosen = next((b for b in state.benchmarks if b.id == state.benchmark_id), None)
            download.filename = example_name(chosen)

        state.param.watch(name_it, ["benchmark_id", "benchmarks"])
        return pn.Column(
            pn.pane.HTML(
                state.param.expected.rx.pipe(expected_html),
                stylesheets=[EXPECTED_CSS],
                sizing_mode="stretch_width",
            ),
            download,
            visible=state.param.benchmark_id.rx.bool(),
            sizing_mode="stretch_width",
        )

    def _new_items(self) -> tuple[NewItemForm, ...]:
        """Inline creation of a site, a flavor of the chosen site, or a tag: one form each."""
        state = self.state
        review = "<p>It awaits an administrator's review; you can use it at once.</p>"
        return (
            NewItemForm(
                "Site not listed? Submit it",
                "Submit the site",
                lambda n, a, d: state.new_site(n, a, d),
                pn.pane.HTML(review),
                address=True,
                collapsed=True,
            ),
            NewItemForm(
                "Flavor not listed? Submit a flavor of the chosen site",
                "Submit the flavor",
                lambda n, _a, d: state.new_flavor(n, d),
                pn.pane.HTML(review),
                collapsed=True,
            ),
            NewItemForm(
                "Tag not listed? Create it",
                "Create the tag",
                lambda n, _a, d: state.new_tag(n, d),
                collapsed=True,
            ),
        )

    def __panel__(self):
        return self._layout


def explorer_link_html(query: str) -> str:
    """The link to the explorer on what was uploaded (its query is ours, escaped all the
    same)."""
    if not query:
        return ""
    return f'<a href="{escape(query)}">Open the uploaded results in the explorer</a>'


def named(items, awaiting_review=()) -> dict[str, str]:
    """Label → id; items awaiting review say so."""
    labels = {}
    for item in items:
        label = f"{item.name} (awaiting review)" if item.id in awaiting_review else item.name
        labels[label] = item.id
    return labels
