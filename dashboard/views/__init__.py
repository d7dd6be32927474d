"""One ``pn.viewable.Viewer`` per region of the screen; no HTTP here."""

from dashboard.views.explore import tabulator_fix
from dashboard.views.shell import AppShell, ConnectionStatus, IdentityPanel, LatestResults

tabulator_fix.install()  # before any page is rendered

__all__ = ["AppShell", "ConnectionStatus", "IdentityPanel", "LatestResults"]
