"""Submission forms (benchmark, site, flavor, tag) and the user's own results and reports."""

from __future__ import annotations

from html import escape

import pandas as pd
import panel as pn
from bokeh.models.widgets.tables import DateFormatter

from ..frames import TABLE_TITLES, results_frame, table_frame
from .alerts import alert
from .explore_filters import html_label
from .upload_form import named


def problems_html(problems) -> str:
    """The problems of a form as an escaped list."""
    if not problems:
        return ""
    items = "".join(f"<li>{escape(str(problem))}</li>" for problem in problems)
    return f"<ul class='problems'>{items}</ul>"


class SubmitPanel(pn.viewable.Viewer):
    """Submit a benchmark (its schema checked first), a site, a flavor or a tag."""

    def __init__(self, state, upload, **params) -> None:
        super().__init__(**params)
        self.state = state
        image = pn.widgets.TextInput(label="Container image", placeholder="owner/name")
        tag = pn.widgets.TextInput(label="Image tag", placeholder="1.0")
        url = pn.widgets.TextInput(label="Documentation URL", placeholder="https://…")
        description = pn.widgets.TextAreaInput(label="Description", height=60)
        schema = pn.widgets.TextAreaInput(
            label="JSON Schema of its results", height=180, sizing_mode="stretch_width"
        )
        sample = pn.widgets.FileInput(accept=".json,application/json")
        try_it = pn.widgets.Button(label="Try the schema on the sample result")
        try_it.on_click(
            lambda _event: (
                state.try_schema(schema.value, sample.value or b"")
                if sample.value
                else state.param.update(message="Choose a sample result file first.")
            )
        )
        send = pn.widgets.Button(label="Submit the benchmark", color="primary")

        async def submit(_event) -> None:
            await state.submit_benchmark(
                image.value, tag.value, url.value, description.value, schema.value
            )

        send.on_click(submit)
        benchmark = pn.Card(
            pn.Row(image, tag, url),
            description,
            schema,
            pn.Row(pn.pane.Markdown("Sample result:"), sample, try_it),
            # names the schema's fields, which its author chose: text, not Markdown
            pn.pane.HTML(state.param.tried.rx.pipe(escape)),
            send,
            title="A benchmark",
            sizing_mode="stretch_width",
        )
        name = pn.widgets.TextInput(label="Name")
        address = pn.widgets.TextInput(label="Address (sites)")
        about = pn.widgets.TextInput(label="Description")
        site = pn.widgets.Select(label="Site (flavors)")
        upload.param.watch(lambda _event: setattr(site, "options", named(upload.sites)), "sites")
        client = state.client
        actions = pn.Row()
        for kind, create in (
            (
                "site",
                lambda: client.sites.create(
                    name=name.value, address=address.value, description=about.value
                ),
            ),
            (
                "flavor",
                lambda: client.flavors.create(site.value, name=name.value, description=about.value),
            ),
            ("tag", lambda: client.tags.create(name=name.value, description=about.value)),
        ):
            button = pn.widgets.Button(label=f"Submit the {kind}")

            async def run(_event, kind=kind, create=create) -> None:
                await state.submit(kind, create, site_id=site.value if kind == "flavor" else "")

            button.on_click(run)
            actions.append(button)
        others = pn.Card(
            pn.pane.Markdown(
                "Sites and flavors await an administrator's review; tags are ready at once."
            ),
            pn.Row(name, address, about, site),
            actions,
            title="A site, a flavor or a tag",
            sizing_mode="stretch_width",
        )
        pending = pn.pane.HTML(state.param.submitted.rx.pipe(submitted_html))
        self._layout = pn.Column(
            pending,
            benchmark,
            others,
            pn.pane.HTML(state.param.problems.rx.pipe(problems_html)),
            alert(state.param.message, "info"),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        return self._layout


def mine_frame(results) -> pd.DataFrame:
    """The user's uploads as the explorer's table shows results (without JSON columns)."""
    return table_frame(results_frame(results), [], benchmark_chosen=False)


def submitted_html(items) -> str:
    """What the user submitted here and where its review stands, escaped."""
    earlier = (
        "Submissions of earlier visits are not listed: the service tells only "
        "administrators who submitted what."
    )
    if not items:
        return f"<p>Your submissions: none yet in this visit. {earlier}</p>"
    rows = "".join(
        f"<li>{escape(item.kind)} <b>{escape(item.name)}</b> — {escape(item.standing)}</li>"
        for item in items
    )
    return f"<p>Your submissions in this visit:</p><ul>{rows}</ul><p>{earlier}</p>"


def claims_html(reports) -> str:
    """The user's reports and how each stands, escaped."""
    items = "".join(
        f"<li>{escape(r.claim.message)} — about result "
        + (
            f"<code>{escape(r.claim.resource_id)}</code>"
            if r.claim.resource_id
            else "(not named by the service: the result was reported again since)"
        )
        + f" — {escape(r.standing)}</li>"
        for r in reports
    )
    return f"<h4>My reports ({len(reports)})</h4><ul>{items}</ul>"


class MinePanel(pn.viewable.Viewer):
    """The user's uploads (their tags can be changed) and reports."""

    def __init__(self, submit, upload, **params) -> None:
        super().__init__(**params)
        refresh = pn.widgets.Button(label="Refresh")

        async def load_mine(_event=None) -> None:
            await submit.load_mine()

        refresh.on_click(load_mine)
        chosen = pn.widgets.Select(label="One of my results", options={}, width=520)
        tags = pn.widgets.MultiChoice(label="Its tags", options={}, width=360)
        save = pn.widgets.Button(label="Save its tags", color="primary")

        def list_mine(*_events) -> None:
            chosen.options = {
                f"{r.benchmark.name} · {r.site.name} · {r.flavor.name} · "
                f"{r.execution_datetime:%Y-%m-%d %H:%M} · {r.id[:8]}": r.id
                for r in submit.my_results
            }

        def show_tags(*_events) -> None:
            result = next((r for r in submit.my_results if r.id == chosen.value), None)
            known = {t.id: t.name for t in upload.tags}
            if result is not None:
                known.update({t.id: t.name for t in result.tags})
            tags.options = {html_label(name): tag_id for tag_id, name in known.items()}
            tags.value = [t.id for t in result.tags] if result is not None else []

        reports = pn.pane.HTML("", sizing_mode="stretch_width")

        def show_reports(*_events) -> None:
            items = "".join(f"<li>{escape(c.message)}</li>" for c in submit.reports_on)
            reports.object = f"<p>Reports against it:</p><ul>{items}</ul>" if items else ""

        async def load_reports(event) -> None:
            if event.new:
                await submit.load_reports_on(event.new)

        submit.param.watch(show_reports, "reports_on")
        chosen.param.watch(load_reports, "value")

        async def save_tags(_event) -> None:
            if chosen.value:
                await submit.retag(chosen.value, list(tags.value))

        submit.param.watch(list_mine, "my_results")
        upload.param.watch(show_tags, "tags")
        chosen.param.watch(show_tags, "value")
        save.on_click(save_tags)
        self._layout = pn.Column(
            pn.Row(chosen, tags, save),
            reports,
            alert(submit.param.message, "info"),
            refresh,
            pn.widgets.Tabulator(
                submit.param.my_results.rx.pipe(mine_frame),
                pagination="remote",
                page_size=20,
                disabled=True,
                show_index=False,
                hidden_columns=["id"],
                titles=TABLE_TITLES,
                formatters={"execution_datetime": DateFormatter(format="%Y-%m-%d %H:%M")},
                sizing_mode="stretch_width",
            ),
            pn.pane.HTML(submit.param.my_claims.rx.pipe(claims_html)),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        return self._layout
