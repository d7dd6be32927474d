"""Where a session's token comes from: one decision, the same for every way of running.

:func:`decide` looks, in this order, for

1. a token given in code (a notebook's ``connect(token=...)``);
2. Panel's OAuth (``panel serve --oauth-provider ...`` or the CLI's ``--oauth-*`` and
   ``--checkin`` options): each browser session acts as its own signed-in user;
3. a JupyterHub user server: the hub user's token, from their auth_state;
4. a personal token, for one's own dashboard on one's own machine: oidc-agent
   (``--oidc-agent ACCOUNT``), a file (``--token-file``, ``$EOSC_PERF_TOKEN_FILE``) or
   ``$EOSC_PERF_TOKEN``; failing those, a notebook asks oidc-agent when ``oidc-token``
   is installed (for ``$OIDC_AGENT_ACCOUNT``, else ``egi``);
5. the sandbox's demo identities, a choice per session;
6. else none: anyone can read, no one can change anything.

A personal token is the same for every session of the server, so it may only be
served on a loopback address (:meth:`SignIn.refusal`).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dashboard.api import Anonymous, EnvToken, FileToken, TokenSource, as_token_source
from dashboard.signin.agent import OidcAgentToken
from dashboard.signin.hub import HubTokenSource, in_hub

__all__ = ["TOKEN_ENV", "TOKEN_FILE_ENV", "OidcAgentToken", "SignIn", "decide", "demo_tokens"]

TOKEN_ENV = "EOSC_PERF_TOKEN"
TOKEN_FILE_ENV = "EOSC_PERF_TOKEN_FILE"
AGENT_ACCOUNT_ENV = "OIDC_AGENT_ACCOUNT"
#: The account a notebook asks oidc-agent for when none is named.
DEFAULT_AGENT_ACCOUNT = "egi"


@dataclass(frozen=True)
class SignIn:
    """How this process's sessions sign in, and each session's token source.

    ``how`` says which (``given``, ``oauth``, ``hub``, ``oidc-agent``, ``file``, ``env``,
    ``demo`` or ``anonymous``); ``tokens()`` gives a session its source: a new one per
    session for OAuth and the demo identities, the one shared source otherwise.
    """

    how: str
    make: Callable[[], TokenSource]

    def tokens(self) -> TokenSource:
        """The token source of one new session."""
        return self.make()

    @property
    def demo(self) -> bool:
        """Whether sessions choose among the sandbox's demo identities."""
        return self.how == "demo"

    @property
    def personal(self) -> bool:
        """Whether every session acts with one person's token (oidc-agent, a file, env)."""
        return self.how in ("oidc-agent", "file", "env")

    def refusal(self, address: str) -> str:
        """Why this sign-in must not be served on ``address``; "" when it may be."""
        if not self.personal or _loopback(address):
            return ""
        return (
            f"Refusing to serve on {address}: with a personal token ({self.how}) everyone "
            "who reaches the dashboard would act as you. Serve on 127.0.0.1 (the default), "
            "or sign people in with --checkin or --oauth-provider."
        )


def _agent(account: str) -> SignIn:
    agent = OidcAgentToken(account)
    return SignIn("oidc-agent", lambda: agent)


def _loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def demo_tokens() -> TokenSource:
    """A new session's token source among the sandbox's demo identities (none chosen)."""
    from dashboard.config import demo_identities  # the sandbox's, handed over there
    from dashboard.signin.demo import DemoTokens

    return DemoTokens({identity.key: identity.token for identity in demo_identities()})


def _oauth_on() -> bool:
    import panel as pn  # only where Panel runs: OAuth is Panel's

    return bool(pn.config.oauth_provider)


def decide(
    env: Mapping[str, str] = os.environ,
    *,
    token: object = None,
    oauth: bool | None = None,
    oidc_agent: str | None = None,
    token_file: str | os.PathLike[str] | None = None,
    sandbox: bool = False,
    find_agent: bool = False,
) -> SignIn:
    """Where sessions' tokens come from (see the module's description for the order).

    ``oauth`` defaults to whether Panel's OAuth is configured; ``find_agent`` (for
    notebooks) asks oidc-agent when ``oidc-token`` is installed and nothing else is set.
    """
    from dashboard.signin.oauth import PanelOAuthTokens  # Panel's: imported where it runs

    if token is not None:
        given = as_token_source(token)
        return SignIn("given", lambda: given)
    if oauth if oauth is not None else _oauth_on():
        return SignIn("oauth", PanelOAuthTokens)
    if in_hub(env):
        hub = HubTokenSource(env)
        return SignIn("hub", lambda: hub)
    if oidc_agent:
        return _agent(oidc_agent)
    path = token_file or env.get(TOKEN_FILE_ENV, "").strip()
    if path:
        file = FileToken(Path(path).expanduser())
        return SignIn("file", lambda: file)
    if env.get(TOKEN_ENV, "").strip():
        named = EnvToken(TOKEN_ENV)
        return SignIn("env", lambda: named)
    if find_agent and shutil.which("oidc-token"):
        return _agent(env.get(AGENT_ACCOUNT_ENV, "").strip() or DEFAULT_AGENT_ACCOUNT)
    if sandbox:
        return SignIn("demo", demo_tokens)
    nobody = Anonymous()
    return SignIn("anonymous", lambda: nobody)
