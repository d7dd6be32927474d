"""The Compare view's state driven as its widgets and links drive it, checked against the
sandbox API over HTTP: its groups and their counts are what the API returns for the same
choices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np
import pytest

from dashboard.api import Benchmark, PerfClient, Result
from dashboard.results.ranking import FEW, NO_CLEAR, REFERENCE, TOO_FEW
from dashboard.sandbox.seed_benchmarks import BENCHMARKS
from dashboard.state.compare import URL_KEYS, CompareState

C_RAY, DEEP_LEARNING, STREAM = (
    "thechristophe/openbench-c-ray",
    "deephdc/deep-oc-benchmarks_cnn",
    "eoscperf/stream",
)
VERDICTS = {"faster", "slower", NO_CLEAR, TOO_FEW}


async def compared(client: PerfClient, query: dict[str, str] | None = None) -> CompareState:
    """The Compare view's state opened (on a link with ``query``) and answered."""
    state = CompareState(client)
    state.restore(query or {})
    await state.start()
    await state.settled()
    return state


async def choose(state: CompareState, **choices) -> None:
    """Choices made as the widgets make them, and their answer waited for."""
    state.param.update(**choices)
    await state.settled()
    assert not state.problem


def seeded(state: CompareState, image: str) -> Benchmark:
    """The benchmark the seed made of ``image`` (the tests of other tiers add other tags)."""
    tag = next(b.tag for b in BENCHMARKS if b.image == image)
    return next(b for b in state.benchmarks if (b.docker_image, b.docker_tag) == (image, tag))


def per_group(results: Iterable[Result], keep: Callable[[Result], bool] = bool) -> Counter:
    """What the API returned, counted per site / flavor (the view's groups)."""
    return Counter(f"{r.site.name} / {r.flavor.name}" for r in results if keep(r))


def ranked_counts(state: CompareState) -> dict[str, int]:
    ranked = state.result.ranked
    return dict(zip(ranked["group"], ranked["n"].astype(int), strict=True))


def json_text(document: dict, path: str) -> str:
    """A result's JSON value at ``path`` as the configurations table spells it."""
    for part in path.split("."):
        document = document.get(part) if isinstance(document, dict) else None
    return "(none)" if document is None else str(document)


async def test_with_no_choice_the_benchmark_with_the_most_results_is_ranked(anonymous_client):
    state = await compared(anonymous_client)
    totals = {
        b.id: (await anonymous_client.results.list(benchmark_id=b.id, per_page=1)).total
        for b in await anonymous_client.benchmarks.all()
    }
    assert state.totals == totals
    assert state.chosen.id == state.benchmarks[0].id == max(totals, key=totals.get)
    assert [state.totals[b.id] for b in state.benchmarks] == sorted(totals.values(), reverse=True)
    assert state.result.configuration == "", "the flagship's results do not mix set-ups"
    results = await anonymous_client.results.all(benchmark_id=state.chosen.id)
    assert ranked_counts(state) == per_group(results)
    assert (state.result.ranked["verdict"] == REFERENCE).sum() == 1


@pytest.mark.parametrize("how_many", [1, 2, 0], ids=["one-site", "two-sites", "every-site"])
async def test_chosen_sites_rank_what_the_api_returns_for_them(anonymous_client, how_many):
    state = await compared(anonymous_client)
    every = [site_id for site_id, _ in state.sites]
    site_ids = every[:how_many]
    await choose(state, site_ids=every[-1:])  # another choice first: this one is a change
    await choose(state, site_ids=site_ids)
    results = await anonymous_client.results.all(benchmark_id=state.chosen.id)
    expected = per_group(results, lambda r: not site_ids or r.site.id in site_ids)
    assert ranked_counts(state) == expected and expected


async def test_mixed_configurations_are_said_and_only_comparable_runs_are_ranked(
    anonymous_client,
):
    state = await compared(anonymous_client)
    deep = seeded(state, DEEP_LEARNING)
    await choose(state, benchmark_id=deep.id)
    configs = state.configs
    assert len(configs) >= 2 and configs["n"].is_monotonic_decreasing
    assert state.result.configuration == configs["key"].iloc[0], "the most common by default"
    assert any("configurations" in note and state.result.configuration in note
               for note in state.result.notes)  # fmt: skip
    results = await anonymous_client.results.all(benchmark_id=deep.id)
    paths = [c for c in configs.columns if c not in ("n", "key")]
    for row in (0, 1):  # the default, then another one chosen
        chosen = configs.iloc[row]
        await choose(state, configuration=chosen["key"])
        assert state.result.configuration == chosen["key"]
        expected = per_group(
            results, lambda r, chosen=chosen: all(json_text(r.json, p) == chosen[p] for p in paths)
        )
        assert ranked_counts(state) == expected
        assert sum(expected.values()) == chosen["n"]


async def test_a_flavor_whose_results_name_two_cpus_warns_of_mixed_hardware(anonymous_client):
    state = await compared(anonymous_client)
    results = await anonymous_client.results.all(benchmark_id=state.chosen.id)
    cpus: dict[str, set] = {}
    for r in results:
        cpu = json_text(r.json, "machine.cpu.brand_raw")
        found = cpus.setdefault(f"{r.site.name} / {r.flavor.name}", set())
        found |= {cpu} - {"(none)"}
    mixed = {group for group, models in cpus.items() if len(models) > 1}
    assert "GWDG-CLOUD / standard.large" in mixed, "the seed's partly renewed hypervisors"
    for group, card in state.cards.items():
        warned = any("mixed hardware" in warning for warning in card.warnings)
        assert warned == (group in mixed), group


async def test_the_coverage_of_a_workload_is_what_the_api_counts(anonymous_client):
    state = await compared(anonymous_client)
    c_ray, stream = seeded(state, C_RAY), seeded(state, STREAM)
    await choose(state, mode="profile", workload=[f"{c_ray.id}:1", f"{stream.id}:2"])
    covered = state.covered
    assert set(covered.columns) == {c_ray.name, stream.name}
    for benchmark in (c_ray, stream):
        counted = per_group(await anonymous_client.results.all(benchmark_id=benchmark.id))
        assert set(counted) <= set(covered.index)
        for group in covered.index:
            assert covered.at[group, benchmark.name] == counted.get(group, 0), (benchmark, group)
    assert set(state.ranked_profile["group"]) == set(covered.index), "no group dropped"


async def test_a_links_bad_values_are_left_out_and_said(anonymous_client):
    state = await compared(
        anonymous_client,
        {
            "metric": "nope.nothing",
            "workload": '["abc:heavy"]',
            "per": "per-banana",
            "at": '["no-such-site"]',
        },
    )
    assert state.metric == "" and state.workload == [] and state.per == "result"
    assert state.site_ids == [], "a site none of the results was run at is left out"
    assert "the site(s) 'no-such-site'" in state.notice
    notice = state.notice
    assert notice.startswith("Left out, as nothing here offers it:")
    assert "the metric 'nope.nothing'" in notice
    assert "the weight of 'abc:heavy' is not a number" in notice
    assert "per 'per-banana'" in notice
    assert len(state.result.ranked), "the headline metric ranked instead"


@pytest.mark.parametrize("image", [C_RAY, DEEP_LEARNING], ids=["c-ray", "deep-learning"])
async def test_a_link_gives_the_same_answer_as_the_clicks_it_was_made_from(anonymous_client, image):
    state = await compared(anonymous_client)
    await choose(state, benchmark_id=seeded(state, image).id)
    groups = list(state.result.ranked["group"])
    choices = {"per": "core", "reference": groups[len(groups) // 3]}
    if len(state.configs) > 1:
        choices["configuration"] = state.configs["key"].iloc[1]
    await choose(state, **choices)
    await choose(state, site_ids=[site_id for site_id, _ in state.sites][:3])
    query = state.url_query()
    assert set(query) <= set(URL_KEYS.values()) and {"compare", "per", "at"} <= set(query)
    opened = await compared(anonymous_client, query)
    assert opened.notice == ""
    before, after = state.result.ranked, opened.result.ranked
    assert list(after["group"]) == list(before["group"])
    np.testing.assert_allclose(after["ratio"], before["ratio"])
    assert opened.result.configuration == state.result.configuration


async def test_clicking_another_reference_compares_every_group_with_it(anonymous_client):
    state = await compared(anonymous_client)
    ranked = state.result.ranked
    was = ranked.loc[ranked["verdict"] == REFERENCE, "group"].item()
    clicked = ranked.loc[(ranked["n"] >= FEW) & (ranked["group"] != was), "group"].iloc[-1]
    await choose(state, reference=clicked)
    ranked = state.result.ranked.set_index("group")
    assert list(ranked.index[ranked["verdict"] == REFERENCE]) == [clicked]
    assert ranked.at[clicked, "ratio"] == 1
    others = ranked.drop(index=clicked)
    assert set(others["verdict"]) <= VERDICTS
    np.testing.assert_allclose(others["ratio"], others["median"] / ranked.at[clicked, "median"])
    few = others[others["n"] < FEW]
    assert len(few) and (few["verdict"] == TOO_FEW).all()
    enough = others[others["n"] >= FEW]
    assert set(enough["verdict"]) - {TOO_FEW}, "groups with enough results get a verdict"


async def test_a_reference_with_too_few_results_lets_nothing_be_concluded(anonymous_client):
    state = await compared(anonymous_client)
    ranked = state.result.ranked
    scarce = ranked.loc[ranked["n"] < FEW, "group"].iloc[0]
    await choose(state, reference=scarce)
    verdicts = state.result.ranked.set_index("group")["verdict"]
    assert verdicts[scarce] == REFERENCE
    assert set(verdicts.drop(index=scarce)) == {TOO_FEW}


async def test_a_site_without_the_chosen_set_up_answers_with_an_empty_ranking(anonymous_client):
    state = await compared(anonymous_client)
    deep = seeded(state, DEEP_LEARNING)
    await choose(state, benchmark_id=deep.id)
    chosen = state.configs.iloc[0]
    paths = [c for c in state.configs.columns if c not in ("n", "key")]
    ran = {
        r.site.id
        for r in await anonymous_client.results.all(benchmark_id=deep.id)
        if all(json_text(r.json, p) == chosen[p] for p in paths)
    }
    unrun = [site_id for site_id, _ in state.sites if site_id not in ran]
    assert unrun, "some site with results never ran the most common set-up"
    await choose(state, site_ids=unrun[:1])
    assert state.result.ranked.empty, "not the answer for the sites chosen before"
    assert state.result.configuration == chosen["key"]


def run_snippet(code: str) -> dict:
    """What a user gets by pasting the copied Python into a notebook."""
    namespace: dict = {}
    exec(compile(code, "<copied>", "exec"), namespace)
    return namespace


async def test_the_copied_python_gives_the_ranking_shown(anonymous_client):
    import asyncio

    state = await compared(anonymous_client)
    deep = seeded(state, DEEP_LEARNING)
    await choose(state, benchmark_id=deep.id, per="GPU", direction="higher")
    second = state.configs["key"].iloc[1]
    await choose(state, configuration=second, reference=state.result.ranked["group"].iloc[-1])
    code = state.snippet()
    assert "per='GPU'" in code and repr(second) in code
    got = (await asyncio.to_thread(run_snippet, code))["ranking"]
    shown = state.result.ranked
    assert list(got["group"]) == list(shown["group"])
    assert list(got["ratio"]) == pytest.approx(list(shown["ratio"]), nan_ok=True)
    assert list(got["verdict"]) == list(shown["verdict"])

    stream = seeded(state, STREAM)
    workload = [f"{state.chosen.id}:1", f"{stream.id}:2:result.copy"]
    await choose(state, mode="profile", workload=workload)
    assert ("copy [MB/s]", "result.copy") in state.workload_metrics[stream.id]
    code = state.snippet()
    assert "metrics={" in code and "'result.copy'" in code
    got = (await asyncio.to_thread(run_snippet, code))["workload"]
    assert list(got["group"]) == list(state.ranked_profile["group"])
    assert list(got["score"]) == pytest.approx(list(state.ranked_profile["score"]), nan_ok=True)


async def test_a_workload_compares_each_benchmark_on_its_chosen_number(anonymous_client):
    state = await compared(anonymous_client)
    c_ray, stream = seeded(state, C_RAY), seeded(state, STREAM)
    await choose(state, mode="profile", workload=[f"{c_ray.id}:1", f"{stream.id}:1"])
    on_triad = state.ranked_profile.set_index("group")["score"]
    await choose(state, workload=[f"{c_ray.id}:1", f"{stream.id}:1:result.copy"])
    on_copy = state.ranked_profile.set_index("group")["score"]
    assert not on_copy.equals(on_triad), "another number of STREAM, another workload score"
    await choose(state, workload=[f"{c_ray.id}:1", f"{stream.id}:1:no.such.number"])
    assert "the metric 'no.such.number'" in state.notice
    assert state.ranked_profile.set_index("group")["score"].equals(on_triad)
