"""Configurations: the deep-learning benchmark's models and batch sizes are told apart."""

from __future__ import annotations

import pandas as pd

from dashboard.results.configs import configuration_fields, configurations
from dashboard.schema.flatten import flatten_schema

SCHEMA = {
    "type": "object",
    "properties": {
        "machine": {"properties": {"cpu": {"properties": {"model": {"type": "string"}}}}},
        "training": {
            "properties": {
                "model": {"enum": ["resnet50", "vgg16"]},
                "batch_size_per_device": {"type": "integer"},
                "num_gpus": {"type": "integer"},
                "precision": {"oneOf": [{"const": "fp32"}, {"const": "fp16"}]},
            }
        },
        "result": {"properties": {"score": {"type": "number"}, "unit": {"const": "images/s"}}},
    },
}


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["json.training.model", "json.training.batch_size_per_device",
                       "json.training.precision", "json.result.score"],
    )  # fmt: skip


def test_the_set_up_fields_are_the_choices_outside_the_measurement_and_the_machine():
    paths = [f.path for f in configuration_fields(flatten_schema(SCHEMA))]
    assert "training.model" in paths and "training.batch_size_per_device" in paths
    assert "training.precision" in paths
    assert not any(p.startswith(("result.", "machine.")) for p in paths)
    assert "training.num_gpus" not in paths  # a machine's size, not a choice of the run


def test_a_population_mixing_models_lists_each_configuration_most_common_first():
    mixed = frame([("resnet50", 64, "fp32", 1000.0)] * 3 + [("vgg16", 64, "fp32", 300.0)] * 2
                  + [("resnet50", 128, "fp32", 1100.0)])  # fmt: skip
    table = configurations(mixed, flatten_schema(SCHEMA))
    assert list(table.columns) == ["training.model", "training.batch_size_per_device", "n"]
    assert table.iloc[0].to_dict() == {
        "training.model": "resnet50",
        "training.batch_size_per_device": "64",
        "n": 3,
    }
    assert list(table["n"]) == [3, 2, 1]


def test_one_configuration_is_one_row():
    alone = frame([("resnet50", 64, "fp32", 1000.0)] * 4)
    assert configurations(alone, flatten_schema(SCHEMA)).to_dict("records") == [{"n": 4}]
