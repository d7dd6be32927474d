"""Shared by the sign-in tests: a local OIDC provider issuing short-lived tokens (and
knowing every token it issued), the sandbox API trusting it, and headless Chromium."""

from __future__ import annotations

import shutil
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import oidc_provider_mock as oidc
import pytest
import werkzeug.serving
from oidc_provider_mock._storage import storage as issued

from dashboard.cli import free_port
from dashboard.sandbox import SandboxConfig, SandboxServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPO = Path(__file__).parents[2]
TOKEN_LIFETIME = 25
ADMINS = "urn:mace:egi.eu:group:eosc-perf:admins:role=member#aai.egi.eu"
USERS = {
    "ada": {
        "email": "ada@example.org",
        "preferred_username": "ada",
        "voperson_id": "ada-0001@egi.eu",
        "eduperson_entitlement": [ADMINS],
    },
    "bob": {
        "email": "bob@example.org",
        "preferred_username": "bob",
        "voperson_id": "bob-0002@egi.eu",
        "eduperson_entitlement": [],
    },
}


def proxy_command() -> str | None:
    local = REPO / ".ci" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(local) if local.exists() else shutil.which("configurable-http-proxy")


def needs_chromium():
    return pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")


@pytest.fixture(scope="module")
def provider():
    """The OIDC provider's app, served on a thread; it knows every token it issued."""
    users = [oidc.User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    app = oidc.app(access_token_max_age=timedelta(seconds=TOKEN_LIFETIME), user_claims=users)
    server = werkzeug.serving.make_server("localhost", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    yield app, f"http://localhost:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def issuer(provider):
    return provider[1]


def issued_tokens(app) -> set[str]:
    """Every access and refresh token the provider issued (read as one of its requests)."""
    with app.test_request_context("/"):
        app.preprocess_request()
        access = {t.token for t in issued.access_tokens()}
        return access | {t.token for t in issued.refresh_tokens()}


@pytest.fixture(scope="module")
def api(issuer, tmp_path_factory):
    server = SandboxServer(
        SandboxConfig(
            data_dir=tmp_path_factory.mktemp("sandbox"),
            auth_mode="oidc",
            oidc_issuer=issuer,
            admin_entitlements=(ADMINS,),
        )
    )
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def token_for(issuer: str, sub: str) -> str:
    """An access token of ``sub``, to check the service from outside the browser."""
    callback = "http://127.0.0.1/cb"
    answer = httpx.post(
        f"{issuer}/oauth2/authorize",
        params={
            "client_id": "checker",
            "redirect_uri": callback,
            "response_type": "code",
            "scope": "openid email",
        },
        data={"sub": sub},
    )
    code = parse_qs(urlparse(answer.headers["location"]).query)["code"][0]
    tokens = httpx.post(
        f"{issuer}/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": callback},
        auth=("checker", "x"),
    )
    return tokens.json()["access_token"]
