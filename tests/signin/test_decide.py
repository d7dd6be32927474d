"""The one decision of where sessions' tokens come from, for every way of running."""

from __future__ import annotations

import pytest

from dashboard import signin

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
