"""Submitting a benchmark, a site, a flavor or a tag; and what the signed-in user owns.

A benchmark's schema is read and checked against its meta-schema in the session, and
can be tried on a sample result first (which fields become suggested columns): a
schema the service would refuse never leaves the session. Refusals of the service
(a duplicate, an image it cannot find) are said in words, and the form keeps its text.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from urllib.parse import urlparse

import param

from dashboard.api import APIError, Claim, Conflict, Flavor, Site, Tag, ValidationFailed
from dashboard.results.table import mine_frame
from dashboard.schema.checks import Problem, check_result, read_result, read_schema
from dashboard.schema.flatten import flatten_schema
from dashboard.state.base import ClientState

#: The forms a message can be about: the four submission forms, and the user's own results.
FORMS = ("benchmark", "site", "flavor", "tag", "mine")
#: How a claim of one's own stands, by the status the service lists it under.
REPORT_STATUSES = {"on_review": "awaiting review", "approved": "upheld by an administrator"}


@dataclass(frozen=True)
class Submitted:
    """Something this user submitted in this session, and where its review stands."""

    kind: str  # benchmark, site or flavor
    id: str
    name: str
    site_id: str = ""  # a flavor's site
    standing: str = "awaiting review"


@dataclass(frozen=True)
class Report:
    """One of the user's own claims, and how it stands."""

    claim: Claim
    standing: str


class SubmitState(ClientState):
    """What the submission forms did last, and the user's own uploads and claims.

    The service does not say who submitted a benchmark, site or flavor (only
    administrators see that), so the user's own are the ones submitted in this session
    (:meth:`remember`), from any form; their review is read back from the lists.
    """

    message = param.String(default="", doc="What the last submission did, or why it did not.")
    message_for = param.Selector(
        default="",
        objects=["", *FORMS],
        doc="The form the message is about (each form shows its own, and only while open).",
    )
    changes = param.Integer(
        default=0,
        doc="How often items were made here or their review moved on: lists follow it.",
    )
    problems = param.List(default=[], item_type=Problem, doc="What is wrong with the form.")
    tried = param.String(default="", doc="What trying the schema on a sample result showed.")
    my_results = param.List(default=[], doc="The signed-in user's uploads.")
    my_table = param.DataFrame(
        default_factory=lambda: mine_frame([]),
        doc="The user's uploads as the tables show results.",
    )
    my_claims = param.List(default=[], item_type=Report, doc="The signed-in user's reports.")
    submitted = param.List(
        default=[], item_type=Submitted, doc="What this user submitted here, and its review."
    )
    reports_on = param.List(default=[], doc="Reports against the result looked at.")

    def reset(self) -> None:
        """Nothing of the last person's (another identity is signed in)."""
        self._work.cancel()
        self.param.update({name: self.param[name].default for name in self.param if name != "name"})

    def say(self, form: str, text: str) -> None:
        """Tell the user, in the form ``form``, what happened there."""
        self.param.update(message=text, message_for=form)

    def moved_on(self) -> None:
        """The user went to another tab: what the forms said is no longer about anything."""
        self.param.update(message="", message_for="", problems=[], tried="")

    def pending(self, kind: str, site_id: str | None = None) -> list[str]:
        """Ids of the ``kind`` items this user submitted here that still await review
        (flavors: of the site ``site_id``, if given)."""
        return [
            item.id
            for item in self.submitted
            if item.kind == kind
            and item.standing == "awaiting review"
            and (site_id is None or item.site_id == site_id)
        ]

    @staticmethod
    def read_schema(text: str) -> tuple[dict | None, list[Problem]]:
        """A benchmark's schema from its text: JSON, an object, valid for its meta-schema,
        holding every definition it refers to (nothing is fetched)."""
        return read_schema(text)

    def try_schema(self, schema_text: str, sample: bytes) -> bool:
        """Check the schema on a sample result: its problems, and the suggested columns."""
        schema, problems = self.read_schema(schema_text)
        if schema is None or problems:
            self.param.update(problems=problems, tried="", message="", message_for="benchmark")
            return False
        read = read_result("sample result", sample)
        found = (
            list(read.problems) if read.document is None else check_result(read.document, schema)
        )
        suggested = [f.path for f in flatten_schema(schema) if f.suggested]
        columns = ", ".join(suggested) or "none (mark fields with suggestToUser: true)"
        verdict = "passes the schema" if not found else f"fails the schema ({len(found)} problems)"
        self.param.update(
            problems=found,
            tried=f"The sample {verdict}. Suggested columns: {columns}.",
            message="",
            message_for="benchmark",
        )
        return not found

    async def submit_benchmark(
        self, image: str, tag: str, url: str, description: str, schema_text: str
    ) -> bool:
        """Submit a benchmark once the form is right; it then awaits review."""
        schema, schema_problems = self.read_schema(schema_text)
        problems = [
            Problem(where, "is required")
            for value, where in ((image, "image"), (tag, "tag"))
            if not value.strip()
        ]
        if urlparse(url.strip()).scheme not in ("http", "https"):
            problems.append(Problem("documentation URL", "must start with https:// or http://"))
        self.problems = problems = problems + schema_problems
        if problems or schema is None:
            self.say("benchmark", "Not submitted: see the problems listed.")
            return False
        created = await self._create(
            "benchmark",
            lambda: self.client.benchmarks.create(
                docker_image=image.strip(),
                docker_tag=tag.strip(),
                url=url.strip(),
                json_schema=schema,
                description=description.strip() or None,
            ),
            f"{image.strip()}:{tag.strip()}",
        )
        return created is not None

    async def submit_site(self, name: str, address: str, description: str = "") -> Site | None:
        """Submit a site (it awaits review); the site, or None (``message`` says why)."""
        return await self._create(
            "site",
            lambda: self.client.sites.create(name=name, address=address, description=description),
            name,
        )

    async def submit_flavor(self, site_id: str, name: str, description: str = "") -> Flavor | None:
        """Submit a flavor of a site (it awaits review); the flavor, or None."""
        if not site_id:
            self.say("flavor", "Choose the site the new flavor belongs to first.")
            return None
        return await self._create(
            "flavor",
            lambda: self.client.flavors.create(site_id, name=name, description=description),
            name,
            site_id,
        )

    async def submit_tag(self, name: str, description: str = "") -> Tag | None:
        """Create a tag (ready at once); the tag, or None."""
        return await self._create(
            "tag", lambda: self.client.tags.create(name=name, description=description), name
        )

    async def _create(self, kind: str, create, name: str = "", site_id: str = ""):
        """Run one creation call (``create``) and say what happened to the ``kind``
        (``site_id``: a flavor's site); the item created, or None."""
        if not name.strip():
            self.say(kind, f"Give the new {kind} a name first.")
            return None
        try:
            item = await create()
        except Conflict:
            self.say(kind, f"Not submitted: {name or 'that ' + kind} exists already.")
            return None
        except ValidationFailed as error:
            self.say(kind, f"The service refused the {kind}: {error}")
            return None
        except APIError as error:
            self.say(kind, f"The {kind} was not submitted ({error}); the form is kept, try again.")
            return None
        review = "it is ready to use" if kind == "tag" else "it awaits an administrator's review"
        self.say(kind, f"The {kind} {item.name} was submitted: {review}.")
        if kind != "tag":
            self.remember(kind, item, site_id)
        await self.load_pending()
        self.changes += 1
        return item

    def remember(self, kind: str, item, site_id: str = "") -> None:
        """Note a benchmark, site or flavor this user just submitted (from any form)."""
        self.submitted = [*self.submitted, Submitted(kind, item.id, item.name, site_id)]

    async def load_mine(self) -> None:
        """The signed-in user's uploads, and their reports, pending and upheld.

        The service lists only upheld claims unless asked for the pending ones.
        """
        try:
            results = await self.client.users.all_my_results()
            claims = await asyncio.gather(
                *(self.client.users.my_claims(status=status) for status in REPORT_STATUSES)
            )
        except APIError as error:
            self.say("mine", f"Could not load your results and reports: {error}")
            return
        reports = [
            Report(claim, standing)
            for page, standing in zip(claims, REPORT_STATUSES.values(), strict=True)
            for claim in page.items
        ]
        self.param.update(my_results=results, my_table=mine_frame(results), my_claims=reports)

    async def load_pending(self) -> None:
        """Where the review of each of this user's submissions stands."""
        if not self.submitted:
            return
        try:
            standings = await asyncio.gather(*(self._standing(s) for s in self.submitted))
        except APIError as error:  # said after what the last submission did
            said = f"{self.message} Could not read where their review stands: {error}"
            self.message = said.strip()
            return
        before = self.submitted
        self.submitted = [
            replace(item, standing=standing)
            for item, standing in zip(before, standings, strict=True)
        ]
        if self.submitted != before:  # approved or rejected since: the lists change too
            self.changes += 1

    async def _standing(self, item: Submitted) -> str:
        """Pending, approved (listed), or rejected (gone): read from the lists."""
        if item.kind == "flavor" and not item.site_id:
            return item.standing  # its site's lists are where it is: not known here
        if item.kind == "flavor":
            lists = [
                self.client.flavors.all(item.site_id, status=status, name=item.name)
                for status in ("on_review", "approved")
            ]
        else:
            resource = self.client.benchmarks if item.kind == "benchmark" else self.client.sites
            named = (
                {
                    "docker_image": item.name.rsplit(":", 1)[0],
                    "docker_tag": item.name.rsplit(":", 1)[1],
                }
                if item.kind == "benchmark"
                else {"name": item.name}
            )
            lists = [resource.all(status=status, **named) for status in ("on_review", "approved")]
        pending, approved = await asyncio.gather(*lists)
        if any(found.id == item.id for found in pending):
            return "awaiting review"
        if any(found.id == item.id for found in approved):
            return "approved"
        return "rejected"

    async def load_reports_on(self, result_id: str) -> None:
        """The reports against one of the user's results."""
        try:  # listed by status: the ones still under review, then the ones decided
            pending = (await self.client.results.claims(result_id, status="on_review")).items
            decided = (await self.client.results.claims(result_id)).items
            self.reports_on = [*pending, *decided]
        except APIError as error:
            self.reports_on = []
            self.say("mine", f"Could not load its reports: {error}")

    async def retag(self, result_id: str, tag_ids: list[str]) -> bool:
        """Change the tags of one of the user's results."""
        try:
            await self.client.results.update_tags(result_id, tag_ids)
        except APIError as error:
            self.say("mine", f"The tags were not changed: {error}")
            return False
        self.say("mine", "Tags changed.")
        await self.load_mine()
        return True
