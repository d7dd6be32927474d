"""Standalone ``panel serve`` with Panel's OAuth (generic provider) against a local OIDC
issuer: each session acts as its own user, and no token reaches the browser."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
import time

import httpx
import pytest

from dashboard.cli import free_port
from dashboard.hub import checkin

from .conftest import REPO, issued_tokens, needs_chromium, token_for

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
        "--oauth-secret", secrets.token_urlsafe(16),
        "--oauth-redirect-uri", url,
        "--cookie-secret", secrets.token_urlsafe(32),
        "--oauth-encryption-key", base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "--oauth-refresh-tokens",
    ]  # fmt: skip
    log = log_path.open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"panel serve exited: {log_path.read_text()}")
        try:
            httpx.get(f"{url}/liveness", timeout=5)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError("panel serve did not answer") from None
            time.sleep(0.5)
    yield {"url": url, "log": log_path}
    process.terminate()
    process.wait(timeout=15)
    log.close()


def sign_in(browser, url: str, sub: str, frames: list[str]):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    page.goto(url)
    page.locator("input[name=sub]").fill(sub)
    page.locator("input[name=sub]").press("Enter")
    page.wait_for_url(re.compile(re.escape(url)), timeout=60_000)
    return page


def test_each_session_acts_as_its_own_signed_in_user(provider, issuer, api, served, chromium):
    from playwright.sync_api import expect

    ada_frames: list[str] = []
    bob_frames: list[str] = []
    ada = sign_in(chromium, served["url"], "ada", ada_frames)
    bob = sign_in(chromium, served["url"], "bob", bob_frames)
    for page in (ada, bob):
        expect(page.get_by_text("Signed in, but not registered yet.")).to_be_visible(timeout=60_000)
        expect(page.locator(".bk-input-group", has_text="Demo identity")).to_have_count(0)

    ada.get_by_text("I have read and accept").evaluate(
        "text => text.getRootNode().querySelector('input').click()"
    )
    ada.get_by_role("button", name="Register").click()
    expect(ada.get_by_text("Signed in as ada@example.org (administrator)")).to_be_visible(
        timeout=30_000
    )
    expect(ada.locator(".bk-tab", has_text="Admin")).to_have_count(1, timeout=30_000)

    # Bob's session, open all along, is still Bob's: not registered, no Admin tab.
    bob.reload()
    expect(bob.get_by_text("Signed in, but not registered yet.")).to_be_visible(timeout=60_000)
    expect(bob.locator(".bk-tab", has_text="Admin")).to_have_count(0)
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
