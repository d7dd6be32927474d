"""The upload form's view: files or pasted JSON, where and when they ran, then send."""

from __future__ import annotations

from datetime import UTC
from html import escape

import panel as pn

from .alerts import alert
from .explore_filters import choice, html_label, offer


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
        benchmark = choice(pn.widgets.Select, state, "benchmark_id", label="Benchmark")
        site = choice(pn.widgets.Select, state, "site_id", label="Site")
        flavor = choice(pn.widgets.Select, state, "flavor_id", label="Flavor")
        tags = choice(pn.widgets.MultiChoice, state, "tag_ids", label="Tags")

        def options(*_events) -> None:
            offer(
                benchmark,
                {"Choose a benchmark": "", **named(state.benchmarks)},
                state.benchmark_id,
            )
            review = state.awaiting_review
            offer(site, {"Choose a site": "", **named(state.sites, review)}, state.site_id)
            offer(
                flavor,
                {"Choose a flavor": "", **named(state.flavors, review)},
                state.flavor_id,
            )
            labels = {html_label(t.name): t.id for t in state.tags}
            offer(tags, labels, state.tag_ids)

        state.param.watch(options, ["benchmarks", "sites", "flavors", "tags"])
        options()
        when = pn.widgets.DatetimePicker(label="Executed at (UTC)", enable_seconds=True)

        def show_time(*_events) -> None:
            moment = state.execution_datetime
            when.value = moment.astimezone(UTC).replace(tzinfo=None) if moment else None

        def take_time(event) -> None:
            if event.new is not None:
                state.execution_datetime = event.new.replace(tzinfo=UTC)

        state.param.watch(show_time, "execution_datetime")
        when.param.watch(take_time, "value")
        show_time()
        files = pn.widgets.FileInput(multiple=True, accept=".json,application/json")

        def take_files(event) -> None:
            if event.new:
                names = files.filename if isinstance(files.filename, list) else [files.filename]
                values = event.new if isinstance(event.new, list) else [event.new]
                state.add_files(dict(zip(names, values, strict=True)))

        files.param.watch(take_files, "value")
        pasted = pn.widgets.TextAreaInput(
            label="Or paste a result's JSON", height=120, sizing_mode="stretch_width"
        )
        check = pn.widgets.Button(label="Check pasted JSON")
        check.on_click(lambda _event: state.add_text(pasted.value) if pasted.value else None)
        send = pn.widgets.Button(label="Upload the ready files", color="primary")
        send.loading = state.param.sending

        async def upload(_event) -> None:
            await state.send()

        send.on_click(upload)
        table = pn.pane.HTML(state.param.uploads.rx.pipe(uploads_html), sizing_mode="stretch_width")
        preview = pn.pane.HTML("", sizing_mode="stretch_width")

        def show_preview(*_events) -> None:
            row = state.preview()
            preview.object = (
                "<p>How the explorer will show it:</p>"
                + row.to_html(index=False, escape=True, na_rep="", border=0)
                if row is not None
                else ""
            )

        state.param.watch(
            show_preview,
            ["uploads", "benchmark_id", "site_id", "flavor_id", "tag_ids", "execution_datetime"],
        )
        message = alert(state.param.message, "info")
        link = pn.pane.HTML(
            state.param.explorer_link.rx.pipe(
                lambda query: (
                    f'<a href="{escape(query)}">Open the uploaded results in the explorer</a>'
                    if query
                    else ""
                )
            ),
            visible=state.param.explorer_link.rx.bool(),
        )
        self._layout = pn.Column(
            pn.Row(benchmark, site, flavor),
            pn.Row(tags, when),
            self._new_items(),
            files,
            pasted,
            check,
            table,
            preview,
            send,
            message,
            link,
            sizing_mode="stretch_width",
        )

    def _new_items(self) -> pn.Card:
        """Inline creation of a site, a flavor of the chosen site, or a tag."""
        state = self.state
        name = pn.widgets.TextInput(label="Name")
        address = pn.widgets.TextInput(label="Address (sites only)")
        description = pn.widgets.TextInput(label="Description")
        buttons = []
        for label, make in (
            ("New site", lambda: state.new_site(name.value, address.value, description.value)),
            ("New flavor of the site", lambda: state.new_flavor(name.value, description.value)),
            ("New tag", lambda: state.new_tag(name.value, description.value)),
        ):
            button = pn.widgets.Button(label=label)

            async def create(_event, make=make) -> None:
                if not name.value.strip():
                    state.message = "Give the new item a name first."
                elif await make():
                    name.value = address.value = description.value = ""

            button.on_click(create)
            buttons.append(button)
        return pn.Card(
            pn.pane.Markdown(
                "New sites and flavors await an administrator's review; tags are ready at once."
            ),
            pn.Row(name, address, description),
            pn.Row(*buttons),
            title="Not listed? Add a site, a flavor or a tag",
            collapsed=True,
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        return self._layout


def named(items, awaiting_review=()) -> dict[str, str]:
    """Label → id; items awaiting review say so."""
    labels = {}
    for item in items:
        label = f"{item.name} (awaiting review)" if item.id in awaiting_review else item.name
        labels[label] = item.id
    return labels
