"""Submission forms (benchmark, site, flavor, tag) and the user's own results and reports."""

from __future__ import annotations

from html import escape

import panel as pn
from bokeh.models.widgets.tables import DateFormatter

from dashboard.results.table import TABLE_TITLES
from dashboard.views.base import html_label
from dashboard.views.contribute.new_items import NewItemForm, form_message
from dashboard.views.contribute.upload import named


def problems_html(problems) -> str:
    """The problems of a form as an escaped list."""
    if not problems:
        return ""
    items = "".join(f"<li>{escape(str(problem))}</li>" for problem in problems)
    return f"<ul class='problems'>{items}</ul>"


class SubmitPanel(pn.viewable.Viewer):
    """Submit a benchmark (its schema checked first), a site, a flavor or a tag: one
    titled form each, each saying what became of what was sent from it."""

    def __init__(self, state, upload, **params) -> None:
        super().__init__(**params)
        self.state, self.upload = state, upload
        self._site = pn.widgets.Select(label="Site of the flavor", options={})
        self._site_note = pn.pane.HTML("", sizing_mode="stretch_width")
        upload.param.watch(self._list_sites, ["sites", "awaiting_review"])
        self._site.param.watch(self._note_site, "value")
        self._list_sites()
        self._layout = pn.Column(
            pn.pane.HTML(state.param.submitted.rx.pipe(submitted_html)),
            self._benchmark_form(),
            NewItemForm(
                "Submit a site",
                "Submit the site",
                lambda n, a, d: state.submit_site(n, a, d),
                pn.pane.HTML(
                    "<p>A site awaits an administrator's review. You can give it "
                    "flavors and upload results on it at once.</p>"
                ),
                address=True,
                below=(form_message(state, "site"),),
            ),
            NewItemForm(
                "Submit a flavor of a site",
                "Submit the flavor",
                lambda n, _a, d: state.submit_flavor(self._site.value, n, d),
                self._site,
                self._site_note,
                below=(form_message(state, "flavor"),),
            ),
            NewItemForm(
                "Create a tag",
                "Create the tag",
                lambda n, _a, d: state.submit_tag(n, d),
                pn.pane.HTML("<p>Tags are ready to use at once.</p>"),
                below=(form_message(state, "tag"),),
            ),
            sizing_mode="stretch_width",
        )

    def _list_sites(self, *_events) -> None:
        upload = self.upload
        chosen = self._site.value
        self._site.options = {
            "Choose a site": "",
            **named(upload.sites, upload.awaiting_review),
        }
        if chosen in self._site.options.values():
            self._site.value = chosen
        self._note_site()

    def _note_site(self, *_events) -> None:
        site = next((s for s in self.upload.sites if s.id == self._site.value), None)
        pending = site is not None and site.id in self.upload.awaiting_review
        self._site_note.object = (
            f"<p>Your site <b>{escape(site.name)}</b> awaits review: its flavors are "
            "reviewed with it.</p>"
            if pending
            else "<p>The sites listed are the approved ones and those you submitted in "
            "this visit.</p>"
        )

    def _benchmark_form(self) -> pn.Card:
        state = self.state
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
                else state.say("benchmark", "Choose a sample result file first.")
            )
        )
        send = pn.widgets.Button(label="Submit the benchmark", color="primary")

        async def submit(_event) -> None:
            await state.submit_benchmark(
                image.value, tag.value, url.value, description.value, schema.value
            )

        send.on_click(submit)
        return pn.Card(
            pn.FlexBox(image, tag, url),
            description,
            schema,
            pn.FlexBox(pn.pane.HTML("Sample result:"), sample, try_it),
            # names the schema's fields, which its author chose: text, not Markdown
            pn.pane.HTML(state.param.tried.rx.pipe(escape)),
            pn.pane.HTML(state.param.problems.rx.pipe(problems_html)),
            send,
            form_message(state, "benchmark"),
            title="Submit a benchmark",
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        return self._layout


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
        self.submit, self.upload = submit, upload
        refresh = pn.widgets.Button(label="Refresh")
        refresh.on_click(self._refresh)
        self._chosen = pn.widgets.Select(label="One of my results", options={}, width=520)
        self._tags = pn.widgets.MultiChoice(label="Its tags", options={}, width=360)
        save = pn.widgets.Button(label="Save its tags", color="primary")
        save.on_click(self._save_tags)
        self._reports = pn.pane.HTML("", sizing_mode="stretch_width")
        submit.param.watch(self._show_reports, "reports_on")
        submit.param.watch(self._list_mine, "my_results")
        upload.param.watch(self._show_tags, "tags")
        self._chosen.param.watch(self._show_tags, "value")
        self._chosen.param.watch(self._load_reports, "value")
        self._layout = pn.Column(
            pn.FlexBox(self._chosen, self._tags, save),
            self._reports,
            form_message(submit, "mine"),
            refresh,
            pn.widgets.Tabulator(
                submit.param.my_table,
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

    async def _refresh(self, _event=None) -> None:
        await self.submit.load_mine()

    def _list_mine(self, *_events) -> None:
        self._chosen.options = {
            f"{r.benchmark.name} · {r.site.name} · {r.flavor.name} · "
            f"{r.execution_datetime:%Y-%m-%d %H:%M} · {r.id[:8]}": r.id
            for r in self.submit.my_results
        }

    def _show_tags(self, *_events) -> None:
        result = next((r for r in self.submit.my_results if r.id == self._chosen.value), None)
        known = {t.id: t.name for t in self.upload.tags}
        if result is not None:
            known.update({t.id: t.name for t in result.tags})
        self._tags.options = {html_label(name): tag_id for tag_id, name in known.items()}
        self._tags.value = [t.id for t in result.tags] if result is not None else []

    def _show_reports(self, *_events) -> None:
        items = "".join(f"<li>{escape(c.message)}</li>" for c in self.submit.reports_on)
        self._reports.object = f"<p>Reports against it:</p><ul>{items}</ul>" if items else ""

    async def _load_reports(self, event) -> None:
        if event.new:
            await self.submit.load_reports_on(event.new)

    async def _save_tags(self, _event) -> None:
        if self._chosen.value:
            await self.submit.retag(self._chosen.value, list(self._tags.value))

    def __panel__(self):
        return self._layout
