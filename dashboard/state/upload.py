"""The upload form: result files read and checked in the session, then each sent once.

Nothing the user typed or chose is lost to an error: a problem found in the session
(a broken file, a schema violation, no flavor, a future time) is listed and no request
is made; a refusal or a failure of the service is said in words next to the file it
concerns, and the form keeps everything. A double click sends nothing twice. When the
answer to an upload is lost (a timeout, or the connection broke after it was sent), the
service may have stored it: the user's own results are searched for it before a retry
is offered, and every later send of that file searches first and only sends it again if
it is not there, so it is stored once whatever the user clicks.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import param

from dashboard.api import APIError, Result, TransportError
from dashboard.results.table import preview_frame
from dashboard.schema.checks import (
    ReadFile,
    check_execution_datetime,
    check_result,
    read_pasted,
    read_result,
)
from dashboard.schema.example import example_text
from dashboard.schema.fields import field_labels, fields_from_data, merge_fields
from dashboard.schema.flatten import flatten_schema
from dashboard.state.base import ClientState
from dashboard.state.submit import SubmitState
from dashboard.state.upload_files import Upload, prefilled_time

PASTED = "pasted JSON"

__all__ = ["PASTED", "Upload", "UploadState"]


class UploadState(ClientState):
    """What the upload form holds; the view only shows it and forwards the user's actions."""

    benchmarks = param.List(default=[], doc="Approved benchmarks to upload results of.")
    sites = param.List(default=[], doc="Sites to choose from (approved, and one's own new ones).")
    flavors = param.List(default=[], doc="Flavors of the chosen site.")
    tags = param.List(default=[], doc="Tags to choose from.")
    benchmark_id = param.String(default="", doc="The benchmark the results are of.")
    site_id = param.String(default="", doc="Where the results were run.")
    flavor_id = param.String(default="", doc="On which flavor of the site.")
    tag_ids = param.List(default=[], item_type=str, doc="Tags for every uploaded result.")
    execution_datetime = param.Date(default=None, allow_None=True, doc="When it ran (aware).")
    uploads = param.List(default=[], item_type=Upload, doc="The files, in the order added.")
    message = param.String(default="", doc="What the last action did or why it could not.")
    sending = param.Boolean(default=False, doc="Whether results are being sent.")
    awaiting_review = param.List(
        default=[],
        doc="Ids of the sites and flavors offered that this user submitted here, "
        "still awaiting review.",
    )
    expected = param.List(default=[], doc="The fields the chosen benchmark's schema describes.")
    example = param.String(
        default="", doc="A result file (JSON text) the chosen benchmark's schema accepts."
    )
    explorer_link = param.String(
        default="", doc="A link (query string) opening the explorer on what was just uploaded."
    )
    submitter = param.ClassSelector(
        class_=SubmitState, doc="Submits the sites, flavors and tags made here (and keeps them)."
    )

    _prefilled: datetime | None = None

    def __init__(self, **params) -> None:
        super().__init__(**params)
        if self.submitter is not None:  # what is submitted or reviewed is offered at once
            self.submitter.param.watch(self._submitted, "changes")

    async def _submitted(self, _event) -> None:
        await self.start()

    async def start(self) -> None:
        """Load what the form offers to choose from (again: what it offered may have
        changed, by a submission or a review); what the user chose stays."""
        await self._work.run(self._start())

    async def _start(self) -> None:
        mine = self.submitter.pending("site") if self.submitter is not None else []
        try:
            benchmarks = await self.client.benchmarks.all()
            sites = await self.client.sites.all()
            if mine:  # one's own new sites can be chosen (and given flavors) before review
                pending = await self.client.sites.all(status="on_review")
                sites += [site for site in pending if site.id in mine]
            tags = await self.client.tags.all()
        except APIError as error:
            self.message = f"Could not load the benchmarks, sites and tags: {error}"
            return
        self.param.update(benchmarks=benchmarks, sites=sites, tags=tags)
        if self.site_id:
            await self._fetch_flavors()
        self._own_pending()

    def _own_pending(self) -> None:
        submitter = self.submitter
        ids = [*submitter.pending("site"), *submitter.pending("flavor")] if submitter else []
        self.awaiting_review = ids

    @param.depends("benchmark_id", "benchmarks", watch=True, on_init=True)
    def _describe(self) -> None:
        """What the chosen benchmark's results hold, and an example file of one."""
        schema = self.schema
        self.param.update(
            expected=flatten_schema(schema) if schema is not None else [],
            example=example_text(schema) if schema is not None else "",
        )

    def reset(self) -> None:
        """An empty form (another person is signed in)."""
        self._work.cancel()
        self._prefilled = None
        self.param.update(
            benchmark_id="",
            site_id="",
            flavor_id="",
            tag_ids=[],
            execution_datetime=None,
            uploads=[],
            message="",
            explorer_link="",
            sending=False,
            awaiting_review=[],
        )

    # -- files ----------------------------------------------------------------------

    @property
    def schema(self) -> Any:
        benchmark = next((b for b in self.benchmarks if b.id == self.benchmark_id), None)
        return benchmark.json_schema if benchmark else None

    def _checked(self, name: str, document: dict[str, Any] | None, read: tuple) -> Upload:
        problems = read
        if document is not None and self.schema is not None:
            problems = tuple(check_result(document, self.schema))
        return Upload(name, document, problems)

    def add_files(self, files: dict[str, bytes]) -> None:
        """Read and check files (a file of the same name is replaced)."""
        self._add([read_result(name, data) for name, data in files.items()])

    def add_text(self, text: str) -> None:
        """Pasted JSON, checked like a file."""
        self._add([read_pasted(PASTED, text)])

    def _add(self, reads: list[ReadFile]) -> None:
        names = {read.name for read in reads}
        kept = [u for u in self.uploads if u.name not in names]
        # a file whose answer was lost, added again, is still looked for before it is sent
        lost = {u.name for u in self.uploads if u.maybe_stored and not u.result_id}
        added = [
            replace(self._checked(r.name, r.document, r.problems), maybe_stored=r.name in lost)
            for r in reads
        ]
        self.uploads = kept + added
        self._prefill()

    @param.depends("benchmark_id", "benchmarks", watch=True)
    def _recheck(self) -> None:
        rechecked = []
        for upload in self.uploads:
            if upload.result_id:
                rechecked.append(upload)
            elif upload.document is None:
                rechecked.append(upload)  # unreadable whatever the benchmark
            else:
                checked = self._checked(upload.name, upload.document, ())
                rechecked.append(replace(checked, maybe_stored=upload.maybe_stored))
        self.uploads = rechecked
        self._prefill()

    def _prefill(self) -> None:
        """The execution time: the user's own choice stays; one we filled in follows the
        first readable file (a date-time field its schema names), else now."""
        if self.execution_datetime is not None and self.execution_datetime != self._prefilled:
            return
        first = next((u.document for u in self.uploads if u.document is not None), None)
        moment = prefilled_time(first, self.schema) if self.schema is not None else None
        self._prefilled = moment or datetime.now(UTC).replace(microsecond=0)
        self.execution_datetime = self._prefilled

    # -- site, flavor and tags --------------------------------------------------------

    @param.depends("site_id", watch=True)
    async def _load_flavors(self) -> None:
        self.flavor_id = ""
        await self._fetch_flavors()

    async def _fetch_flavors(self) -> None:
        """The chosen site's flavors: approved ones, and this user's own awaiting review."""
        site_id = self.site_id
        if not site_id:
            self.flavors = []
            return
        mine = self.submitter.pending("flavor", site_id) if self.submitter is not None else []
        try:
            flavors = await self.client.flavors.all(site_id)
            if mine:
                pending = await self.client.flavors.all(site_id, status="on_review")
                flavors += [flavor for flavor in pending if flavor.id in mine]
        except APIError as error:
            self.param.update(flavors=[], message=f"Could not load the site's flavors: {error}")
            return
        if site_id == self.site_id:  # not another site's, chosen meanwhile
            self.flavors = flavors

    async def new_site(self, name: str, address: str, description: str = "") -> bool:
        """Submit a site (it awaits review) and choose it."""
        site = await self.submitter.submit_site(name, address, description)
        if site is None:
            self.message = self.submitter.message
            return False
        self.param.update(
            sites=[*self.sites, site], awaiting_review=[*self.awaiting_review, site.id]
        )
        self.site_id = site.id
        self.message = f"Site {site.name} submitted: it awaits an administrator's review."
        return True

    async def new_flavor(self, name: str, description: str = "") -> bool:
        """Submit a flavor of the chosen site (it awaits review) and choose it."""
        flavor = await self.submitter.submit_flavor(self.site_id, name, description)
        if flavor is None:
            self.message = self.submitter.message
            return False
        self.param.update(
            flavors=[*self.flavors, flavor], awaiting_review=[*self.awaiting_review, flavor.id]
        )
        self.flavor_id = flavor.id
        self.message = f"Flavor {flavor.name} submitted: it awaits an administrator's review."
        return True

    async def new_tag(self, name: str, description: str = "") -> bool:
        """Create a tag and add it to the chosen ones."""
        tag = await self.submitter.submit_tag(name, description)
        if tag is None:
            self.message = self.submitter.message
            return False
        self.param.update(tags=[*self.tags, tag], tag_ids=[*self.tag_ids, tag.id])
        self.message = f"Tag {tag.name} created and chosen."
        return True

    def preview(self) -> pd.DataFrame | None:
        """The first ready file's row as the explorer's table will show it; None if not yet."""
        first = next((u for u in self.uploads if u.ready), None)
        benchmark = next((b for b in self.benchmarks if b.id == self.benchmark_id), None)
        site = next((s for s in self.sites if s.id == self.site_id), None)
        flavor = next((f for f in self.flavors if f.id == self.flavor_id), None)
        if first is None or benchmark is None or site is None or flavor is None:
            return None
        assert first.document is not None
        fields = merge_fields(
            flatten_schema(benchmark.json_schema), fields_from_data([first.document])
        )
        columns = [f.path for f in fields if f.suggested] or [f.path for f in fields][:6]
        result = Result(
            id="(new)",
            execution_datetime=self.execution_datetime or datetime.now(UTC),
            upload_datetime=datetime.now(UTC),
            benchmark=benchmark,
            site=site,
            flavor=flavor,
            tags=tuple(t for t in self.tags if t.id in self.tag_ids),
            json=first.document,
        )
        return preview_frame(result, columns, field_labels(fields))

    # -- sending ----------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Why nothing can be sent yet, in words; empty when the form is complete."""
        found = []
        if not self.benchmark_id:
            found.append("choose the benchmark the results are of")
        if not self.flavor_id:
            found.append("choose the site and the flavor the results ran on")
        when = check_execution_datetime(self.execution_datetime)
        if when:
            found.append(f"execution time: {when}")
        if not self.uploads:
            found.append("add a result file, or paste one")
        elif not any(u.ready for u in self.uploads):
            found.append("no file is ready to send: see each file's problems")
        return found

    async def send(self) -> None:
        """Send every ready file once; say per file what happened."""
        if self.sending:
            return  # a second click while sending sends nothing
        problems = self.problems()
        if problems:
            self.message = "Not sent: " + "; ".join(problems) + "."
            return
        self.sending = True
        try:
            for upload in list(self.uploads):
                if upload.ready:
                    self._replace(upload, await self._send_one(upload))
        finally:
            self.sending = False
        sent = sum(bool(u.result_id) for u in self.uploads)
        if sent and self.submitter is not None:  # "My results" shows them
            await self.submitter.load_mine()
        if sent:  # exactly the results uploaded, not everything of that site and flavor
            self.explorer_link = "?" + urlencode(
                {
                    "benchmark_id": self.benchmark_id,
                    "result_ids": json.dumps([u.result_id for u in self.uploads if u.result_id]),
                }
            )
        unsent = [u for u in self.uploads if u.outcome and not u.result_id]
        unsure = sum(u.maybe_stored for u in unsent)
        said = f"{sent} of {len(self.uploads)} results uploaded."
        if unsent:
            parts = [f"{len(unsent) - unsure} not sent"] if len(unsent) > unsure else []
            if unsure:  # their answers were lost
                parts.append(f"{unsure} may have been stored (a retry looks for them first)")
            said += f" {', '.join(parts)}: see each file; everything is kept for a retry."
        self.message = said

    def _replace(self, old: Upload, new: Upload) -> None:
        self.uploads = [new if u is old else u for u in self.uploads]

    async def _send_one(self, upload: Upload) -> Upload:
        """Send one file; one whose answer was lost is looked for first, and found, not sent."""
        assert upload.document is not None and self.execution_datetime is not None
        if upload.maybe_stored:  # the service may have stored it since the lookup said no
            try:
                found = await self._already_uploaded(upload)
            except APIError as error:
                return replace(upload, outcome=self._unchecked(error))
            if found is not None:
                return replace(upload, outcome="uploaded", result_id=found.id, maybe_stored=False)
        try:
            result = await self.client.results.create(
                upload.document,
                benchmark=self.benchmark_id,
                flavor=self.flavor_id,
                execution_datetime=self.execution_datetime,
                tags=self.tag_ids,
            )
        except TransportError as error:
            if not error.sent:  # this one never left (an earlier lost one keeps the flag)
                return replace(upload, outcome=f"not uploaded ({error}): retry")
            return await self._look_for(replace(upload, maybe_stored=True), error)
        except APIError as error:
            return replace(upload, outcome=f"refused by the service: {error}")
        return replace(upload, outcome="uploaded", result_id=result.id, maybe_stored=False)

    async def _look_for(self, upload: Upload, lost: TransportError) -> Upload:
        """After a lost answer: stored or not? Found among the user's results, or said so."""
        try:
            found = await self._already_uploaded(upload)
        except APIError as error:
            return replace(upload, outcome=self._unchecked(error))
        if found is not None:
            return replace(upload, outcome="uploaded", result_id=found.id, maybe_stored=False)
        return replace(
            upload,
            outcome=f"not uploaded, as far as your results show: the answer was lost ({lost}); "
            "retry, they are checked again first",
        )

    @staticmethod
    def _unchecked(error: APIError) -> str:
        return (
            "not known whether it was uploaded: its answer was lost and your results could "
            f"not be checked ({error}); retry, they are checked again first"
        )

    async def _already_uploaded(self, upload: Upload) -> Result | None:
        """The user's own result that is this upload, if the service stored it (an upload
        whose answer was lost); an APIError if the user's results could not be read."""
        mine = await self.client.users.all_my_results(benchmark_id=self.benchmark_id)
        wanted = json.dumps(upload.document, sort_keys=True)
        when = self.execution_datetime
        for result in mine:
            same_time = (
                when is not None
                and abs((result.execution_datetime.replace(tzinfo=UTC) - when).total_seconds()) < 1
            )
            if same_time and json.dumps(result.json, sort_keys=True) == wanted:
                return result
        return None
