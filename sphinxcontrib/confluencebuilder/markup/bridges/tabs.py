"""sphinx-tabs: a ``tabs`` set becomes one tab macro (``confluence_tab_macro``) or one
``expand`` per tab, titled with the tab's name.

For builders it does not know, sphinx-tabs writes plain containers: the set is a
container with class ``sphinx-tabs``; each tab a container holding a container with the
tab's name and its content: a container of the body (``tab``, ``group-tab``) or, for a
``code-tab``, an empty container beside the literal block.
"""

from __future__ import annotations

from docutils import nodes

from ..nodes import confluence_tab, confluence_tabs
from .base import BridgeTransform, located


def _is_tab_set(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and "sphinx-tabs" in node.get("classes", ())


def _tab(item: nodes.Node) -> confluence_tab | None:
    """The tab of one item: its first container names it, all that follows is content
    (plain containers unwrapped, anything else -- a code-tab's literal block -- kept)."""
    if not isinstance(item, nodes.container) or len(item.children) < 2:
        return None  # not a tab (a tab list of an HTML-like builder)
    name, *rest = item.children
    if not isinstance(name, nodes.container):
        return None
    tab = confluence_tab(title=name.astext().strip())
    for part in rest:
        plain = isinstance(part, nodes.container) and not part.get("classes")
        tab.extend(part.children if plain else [part])
    return tab


class Bridge(BridgeTransform):
    extensions = ("sphinx_tabs",)

    def bridge(self) -> None:
        for node in reversed(list(self.document.findall(_is_tab_set))):
            tabs = located(confluence_tabs(), node)
            for item in node.children:
                tab = _tab(item)
                if tab is not None:
                    tabs += tab
            node.replace_self(tabs)
