"""``eosc-perf-dashboard`` with Panel's OAuth (generic provider) against a local OIDC issuer:
the CLI signs visitors in as ``panel serve`` does, and no token reaches the browser."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys

import pytest
from helpers import issued_tokens, needs_chromium, sign_in_at_issuer, wait_for_http

from dashboard.cli import free_port
from dashboard.hub import checkin

pytestmark = [needs_chromium()]


@pytest.fixture(scope="module")
def served_cli(issuer, api, tmp_path_factory):
    """``eosc-perf-dashboard --oauth-provider generic ...``: the README's command."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("cli") / "cli.log"
    endpoints = {
        "AUTHORIZE_URL": f"{issuer}/oauth2/authorize",
        "TOKEN_URL": f"{issuer}/oauth2/token",
        "USER_URL": f"{issuer}/userinfo",
    }
    command = [
        sys.executable, "-m", "dashboard", "--api", api, "--port", str(port),
        "--oauth-provider", "generic",
        "--oauth-key", "eosc-perf-dashboard",
        "--oauth-redirect-uri", url,
        "--oauth-extra-params", json.dumps(endpoints),
        "--oauth-encryption-key=" + base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "--oauth-refresh-tokens",
    ]  # fmt: skip
    env = {
        **os.environ,
        "PANEL_OAUTH_SECRET": secrets.token_urlsafe(16),  # secrets need not be arguments
        "PANEL_OAUTH_SCOPE": ",".join(checkin.SCOPES),
    }
    log = log_path.open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    # the dashboard answers (a redirect to the sign-in) once it is up
    wait_for_http(url, process, log_path=log_path)
    yield {"url": url, "log": log_path}
    process.terminate()
    process.wait(timeout=15)
    log.close()


def test_the_cli_signs_each_visitor_in_with_oauth(provider, served_cli, chromium):
    from playwright.sync_api import expect

    frames: list[str] = []
    ada = sign_in_at_issuer(chromium, served_cli["url"], "ada", frames)
    expect(ada.get_by_text("Signed in, but not registered yet.")).to_be_visible(timeout=60_000)
    expect(ada.get_by_label("Demo identity")).to_have_count(0)
    ada.get_by_text("I have read and accept").evaluate(
        "text => text.getRootNode().querySelector('input').click()"
    )
    ada.get_by_role("button", name="Register").click()
    expect(ada.get_by_text("Signed in as ada@example.org (administrator)")).to_be_visible(
        timeout=30_000
    )
    cookies = " ".join(c["value"] for c in ada.context.cookies())
    log = served_cli["log"].read_text()
    assert "signing in: each visitor signs in (OAuth)" in log
    seen = "\n".join([*frames, ada.content(), cookies, log])
    assert [t for t in issued_tokens(provider[0]) if t in seen] == []
    ada.context.close()
