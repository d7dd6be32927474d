"""``eosc-perf-dashboard`` signs in: a personal dashboard with a token from oidc-agent.

(OAuth through the CLI is tested against a local OIDC issuer in tests/hub.)
"""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import serve, wait_for_http
from playwright.sync_api import expect

from dashboard.cli import free_port
from dashboard.sandbox.identities import identity_by_key

CLI = [sys.executable, "-m", "dashboard"]


def fake_agent(folder, account: str, token: str) -> dict[str, str]:
    """An ``oidc-token`` on PATH that knows one account (the real one needs an agent)."""
    agent = folder / "oidc-token"
    agent.write_text(f'#!/bin/sh\n[ "$1" = {account} ] && echo {token}\n')
    agent.chmod(0o755)
    return {"PATH": f"{folder}:{os.environ['PATH']}"}


def test_a_personal_dashboard_signs_in_with_a_token_from_oidc_agent(browser, sandbox_url, tmp_path):
    token = identity_by_key("alice").token
    port = free_port()
    log = tmp_path / "dashboard.log"
    process = serve(
        [*CLI, "--api", sandbox_url, "--port", str(port), "--oidc-agent", "alice-at-egi"],
        fake_agent(tmp_path, "alice-at-egi", token),
        log,
    )
    frames: list[str] = []
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, process)
        page = browser.new_context().new_page()
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
        page.goto(url)
        expect(page.get_by_text("Signed in as alice@example.org (registered user)")).to_be_visible(
            timeout=30_000
        )
        expect(page.get_by_label("Demo identity")).to_have_count(0)
        html = page.content()
        page.context.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
    text = log.read_text()
    assert "signing in: you, with your token from oidc-agent" in text
    assert token not in html and not [f for f in frames if token in f] and token not in text


def test_a_personal_token_is_refused_on_an_address_others_reach(sandbox_url, tmp_path):
    done = subprocess.run(
        [*CLI, "--api", sandbox_url, "--address", "0.0.0.0", "--oidc-agent", "alice"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **fake_agent(tmp_path, "alice", "t")},
        check=False,
    )
    assert done.returncode != 0
    assert "Refusing to serve on 0.0.0.0: with a personal token (oidc-agent)" in done.stderr
    assert "Traceback" not in done.stderr
