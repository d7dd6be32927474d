"""The demo identities the sandbox API accepts in its ``demo`` auth mode.

Their tokens are public on purpose: the sandbox is a local stand-in for the real
service, and these identities let a developer (or a test) act as a user, a second
user and an administrator without an OIDC provider.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_ISSUER = "https://sandbox.eosc-perf.invalid/demo"


@dataclass(frozen=True)
class DemoIdentity:
    """One demo identity: what its token is and what the sandbox knows of it."""

    key: str
    token: str
    sub: str
    email: str
    name: str
    admin: bool
    registered: bool

    @property
    def iss(self) -> str:
        return DEMO_ISSUER

    def __repr__(self) -> str:  # the token stays out of reprs, even a demo one
        return f"DemoIdentity(key={self.key!r}, email={self.email!r}, admin={self.admin})"


DEMO_IDENTITIES: tuple[DemoIdentity, ...] = (
    DemoIdentity(
        key="alice",
        token="demo-token-alice",
        sub="alice-0001",
        email="alice@example.org",
        name="Alice Provider (demo user, registered)",
        admin=False,
        registered=True,
    ),
    DemoIdentity(
        key="bob",
        token="demo-token-bob",
        sub="bob-0002",
        email="bob@example.org",
        name="Bob Scientist (demo user, not yet registered)",
        admin=False,
        registered=False,
    ),
    DemoIdentity(
        key="admin",
        token="demo-token-admin",
        sub="admin-0003",
        email="admin@example.org",
        name="Ada Admin (demo administrator)",
        admin=True,
        registered=True,
    ),
)


def identity_by_key(key: str) -> DemoIdentity:
    """The demo identity named ``key`` (``alice``, ``bob`` or ``admin``)."""
    for identity in DEMO_IDENTITIES:
        if identity.key == key:
            return identity
    raise KeyError(f"no demo identity named {key!r}")
