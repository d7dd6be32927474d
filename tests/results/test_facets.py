"""Facet options and counts: what choosing each option would leave, over realistic data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
from helpers import score
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.api import JsonFilter
from dashboard.results.facets import facet_counts, options
from dashboard.results.filters import Filters, apply


@st.composite
def selections(draw, frame: pd.DataFrame) -> Filters:
    def some(facet: str) -> frozenset[str]:
        choices = [key for key, _ in options(frame, facet)]
        return frozenset(draw(st.lists(st.sampled_from(choices), max_size=3)))

    days = st.none() | st.dates(date(2024, 6, 1), date(2026, 11, 1))
    json_filters = st.lists(
        st.sampled_from(
            [
                JsonFilter("machine.cpu.count", ">=", 8),
                JsonFilter("machine.os", "<", "Ubuntu"),
                JsonFilter("machine.ram_gb", "<=", 16),
                score("<", 60.0),
            ]
        ),
        max_size=2,
    )
    return Filters(
        site_ids=some("site"),
        flavor_ids=some("flavor"),
        tag_ids=some("tags") if draw(st.booleans()) else frozenset(),
        execution_after=draw(days),
        upload_before=draw(days),
        json_filters=tuple(draw(json_filters)),
        text=draw(st.sampled_from(["", "spain", "cloud", "standard", "ubuntu"])),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_facet_count_is_what_choosing_that_option_leaves(seeded, data):
    filters = data.draw(selections(seeded))
    for facet, field in (("site", "site_ids"), ("flavor", "flavor_ids")):
        counts = facet_counts(seeded, filters, facet)
        assert set(counts) == {key for key, _ in options(seeded, facet)}
        for key, count in counts.items():
            assert count == len(apply(seeded, replace(filters, **{field: {key}}))), (facet, key)
    tag_counts = facet_counts(seeded, filters, "tags")
    assert set(tag_counts) == {key for key, _ in options(seeded, "tags")}
    for key, count in tag_counts.items():
        assert count == len(apply(seeded, replace(filters, tag_ids=filters.tag_ids | {key})))


def test_facet_counts_small_example(frame):
    filters = Filters(site_ids={"s-prague"}, tag_ids={"t-baseline"})
    assert facet_counts(frame, filters, "site") == {"s-prague": 1, "s-santander": 1, "s-bari": 0}
    assert facet_counts(frame, filters, "flavor") == {
        "f-small-prague": 1,
        "f-small-bari": 0,
        "f-v100": 0,
    }
    assert facet_counts(frame, filters, "tags") == {"t-cloud": 1, "t-baseline": 1, "t-gpu": 0}


def test_options_sorted_by_name_and_flavors_told_apart_by_site(frame):
    assert options(frame, "site") == [
        ("s-prague", "CESNET-MetaCloud"),
        ("s-santander", "IFCA-LCG2"),
        ("s-bari", "INFN-CLOUD-BARI"),
    ]
    assert options(frame, "flavor") == [
        ("f-v100", "gpu.v100x1"),
        ("f-small-prague", "standard.small (CESNET-MetaCloud)"),
        ("f-small-bari", "standard.small (INFN-CLOUD-BARI)"),
    ]
    assert options(frame, "tags") == [
        ("t-baseline", "baseline"),
        ("t-cloud", "cloud"),
        ("t-gpu", "gpu"),
    ]
    assert options(frame[frame.site_id == "s-bari"], "site") == [("s-bari", "INFN-CLOUD-BARI")]
