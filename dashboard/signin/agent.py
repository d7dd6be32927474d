"""A personal token from oidc-agent, for one's own dashboard or notebook."""

from __future__ import annotations

import subprocess
import time

from dashboard.serving import in_worker

__all__ = ["OidcAgentToken"]


class OidcAgentToken:
    """An access token from oidc-agent (``oidc-token ACCOUNT``), kept for a minute.

    oidc-agent keeps the refresh token and hands out valid access tokens; asking it is
    a process start, so not for every request. Run in a thread: never blocks the loop.
    """

    #: How long a token from the agent is used before asking again (seconds).
    KEEP = 60.0

    def __init__(self, account: str, command: str = "oidc-token") -> None:
        self.account = account
        self.command = command
        self._token: str | None = None
        self._until = 0.0

    async def token(self, *, fresh: bool = False) -> str | None:
        if fresh or self._token is None or time.monotonic() >= self._until:
            self._token = await in_worker(self._ask)
            self._until = time.monotonic() + self.KEEP
        return self._token

    def _ask(self) -> str | None:
        try:
            done = subprocess.run(
                [self.command, self.account],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        if done.returncode != 0:
            return None
        return done.stdout.strip() or None

    def __repr__(self) -> str:
        return f"OidcAgentToken({self.account!r})"
