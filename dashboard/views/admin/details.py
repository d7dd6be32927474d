"""What a reviewer reads: the queue as tables, an item's details as escaped HTML.

Everything shown here was typed by someone else (names, descriptions, schemas, claim
messages): it is escaped on the way into HTML, and links are only ever ``http(s)``.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote, urlparse

import pandas as pd

from dashboard.state.admin_items import Action, ClaimCase, Submission, waited

if TYPE_CHECKING:
    from dashboard.api import Result

SUBMISSION_COLUMNS = ["id", "Kind", "Name", "Submitted by", "Submitted (UTC)", "Waiting"]
CLAIM_COLUMNS = [
    "id",
    "Reported (UTC)",
    "Reported by",
    "Message",
    "Benchmark",
    "Site",
    "Flavor",
    "Waiting",
]
ACTION_COLUMNS = ["When (UTC)", "What", "Outcome"]


def _naive(moment):
    return None if moment is None else moment.replace(tzinfo=None)


def _frame(rows: list[dict], columns: list[str], dates: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def submissions_frame(submissions: list[Submission]) -> pd.DataFrame:
    """One row per pending submission, in queue order."""
    rows = [
        {
            "id": s.id,
            "Kind": s.kind,
            "Name": s.name,
            "Submitted by": s.uploader,
            "Submitted (UTC)": _naive(s.submitted),
            "Waiting": waited(s.submitted),
        }
        for s in submissions
    ]
    return _frame(rows, SUBMISSION_COLUMNS, ("Submitted (UTC)",))


def claims_frame(cases: list[ClaimCase]) -> pd.DataFrame:
    """One row per claim, with the claimed result's benchmark, site and flavor."""
    rows = []
    for case in cases:
        claim, result = case.claim, case.result
        rows.append(
            {
                "id": claim.id,
                "Reported (UTC)": _naive(claim.upload_datetime),
                "Reported by": claim.uploader.email if claim.uploader else "unknown",
                "Message": claim.message,
                "Benchmark": result.benchmark.name
                if result
                else "(result not named)"
                if claim.resource_id is None
                else "(result gone)",
                "Site": result.site.name if result else "",
                "Flavor": result.flavor.name if result else "",
                "Waiting": waited(claim.upload_datetime),
            }
        )
    return _frame(rows, CLAIM_COLUMNS, ("Reported (UTC)",))


def actions_frame(actions: list[Action]) -> pd.DataFrame:
    """What was done in this session, newest first."""
    rows = [{"When (UTC)": _naive(a.when), "What": a.what, "Outcome": a.outcome} for a in actions]
    return _frame(rows, ACTION_COLUMNS, ("When (UTC)",))


def registry_url(image: str, tag: str) -> str:
    """The page of a container image: Docker Hub unless the image names a registry host."""
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return f"https://{image}"
    if not rest:
        return f"https://hub.docker.com/_/{quote(image)}"
    return f"https://hub.docker.com/r/{quote(image)}/tags?name={quote(tag)}"


def link(url: str, text: str | None = None) -> str:
    """An escaped link, or escaped text when the URL is not http(s)."""
    shown = escape(text if text is not None else url)
    if urlparse(url).scheme not in ("http", "https"):
        return shown
    return f"<a href='{escape(url)}' target='_blank' rel='noopener noreferrer'>{shown}</a>"


def _rows(pairs: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(name)}</th><td>{value}</td></tr>" for name, value in pairs)
    return f"<table class='details'>{body}</table>"


def schema_fields_html(fields: list) -> str:
    """A benchmark schema's fields: path, type, unit, description, suggested or not."""
    if not fields:
        return "<p>The schema declares no fields: results may hold any JSON.</p>"
    head = "<tr><th>Field</th><th>Type</th><th>Unit</th><th>Suggested</th><th>Description</th></tr>"
    body = "".join(
        f"<tr><td><code>{escape(f.path)}</code></td><td>{escape(f.kind)}</td>"
        f"<td>{escape(f.unit or '')}</td><td>{'yes' if f.suggested else ''}</td>"
        f"<td>{escape(f.description)}</td></tr>"
        for f in fields
    )
    suggested = [f.path for f in fields if f.suggested]
    said = (
        f"Suggested columns: {escape(', '.join(suggested))}."
        if suggested
        else "No field is marked suggestToUser: the explorer picks default columns itself."
    )
    return f"<p>{said}</p><table class='schema-fields'>{head}{body}</table>"


def submission_html(submission: Submission) -> str:
    """What a reviewer needs to decide on one submission."""
    item = submission.item
    who = [
        ("Submitted by", escape(submission.uploader)),
        ("Waiting", escape(waited(submission.submitted))),
    ]
    if submission.kind == "benchmark":
        pairs = [
            ("Image", link(registry_url(item.docker_image, item.docker_tag), item.name)),
            ("Documentation", link(item.url)),
            ("Description", escape(item.description) or "<i>none</i>"),
            *who,
        ]
        return _rows(pairs) + schema_fields_html(submission.fields)
    if submission.kind == "site":
        pairs = [
            ("Site", escape(item.name)),
            ("Address", escape(item.address)),
            ("Description", escape(item.description) or "<i>none</i>"),
            *who,
        ]
        return _rows(pairs)
    if submission.kind == "flavor":
        site = submission.site
        pairs = [
            ("Flavor", escape(item.name)),
            ("Of the site", escape(site.name if site else "unknown")),
            ("Site address", escape(site.address if site else "")),
            ("Description", escape(item.description) or "<i>none</i>"),
            *who,
        ]
        return _rows(pairs)
    return _rows(who)


def result_html(result: Result) -> str:
    """A result's context, in words."""
    pairs = [
        ("Benchmark", escape(result.benchmark.name)),
        ("Site", escape(f"{result.site.name} ({result.site.address})")),
        ("Flavor", escape(result.flavor.name)),
        ("Tags", escape(", ".join(t.name for t in result.tags)) or "<i>none</i>"),
        ("Executed (UTC)", escape(f"{result.execution_datetime:%Y-%m-%d %H:%M}")),
        ("Uploaded (UTC)", escape(f"{result.upload_datetime:%Y-%m-%d %H:%M}")),
        ("Result id", f"<code>{escape(result.id)}</code>"),
    ]
    return _rows(pairs)


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…"""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def standings_html(case: ClaimCase) -> str:
    """How the claimed result compares with the other results of its benchmark."""
    if case.result is None:
        if case.unstated:
            return f"<p>{escape(case.unstated)}</p>"
        return "<p>The service no longer has the claimed result.</p>"
    if not case.standings:
        return f"<p>{escape(case.unstated or 'Not compared.')}</p>"
    rows = "".join(
        f"<tr><td><code>{escape(s.path)}</code></td><td>{s.value:,.6g}</td>"
        + (
            f"<td>{ordinal(round(s.percentile))} percentile</td>"
            f"<td>{s.lower:,} of {s.others:,} other results are lower</td></tr>"
            if s.others
            else "<td colspan='2'>no other results to compare with</td></tr>"
        )
        for s in case.standings
    )
    head = "<tr><th>Field</th><th>Value</th><th>Standing</th><th></th></tr>"
    return (
        f"<p>Compared with the other results of {escape(case.result.benchmark.name)}:</p>"
        f"<table class='standings'>{head}{rows}</table>"
    )


def claim_html(case: ClaimCase) -> str:
    """A claim, the result it is about, and how that result compares."""
    claim = case.claim
    who = claim.uploader.email if claim.uploader else "unknown"
    head = _rows(
        [
            ("Message", escape(claim.message)),
            ("Reported by", escape(who)),
            ("Waiting", escape(waited(claim.upload_datetime))),
        ]
    )
    if case.result is None:
        return head + standings_html(case)
    return head + result_html(case.result) + standings_html(case)


def pretty_json(document: object) -> str:
    """A JSON document, indented, escaped, in a scrollable block."""
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return f"<pre class='json' style='max-height: 24em; overflow: auto'>{escape(text)}</pre>"
