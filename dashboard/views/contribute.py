"""Contributing: registration first, then uploads and submissions (issue 4)."""

from __future__ import annotations

from datetime import UTC
from html import escape

import panel as pn
import param

from ..api import APIError
from .explore_filters import choice, html_label, offer
from .shell import SessionView

#: What registering means accepting (the API's description of ``POST /users:register``).
PRIVACY_POLICY_URL = "https://performance.services.fedcloud.eu/privacy_policy"


class RegistrationPanel(SessionView):
    """For a signed-in user who has not registered: the terms, an explicit yes, register."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        terms = pn.pane.Markdown(
            "**Register to contribute.** You are signed in but not registered yet. "
            "Registering keeps your e-mail address with what you upload and submit, and "
            "means you accept the [terms of use and the privacy policy]"
            f"({PRIVACY_POLICY_URL}) of EOSC Performance.",
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
        problem = pn.pane.Alert(
            state.param.registration_problem.rx.pipe(escape),
            alert_type="danger",
            visible=state.param.registration_problem.rx.bool(),
        )
        self._layout = pn.Column(terms, accept, button, problem, sizing_mode="stretch_width")
        state.param.watch(self._show, ["signed_in", "registered"])
        self._show()

    def _show(self, *_events) -> None:
        self._layout.visible = self.state.signed_in and not self.state.registered


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
                {"Choose a benchmark": "", **_named(state.benchmarks)},
                state.benchmark_id,
            )
            offer(site, {"Choose a site": "", **_named(state.sites)}, state.site_id)
            offer(flavor, {"Choose a flavor": "", **_named(state.flavors)}, state.flavor_id)
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
        message = pn.pane.Alert(
            state.param.message.rx.pipe(escape),
            alert_type="info",
            visible=state.param.message.rx.bool(),
        )
        link = pn.pane.Markdown(
            state.param.explorer_link.rx.pipe(
                lambda query: (
                    f"[Open the uploaded results in the explorer]({query})" if query else ""
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


def _named(items) -> dict[str, str]:
    """Label → id; items awaiting review say so."""
    labels = {}
    for item in items:
        label = getattr(item, "name", None) or item.id
        if getattr(item, "status", "approved") not in ("approved", None):
            label = f"{label} (awaiting review)"
        labels[label] = item.id
    return labels


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
            pn.pane.Markdown(state.param.tried),
            send,
            title="A benchmark",
            sizing_mode="stretch_width",
        )
        name = pn.widgets.TextInput(label="Name")
        address = pn.widgets.TextInput(label="Address (sites)")
        about = pn.widgets.TextInput(label="Description")
        site = pn.widgets.Select(label="Site (flavors)")
        upload.param.watch(lambda _event: setattr(site, "options", _named(upload.sites)), "sites")
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
                await state.submit(kind, create)

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
        self._layout = pn.Column(
            benchmark,
            others,
            pn.pane.HTML(state.param.problems.rx.pipe(problems_html)),
            pn.pane.Alert(
                state.param.message.rx.pipe(escape),
                alert_type="info",
                visible=state.param.message.rx.bool(),
            ),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        return self._layout


def mine_html(results, claims) -> str:
    """The user's uploads and reports, escaped."""
    rows = "".join(
        f"<tr><td>{escape(r.benchmark.name)}</td><td>{escape(r.site.name)}</td>"
        f"<td>{escape(r.flavor.name)}</td><td>{r.execution_datetime:%Y-%m-%d %H:%M}</td>"
        f"<td>{escape(', '.join(t.name for t in r.tags))}</td><td><code>{r.id}</code></td></tr>"
        for r in results
    )
    reports = "".join(
        f"<li>{escape(c.message)} — about result <code>{escape(c.resource_id)}</code></li>"
        for c in claims
    )
    return (
        f"<h4>My results ({len(results)})</h4><table><thead><tr><th>Benchmark</th>"
        "<th>Site</th><th>Flavor</th><th>Executed (UTC)</th><th>Tags</th><th>Id</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
        f"<h4>My reports ({len(claims)})</h4><ul>{reports}</ul>"
    )


class ContributePanel(SessionView):
    """The contributor's tab: sign in, register, then upload."""

    upload = param.Parameter(doc="The upload form's state (an UploadState).")
    submit = param.Parameter(doc="The submission forms' state (a SubmitState).")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        session = self.state
        hint = self._hint = pn.pane.Markdown("")
        submit = self.submit
        refresh = pn.widgets.Button(label="Refresh")

        async def load_mine(_event=None) -> None:
            await submit.load_mine()

        refresh.on_click(load_mine)
        mine = pn.Column(
            refresh,
            pn.pane.HTML(
                pn.bind(mine_html, submit.param.my_results, submit.param.my_claims),
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
        )
        tabs = pn.Tabs(
            ("Upload results", UploadPanel(self.upload)),
            ("Submit", SubmitPanel(submit, self.upload)),
            ("My results and reports", mine),
            dynamic=False,
            sizing_mode="stretch_width",
        )
        self._tabs = pn.Column(tabs, sizing_mode="stretch_width")
        self._layout = pn.Column(hint, self._tabs, sizing_mode="stretch_width")
        session.param.watch(self._show, ["signed_in", "registered"])
        self._show()
        session.param.watch(self._registered, "registered")
        # What one identity put in the form is not another's (demo identities switch).
        session.param.watch(self._forget, "identity")

    def _show(self, *_events) -> None:
        session = self.state
        self._hint.object = (
            "Register first (above) to upload results and submit benchmarks."
            if session.signed_in
            else "Sign in to contribute: results, benchmarks, sites, flavors and tags."
        )
        self._hint.visible = not session.registered
        self._tabs.visible = session.registered

    def _forget(self, _event) -> None:
        self.upload.reset()
        self.submit.param.update(message="", problems=[], tried="", my_results=[], my_claims=[])

    async def _registered(self, event) -> None:
        if event.new:
            await self.upload.start()
            await self.submit.load_mine()


class ClaimPanel(SessionView):
    """Report a result of the explorer's table as suspicious (it is hidden until reviewed)."""

    explorer = param.Parameter(doc="The results explorer whose ticked row is reported.")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._message = pn.widgets.TextAreaInput(
            label="What is wrong with it?", height=80, sizing_mode="stretch_width"
        )
        button = pn.widgets.Button(label="Report the ticked result")
        button.on_click(self._report)
        self._said = pn.pane.Alert("", alert_type="info", visible=False)
        self._layout = pn.Card(
            pn.pane.Markdown(
                "Tick the row of a result that looks wrong and say why. The result is hidden "
                "from everyone until an administrator reviews your report."
            ),
            self._message,
            button,
            self._said,
            title="Report a suspicious result",
            collapsed=True,
            sizing_mode="stretch_width",
        )

    def _say(self, text: str, kind: str = "info") -> None:
        self._said.param.update(object=escape(text), alert_type=kind, visible=True)

    async def _report(self, _event) -> None:
        ticked = self.explorer.table.ticked
        message = self._message.value.strip()
        if not self.state.registered:
            self._say("Sign in and register to report a result.", "warning")
        elif len(ticked) != 1:
            self._say(f"Tick exactly one row to report it ({len(ticked)} ticked).", "warning")
        elif not message:
            self._say("Say what is wrong with the result: the message is required.", "warning")
        else:
            try:
                await self.state.client.results.claim(ticked[0], message)
            except APIError as error:
                self._say(f"The report was not sent: {error}", "danger")
                return
            self.explorer.state.forget(ticked)
            self._message.value = ""
            self._say("Reported: the result is hidden until an administrator reviews it.")
