"""The one decision of where sessions' tokens come from, for every way of running."""

from __future__ import annotations

import asyncio
import os

import pytest

from dashboard import signin
from dashboard.cli import build_parser, oauth_options

HUB = {"JUPYTERHUB_API_URL": "http://hub/api", "JUPYTERHUB_API_TOKEN": "t", "JUPYTERHUB_USER": "a"}


@pytest.fixture(autouse=True)
def no_agent_installed(monkeypatch):
    monkeypatch.setattr(signin.shutil, "which", lambda _name: None)


@pytest.mark.parametrize(
    ("env", "options", "how", "source"),
    [
        pytest.param({}, {"token": "pasted"}, "given", "StaticToken", id="a-token-given"),
        pytest.param(HUB, {"oauth": True}, "oauth", "PanelOAuthTokens", id="oauth-before-hub"),
        pytest.param(HUB, {"oidc_agent": "egi"}, "hub", "HubTokenSource", id="hub-before-own"),
        pytest.param({"EOSC_PERF_TOKEN": "x"}, {"oidc_agent": "egi"}, "oidc-agent",
                     "OidcAgentToken", id="agent-named"),
        pytest.param({"EOSC_PERF_TOKEN": "x"}, {"token_file": "/t"}, "file", "FileToken",
                     id="file-before-env"),
        pytest.param({"EOSC_PERF_TOKEN_FILE": "/t"}, {}, "file", "FileToken", id="file-env"),
        pytest.param({"EOSC_PERF_TOKEN": "x"}, {"sandbox": True}, "env", "EnvToken",
                     id="env-before-demo"),
        pytest.param({}, {"sandbox": True}, "demo", "DemoTokens", id="demo-on-a-sandbox"),
        pytest.param({}, {}, "anonymous", "Anonymous", id="nothing"),
    ],
)  # fmt: skip
def test_the_token_source_is_decided_in_one_order(env, options, how, source):
    decided = signin.decide(env, **{"oauth": False, **options})
    assert decided.how == how
    assert type(decided.tokens()).__name__ == source


def test_sessions_get_their_own_source_where_it_is_theirs():
    demo = signin.decide({}, oauth=False, sandbox=True)
    assert demo.tokens() is not demo.tokens(), "each session picks its own demo identity"
    own = signin.decide({}, oauth=False, token_file="/t")
    assert own.tokens() is own.tokens(), "one person's token, one source"


def test_a_notebook_asks_oidc_agent_when_it_is_installed_and_nothing_else_is_set(monkeypatch):
    monkeypatch.setattr(signin.shutil, "which", lambda name: f"/usr/bin/{name}")
    found = signin.decide({"OIDC_AGENT_ACCOUNT": "lab"}, oauth=False, find_agent=True)
    assert found.how == "oidc-agent" and found.tokens().account == "lab"
    assert signin.decide({}, oauth=False, find_agent=True).tokens().account == "egi"
    env = {"EOSC_PERF_TOKEN": "x"}
    assert signin.decide(env, oauth=False, find_agent=True).how == "env", "what is set wins"
    assert signin.decide({}, oauth=False).how == "anonymous", "the server never guesses"


@pytest.mark.parametrize(
    ("how", "address", "refused"),
    [
        ("oidc-agent", "0.0.0.0", True),
        ("file", "::", True),
        ("env", "192.168.1.7", True),
        ("env", "dashboard.example.org", True),
        ("oidc-agent", "127.0.0.1", False),
        ("file", "::1", False),
        ("env", "localhost", False),
        ("oauth", "0.0.0.0", False),
        ("demo", "0.0.0.0", False),
    ],
)
def test_a_personal_token_is_served_on_a_loopback_address_only(how, address, refused):
    words = signin.SignIn(how, signin.Anonymous).refusal(address)
    assert bool(words) is refused
    if refused:
        assert words.startswith(f"Refusing to serve on {address}: with a personal token")


def test_oidc_agent_is_asked_once_a_minute_and_again_when_refused(tmp_path):
    calls = tmp_path / "calls"
    agent = tmp_path / "oidc-token"
    agent.write_text(f'#!/bin/sh\necho x >> {calls}\n[ "$1" = lab ] && echo token-of-lab\n')
    agent.chmod(0o755)
    source = signin.OidcAgentToken("lab", command=str(agent))
    assert asyncio.run(source.token()) == "token-of-lab"
    assert asyncio.run(source.token()) == "token-of-lab"
    assert len(calls.read_text().split()) == 1
    assert asyncio.run(source.token(fresh=True)) == "token-of-lab"
    assert len(calls.read_text().split()) == 2
    assert asyncio.run(signin.OidcAgentToken("other", command=str(agent)).token()) is None
    assert "token" not in repr(source).replace("OidcAgentToken", "")


def test_checkin_presets_panels_oauth_for_the_realm_chosen(monkeypatch):
    monkeypatch.delenv("PANEL_OAUTH_SCOPE", raising=False)
    args = build_parser().parse_args(["--checkin", "demo", "--oauth-key", "client-id"])
    options = oauth_options(args, env={})
    realm = "https://aai-demo.egi.eu/auth/realms/egi/protocol/openid-connect"
    assert options["oauth_provider"] == "generic" and options["oauth_key"] == "client-id"
    assert options["oauth_extra_params"] == {
        "AUTHORIZE_URL": f"{realm}/auth",
        "TOKEN_URL": f"{realm}/token",
        "USER_URL": f"{realm}/userinfo",
    }
    assert "offline_access" in os.environ["PANEL_OAUTH_SCOPE"].split(",")
    assert len(options["cookie_secret"]) >= 32, "a secret of its own when none is given"
    assert oauth_options(build_parser().parse_args([]), env={}) == {}, "no OAuth unless asked"
