"""Served pages without MathJax.

Panel adds Bokeh's MathJax bundle to every served page that holds an HTML pane, in
case its text holds TeX: 1.8 MB, about a third of the page's script, parsed before the
page shows anything. The dashboard shows no formulae, and the text its panes show
comes from the API and from users' files, where a name written ``$x$`` would be
typeset rather than shown. Panel's ``bundle_resources`` takes ``enable_mathjax``, but
its server page calls it without one; :func:`serve_without_mathjax` makes that call
say False. No setting of Panel's does it (``pn.extension("mathjax")`` only adds it).
Should a later Panel change the function, pages keep MathJax, as before.
"""

from __future__ import annotations

import functools
import inspect

__all__ = ["serve_without_mathjax"]


def serve_without_mathjax() -> bool:
    """Served pages from now on load no MathJax (once per process); whether they don't."""
    from panel.io import server

    bundle = server.bundle_resources
    if getattr(bundle, "without_mathjax", False):
        return True
    if "enable_mathjax" not in inspect.signature(bundle).parameters:
        return False

    @functools.wraps(bundle)
    def without_mathjax(*args, **kwargs):
        kwargs["enable_mathjax"] = False
        return bundle(*args, **kwargs)

    without_mathjax.without_mathjax = True  # type: ignore[attr-defined]
    server.bundle_resources = without_mathjax
    return True
