"""The ranking's statistics, against hand-computed cases and scipy itself."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from dashboard.results.ranking import (
    BOOTSTRAP,
    DISTRIBUTION_FREE,
    NO_CLEAR,
    RESAMPLES,
    SEED,
    TOO_FEW,
    median_group,
    per_unit,
    rank_groups,
    ratio_interval,
    verdict,
    weighted_geometric_mean,
)
from dashboard.results.where import PER, answer, headline_metric, prepare
from dashboard.sandbox import seed_schemas
from dashboard.schema.flatten import flatten_schema


def test_the_ratio_is_of_the_medians_and_its_interval_is_scipys_bootstrap():
    fast, slow = [10.0, 11.0, 12.0, 13.0, 50.0], [20.0, 21.0, 22.0, 24.0, 25.0]
    ratio, low, high, method = ratio_interval(fast, slow)
    assert ratio == pytest.approx(12.0 / 22.0)
    expected = stats.bootstrap(
        (np.array(fast), np.array(slow)),
        lambda a, b, axis: np.median(a, axis=axis) / np.median(b, axis=axis),
        vectorized=True,
        paired=False,
        n_resamples=RESAMPLES,
        method="percentile",
        random_state=np.random.default_rng(SEED),
    ).confidence_interval
    assert (low, high) == pytest.approx((expected.low, expected.high))
    assert method == BOOTSTRAP
    assert ratio_interval(fast, slow) == (ratio, low, high, method)  # a fixed seed


def test_large_groups_get_the_distribution_free_interval():
    rng = np.random.default_rng(1)
    a, b = rng.normal(100, 5, 1000), rng.normal(200, 5, 1000)
    ratio, low, high, method = ratio_interval(a, b)
    assert method == DISTRIBUTION_FREE
    assert low < ratio < high and high < 1  # clearly half
    assert ratio == pytest.approx(np.median(a) / np.median(b))


@pytest.mark.parametrize(
    ("n", "reference_n", "low", "high", "lower_is_better", "said"),
    [
        (2, 10, 0.5, 0.6, True, TOO_FEW),
        (10, 2, 0.5, 0.6, True, TOO_FEW),
        (10, 10, 0.9, 1.1, True, NO_CLEAR),
        (10, 10, 0.5, 0.6, True, "faster"),  # half the time
        (10, 10, 0.5, 0.6, False, "slower"),  # half the throughput
        (10, 10, 1.5, 1.6, False, "faster"),
        (10, 10, math.nan, math.nan, True, TOO_FEW),
    ],
    ids=["few", "few-reference", "spans-1", "time", "throughput-low", "throughput", "nan"],
)
def test_the_verdict_says_only_what_the_interval_allows(
    n, reference_n, low, high, lower_is_better, said
):
    assert verdict(n, reference_n, low, high, lower_is_better) == said


def test_groups_are_ranked_best_first_by_direction_with_the_middle_group_as_reference():
    groups = {
        "slow": [30.0, 31.0, 32.0, 33.0],
        "middle": [20.0, 21.0, 22.0, 23.0],
        "fast": [10.0, 11.0, 12.0, 13.0],
        "single": [5.0],
    }
    ranked = rank_groups(groups, lower_is_better=True)
    assert list(ranked["group"]) == ["single", "fast", "middle", "slow"]
    by = ranked.set_index("group")
    assert by.at["middle", "verdict"] == "reference"  # the middle of the groups with enough
    assert by.at["fast", "verdict"] == "faster" and by.at["slow", "verdict"] == "slower"
    assert by.at["single", "verdict"] == TOO_FEW and by.at["single", "n"] == 1
    assert by.at["fast", "times_better"] == pytest.approx(21.5 / 11.5)
    higher = rank_groups(groups, lower_is_better=False, reference="fast")
    assert list(higher["group"])[:3] == ["slow", "middle", "fast"]


def test_the_reference_median_is_the_middle_one_among_groups_with_enough_results():
    medians = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 100.0}
    assert median_group(medians, {"a": 5, "b": 5, "c": 5, "d": 1}) == "b"
    assert median_group({"a": 1.0}, {"a": 1}) == "a"  # none has enough: all count
    assert median_group({}, {}) is None


def test_the_weighted_geometric_mean_of_ratios():
    ratios = {"cray": 2.0, "stream": 0.5, "fio": 8.0}
    assert weighted_geometric_mean(ratios, {"cray": 1, "stream": 1}) == pytest.approx(1.0)
    assert weighted_geometric_mean(ratios, {"cray": 3, "fio": 1}) == pytest.approx(
        math.exp((3 * math.log(2) + math.log(8)) / 4)
    )
    assert math.isnan(weighted_geometric_mean({"cray": 0.0}, {"cray": 1}))


def test_per_core_values_rank_the_machine_that_does_more_per_core_first():
    # 8 cores at 80 units beat 2 cores at 30 overall, not per core (throughput: higher is better)
    per_core = {"big": np.array([80.0, 81, 79]) / 8, "small": np.array([30.0, 31, 29]) / 2}
    ranked = rank_groups(per_core, lower_is_better=False, reference="big")
    assert list(ranked["group"]) == ["small", "big"]
    assert ranked.set_index("group").at["small", "ratio"] == pytest.approx(15.0 / 10.0)


populations = st.dictionaries(
    st.text(min_size=1, max_size=4),
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True, width=32),
            st.just(0.0),
            st.just(1.0),
        ),
        max_size=8,
    ),
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(populations, st.booleans(), st.one_of(st.none(), st.text(max_size=4)))
def test_a_ranking_never_raises(groups, lower_is_better, reference):
    ranked = rank_groups(groups, lower_is_better=lower_is_better, reference=reference)
    assert len(ranked) == len(groups)
    assert set(ranked["verdict"]) <= {"reference", "faster", "slower", NO_CLEAR, TOO_FEW}


@pytest.mark.parametrize(
    ("lower_is_better", "expected"),
    [(False, [25.0, 40.0, 10.0]), (True, [400.0, 160.0, 10.0])],
    ids=["rate-divided", "time-multiplied"],
)
def test_per_core_divides_a_rate_and_multiplies_a_time(lower_is_better, expected):
    found = per_unit([100.0, 80.0, 10.0], [4, 2, 1], lower_is_better=lower_is_better)
    assert isinstance(found, np.ndarray)
    np.testing.assert_allclose(found, expected)


@pytest.mark.parametrize("lower_is_better", [True, False], ids=["time", "rate"])
def test_per_core_is_nan_without_a_positive_count_and_a_series_keeps_its_index(lower_is_better):
    values = pd.Series([10.0, 20.0, 30.0, 40.0, 50.0], index=["a", "b", "c", "d", "e"])
    found = per_unit(values, [0, math.nan, -2, 5, None], lower_is_better=lower_is_better)
    assert isinstance(found, pd.Series) and list(found.index) == list(values.index)
    assert found[["a", "b", "c", "e"]].isna().all()
    assert found["d"] == (200.0 if lower_is_better else 8.0)


@pytest.mark.parametrize(
    ("schema", "metric", "lower_is_better", "unit"),
    [
        (seed_schemas.c_ray, "result.score", True, "s"),
        (seed_schemas.tf_cnn, "result.score", False, "images/s"),
    ],
    ids=["c-ray-time", "deep-learning-throughput"],
)
def test_the_direction_comes_from_the_schema(schema, metric, lower_is_better, unit):
    fields = flatten_schema(schema())
    numeric = [f.path for f in fields if f.numeric]
    # every number varies, the machine's and the set-up's too: the measurement still wins
    varying = pd.DataFrame({f"json.{path}": [1.0, 2.0, 3.0] for path in numeric})
    for population in (varying, pd.DataFrame()):
        assert headline_metric(fields, population) == metric
    field = next(f for f in fields if f.path == metric)
    assert field.lower_is_better is lower_is_better and field.unit == unit


VERDICTS = {"reference", "faster", "slower", NO_CLEAR, TOO_FEW}
SITES = (("s-cesga", "CESGA"), ("s-ifca", "IFCA-LCG2"))
# sized by name (16 cores), sized by nothing, and a GPU flavor (4 GPUs, no core count)
FLAVORS = ("hpc.16core-32ram", "standard.small", "gpu.a100x4")
WHEN = (datetime(2023, 1, 5, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC), pd.NaT)
scores = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from([0.0, 1.0, -1.0]),
)
result_rows = st.lists(
    st.tuples(st.sampled_from(SITES), st.sampled_from(FLAVORS), scores, st.sampled_from(WHEN)),
    max_size=12,
)


def results_of(rows) -> pd.DataFrame:
    """A benchmark's loaded results as the shared copy holds them (the columns answers read)."""
    return pd.DataFrame(
        {
            "site": pd.Series([site for (_, site), *_ in rows], dtype="string"),
            "site_id": pd.Series([site_id for (site_id, _), *_ in rows], dtype="string"),
            "flavor": pd.Series([flavor for _, flavor, *_ in rows], dtype="string"),
            "flavor_id": pd.Series([f"f-{flavor}" for _, flavor, *_ in rows], dtype="string"),
            "execution_datetime": pd.to_datetime([when for *_, when in rows], utc=True),
            "json.result.score": pd.Series([score for _, _, score, _ in rows], dtype="float64"),
        }
    )


@settings(max_examples=40, deadline=None)
@given(result_rows, st.sampled_from(["", "nope", "CESGA / standard.small"]))
@example([], "")
@example([(SITES[0], FLAVORS[0], 5.0, WHEN[0])] * 4, "")  # one group, all ties
def test_an_answer_never_raises_on_what_results_can_hold(rows, reference):
    fields = flatten_schema(seed_schemas.c_ray())
    prepared = prepare(results_of(rows), fields)
    groups = {f"{site} / {flavor}" for (_, site), flavor, *_ in rows}
    for per in PER:
        for lower_is_better in (True, False):
            found = answer(
                prepared,
                "result.score",
                lower_is_better=lower_is_better,
                reference=reference,
                per=per,
                site_ids=[SITES[0][0]] if reference == "nope" else (),
            )
            assert set(found.ranked["group"]) <= groups
            assert set(found.ranked["verdict"]) <= VERDICTS
