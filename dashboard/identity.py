"""Whose token a session uses: the seam where sign-in methods plug into the client.

In sandbox mode a session picks one of the sandbox's demo identities (or none).
JupyterHub and Panel OAuth sources plug in the same way: any
:class:`~dashboard.api.auth.TokenSource` will do.
"""

from __future__ import annotations

import panel as pn
from panel.io.state import set_curdoc

from .sandbox.identities import DEMO_IDENTITIES, DemoIdentity

ANONYMOUS = "anonymous"


class DemoTokens:
    """The token of the demo identity this session chose; ``anonymous`` sends none."""

    def __init__(self, key: str = ANONYMOUS) -> None:
        self.key = key

    @property
    def identity(self) -> DemoIdentity | None:
        return next((i for i in DEMO_IDENTITIES if i.key == self.key), None)

    async def token(self, *, fresh: bool = False) -> str | None:
        identity = self.identity
        return identity.token if identity else None

    def __repr__(self) -> str:
        return f"DemoTokens({self.key!r})"


class PanelOAuthTokens:
    """The access token of the user who signed in to this session with Panel's OAuth.

    ``panel serve --oauth-provider generic …`` (see the README) logs each browser in at
    the identity provider; Panel keeps the tokens in encrypted cookies and, with
    ``--oauth-refresh-tokens``, refreshes them before they expire. The source is bound
    to its session's document: work running outside a callback of that session still
    gets that session's user, never another's.
    """

    def __init__(self, document=None) -> None:
        self._document = document if document is not None else pn.state.curdoc

    @staticmethod
    def enabled() -> bool:
        """Whether this server logs users in with OAuth."""
        return bool(pn.config.oauth_provider)

    async def token(self, *, fresh: bool = False) -> str | None:
        with set_curdoc(self._document):
            return pn.state.access_token

    def __repr__(self) -> str:
        return "PanelOAuthTokens()"


def demo_choices() -> dict[str, str]:
    """Label → key of every demo identity, anonymous first (for a selector)."""
    choices = {"Anonymous (read-only)": ANONYMOUS}
    choices.update({identity.name: identity.key for identity in DEMO_IDENTITIES})
    return choices
