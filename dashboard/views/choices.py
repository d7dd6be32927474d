"""Multi-choice widgets without Choices.js's ``allowHTML`` warning on every render.

Panel's :class:`~panel.widgets.MultiChoice` is Bokeh's ``MultiChoice``, drawn by
Choices.js 10. Choices.js warns in the browser's console ("Deprecation warning:
allowHTML will default to false in a future release…") each time one is built without
an explicit ``allowHTML``, and Bokeh (3.9 and 3.10 alike) builds one on every render of
the widget without it: each new list of options is a render, so a page whose filters
follow the results logged about a hundred warnings, burying anything worth reading.

Neither Bokeh nor Panel has a setting for it: Bokeh's view makes the options inside its
``render`` and passes them straight to Choices.js, so nothing short of copying that
method (Bokeh's internals, which change between releases) could add the option, and a
model of our own would need a TypeScript build. The option's default, ``true`` (labels
are HTML), is what Bokeh relies on and what our labels are made for
(:func:`dashboard.views.base.html_label` escapes them), so nothing is to change but
the message. :data:`SCRIPT` wraps the view's ``render`` so that, while it runs, the
console drops that one message; any other warning, from Choices.js or anyone else,
still shows. It runs once per page, after Bokeh's bundles and before any view is
drawn, as one of the page template's scripts (:func:`quiet_choices`); a Bokeh without
a ``MultiChoice`` model leaves it nothing to do.
"""

from __future__ import annotations

from urllib.parse import quote

import panel as pn

__all__ = ["SCRIPT", "quiet_choices"]

#: Choices.js's message, as it starts.
NOTICE = "Deprecation warning: allowHTML"

SCRIPT = f"""// Drops Choices.js's allowHTML notice while Bokeh renders a MultiChoice.
(function () {{
  let view;
  try {{
    view = window.Bokeh.Models.get("MultiChoice").prototype.default_view;
  }} catch (error) {{
    return;
  }}
  const render = view.prototype.render;
  view.prototype.render = function (...args) {{
    const warn = console.warn;
    console.warn = function (message, ...rest) {{
      if (!(typeof message === "string" && message.startsWith("{NOTICE}"))) {{
        warn.call(console, message, ...rest);
      }}
    }};
    try {{
      return render.apply(this, args);
    }} finally {{
      console.warn = warn;
    }}
  }};
}})();
"""

#: :data:`SCRIPT` as the page's own: a data URL (no file to serve, and nothing leaves the
#: dashboard's origin). The slashes of its first line's comment stay as they are, which
#: tells Panel's templates it is a whole URL, not a path to put under the app's own.
SCRIPT_URL = "data:text/javascript;charset=utf-8," + quote(SCRIPT)


def quiet_choices(template: pn.template.BaseTemplate) -> pn.template.BaseTemplate:
    """Load :data:`SCRIPT` in ``template``'s page, after Bokeh's; return the template."""
    template.config.js_files = {**template.config.js_files, "quiet_choices": SCRIPT_URL}
    return template
