"""The user who signed in to a browser session with Panel's OAuth."""

from __future__ import annotations

import panel as pn
from panel.io.state import set_curdoc

__all__ = ["PanelOAuthTokens"]


class PanelOAuthTokens:
    """The access token of the user who signed in to this session with Panel's OAuth.

    ``panel serve --oauth-provider generic …`` or the CLI's ``--checkin`` (see the README)
    logs each browser in at the identity provider; Panel keeps the tokens in encrypted
    cookies and, with ``--oauth-refresh-tokens``, refreshes them before they expire. The
    source is bound to its session's document: work running outside a callback of that
    session still gets that session's user, never another's.
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
