"""The example notebook, executed by a real kernel against the sandbox (nbclient)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import nbformat
import pytest
from nbclient import NotebookClient

from dashboard import notebook, signin

NOTEBOOK = Path(__file__).parents[2] / "docs" / "notebook.ipynb"


def text_of(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def test_the_example_notebook_runs_and_loads_the_results_into_pandas(
    sandbox_url, monkeypatch, tmp_path
):
    monkeypatch.setenv("EOSC_PERF_API_URL", sandbox_url)
    monkeypatch.setenv("EOSC_PERF_TOKEN", "demo-token-alice")
    for name in ("JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    book = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(book, timeout=300, resources={"metadata": {"path": str(tmp_path)}}).execute()

    c_ray = next(
        b
        for b in httpx.get(f"{sandbox_url}/benchmarks").json()["items"]
        if "c-ray" in b["docker_image"]
    )
    total = httpx.get(f"{sandbox_url}/results", params={"benchmark_id": c_ray["id"]}).json()[
        "total"
    ]
    outputs = [text_of(cell) for cell in book.cells if cell.cell_type == "code"]
    assert f"results: {total}" in outputs[2]
    assert "IN2P3-IRES" in outputs[2]  # the median score per site, from the JSON columns
    shown, chosen = outputs[4].split("in the explorer: ")[1].split(" results of ")
    query = {"benchmark_id": chosen.strip()} if chosen.strip() != "every benchmark" else {}
    assert int(shown) == httpx.get(f"{sandbox_url}/results", params=query).json()["total"]
    assert all("Error" not in text for text in outputs), outputs


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        (
            {
                "JUPYTERHUB_API_URL": "http://hub/api",
                "JUPYTERHUB_API_TOKEN": "t",
                "JUPYTERHUB_USER": "a",
            },
            "HubTokenSource",
        ),
        ({"EOSC_PERF_TOKEN": "x"}, "EnvToken"),
        ({}, "Anonymous"),
    ],
    ids=["hub", "environment", "nothing"],
)
def test_the_token_is_found_where_the_notebook_runs(env, kind, monkeypatch):
    monkeypatch.setattr(signin.shutil, "which", lambda _name: None)  # no oidc-agent here
    assert type(notebook.token_source(env)).__name__ == kind


def test_oidc_agent_gives_the_token_when_it_is_there(monkeypatch, tmp_path):
    agent = tmp_path / "oidc-token"
    agent.write_text('#!/bin/sh\n[ "$1" = egi ] && echo agent-token-for-egi\n')
    agent.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    import asyncio

    source = notebook.token_source({})
    assert asyncio.run(source.token()) == "agent-token-for-egi"
