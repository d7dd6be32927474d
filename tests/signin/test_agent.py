"""Tokens from oidc-agent: asked for sparingly, never shown."""

from __future__ import annotations

import asyncio

from dashboard import signin


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
