"""One ``pn.viewable.Viewer`` per region of the screen; no HTTP here."""

from .shell import AppShell, ConnectionStatus, IdentityPanel, LatestResults

__all__ = ["AppShell", "ConnectionStatus", "IdentityPanel", "LatestResults"]
