"""Machine cards: read from the results, else from the flavor's name; what to doubt."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from dashboard.results.machines import from_name, machine_card


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("hpc.16core-32ram", {"vcpus": 16, "ram_gb": 32.0}),
        ("gpu.a100x4", {"gpu": "A100", "gpus": 4}),
        ("haicore-gpu8", {"gpus": 8}),
        ("standard.small", {}),
        ("cor1mem2hd10", {"vcpus": 1, "ram_gb": 2.0}),
    ],
    ids=["hpc", "gpu-model", "gpu-count", "nothing", "cesga"],
)
def test_a_flavors_name_says_what_it_can(name, said):
    assert from_name(name) == said


def rows(**columns) -> pd.DataFrame:
    frame = pd.DataFrame({f"json.{path}": values for path, values in columns.items()})
    frame["execution_datetime"] = pd.Timestamp("2026-11-01", tz="UTC")
    return frame


def test_the_results_say_it_first_and_the_card_says_where_it_came_from():
    card = machine_card(
        rows(**{"machine.cpu.count": [8, 8], "machine.cpu.brand_raw": ["EPYC 7742", "EPYC 7742"]}),
        "hpc.16core-32ram",
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )
    assert (card.vcpus, card.cpu, card.ram_gb) == (8, "EPYC 7742", 32.0)
    assert card.source == "from the results; the rest from the flavor's name"
    assert card.warnings == ()


def test_one_flavor_on_two_cpu_models_is_mixed_hardware():
    card = machine_card(
        rows(**{"machine.cpu.brand_raw": ["Xeon Gold 5218", "EPYC 7742", "Xeon Gold 5218"]}),
        "standard.large",
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )
    assert card.warnings == ("mixed hardware: 2 CPU models (EPYC 7742, Xeon Gold 5218)",)


def test_a_group_whose_newest_result_is_over_a_year_old_is_stale():
    card = machine_card(rows(notes=["a"]), "m1.small", now=datetime(2028, 1, 1, tzinfo=UTC))
    assert card.warnings == ("stale: the newest result is from 2026-11-01",)
    assert card.source == "nothing says"
