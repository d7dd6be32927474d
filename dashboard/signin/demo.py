"""The sandbox's demo identities: each session picks one (or none) and acts with its token.

The identities themselves belong to the sandbox; :func:`dashboard.config.demo_identities`
hands them over (the sandbox is imported there only). A session's :class:`DemoTokens`
follows the identity its state has chosen, read at every request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

__all__ = ["ANONYMOUS", "DemoTokens"]

ANONYMOUS = "anonymous"


class DemoTokens:
    """The token of the demo identity a session has chosen; ``anonymous`` sends none.

    ``tokens`` maps each identity's key to its token; :meth:`follow` names where the
    session's choice is read (its state's ``identity``), so that no one sets it here.
    """

    def __init__(self, tokens: Mapping[str, str]) -> None:
        self._tokens = dict(tokens)
        self._chosen: Callable[[], str] = lambda: ANONYMOUS

    def follow(self, chosen: Callable[[], str]) -> None:
        """Read the chosen identity's key from ``chosen`` from now on."""
        self._chosen = chosen

    @property
    def key(self) -> str:
        """The key of the identity chosen now."""
        return self._chosen()

    async def token(self, *, fresh: bool = False) -> str | None:
        return self._tokens.get(self._chosen())

    def __repr__(self) -> str:
        return f"DemoTokens({self.key!r})"
