"""Text from the API, a link or a file reaches the page only escaped: the panes that would not
escape it are not used for anything but the dashboard's own words."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "dashboard"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def pane_calls(tree: ast.AST, name: str):
    for node in ast.walk(tree):
        func = node.func if isinstance(node, ast.Call) else None
        is_pane = isinstance(func, ast.Attribute) and "pane" in ast.unparse(func.value)
        if is_pane and func.attr == name:
            yield node


def test_no_pane_shows_text_unescaped():
    found = []
    for source in SOURCES:
        tree = ast.parse(source.read_text())
        where = f"{source.relative_to(PACKAGE)}:{{}}"
        found += [where.format(n.lineno) + " Str" for n in pane_calls(tree, "Str")]
        for call in pane_calls(tree, "Markdown"):
            text = call.args[0] if call.args else None
            if not (isinstance(text, ast.Constant) and isinstance(text.value, str)):
                found.append(where.format(call.lineno) + " Markdown of text not written here")
    # Str puts text in <pre> unescaped; Markdown renders HTML and links: only the
    # dashboard's own words, written out in the source, may go through it.
    assert found == []
    assert any(pane_calls(ast.parse((PACKAGE / "views/admin/panel.py").read_text()), "Markdown"))
