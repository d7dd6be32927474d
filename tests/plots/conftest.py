"""The plots render with Bokeh, on frames built like the explorer's."""

from __future__ import annotations

import holoviews as hv
import pandas as pd
import pytest
from helpers import make_results


@pytest.fixture(scope="module", autouse=True)
def bokeh_backend() -> None:
    hv.extension("bokeh")


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    """300 results: a glyph each in a plot."""
    return make_results(300)


@pytest.fixture(scope="module")
def many_results() -> pd.DataFrame:
    """100,000 results: an image in a plot."""
    return make_results(100_000, seed=1)
