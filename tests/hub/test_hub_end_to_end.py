"""End to end, on loopback: a local OIDC issuer, the sandbox API trusting it, a real
JupyterHub configured by hub_config/jupyterhub_config.py spawning local user servers,
and headless Chromium logging in through the hub.

The issuer's access tokens live :data:`TOKEN_LIFETIME` seconds, so the test also sees
the user server keep working with refreshed tokens; and no token ever reaches the
browser (HTML, websocket messages) or the logs.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from helpers import (
    ADMINS,
    REPO,
    TOKEN_LIFETIME,
    issued_tokens,
    needs_chromium,
    proxy_command,
    tab,
    token_for,
    widget,
)

from dashboard.cli import free_port

pytestmark = [
    needs_chromium(),
    pytest.mark.skipif(
        proxy_command() is None,
        reason="configurable-http-proxy is not installed (bash .ci/test installs it from npm)",
    ),
]


@pytest.fixture(scope="module")
def hub(issuer, api, tmp_path_factory):
    """JupyterHub with our config; its log (the user servers' too) in ``hub.log``."""
    workdir = tmp_path_factory.mktemp("hub")
    port, hub_port, proxy_api = free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    proxy = Path(proxy_command())
    env = {
        **os.environ,
        "PATH": os.pathsep.join(
            [str(proxy.parent), str(Path(sys.executable).parent), os.environ["PATH"]]
        ),
        "JUPYTERHUB_BIND_URL": url,
        "JUPYTERHUB_CRYPT_KEY": secrets.token_hex(32),
        "EGI_CHECKIN_ISSUER": issuer,
        "EGI_CHECKIN_CLIENT_ID": "eosc-perf-dashboard",
        "EGI_CHECKIN_CLIENT_SECRET": secrets.token_urlsafe(16),
        "EGI_ADMIN_ENTITLEMENTS": ADMINS,
        "EGI_AUTH_REFRESH_AGE": "5",
        "EOSC_PERF_API_URL": api,
    }
    log = (workdir / "hub.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterhub",
            "-f",
            str(REPO / "hub_config" / "jupyterhub_config.py"),
            f"--JupyterHub.hub_bind_url=http://127.0.0.1:{hub_port}",
            f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{proxy_api}",
            "--Spawner.start_timeout=120",
            "--Spawner.http_timeout=120",
            # CI machines run tests as root, which Jupyter refuses unless told
            *(["--Spawner.args=--allow-root"] if os.geteuid() == 0 else []),
        ],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited: {(workdir / 'hub.log').read_text()}")
            try:
                # the hub's own answer: the proxy says 404 until the hub's route is added
                if httpx.get(f"{url}/hub/login", timeout=5).status_code < 400:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("JupyterHub did not answer within 120 s")
            time.sleep(0.5)
        yield {"url": url, "log": workdir / "hub.log"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def log_in(browser, hub_url: str, sub: str, frames: list[str]):
    """A new browser context logs in at the issuer through the hub; lands on the dashboard."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: frames.append(str(f))))
    # a loaded machine (the suite runs beside the hub's user servers) is slow to redirect
    page.goto(f"{hub_url}/hub/oauth_login?next=", timeout=120_000)
    try:
        page.locator("input[name=sub]").wait_for(timeout=120_000)
    except Exception as error:
        text = page.locator("body").inner_text()[:2000]
        raise AssertionError(f"no login form of the issuer at {page.url}: {text}") from error
    page.locator("input[name=sub]").fill(sub)
    page.locator("input[name=sub]").press("Enter")
    try:
        page.wait_for_url(re.compile(r"/user/[^/]+/dashboard/"), timeout=180_000)
    except Exception as error:
        text = page.locator("body").inner_text()[:2000]
        raise AssertionError(f"stuck at {page.url}: {text}") from error
    return page


def test_log_in_through_the_hub_register_upload_and_keep_working_after_expiry(
    provider, issuer, api, hub, chromium, tmp_path
):
    from playwright.sync_api import expect

    frames: list[str] = []
    page = log_in(chromium, hub["url"], "ada", frames)
    assert "/user/ada-0001@egi.eu/dashboard/" in page.url
    expect(page.get_by_text("Signed in, but not registered yet.")).to_be_visible(timeout=120_000)

    page.get_by_text("I have read and accept").evaluate(
        "text => text.getRootNode().querySelector('input').click()"
    )
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Signed in as ada@example.org (administrator)")).to_be_visible(
        timeout=30_000
    )

    # Upload a result the sandbox accepts: a seeded one with another score.
    sample = httpx.get(f"{api}/results", params={"per_page": 1}).json()["items"][0]
    tab(page, "Contribute").click()

    def upload(score: float, uploaded: int) -> None:
        document = {**sample["json"], "result": {**sample["json"]["result"], "score": score}}
        path = tmp_path / f"run-{score}.json"
        path.write_text(json.dumps(document))
        for label, option in (
            (
                "Benchmark",
                f"{sample['benchmark']['docker_image']}:{sample['benchmark']['docker_tag']}",
            ),
            ("Site", sample["site"]["name"]),
            ("Flavor", sample["flavor"]["name"]),
        ):
            chooser = widget(page, label).first
            expect(chooser.get_by_role("option", name=option).first).to_be_attached(timeout=30_000)
            chooser.select_option(
                label=chooser.get_by_role("option", name=option).first.inner_text()
            )
        page.locator("input[type=file][multiple]").set_input_files(path)
        expect(page.get_by_role("row", name=f"{path.name} ready")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("How the explorer will show it:")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Upload the ready files").click()
        # the files of this form so far, each sent once: this one's outcome, not the last
        done = f"{uploaded} of {uploaded} results uploaded."
        expect(page.get_by_text(done)).to_be_visible(timeout=60_000)

    upload(1234.5, uploaded=1)

    def scores_stored_as_ada() -> list[float]:
        checker = {"Authorization": f"Bearer {token_for(issuer, 'ada')}"}
        answer = httpx.get(f"{api}/users/self/results", headers=checker)
        assert answer.status_code == 200, answer.text
        return sorted(r["json"]["result"]["score"] for r in answer.json()["items"])

    assert scores_stored_as_ada() == [1234.5]

    # The access token the dashboard started with has expired: the next upload still works.
    time.sleep(TOKEN_LIFETIME + 3)
    upload(2345.5, uploaded=2)
    assert scores_stored_as_ada() == [1234.5, 2345.5]
    assert "Refreshed the access token of ada-0001@egi.eu" in hub["log"].read_text()

    # Bob, in another browser context, sees only himself.
    bob_frames: list[str] = []
    bob = log_in(chromium, hub["url"], "bob", bob_frames)
    expect(bob.get_by_text("Signed in, but not registered yet.")).to_be_visible(timeout=120_000)
    assert "ada@example.org" not in bob.content()
    assert not any("ada@example.org" in frame for frame in bob_frames)

    # No access or refresh token ever reached a browser or a log.
    tokens = issued_tokens(provider[0])
    assert len(tokens) >= 3  # logins, refreshes and the checker's
    seen = "\n".join([*frames, *bob_frames, page.content(), bob.content(), hub["log"].read_text()])
    leaked = [t for t in tokens if t in seen]
    assert leaked == []
