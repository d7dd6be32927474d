"""Machine cards and the workload's coverage matrix, as escaped HTML.

Every name here comes from the API (sites, flavors, CPU and GPU models recorded in
results, benchmark images), so each is escaped before it is put in markup.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from dashboard.results.machines import MachineCard

__all__ = ["CARD_CSS", "cards_html", "coverage_html"]

CARD_CSS = """
.machine-cards {display: flex; flex-wrap: nowrap; gap: 8px; overflow-x: auto;
  padding-bottom: 6px;}
.machine-card {border: 1px solid var(--neutral-stroke-rest, #ccc); border-radius: 6px;
  padding: 6px 10px; flex: 0 0 205px; font-size: 13px; line-height: 1.35;}
.machine-card h4 {margin: 0 0 4px 0; font-size: 13px; overflow-wrap: anywhere;}
.machine-card .source {color: #757575; font-size: 11px;}
.machine-card .doubt {color: #8a5a00; font-size: 12px;}
.machine-card .rank {float: right; color: #757575;}
.coverage {border-collapse: collapse; font-size: 13px;}
.coverage th, .coverage td {border: 1px solid var(--neutral-stroke-rest, #ccc);
  padding: 3px 8px; text-align: left;}
.coverage td.missing {color: #8a5a00;}
"""


def _size(card: MachineCard) -> str:
    parts = []
    if card.vcpus is not None:
        parts.append(f"{card.vcpus} vCPU" + ("s" if card.vcpus != 1 else ""))
    if card.ram_gb is not None:
        parts.append(f"{card.ram_gb:g} GB RAM")
    if card.gpus:
        parts.append(f"{card.gpus} × {card.gpu or 'GPU'}")
    return " · ".join(parts) or "size unknown"


def card_html(
    rank: int, group: str, card: MachineCard, n: int, verdict: str, outliers: int = 0
) -> str:
    """One group's card: its machine, where that was read, and what to doubt."""
    warnings = list(card.warnings)
    if outliers:
        warnings.append(f"{outliers} result(s) hold a run far from their others")
    doubts = "".join(f"<div class='doubt'>⚠ {escape(w)}</div>" for w in warnings)
    cpu = f"<div>CPU: {escape(card.cpu)}</div>" if card.cpu else ""
    return (
        "<div class='machine-card'>"
        f"<span class='rank'>#{rank}</span><h4>{escape(group)}</h4>"
        f"<div>{escape(_size(card))}</div>{cpu}"
        f"<div>{n} result{'s' if n != 1 else ''} · {escape(verdict)}</div>"
        f"<div class='source'>machine {escape(card.source)}</div>{doubts}</div>"
    )


def cards_html(ranked: pd.DataFrame, cards: dict[str, MachineCard]) -> str:
    """A card per ranked group, in the ranking's order."""
    outliers = ranked["outlier_runs"] if "outlier_runs" in ranked else [0] * len(ranked)
    rows = zip(ranked["group"], ranked["n"], ranked["verdict"], outliers, strict=True)
    found = [
        card_html(
            rank,
            group,
            cards.get(group, MachineCard(source="nothing says")),
            n,
            verdict,
            int(outlier),
        )
        for rank, (group, n, verdict, outlier) in enumerate(rows, start=1)
    ]
    return f"<div class='machine-cards'>{''.join(found)}</div>"


def coverage_html(
    covered: pd.DataFrame, scores: pd.DataFrame, compared: pd.DataFrame | None = None
) -> str:
    """The workload's coverage: results per group and benchmark, each empty cell saying
    which benchmark image to run there, a cell whose results were all run in another
    set-up than the one compared saying so; groups in the profile's order."""
    if covered is None or covered.empty:
        return ""
    order = [g for g in scores["group"] if g in covered.index] if scores is not None else []
    table = covered.reindex(order or list(covered.index))
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    body = []
    for group, row in table.iterrows():
        cells = []
        for bench, n in row.items():
            same = n
            if compared is not None and group in compared.index and bench in compared.columns:
                same = compared.at[group, bench]
            elif compared is not None:
                same = 0
            if n and not same:
                cells.append(
                    f"<td class='missing'>{int(n)}, none in the set-up compared: run "
                    f"{escape(str(bench))} there in that set-up</td>"
                )
            elif n:
                cells.append(f"<td>{int(n)}</td>")
            else:
                cells.append(f"<td class='missing'>none: run {escape(str(bench))} there</td>")
        found = scores.set_index("group") if scores is not None else None
        score = found["score"].get(group, math.nan) if found is not None else math.nan
        apart = found is not None and bool(found["missing"].get(group, ""))
        shown = f"{score:,.3g}×" if math.isfinite(score) else ""
        if apart:  # a partial score: it ranks among the groups missing a benchmark only
            shown = f"ranked apart ({shown} on what it has)" if shown else "ranked apart"
        body.append(f"<tr><th>{escape(str(group))}</th><td>{shown}</td>{''.join(cells)}</tr>")
    return (
        "<table class='coverage'><thead><tr><th>Site / flavor</th><th>Score</th>"
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
