"""A shared link's values pass the same checks as a user's clicks, against the sandbox."""

from __future__ import annotations

import pytest
from helpers import flagship, until

from dashboard.api import PerfClient
from dashboard.state.explorer import URL_PARAMETERS, ExplorerState

HOSTILE = [
    "<script>alert(47)</script>",
    "<img src=x onerror=alert(47)>",
    "<svg/onload=alert(47)>",
    "javascript:alert(47)",
]


async def opened(client: PerfClient, query: dict[str, str]) -> ExplorerState:
    """An explorer opened on a link with ``query``, as a served page opens it."""
    state = ExplorerState(client=client)
    state.restore(query)
    await state.start()
    await until(lambda: not state.loading and state.started)
    return state


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_hostile_values_in_every_parameter_are_left_out_with_a_notice(
    anonymous_client, hostile
):
    benchmark_id = (await flagship(anonymous_client)).id
    query = {name: hostile for name in URL_PARAMETERS}
    query["benchmark_id"] = benchmark_id
    for name in ("site_ids", "flavor_ids", "tag_ids", "columns"):
        query[name] = f'["{hostile}"]'
    query["json_filters"] = f'["{hostile.replace(" ", "")} >= 1", "machine.cpu.count >= {hostile}"]'
    state = await opened(anonymous_client, query)
    assert state.benchmark_id == benchmark_id and len(state.population) > 0
    chosen = {name: getattr(state, name) for name in URL_PARAMETERS if name != "benchmark_id"}
    assert chosen["site_ids"] == chosen["flavor_ids"] == chosen["tag_ids"] == []
    assert chosen["json_filters"] == [] and chosen["sort"] == "" and chosen["reference"] == ""
    assert hostile not in chosen["columns"] and chosen["columns"], "the benchmark's own columns"
    assert chosen["plot_kind"] == "scatter" and chosen["direction"] == "auto"
    assert state.field(chosen["plot_y"]).numeric
    assert chosen["text"] == hostile, "free text is a search, kept (and shown only as text)"
    notice = state.notice
    assert notice.startswith("Left out, as nothing here offers it:")
    for what in ("site", "flavor", "tag", "condition", "column", "order", "reference group"):
        assert f"the {what} " in notice, what
    for name in ("plot_kind", "plot_group", "direction", "execution_after", "logx"):
        assert name in notice, name
    state.text = ""  # the search is the one choice kept: without it, nothing filters
    assert len(state.filtered) == len(state.population)


async def test_an_unknown_benchmark_is_none_chosen_and_says_so(anonymous_client):
    state = await opened(anonymous_client, {"benchmark_id": "00000000-0000-0000-0000-000000000000"})
    await until(lambda: not state.loading and state.notice)
    assert state.benchmark_id == "" and state.population.empty, "nothing loaded in its place"
    assert "the benchmark '00000000-0000-0000-0000-000000000000' (no such benchmark)" in (
        state.notice
    )


async def test_what_a_click_could_choose_survives_the_link(anonymous_client):
    benchmark_id = (await flagship(anonymous_client)).id
    first = await opened(anonymous_client, {"benchmark_id": benchmark_id})
    site = first.population["site_id"].iloc[0]
    assert first.add_json_filter("machine.cpu.count", ">=", 8)
    first.param.update(site_ids=[site], plot_group="flavor", sort="-execution_datetime", logy=True)
    first.reference = str(first.summary().index[0])
    link = first.url_query()
    assert set(link) >= {"benchmark_id", "site_ids", "json_filters", "sort", "logy", "reference"}

    second = await opened(anonymous_client, link)
    assert second.notice == ""
    assert {n: getattr(second, n) for n in URL_PARAMETERS} == {
        n: getattr(first, n) for n in URL_PARAMETERS
    }
    assert set(second.filtered["id"]) == set(first.filtered["id"])


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        pytest.param("machine.cpu.count >= eight", "is a whole number", id="text-for-integer"),
        pytest.param("machine.cpu.count >= 8.5", "is a whole number", id="fraction-for-integer"),
        pytest.param("machine.os >= linux", "takes only", id="operator-not-offered"),
        pytest.param("machine.nothing == 1", "not a field", id="unknown-path"),
        pytest.param("machine.cpu.count  >= 8", "is not a filter", id="not-three-words"),
        pytest.param("machine.cpu.count => 8", "is not a filter operator", id="unknown-operator"),
    ],
)
async def test_a_condition_no_widget_offers_is_refused_from_a_link_and_from_code(
    anonymous_client, condition, words
):
    benchmark_id = (await flagship(anonymous_client)).id
    state = await opened(
        anonymous_client, {"benchmark_id": benchmark_id, "json_filters": f'["{condition}"]'}
    )
    assert state.json_filters == [] and words in state.notice
    path, op, value = ([*condition.split(" "), "", ""])[:3]
    if op in ("==", ">=") and path.startswith("machine"):  # the same check for a click
        assert state.add_json_filter(path, op, value) is False
        assert state.json_filters == []
