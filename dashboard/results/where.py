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

    cards: dict[str, MachineCard]
    # Plain values, not frames: pandas notes every view taken of a frame on that frame,
    # and these live as long as the shared copy (each session's answers would leave
    # their notes on them).
    configs: tuple[dict, ...]  # the configurations, most common first, with ``key`` and ``n``
    config_columns: tuple[str, ...]
    run_spread: np.ndarray | None  # per result: its runs' spread (None without runs)
    run_outlier: np.ndarray | None  # per result: whether a run is far from the others
    # What answers filter by, as arrays
    site_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    setups: tuple[tuple[str, dict[str, str]], ...] = ()  # key, {column: value}: most common first
    setup_values: dict[str, np.ndarray] = field(default_factory=dict)  # column: each row's
    columns: dict[str, np.ndarray] = field(default_factory=dict)  # site, flavor, numbers
    group_codes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    group_names: tuple[str, ...] = ()
    group_counts: dict[str, int] = field(default_factory=dict)  # every set-up's results
    sites: tuple[tuple[str, str], ...] = ()  # (id, name) of the sites, by name
    headline: str = ""  # the metric compared unless another is chosen


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
    choices = [c for c in configs.columns if c not in ("n", "key")]
    setups = tuple(
        (str(row["key"]), {f"json.{c}": str(row[c]) for c in choices})
        for _, row in configs.iterrows()
    )
    setup_values = {
        f"json.{c}": rows[f"json.{c}"].astype("string").fillna("(none)").to_numpy(dtype=object)
        for c in choices
    }
    columns = {name: rows[name].to_numpy(dtype=object, copy=True) for name in ("site", "flavor")}
    for found in fields:
        name = f"json.{found.path}"
        if found.numeric and name in rows.columns:
            numbers = pd.to_numeric(rows[name], errors="coerce").astype("float64")
            columns[name] = numbers.to_numpy(copy=True)
    pairs = set(zip(rows["site_id"], rows["site"], strict=True)) if len(rows) else set()
    return Prepared(
        cards=cards,
        configs=tuple(configs.to_dict("records")),
        config_columns=tuple(configs.columns),
        run_spread=runs["spread"].to_numpy(copy=True) if runs is not None else None,
        run_outlier=runs["outlier_run"].to_numpy(copy=True) if runs is not None else None,
        sites=tuple(sorted(pairs, key=lambda pair: (str(pair[1]), str(pair[0])))),
        headline=headline_metric(fields, rows),
        site_ids=rows["site_id"].to_numpy(dtype=object, copy=True),
        setups=setups,
        setup_values=setup_values,
        columns=columns,
        group_codes=rows["group"].cat.codes.to_numpy(copy=True),
        group_names=tuple(str(name) for name in rows["group"].cat.categories),
        group_counts={str(g): int(n) for g, n in rows["group"].value_counts().items() if n},
    )


def _kept(prepared: Prepared, mask: np.ndarray, column: str) -> pd.DataFrame:
    """The rows ``mask`` keeps: their group, site, flavor and ``column``, made from the
    prepared arrays (a view of the rows themselves would leave its note on them)."""
    codes = prepared.group_codes[mask]
    kept = {
        "group": pd.Categorical.from_codes(codes, categories=list(prepared.group_names)),
        "site": prepared.columns["site"][mask],
        "flavor": prepared.columns["flavor"][mask],
    }
    if column in prepared.columns:
        kept[column] = prepared.columns[column][mask]
    return pd.DataFrame(kept, index=np.flatnonzero(mask))


def _warned(card: MachineCard, warning: str) -> MachineCard:
    return MachineCard(**{**card.__dict__, "warnings": (*card.warnings, warning)})


def _configured(prepared: Prepared, key: str) -> tuple[np.ndarray, str]:
    """The rows run with the configuration ``key`` (default: the most common)."""
    mask = np.ones(len(prepared.site_ids), dtype=bool)
    setups = prepared.setups
    if len(setups) < 2 or not mask.size:
        return mask, ""
    chosen = next((s for s in setups if s[0] == key), setups[0])
    for column, value in chosen[1].items():
        mask &= prepared.setup_values[column] == value
    return mask, chosen[0]


def _each_row(groups: pd.Series, per_group: dict) -> np.ndarray:
    """``per_group``'s number (NaN where none) for each row of the categorical ``groups``:
    looked up once per group, not once per row (a load holds 100,000 rows)."""
    table = [per_group.get(str(name)) for name in groups.cat.categories]
    numbers = np.array([math.nan if n is None else n for n in table] + [math.nan], dtype=float)
    return numbers[groups.cat.codes.to_numpy()]  # code -1 (no group) takes the last: NaN


def _counted(values: pd.Series, groups: pd.Series, cards, per: str, lower: bool):
    """The metric per result, per core or per GPU; the groups without that count."""
    if per == "result":
        return values, []
    part = "vcpus" if per == "core" else "gpus"
    counts = {g: getattr(card, part) for g, card in cards.items()}
    divisor = pd.Series(_each_row(groups, counts), index=groups.index)
    present = set(groups.cat.categories[np.unique(groups.cat.codes[groups.cat.codes >= 0])])
    lacking = sorted({g for g, n in counts.items() if not n} & {str(g) for g in present})
    return per_unit(values, divisor, lower_is_better=lower), lacking


def _dots(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    names, parts = [], []
    for group, found in values.groupby(groups, observed=True, sort=False):
        found = np.sort(found.dropna().to_numpy())
        if found.size > DOTS_PER_GROUP:
            found = found[np.linspace(0, found.size - 1, DOTS_PER_GROUP).astype(int)]
        names.append(str(group))
        parts.append(found)
    if not parts:
        return pd.DataFrame(columns=["group", "value"])
    sizes = [part.size for part in parts]
    return pd.DataFrame(
        {
            "group": pd.array(np.repeat(np.array(names, dtype=object), sizes), dtype=str),
            "value": np.concatenate(parts).astype("float64"),
        }
    )


def _spread(prepared: Prepared, kept: pd.DataFrame, mask, values: pd.Series) -> str:
    """The runs inside a result beside the results of one machine, in words."""
    if prepared.run_spread is None:
        return ""
    spread, outlier = prepared.run_spread[mask], prepared.run_outlier[mask]
    if not np.isfinite(spread).any():
        return ""
    by_group = values.groupby(kept["group"], observed=True)
    median = by_group.median()
    iqr = by_group.quantile(0.75) - by_group.quantile(0.25)
    between = iqr / median.abs().where(median != 0)
    said = (
        f"Runs inside one result differ by a median {np.nanmedian(spread):.1%} "
        f"(fastest to slowest); results of one machine by a median {between.median():.1%} (IQR)."
    )
    outliers = int(outlier.sum())
    if outliers:
        said += (
            f" {outliers:,} result(s) hold a run far from their others (said on their "
            "machines' cards)."
        )
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
    column = f"json.{metric}"
    mask, chosen = _configured(prepared, configuration)
    if site_ids:
        mask &= np.isin(prepared.site_ids, list(site_ids))
    # only the columns an answer reads: a population's other columns are many and large
    kept = _kept(prepared, mask, column)
    notes = []
    if chosen:
        notes.append(
            f"These results were run in {len(prepared.setups)} configurations; only "
            f"comparable runs are ranked: {chosen}."
        )
    if column not in kept.columns or not len(kept):
        nothing = pd.Series(dtype="float64")
        return Answer(rank_groups({}, lower_is_better=lower_is_better), _dots(nothing, nothing),
                      chosen, tuple(notes))  # fmt: skip
    measured = pd.to_numeric(kept[column], errors="coerce").astype("float64")
    values, lacking = _counted(measured, kept["group"], prepared.cards, per, lower_is_better)
    if lacking:
        notes.append(f"Left out, with no {per} count: {', '.join(lacking)}.")
    keep = ~kept["group"].isin(lacking)
    groups = kept["group"][keep]
    grouped = values[keep].groupby(groups, observed=True, sort=True)
    by_group = {str(g): v.to_numpy() for g, v in grouped}
    ranked = rank_groups(by_group, lower_is_better=lower_is_better, reference=reference or None)
    ranked = _described(ranked, kept, mask, prepared)
    few = int((ranked["n"] < FEW).sum())
    if few:
        notes.append(f"{few} group(s) hold fewer than {FEW} results: too few to conclude.")
    vcpus = _each_row(kept["group"], {g: c.vcpus for g, c in prepared.cards.items()})
    sized = pd.DataFrame({"site": kept["site"], "vcpus": vcpus, "value": measured})
    grown = scaling(sized, "value", "vcpus", lower_is_better=lower_is_better)
    scaled = grown if (grown.groupby("site")["vcpus"].nunique() > 1).any() else grown.iloc[:0]
    return Answer(
        ranked=ranked,
        dots=_dots(values[keep], groups),
        configuration=chosen,
        notes=tuple(notes),
        spread=_spread(prepared, kept, mask, measured),
        scaling=scaled,
    )


def _described(ranked: pd.DataFrame, kept: pd.DataFrame, mask, prepared: Prepared) -> pd.DataFrame:
    """The ranking with each group's site, flavor and machine, and outlier runs."""
    firsts = kept.groupby("group", observed=True)[["site", "flavor"]].first()
    firsts.index = firsts.index.astype(str)
    cards = prepared.cards
    extra = pd.DataFrame(
        {
            "site": ranked["group"].map(firsts["site"]),
            "flavor": ranked["group"].map(firsts["flavor"]),
            "vcpus": ranked["group"].map(lambda g: cards[g].vcpus if g in cards else None),
            "gpus": ranked["group"].map(lambda g: cards[g].gpus if g in cards else None),
        }
    )
    if prepared.run_outlier is not None:
        flagged = prepared.run_outlier[mask]
        counts = pd.Series(flagged).groupby(kept["group"].to_numpy(), observed=True).sum()
        counts.index = counts.index.astype(str)
        extra["outlier_runs"] = ranked["group"].map(counts).fillna(0).astype(int)
    return pd.concat([ranked, extra], axis=1)
