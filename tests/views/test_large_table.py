"""The explorer's table reads a clicked row's label from its rows' index when asked."""

from __future__ import annotations

import pandas as pd
import pytest
from panel.models.tabulator import CellClickEvent

from dashboard.views.explore.table import LargeTabulator


@pytest.mark.parametrize(("page", "row", "score"), [(1, 0, 1.0), (1, 1, 2.0), (2, 0, 3.0)])
def test_a_click_on_a_sorted_page_of_filtered_rows_reads_the_row_clicked(page, row, score):
    # filtered rows keep their labels in the whole frame; sorted, their order changes
    rows = pd.DataFrame({"score": [3.0, 1.0, 2.0, 5.0]}, index=[10, 11, 12, 13])
    table = LargeTabulator(rows, pagination="remote", page_size=2)
    table.sorters = [{"field": "score", "dir": "asc"}]
    table.page = page
    clicked = []
    table.on_click(lambda event: clicked.append(event.value))
    table._process_event(CellClickEvent(model=None, column="score", row=row))
    assert clicked == [score]


def test_no_mapping_of_every_row_is_built_for_a_large_table():
    table = LargeTabulator(pd.DataFrame({"score": range(100_000)}), pagination="remote")
    assert not isinstance(table._index_mapping, dict)
    assert table._index_mapping.get(99_999) == 99_999
    assert table._index_mapping.get(100_000, "outside") == "outside"
