"""One ``pn.viewable.Viewer`` per region of the screen; no HTTP here."""

from . import tabulator_fix
from .shell import AppShell, ConnectionStatus, IdentityPanel, LatestResults

tabulator_fix.install()  # before any page is rendered

__all__ = ["AppShell", "ConnectionStatus", "IdentityPanel", "LatestResults"]
