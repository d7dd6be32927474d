"""What a plot is asked to show: an invalid choice explains itself, and nothing is built."""

from __future__ import annotations

import pytest
from helpers import CPUS, SCORE, spec_for

from dashboard.plots.elements import build_plot
from dashboard.plots.spec import PLOT_KINDS, PlotSpec


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (PlotSpec(kind="pie", y=SCORE), "Unknown plot kind 'pie'"),
        (PlotSpec(group="benchmark", y=SCORE), "Unknown grouping 'benchmark'"),
        (PlotSpec(kind="box"), "Choose a numeric column for y"),
        (PlotSpec(y="json.system.os"), "system.os (y) is not numeric"),
        (PlotSpec(y="json.result.passed"), "result.passed (y) is not numeric"),
        (PlotSpec(y="json.result.missing"), "result.missing (y) is not a column"),
        (PlotSpec(x="site", y=SCORE), "site (x) is not numeric or date"),
        (PlotSpec(kind="histogram", x="json.system.os"), "system.os (x) is not numeric or date"),
        (PlotSpec(kind="histogram", x=""), "Choose a numeric or date column for x"),
        (PlotSpec(y="json.result.delta", logy=True), "log axis needs positive values: "),
        (PlotSpec(y=SCORE, logx=True), "log axis needs numbers: execution date is a date"),
    ],
    ids=[
        "unknown-kind",
        "unknown-group",
        "y-missing",
        "y-text",
        "y-boolean",
        "y-not-a-column",
        "scatter-x-category",
        "histogram-x-text",
        "histogram-x-missing",
        "log-of-negatives",
        "log-of-dates",
    ],
)
def test_invalid_specs_explain_themselves_and_do_not_build(results, spec, message):
    problems = spec.problems(results)
    assert len(problems) == 1
    assert problems[0].startswith(message)
    with pytest.raises(ValueError) as error:
        build_plot(results, spec)
    assert str(error.value) == problems[0]


def test_log_problem_counts_the_rows_that_are_not_positive(results):
    spec = PlotSpec(kind="box", y="json.result.delta", logy=True)
    not_positive = int((results["json.result.delta"] <= 0).sum())
    assert spec.problems(results) == [
        f"log axis needs positive values: {not_positive} rows are <= 0"
    ]


def test_valid_specs_have_no_problems(results):
    assert all(spec_for(kind).problems(results) == [] for kind in PLOT_KINDS)
    assert PlotSpec(x=CPUS, y=SCORE, logx=True, logy=True).problems(results) == []
