"""Buttons that copy text to the clipboard, in the browser, with a word when done.

The text is read in the browser (the page's own address, or a hidden input's value the
server keeps current), so a click copies what the page shows at that moment, with no
round trip. ``navigator.clipboard`` exists only on secure pages (https, or localhost);
elsewhere the text is selected in a scratch field and copied the old way.
"""

from __future__ import annotations

import panel as pn

__all__ = ["copy_button"]

_COPY = """
const text = %s;
const done = (word) => {
  const label = source.label;
  if (label.startsWith('Copied') || label.startsWith('Select')) return;
  source.label = word;
  setTimeout(() => { source.label = label; }, 2000);
};
const fallback = () => {
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try { copied = document.execCommand('copy'); } catch (error) { copied = false; }
  document.body.removeChild(area);
  done(copied ? 'Copied ✓' : 'Select and copy by hand');
};
if (navigator.clipboard && window.isSecureContext) {
  navigator.clipboard.writeText(text).then(() => done('Copied ✓'), fallback);
} else {
  fallback();
}
"""


def copy_button(label: str, source: pn.widgets.TextInput | None = None, **params) -> pn.Row:
    """A button copying ``source``'s value, or the page's address when there is none.

    ``source`` is put beside the button, hidden: the browser reads its value.
    """
    button = pn.widgets.Button(label=label, color="default", **params)
    if source is None:
        button.js_on_click(code=_COPY % "window.location.href")
        return pn.Row(button, margin=0)
    source.visible = False
    button.js_on_click(args={"holder": source}, code=_COPY % "holder.value")
    return pn.Row(button, source, margin=0)
