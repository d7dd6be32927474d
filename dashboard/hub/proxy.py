"""The dashboard as a jupyter-server-proxy entry point: ``/user/<name>/dashboard/``.

jupyter-server-proxy starts the command below on a free port when the path is first
opened, proxies its HTTP and websockets, and lists it in JupyterLab's launcher.
With ``absolute_url`` the dashboard sees the full path, so Panel serves under the
same prefix. One process per user server: every session in it is that user's.
"""

from __future__ import annotations

import sys

NAME = "dashboard"


def setup_dashboard() -> dict:
    """The server-proxy configuration (entry point ``jupyter_serverproxy_servers``)."""
    return {
        "command": [
            sys.executable,
            "-m",
            "dashboard",
            "--port",
            "{port}",
            "--prefix",
            "{base_url}" + NAME,
            # Browsers reach it through the hub's public address, which this process
            # cannot know; the proxy in front of it checks the origin and the user.
            "--allow-websocket-origin",
            "*",
        ],
        "absolute_url": True,
        "timeout": 120,
        "launcher_entry": {"title": "EOSC Performance", "enabled": True},
        "new_browser_tab": False,
    }
