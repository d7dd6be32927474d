"""The administrators' review queue: submissions, claims, edits, and what was done.

Every item carries what a reviewer needs to decide without leaving the page: for a
submission the item itself (a benchmark's schema, a flavor's site) and who sent it
when; for a claim the claimed result in full and where it sits among the other
results of its benchmark. Each action is told apart: one that fails leaves its item
in the queue and says why, and the queue is reloaded after every action.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import param

from dashboard.api import (
    APIError,
    Claim,
    Flavor,
    Forbidden,
    JsonFilter,
    NotFound,
    Result,
    ServerError,
    Site,
    Submit,
    Tag,
)
from dashboard.schema.jsonpath import MISSING, value_at
from dashboard.state.admin_items import (
    KINDS,
    UNNAMED_RESULT,
    Action,
    ClaimCase,
    Standing,
    Submission,
    compared_fields,
)
from dashboard.state.base import ClientState


class AdminQueue(ClientState):
    """What awaits review, the handled claims, the editable catalog and this session's actions."""

    submissions = param.List(default=[], item_type=Submission, doc="Pending, oldest first.")
    claims = param.List(default=[], item_type=ClaimCase, doc="Claims under review, oldest first.")
    handled = param.List(default=[], item_type=ClaimCase, doc="Claims that were upheld.")
    sites = param.List(default=[], item_type=Site, doc="Every site (approved or pending).")
    flavors = param.List(default=[], item_type=Flavor, doc="The flavors of the edited site.")
    tags = param.List(default=[], item_type=Tag, doc="Every tag.")
    actions = param.List(default=[], item_type=Action, doc="What was done here, newest first.")
    pending = param.Integer(default=0, doc="Submissions and claims awaiting review.")
    problem = param.String(default="", doc="Why the queue could not be loaded, in words.")
    message = param.String(default="", doc="What the last action did.")
    unreadable = param.List(
        default=[], item_type=str, doc="Items of the queues that could not be read, in words."
    )

    def __init__(self, client, **params) -> None:
        super().__init__(client, **params)
        self._stopped = False
        self._flavors_of = ""

    # ----------------------------------------------------------------- loading

    async def load(self) -> None:
        """Load the queues and the catalog (one piece of work; a newer load supersedes)."""
        await self._work.run(self._load())

    async def _load(self) -> None:
        unreadable: list[str] = []
        try:
            submissions, claims = await asyncio.gather(
                self._submissions(unreadable), self._claims(unreadable)
            )
            sites, tags = await asyncio.gather(self._all_sites(), self.client.tags.all())
        except APIError as error:
            self.problem = self._refusal(error, "load the review queue")
            return
        self.param.update(
            submissions=submissions,
            claims=claims,
            sites=sites,
            tags=sorted(tags, key=lambda t: t.name.lower()),
            pending=len(submissions) + len(claims),
            unreadable=unreadable,
            problem="",
        )

    async def load_handled(self) -> None:
        """The claims administrators upheld (their results stay hidden)."""
        try:
            claims = await self.client.reports.all_claims(status="approved")
            self.handled = list(
                await asyncio.gather(*(self._case(c, compare=False) for c in claims))
            )
        except APIError as error:
            self.problem = self._refusal(error, "load the handled claims")

    async def load_flavors(self, site_id: str) -> None:
        """The flavors of one site, approved and pending, for the editor.

        Only the answer for the site asked last is kept: choosing A then B never shows
        A's flavors under B.
        """
        self._flavors_of = site_id
        self.flavors = []
        try:
            approved, pending = await asyncio.gather(
                self.client.flavors.all(site_id),
                self.client.flavors.all(site_id, status="on_review"),
            )
        except APIError as error:
            if self._flavors_of == site_id:
                self.message = f"Could not load the site's flavors: {error}"
            return
        if self._flavors_of == site_id:
            self.flavors = sorted([*approved, *pending], key=lambda f: f.name.lower())

    async def _all_sites(self) -> list[Site]:
        approved, pending = await asyncio.gather(
            self.client.sites.all(), self.client.sites.all(status="on_review")
        )
        return sorted([*approved, *pending], key=lambda s: s.name.lower())

    async def _submissions(self, unreadable: list[str]) -> list[Submission]:
        submits = await self.client.reports.all_submits()
        unreadable.extend(f"A submission: {item}" for item in submits.unreadable)
        found = await asyncio.gather(
            *(self._submission(s) for s in submits if s.resource_type in KINDS)
        )
        ordered = [s for s in found if s is not None]
        ordered.sort(
            key=lambda s: (KINDS.index(s.kind), s.submitted or datetime.min.replace(tzinfo=UTC))
        )
        return ordered

    async def _submission(self, submit: Submit) -> Submission | None:
        kind, item_id = submit.resource_type, submit.resource_id
        try:
            if kind == "benchmark":
                item, site = await self.client.benchmarks.get(item_id), None
            elif kind == "site":
                item, site = await self.client.sites.get(item_id), None
            else:
                item, site = await asyncio.gather(
                    self.client.flavors.get(item_id), self.client.flavors.site(item_id)
                )
        except NotFound:  # reviewed meanwhile (another administrator)
            return None
        uploader = submit.uploader.email if submit.uploader else "unknown"
        return Submission(kind, item, submit.upload_datetime, uploader, site)

    async def _claims(self, unreadable: list[str]) -> list[ClaimCase]:
        claims = await self.client.reports.all_claims(
            status="on_review", sort_by="+upload_datetime"
        )
        unreadable.extend(f"A claim: {item}" for item in claims.unreadable)
        return list(await asyncio.gather(*(self._case(c) for c in claims)))

    async def _case(self, claim: Claim, *, compare: bool = True) -> ClaimCase:
        if claim.resource_id is None:
            return ClaimCase(claim, None, unstated=UNNAMED_RESULT)
        try:
            result = await self.client.results.get(claim.resource_id)
        except NotFound:
            return ClaimCase(claim, None)
        if not compare:
            return ClaimCase(
                claim, result, unstated="Handled claims are listed without comparison."
            )
        try:
            standings = await self._standings(result)
        except APIError as error:  # one claim's comparison never holds up the queue
            return ClaimCase(claim, result, unstated=f"The comparison could not be made: {error}")
        if not standings:
            return ClaimCase(
                claim, result, unstated="Its benchmark has no numeric field to compare on."
            )
        return ClaimCase(claim, result, standings)

    async def _standings(self, result: Result) -> tuple[Standing, ...]:
        """The result's percentile on each compared field, counted by the API itself."""
        benchmark_id = result.benchmark.id
        values = {}
        for path in compared_fields(result.benchmark):
            value = value_at(result.json, path)
            if (
                value is not MISSING
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                values[path] = value
        if not values:
            return ()

        async def count(*filters: JsonFilter) -> int:
            page = await self.client.results.list(
                benchmark_id=benchmark_id, filters=list(filters), per_page=1
            )
            return page.total

        async def standing(path: str, value: float) -> Standing:
            # a claimed result is out of the lists: these are the *other* results
            lower, others = await asyncio.gather(count(JsonFilter(path, "<", value)), count())
            return Standing(path, value, lower, others)

        return tuple(await asyncio.gather(*(standing(p, v) for p, v in values.items())))

    # ----------------------------------------------------------------- actions

    async def review(self, items: Sequence[Submission], *, approve: bool) -> None:
        """Approve (public from now on) or reject (deleted) submissions, one by one."""
        verb = "approve" if approve else "reject"

        def call(item: Submission) -> Awaitable[None]:
            resource = {
                "benchmark": self.client.benchmarks,
                "site": self.client.sites,
                "flavor": self.client.flavors,
            }[item.kind]
            return resource.approve(item.id) if approve else resource.reject(item.id)

        await self._act([(f"{verb.capitalize()} {i.label}", lambda i=i: call(i)) for i in items])

    async def decide(self, cases: Sequence[ClaimCase], *, uphold: bool) -> None:
        """Approve claims (their results stay hidden) or reject them (the service is meant
        to show their results again); then say what became of each result."""
        reports = self.client.reports

        async def call(case: ClaimCase) -> str:
            await (reports.approve_claim if uphold else reports.reject_claim)(case.id)
            return await self._fate(case, uphold=uphold)

        await self._act(
            [(f"{'Approve' if uphold else 'Reject'} {c.label}", lambda c=c: call(c)) for c in cases]
        )
        if self.handled:
            await self.load_handled()

    async def _fate(self, case: ClaimCase, *, uphold: bool) -> str:
        """What the service did with a decided claim's result, read back from its lists."""
        claim = "the claim stands" if uphold else "the claim is dropped"
        if case.result is None:
            return f"{claim}; its result is not known here"
        try:
            listed = await self._listed(case.result)
        except APIError as error:
            return f"{claim}; whether the result is listed could not be read ({error})"
        if listed:
            return f"{claim}; the service lists the result again"
        hidden = "the result stays hidden" if uphold else "the service still hides the result"
        return f"{claim}; {hidden}"

    async def _listed(self, result: Result) -> bool:
        """Whether the public lists hold `result` (reading it by id always works)."""
        day = result.execution_datetime.date()
        around = await self.client.results.all(
            benchmark_id=result.benchmark.id,
            flavor_id=result.flavor.id,
            execution_after=day - timedelta(days=1),
            execution_before=day + timedelta(days=1),
        )
        return any(found.id == result.id for found in around)

    async def save_site(self, site: Site, name: str, address: str, description: str) -> bool:
        """Change a site's name, address and description."""
        return await self._save(
            f"Edit site {site.name}",
            lambda: self.client.sites.update(
                site.id, name=name.strip(), address=address.strip(), description=description.strip()
            ),
            required={"name": name, "address": address},
        )

    async def save_flavor(self, flavor: Flavor, name: str, description: str) -> bool:
        """Change a flavor's name and description."""
        return await self._save(
            f"Edit flavor {flavor.name}",
            lambda: self.client.flavors.update(
                flavor.id, name=name.strip(), description=description.strip()
            ),
            required={"name": name},
        )

    async def save_tag(self, tag: Tag, name: str, description: str) -> bool:
        """Rename a tag or change its description."""
        return await self._save(
            f"Edit tag {tag.name}",
            lambda: self.client.tags.update(
                tag.id, name=name.strip(), description=description.strip()
            ),
            required={"name": name},
        )

    async def _save(
        self, what: str, call: Callable[[], Awaitable[object]], required: dict[str, str]
    ) -> bool:
        missing = [name for name, value in required.items() if not value.strip()]
        if missing:
            self.message = f"Not saved: the {' and the '.join(missing)} cannot be empty."
            return False
        return await self._act([(what, call)])

    def stop(self) -> None:
        """Stop here: the session ends, or another identity takes over its client.

        Actions not yet sent are dropped; they would go out with the next identity's token.
        """
        self._stopped = True
        super().stop()

    async def _act(self, work: list[tuple[str, Callable[[], Awaitable[object]]]]) -> bool:
        """Run actions one after the other, record each, then reload the queue."""
        self.loading = True
        try:
            done = await self._each(work)
        finally:
            self.loading = False
        if self._stopped:
            return False
        failed = [a for a in done if not a.ok]
        self.actions = [*reversed(done), *self.actions]
        if failed:
            self.message = " ".join(f"{a.what}: {a.outcome}" for a in failed)
        else:
            said = [a.what if a.outcome == "done" else f"{a.what} ({a.outcome})" for a in done]
            self.message = f"Done: {'; '.join(said)}."
        await self.load()
        return not failed

    async def _each(self, work: list[tuple[str, Callable[[], Awaitable[object]]]]) -> list[Action]:
        done: list[Action] = []
        for what, call in work:
            if self._stopped:
                break
            try:
                outcome = await call()
            except APIError as error:
                done.append(Action(what, False, self._refusal(error, what.lower())))
            else:
                done.append(Action(what, True, outcome if isinstance(outcome, str) else "done"))
        return done

    @staticmethod
    def _refusal(error: APIError, doing: str) -> str:
        if isinstance(error, Forbidden):
            return (
                f"The service refused to {doing}: this identity is not an administrator "
                f"there (403). {error}"
            )
        if isinstance(error, NotFound):
            return f"Could not {doing}: it is no longer there (reviewed meanwhile?). {error}"
        if isinstance(error, ServerError) and "(its result is not named)" in doing:
            return (
                f"Could not {doing}: the service failed ({error}). EOSC Performance 1.2.3 "
                "fails so on the older claim of a result claimed twice: decide the newer "
                "claim of that result; this one stays in the queue."
            )
        return f"Could not {doing}: {error}"
