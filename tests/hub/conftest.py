"""Shared by the sign-in tests: a local OIDC provider issuing short-lived tokens (and
knowing every token it issued), the sandbox API trusting it, and headless Chromium."""

from __future__ import annotations

import threading
from datetime import timedelta

import oidc_provider_mock as oidc
import pytest
import werkzeug.serving
from helpers import ADMINS, CHROMIUM, CHROMIUM_ARGS, TOKEN_LIFETIME

from dashboard.cli import free_port
from dashboard.sandbox import SandboxConfig, SandboxServer

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
