"""Standalone ``panel serve`` with Panel's OAuth (generic provider) against a local OIDC
issuer: each session acts as its own user, and no token reaches the browser."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys

import httpx
import pytest
from helpers import (
    ANY_ADMIN_TAB,
    REPO,
    issued_tokens,
    needs_chromium,
    sign_in_at_issuer,
    tab,
    token_for,
    wait_for_http,
)

from dashboard.cli import free_port
from dashboard.hub import checkin

pytestmark = [needs_chromium()]


@pytest.fixture(scope="module")
def served(issuer, api, tmp_path_factory):
    """``panel serve dashboard/app.py`` configured for OAuth as the README says."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("panel") / "panel.log"
    env = {
        **os.environ,
        "EOSC_PERF_API_URL": api,
        "PANEL_OAUTH_AUTHORIZE_URL": f"{issuer}/oauth2/authorize",
        "PANEL_OAUTH_TOKEN_URL": f"{issuer}/oauth2/token",
        "PANEL_OAUTH_USER_URL": f"{issuer}/userinfo",
        "PANEL_OAUTH_SCOPE": ",".join(checkin.SCOPES),
    }
    command = [
        sys.executable, "-m", "panel", "serve", str(REPO / "dashboard" / "app.py"),
        "--port", str(port), "--address", "127.0.0.1",
        "--allow-websocket-origin", f"127.0.0.1:{port}",
        "--oauth-provider", "generic",
        "--oauth-key", "eosc-perf-dashboard",
        "--oauth-secret=" + secrets.token_urlsafe(16),  # one may begin with "-"
        "--oauth-redirect-uri", url,
        "--cookie-secret=" + secrets.token_urlsafe(32),
        "--oauth-encryption-key=" + base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "--oauth-refresh-tokens",
    ]  # fmt: skip
    log = log_path.open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for_http(f"{url}/liveness", process, log_path=log_path)
    yield {"url": url, "log": log_path}
    process.terminate()
    process.wait(timeout=15)
    log.close()


def test_each_session_acts_as_its_own_signed_in_user(provider, issuer, api, served, chromium):
    from playwright.sync_api import expect

    ada_frames: list[str] = []
    bob_frames: list[str] = []
    ada = sign_in_at_issuer(chromium, served["url"], "ada", ada_frames)
    bob = sign_in_at_issuer(chromium, served["url"], "bob", bob_frames)
    for page in (ada, bob):
        expect(page.get_by_text("Signed in, but not registered yet.")).to_be_visible(timeout=60_000)
        expect(page.get_by_label("Demo identity")).to_have_count(0)

    ada.get_by_text("I have read and accept").evaluate(
        "text => text.getRootNode().querySelector('input').click()"
    )
    ada.get_by_role("button", name="Register").click()
    expect(ada.get_by_text("Signed in as ada@example.org (administrator)")).to_be_visible(
        timeout=30_000
    )
    expect(tab(ada, ANY_ADMIN_TAB)).to_have_count(1, timeout=30_000)

    # Bob's session, open all along, is still Bob's: not registered, no Admin tab.
    bob.reload()
    expect(bob.get_by_text("Signed in, but not registered yet.")).to_be_visible(timeout=60_000)
    expect(tab(bob, ANY_ADMIN_TAB)).to_have_count(0)
    assert "ada@example.org" not in bob.content()
    assert not any("ada@example.org" in frame for frame in bob_frames)

    # The service registered exactly Ada, under her own identity.
    me = httpx.get(
        f"{api}/users/self", headers={"Authorization": f"Bearer {token_for(issuer, 'ada')}"}
    )
    assert me.status_code == 200 and me.json()["email"] == "ada@example.org"
    bob_me = httpx.get(
        f"{api}/users/self", headers={"Authorization": f"Bearer {token_for(issuer, 'bob')}"}
    )
    assert bob_me.status_code == 404

    # Tokens stay on the server: not in pages, websocket messages, cookies or the log.
    cookies = " ".join(c["value"] for p in (ada, bob) for c in p.context.cookies())
    seen = "\n".join(
        [*ada_frames, *bob_frames, ada.content(), bob.content(), cookies, served["log"].read_text()]
    )
    assert [t for t in issued_tokens(provider[0]) if t in seen] == []
