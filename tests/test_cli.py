"""The command line's own settings: ``--checkin`` presets Panel's OAuth for Check-in."""

from __future__ import annotations

import os

from dashboard.cli import build_parser, oauth_options


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
