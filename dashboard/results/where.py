"""Where to run: one benchmark's answer, from its loaded results to a ranking and cards.

Two steps, so that a change of choice is cheap however many results there are:

- :func:`prepare`, once per load: each result's group (site + flavor: a flavor name at
  five sites is five machines), each group's machine card (:mod:`.machines`), the
  configurations the results were run with (:mod:`.configs`) and, where results carry
  their individual runs, each one's spread (:mod:`.profile`).
- :func:`answer`, on every choice: the sites and the configuration kept, the metric
  per result, per core or per GPU, and the groups ranked against the reference
  (:mod:`.ranking`), with the dots of the raw results, the scaling with cores and what
  the data says to doubt.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.results.configs import configuration_fields, configurations
from dashboard.results.machines import MachineCard, machine_card
from dashboard.results.profile import run_spread, scaling
from dashboard.results.ranking import FEW, per_unit, rank_groups
from dashboard.schema.fields import SchemaField

__all__ = ["PER", "Answer", "Prepared", "answer", "headline_metric", "prepare"]

#: How the metric can be counted: per result as measured, per vCPU, per GPU.
PER = ("result", "core", "GPU")
#: At most this many dots per group (evenly spread over its sorted values).
DOTS_PER_GROUP = 150
_NOT_MEASURES = ("machine", "machine_config")


def headline_metric(fields: Sequence[SchemaField], population: pd.DataFrame) -> str:
    """The number a benchmark is judged by: a measurement (not the machine, not a
    set-up such as a batch size) the schema suggests, else one of its results' figures
    that varies; "" when there is none."""
    setup = {f.path for f in configuration_fields(fields)}
    numbers = [
        f
        for f in fields
        if f.numeric and f.path not in setup and f.path.split(".", 1)[0] not in _NOT_MEASURES
    ]

    def varies(path: str) -> bool:
        column = f"json.{path}"
        return column in population and population[column].nunique() > 1

    ranked = sorted(
        numbers,
        key=lambda f: (not varies(f.path), not f.suggested, not f.path.startswith("result")),
    )
    return ranked[0].path if ranked else ""


@dataclass(frozen=True, eq=False)
class Prepared:
    """What every answer of one load needs, made once."""

    rows: pd.DataFrame  # the population, with its ``group`` (site / flavor)
    cards: dict[str, MachineCard]
    configs: pd.DataFrame  # the configurations, most common first, with their ``key``
    runs: pd.DataFrame | None  # per result: its runs, their spread, an outlier run


@dataclass(frozen=True, eq=False)
class Answer:
    """One ranking and everything shown beside it."""

    ranked: pd.DataFrame
    dots: pd.DataFrame  # group, value: the raw results (a sample of the large groups)
    configuration: str  # the key of the configuration compared ("" when not mixed)
    notes: tuple[str, ...] = ()
    spread: str = ""  # runs inside a result beside results of one machine, in words
    scaling: pd.DataFrame = field(default_factory=pd.DataFrame)


def _group_names(population: pd.DataFrame) -> pd.Series:
    names = population["site"].astype(str).str.cat(population["flavor"].astype(str), sep=" / ")
    return names.astype("category")


def _config_key(row: pd.Series) -> str:
    return ", ".join(f"{name.rsplit('.', 1)[-1]}={value}" for name, value in row.items())


def prepare(population: pd.DataFrame, fields: Sequence[SchemaField], *, now=None) -> Prepared:
    """The groups, cards, configurations and runs of one loaded population."""
    rows = population.assign(group=_group_names(population)) if len(population) else population
    if not len(rows):
        rows = population.assign(group=pd.Series(dtype="category"))
    configs = configurations(rows, fields)
    kinds = [c for c in configs.columns if c != "n"]
    configs = configs.assign(key=configs[kinds].apply(_config_key, axis=1) if kinds else "")
    setups = (
        rows.groupby([f"json.{c}" for c in kinds], dropna=False, observed=True).ngroup()
        if kinds
        else None
    )
    cards = {}
    for group, members in rows.groupby("group", observed=True, sort=True):
        card = machine_card(members, str(members["flavor"].iloc[0]), now=now)
        if setups is not None and setups.loc[members.index].nunique() > 1:
            mixed = f"configurations mixed: {setups.loc[members.index].nunique()} set-ups"
            card = _warned(card, mixed)
        cards[str(group)] = card
    runs_column = next((c for c in rows.columns if c.endswith(".all_results")), None)
    runs = run_spread(rows[runs_column]) if runs_column else None
    return Prepared(rows=rows, cards=cards, configs=configs, runs=runs)


def _warned(card: MachineCard, warning: str) -> MachineCard:
    return MachineCard(**{**card.__dict__, "warnings": (*card.warnings, warning)})


def _configured(prepared: Prepared, key: str) -> tuple[pd.Series, str]:
    """The rows run with the configuration ``key`` (default: the most common)."""
    configs, rows = prepared.configs, prepared.rows
    keys = list(configs["key"])
    if len(configs) < 2 or not len(rows):
        return pd.Series(True, index=rows.index), ""
    chosen = configs.iloc[keys.index(key) if key in keys else 0]
    mask = pd.Series(True, index=rows.index)
    for name in configs.columns:
        if name not in ("n", "key"):
            mask &= rows[f"json.{name}"].astype("string").fillna("(none)") == chosen[name]
    return mask, str(chosen["key"])


def _counted(values: pd.Series, groups: pd.Series, cards, per: str, lower: bool):
    """The metric per result, per core or per GPU; the groups without that count."""
    if per == "result":
        return values, []
    part = "vcpus" if per == "core" else "gpus"
    counts = {g: getattr(card, part) for g, card in cards.items()}
    divisor = groups.astype(str).map(counts).astype("float64")
    lacking = sorted({g for g, n in counts.items() if not n} & set(groups.astype(str)))
    return per_unit(values, divisor, lower_is_better=lower), lacking


def _dots(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    parts = []
    for group, found in values.groupby(groups.astype(str).to_numpy(), sort=False):
        found = np.sort(found.dropna().to_numpy())
        if found.size > DOTS_PER_GROUP:
            found = found[np.linspace(0, found.size - 1, DOTS_PER_GROUP).astype(int)]
        parts.append(pd.DataFrame({"group": group, "value": found}))
    return (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["group", "value"])
    )


def _spread(runs: pd.DataFrame | None, kept: pd.DataFrame, values: pd.Series) -> str:
    """The runs inside a result beside the results of one machine, in words."""
    if runs is None:
        return ""
    inside = runs.loc[kept.index]
    between = values.groupby(kept["group"].astype(str).to_numpy()).agg(
        lambda v: (
            (v.quantile(0.75) - v.quantile(0.25)) / abs(v.median()) if v.median() else math.nan
        )
    )
    if not inside["spread"].notna().any():
        return ""
    said = (
        f"Runs inside one result differ by a median {inside['spread'].median():.1%} "
        f"(fastest to slowest); results of one machine by a median {between.median():.1%} (IQR)."
    )
    outliers = int(inside["outlier_run"].sum())
    if outliers:
        said += f" {outliers:,} result(s) hold a run far from their others (flagged in the dots)."
    return said


def answer(
    prepared: Prepared,
    metric: str,
    *,
    lower_is_better: bool,
    reference: str = "",
    configuration: str = "",
    per: str = "result",
    site_ids: Collection[str] = (),
) -> Answer:
    """The ranking of ``metric`` for the choices given (see the module's docstring)."""
    rows, column = prepared.rows, f"json.{metric}"
    mask, chosen = _configured(prepared, configuration)
    if site_ids:
        mask &= rows["site_id"].isin(list(site_ids))
    kept = rows[mask]
    notes = []
    if chosen:
        notes.append(
            f"These results were run in {len(prepared.configs)} configurations; only "
            f"comparable runs are ranked: {chosen}."
        )
    if column not in kept.columns or not len(kept):
        return Answer(rank_groups({}, lower_is_better=lower_is_better), _dots(kept, kept), chosen,
                      tuple(notes))  # fmt: skip
    measured = pd.to_numeric(kept[column], errors="coerce").astype("float64")
    values, lacking = _counted(measured, kept["group"], prepared.cards, per, lower_is_better)
    if lacking:
        notes.append(f"Left out, with no {per} count: {', '.join(lacking)}.")
    keep = ~kept["group"].astype(str).isin(lacking)
    groups = kept["group"].astype(str)[keep]
    by_group = {str(g): v.to_numpy() for g, v in values[keep].groupby(groups.to_numpy(), sort=True)}
    ranked = rank_groups(by_group, lower_is_better=lower_is_better, reference=reference or None)
    ranked = _described(ranked, kept, prepared)
    few = int((ranked["n"] < FEW).sum())
    if few:
        notes.append(f"{few} group(s) hold fewer than {FEW} results: too few to conclude.")
    vcpus = kept["group"].astype(str).map({g: c.vcpus for g, c in prepared.cards.items()})
    grown = scaling(
        kept.assign(vcpus=vcpus, value=measured), "value", "vcpus", lower_is_better=lower_is_better
    )
    scaled = grown if (grown.groupby("site")["vcpus"].nunique() > 1).any() else grown.iloc[:0]
    return Answer(
        ranked=ranked,
        dots=_dots(values[keep], groups),
        configuration=chosen,
        notes=tuple(notes),
        spread=_spread(prepared.runs, kept, measured),
        scaling=scaled,
    )


def _described(ranked: pd.DataFrame, kept: pd.DataFrame, prepared: Prepared) -> pd.DataFrame:
    """The ranking with each group's site, flavor and machine, and outlier runs."""
    firsts = kept.groupby(kept["group"].astype(str), observed=True)[["site", "flavor"]].first()
    cards = prepared.cards
    extra = pd.DataFrame(
        {
            "site": ranked["group"].map(firsts["site"]),
            "flavor": ranked["group"].map(firsts["flavor"]),
            "vcpus": ranked["group"].map(lambda g: cards[g].vcpus if g in cards else None),
            "gpus": ranked["group"].map(lambda g: cards[g].gpus if g in cards else None),
        }
    )
    if prepared.runs is not None:
        flagged = prepared.runs.loc[kept.index, "outlier_run"]
        counts = flagged.groupby(kept["group"].astype(str).to_numpy()).sum()
        extra["outlier_runs"] = ranked["group"].map(counts).fillna(0).astype(int)
    return pd.concat([ranked, extra], axis=1)
