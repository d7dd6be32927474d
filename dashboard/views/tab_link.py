"""The open tab in the page's address, so that a reload or a link opens it again."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

import panel as pn

__all__ = ["TAB_IN_URL", "keep_tab_in_url"]

#: The query parameter that names the open tab.
TAB_IN_URL = "tab"


def keep_tab_in_url(tabs: pn.Tabs, named: Mapping[str, pn.viewable.Viewable | None]) -> None:
    """Open the tab the address names (``tab=explore``) and write the open one there
    (none for the first). ``named``: each tab's name in the address. A link to the
    explorer from before the Where to run tab (a ``benchmark_id``, no ``tab``) opens
    Explore."""
    location = pn.state.location
    if location is None:
        return
    named = {slug: tab for slug, tab in named.items() if tab is not None and tab in tabs.objects}
    query = dict(parse_qsl(location.search.lstrip("?")))
    asked = query.get(TAB_IN_URL) or ("explore" if "benchmark_id" in query else "")
    if asked in named:
        tabs.active = tabs.objects.index(named[asked])

    def write(*_events) -> None:
        tab = tabs.objects[tabs.active] if tabs.objects else None
        slug = next((s for s, t in named.items() if t is tab), "")
        kept = [(k, v) for k, v in parse_qsl(location.search.lstrip("?")) if k != TAB_IN_URL]
        if slug and tabs.active != 0:
            kept.append((TAB_IN_URL, slug))
        location.search = f"?{urlencode(kept)}" if kept else ""

    tabs.param.watch(write, "active")
