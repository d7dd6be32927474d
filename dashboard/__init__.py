"""EOSC Performance Dashboard.

In a notebook: ``dashboard.connect()``, ``dashboard.compare()``, ``dashboard.explorer()``,
``dashboard.upload()``
(see :mod:`dashboard.notebook`).
"""

from __future__ import annotations


def __getattr__(name: str):
    # panel and the views load only when a notebook asks for them
    if name in ("connect", "compare", "explorer", "upload", "token_source"):
        from dashboard import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'dashboard' has no attribute {name!r}")
