"""A browser-side fix for Panel < 1.10: a Tabulator could keep showing stale rows.

Panel's Tabulator view ignores new data that arrives while the table is being built
(its first render, or a re-render after the columns change) and never asks for it
again. A shared link opened on a busy machine then shows "1 of 800 results match"
over an empty table. Panel 1.10 remembers such data and applies it once the table is
built; this script does the same for older releases: after every build it applies
the data the model holds then (one page: a few dozen rows).

:func:`install` adds it to Panel's global JavaScript files, once, and only where the
installed Panel needs it.
"""

from __future__ import annotations

import base64

import panel as pn
from packaging.version import Version

FIXED_IN = Version("1.10")
NAME = "eosc-perf-tabulator-resync"

SCRIPT = """
(function resync(attempt) {
  var bokeh = window.Bokeh;
  var model = bokeh && bokeh.Models && bokeh.Models.get("panel.models.tabulator.DataTabulator");
  if (!model) {
    if (attempt < 400) { setTimeout(function () { resync(attempt + 1); }, 25); }
    return;
  }
  var view = model.prototype.default_view.prototype;
  if (view.__eoscResync) { return; }
  var built = view.tableBuilt;
  view.tableBuilt = function () {
    built.call(this);
    var self = this;
    self._selection_updating = true;
    Promise.resolve(self.setData()).then(function () {
      self._selection_updating = false;
      self.postUpdate();
    });
  };
  view.__eoscResync = true;
})(0);
"""


def needed(version: str = pn.__version__) -> bool:
    """Whether this Panel release drops data sent while a table is being built."""
    return Version(version).release < FIXED_IN.release


def install() -> None:
    """Load the fix with every page (and notebook) Panel renders from now on."""
    if not needed() or NAME in pn.config.js_files:
        return
    encoded = base64.b64encode(SCRIPT.encode()).decode()
    pn.config.js_files = {**pn.config.js_files, NAME: f"data:text/javascript;base64,{encoded}"}
